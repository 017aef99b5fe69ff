//! Apply the rules to a selection. Every refusal here is an error the caller cannot skip;
//! every customer-level decision is in the result with its reason.

use std::collections::HashSet;

use super::eligibility::{contractor_refusal, decide_customer};
use super::{
    Encryption, Excluded, ExclusionReason, ExtraField, Preparation, PreparedCustomer, Selection,
};
use crate::store::Store;
use crate::{Error, Field, Policy, Result};

/// Decide what a handover of `sel` on `date` would contain.
pub fn prepare(
    store: &dyn Store,
    policy: &Policy,
    sel: &Selection,
    date: jiff::civil::Date,
) -> Result<Preparation> {
    let contractor = store
        .contractor(&sel.contractor_id)?
        .ok_or_else(|| Error::UnknownContractor(sel.contractor_id.clone()))?;
    if let Some(r) = contractor_refusal(&contractor, date, sel.method, sel.passphrase) {
        return Err(r.to_error(&contractor, date));
    }
    let minimal = policy.fields_for(sel.work_type);
    let (fields, extras) = fields_asked(sel, minimal)?;
    if sel.customers.is_empty() {
        return Err(crate::refusal::Refusal::Selection(
            crate::refusal::SelectionProblem::NoCustomers,
        )
        .into());
    }
    let (customers, excluded) = decide_customers(store, &sel.customers, &fields, minimal)?;
    let encryption = Encryption::of(sel.method, sel.passphrase);
    Ok(Preparation {
        recipients: match encryption {
            Encryption::X25519 => contractor.keys(),
            Encryption::Passphrase | Encryption::None => Vec::new(),
        },
        // Filled in by `ops::prepare`, which knows the office's keys.
        escrow: None,
        encryption,
        contractor,
        work_type: sel.work_type,
        method: sel.method,
        fields,
        extra_fields: extras,
        customers,
        excluded,
        date,
    })
}

/// The minimal set plus the extras asked for (sorted), and the extras with their trimmed
/// reasons; refuses a payment field, an extra without a reason and one already in the set.
fn fields_asked(sel: &Selection, minimal: &[Field]) -> Result<(Vec<Field>, Vec<ExtraField>)> {
    let mut fields: Vec<Field> = minimal.to_vec();
    let mut extras: Vec<ExtraField> = Vec::new();
    for x in &sel.extra_fields {
        if x.field.is_payment() {
            return Err(crate::refusal::Refusal::Selection(
                crate::refusal::SelectionProblem::PaymentField {
                    field: x.field.into(),
                },
            )
            .into());
        }
        if x.reason.trim().is_empty() {
            return Err(crate::refusal::Refusal::Selection(
                crate::refusal::SelectionProblem::ExtraWithoutReason {
                    field: x.field.into(),
                    work: sel.work_type.into(),
                },
            )
            .into());
        }
        if fields.contains(&x.field) {
            return Err(crate::refusal::Refusal::Selection(
                crate::refusal::SelectionProblem::ExtraInMinimal {
                    field: x.field.into(),
                    work: sel.work_type.into(),
                },
            )
            .into());
        }
        fields.push(x.field);
        extras.push(ExtraField {
            field: x.field,
            reason: x.reason.trim().to_string(),
        });
    }
    fields.sort();
    Ok((fields, extras))
}

/// Each selected customer: included with the fields they may receive, or excluded with why
/// (listed twice, not in the register, an opt-out, a required field missing).
fn decide_customers(
    store: &dyn Store,
    ids: &[String],
    fields: &[Field],
    minimal: &[Field],
) -> Result<(Vec<PreparedCustomer>, Vec<Excluded>)> {
    let mut seen = HashSet::new();
    let mut customers = Vec::new();
    let mut excluded = Vec::new();
    for raw in ids {
        let id = raw.trim();
        let decision = if !seen.insert(id.to_string()) {
            Err(ExclusionReason::Duplicate)
        } else {
            match store.customer(id)? {
                None => Err(ExclusionReason::UnknownCustomer),
                Some(c) => decide_customer(&c, &store.enforced_requests(id)?, fields, minimal),
            }
        };
        match decision {
            Ok(pc) => customers.push(pc),
            Err(reason) => excluded.push(Excluded {
                customer_id: id.into(),
                reason,
            }),
        }
    }
    Ok((customers, excluded))
}
