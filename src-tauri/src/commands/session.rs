//! The office's store from the window: connecting to the office server (or back to this PC's
//! own store), the first admin, signing in and out, the lock after a while without use, and
//! the light check that tells the window another PC (or process) changed something.

use age::secrecy::SecretString;
use age::secrecy::zeroize::Zeroize;
use handover_core::ops::{self, EncryptReport, InitReport};
use handover_core::os_key_store::OsKeyStore;
use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;
use ts_rs::TS;

use super::register::{ImportProgress, progress};
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

/// The password from IPC as a secret; the IPC copy is wiped. Empty: none.
pub(super) fn secret(mut password: String) -> Option<SecretString> {
    let secret = (!password.is_empty()).then(|| SecretString::from(password.as_str()));
    password.zeroize();
    secret
}

/// Create this PC's first admin (a new office, or one from before sign-in), signed in at once;
/// the office keys are created if missing and returned to show. The password is wiped as at
/// sign-in; the core checks the name and the password's length.
#[tauri::command(async)]
pub fn admin_create(
    state: State<'_, AppState>,
    name: String,
    password: String,
) -> CmdResult<InitReport> {
    let secret = secret(password).unwrap_or_else(|| SecretString::from(""));
    let result = state.create_admin(&name, &secret);
    drop(secret);
    if result.is_ok() {
        log::info!("sign-in: the office's first admin was created");
    }
    result
}

/// Sign in (this PC's store, or the office server). The password lives only in memory: it is
/// moved into a zeroized secret at once and its IPC copy wiped; empty means PGPASSWORD or
/// ~/.pgpass on a server, and this PC's key store on its own store.
#[tauri::command(async)]
pub fn sign_in(
    state: State<'_, AppState>,
    login: String,
    password: String,
) -> CmdResult<SettingsInfo> {
    let secret = secret(password);
    let result = state.sign_in(&login, secret.as_ref());
    drop(secret);
    match &result {
        Ok(()) => log::info!("store: signed in"),
        Err(e) => log::warn!("store: sign-in refused ({})", e.code),
    }
    result?;
    info(&state)
}

/// Let the signed-in operator open this PC's own store without typing from now on (their
/// entry in the OS key store), recorded; or stop it (`on` false), recorded.
#[tauri::command(async)]
pub fn key_store_set(state: State<'_, AppState>, on: bool) -> CmdResult<SettingsInfo> {
    state.with(|o| {
        if on {
            ops::remember_on_this_pc(o, &OsKeyStore)?;
        } else {
            ops::forget_on_this_pc(o, &OsKeyStore)?;
        }
        Ok(())
    })?;
    log::info!(
        "sign-in: opening without typing turned {}",
        if on { "on" } else { "off" }
    );
    info(&state)
}

/// Sign out (on a server, the connection is closed).
#[tauri::command(async)]
pub fn sign_out(state: State<'_, AppState>) -> CmdResult<SettingsInfo> {
    state.sign_out()?;
    log::info!("store: signed out");
    info(&state)
}

/// Lock the window after the policy's minutes without use: the office closes until someone
/// signs in again (the window keeps the unfinished work, hidden).
#[tauri::command(async)]
pub fn session_lock(state: State<'_, AppState>) -> CmdResult<SettingsInfo> {
    state.lock_idle()?;
    log::info!("sign-in: the window locked after a while without use");
    info(&state)
}

/// The number of the ledger's last entry, for the window's periodic check: when it moves,
/// another PC or process changed something and the window reloads what it shows. None while
/// another command is using the office (the check must never wait behind a pack).
#[tauri::command(async)]
pub fn ledger_seq(state: State<'_, AppState>) -> CmdResult<Option<u64>> {
    state.try_with(|o| Ok(ops::ledger_seq(o)?))
}

/// An office of an earlier version, encrypted at rest, and the person signed in.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EncryptDone {
    /// The window's settings, now signed in.
    pub settings: SettingsInfo,
    /// What the conversion carried over and verified (none when it was done already).
    pub report: Option<EncryptReport>,
}

/// Encrypt at rest an office whose store is still a plain file (the person agreed on the
/// sign-in screen), signing them in; the steps are streamed. The password is handled as at
/// sign-in.
#[tauri::command(async)]
pub fn office_encrypt(
    state: State<'_, AppState>,
    login: String,
    password: String,
    on_progress: Channel<ImportProgress>,
) -> CmdResult<EncryptDone> {
    let secret = secret(password).unwrap_or_else(|| SecretString::from(""));
    let mut p = progress(&state, &on_progress);
    let report = state.encrypt_office(&login, &secret, &mut p);
    drop(secret);
    let report = report?;
    log::info!("store: the office was encrypted at rest");
    Ok(EncryptDone {
        settings: info(&state)?,
        report,
    })
}
