import { describe, expect, it } from "vitest";
import { datePattern, displayDate, localDateTime, outOfRange, parseDateText, shiftDate } from "./dates";

describe("date fields", () => {
  it("show the year first in both languages, never the US order", () => {
    expect(displayDate("2026-11-23", "ja")).toBe("2026/11/23");
    expect(displayDate("2026-11-23", "en")).toBe("2026-11-23");
    for (const lang of ["ja", "en"] as const) {
      expect(displayDate("2026-11-23", lang)).not.toMatch(/^11\/23/);
      expect(datePattern(lang).startsWith("YYYY")).toBe(true);
    }
    expect(displayDate("", "ja")).toBe("");
  });

  it("read what people type, year first", () => {
    for (const typed of ["2026/11/23", "2026-11-23", " 2026/11/23 ", "２０２６／１１／２３", "2026年11月23日", "20261123", "2026.11.23"]) {
      expect(parseDateText(typed), typed).toBe("2026-11-23");
    }
    expect(parseDateText("2026/1/5")).toBe("2026-01-05");
    expect(parseDateText("2028/2/29")).toBe("2028-02-29");
  });

  it("refuse what names no day, or a day in another order", () => {
    for (const typed of ["", "11/23/2026", "23/11/2026", "2026/02/30", "2027/2/29", "2026/13/01", "2026/11", "tomorrow"]) {
      expect(parseDateText(typed), typed).toBeNull();
    }
  });

  it("step by days and check bounds as days", () => {
    expect(shiftDate("2026-12-31", 1)).toBe("2027-01-01");
    expect(shiftDate("2026-03-01", -1)).toBe("2026-02-28");
    expect(outOfRange("2026-11-22", "2026-11-23")).toBe(true);
    expect(outOfRange("2026-11-23", "2026-11-23", "2026-11-23")).toBe(false);
    expect(outOfRange("2026-11-24", undefined, "2026-11-23")).toBe(true);
  });
});

describe("instants", () => {
  it("read in this PC's local time, as each language writes a date and a time", () => {
    // The same instant, built from local parts, so the test holds in any time zone.
    const at = new Date(2026, 11, 6, 9, 5).toISOString();
    expect(localDateTime(at, "ja")).toBe("2026年12月6日 09:05");
    expect(localDateTime(at, "en")).toBe("6 Dec 2026, 09:05");
    expect(localDateTime(new Date(2027, 0, 31, 23, 59).toISOString(), "ja")).toBe("2027年1月31日 23:59");
    expect(localDateTime("not a time", "ja")).toBe("not a time");
  });
});
