import { isIpcError } from "../api";
import { errorHeadline, lang, problemText, t } from "../i18n";

/** An error as a sentence a clerk understands, with the detail (file, row…) underneath. */
export function ErrorBanner({ error }: { error: unknown }) {
  const tr = t();
  if (isIpcError(error)) {
    const headline = errorHeadline(error.code) ?? error.message;
    // The core's Japanese wording of the detail, where it has one.
    const detail = (lang.value === "ja" && error.messageJa) || error.message;
    return (
      <div class="banner error" role="alert" data-testid="error">
        <strong>{headline}</strong>
        {headline !== detail && <div class="detail">{detail}</div>}
        {error.problems.length > 0 && (
          <ul class="problems">
            {error.problems.map((p, i) => (
              <li key={i}>
                {p.sheet ? `${tr.sheet} ${p.sheet} · ` : ""}
                {tr.row} {p.row}
                {p.column ? ` · ${tr.column} ${p.column}${p.header ? `（${p.header}）` : ""}` : ""} —{" "}
                {problemText(p)}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div class="banner error" role="alert" data-testid="error">
      {String(error)}
    </div>
  );
}
