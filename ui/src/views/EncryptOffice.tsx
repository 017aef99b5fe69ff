import { useState } from "preact/hooks";
import { api } from "../api";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { SettingsInfo } from "../bindings/SettingsInfo";
import { ProgressBar } from "../components/ProgressBar";
import { t } from "../i18n";
import { ErrorBanner } from "../components/ErrorBanner";

/**
 * The consent to encrypt an office of an earlier version (its sign-in was refused with
 * `store_not_encrypted`): what will happen, the password once more (the sign-in form cleared
 * it), then the conversion's steps. Declining leaves the office as it is and nobody signed in.
 */
export function EncryptOffice({
  login,
  onSignedIn,
  onCancel,
}: {
  login: string;
  onSignedIn: (s: SettingsInfo) => void;
  onCancel: () => void;
}) {
  const tr = t();
  const [password, setPassword] = useState("");
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const start = (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    const pw = password;
    setPassword("");
    api
      .encryptOffice(login, pw, setProgress)
      .then((r) => {
        if (r.report) setDone(tr.encDone(r.report.entries, r.report.customers));
        setTimeout(() => onSignedIn(r.settings), r.report ? 1500 : 0);
      }, setError)
      .finally(() => setBusy(false));
  };
  return (
    <section class="view scroll" data-testid="encrypt-office">
      <div class="toolbar">
        <h1>{tr.encTitle}</h1>
      </div>
      <article class="card settings">
        <p>{tr.encLead}</p>
        <form class="form" onSubmit={start} autocomplete="off">
          <label class="wide">
            {tr.encPassword} ({login})
            <input
              type="password"
              value={password}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
              autocomplete="off"
              disabled={busy || done !== null}
              data-testid="encrypt-password"
            />
          </label>
          {busy && <ProgressBar label={tr.encProgress} progress={progress} testId="encrypt-progress" />}
          {done && (
            <div class="banner ok wide" role="status" data-testid="encrypt-done">
              {done}
            </div>
          )}
          {error ? <ErrorBanner error={error} /> : null}
          <div class="actions">
            <button type="button" class="link" onClick={onCancel} disabled={busy} data-testid="encrypt-later">
              {tr.encLater}
            </button>
            <button type="submit" class="primary" disabled={password === "" || busy || done !== null} data-testid="encrypt-start">
              {tr.encStart}
            </button>
          </div>
        </form>
      </article>
    </section>
  );
}
