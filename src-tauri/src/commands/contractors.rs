//! The contractor roster.

use handover_core::contractors::{AgreementStatus, RecipientKey};
use handover_core::ops;
use handover_core::{Contractor, ContractorChange, ContractorInput};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::CmdResult;
use crate::state::AppState;

/// A roster row: the contractor, its keys with fingerprints and today's agreement status.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContractorRow {
    /// The contractor.
    pub contractor: Contractor,
    /// Keys with fingerprints.
    pub keys: Vec<RecipientKey>,
    /// Agreement status today.
    pub status: AgreementStatus,
}

fn row(c: Contractor, today: jiff::civil::Date) -> ContractorRow {
    ContractorRow {
        keys: c.keys(),
        status: c.agreement_status(today),
        contractor: c,
    }
}

/// The roster.
#[tauri::command(async)]
pub fn contractors_list(state: State<'_, AppState>) -> CmdResult<Vec<ContractorRow>> {
    state.with(|o| {
        let today = o.today();
        Ok(ops::contractors(o)?
            .into_iter()
            .map(|c| row(c, today))
            .collect())
    })
}

/// Add a contractor.
#[tauri::command(async)]
pub fn contractor_add(
    state: State<'_, AppState>,
    input: ContractorInput,
) -> CmdResult<ContractorRow> {
    state.with(|o| Ok(row(ops::contractor_add(o, &input)?, o.today())))
}

/// Change a contractor.
#[tauri::command(async)]
pub fn contractor_update(
    state: State<'_, AppState>,
    id: String,
    change: ContractorChange,
) -> CmdResult<ContractorRow> {
    state.with(|o| Ok(row(ops::contractor_update(o, &id, &change)?, o.today())))
}
