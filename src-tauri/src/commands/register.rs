//! The customer register: list/search, import (with progress and cancel), the sample.

use std::sync::atomic::Ordering;

use handover_core::Flow;
use handover_core::ops::{self, ImportRequest};
use handover_core::register::{Customer, ImportReport};
use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;
use ts_rs::TS;

use crate::error::CmdResult;
use crate::state::AppState;

/// Progress of an import, streamed to the UI.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportProgress {
    /// Units done (rows or bytes).
    #[ts(type = "number")]
    pub done: u64,
    /// Units in all, if known.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

pub(crate) fn progress<'a>(
    state: &'a AppState,
    channel: &'a Channel<ImportProgress>,
) -> impl FnMut(u64, Option<u64>) -> Flow + 'a {
    state.cancel.store(false, Ordering::SeqCst);
    move |done, total| {
        let _ = channel.send(ImportProgress { done, total });
        if state.cancel.load(Ordering::SeqCst) {
            Flow::Cancel
        } else {
            Flow::Continue
        }
    }
}

/// Search the register (empty query: everyone).
#[tauri::command(async)]
pub fn customers_list(state: State<'_, AppState>, query: String) -> CmdResult<Vec<Customer>> {
    state.with(|o| Ok(ops::customers(o, &query, None)?))
}

/// One customer, for their page: recorded as a look at their data (操作記録).
#[tauri::command(async)]
pub fn customer_get(state: State<'_, AppState>, id: String) -> CmdResult<Customer> {
    state.with(|o| Ok(ops::customer_page_view(o, &id)?))
}

/// Import a register file.
#[tauri::command(async)]
pub fn register_import(
    state: State<'_, AppState>,
    request: ImportRequest,
    on_progress: Channel<ImportProgress>,
) -> CmdResult<ImportReport> {
    let mut p = progress(&state, &on_progress);
    state.with(|o| Ok(ops::import_request(o, &request, &mut p)?))
}

/// Load the bundled synthetic sample register.
#[tauri::command(async)]
pub fn register_load_sample(
    state: State<'_, AppState>,
    on_progress: Channel<ImportProgress>,
) -> CmdResult<ImportReport> {
    let mut p = progress(&state, &on_progress);
    state.with(|o| Ok(ops::load_sample(o, &mut p)?))
}

/// Ask a running import to stop (it undoes everything it did).
#[tauri::command]
pub fn register_cancel(state: State<'_, AppState>) {
    state.cancel.store(true, Ordering::SeqCst);
}
