// Texts of the new-handover wizard, the import dialog and the customer page: Japanese first,
// English switchable, with the language of `i18n.ts`. Kept apart from the app's main table so
// the screens can grow without every change touching one file.
import type { ContractorRefusal } from "./bindings/ContractorRefusal";
import type { ExclusionReason } from "./bindings/ExclusionReason";
import type { Problem, StepId } from "./lib/wizard";
import { fieldLabel, lang } from "./i18n";
import { formatDate } from "./lib/format";

const d = (iso: string) => formatDate(iso, lang.value);

const ja = {
  // Wizard frame
  steps: {
    work: "工事の種類",
    contractor: "委託業者",
    customers: "お客様",
    fields: "提供する項目",
    method: "引き渡し方法",
    returnBy: "返却・廃棄期限",
    review: "最終確認",
  } as Record<StepId, string>,
  stepOf: (n: number, of: number) => `ステップ ${n} / ${of}`,
  back: "戻る",
  next: "次へ",
  startOver: "最初からやり直す",
  keyHint: "Alt + ← / → でも移動できます",
  checking: "確認しています…",
  problems: {
    needWorkType: "工事の種類を選んでください。",
    needContractor: "委託業者を選んでください。",
    contractorRefused: "この委託業者には引き渡しできません（理由は一覧に表示しています）。",
    needCustomers: "お客様を1人以上選んでください。",
    onlyExcluded: "選んだお客様は全員、引き渡しの対象外です。",
    needReason: "追加する項目には、業者が必要とする理由を必ず書いてください（記録されます）。",
    needMethod: "引き渡し方法を選んでください。",
    methodRefused: "この委託業者にはこの方法で引き渡しできません。",
    needPassphrase: "パスフレーズを入力してください。",
    passphraseMismatch: "確認用のパスフレーズが一致しません。",
    needOut: "保存先を選んでください。",
  } as Record<Problem, string>,

  // Work type
  workTitle: "どの工事のための引き渡しですか",
  workLead: "工事の種類ごとに、業者に渡す最小限の項目が決まっています（事務所の方針）。",
  minimalSet: "最小限の項目",

  // Contractor
  contractorTitle: "どの委託業者に渡しますか",
  contractorLead: "機密保持契約が本日有効な業者だけを選べます。鍵の指紋は、業者と電話で読み合わせた値と同じか確認してください。",
  agreement: "機密保持契約",
  agreementRange: (a: string, b: string) => `${d(a)} 〜 ${d(b)}`,
  keysLabel: "公開鍵の指紋",
  noKeyNote: "鍵が登録されていません（紙またはパスフレーズで引き渡し）",
  noContractors: "委託業者が登録されていません。先に「委託業者」画面で登録してください。",
  refusal: (r: ContractorRefusal): string => {
    switch (r.kind) {
      case "agreement_expired":
        return `機密保持契約が ${d(r.expired)} に期限切れです。契約を更新するまで引き渡しできません。`;
      case "agreement_not_yet_valid":
        return `機密保持契約は ${d(r.signed)} からです。それまで引き渡しできません。`;
      case "no_key":
        return "鍵が登録されていないため、暗号化ファイルは作れません（紙かパスフレーズで）。";
      case "passphrase_on_paper":
        return "紙の引き渡しにパスフレーズはありません。";
      case "supervision_due":
        return [
          r.review_due && `年次点検の期限（${d(r.review_due)}）を過ぎています。`,
          r.certificate_expired && `認証の有効期限（${d(r.certificate_expired)}）を過ぎています。`,
          "事務所の方針により、委託先監督台帳に記録するまで引き渡しできません。",
        ]
          .filter(Boolean)
          .join("");
    }
  },

  // Customers
  customersTitle: "どのお客様の情報を渡しますか",
  customersLead: "一覧から選ぶか、顧客番号の一覧を貼り付けてください。対象外のお客様は灰色で理由を表示しています。",
  searchCustomers: "検索（顧客番号・氏名・フリガナ・住所・電話番号）",
  selectedCount: (n: string) => `${n} 人を選択中`,
  selectShown: "表示中の対象者をすべて選択",
  clearSelection: "選択を解除",
  onlySelected: "選択中だけ表示",
  pasteIds: "顧客番号を貼り付け",
  pasteHint: "Excel の列や、カンマ・空白・改行区切りの一覧をそのまま貼り付けられます。",
  addPasted: "一覧に追加",
  pastedResult: (added: number, excluded: number) =>
    `${added} 人を追加しました${excluded ? `（うち ${excluded} 人は対象外）` : ""}。`,
  notFound: (ids: string) => `台帳にない顧客番号: ${ids}`,
  excludedReason: (r: ExclusionReason): string => {
    switch (r.kind) {
      case "opt_out":
        return `提供停止の申し出 ${r.request_id}（${r.status === "pending" ? "審査中" : "承認済"}）`;
      case "missing_required":
        return `${fieldLabel(r.field)}が台帳にありません`;
      case "unknown_customer":
        return "台帳にありません";
      case "duplicate":
        return "重複して指定されています";
    }
  },
  emptyRegister: "顧客台帳が空です。先に台帳を取り込んでください。",
  noMatch: "該当するお客様がいません",
  choose: "選択",

  // Fields
  fieldsTitle: "業者に渡す項目",
  fieldsLead: "工事に必要な最小限の項目は必ず含まれます。それ以外の項目は、理由を書いたときだけ追加できます。",
  minimalTag: "最小限",
  extraTag: "追加（理由が必要）",
  neverTag: "支払い情報：保存も引き渡しもしません",
  reasonPlaceholder: "業者がこの項目を必要とする理由",
  perCustomer: "お客様ごとの内容",
  perCustomerLead: "お客様ご本人の申し出や台帳の空欄で渡さない項目があります。",
  nobodyWithheld: "選んだお客様全員に、上の項目をそのまま渡します。",
  withheldFor: "渡さない項目",
  moreRows: (n: string) => `ほか ${n} 人`,
  reasonRequest: (id: string) => `申し出 ${id}`,
  reasonNoData: "台帳に空欄",

  // Method
  methodTitle: "どの方法で引き渡しますか",
  methodLead: "業者の鍵で暗号化したファイル（.age）が基本です。",
  methods: {
    transfer: ["電子データの伝送", "暗号化ファイル（.age）を保存し、メール・チャット・ファイル共有で送ります。"],
    media: ["電子記録媒体", "USB メモリ等のフォルダに暗号化ファイルを書き込みます。ファイル名は引き渡し番号です。"],
    paper: ["紙", "作業指示書を印刷して手渡しします。印刷前にこの画面で内容を確認できます。"],
  } as Record<string, [string, string]>,
  saveAs: "保存先を選ぶ…",
  chooseFolder: "書き込むフォルダを選ぶ…",
  change: "変更…",
  mediaName: "ファイル名：引き渡し番号.age（作成時に付きます）",
  sheetSaveNote: "印刷する作業指示書（HTML）の控えの保存先",
  armor: "テキスト形式で保存（メール本文・チャットに貼れる形式）",
  usePassphrase: "パスフレーズで暗号化する（鍵のない業者向けの代替手段）",
  passphraseForced: "この業者は鍵が登録されていないため、パスフレーズで暗号化します。",
  passphrase: "パスフレーズ（8文字以上）",
  passphraseAgain: "パスフレーズ（確認のためもう一度）",
  passphraseMatch: "一致しています",
  ppapTitle: "パスフレーズは必ず電話で伝えてください",
  ppap: "ファイルと同じメールやチャットでパスフレーズを送ると、いわゆる PPAP と同じで暗号化の意味がありません。パスフレーズはこの画面以外に保存・記録されません。",

  // Return by
  returnTitle: "いつまでに返却・廃棄してもらいますか",
  returnLead: (days: number) => `既定は本日から ${days} 日後です。工事の予定に合わせて変更できます。`,
  returnDate: "返却・廃棄期限",
  inDays: (n: number) => `${n}日後`,
  defaultDate: "既定",

  // Review
  reviewTitle: "業者が受け取る内容の最終確認",
  reviewLead: "ここに表示された内容だけが業者に渡ります。「作成して記録する」を押すと、ファイルを書き込み、台帳に記録します。",
  summary: "概要",
  destination: "保存先",
  encryption: "暗号化",
  encX25519: (n: number) => `業者の鍵 ${n} 本と事務所の鍵（age X25519）`,
  encPassphrase: "パスフレーズ（age scrypt）",
  encNone: "なし（紙）",
  customersCount: (n: string, ex: number) => `${n} 人${ex ? `（対象外 ${ex} 人）` : ""}`,
  extrasWithReasons: "追加した項目と理由",
  included: "渡す項目",
  withheld: "渡さない項目",
  excludedTitle: "対象外のお客様（渡しません）",
  sheetPreview: "作業指示書の印刷プレビュー（見本）",
  create: "作成して記録する",
  creating: "作成しています…",
  cancel: "中止",

  // Done
  doneTitle: "引き渡しを作成し、記録しました",
  handoverId: "引き渡し番号",
  savedTo: "保存先",
  showInFolder: "フォルダに表示",
  recorded: "台帳への記録",
  ledgerSeq: (n: number) => `記録番号 #${n}（ハッシュチェーンに追記済み）`,
  sha256: "ファイルの SHA-256",
  size: "サイズ",
  recipients: "開ける鍵（指紋）",
  officeKey: "事務所の鍵（監査用）",
  print: "印刷する…",
  newHandover: "続けて新しい引き渡しを作成",
  warnings: "注意",

  // Import dialog
  importTitle: "顧客台帳の取り込み",
  importSteps: ["列の確認", "内容の確認", "取り込み"],
  readingFile: "ファイルを読んでいます…",
  sheetChoice: "シート",
  hiddenSheet: "（非表示）",
  encodingChoice: "文字コード",
  encAuto: "自動判定",
  headerRowAt: (n: number) => `見出しは ${n} 行目です。`,
  noHeader: "顧客番号の列が見つかりません。下の表で、顧客番号の列を「顧客番号」に割り当ててください。",
  mappingTitle: "列の割り当て",
  colLetter: "列",
  colHeader: "見出し",
  colMapping: "取り込む項目",
  auto: (f: string) => `自動（${f}）`,
  autoNone: "自動（取り込まない）",
  ignore: "取り込まない",
  paymentCol: "支払い情報：保存しません",
  duplicateCol: "同じ項目の2列目：取り込みません",
  unknownCols: (h: string) => `認識できない列（取り込みません）: ${h}`,
  paymentCols: (h: string) => `支払い情報の列は読み込まず、保存しません: ${h}`,
  previewTitle: (n: number) => `先頭 ${n} 行のプレビュー`,
  masked: "（表示しません）",
  floorPlansDir: "図面フォルダ（顧客番号.pdf / .png / .jpg）",
  chooseFolderShort: "選ぶ…",
  none: "なし",
  skipInvalid: "問題のある行を除いて取り込む",
  check: "内容を確認する（まだ取り込みません）",
  checkingFile: "全行を確認しています…",
  checkOk: "問題はありませんでした。次の内容で取り込みます。",
  checkSkipping: "問題のある行を除いて、次の内容で取り込みます。",
  problem: "問題",
  checkProblems: (n: number) => `${n} 行に問題があります。修正するか、問題のある行を除いて取り込んでください。`,
  willSkip: (n: number) => `問題のある ${n} 行は取り込みません。`,
  rowsRead: "読み込んだ行",
  doImport: "取り込む",
  importingRows: "取り込んでいます…",
  imported: "取り込みました",
  cancelledNothing: "中止しました。台帳は変更していません。",
  close: "閉じる",
  backToMapping: "列の割り当てに戻る",
  // Customer page
  backToList: "← 一覧に戻る",
  customerData: "登録内容",
  floorPlan: "住宅の図面",
  noPlan: "図面は登録されていません",
  pdfPlan: "PDF の図面",
  openWithSystem: "既定のアプリで開く",
  planLoading: "図面を読み込んでいます…",
  enlarge: "クリックで拡大／縮小",
  history: "引き渡しの履歴",
  historyLead: "このお客様の情報を、いつ・どの業者に・どの項目を渡したか（台帳の記録から）。",
  noHistory: "このお客様の情報を業者に渡した記録はありません。",
  colDate: "日付",
  colContractor: "委託業者",
  colWork: "工事",
  colMethod: "方法",
  colFields: "渡した項目",
  colReturnBy: "返却・廃棄期限",
  colStatus: "状態",
  statusClosed: (on: string) => `返却・廃棄済（${d(on)}）`,
  statusOverdue: "期限超過",
  statusOpen: "未返却",
  requests: "お客様からの申し出",
  noRequests: "申し出はありません。",
  colReqId: "受付番号",
  colReceived: "受付日",
  colScope: "内容",
  colChannel: "経路",
  colDecided: "決定",
  colNotified: "お客様への通知",
  scopeAll: "業者への提供をすべて停止",
  scopeFields: (f: string) => `次の項目の提供を停止: ${f}`,
  channels: { phone: "電話", counter: "窓口", mail: "郵送", web: "Web" } as Record<string, string>,
  reqStatus: { pending: "審査中", accepted: "承認", rejected: "不承認", withdrawn: "取り下げ" } as Record<string, string>,
  methodShort: { transfer: "伝送", media: "媒体", paper: "紙" } as Record<string, string>,
  byPassphrase: "（パスフレーズ）",
};

