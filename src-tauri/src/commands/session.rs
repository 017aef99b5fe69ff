//! The office's store from the window: connecting to the office server (or back to this PC's
//! own store), signing in and out, and the light check that tells the window another PC (or
//! process) changed something.

use age::secrecy::SecretString;
use age::secrecy::zeroize::Zeroize;
use handover_core::ops;
use tauri::State;

use super::settings::{SettingsInfo, info};
use crate::error::CmdResult;
use crate::state::AppState;

/// Use the office server at `url` from now on (saved without a password; one in the URL is
/// refused, saying why). The window then asks who signs in.
#[tauri::command(async)]
pub fn store_connect(state: State<'_, AppState>, url: String) -> CmdResult<SettingsInfo> {
    state.connect(&url)?;
    log::info!("store: the office server was chosen in Settings");
    info(&state)
}

/// Go back to this PC's own store.
#[tauri::command(async)]
pub fn store_use_embedded(state: State<'_, AppState>) -> CmdResult<SettingsInfo> {
    state.use_embedded()?;
    log::info!("store: this PC's own store was chosen in Settings");
    info(&state)
}

/// Sign in to the office server. The password lives only in memory: it is moved into a
/// zeroized secret at once and its IPC copy wiped; empty means PGPASSWORD or ~/.pgpass.
#[tauri::command(async)]
pub fn sign_in(
    state: State<'_, AppState>,
    login: String,
    password: String,
) -> CmdResult<SettingsInfo> {
    let mut password = password;
    let secret = (!password.is_empty()).then(|| SecretString::from(password.as_str()));
    password.zeroize();
    let result = state.sign_in(&login, secret.as_ref());
    drop(secret);
    match &result {
        Ok(()) => log::info!("store: signed in"),
        Err(e) => log::warn!("store: sign-in refused ({})", e.code),
    }
    result?;
    info(&state)
}

/// Sign out of the office server (the connection is closed).
#[tauri::command(async)]
pub fn sign_out(state: State<'_, AppState>) -> CmdResult<SettingsInfo> {
    state.sign_out()?;
    log::info!("store: signed out");
    info(&state)
}

/// The number of the ledger's last entry, for the window's periodic check: when it moves,
/// another PC or process changed something and the window reloads what it shows. None while
/// another command is using the office (the check must never wait behind a pack).
#[tauri::command(async)]
pub fn ledger_seq(state: State<'_, AppState>) -> CmdResult<Option<u64>> {
    state.try_with(|o| Ok(ops::ledger_seq(o)?))
}
