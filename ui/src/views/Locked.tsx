import { useState } from "preact/hooks";
import { api } from "../api";
import type { SettingsInfo } from "../bindings/SettingsInfo";
import { t } from "../i18n";
import { SignInError } from "./SignIn";

/**
 * The window after the policy's minutes without use: the office is closed (nothing of it can
 * be read), the unfinished work waits hidden behind this screen, and the person who was
 * signed in goes on with their password. Someone else signs in after a sign-out, which drops
 * that work.
 */
export function Locked({
  who,
  minutes,
  onUnlocked,
  onSwitch,
}: {
  who: string;
  minutes: number;
  onUnlocked: (s: SettingsInfo) => void;
  onSwitch: () => void;
}) {
  const tr = t();
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
      .signIn(who, pw)
      .then(onUnlocked, setError)
      .finally(() => setBusy(false));
  };
  return (
    <section class="view scroll" data-testid="locked">
      <div class="toolbar">
        <h1>{tr.lockTitle}</h1>
      </div>
      <article class="card settings">
        <p>{tr.lockLead(who, minutes)}</p>
        <form class="form" onSubmit={submit} autocomplete="off">
          <label>
            {tr.sgnName}
            <strong data-testid="locked-who">{who}</strong>
          </label>
          <label>
            {tr.siPassword}
            <input
              type="password"
              value={password}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
              autocomplete="off"
              data-testid="locked-password"
            />
          </label>
          <SignInError error={error} />
          <div class="actions">
            <button type="button" class="link" onClick={onSwitch} data-testid="locked-switch">
              {tr.switchUser}
            </button>
            <button type="submit" class="primary" disabled={!password || busy} data-testid="locked-submit">
              {busy ? tr.siBusy : tr.unlock}
            </button>
          </div>
        </form>
      </article>
    </section>
  );
}
