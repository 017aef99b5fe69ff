import { useState } from "preact/hooks";
import { t } from "../i18n";

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Fall back to a selection copy below (some webviews refuse the async API).
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

/** A key or path shown in full, selectable, with a copy button. */
export function CopyField({ value, label, testid }: { value: string; label: string; testid?: string }) {
  const tr = t();
  const [copied, setCopied] = useState(false);
  return (
    <div class="copyfield">
      <code class="value" aria-label={label} data-testid={testid}>
        {value}
      </code>
      <button
        type="button"
        onClick={() =>
          copyText(value).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          })
        }
        aria-label={`${tr.copy}: ${label}`}
      >
        {copied ? tr.copied : tr.copy}
      </button>
    </div>
  );
}
