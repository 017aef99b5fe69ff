import { open, save } from "../../lib/dialog";
import type { Method } from "../../bindings/Method";
import { contractorOf, methodOffered, methodRefusal, passphraseForced, suggestedName, usesPassphrase } from "../../lib/wizard";
import { t } from "../../i18n";
import type { StepProps } from "./Wizard";

const METHODS: Method[] = ["transfer", "media", "paper"];
const ICONS: Record<Method, string> = { transfer: "⇪", media: "▣", paper: "▤" };

/**
 * Step 5: how it leaves the office, and where the file goes. Methods the core refuses for this
 * contractor are disabled with its reason; a contractor without a key gets the passphrase
 * fallback, with the PPAP warning.
 */
export function MethodStep({ draft, update, known, today }: StepProps & { today: string }) {
  const tx = t();
  return (
    <>
      <p class="lead">{tx.methodLead}</p>
      <MethodChoices draft={draft} update={update} known={known} />
      {draft.method && (
        <div class="card method-options" data-testid="method-options">
          <Destination draft={draft} update={update} today={today} />
          {draft.method !== "paper" && <Protection draft={draft} update={update} known={known} />}
        </div>
      )}
    </>
  );
}

/** The three methods, each disabled with the core's reason where it refuses it. */
function MethodChoices({ draft, update, known }: StepProps) {
  const tx = t();
  const c = contractorOf(draft, known);
  return (
    <div class="choice-grid three" role="radiogroup" aria-label={tx.steps.method}>
      {METHODS.map((m) => {
        const offered = methodOffered(c, m);
        const refusal = offered ? null : methodRefusal(c, m, false);
        const [title, body] = tx.methods[m];
        return (
          <label key={m} class={`choice method${draft.method === m ? " selected" : ""}${offered ? "" : " refused"}`} data-testid={`method-${m}`}>
            <input type="radio" name="method" value={m} checked={draft.method === m} disabled={!offered} onChange={() => update({ method: m })} />
            <span class="choice-body">
              <span class="row">
                <span class="icon" aria-hidden="true">
                  {ICONS[m]}
                </span>
                <strong>{title}</strong>
              </span>
              <span class="small muted">{body}</span>
              {refusal && <span class="reason">{tx.refusal(refusal)}</span>}
            </span>
          </label>
        );
      })}
    </div>
  );
}

/** Where the file goes: a file to save (transfer, paper) or a folder on the medium. */
function Destination({ draft, update, today }: Pick<StepProps, "draft" | "update"> & { today: string }) {
  const tx = t();
  const chooseOut = async () => {
    if (!draft.method) return;
    if (draft.method === "media") {
      const dir = await open({ directory: true, multiple: false });
      if (typeof dir === "string") update({ out: dir });
      return;
    }
    const paper = draft.method === "paper";
    const file = await save({
      defaultPath: suggestedName(draft.method, today),
      filters: paper ? [{ name: "HTML", extensions: ["html"] }] : [{ name: "age", extensions: ["age"] }],
    });
    if (file) update({ out: file });
  };
  return (
    <>
      <div class="row dest">
        <span class="muted small">{draft.method === "paper" ? tx.sheetSaveNote : tx.destination}</span>
        {draft.out ? (
          <code class="path" data-testid="out-path">
            {draft.out}
          </code>
        ) : null}
        <button type="button" onClick={chooseOut} class={draft.out ? "" : "primary"} data-testid="choose-out">
          {draft.out ? tx.change : draft.method === "media" ? tx.chooseFolder : tx.saveAs}
        </button>
      </div>
      {draft.method === "media" && <p class="muted small">{tx.mediaName}</p>}
    </>
  );
}

/** A file's protection: ASCII armor, and a passphrase (forced where the contractor has no key). */
function Protection({ draft, update, known }: StepProps) {
  const tx = t();
  const c = contractorOf(draft, known);
  const forced = draft.method ? passphraseForced(c, draft.method) : false;
  return (
    <>
      <label class="check">
        <input type="checkbox" checked={draft.armor} onChange={(e) => update({ armor: (e.target as HTMLInputElement).checked })} data-testid="armor" />
        {tx.wzArmor}
      </label>
      {forced ? (
        <p class="banner warn small" data-testid="passphrase-forced">
          {tx.passphraseForced}
        </p>
      ) : (
        <label class="check">
          <input
            type="checkbox"
            checked={draft.usePassphrase}
            onChange={(e) => update({ usePassphrase: (e.target as HTMLInputElement).checked })}
            data-testid="use-passphrase"
          />
          {tx.wzUsePassphrase}
        </label>
      )}
      {usesPassphrase(draft, known) && <PassphraseBox draft={draft} update={update} />}
    </>
  );
}

/** The passphrase, typed twice, under the PPAP warning. */
function PassphraseBox({ draft, update }: Pick<StepProps, "draft" | "update">) {
  const tx = t();
  return (
    <div class="passphrase" data-testid="passphrase-box">
      <div class="banner warn ppap" role="note">
        <strong>{tx.ppapTitle}</strong>
        <span>{tx.ppap}</span>
      </div>
      <div class="two">
        <label>
          {tx.passphrase}
          <input
            type="password"
            autocomplete="new-password"
            value={draft.passphrase}
            onInput={(e) => update({ passphrase: (e.target as HTMLInputElement).value })}
            data-testid="passphrase"
          />
        </label>
        <label>
          {tx.passphraseAgain}
          <input
            type="password"
            autocomplete="new-password"
            value={draft.passphraseAgain}
            onInput={(e) => update({ passphraseAgain: (e.target as HTMLInputElement).value })}
            data-testid="passphrase-again"
          />
        </label>
      </div>
      {draft.passphraseAgain && (
        <span class={draft.passphrase === draft.passphraseAgain ? "ok-text small" : "err-text small"} aria-live="polite">
          {draft.passphrase === draft.passphraseAgain ? `✓ ${tx.passphraseMatch}` : tx.wzProblems.passphraseMismatch}
        </span>
      )}
    </div>
  );
}
