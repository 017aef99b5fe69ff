import { forwardRef } from "preact/compat";
import { useImperativeHandle, useRef } from "preact/hooks";

/** On screen only: the sheet as a white page on a grey desk. Printing is untouched. */
const SCREEN_PAGE =
  "<style>@media screen { html { background: #9aa1a9; } body { background: #fff; padding: 10mm 12mm !important; " +
  "margin: 6mm auto 10mm !important; box-shadow: 0 2px 12px rgba(0,0,0,.35); } }</style>";

function onScreen(html: string): string {
  const at = html.indexOf("</head>");
  return at < 0 ? html : html.slice(0, at) + SCREEN_PAGE + html.slice(at);
}

export interface SheetHandle {
  /** Open the system print dialog for the sheet alone (not the app around it). */
  print: () => void;
}

/**
 * A work-order sheet (self-contained HTML from the core: inline CSS, images as data: URIs, no
 * script) shown inside the app. The frame is sandboxed: no script in it can run; it shares the
 * app's origin only so that the app can ask it to print.
 */
export const SheetFrame = forwardRef<SheetHandle, { html: string; title: string; testId?: string }>(
  function SheetFrame({ html, title, testId }, ref) {
    const frame = useRef<HTMLIFrameElement>(null);
    useImperativeHandle(ref, () => ({
      print: () => {
        const w = frame.current?.contentWindow;
        if (!w) return;
        w.focus();
        w.print();
      },
    }));
    return (
      <iframe
        ref={frame}
        class="sheet-frame"
        title={title}
        srcdoc={onScreen(html)}
        sandbox="allow-same-origin allow-modals"
        data-testid={testId}
      />
    );
  },
);
