import { describe, expect, it } from "vitest";
import { parseIds } from "../views/NewHandover";

describe("parseIds", () => {
  it("splits pasted lists on commas, Japanese commas, spaces and newlines", () => {
    expect(parseIds("C0001, C0002\nC0003、C0004　C0005")).toEqual(["C0001", "C0002", "C0003", "C0004", "C0005"]);
  });
  it("ignores blanks", () => {
    expect(parseIds(" \n ,, ")).toEqual([]);
  });
});
