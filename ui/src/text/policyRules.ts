// Text of the policy editor's 上長承認 (approval) and sign-in rules (Japanese first, English
// option). The bounds shown come from the core (PolicyLimits), never from here.
import { lang } from "../i18n";

const ja = {
  approvalTitle: "上長承認",
  approvalLead: "次のいずれかに当たる引渡しは、上長（manager）の承認を受けてから作成できます。",
  extraFields: "最小項目を超える項目を渡すとき",
  manyCustomers: "顧客数が次の人数を超えるとき",
  customersOver: "人数",
  passphrase: "パスフレーズ方式で渡すとき",
  lifetimeDays: "承認依頼・承認の有効日数",
  signInTitle: "サインイン",
  idleLockMinutes: "操作がないときに画面をロックするまで（分）",
  lockoutAttempts: "続けて誤ったときにロックするパスワードの回数",
  lockoutMinutes: "ロックする時間（分）",
  range: (min: number, max: number) => `${min}〜${max}`,
  outOfRange: "範囲外の数があります（各欄の横に範囲を表示しています）。",
};

type PolicyRulesText = typeof ja;

const en: PolicyRulesText = {
  approvalTitle: "Manager approval",
  approvalLead: "A handover that meets any ticked rule can be made only after a manager approved it.",
  extraFields: "Fields beyond the minimal set",
  manyCustomers: "More customers than",
  customersOver: "Customers",
  passphrase: "The passphrase method",
  lifetimeDays: "Days a request and an approval stay valid",
  signInTitle: "Sign-in",
  idleLockMinutes: "Minutes without use before the window locks",
  lockoutAttempts: "Wrong passwords in a row before a lockout",
  lockoutMinutes: "Minutes of a lockout",
  range: (min: number, max: number) => `${min}–${max}`,
  outOfRange: "A number is out of its range (shown beside each box).",
};

export function tpr(): PolicyRulesText {
  return lang.value === "en" ? en : ja;
}
