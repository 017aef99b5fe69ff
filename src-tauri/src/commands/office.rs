//! The office itself: what the window shows in its header, and first-time key creation.

use handover_core::keys::OfficePublicKeys;
use handover_core::ops::{self, OfficeInfo};
use tauri::State;

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
