import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Field } from "../bindings/Field";
import type { PolicyForm } from "../bindings/PolicyForm";
import type { PolicyLimits } from "../bindings/PolicyLimits";
import type { SupervisionRule } from "../bindings/SupervisionRule";
import type { PolicyView } from "../bindings/PolicyView";
import type { SettingsInfo } from "../bindings/SettingsInfo";
import { ErrorBanner } from "../components/ErrorBanner";
import { fieldLabel, type Lang, lang, t } from "../i18n";
import { open } from "../lib/dialog";
import { AboutUpdate } from "./AboutUpdate";
import { Operators } from "./Operators";
import { KeyStoreSetting } from "./KeyStoreSetting";
import { OfficeKeys } from "./OfficeKeys";
import { PasswordChange } from "./PasswordChange";
import { rights } from "../lib/live";
import { policyProblems, samePolicy, toggleField } from "../lib/policy";
import { ApprovalRules, SignInRules } from "./PolicyApproval";

/** Language, data folder, the office's store, the signed-in operator, (for an admin) the office's
 * operators, and (for an office) the policy editor. */
export function Settings({
  settings,
  office,
  onLanguage,
  onChanged,
  onStoreChanged,
}: {
  settings: SettingsInfo;
  office: boolean;
  onLanguage: (l: Lang) => void;
  onChanged: () => void;
  /** The store was switched (server or this PC's own): the whole window follows. */
  onStoreChanged: () => void;
}) {
  const tr = t();
  const [error, setError] = useState<unknown>(null);

  return (
    <section class="view scroll" data-testid="settings">
      <div class="toolbar">
        <h1>{tr.navSettings}</h1>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {settings.configProblem && <div class="banner warn">{settings.configProblem}</div>}
      <article class="card settings">
        <dl class="facts">
          <dt>{tr.stLanguage}</dt>
          <dd>
            <LanguageChoice onLanguage={onLanguage} />
          </dd>
          <dt>{tr.dataDir}</dt>
          <dd>
            <DataDirSetting settings={settings} onChanged={onChanged} setError={setError} />
          </dd>
          <dt>{tr.stStore}</dt>
          <dd>
            <StoreSetting settings={settings} onChanged={onStoreChanged} />
          </dd>
          <dt>{tr.operator}</dt>
          <dd>
            <span data-testid="settings-operator">{settings.operator}</span>
            {settings.store.server && <div class="muted" data-testid="operator-server">{tr.stOperatorServer}</div>}
          </dd>
          {settings.configFile && (
            <>
              <dt>{tr.stConfigFile}</dt>
              <dd>
                <code class="muted">{settings.configFile}</code>
              </dd>
            </>
          )}
        </dl>
      </article>
      <AboutUpdate />
      {office && settings.store.signedIn && (
        <PasswordChange minChars={settings.store.passwordMinChars} server={settings.store.server !== null} />
      )}
      {office && settings.store.signedIn && settings.store.server === null && (
        <KeyStoreSetting settings={settings} onChanged={onChanged} />
      )}
      {office && settings.store.signedIn && settings.store.server !== null && (
        <OfficeKeys canExport={rights.value.manageOperators} onJoined={onChanged} />
      )}
      {office && rights.value.manageOperators && <Operators minChars={settings.store.passwordMinChars} />}
      {!office ? (
        <div class="empty">{tr.stPolicyOfficeOnly}</div>
      ) : rights.value.editPolicy ? (
        <PolicyEditor />
      ) : (
        <div class="empty" data-testid="policy-manager-only">{tr.stPolicyManagerOnly}</div>
      )}
    </section>
  );
}

/** 日本語 or English, for the whole window. */
function LanguageChoice({ onLanguage }: { onLanguage: (l: Lang) => void }) {
  const tr = t();
  return (
    <div class="segmented" role="radiogroup" aria-label={tr.stLanguage}>
      {(["ja", "en"] as Lang[]).map((l) => (
        <button
          key={l}
          role="radio"
          aria-checked={lang.value === l}
          class={lang.value === l ? "on" : ""}
          onClick={() => onLanguage(l)}
          data-testid={`lang-${l}`}
        >
          {l === "ja" ? "日本語" : "English"}
        </button>
      ))}
    </div>
  );
}

