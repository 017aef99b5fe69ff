import { useState } from "preact/hooks";
import { api } from "../api";
import { ErrorBanner } from "../components/ErrorBanner";
import { NewPassword, passwordsMatch } from "../components/NewPassword";
import { t } from "../i18n";
import { open, save } from "../lib/dialog";

/**
 * A shared office's keys from one PC to another: an admin writes them to a file encrypted to a
 * passphrase; on the new PC the signed-in person takes the file in with its passphrase and their
 * server password (the keys are kept under it here). Secrets live in the forms' memory only and
 * are cleared when sent; the core records both steps.
 */
export function OfficeKeys({ canExport, onJoined }: { canExport: boolean; onJoined: () => void }) {
  const tr = t();
  return (
    <article class="card" data-testid="office-keys">
      <h2>{tr.okTitle}</h2>
      <JoinForm onJoined={onJoined} />
      {canExport && <ExportForm />}
    </article>
  );
}

function JoinForm({ onJoined }: { onJoined: () => void }) {
  const tr = t();
  const [file, setFile] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const choose = () => open({ title: tr.okFile }).then((p) => p && setFile(p), setError);
  const submit = (e: Event) => {
    e.preventDefault();
    if (!file) return;
    const [pp, pw] = [passphrase, password];
    setPassphrase("");
    setPassword("");
    setError(null);
    setDone(false);
    setBusy(true);
    api
      .joinOffice(file, pw, pp)
      .then(() => {
        setDone(true);
        onJoined();
      }, setError)
      .finally(() => setBusy(false));
  };
  return (
    <form class="form" onSubmit={submit} autocomplete="off">
      <p class="muted wide">{tr.okJoinLead}</p>
      <label class="wide">
        {tr.okFile}
        <span>
          <code data-testid="join-file">{file ?? tr.okNoFile}</code>{" "}
          <button type="button" onClick={choose} data-testid="join-choose">
            {tr.okChoose}
          </button>
        </span>
      </label>
      <label>
        {tr.okPassphrase}
        <input
          type="password"
          value={passphrase}
          onInput={(e) => setPassphrase((e.target as HTMLInputElement).value)}
          data-testid="join-passphrase"
        />
      </label>
      <label>
        {tr.okPassword}
        <input
          type="password"
          value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          data-testid="join-password"
        />
      </label>
      {error ? <ErrorBanner error={error} /> : null}
      {done && (
        <div class="banner ok wide" role="status" data-testid="join-done">
          {tr.okJoined}
        </div>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={!file || passphrase === "" || busy} data-testid="join-submit">
          {tr.okJoin}
        </button>
      </div>
    </form>
  );
}

function ExportForm() {
  const tr = t();
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  const [written, setWritten] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setWritten(null);
    const path = await save({ title: tr.okExport, defaultPath: "office-keys.age" }).catch((err) => {
      setError(err);
      return null;
    });
    if (!path) return;
    const pp = passphrase;
    setPassphrase("");
    setAgain("");
    setBusy(true);
    api
      .exportOfficeKeys(path, pp)
      .then(() => setWritten(path), setError)
      .finally(() => setBusy(false));
  };
  return (
    <form class="form" onSubmit={submit} autocomplete="off">
      <p class="muted wide">{tr.okExportLead}</p>
      <NewPassword
        value={passphrase}
        again={again}
        minChars={12}
        onValue={setPassphrase}
        onAgain={setAgain}
        testid="export"
        label={tr.okPassphrase}
      />
      {error ? <ErrorBanner error={error} /> : null}
      {written && (
        <div class="banner ok wide" role="status" data-testid="export-done">
          {tr.okExported(written)}
        </div>
      )}
      <div class="actions">
        <button
          type="submit"
          class="primary"
          disabled={!passwordsMatch(passphrase, again) || busy}
          data-testid="export-submit"
        >
          {tr.okExport}
        </button>
      </div>
    </form>
  );
}
