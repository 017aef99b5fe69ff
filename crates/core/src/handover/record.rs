//! The stored record of a handover (derived from its ledger entry).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Field;

/// A handover as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HandoverRecord {
    /// `HO-2026-000123`
    pub id: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// Who created it.
    pub operator: String,
    /// The contractor.
    pub contractor_id: String,
    /// Work type id.
    pub work_type: String,
    /// `transfer`, `media` or `paper`.
    pub method: String,
    /// `x25519`, `passphrase` or `none` (paper).
    pub encryption: String,
    /// Return-or-destroy date.
    pub return_by: String,
    /// SHA-256 of the bundle or sheet file.
    pub bundle_sha256: Option<String>,
    /// Its size.
    #[ts(type = "number | null")]
    pub bundle_size: Option<u64>,
    /// Fingerprints of the recipients it was encrypted to.
    pub recipients: Vec<String>,
    /// Day the contractor confirmed return or destruction.
    pub closed_on: Option<String>,
    /// Their note.
    pub closed_note: Option<String>,
    /// The ledger entry that recorded it.
    #[ts(type = "number")]
    pub ledger_seq: u64,
    /// Each customer and the fields they received.
    pub customers: Vec<HandoverCustomer>,
}

impl HandoverRecord {
    /// Still open (no return or destruction confirmed) after its return-or-destroy date.
    /// `today` is `YYYY-MM-DD`, which orders like the date.
    pub fn is_overdue(&self, today: &str) -> bool {
        self.closed_on.is_none() && self.return_by.as_str() < today
    }
}

/// One customer of a handover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HandoverCustomer {
    /// 顧客番号
    pub customer_id: String,
    /// The fields received.
    pub fields: Vec<Field>,
}
