//! What `ledger verify` reports when everything holds: the chain walk's counts and head, and
//! the derived tables it compared. Its own module so that the chain and the derived-table
//! check stay independent of each other.

use serde::Serialize;
use ts_rs::TS;

use super::chain::ChainReport;
use super::derived::DerivedReport;

/// The outcome of a successful verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VerifyReport {
    /// Entries checked.
    #[ts(type = "number")]
    pub entries: u64,
    /// Entries whose payload was redacted by a purge (hash still checked).
    #[ts(type = "number")]
    pub redacted: u64,
    /// Purge entries (each lists the entries it redacted).
    #[ts(type = "number")]
    pub purges: u64,
    /// Hash of the last entry (hex), to compare with a copy kept elsewhere.
    pub head: Option<String>,
    /// The derived tables compared with the log (absent when only the chain was walked).
    pub derived: Option<DerivedReport>,
    /// The record of use compared with its seals (absent when only the chain was walked).
    pub usage: Option<crate::usage::UsageCheck>,
}

impl From<ChainReport> for VerifyReport {
    fn from(c: ChainReport) -> Self {
        VerifyReport {
            entries: c.entries,
            redacted: c.redacted,
            purges: c.purges,
            head: c.head,
            derived: None,
            usage: None,
        }
    }
}
