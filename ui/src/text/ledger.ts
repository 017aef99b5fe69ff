// Text of the ledger screen's retention and export parts (Japanese first, English option).
import { lang } from "../i18n";

const ja = {
  derivedOk: (h: number, r: number, redacted: number) =>
    `記録から作った表も一致しています（引き渡し${h}件・申し出${r}件${redacted ? `・保存期間経過で消去${redacted}件` : ""}）`,
  retention: "保存期間と消去",
  retentionLead:
    "保存期間（設定の方針）を過ぎた元顧客の個人情報と返却済みの提供記録を消去します。消去は台帳に記録され、検証は引き続き成功します。",
  before: "基準日",
  preview: "対象を確認",
  nothing: "保存期間を過ぎたものはありません。",
  summary: (c: number, h: number, r: number) => `顧客${c}人・引き渡し${h}件が対象です（台帳の${r}件の内容を消去）。`,
  cutoffs: (c: string, r: string) => `顧客: 契約終了が${c}より前、記録: ${r}より前`,
  purge: "消去する",
  confirm: "消去は元に戻せません。実行しますか？",
  purged: (c: number, h: number, seq: number) => `顧客${c}人・引き渡し${h}件を消去し、台帳の${seq}番に記録しました。`,
  export: "台帳を書き出す（JSON Lines）",
  exported: (n: number, path: string) => `${n}件を ${path} に書き出しました（外部の検証スクリプトで確認できます）。`,
};

type LedgerText = typeof ja;

const en: LedgerText = {
  derivedOk: (h: number, r: number, redacted: number) =>
    `The tables built from it agree (${h} handovers, ${r} requests${redacted ? `, ${redacted} entries redacted by purges` : ""}).`,
  retention: "Retention and purge",
  retentionLead:
    "Delete former customers' personal data and closed provision records past their retention period (the policy). The purge is recorded and the ledger still verifies.",
  before: "As of",
  preview: "Preview",
  nothing: "Nothing is past retention.",
  summary: (c: number, h: number, r: number) => `${c} customer(s) and ${h} handover(s) are due (${r} ledger entries redacted).`,
  cutoffs: (c: string, r: string) => `customers: contract ended before ${c}; records: before ${r}`,
  purge: "Purge",
  confirm: "A purge cannot be undone. Go ahead?",
  purged: (c: number, h: number, seq: number) => `Purged ${c} customer(s) and ${h} handover(s); recorded as ledger entry ${seq}.`,
  export: "Export the ledger (JSON lines)",
  exported: (n: number, path: string) => `Wrote ${n} entries to ${path} (an outside script can re-verify it).`,
};

export function tl(): LedgerText {
  return lang.value === "en" ? en : ja;
}
