//! Generates one permission per app command, so the capability file can allow exactly ours.

/// Every command the UI may invoke; keep in step with `invoke_handler` in src/lib.rs.
const COMMANDS: &[&str] = &[
    "app_info",
    "office_init",
    "customers_list",
    "customer_get",
    "register_import",
    "register_load_sample",
    "register_cancel",
    "contractors_list",
    "contractor_add",
    "contractor_update",
    "ledger_verify",
    "work_types",
    "handover_prepare",
    "handover_pack",
    "handovers_list",
    "handover_confirm",
    "handover_contractors",
    "handover_screen",
    "handover_fields",
    "handover_defaults",
    "handover_check",
    "handover_paper_preview",
    "handover_paper_sheet",
    "show_in_folder",
    "customer_handovers",
    "customer_requests",
    "floor_plan",
    "floor_plan_open",
    "register_preview",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run the Tauri build script");
}
