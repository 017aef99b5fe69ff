import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, isIpcError } from "../../api";
import type { ContractorChoice } from "../../bindings/ContractorChoice";
import type { Customer } from "../../bindings/Customer";
import type { ExclusionReason } from "../../bindings/ExclusionReason";
import type { FieldOption } from "../../bindings/FieldOption";
import type { HandoverDefaults } from "../../bindings/HandoverDefaults";
import type { ImportProgress } from "../../bindings/ImportProgress";
import type { WorkType } from "../../bindings/WorkType";
import type { WorkTypeInfo } from "../../bindings/WorkTypeInfo";
import { ErrorBanner } from "../../components/ErrorBanner";
import { ProgressBar } from "../../components/ProgressBar";
import { errorHeadline, t } from "../../i18n";
import { storeRevision } from "../../lib/live";
import {
  STEPS,
  afterChange,
  firstBlocked,
  selection,
  stepProblem,
  usesPassphrase,
  type Draft,
  type Known,
  type Problem,
  type StepId,
} from "../../lib/wizard";
import { ContractorStep } from "./ContractorStep";
import { CustomersStep } from "./CustomersStep";
import { DonePage } from "./DonePage";
import { FieldsStep } from "./FieldsStep";
import { MethodStep } from "./MethodStep";
import { freshProgress, leave, progress, resume } from "./progress";
import { ReturnStep } from "./ReturnStep";
import { ReviewStep } from "./ReviewStep";
import { WorkStep } from "./WorkStep";

/** What every step is given. */
export interface StepProps {
  draft: Draft;
  update: (change: Partial<Draft>) => void;
  known: Known;
}

/** What the wizard asks the core for as it runs. */
interface Loaded {
  workTypes: WorkTypeInfo[];
  contractors: ContractorChoice[] | null;
  customers: Customer[] | null;
  excluded: Map<string, ExclusionReason>;
  fields: FieldOption[];
  defaults: HandoverDefaults | null;
}

/** The roster, register, defaults and (per work type) screening and fields, from the core. */
function useLoaded(workType: WorkType | null, onError: (e: unknown) => void): [Loaded, () => void] {
  const [workTypes, setWorkTypes] = useState<WorkTypeInfo[]>([]);
  const [contractors, setContractors] = useState<ContractorChoice[] | null>(null);
  const [customers, setCustomers] = useState<Customer[] | null>(null);
  const [excluded, setExcluded] = useState<Map<string, ExclusionReason>>(new Map());
  const [fields, setFields] = useState<FieldOption[]>([]);
  const [defaults, setDefaults] = useState<HandoverDefaults | null>(null);
  const today = () => {
    api.handoverContractors().then(setContractors, onError);
    api.handoverDefaults().then(setDefaults, onError);
  };
  useEffect(() => {
    api.workTypes().then(setWorkTypes, onError);
  }, []);
  // The register, the contractors and who is greyed out follow what other PCs (or processes)
  // record, without a restart (lib/live.ts).
  const revision = storeRevision.value;
  useEffect(() => {
    api.customers("").then(setCustomers, onError);
    today();
  }, [revision]);
  useEffect(() => {
    if (!workType) return;
    api.handoverScreen(workType).then((list) => setExcluded(new Map(list.map((e) => [e.customerId, e.reason]))), onError);
    api.handoverFields(workType).then(setFields, onError);
  }, [workType, revision]);
  return [{ workTypes, contractors, customers, excluded, fields, defaults }, today];
}

/** Alt+←/→ move between steps wherever the focus is (also when nothing is focused). */
function useStepKeys(enabled: boolean, next: () => void, back: () => void) {
  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e: KeyboardEvent) => {
    if (!e.altKey || !enabled) return;
    if (e.key === "ArrowRight") {
      e.preventDefault();
      next();
    } else if (e.key === "ArrowLeft") {
      e.preventDefault();
      back();
    }
  };
  useEffect(() => {
    const on = (e: KeyboardEvent) => keys.current(e);
    window.addEventListener("keydown", on);
    return () => window.removeEventListener("keydown", on);
  }, []);
}

/**
 * The main flow: a new handover, one question per step, with exactly what leaves the office
 * shown before anything is written. Every refusal shown comes from the core. The progress is
 * kept while the user visits other screens (`progress`).
 */
