// UI text, Japanese first with an English option: one dictionary per language (text/ja.ts and
// text/en.ts, the English one typed by the Japanese one). An error's headline is the core's, by
// its stable code (bindings/messages.ts, the table the CLI prints too); the core's English
// sentence is the detail.
import { HEADLINES, PACK_WARNINGS } from "./bindings/messages";
import type { Channel } from "./bindings/Channel";
import type { Method } from "./bindings/Method";
import type { PackWarning } from "./bindings/PackWarning";
import type { Protection } from "./bindings/Protection";
import type { ReceiptState } from "./bindings/ReceiptState";
import type { RequestStatus } from "./bindings/RequestStatus";
import type { RowProblem } from "./bindings/RowProblem";
import { lang, type Lang } from "./lang";
import { en } from "./text/en";
import { ja, type Dict } from "./text/ja";

export { lang, type Lang };

/** The UI's text in the current language. */
export function t(): Dict {
  return lang.value === "ja" ? ja : en;
}

/** A field's label in the current language. */
export function fieldLabel(f: string): string {
  return t().fieldLabels[f] ?? f;
}

/** A request's status as a person reads it. */
export function statusLabel(s: RequestStatus): string {
  return t().requestStatus[s];
}

/** The channels a request can come by, in the order the form offers them. */
export const CHANNELS: Channel[] = ["phone", "counter", "mail", "web"];

/** How a customer's request reached the office. */
export function channelLabel(c: Channel): string {
  return t().channels[c];
}

/** A handover's method, in full. */
export function methodLabel(m: Method | string): string {
  return t().methodLabels[m] ?? m;
}

/** How a handover's data is protected. */
export function protectionLabel(p: Protection): string {
  return t().protections[p];
}

/** Where a handover stands with its receipts, as a person reads it (the state is the core's). */
export function receiptStateLabel(s: ReceiptState): string {
  return t().receiptStates[s];
}

/** The headline of an error code in the current language, if the core knows the code. */
export function errorHeadline(code: string): string | undefined {
  return HEADLINES[lang.value][code];
}

/** What the operator must know once a pack is done, in the current language (the core's text). */
export function packWarning(w: PackWarning): string {
  return PACK_WARNINGS[lang.value][w];
}

/** What is wrong with a register row, in the current language (the core's words). */
export function problemText(p: RowProblem): string {
  return lang.value === "ja" ? p.messageJa : p.message;
}

export function setLang(l: Lang) {
  lang.value = l;
  localStorage.setItem("lang", l);
  document.documentElement.lang = l;
}
