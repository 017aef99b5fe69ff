//! The record of use (操作記録, R12): every look at and every output of customer data — who,
//! when, what, which customers.
//!
//! # Why a table of its own, sealed into the ledger in batches
//!
//! Browsing is frequent: a member of staff opens dozens of customer pages an hour. One ledger
//! entry per page view would make the ledger (which must be kept, verified and exported for
//! years) mostly page views. So each use is written to the `usage` table at once, in a
//! transaction of its own (a killed app or a power cut loses nothing that was shown), and the
//! uses are **sealed** into the hash chain afterwards, one ledger entry (`usage.sealed`) per
//! batch: per operator, when [`BATCH_ENTRIES`] uses are waiting, when the oldest has waited
//! [`BATCH_WINDOW_MINUTES`] (checked at every use, by whoever records next), and when the
//! operator signs out or the program exits.
//!
//! A seal's payload lists the ids of the uses it covers and the SHA-256 of their rows
//! ([`batch_digest`]); each sealed row points at its seal (`sealed_by`). `ledger verify`
//! recomputes every seal's digest from the rows (`store::ledger::usage`): a sealed use that is deleted,
//! altered, moved to another seal or unsealed again is named. A use not yet sealed is covered
//! only by the table itself until its batch is sealed — at most [`BATCH_WINDOW_MINUTES`] of
//! browsing — and verification reports how many are waiting.
//!
//! Searching the register is not a use: it shows what is typed for, not a person's page, and
//! recording each keystroke would drown the record.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// The ledger kind of a batch's seal.
pub const SEAL_KIND: &str = "usage.sealed";

/// A batch is sealed when this many uses of one operator are waiting.
pub const BATCH_ENTRIES: u64 = 50;

/// A batch is sealed once its oldest use has waited this long.
pub const BATCH_WINDOW_MINUTES: i64 = 10;

/// What was done with customer data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UseKind {
    /// A customer's page was opened (their registered data, floor plan, history, requests).
    CustomerPage,
    /// The provision history was saved as a file.
    HistoryExport,
    /// A report was saved as a file (CSV, XLSX or HTML).
    ReportExport,
    /// A report's printable page was made (to print it).
    ReportPrint,
    /// A paper handover's work-order sheet was read back to print it.
    PaperSheet,
    /// The ledger was exported.
    LedgerExport,
    /// The office opened one of its own bundles (the plaintext).
    BundleOpened,
    /// A customer's floor plan was saved as a file (in clear, at the person's request: a plan
    /// encrypted at rest has no file a viewer could open).
    PlanExport,
}

impl UseKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [UseKind; 8] = [
        UseKind::CustomerPage,
        UseKind::HistoryExport,
        UseKind::ReportExport,
        UseKind::ReportPrint,
        UseKind::PaperSheet,
        UseKind::LedgerExport,
        UseKind::BundleOpened,
        UseKind::PlanExport,
    ];

    /// The stable id stored in the table.
    pub fn id(self) -> &'static str {
        match self {
            UseKind::CustomerPage => "customer_page",
            UseKind::HistoryExport => "history_export",
            UseKind::ReportExport => "report_export",
            UseKind::ReportPrint => "report_print",
            UseKind::PaperSheet => "paper_sheet",
            UseKind::LedgerExport => "ledger_export",
            UseKind::BundleOpened => "bundle_opened",
            UseKind::PlanExport => "plan_export",
        }
    }

    /// The kind stored as `id`.
    pub fn from_id(id: &str) -> Option<UseKind> {
        UseKind::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Its name in Japanese.
    pub fn label_ja(self) -> &'static str {
        match self {
            UseKind::CustomerPage => "顧客画面の閲覧",
            UseKind::HistoryExport => "提供履歴の出力",
            UseKind::ReportExport => "帳票の出力",
            UseKind::ReportPrint => "帳票の印刷",
            UseKind::PaperSheet => "作業指示書の印刷",
            UseKind::LedgerExport => "台帳の出力",
            UseKind::BundleOpened => "引渡しファイルの開封",
            UseKind::PlanExport => "図面の書き出し",
        }
    }

    /// Its name in English.
    pub fn label_en(self) -> &'static str {
        match self {
            UseKind::CustomerPage => "customer page viewed",
            UseKind::HistoryExport => "history exported",
            UseKind::ReportExport => "report exported",
            UseKind::ReportPrint => "report printed",
            UseKind::PaperSheet => "work-order sheet printed",
            UseKind::LedgerExport => "ledger exported",
            UseKind::BundleOpened => "bundle opened by the office",
            UseKind::PlanExport => "floor plan saved as a file",
        }
    }
}

/// A use about to be recorded (the operator and time come from the office).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseDraft {
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who.
    pub operator: String,
    /// What.
    pub kind: UseKind,
    /// Which report, file format, handover or file (no personal data).
    pub detail: String,
    /// The customers whose data was shown or written, by id (sorted, no repeats).
    pub customers: Vec<String>,
}

