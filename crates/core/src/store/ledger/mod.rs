//! The tamper-evident ledger, independent of any database: how an entry is sealed and the
//! chain verified ([`chain`]), how the tables derived from it are checked against it
//! ([`derived`], [`approvals`]), the streaming verification ([`pipeline`]) and the auditor's export
//! ([`export`]). The backends in `store::sqlite` (and `store::postgres`) keep the rows.

pub mod approvals;
pub mod chain;
pub mod derived;
pub mod export;
mod pipeline;
mod report;
mod segments;
pub mod usage;

pub use chain::{ChainReport, EntryRef, EventDraft, Hash, LedgerEntry, PURGE_KIND, Verifier};
pub use derived::DerivedReport;
pub use pipeline::{verify_chain, verify_chain_with};
pub use report::VerifyReport;
#[cfg(test)]
pub(crate) use segments::verify_for_tests as segments_verify_for_tests;
pub use segments::{LedgerReader, LedgerReaders};
