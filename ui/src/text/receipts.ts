// Text of the receipts: the contractor's 受領 and 廃棄, the office's import and the receipt
// state of each handover (Japanese first, English option).
import type { ReceiptState } from "../bindings/ReceiptState";
import { lang } from "../i18n";

const ja = {
  // The contractor's side.
  rcTitle: "受領・廃棄の報告（受領証）",
  rcIntro: "受領証は、このファイルを開けた人にしか作れない小さなファイルです。メールで事務所に送ってください。",
  rcBy: "報告する人の氏名",
  rcReceived: "受領を報告",
  rcDestroy: "廃棄する…",
  rcDestroyTitle: "廃棄して受領証を作る",
  rcWillDelete: "このアプリが書き出した次のフォルダから、この引き渡しのファイルを削除します:",
  rcNothingExported: "このアプリはこの引き渡しのファイルを書き出していません（削除するファイルはありません）。",
  rcByHand: "印刷した作業一覧・アプリの外で作ったコピー・引き渡しファイル自体は、アプリでは削除できません。自分で廃棄したことを確認してください。",
  rcByHandConfirm: "印刷物やその他のコピーは、自分で廃棄しました（またはありません）",
  rcNote: "廃棄の方法（例: 印刷物はシュレッダーで廃棄）",
  rcDestroyNow: "削除して受領証を保存",
  rcCancel: "やめる",
  rcSaveTitle: "受領証の保存先",
  rcSaved: (path: string, size: number) => `受領証を保存しました: ${path}（${size} バイト）。このファイルを事務所に送ってください。`,
  rcDeleted: (n: number) => `${n} 個のファイルを削除しました。`,
  rcNotDeleted: "削除できなかったファイル（自分で確認してください）:",
  rcClosed: "廃棄を報告しました。ファイルの内容はアプリのメモリからも消去しました。",
  // The office's side.
  rcImport: "受領証を取り込む…",
  rcImportTitle: "受領証ファイルを選ぶ",
  rcDropHint: "受領証ファイルをこのウィンドウにドロップしても取り込めます。",
  rcImported: (n: number, closed: number) => `受領証 ${n} 件を記録しました（うち ${closed} 件で引き渡しを完了）。`,
  rcReceipt: "受領証",
  rcEvidence: (by: string, deleted: number) => `${by}・削除 ${deleted} 件`,
  rcNotDeletedCount: (n: number) => `削除できなかったもの ${n} 件`,
  rcReceivedOn: (d: string) => `${d} 受領`,
};

export type ReceiptDict = typeof ja;

const en: ReceiptDict = {
  rcTitle: "Report receipt or destruction (receipt file)",
  rcIntro: "A receipt is a small file only someone who opened this bundle can make. E-mail it to the office.",
  rcBy: "Your name",
  rcReceived: "Report received",
  rcDestroy: "Destroy…",
  rcDestroyTitle: "Destroy and make a receipt",
  rcWillDelete: "This bundle's files are deleted from these folders this app exported it into:",
  rcNothingExported: "This app did not export this bundle's files (there is nothing for it to delete).",
  rcByHand: "Printed work lists, copies made outside the app and the bundle file itself cannot be deleted by the app. Confirm you destroyed them yourself.",
  rcByHandConfirm: "I destroyed printed and other copies myself (or there are none)",
  rcNote: "How (e.g. printed pages shredded)",
  rcDestroyNow: "Delete and save the receipt",
  rcCancel: "Cancel",
  rcSaveTitle: "Save the receipt",
  rcSaved: (path: string, size: number) => `Receipt saved: ${path} (${size} bytes). Send this file to the office.`,
  rcDeleted: (n: number) => `${n} file(s) deleted.`,
  rcNotDeleted: "Not deleted (check these yourself):",
  rcClosed: "Destruction reported. The bundle's content was wiped from the app's memory too.",
  rcImport: "Import receipts…",
  rcImportTitle: "Choose a receipt file",
  rcDropHint: "You can also drop receipt files on this window.",
  rcImported: (n: number, closed: number) => `${n} receipt(s) recorded (${closed} closed their handover).`,
  rcReceipt: "Receipt",
  rcEvidence: (by: string, deleted: number) => `${by}, ${deleted} file(s) deleted`,
  rcNotDeletedCount: (n: number) => `${n} not deleted`,
  rcReceivedOn: (d: string) => `received ${d}`,
};

export function trc(): ReceiptDict {
  return lang.value === "ja" ? ja : en;
}

/** Where a handover stands with its receipts, as a person reads it (the state is the core's). */
export function receiptStateLabel(s: ReceiptState): string {
  const j = lang.value === "ja";
  return {
    no_receipt: j ? "受領証なし" : "No receipt",
    received: j ? "受領済み" : "Received",
    destroyed: j ? "廃棄（受領証あり）" : "Destroyed (receipt)",
    by_hand: j ? "返却・廃棄（手入力）" : "Closed by hand",
  }[s];
}

/** The receipt file's suggested name (ASCII, so that no mail program mangles it). */
export function receiptFileName(handoverId: string, kind: "received" | "destroyed"): string {
  return `${handoverId}-${kind}.receipt.age`;
}
