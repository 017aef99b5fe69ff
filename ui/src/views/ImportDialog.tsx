import { open } from "../lib/dialog";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, isIpcError } from "../api";
import type { Field } from "../bindings/Field";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { ImportReport } from "../bindings/ImportReport";
import type { ImportRequest } from "../bindings/ImportRequest";
import type { IpcError } from "../bindings/IpcError";
import type { PreviewColumn } from "../bindings/PreviewColumn";
import type { RegisterPreview } from "../bindings/RegisterPreview";
import type { RowProblem } from "../bindings/RowProblem";
import type { TextEncoding } from "../bindings/TextEncoding";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProgressBar } from "../components/ProgressBar";
import { fieldLabel, lang, problemText, t } from "../i18n";
import { formatCount } from "../lib/format";
import { toMappings, withOverride, type Overrides } from "../lib/mapping";

type Phase = "mapping" | "checking" | "checked" | "importing" | "done";

/** Rows shown under the mapping. */
const PREVIEW_ROWS = 8;

/** Where an import stands, and running its check or the import itself. */
function useImportRun(request: (dryRun: boolean) => ImportRequest) {
  const [phase, setPhase] = useState<Phase>("mapping");
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [checked, setChecked] = useState<ImportReport | null>(null);
  const [rejected, setRejected] = useState<IpcError | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const failed = (dryRun: boolean) => (e: unknown) => {
    if (isIpcError(e) && e.code === "register_rejected") {
      setRejected(e);
      setChecked(null);
      setPhase("checked");
    } else {
      setError(e);
      setPhase(dryRun ? "mapping" : "checked");
    }
  };
  const run = (dryRun: boolean) => {
    setError(null);
    setRejected(null);
    setProgress({ done: 0, total: null });
    setPhase(dryRun ? "checking" : "importing");
    api
      .importRegister(request(dryRun), setProgress)
      .then((r) => {
        if (dryRun) {
          setChecked(r);
          setPhase("checked");
        } else {
          setReport(r);
          setPhase("done");
        }
      }, failed(dryRun))
      .finally(() => setProgress(null));
  };
  return { phase, setPhase, progress, checked, rejected, report, error, setError, run };
}

type ImportRun = ReturnType<typeof useImportRun>;

/**
 * Importing a register: the file's sheets, the detected header row and column mapping (the
 * importer's own detection, with overrides sent as `HEADER=FIELD`), the first rows, then a check
 * of every row (a dry run: problems listed by sheet, row and column), then the import itself
 * with progress and cancel. Nothing changes in the register before the last step.
 */
export function ImportDialog({ path, onClose }: { path: string; onClose: (imported: boolean) => void }) {
  const tr = t();
  const [preview, setPreview] = useState<RegisterPreview | null>(null);
  const [sheet, setSheet] = useState<string | null>(null);
  const [encoding, setEncoding] = useState<TextEncoding | null>(null);
  const [overrides, setOverrides] = useState<Overrides>({});
  const [plansDir, setPlansDir] = useState<string | null>(null);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [loading, setLoading] = useState(true);
  const dialog = useRef<HTMLDivElement>(null);
  const mappings = preview ? toMappings(overrides, preview.columns) : [];
  const request = (dryRun: boolean): ImportRequest => ({
    path,
    sheet: preview?.sheet ?? sheet,
    encoding,
    mappings,
    floorPlansDir: plansDir,
    dryRun,
    skipInvalid,
  });
  const im = useImportRun(request);
  // The preview again whenever the file, sheet, encoding or a mapping changes.
  const mappingKey = JSON.stringify(Object.entries(overrides).sort());
  useEffect(() => {
    setLoading(true);
    im.setError(null);
    api
      .registerPreview({ path, sheet, encoding, mappings, rows: PREVIEW_ROWS })
      .then(setPreview, im.setError)
      .finally(() => setLoading(false));
  }, [path, sheet, encoding, mappingKey]);
  useEffect(() => {
    dialog.current?.querySelector<HTMLElement>("select, button.primary, button")?.focus();
  }, [preview !== null]);

  const busy = im.phase === "checking" || im.phase === "importing";
  const close = () => {
    if (!busy) onClose(im.phase === "done");
  };
  return (
    <div class="modal-backdrop" onKeyDown={(e) => e.key === "Escape" && close()}>
      <div class="modal wide" role="dialog" aria-modal="true" aria-labelledby="import-title" ref={dialog} data-testid="import-dialog">
        <DialogHead path={path} close={close} busy={busy} />
        <ImportSteps phase={im.phase} />
        <div class="modal-body">
          <RunError error={im.error} />
          {im.phase === "mapping" && !preview && loading && <p class="muted">{tr.readingFile}</p>}
          {im.phase === "mapping" && preview && (
            <>
              <MappingStep
                preview={preview}
                overrides={overrides}
                onOverride={(h, c) => setOverrides(withOverride(overrides, h, c))}
                onSheet={(s) => setSheet(s)}
                encoding={encoding}
                onEncoding={setEncoding}
                loading={loading}
              />
              <FloorPlansOption dir={plansDir} onDir={setPlansDir} />
            </>
          )}
          {busy && <RunProgress phase={im.phase} progress={im.progress} />}
          {im.phase === "checked" && im.checked && <CheckPassed r={im.checked} />}
          {im.phase === "checked" && im.rejected && <CheckRefused e={im.rejected} skipInvalid={skipInvalid} onSkipInvalid={setSkipInvalid} />}
          {im.phase === "done" && im.report && <Imported r={im.report} />}
        </div>
        <DialogFoot im={im} canCheck={!!preview && !loading && preview.headerRow !== null} skipInvalid={skipInvalid} close={close} />
      </div>
    </div>
  );
}