export function Wizard({ onDone }: { onDone: () => void }) {
  const { draft, step, furthest, result } = progress.value;
  const [problem, setProblem] = useState<Problem | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [checking, setChecking] = useState(false);
  const [creating, setCreating] = useState<ImportProgress | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [loaded, reloadToday] = useLoaded(draft.workType, setError);
  const known: Known = useMemo(
    () => ({ contractors: loaded.contractors ?? [], excluded: loaded.excluded }),
    [loaded.contractors, loaded.excluded],
  );
  const id: StepId = STEPS[step];

  // Back on this screen: resume at the first step that needs an answer again; leaving it
  // forgets the passphrase.
  useEffect(() => () => void (progress.value = leave(progress.value)), []);
  useEffect(() => {
    if (loaded.contractors) progress.value = resume(progress.value, known);
  }, [loaded.contractors !== null]);
  useEffect(() => heading.current?.focus(), [step, result]);

  const update = (change: Partial<Draft>) => {
    setProblem(null);
    setError(null);
    progress.value = { ...progress.value, draft: afterChange(progress.value.draft, change) };
  };
  const go = (to: number) => {
    setProblem(null);
    setError(null);
    progress.value = { ...progress.value, step: to, furthest: Math.max(progress.value.furthest, to) };
  };
  const next = () => leaveStep(id, draft, known, { setProblem, setError, setChecking, checking, go: () => go(step + 1) });
  const back = () => step > 0 && go(step - 1);
  useStepKeys(!creating && !result, next, back);

  const create = () => pack(draft, known, { setError, setCreating, onDone });
  const startOver = () => {
    progress.value = freshProgress();
    setProblem(null);
    setError(null);
    reloadToday();
  };

  if (result) {
    return (
      <section class="view scroll wizard" data-testid="wizard-done">
        <DonePage result={result} draft={draft} known={known} headingRef={heading} onNew={startOver} />
      </section>
    );
  }
  const blocked = firstBlocked(draft, known, STEPS[furthest]);
  return (
    <section class="view wizard" data-testid="wizard">
      <Toolbar step={step} startOver={startOver} />
      <StepIndicator step={step} furthest={furthest} blocked={blocked} busy={!!creating} go={go} />
      <form
        class="wizard-body"
        onSubmit={(e) => {
          e.preventDefault();
          if (id !== "review") next();
        }}
        data-testid={`wizard-page-${id}`}
      >
        <div class="wizard-scroll">
          <h2 class="step-title" tabIndex={-1} ref={heading}>
            {stepTitle(id)}
          </h2>
          <StepBody id={id} props={{ draft, update, known }} loaded={loaded} onError={setError} />
        </div>
        <div class="wizard-footer">
          <Messages problem={problem} error={error} creating={creating} />
          <NavButtons step={step} id={id} checking={checking} creating={!!creating} back={back} create={create} />
        </div>
      </form>
    </section>
  );
}

/** The screen's title, the step number, and (past the first step) "start over". */
function Toolbar({ step, startOver }: { step: number; startOver: () => void }) {
  return (
    <div class="toolbar">
      <h1>{t().navHandover}</h1>
      <span class="muted small">{t().stepOf(step + 1, STEPS.length)}</span>
      <span class="spacer" />
      {step > 0 && (
        <button class="link" onClick={startOver} data-testid="wizard-start-over">
          {t().startOver}
        </button>
      )}
    </div>
  );
}

interface PackHooks {
  setError: (e: unknown) => void;
  setCreating: (p: ImportProgress | null) => void;
  onDone: () => void;
}

/** Create the bundle the draft describes, showing its progress; on success the result page. */
function pack(draft: Draft, known: Known, h: PackHooks) {
  if (!draft.out) return;
  const pass = usesPassphrase(draft, known) ? draft.passphrase : null;
  h.setError(null);
  h.setCreating({ done: 0, total: null });
  api
    .pack(selection(draft, known), { out: draft.out, armor: draft.armor, returnBy: draft.returnBy || null, passphrase: pass, approval: draft.approval ?? undefined }, h.setCreating)
    .then((r) => {
      // The passphrase has done its job: forget it.
      const done = progress.value;
      progress.value = { ...done, draft: { ...done.draft, passphrase: "", passphraseAgain: "" }, result: r };
      h.onDone();
    }, h.setError)
    .finally(() => h.setCreating(null));
}

interface LeaveHooks {
  setProblem: (p: Problem | null) => void;
  setError: (e: unknown) => void;
  setChecking: (b: boolean) => void;
  checking: boolean;
  go: () => void;
}

