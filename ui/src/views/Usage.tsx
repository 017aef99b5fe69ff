import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { UsageEntry } from "../bindings/UsageEntry";
import type { UsageFilter } from "../bindings/UsageFilter";
import type { UseKind } from "../bindings/UseKind";
import { DateInput } from "../components/DateInput";
import { ErrorBanner } from "../components/ErrorBanner";
import { lang, t } from "../i18n";
import { save } from "../lib/dialog";
import { formatDateTime } from "../lib/format";
import { storeRevision } from "../lib/live";

/** The record of use (操作記録) for managers: by operator and period, saved as CSV or XLSX. */
export function UsageLog() {
  const tr = t();
  const [f, setF] = useState<UsageFilter>({ operator: null, from: null, to: null });
  const [rows, setRows] = useState<UsageEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const load = () => {
    setError(null);
    api.usage(f).then(setRows, setError);
  };
  const revision = storeRevision.value;
  useEffect(load, [revision]);
  const exportAs = async (format: "csv" | "xlsx") => {
    setError(null);
    setSaved(null);
    const path = await save({ defaultPath: `操作記録.${format}`, filters: [{ name: format.toUpperCase(), extensions: [format] }] });
    if (path) api.exportUsage(f, path, format, lang.value).then((s) => setSaved(tr.saved(s.path, s.rows)), setError);
  };
  return (
    <>
      <p class="muted small">{tr.usageLead}</p>
      <form class="filters" onSubmit={(e) => (e.preventDefault(), load())}>
        <label>
          {tr.usOperator}
          <input value={f.operator ?? ""} placeholder={tr.allOperators} onInput={(e) => setF({ ...f, operator: (e.target as HTMLInputElement).value.trim() || null })} data-testid="usage-operator" />
        </label>
        <label>
          {tr.from}
          <DateInput value={f.from ?? ""} onChange={(iso) => setF({ ...f, from: iso || null })} testId="usage-from" />
        </label>
        <label>
          {tr.to}
          <DateInput value={f.to ?? ""} onChange={(iso) => setF({ ...f, to: iso || null })} testId="usage-to" />
        </label>
        <button class="primary" type="submit" data-testid="usage-search">
          {tr.accSearch}
        </button>
      </form>
      {error ? <ErrorBanner error={error} /> : null}
      {saved && (
        <div class="banner ok" role="status">
          {saved}
        </div>
      )}
      {rows && rows.length === 0 && <div class="empty">{tr.noUses}</div>}
      {rows && rows.length > 0 && (
        <>
          <div class="toolbar">
            <span class="muted">{tr.count(rows.length)}</span>
            <span class="spacer" />
            <button type="button" onClick={() => exportAs("csv")} data-testid="usage-csv">
              {tr.exportCsv}
            </button>
            <button type="button" onClick={() => exportAs("xlsx")} data-testid="usage-xlsx">
              {tr.exportXlsx}
            </button>
          </div>
          <UsageTable rows={rows} showCustomers />
        </>
      )}
    </>
  );
}

/** Uses as a table: when (local time), who, what, which customers, and the sealing entry. */
export function UsageTable({ rows, showCustomers }: { rows: UsageEntry[]; showCustomers: boolean }) {
  const tr = t();
  const l = lang.value;
  return (
    <table class="review" data-testid="usage-table">
      <thead>
        <tr>
          <th>{tr.at}</th>
          <th>{tr.usOperator}</th>
          <th>{tr.usAction}</th>
          <th>{tr.detail}</th>
          {showCustomers && <th>{tr.usCustomers}</th>}
          <th>{tr.sealed}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((u) => (
          <tr key={u.id}>
            <td class="nw">{formatDateTime(new Date(u.at), l)}</td>
            <td>{u.operator}</td>
            <td>{tr.kinds[u.kind as UseKind] ?? u.kind}</td>
            <td class="mono small">{u.detail}</td>
            {showCustomers && <td class="mono small">{u.customers.length > 5 ? `${u.customers.slice(0, 5).join(" ")} … (${u.count})` : u.customers.join(" ")}</td>}
            <td class="nw muted small">{u.sealedBy === null ? tr.pending : `#${u.sealedBy}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
