//! Ledger verification status.

use handover_core::ops;
use handover_core::store::VerifyReport;
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// Walk the hash chain.
#[tauri::command(async)]
pub fn ledger_verify(state: State<'_, AppState>) -> CmdResult<VerifyReport> {
    state.with(|o| Ok(ops::verify_ledger(o)?))
}

/// What a purge before `before` would remove (changes nothing).
#[tauri::command(async)]
pub fn retention_preview(
    state: State<'_, AppState>,
    before: String,
) -> CmdResult<handover_core::ops::PurgeReport> {
    state.with(|o| Ok(ops::purge_preview(o, &before)?))
}

/// Purge what is past retention before `before`, and record it.
#[tauri::command(async)]
pub fn retention_purge(
    state: State<'_, AppState>,
    before: String,
) -> CmdResult<handover_core::ops::PurgeReport> {
    state.with(|o| Ok(ops::purge(o, &before)?))
}

/// Write the ledger as JSON lines for an outside check (never overwrites; recorded).
#[tauri::command(async)]
pub fn ledger_export(
    state: State<'_, AppState>,
    path: std::path::PathBuf,
) -> CmdResult<handover_core::ops::ExportReport> {
    state.with(|o| Ok(ops::export_ledger(o, &path)?))
}
