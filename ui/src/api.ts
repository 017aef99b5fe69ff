// Typed wrappers over the app's Tauri commands. Types come from Rust (src/bindings, generated
// by ts-rs), so the UI and the core cannot drift apart silently.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { ContractorChange } from "./bindings/ContractorChange";
import type { ContractorInput } from "./bindings/ContractorInput";
import type { ContractorRow } from "./bindings/ContractorRow";
import type { Customer } from "./bindings/Customer";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import type { ImportRequest } from "./bindings/ImportRequest";
import type { IpcError } from "./bindings/IpcError";
import type { OfficePublicKeys } from "./bindings/OfficePublicKeys";
import type { VerifyReport } from "./bindings/VerifyReport";
import type { HandoverRecord } from "./bindings/HandoverRecord";
import type { PackRequest } from "./bindings/PackRequest";
import type { PackResult } from "./bindings/PackResult";
import type { Preparation } from "./bindings/Preparation";
import type { Selection } from "./bindings/Selection";
import type { WorkTypeInfo } from "./bindings/WorkTypeInfo";
import type { ContractorChoice } from "./bindings/ContractorChoice";
import type { CustomerHandover } from "./bindings/CustomerHandover";
import type { Excluded } from "./bindings/Excluded";
import type { FieldOption } from "./bindings/FieldOption";
import type { HandoverDefaults } from "./bindings/HandoverDefaults";
import type { PreviewRequest } from "./bindings/PreviewRequest";
import type { RegisterPreview } from "./bindings/RegisterPreview";
import type { Request } from "./bindings/Request";
import type { WorkType } from "./bindings/WorkType";

export function isIpcError(e: unknown): e is IpcError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
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
  contractors: () => invoke<ContractorRow[]>("contractors_list"),
  addContractor: (input: ContractorInput) => invoke<ContractorRow>("contractor_add", { input }),
  updateContractor: (id: string, change: ContractorChange) =>
    invoke<ContractorRow>("contractor_update", { id, change }),
  verifyLedger: () => invoke<VerifyReport>("ledger_verify"),
  workTypes: () => invoke<WorkTypeInfo[]>("work_types"),
  prepare: (selection: Selection) => invoke<Preparation>("handover_prepare", { selection }),
  pack: (selection: Selection, request: PackRequest, onProgress: (p: ImportProgress) => void) => {
    const ch = new Channel<ImportProgress>();
    ch.onmessage = onProgress;
    return invoke<PackResult>("handover_pack", { selection, request, onProgress: ch });
  },
  handovers: () => invoke<HandoverRecord[]>("handovers_list"),
  confirmDestruction: (id: string, date: string, note: string | null) =>
    invoke<HandoverRecord>("handover_confirm", { id, date, note }),
  /** Stops a running import or pack (both poll the same flag). */
  cancel: () => invoke<void>("register_cancel"),

  // The new-handover wizard.
  handoverContractors: () => invoke<ContractorChoice[]>("handover_contractors"),
  handoverScreen: (workType: WorkType) => invoke<Excluded[]>("handover_screen", { workType }),
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

  // The customer page.
  customerHandovers: (id: string) => invoke<CustomerHandover[]>("customer_handovers", { id }),
  customerRequests: (id: string) => invoke<Request[]>("customer_requests", { id }),
  /** The floor plan's bytes, straight from the store (no file is written). */
  floorPlan: (id: string) => invoke<ArrayBuffer>("floor_plan", { id }),
  floorPlanOpen: (id: string) => invoke<void>("floor_plan_open", { id }),
};
