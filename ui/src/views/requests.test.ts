import { describe, expect, it } from "vitest";
import { filterFor } from "./Requests";

describe("requests screen", () => {
  it("asks the core for exactly the tab's requests", () => {
    expect(filterFor("pending")).toEqual({ customerId: null, status: "pending", overdue: false });
    expect(filterFor("overdue")).toEqual({ customerId: null, status: null, overdue: true });
    expect(filterFor("all")).toEqual({ customerId: null, status: null, overdue: false });
  });
});
