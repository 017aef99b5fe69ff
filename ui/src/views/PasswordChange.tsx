import { useState } from "preact/hooks";
import { api } from "../api";
import { ErrorBanner } from "../components/ErrorBanner";
import { NewPassword, passwordsMatch } from "../components/NewPassword";
import { t } from "../i18n";

/**
 * The signed-in person changes their own password: the current one, the new one twice. The core
 * checks the current one by unlocking the office's key and locks it again under the new one (on
 * a shared office: the login's password on the server, and this PC's office keys follow); the
 * three values live in this form's memory only and are cleared when sent.
 */
export function PasswordChange({ minChars, server }: { minChars: number; server: boolean }) {
  const tr = t();
  const [current, setCurrent] = useState("");
  const [pw, setPw] = useState("");
  const [again, setAgain] = useState("");
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    const [c, p] = [current, pw];
    setCurrent("");
    setPw("");
    setAgain("");
    setBusy(true);
    api
      .changePassword(c, p)
      .then(() => setDone(true), setError)
      .finally(() => setBusy(false));
  };
  return (
    <article class="card" data-testid="password-change">
      <h2>{tr.pwTitle}</h2>
      <p class="muted">{server ? tr.pwLeadServer : tr.pwLead}</p>
      <form class="form" onSubmit={submit} autocomplete="off">
        <label class="wide">
          {tr.pwCurrent}
          <input
            type="password"
            value={current}
            onInput={(e) => setCurrent((e.target as HTMLInputElement).value)}
            autocomplete="current-password"
            required
            data-testid="password-change-current"
          />
        </label>
        <NewPassword
          value={pw}
          again={again}
          minChars={minChars}
          onValue={setPw}
          onAgain={setAgain}
          testid="password-change"
          label={tr.pwNew}
        />
        {error ? <ErrorBanner error={error} /> : null}
        {done && (
          <div class="banner ok wide" role="status" data-testid="password-changed">
            {tr.pwChanged}
          </div>
        )}
        <div class="actions">
          <button
            type="submit"
            class="primary"
            disabled={busy || !current || !passwordsMatch(pw, again)}
            data-testid="password-change-submit"
          >
            {tr.pwSubmit}
          </button>
        </div>
      </form>
    </article>
  );
}
