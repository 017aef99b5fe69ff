//! Reading the whole ledger and the derived tables in batches (server-side portals in one
//! read-only, repeatable-read transaction), so that verification of a million entries keeps a
//! bounded memory and sees one consistent state while other PCs go on appending.

use std::cell::RefCell;
use std::collections::VecDeque;

use postgres::types::ToSql;
use postgres::{Client, IsolationLevel, Portal, Row, Transaction};

use super::binary_copy::BinaryRows;
use super::{At, rows};
use crate::store::ledger::chain::EntryRef;
use crate::store::ledger::derived::{
    Checker, DerivedReport, HandoverCustomerRow, HandoverRow, IndexRow, RequestRow,
};
use crate::{Error, Result};

/// Rows fetched per round trip.
const BATCH: i32 = 10_000;

/// Walk the ledger in seq order, each entry borrowed from its row: one binary COPY, so the
/// server streams the rows while they are checked here rather than waiting to be asked for
/// each batch (`f` cannot use the store meanwhile: its connection is busy until the end).
pub(super) fn walk(
    client: &mut Client,
    loc: &str,
    f: &mut dyn FnMut(&EntryRef<'_>) -> Result<()>,
) -> Result<()> {
    let mut tx = snapshot(client, loc)?;
    let reader = tx
        .copy_out(&format!(
            "COPY (SELECT {} FROM ledger ORDER BY seq) TO STDOUT (FORMAT binary)",
            rows::LEDGER_COLUMNS
        ))
        .at(loc)?;
    let mut rows = BinaryRows::new(reader, loc)?;
    while rows.next_row(8)? {
        f(&EntryRef {
            seq: rows.bigint(0)? as u64,
            at: rows.required(1)?,
            kind: rows.required(2)?,
            actor: rows.required(3)?,
            payload: rows.field(4),
            payload_hash: rows.required(5)?,
            prev_hash: rows.required(6)?,
            hash: rows.required(7)?,
        })?;
    }
    drop(rows);
    tx.commit().at(loc)
}

/// A read-only transaction that sees one state of the store throughout.
fn snapshot<'c>(client: &'c mut Client, loc: &str) -> Result<Transaction<'c>> {
    client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .at(loc)
}

fn walk_in(
    tx: &RefCell<Transaction<'_>>,
    loc: &str,
    f: &mut dyn FnMut(&EntryRef<'_>) -> Result<()>,
) -> Result<()> {
    let portal = tx
        .borrow_mut()
        .bind(
            &format!("SELECT {} FROM ledger ORDER BY seq", rows::LEDGER_COLUMNS),
            &[],
        )
        .at(loc)?;
    loop {
        let batch = tx.borrow_mut().query_portal(&portal, BATCH).at(loc)?;
        if batch.is_empty() {
            return Ok(());
        }
        for r in &batch {
            f(&rows::entry_ref(r, loc)?)?;
        }
    }
}

/// Rows of one query, fetched a batch at a time through the shared transaction.
struct Batched<'t, 'c, T> {
    tx: &'t RefCell<Transaction<'c>>,
    portal: Portal,
    buf: VecDeque<Row>,
    done: bool,
    loc: &'t str,
    map: fn(&Row, &str) -> Result<T>,
}

impl<'t, 'c, T> Batched<'t, 'c, T> {
    fn new(
        tx: &'t RefCell<Transaction<'c>>,
        sql: &str,
        loc: &'t str,
        map: fn(&Row, &str) -> Result<T>,
    ) -> Result<Self> {
        let portal = tx.borrow_mut().bind(sql, &[]).at(loc)?;
        Ok(Batched {
            tx,
            portal,
            buf: VecDeque::new(),
            done: false,
            loc,
            map,
        })
    }
}

impl<T> Iterator for Batched<'_, '_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.buf.is_empty() && !self.done {
            match self.tx.borrow_mut().query_portal(&self.portal, BATCH) {
                Ok(rows) => {
                    self.done = rows.len() < BATCH as usize;
                    self.buf.extend(rows);
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(super::classify(self.loc, e)));
                }
            }
        }
        let row = self.buf.pop_front()?;
        Some((self.map)(&row, self.loc))
    }
}

fn get<'a, T: postgres::types::FromSql<'a>>(r: &'a Row, i: usize, loc: &str) -> Result<T> {
    r.try_get(i).map_err(|e| Error::store(loc, e))
}

