import { useEffect, useState } from "preact/hooks";
import { api } from "../../api";
import type { SupervisionChange } from "../../bindings/SupervisionChange";
import type { SupervisionView } from "../../bindings/SupervisionView";
import { ErrorBanner } from "../../components/ErrorBanner";
import { lang, packWarning, t } from "../../i18n";
import { formatDate } from "../../lib/format";
import { IncidentsSection, ReviewsSection } from "./History";
import { SupervisionReportPanel } from "./Report";
import { CheckSection, ClausesSection, PeopleSection } from "./Sections";

/** What a section gets: the record, whether the signed-in person may change it (the core's
 * answer), and how to send a change (the core validates and records it). */
export interface SectionProps {
  view: SupervisionView;
  send: (change: SupervisionChange) => Promise<void>;
}

/** A contractor's supervision record (委託先監督台帳): read by everyone, changed by a manager. */
export function SupervisionPanel({ id }: { id: string }) {
  const tx = t();
  const [view, setView] = useState<SupervisionView | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.supervision(id).then(setView, setError);
  }, [id]);
  const send = (change: SupervisionChange) => {
    setError(null);
    return api.changeSupervision(id, change).then(setView, (e) => {
      setError(e);
      throw e;
    });
  };
  if (!view) return error ? <ErrorBanner error={error} /> : null;
  const s = view.status;
  return (
    <section class="supervision" data-testid={`supervision-${id}`}>
      <h3>{tx.svTitle}</h3>
      {!view.canEdit && <p class="muted">{tx.readOnly}</p>}
      <p data-testid="next-review">
        {tx.nextReview(formatDate(s.nextReview, lang.value))}
        {s.reviewOverdue && <span class="chip expired">{tx.overdue}</span>}
      </p>
      {view.warnings.map((w) => (
        <p class="warning" key={w} data-testid={`supervision-warning-${w}`}>
          {packWarning(w)}
        </p>
      ))}
      {error ? <ErrorBanner error={error} /> : null}
      <CheckSection view={view} send={send} />
      <ClausesSection view={view} send={send} />
      <PeopleSection view={view} send={send} />
      <ReviewsSection view={view} send={send} />
      <IncidentsSection view={view} send={send} />
      {view.canEdit && <SupervisionReportPanel id={id} />}
    </section>
  );
}
