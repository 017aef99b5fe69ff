import { describe, expect, it } from "vitest";
import type { Customer } from "../bindings/Customer";
import { BLOCK, PageCache } from "./pages";

const customer = (i: number) => ({ customerId: `C${i}` }) as unknown as Customer;
const rows = (from: number, n: number) => Array.from({ length: n }, (_, k) => customer(from + k));

describe("PageCache", () => {
  it("asks for each missing block once and serves rows when they arrive", () => {
    const c = new PageCache("", 1000);
    expect(c.claim(0, 30)).toEqual([0]);
    expect(c.claim(0, 30)).toEqual([]); // already asked
    expect(c.rowAt(5)).toBeUndefined();
    c.put(0, rows(0, BLOCK));
    expect(c.rowAt(5)?.customerId).toBe("C5");
    expect(c.claim(BLOCK - 10, BLOCK + 10)).toEqual([1]);
    expect(c.claim(3 * BLOCK + 1, 5 * BLOCK + 5)).toEqual([3, 4]); // block 5 is past the total
  });
  it("never asks past the end, and asks again after a failure", () => {
    const c = new PageCache("x", 0);
    expect(c.claim(0, 50)).toEqual([]);
    const d = new PageCache("y", 10);
    expect(d.claim(0, 50)).toEqual([0]);
    d.release(0);
    expect(d.claim(0, 50)).toEqual([0]);
  });
});