/** The data folder in use, and the one chosen for the next start (HANDOVER_DATA_DIR wins). */
function DataDirSetting({
  settings,
  onChanged,
  setError,
}: {
  settings: SettingsInfo;
  onChanged: () => void;
  setError: (e: unknown) => void;
}) {
  const tr = t();
  const done = () => onChanged();
  const chooseDir = async () => {
    setError(null);
    const p = await open({ directory: true, title: tr.dataDir }).catch(setError);
    if (p) api.setDataDir(p).then(done, setError);
  };
  const nextDir = settings.configuredDataDir;
  const restart =
    settings.dataDirSource !== "env" &&
    ((nextDir && nextDir !== settings.dataDir) || (!nextDir && settings.dataDirSource === "config"));
  return (
    <>
      <code data-testid="settings-data-dir">{settings.dataDir}</code>
      {settings.dataDirSource === "env" ? (
        <div class="muted">{tr.stDataDirEnv}</div>
      ) : (
        <div class="row">
          <button onClick={chooseDir}>{tr.stDataDirChange}</button>
          {nextDir && (
            <button class="link" onClick={() => api.setDataDir(null).then(done, setError)}>
              {tr.stDataDirReset}
            </button>
          )}
        </div>
      )}
      {restart && (
        <div class="banner warn" role="status" data-testid="restart-needed">
          {nextDir ? tr.stDataDirNext(nextDir) : tr.stDataDirDefaultNext}
        </div>
      )}
    </>
  );
}

/** This PC's own store, or the office's server (a URL without a password; HANDOVER_STORE wins). */
function StoreSetting({ settings, onChanged }: { settings: SettingsInfo; onChanged: () => void }) {
  const tr = t();
  const store = settings.store;
  const [url, setUrl] = useState(store.configuredUrl ?? "");
  const [error, setError] = useState<unknown>(null);
  const run = (p: Promise<unknown>) => {
    setError(null);
    p.then(onChanged, setError);
  };
  return (
    <div data-testid="store-setting">
      <div>
        {store.server ? (
          <>
            {tr.stStoreServer}: <code data-testid="store-server">{store.server}</code>
          </>
        ) : (
          <span data-testid="store-own">{tr.stStoreOwn}</span>
        )}
      </div>
      {store.source === "env" ? (
        <div class="muted">{tr.stStoreEnv}</div>
      ) : (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            run(api.storeConnect(url.trim()));
          }}
        >
          <label class="muted stack">
            {tr.stStoreConnectTitle} — {tr.stStoreUrl}
            <input
              value={url}
              onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
              placeholder="postgres://sato@db.example/office?sslmode=verify-full"
              spellcheck={false}
              autocomplete="off"
              data-testid="store-url"
            />
          </label>
          <div class="muted">{tr.stStoreUrlHint}</div>
          <div class="row">
            <button type="submit" disabled={url.trim() === ""} data-testid="store-connect">
              {tr.stStoreConnect}
            </button>
            {(store.server || store.source === "config") && (
              <button type="button" class="link" onClick={() => run(api.storeUseEmbedded())} data-testid="store-use-own">
                {tr.stStoreUseOwn}
              </button>
            )}
          </div>
        </form>
      )}
      {error ? <ErrorBanner error={error} /> : null}
    </div>
  );
}

type NumberKey = "returnDays" | "notifyDeadlineDays" | "recordRetentionYears" | "customerRetentionYears";

/** The policy's numbers (bounds from the core) and what a pack to a contractor whose
 * supervision is due does. */
function PolicyRules({ form, limits, setNumber, onRule }: {
  form: PolicyForm;
  limits: PolicyLimits;
  setNumber: (k: NumberKey) => (e: Event) => void;
  onRule: (rule: SupervisionRule) => void;
}) {
  const tr = t();
  return (
    <div class="form numbers">
      <label>
        {tr.stReturnDays}
        <input type="number" min={limits.minReturnDays} step={1} value={form.returnDays} onInput={setNumber("returnDays")} data-testid="policy-return-days" />
      </label>
      <label>
        {tr.stNotifyDays}
        <input type="number" min={limits.minNotifyDeadlineDays} step={1} value={form.notifyDeadlineDays} onInput={setNumber("notifyDeadlineDays")} data-testid="policy-notify-days" />
      </label>
      <label>
        {tr.stRetention}
        <input type="number" min={limits.minRecordRetentionYears} step={1} value={form.recordRetentionYears} onInput={setNumber("recordRetentionYears")} data-testid="policy-retention" />
      </label>
      <label>
        {tr.stCustomerRetention}
        <input
          type="number"
          min={limits.minCustomerRetentionYears}
          step={1}
          value={form.customerRetentionYears}
          onInput={setNumber("customerRetentionYears")}
          data-testid="policy-customer-retention"
        />
      </label>
      <label>
        {tr.stSupervisionRule}
        <select value={form.supervision} onChange={(e) => onRule((e.target as HTMLSelectElement).value as SupervisionRule)} data-testid="policy-supervision">
          <option value="warn">{tr.stSupervisionWarn}</option>
          <option value="refuse">{tr.stSupervisionRefuse}</option>
        </select>
      </label>
    </div>
  );
}

