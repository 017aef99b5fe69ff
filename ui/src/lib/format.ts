// Dates are ISO 8601 in data and `YYYY年M月D日` where a person reads them (Japanese), or
// `D Mon YYYY` in English.
import type { Lang } from "../lang";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return lang === "ja" ? `${y}年${mo}月${d}日` : `${d} ${MONTHS[mo - 1]} ${y}`;
}

/** A moment on this computer's clock, to the minute, in the UI's order whatever the system
 * locale: `2026年12月5日 9:05` or `5 Dec 2026 9:05`. */
export function formatDateTime(at: Date, lang: Lang): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const iso = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `${formatDate(iso, lang)} ${at.getHours()}:${pad(at.getMinutes())}`;
}

export function formatCount(n: number, lang: Lang): string {
  return n.toLocaleString(lang === "ja" ? "ja-JP" : "en-US");
}
