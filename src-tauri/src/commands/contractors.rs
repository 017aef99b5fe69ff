//! The contractor roster.

use std::path::PathBuf;

use handover_core::ops::{self, ContractorChoice, SupervisionReportQuery, SupervisionView};
use handover_core::report::{Printable, SavedFile, SupervisionReport};
use handover_core::supervision::SupervisionChange;
use handover_core::{Contractor, ContractorChange, ContractorInput};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// The roster with each contractor's keys, its agreement today and what it can receive.
#[tauri::command(async)]
pub fn contractors_list(state: State<'_, AppState>) -> CmdResult<Vec<ContractorChoice>> {
    state.with(|o| Ok(ops::contractor_choices(o)?))
}

/// Add a contractor.
#[tauri::command(async)]
pub fn contractor_add(state: State<'_, AppState>, input: ContractorInput) -> CmdResult<Contractor> {
    state.with(|o| Ok(ops::contractor_add(o, &input)?))
}

/// Change a contractor.
#[tauri::command(async)]
pub fn contractor_update(
    state: State<'_, AppState>,
    id: String,
    change: ContractorChange,
) -> CmdResult<Contractor> {
    state.with(|o| Ok(ops::contractor_update(o, &id, &change)?))
}

/// A contractor's supervision record (委託先監督台帳) and what is due today.
#[tauri::command(async)]
pub fn supervision_get(state: State<'_, AppState>, id: String) -> CmdResult<SupervisionView> {
    state.with(|o| Ok(ops::supervision(o, &id)?))
}

/// Change a contractor's supervision record (manager or admin).
#[tauri::command(async)]
pub fn supervision_change(
    state: State<'_, AppState>,
    id: String,
    change: SupervisionChange,
) -> CmdResult<SupervisionView> {
    state.with(|o| Ok(ops::supervision_change(o, &id, &change)?))
}

/// The supervision report of a contractor and period, with its printable page.
#[tauri::command(async)]
pub fn supervision_report(
    state: State<'_, AppState>,
    query: SupervisionReportQuery,
) -> CmdResult<Printable<SupervisionReport>> {
    state.with(|o| {
        let (from, to) = (query.from.as_deref(), query.to.as_deref());
        Ok(ops::supervision_report_page(
            o,
            &query.contractor_id,
            from,
            to,
            query.lang,
        )?)
    })
}

/// Save the supervision report as HTML or XLSX (never over a file).
#[tauri::command(async)]
pub fn supervision_report_save(
    state: State<'_, AppState>,
    query: SupervisionReportQuery,
    path: PathBuf,
) -> CmdResult<SavedFile> {
    state.with(|o| Ok(ops::save_supervision_report(o, &query, &path)?))
}
