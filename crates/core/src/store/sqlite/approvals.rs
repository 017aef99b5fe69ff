//! SQL for approval requests (migration 0008): asked, decided once, used once.

use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::ids::next_in;
use super::ledger::append_in;
use crate::approvals::{Approval, ApprovalStatus};
use crate::store::{ApprovalUse, Build, EventDraft, LedgerEntry};
use crate::{Error, Result};

const COLUMNS: &str = "id, requested_by, requested_at, ask, status, decided_by, decided_at, \
     reason, expires_at, used_by, used_at, handover_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Approval, String)> {
    let ask: String = r.get(3)?;
    let status: String = r.get(4)?;
    let ask = serde_json::from_str(&ask).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, e.into())
    })?;
    Ok((
        Approval {
            id: r.get(0)?,
            requested_by: r.get(1)?,
            requested_at: r.get(2)?,
            ask,
            status: ApprovalStatus::Pending,
            decided_by: r.get(5)?,
            decided_at: r.get(6)?,
            reason: r.get(7)?,
            expires_at: r.get(8)?,
            used_by: r.get(9)?,
            used_at: r.get(10)?,
            handover_id: r.get(11)?,
        },
        status,
    ))
}

/// The stored status of `id`, if it exists.
fn status_in(tx: &Connection, id: &str) -> rusqlite::Result<Option<String>> {
    tx.query_row("SELECT status FROM approvals WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()
}

/// Mark an approved approval used, in the caller's transaction, and append its entry; refused
/// (nothing changed) unless it is approved and unused.
pub(super) fn use_in(tx: &Connection, loc: &str, u: &ApprovalUse, handover_id: &str) -> Result<()> {
    let err = |e| Error::store(loc, e);
    let n = tx
        .execute(
            "UPDATE approvals SET status = 'used', used_by = ?2, used_at = ?3, handover_id = ?4 \
             WHERE id = ?1 AND status = 'approved'",
            params![u.id, u.by, u.event.at, handover_id],
        )
        .map_err(err)?;
    if n == 0 {
        return Err(match status_in(tx, &u.id).map_err(err)? {
            None => Error::UnknownApproval(u.id.clone()),
            Some(status) => Error::ApprovalNotUsable {
                id: u.id.clone(),
                status,
                detail: String::new(),
            },
        });
    }
    append_in(tx, &u.event).map_err(err)?;
    Ok(())
}

impl SqliteStore {
    pub(super) fn add_approval_sql(
        &mut self,
        year: i16,
        build: Build<'_, Approval>,
    ) -> Result<(Approval, LedgerEntry)> {
        let path = self.path.clone();
        let err = move |source| Error::store(path.display(), source);
        let tx = self.conn.savepoint().map_err(&err)?;
        let id = next_in(&tx, "approvals", &format!("APR-{year}-"), 4).map_err(&err)?;
        let (a, event) = build(&id)?;
        let ask = serde_json::to_string(&a.ask).unwrap_or_default();
        tx.execute(
            "INSERT INTO approvals (id, requested_by, requested_at, ask, digest, status, \
             expires_at) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6)",
            params![
                a.id,
                a.requested_by,
                a.requested_at,
                ask,
                a.ask.digest,
                a.expires_at
            ],
        )
        .map_err(&err)?;
        let e = append_in(&tx, &event).map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok((a, e))
    }

    pub(super) fn approvals_sql(&self, id: Option<&str>) -> Result<Vec<Approval>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM approvals WHERE ?1 IS NULL OR id = ?1 ORDER BY id DESC"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([id], row)
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(|(mut a, status)| {
                a.status = status.parse()?;
                Ok(a)
            })
            .collect()
    }

    pub(super) fn decide_approval_sql(
        &mut self,
        a: &Approval,
        event: &EventDraft,
    ) -> Result<LedgerEntry> {
        let path = self.path.clone();
        let err = move |source| Error::store(path.display(), source);
        let tx = self.conn.savepoint().map_err(&err)?;
        let n = tx
            .execute(
                "UPDATE approvals SET status = ?2, decided_by = ?3, decided_at = ?4, \
                 reason = ?5, expires_at = ?6 WHERE id = ?1 AND status = 'pending'",
                params![
                    a.id,
                    a.status.id(),
                    a.decided_by,
                    a.decided_at,
                    a.reason,
                    a.expires_at
                ],
            )
            .map_err(&err)?;
        if n == 0 {
            return Err(match status_in(&tx, &a.id).map_err(&err)? {
                None => Error::UnknownApproval(a.id.clone()),
                Some(status) => Error::ApprovalDecided {
                    id: a.id.clone(),
                    status,
                },
            });
        }
        let e = append_in(&tx, event).map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(e)
    }
}
