import { useRef, useState } from "preact/hooks";
import { api } from "../../api";
import type { SupervisionReportQuery } from "../../bindings/SupervisionReportQuery";
import { DateInput } from "../../components/DateInput";
import { ErrorBanner } from "../../components/ErrorBanner";
import { lang, t } from "../../i18n";
import { save } from "../../lib/dialog";

/** The supervision report of this contractor and a period: shown as printed, printed, or saved
 * as HTML or XLSX (the core builds both from the same report). */
export function SupervisionReportPanel({ id }: { id: string }) {
  const tx = t();
  const [period, setPeriod] = useState({ from: "", to: "" });
  const [html, setHtml] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const frame = useRef<HTMLIFrameElement>(null);
  const query = (format: "html" | "xlsx"): SupervisionReportQuery => ({
    contractorId: id,
    from: period.from || null,
    to: period.to || null,
    format,
    lang: lang.value,
  });
  const show = () => {
    setError(null);
    api.supervisionReport(query("html")).then((p) => setHtml(p.html), setError);
  };
  const saveAs = async (format: "html" | "xlsx") => {
    setError(null);
    const path = await save({ defaultPath: `委託先監督報告_${id}.${format}`, filters: [{ name: format.toUpperCase(), extensions: [format] }] });
    if (!path) return;
    api.saveSupervisionReport(query(format), path).then((s) => setNote(tx.svSaved(s.path, s.rows)), setError);
  };
  return (
    <div class="sv-part">
      <h4>{tx.report}</h4>
      <div class="inline-form">
        <DateInput value={period.from} ariaLabel={tx.svFrom} onChange={(from) => setPeriod({ ...period, from })} testId="sv-report-from" />
        <DateInput value={period.to} ariaLabel={tx.svTo} onChange={(to) => setPeriod({ ...period, to })} testId="sv-report-to" />
        <button onClick={show} data-testid="sv-report-show">{tx.show}</button>
        <button onClick={() => saveAs("html")} data-testid="sv-report-html">{tx.svSaveHtml}</button>
        <button onClick={() => saveAs("xlsx")} data-testid="sv-report-xlsx">{tx.saveXlsx}</button>
        {html && <button onClick={() => frame.current?.contentWindow?.print()}>{tx.svPrint}</button>}
      </div>
      {note && <p class="ok" data-testid="sv-report-saved">{note}</p>}
      {error ? <ErrorBanner error={error} /> : null}
      {html && <iframe ref={frame} class="report-frame" title={tx.report} srcDoc={html} data-testid="sv-report-frame" />}
    </div>
  );
}
