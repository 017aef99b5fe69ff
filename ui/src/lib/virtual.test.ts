import { describe, expect, it } from "vitest";
import { visibleWindow } from "./virtual";

describe("visibleWindow", () => {
  it("renders only the rows in view plus overscan", () => {
    const w = visibleWindow(100_000, 32, 32 * 5000, 640, 8);
    expect(w.start).toBe(4992);
    expect(w.end).toBe(5000 + 21 + 8);
    expect(w.offsetTop).toBe(4992 * 32);
    expect(w.totalHeight).toBe(3_200_000);
  });
  it("clamps at both ends", () => {
    expect(visibleWindow(10, 32, 0, 640).start).toBe(0);
    expect(visibleWindow(10, 32, 0, 640).end).toBe(10);
    const w = visibleWindow(10, 32, 99999, 640);
    expect(w.end).toBe(10);
    expect(w.start).toBeGreaterThanOrEqual(0);
  });
  it("handles an empty list", () => {
    expect(visibleWindow(0, 32, 0, 640)).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
  });
});
