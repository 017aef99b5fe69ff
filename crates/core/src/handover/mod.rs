//! Handovers: deciding exactly what a contractor may receive (prepare), and the record of what
//! was handed over (R2–R5, R10).
//!
//! `prepare` is the one place where the policy, the payment-field ban, customers' requests and
//! the contractor's agreement are applied; packing, paper and the app all go through it, so no
//! path can hand over more than it allows. It reads, never writes.

mod eligibility;
pub mod method;
mod prepare;
mod recheck;
mod record;

pub use eligibility::{ContractorRefusal, agreement_refusal, contractor_refusal, decide_customer};
pub use method::{Encryption, Method};
pub use prepare::prepare;
pub use recheck::recheck;
pub use record::{HandoverCustomer, HandoverRecord};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::contractors::RecipientKey;
use crate::{Contractor, Field, WorkType};

/// An extra field (outside the work type's minimal set) and the written reason for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExtraField {
    /// The field.
    pub field: Field,
    /// Why the contractor needs it (recorded).
    pub reason: String,
}

/// What staff ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Selection {
    /// The contractor.
    pub contractor_id: String,
    /// The work.
    pub work_type: WorkType,
    /// Customer numbers, in the order staff gave them.
    pub customers: Vec<String>,
    /// Fields beyond the minimal set, each with a reason.
    #[serde(default)]
    pub extra_fields: Vec<ExtraField>,
    /// How it will be handed over.
    pub method: Method,
    /// A passphrase bundle instead of the contractor's keys (fallback).
    #[serde(default)]
    pub passphrase: bool,
}

/// Why a field is not handed over for a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[ts(export)]
pub enum WithheldReason {
    /// The customer restricted it (request id).
    CustomerRequest {
        /// The request.
        request_id: String,
    },
    /// Not in the work type's minimal set and not asked for with a reason.
    NotNeeded,
    /// The register has no value for it.
    NoData,
}

/// A withheld field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Withheld {
    /// The field.
    pub field: Field,
    /// Why.
    pub reason: WithheldReason,
}

/// One customer in a preparation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreparedCustomer {
    /// 顧客番号
    pub customer_id: String,
    /// 氏名, for staff to recognize the row (not a decision).
    pub name: Option<String>,
    /// Fields the contractor will receive.
    pub included: Vec<Field>,
    /// Stored fields the contractor will not receive, and why (payment fields are never listed:
    /// they are not stored at all).
    pub withheld: Vec<Withheld>,
}

/// Why a customer is left out of a handover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[ts(export)]
pub enum ExclusionReason {
    /// Not in the register.
    UnknownCustomer,
    /// Listed twice in the selection.
    Duplicate,
    /// An opt-out request (pending or accepted) stops all provision.
    OptOut {
        /// The request.
        request_id: String,
        /// Pending or accepted.
        status: crate::requests::RequestStatus,
    },
    /// A field the work cannot be done without has no value.
    MissingRequired {
        /// The field.
        field: Field,
    },
}

/// An excluded customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Excluded {
    /// The id as given.
    pub customer_id: String,
    /// Why.
    pub reason: ExclusionReason,
}

/// Exactly what a handover would contain; nothing is written to make it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Preparation {
    /// The contractor (agreement valid on the day).
    pub contractor: Contractor,
    /// The work.
    pub work_type: WorkType,
    /// How.
    pub method: Method,
    /// How the data will be protected: what the review shows, and what pack records.
    pub encryption: Encryption,
    /// The keys an encrypted bundle will open with: the contractor's (empty for a passphrase
    /// bundle or paper).
    pub recipients: Vec<RecipientKey>,
    /// The office's own recipient, to which an X25519 bundle is also encrypted so that the
    /// office can audit what it sent (none for a passphrase bundle or paper, or before the
    /// office keys exist).
    pub escrow: Option<RecipientKey>,
    /// The minimal set plus the extras.
    pub fields: Vec<Field>,
    /// Extras with their reasons.
    pub extra_fields: Vec<ExtraField>,
    /// Customers to include.
    pub customers: Vec<PreparedCustomer>,
    /// Customers left out.
    pub excluded: Vec<Excluded>,
    /// The day it was prepared for (agreement checked on it).
    #[ts(type = "string")]
    pub date: Date,
}
