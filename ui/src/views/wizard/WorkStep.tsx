import type { WorkTypeInfo } from "../../bindings/WorkTypeInfo";
import { fieldLabel, lang, t } from "../../i18n";
import type { StepProps } from "./Wizard";

/** Step 1: the work type, with the minimal fields the policy gives it. */
export function WorkStep({ draft, update, workTypes }: StepProps & { workTypes: WorkTypeInfo[] }) {
  const tx = t();
  return (
    <>
      <p class="lead">{tx.workLead}</p>
      <div class="choice-grid" role="radiogroup" aria-label={tx.steps.work}>
        {workTypes.map((w) => (
          <label class={draft.workType === w.id ? "choice selected" : "choice"} key={w.id} data-testid={`work-${w.id}`}>
            <input
              type="radio"
              name="work"
              value={w.id}
              checked={draft.workType === w.id}
              onChange={() => update({ workType: w.id })}
            />
            <span class="choice-body">
              <strong>{lang.value === "ja" ? w.labelJa : w.labelEn}</strong>
              <span class="muted small">
                {tx.minimalSet}: {w.fields.map(fieldLabel).join("・")}
              </span>
            </span>
          </label>
        ))}
      </div>
    </>
  );
}
