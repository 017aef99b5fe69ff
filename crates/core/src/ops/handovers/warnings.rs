//! What the operator must know once a pack is done: typed warnings, worded in both languages
//! by [`crate::messages`]. Both the checks before a pack ([`super::check`]: a contractor's
//! supervision due) and the writing ([`super::pack`]: passphrase, paper) give them.

use serde::Serialize;
use ts_rs::TS;

/// Something the operator must know once a pack is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PackWarning {
    /// A passphrase bundle: the passphrase goes by phone or in person, never with the file.
    PassphraseSeparately,
    /// On paper: the printed sheet is the handover, to be returned or destroyed by the date.
    PaperIsTheHandover,
    /// The contractor's yearly review is overdue (the policy warns rather than refuses).
    ReviewOverdue,
    /// The contractor's P-mark or ISMS certificate has expired (the policy warns).
    CertificationExpired,
}
