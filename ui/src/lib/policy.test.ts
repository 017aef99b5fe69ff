import { describe, expect, it } from "vitest";
import type { Field } from "../bindings/Field";
import type { PolicyForm } from "../bindings/PolicyForm";
import type { PolicyLimits } from "../bindings/PolicyLimits";
import { policyProblems, samePolicy, toggleField } from "./policy";

// As the core sends them (Policy::LIMITS); the form must follow whatever they say.
const limits: PolicyLimits = {
  minReturnDays: 1,
  minNotifyDeadlineDays: 1,
  minRecordRetentionYears: 3,
  minCustomerRetentionYears: 1,
  requiredField: "customer_id",
  idleLockMinutes: [1, 240],
  lockoutAttempts: [3, 20],
  lockoutMinutes: [1, 1440],
  approvalLifetimeDays: [1, 90],
  approvalCustomersOver: [1, 100000],
};

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
    signIn: { idleLockMinutes: 15, lockoutAttempts: 5, lockoutMinutes: 15 },
    approval: { extraFields: true, manyCustomers: true, customersOver: 50, passphrase: true, lifetimeDays: 7 },
    supervision: "warn",
  };
}

describe("toggleField", () => {
  it("adds in column order and removes, for one work type only", () => {
    const on = toggleField(form(), "repair", "phone", selectable, limits);
    expect(on.workTypes[0].fields).toEqual(["customer_id", "name", "address", "phone"]);
    const kana = toggleField(on, "repair", "name_kana", selectable, limits);
    expect(kana.workTypes[0].fields).toEqual(["customer_id", "name", "name_kana", "address", "phone"]);
    expect(kana.workTypes[1].fields).toEqual(["customer_id", "name"]);
    const off = toggleField(kana, "repair", "name", selectable, limits);
    expect(off.workTypes[0].fields).not.toContain("name");
  });
  it("never removes the customer ID nor adds what cannot be selected", () => {
    const f = form();
    expect(toggleField(f, "repair", "customer_id", selectable, limits)).toBe(f);
    expect(toggleField(f, "repair", "card_number", selectable, limits)).toBe(f);
    expect(toggleField(f, "repair", "bank_account", selectable, limits).workTypes[0].fields).not.toContain("bank_account");
  });
});

describe("policyProblems", () => {
  it("accepts the defaults", () => {
    expect(policyProblems(form(), limits)).toEqual([]);
  });
  it("says when an approval or sign-in number leaves the core's range, at either end", () => {
    const f = form();
    expect(policyProblems({ ...f, approval: { ...f.approval, lifetimeDays: 91 } }, limits)).toEqual(["range"]);
    expect(policyProblems({ ...f, approval: { ...f.approval, customersOver: 0 } }, limits)).toEqual(["range"]);
    expect(policyProblems({ ...f, signIn: { ...f.signIn, idleLockMinutes: 1.5 } }, limits)).toEqual(["range"]);
    expect(policyProblems({ ...f, signIn: { ...f.signIn, lockoutAttempts: 2 } }, limits)).toEqual(["range"]);
    // The bounds are the core's: a wider range from it accepts what this one refused.
    const wider = { ...limits, approvalLifetimeDays: [1, 120] as [number, number] };
    expect(policyProblems({ ...f, approval: { ...f.approval, lifetimeDays: 91 } }, wider)).toEqual([]);
    // Ticking a rule off is a change, not a problem.
    const off = { ...f, approval: { ...f.approval, passphrase: false } };
    expect(policyProblems(off, limits)).toEqual([]);
    expect(samePolicy(off, f)).toBe(false);
  });
  it("names each refused number", () => {
    expect(policyProblems({ ...form(), recordRetentionYears: 2 }, limits)).toEqual(["retention"]);
    expect(policyProblems({ ...form(), customerRetentionYears: 0 }, limits)).toEqual(["customerRetention"]);
    expect(policyProblems({ ...form(), returnDays: 0, notifyDeadlineDays: 1.5 }, limits)).toEqual(["return", "notify"]);
    expect(policyProblems({ ...form(), notifyDeadlineDays: 0 }, limits)).toEqual(["notify"]);
    expect(policyProblems({ ...form(), returnDays: Number.NaN }, limits)).toEqual(["return"]);
  });
  it("follows the bounds the core sends, not its own", () => {
    const stricter = { ...limits, minRecordRetentionYears: 7, minNotifyDeadlineDays: 20 };
    expect(policyProblems(form(), stricter)).toEqual(["notify", "retention"]);
    const other = { ...limits, requiredField: "name" as const };
    expect(toggleField(form(), "repair", "name", selectable, other).workTypes[0].fields).toContain("name");
    expect(toggleField(form(), "repair", "customer_id", selectable, other).workTypes[0].fields).not.toContain("customer_id");
  });
});

describe("samePolicy", () => {
  it("ignores field order and sees every change", () => {
    const a = form();
    const b = form();
    b.workTypes[0].fields = ["address", "customer_id", "name"];
    expect(samePolicy(a, b)).toBe(true);
    expect(samePolicy(a, { ...a, returnDays: 31 })).toBe(false);
    expect(samePolicy(a, { ...a, signIn: { ...a.signIn, lockoutMinutes: 30 } })).toBe(false);
    expect(samePolicy(a, { ...a, approval: { ...a.approval, passphrase: false } })).toBe(false);
    expect(samePolicy(a, { ...a, approval: { ...a.approval, lifetimeDays: 3 } })).toBe(false);
    expect(samePolicy(a, { ...a, supervision: "refuse" })).toBe(false);
    expect(samePolicy(a, toggleField(a, "removal", "phone", selectable, limits))).toBe(false);
  });
});
