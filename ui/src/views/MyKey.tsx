import { useState } from "preact/hooks";
import { api } from "../api";
import type { KeygenResult } from "../bindings/KeygenResult";
import { CopyField } from "../components/CopyField";
import { ErrorBanner } from "../components/ErrorBanner";
import { KeyCard } from "../components/KeyCard";
import { t } from "../i18n";
import { save } from "../lib/dialog";

/** What is wrong with the optional passphrase pair, if anything. */
export function passphraseProblem(pass: string, again: string): "short" | "mismatch" | null {
  if (pass.length === 0 && again.length === 0) return null;
  if ([...pass].length < 8) return "short";
  if (pass !== again) return "mismatch";
  return null;
}

/** Contractor mode: create one's own key and show the public key to send to the office. */
export function MyKey() {
  const tr = t();
  const [pass, setPass] = useState("");
  const [again, setAgain] = useState("");
  const [result, setResult] = useState<KeygenResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const problem = passphraseProblem(pass, again);

  const create = async () => {
    setError(null);
    const out = await save({ title: tr.mkCreate, defaultPath: "handover-key.txt", filters: [{ name: "key", extensions: ["txt"] }] }).catch(setError);
    if (!out) return;
    setBusy(true);
    api
      .keygen(out, pass || null)
      .then((r) => {
        setResult(r);
        setPass("");
        setAgain("");
      }, setError)
      .finally(() => setBusy(false));
  };

  return (
    <section class="view scroll" data-testid="my-key">
      <div class="toolbar">
        <h1>{tr.navMyKey}</h1>
      </div>
      <form
        class="form card"
        onSubmit={(e) => {
          e.preventDefault();
          create();
        }}
      >
        <p class="wide muted">{tr.mkIntro}</p>
        <label>
          {tr.mkPass}
          <input type="password" value={pass} onInput={(e) => setPass((e.target as HTMLInputElement).value)} autocomplete="new-password" />
        </label>
        <label>
          {tr.mkPass2}
          <input type="password" value={again} onInput={(e) => setAgain((e.target as HTMLInputElement).value)} autocomplete="new-password" />
        </label>
        {problem && (
          <div class="banner warn" role="status">
            {problem === "short" ? tr.mkShort : tr.mkMismatch}
          </div>
        )}
        {error ? <ErrorBanner error={error} /> : null}
        <div class="actions">
          <button class="primary" type="submit" disabled={busy || !!problem} data-testid="keygen">
            {tr.mkCreate}
          </button>
        </div>
      </form>
      {result && (
        <article class="card" data-testid="keygen-done">
          <div class="banner ok" role="status">
            <strong>{tr.mkDone}</strong>
            <span>{tr.mkHint}</span>
          </div>
          <KeyCard title={tr.mkPublic} value={result.recipient} fingerprint={result.fingerprint} testid="my-recipient" />
          <h3>{tr.mkSaved}</h3>
          <CopyField value={result.path} label={tr.mkSaved} />
          {result.protected && <div class="muted">{tr.mkProtected}</div>}
        </article>
      )}
    </section>
  );
}
