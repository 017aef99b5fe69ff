//! SQL for handovers and requests.

use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::ids::next_in;
use super::ledger::append_in;
use crate::handover::{HandoverCustomer, HandoverRecord};
use crate::requests::{Request, RequestStatus, Scope};
use crate::store::fields_from_db;
use crate::store::{Build, EventDraft, LedgerEntry};
use crate::{Error, Result};

const REQUEST_COLUMNS: &str = "id, customer_id, scope, received, channel, note, status, \
     decided_on, reason, notified_on, notified_channel, withdrawn_on";

fn conv(i: usize, what: &str, table: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        format!("bad {what} in the {table} table").into(),
    )
}

/// Column `i`, stored as text, read as a typed value (a date, an instant, an id).
pub(super) fn typed<T: std::str::FromStr>(
    r: &rusqlite::Row<'_>,
    i: usize,
    what: &str,
    table: &str,
) -> rusqlite::Result<T> {
    let text: String = r.get(i)?;
    text.parse().map_err(|_| conv(i, what, table))
}

/// Like [`typed`], for a column that may be NULL.
pub(super) fn typed_opt<T: std::str::FromStr>(
    r: &rusqlite::Row<'_>,
    i: usize,
    what: &str,
    table: &str,
) -> rusqlite::Result<Option<T>> {
    let text: Option<String> = r.get(i)?;
    text.map(|t| t.parse().map_err(|_| conv(i, what, table)))
        .transpose()
}

fn request_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Request> {
    let scope: String = r.get(2)?;
    let status: String = r.get(6)?;
    const T: &str = "requests";
    Ok(Request {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        scope: Scope::from_db(&scope).ok_or_else(|| conv(2, "scope", T))?,
        received: typed(r, 3, "received date", T)?,
        channel: typed(r, 4, "channel", T)?,
        note: r.get(5)?,
        status: RequestStatus::from_db(&status).ok_or_else(|| conv(6, "status", T))?,
        decided_on: typed_opt(r, 7, "decision date", T)?,
        reason: r.get(8)?,
        notified_on: typed_opt(r, 9, "notification date", T)?,
        notified_channel: typed_opt(r, 10, "notified channel", T)?,
        withdrawn_on: typed_opt(r, 11, "withdrawal date", T)?,
    })
}

const HANDOVER_COLUMNS: &str = "id, created_at, operator, contractor_id, work_type, method, \
     encryption, return_by, bundle_sha256, bundle_size, recipients, closed_on, closed_note, ledger_seq";

impl SqliteStore {
    pub(super) fn enforced_requests_sql(
        &self,
        customer_id: &str,
    ) -> rusqlite::Result<Vec<Request>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {REQUEST_COLUMNS} FROM requests WHERE customer_id = ?1 \
                 AND status IN ('pending', 'accepted') ORDER BY id"
            ))?
            .query_map([customer_id], request_from_row)?
            .collect()
    }

    pub(super) fn requests_sql(&self, customer_id: Option<&str>) -> rusqlite::Result<Vec<Request>> {
        let mut s = self.conn.prepare_cached(&format!(
            "SELECT {REQUEST_COLUMNS} FROM requests WHERE ?1 IS NULL OR customer_id = ?1 ORDER BY id"
        ))?;
        s.query_map([customer_id], request_from_row)?.collect()
    }

    pub(super) fn save_request_sql(
        &mut self,
        r: &Request,
        at: &str,
        event: &EventDraft,
    ) -> rusqlite::Result<LedgerEntry> {
        let tx = self.conn.savepoint()?;
        write_request(&tx, r, at)?;
        let e = append_in(&tx, event)?;
        tx.commit()?;
        Ok(e)
    }

    pub(super) fn add_request_sql(
        &mut self,
        year: i16,
        at: &str,
        build: Build<'_, Request>,
    ) -> Result<(Request, LedgerEntry)> {
        let path = self.path.clone();
        let err = move |source| Error::store(path.display(), source);
        let tx = self.conn.savepoint().map_err(&err)?;
        let id = next_in(&tx, "requests", &format!("REQ-{year}-"), 4).map_err(&err)?;
        let (r, event) = build(&id)?;
        write_request(&tx, &r, at).map_err(&err)?;
        let e = append_in(&tx, &event).map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok((r, e))
    }

    pub(super) fn reserve_handover_id_sql(&mut self, year: i16) -> rusqlite::Result<String> {
        let tx = self.conn.savepoint()?;
        let id = next_in(&tx, "handovers", &format!("HO-{year}-"), 6)?;
        tx.commit()?;
        Ok(id)
    }
}