type Dict = typeof ja;

const en: Dict = {
  steps: {
    work: "Work type",
    contractor: "Contractor",
    customers: "Customers",
    fields: "Fields",
    method: "Method",
    returnBy: "Return date",
    review: "Review",
  },
  stepOf: (n, of) => `Step ${n} of ${of}`,
  back: "Back",
  next: "Next",
  startOver: "Start over",
  keyHint: "Alt + ← / → also move between steps",
  checking: "Checking…",
  problems: {
    needWorkType: "Choose the work type.",
    needContractor: "Choose a contractor.",
    contractorRefused: "This contractor cannot receive a handover (the reason is shown in the list).",
    needCustomers: "Choose at least one customer.",
    onlyExcluded: "Every customer chosen is left out of a handover.",
    needReason: "Each extra field needs the reason the contractor needs it (it is recorded).",
    needMethod: "Choose how to hand over.",
    methodRefused: "This contractor cannot receive by this method.",
    needPassphrase: "Enter the passphrase.",
    passphraseMismatch: "The two passphrases differ.",
    needOut: "Choose where to save.",
  },
  workTitle: "What work is the handover for?",
  workLead: "Each work type has a minimal set of fields a contractor receives (the office policy).",
  minimalSet: "Minimal fields",
  contractorTitle: "Which contractor receives it?",
  contractorLead:
    "Only contractors with a confidentiality agreement valid today can be chosen. Check the key fingerprints against the ones read back by phone.",
  agreement: "Confidentiality agreement",
  agreementRange: (a, b) => `${d(a)} – ${d(b)}`,
  keysLabel: "Key fingerprints",
  noKeyNote: "No key enrolled (paper or passphrase only)",
  noContractors: "No contractors yet. Add one on the Contractors screen first.",
  refusal: (r) => {
    switch (r.kind) {
      case "agreement_expired":
        return `The confidentiality agreement expired on ${d(r.expired)}. Renew it before handing over.`;
      case "agreement_not_yet_valid":
        return `The confidentiality agreement starts on ${d(r.signed)}. No handover before then.`;
      case "no_key":
        return "No key enrolled, so no encrypted file (use paper or a passphrase).";
      case "passphrase_on_paper":
        return "A paper handover has no passphrase.";
      case "supervision_due":
        return [
          r.review_due && `The yearly review was due on ${d(r.review_due)}.`,
          r.certificate_expired && `The certificate expired on ${d(r.certificate_expired)}.`,
          "The office policy refuses handovers until the supervision record is brought up to date.",
        ]
          .filter(Boolean)
          .join(" ");
    }
  },
  customersTitle: "Whose data is handed over?",
  customersLead: "Pick from the list or paste a list of customer ids. Customers who cannot be included are greyed out with the reason.",
  searchCustomers: "Search (id, name, kana, address, phone)",
  selectedCount: (n) => `${n} selected`,
  selectShown: "Select everyone shown",
  clearSelection: "Clear selection",
  onlySelected: "Selected only",
  pasteIds: "Paste customer ids",
  pasteHint: "Paste an Excel column or a list separated by commas, spaces or line breaks.",
  addPasted: "Add to selection",
  pastedResult: (added, excluded) => `${added} added${excluded ? ` (${excluded} of them left out)` : ""}.`,
  notFound: (ids) => `Not in the register: ${ids}`,
  excludedReason: (r) => {
    switch (r.kind) {
      case "opt_out":
        return `Opt-out request ${r.request_id} (${r.status})`;
      case "missing_required":
        return `No ${fieldLabel(r.field).toLowerCase()} in the register`;
      case "unknown_customer":
        return "Not in the register";
      case "duplicate":
        return "Listed twice";
    }
  },
  emptyRegister: "The register is empty. Import it first.",
  noMatch: "No customer matches",
  choose: "Select",
  fieldsTitle: "Fields the contractor receives",
  fieldsLead: "The work's minimal fields are always included. Other fields can be added only with a written reason.",
  minimalTag: "minimal",
  extraTag: "extra (needs a reason)",
  neverTag: "payment data: never stored, never handed over",
  reasonPlaceholder: "Why the contractor needs this field",
  perCustomer: "Per customer",
  perCustomerLead: "Fields a customer asked to withhold, or that are blank in the register, are not handed over.",
  nobodyWithheld: "Every chosen customer receives the fields above as they are.",
  withheldFor: "Withheld",
  moreRows: (n) => `and ${n} more`,
  reasonRequest: (id) => `request ${id}`,
  reasonNoData: "blank in the register",
  methodTitle: "How is it handed over?",
  methodLead: "The default is a file encrypted to the contractor's key (.age).",
  methods: {
    transfer: ["Electronic transfer", "Save an encrypted file (.age) to send by e-mail, chat or file sharing."],
    media: ["Electronic media", "Write the encrypted file to a folder on a USB stick. It is named by the handover id."],
    paper: ["Paper", "Print a work-order sheet and hand it over. You can preview it here before printing."],
  },
  saveAs: "Choose where to save…",
  chooseFolder: "Choose the folder…",
  change: "Change…",
  mediaName: "File name: <handover id>.age (given when it is made)",
  sheetSaveNote: "Where to keep the printed sheet (HTML)",
  armor: "Save as text (ASCII armor, to paste into an e-mail or chat)",
  usePassphrase: "Encrypt with a passphrase (fallback for a contractor without a key)",
  passphraseForced: "This contractor has no key enrolled, so the file is encrypted with a passphrase.",
  passphrase: "Passphrase (8 characters or more)",
  passphraseAgain: "Passphrase again",
  passphraseMatch: "They match",
  ppapTitle: "Tell the passphrase by phone",
  ppap: "Sending the passphrase in the same e-mail or chat as the file is PPAP: it defeats the encryption. The passphrase is not stored or recorded anywhere but this screen.",
  returnTitle: "When must it be returned or destroyed?",
  returnLead: (days) => `The default is ${days} days from today. Change it to fit the work.`,
  returnDate: "Return-or-destroy date",
  inDays: (n) => `in ${n} days`,
  defaultDate: "default",
  reviewTitle: "What the contractor will receive",
  reviewLead: "Only what is shown here is handed over. “Create and record” writes the file and records it in the ledger.",
  summary: "Summary",
  destination: "Saved to",
  encryption: "Encryption",
  encX25519: (n) => `${n} contractor key(s) and the office key (age X25519)`,
  encPassphrase: "Passphrase (age scrypt)",
  encNone: "none (paper)",
  customersCount: (n, ex) => `${n}${ex ? ` (${ex} left out)` : ""}`,
  extrasWithReasons: "Extra fields and reasons",
  included: "Provided",
  withheld: "Withheld",
  excludedTitle: "Customers left out",
  sheetPreview: "Print preview of the work order (sample)",
  create: "Create and record",
  creating: "Creating…",
  cancel: "Cancel",
  doneTitle: "The handover was created and recorded",
  handoverId: "Handover id",
  savedTo: "Saved to",
  showInFolder: "Show in folder",
  recorded: "Recorded",
  ledgerSeq: (n) => `Ledger entry #${n} (appended to the hash chain)`,
  sha256: "SHA-256 of the file",
  size: "Size",
  recipients: "Keys that open it (fingerprints)",
  officeKey: "the office's key (for audits)",
  print: "Print…",
  newHandover: "Create another handover",
  warnings: "Note",
  importTitle: "Import a customer register",
  importSteps: ["Columns", "Check", "Import"],
  readingFile: "Reading the file…",
  sheetChoice: "Sheet",
  hiddenSheet: " (hidden)",
  encodingChoice: "Encoding",
  encAuto: "Detect",
  headerRowAt: (n) => `The headers are in row ${n}.`,
  noHeader: "No customer-id column was found. Map the customer-id column to “Customer ID” below.",
  mappingTitle: "Column mapping",
  colLetter: "Col.",
  colHeader: "Header",
  colMapping: "Imported as",
  auto: (f) => `Auto (${f})`,
  autoNone: "Auto (not imported)",
  ignore: "Do not import",
  paymentCol: "Payment data: never stored",
  duplicateCol: "Second column for the same field: not imported",
  unknownCols: (h) => `Unrecognized columns (not imported): ${h}`,
  paymentCols: (h) => `Payment columns are not read and never stored: ${h}`,
  previewTitle: (n) => `First ${n} rows`,
  masked: "(not shown)",
  floorPlansDir: "Floor-plan folder (<customer id>.pdf / .png / .jpg)",
  chooseFolderShort: "Choose…",
  none: "none",
  skipInvalid: "Import without the rows that have problems",
  check: "Check (nothing is imported yet)",
  checkingFile: "Checking every row…",
  checkOk: "No problems. This is what the import will do.",
  checkSkipping: "Without the rows that have problems, this is what the import will do.",
  problem: "Problem",
  checkProblems: (n) => `${n} row(s) have problems. Fix them, or import without them.`,
  willSkip: (n) => `${n} row(s) with problems will not be imported.`,
  rowsRead: "rows read",
  doImport: "Import",
  importingRows: "Importing…",
  imported: "Imported",
  cancelledNothing: "Cancelled. The register was not changed.",
  close: "Close",
  backToMapping: "Back to the columns",
  backToList: "← Back to the list",
  customerData: "Registered data",
  floorPlan: "Floor plan",
  noPlan: "No floor plan",
  pdfPlan: "PDF floor plan",
  openWithSystem: "Open with the default app",
  planLoading: "Loading the floor plan…",
  enlarge: "Click to zoom in or out",
  history: "Handover history",
  historyLead: "When this customer's data went to which contractor, and which fields (from the ledger).",
  noHistory: "This customer's data has never been handed to a contractor.",
  colDate: "Date",
  colContractor: "Contractor",
  colWork: "Work",
  colMethod: "Method",
  colFields: "Fields",
  colReturnBy: "Return by",
  colStatus: "Status",
  statusClosed: (on) => `Returned or destroyed (${d(on)})`,
  statusOverdue: "Overdue",
  statusOpen: "Open",
  requests: "Requests",
  noRequests: "No requests.",
  colReqId: "Request",
  colReceived: "Received",
  colScope: "Scope",
  colChannel: "Channel",
  colDecided: "Decision",
  colNotified: "Customer told",
  scopeAll: "Stop all provision to contractors",
  scopeFields: (f) => `Stop providing: ${f}`,
  channels: { phone: "Phone", counter: "Counter", mail: "Mail", web: "Web" },
  reqStatus: { pending: "Pending", accepted: "Accepted", rejected: "Rejected", withdrawn: "Withdrawn" },
  methodShort: { transfer: "Transfer", media: "Media", paper: "Paper" },
  byPassphrase: " (passphrase)",
};

/** The screens' texts in the current language. */
export function ts(): Dict {
  return lang.value === "ja" ? ja : en;
}
