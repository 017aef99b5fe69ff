import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, isIpcError } from "../../api";
import type { ContractorChoice } from "../../bindings/ContractorChoice";
import type { Customer } from "../../bindings/Customer";
import type { ExclusionReason } from "../../bindings/ExclusionReason";
import type { FieldOption } from "../../bindings/FieldOption";
import type { HandoverDefaults } from "../../bindings/HandoverDefaults";
import type { ImportProgress } from "../../bindings/ImportProgress";
import type { PackResult } from "../../bindings/PackResult";
import type { WorkTypeInfo } from "../../bindings/WorkTypeInfo";
import { ErrorBanner } from "../../components/ErrorBanner";
import { ProgressBar } from "../../components/ProgressBar";
import { t } from "../../i18n";
import { ts } from "../../screens-i18n";
import {
  STEPS,
  afterChange,
  emptyDraft,
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
import { ReturnStep } from "./ReturnStep";
import { ReviewStep } from "./ReviewStep";
import { WorkStep } from "./WorkStep";

/** What every step is given. */
export interface StepProps {
  draft: Draft;
  update: (change: Partial<Draft>) => void;
  known: Known;
}

/**
 * The main flow: a new handover, one question per step, with exactly what leaves the office
 * shown before anything is written. Every refusal shown comes from the core.
 */
export function Wizard({ onDone }: { onDone: () => void }) {
  const tx = ts();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [step, setStep] = useState(0);
  const [furthest, setFurthest] = useState(0);
  const [workTypes, setWorkTypes] = useState<WorkTypeInfo[]>([]);
  const [contractors, setContractors] = useState<ContractorChoice[] | null>(null);
  const [customers, setCustomers] = useState<Customer[] | null>(null);
  const [excluded, setExcluded] = useState<Map<string, ExclusionReason>>(new Map());
  const [fields, setFields] = useState<FieldOption[]>([]);
  const [defaults, setDefaults] = useState<HandoverDefaults | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [checking, setChecking] = useState(false);
  const [creating, setCreating] = useState<ImportProgress | null>(null);
  const [result, setResult] = useState<PackResult | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    api.workTypes().then(setWorkTypes, setError);
    api.handoverContractors().then(setContractors, setError);
    api.customers("").then(setCustomers, setError);
    api.handoverDefaults().then(setDefaults, setError);
  }, []);
  useEffect(() => {
    if (!draft.workType) return;
    api
      .handoverScreen(draft.workType)
      .then((list) => setExcluded(new Map(list.map((e) => [e.customerId, e.reason]))), setError);
    api.handoverFields(draft.workType).then(setFields, setError);
  }, [draft.workType]);

  const known: Known = useMemo(() => ({ contractors: contractors ?? [], excluded }), [contractors, excluded]);
  const id: StepId = STEPS[step];
  const update = (change: Partial<Draft>) => {
    setProblem(null);
    setError(null);
    setDraft((d) => afterChange(d, change));
  };
  const go = (to: number) => {
    setProblem(null);
    setError(null);
    setStep(to);
    setFurthest((f) => Math.max(f, to));
  };
  useEffect(() => {
    heading.current?.focus();
  }, [step, result]);

  /** Leave the step: its own shape first, then what only the core can say. */
  const next = async () => {
    if (checking) return;
    const p = stepProblem(id, draft, known);
    if (p) {
      setProblem(p);
      return;
    }
    setChecking(true);
    setError(null);
    try {
      const sel = selection(draft, known);
      const pass = usesPassphrase(draft, known) ? draft.passphrase : null;
      if (id === "fields") await api.prepare(sel);
      if (id === "method") await api.handoverCheck(sel, null, pass);
      if (id === "returnBy") {
        const date = await api.handoverCheck(sel, draft.returnBy || null, pass);
        setDraft((d) => ({ ...d, returnBy: date }));
      }
      go(step + 1);
    } catch (e) {
      setError(e);
    } finally {
      setChecking(false);
    }
  };
  const back = () => step > 0 && go(step - 1);

  const create = () => {
    if (!draft.out) return;
    const pass = usesPassphrase(draft, known) ? draft.passphrase : null;
    setError(null);
    setCreating({ done: 0, total: null });
    api
      .pack(
        selection(draft, known),
        { out: draft.out, armor: draft.armor, returnBy: draft.returnBy || null, passphrase: pass },
        setCreating,
      )
      .then((r) => {
        // The passphrase has done its job: forget it.
        setDraft((d) => ({ ...d, passphrase: "", passphraseAgain: "" }));
        setResult(r);
        onDone();
      }, setError)
      .finally(() => setCreating(null));
  };
  const startOver = () => {
    setDraft(emptyDraft());
    setResult(null);
    setStep(0);
    setFurthest(0);
    setProblem(null);
    setError(null);
    api.handoverContractors().then(setContractors, setError);
    api.handoverDefaults().then(setDefaults, setError);
  };

  // Alt+←/→ move between steps wherever the focus is (also when nothing is focused).
  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e: KeyboardEvent) => {
    if (!e.altKey || creating || result) return;
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

  if (result) {
    return (
      <section class="view scroll wizard" data-testid="wizard-done">
        <DonePage result={result} draft={draft} known={known} headingRef={heading} onNew={startOver} />
      </section>
    );
  }

  const props: StepProps = { draft, update, known };
  const blocked = firstBlocked(draft, known, STEPS[furthest]);
  return (
    <section class="view wizard" data-testid="wizard">
      <div class="toolbar">
        <h1>{t().navHandover}</h1>
        <span class="muted small">{tx.stepOf(step + 1, STEPS.length)}</span>
        <span class="spacer" />
        {step > 0 && (
          <button class="link" onClick={startOver} data-testid="wizard-start-over">
            {tx.startOver}
          </button>
        )}
      </div>
      <nav aria-label={tx.stepOf(step + 1, STEPS.length)}>
        <ol class="steps" data-testid="wizard-steps">
          {STEPS.map((s, i) => {
            const reachable = i <= furthest && (blocked === null || STEPS.indexOf(blocked) >= i);
            const state = i === step ? "current" : i < step || (i <= furthest && reachable) ? "done" : "todo";
            return (
              <li key={s} class={`step ${state}`}>
                <button
                  type="button"
                  disabled={!reachable || i === step || !!creating}
                  aria-current={i === step ? "step" : undefined}
                  onClick={() => go(i)}
                  data-testid={`wizard-step-${s}`}
                >
                  <span class="num" aria-hidden="true">
                    {i < step ? "✓" : i + 1}
                  </span>
                  <span class="label">{tx.steps[s]}</span>
                </button>
              </li>
            );
          })}
        </ol>
      </nav>
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
          {id === "work" && <WorkStep {...props} workTypes={workTypes} />}
          {id === "contractor" && <ContractorStep {...props} loading={contractors === null} />}
          {id === "customers" && <CustomersStep {...props} customers={customers} />}
          {id === "fields" && <FieldsStep {...props} options={fields} />}
          {id === "method" && <MethodStep {...props} today={defaults?.today ?? ""} />}
          {id === "returnBy" && <ReturnStep {...props} defaults={defaults} />}
          {id === "review" && <ReviewStep {...props} workTypes={workTypes} onError={setError} />}
        </div>
        <div class="wizard-footer">
          <div class="messages" aria-live="polite">
            {problem && (
              <div class="banner warn" role="alert" data-testid="wizard-problem">
                {tx.problems[problem]}
              </div>
            )}
            {error && isIpcError(error) && error.code === "cancelled" ? (
              <div class="banner warn" role="status" data-testid="create-cancelled">
                {t().errors.cancelled}
              </div>
            ) : error ? (
              <ErrorBanner error={error} />
            ) : null}
            {creating && (
              <ProgressBar
                label={tx.creating}
                progress={creating}
                onCancel={() => api.cancel()}
                cancelLabel={tx.cancel}
                testId="create-progress"
              />
            )}
          </div>
          <div class="nav-buttons">
            <span class="muted small hint">{tx.keyHint}</span>
            <button type="button" onClick={back} disabled={step === 0 || !!creating} data-testid="wizard-back">
              {tx.back}
            </button>
            {id !== "review" ? (
              <button class="primary" type="submit" disabled={checking} data-testid="wizard-next">
                {checking ? tx.checking : tx.next}
              </button>
            ) : (
              <button class="primary create" type="button" onClick={create} disabled={!!creating} data-testid="create">
                {tx.create}
              </button>
            )}
          </div>
        </div>
      </form>
    </section>
  );
}

function stepTitle(id: StepId): string {
  const tx = ts();
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
