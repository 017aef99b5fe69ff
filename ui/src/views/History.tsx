import { save } from "../lib/dialog";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import type { ContractorChoice as ContractorRow } from "../bindings/ContractorChoice";
import type { CustomerReport } from "../bindings/CustomerReport";
import type { HistoryFilter } from "../bindings/HistoryFilter";
import type { LeakQuery } from "../bindings/LeakQuery";
import type { LeakReport } from "../bindings/LeakReport";
import type { OverdueReport } from "../bindings/OverdueReport";
import type { Printable } from "../bindings/Printable";
import type { ProvisionRow } from "../bindings/ProvisionRow";
import { DateInput } from "../components/DateInput";
import type { WorkType } from "../bindings/WorkType";
import type { WorkTypeInfo } from "../bindings/WorkTypeInfo";
import { ErrorBanner } from "../components/ErrorBanner";
import { fieldLabel, lang, methodLabel, protectionLabel, receiptStateLabel, t } from "../i18n";
import { formatDate } from "../lib/format";
import { rights, storeRevision } from "../lib/live";
import { Handovers } from "./Handovers";
import { UsageLog } from "./Usage";

type Tab = "history" | "handovers" | "customer" | "leak" | "overdue" | "usage";

/** Managers' view: the provision history, returns, the disclosure record and the leak report. */
export function History({ today }: { today: string }) {
  const tx = t();
  const [tab, setTab] = useState<Tab>("history");
  const [contractors, setContractors] = useState<ContractorRow[]>([]);
  const [workTypes, setWorkTypes] = useState<WorkTypeInfo[]>([]);
  useEffect(() => {
    api.contractors().then(setContractors, () => {});
    api.workTypes().then(setWorkTypes, () => {});
  }, []);
  const tabs: [Tab, string][] = [
    ["history", tx.tabHistory],
    ["handovers", tx.tabHandovers],
    ["customer", tx.tabCustomer],
    ["leak", tx.tabLeak],
    ["overdue", tx.tabOverdueAll],
    // The record of use says what each person looked at: managers only (the core refuses
    // anyone else anyway).
    ...(rights.value.readUsage ? [["usage", t().tabUsage] as [Tab, string]] : []),
  ];
  return (
    <section class="view scroll">
      <div class="toolbar">
        <h1>{tx.navHistory}</h1>
        <div class="tabs" role="tablist">
          {tabs.map(([id, label]) => (
            <button
              key={id}
              role="tab"
              aria-selected={tab === id}
              class={tab === id ? "tab active" : "tab"}
              onClick={() => setTab(id)}
              data-testid={`history-tab-${id}`}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
      {tab === "history" && <Provisions contractors={contractors} workTypes={workTypes} />}
      {tab === "handovers" && <Handovers today={today} />}
      {tab === "customer" && <Disclosure />}
      {tab === "leak" && <Leak contractors={contractors} today={today} />}
      {tab === "overdue" && <Overdue />}
      {tab === "usage" && <UsageLog />}
    </section>
  );
}

export function workTypeLabel(types: WorkTypeInfo[], id: WorkType | string): string {
  const w = types.find((x) => x.id === id);
  if (!w) return id;
  return lang.value === "ja" ? w.labelJa : w.labelEn;
}

/** Ask where to save, with the right file type; null when the user cancels. */
async function saveAs(name: string, ext: string, label: string): Promise<string | null> {
  const p = await save({ defaultPath: name, filters: [{ name: label, extensions: [ext] }] });
  return p ?? null;
}

/** The provision history: searched by customer, contractor, work type and period; exported. */
function Provisions({ contractors, workTypes }: { contractors: ContractorRow[]; workTypes: WorkTypeInfo[] }) {
  const tx = t();
  const l = lang.value;
  const [f, setF] = useState<HistoryFilter>({
    customerId: null,
    contractorId: null,
    workType: null,
    from: null,
    to: null,
  });
  const [rows, setRows] = useState<ProvisionRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const load = () => {
    setError(null);
    api.history(f).then(setRows, setError);
  };
  // Reloaded when another PC (or process) changes the store (lib/live.ts).
  const revision = storeRevision.value;
  useEffect(load, [revision]);
  const exportAs = async (format: "csv" | "xlsx") => {
    setError(null);
    setSaved(null);
    const path = await saveAs(`提供履歴.${format}`, format, format.toUpperCase());
    if (!path) return;
    api.exportHistory(f, path, format, l).then((s) => setSaved(tx.saved(s.path, s.rows)), setError);
  };
  return (
    <>
      <ProvisionFilters f={f} setF={setF} onSearch={load} contractors={contractors} workTypes={workTypes} />
      {error ? <ErrorBanner error={error} /> : null}
      {saved && (
        <div class="banner ok" role="status">
          {saved}
        </div>
      )}
      {rows && rows.length === 0 && <div class="empty">{tx.accNoHistory}</div>}
      {rows && rows.length > 0 && (
        <>
          <div class="toolbar">
            <span class="muted">{tx.rows(rows.length)}</span>
            <span class="spacer" />
            <button type="button" onClick={() => exportAs("csv")}>
              {tx.exportCsv}
            </button>
            <button type="button" onClick={() => exportAs("xlsx")}>
              {tx.exportXlsx}
            </button>
          </div>
          <ProvisionTable rows={rows} workTypes={workTypes} />
        </>
      )}
    </>
  );
}

/** The history's search form. */
function ProvisionFilters({
  f,
  setF,
  onSearch,
  contractors,
  workTypes,
}: {
  f: HistoryFilter;
  setF: (f: HistoryFilter) => void;
  onSearch: () => void;
  contractors: ContractorRow[];
  workTypes: WorkTypeInfo[];
}) {
  const tx = t();
  const set = (k: keyof HistoryFilter) => (e: Event) => {
    const v = (e.target as HTMLInputElement).value.trim();
    setF({ ...f, [k]: v === "" ? null : v });
  };
  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch();
      }}
    >
      <label>
        {tx.customerId}
        <input value={f.customerId ?? ""} onInput={set("customerId")} data-testid="history-customer" />
      </label>
      <label>
        {tx.contractorId}
        <select value={f.contractorId ?? ""} onChange={set("contractorId")}>
          <option value="">{tx.any}</option>
          {contractors.map((c) => (
            <option key={c.contractor.id} value={c.contractor.id}>
              {c.contractor.id} {c.contractor.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {tx.workType}
        <select value={f.workType ?? ""} onChange={set("workType")}>
          <option value="">{tx.any}</option>
          {workTypes.map((w) => (
            <option key={w.id} value={w.id}>
              {lang.value === "ja" ? w.labelJa : w.labelEn}
            </option>
          ))}
        </select>
      </label>
      <label>
        {tx.from}
        <DateInput value={f.from ?? ""} onChange={(iso) => setF({ ...f, from: iso || null })} testId="history-from" />
      </label>
      <label>
        {tx.to}
        <DateInput value={f.to ?? ""} onChange={(iso) => setF({ ...f, to: iso || null })} testId="history-to" />
      </label>
      <button class="primary" type="submit" data-testid="history-search">
        {tx.accSearch}
      </button>
    </form>
  );
}

/** One row per customer of each handover found. */
function ProvisionTable({ rows, workTypes }: { rows: ProvisionRow[]; workTypes: WorkTypeInfo[] }) {
  const tx = t();
  const l = lang.value;
  return (
    <table class="review" data-testid="history-table">
      <thead>
        <tr>
          <th>{tx.date}</th>
          <th>{tx.accHandoverId}</th>
          <th>{tx.customerId}</th>
          <th>{tx.contractorId}</th>
          <th>{tx.workType}</th>
          <th>{tx.accMethod}</th>
          <th>{tx.fields}</th>
          <th>{tx.basis}</th>
          <th>{tx.accReturnBy}</th>
          <th>{tx.closed}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.handoverId}-${r.customerId}`}>
            <td class="nw">{formatDate(r.date, l)}</td>
            <td class="mono nw">{r.handoverId}</td>
            <td class="nw">
              <span class="mono">{r.customerId}</span> {r.customerName ?? ""}
            </td>
            <td>{r.contractorName ?? r.contractorId}</td>
            <td>{workTypeLabel(workTypes, r.workType)}</td>
            <td>{methodLabel(r.method)}</td>
            <td>{r.fields.map((x) => fieldLabel(x)).join("・")}</td>
            <td class="nw">{tx.basisEntrustment}</td>
            <td class="nw">{formatDate(r.returnBy, l)}</td>
            <td class="nw">{r.closedOn ? formatDate(r.closedOn, l) : <span class="muted">{tx.open}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The report's own printable page, shown as it will print; printed from inside the frame. */
function ReportFrame({ html, title }: { html: string; title: string }) {
  const tx = t();
  const ref = useRef<HTMLIFrameElement>(null);
  return (
    <div class="report-frame">
      <div class="toolbar">
        <span class="spacer" />
        <button onClick={() => ref.current?.contentWindow?.print()}>{tx.accPrint}</button>
      </div>
      <iframe ref={ref} title={title} srcDoc={html} data-testid="report-frame" />
    </div>
  );
}

function Disclosure() {
  const tx = t();
  const [id, setId] = useState("");
  const [report, setReport] = useState<Printable<CustomerReport> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const show = (e: Event) => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    api.customerReport(id.trim()).then(setReport, setError);
  };
  const saveHtml = async () => {
    if (!report) return;
    const path = await saveAs(`開示記録_${report.report.customerId}.html`, "html", "HTML");
    if (!path) return;
    api.saveCustomerReport(report.report.customerId, path).then((s) => setSaved(tx.saved(s.path, s.rows)), setError);
  };
  return (
    <>
      <form class="filters" onSubmit={show}>
        <label>
          {tx.customerId}
          <input required value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} data-testid="disclosure-customer" />
        </label>
        <button class="primary" type="submit" data-testid="disclosure-show">
          {tx.showReport}
        </button>
        <span class="spacer" />
        {report && <button onClick={saveHtml} type="button">{tx.saveHtml}</button>}
      </form>
      {error ? <ErrorBanner error={error} /> : null}
      {saved && <div class="banner ok">{saved}</div>}
      {report && <ReportFrame html={report.html} title={tx.tabCustomer} />}
    </>
  );
}

/** The lost-data report: which handovers (or a contractor's, in a period), when it was noticed. */
function Leak({ contractors, today }: { contractors: ContractorRow[]; today: string }) {
  const tx = t();
  const l = lang.value;
  const [ids, setIds] = useState("");
  const [q, setQ] = useState<LeakQuery>({
    handoverIds: [],
    contractorId: null,
    from: null,
    to: null,
    malice: false,
    keysLost: false,
    awareOn: today,
    lostDevice: false,
  });
  const [report, setReport] = useState<Printable<LeakReport> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const query = (): LeakQuery => ({
    ...q,
    handoverIds: ids
      .split(/[\s,、]+/)
      .map((s) => s.trim())
      .filter(Boolean),
  });
  const run = (p: Promise<Printable<LeakReport>>, done?: (r: LeakReport) => string) => {
    setError(null);
    setNote(null);
    p.then((r) => {
      setReport(r);
      if (done) setNote(done(r.report));
    }, setError);
  };
  const saveAsFile = async (xlsx: boolean) => {
    const ext = xlsx ? "xlsx" : "html";
    const path = await saveAs(`漏えい報告_${q.awareOn ?? today}.${ext}`, ext, ext.toUpperCase());
    if (!path) return;
    api.saveLeakReport(query(), path, xlsx ? "xlsx" : "html", l).then((s) => setNote(tx.saved(s.path, s.rows)), setError);
  };
  const record = () => run(api.recordLeakReport(query()), (x) => tx.accRecorded(x.ledgerSeq ?? 0));
  return (
    <>
      <LeakQueryForm
        ids={ids}
        setIds={setIds}
        q={q}
        setQ={setQ}
        contractors={contractors}
        today={today}
        onPreview={() => run(api.leakReport(query()))}
      />
      {error ? <ErrorBanner error={error} /> : null}
      {note && <div class="banner ok">{note}</div>}
      {report && <LeakSummary r={report.report} onSave={saveAsFile} onRecord={record} />}
      {report && <ReportFrame html={report.html} title={tx.tabLeak} />}
    </>
  );
}

/** What was lost (handover ids, or a contractor and a period) and how. */
function LeakQueryForm({
  ids,
  setIds,
  q,
  setQ,
  contractors,
  today,
  onPreview,
}: {
  ids: string;
  setIds: (ids: string) => void;
  q: LeakQuery;
  setQ: (q: LeakQuery) => void;
  contractors: ContractorRow[];
  today: string;
  onPreview: () => void;
}) {
  const tx = t();
  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault();
        onPreview();
      }}
    >
      <label class="grow">
        {tx.leakHandovers}
        <input value={ids} onInput={(e) => setIds((e.target as HTMLInputElement).value)} data-testid="leak-ids" />
      </label>
      <label>
        {tx.contractorId}
        <select value={q.contractorId ?? ""} onChange={(e) => setQ({ ...q, contractorId: (e.target as HTMLSelectElement).value || null })}>
          <option value="">—</option>
          {contractors.map((c) => (
            <option key={c.contractor.id} value={c.contractor.id}>
              {c.contractor.id} {c.contractor.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {tx.from}
        <DateInput value={q.from ?? ""} onChange={(iso) => setQ({ ...q, from: iso || null })} />
      </label>
      <label>
        {tx.to}
        <DateInput value={q.to ?? ""} onChange={(iso) => setQ({ ...q, to: iso || null })} />
      </label>
      <label>
        {tx.awareOn}
        <DateInput max={today} value={q.awareOn ?? ""} onChange={(iso) => setQ({ ...q, awareOn: iso || null })} />
      </label>
      <label class="check">
        <input type="checkbox" checked={q.malice} onChange={() => setQ({ ...q, malice: !q.malice })} />
        {tx.malice}
      </label>
      <label class="check">
        <input type="checkbox" checked={q.keysLost} onChange={() => setQ({ ...q, keysLost: !q.keysLost })} />
        {tx.keysLost}
      </label>
      <label class="check">
        <input type="checkbox" checked={q.lostDevice} onChange={() => setQ({ ...q, lostDevice: !q.lostDevice })} data-testid="leak-lost-device" />
        {tx.lostDevice}
      </label>
      <button class="primary" type="submit" data-testid="leak-preview">
        {tx.preview}
      </button>
    </form>
  );
}

/** The core's answer: must it be reported, how many people, by when; save or record it. */
function LeakSummary({ r, onSave, onRecord }: { r: LeakReport; onSave: (xlsx: boolean) => void; onRecord: () => void }) {
  const tx = t();
  const l = lang.value;
  return (
    <article class={`card leak-summary ${r.reportRequired ? "required" : ""}`} data-testid="leak-summary">
      <header>
        <h2>{r.reportRequired ? tx.reportRequired : tx.reportNotRequired}</h2>
      </header>
      <dl>
        <dt>{tx.people}</dt>
        <dd data-testid="leak-people">{r.people}</dd>
        <dt>{tx.exposedPeople}</dt>
        <dd>{r.exposedPeople}</dd>
        <dt>{tx.preliminaryBy}</dt>
        <dd>{formatDate(r.deadlines.preliminaryTarget, l)}</dd>
        <dt>{tx.finalBy}</dt>
        <dd>{formatDate(r.deadlines.finalBy, l)}</dd>
        <dt>{tx.accHandoverId}</dt>
        <dd>
          {r.handovers.map((h) => (
            <div key={h.handoverId}>
              <span class="mono">{h.handoverId}</span> {formatDate(h.date, l)} · {methodLabel(h.method)} · {protectionLabel(h.protection)}
            </div>
          ))}
        </dd>
      </dl>
      <div class="row-actions">
        <button onClick={() => onSave(false)}>{tx.saveHtml}</button>
        <button onClick={() => onSave(true)}>{tx.exportXlsx}</button>
        {r.ledgerSeq === null && (
          <button class="primary" onClick={onRecord} data-testid="leak-record">
            {tx.recordLeak}
          </button>
        )}
      </div>
    </article>
  );
}

function Overdue() {
  const tx = t();
  const l = lang.value;
  const [r, setR] = useState<OverdueReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.overdueReport().then(setR, setError);
  }, []);
  if (error) return <ErrorBanner error={error} />;
  if (!r) return null;
  if (r.handovers.length === 0 && r.requests.length === 0) return <div class="empty">{tx.overdueNone}</div>;
  return (
    <>
      {r.handovers.length > 0 && (
        <article class="card">
          <h2>{tx.overdueHandovers}</h2>
          <table class="review">
            <tbody>
              {r.handovers.map((h) => (
                <tr key={h.handoverId}>
                  <td class="mono">{h.handoverId}</td>
                  <td>{h.contractorName ?? h.contractorId}</td>
                  <td>{formatDate(h.returnBy, l)}</td>
                  <td class="late">{tx.overdueReturn(h.daysOverdue)}</td>
                  <td data-testid={`overdue-receipt-${h.handoverId}`}>
                    {receiptStateLabel(h.receipt)}
                    {h.receivedOn && ` · ${t().rcReceivedOn(formatDate(h.receivedOn, l))}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      )}
      {r.requests.length > 0 && (
        <article class="card">
          <h2>{tx.overdueRequests}</h2>
          <table class="review">
            <tbody>
              {r.requests.map((v) => (
                <tr key={v.request.id}>
                  <td class="mono">{v.request.id}</td>
                  <td>
                    {v.request.customerId} {v.customerName ?? ""}
                  </td>
                  <td>{v.due ? formatDate(v.due.by, l) : ""}</td>
                  <td class="late">{v.due ? tx.overdueBy(v.due.daysOverdue) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      )}
    </>
  );
}
