// Text of the requests, history and report screens (Japanese first, English option). Kept
// apart from i18n.ts so each area's words stay together.
import type { Channel } from "../bindings/Channel";
import type { Method } from "../bindings/Method";
import type { Protection } from "../bindings/Protection";
import type { RequestStatus } from "../bindings/RequestStatus";
import { lang } from "../i18n";

const ja = {
  navRequests: "申し出",
  navHistory: "履歴・報告",
  newRequest: "申し出を受け付ける",
  tabPending: "未決定",
  tabOverdue: "期限超過",
  tabAll: "すべて",
  customerId: "顧客番号",
  scope: "対象",
  scopeAll: "業者への提供をすべて停止",
  scopeFields: "一部の項目のみ停止",
  received: "受付日",
  channel: "受付方法",
  note: "メモ",
  register: "登録する",
  status: "状態",
  due: "期限",
  dueDecide: (by: string) => `${by}までに決定・通知`,
  dueNotify: (by: string) => `${by}までに結果を通知`,
  overdueBy: (n: number) => `${n}日超過`,
  accept: "承認する",
  reject: "却下する",
  rejectReason: "却下の理由（お客様に伝えます・必須）",
  notify: "通知を記録",
  notifiedOn: "通知日",
  withdraw: "取り下げ",
  decidedOn: "決定日",
  reason: "理由",
  earlier: "この申し出より前の提供（業者に削除を依頼できます）",
  noRequests: "該当する申し出はありません。",
  confirmWithdraw: (id: string) => `${id} を取り下げますか？ 以後の引き渡しに再び含まれます。`,
  // History
  tabHistory: "提供履歴",
  tabHandovers: "引き渡し・返却",
  tabCustomer: "顧客への開示",
  tabLeak: "漏えい報告",
  tabOverdueAll: "期限超過",
  contractorId: "委託業者",
  any: "（すべて）",
  from: "開始日",
  to: "終了日",
  search: "検索",
  exportCsv: "CSV で保存",
  exportXlsx: "Excel で保存",
  saved: (path: string, rows: number) => `${rows}件を ${path} に保存しました。`,
  date: "提供日",
  handoverId: "引き渡し番号",
  workType: "工事の種類",
  method: "方法",
  fields: "提供項目",
  basis: "根拠",
  basisEntrustment: "委託",
  returnBy: "返却・廃棄期限",
  closed: "返却・廃棄",
  open: "未返却",
  rows: (n: number) => `${n}件`,
  noHistory: "該当する提供はありません。",
  customers: "顧客数",
  confirmDestruction: "返却・廃棄を記録",
  destructionDate: "返却・廃棄日",
  overdueReturn: (n: number) => `期限を${n}日超過`,
  showReport: "開示記録を表示",
  print: "印刷",
  saveHtml: "HTML で保存",
  leakHandovers: "紛失した引き渡し番号（カンマ区切り）",
  malice: "不正の目的のおそれ（管理者の判断）",
  keysLost: "復号鍵も失われた",
  awareOn: "漏えいを知った日",
  preview: "報告を作成",
  recordLeak: "台帳に記録",
  recorded: (seq: number) => `台帳の ${seq} 番に記録しました。`,
  reportRequired: "個人情報保護委員会への報告が必要です",
  reportNotRequired: "報告義務の要件には当たりません（暗号化の例外を含む）",
  people: "対象者",
  exposedPeople: "暗号化で保護されていない対象者",
  preliminaryBy: "速報の目安",
  finalBy: "確報の期限",
  overdueNone: "期限を過ぎた引き渡し・申し出はありません。",
  overdueHandovers: "返却・廃棄期限を過ぎた引き渡し",
  overdueRequests: "通知期限を過ぎた申し出",
};

export type AccDict = typeof ja;

