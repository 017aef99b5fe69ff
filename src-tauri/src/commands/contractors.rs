//! The contractor roster.

use handover_core::ops::{self, ContractorChoice};
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
