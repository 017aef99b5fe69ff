import { describe, expect, it } from "vitest";
import type { ContractorChoice } from "../bindings/ContractorChoice";
import type { ContractorRefusal } from "../bindings/ContractorRefusal";
import {
  addDays,
  afterChange,
  emptyDraft,
  firstBlocked,
  methodOffered,
  passphraseForced,
  selection,
  stepProblem,
  usesPassphrase,
  type Draft,
  type Known,
} from "./wizard";

function choice(id: string, opts: { keyed: boolean; refusal?: ContractorRefusal }): ContractorChoice {
  const r = opts.refusal ?? null;
  const noKey: ContractorRefusal = { kind: "no_key" };
  return {
    contractor: {
      id,
      name: id,
      address: null,
      contact: null,
      recipients: opts.keyed ? ["age1x"] : [],
      agreementSigned: "2020-01-01",
      agreementExpires: "2099-01-01",
    },
    keys: [],
    status: r ? "expired" : "valid",
    refusal: r,
    methods: [
      { method: "transfer", passphrase: false, refusal: r ?? (opts.keyed ? null : noKey) },
      { method: "transfer", passphrase: true, refusal: r },
      { method: "media", passphrase: false, refusal: r ?? (opts.keyed ? null : noKey) },
      { method: "media", passphrase: true, refusal: r },
      { method: "paper", passphrase: false, refusal: r },
    ],
    supervision: [],
  };
}

const known: Known = {
  contractors: [
    choice("KEYED", { keyed: true }),
    choice("KEYLESS", { keyed: false }),
    choice("EXPIRED", { keyed: true, refusal: { kind: "agreement_expired", expired: "2026-11-22" } }),
  ],
  excluded: new Map([["C0007", { kind: "opt_out", request_id: "REQ-2026-0001", status: "pending" }]]),
};

function draft(change: Partial<Draft>): Draft {
  return { ...emptyDraft(), ...change };
}

describe("step validation", () => {
  it("needs a work type and a contractor the core accepts", () => {
    expect(stepProblem("work", emptyDraft(), known)).toBe("needWorkType");
    expect(stepProblem("work", draft({ workType: "repair" }), known)).toBeNull();
    expect(stepProblem("contractor", draft({}), known)).toBe("needContractor");
    expect(stepProblem("contractor", draft({ contractorId: "NOPE" }), known)).toBe("needContractor");
    expect(stepProblem("contractor", draft({ contractorId: "EXPIRED" }), known)).toBe("contractorRefused");
    expect(stepProblem("contractor", draft({ contractorId: "KEYLESS" }), known)).toBeNull();
  });
  it("needs at least one customer who can be included", () => {
    expect(stepProblem("customers", draft({}), known)).toBe("needCustomers");
    expect(stepProblem("customers", draft({ customers: ["C0007"] }), known)).toBe("onlyExcluded");
    expect(stepProblem("customers", draft({ customers: ["C0007", "C0001"] }), known)).toBeNull();
  });
  it("needs a reason for every extra field", () => {
    expect(stepProblem("fields", draft({ extras: { email: "  " } }), known)).toBe("needReason");
    expect(stepProblem("fields", draft({ extras: { email: "連絡用" } }), known)).toBeNull();
    expect(stepProblem("fields", draft({}), known)).toBeNull();
  });
  it("needs a method, a destination and a passphrase typed twice when one is used", () => {
    const base = { contractorId: "KEYED", method: "transfer" as const };
    expect(stepProblem("method", draft({ contractorId: "KEYED" }), known)).toBe("needMethod");
    expect(stepProblem("method", draft(base), known)).toBe("needOut");
    expect(stepProblem("method", draft({ ...base, out: "/tmp/x.age" }), known)).toBeNull();
    const pass = { ...base, out: "/tmp/x.age", usePassphrase: true };
    expect(stepProblem("method", draft(pass), known)).toBe("needPassphrase");
    expect(stepProblem("method", draft({ ...pass, passphrase: "abcdefgh", passphraseAgain: "abcdefgX" }), known)).toBe(
      "passphraseMismatch",
    );
    expect(stepProblem("method", draft({ ...pass, passphrase: "abcdefgh", passphraseAgain: "abcdefgh" }), known)).toBeNull();
  });
  it("forces the passphrase for a contractor without a key, never for paper", () => {
    const c = known.contractors[1];
    expect(passphraseForced(c, "transfer")).toBe(true);
    expect(passphraseForced(c, "paper")).toBe(false);
    expect(passphraseForced(known.contractors[0], "transfer")).toBe(false);
    const d = draft({ contractorId: "KEYLESS", method: "media", out: "/media/usb" });
    expect(usesPassphrase(d, known)).toBe(true);
    expect(stepProblem("method", d, known)).toBe("needPassphrase");
    expect(usesPassphrase(draft({ contractorId: "KEYLESS", method: "paper", usePassphrase: true }), known)).toBe(false);
  });
  it("offers no method the core refuses", () => {
    const expired = known.contractors[2];
    expect(methodOffered(expired, "paper")).toBe(false);
    expect(methodOffered(known.contractors[1], "transfer")).toBe(true);
    expect(stepProblem("method", draft({ contractorId: "EXPIRED", method: "paper", out: "/tmp/s.html" }), known)).toBe(
      "methodRefused",
    );
  });
  it("lets the indicator jump only up to the first unfinished step", () => {
    const d = draft({ workType: "repair", contractorId: "KEYED" });
    expect(firstBlocked(d, known, "review")).toBe("customers");
    expect(firstBlocked(d, known, "customers")).toBeNull();
  });
});

