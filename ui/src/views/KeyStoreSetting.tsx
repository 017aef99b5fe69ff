import { useState } from "preact/hooks";
import { api } from "../api";
import type { SettingsInfo } from "../bindings/SettingsInfo";
import { ErrorBanner } from "../components/ErrorBanner";
import { t } from "../i18n";

/**
 * Opening this PC's own office without typing: the signed-in person turns it on (a secret in the
 * OS key store unwraps the office's key for them) or off. What it costs is said before: the key
 * is then on the device, and a lost PC is a leak to report. The core records each change.
 */
export function KeyStoreSetting({
  settings,
  onChanged,
}: {
  settings: SettingsInfo;
  /** The setting changed: the window reads the settings again. */
  onChanged: () => void;
}) {
  const tr = t();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const names = settings.store.keyStoreOperators;
  const on = names.includes(settings.operator);
  const others = names.filter((n) => n !== settings.operator);
  const set = (value: boolean) => {
    setError(null);
    setBusy(true);
    api
      .setKeyStore(value)
      .then(() => onChanged(), setError)
      .finally(() => setBusy(false));
  };
  return (
    <article class="card" data-testid="key-store">
      <h2>{tr.ksTitle}</h2>
      <p class="muted">{tr.ksLead(settings.store.keyStoreKind)}</p>
      <p data-testid="key-store-state">{on ? tr.ksIsOn : tr.ksIsOff}</p>
      {others.length > 0 && <p class="muted">{tr.ksOthers(others.join("、"))}</p>}
      {error ? <ErrorBanner error={error} /> : null}
      <div class="actions">
        <button
          type="button"
          class={on ? "" : "primary"}
          disabled={busy}
          onClick={() => set(!on)}
          data-testid="key-store-toggle"
        >
          {on ? tr.ksOff : tr.ksOn}
        </button>
      </div>
    </article>
  );
}
