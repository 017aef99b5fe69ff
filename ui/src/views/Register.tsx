import { open } from "../lib/pickers";
import { useEffect, useMemo, useState } from "preact/hooks";
import { api } from "../api";
import type { Customer } from "../bindings/Customer";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { ImportReport } from "../bindings/ImportReport";
import { CustomerTable } from "../components/CustomerTable";
import { ErrorBanner } from "../components/ErrorBanner";
import { CustomerPage } from "./CustomerPage";
import { ImportDialog } from "./ImportDialog";
import { lang, t } from "../i18n";
import { fold } from "../lib/fold";
import { formatCount } from "../lib/format";

interface Indexed {
  customer: Customer;
  key: string;
}

/** The customer register: search-as-you-type over everything, import, the sample. */
export function Register({ onChanged }: { onChanged: () => void }) {
  const tr = t();
  const [all, setAll] = useState<Indexed[] | null>(null);
  const [query, setQuery] = useState("");
  const [busy, setBusy] = useState<ImportProgress | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [importPath, setImportPath] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);

  const load = () =>
    api.customers("").then(
      (list) =>
        setAll(
          list.map((c) => ({
            customer: c,
            key: fold([c.customerId, c.name, c.nameKana, c.address, c.phone].join("\u001f")),
          })),
        ),
      setError,
    );
  useEffect(() => {
    load();
  }, []);

  const rows = useMemo(() => {
    if (!all) return [];
    const q = fold(query);
    return q ? all.filter((r) => r.key.includes(q)).map((r) => r.customer) : all.map((r) => r.customer);
  }, [all, query]);

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

  const empty = all !== null && all.length === 0;
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
          disabled={!all || empty}
          aria-label={tr.search}
          data-testid="search"
        />
        <span class="count" data-testid="count">
          {all ? `${formatCount(rows.length, lang.value)} ${tr.customers}` : ""}
        </span>
        <button onClick={importFile} disabled={!!busy} data-testid="import-file">
          {tr.importFile}
        </button>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {report && <ReportCard report={report} onClose={() => setReport(null)} />}
      {busy && <Progress p={busy} />}
      {empty && !busy ? (
        <div class="empty" data-testid="empty">
          <h2>{tr.emptyTitle}</h2>
          <p>{tr.emptyBody}</p>
          <div class="actions">
            <button class="primary" onClick={loadSample} data-testid="load-sample">
              {tr.loadSample}
            </button>
            <button onClick={importFile}>{tr.importFile}</button>
          </div>
        </div>
      ) : rows.length === 0 && all && query ? (
        <div class="empty">{tr.noMatch}</div>
      ) : (
        all && <CustomerTable rows={rows} onOpen={setOpenId} />
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
