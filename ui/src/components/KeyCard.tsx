import type { ComponentChildren } from "preact";
import { CopyField } from "./CopyField";
import { Qr } from "./Qr";
import { t } from "../i18n";

/** A public key to hand over or compare: full text with a copy button, fingerprint, QR code. */
export function KeyCard({
  title,
  value,
  fingerprint,
  testid,
  children,
}: {
  title: string;
  value: string;
  fingerprint: string;
  testid?: string;
  children?: ComponentChildren;
}) {
  const tr = t();
  return (
    <div class="keycard" data-testid={testid}>
      <div class="keytext">
        <h3>{title}</h3>
        <CopyField value={value} label={title} testid={testid ? `${testid}-value` : undefined} />
        <div class="muted">
          {tr.fingerprint}: <span class="fingerprint">{fingerprint}</span>
        </div>
        {children}
      </div>
      <Qr text={value} label={`QR: ${title}`} />
    </div>
  );
}
