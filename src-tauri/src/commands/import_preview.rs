//! The import dialog's look at a register file before importing it.

use std::path::PathBuf;

use handover_core::ops;
use handover_core::register::{MapOverride, RegisterPreview, TextEncoding};
use serde::Deserialize;
use ts_rs::TS;

use crate::error::{CmdResult, IpcError};

/// What to preview, as the UI sends it (the same sheet, encoding and mappings it will import
/// with).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewRequest {
    /// The register file.
    pub path: String,
    /// Sheet name (default: the first visible sheet).
    pub sheet: Option<String>,
    /// CSV encoding.
    pub encoding: Option<TextEncoding>,
    /// `HEADER=FIELD` overrides.
    #[serde(default)]
    pub mappings: Vec<String>,
    /// Data rows to show.
    pub rows: Option<u32>,
}

/// Sheets, header row, column mapping and the first rows of a register file.
#[tauri::command(async)]
pub fn register_preview(request: PreviewRequest) -> CmdResult<RegisterPreview> {
    let mappings = request
        .mappings
        .iter()
        .map(|m| m.parse::<MapOverride>())
        .collect::<Result<Vec<_>, _>>()?;
    ops::register_preview(
        &PathBuf::from(&request.path),
        request.sheet.as_deref().filter(|s| !s.is_empty()),
        request.encoding.unwrap_or_default(),
        &mappings,
        request.rows.unwrap_or(20) as usize,
    )
    .map_err(IpcError::from)
}