fn handover_row(r: &Row, loc: &str) -> Result<HandoverRow> {
    Ok(HandoverRow {
        id: get(r, 0, loc)?,
        created_at: get(r, 1, loc)?,
        operator: get(r, 2, loc)?,
        contractor_id: get(r, 3, loc)?,
        work_type: get(r, 4, loc)?,
        method: get(r, 5, loc)?,
        encryption: get(r, 6, loc)?,
        return_by: get(r, 7, loc)?,
        bundle_sha256: get(r, 8, loc)?,
        bundle_size: get(r, 9, loc)?,
        recipients: get(r, 10, loc)?,
        closed_on: get(r, 11, loc)?,
        closed_note: get(r, 12, loc)?,
        ledger_seq: get(r, 13, loc)?,
    })
}

fn index_row(r: &Row, loc: &str) -> Result<IndexRow> {
    Ok(IndexRow {
        seq: get(r, 0, loc)?,
        customer_id: get(r, 1, loc)?,
    })
}

fn request_row(r: &Row, loc: &str) -> Result<RequestRow> {
    Ok(RequestRow {
        id: get(r, 0, loc)?,
        customer_id: get(r, 1, loc)?,
        scope: get(r, 2, loc)?,
        received: get(r, 3, loc)?,
        channel: get(r, 4, loc)?,
        note: get(r, 5, loc)?,
        status: get(r, 6, loc)?,
        decided_on: get(r, 7, loc)?,
        reason: get(r, 8, loc)?,
        notified_on: get(r, 9, loc)?,
        notified_channel: get(r, 10, loc)?,
        withdrawn_on: get(r, 11, loc)?,
    })
}

/// Rebuild the derived tables from the log and compare, in one consistent snapshot.
pub(super) fn check(client: &mut Client, loc: &str) -> Result<DerivedReport> {
    let cell = RefCell::new(snapshot(client, loc)?);
    let report = check_in(&cell, loc)?;
    cell.into_inner().commit().at(loc)?;
    Ok(report)
}

fn check_in(tx: &RefCell<Transaction<'_>>, loc: &str) -> Result<DerivedReport> {
    let handovers = Batched::new(
        tx,
        &format!(
            "SELECT {} FROM handovers ORDER BY ledger_seq, id",
            rows::HANDOVER_COLUMNS
        ),
        loc,
        handover_row,
    )?;
    let index = Batched::new(
        tx,
        &format!(
            "SELECT seq, customer_id FROM ({}) i ORDER BY seq, customer_id",
            rows::INDEX_ROWS
        ),
        loc,
        index_row,
    )?;
    let customers_of = move |id: &str| -> Result<Vec<HandoverCustomerRow>> {
        let params: [&(dyn ToSql + Sync); 1] = [&id];
        tx.borrow_mut()
            .query(
                "SELECT customer_id, position::BIGINT, fields FROM handover_customers \
                 WHERE handover_id = $1 ORDER BY position",
                &params,
            )
            .at(loc)?
            .iter()
            .map(|r| {
                Ok(HandoverCustomerRow {
                    customer_id: get(r, 0, loc)?,
                    position: get(r, 1, loc)?,
                    fields: get(r, 2, loc)?,
                })
            })
            .collect()
    };
    let mut checker = Checker::new(Box::new(handovers), Box::new(index), Box::new(customers_of));
    walk_in(tx, loc, &mut |e| checker.entry(e))?;
    let orphan = tx
        .borrow_mut()
        .query_opt(
            // NOT EXISTS, an anti-join: `NOT IN (subquery)` turns into a scan of the
            // handovers per row once they outgrow work_mem (minutes at 400,000 handovers).
            "SELECT hc.handover_id, hc.customer_id FROM handover_customers hc \
             WHERE NOT EXISTS (SELECT 1 FROM handovers h WHERE h.id = hc.handover_id) \
             ORDER BY hc.handover_id, hc.position LIMIT 1",
            &[],
        )
        .at(loc)?
        .map(|r| (r.get(0), r.get(1)));
    let requests = Batched::new(
        tx,
        &format!("SELECT {} FROM requests ORDER BY id", rows::REQUEST_COLUMNS),
        loc,
        request_row,
    )?;
    checker.finish(Box::new(requests), orphan)
}
