//! The customer register: the model, reading spreadsheets and CSV, normalization, import.
//!
//! Import is all-or-nothing by default: rows stream into one store transaction, and if any row
//! is invalid the transaction is dropped and nothing changes. Payment columns are recognized and
//! never read into a customer, so they cannot be stored (REQUIREMENTS.md, "Fields").

pub mod floor_plans;
mod headers;
mod import;
mod index;
mod model;
mod normalize;
mod plan_files;
mod preview;
mod problem;
mod source;

pub use floor_plans::{MAX_FLOOR_PLAN_BYTES, PlanOpener, sniff as sniff_floor_plan};
pub use headers::{ColumnReport, MapOverride, column_letter};
pub use import::{ImportOptions, ImportReport, RowProblem, import_register};
pub use index::SearchIndex;
pub(crate) use model::search_text;
pub use model::{Customer, FloorPlan};
pub(crate) use normalize::push_search_key;
pub use normalize::search_key;
pub(crate) use plan_files::Converted;
pub use plan_files::PlanFiles;
pub use preview::{
    MAX_PREVIEW_ROWS, PreviewColumn, PreviewRow, RegisterPreview, SheetInfo, preview,
};
pub use problem::Problem;
pub use source::TextEncoding;

/// Normalize a customer number: NFKC (full-width → half-width), trimmed; letters, digits,
/// `-`, `_` and `.` only, at most 40 characters. Ids become file names in bundles, so they
/// must be plain ASCII.
pub fn normalize_id(s: &str) -> std::result::Result<String, Problem> {
    let t = normalize::clean(&normalize::nfkc(s)).unwrap_or_default();
    if t.is_empty() {
        return Err(Problem::MissingId);
    }
    if t.len() > 40
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(Problem::BadId { id: t });
    }
    if t.starts_with('.') {
        return Err(Problem::IdStartsWithDot { id: t });
    }
    Ok(t)
}
