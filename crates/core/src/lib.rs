//! # handover-core
//!
//! The domain of Handover: the customer register, the contractor roster, the policy that
//! decides which fields a contractor may receive, the age-encrypted bundles and the
//! hash-chained ledger that records every provision and opt-out.
//!
//! This crate knows nothing of Tauri, terminals or windows. The CLI (`handover`) and the desktop
//! app both call [`ops`], so every rule is enforced in one place.
#![deny(missing_docs)]

pub mod approvals;
mod at_rest;
pub mod bundle;
pub mod contractors;
pub mod customer_ids;
mod datadir;
pub mod dates;
mod error;
pub mod fields;
mod fsutil;
pub mod handover;
pub mod history;
pub mod key_transfer;
pub mod keys;
pub mod messages;
pub mod operators;
pub mod ops;
pub mod os_key_store;
pub mod passwords;
pub mod pc_vault;
pub mod plugins;
pub mod policy;
pub mod progress;
pub mod receipt;
pub mod refusal;
pub mod register;
pub mod report;
pub mod requests;
pub mod retention;
pub mod store;
pub mod supervision;
pub mod text;
pub mod usage;
pub mod vault;

pub use contractors::{Contractor, ContractorChange, ContractorInput};
pub use datadir::{DATA_DIR_ENV, DataDir};
pub use error::{Error, ReceiptNotMade, Result};
pub use fields::{Field, FieldClass};
pub use policy::{Policy, WorkType};
pub use progress::{Flow, NoProgress, Progress};
