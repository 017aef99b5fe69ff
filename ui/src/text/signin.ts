// Text of signing in on this PC's store: the first admin, the sign-in and lock screens, and the
// operators (担当者) screen in Settings (Japanese first, English option).
import { lang } from "../i18n";

const ja = {
  title: "サインイン",
  lead: "担当者名とパスワードでサインインしてください。すべての記録にサインインした担当者の名前が残ります。",
  name: "担当者名",
  password: "パスワード",
  passwordAgain: "パスワード（確認）",
  passwordRule: (n: number) => `${n}文字以上。他で使っていないものにしてください。`,
  mismatch: "確認のパスワードが一致しません。",
  lockedUntil: (when: string) => `${when}までサインインできません。`,
  adminTitle: "管理者を作成",
  adminLead:
    "この事務所の最初の担当者（管理者）を作成します。管理者は担当者の追加・停止ができます。名前は日本語で構いません。",
  adminCreate: "管理者を作成して鍵を作る",
  recoveryTitle: "回復キー（この画面でだけ表示します）",
  recoveryBody:
    "印刷するか書き写して、事務所の金庫に保管してください。担当者全員のパスワードが分からなくなったとき、このキーで事務所のデータを開けます（handover office recover）。",
  lockTitle: "画面をロックしました",
  lockLead: (who: string, minutes: number) =>
    `${minutes}分間操作がなかったため、画面をロックしました。作業中の内容はそのまま残っています。${who} さんのパスワードで再開してください。`,
  unlock: "再開する",
  switchUser: "別の担当者でサインインする（作業中の内容は破棄されます）",
  opTitle: "担当者",
  opLead: "この事務所でサインインできる人と役割です。追加・停止はすべて台帳に記録されます。",
  opRole: "役割",
  opState: "状態",
  opActive: "有効",
  opDisabled: "停止中",
  opDisable: "停止",
  opConfirmDisable: (name: string) => `${name} さんを停止しますか？以後サインインできなくなります（記録は残ります）。`,
  opAdd: "担当者を追加",
  opAdded: (name: string) => `${name} さんを追加しました。`,
};

type SignInText = typeof ja;

const en: SignInText = {
  title: "Sign in",
  lead: "Sign in with your name and password. Every entry names the operator who signed in.",
  name: "Operator name",
  password: "Password",
  passwordAgain: "Password (again)",
  passwordRule: (n: number) => `At least ${n} characters, not one you use elsewhere.`,
  mismatch: "The two passwords differ.",
  lockedUntil: (when: string) => `Cannot sign in until ${when}.`,
  adminTitle: "Create the administrator",
  adminLead:
    "Create this office's first operator, its administrator, who adds and disables the others. Japanese names are welcome.",
  adminCreate: "Create the administrator and the keys",
  recoveryTitle: "Recovery key (shown only now)",
  recoveryBody:
    "Print it or write it down and keep it in the office safe. It opens the office's data when every operator's password is lost (handover office recover).",
  lockTitle: "The window is locked",
  lockLead: (who: string, minutes: number) =>
    `Locked after ${minutes} minutes without use. Your unfinished work is kept: ${who}, enter your password to go on.`,
  unlock: "Go on",
  switchUser: "Sign in as someone else (the unfinished work is discarded)",
  opTitle: "Operators",
  opLead: "Who may sign in to this office, and their roles. Every addition and disabling is recorded.",
  opRole: "Role",
  opState: "State",
  opActive: "Active",
  opDisabled: "Disabled",
  opDisable: "Disable",
  opConfirmDisable: (name: string) => `Disable ${name}? They can no longer sign in (their entries stay).`,
  opAdd: "Add operator",
  opAdded: (name: string) => `${name} was added.`,
};

export function tsi(): SignInText {
  return lang.value === "en" ? en : ja;
}
