// Dates as people type and read them in a date field. Data is ISO 8601 (`2026-11-23`); the
// field shows `2026/11/23` in the Japanese UI and `2026-11-23` in the English one, whatever the
// system's locale (the browser's own date input follows the system and shows `11/23/2026`
// under an English locale, which a Japanese office reads as the wrong day).
import type { Lang } from "../lang";

/** How the field shows a day, and what its placeholder says. */
export function datePattern(lang: Lang): string {
  return lang === "ja" ? "YYYY/MM/DD" : "YYYY-MM-DD";
}

/** ISO `2026-11-23` as the field shows it: `2026/11/23` (ja) or `2026-11-23` (en). */
export function displayDate(iso: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return lang === "ja" ? `${m[1]}/${m[2]}/${m[3]}` : iso;
}

/**
 * What a person typed, as an ISO day, or null when it names no day: `2026/11/23`,
 * `2026-11-23`, `2026/1/5`, `2026年1月5日`, `20261123`, full-width digits too. The year
 * comes first, always: `11/23/2026` and `23/11/2026` are refused, not guessed at.
 */
export function parseDateText(text: string): string | null {
  const t = text.normalize("NFKC").trim();
  const m =
    /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** ISO day plus `days` (calendar arithmetic in UTC, no time-zone drift). */
export function shiftDate(iso: string, days: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Is `iso` outside `[min, max]` (ISO days order like the days)? */
export function outOfRange(iso: string, min?: string, max?: string): boolean {
  return (!!min && iso < min) || (!!max && iso > max);
}

const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * An instant (ISO 8601 with its offset, e.g. `2026-12-06T00:05:00Z`) as a person reads it, in
 * this PC's local time: `2026年12月6日 09:05` (ja) or `6 Dec 2026, 09:05` (en). Unreadable: as is.
 */
export function localDateTime(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  return lang === "ja"
    ? `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${hm}`
    : `${d.getDate()} ${MONTHS_EN[d.getMonth()]} ${d.getFullYear()}, ${hm}`;
}
