//! A register file as the app's import dialog sends it: looked at before it is imported
//! (sheets, the detected header row and column mapping with the user's overrides, the first
//! rows), then imported with the same sheet, encoding and overrides.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use ts_rs::TS;

use super::Office;
use crate::Result;
use crate::progress::Progress;
use crate::register::{
    self, ImportOptions, ImportReport, MapOverride, RegisterPreview, TextEncoding,
};

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

/// What to preview, as the import dialog sends it (the same sheet, encoding and mappings it
/// will import with).
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
    /// Data rows to show (default 20).
    pub rows: Option<u32>,
}

/// Preview what a [`PreviewRequest`] names; a bad `HEADER=FIELD` override is refused.
pub fn preview_request(request: &PreviewRequest) -> Result<RegisterPreview> {
    register_preview(
        Path::new(&request.path),
        request.sheet.as_deref().filter(|s| !s.is_empty()),
        request.encoding.unwrap_or_default(),
        &mappings(&request.mappings)?,
        request.rows.unwrap_or(20) as usize,
    )
}

/// An import as the app sends it.
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

/// Import what an [`ImportRequest`] names ([`super::import_register`]); a bad `HEADER=FIELD`
/// override is refused before the file is read.
pub fn import_request(
    office: &mut Office,
    request: &ImportRequest,
    progress: &mut dyn Progress,
) -> Result<ImportReport> {
    let opts = ImportOptions {
        sheet: request.sheet.clone().filter(|s| !s.is_empty()),
        encoding: request.encoding.unwrap_or_default(),
        mappings: mappings(&request.mappings)?,
        floor_plans_dir: request
            .floor_plans_dir
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(PathBuf::from),
        dry_run: request.dry_run,
        skip_invalid: request.skip_invalid,
    };
    super::import_register(office, Path::new(&request.path), &opts, progress)
}

fn mappings(given: &[String]) -> Result<Vec<MapOverride>> {
    given.iter().map(|m| m.parse::<MapOverride>()).collect()
}
