//! Ledger verification status.

use handover_core::ledger::VerifyReport;
use handover_core::ops;
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// Walk the hash chain.
#[tauri::command(async)]
pub fn ledger_verify(state: State<'_, AppState>) -> CmdResult<VerifyReport> {
    state.with(|o| Ok(ops::verify_ledger(o)?))
}
