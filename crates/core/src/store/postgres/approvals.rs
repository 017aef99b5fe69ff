//! Approval requests on the shared store (migration 0002): the same rows as the embedded
//! store's, with the server's guard deciding who may ask, decide and use.

use postgres::{Client, Row};

use super::{At, PgStore, append_in, next_in};
use crate::approvals::{Approval, ApprovalStatus};
use crate::store::{ApprovalUse, Build, EventDraft, LedgerEntry};
use crate::{Error, Result};

const COLUMNS: &str = "id, requested_by, requested_at, ask, status, decided_by, decided_at, \
     reason, expires_at, used_by, used_at, handover_id";

fn approval(r: &Row, loc: &str) -> Result<Approval> {
    let get =
        |i: usize| -> Result<Option<String>> { r.try_get(i).map_err(|e| Error::store(loc, e)) };
    let need = |i: usize| -> Result<String> { Ok(get(i)?.unwrap_or_default()) };
    let ask = serde_json::from_str(&need(3)?).map_err(|e| Error::store(loc, e))?;
    let status: ApprovalStatus = need(4)?.parse()?;
    Ok(Approval {
        id: need(0)?,
        requested_by: need(1)?,
        requested_at: need(2)?,
        ask,
        status,
        decided_by: get(5)?,
        decided_at: get(6)?,
        reason: get(7)?,
        expires_at: need(8)?,
        used_by: get(9)?,
        used_at: get(10)?,
        handover_id: get(11)?,
    })
}

fn status_in(c: &mut Client, id: &str, loc: &str) -> Result<Option<String>> {
    Ok(
        c.query_opt("SELECT status FROM approvals WHERE id = $1", &[&id])
            .at(loc)?
            .map(|r| r.get(0)),
    )
}

/// Mark an approved approval used in the caller's transaction and append its entry; refused
/// (nothing changed) unless it is approved and unused.
pub(super) fn use_in(c: &mut Client, u: &ApprovalUse, handover_id: &str, loc: &str) -> Result<()> {
    let n = c
        .execute(
            "UPDATE approvals SET status = 'used', used_by = $2, used_at = $3, handover_id = $4 \
             WHERE id = $1 AND status = 'approved'",
            &[&u.id, &u.by, &u.event.at, &handover_id],
        )
        .at(loc)?;
    if n == 0 {
        return Err(match status_in(c, &u.id, loc)? {
            None => Error::UnknownApproval(u.id.clone()),
            Some(status) => Error::ApprovalNotUsable {
                id: u.id.clone(),
                status,
                detail: String::new(),
            },
        });
    }
    append_in(c, &u.event, loc)?;
    Ok(())
}

impl PgStore {
    pub(super) fn add_approval_pg(
        &mut self,
        year: i16,
        build: Build<'_, Approval>,
    ) -> Result<(Approval, LedgerEntry)> {
        self.tx(|c, loc| {
            let id = next_in(c, "approvals", &format!("APR-{year}-"), 4, loc)?;
            let (a, event) = build(&id)?;
            let ask = serde_json::to_string(&a.ask).unwrap_or_default();
            c.execute(
                "INSERT INTO approvals (id, requested_by, requested_at, ask, digest, status, \
                 expires_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
                &[
                    &a.id,
                    &a.requested_by,
                    &a.requested_at,
                    &ask,
                    &a.ask.digest,
                    &a.expires_at,
                ],
            )
            .at(loc)?;
            let e = append_in(c, &event, loc)?;
            Ok((a, e))
        })
    }

    pub(super) fn approvals_pg(&self, id: Option<&str>) -> Result<Vec<Approval>> {
        self.query(
            &format!(
                "SELECT {COLUMNS} FROM approvals WHERE $1::TEXT IS NULL OR id = $1 \
                 ORDER BY id DESC"
            ),
            &[&id],
        )?
        .iter()
        .map(|r| approval(r, &self.location))
        .collect()
    }

    pub(super) fn decide_approval_pg(
        &mut self,
        a: &Approval,
        event: &EventDraft,
    ) -> Result<LedgerEntry> {
        self.tx(|c, loc| {
            let n = c
                .execute(
                    "UPDATE approvals SET status = $2, decided_by = $3, decided_at = $4, \
                     reason = $5, expires_at = $6 WHERE id = $1 AND status = 'pending'",
                    &[
                        &a.id,
                        &a.status.id(),
                        &a.decided_by,
                        &a.decided_at,
                        &a.reason,
                        &a.expires_at,
                    ],
                )
                .at(loc)?;
            if n == 0 {
                return Err(match status_in(c, &a.id, loc)? {
                    None => Error::UnknownApproval(a.id.clone()),
                    Some(status) => Error::ApprovalDecided {
                        id: a.id.clone(),
                        status,
                    },
                });
            }
            append_in(c, event, loc)
        })
    }
}
