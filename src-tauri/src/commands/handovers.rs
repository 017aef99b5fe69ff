//! Handovers: prepare (a dry run the UI shows as the review), pack, the history, destruction.

use handover_core::handover::{HandoverRecord, Preparation, Selection};
use handover_core::ops::{self, PackRequest, PackResult, WorkTypeInfo};
use tauri::State;
use tauri::ipc::Channel;

use crate::commands::register::{ImportProgress, progress};
use crate::error::CmdResult;
use crate::state::AppState;

/// The policy's work types with their minimal sets, in order.
#[tauri::command(async)]
pub fn work_types(state: State<'_, AppState>) -> CmdResult<Vec<WorkTypeInfo>> {
    state.with(|o| Ok(ops::work_types(o)?))
}

/// Exactly what a handover would contain (writes nothing).
#[tauri::command(async)]
pub fn handover_prepare(
    state: State<'_, AppState>,
    selection: Selection,
) -> CmdResult<Preparation> {
    state.with(|o| Ok(ops::prepare(o, &selection)?))
}

/// Write and record the handover.
#[tauri::command(async)]
pub fn handover_pack(
    state: State<'_, AppState>,
    selection: Selection,
    request: PackRequest,
    on_progress: Channel<ImportProgress>,
) -> CmdResult<PackResult> {
    let mut p = progress(&state, &on_progress);
    state.with(|o| Ok(ops::pack(o, &selection, &request.into(), &mut p)?))
}

/// Every handover, oldest first.
#[tauri::command(async)]
pub fn handovers_list(state: State<'_, AppState>) -> CmdResult<Vec<HandoverRecord>> {
    state.with(|o| Ok(ops::handovers(o)?))
}

/// Record the contractor's return or destruction.
#[tauri::command(async)]
pub fn handover_confirm(
    state: State<'_, AppState>,
    id: String,
    date: String,
    note: Option<String>,
) -> CmdResult<HandoverRecord> {
    state.with(|o| Ok(ops::confirm_destruction(o, &id, &date, note.as_deref())?))
}
