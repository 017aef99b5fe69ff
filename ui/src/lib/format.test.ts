import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime } from "./format";

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

describe("formatDateTime", () => {
  it("writes a moment in the UI's order, never the system's", () => {
    const at = new Date(2026, 11, 5, 9, 5, 30);
    expect(formatDateTime(at, "ja")).toBe("2026年12月5日 9:05");
    expect(formatDateTime(at, "en")).toBe("5 Dec 2026 9:05");
  });
});
