import { open } from "../lib/dialog";
import { useState } from "preact/hooks";
import { api } from "../api";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { ImportReport } from "../bindings/ImportReport";
import { CustomerTable } from "../components/CustomerTable";
import { ErrorBanner } from "../components/ErrorBanner";
import { CustomerPage } from "./CustomerPage";
import { ImportDialog } from "./ImportDialog";
import { lang, t } from "../i18n";
import { formatCount } from "../lib/format";
import { useCustomerPages } from "../lib/useCustomerPages";

/** The customer register: search-as-you-type over everything (the core's index), import, the sample. */
/** No customer yet: load the sample register or import the office's own. */
function EmptyRegister({ onSample, onImport }: { onSample: () => void; onImport: () => void }) {
  const tr = t();
  return (
    <div class="empty" data-testid="empty">
      <h2>{tr.emptyTitle}</h2>
      <p>{tr.emptyBody}</p>
      <div class="actions">
        <button class="primary" onClick={onSample} data-testid="load-sample">
          {tr.loadSample}
        </button>
        <button onClick={onImport}>{tr.importFile}</button>
      </div>
    </div>
  );
}

export function Register({ onChanged }: { onChanged: () => void }) {
  const tr = t();
  const [query, setQuery] = useState("");
  const pages = useCustomerPages(query);
  const [busy, setBusy] = useState<ImportProgress | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [importPath, setImportPath] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const load = pages.reload;
  const total = pages.total;

  const run = (p: Promise<ImportReport>) => {
    setError(null);
    setReport(null);
    setBusy({ done: 0, total: null });
    p.then(
      (r) => {
        setReport(r);
        load();
        onChanged();
      },
      setError,
    ).finally(() => setBusy(null));
  };
  const importFile = async () => {
    const path = await open({
      multiple: false,
      directory: false,
      filters: [{ name: "Register", extensions: ["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "tsv", "txt"] }],
    });
    if (typeof path === "string") setImportPath(path);
  };
  const importClosed = (imported: boolean) => {
    setImportPath(null);
    if (imported) {
      load();
      onChanged();
    }
  };
  const loadSample = () => run(api.loadSample(setBusy));
  const empty = total === 0 && pages.shownQuery === "";
  if (openId) return <CustomerPage id={openId} onBack={() => setOpenId(null)} />;
  return (
    <section class="view">
      <div class="toolbar">
        <h1>{tr.navRegister}</h1>
        <input
          class="search"
          type="search"
          placeholder={tr.search}
          value={query}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
          disabled={total === null || empty}
          aria-label={tr.search}
          data-testid="search"
        />
        <span class="count" data-testid="count" data-query={pages.shownQuery}>
          {total !== null ? `${formatCount(total, lang.value)} ${tr.customers}` : ""}
        </span>
        <button onClick={importFile} disabled={!!busy} data-testid="import-file">
          {tr.importFile}
        </button>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {pages.error ? <ErrorBanner error={pages.error} /> : null}
      {report && <ReportCard report={report} onClose={() => setReport(null)} />}
      {busy && <Progress p={busy} />}
      {empty && !busy ? (
        <EmptyRegister onSample={loadSample} onImport={importFile} />
      ) : total === 0 && query ? (
        <div class="empty">{tr.noMatch}</div>
      ) : (
        total !== null && <CustomerTable count={total} rowAt={pages.rowAt} resetKey={pages.shownQuery} onRange={pages.ensure} onOpen={setOpenId} />
      )}
      {importPath && <ImportDialog path={importPath} onClose={importClosed} />}
    </section>
  );
}

function Progress({ p }: { p: ImportProgress }) {
  const tr = t();
  const pct = p.total ? Math.min(100, Math.round((p.done / p.total) * 100)) : null;
  return (
    <div class="progress" role="progressbar" aria-valuenow={pct ?? undefined} aria-valuemin={0} aria-valuemax={100}>
      <span>{tr.importing}</span>
      <div class="bar">
        <div class={pct === null ? "fill indeterminate" : "fill"} style={pct === null ? {} : { width: `${pct}%` }} />
      </div>
      <button onClick={() => api.cancelImport()}>{tr.cancel}</button>
    </div>
  );
}

function ReportCard({ report, onClose }: { report: ImportReport; onClose: () => void }) {
  const tr = t();
  const n = (x: number) => formatCount(x, lang.value);
  return (
    <div class="banner ok" role="status" data-testid="import-report">
      <div>
        <strong>
          {tr.importDone}: {report.file}
          {report.sheet ? `（${tr.sheet} ${report.sheet}）` : ""}
        </strong>
        <div>
          {tr.added} {n(report.added)} · {tr.updated} {n(report.updated)} · {tr.unchanged} {n(report.unchanged)} ·{" "}
          {tr.rejected} {n(report.rejected)} · {tr.floorPlans} {n(report.floorPlans)}
        </div>
        {report.droppedPaymentColumns.length > 0 && (
          <div>
            {tr.paymentDropped}: {report.droppedPaymentColumns.join("、")}
          </div>
        )}
        {report.unknownColumns.length > 0 && (
          <div class="muted">
            {tr.unknownColumns}: {report.unknownColumns.join("、")}
          </div>
        )}
      </div>
      <button class="link" onClick={onClose}>
        {tr.close}
      </button>
    </div>
  );
}
