import { describe, expect, it } from "vitest";
import { formatDate } from "./format";

describe("formatDate", () => {
  it("writes Japanese dates without zero padding", () => {
    expect(formatDate("2026-04-01", "ja")).toBe("2026年4月1日");
  });
  it("writes English dates", () => {
    expect(formatDate("2026-11-23", "en")).toBe("23 Nov 2026");
  });
  it("passes through what it cannot read and blanks nothing", () => {
    expect(formatDate("someday", "ja")).toBe("someday");
    expect(formatDate(null, "ja")).toBe("");
  });
});
