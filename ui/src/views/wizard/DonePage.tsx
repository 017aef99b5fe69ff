import type { Ref } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api";
import type { PackResult } from "../../bindings/PackResult";
import { ErrorBanner } from "../../components/ErrorBanner";
import { SheetFrame, type SheetHandle } from "../../components/SheetFrame";
import { lang, packWarning, t } from "../../i18n";
import { formatCount, formatDate } from "../../lib/format";
import { contractorOf, type Draft, type Known } from "../../lib/wizard";
import { encryptionLabel } from "./encryption";

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The handover is made: its id, where the file is, what the ledger recorded; paper prints here. */
export function DonePage({
  result,
  draft,
  known,
  headingRef,
  onNew,
}: {
  result: PackResult;
  draft: Draft;
  known: Known;
  headingRef: Ref<HTMLHeadingElement>;
  onNew: () => void;
}) {
  const tx = t();
  const [sheet, setSheet] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (result.method === "paper") api.paperSheet(result.handoverId, result.path).then(setSheet, setError);
  }, [result.handoverId]);
  return (
    <div class="done" data-testid="handover-done">
      <div class="done-head">
        <span class="done-mark" aria-hidden="true">
          ✓
        </span>
        <div>
          <h2 tabIndex={-1} ref={headingRef}>
            {tx.doneTitle}
          </h2>
          <div class="done-id">
            {tx.handoverId} <code data-testid="done-id">{result.handoverId}</code>
          </div>
        </div>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {result.warnings.length > 0 && <DoneWarnings result={result} />}
      <DoneSummary result={result} draft={draft} known={known} onError={setError} />
      {sheet && <PrintedSheet sheet={sheet} handoverId={result.handoverId} />}
      <div class="actions">
        <button class="primary" type="button" onClick={onNew} data-testid="new-handover">
          {tx.newHandover}
        </button>
      </div>
    </div>
  );
}

/** What the operator must know now (the core's warnings), led by the passphrase's if any. */
function DoneWarnings({ result }: { result: PackResult }) {
  const tx = t();
  return (
    <div class="banner warn" role="note" data-testid="done-warnings">
      <div>
        <strong>{result.warnings.includes("passphrase_separately") ? tx.ppapTitle : tx.warnings}</strong>
        <ul class="plain">
          {result.warnings.map((w) => (
            <li key={w}>{packWarning(w)}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** Where the file is, how it is protected and for whom, and what the ledger recorded. */
function DoneSummary({ result, draft, known, onError }: { result: PackResult; draft: Draft; known: Known; onError: (e: unknown) => void }) {
  const tx = t();
  const n = (x: number) => formatCount(x, lang.value);
  const theirs = new Set(contractorOf(draft, known)?.keys.map((k) => k.fingerprint) ?? []);
  const contractorName = contractorOf(draft, known)?.contractor.name ?? "";
  return (
    <div class="card">
      <dl class="summary">
        <dt>{tx.savedTo}</dt>
        <dd class="row">
          <code class="path" data-testid="done-path">
            {result.path}
          </code>
          <button type="button" onClick={() => api.showInFolder(result.path).catch(onError)} data-testid="show-in-folder">
            {tx.showInFolder}
          </button>
        </dd>
        <dt>{tx.steps.method}</dt>
        <dd>{tx.methods[result.method][0]}</dd>
        <dt>{tx.encryption}</dt>
        <dd>{encryptionLabel(result.encryption, result.recipients.filter((r) => theirs.has(r)).length)}</dd>
        {result.recipients.length > 0 && (
          <>
            <dt>{tx.recipients}</dt>
            <dd>
              <ul class="plain">
                {result.recipients.map((r) => (
                  <li key={r}>
                    <span class="fingerprint key-fp">{r}</span>
                    <span class="muted small">{theirs.has(r) ? contractorName : tx.officeKey}</span>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        <dt>{tx.steps.customers}</dt>
        <dd>{tx.customersCount(n(result.customers), result.excluded.length)}</dd>
        <dt>{tx.steps.returnBy}</dt>
        <dd>
          <strong>{formatDate(result.returnBy, lang.value)}</strong>
        </dd>
        <dt>{tx.recorded}</dt>
        <dd data-testid="done-ledger">{tx.ledgerSeq(result.ledgerSeq)}</dd>
        <dt>{tx.sha256}</dt>
        <dd>
          <code class="hash">{result.sha256}</code>
        </dd>
        <dt>{tx.size}</dt>
        <dd>{size(result.size)}</dd>
      </dl>
    </div>
  );
}

/** A paper handover's work sheet, to print. */
function PrintedSheet({ sheet, handoverId }: { sheet: string; handoverId: string }) {
  const tx = t();
  const frame = useRef<SheetHandle>(null);
  return (
    <section class="sheet-preview">
      <div class="row">
        <h3>{t().sheetPreview.replace("（見本）", "").replace(" (sample)", "")}</h3>
        <span class="spacer" />
        <button class="primary" type="button" onClick={() => frame.current?.print()} data-testid="print-sheet">
          {tx.print}
        </button>
      </div>
      <SheetFrame ref={frame} html={sheet} title={handoverId} testId="done-sheet" />
    </section>
  );
}
