//! The supervision record of each contractor on the shared store: one JSON document per
//! contractor, changed under the contractor row's lock so that two PCs never lose each
//! other's change.

use postgres::Client;

use super::{At, append_in};
use crate::store::{LedgerEntry, SupervisionEdit};
use crate::supervision::Supervision;
use crate::{Error, Result};

fn parse(loc: &str, text: Option<String>) -> Result<Supervision> {
    match text {
        None => Ok(Supervision::default()),
        Some(t) => serde_json::from_str(&t).map_err(|e| Error::store(loc, e)),
    }
}

/// The record as stored (empty if none).
pub(super) fn read(c: &mut Client, loc: &str, id: &str) -> Result<Supervision> {
    let text = c
        .query_opt(
            "SELECT record FROM contractor_supervision WHERE contractor_id = $1",
            &[&id],
        )
        .at(loc)?
        .map(|r| r.get(0));
    parse(loc, text)
}

/// In the caller's transaction: lock the contractor, edit, write, record.
pub(super) fn change(
    c: &mut Client,
    loc: &str,
    id: &str,
    at: &str,
    edit: SupervisionEdit<'_>,
) -> Result<(Supervision, LedgerEntry)> {
    let locked = c
        .query_opt(
            "SELECT id FROM contractors WHERE id = $1 FOR UPDATE",
            &[&id],
        )
        .at(loc)?;
    if locked.is_none() {
        return Err(Error::UnknownContractor(id.into()));
    }
    let (record, event) = edit(read(c, loc, id)?)?;
    let json = serde_json::to_string(&record).map_err(|e| Error::store(loc, e))?;
    c.execute(
        "INSERT INTO contractor_supervision (contractor_id, record, updated_at) \
         VALUES ($1, $2, $3) ON CONFLICT (contractor_id) DO UPDATE \
         SET record = excluded.record, updated_at = excluded.updated_at",
        &[&id, &json, &at],
    )
    .at(loc)?;
    let entry = append_in(c, &event, loc)?;
    Ok((record, entry))
}
