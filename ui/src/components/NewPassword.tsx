import { t } from "../i18n";

/**
 * A new password, typed twice, with the core's length rule as a hint (the core checks it; the
 * second field only catches a typing slip). Both values live in the caller's memory only.
 */
export function NewPassword({
  value,
  again,
  minChars,
  onValue,
  onAgain,
  testid,
  label,
}: {
  value: string;
  again: string;
  minChars: number;
  onValue: (v: string) => void;
  onAgain: (v: string) => void;
  testid: string;
  /** The first field's label (default: パスワード). */
  label?: string;
}) {
  const ts = t();
  const mismatch = again !== "" && again !== value;
  return (
    <>
      <label>
        {label ?? ts.password}
        <input
          type="password"
          value={value}
          onInput={(e) => onValue((e.target as HTMLInputElement).value)}
          autocomplete="new-password"
          required
          data-testid={`${testid}-password`}
        />
      </label>
      <label>
        {ts.passwordAgain}
        <input
          type="password"
          value={again}
          onInput={(e) => onAgain((e.target as HTMLInputElement).value)}
          autocomplete="new-password"
          required
          data-testid={`${testid}-password-again`}
        />
      </label>
      <div class="muted wide">{ts.passwordRule(minChars)}</div>
      {mismatch && (
        <div class="banner warn wide" role="status" data-testid={`${testid}-mismatch`}>
          {ts.mismatch}
        </div>
      )}
    </>
  );
}

/** Both fields filled and equal (the core decides whether the password is long enough). */
export function passwordsMatch(value: string, again: string): boolean {
  return value !== "" && value === again;
}