/** The dialog's title, the file, and the close button (disabled while a run is going). */
function DialogHead({ path, close, busy }: { path: string; close: () => void; busy: boolean }) {
  const tr = t();
  return (
    <header class="modal-head">
      <h2 id="import-title">{tr.importTitle}</h2>
      <code class="path small" title={path}>
        {path}
      </code>
      <span class="spacer" />
      <button class="link" type="button" onClick={close} disabled={busy} aria-label={tr.close} data-testid="import-close">
        ✕
      </button>
    </header>
  );
}

/** Back to the mapping after a check, and the step's action. */
function DialogFoot({ im, canCheck, skipInvalid, close }: { im: ImportRun; canCheck: boolean; skipInvalid: boolean; close: () => void }) {
  return (
    <footer class="modal-foot">
      {im.phase === "checked" && (
        <button type="button" onClick={() => im.setPhase("mapping")} data-testid="import-back">
          {t().backToMapping}
        </button>
      )}
      <span class="spacer" />
      <FooterAction
        phase={im.phase}
        canCheck={canCheck}
        refused={!!im.rejected}
        skipInvalid={skipInvalid}
        checked={im.checked}
        run={im.run}
        close={close}
      />
    </footer>
  );
}

/** The check's or the import's progress, with cancel. */
function RunProgress({ phase, progress }: { phase: Phase; progress: ImportProgress | null }) {
  const tr = t();
  return (
    <ProgressBar
      label={phase === "checking" ? tr.checkingFile : tr.importingRows}
      progress={progress}
      onCancel={() => api.cancel()}
      cancelLabel={tr.cancel}
      testId="import-progress"
    />
  );
}

