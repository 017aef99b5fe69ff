//! The customer register: list/search, import (with progress and cancel), the sample.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use handover_core::Flow;
use handover_core::ops;
use handover_core::register::{Customer, ImportOptions, ImportReport, MapOverride, TextEncoding};
use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Channel;
use ts_rs::TS;

use crate::error::{CmdResult, IpcError};
use crate::state::AppState;

/// Import options as the UI sends them.
#[derive(Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportRequest {
    /// The register file.
    pub path: String,
    /// Sheet name (default: the first visible sheet).
    pub sheet: Option<String>,
    /// CSV encoding.
    pub encoding: Option<TextEncoding>,
    /// `HEADER=FIELD` overrides.
    #[serde(default)]
    pub mappings: Vec<String>,
    /// Floor-plan folder.
    pub floor_plans_dir: Option<String>,
    /// Check only.
    #[serde(default)]
    pub dry_run: bool,
    /// Import valid rows even if some are invalid.
    #[serde(default)]
    pub skip_invalid: bool,
}

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

/// One customer.
#[tauri::command(async)]
pub fn customer_get(state: State<'_, AppState>, id: String) -> CmdResult<Customer> {
    state.with(|o| Ok(ops::customer(o, &id)?))
}

/// Import a register file.
#[tauri::command(async)]
pub fn register_import(
    state: State<'_, AppState>,
    request: ImportRequest,
    on_progress: Channel<ImportProgress>,
) -> CmdResult<ImportReport> {
    let opts = ImportOptions {
        sheet: request.sheet.filter(|s| !s.is_empty()),
        encoding: request.encoding.unwrap_or_default(),
        mappings: request
            .mappings
            .iter()
            .map(|m| m.parse::<MapOverride>())
            .collect::<Result<_, _>>()
            .map_err(IpcError::from)?,
        floor_plans_dir: request
            .floor_plans_dir
            .filter(|s| !s.is_empty())
            .map(PathBuf::from),
        dry_run: request.dry_run,
        skip_invalid: request.skip_invalid,
    };
    let mut p = progress(&state, &on_progress);
    state.with(|o| {
        Ok(ops::import_register(
            o,
            &PathBuf::from(&request.path),
            &opts,
            &mut p,
        )?)
    })
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
