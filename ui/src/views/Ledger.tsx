import { useState } from "preact/hooks";
import { api } from "../api";
import type { OfficeInfo as AppInfo } from "../bindings/OfficeInfo";
import type { PurgeReport } from "../bindings/PurgeReport";
import type { VerifyReport } from "../bindings/VerifyReport";
import { ErrorBanner } from "../components/ErrorBanner";
import { DateInput } from "../components/DateInput";
import { lang, t } from "../i18n";
import { save } from "../lib/dialog";
import { formatDate, formatDateTime } from "../lib/format";
import { rights } from "../lib/live";

/** The office keys and the ledger check. */
export function Ledger({ info }: { info: AppInfo | null }) {
  const tr = t();
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [at, setAt] = useState<Date | null>(null);
  const verify = () => {
    setError(null);
    setReport(null);
    api.verifyLedger().then((r) => {
      setReport(r);
      setAt(new Date());
    }, setError);
  };
  return (
    <section class="view">
      <div class="toolbar">
        <h1>{tr.navLedger}</h1>
        <span class="spacer" />
        <button class="primary" onClick={verify} data-testid="verify">
          {tr.verify}
        </button>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {report && (
        <div class="banner ok" role="status" data-testid="verify-ok">
          <strong>{tr.verifyOk(report.entries)}</strong>
          <div class="muted">
            {at && formatDateTime(at, lang.value)} · {tr.verifyHead}: <code>{report.head ?? "—"}</code>
          </div>
          {report.derived && (
            <div class="muted" data-testid="verify-derived">
              {t().derivedOk(report.derived.handovers, report.derived.requests, report.redacted)}
            </div>
          )}
        </div>
      )}
      <Retention today={info?.today ?? ""} />
      {info?.keys && (
        <article class="card">
          <h2>{tr.keysReady}</h2>
          <dl>
            <dt>{tr.recipient}</dt>
            <dd>
              <code class="recipient">{info.keys.recipient}</code>
              <div class="fingerprint">{info.keys.recipientFingerprint}</div>
            </dd>
            <dt>{tr.signingKey}</dt>
            <dd>
              <code class="recipient">{info.keys.signingKey}</code>
              <div class="fingerprint">{info.keys.signingFingerprint}</div>
            </dd>
          </dl>
        </article>
      )}
    </section>
  );
}

/** Retention (R9): preview what is past its period, purge it (recorded), export the ledger. */
function Retention({ today }: { today: string }) {
  const tr = t();
  const l = lang.value;
  const [before, setBefore] = useState(today);
  const [preview, setPreview] = useState<PurgeReport | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = <T,>(p: Promise<T>, then: (r: T) => void) => {
    setError(null);
    setDone(null);
    p.then(then, setError);
  };
  const exportLedger = async () => {
    const path = await save({ defaultPath: `ledger-${today}.jsonl`, filters: [{ name: "JSON lines", extensions: ["jsonl"] }] });
    if (path) run(api.exportLedger(path), (r) => setDone(tr.exported(r.entries, r.path)));
  };
  const nothing = preview && preview.customers.length === 0 && preview.handovers.length === 0;
  return (
    <article class="card" data-testid="retention">
      <h2>{tr.retention}</h2>
      <p class="muted">{tr.retentionLead}</p>
      <div class="inline-form">
        <label>
          {tr.before}
          <DateInput max={today} value={before} onChange={setBefore} testId="retention-before" />
        </label>
        <button onClick={() => run(api.retentionPreview(before), setPreview)} data-testid="retention-preview">
          {tr.lgPreview}
        </button>
        <span class="spacer" />
        {rights.value.exportLedger && (
          <button onClick={exportLedger} data-testid="ledger-export">
            {tr.export}
          </button>
        )}
      </div>
      {preview && (
        <div class="banner warn" role="status" data-testid="retention-summary">
          <span>
            {nothing
              ? tr.nothing
              : tr.lgSummary(preview.customers.length, preview.handovers.length, preview.redacted.length)}{" "}
            ({tr.cutoffs(formatDate(preview.customerCutoff, l), formatDate(preview.recordCutoff, l))})
          </span>
          {!nothing && !rights.value.purge && <span class="muted" data-testid="purge-manager-only">{t().managerOnly}</span>}
          {!nothing && rights.value.purge && (
            <button
              class="primary"
              onClick={() =>
                window.confirm(tr.confirm) &&
                run(api.retentionPurge(before), (r) => {
                  setPreview(null);
                  setDone(tr.purged(r.customers.length, r.handovers.length, r.ledgerSeq ?? 0));
                })
              }
              data-testid="retention-purge"
            >
              {tr.purge}
            </button>
          )}
        </div>
      )}
      {done && <div class="banner ok">{done}</div>}
      {error ? <ErrorBanner error={error} /> : null}
    </article>
  );
}
