//! Closing a handover (the contractor returned or destroyed the data) and listing handovers.

use super::super::Office;
use crate::handover::HandoverRecord;
use crate::{Error, Result};

/// Record that the contractor returned or destroyed the data of a handover.
pub fn confirm_destruction(
    office: &mut Office,
    id: &str,
    date: &str,
    note: Option<&str>,
) -> Result<HandoverRecord> {
    let on = crate::dates::parse_date(date)?;
    if on > office.today() {
        return Err(Error::date_in_future("date", on));
    }
    let h = office
        .store
        .handovers(Some(id))?
        .pop()
        .ok_or_else(|| Error::UnknownHandover(id.into()))?;
    // The day it was handed over, in the office's time zone (as `today` is).
    let handed_over = crate::history::local_date(h.created_at);
    if on < handed_over {
        return Err(crate::refusal::Refusal::DateOrder {
            rule: crate::refusal::DateOrder::Closed,
            date: on.to_string(),
            limit: handed_over.to_string(),
        }
        .into());
    }
    if let Some(c) = h.closed_on {
        return Err(crate::refusal::Refusal::State {
            id: id.to_string(),
            problem: crate::refusal::StateProblem::HandoverClosed { on: c.to_string() },
        }
        .into());
    }
    let mut event = office.event(
        "handover.destroyed",
        serde_json::json!({ "handoverId": id, "on": on.to_string(), "note": note }),
    );
    event.customers = h.customers.iter().map(|c| c.customer_id.clone()).collect();
    office
        .store
        .close_handover(id, &on.to_string(), note, event)?;
    Ok(office.store.handovers(Some(id))?.pop().unwrap_or(h))
}

/// Every handover, oldest first.
pub fn handovers(office: &Office) -> Result<Vec<HandoverRecord>> {
    office.store.handovers(None)
}

/// Open handovers past their return-or-destroy date.
pub fn overdue_handovers(office: &Office) -> Result<Vec<HandoverRecord>> {
    let today = office.today();
    Ok(handovers(office)?
        .into_iter()
        .filter(|h| h.is_overdue(today))
        .collect())
}
