//! Exactly what a handover would contain, and the customers' data a bundle or a sheet is
//! written from.

use super::super::Office;
use super::super::policy;
use crate::bundle::BundleCustomer;
use crate::contractors::RecipientKey;
use crate::handover::{self, Encryption, Preparation, Selection};
use crate::{Error, Field, Policy, Result, keys};

/// Exactly what a handover would contain, without writing anything.
pub fn prepare(office: &Office, sel: &Selection) -> Result<Preparation> {
    prepare_with(office, &policy(office)?, sel)
}

pub(super) fn prepare_with(
    office: &Office,
    policy: &Policy,
    sel: &Selection,
) -> Result<Preparation> {
    let mut prep = handover::prepare(office.store(), policy, sel, office.today())?;
    if prep.encryption == Encryption::X25519 {
        // Before the office keys exist there is no escrow to show; pack refuses then.
        prep.escrow = keys::office_public_keys(&office.dir)
            .ok()
            .map(|k| RecipientKey {
                recipient: k.recipient,
                fingerprint: k.recipient_fingerprint,
            });
    }
    Ok(prep)
}

/// The customers of a preparation with exactly the fields they may receive and their stored
/// floor-plan files: what a bundle or a sheet is written from.
pub(super) fn bundle_customers(office: &Office, prep: &Preparation) -> Result<Vec<BundleCustomer>> {
    let mut out = Vec::with_capacity(prep.customers.len());
    for pc in &prep.customers {
        let customer = office
            .store
            .customer(&pc.customer_id)?
            .ok_or_else(|| Error::UnknownCustomer(pc.customer_id.clone()))?;
        let plan = customer
            .floor_plan
            .as_ref()
            .filter(|_| pc.included.contains(&Field::FloorPlan));
        let plan_source = plan.map(|f| super::super::at_rest::plan_source(office, f));
        out.push(BundleCustomer {
            customer,
            fields: pc.included.clone(),
            plan_source,
        });
    }
    Ok(out)
}
