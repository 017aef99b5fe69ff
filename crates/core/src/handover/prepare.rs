//! Apply the rules to a selection. Every refusal here is an error the caller cannot skip;
//! every customer-level decision is in the result with its reason.

use std::collections::HashSet;

use super::{
    Excluded, ExclusionReason, ExtraField, Method, Preparation, PreparedCustomer, Selection,
    Withheld, WithheldReason,
};
use crate::ledger::Store;
use crate::{Error, Field, Policy, Result};

/// Fields without which the contractor cannot do the work: who and where.
const REQUIRED: [Field; 3] = [Field::Name, Field::Address, Field::Phone];

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
    if !contractor.agreement_valid_on(date) {
        return Err(Error::invalid(
            "contractor",
            format!(
                "{} ({}) has no confidentiality agreement valid on {date} (signed {}, expires {}): \
                 renew it before handing over any data",
                contractor.name,
                contractor.id,
                contractor.agreement_signed,
                contractor.agreement_expires
            ),
        ));
    }
    let needs_key = matches!(sel.method, Method::Transfer | Method::Media) && !sel.passphrase;
    if needs_key && contractor.recipients.is_empty() {
        return Err(Error::invalid(
            "contractor",
            format!(
                "{} has no enrolled key: enroll the contractor's age key (checked by phone), or \
                 use paper or a passphrase bundle",
                contractor.name
            ),
        ));
    }
    if sel.passphrase && sel.method == Method::Paper {
        return Err(Error::invalid(
            "method",
            "a paper handover has no passphrase",
        ));
    }

    let minimal = policy.fields_for(sel.work_type);
    let mut fields: Vec<Field> = minimal.to_vec();
    let mut extras: Vec<ExtraField> = Vec::new();
    for x in &sel.extra_fields {
        if x.field.is_payment() {
            return Err(Error::invalid(
                "extra field",
                format!(
                    "{} ({}) is payment data: it is never stored and can never be handed over",
                    x.field.label_ja(),
                    x.field
                ),
            ));
        }
        if x.reason.trim().is_empty() {
            return Err(Error::invalid(
                "extra field",
                format!(
                    "{} ({}) is outside the minimal set for {}: give the reason the contractor \
                     needs it (it is recorded)",
                    x.field.label_ja(),
                    x.field,
                    sel.work_type
                ),
            ));
        }
        if fields.contains(&x.field) {
            return Err(Error::invalid(
                "extra field",
                format!(
                    "{} is already in the minimal set for {}",
                    x.field, sel.work_type
                ),
            ));
        }
        fields.push(x.field);
        extras.push(ExtraField {
            field: x.field,
            reason: x.reason.trim().to_string(),
        });
    }
    fields.sort();
    if sel.customers.is_empty() {
        return Err(Error::invalid("customers", "no customers selected"));
    }

    let mut seen = HashSet::new();
    let mut customers = Vec::new();
    let mut excluded = Vec::new();
    'customers: for raw in &sel.customers {
        let id = raw.trim();
        if !seen.insert(id.to_string()) {
            excluded.push(Excluded {
                customer_id: id.into(),
                reason: ExclusionReason::Duplicate,
            });
            continue;
        }
        let Some(c) = store.customer(id)? else {
            excluded.push(Excluded {
                customer_id: id.into(),
                reason: ExclusionReason::UnknownCustomer,
            });
            continue;
        };
        let requests = store.enforced_requests(id)?;
        if let Some(r) = requests
            .iter()
            .find(|r| r.scope == crate::requests::Scope::All)
        {
            excluded.push(Excluded {
                customer_id: id.into(),
                reason: ExclusionReason::OptOut {
                    request_id: r.id.clone(),
                    status: r.status.as_str().into(),
                },
            });
            continue;
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
                    excluded.push(Excluded {
                        customer_id: id.into(),
                        reason: ExclusionReason::MissingRequired { field: f },
                    });
                    continue 'customers;
                }
                withheld.push(Withheld {
                    field: f,
                    reason: WithheldReason::NoData,
                });
                continue;
            }
            included.push(f);
        }
        customers.push(PreparedCustomer {
            customer_id: c.customer_id.clone(),
            name: c.name.clone(),
            included,
            withheld,
        });
    }
    Ok(Preparation {
        contractor,
        work_type: sel.work_type,
        method: sel.method,
        fields,
        extra_fields: extras,
        customers,
        excluded,
        date: date.to_string(),
    })
}
