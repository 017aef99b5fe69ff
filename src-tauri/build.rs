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
    "dialog",
    "settings_get",
    "settings_set_language",
    "settings_set_mode",
    "settings_set_data_dir",
    "settings_set_operator",
    "policy_get",
    "policy_save",
    "contractor_keygen",
    "trust_check",
    "trust_pins",
    "trust_pin",
    "trust_forget",
    "bundle_view",
    "bundle_floor_plan",
    "bundle_export",
    "bundle_close",
    "qr_svg",
    "customers_page",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run the Tauri build script");
}
