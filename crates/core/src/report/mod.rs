//! The accountability reports (R7, R8, R10, R11): the disclosure record of one customer, the
//! list of affected customers after a contractor's loss, and what is overdue — plus the
//! history exports (CSV and XLSX that open in Japanese Excel).
//!
//! Building a report only reads the store; the types here are plain data (serde + ts-rs) so
//! the app can show them, and the renderers (HTML, CSV, XLSX) are pure functions of them, so a
//! report the manager previewed is exactly the one saved. Human-facing text is Japanese; CSV
//! and XLSX headers can be English (`Lang::En`) for an auditor who reads no Japanese, while the
//! values stay as the register holds them.

mod csv;
mod customer;
mod device;
mod html;
mod leak;
mod overdue;
mod supervision;
mod table;
mod xlsx;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use customer::{CustomerReport, CustomerSummary, RecipientInfo, customer_report_html};
pub use device::{DeviceLoss, DeviceReason};
pub use leak::{
    AffectedCustomer, FieldCount, LeakDeadlines, LeakHandover, LeakQuery, LeakReport, LeakTriggers,
    NotificationEntry, Protection, REPORT_THRESHOLD_PEOPLE, leak_report_html,
};
pub(crate) use leak::{LeakInput, build_leak_report};
pub use overdue::{OverdueHandover, OverdueReport};
pub use supervision::{
    ReceiptEvidence, SupervisedHandover, SupervisionReport, supervision_report_html,
};

use crate::handover::Method;
use crate::history::ProvisionRow;
use crate::{Error, Field, Result, WorkType};

/// The language of headers and labels in exports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Lang {
    /// 日本語 (the default).
    #[default]
    Ja,
    /// English headers and labels.
    En,
}

impl std::str::FromStr for Lang {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "ja" | "jp" | "日本語" => Ok(Lang::Ja),
            "en" | "English" | "english" => Ok(Lang::En),
            other => Err(crate::refusal::Vocabulary::Lang.refuse(other, "ja, en")),
        }
    }
}

/// A file a report or export was written to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedFile {
    /// Where.
    pub path: String,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Data rows written (customers, provisions…).
    pub rows: usize,
}

/// A report and its printable page: the screen shows exactly what is printed or saved.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Printable<T: TS> {
    /// The data.
    pub report: T,
    /// The page, as printed or saved.
    pub html: String,
}

/// History export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    /// UTF-8 CSV with a BOM and CRLF line ends (what Excel opens without asking).
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// The supervision report as an XLSX workbook (summary, clauses, reviews, handovers,
/// incidents).
pub fn supervision_xlsx(r: &SupervisionReport, lang: Lang) -> Result<Vec<u8>> {
    xlsx::workbook(&supervision::tables(r, lang), lang)
}

/// Write a new report file readable only by the owner: reports hold names and addresses.
/// Refuses to overwrite, as every output of Handover does; a failed write leaves no file.
pub(crate) fn write_new(path: &Path, bytes: &[u8], rows: usize) -> Result<SavedFile> {
    if let Err(e) = crate::fsutil::write_new_private(path, bytes) {
        if !matches!(e, Error::FileExists(_)) {
            let _ = std::fs::remove_file(path);
        }
        return Err(e);
    }
    crate::fsutil::sync_parent(path);
    Ok(SavedFile {
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
        rows,
    })
}

/// Refuse an output path that exists before doing any work for it.
pub(crate) fn check_new(path: &Path) -> Result<PathBuf> {
    if path.exists() {
        return Err(Error::FileExists(path.to_path_buf()));
    }
    Ok(path.to_path_buf())
}

/// The history as CSV bytes (UTF-8 BOM, CRLF, headers in `lang`).
pub fn history_csv(rows: &[ProvisionRow], lang: Lang) -> Result<Vec<u8>> {
    csv::write(&table::history(rows, lang), lang)
}

/// The history as an XLSX workbook (one sheet, `提供履歴`).
pub fn history_xlsx(rows: &[ProvisionRow], lang: Lang) -> Result<Vec<u8>> {
    xlsx::workbook(&[table::history(rows, lang)], lang)
}

/// The record of use (操作記録) as CSV (UTF-8 with BOM).
pub fn usage_csv(rows: &[crate::usage::UsageEntry], lang: Lang) -> Result<Vec<u8>> {
    csv::write(&table::usage(rows, lang), lang)
}

/// The record of use (操作記録) as an XLSX workbook.
pub fn usage_xlsx(rows: &[crate::usage::UsageEntry], lang: Lang) -> Result<Vec<u8>> {
    xlsx::workbook(&[table::usage(rows, lang)], lang)
}

/// The leak report as an XLSX workbook: summary, affected customers, counts per field,
/// handovers, and the notification list, one sheet each.
pub fn leak_xlsx(r: &LeakReport, lang: Lang) -> Result<Vec<u8>> {
    xlsx::workbook(&table::leak(r, lang), lang)
}

/// A work type's label.
pub fn work_type_label(w: WorkType, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => w.label_ja(),
        Lang::En => w.label_en(),
    }
}

/// A method's label (R4 wording in Japanese).
pub fn method_label(m: Method, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => m.label_ja(),
        Lang::En => match m {
            Method::Transfer => "Electronic transfer",
            Method::Media => "Electronic media",
            Method::Paper => "Paper",
        },
    }
}

/// Fields as people read them: `氏名・住所` or `Name, Address`.
pub fn fields_label(fields: &[Field], lang: Lang) -> String {
    match lang {
        Lang::Ja => fields
            .iter()
            .map(|f| f.label_ja())
            .collect::<Vec<_>>()
            .join("・"),
        Lang::En => fields
            .iter()
            .map(|f| f.label_en())
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_parses_and_refuses_others() {
        assert_eq!("en".parse::<Lang>().unwrap(), Lang::En);
        assert_eq!("ja".parse::<Lang>().unwrap(), Lang::Ja);
        assert_eq!("fr".parse::<Lang>().unwrap_err().code(), "unknown_value");
    }

    #[test]
    fn write_new_refuses_an_existing_file_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.html");
        std::fs::write(&p, "keep").unwrap();
        assert_eq!(write_new(&p, b"new", 0).unwrap_err().code(), "file_exists");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "keep");
        let q = dir.path().join("s.html");
        let s = write_new(&q, b"abc", 2).unwrap();
        assert_eq!((s.bytes, s.rows), (3, 2));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&q).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
    }
}
