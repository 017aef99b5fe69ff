//! A register file looked at before it is imported (the app's import dialog): sheets, the
//! detected header row and column mapping with the user's overrides, the first rows.

use std::path::Path;

use crate::Result;
use crate::register::{self, MapOverride, RegisterPreview, TextEncoding};

/// Preview a register file as [`super::import_register`] would read it with the same sheet,
/// encoding and `HEADER=FIELD` overrides; at most `rows` data rows. Writes nothing.
pub fn register_preview(
    path: &Path,
    sheet: Option<&str>,
    encoding: TextEncoding,
    mappings: &[MapOverride],
    rows: usize,
) -> Result<RegisterPreview> {
    register::preview(path, sheet, encoding, mappings, rows)
}
