//! Handovers: deciding exactly what a contractor may receive (prepare), and the record of what
//! was handed over (R2–R5, R10).
//!
//! `prepare` is the one place where the policy, the payment-field ban, customers' requests and
//! the contractor's agreement are applied; packing, paper and the app all go through it, so no
//! path can hand over more than it allows. It reads, never writes.

mod eligibility;
mod prepare;
mod record;

pub use eligibility::{ContractorRefusal, agreement_refusal, contractor_refusal, decide_customer};
pub use prepare::prepare;
pub use record::{HandoverCustomer, HandoverRecord};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::contractors::RecipientKey;
use crate::{Contractor, Field, WorkType};

/// How the data leaves the office (R4; server access is out of scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Method {
    /// An `.age` file sent electronically.
    Transfer,
    /// The `.age` file written to removable media.
    Media,
    /// A printed work-order sheet.
    Paper,
}

impl Method {
    /// Every method.
    pub const ALL: [Method; 3] = [Method::Transfer, Method::Media, Method::Paper];

    /// Stable id.
    pub fn id(self) -> &'static str {
        match self {
            Method::Transfer => "transfer",
            Method::Media => "media",
            Method::Paper => "paper",
        }
    }

    /// Japanese label (R4 wording).
    pub fn label_ja(self) -> &'static str {
        match self {
            Method::Transfer => "電子データの伝送",
            Method::Media => "電子記録媒体の引渡し",
            Method::Paper => "紙",
        }
    }
}

impl std::str::FromStr for Method {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        Method::ALL
            .into_iter()
            .find(|m| m.id() == s.trim())
            .ok_or_else(|| {
                crate::Error::invalid("method", format!("'{s}': use transfer, media or paper"))
            })
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// How a handover's data is protected on its way: the one place the kinds are spelled (the
/// ledger, the handovers table and bundle manifests hold these ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Encryption {
    /// age, to the contractor's X25519 keys and the office's escrow recipient.
    X25519,
    /// age, to a passphrase (the fallback for a contractor without a key).
    Passphrase,
    /// Not encrypted: a printed sheet.
    None,
}

impl Encryption {
    /// Every kind.
    pub const ALL: [Encryption; 3] = [Encryption::X25519, Encryption::Passphrase, Encryption::None];

    /// How a handover by `method` (with or without the passphrase fallback) is protected.
    pub fn of(method: Method, passphrase: bool) -> Encryption {
        match (method, passphrase) {
            (Method::Paper, _) => Encryption::None,
            (_, true) => Encryption::Passphrase,
            (_, false) => Encryption::X25519,
        }
    }

    /// The stored id (`x25519`, `passphrase`, `none`).
    pub fn id(self) -> &'static str {
        match self {
            Encryption::X25519 => "x25519",
            Encryption::Passphrase => "passphrase",
            Encryption::None => "none",
        }
    }
}

impl std::fmt::Display for Encryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for Encryption {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        Encryption::ALL
            .into_iter()
            .find(|e| e.id() == s.trim())
            .ok_or_else(|| {
                crate::Error::invalid(
                    "encryption",
                    format!("'{s}': the kinds are x25519, passphrase and none"),
                )
            })
    }
}

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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
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
