//! The import dialog's look at a register file before importing it.

use handover_core::ops::{self, PreviewRequest};
use handover_core::register::RegisterPreview;

use crate::error::CmdResult;

/// Sheets, header row, column mapping and the first rows of a register file.
#[tauri::command(async)]
pub fn register_preview(request: PreviewRequest) -> CmdResult<RegisterPreview> {
    Ok(ops::preview_request(&request)?)
}
