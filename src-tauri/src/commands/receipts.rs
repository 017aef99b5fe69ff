//! Receipts in the app (issue 15). The contractor's side: 受領 makes the received receipt of
//! the bundle being viewed; 廃棄 deletes the files the app itself exported (the folders are
//! kept in the settings until then) and makes the destruction receipt. The office's side:
//! receipt files dropped on the window or chosen are imported through the core, and the
//! handover list says where each handover stands.

use std::path::PathBuf;

use handover_core::ops::{self, HandoverReceipts, ImportedReceipt, ReceiptInput, ReceiptMade};
use handover_core::receipt::ReceiptKind;
use handover_core::refusal::Refusal;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use ts_rs::TS;

use crate::error::CmdResult;
use crate::prompts::WindowPrompts;
use crate::state::{AppState, lock};

/// What the contractor says in a receipt.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReceiptRequest {
    /// Received or destroyed.
    pub kind: ReceiptKind,
    /// Who at the contractor makes it.
    pub by: String,
    /// How printed copies and other copies were destroyed (destruction).
    pub note: Option<String>,
    /// The receipt file to write (from the save dialog).
    pub out: String,
}

/// A receipt made in the app.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReceiptDone {
    /// The receipt file and what it says.
    pub made: ReceiptMade,
    /// The folders whose files of the bundle were deleted (destruction).
    pub folders: Vec<String>,
}

/// The folders the bundle being viewed was exported into by this app (what 廃棄 deletes).
#[tauri::command]
pub fn bundle_extractions(state: State<'_, AppState>) -> CmdResult<Vec<String>> {
    let sha = viewed_sha256(&state)?;
    Ok(lock(&state.config)?.values.extracted_folders(&sha))
}

fn viewed_sha256(state: &AppState) -> CmdResult<String> {
    lock(&state.session)?
        .as_ref()
        .map(|s| s.sha256.clone())
        .ok_or_else(|| Refusal::NoBundleOpen.into())
}

/// Make a receipt for the bundle being viewed. A destruction first deletes the bundle's files
/// in every folder this app exported it into (the core checks each folder holds this bundle
/// before deleting anything), then forgets those folders and closes the bundle (its plaintext
/// leaves memory too).
#[tauri::command(async)]
pub fn bundle_receipt(
    app: AppHandle,
    state: State<'_, AppState>,
    request: ReceiptRequest,
) -> CmdResult<ReceiptDone> {
    let mut session = lock(&state.session)?;
    let s = session.as_ref().ok_or(Refusal::NoBundleOpen)?;
    let folders = match request.kind {
        // A folder deleted by hand since has nothing left to delete.
        ReceiptKind::Destroyed => lock(&state.config)?
            .values
            .extracted_folders(&s.sha256)
            .into_iter()
            .filter(|f| std::path::Path::new(f).is_dir())
            .collect(),
        ReceiptKind::Received => Vec::new(),
    };
    let input = ReceiptInput {
        kind: request.kind,
        by: request.by,
        on: None,
        extracted: folders.iter().map(PathBuf::from).collect(),
        note: request.note,
    };
    let made = ops::make_receipt(
        &s.bundle,
        s.key
            .open_key(WindowPrompts::to_window(app, state.prompts.clone()))?,
        &s.trust,
        &input,
        &PathBuf::from(&request.out),
    )?;
    if request.kind == ReceiptKind::Destroyed {
        let sha = s.sha256.clone();
        *session = None;
        lock(&state.config)?.update(|v| {
            v.extractions.retain(|x| x.bundle_sha256 != sha);
            Ok(())
        })?;
    }
    Ok(ReceiptDone { made, folders })
}

/// Import receipt files (dropped on the window or chosen): all are checked before any is
/// recorded; one refused file records nothing.
#[tauri::command(async)]
pub fn receipts_import(
    state: State<'_, AppState>,
    files: Vec<String>,
) -> CmdResult<Vec<ImportedReceipt>> {
    let files: Vec<PathBuf> = files.into_iter().map(PathBuf::from).collect();
    state.with(|o| Ok(ops::import_receipts(o, &files)?))
}

/// Every handover with where it stands with its receipts, oldest first.
#[tauri::command(async)]
pub fn handovers_receipts(state: State<'_, AppState>) -> CmdResult<Vec<HandoverReceipts>> {
    state.with(|o| Ok(ops::handovers_with_receipts(o)?))
}
