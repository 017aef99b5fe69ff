import type { HandoverDefaults } from "../../bindings/HandoverDefaults";
import { DateInput } from "../../components/DateInput";
import { lang, t } from "../../i18n";
import { formatDate } from "../../lib/format";
import { addDays } from "../../lib/wizard";
import type { StepProps } from "./Wizard";

const QUICK = [7, 14, 30, 60];

/** Step 6: the return-or-destroy date, starting from the policy's default. */
export function ReturnStep({ draft, update, defaults }: StepProps & { defaults: HandoverDefaults | null }) {
  const tx = t();
  if (!defaults) return null;
  const value = draft.returnBy || defaults.returnBy;
  return (
    <>
      <p class="lead">{tx.returnLead(defaults.returnDays)}</p>
      <div class="return-by">
        <label>
          {tx.returnDate}
          <DateInput min={defaults.today} value={value} onChange={(iso) => update({ returnBy: iso })} testId="return-by" />
        </label>
        <strong class="big-date" data-testid="return-by-text">
          {formatDate(value, lang.value)}
        </strong>
      </div>
      <div class="row quick">
        {QUICK.map((n) => {
          const date = addDays(defaults.today, n);
          return (
            <button
              type="button"
              key={n}
              class={value === date ? "chip-button on" : "chip-button"}
              onClick={() => update({ returnBy: date })}
              data-testid={`return-in-${n}`}
            >
              {tx.inDays(n)}
              {n === defaults.returnDays ? `（${tx.defaultDate}）` : ""}
            </button>
          );
        })}
      </div>
    </>
  );
}
