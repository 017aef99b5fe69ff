//! A look at a register file before importing it: its sheets, the header row and what each
//! column would be imported as, and the first rows.
//!
//! The header row and the column roles come from the importer's own detection
//! ([`ColumnMap`], with the same `HEADER=FIELD` overrides), so what the preview shows is what
//! the import will do. When no row qualifies as the header (no recognizable 顧客番号 column),
//! the fullest of the first rows is offered as the header, for staff to map by hand.
//!
//! Payment columns are recognized and their cells are never read into the preview: the app
//! must not show, or carry over IPC, what Handover refuses to store.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::headers::{ColumnMap, ColumnRole, HEADER_SEARCH_ROWS, MapOverride, column_letter};
use super::source::{self, Cell, TextEncoding};
use crate::{Error, Field, Result};

/// The most data rows a preview shows.
pub const MAX_PREVIEW_ROWS: usize = 100;

/// A sheet of a workbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SheetInfo {
    /// Its name.
    pub name: String,
    /// Shown in Excel (hidden sheets are listed too, so they can be chosen on purpose).
    pub visible: bool,
}

/// A column of the previewed header row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewColumn {
    /// Spreadsheet column letter (A, B, … AA).
    pub column: String,
    /// The header text (empty for a column without one).
    pub header: String,
    /// What the header is recognized as without any override.
    pub detected: Option<Field>,
    /// What the import will do with it, overrides applied: the field it is stored as (payment
    /// fields included, so the preview can say they are dropped).
    pub field: Option<Field>,
    /// `field`, `payment_dropped`, `unknown` or `duplicate` (as in the import report).
    pub role: String,
    /// An override decides this column.
    pub overridden: bool,
}

/// One data row of the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewRow {
    /// The row number as Excel shows it (the line number in a text file).
    pub row: u32,
    /// One text per column of the header row, as in the file (payment columns always empty).
    pub cells: Vec<String>,
}

/// What a register file holds, as the import would read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegisterPreview {
    /// The file's name.
    pub file: String,
    /// `xlsx`, `xls`, `xlsb`, `ods`, `csv` or `tsv`.
    pub format: String,
    /// Every sheet of a workbook (none for a text file).
    pub sheets: Vec<SheetInfo>,
    /// The sheet previewed (and imported unless another is chosen).
    pub sheet: Option<String>,
    /// The encoding of a text file.
    pub encoding: Option<String>,
    /// The row holding the headers; `None` when no row of the first 20 names the customer
    /// number and another known column (then `columns` are those of the fullest row, for
    /// mapping by hand, and the import would refuse the file as it is).
    pub header_row: Option<u32>,
    /// The row shown as the header (the header row, or the candidate when none was found).
    pub shown_header_row: Option<u32>,
    /// Every column of that row.
    pub columns: Vec<PreviewColumn>,
    /// Headers not recognized (ignored by the import unless mapped).
    pub unknown_headers: Vec<String>,
    /// Headers recognized as payment data (dropped by the import, never stored).
    pub payment_headers: Vec<String>,
    /// The first data rows below the header.
    pub rows: Vec<PreviewRow>,
    /// Fields a column may be mapped to (everything Handover stores).
    pub mappable: Vec<Field>,
}

