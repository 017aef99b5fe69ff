import type { AgreementStatus } from "../../bindings/AgreementStatus";
import { packWarning, t } from "../../i18n";
import type { StepProps } from "./Wizard";

/** Step 2: the contractor; those the core refuses today are disabled with its reason. */
export function ContractorStep({ draft, update, known, loading }: StepProps & { loading: boolean }) {
  const tr = t();
  if (!loading && known.contractors.length === 0) {
    return (
      <div class="empty" data-testid="no-contractors">
        {tr.noContractors}
      </div>
    );
  }
  return (
    <>
      <p class="lead">{tr.contractorLead}</p>
      <div class="choice-list" role="radiogroup" aria-label={tr.steps.contractor}>
        {known.contractors.map((c) => {
          const refused = c.refusal !== null;
          const selected = draft.contractorId === c.contractor.id;
          const why = c.refusal ? tr.refusal(c.refusal) : null;
          return (
            <label
              class={`choice wide${selected ? " selected" : ""}${refused ? " refused" : ""}`}
              key={c.contractor.id}
              data-testid={`contractor-${c.contractor.id}`}
              title={why ?? undefined}
            >
              <input
                type="radio"
                name="contractor"
                value={c.contractor.id}
                checked={selected}
                disabled={refused}
                aria-describedby={`why-${c.contractor.id}`}
                onChange={() => update({ contractorId: c.contractor.id })}
              />
              <span class="choice-body">
                <span class="row">
                  <strong>{c.contractor.name}</strong>
                  <span class="mono muted small">{c.contractor.id}</span>
                  <span class={`chip ${c.status}`}>{statusText(c.status)}</span>
                </span>
                <span class="small">
                  {tr.agreement}: {tr.agreementRange(c.contractor.agreementSigned, c.contractor.agreementExpires)}
                </span>
                <span class="small">
                  {c.keys.length === 0 ? (
                    <span class="muted">{tr.noKeyNote}</span>
                  ) : (
                    <>
                      {tr.keysLabel}:{" "}
                      {c.keys.map((k) => (
                        <span class="fingerprint key-fp" key={k.recipient} title={k.recipient}>
                          {k.fingerprint}
                        </span>
                      ))}
                    </>
                  )}
                </span>
                {c.supervision.map((w) => (
                  <span class="reason warning" key={w} data-testid={`contractor-warning-${c.contractor.id}-${w}`}>
                    {packWarning(w)}
                  </span>
                ))}
                {why && (
                  <span class="reason" id={`why-${c.contractor.id}`} data-testid={`contractor-refusal-${c.contractor.id}`}>
                    {why}
                  </span>
                )}
              </span>
            </label>
          );
        })}
      </div>
    </>
  );
}

function statusText(s: AgreementStatus): string {
  const tr = t();
  return { valid: tr.statusValid, expiring_soon: tr.statusExpiringSoon, expired: tr.statusExpired, not_yet_valid: tr.statusNotYetValid }[s];
}
