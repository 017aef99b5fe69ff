import { describe, expect, it } from "vitest";
import { RESTRICTABLE, filterFor } from "./Requests";

describe("requests screen", () => {
  it("asks the core for exactly the tab's requests", () => {
    expect(filterFor("pending")).toEqual({ customerId: null, status: "pending", overdue: false });
    expect(filterFor("overdue")).toEqual({ customerId: null, status: null, overdue: true });
    expect(filterFor("all")).toEqual({ customerId: null, status: null, overdue: false });
  });

  it("never offers payment fields or the customer number as a restriction", () => {
    for (const f of ["bank_account", "card_number", "customer_id"]) {
      expect(RESTRICTABLE as string[]).not.toContain(f);
    }
    expect(RESTRICTABLE).toContain("floor_plan");
    expect(new Set(RESTRICTABLE).size).toBe(RESTRICTABLE.length);
  });
});
