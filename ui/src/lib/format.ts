// Dates are ISO 8601 in data and `YYYY年M月D日` where a person reads them (Japanese), or
// `D Mon YYYY` in English.
import type { Lang } from "../i18n";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return lang === "ja" ? `${y}年${mo}月${d}日` : `${d} ${MONTHS[mo - 1]} ${y}`;
}

export function formatCount(n: number, lang: Lang): string {
  return n.toLocaleString(lang === "ja" ? "ja-JP" : "en-US");
}
