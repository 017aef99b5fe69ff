import { Fragment } from "preact";
import { save } from "../lib/dialog";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import type { Customer } from "../bindings/Customer";
import type { ProvisionRow } from "../bindings/ProvisionRow";
import type { RequestView } from "../bindings/RequestView";
import type { WorkTypeInfo } from "../bindings/WorkTypeInfo";
import { ErrorBanner } from "../components/ErrorBanner";
import { fieldLabel, lang, t } from "../i18n";
import { formatDate } from "../lib/format";

const MIME: Record<string, string> = { png: "image/png", jpg: "image/jpeg", pdf: "application/pdf" };

/**
 * One customer: the registered data, the floor plan (shown from memory, never written to a
 * file), every handover of their data with the fields it held, and their requests.
 */
export function CustomerPage({ id, onBack }: { id: string; onBack: () => void }) {
  const tr = t();
  const [c, setC] = useState<Customer | null>(null);
  const [history, setHistory] = useState<ProvisionRow[] | null>(null);
  const [requests, setRequests] = useState<RequestView[] | null>(null);
  const [workTypes, setWorkTypes] = useState<WorkTypeInfo[]>([]);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    api.customer(id).then(setC, setError);
    // Their handovers are their history: the same query as the history screen's.
    api.history({ customerId: id, contractorId: null, workType: null, from: null, to: null }).then(setHistory, setError);
    api.customerRequests(id).then(setRequests, setError);
    api.workTypes().then(setWorkTypes, () => {});
  }, [id]);
  useEffect(() => heading.current?.focus(), []);

  return (
    <section class="view scroll customer-page" data-testid="customer-page" onKeyDown={(e) => e.key === "Escape" && onBack()}>
      <div class="toolbar">
        <button class="link" onClick={onBack} data-testid="customer-back">
          {tr.backToList}
        </button>
      </div>
      <header class="customer-head">
        <h1 tabIndex={-1} ref={heading}>
          {c?.name ?? id}
        </h1>
        <span class="mono muted" data-testid="customer-id">
          {id}
        </span>
        {c?.nameKana && <span class="muted">{c.nameKana}</span>}
        {requests?.some((v) => v.enforced) && (
          <span class="chip expired" data-testid="customer-restricted">
            {tr.requests}: {requests.filter((v) => v.enforced).length}
          </span>
        )}
      </header>
      {error ? <ErrorBanner error={error} /> : null}
      <div class="customer-grid">
        <CustomerData id={id} c={c} />
        <article class="card plan-card">
          <h2>{tr.floorPlan}</h2>
          {c && <FloorPlanView customer={c} />}
        </article>
      </div>
      <CustomerHistory history={history} workTypes={workTypes} />
      <CustomerRequests requests={requests} />
    </section>
  );
}

/** The customer's registered data, field by field ("—" where the register has none). */
function CustomerData({ id, c }: { id: string; c: Customer | null }) {
  const tr = t();
  const d = (iso: string | null) => formatDate(iso, lang.value);
  const rows: [string, string | null][] = c
    ? [
        [fieldLabel("name"), c.name],
        [fieldLabel("name_kana"), c.nameKana],
        [fieldLabel("postal_code"), c.postalCode],
        [fieldLabel("address"), c.address],
        [fieldLabel("phone"), c.phone],
        [fieldLabel("email"), c.email],
        [fieldLabel("birth_date"), c.birthDate ? d(c.birthDate) : null],
        [fieldLabel("gender"), c.gender],
        [fieldLabel("occupation"), c.occupation],
        [fieldLabel("service"), c.service],
        [fieldLabel("notes"), c.notes],
      ]
    : [];
  return (
    <article class="card">
      <h2>{tr.customerData}</h2>
      <dl class="summary">
        <dt>{tr.fieldLabels.customer_id}</dt>
        <dd class="mono">{id}</dd>
        {rows.map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd class={v ? "" : "muted"}>{v || "—"}</dd>
          </Fragment>
        ))}
      </dl>
    </article>
  );
}

