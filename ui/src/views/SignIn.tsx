import { useState } from "preact/hooks";
import { api, isIpcError } from "../api";
import type { SettingsInfo } from "../bindings/SettingsInfo";
import { ErrorBanner } from "../components/ErrorBanner";
import { lang, t } from "../i18n";
import { localDateTime } from "../lib/dates";
import { EncryptOffice } from "./EncryptOffice";

/**
 * Signing in: on this PC's store an operator's name and password, on the office's server a
 * login and its password. The password stays in this form's memory until it is sent, and is
 * cleared whether it is accepted or not; it is never written to the settings or the webview's
 * storage.
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
  const server = settings.store.server;
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
  if (isIpcError(error) && error.code === "store_not_encrypted")
    return <EncryptOffice login={login.trim()} onSignedIn={onSignedIn} onCancel={() => setError(null)} />;
  const { passwordKnown, keyStore } = blankPassword(settings, login);
  const canSubmit = login.trim() !== "" && (password !== "" || passwordKnown || keyStore) && !busy;
  return (
    <section class="view scroll" data-testid="sign-in">
      <div class="toolbar">
        <h1>{server ? tr.siTitle : tr.sgnTitle}</h1>
      </div>
      <article class="card settings">
        <p class="muted">{server ? tr.siLead : tr.lead}</p>
        <form class="form" onSubmit={submit} autocomplete="off">
          {server && (
            <label class="wide">
              {tr.siServer}
              <code data-testid="sign-in-server">{server}</code>
            </label>
          )}
          <label>
            {server ? tr.siLogin : tr.sgnName}
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
          <BlankPasswordHint server={passwordKnown} keyStore={keyStore} />
          <SignInError error={error} />
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

/** Whether the password may be left blank: the server's is saved (PGPASSWORD, ~/.pgpass), or
 * this PC's key store opens the office for `login` (names as the roster keeps them: NFC). */
function blankPassword(settings: SettingsInfo, login: string) {
  const server = settings.store.server;
  return {
    passwordKnown: !!server && settings.store.passwordKnown,
    keyStore: !server && settings.store.keyStoreOperators.includes(login.trim().normalize("NFC")),
  };
}

/** Why the password may be left blank: the server's saved one, or this PC's key store. */
function BlankPasswordHint({ server, keyStore }: { server: boolean; keyStore: boolean }) {
  const tr = t();
  if (server) return <div class="muted wide">{tr.siPasswordKnown}</div>;
  if (keyStore)
    return (
      <div class="muted wide" data-testid="sign-in-key-store">
        {tr.siKeyStore}
      </div>
    );
  return null;
}

/** A refused sign-in; a locked-out operator also reads until when, in this PC's local time. */
export function SignInError({ error }: { error: unknown }) {
  if (!error) return null;
  const until = isIpcError(error) ? error.lockedUntil : null;
  return (
    <div class="wide">
      <ErrorBanner error={error} />
      {until && (
        <div class="banner warn" role="status" data-testid="locked-until">
          {t().lockedUntil(localDateTime(until, lang.value))}
        </div>
      )}
    </div>
  );
}
