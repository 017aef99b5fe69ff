//! The SQL side of the derived-table check: cursors over the tables in the order the
//! [`Checker`] walks them. The comparison itself is backend-independent (ledger/derived.rs).
//!
//! Every column is read as text whatever SQLite holds in it, so that a value someone edited
//! into the wrong type is reported as a disagreement rather than failing the read.

use rusqlite::types::ValueRef;

use super::SqliteStore;
use super::ledger::walk_entries;
use crate::store::ledger::derived::{
    Checker, DerivedReport, HandoverCustomerRow, HandoverRow, IndexRow, RequestRow,
};
use crate::{Error, Result};

/// A column as text (`None` for NULL); numbers are written out, bytes read lossily.
pub(super) fn opt_text(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<String>> {
    Ok(match r.get_ref(i)? {
        ValueRef::Null => None,
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    })
}

pub(super) fn text(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<String> {
    Ok(opt_text(r, i)?.unwrap_or_default())
}

/// A column as an integer; anything else reads as -1, which no row or entry has.
pub(super) fn int(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<i64> {
    Ok(match r.get_ref(i)? {
        ValueRef::Integer(n) => n,
        _ => -1,
    })
}

pub(super) fn opt_int(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<i64>> {
    Ok(match r.get_ref(i)? {
        ValueRef::Null => None,
        _ => Some(int(r, i)?),
    })
}

fn handover_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HandoverRow> {
    Ok(HandoverRow {
        id: text(r, 0)?,
        created_at: text(r, 1)?,
        operator: text(r, 2)?,
        contractor_id: text(r, 3)?,
        work_type: text(r, 4)?,
        method: text(r, 5)?,
        encryption: text(r, 6)?,
        return_by: text(r, 7)?,
        bundle_sha256: opt_text(r, 8)?,
        bundle_size: opt_int(r, 9)?,
        recipients: text(r, 10)?,
        closed_on: opt_text(r, 11)?,
        closed_note: opt_text(r, 12)?,
        ledger_seq: int(r, 13)?,
    })
}

fn request_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RequestRow> {
    Ok(RequestRow {
        id: text(r, 0)?,
        customer_id: text(r, 1)?,
        scope: text(r, 2)?,
        received: text(r, 3)?,
        channel: text(r, 4)?,
        note: opt_text(r, 5)?,
        status: text(r, 6)?,
        decided_on: opt_text(r, 7)?,
        reason: opt_text(r, 8)?,
        notified_on: opt_text(r, 9)?,
        notified_channel: opt_text(r, 10)?,
        withdrawn_on: opt_text(r, 11)?,
    })
}

impl SqliteStore {
    /// The first `handover_customers` row whose handover is not in the table.
    fn orphan_customer_row(&self) -> rusqlite::Result<Option<(String, String)>> {
        let mut s = self.conn.prepare(
            "SELECT handover_id, customer_id FROM handover_customers \
             WHERE handover_id NOT IN (SELECT id FROM handovers) \
             ORDER BY handover_id, position LIMIT 1",
        )?;
        let mut rows = s.query_map([], |r| Ok((text(r, 0)?, text(r, 1)?)))?;
        rows.next().transpose()
    }

    pub(super) fn check_derived_sql(&self) -> Result<DerivedReport> {
        let path = self.path.clone();
        let err = move |source| Error::store(path.display(), source);
        let mut hs = self
            .conn
            .prepare(
                "SELECT id, created_at, operator, contractor_id, work_type, method, encryption, \
                 return_by, bundle_sha256, bundle_size, recipients, closed_on, closed_note, \
                 ledger_seq FROM handovers ORDER BY ledger_seq, id",
            )
            .map_err(&err)?;
        let mut ix = self
            .conn
            .prepare("SELECT seq, customer_id FROM ledger_customers ORDER BY seq, customer_id")
            .map_err(&err)?;
        let mut cs = self
            .conn
            .prepare(
                "SELECT customer_id, position, fields FROM handover_customers \
                 WHERE handover_id = ?1 ORDER BY position",
            )
            .map_err(&err)?;
        let e1 = err.clone();
        let handovers = hs
            .query_map([], handover_row)
            .map_err(&err)?
            .map(move |r| r.map_err(&e1));
        let e2 = err.clone();
        let index = ix
            .query_map([], |r| {
                Ok(IndexRow {
                    seq: int(r, 0)?,
                    customer_id: text(r, 1)?,
                })
            })
            .map_err(&err)?
            .map(move |r| r.map_err(&e2));
        let e3 = err.clone();
        let customers_of = move |id: &str| -> Result<Vec<HandoverCustomerRow>> {
            cs.query_map([id], |r| {
                Ok(HandoverCustomerRow {
                    customer_id: text(r, 0)?,
                    position: int(r, 1)?,
                    fields: text(r, 2)?,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(&e3)
        };
        let mut checker =
            Checker::new(Box::new(handovers), Box::new(index), Box::new(customers_of));
        walk_entries(&self.conn, &self.path, &mut |e| checker.entry(e))?;

        let orphan = self.orphan_customer_row().map_err(&err)?;
        let mut rs = self
            .conn
            .prepare(
                "SELECT id, customer_id, scope, received, channel, note, status, decided_on, \
                 reason, notified_on, notified_channel, withdrawn_on FROM requests ORDER BY id",
            )
            .map_err(&err)?;
        let e4 = err.clone();
        let requests = rs
            .query_map([], request_row)
            .map_err(&err)?
            .map(move |r| r.map_err(&e4));
        checker.finish(Box::new(requests), orphan)
    }
}
