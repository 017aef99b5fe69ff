import { describe, expect, it } from "vitest";
import type { Field } from "../bindings/Field";
import type { PolicyForm } from "../bindings/PolicyForm";
import { policyProblems, samePolicy, toggleField } from "./policy";

const selectable: Field[] = ["customer_id", "name", "name_kana", "address", "phone", "service", "floor_plan"];

function form(): PolicyForm {
  return {
    workTypes: [
      { id: "repair", labelJa: "故障修理", labelEn: "Fault repair", fields: ["customer_id", "name", "address"] },
      { id: "removal", labelJa: "撤去工事", labelEn: "Removal", fields: ["customer_id", "name"] },
    ],
    returnDays: 30,
    notifyDeadlineDays: 14,
    recordRetentionYears: 3,
    customerRetentionYears: 5,
  };
}

describe("toggleField", () => {
  it("adds in column order and removes, for one work type only", () => {
    const on = toggleField(form(), "repair", "phone", selectable);
    expect(on.workTypes[0].fields).toEqual(["customer_id", "name", "address", "phone"]);
    const kana = toggleField(on, "repair", "name_kana", selectable);
    expect(kana.workTypes[0].fields).toEqual(["customer_id", "name", "name_kana", "address", "phone"]);
    expect(kana.workTypes[1].fields).toEqual(["customer_id", "name"]);
    const off = toggleField(kana, "repair", "name", selectable);
    expect(off.workTypes[0].fields).not.toContain("name");
  });
  it("never removes the customer ID nor adds what cannot be selected", () => {
    const f = form();
    expect(toggleField(f, "repair", "customer_id", selectable)).toBe(f);
    expect(toggleField(f, "repair", "card_number", selectable)).toBe(f);
    expect(toggleField(f, "repair", "bank_account", selectable).workTypes[0].fields).not.toContain("bank_account");
  });
});

describe("policyProblems", () => {
  it("accepts the defaults", () => {
    expect(policyProblems(form())).toEqual([]);
  });
  it("names each refused number", () => {
    expect(policyProblems({ ...form(), recordRetentionYears: 2 })).toEqual(["retention"]);
    expect(policyProblems({ ...form(), customerRetentionYears: 0 })).toEqual(["customerRetention"]);
    expect(policyProblems({ ...form(), returnDays: 0, notifyDeadlineDays: 1.5 })).toEqual(["return", "notify"]);
    expect(policyProblems({ ...form(), returnDays: Number.NaN })).toEqual(["return"]);
  });
});

describe("samePolicy", () => {
  it("ignores field order and sees every change", () => {
    const a = form();
    const b = form();
    b.workTypes[0].fields = ["address", "customer_id", "name"];
    expect(samePolicy(a, b)).toBe(true);
    expect(samePolicy(a, { ...a, returnDays: 31 })).toBe(false);
    expect(samePolicy(a, toggleField(a, "removal", "phone", selectable))).toBe(false);
  });
});
