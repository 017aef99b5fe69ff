// Text of 上長承認 (a manager's approval before data leaves): the wizard's review panel and the
// approvals screen. Japanese first, English option. Which handovers need one, and who may
// decide, come from the core (ApprovalNeed, ApprovalView); this only words them.
import type { ApprovalRule } from "../bindings/ApprovalRule";
import type { ApprovalView } from "../bindings/ApprovalView";
import { fieldLabel, lang } from "../i18n";
import { formatDateTime } from "../lib/format";

const at = (iso: string | null) => (iso ? formatDateTime(new Date(iso), lang.value) : "");

const ja = {
  nav: "承認",
  title: "上長承認",
  needed: "この引き渡しには上長の承認が必要です（方針による）",
  rule: (r: ApprovalRule) =>
    r.kind === "extra_fields"
      ? `最小項目以外の項目: ${r.fields.map(fieldLabel).join("・")}`
      : r.kind === "many_customers"
        ? `${r.limit}件を超えるお客様（${r.count}件）`
        : "パスフレーズ方式",
  request: "承認を依頼",
  use: (id: string) => `承認済みの ${id} を使う`,
  refresh: "状態を更新",
  state: (v: ApprovalView) => {
    const a = v.approval;
    if (v.expired) return `${a.id}: 有効期限切れ（${at(a.expiresAt)}）`;
    if (a.status === "pending") return `${a.id}: 承認待ち`;
    if (a.status === "approved") return `${a.id}: ${a.decidedBy} が承認（${at(a.decidedAt)}）。${at(a.expiresAt)}まで1回作成できます`;
    if (a.status === "rejected") return `${a.id}: ${a.decidedBy} が却下 — ${a.reason ?? ""}`;
    return `${a.id}: ${a.handoverId} として作成済み`;
  },
  empty: "承認依頼はありません。",
  requestedBy: (who: string, when: string) => `${who} が依頼（${at(when)}）`,
  returnBy: "返却・廃棄期限",
  extras: "最小項目以外（理由）",
  customers: (n: number) => `お客様 ${n}件`,
  excluded: (n: number) => `対象外 ${n}件`,
  approve: "承認する",
  reject: "却下する",
  reason: "却下の理由",
  pendingOnly: "承認待ちのみ",
  approvedBy: (who: string, when: string, id: string) => `上長承認: ${who}（${at(when)}、${id}）`,
};

type ApprovalText = typeof ja;

const en: ApprovalText = {
  nav: "Approvals",
  title: "Manager approval",
  needed: "This handover needs a manager's approval (the policy says so)",
  rule: (r) =>
    r.kind === "extra_fields"
      ? `Fields beyond the minimal set: ${r.fields.map(fieldLabel).join(", ")}`
      : r.kind === "many_customers"
        ? `More than ${r.limit} customers (${r.count})`
        : "The passphrase method",
  request: "Request approval",
  use: (id: string) => `Use approved ${id}`,
  refresh: "Refresh",
  state: (v) => {
    const a = v.approval;
    if (v.expired) return `${a.id}: expired (${at(a.expiresAt)})`;
    if (a.status === "pending") return `${a.id}: waiting for a manager`;
    if (a.status === "approved") return `${a.id}: approved by ${a.decidedBy} (${at(a.decidedAt)}); may be created once until ${at(a.expiresAt)}`;
    if (a.status === "rejected") return `${a.id}: rejected by ${a.decidedBy} — ${a.reason ?? ""}`;
    return `${a.id}: created as ${a.handoverId}`;
  },
  empty: "No approval requests.",
  requestedBy: (who, when) => `Requested by ${who} (${at(when)})`,
  returnBy: "Return or destroy by",
  extras: "Beyond the minimal set (reason)",
  customers: (n) => `${n} customer(s)`,
  excluded: (n) => `${n} left out`,
  approve: "Approve",
  reject: "Reject",
  reason: "Reason for rejecting",
  pendingOnly: "Waiting only",
  approvedBy: (who, when, id) => `Approved by ${who} on ${at(when)} (${id})`,
};

export function tap(): ApprovalText {
  return lang.value === "en" ? en : ja;
}
