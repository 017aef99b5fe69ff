import { useEffect, useState } from "preact/hooks";
import { api } from "../../api";
import type { FieldOption } from "../../bindings/FieldOption";
import type { Preparation } from "../../bindings/Preparation";
import type { WithheldReason } from "../../bindings/WithheldReason";
import { ErrorBanner } from "../../components/ErrorBanner";
import { fieldLabel, lang, t } from "../../i18n";
import { formatCount } from "../../lib/format";
import { selection } from "../../lib/wizard";
import type { StepProps } from "./Wizard";

/** Customers listed by name on this step; the rest are counted. */
const SHOWN = 200;

/** Why a field is not handed over for one customer (the core's reason), or null if not worth showing. */
export function withheldText(r: WithheldReason): string | null {
  const tx = t();
  if (r.kind === "customer_request") return tx.reasonRequest(r.request_id);
  if (r.kind === "no_data") return tx.reasonNoData;
  return null;
}

/** The core's preparation of the selection (what each customer gets), asked again as it changes. */
function usePreparation({ draft, known }: Pick<StepProps, "draft" | "known">) {
  const [prep, setPrep] = useState<Preparation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const key = JSON.stringify([draft.customers, draft.extras, draft.workType, draft.contractorId]);
  useEffect(() => {
    const timer = setTimeout(() => {
      const sel = selection(draft, known);
      // Reasons may still be blank while typed: ask with what is complete.
      sel.extraFields = sel.extraFields.filter((x) => x.reason.trim() !== "");
      api.prepare(sel).then(
        (p) => {
          setPrep(p);
          setError(null);
        },
        setError,
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [key]);
  return { prep, error };
}

/**
 * Step 4: the fields. The minimal set is ticked and fixed, an extra field needs a reason,
 * payment fields are shown but can never be chosen (as the core says for each). Below, what the
 * core's preparation withholds per customer.
 */
export function FieldsStep({ draft, update, known, options }: StepProps & { options: FieldOption[] }) {
  const tx = t();
  const { prep, error } = usePreparation({ draft, known });
  return (
    <>
      <p class="lead">{tx.fieldsLead}</p>
      <table class="fields-table" data-testid="fields-table">
        <tbody>
          {options.map((o) => (
            <FieldRow key={o.field} option={o} draft={draft} update={update} />
          ))}
        </tbody>
      </table>
      <h3>{tx.perCustomer}</h3>
      <p class="muted small">{tx.perCustomerLead}</p>
      {error ? <ErrorBanner error={error} /> : null}
      {prep && <PerCustomer prep={prep} />}
    </>
  );
}

/** One field: ticked (the minimal set, fixed), tickable with a reason (extra), or never. */
function FieldRow({ option: o, draft, update }: { option: FieldOption } & Pick<StepProps, "draft" | "update">) {
  const tx = t();
  const label = lang.value === "ja" ? o.labelJa : o.labelEn;
  const on = o.choice === "minimal" || o.field in draft.extras;
  return (
    <tr class={`field-${o.choice}${on ? " on" : ""}`} data-testid={`field-${o.field}`}>
      <td class="tick">
        <input
          type="checkbox"
          id={`fld-${o.field}`}
          checked={on}
          disabled={o.choice !== "extra"}
          data-testid={`field-check-${o.field}`}
          onChange={(e) => {
            const next = { ...draft.extras };
            if ((e.target as HTMLInputElement).checked) next[o.field] = "";
            else delete next[o.field];
            update({ extras: next });
            if ((e.target as HTMLInputElement).checked) {
              setTimeout(() => document.getElementById(`reason-${o.field}`)?.focus(), 0);
            }
          }}
        />
      </td>
      <td>
        <label for={`fld-${o.field}`}>{label}</label>
      </td>
      <td>
        <span class={`tag ${o.choice}`}>{o.choice === "minimal" ? tx.minimalTag : o.choice === "extra" ? tx.extraTag : tx.neverTag}</span>
      </td>
      <td class="grow">
        {o.choice === "extra" && o.field in draft.extras && (
          <input
            id={`reason-${o.field}`}
            class={(draft.extras[o.field] ?? "").trim() ? "" : "needs"}
            placeholder={tx.reasonPlaceholder}
            aria-label={`${label}: ${tx.reasonPlaceholder}`}
            value={draft.extras[o.field]}
            data-testid={`field-reason-${o.field}`}
            onInput={(e) => update({ extras: { ...draft.extras, [o.field]: (e.target as HTMLInputElement).value } })}
          />
        )}
      </td>
    </tr>
  );
}

/** What the preparation leaves out: customers excluded, and fields withheld from some. */
function PerCustomer({ prep }: { prep: Preparation }) {
  const tx = t();
  const withheld = prep.customers
    .map((c) => ({ c, list: c.withheld.map((w) => [w.field, withheldText(w.reason)] as const).filter(([, why]) => why) }))
    .filter((x) => x.list.length > 0);
  return (
    <>
      {withheld.length === 0 && <p class="ok-text" data-testid="nobody-withheld">{tx.nobodyWithheld}</p>}
      {prep.excluded.length > 0 && (
        <ul class="excluded" data-testid="fields-excluded">
          {prep.excluded.map((e) => (
            <li key={e.customerId}>
              <span class="mono">{e.customerId}</span> — {tx.excludedTitle}: {tx.excludedReason(e.reason)}
            </li>
          ))}
        </ul>
      )}
      {withheld.length > 0 && (
        <table class="review compact" data-testid="withheld-table">
          <thead>
            <tr>
              <th>{t().steps.customers}</th>
              <th>{tx.withheldFor}</th>
            </tr>
          </thead>
          <tbody>
            {withheld.slice(0, SHOWN).map(({ c, list }) => (
              <tr key={c.customerId}>
                <td>
                  <span class="mono">{c.customerId}</span> {c.name}
                </td>
                <td>{list.map(([f, why]) => `${fieldLabel(f)}（${why}）`).join("、")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {withheld.length > SHOWN && <p class="muted small">{tx.moreRows(formatCount(withheld.length - SHOWN, lang.value))}</p>}
    </>
  );
}
