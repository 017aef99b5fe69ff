// The policy editor's logic: ticking fields, what would be refused, and whether anything
// changed. The bounds come from the core with the policy (PolicyView.limits, the same
// Policy::LIMITS that Policy::validate enforces); the core validates again on save. This only
// lets the form say what is wrong before the round trip.
import type { Field } from "../bindings/Field";
import type { PolicyForm } from "../bindings/PolicyForm";
import type { PolicyLimits } from "../bindings/PolicyLimits";
import type { WorkType } from "../bindings/WorkType";

/** Tick or untick `field` for `workType`; the field every set holds cannot be unticked. */
export function toggleField(
  form: PolicyForm,
  workType: WorkType,
  field: Field,
  selectable: Field[],
  limits: PolicyLimits,
): PolicyForm {
  if (field === limits.requiredField || !selectable.includes(field)) return form;
  return {
    ...form,
    workTypes: form.workTypes.map((w) => {
      if (w.id !== workType) return w;
      const has = w.fields.includes(field);
      const next = has ? w.fields.filter((f) => f !== field) : [...w.fields, field];
      // Keep the register's column order, as the core stores it.
      return { ...w, fields: selectable.filter((f) => next.includes(f)) };
    }),
  };
}

export type PolicyProblem = "retention" | "customerRetention" | "return" | "notify" | "range";

/** The numbers of the form, each with its bound from the core and the problem it raises. */
export function policyNumbers(limits: PolicyLimits) {
  return [
    { key: "returnDays", min: limits.minReturnDays, problem: "return" },
    { key: "notifyDeadlineDays", min: limits.minNotifyDeadlineDays, problem: "notify" },
    { key: "recordRetentionYears", min: limits.minRecordRetentionYears, problem: "retention" },
    { key: "customerRetentionYears", min: limits.minCustomerRetentionYears, problem: "customerRetention" },
  ] as const;
}

/** The sign-in and approval numbers, each with its range from the core (Policy::LIMITS). */
export function rangedNumbers(form: PolicyForm, limits: PolicyLimits): [number, [number, number]][] {
  return [
    [form.signIn.idleLockMinutes, limits.idleLockMinutes],
    [form.signIn.lockoutAttempts, limits.lockoutAttempts],
    [form.signIn.lockoutMinutes, limits.lockoutMinutes],
    [form.approval.customersOver, limits.approvalCustomersOver],
    [form.approval.lifetimeDays, limits.approvalLifetimeDays],
  ];
}

/** Whether `n` is a whole number within `[min, max]`. */
export function inRange(n: number, [min, max]: [number, number]): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

/** What the core would refuse, checked before saving. */
export function policyProblems(form: PolicyForm, limits: PolicyLimits): PolicyProblem[] {
  const below: PolicyProblem[] = policyNumbers(limits)
    .filter(({ key, min }) => !(Number.isInteger(form[key]) && form[key] >= min))
    .map(({ problem }) => problem);
  const outside = rangedNumbers(form, limits).some(([n, range]) => !inRange(n, range));
  return outside ? [...below, "range"] : below;
}

/** Whether two policies say the same (field order within a set does not matter). */
export function samePolicy(a: PolicyForm, b: PolicyForm): boolean {
  if (a.returnDays !== b.returnDays || a.notifyDeadlineDays !== b.notifyDeadlineDays) return false;
  if (a.recordRetentionYears !== b.recordRetentionYears) return false;
  if (a.customerRetentionYears !== b.customerRetentionYears) return false;
  if (a.supervision !== b.supervision) return false;
  const [x, y] = [a.signIn, b.signIn];
  if (x.idleLockMinutes !== y.idleLockMinutes || x.lockoutAttempts !== y.lockoutAttempts) return false;
  if (x.lockoutMinutes !== y.lockoutMinutes) return false;
  const [p, q] = [a.approval, b.approval];
  const keys = ["extraFields", "manyCustomers", "customersOver", "passphrase", "lifetimeDays"] as const;
  if (keys.some((k) => p[k] !== q[k])) return false;
  if (a.workTypes.length !== b.workTypes.length) return false;
  return a.workTypes.every((w) => {
    const o = b.workTypes.find((x) => x.id === w.id);
    return !!o && o.fields.length === w.fields.length && w.fields.every((f) => o.fields.includes(f));
  });
}
