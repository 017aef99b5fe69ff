import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Channel } from "../bindings/Channel";
import type { Field } from "../bindings/Field";
import type { RequestFilter } from "../bindings/RequestFilter";
import type { RequestAction } from "../bindings/RequestAction";
import type { RequestView } from "../bindings/RequestView";
import { ErrorBanner } from "../components/ErrorBanner";
import { DateInput } from "../components/DateInput";
import { channelLabel, CHANNELS, fieldLabel, lang, statusLabel, t } from "../i18n";
import { formatDate } from "../lib/format";
import { rights, storeRevision } from "../lib/live";

type Tab = "pending" | "overdue" | "all";

export function filterFor(tab: Tab): RequestFilter {
  return {
    customerId: null,
    status: tab === "pending" ? "pending" : null,
    overdue: tab === "overdue",
  };
}

/** Opt-out and restriction requests (R3, R6): register, decide, notify, withdraw. */
export function Requests({ today }: { today: string }) {
  const tx = t();
  const [tab, setTab] = useState<Tab>("pending");
  const [rows, setRows] = useState<RequestView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);
  const load = () => {
    setError(null);
    api.requests(filterFor(tab)).then(setRows, setError);
  };
  // Reloaded when another PC (or process) changes the store (lib/live.ts).
  const revision = storeRevision.value;
  useEffect(load, [tab, revision]);

  const tabs: [Tab, string][] = [
    ["pending", tx.tabPending],
    ["overdue", tx.tabOverdue],
    ["all", tx.tabAll],
  ];
  return (
    <section class="view scroll">
      <div class="toolbar">
        <h1>{tx.navRequests}</h1>
        <div class="tabs" role="tablist">
          {tabs.map(([id, label]) => (
            <button
              key={id}
              role="tab"
              aria-selected={tab === id}
              class={tab === id ? "tab active" : "tab"}
              onClick={() => setTab(id)}
              data-testid={`requests-tab-${id}`}
            >
              {label}
            </button>
          ))}
        </div>
        <span class="spacer" />
        <button class="primary" onClick={() => setAdding(!adding)} data-testid="request-new">
          {tx.newRequest}
        </button>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {adding && (
        <RequestForm
          today={today}
          onSaved={() => {
            setAdding(false);
            load();
          }}
        />
      )}
      {rows && rows.length === 0 && <div class="empty">{tx.accNoRequests}</div>}
      <div class="list">
        {rows?.map((v) => <RequestCard key={v.request.id} view={v} today={today} onChanged={load} />)}
      </div>
    </section>
  );
}

interface ScopeProps {
  all: boolean;
  onAll: (all: boolean) => void;
  fields: Field[];
  onToggle: (f: Field) => void;
  restrictable: Field[];
}

/** What the request covers: everything, or the fields the core says a request can withhold. */
function ScopeChoice({ all, onAll, fields, onToggle, restrictable }: ScopeProps) {
  const tx = t();
  return (
    <fieldset class="wide">
      <legend>{tx.scope}</legend>
      <label class="check">
        <input type="radio" checked={all} onChange={() => onAll(true)} />
        {tx.scopeAll}
      </label>
      <label class="check">
        <input type="radio" checked={!all} onChange={() => onAll(false)} />
        {tx.accScopeFields}
      </label>
      {!all &&
        restrictable.map((f) => (
          <label class="check" key={f}>
            <input type="checkbox" checked={fields.includes(f)} onChange={() => onToggle(f)} />
            {fieldLabel(f)}
          </label>
        ))}
    </fieldset>
  );
}

