import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { ApprovalView } from "../bindings/ApprovalView";
import type { ApprovedContent } from "../bindings/ApprovedContent";
import { ErrorBanner } from "../components/ErrorBanner";
import { fieldLabel, lang, t } from "../i18n";
import { formatDate } from "../lib/format";
import { storeRevision } from "../lib/live";

/** 上長承認: every request with the same review the wizard showed; a manager who did not ask
 * approves or rejects (what the core allows: `canDecide`), the person who asked sees the
 * outcome. */
export function Approvals() {
  const tx = t();
  const [list, setList] = useState<ApprovalView[] | null>(null);
  const [pendingOnly, setPendingOnly] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = () => api.approvals(pendingOnly).then(setList, setError);
  const revision = storeRevision.value;
  useEffect(() => void load(), [pendingOnly, revision]);
  return (
    <section data-testid="approvals">
      <div class="toolbar">
        <h1>{tx.title}</h1>
        <span class="spacer" />
        <label>
          <input type="checkbox" checked={pendingOnly} onChange={(e) => setPendingOnly(e.currentTarget.checked)} /> {tx.pendingOnly}
        </label>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {list && list.length === 0 && <p class="muted">{tx.empty}</p>}
      {list?.map((v) => (
        <ApprovalCard key={v.approval.id} view={v} onChanged={load} />
      ))}
    </section>
  );
}

function ApprovalCard({ view, onChanged }: { view: ApprovalView; onChanged: () => void }) {
  const tx = t();
  const a = view.approval;
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(null);
  const decided = (p: Promise<unknown>) => p.then(onChanged, setError);
  return (
    <div class="card" data-testid={`approval-${a.id}`}>
      <p>
        <strong data-testid="approval-state">{tx.state(view)}</strong> <span class="muted small">{tx.requestedBy(a.requestedBy, a.requestedAt)}</span>
      </p>
      {a.ask.rules.length > 0 && <p class="muted">{a.ask.rules.map(tx.rule).join(" / ")}</p>}
      <Content c={a.ask.content} />
      {view.canDecide && (
        <div class="row">
          <button class="primary" onClick={() => decided(api.approve(a.id))} data-testid="approval-approve">
            {tx.approve}
          </button>
          <input placeholder={tx.apReason} value={reason} onInput={(e) => setReason(e.currentTarget.value)} data-testid="approval-reason" />
          <button onClick={() => decided(api.reject(a.id, reason))} data-testid="approval-reject">
            {tx.reject}
          </button>
        </div>
      )}
      {error ? <ErrorBanner error={error} /> : null}
    </div>
  );
}

/** What the request asked for, as the core recorded it. */
function Content({ c }: { c: ApprovedContent }) {
  const tx = t();
  return (
    <dl class="summary">
      <dt>{tx.steps.contractor}</dt>
      <dd>{`${c.contractorName} (${c.contractorId})`}</dd>
      <dt>{tx.steps.method}</dt>
      <dd>{tx.methods[c.method][0]}</dd>
      <dt>{tx.apReturnBy}</dt>
      <dd>{formatDate(c.returnBy, lang.value)}</dd>
      {c.extraFields.length > 0 && <dt>{tx.extras}</dt>}
      {c.extraFields.length > 0 && <dd>{c.extraFields.map((x) => `${fieldLabel(x.field)}（${x.reason}）`).join("、")}</dd>}
      <dt>{tx.apCustomers(c.customers.length)}</dt>
      <dd data-testid="approval-customers">{c.customers.map((p) => `${p.customerId}: ${p.fields.map(fieldLabel).join("・")}`).join(" / ")}</dd>
      {c.excluded.length > 0 && <dt>{tx.excluded(c.excluded.length)}</dt>}
      {c.excluded.length > 0 && <dd>{c.excluded.map((e) => e.customerId).join("、")}</dd>}
    </dl>
  );
}

/** The navigation's 承認 with a badge: how many requests the signed-in person may decide now
 * (the core's `canDecide`), kept current with the store. */
export function ApprovalsLabel() {
  const [n, setN] = useState(0);
  const revision = storeRevision.value;
  useEffect(() => {
    api.approvals(true).then((l) => setN(l.filter((v) => v.canDecide).length), () => setN(0));
  }, [revision]);
  return (
    <>
      {t().nav}
      {n > 0 && (
        <span class="badge" data-testid="approvals-badge">
          {n}
        </span>
      )}
    </>
  );
}
