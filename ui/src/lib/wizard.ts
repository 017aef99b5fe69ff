// The new-handover wizard's state and when a step may be left. Only the shape of the input is
// checked here (something chosen, a reason written, the passphrase typed the same twice); every
// rule about who may receive what comes from the core: refusals arrive with the contractor
// choices and the register screening, and the method and date steps ask `handover_check`
// before moving on.
import type { ContractorChoice } from "../bindings/ContractorChoice";
import type { ContractorRefusal } from "../bindings/ContractorRefusal";
import type { ExclusionReason } from "../bindings/ExclusionReason";
import type { ExtraField } from "../bindings/ExtraField";
import type { Field } from "../bindings/Field";
import type { Method } from "../bindings/Method";
import type { Selection } from "../bindings/Selection";
import type { WorkType } from "../bindings/WorkType";

export const STEPS = ["work", "contractor", "customers", "fields", "method", "returnBy", "review"] as const;
export type StepId = (typeof STEPS)[number];

export interface Draft {
  workType: WorkType | null;
  contractorId: string | null;
  /** Chosen customers, in the order they were chosen. */
  customers: string[];
  /** Extra fields and the reason written for each. */
  extras: Partial<Record<Field, string>>;
  method: Method | null;
  armor: boolean;
  usePassphrase: boolean;
  passphrase: string;
  passphraseAgain: string;
  /** transfer and paper: the file to write; media: the folder. */
  out: string | null;
  /** YYYY-MM-DD; empty means the policy's default. */
  returnBy: string;
  /** The manager's approval asked for this draft (上長承認), which the pack names. */
  approval: string | null;
}

export function emptyDraft(): Draft {
  return {
    workType: null,
    contractorId: null,
    customers: [],
    extras: {},
    method: null,
    armor: false,
    usePassphrase: false,
    passphrase: "",
    passphraseAgain: "",
    out: null,
    returnBy: "",
    approval: null,
  };
}

/** What the wizard knows from the core while it runs. */
export interface Known {
  contractors: ContractorChoice[];
  /** Customers the register screening leaves out for the chosen work type. */
  excluded: ReadonlyMap<string, ExclusionReason>;
}

/** Why a step cannot be left yet: a key of the wizard's texts, or null when it can. */
export type Problem =
  | "needWorkType"
  | "needContractor"
  | "contractorRefused"
  | "needCustomers"
  | "onlyExcluded"
  | "needReason"
  | "needMethod"
  | "methodRefused"
  | "needPassphrase"
  | "passphraseMismatch"
  | "needOut";

export function contractorOf(d: Draft, k: Known): ContractorChoice | undefined {
  return k.contractors.find((c) => c.contractor.id === d.contractorId);
}

/** The core's answer for a method with or without the passphrase fallback. */
export function methodRefusal(c: ContractorChoice | undefined, method: Method, passphrase: boolean): ContractorRefusal | null {
  const o = c?.methods.find((m) => m.method === method && m.passphrase === passphrase);
  return o ? o.refusal : { kind: "no_key" };
}

/** A method is offered when the core accepts it with or without the passphrase. */
export function methodOffered(c: ContractorChoice | undefined, method: Method): boolean {
  return methodRefusal(c, method, false) === null || (method !== "paper" && methodRefusal(c, method, true) === null);
}

/** The passphrase fallback is the only way for this method (the contractor has no key). */
export function passphraseForced(c: ContractorChoice | undefined, method: Method): boolean {
  return method !== "paper" && methodRefusal(c, method, false) !== null && methodRefusal(c, method, true) === null;
}

/** Does the handover use a passphrase? */
export function usesPassphrase(d: Draft, k: Known): boolean {
  if (!d.method || d.method === "paper") return false;
  return d.usePassphrase || passphraseForced(contractorOf(d, k), d.method);
}

export function extraFields(d: Draft): ExtraField[] {
  return Object.entries(d.extras).map(([field, reason]) => ({ field: field as Field, reason: reason ?? "" }));
}

/**
 * The selection as the core takes it. Before a method is chosen, `paper` stands in: it is the
 * one method whose checks are only the agreement, so the fields step can already show what each
 * customer would receive.
 */
export function selection(d: Draft, k: Known): Selection {
  return {
    contractorId: d.contractorId ?? "",
    workType: d.workType ?? "installation",
    customers: d.customers,
    extraFields: extraFields(d),
    method: d.method ?? "paper",
    passphrase: usesPassphrase(d, k),
  };
}

/** Why `step` cannot be left, or null. */
export function stepProblem(step: StepId, d: Draft, k: Known): Problem | null {
  switch (step) {
    case "work":
      return d.workType ? null : "needWorkType";
    case "contractor": {
      const c = contractorOf(d, k);
      if (!c) return "needContractor";
      return c.refusal ? "contractorRefused" : null;
    }
    case "customers":
      if (d.customers.length === 0) return "needCustomers";
      return d.customers.every((id) => k.excluded.has(id)) ? "onlyExcluded" : null;
    case "fields":
      return extraFields(d).some((x) => x.reason.trim() === "") ? "needReason" : null;
    case "method": {
      if (!d.method) return "needMethod";
      const c = contractorOf(d, k);
      const pass = usesPassphrase(d, k);
      if (methodRefusal(c, d.method, pass)) return "methodRefused";
      if (pass) {
        if (!d.passphrase) return "needPassphrase";
        if (d.passphrase !== d.passphraseAgain) return "passphraseMismatch";
      }
      return d.out ? null : "needOut";
    }
    case "returnBy":
    case "review":
      return null;
  }
}

/** The first step that cannot be left, at or before `upTo`: how far the indicator lets one jump. */
export function firstBlocked(d: Draft, k: Known, upTo: StepId): StepId | null {
  for (const s of STEPS) {
    if (s === upTo) return null;
    if (stepProblem(s, d, k)) return s;
  }
  return null;
}

/** Changing an earlier answer can make later ones wrong: what to forget. */
const SELECTION_KEYS: (keyof Draft)[] = ["workType", "contractorId", "customers", "extras", "method", "usePassphrase", "returnBy"];

export function afterChange(d: Draft, change: Partial<Draft>): Draft {
  const next = { ...d, ...change };
  if (change.workType !== undefined && change.workType !== d.workType) next.extras = {};
  if (change.contractorId !== undefined && change.contractorId !== d.contractorId) {
    next.method = null;
    next.usePassphrase = false;
    next.out = null;
  }
  if (change.method !== undefined && change.method !== d.method) next.out = null;
  if (next.method === "paper") next.armor = false;
  // An approval is for exactly what was asked: another selection needs its own.
  if (SELECTION_KEYS.some((k) => k in change)) next.approval = null;
  return next;
}

/** YYYY-MM-DD plus `days` (calendar arithmetic in UTC, no time-zone drift). */
export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return t.toISOString().slice(0, 10);
}

/** A file name for the save dialog: ASCII, dated; the core names a media file itself. */
export function suggestedName(method: Method, today: string): string {
  return method === "paper" ? `work-order-${today}.html` : `handover-${today}.age`;
}
