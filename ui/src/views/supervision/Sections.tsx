import { useState } from "preact/hooks";
import type { Certification } from "../../bindings/Certification";
import type { Clause } from "../../bindings/Clause";
import { DateInput } from "../../components/DateInput";
import { lang, t } from "../../i18n";
import { formatDate } from "../../lib/format";
import type { SectionProps } from "./SupervisionPanel";

const CERTS: Certification[] = ["pmark", "isms", "none"];
const CLAUSES: Clause[] = [
  "purpose_limited",
  "no_reprovision",
  "subcontracting_with_consent",
  "incident_reporting",
  "audit_right",
  "return_or_deletion",
];

const value = (e: Event) => (e.target as HTMLInputElement).value;

/** The selection check: the certificate seen, its number and expiry, who checked it when. */
export function CheckSection({ view, send }: SectionProps) {
  const tx = t();
  const k = view.record.check;
  const [f, setF] = useState({ certification: k?.certification ?? "pmark", number: k?.number ?? "", expires: k?.expires ?? "" });
  const submit = (e: Event) => {
    e.preventDefault();
    const cert = f.certification !== "none";
    send({ change: "check", certification: f.certification, number: cert ? f.number : null, expires: cert ? f.expires : null, checkedOn: null }).catch(() => {});
  };
  return (
    <div class="sv-part">
      <h4>{tx.svCheck}</h4>
      {k ? (
        <p data-testid="sv-check">
          {tx.cert[k.certification]} {k.number ?? ""} {k.expires && `${tx.expires}: ${formatDate(k.expires, lang.value)}`}{" "}
          <span class="muted">{tx.checkedBy(k.checkedBy, formatDate(k.checkedOn, lang.value))}</span>
          {view.status.certificationExpired && <span class="chip expired">{tx.certExpired}</span>}
        </p>
      ) : (
        <p class="muted">{tx.noCheck}</p>
      )}
      {view.canEdit && (
        <form class="inline-form" onSubmit={submit}>
          <select aria-label={tx.certification} value={f.certification} onChange={(e) => setF({ ...f, certification: value(e) as Certification })} data-testid="sv-cert">
            {CERTS.map((c) => (
              <option value={c} key={c}>{tx.cert[c]}</option>
            ))}
          </select>
          <input placeholder={tx.number} value={f.number} onInput={(e) => setF({ ...f, number: value(e) })} data-testid="sv-number" />
          <DateInput value={f.expires} ariaLabel={tx.expires} onChange={(iso) => setF({ ...f, expires: iso })} testId="sv-expires" />
          <button type="submit" data-testid="sv-check-save">{tx.record}</button>
        </form>
      )}
    </div>
  );
}

/** The six clauses supervision asks for, ticked as the agreement has them. */
export function ClausesSection({ view, send }: SectionProps) {
  const tx = t();
  const has = view.record.clauses;
  const toggle = (c: Clause) => {
    const next = has.includes(c) ? has.filter((x) => x !== c) : [...has, c];
    send({ change: "clauses", clauses: next }).catch(() => {});
  };
  return (
    <div class="sv-part">
      <h4>{tx.clauses}</h4>
      <ul class="plain">
        {CLAUSES.map((c) => (
          <li key={c}>
            <label>
              <input type="checkbox" checked={has.includes(c)} disabled={!view.canEdit} onChange={() => toggle(c)} data-testid={`sv-clause-${c}`} />
              {tx.clause[c]}
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The people at the contractor allowed to handle the data. */
export function PeopleSection({ view, send }: SectionProps) {
  const tx = t();
  const [name, setName] = useState("");
  const add = (e: Event) => {
    e.preventDefault();
    send({ change: "addPerson", name }).then(() => setName(""), () => {});
  };
  return (
    <div class="sv-part">
      <h4>{tx.svPeople}</h4>
      {view.record.people.length === 0 && <p class="muted">{tx.nobody}</p>}
      <ul class="plain">
        {view.record.people.map((p) => (
          <li key={p}>
            {p}{" "}
            {view.canEdit && (
              <button class="link" onClick={() => send({ change: "removePerson", name: p }).catch(() => {})}>{tx.remove}</button>
            )}
          </li>
        ))}
      </ul>
      {view.canEdit && (
        <form class="inline-form" onSubmit={add}>
          <input placeholder={tx.personName} value={name} onInput={(e) => setName(value(e))} data-testid="sv-person" />
          <button type="submit" data-testid="sv-person-add">{tx.add}</button>
        </form>
      )}
    </div>
  );
}