/** Leave a step: its own shape first, then what only the core can say. */
async function leaveStep(id: StepId, draft: Draft, known: Known, h: LeaveHooks) {
  if (h.checking) return;
  const p = stepProblem(id, draft, known);
  if (p) {
    h.setProblem(p);
    return;
  }
  h.setChecking(true);
  h.setError(null);
  try {
    const sel = selection(draft, known);
    const pass = usesPassphrase(draft, known) ? draft.passphrase : null;
    if (id === "fields") await api.prepare(sel);
    if (id === "method") await api.handoverCheck(sel, null, pass);
    if (id === "returnBy") {
      const date = await api.handoverCheck(sel, draft.returnBy || null, pass);
      progress.value = { ...progress.value, draft: { ...progress.value.draft, returnBy: date } };
    }
    h.go();
  } catch (e) {
    h.setError(e);
  } finally {
    h.setChecking(false);
  }
}

/** The step indicator: done, current and still-to-do steps; reachable ones can be clicked. */
function StepIndicator(p: { step: number; furthest: number; blocked: StepId | null; busy: boolean; go: (i: number) => void }) {
  const tx = t();
  return (
    <nav aria-label={tx.stepOf(p.step + 1, STEPS.length)}>
      <ol class="steps" data-testid="wizard-steps">
        {STEPS.map((s, i) => {
          const reachable = i <= p.furthest && (p.blocked === null || STEPS.indexOf(p.blocked) >= i);
          const state = i === p.step ? "current" : i < p.step || (i <= p.furthest && reachable) ? "done" : "todo";
          return (
            <li key={s} class={`step ${state}`}>
              <button
                type="button"
                disabled={!reachable || i === p.step || p.busy}
                aria-current={i === p.step ? "step" : undefined}
                onClick={() => p.go(i)}
                data-testid={`wizard-step-${s}`}
              >
                <span class="num" aria-hidden="true">
                  {i < p.step ? "✓" : i + 1}
                </span>
                <span class="label">{tx.steps[s]}</span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/** The page of the current step. */
function StepBody({ id, props, loaded, onError }: { id: StepId; props: StepProps; loaded: Loaded; onError: (e: unknown) => void }) {
  switch (id) {
    case "work":
      return <WorkStep {...props} workTypes={loaded.workTypes} />;
    case "contractor":
      return <ContractorStep {...props} loading={loaded.contractors === null} />;
    case "customers":
      return <CustomersStep {...props} customers={loaded.customers} onError={onError} />;
    case "fields":
      return <FieldsStep {...props} options={loaded.fields} />;
    case "method":
      return <MethodStep {...props} today={loaded.defaults?.today ?? ""} />;
    case "returnBy":
      return <ReturnStep {...props} defaults={loaded.defaults} />;
    case "review":
      return <ReviewStep {...props} workTypes={loaded.workTypes} onError={onError} />;
  }
}

/** Why the step cannot be left, the core's refusal, a cancelled pack, the pack's progress. */
function Messages({ problem, error, creating }: { problem: Problem | null; error: unknown; creating: ImportProgress | null }) {
  const tx = t();
  return (
    <div class="messages" aria-live="polite">
      {problem && (
        <div class="banner warn" role="alert" data-testid="wizard-problem">
          {tx.wzProblems[problem]}
        </div>
      )}
      {error && isIpcError(error) && error.code === "cancelled" ? (
        <div class="banner warn" role="status" data-testid="create-cancelled">
          {errorHeadline("cancelled")}
        </div>
      ) : error ? (
        <ErrorBanner error={error} />
      ) : null}
      {creating && (
        <ProgressBar label={tx.creating} progress={creating} onCancel={() => api.cancel()} cancelLabel={tx.cancel} testId="create-progress" />
      )}
    </div>
  );
}

function NavButtons(p: { step: number; id: StepId; checking: boolean; creating: boolean; back: () => void; create: () => void }) {
  const tx = t();
  return (
    <div class="nav-buttons">
      <span class="muted small hint">{tx.keyHint}</span>
      <button type="button" onClick={p.back} disabled={p.step === 0 || p.creating} data-testid="wizard-back">
        {tx.back}
      </button>
      {p.id !== "review" ? (
        <button class="primary" type="submit" disabled={p.checking} data-testid="wizard-next">
          {p.checking ? tx.checking : tx.next}
        </button>
      ) : (
        <button class="primary create" type="button" onClick={p.create} disabled={p.creating} data-testid="create">
          {tx.create}
        </button>
      )}
    </div>
  );
}

function stepTitle(id: StepId): string {
  const tx = t();
  return {
    work: tx.workTitle,
    contractor: tx.contractorTitle,
    customers: tx.customersTitle,
    fields: tx.fieldsTitle,
    method: tx.methodTitle,
    returnBy: tx.returnTitle,
    review: tx.reviewTitle,
  }[id];
}
