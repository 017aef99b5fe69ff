//! Handovers: prepare (a dry run the UI shows as the review), pack, the history, destruction.

use std::path::PathBuf;

use handover_core::handover::{HandoverRecord, Preparation, Selection};
use handover_core::ops::{self, PackOptions, PackResult};
use handover_core::{Field, WorkType};
use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Channel;
use ts_rs::TS;

use crate::commands::register::{ImportProgress, progress};
use crate::error::CmdResult;
use crate::state::AppState;

/// A work type with its labels and minimal field set (from the office policy).
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkTypeInfo {
    /// The work type.
    pub id: WorkType,
    /// 日本語
    pub label_ja: String,
    /// English
    pub label_en: String,
    /// The minimal fields.
    pub fields: Vec<Field>,
}

/// The policy's work types, in order.
#[tauri::command(async)]
pub fn work_types(state: State<'_, AppState>) -> CmdResult<Vec<WorkTypeInfo>> {
    state.with(|o| {
        let p = ops::policy(o)?;
        Ok(WorkType::ALL
            .into_iter()
            .map(|w| WorkTypeInfo {
                id: w,
                label_ja: w.label_ja().into(),
                label_en: w.label_en().into(),
                fields: p.fields_for(w).to_vec(),
            })
            .collect())
    })
}

/// Exactly what a handover would contain (writes nothing).
#[tauri::command(async)]
pub fn handover_prepare(
    state: State<'_, AppState>,
    selection: Selection,
) -> CmdResult<Preparation> {
    state.with(|o| Ok(ops::prepare(o, &selection)?))
}

/// Where and how to write the handover, as the UI sends it.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PackRequest {
    /// transfer: the file; media: the folder; paper: the HTML sheet.
    pub out: String,
    /// ASCII armor.
    #[serde(default)]
    pub armor: bool,
    /// Return-or-destroy date (YYYY-MM-DD), default from the policy.
    pub return_by: Option<String>,
    /// The passphrase of a passphrase bundle.
    pub passphrase: Option<String>,
}

/// Write and record the handover.
#[tauri::command(async)]
pub fn handover_pack(
    state: State<'_, AppState>,
    selection: Selection,
    request: PackRequest,
    on_progress: Channel<ImportProgress>,
) -> CmdResult<PackResult> {
    let opts = PackOptions {
        out: PathBuf::from(request.out),
        armor: request.armor,
        return_by: request.return_by.filter(|d| !d.is_empty()),
        passphrase: request.passphrase.map(Into::into),
        insecure_work_factor: None,
    };
    let mut p = progress(&state, &on_progress);
    state.with(|o| Ok(ops::pack(o, &selection, &opts, &mut p)?))
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
