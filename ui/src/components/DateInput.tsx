import { useEffect, useRef, useState } from "preact/hooks";
import { lang } from "../i18n";
import { datePattern, displayDate, outOfRange, parseDateText, shiftDate } from "../lib/dates";

interface Props {
  /** ISO `YYYY-MM-DD`, or "" for none. */
  value: string;
  /** Called with the ISO day once what is typed names one (or "" when the field is emptied). */
  onChange: (iso: string) => void;
  min?: string;
  max?: string;
  required?: boolean;
  testId?: string;
  ariaLabel?: string;
}

/**
 * A date field of ours: `2026/11/23` in the Japanese UI and `2026-11-23` in the English one,
 * whatever the system locale (the browser's date input follows the system). Typed text is read
 * by `parseDateText`; ↑/↓ move a day. A day the field cannot read, or outside min–max, is
 * marked invalid and not passed on.
 */
export function DateInput({ value, onChange, min, max, required, testId, ariaLabel }: Props) {
  const l = lang.value;
  const [text, setText] = useState(displayDate(value, l));
  const input = useRef<HTMLInputElement>(null);
  // Follow the value when it changes from outside (a quick button, a reset) or the language,
  // but never under the user's fingers: while the field has the focus, the text is theirs.
  useEffect(() => {
    if (document.activeElement !== input.current && parseDateText(text) !== value) setText(displayDate(value, l));
  }, [value]);
  useEffect(() => setText(displayDate(value, l)), [l]);

  const parsed = parseDateText(text);
  const invalid = text.trim() !== "" && (parsed === null || outOfRange(parsed, min, max));
  const typed = (t: string) => {
    setText(t);
    const iso = parseDateText(t);
    if (t.trim() === "") onChange("");
    else if (iso !== null && !outOfRange(iso, min, max)) onChange(iso);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.key !== "ArrowUp" && e.key !== "ArrowDown") || e.altKey) return;
    const from = parsed ?? value;
    if (!from) return;
    e.preventDefault();
    const next = shiftDate(from, e.key === "ArrowUp" ? 1 : -1);
    if (outOfRange(next, min, max)) return;
    setText(displayDate(next, l));
    onChange(next);
  };
  return (
    <input
      ref={input}
      type="text"
      inputMode="numeric"
      autoComplete="off"
      spellcheck={false}
      class={invalid ? "date-input invalid" : "date-input"}
      placeholder={datePattern(l)}
      value={text}
      required={required}
      aria-invalid={invalid}
      aria-label={ariaLabel}
      onInput={(e) => typed((e.target as HTMLInputElement).value)}
      onBlur={() => {
        if (parsed && !invalid) setText(displayDate(parsed, l));
        else if (text.trim() === "") setText(displayDate(value, l));
      }}
      onKeyDown={onKeyDown}
      data-testid={testId}
      data-iso={parsed ?? ""}
    />
  );
}