/** Map, check, import: where the dialog is. */
function ImportSteps({ phase }: { phase: Phase }) {
  const stepIndex = phase === "mapping" ? 0 : phase === "done" || phase === "importing" ? 2 : 1;
  return (
    <ol class="steps small-steps">
      {t().importSteps.map((s, i) => (
        <li key={s} class={`step ${i === stepIndex ? "current" : i < stepIndex ? "done" : "todo"}`}>
          <button type="button" disabled aria-current={i === stepIndex ? "step" : undefined}>
            <span class="num" aria-hidden="true">
              {i < stepIndex ? "✓" : i + 1}
            </span>
            <span class="label">{s}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}

/** A cancelled run (nothing changed) or another failure. */
function RunError({ error }: { error: unknown }) {
  if (!error) return null;
  if (isIpcError(error) && error.code === "cancelled") {
    return (
      <div class="banner warn" role="status" data-testid="import-cancelled">
        {t().cancelledNothing}
      </div>
    );
  }
  return <ErrorBanner error={error} />;
}

/** The folder of floor plans named by customer number, if any. */
function FloorPlansOption({ dir, onDir }: { dir: string | null; onDir: (d: string | null) => void }) {
  const tr = t();
  const pick = async () => {
    const d = await open({ directory: true, multiple: false });
    if (typeof d === "string") onDir(d);
  };
  return (
    <div class="options">
      <div class="row">
        <span class="muted small">{tr.floorPlansDir}:</span>
        <code class="path small">{dir ?? tr.none}</code>
        <button type="button" onClick={pick} data-testid="import-plans">
          {tr.chooseFolderShort}
        </button>
        {dir && (
          <button type="button" class="link" onClick={() => onDir(null)}>
            ✕
          </button>
        )}
      </div>
    </div>
  );
}

/** Every row checked: the counts, and the rows that will be skipped. */
function CheckPassed({ r }: { r: ImportReport }) {
  const tr = t();
  return (
    <>
      <div class={r.rejected > 0 ? "banner warn" : "banner ok"} role="status" data-testid="import-check-ok">
        <div>
          <strong>{r.rejected > 0 ? tr.checkSkipping : tr.checkOk}</strong>
          <Counts r={r} />
          {r.rejected > 0 && <div>{tr.willSkip(r.rejected)}</div>}
        </div>
      </div>
      {r.problems.length > 0 && <Problems list={r.problems} />}
    </>
  );
}

/** Rows refused: where, and the choice to import the others. */
function CheckRefused({ e, skipInvalid, onSkipInvalid }: { e: IpcError; skipInvalid: boolean; onSkipInvalid: (b: boolean) => void }) {
  const tr = t();
  return (
    <div data-testid="import-problems">
      <div class="banner error" role="alert">
        <strong>{tr.checkProblems(e.problems.length)}</strong>
      </div>
      <Problems list={e.problems} />
      <label class="check">
        <input
          type="checkbox"
          checked={skipInvalid}
          onChange={(ev) => onSkipInvalid((ev.target as HTMLInputElement).checked)}
          data-testid="import-skip-invalid"
        />
        {tr.skipInvalid}
      </label>
    </div>
  );
}

/** The import is done and recorded. */
function Imported({ r }: { r: ImportReport }) {
  const tr = t();
  return (
    <div class="banner ok" role="status" data-testid="import-done">
      <div>
        <strong>
          {tr.imported}: {r.file}
          {r.sheet ? `（${t().sheet} ${r.sheet}）` : ""}
        </strong>
        <Counts r={r} />
        {r.ledgerSeq !== null && <div class="muted small">{tr.ledgerSeq(r.ledgerSeq)}</div>}
      </div>
    </div>
  );
}

/** The next step's button: check, check again, import, close. */
function FooterAction(p: {
  phase: Phase;
  canCheck: boolean;
  refused: boolean;
  skipInvalid: boolean;
  checked: ImportReport | null;
  run: (dryRun: boolean) => void;
  close: () => void;
}) {
  const tr = t();
  const n = (x: number) => formatCount(x, lang.value);
  if (p.phase === "mapping") {
    return (
      <button class="primary" type="button" onClick={() => p.run(true)} disabled={!p.canCheck} data-testid="import-check">
        {tr.check}
      </button>
    );
  }
  if (p.phase === "checked" && p.refused) {
    return (
      <button class="primary" type="button" onClick={() => p.run(true)} disabled={!p.skipInvalid} data-testid="import-recheck">
        {tr.check}
      </button>
    );
  }
  if (p.phase === "checked" && p.checked) {
    const c = p.checked;
    return (
      <button class="primary" type="button" onClick={() => p.run(false)} data-testid="import-run">
        {tr.doImport}
        {` (${n(c.added + c.updated + c.unchanged)})`}
      </button>
    );
  }
  if (p.phase === "done") {
    return (
      <button class="primary" type="button" onClick={p.close} data-testid="import-finish">
        {tr.close}
      </button>
    );
  }
  return null;
}

function Counts({ r }: { r: ImportReport }) {
  const tr = t();
  const n = (x: number) => formatCount(x, lang.value);
  const items: [string, number][] = [
    [t().rowsRead, r.rows],
    [tr.added, r.added],
    [tr.updated, r.updated],
    [tr.unchanged, r.unchanged],
    [tr.rejected, r.rejected],
    [tr.floorPlans, r.floorPlans],
  ];
  return (
    <div class="counts" data-testid="import-counts">
      {items.map(([label, v]) => (
        <span key={label}>
          <span class="muted">{label}</span> <strong>{n(v)}</strong>
        </span>
      ))}
    </div>
  );
}

/** Invalid rows, located the way a person finds them in Excel. */
function Problems({ list }: { list: RowProblem[] }) {
  const tr = t();
  return (
    <div class="mapping-scroll problems-scroll">
      <table class="map-table" data-testid="import-problem-list">
        <thead>
          <tr>
            <th>{tr.sheet}</th>
            <th>{tr.row}</th>
            <th>{tr.column}</th>
            <th>{t().colHeader}</th>
            <th>{t().problem}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((p, i) => (
            <tr key={i}>
              <td>{p.sheet ?? "—"}</td>
              <td class="mono">{p.row}</td>
              <td class="mono">{p.column ?? "—"}</td>
              <td>{p.header ?? ""}</td>
              <td class="wrap">{problemText(p)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MappingStep({
  preview,
  overrides,
  onOverride,
  onSheet,
  encoding,
  onEncoding,
  loading,
}: {
  preview: RegisterPreview;
  overrides: Overrides;
  onOverride: (header: string, choice: Field | "ignore" | null) => void;
  onSheet: (s: string) => void;
  encoding: TextEncoding | null;
  onEncoding: (e: TextEncoding | null) => void;
  loading: boolean;
}) {
  const tr = t();
  return (
    <div class="mapping" aria-busy={loading}>
      <SourceChoice preview={preview} onSheet={onSheet} encoding={encoding} onEncoding={onEncoding} />
      {preview.headerRow !== null ? (
        <p class="ok-text small" data-testid="import-header-row">
          {tr.headerRowAt(preview.headerRow)}
        </p>
      ) : (
        <div class="banner warn" data-testid="import-no-header">
          {tr.noHeader}
        </div>
      )}
      {preview.paymentHeaders.length > 0 && <p class="small pay-note">{tr.paymentCols(preview.paymentHeaders.join("、"))}</p>}
      {preview.unknownHeaders.length > 0 && <p class="muted small">{tr.unknownCols(preview.unknownHeaders.join("、"))}</p>}
      <h3>{tr.mappingTitle}</h3>
      <MappingTable preview={preview} overrides={overrides} onOverride={onOverride} />
      <p class="muted small">
        {tr.previewTitle(preview.rows.length)} · {t().row} {preview.shownHeaderRow}
      </p>
    </div>
  );
}

/** The sheet of a workbook, the encoding of a CSV. */
function SourceChoice({
  preview,
  onSheet,
  encoding,
  onEncoding,
}: {
  preview: RegisterPreview;
  onSheet: (s: string) => void;
  encoding: TextEncoding | null;
  onEncoding: (e: TextEncoding | null) => void;
}) {
  const tr = t();
  return (
    <div class="row">
      {preview.sheets.length > 0 && (
        <label class="inline">
          {tr.sheetChoice}
          <select value={preview.sheet ?? ""} onChange={(e) => onSheet((e.target as HTMLSelectElement).value)} data-testid="import-sheet">
            {preview.sheets.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
                {s.visible ? "" : tr.hiddenSheet}
              </option>
            ))}
          </select>
        </label>
      )}
      {preview.encoding && (
        <label class="inline">
          {tr.encodingChoice}
          <select
            value={encoding ?? ""}
            onChange={(e) => onEncoding(((e.target as HTMLSelectElement).value || null) as TextEncoding | null)}
            data-testid="import-encoding"
          >
            <option value="">
              {tr.encAuto}（{preview.encoding}）
            </option>
            <option value="utf8">UTF-8</option>
            <option value="shift_jis">Shift_JIS</option>
          </select>
        </label>
      )}
      <span class="muted small">
        {preview.file} · {preview.format.toUpperCase()}
      </span>
    </div>
  );
}

/** Each column: its header, what it will be imported as (choosable), and the first rows. */
function MappingTable({
  preview,
  overrides,
  onOverride,
}: {
  preview: RegisterPreview;
  overrides: Overrides;
  onOverride: (header: string, choice: Field | "ignore" | null) => void;
}) {
  const tr = t();
  return (
    <div class="mapping-scroll">
      <table class="map-table" data-testid="import-mapping">
        <thead>
          <tr>
            <th>{tr.colLetter}</th>
            {preview.columns.map((c) => (
              <th key={c.column} class={`role-${c.role}${c.overridden ? " overridden" : ""}`}>
                <span class="mono muted">{c.column}</span> {c.header || "—"}
              </th>
            ))}
          </tr>
          <tr>
            <th>{tr.colMapping}</th>
            {preview.columns.map((c) => (
              <th key={c.column} class={`role-${c.role}`}>
                <ColumnChoice c={c} value={overrides[c.header] ?? ""} mappable={preview.mappable} onOverride={onOverride} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((r) => (
            <tr key={r.row}>
              <td class="mono muted">{r.row}</td>
              {preview.columns.map((c, i) => (
                <td key={c.column} class={`role-${c.role}`}>
                  {c.role === "payment_dropped" ? <span class="muted small">{tr.masked}</span> : r.cells[i]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What one column is imported as: the detection, a field chosen by hand, or ignored. */
function ColumnChoice({
  c,
  value,
  mappable,
  onOverride,
}: {
  c: PreviewColumn;
  value: string;
  mappable: Field[];
  onOverride: (header: string, choice: Field | "ignore" | null) => void;
}) {
  const tr = t();
  if (c.role === "payment_dropped") return <span class="tag never">{tr.paymentCol}</span>;
  return (
    <>
      <select
        value={value}
        disabled={!c.header}
        aria-label={`${c.column} ${c.header}`}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          onOverride(c.header, v === "" ? null : (v as Field | "ignore"));
        }}
        data-testid={`map-${c.column}`}
      >
        <option value="">{c.detected ? tr.auto(fieldLabel(c.detected)) : tr.autoNone}</option>
        {mappable.map((f) => (
          <option key={f} value={f}>
            {fieldLabel(f)}
          </option>
        ))}
        <option value="ignore">{tr.ignore}</option>
      </select>
      {c.role === "duplicate" && <div class="small err-text">{tr.duplicateCol}</div>}
    </>
  );
}
