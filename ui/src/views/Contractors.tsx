import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { AgreementStatus } from "../bindings/AgreementStatus";
import type { Contractor } from "../bindings/Contractor";
import type { ContractorChoice as ContractorRow } from "../bindings/ContractorChoice";
import { ErrorBanner } from "../components/ErrorBanner";
import { DateInput } from "../components/DateInput";
import { lang, packWarning, t } from "../i18n";
import { formatDate } from "../lib/format";
import { rights, storeRevision } from "../lib/live";
import { SupervisionPanel } from "./supervision/SupervisionPanel";

function statusLabel(s: AgreementStatus): string {
  const tr = t();
  return {
    valid: tr.statusValid,
    expiring_soon: tr.statusExpiringSoon,
    expired: tr.statusExpired,
    not_yet_valid: tr.statusNotYetValid,
  }[s];
}

/** The contractor roster: agreements (expiring ones highlighted) and key fingerprints. */
export function Contractors() {
  const tr = t();
  const [rows, setRows] = useState<ContractorRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [supervising, setSupervising] = useState<string | null>(null);
  const load = () => api.contractors().then(setRows, setError);
  // Reloaded when another PC changes the roster (lib/live.ts).
  const revision = storeRevision.value;
  useEffect(() => {
    load();
  }, [revision]);
  const mayEdit = rights.value.editRoster;

  return (
    <section class="view">
      <div class="toolbar">
        <h1>{tr.navContractors}</h1>
        <span class="spacer" />
        {mayEdit ? (
          <button class="primary" onClick={() => setAdding(!adding)} data-testid="contractor-add">
            {tr.addContractor}
          </button>
        ) : (
          <span class="muted" data-testid="roster-manager-only">{tr.managerOnly}</span>
        )}
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {adding && mayEdit && (
        <ContractorForm
          onSaved={() => {
            setAdding(false);
            load();
          }}
        />
      )}
      {rows && rows.length === 0 && !adding && <div class="empty">{tr.contractorsEmpty}</div>}
      <div class="cards">
        {rows?.map((r) => (
          <article class={`card status-${r.status}`} key={r.contractor.id}>
            <header>
              <span class="mono muted">{r.contractor.id}</span>
              <h2>{r.contractor.name}</h2>
              <span class={`chip ${r.status}`}>{statusLabel(r.status)}</span>
              {mayEdit && (
                <button
                  class="link"
                  data-testid={`edit-${r.contractor.id}`}
                  onClick={() => setEditing(editing === r.contractor.id ? null : r.contractor.id)}
                >
                  {tr.edit}
                </button>
              )}
            </header>
            {editing === r.contractor.id && (
              <ContractorForm
                existing={r.contractor}
                onSaved={() => {
                  setEditing(null);
                  load();
                }}
              />
            )}
            <ContractorDetails row={r} />
            <button
              class="link"
              data-testid={`supervision-open-${r.contractor.id}`}
              onClick={() => setSupervising(supervising === r.contractor.id ? null : r.contractor.id)}
            >
              {t().svOpen}
            </button>
            {supervising === r.contractor.id && <SupervisionPanel id={r.contractor.id} />}
          </article>
        ))}
      </div>
    </section>
  );
}

/** A contractor's agreement, address, keys, and what a pack to it would warn about today. */
function ContractorDetails({ row: r }: { row: ContractorRow }) {
  const tr = t();
  return (
    <>
      <dl>
        <dt>{tr.agreementSigned}</dt>
        <dd>{formatDate(r.contractor.agreementSigned, lang.value)}</dd>
        <dt>{tr.agreementExpires}</dt>
        <dd>{formatDate(r.contractor.agreementExpires, lang.value)}</dd>
        {r.contractor.address && (
          <>
            <dt>{tr.address}</dt>
            <dd>{r.contractor.address}</dd>
          </>
        )}
        {r.contractor.contact && (
          <>
            <dt>{tr.contact}</dt>
            <dd>{r.contractor.contact}</dd>
          </>
        )}
      </dl>
      <ul class="keys">
        {r.keys.length === 0 && <li class="muted">{tr.noKeys}</li>}
        {r.keys.map((k) => (
          <li key={k.recipient}>
            <span class="fingerprint" title={k.recipient}>
              {k.fingerprint}
            </span>
            <code class="recipient">{k.recipient}</code>
          </li>
        ))}
      </ul>
      {r.supervision.map((w) => (
        <p class="warning" key={w} data-testid={`contractor-warning-${r.contractor.id}-${w}`}>
          {packWarning(w)}
        </p>
      ))}
    </>
  );
}

/** Add a contractor, or change one (`existing`): every change is validated by the core. */
function ContractorForm({ existing, onSaved }: { existing?: Contractor; onSaved: () => void }) {
  const tr = t();
  const [f, setF] = useState({
    name: existing?.name ?? "",
    address: existing?.address ?? "",
    contact: existing?.contact ?? "",
    keys: existing?.recipients.join("\n") ?? "",
    signed: existing?.agreementSigned ?? "",
    expires: existing?.agreementExpires ?? "",
  });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  const recipients = () =>
    f.keys
      .split("\n")
      .map((s) => s.trim())
      .filter((s) => s && !s.startsWith("#"));
  const submit = (e: Event) => {
    e.preventDefault();
    setError(null);
    const done = existing
      ? api.updateContractor(existing.id, {
          name: f.name,
          address: f.address,
          contact: f.contact,
          recipients: recipients(),
          addRecipients: [],
          removeRecipients: [],
          agreementSigned: f.signed,
          agreementExpires: f.expires,
        })
      : api.addContractor({
          name: f.name,
          address: f.address || null,
          contact: f.contact || null,
          recipients: recipients(),
          agreementSigned: f.signed,
          agreementExpires: f.expires,
        });
    done.then(onSaved, setError);
  };
  return (
    <form class="form card" onSubmit={submit}>
      <label>
        {tr.name}
        <input required value={f.name} onInput={set("name")} />
      </label>
      <label>
        {tr.address}
        <input value={f.address} onInput={set("address")} />
      </label>
      <label>
        {tr.contact}
        <input value={f.contact} onInput={set("contact")} />
      </label>
      <label class="wide">
        {tr.keys}
        <textarea rows={3} value={f.keys} onInput={set("keys")} spellcheck={false} />
      </label>
      <label>
        {tr.agreementSigned}
        <DateInput required value={f.signed} onChange={(iso) => setF({ ...f, signed: iso })} testId="contractor-signed" />
      </label>
      <label>
        {tr.agreementExpires}
        <DateInput required value={f.expires} onChange={(iso) => setF({ ...f, expires: iso })} testId="contractor-expires" />
      </label>
      {error ? <ErrorBanner error={error} /> : null}
      <div class="actions">
        <button class="primary" type="submit" data-testid="contractor-save">
          {existing ? tr.saveChanges : tr.save}
        </button>
      </div>
    </form>
  );
}
