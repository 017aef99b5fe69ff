//! What a pack relied on, checked again when it is recorded.
//!
//! Between `prepare` and the recording transaction, another PC can register an opt-out for a
//! customer in the bundle or change the contractor. The recording transaction reads both again
//! under the ledger's write lock ([`crate::store::Recheck`]) and refuses if anything the
//! preparation decided no longer holds: no handover is recorded past a customer's request.

use super::Preparation;
use crate::store::Recheck;
use crate::{Error, Result};

/// Refuse if a customer in `prep` now has an enforced request that covers a field being handed
/// over (or everything), or if the contractor's record changed.
pub fn recheck(prep: &Preparation, now: &dyn Recheck) -> Result<()> {
    match now.contractor(&prep.contractor.id)? {
        Some(c) if c == prep.contractor => {}
        _ => {
            return Err(Error::ChangedMeanwhile(format!(
                "the record of {} ({}) was changed (on another PC or in another window) while this \
                 handover was being packed",
                prep.contractor.name, prep.contractor.id
            )));
        }
    }
    let ids: Vec<&str> = prep
        .customers
        .iter()
        .map(|c| c.customer_id.as_str())
        .collect();
    let requests = now.enforced_requests_of(&ids)?;
    for c in &prep.customers {
        let covering = requests.iter().find(|r| {
            r.customer_id == c.customer_id
                && (r.scope == crate::requests::Scope::All
                    || c.included.iter().any(|f| r.scope.covers(*f)))
        });
        if let Some(r) = covering {
            return Err(Error::ChangedMeanwhile(format!(
                "customer {} asked for their data to be withheld (request {}, registered while \
                 this handover was being packed)",
                c.customer_id, r.id
            )));
        }
    }
    Ok(())
}
