import { useEffect, useState } from "preact/hooks";
import { api } from "../../api";
import type { ExclusionReason } from "../../bindings/ExclusionReason";
import type { Preparation } from "../../bindings/Preparation";
import type { WorkTypeInfo } from "../../bindings/WorkTypeInfo";
import { SheetFrame } from "../../components/SheetFrame";
import { fieldLabel, lang, t } from "../../i18n";
import { formatCount, formatDate } from "../../lib/format";
import { selection } from "../../lib/wizard";
import { ApprovalPanel } from "./ApprovalPanel";
import { encryptionLabel } from "./encryption";
import { withheldText } from "./FieldsStep";
import type { StepProps } from "./Wizard";

/** Step 7: exactly what the contractor will receive, as the core prepares it, before creating. */
export function ReviewStep({ draft, known, update, workTypes, onError }: StepProps & { workTypes: WorkTypeInfo[]; onError: (e: unknown) => void }) {
  const tx = t();
  const [prep, setPrep] = useState<Preparation | null>(null);
  const [sheet, setSheet] = useState<string | null>(null);
  useEffect(() => {
    const sel = selection(draft, known);
    api.prepare(sel).then(setPrep, onError);
    if (draft.method === "paper") api.paperPreview(sel, draft.returnBy || null).then(setSheet, onError);
  }, []);
  if (!prep) return <p class="muted">{tx.checking}</p>;

  return (
    <div data-testid="review-card">
      <p class="lead">{tx.reviewLead}</p>
      <ApprovalPanel draft={draft} known={known} update={update} onError={onError} />
      <ReviewSummary prep={prep} draft={draft} workTypes={workTypes} />
      {prep.encryption === "passphrase" && (
        <div class="banner warn ppap">
          <strong>{tx.ppapTitle}</strong>
          <span>{tx.ppap}</span>
        </div>
      )}
      {sheet && (
        <section class="sheet-preview">
          <h3>{tx.sheetPreview}</h3>
          <SheetFrame html={sheet} title={tx.sheetPreview} testId="sheet-preview" />
        </section>
      )}
      <PerCustomer prep={prep} />
    </div>
  );
}

/** The handover in one card: who, what work, how, for whom it is encrypted, where, until when. */
function ReviewSummary({ prep, draft, workTypes }: { prep: Preparation; draft: StepProps["draft"]; workTypes: WorkTypeInfo[] }) {
  const tx = t();
  const [wt, n] = [workTypes.find((w) => w.id === prep.workType), (x: number) => formatCount(x, lang.value)];
  return (
    <div class="card">
      <dl class="summary">
        <dt>{tx.steps.contractor}</dt>
        <dd>
          <strong>{prep.contractor.name}</strong> <span class="mono muted small">{prep.contractor.id}</span>
        </dd>
        <dt>{tx.steps.work}</dt>
        <dd>{wt ? (lang.value === "ja" ? wt.labelJa : wt.labelEn) : prep.workType}</dd>
        <dt>{tx.steps.method}</dt>
        <dd>
          {tx.methods[prep.method][0]}
          {draft.armor ? `（${tx.wzArmor.split("（")[0].split(" (")[0]}）` : ""}
        </dd>
        <dt>{tx.encryption}</dt>
        <dd data-testid="review-encryption">
          {encryptionLabel(prep.encryption, prep.recipients.length)}
          <Recipients prep={prep} />
        </dd>
        <dt>{tx.destination}</dt>
        <dd>
          <code class="path">{draft.out}</code>
          {draft.method === "media" && <div class="muted small">{tx.mediaName}</div>}
        </dd>
        <dt>{tx.steps.returnBy}</dt>
        <dd>
          <strong>{formatDate(draft.returnBy, lang.value)}</strong>
        </dd>
        <dt>{tx.steps.customers}</dt>
        <dd data-testid="review-count">{tx.customersCount(n(prep.customers.length), prep.excluded.length)}</dd>
        <dt>{tx.steps.fields}</dt>
        <dd>{prep.fields.map(fieldLabel).join("・")}</dd>
        {prep.extraFields.length > 0 && (
          <>
            <dt>{tx.extrasWithReasons}</dt>
            <dd>
              <ul class="plain">
                {prep.extraFields.map((x) => (
                  <li key={x.field}>
                    {fieldLabel(x.field)} — {x.reason}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

/** The keys the bundle is encrypted to: the contractor's, and the office's escrow key. */
function Recipients({ prep }: { prep: Preparation }) {
  const tx = t();
  if (prep.recipients.length === 0 && !prep.escrow) return null;
  return (
    <ul class="plain" data-testid="review-recipients">
      {prep.recipients.map((k) => (
        <li key={k.recipient}>
          <span class="fingerprint key-fp" title={k.recipient}>
            {k.fingerprint}
          </span>
          <span class="muted small">{prep.contractor.name}</span>
        </li>
      ))}
      {prep.escrow && (
        <li data-testid="review-escrow">
          <span class="fingerprint key-fp" title={prep.escrow.recipient}>
            {prep.escrow.fingerprint}
          </span>
          <span class="muted small">{tx.officeKey}</span>
        </li>
      )}
    </ul>
  );
}

/** What each customer's row holds and lacks, and who is left out altogether. */
function PerCustomer({ prep }: { prep: Preparation }) {
  const tx = t();
  return (
    <>
      <table class="review" data-testid="review-table">
        <thead>
          <tr>
            <th>{tx.steps.customers}</th>
            <th>{tx.wzIncluded}</th>
            <th>{tx.wzWithheld}</th>
          </tr>
        </thead>
        <tbody>
          {prep.customers.map((c) => (
            <tr key={c.customerId}>
              <td>
                <span class="mono">{c.customerId}</span> {c.name}
              </td>
              <td>{c.included.map(fieldLabel).join("・")}</td>
              <td class="muted">
                {c.withheld
                  .map((w) => [w.field, withheldText(w.reason)] as const)
                  .filter(([, why]) => why)
                  .map(([f, why]) => `${fieldLabel(f)}（${why}）`)
                  .join("、")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {prep.excluded.length > 0 && (
        <>
          <h3>{tx.excludedTitle}</h3>
          <ul class="excluded" data-testid="review-excluded">
            {prep.excluded.map((e) => (
              <li key={e.customerId}>
                <span class="mono">{e.customerId}</span> — {tx.excludedReason(e.reason as ExclusionReason)}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
