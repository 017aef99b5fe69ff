import type { ImportProgress } from "../bindings/ImportProgress";
import { lang } from "../i18n";
import { formatCount } from "../lib/format";

/** A long operation's progress (rows or bytes) with an optional cancel button. */
export function ProgressBar({
  label,
  progress,
  onCancel,
  cancelLabel,
  testId,
}: {
  label: string;
  progress: ImportProgress | null;
  onCancel?: () => void;
  cancelLabel?: string;
  testId?: string;
}) {
  const total = progress?.total ?? null;
  const pct = progress && total ? Math.min(100, Math.round((progress.done / total) * 100)) : null;
  return (
    <div class="progress" data-testid={testId}>
      <span>{label}</span>
      <div
        class="bar"
        role="progressbar"
        aria-label={label}
        aria-valuenow={pct ?? undefined}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div class={pct === null ? "fill indeterminate" : "fill"} style={pct === null ? {} : { width: `${pct}%` }} />
      </div>
      <span class="pct mono">{pct === null ? "" : `${pct}%`}</span>
      {progress && total && total > 1000 && progress.done <= total ? (
        <span class="muted mono small">
          {formatCount(progress.done, lang.value)} / {formatCount(total, lang.value)}
        </span>
      ) : null}
      {onCancel && (
        <button type="button" onClick={onCancel} data-testid={testId ? `${testId}-cancel` : undefined}>
          {cancelLabel}
        </button>
      )}
    </div>
  );
}
