import { useState } from "preact/hooks";
import { DateInput } from "../../components/DateInput";
import { lang, t } from "../../i18n";
import { formatDate } from "../../lib/format";
import type { SectionProps } from "./SupervisionPanel";

const value = (e: Event) => (e.target as HTMLInputElement).value;
const orNull = (s: string) => (s.trim() ? s : null);

/** Yearly reviews: scheduled (a due date) or done (with the result and notes). */
export function ReviewsSection({ view, send }: SectionProps) {
  const tx = t();
  const l = lang.value;
  const [f, setF] = useState({ due: view.status.nextReview, done: "", result: "ok", notes: "" });
  const submit = (e: Event) => {
    e.preventDefault();
    const done = orNull(f.done);
    send({ change: "review", due: f.due, done, result: done ? f.result : null, notes: done ? orNull(f.notes) : null }).catch(() => {});
  };
  return (
    <div class="sv-part">
      <h4>{tx.reviews}</h4>
      <table class="plain" data-testid="sv-reviews">
        <thead>
          <tr><th>{tx.due}</th><th>{tx.svDone}</th><th>{tx.result}</th><th>{tx.notes}</th></tr>
        </thead>
        <tbody>
          {view.record.reviews.map((r) => (
            <tr key={r.due}>
              <td>{formatDate(r.due, l)}</td>
              <td>{formatDate(r.done, l)}</td>
              <td>{r.result === "ok" ? tx.resultOk : r.result === "issues" ? tx.resultIssues : tx.notDone}</td>
              <td>{r.notes ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {view.canEdit && (
        <form class="inline-form" onSubmit={submit}>
          <DateInput required value={f.due} ariaLabel={tx.due} onChange={(due) => setF({ ...f, due })} testId="sv-review-due" />
          <DateInput value={f.done} ariaLabel={tx.svDone} onChange={(done) => setF({ ...f, done })} testId="sv-review-done" />
          <select aria-label={tx.result} value={f.result} onChange={(e) => setF({ ...f, result: value(e) })} data-testid="sv-review-result">
            <option value="ok">{tx.resultOk}</option>
            <option value="issues">{tx.resultIssues}</option>
          </select>
          <input placeholder={tx.notes} value={f.notes} onInput={(e) => setF({ ...f, notes: value(e) })} />
          <button type="submit" data-testid="sv-review-save">{tx.record}</button>
        </form>
      )}
    </div>
  );
}

/** Incidents at the contractor and what was done about them. */
export function IncidentsSection({ view, send }: SectionProps) {
  const tx = t();
  const [f, setF] = useState({ on: "", what: "", action: "" });
  const submit = (e: Event) => {
    e.preventDefault();
    send({ change: "incident", on: f.on, what: f.what, action: orNull(f.action) }).then(() => setF({ on: "", what: "", action: "" }), () => {});
  };
  return (
    <div class="sv-part">
      <h4>{tx.incidents}</h4>
      <ul class="plain" data-testid="sv-incidents">
        {view.record.incidents.map((i, n) => (
          <li key={n}>
            {formatDate(i.on, lang.value)} {i.what}
            {i.action && <span class="muted"> → {i.action}</span>}
          </li>
        ))}
      </ul>
      {view.canEdit && (
        <form class="inline-form" onSubmit={submit}>
          <DateInput required value={f.on} ariaLabel={tx.on} onChange={(on) => setF({ ...f, on })} testId="sv-incident-on" />
          <input required placeholder={tx.what} value={f.what} onInput={(e) => setF({ ...f, what: value(e) })} data-testid="sv-incident-what" />
          <input placeholder={tx.action} value={f.action} onInput={(e) => setF({ ...f, action: value(e) })} />
          <button type="submit" data-testid="sv-incident-save">{tx.record}</button>
        </form>
      )}
    </div>
  );
}
