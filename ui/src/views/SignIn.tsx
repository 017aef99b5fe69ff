import { useState } from "preact/hooks";
import { api } from "../api";
import type { SettingsInfo } from "../bindings/SettingsInfo";
import { ErrorBanner } from "../components/ErrorBanner";
import { t } from "../i18n";

/**
 * Signing in to the office's server: a login and a password. The password stays in this
 * form's memory until it is sent, and is cleared whether the server accepts it or not; it is
 * never written to the settings or the webview's storage.
 */
export function SignIn({
  settings,
  onSignedIn,
  onSettings,
}: {
  settings: SettingsInfo;
  onSignedIn: (s: SettingsInfo) => void;
  onSettings: () => void;
}) {
  const tr = t();
  const [login, setLogin] = useState(settings.store.login ?? "");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    const pw = password;
    setPassword("");
    api
      .signIn(login.trim(), pw)
      .then(onSignedIn, setError)
      .finally(() => setBusy(false));
  };
  const canSubmit = login.trim() !== "" && (password !== "" || settings.store.passwordKnown) && !busy;
  return (
    <section class="view scroll" data-testid="sign-in">
      <div class="toolbar">
        <h1>{tr.siTitle}</h1>
      </div>
      <article class="card settings">
        <p class="muted">{tr.siLead}</p>
        <form class="form" onSubmit={submit} autocomplete="off">
          <label class="wide">
            {tr.siServer}
            <code data-testid="sign-in-server">{settings.store.server}</code>
          </label>
          <label>
            {tr.siLogin}
            <input
              value={login}
              onInput={(e) => setLogin((e.target as HTMLInputElement).value)}
              autocomplete="username"
              spellcheck={false}
              required
              data-testid="sign-in-login"
            />
          </label>
          <label>
            {tr.siPassword}
            <input
              type="password"
              value={password}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
              autocomplete="off"
              data-testid="sign-in-password"
            />
          </label>
          {settings.store.passwordKnown && <div class="muted wide">{tr.siPasswordKnown}</div>}
          {error ? <ErrorBanner error={error} /> : null}
          <div class="actions">
            <button type="button" class="link" onClick={onSettings}>
              {tr.siSettings}
            </button>
            <button type="submit" class="primary" disabled={!canSubmit} data-testid="sign-in-submit">
              {busy ? tr.siBusy : tr.siSubmit}
            </button>
          </div>
        </form>
      </article>
    </section>
  );
}