/// Preview `path` (sheet `sheet`, default the first visible one) with `mappings` applied,
/// showing at most `max_rows` data rows (1 to [`MAX_PREVIEW_ROWS`]). Reads only the first rows
/// of an xlsx, xlsb or text file; writes nothing.
pub fn preview(
    path: &Path,
    sheet: Option<&str>,
    encoding: TextEncoding,
    mappings: &[MapOverride],
    max_rows: usize,
) -> Result<RegisterPreview> {
    let max_rows = max_rows.clamp(1, MAX_PREVIEW_ROWS);
    let desc = source::describe(path, sheet, encoding)?;
    // The header is among the first 20 rows; read those and the rows to show below it.
    let limit = HEADER_SEARCH_ROWS as usize + max_rows;
    let raw = first_rows(path, desc.sheet.as_deref(), encoding, limit)?;
    let (at, header_row, m) = find_header(&raw, mappings, path)?;
    let shown = Some(raw[at].0);
    let rows: Vec<PreviewRow> = raw[at + 1..]
        .iter()
        .take(max_rows)
        .map(|(n, cells)| PreviewRow {
            row: *n,
            cells: (0..m.headers.len())
                .map(|i| match m.roles[i] {
                    ColumnRole::Payment(_) => String::new(),
                    _ => cells
                        .get(i)
                        .map(|c| cell_text(&c.cell()))
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    m.check_overrides(mappings)?;
    let columns = preview_columns(&m, mappings);
    let named = |role: &str| {
        columns
            .iter()
            .filter(|c| c.role == role && !c.header.is_empty())
            .map(|c| c.header.clone())
            .collect::<Vec<_>>()
    };
    Ok(RegisterPreview {
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        format: desc.format,
        sheets: desc
            .sheets
            .into_iter()
            .map(|(name, visible)| SheetInfo { name, visible })
            .collect(),
        sheet: desc.sheet,
        encoding: desc.encoding,
        header_row,
        shown_header_row: shown,
        unknown_headers: named("unknown"),
        payment_headers: named("payment_dropped"),
        columns,
        rows,
        mappable: Field::stored().collect(),
    })
}

/// The first `limit` rows of the sheet, numbered (the rest of a large file is never parsed).
fn first_rows(
    path: &Path,
    sheet: Option<&str>,
    encoding: TextEncoding,
    limit: usize,
) -> Result<Vec<(u32, Vec<Owned>)>> {
    let mut raw: Vec<(u32, Vec<Owned>)> = Vec::new();
    let read = source::read_rows(path, sheet, encoding, &mut |row, _, _| {
        raw.push((row.number, row.cells.iter().map(Owned::from).collect()));
        if raw.len() >= limit {
            // Enough: stop reading.
            return Err(Error::Cancelled);
        }
        Ok(())
    });
    match read {
        Ok(_) | Err(Error::Cancelled) => Ok(raw),
        Err(e) => Err(e),
    }
}

/// The header row among the rows searched: its index in `raw`, its row number, and the
/// columns it names. When no row qualifies, the fullest one is offered (with no row number),
/// so that staff can map its columns by hand.
fn find_header(
    raw: &[(u32, Vec<Owned>)],
    mappings: &[MapOverride],
    path: &Path,
) -> Result<(usize, Option<u32>, ColumnMap)> {
    let searched = raw
        .iter()
        .enumerate()
        .take_while(|(_, (n, _))| *n <= HEADER_SEARCH_ROWS);
    // The fullest row, offered as the header when none qualifies.
    let mut candidate: Option<(usize, usize)> = None;
    for (i, (_, cells)) in searched {
        let cells: Vec<Cell<'_>> = cells.iter().map(Owned::cell).collect();
        if let Some(m) = ColumnMap::try_from_row(&cells, mappings) {
            return Ok((i, Some(raw[i].0), m));
        }
        let filled = cells.iter().filter(|c| !matches!(c, Cell::Empty)).count();
        if filled > 0 && candidate.is_none_or(|(_, n)| filled > n) {
            candidate = Some((i, filled));
        }
    }
    match candidate {
        Some((i, _)) => {
            let cells: Vec<Cell<'_>> = raw[i].1.iter().map(Owned::cell).collect();
            Ok((i, None, ColumnMap::from_row(&cells, mappings)))
        }
        None => Err(Error::BadRegister {
            path: path.to_path_buf(),
            reason: "the file holds no rows".into(),
        }),
    }
}

/// Each column: its letter, header, the field it was detected as or mapped to, and its role.
fn preview_columns(m: &ColumnMap, mappings: &[MapOverride]) -> Vec<PreviewColumn> {
    m.headers
        .iter()
        .zip(&m.roles)
        .enumerate()
        .map(|(i, (h, r))| {
            let (field, role) = match r {
                ColumnRole::Field(f) => (Some(*f), "field"),
                ColumnRole::Payment(f) => (Some(*f), "payment_dropped"),
                ColumnRole::Unknown => (None, "unknown"),
                ColumnRole::Duplicate(f) => (Some(*f), "duplicate"),
                // Kept for retention only: never a field, never handed over.
                ColumnRole::ContractEnded => (None, "contract_ended"),
            };
            PreviewColumn {
                column: column_letter(i),
                header: h.clone(),
                detected: Field::from_header(h),
                field,
                role: role.into(),
                overridden: !h.is_empty() && mappings.iter().any(|o| o.header == h.trim()),
            }
        })
        .collect()
}

/// A cell as staff see it in Excel: whole numbers without a decimal point.
fn cell_text(c: &Cell<'_>) -> String {
    match c {
        Cell::Empty | Cell::Uncomputed => String::new(),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
        Cell::Number(n) => n.to_string(),
        Cell::Text(s) | Cell::Date(s) | Cell::Error(s) => s.trim().to_string(),
    }
}

/// A cell kept past its row's visit (the reader's buffer is reused).
enum Owned {
    Empty,
    Text(String),
    Number(f64),
    Date(String),
    Error(String),
    Uncomputed,
}

impl Owned {
    fn from(c: &Cell<'_>) -> Owned {
        match c {
            Cell::Empty => Owned::Empty,
            Cell::Text(s) => Owned::Text((*s).to_string()),
            Cell::Number(n) => Owned::Number(*n),
            Cell::Date(s) => Owned::Date((*s).to_string()),
            Cell::Error(s) => Owned::Error((*s).to_string()),
            Cell::Uncomputed => Owned::Uncomputed,
        }
    }

    fn cell(&self) -> Cell<'_> {
        match self {
            Owned::Empty => Cell::Empty,
            Owned::Text(s) => Cell::Text(s),
            Owned::Number(n) => Cell::Number(*n),
            Owned::Date(s) => Cell::Date(s),
            Owned::Error(s) => Cell::Error(s),
            Owned::Uncomputed => Cell::Uncomputed,
        }
    }
}
