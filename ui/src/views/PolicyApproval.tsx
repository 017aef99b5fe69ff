// The policy editor's 上長承認 rules and sign-in numbers. Shown only to whoever may edit the
// policy (a manager; the core refuses anyone else on save); each number's range is the core's
// (PolicyLimits, the Policy::LIMITS that Policy::validate enforces), shown beside it.
import type { ApprovalPolicy } from "../bindings/ApprovalPolicy";
import type { PolicyForm } from "../bindings/PolicyForm";
import type { PolicyLimits } from "../bindings/PolicyLimits";
import type { SignInPolicy } from "../bindings/SignInPolicy";
import { inRange } from "../lib/policy";
import { t } from "../i18n";

type Props = { form: PolicyForm; limits: PolicyLimits; onChange: (form: PolicyForm) => void };

/** A whole-number box with its range from the core beside it. */
function RangedNumber({ label, value, range, onValue, testid }: {
  label: string;
  value: number;
  range: [number, number];
  onValue: (n: number) => void;
  testid: string;
}) {
  const bad = !inRange(value, range);
  return (
    <label>
      {label}
      <span class="row">
        <input
          type="number"
          min={range[0]}
          max={range[1]}
          step={1}
          value={Number.isNaN(value) ? "" : value}
          aria-invalid={bad}
          onInput={(e) => onValue((e.target as HTMLInputElement).valueAsNumber)}
          data-testid={testid}
        />
        <span class="muted" data-testid={`${testid}-range`}>{t().range(range[0], range[1])}</span>
      </span>
    </label>
  );
}

/** Which handovers need a manager's approval, and how long a request and an approval last. */
export function ApprovalRules({ form, limits, onChange }: Props) {
  const tx = t();
  const a = form.approval;
  const set = (patch: Partial<ApprovalPolicy>) => onChange({ ...form, approval: { ...a, ...patch } });
  const tick = (k: "extraFields" | "manyCustomers" | "passphrase", label: string) => (
    <label class="check">
      <input type="checkbox" checked={a[k]} onChange={() => set({ [k]: !a[k] })} data-testid={`policy-approval-${k}`} />
      {label}
    </label>
  );
  return (
    <fieldset class="form numbers" data-testid="policy-approval">
      <legend>{tx.approvalTitle}</legend>
      <p class="muted">{tx.approvalLead}</p>
      {tick("extraFields", tx.prExtraFields)}
      {tick("manyCustomers", tx.manyCustomers)}
      <RangedNumber label={tx.customersOver} value={a.customersOver} range={limits.approvalCustomersOver} onValue={(n) => set({ customersOver: n })} testid="policy-approval-customers-over" />
      {tick("passphrase", tx.prPassphrase)}
      <RangedNumber label={tx.lifetimeDays} value={a.lifetimeDays} range={limits.approvalLifetimeDays} onValue={(n) => set({ lifetimeDays: n })} testid="policy-approval-lifetime" />
    </fieldset>
  );
}

/** The idle lock and the lockout after wrong passwords. */
export function SignInRules({ form, limits, onChange }: Props) {
  const tx = t();
  const s = form.signIn;
  const set = (patch: Partial<SignInPolicy>) => onChange({ ...form, signIn: { ...s, ...patch } });
  return (
    <fieldset class="form numbers" data-testid="policy-sign-in">
      <legend>{tx.signInTitle}</legend>
      <RangedNumber label={tx.idleLockMinutes} value={s.idleLockMinutes} range={limits.idleLockMinutes} onValue={(n) => set({ idleLockMinutes: n })} testid="policy-idle-lock" />
      <RangedNumber label={tx.lockoutAttempts} value={s.lockoutAttempts} range={limits.lockoutAttempts} onValue={(n) => set({ lockoutAttempts: n })} testid="policy-lockout-attempts" />
      <RangedNumber label={tx.lockoutMinutes} value={s.lockoutMinutes} range={limits.lockoutMinutes} onValue={(n) => set({ lockoutMinutes: n })} testid="policy-lockout-minutes" />
    </fieldset>
  );
}
