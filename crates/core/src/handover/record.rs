//! The stored record of a handover (derived from its ledger entry).

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Encryption, Method};
use crate::{Field, WorkType};

/// A handover as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HandoverRecord {
    /// `HO-2026-000123`
    pub id: String,
    /// When it was created (RFC 3339 UTC).
    #[ts(type = "string")]
    pub created_at: Timestamp,
    /// Who created it.
    pub operator: String,
    /// The contractor.
    pub contractor_id: String,
    /// The work.
    pub work_type: WorkType,
    /// How it was handed over.
    pub method: Method,
    /// How it was protected.
    pub encryption: Encryption,
    /// Return-or-destroy date.
    #[ts(type = "string")]
    pub return_by: Date,
    /// SHA-256 of the bundle or sheet file.
    pub bundle_sha256: Option<String>,
    /// Its size.
    #[ts(type = "number | null")]
    pub bundle_size: Option<u64>,
    /// Fingerprints of the recipients it was encrypted to.
    pub recipients: Vec<String>,
    /// Day the contractor confirmed return or destruction.
    #[ts(type = "string | null")]
    pub closed_on: Option<Date>,
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
    pub fn is_overdue(&self, today: Date) -> bool {
        self.closed_on.is_none() && self.return_by < today
    }

    /// Days since its return-or-destroy date (0 when not past it).
    pub fn days_overdue(&self, today: Date) -> u32 {
        crate::dates::days_past(self.return_by, today)
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
