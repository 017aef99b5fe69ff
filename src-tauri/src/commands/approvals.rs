//! 上長承認: whether a handover needs a manager's approval, asking for one, the managers' inbox
//! and their decisions — thin wrappers over `handover_core::ops` (the rules are the core's).

use handover_core::approvals::Approval;
use handover_core::handover::Selection;
use handover_core::ops::{self, ApprovalNeed, ApprovalView};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// Does this selection need an approval, and under which rules of the policy?
#[tauri::command(async)]
pub fn approval_need(
    state: State<'_, AppState>,
    selection: Selection,
    return_by: Option<String>,
) -> CmdResult<ApprovalNeed> {
    state.with(|o| Ok(ops::approval_need(o, &selection, return_by.as_deref())?))
}

/// Ask a manager to approve exactly what this selection prepares to now.
#[tauri::command(async)]
pub fn approval_request(
    state: State<'_, AppState>,
    selection: Selection,
    return_by: Option<String>,
) -> CmdResult<Approval> {
    state.with(|o| Ok(ops::approval_request(o, &selection, return_by.as_deref())?))
}

/// The approval requests, newest first (only those waiting with `pending_only`), with what the
/// signed-in person may do with each.
#[tauri::command(async)]
pub fn approvals_list(
    state: State<'_, AppState>,
    pending_only: bool,
) -> CmdResult<Vec<ApprovalView>> {
    state.with(|o| Ok(ops::approvals(o, pending_only)?))
}

/// Approve a pending request (a manager who did not ask it).
#[tauri::command(async)]
pub fn approval_approve(state: State<'_, AppState>, id: String) -> CmdResult<Approval> {
    state.with(|o| Ok(ops::approval_approve(o, &id)?))
}

/// Reject a pending request with a reason (a manager who did not ask it).
#[tauri::command(async)]
pub fn approval_reject(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> CmdResult<Approval> {
    state.with(|o| Ok(ops::approval_reject(o, &id, &reason)?))
}
