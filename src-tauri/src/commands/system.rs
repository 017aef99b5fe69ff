//! The installed app's own business: its version, its log, offline updates and a bundle handed
//! over by the file manager.

use serde::Serialize;
use tauri::{AppHandle, State};
use ts_rs::TS;

use crate::error::{CmdResult, IpcError};
use crate::shell::{self, ShellState};
use crate::state::lock;
use crate::update::{self, UpdateInfo};

/// What Settings shows about the app itself.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct About {
    /// The version and the commit (`0.1.0 (1a2b3c4)`).
    pub version: String,
    /// The fingerprint of the release key updates must be signed with.
    pub release_key: String,
    /// Is that the TEST ONLY key (a development or test build)?
    pub test_key: bool,
    /// The folder of the log file.
    pub log_folder: Option<String>,
}

/// The app's version, release key and log folder.
#[tauri::command]
pub fn app_about(app: AppHandle) -> CmdResult<About> {
    let key = update::release_key()?;
    Ok(About {
        version: shell::VERSION.into(),
        release_key: update::fingerprint(&key),
        test_key: update::test_key(),
        log_folder: shell::log_folder(&app)
            .ok()
            .map(|p| p.display().to_string()),
    })
}

/// Show the log folder in the file manager.
#[tauri::command(async)]
pub fn log_open(app: AppHandle) -> CmdResult<()> {
    shell::open_log_folder(&app)
}

/// Verify an update file the user chose (and its `.sig` beside it) and keep a private copy of
/// it for `update_install`; a file that does not verify is refused and nothing is kept.
#[tauri::command(async)]
pub fn update_check(shell: State<'_, ShellState>, path: String) -> CmdResult<UpdateInfo> {
    let mut staged = lock(&shell.staged_update)?;
    *staged = None;
    let key = update::release_key()?;
    match update::stage(std::path::Path::new(&path), &key, env!("CARGO_PKG_VERSION")) {
        Ok((copy, info)) => {
            log::info!("update {} verified; waiting for confirmation", info.version);
            *staged = Some(copy);
            Ok(info)
        }
        Err(e) => {
            log::warn!("update refused: {}", e.code);
            Err(e)
        }
    }
}

/// Install the update `update_check` verified, after the user confirmed (the system asks for
/// the administrator's password).
#[tauri::command(async)]
pub fn update_install(shell: State<'_, ShellState>) -> CmdResult<()> {
    let staged = lock(&shell.staged_update)?.take().ok_or_else(|| {
        IpcError::new(
            "update_not_staged",
            "no verified update is waiting: choose the update file first",
        )
    })?;
    let result = update::install(&staged);
    match &result {
        Ok(()) => log::info!("update installed; the new version runs from the next start"),
        Err(e) => log::warn!("update not installed: {}", e.code),
    }
    result
}

/// The bundle handed over by the file manager (or a second start), once.
#[tauri::command]
pub fn bundle_requested(shell: State<'_, ShellState>) -> CmdResult<Option<String>> {
    Ok(lock(&shell.pending_bundle)?.take())
}
