// Typed wrappers over the app's Tauri commands. Types come from Rust (src/bindings, generated
// by ts-rs), so the UI and the core cannot drift apart silently.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { Channel as RequestChannel } from "./bindings/Channel";
import type { Contractor } from "./bindings/Contractor";
import type { ContractorChange } from "./bindings/ContractorChange";
import type { ContractorInput } from "./bindings/ContractorInput";
import type { Field } from "./bindings/Field";
import type { LeakFormat } from "./bindings/LeakFormat";
import type { About } from "./bindings/About";
import type { OfficeInfo } from "./bindings/OfficeInfo";
import type { UpdateInfo } from "./bindings/UpdateInfo";
import type { PastedIds } from "./bindings/PastedIds";
import type { Customer } from "./bindings/Customer";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import type { ImportRequest } from "./bindings/ImportRequest";
import type { IpcError } from "./bindings/IpcError";
import type { InitReport } from "./bindings/InitReport";
import type { EncryptDone } from "./bindings/EncryptDone";
import type { Operator } from "./bindings/Operator";
import type { Role } from "./bindings/Role";
import type { OfficePublicKeys } from "./bindings/OfficePublicKeys";
import type { VerifyReport } from "./bindings/VerifyReport";
import type { HandoverRecord } from "./bindings/HandoverRecord";
import type { PackRequest } from "./bindings/PackRequest";
import type { PackResult } from "./bindings/PackResult";
import type { Preparation } from "./bindings/Preparation";
import type { Selection } from "./bindings/Selection";
import type { WorkTypeInfo } from "./bindings/WorkTypeInfo";
import type { CustomerReport } from "./bindings/CustomerReport";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { HistoryFilter } from "./bindings/HistoryFilter";
import type { Lang } from "./bindings/Lang";
import type { LeakQuery } from "./bindings/LeakQuery";
import type { LeakReport } from "./bindings/LeakReport";
import type { OverdueReport } from "./bindings/OverdueReport";
import type { Printable } from "./bindings/Printable";
import type { ProvisionRow } from "./bindings/ProvisionRow";
import type { Request } from "./bindings/Request";
import type { RequestFilter } from "./bindings/RequestFilter";
import type { RequestInput } from "./bindings/RequestInput";
import type { RequestView } from "./bindings/RequestView";
import type { SavedFile } from "./bindings/SavedFile";
import type { PurgeReport } from "./bindings/PurgeReport";
import type { ExportReport } from "./bindings/ExportReport";
import type { CustomerPage } from "./bindings/CustomerPage";
import type { BundleOpenRequest } from "./bindings/BundleOpenRequest";
import type { BundleView } from "./bindings/BundleView";
import type { ExportResult } from "./bindings/ExportResult";
import type { KeygenResult } from "./bindings/KeygenResult";
import type { Mode } from "./bindings/Mode";
import type { PinnedKey } from "./bindings/PinnedKey";
import type { PolicyForm } from "./bindings/PolicyForm";
import type { PolicyView } from "./bindings/PolicyView";
import type { SettingsInfo } from "./bindings/SettingsInfo";
import type { TrustCheck } from "./bindings/TrustCheck";
import type { ContractorChoice } from "./bindings/ContractorChoice";
import type { Excluded } from "./bindings/Excluded";
import type { FieldOption } from "./bindings/FieldOption";
import type { HandoverDefaults } from "./bindings/HandoverDefaults";
import type { PreviewRequest } from "./bindings/PreviewRequest";
import type { RegisterPreview } from "./bindings/RegisterPreview";
import type { UsageEntry } from "./bindings/UsageEntry";
import type { UsageFilter } from "./bindings/UsageFilter";
import type { WorkType } from "./bindings/WorkType";
import type { Approval } from "./bindings/Approval";
import type { ApprovalNeed } from "./bindings/ApprovalNeed";
import type { ApprovalView } from "./bindings/ApprovalView";
import type { SupervisionChange } from "./bindings/SupervisionChange";
import type { SupervisionReport } from "./bindings/SupervisionReport";
import type { SupervisionReportQuery } from "./bindings/SupervisionReportQuery";
import type { SupervisionView } from "./bindings/SupervisionView";
import type { HandoverReceipts } from "./bindings/HandoverReceipts";
import type { ImportedReceipt } from "./bindings/ImportedReceipt";
import type { ReceiptDone } from "./bindings/ReceiptDone";
import type { ReceiptRequest } from "./bindings/ReceiptRequest";