describe("selection", () => {
  it("is what the core takes, paper standing in before a method is chosen", () => {
    const d = draft({ workType: "wiring", contractorId: "KEYLESS", customers: ["C1"], extras: { notes: "鍵の場所" } });
    expect(selection(d, known)).toEqual({
      contractorId: "KEYLESS",
      workType: "wiring",
      customers: ["C1"],
      extraFields: [{ field: "notes", reason: "鍵の場所" }],
      method: "paper",
      passphrase: false,
    });
    expect(selection({ ...d, method: "transfer" }, known).passphrase).toBe(true);
  });
});

describe("afterChange", () => {
  it("forgets extras when the work type changes and the method when the contractor does", () => {
    const d = draft({ workType: "repair", contractorId: "KEYED", extras: { email: "x" }, method: "media", out: "/m" });
    expect(afterChange(d, { workType: "removal" }).extras).toEqual({});
    expect(afterChange(d, { workType: "repair" }).extras).toEqual({ email: "x" });
    const c = afterChange(d, { contractorId: "KEYLESS" });
    expect([c.method, c.out]).toEqual([null, null]);
    expect(afterChange(d, { method: "transfer" }).out).toBeNull();
    expect(afterChange({ ...d, armor: true }, { method: "paper" }).armor).toBe(false);
  });
  it("forgets the approval asked for once the selection changes (it was for exactly that)", () => {
    const d = draft({ workType: "repair", contractorId: "KEYED", customers: ["C1"], approval: "APR-2026-0001" });
    expect(afterChange(d, { customers: ["C1", "C2"] }).approval).toBeNull();
    expect(afterChange(d, { extras: { email: "連絡" } }).approval).toBeNull();
    expect(afterChange(d, { returnBy: "2027-01-01" }).approval).toBeNull();
    expect(afterChange(d, { out: "/b.age", armor: true }).approval).toBe("APR-2026-0001");
  });
});

describe("addDays", () => {
  it("crosses months and years", () => {
    expect(addDays("2026-11-23", 30)).toBe("2026-12-23");
    expect(addDays("2026-12-20", 14)).toBe("2027-01-03");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
  });
});
