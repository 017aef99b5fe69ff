import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { About } from "../bindings/About";
import type { UpdateInfo } from "../bindings/UpdateInfo";
import { ErrorBanner } from "../components/ErrorBanner";
import { t } from "../i18n";
import { open } from "../lib/dialog";

/**
 * Settings → このアプリについて・更新: the version and commit, the log folder, and the offline
 * update (a signed .deb from a USB stick, verified by the app before it asks to install).
 */
export function AboutUpdate() {
  const tr = t();
  const [about, setAbout] = useState<About | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.about().then(setAbout, setError);
  }, []);

  return (
    <article class="card settings" data-testid="about">
      <h2>{tr.abTitle}</h2>
      {error ? <ErrorBanner error={error} /> : null}
      <dl class="facts">
        <dt>{tr.abVersion}</dt>
        <dd>
          <code data-testid="about-version">{about?.version ?? "…"}</code>
        </dd>
        <dt>{tr.abLog}</dt>
        <dd>
          <div class="row">
            <button onClick={() => api.logOpen().catch(setError)} data-testid="log-open">
              {tr.abLogOpen}
            </button>
            {about?.logFolder && <code class="muted">{about.logFolder}</code>}
          </div>
          <div class="muted">{tr.abLogNote}</div>
        </dd>
        <dt>{tr.abReleaseKey}</dt>
        <dd>
          <code>{about?.releaseKey ?? "…"}</code>
          {about?.testKey && (
            <div class="banner warn" role="status" data-testid="test-key">
              {tr.abTestKey}
            </div>
          )}
        </dd>
        <UpdateFacts setError={setError} />
      </dl>
    </article>
  );
}

/** The offline update: choose a signed .deb, see it verified by the app, install it. */
function UpdateFacts({ setError }: { setError: (e: unknown) => void }) {
  const tr = t();
  const [update, setUpdate] = useState<UpdateInfo | null>(null);
  const [state, setState] = useState<"idle" | "installing" | "done">("idle");

  const choose = async () => {
    setError(null);
    setUpdate(null);
    setState("idle");
    const p = await open({ title: tr.abUpdate, filters: [{ name: "Debian package", extensions: ["deb"] }] }).catch(setError);
    if (p) api.updateCheck(p).then(setUpdate, setError);
  };
  const install = () => {
    if (!update || !window.confirm(tr.abUpdateConfirm(update.version))) return;
    setError(null);
    setState("installing");
    api.updateInstall().then(
      () => {
        setState("done");
        setUpdate(null);
      },
      (e) => {
        setState("idle");
        setUpdate(null);
        setError(e);
      },
    );
  };

  return (
    <>
      <dt>{tr.abUpdate}</dt>
      <dd>
        <div class="muted">{tr.abUpdateNote}</div>
        <div class="row">
          <button onClick={choose} disabled={state === "installing"} data-testid="update-choose">
            {tr.abUpdateChoose}
          </button>
        </div>
        {update && (
          <div class="banner ok" role="status" data-testid="update-verified">
            <span>{tr.abUpdateVerified(update.version, update.current)}</span>
            {update.same && <span> {tr.abUpdateSame}</span>}
            <button class="primary" onClick={install} data-testid="update-install">
              {tr.abUpdateInstall}
            </button>
          </div>
        )}
        {state === "installing" && <div class="muted">{tr.abUpdateBusy}</div>}
        {state === "done" && (
          <div class="banner ok" role="status" data-testid="update-done">
            {tr.abUpdateDone}
          </div>
        )}
      </dd>
    </>
  );
}
