//! The Handover desktop app: a thin Tauri 2 shell over `handover_core`.
//!
//! Commands live in [`commands`], one file per area; each calls one `handover_core::ops`
//! function. The data directory comes from `HANDOVER_DATA_DIR` or the OS data folder and is
//! shown in the window title, so staff always know which office's data they are looking at.
//! [`shell`] makes it an installed app's citizen (one window per data folder, the log, the
//! menu), [`update`] checks offline updates and [`webkit`] works around WebKitGTK's renderer.

pub mod commands;
pub mod config;
pub mod error;
pub mod options;
pub mod prompts;
pub mod shell;
pub mod state;
pub mod update;
pub mod viewing;
pub mod webkit;

use tauri_plugin_window_state::StateFlags;

/// Start the app.
pub fn run() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(code) = options::handle(&args) {
        std::process::exit(code);
    }
    // Returns only when no restart with the renderer workaround is needed.
    let webkit_failure = webkit::apply();
    let (config, config_problem) = config::ConfigFile::load(config::ConfigFile::default_path());
    let lang = config
        .values
        .language
        .clone()
        .unwrap_or_else(|| "ja".into());
    let state = match state::AppState::open(config, config_problem) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("Handover cannot start: {e}");
            std::process::exit(1);
        }
    };
    // An export stopped by Ctrl-C, SIGTERM or SIGHUP removes its staging folder (plaintext)
    // before the app exits, as the CLI's open does.
    handover_core::bundle::exit_cleanly_on_signals(|p| {
        eprintln!(
            "interrupted: removed the partly exported files in {}",
            handover_core::text::escape_controls(&p.display().to_string())
        );
    });
    let dir = state.dir.root().to_path_buf();
    let context = tauri::generate_context!();
    let instance = shell::instance_id(&context.config().identifier, &dir);
    let cwd = std::env::current_dir().unwrap_or_default();
    let result = tauri::Builder::default()
        // First: a second start on the same data folder hands over and exits here.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance)
                .callback(shell::second_start)
                .build(),
        )
        .plugin(shell::log_plugin())
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
                .build(),
        )
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .manage(shell::ShellState::default())
        .on_menu_event(shell::on_menu)
        .setup(move |app| {
            log::info!("Handover {} started", shell::VERSION);
            if let Ok(reason) = std::env::var(webkit::REASON_VAR) {
                log::info!("WebKit DMA-BUF renderer off: {reason}");
            }
            if let Some(failure) = &webkit_failure {
                log::warn!("{failure}");
            }
            shell::apply_language(app.handle(), &lang, &dir);
            shell::request_bundle(app.handle(), &args, &cwd);
            Ok(())
        })
        .invoke_handler(handlers())
        .build(context);
    match result {
        // At exit the signed-in person's uses still waiting are sealed into the ledger.
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                tauri::Manager::state::<state::AppState>(handle).close();
            }
        }),
        Err(e) => {
            eprintln!("Handover stopped: {e}");
            std::process::exit(1);
        }
    }
}

/// Every command the UI may call (a table: one line per command).
fn handlers() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
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
        commands::contractors::supervision_get,
        commands::contractors::supervision_change,
        commands::contractors::supervision_report,
        commands::contractors::supervision_report_save,
        commands::ledger::ledger_verify,
        commands::ledger::retention_preview,
        commands::ledger::retention_purge,
        commands::ledger::ledger_export,
        commands::handovers::work_types,
        commands::handovers::handover_prepare,
        commands::handovers::handover_pack,
        commands::approvals::approval_need,
        commands::approvals::approval_request,
        commands::approvals::approvals_list,
        commands::approvals::approval_approve,
        commands::approvals::approval_reject,
        commands::handovers::handovers_list,
        commands::handovers::handover_confirm,
        commands::accountability::requests_list,
        commands::accountability::request_fields,
        commands::accountability::request_add,
        commands::accountability::request_decide,
        commands::accountability::request_notify,
        commands::accountability::request_withdraw,
        commands::accountability::history_list,
        commands::accountability::history_export,
        commands::accountability::report_customer,
        commands::accountability::report_customer_save,
        commands::accountability::leak_report,
        commands::accountability::leak_report_record,
        commands::accountability::leak_report_save,
        commands::accountability::overdue_report,
        commands::usage::usage_list,
        commands::usage::usage_export,
        commands::dialogs::dialog,
        commands::settings::settings_get,
        commands::settings::settings_set_language,
        commands::settings::settings_set_mode,
        commands::settings::settings_set_data_dir,
        commands::session::store_connect,
        commands::session::store_use_embedded,
        commands::session::admin_create,
        commands::session::sign_in,
        commands::session::office_encrypt,
        commands::session::sign_out,
        commands::session::session_lock,
        commands::session::key_store_set,
        commands::office::office_export_keys,
        commands::office::office_join,
        commands::operators::operators_list,
        commands::operators::operator_add,
        commands::operators::operator_disable,
        commands::operators::password_change,
        commands::session::ledger_seq,
        commands::settings::policy_get,
        commands::settings::policy_save,
        commands::contractor_side::contractor_keygen,
        commands::contractor_side::trust_check,
        commands::contractor_side::trust_pins,
        commands::contractor_side::trust_pin,
        commands::contractor_side::trust_forget,
        commands::contractor_side::bundle_view,
        commands::contractor_side::bundle_floor_plan,
        commands::contractor_side::bundle_export,
        commands::receipts::bundle_extractions,
        commands::receipts::bundle_receipt,
        commands::receipts::receipts_import,
        commands::receipts::handovers_receipts,
        commands::contractor_side::bundle_close,
        commands::contractor_side::plugin_prompt_answer,
        commands::contractor_side::qr_svg,
        commands::customer_pages::customers_page,
        commands::wizard::handover_contractors,
        commands::wizard::handover_screen,
        commands::wizard::handover_paste_ids,
        commands::wizard::handover_fields,
        commands::wizard::handover_defaults,
        commands::wizard::handover_check,
        commands::wizard::handover_paper_preview,
        commands::wizard::handover_paper_sheet,
        commands::wizard::show_in_folder,
        commands::customer::customer_requests,
        commands::customer::floor_plan,
        commands::customer::floor_plan_open,
        commands::customer::floor_plan_save,
        commands::import_preview::register_preview,
        commands::system::app_about,
        commands::system::log_open,
        commands::system::update_check,
        commands::system::update_install,
        commands::system::bundle_requested,
    ]
}

#[cfg(test)]
mod tests {
    /// The commands `handlers` registers are exactly those build.rs grants the window: a
    /// command missing there is refused at run time ("not allowed"), one only there is a
    /// permission for nothing.
    #[test]
    fn every_registered_command_is_granted_and_no_other() {
        let lib = include_str!("lib.rs");
        let start = lib
            .find("tauri::generate_handler![")
            .expect("the handler list");
        let registered: std::collections::BTreeSet<&str> = lib[start..]
            .lines()
            .skip(1)
            .take_while(|l| !l.trim_start().starts_with(']'))
            .filter_map(|l| l.trim().strip_suffix(','))
            .filter_map(|l| l.rsplit("::").next())
            .collect();
        let build = include_str!("../build.rs");
        let start = build.find("const COMMANDS").expect("the COMMANDS list");
        let granted: std::collections::BTreeSet<&str> = build[start..]
            .lines()
            .skip(1)
            .take_while(|l| !l.trim_start().starts_with(']'))
            .filter_map(|l| l.trim().strip_suffix(','))
            .map(|l| l.trim_matches('"'))
            .collect();
        assert!(registered.len() > 50, "{registered:?}");
        assert_eq!(registered, granted);
    }
}