/// A recorded use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UsageEntry {
    /// Its number in the table.
    #[ts(type = "number")]
    pub id: u64,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who.
    pub operator: String,
    /// What, as stored (a [`UseKind`] id; text so that an edited row is reported, not lost).
    pub kind: String,
    /// Which report, format, handover or file.
    pub detail: String,
    /// How many customers' data it showed or wrote.
    #[ts(type = "number")]
    pub count: u64,
    /// Their ids.
    pub customers: Vec<String>,
    /// The ledger entry that sealed it, once its batch was sealed.
    #[ts(type = "number | null")]
    pub sealed_by: Option<u64>,
}

impl UsageEntry {
    /// The kind, if it is one this build knows.
    pub fn use_kind(&self) -> Option<UseKind> {
        UseKind::from_id(&self.kind)
    }
}

/// Which uses to list: an operator's, in a period (`at` from inclusive, before exclusive,
/// RFC 3339 UTC), or one customer's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageQuery {
    /// One operator's.
    pub operator: Option<String>,
    /// At or after this instant.
    pub from: Option<String>,
    /// Before this instant.
    pub before: Option<String>,
    /// Those that showed this customer's data.
    pub customer_id: Option<String>,
}

/// The uses of one operator waiting to be sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingBatch {
    /// Whose.
    pub operator: String,
    /// How many.
    pub entries: u64,
    /// When the oldest was recorded (RFC 3339 UTC).
    pub oldest: String,
}

/// What a seal's payload records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seal {
    /// Whose uses.
    pub operator: String,
    /// The ids of the uses sealed, ascending.
    pub ids: Vec<u64>,
    /// How many customers they showed, in all.
    pub customers: u64,
    /// SHA-256 (hex) of the rows, see [`batch_digest`].
    pub digest: String,
}

impl Seal {
    /// The seal of these rows (ascending ids, one operator).
    pub fn of(operator: &str, rows: &[UsageEntry]) -> Seal {
        Seal {
            operator: operator.to_string(),
            ids: rows.iter().map(|r| r.id).collect(),
            customers: rows.iter().map(|r| r.count).sum(),
            digest: hex::encode(batch_digest(rows)),
        }
    }
}

/// The line a row contributes to its batch's digest: the JSON array
/// `[id, at, operator, kind, detail, count, [customer ids…]]` and a newline, so that an outside
/// script can recompute it with nothing but a JSON encoder and SHA-256.
fn row_line(r: &UsageEntry) -> String {
    let mut line = serde_json::json!([
        r.id,
        r.at,
        r.operator,
        r.kind,
        r.detail,
        r.count,
        r.customers
    ])
    .to_string();
    line.push('\n');
    line
}

/// SHA-256 over the rows' lines in id order.
pub fn batch_digest(rows: &[UsageEntry]) -> [u8; 32] {
    let mut h = Sha256::new();
    for r in rows {
        h.update(row_line(r).as_bytes());
    }
    h.finalize().into()
}

/// What the comparison of the `usage` table with the seals found (all held).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UsageCheck {
    /// Sealed uses compared with their seal.
    #[ts(type = "number")]
    pub sealed: u64,
    /// Uses waiting to be sealed (covered by the chain once their batch is sealed).
    #[ts(type = "number")]
    pub pending: u64,
    /// Seals checked.
    #[ts(type = "number")]
    pub seals: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: u64, customers: &[&str]) -> UsageEntry {
        UsageEntry {
            id,
            at: "2026-12-01T00:00:00Z".into(),
            operator: "佐藤".into(),
            kind: UseKind::CustomerPage.id().into(),
            detail: String::new(),
            count: customers.len() as u64,
            customers: customers.iter().map(|c| c.to_string()).collect(),
            sealed_by: Some(9),
        }
    }

    #[test]
    fn the_digest_is_the_documented_json_lines() {
        let rows = [row(1, &["C1"]), row(2, &[])];
        let text = "[1,\"2026-12-01T00:00:00Z\",\"佐藤\",\"customer_page\",\"\",1,[\"C1\"]]\n\
                    [2,\"2026-12-01T00:00:00Z\",\"佐藤\",\"customer_page\",\"\",0,[]]\n";
        let want: [u8; 32] = Sha256::digest(text.as_bytes()).into();
        assert_eq!(batch_digest(&rows), want);
    }

    #[test]
    fn kinds_round_trip_through_their_ids() {
        for k in UseKind::ALL {
            assert_eq!(UseKind::from_id(k.id()), Some(k));
            assert!(!k.label_ja().is_empty() && !k.label_en().is_empty());
        }
        assert_eq!(UseKind::from_id("search"), None);
    }
}
