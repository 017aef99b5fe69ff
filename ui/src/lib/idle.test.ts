import { describe, expect, it } from "vitest";
import { IdleClock } from "./idle";

describe("IdleClock", () => {
  it("is idle only once the minutes passed without use, and use starts the count again", () => {
    const c = new IdleClock(0);
    expect(c.idle(14 * 60_000 + 59_999, 15)).toBe(false);
    expect(c.idle(15 * 60_000, 15)).toBe(true);
    c.touch(10 * 60_000);
    expect(c.idle(15 * 60_000, 15)).toBe(false);
    expect(c.idle(25 * 60_000, 15)).toBe(true);
  });
  it("never counts back, and never locks sooner than a minute", () => {
    const c = new IdleClock(60_000);
    c.touch(0);
    expect(c.idle(60_000 + 59_999, 1)).toBe(false);
    expect(c.idle(120_000, 1)).toBe(true);
    expect(c.idle(120_000 - 1, 0)).toBe(false);
  });
});
