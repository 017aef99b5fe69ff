import { t } from "../i18n";

/**
 * The office's recovery key, shown once right after the first admin is created (issue 14): the
 * paper for the office safe that unwraps the data key when every password is lost. The core
 * hands it over once and never stores it readable, so this screen is the only chance to copy it.
 */
export function RecoveryKeyCard({ value }: { value: string }) {
  const ts = t();
  return (
    <div class="banner warn recovery" role="note" data-testid="recovery-key">
      <strong>{ts.recoveryTitle}</strong>
      <code class="recovery-key" data-testid="recovery-key-value">
        {value}
      </code>
      <span>{ts.recoveryBody}</span>
    </div>
  );
}
