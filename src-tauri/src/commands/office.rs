//! The office itself: what the window shows in its header, and first-time key creation.

use handover_core::keys::OfficePublicKeys;
use handover_core::ops;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::CmdResult;
use crate::state::AppState;

/// What the UI needs to draw its frame.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    /// The data directory in use.
    pub data_dir: String,
    /// The operator recorded in the ledger.
    pub operator: String,
    /// Customers in the register.
    #[ts(type = "number")]
    pub customer_count: u64,
    /// The office keys, once `init` has run.
    pub keys: Option<OfficePublicKeys>,
    /// Today (YYYY-MM-DD) in the office's time zone.
    pub today: String,
    /// Packs killed before they were recorded, undone when the office was opened.
    pub interrupted_packs: Vec<ops::InterruptedPack>,
}

/// The app's frame data.
#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    state.with(|o| {
        Ok(AppInfo {
            data_dir: o.dir().root().display().to_string(),
            operator: o.operator().to_string(),
            customer_count: o.store().customer_count()?,
            keys: ops::office_keys(o).ok(),
            today: o.today().to_string(),
            interrupted_packs: o.interrupted_packs().to_vec(),
        })
    })
}

/// Create the office keys (refused if they exist).
#[tauri::command(async)]
pub fn office_init(state: State<'_, AppState>) -> CmdResult<OfficePublicKeys> {
    state.with(|o| Ok(ops::create_office_keys(o)?))
}
