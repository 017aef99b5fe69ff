//! The Handover desktop app: a thin Tauri 2 shell over `handover_core`.
//!
//! Commands live in [`commands`], one file per area; each calls one `handover_core::ops`
//! function. The data directory comes from `HANDOVER_DATA_DIR` or the OS data folder and is
//! shown in the window title, so staff always know which office's data they are looking at.

pub mod commands;
pub mod error;
pub mod state;

use tauri::Manager;

/// Start the app.
pub fn run() {
    let dir = match handover_core::DataDir::resolve(None) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("Handover cannot start: {e}");
            std::process::exit(1);
        }
    };
    let title = format!("Handover — {}", dir.root().display());
    let state = state::AppState::open(dir);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(move |app| {
            if let Some(w) = app.get_webview_window("main") {
                w.set_title(&title)?;
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::office::app_info,
            commands::office::office_init,
            commands::register::customers_list,
            commands::register::customer_get,
            commands::register::register_import,
            commands::register::register_load_sample,
            commands::register::register_cancel,
            commands::contractors::contractors_list,
            commands::contractors::contractor_add,
            commands::contractors::contractor_update,
            commands::ledger::ledger_verify,
            commands::handovers::work_types,
            commands::handovers::handover_prepare,
            commands::handovers::handover_pack,
            commands::handovers::handovers_list,
            commands::handovers::handover_confirm,
            commands::wizard::handover_contractors,
            commands::wizard::handover_screen,
            commands::wizard::handover_fields,
            commands::wizard::handover_defaults,
            commands::wizard::handover_check,
            commands::wizard::handover_paper_preview,
            commands::wizard::handover_paper_sheet,
            commands::wizard::show_in_folder,
            commands::customer::customer_handovers,
            commands::customer::customer_requests,
            commands::customer::floor_plan,
            commands::customer::floor_plan_open,
            commands::import_preview::register_preview,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Handover stopped: {e}");
        std::process::exit(1);
    }
}