const en: AccDict = {
  navRequests: "Requests",
  navHistory: "History & reports",
  newRequest: "Register a request",
  tabPending: "Pending",
  tabOverdue: "Overdue",
  tabAll: "All",
  customerId: "Customer no.",
  scope: "Scope",
  scopeAll: "Stop all provision to contractors",
  scopeFields: "Stop some fields only",
  received: "Received",
  channel: "Channel",
  note: "Note",
  register: "Register",
  status: "Status",
  due: "Due",
  dueDecide: (by: string) => `Decide and tell the customer by ${by}`,
  dueNotify: (by: string) => `Tell the customer by ${by}`,
  overdueBy: (n: number) => `${n} day(s) overdue`,
  accept: "Accept",
  reject: "Reject",
  rejectReason: "Reason for rejecting (the customer is told; required)",
  notify: "Record notification",
  notifiedOn: "Notified on",
  withdraw: "Withdraw",
  decidedOn: "Decided on",
  reason: "Reason",
  earlier: "Provided before this request (ask the contractor to delete it)",
  noRequests: "No requests here.",
  confirmWithdraw: (id: string) => `Withdraw ${id}? Later handovers will include this data again.`,
  tabHistory: "Provisions",
  tabHandovers: "Handovers & returns",
  tabCustomer: "Disclosure record",
  tabLeak: "Leak report",
  tabOverdueAll: "Overdue",
  contractorId: "Contractor",
  any: "(any)",
  from: "From",
  to: "To",
  search: "Search",
  exportCsv: "Save as CSV",
  exportXlsx: "Save as Excel",
  saved: (path: string, rows: number) => `Saved ${rows} row(s) to ${path}.`,
  date: "Date",
  handoverId: "Handover",
  workType: "Work type",
  method: "Method",
  fields: "Fields provided",
  basis: "Basis",
  basisEntrustment: "Entrustment",
  returnBy: "Return by",
  closed: "Returned/destroyed",
  open: "Open",
  rows: (n: number) => `${n} row(s)`,
  noHistory: "No provisions match.",
  customers: "Customers",
  confirmDestruction: "Record return/destruction",
  destructionDate: "Returned/destroyed on",
  overdueReturn: (n: number) => `${n} day(s) past the return date`,
  showReport: "Show the record",
  print: "Print",
  saveHtml: "Save as HTML",
  leakHandovers: "Lost handover ids (comma-separated)",
  malice: "Suspected malice (manager's judgement)",
  keysLost: "The decryption key was lost too",
  awareOn: "Day the office learned of it",
  preview: "Make the report",
  recordLeak: "Record in the ledger",
  recorded: (seq: number) => `Recorded as ledger entry ${seq}.`,
  reportRequired: "A report to the PPC is required",
  reportNotRequired: "No reporting trigger applies (encryption exemption included)",
  people: "People affected",
  exposedPeople: "People not protected by encryption",
  preliminaryBy: "Preliminary report (target)",
  finalBy: "Final report due",
  overdueNone: "No handover or request is overdue.",
  overdueHandovers: "Handovers past their return date",
  overdueRequests: "Requests past the notification deadline",
};

export function ta(): AccDict {
  return lang.value === "en" ? en : ja;
}

export function statusLabel(s: RequestStatus): string {
  const j = lang.value === "ja";
  return {
    pending: j ? "未決定" : "Pending",
    accepted: j ? "承認" : "Accepted",
    rejected: j ? "却下" : "Rejected",
    withdrawn: j ? "取り下げ" : "Withdrawn",
  }[s];
}

export const CHANNELS: Channel[] = ["phone", "counter", "mail", "web"];

export function channelLabel(c: Channel): string {
  const j = lang.value === "ja";
  return {
    phone: j ? "電話" : "Phone",
    counter: j ? "窓口" : "Counter",
    mail: j ? "郵送" : "Mail",
    web: "Web",
  }[c];
}

export function methodLabel(m: Method | string): string {
  const j = lang.value === "ja";
  const labels: Record<string, string> = {
    transfer: j ? "電子データの伝送" : "Transfer",
    media: j ? "電子記録媒体" : "Media",
    paper: j ? "紙" : "Paper",
  };
  return labels[m] ?? m;
}

export function protectionLabel(p: Protection): string {
  const j = lang.value === "ja";
  return {
    encrypted: j ? "暗号化（鍵は別に保管）" : "Encrypted (key held apart)",
    passphrase: j ? "パスフレーズ暗号化" : "Passphrase-encrypted",
    paper: j ? "紙" : "Paper",
  }[p];
}