fn write_request(tx: &Connection, r: &Request, at: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO requests (id, customer_id, scope, received, channel, note, status, \
             decided_on, reason, notified_on, notified_channel, withdrawn_on, created_at, \
             updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13) \
             ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, status = excluded.status, \
             note = excluded.note, decided_on = excluded.decided_on, reason = excluded.reason, \
             notified_on = excluded.notified_on, notified_channel = excluded.notified_channel, \
             withdrawn_on = excluded.withdrawn_on, updated_at = excluded.updated_at",
    )?
    .execute(params![
        r.id,
        r.customer_id,
        r.scope.to_db(),
        r.received.to_string(),
        r.channel.id(),
        r.note,
        r.status.as_str(),
        r.decided_on.map(|d| d.to_string()),
        r.reason,
        r.notified_on.map(|d| d.to_string()),
        r.notified_channel.map(|c| c.id()),
        r.withdrawn_on.map(|d| d.to_string()),
        at
    ])?;
    Ok(())
}

impl SqliteStore {
    pub(super) fn record_handover_sql(
        &mut self,
        h: &HandoverRecord,
        event: &EventDraft,
    ) -> rusqlite::Result<LedgerEntry> {
        let tx = self.conn.savepoint()?;
        let e = append_in(&tx, event)?;
        tx.prepare_cached(&format!(
            "INSERT INTO handovers ({HANDOVER_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
             ?9, ?10, ?11, NULL, NULL, ?12)"
        ))?
        .execute(params![
            h.id,
            h.created_at.to_string(),
            h.operator,
            h.contractor_id,
            h.work_type.id(),
            h.method.id(),
            h.encryption.id(),
            h.return_by.to_string(),
            h.bundle_sha256,
            h.bundle_size.map(|s| s as i64),
            serde_json::to_string(&h.recipients).unwrap_or_default(),
            e.seq as i64
        ])?;
        let mut stmt = tx.prepare_cached(
            "INSERT INTO handover_customers (handover_id, customer_id, position, fields) \
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, c) in h.customers.iter().enumerate() {
            let fields = c
                .fields
                .iter()
                .map(|f| f.id())
                .collect::<Vec<_>>()
                .join(",");
            stmt.execute(params![h.id, c.customer_id, i as i64, fields])?;
        }
        drop(stmt);
        tx.commit()?;
        Ok(e)
    }

    pub(super) fn handovers_sql(&self, id: Option<&str>) -> rusqlite::Result<Vec<HandoverRecord>> {
        let mut s = self.conn.prepare_cached(&format!(
            "SELECT {HANDOVER_COLUMNS} FROM handovers WHERE ?1 IS NULL OR id = ?1 ORDER BY id"
        ))?;
        let mut list: Vec<HandoverRecord> = s
            .query_map([id], handover_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let mut cs = self.conn.prepare_cached(
            "SELECT customer_id, fields FROM handover_customers WHERE handover_id = ?1 \
             ORDER BY position",
        )?;
        for h in &mut list {
            h.customers = cs
                .query_map([&h.id], |r| {
                    let f: String = r.get(1)?;
                    Ok(HandoverCustomer {
                        customer_id: r.get(0)?,
                        fields: fields_from_db(&f),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(list)
    }

    pub(super) fn close_handover_sql(
        &mut self,
        id: &str,
        on: &str,
        note: Option<&str>,
        event: &EventDraft,
    ) -> rusqlite::Result<Option<LedgerEntry>> {
        let tx = self.conn.savepoint()?;
        let n = tx
            .prepare_cached(
                "UPDATE handovers SET closed_on = ?2, closed_note = ?3 \
                 WHERE id = ?1 AND closed_on IS NULL",
            )?
            .execute(params![id, on, note])?;
        if n != 1 {
            return Ok(None);
        }
        let e = append_in(&tx, event)?;
        tx.commit()?;
        Ok(Some(e))
    }

    pub(super) fn handover_exists_sql(&self, id: &str) -> rusqlite::Result<bool> {
        self.conn
            .prepare_cached("SELECT 1 FROM handovers WHERE id = ?1")?
            .query_row([id], |_| Ok(()))
            .optional()
            .map(|o| o.is_some())
    }
}

/// A handover row in [`HANDOVER_COLUMNS`] order (its customers are read separately).
fn handover_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HandoverRecord> {
    let recipients: String = r.get(10)?;
    const T: &str = "handovers";
    Ok(HandoverRecord {
        id: r.get(0)?,
        created_at: typed(r, 1, "creation time", T)?,
        operator: r.get(2)?,
        contractor_id: r.get(3)?,
        work_type: typed(r, 4, "work type", T)?,
        method: typed(r, 5, "method", T)?,
        encryption: typed(r, 6, "encryption", T)?,
        return_by: typed(r, 7, "return-by date", T)?,
        bundle_sha256: r.get(8)?,
        bundle_size: r.get::<_, Option<i64>>(9)?.map(|s| s as u64),
        recipients: serde_json::from_str(&recipients).unwrap_or_default(),
        closed_on: typed_opt(r, 11, "closing date", T)?,
        closed_note: r.get(12)?,
        ledger_seq: r.get::<_, i64>(13)? as u64,
        customers: Vec::new(),
    })
}

pub(super) fn not_found(id: &str) -> Error {
    crate::refusal::Refusal::State {
        id: id.to_string(),
        problem: crate::refusal::StateProblem::HandoverNotOpen,
    }
    .into()
}
