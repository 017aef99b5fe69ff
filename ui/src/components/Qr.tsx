import { useEffect, useState } from "preact/hooks";
import { api } from "../api";

/** A QR code of `text`, drawn by the app itself (no network), for phones that read keys. */
export function Qr({ text, label }: { text: string; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setSvg(null);
    api.qrSvg(text).then(
      (s) => live && setSvg(s),
      () => live && setSvg(null),
    );
    return () => {
      live = false;
    };
  }, [text]);
  if (!svg) return <div class="qr placeholder" aria-hidden="true" />;
  return <img class="qr" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} alt={label} data-testid="qr" />;
}
