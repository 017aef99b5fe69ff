import { describe, expect, it } from "vitest";
import { passphraseProblem } from "./MyKey";

describe("passphraseProblem", () => {
  it("allows no passphrase at all", () => {
    expect(passphraseProblem("", "")).toBeNull();
  });
  it("wants 8 characters (counted as characters, not bytes) and the same twice", () => {
    expect(passphraseProblem("short", "short")).toBe("short");
    expect(passphraseProblem("", "something")).toBe("short");
    expect(passphraseProblem("やまかわさくらもち", "やまかわさくらもち")).toBeNull();
    expect(passphraseProblem("correct horse", "correct house")).toBe("mismatch");
  });
});
