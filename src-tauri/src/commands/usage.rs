//! The record of use (操作記録) for managers: the list by operator and period, and its export.
//! Recording happens in the core, inside the use-cases that show or write customer data.

use std::path::PathBuf;

use handover_core::ops::{self, UsageFilter};
use handover_core::report::{ExportFormat, Lang, SavedFile};
use handover_core::usage::UsageEntry;
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// The uses a filter selects, oldest first (managers and admins; refused for staff).
#[tauri::command(async)]
pub fn usage_list(state: State<'_, AppState>, filter: UsageFilter) -> CmdResult<Vec<UsageEntry>> {
    state.with(|o| Ok(ops::usage_report(o, &filter)?))
}

/// Save the uses a filter selects as CSV or XLSX (never overwrites; recorded itself).
#[tauri::command(async)]
pub fn usage_export(
    state: State<'_, AppState>,
    filter: UsageFilter,
    path: PathBuf,
    format: ExportFormat,
    lang: Lang,
) -> CmdResult<SavedFile> {
    state.with(|o| Ok(ops::save_usage_report(o, &filter, &path, format, lang)?))
}
