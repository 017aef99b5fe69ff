import { useState } from "preact/hooks";
import { api } from "../api";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { OfficePublicKeys } from "../bindings/OfficePublicKeys";
import type { SettingsInfo } from "../bindings/SettingsInfo";
import { ErrorBanner } from "../components/ErrorBanner";
import { KeyCard } from "../components/KeyCard";
import { RecoveryKeyCard } from "../components/RecoveryKeyCard";
import { AdminForm } from "./AdminForm";
import { t } from "../i18n";

type Step = "choose" | "keys" | "register";

/**
 * The first start on this PC's store while it has nobody on its roster: office (the first
 * admin's name and password, then the office keys shown with copy buttons and QR codes, the
 * sample register) or contractor.
 */
export function FirstStart({
  settings,
  onContractor,
  onSettings,
  onFinished,
}: {
  settings: SettingsInfo;
  onContractor: () => void;
  /** Settings (the office's server, for a PC of a shared office; the data folder). */
  onSettings: () => void;
  onFinished: () => void;
}) {
  const tr = t();
  const [step, setStep] = useState<Step>("choose");
  const [keys, setKeys] = useState<OfficePublicKeys | null>(null);
  const [recovery, setRecovery] = useState<string | null>(null);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const contractor = () => {
    setError(null);
    api.setMode("contractor").then(onContractor, setError);
  };
  const createAdmin = async (name: string, password: string) => {
    setError(null);
    setWorking(true);
    try {
      await api.setMode("office");
      const report = await api.createAdmin(name, password);
      setRecovery(report.recoveryKey ?? null);
      setKeys(report.keys);
    } catch (e) {
      setError(e);
    } finally {
      setWorking(false);
    }
  };

  return (
    <section class="view scroll firststart" data-testid="first-start">
      <div class="fs-card">
        <h1>{tr.fsTitle}</h1>
        <p class="muted">
          {tr.dataDir}: <code data-testid="first-start-data-dir">{settings.dataDir}</code>
        </p>
        {error ? <ErrorBanner error={error} /> : null}
        {step === "choose" && <ChooseRole onOffice={() => setStep("keys")} onContractor={contractor} onSettings={onSettings} />}
        {step === "keys" && (
          <>
            <h2>{tr.fsKeysTitle}</h2>
            {keys ? (
              <KeysCreated keys={keys} recovery={recovery} onNext={() => setStep("register")} />
            ) : (
              <AdminForm minChars={settings.store.passwordMinChars} working={working} onCreate={createAdmin} onBack={() => setStep("choose")} />
            )}
          </>
        )}
        {step === "register" && <FirstRegister onFinished={onFinished} onError={setError} />}
      </div>
    </section>
  );
}

/** Office or contractor (and the settings, for a PC of a shared office). */
function ChooseRole({ onOffice, onContractor, onSettings }: { onOffice: () => void; onContractor: () => void; onSettings: () => void }) {
  const tr = t();
  return (
    <>
      <p>{tr.fsIntro}</p>
      <div class="choices">
        <button class="choice" onClick={onOffice} data-testid="choose-office">
          <strong>{tr.fsOffice}</strong>
          <span>{tr.fsOfficeBody}</span>
        </button>
        <button class="choice" onClick={onContractor} data-testid="choose-contractor">
          <strong>{tr.fsContractor}</strong>
          <span>{tr.fsContractorBody}</span>
        </button>
      </div>
      <button class="link" onClick={onSettings} data-testid="first-start-settings">
        {tr.siSettings}
      </button>
    </>
  );
}

/** The office's keys just made (and the recovery key, once), to copy or scan. */
function KeysCreated({ keys, recovery, onNext }: { keys: OfficePublicKeys; recovery: string | null; onNext: () => void }) {
  const tr = t();
  return (
    <>
      <div class="banner ok" role="status" data-testid="keys-created">
        <strong>{tr.fsKeysDone}</strong>
        <span>{tr.fsKeysHint}</span>
      </div>
      {recovery && <RecoveryKeyCard value={recovery} />}
      <KeyCard title={tr.signingKey} value={keys.signingKey} fingerprint={keys.signingFingerprint} testid="office-signing" />
      <KeyCard title={tr.recipient} value={keys.recipient} fingerprint={keys.recipientFingerprint} testid="office-recipient" />
      <div class="actions">
        <button class="primary" onClick={onNext} data-testid="next">
          {tr.next}
        </button>
      </div>
    </>
  );
}

/** The register: the sample (with its progress), the office's own later, or none yet. */
function FirstRegister({ onFinished, onError }: { onFinished: () => void; onError: (e: unknown) => void }) {
  const tr = t();
  const [busy, setBusy] = useState<ImportProgress | null>(null);
  const loadSample = () => {
    onError(null);
    setBusy({ done: 0, total: null });
    api
      .loadSample(setBusy)
      .then(onFinished, onError)
      .finally(() => setBusy(null));
  };
  return (
    <>
      <h2>{tr.fsRegisterTitle}</h2>
      <p>{tr.fsRegisterBody}</p>
      {busy ? (
        <div class="progress" role="progressbar">
          <span>{tr.importing}</span>
          <div class="bar">
            <div
              class={busy.total ? "fill" : "fill indeterminate"}
              style={busy.total ? { width: `${Math.min(100, Math.round((busy.done / busy.total) * 100))}%` } : {}}
            />
          </div>
        </div>
      ) : (
        <div class="actions">
          <button onClick={onFinished} data-testid="skip-register">
            {tr.fsSkip}
          </button>
          <button onClick={onFinished}>{tr.fsImportOwn}</button>
          <button class="primary" onClick={loadSample} data-testid="first-start-sample">
            {tr.loadSample}
          </button>
        </div>
      )}
    </>
  );
}
