import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Operator } from "../bindings/Operator";
import type { Role } from "../bindings/Role";
import { ErrorBanner } from "../components/ErrorBanner";
import { NewPassword, passwordsMatch } from "../components/NewPassword";
import { t } from "../i18n";
import { storeRevision } from "../lib/live";

const ROLES: Role[] = ["staff", "manager", "admin"];

/** 担当者: the office's people (admin only; the core refuses anyone else): list, add, disable. */
export function Operators({ minChars }: { minChars: number }) {
  const tr = t();
  const [people, setPeople] = useState<Operator[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.operators().then(setPeople, setError);
  }, [storeRevision.value]);
  const disable = (name: string) => {
    if (!window.confirm(tr.opConfirmDisable(name))) return;
    setError(null);
    api.disableOperator(name).then(setPeople, setError);
  };
  return (
    <article class="card" data-testid="operators">
      <h2>{tr.opTitle}</h2>
      <p class="muted">{tr.opLead}</p>
      {error ? <ErrorBanner error={error} /> : null}
      <table class="table">
        <thead>
          <tr>
            <th>{tr.sgnName}</th>
            <th>{tr.opRole}</th>
            <th>{tr.opState}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {people.map((p) => (
            <tr key={p.name} data-testid="operator-row">
              <td>{p.name}</td>
              <td>{tr.roleNames[p.role]}</td>
              <td>{p.active ? tr.opActive : tr.opDisabled}</td>
              <td>
                {p.active && (
                  <button class="link" onClick={() => disable(p.name)} data-testid={`operator-disable-${p.name}`}>
                    {tr.opDisable}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <OperatorAdd minChars={minChars} onAdded={setPeople} />
    </article>
  );
}

/** Add a person: name, role and their first password (typed twice). */
function OperatorAdd({ minChars, onAdded }: { minChars: number; onAdded: (p: Operator[]) => void }) {
  const tr = t();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("staff");
  const [pw, setPw] = useState("");
  const [again, setAgain] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const [n, p] = [name.trim(), pw];
    setPw("");
    setAgain("");
    api.addOperator(n, role, p).then((people) => {
      onAdded(people);
      setDone(n);
      setName("");
    }, setError);
  };
  return (
    <form class="form" onSubmit={submit} autocomplete="off" data-testid="operator-add">
      <h3 class="wide">{tr.opAdd}</h3>
      <label>
        {tr.sgnName}
        <input value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} required data-testid="operator-add-name" />
      </label>
      <label>
        {tr.opRole}
        <select value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as Role)} data-testid="operator-add-role">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {tr.roleNames[r]}
            </option>
          ))}
        </select>
      </label>
      <NewPassword value={pw} again={again} minChars={minChars} onValue={setPw} onAgain={setAgain} testid="operator-add" />
      {error ? <ErrorBanner error={error} /> : null}
      {done && <div class="banner ok wide" role="status" data-testid="operator-added">{tr.opAdded(done)}</div>}
      <div class="actions">
        <button type="submit" class="primary" disabled={!name.trim() || !passwordsMatch(pw, again)} data-testid="operator-add-submit">
          {tr.opAdd}
        </button>
      </div>
    </form>
  );
}
