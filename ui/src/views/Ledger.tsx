import { useState } from "preact/hooks";
import { api } from "../api";
import type { AppInfo } from "../bindings/AppInfo";
import type { VerifyReport } from "../bindings/VerifyReport";
import { ErrorBanner } from "../components/ErrorBanner";
import { t } from "../i18n";

/** The office keys and the ledger check. */
export function Ledger({ info }: { info: AppInfo | null }) {
  const tr = t();
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [at, setAt] = useState<string | null>(null);
  const verify = () => {
    setError(null);
    setReport(null);
    api.verifyLedger().then((r) => {
      setReport(r);
      setAt(new Date().toLocaleString());
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
            {at} · {tr.verifyHead}: <code>{report.head ?? "—"}</code>
          </div>
        </div>
      )}
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