export function isIpcError(e: unknown): e is IpcError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

export const api = {
  appInfo: () => invoke<OfficeInfo>("app_info"),
  officeInit: () => invoke<OfficePublicKeys>("office_init"),
  customers: (query: string) => invoke<Customer[]>("customers_list", { query }),
  customer: (id: string) => invoke<Customer>("customer_get", { id }),
  importRegister: (request: ImportRequest, onProgress: (p: ImportProgress) => void) => {
    const ch = new Channel<ImportProgress>();
    ch.onmessage = onProgress;
    return invoke<ImportReport>("register_import", { request, onProgress: ch });
  },
  loadSample: (onProgress: (p: ImportProgress) => void) => {
    const ch = new Channel<ImportProgress>();
    ch.onmessage = onProgress;
    return invoke<ImportReport>("register_load_sample", { onProgress: ch });
  },
  cancelImport: () => invoke<void>("register_cancel"),
  contractors: () => invoke<ContractorChoice[]>("contractors_list"),
  addContractor: (input: ContractorInput) => invoke<Contractor>("contractor_add", { input }),
  updateContractor: (id: string, change: ContractorChange) =>
    invoke<Contractor>("contractor_update", { id, change }),
  supervision: (id: string) => invoke<SupervisionView>("supervision_get", { id }),
  changeSupervision: (id: string, change: SupervisionChange) =>
    invoke<SupervisionView>("supervision_change", { id, change }),
  supervisionReport: (query: SupervisionReportQuery) =>
    invoke<Printable<SupervisionReport>>("supervision_report", { query }),
  saveSupervisionReport: (query: SupervisionReportQuery, path: string) =>
    invoke<SavedFile>("supervision_report_save", { query, path }),
  verifyLedger: () => invoke<VerifyReport>("ledger_verify"),
  workTypes: () => invoke<WorkTypeInfo[]>("work_types"),
  prepare: (selection: Selection) => invoke<Preparation>("handover_prepare", { selection }),
  pack: (selection: Selection, request: PackRequest, onProgress: (p: ImportProgress) => void) => {
    const ch = new Channel<ImportProgress>();
    ch.onmessage = onProgress;
    return invoke<PackResult>("handover_pack", { selection, request, onProgress: ch });
  },
  // 上長承認: the core decides which handovers need one and who may decide.
  approvalNeed: (selection: Selection, returnBy: string | null) =>
    invoke<ApprovalNeed>("approval_need", { selection, returnBy }),
  requestApproval: (selection: Selection, returnBy: string | null) =>
    invoke<Approval>("approval_request", { selection, returnBy }),
  approvals: (pendingOnly: boolean) => invoke<ApprovalView[]>("approvals_list", { pendingOnly }),
  approve: (id: string) => invoke<Approval>("approval_approve", { id }),
  reject: (id: string, reason: string) => invoke<Approval>("approval_reject", { id, reason }),
  handovers: () => invoke<HandoverRecord[]>("handovers_list"),
  confirmDestruction: (id: string, date: string, note: string | null) =>
    invoke<HandoverRecord>("handover_confirm", { id, date, note }),
  requests: (filter: RequestFilter) => invoke<RequestView[]>("requests_list", { filter }),
  /** The fields a request can withhold on its own (the core's Scope::restrictable). */
  requestFields: () => invoke<Field[]>("request_fields"),
  addRequest: (input: RequestInput) => invoke<Request>("request_add", { input }),
  decideRequest: (id: string, accept: boolean, reason: string | null) =>
    invoke<Request>("request_decide", { id, accept, reason }),
  notifyRequest: (id: string, date: string, channel: RequestChannel) =>
    invoke<Request>("request_notify", { id, date, channel }),
  withdrawRequest: (id: string) => invoke<Request>("request_withdraw", { id }),
  history: (filter: HistoryFilter) => invoke<ProvisionRow[]>("history_list", { filter }),
  exportHistory: (filter: HistoryFilter, path: string, format: ExportFormat, lang: Lang) =>
    invoke<SavedFile>("history_export", { filter, path, format, lang }),
  customerReport: (id: string) => invoke<Printable<CustomerReport>>("report_customer", { id }),
  saveCustomerReport: (id: string, path: string) =>
    invoke<SavedFile>("report_customer_save", { id, path }),
  leakReport: (query: LeakQuery) => invoke<Printable<LeakReport>>("leak_report", { query }),
  recordLeakReport: (query: LeakQuery) =>
    invoke<Printable<LeakReport>>("leak_report_record", { query }),
  saveLeakReport: (query: LeakQuery, path: string, format: LeakFormat, lang: Lang) =>
    invoke<SavedFile>("leak_report_save", { query, path, format, lang }),
  overdueReport: () => invoke<OverdueReport>("overdue_report"),
  // The record of use (操作記録), managers only.
  usage: (filter: UsageFilter) => invoke<UsageEntry[]>("usage_list", { filter }),
  exportUsage: (filter: UsageFilter, path: string, format: ExportFormat, lang: Lang) =>
    invoke<SavedFile>("usage_export", { filter, path, format, lang }),
  // Settings and first start
  settings: () => invoke<SettingsInfo>("settings_get"),
  setLanguage: (language: string) => invoke<SettingsInfo>("settings_set_language", { language }),
  setMode: (mode: Mode) => invoke<SettingsInfo>("settings_set_mode", { mode }),
  setDataDir: (path: string | null) => invoke<SettingsInfo>("settings_set_data_dir", { path }),
  // The office's store: its server, the first admin, signing in, the idle lock, and the check
  // for other PCs' changes.
  storeConnect: (url: string) => invoke<SettingsInfo>("store_connect", { url }),
  storeUseEmbedded: () => invoke<SettingsInfo>("store_use_embedded"),
  /** This PC's first admin (signed in at once); the office keys, created if missing. */
  createAdmin: (name: string, password: string) => invoke<InitReport>("admin_create", { name, password }),
  /** The password goes to the app's memory only (never settings or local storage). */
  signIn: (login: string, password: string) => invoke<SettingsInfo>("sign_in", { login, password }),
  encryptOffice: (login: string, password: string, onProgress: (p: ImportProgress) => void) => {
    const ch = new Channel<ImportProgress>();
    ch.onmessage = onProgress;
    return invoke<EncryptDone>("office_encrypt", { login, password, onProgress: ch });
  },
  signOut: () => invoke<SettingsInfo>("sign_out"),
  /** After the policy's minutes without use: the office closes until someone signs in. */
  lockSession: () => invoke<SettingsInfo>("session_lock"),
  operators: () => invoke<Operator[]>("operators_list"),
  addOperator: (name: string, role: Role, password: string) =>
    invoke<Operator[]>("operator_add", { name, role, password }),
  disableOperator: (name: string) => invoke<Operator[]>("operator_disable", { name }),
  /** The office keys, encrypted to a passphrase, for another PC of a shared office; recorded. */
  exportOfficeKeys: (path: string, passphrase: string) => invoke<void>("office_export_keys", { path, passphrase }),
  /** This PC takes the office keys from such a file, for the signed-in login; recorded. */
  joinOffice: (keysFile: string, password: string, passphrase: string) =>
    invoke<SettingsInfo>("office_join", { keysFile, password, passphrase }),
  /** Open this PC's own store without typing from now on (the OS key store), or stop it. */
  setKeyStore: (on: boolean) => invoke<SettingsInfo>("key_store_set", { on }),
  /** The signed-in person's own new password (the core checks the current one). */
  changePassword: (current: string, newPassword: string) =>
    invoke<void>("password_change", { current, newPassword }),
  /** The ledger's last entry number; null while another command is using the office. */
  ledgerSeq: () => invoke<number | null>("ledger_seq"),
  policy: () => invoke<PolicyView>("policy_get"),
  savePolicy: (policy: PolicyForm) => invoke<PolicyView>("policy_save", { policy }),
  // Contractor mode
  keygen: (out: string, passphrase: string | null) => invoke<KeygenResult>("contractor_keygen", { out, passphrase }),
  trustCheck: (key: string) => invoke<TrustCheck>("trust_check", { key }),
  trustPins: () => invoke<PinnedKey[]>("trust_pins"),
  trustPin: (key: string, label: string) => invoke<PinnedKey[]>("trust_pin", { key, label }),
  trustForget: (signingKey: string) => invoke<PinnedKey[]>("trust_forget", { signingKey }),
  bundleView: (request: BundleOpenRequest) => invoke<BundleView>("bundle_view", { request }),
  bundleFloorPlan: (entry: string) => invoke<ArrayBuffer>("bundle_floor_plan", { entry }),
  bundleExport: (out: string) => invoke<ExportResult>("bundle_export", { out }),
  bundleClose: () => invoke<void>("bundle_close"),
  /** Answer a key on hardware's question (its PIN; null: cancel); false if it no longer waits. */
  pluginAnswer: (id: number, answer: string | null) => invoke<boolean>("plugin_prompt_answer", { id, answer }),
  /** The folders this app exported the open bundle into (what 廃棄 deletes). */
  bundleExtractions: () => invoke<string[]>("bundle_extractions"),
  /** A received or destruction receipt for the open bundle (a destruction closes it). */
  bundleReceipt: (request: ReceiptRequest) => invoke<ReceiptDone>("bundle_receipt", { request }),
  /** Import receipt files: all checked before any is recorded. */
  receiptsImport: (files: string[]) => invoke<ImportedReceipt[]>("receipts_import", { files }),
  /** Every handover with where it stands with its receipts (the core's state). */
  handoversReceipts: () => invoke<HandoverReceipts[]>("handovers_receipts"),
  qrSvg: (text: string) => invoke<string>("qr_svg", { text }),
  customersPage: (query: string, offset: number, limit: number) =>
    invoke<CustomerPage>("customers_page", { query, offset, limit }),
  /** Stops a running import or pack (both poll the same flag). */
  cancel: () => invoke<void>("register_cancel"),

  // The new-handover wizard.
  handoverContractors: () => invoke<ContractorChoice[]>("handover_contractors"),
  handoverScreen: (workType: WorkType) => invoke<Excluded[]>("handover_screen", { workType }),
  /** Pasted customer ids, read and looked up by the core (as the CLI's --customers). */
  pasteIds: (text: string) => invoke<PastedIds>("handover_paste_ids", { text }),
  handoverFields: (workType: WorkType) => invoke<FieldOption[]>("handover_fields", { workType }),
  handoverDefaults: () => invoke<HandoverDefaults>("handover_defaults"),
  handoverCheck: (selection: Selection, returnBy: string | null, passphrase: string | null) =>
    invoke<string>("handover_check", { selection, returnBy, passphrase }),
  paperPreview: (selection: Selection, returnBy: string | null) =>
    invoke<string>("handover_paper_preview", { selection, returnBy }),
  paperSheet: (id: string, path: string) => invoke<string>("handover_paper_sheet", { id, path }),
  showInFolder: (path: string) => invoke<void>("show_in_folder", { path }),

  // The import dialog.
  registerPreview: (request: PreviewRequest) => invoke<RegisterPreview>("register_preview", { request }),

  // The customer page (their handovers are `history` with their id).
  customerRequests: (id: string) => invoke<RequestView[]>("customer_requests", { id }),
  /** The floor plan's bytes, straight from the store (no file is written). */
  floorPlan: (id: string) => invoke<ArrayBuffer>("floor_plan", { id }),
  floorPlanOpen: (id: string) => invoke<void>("floor_plan_open", { id }),
  floorPlanSave: (id: string, path: string) => invoke<SavedFile>("floor_plan_save", { id, path }),
  retentionPreview: (before: string) => invoke<PurgeReport>("retention_preview", { before }),
  retentionPurge: (before: string) => invoke<PurgeReport>("retention_purge", { before }),
  exportLedger: (path: string) => invoke<ExportReport>("ledger_export", { path }),

  // The installed app: version, log, offline update, a bundle from the file manager.
  about: () => invoke<About>("app_about"),
  logOpen: () => invoke<void>("log_open"),
  updateCheck: (path: string) => invoke<UpdateInfo>("update_check", { path }),
  updateInstall: () => invoke<void>("update_install"),
  /** The bundle the file manager (or a second start) handed over, once; null if none. */
  bundleRequested: () => invoke<string | null>("bundle_requested"),
};
