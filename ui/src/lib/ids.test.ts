import { describe, expect, it } from "vitest";
import { matchIds, parseIds } from "./ids";

describe("parseIds", () => {
  it("splits pasted lists on commas, Japanese commas, spaces and newlines", () => {
    expect(parseIds("C0001, C0002\nC0003、C0004　C0005")).toEqual(["C0001", "C0002", "C0003", "C0004", "C0005"]);
  });
  it("splits a column copied from Excel (CRLF, tabs)", () => {
    expect(parseIds("C0001\r\nC0002\r\n\tC0003\r\n")).toEqual(["C0001", "C0002", "C0003"]);
  });
  it("makes full-width ids half-width, as the core stores them", () => {
    expect(parseIds("Ｃ０００１，Ｃ０００２")).toEqual(["C0001", "C0002"]);
  });
  it("drops repeats, keeping the first place", () => {
    expect(parseIds("C2 C1 C2 C3 C1")).toEqual(["C2", "C1", "C3"]);
  });
  it("ignores blanks", () => {
    expect(parseIds(" \n ,, ")).toEqual([]);
  });
});

describe("matchIds", () => {
  it("sorts ids into found (in order) and unknown", () => {
    expect(matchIds(["C3", "X9", "C1"], new Set(["C1", "C2", "C3"]))).toEqual({ found: ["C3", "C1"], unknown: ["X9"] });
  });
});
