//! The office itself: what the window shows in its header, first-time key creation, and the
//! office keys carried to another PC of a shared office (export, join).

use handover_core::keys::OfficePublicKeys;
use handover_core::ops::{self, OfficeInfo};
use tauri::State;

use super::session::secret;
use super::settings::{SettingsInfo, info};
use crate::error::CmdResult;
use crate::state::AppState;

/// The app's frame data.
#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> CmdResult<OfficeInfo> {
    state.with(|o| Ok(ops::office_info(o)?))
}

/// Create the office keys (refused if they exist).
#[tauri::command(async)]
pub fn office_init(state: State<'_, AppState>) -> CmdResult<OfficePublicKeys> {
    state.with(|o| Ok(ops::create_office_keys(o)?))
}

/// Write the office keys to `path`, encrypted to `passphrase` (age scrypt), for another PC of a
/// shared office to join with; recorded. The passphrase is wiped as a password is.
#[tauri::command(async)]
pub fn office_export_keys(
    state: State<'_, AppState>,
    path: String,
    passphrase: String,
) -> CmdResult<()> {
    let passphrase = secret(passphrase).unwrap_or_else(|| "".into());
    state.with(|o| {
        ops::export_office_keys(o, std::path::Path::new(&path), &passphrase)?;
        Ok(())
    })?;
    log::info!("office keys: exported for another PC");
    Ok(())
}

/// Set this PC up with the office keys from `keys_file` (made by `office_export_keys` or `handover
/// office export-keys`), for the signed-in login: its server `password` again (the keys are
/// kept encrypted under it on this PC) and the file's `passphrase`; recorded. Both are wiped.
#[tauri::command(async)]
pub fn office_join(
    state: State<'_, AppState>,
    keys_file: String,
    password: String,
    passphrase: String,
) -> CmdResult<SettingsInfo> {
    let password = secret(password);
    let passphrase = secret(passphrase).unwrap_or_else(|| "".into());
    state.join(
        std::path::Path::new(&keys_file),
        password.as_ref(),
        &passphrase,
    )?;
    log::info!("office keys: this PC joined the shared office");
    info(&state)
}
