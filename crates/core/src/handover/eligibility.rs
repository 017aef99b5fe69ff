//! Who may receive a handover, and which customers may be in one: the refusals of `prepare`,
//! asked ahead of time.
//!
//! The app's wizard shows these before staff have chosen everything — a contractor whose
//! agreement has lapsed greyed out with the reason, a customer who opted out greyed out in the
//! list — so they come from the very functions `prepare` applies, never from a copy of the rule
//! in the UI. `prepare` turns a contractor refusal into its error; the wizard shows it as a
//! reason.

use serde::Serialize;
use ts_rs::TS;

use super::{ExclusionReason, Method, PreparedCustomer, Withheld, WithheldReason};
use crate::register::Customer;
use crate::requests::{Request, Scope};
use crate::{Contractor, Error, Field};

/// Fields without which the contractor cannot do the work: who and where.
const REQUIRED: [Field; 3] = [Field::Name, Field::Address, Field::Phone];

/// Why a contractor cannot receive a handover on a day, or by a method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[ts(export)]
pub enum ContractorRefusal {
    /// The confidentiality agreement is signed after the day.
    AgreementNotYetValid {
        /// The day it was signed.
        #[ts(type = "string")]
        signed: jiff::civil::Date,
    },
    /// The confidentiality agreement expired before the day.
    AgreementExpired {
        /// Its last valid day.
        #[ts(type = "string")]
        expired: jiff::civil::Date,
    },
    /// An encrypted bundle needs an enrolled key (or the passphrase fallback).
    NoKey,
    /// A paper handover has no passphrase.
    PassphraseOnPaper,
    /// The policy refuses handovers while the contractor's yearly review is overdue or its
    /// certificate expired.
    SupervisionDue {
        /// The overdue review's due date (YYYY-MM-DD), if overdue.
        review_due: Option<String>,
        /// The certificate's expiry (YYYY-MM-DD), if it has passed.
        certificate_expired: Option<String>,
    },
}

impl ContractorRefusal {
    /// The error `prepare` and `pack` return for it: what is wrong and what to do.
    pub fn to_error(&self, c: &Contractor, date: jiff::civil::Date) -> Error {
        match self {
            ContractorRefusal::AgreementNotYetValid { .. }
            | ContractorRefusal::AgreementExpired { .. } => crate::refusal::Refusal::Contractor {
                name: c.name.clone(),
                id: c.id.clone(),
                problem: crate::refusal::ContractorProblem::Agreement {
                    on: date.to_string(),
                    signed: c.agreement_signed.to_string(),
                    expires: c.agreement_expires.to_string(),
                },
            }
            .into(),
            ContractorRefusal::NoKey => crate::refusal::Refusal::Contractor {
                name: c.name.clone(),
                id: c.id.clone(),
                problem: crate::refusal::ContractorProblem::NoKey,
            }
            .into(),
            ContractorRefusal::PassphraseOnPaper => crate::refusal::Refusal::Selection(
                crate::refusal::SelectionProblem::PassphraseMismatch,
            )
            .into(),
            ContractorRefusal::SupervisionDue {
                review_due,
                certificate_expired,
            } => Error::SupervisionDue {
                contractor: c.id.clone(),
                review_due: review_due.clone(),
                certificate_expired: certificate_expired.clone(),
            },
        }
    }
}

/// Why `c` cannot receive a handover on `date`, if it cannot (R5: a valid confidentiality
/// agreement on the day, both ends inclusive).
pub fn agreement_refusal(c: &Contractor, date: jiff::civil::Date) -> Option<ContractorRefusal> {
    if date < c.agreement_signed {
        Some(ContractorRefusal::AgreementNotYetValid {
            signed: c.agreement_signed,
        })
    } else if date > c.agreement_expires {
        Some(ContractorRefusal::AgreementExpired {
            expired: c.agreement_expires,
        })
    } else {
        debug_assert!(c.agreement_valid_on(date));
        None
    }
}

/// Why `c` cannot receive a handover on `date` by `method` (with or without the passphrase
/// fallback), if it cannot: the agreement first, then the key an encrypted bundle needs.
pub fn contractor_refusal(
    c: &Contractor,
    date: jiff::civil::Date,
    method: Method,
    passphrase: bool,
) -> Option<ContractorRefusal> {
    if let Some(r) = agreement_refusal(c, date) {
        return Some(r);
    }
    let needs_key = matches!(method, Method::Transfer | Method::Media) && !passphrase;
    if needs_key && c.recipients.is_empty() {
        return Some(ContractorRefusal::NoKey);
    }
    if passphrase && method == Method::Paper {
        return Some(ContractorRefusal::PassphraseOnPaper);
    }
    None
}

/// What one customer of a handover receives, or why the customer is left out.
///
/// `requests` are the customer's enforced (pending or accepted) requests, `fields` the minimal
/// set plus the extras asked for with a reason, `minimal` the work type's minimal set.
pub fn decide_customer(
    c: &Customer,
    requests: &[Request],
    fields: &[Field],
    minimal: &[Field],
) -> Result<PreparedCustomer, ExclusionReason> {
    if let Some(r) = requests.iter().find(|r| r.scope == Scope::All) {
        return Err(ExclusionReason::OptOut {
            request_id: r.id.clone(),
            status: r.status,
        });
    }
    let mut included = Vec::new();
    let mut withheld = Vec::new();
    for f in Field::stored() {
        if let Some(r) = requests.iter().find(|r| r.scope.covers(f)) {
            if c.has(f) {
                withheld.push(Withheld {
                    field: f,
                    reason: WithheldReason::CustomerRequest {
                        request_id: r.id.clone(),
                    },
                });
            }
            continue;
        }
        if !fields.contains(&f) {
            if c.has(f) {
                withheld.push(Withheld {
                    field: f,
                    reason: WithheldReason::NotNeeded,
                });
            }
            continue;
        }
        if !c.has(f) {
            if REQUIRED.contains(&f) && minimal.contains(&f) {
                return Err(ExclusionReason::MissingRequired { field: f });
            }
            withheld.push(Withheld {
                field: f,
                reason: WithheldReason::NoData,
            });
            continue;
        }
        included.push(f);
    }
    Ok(PreparedCustomer {
        customer_id: c.customer_id.clone(),
        name: c.name.clone(),
        included,
        withheld,
    })
}
