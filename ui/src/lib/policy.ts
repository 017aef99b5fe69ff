// The policy editor's logic: ticking fields, what would be refused, and whether anything
// changed. The core validates again on save (Policy::validate); this only lets the form say
// what is wrong before the round trip.
import type { Field } from "../bindings/Field";
import type { PolicyForm } from "../bindings/PolicyForm";
import type { WorkType } from "../bindings/WorkType";

/** The field every minimal set must hold (the contractor refers to the customer by it). */
export const REQUIRED: Field = "customer_id";

/** Tick or untick `field` for `workType`; the customer ID cannot be unticked. */
export function toggleField(form: PolicyForm, workType: WorkType, field: Field, selectable: Field[]): PolicyForm {
  if (field === REQUIRED || !selectable.includes(field)) return form;
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

export type PolicyProblem = "retention" | "customerRetention" | "return" | "notify";

/** What the core would refuse, checked before saving. */
export function policyProblems(form: PolicyForm): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const whole = (n: number, min: number) => Number.isInteger(n) && n >= min;
  if (!whole(form.returnDays, 1)) out.push("return");
  if (!whole(form.notifyDeadlineDays, 1)) out.push("notify");
  if (!whole(form.recordRetentionYears, 3)) out.push("retention");
  if (!whole(form.customerRetentionYears, 1)) out.push("customerRetention");
  return out;
}

/** Whether two policies say the same (field order within a set does not matter). */
export function samePolicy(a: PolicyForm, b: PolicyForm): boolean {
  if (a.returnDays !== b.returnDays || a.notifyDeadlineDays !== b.notifyDeadlineDays) return false;
  if (a.recordRetentionYears !== b.recordRetentionYears) return false;
  if (a.customerRetentionYears !== b.customerRetentionYears) return false;
  if (a.workTypes.length !== b.workTypes.length) return false;
  return a.workTypes.every((w) => {
    const o = b.workTypes.find((x) => x.id === w.id);
    return !!o && o.fields.length === w.fields.length && w.fields.every((f) => o.fields.includes(f));
  });
}
