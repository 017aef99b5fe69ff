// Text of the record of use (操作記録): the managers' tab and the customer report's section.
import type { UseKind } from "../bindings/UseKind";
import { lang } from "../i18n";

const ja = {
  tabUsage: "操作記録",
  usageLead: "顧客の画面の閲覧、帳票・履歴・台帳の出力、作業指示書の印刷、引渡しファイルの開封を、誰がいつ行ったかの記録です（検索は記録しません）。",
  operator: "操作者",
  allOperators: "すべて",
  at: "日時",
  action: "操作",
  detail: "内容",
  customers: "顧客",
  sealed: "台帳",
  pending: "封印待ち",
  noUses: "この条件の操作記録はありません。",
  count: (n: number) => `${n}件`,
  kinds: {
    customer_page: "顧客画面の閲覧",
    history_export: "提供履歴の出力",
    report_export: "帳票の出力",
    report_print: "帳票の印刷",
    paper_sheet: "作業指示書の印刷",
    ledger_export: "台帳の出力",
    bundle_opened: "引渡しファイルの開封",
  } as Record<UseKind, string>,
};

type UsageText = typeof ja;

const en: UsageText = {
  tabUsage: "Record of use",
  usageLead: "Who opened a customer's page, exported a report, the history or the ledger, printed a work-order sheet or opened a bundle, and when (searches are not recorded).",
  operator: "Operator",
  allOperators: "Everyone",
  at: "At",
  action: "Action",
  detail: "Detail",
  customers: "Customers",
  sealed: "Ledger",
  pending: "waiting to be sealed",
  noUses: "No use matches.",
  count: (n: number) => `${n} use(s)`,
  kinds: {
    customer_page: "customer page viewed",
    history_export: "history exported",
    report_export: "report exported",
    report_print: "report printed",
    paper_sheet: "work-order sheet printed",
    ledger_export: "ledger exported",
    bundle_opened: "bundle opened by the office",
  },
};

export const tu = (): UsageText => (lang.value === "ja" ? ja : en);