function RequestForm({ today, onSaved }: { today: string; onSaved: () => void }) {
  const tx = t();
  const [customerId, setCustomerId] = useState("");
  const [all, setAll] = useState(true);
  const [fields, setFields] = useState<Field[]>([]);
  // What a request can withhold on its own comes from the core (Scope::restrictable).
  const [restrictable, setRestrictable] = useState<Field[]>([]);
  useEffect(() => {
    api.requestFields().then(setRestrictable, setError);
  }, []);
  const [received, setReceived] = useState(today);
  const [channel, setChannel] = useState<Channel>("phone");
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const toggle = (f: Field) =>
    setFields(fields.includes(f) ? fields.filter((x) => x !== f) : [...fields, f]);
  const submit = (e: Event) => {
    e.preventDefault();
    setError(null);
    api
      .addRequest({
        customerId: customerId.trim(),
        scope: all ? { kind: "all" } : { kind: "fields", fields },
        received,
        channel,
        note: note.trim() || null,
      })
      .then(onSaved, setError);
  };
  return (
    <form class="form card" onSubmit={submit} data-testid="request-form">
      <label>
        {tx.customerId}
        <input
          required
          value={customerId}
          onInput={(e) => setCustomerId((e.target as HTMLInputElement).value)}
          data-testid="request-customer"
        />
      </label>
      <label>
        {tx.received}
        <DateInput required max={today} value={received} onChange={setReceived} testId="request-received" />
      </label>
      <ScopeChoice all={all} onAll={setAll} fields={fields} onToggle={toggle} restrictable={restrictable} />
      <label>
        {tx.channel}
        <select value={channel} onChange={(e) => setChannel((e.target as HTMLSelectElement).value as Channel)}>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {channelLabel(c)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {tx.note}
        <input value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
      </label>
      {error ? <ErrorBanner error={error} /> : null}
      <div class="actions">
        <button class="primary" type="submit" data-testid="request-save">
          {tx.register}
        </button>
      </div>
    </form>
  );
}

type Action = null | "reject" | "notify";

/** One request: what it asks, where it stands, and the steps the core allows it now. */
function RequestCard({ view, today, onChanged }: { view: RequestView; today: string; onChanged: () => void }) {
  const tx = t();
  const r = view.request;
  const [action, setAction] = useState<Action>(null);
  const [reason, setReason] = useState("");
  const [date, setDate] = useState(today);
  const [channel, setChannel] = useState<Channel>(r.channel);
  const [error, setError] = useState<unknown>(null);
  const run = (p: Promise<unknown>) => {
    setError(null);
    p.then(() => {
      setAction(null);
      onChanged();
    }, setError);
  };
  // The steps offered are the ones the core says this request can take now.
  // Deciding, notifying and withdrawing are a manager's (the server refuses them to staff).
  const can = (a: RequestAction) => rights.value.decideRequests && view.actions.includes(a);
  return (
    <article class={`card request ${view.due?.overdue ? "overdue" : ""}`} data-testid={`request-${r.id}`}>
      <header>
        <span class="mono muted">{r.id}</span>
        <h2>
          {r.customerId} {view.customerName ?? ""}
        </h2>
        <span class={`chip req-${r.status}`}>{statusLabel(r.status)}</span>
      </header>
      <RequestFacts view={view} />
      {view.earlierHandovers.length > 0 && <EarlierHandovers view={view} />}
      <div class="row-actions">
        {can("accept") && (
          <button class="primary" onClick={() => run(api.decideRequest(r.id, true, null))} data-testid={`accept-${r.id}`}>
            {tx.accept}
          </button>
        )}
        {can("reject") && (
          <button onClick={() => setAction(action === "reject" ? null : "reject")} data-testid={`reject-${r.id}`}>
            {tx.reject}
          </button>
        )}
        {can("notify") && (
          <button onClick={() => setAction(action === "notify" ? null : "notify")} data-testid={`notify-${r.id}`}>
            {tx.notify}
          </button>
        )}
        {can("withdraw") && (
          <button class="link" onClick={() => window.confirm(tx.confirmWithdraw(r.id)) && run(api.withdrawRequest(r.id))} data-testid={`withdraw-${r.id}`}>
            {tx.withdraw}
          </button>
        )}
      </div>
      {action === "reject" && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            run(api.decideRequest(r.id, false, reason));
          }}
        >
          <label>
            {tx.rejectReason}
            <input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          </label>
          <button class="primary" type="submit">
            {tx.reject}
          </button>
        </form>
      )}
      {action === "notify" && (
        <NotifyForm id={r.id} today={today} date={date} setDate={setDate} channel={channel} setChannel={setChannel} onNotify={() => run(api.notifyRequest(r.id, date, channel))} />
      )}
      {error ? <ErrorBanner error={error} /> : null}
    </article>
  );
}

/** The request's scope, when and how it came, its decision and notice, and what is due next. */
function RequestFacts({ view }: { view: RequestView }) {
  const tx = t();
  const l = lang.value;
  const r = view.request;
  const scope = r.scope.kind === "all" ? tx.scopeAll : r.scope.fields.map((f) => fieldLabel(f)).join("・");
  return (
    <dl>
      <dt>{tx.scope}</dt>
      <dd>{scope}</dd>
      <dt>{tx.received}</dt>
      <dd>
        {formatDate(r.received, l)} · {channelLabel(r.channel)}
      </dd>
      {r.note && (
        <>
          <dt>{tx.note}</dt>
          <dd>{r.note}</dd>
        </>
      )}
      {r.decidedOn && (
        <>
          <dt>{tx.decidedOn}</dt>
          <dd>
            {formatDate(r.decidedOn, l)}
            {r.reason ? ` — ${r.reason}` : ""}
          </dd>
        </>
      )}
      {r.notifiedOn && (
        <>
          <dt>{tx.notifiedOn}</dt>
          <dd>
            {formatDate(r.notifiedOn, l)} · {r.notifiedChannel ? channelLabel(r.notifiedChannel) : ""}
          </dd>
        </>
      )}
      {view.due && (
        <>
          <dt>{tx.due}</dt>
          <dd class={view.due.overdue ? "late" : ""}>
            {view.due.step === "decide" ? tx.dueDecide(formatDate(view.due.by, l)) : tx.dueNotify(formatDate(view.due.by, l))}
            {view.due.overdue && <strong> ({tx.overdueBy(view.due.daysOverdue)})</strong>}
          </dd>
        </>
      )}
    </dl>
  );
}

/** The handovers made before the request that hold what it covers. */
function EarlierHandovers({ view }: { view: RequestView }) {
  const tx = t();
  const l = lang.value;
  return (
    <div class="earlier">
      <div class="muted">{tx.earlier}</div>
      <ul>
        {view.earlierHandovers.map((e) => (
          <li key={e.provision.handoverId}>
            <span class="mono">{e.provision.handoverId}</span> {formatDate(e.provision.date, l)} →{" "}
            {e.provision.contractorName ?? e.provision.contractorId}: {e.inScope.map((f) => fieldLabel(f)).join("・")}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** When and how the customer was told the outcome. */
function NotifyForm({
  id,
  today,
  date,
  setDate,
  channel,
  setChannel,
  onNotify,
}: {
  id: string;
  today: string;
  date: string;
  setDate: (d: string) => void;
  channel: Channel;
  setChannel: (c: Channel) => void;
  onNotify: () => void;
}) {
  const tx = t();
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        onNotify();
      }}
    >
      <label>
        {tx.notifiedOn}
        <DateInput max={today} value={date} onChange={setDate} testId={`notify-date-${id}`} />
      </label>
      <label>
        {tx.channel}
        <select value={channel} onChange={(e) => setChannel((e.target as HTMLSelectElement).value as Channel)}>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {channelLabel(c)}
            </option>
          ))}
        </select>
      </label>
      <button class="primary" type="submit">
        {tx.notify}
      </button>
    </form>
  );
}
