import { open, save } from "../lib/dialog";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { ContractorRow } from "../bindings/ContractorRow";
import type { ExclusionReason } from "../bindings/ExclusionReason";
import type { Field } from "../bindings/Field";
import type { Method } from "../bindings/Method";
import type { PackResult } from "../bindings/PackResult";
import type { Preparation } from "../bindings/Preparation";
import type { Selection } from "../bindings/Selection";
import type { WithheldReason } from "../bindings/WithheldReason";
import type { WorkTypeInfo } from "../bindings/WorkTypeInfo";
import { ErrorBanner } from "../components/ErrorBanner";
import { fieldLabel, lang, t } from "../i18n";
import { formatDate } from "../lib/format";

const EXTRA_CANDIDATES: Field[] = ["name_kana", "postal_code", "email", "service", "floor_plan", "notes", "birth_date", "gender", "occupation"];

export function parseIds(text: string): string[] {
  return text
    .split(/[\s,、，]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function withheldText(r: WithheldReason): string | null {
  const tr = t();
  if (r.kind === "customer_request") return tr.reasonRequest(r.request_id);
  if (r.kind === "no_data") return tr.reasonNoData;
  return null;
}

function excludedText(r: ExclusionReason): string {
  const tr = t();
  switch (r.kind) {
    case "unknown_customer":
      return tr.exclUnknown;
    case "duplicate":
      return tr.exclDuplicate;
    case "opt_out":
      return tr.exclOptOut(r.request_id, r.status);
    case "missing_required":
      return tr.exclMissing(fieldLabel(r.field));
  }
}

/** The main flow: choose, review exactly what leaves the office, create and record. */
export function NewHandover() {
  const tr = t();
  const [workTypes, setWorkTypes] = useState<WorkTypeInfo[]>([]);
  const [contractors, setContractors] = useState<ContractorRow[]>([]);
  const [workType, setWorkType] = useState<WorkTypeInfo["id"]>("installation");
  const [contractorId, setContractorId] = useState("");
  const [ids, setIds] = useState("");
  const [extras, setExtras] = useState<Record<string, string>>({});
  const [method, setMethod] = useState<Method>("transfer");
  const [armor, setArmor] = useState(false);
  const [usePass, setUsePass] = useState(false);
  const [pass, setPass] = useState("");
  const [returnBy, setReturnBy] = useState("");
  const [prep, setPrep] = useState<Preparation | null>(null);
  const [result, setResult] = useState<PackResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.workTypes().then(setWorkTypes, setError);
    api.contractors().then((list) => {
      setContractors(list);
      const ok = list.find((c) => c.status === "valid" || c.status === "expiring_soon");
      if (ok) setContractorId(ok.contractor.id);
    }, setError);
  }, []);

  const wt = workTypes.find((w) => w.id === workType);
  const selection = (): Selection => ({
    contractorId,
    workType,
    customers: parseIds(ids),
    extraFields: Object.entries(extras).map(([field, reason]) => ({ field: field as Field, reason })),
    method,
    passphrase: method !== "paper" && usePass,
  });
  const changed = () => {
    setPrep(null);
    setResult(null);
  };
  const review = () => {
    setError(null);
    api.prepare(selection()).then(setPrep, setError);
  };
  const create = async () => {
    setError(null);
    let out: string | null = null;
    if (method === "media") {
      const d = await open({ directory: true, multiple: false });
      out = typeof d === "string" ? d : null;
    } else {
      out = await save({
        defaultPath: method === "paper" ? "work-order.html" : "handover.age",
        filters: method === "paper" ? [{ name: "HTML", extensions: ["html"] }] : [{ name: "age", extensions: ["age"] }],
      });
    }
    if (!out) return;
    setBusy(true);
    api
      .pack(selection(), { out, armor, returnBy: returnBy || null, passphrase: usePass && method !== "paper" ? pass : null }, () => {})
      .then((r) => {
        setResult(r);
        setPrep(null);
      }, setError)
      .finally(() => setBusy(false));
  };

  return (
    <section class="view scroll">
      <div class="toolbar">
        <h1>{tr.navHandover}</h1>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {result && (
        <div class="banner ok" role="status" data-testid="handover-done">
          <div>
            <strong>{tr.done}</strong>
            <div>
              {tr.handoverId}: <code>{result.handoverId}</code> · {tr.returnBy.split("（")[0].split(" (")[0]}:{" "}
              {formatDate(result.returnBy, lang.value)}
            </div>
            <div>
              {tr.savedTo}: <code>{result.path}</code>
            </div>
            {result.warnings.map((w) => (
              <div class="muted" key={w}>
                {w}
              </div>
            ))}
          </div>
        </div>
      )}
      <form class="form card" onSubmit={(e) => (e.preventDefault(), review())} onInput={changed}>
        <label>
          {tr.workType}
          <select value={workType} onChange={(e) => (setWorkType((e.target as HTMLSelectElement).value as WorkTypeInfo["id"]), changed())}>
            {workTypes.map((w) => (
              <option value={w.id} key={w.id}>
                {lang.value === "ja" ? w.labelJa : w.labelEn}
              </option>
            ))}
          </select>
          {wt && <span class="muted">{wt.fields.map(fieldLabel).join("・")}</span>}
        </label>
        <label>
          {tr.contractor}
          <select value={contractorId} onChange={(e) => (setContractorId((e.target as HTMLSelectElement).value), changed())}>
            <option value="">—</option>
            {contractors.map((c) => {
              const bad = c.status === "expired" || c.status === "not_yet_valid";
              return (
                <option value={c.contractor.id} key={c.contractor.id} disabled={bad}>
                  {c.contractor.name}（{c.contractor.id}）{bad ? ` — ${tr.invalidContractor}` : ""}
                  {c.keys.length ? ` · ${c.keys.map((k) => k.fingerprint).join(", ")}` : ""}
                </option>
              );
            })}
          </select>
        </label>
        <label class="wide">
          {tr.customersToSend}
          <textarea rows={3} value={ids} onInput={(e) => setIds((e.target as HTMLTextAreaElement).value)} spellcheck={false} data-testid="customer-ids" />
        </label>
        <fieldset class="wide">
          <legend>{tr.extraFields}</legend>
          <div class="extras">
            {EXTRA_CANDIDATES.filter((f) => !wt?.fields.includes(f)).map((f) => (
              <div class="extra" key={f}>
                <label class="check">
                  <input
                    type="checkbox"
                    checked={f in extras}
                    onChange={(e) => {
                      const next = { ...extras };
                      if ((e.target as HTMLInputElement).checked) next[f] = "";
                      else delete next[f];
                      setExtras(next);
                      changed();
                    }}
                  />
                  {fieldLabel(f)}
                </label>
                {f in extras && (
                  <input placeholder={tr.reasonFor} value={extras[f]} onInput={(e) => setExtras({ ...extras, [f]: (e.target as HTMLInputElement).value })} />
                )}
              </div>
            ))}
          </div>
        </fieldset>
        <fieldset class="wide">
          <legend>{tr.method}</legend>
          {(["transfer", "media", "paper"] as Method[]).map((m) => (
            <label class="check" key={m}>
              <input type="radio" name="method" checked={method === m} onChange={() => (setMethod(m), changed())} />
              {m === "transfer" ? tr.methodTransfer : m === "media" ? tr.methodMedia : tr.methodPaper}
            </label>
          ))}
          {method !== "paper" && (
            <>
              <label class="check">
                <input type="checkbox" checked={armor} onChange={(e) => setArmor((e.target as HTMLInputElement).checked)} />
                {tr.armor}
              </label>
              <label class="check">
                <input type="checkbox" checked={usePass} onChange={(e) => (setUsePass((e.target as HTMLInputElement).checked), changed())} />
                {tr.usePassphrase}
              </label>
              {usePass && (
                <>
                  <input type="password" placeholder={tr.passphrase} value={pass} onInput={(e) => setPass((e.target as HTMLInputElement).value)} />
                  <div class="banner warn">{tr.ppap}</div>
                </>
              )}
            </>
          )}
        </fieldset>
        <label>
          {tr.returnBy}
          <input type="date" value={returnBy} onInput={(e) => setReturnBy((e.target as HTMLInputElement).value)} />
        </label>
        <div class="actions">
          <button class="primary" type="submit" disabled={!contractorId || parseIds(ids).length === 0} data-testid="review">
            {tr.review}
          </button>
        </div>
      </form>
      {prep && (
        <article class="card" data-testid="review-card">
          <h2>{tr.reviewTitle}</h2>
          <table class="review">
            <thead>
              <tr>
                <th>{tr.colId}</th>
                <th>{tr.colName}</th>
                <th>{tr.included}</th>
                <th>{tr.withheld}</th>
              </tr>
            </thead>
            <tbody>
              {prep.customers.map((c) => (
                <tr key={c.customerId}>
                  <td class="mono">{c.customerId}</td>
                  <td>{c.name}</td>
                  <td>{c.included.map(fieldLabel).join("・")}</td>
                  <td class="muted">
                    {c.withheld
                      .map((w) => [w, withheldText(w.reason)] as const)
                      .filter(([, why]) => why)
                      .map(([w, why]) => `${fieldLabel(w.field)}（${why}）`)
                      .join("、")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {prep.excluded.length > 0 && (
            <>
              <h3>{tr.excludedTitle}</h3>
              <ul class="excluded">
                {prep.excluded.map((e) => (
                  <li key={e.customerId}>
                    <span class="mono">{e.customerId}</span> — {excludedText(e.reason)}
                  </li>
                ))}
              </ul>
            </>
          )}
          <div class="actions">
            <button class="primary" onClick={create} disabled={busy || prep.customers.length === 0 || (usePass && pass.length < 8)} data-testid="create">
              {tr.create}
            </button>
          </div>
        </article>
      )}
    </section>
  );
}
