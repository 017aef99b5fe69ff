import { describe, expect, it } from "vitest";
import type { OpenedCustomer } from "../bindings/OpenedCustomer";
import { columnsOf, formatBytes, imageType, valueOf, workTypeLabel } from "./bundleView";

const customers: OpenedCustomer[] = [
  {
    customerId: "C0001",
    values: [
      { field: "customer_id", value: "C0001" },
      { field: "phone", value: "000-0000-0001" },
      { field: "name", value: "見本 太郎" },
      { field: "floor_plan", value: "floor_plans/C0001.png" },
    ],
    floorPlan: "floor_plans/C0001.png",
  },
  {
    customerId: "C0002",
    values: [
      { field: "customer_id", value: "C0002" },
      { field: "address", value: "架空県見本市1-2-3" },
    ],
    floorPlan: null,
  },
];

describe("columnsOf", () => {
  it("shows only fields handed over, in register order", () => {
    expect(columnsOf(customers)).toEqual(["customer_id", "name", "address", "phone", "floor_plan"]);
    expect(columnsOf([])).toEqual([]);
  });
});

describe("valueOf", () => {
  it("is blank for a field not handed over for that customer", () => {
    expect(valueOf(customers[0], "name")).toBe("見本 太郎");
    expect(valueOf(customers[1], "name")).toBe("");
  });
});

describe("labels and sizes", () => {
  it("names work types in both languages and passes unknown ids through", () => {
    expect(workTypeLabel("repair", "ja")).toBe("故障修理");
    expect(workTypeLabel("repair", "en")).toBe("Fault repair");
    expect(workTypeLabel("server", "ja")).toBe("server");
  });
  it("formats sizes and image types", () => {
    expect(formatBytes(12)).toBe("12 B");
    expect(formatBytes(150_000)).toBe("146 KB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MB");
    expect(imageType("PNG")).toBe("image/png");
    expect(imageType("jpeg")).toBe("image/jpeg");
    expect(imageType("pdf")).toBeNull();
  });
});