/** Every handover of the customer's data, with the fields it held and where it stands. */
function CustomerHistory({ history, workTypes }: { history: ProvisionRow[] | null; workTypes: WorkTypeInfo[] }) {
  const tr = t();
  const d = (iso: string | null) => formatDate(iso, lang.value);
  const work = (w: string) => {
    const x = workTypes.find((x) => x.id === w);
    return x ? (lang.value === "ja" ? x.labelJa : x.labelEn) : w;
  };
  return (
    <article class="card">
      <h2>{tr.history}</h2>
      <p class="muted small">{tr.historyLead}</p>
      {history && history.length === 0 && <p class="empty inline" data-testid="no-history">{tr.noHistory}</p>}
      {history && history.length > 0 && (
        <table class="review" data-testid="customer-history">
          <thead>
            <tr>
              <th>{tr.handoverId}</th>
              <th>{tr.colDate}</th>
              <th>{tr.colContractor}</th>
              <th>{tr.colWork}</th>
              <th>{tr.colMethod}</th>
              <th>{tr.colFields}</th>
              <th>{tr.colReturnBy}</th>
              <th>{tr.colStatus}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.handoverId} class={h.overdue ? "overdue" : ""}>
                <td class="mono nowrap">{h.handoverId}</td>
                <td class="nowrap">{d(h.date)}</td>
                <td>{h.contractorName ?? h.contractorId}</td>
                <td>{work(h.workType)}</td>
                <td class="nowrap">
                  {tr.methodShort[h.method] ?? h.method}
                  {h.encryption === "passphrase" ? <span class="muted small">{tr.byPassphrase}</span> : ""}
                </td>
                <td>{h.fields.map(fieldLabel).join("・")}</td>
                <td class="nowrap">{d(h.returnBy)}</td>
                <td>
                  {h.closedOn ? (
                    <span class="chip">{tr.statusClosed(h.closedOn)}</span>
                  ) : h.overdue ? (
                    <span class="chip expired">{tr.statusOverdue}</span>
                  ) : (
                    <span class="chip expiring_soon">{tr.statusOpen}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

/** The customer's opt-out and restriction requests, with their decisions and notices. */
function CustomerRequests({ requests }: { requests: RequestView[] | null }) {
  const tr = t();
  const d = (iso: string | null) => formatDate(iso, lang.value);
  return (
    <article class="card">
      <h2>{tr.requests}</h2>
      {requests && requests.length === 0 && <p class="empty inline" data-testid="no-requests">{tr.noRequests}</p>}
      {requests && requests.length > 0 && (
        <table class="review" data-testid="customer-requests">
          <thead>
            <tr>
              <th>{tr.colReqId}</th>
              <th>{tr.colReceived}</th>
              <th>{tr.colScope}</th>
              <th>{tr.colChannel}</th>
              <th>{tr.colStatus}</th>
              <th>{tr.colDecided}</th>
              <th>{tr.colNotified}</th>
            </tr>
          </thead>
          <tbody>
            {requests.map(({ request: r }) => (
              <tr key={r.id}>
                <td class="mono nowrap">{r.id}</td>
                <td class="nowrap">{d(r.received)}</td>
                <td>
                  {r.scope.kind === "all" ? tr.scopeAll : tr.scopeFields(r.scope.fields.map(fieldLabel).join("・"))}
                  {r.note && <div class="muted small">{r.note}</div>}
                </td>
                <td>{tr.channels[r.channel] ?? r.channel}</td>
                <td>
                  <span class={`chip req-${r.status}`}>{tr.reqStatus[r.status] ?? r.status}</span>
                </td>
                <td>
                  {r.decidedOn ? d(r.decidedOn) : "—"}
                  {r.reason && <div class="muted small">{r.reason}</div>}
                </td>
                <td>
                  {r.notifiedOn ? `${d(r.notifiedOn)}${r.notifiedChannel ? `（${tr.channels[r.notifiedChannel] ?? r.notifiedChannel}）` : ""}` : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

/** The plan from the store as an in-memory blob URL (revoked when the page closes). */
function FloorPlanView({ customer }: { customer: Customer }) {
  const tr = t();
  const plan = customer.floorPlan;
  const [url, setUrl] = useState<string | null>(null);
  const [zoom, setZoom] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!plan || plan.ext === "pdf") return;
    let made: string | null = null;
    api.floorPlan(customer.customerId).then((bytes) => {
      made = URL.createObjectURL(new Blob([bytes], { type: MIME[plan.ext] ?? "application/octet-stream" }));
      setUrl(made);
    }, setError);
    return () => {
      if (made) URL.revokeObjectURL(made);
    };
  }, [customer.customerId, plan?.sha256]);

  if (!plan) return <p class="empty inline" data-testid="no-plan">{tr.noPlan}</p>;
  const [saved, setSaved] = useState<string | null>(null);
  const open = () => api.floorPlanOpen(customer.customerId).catch(setError);
  const saveAs = async () => {
    const name = `${customer.customerId}.${plan.ext}`;
    const path = await save({ defaultPath: name, filters: [{ name: plan.ext.toUpperCase(), extensions: [plan.ext] }] });
    if (path) api.floorPlanSave(customer.customerId, path).then((s) => setSaved(s.path), setError);
  };
  return (
    <div class="plan-view">
      {error ? <ErrorBanner error={error} /> : null}
      {plan.ext === "pdf" ? (
        <div class="pdf-plan" data-testid="plan-pdf">
          <span class="pdf-icon" aria-hidden="true">
            PDF
          </span>
          <div>
            <strong>{tr.pdfPlan}</strong>
            <div class="muted small">{(plan.size / 1024).toFixed(1)} KB</div>
          </div>
        </div>
      ) : url ? (
        <button type="button" class={zoom ? "plan-image zoom" : "plan-image"} onClick={() => setZoom(!zoom)} title={tr.enlarge}>
          <img src={url} alt={`${tr.floorPlan} ${customer.customerId}`} data-testid="plan-image" />
        </button>
      ) : (
        !error && <p class="muted">{tr.planLoading}</p>
      )}
      <div class="row">
        <span class="chip">{plan.ext.toUpperCase()}</span>
        <code class="hash small" title="SHA-256">
          {plan.sha256.slice(0, 16)}…
        </code>
        <span class="spacer" />
        <button type="button" onClick={saveAs} data-testid="plan-save">
          {tr.planSave}
        </button>
        <button type="button" onClick={open} data-testid="plan-open">
          {tr.openWithSystem}
        </button>
      </div>
      {saved && (
        <div class="banner ok" role="status" data-testid="plan-saved">
          {tr.planSaved(saved)}
        </div>
      )}
    </div>
  );
}
