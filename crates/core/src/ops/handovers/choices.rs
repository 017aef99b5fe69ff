//! What the new-handover flow offers at each step: which contractors can receive today and by
//! which method, which customers cannot be included and why, which fields may be chosen and the
//! default dates. Each answer comes from the same rules [`super::prepare()`] and
//! [`super::pack()`] apply ([`crate::handover::contractor_refusal`],
//! [`crate::handover::decide_customer`]), so what a screen greys out is exactly what pack would
//! refuse.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;
use ts_rs::TS;

use super::super::Office;
use super::super::policy;
use super::super::supervision::pack_rule;
use super::check::resolve_return_by;
use super::warnings::PackWarning;
use crate::contractors::{AgreementStatus, RecipientKey};
use crate::handover::{
    ContractorRefusal, Excluded, Method, agreement_refusal, contractor_refusal, decide_customer,
};
use crate::requests::Request;
use crate::{Contractor, Error, Field, FieldClass, Result, WorkType};

/// A method (with or without the passphrase fallback) and whether the contractor can receive by
/// it today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MethodOption {
    /// transfer, media or paper.
    pub method: Method,
    /// A passphrase bundle instead of the contractor's keys.
    pub passphrase: bool,
    /// Why not, if not.
    pub refusal: Option<ContractorRefusal>,
}

/// A contractor as the wizard offers it: its keys, its agreement today and what it can receive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContractorChoice {
    /// The contractor.
    pub contractor: Contractor,
    /// Its keys with the fingerprints staff read back by phone.
    pub keys: Vec<RecipientKey>,
    /// The agreement's standing today.
    pub status: AgreementStatus,
    /// Why it cannot receive any handover today (`None`: it can).
    pub refusal: Option<ContractorRefusal>,
    /// Every method, with or without a passphrase, and whether it is possible.
    pub methods: Vec<MethodOption>,
    /// What a pack to it would warn about today (its supervision is due and the policy warns).
    pub supervision: Vec<PackWarning>,
}

/// The roster as the wizard offers it, for today.
pub fn contractor_choices(office: &Office) -> Result<Vec<ContractorChoice>> {
    let today = office.today();
    // A policy that cannot be read refuses every pack anyway (and says why there).
    let policy = policy(office).unwrap_or_default();
    let mut out = Vec::new();
    for c in office.store.contractors()? {
        let (supervision, due) = match pack_rule(office, &policy, &c) {
            Ok(warnings) => (warnings, None),
            Err(Error::SupervisionDue {
                review_due,
                certificate_expired,
                ..
            }) => (
                Vec::new(),
                Some(ContractorRefusal::SupervisionDue {
                    review_due,
                    certificate_expired,
                }),
            ),
            Err(e) => return Err(e),
        };
        let methods = [
            (Method::Transfer, false),
            (Method::Transfer, true),
            (Method::Media, false),
            (Method::Media, true),
            (Method::Paper, false),
        ]
        .into_iter()
        .map(|(method, passphrase)| MethodOption {
            method,
            passphrase,
            refusal: contractor_refusal(&c, today, method, passphrase).or_else(|| due.clone()),
        })
        .collect();
        out.push(ContractorChoice {
            keys: c.keys(),
            status: c.agreement_status(today),
            refusal: agreement_refusal(&c, today).or_else(|| due.clone()),
            methods,
            supervision,
            contractor: c,
        });
    }
    Ok(out)
}

/// Every customer of the register who cannot be in a handover for `work_type`, and why: an
/// opt-out, or a field the work needs that the register lacks. Everyone else can be included
/// (with fields withheld per their own requests, which [`super::prepare`] lists).
///
/// The same decision as `prepare`, made for the whole register at once: one pass over the
/// customers and one over the requests, so a 100,000-customer register is screened in well
/// under a second.
pub fn screen_customers(office: &Office, work_type: WorkType) -> Result<Vec<Excluded>> {
    let policy = policy(office)?;
    let minimal = policy.fields_for(work_type);
    let mut enforced: HashMap<String, Vec<Request>> = HashMap::new();
    for r in office.store.requests(None)? {
        if r.status.is_enforced() {
            enforced.entry(r.customer_id.clone()).or_default().push(r);
        }
    }
    let mut out = Vec::new();
    for c in office.store.search_customers("", None)? {
        let requests = enforced
            .get(&c.customer_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if let Err(reason) = decide_customer(&c, requests, minimal, minimal) {
            out.push(Excluded {
                customer_id: c.customer_id,
                reason,
            });
        }
    }
    Ok(out)
}

/// How a field can be chosen for a work type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FieldChoice {
    /// In the work type's minimal set: always included.
    Minimal,
    /// Outside the minimal set: may be added with a written reason.
    Extra,
    /// Payment data: never stored, never handed over.
    Never,
}

/// A field as the wizard's field step shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldOption {
    /// The field.
    pub field: Field,
    /// 日本語
    pub label_ja: String,
    /// English
    pub label_en: String,
    /// Its class.
    pub class: FieldClass,
    /// How it can be chosen.
    pub choice: FieldChoice,
}

/// Every field, in catalog order, and how it can be chosen for `work_type` under the office
/// policy.
pub fn field_options(office: &Office, work_type: WorkType) -> Result<Vec<FieldOption>> {
    let policy = policy(office)?;
    let minimal = policy.fields_for(work_type);
    Ok(Field::ALL
        .into_iter()
        .map(|f| FieldOption {
            field: f,
            label_ja: f.label_ja().into(),
            label_en: f.label_en().into(),
            class: f.class(),
            choice: if f.is_payment() {
                FieldChoice::Never
            } else if minimal.contains(&f) {
                FieldChoice::Minimal
            } else {
                FieldChoice::Extra
            },
        })
        .collect())
}

/// Dates the wizard starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HandoverDefaults {
    /// Today in the office's time zone.
    #[ts(type = "string")]
    pub today: Date,
    /// The default return-or-destroy date: today + the policy's return days.
    #[ts(type = "string")]
    pub return_by: Date,
    /// The policy's return days.
    pub return_days: u32,
}

/// Today and the default return-or-destroy date.
pub fn handover_defaults(office: &Office) -> Result<HandoverDefaults> {
    let policy = policy(office)?;
    Ok(HandoverDefaults {
        today: office.today(),
        return_by: resolve_return_by(office.today(), &policy, None)?,
        return_days: policy.return_days,
    })
}