/** The policy as saved, the form being edited, and saving it (the core checks it again). */
function usePolicyForm() {
  const [view, setView] = useState<PolicyView | null>(null);
  const [form, setForm] = useState<PolicyForm | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.policy().then((v) => {
      setView(v);
      setForm(v.policy);
    }, setError);
  }, []);
  const edit = (f: PolicyForm) => {
    setSaved(false);
    setForm(f);
  };
  const save = (f: PolicyForm) => {
    setError(null);
    setBusy(true);
    api
      .savePolicy(f)
      .then((v) => {
        setView(v);
        setForm(v.policy);
        setSaved(true);
      }, setError)
      .finally(() => setBusy(false));
  };
  return { view, form, saved, busy, error, edit, save };
}

function PolicyEditor() {
  const tr = t();
  const { view, form, saved, busy, error, edit, save } = usePolicyForm();
  if (!view || !form) return error ? <ErrorBanner error={error} /> : null;

  const limits = view.limits;
  const problems = policyProblems(form, limits);
  const dirty = !samePolicy(form, view.policy) || !!view.loadError;
  const setNumber = (k: NumberKey) => (e: Event) => edit({ ...form, [k]: (e.target as HTMLInputElement).valueAsNumber });
  const problemText = {
    retention: tr.stRetentionTooShort,
    customerRetention: tr.stCustomerRetentionTooShort,
    return: tr.stReturnTooShort,
    notify: tr.stNotifyTooShort,
    range: t().outOfRange,
  };

  return (
    <article class="card" data-testid="policy-editor">
      <h2>{tr.stPolicy}</h2>
      <p class="muted">{tr.stPolicyHint}</p>
      {view.loadError && (
        <div class="banner warn">
          <div>
            <strong>{tr.stPolicyBroken}</strong>
            <div class="detail">{view.loadError}</div>
          </div>
        </div>
      )}
      <MinimalSets form={form} fields={view.selectable} limits={limits} onChange={edit} />
      <PolicyRules form={form} limits={limits} setNumber={setNumber} onRule={(supervision) => edit({ ...form, supervision })} />
      <ApprovalRules form={form} limits={limits} onChange={edit} />
      <SignInRules form={form} limits={limits} onChange={edit} />
      {problems.map((p) => (
        <div class="banner warn" role="status" key={p}>
          {problemText[p]}
        </div>
      ))}
      {error ? <ErrorBanner error={error} /> : null}
      {saved && (
        <div class="banner ok" role="status" data-testid="policy-saved">
          {tr.stPolicySaved}
        </div>
      )}
      <div class="actions">
        <button class="primary" onClick={() => save(form)} disabled={busy || !dirty || problems.length > 0} data-testid="policy-save">
          {tr.stPolicySave}
        </button>
      </div>
    </article>
  );
}

/** Each work type's minimal set: a row of checkboxes, one per field that may be handed over. */
function MinimalSets({
  form,
  fields,
  limits,
  onChange,
}: {
  form: PolicyForm;
  fields: Field[];
  limits: PolicyLimits;
  onChange: (f: PolicyForm) => void;
}) {
  const tr = t();
  return (
    <div class="policy-grid">
      <table class="review policy">
        <thead>
          <tr>
            <th>{tr.workType}</th>
            {fields.map((f) => (
              <th key={f} class="field">
                {fieldLabel(f)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {form.workTypes.map((w) => (
            <tr key={w.id}>
              <th scope="row">{lang.value === "ja" ? w.labelJa : w.labelEn}</th>
              {fields.map((f) => (
                <td key={f} class="field">
                  <input
                    type="checkbox"
                    checked={w.fields.includes(f)}
                    disabled={f === limits.requiredField}
                    aria-label={`${lang.value === "ja" ? w.labelJa : w.labelEn}: ${fieldLabel(f)}`}
                    onChange={() => onChange(toggleField(form, w.id, f, fields, limits))}
                    data-testid={`policy-${w.id}-${f}`}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
