//! Recording a pack on the shared store: its handover rows and its `handover.created` entry,
//! with the checks of what the pack relied on (opt-outs, the contractor, its supervision, the
//! policy) made against what the store holds now.
//!
//! Every PC's change waits for the ledger's lock, so what matters with many PCs is how long a
//! pack holds it. The short way ([`at_once`]) holds it for the append and the seal only: the
//! checks run before it, and one statement that the server commits as it ends writes the rows,
//! takes the lock, appends and seals (schema 7, `handover_record`). The long way ([`locked`])
//! holds it from the checks to the commit, then runs the same statement; it is taken by a pack
//! using an approval, inside a batch, and when the ledger moved on in a way that needs the
//! checks again.

use std::cell::RefCell;

use postgres::Client;
use postgres::error::SqlState;
use postgres::types::ToSql;

use super::{At, FLUSH, InTx, PgStore, classify, rows};
use crate::handover::HandoverRecord;
use crate::store::{ApprovalUse, EventDraft, LedgerEntry, Recheck};
use crate::{Error, Result};

/// `handover_record` refused to append: the ledger moved on since the head the checks read,
/// by something other than packs (see migrations/0007_append_after_packs.sql).
const CHECK_AGAIN: &str = "H0001";

/// Record handover `h` with its entry `event`; `recheck` runs against the store's state as
/// of the recording, and refuses with nothing recorded.
pub(super) fn handover(
    store: &PgStore,
    h: &HandoverRecord,
    event: EventDraft,
    recheck: &dyn Fn(&dyn Recheck) -> Result<()>,
    approval: Option<&ApprovalUse>,
) -> Result<LedgerEntry> {
    if approval.is_none() && !store.batching {
        let recorded = at_once(store, h, &event, recheck).map_err(|e| store.explain_denied(e))?;
        if let Some(e) = recorded {
            return Ok(e);
        }
    }
    locked(store, h, &event, recheck, approval)
}

/// The short way: read the head, run the checks, then one statement writes the rows and, under
/// the lock, appends and seals if nothing but other packs was appended since that head, and
/// the server commits it as the statement ends. Then wait for the commit's WAL flush, outside
/// the lock. `None`: nothing was kept, run the long way.
fn at_once(
    store: &PgStore,
    h: &HandoverRecord,
    event: &EventDraft,
    recheck: &dyn Fn(&dyn Recheck) -> Result<()>,
) -> Result<Option<LedgerEntry>> {
    let loc = store.location.as_str();
    let mut c = store.client();
    let head = head(store, &mut c, loc)?;
    // Read after the head: whatever they miss was committed with an entry after it.
    recheck(&InTx {
        client: RefCell::new(&mut c),
        loc,
    })?;
    let Some(entry) = record(store, &mut c, head, h, event, loc)? else {
        return Ok(None);
    };
    c.batch_execute(FLUSH).at(loc)?;
    Ok(Some(entry))
}

/// The long way, in one transaction: the lock, the checks (and the approval's use), then the
/// same statement as the short way, given the head as it is under the lock, then the commit.
/// Under the lock every statement sees the opt-outs committed before it, and none can commit
/// until this pack is recorded or refused.
fn locked(
    store: &PgStore,
    h: &HandoverRecord,
    event: &EventDraft,
    recheck: &dyn Fn(&dyn Recheck) -> Result<()>,
    approval: Option<&ApprovalUse>,
) -> Result<LedgerEntry> {
    store.tx(|c, loc| {
        let lock = store.statement(c, "SELECT ledger_lock()")?;
        c.execute(&lock, &[]).at(loc)?;
        recheck(&InTx {
            client: RefCell::new(c),
            loc,
        })?;
        if let Some(u) = approval {
            super::approvals::use_in(c, u, &h.id, loc)?;
        }
        let head = head(store, c, loc)?;
        record(store, c, head, h, event, loc)?.ok_or_else(|| {
            // Nobody appends while this transaction holds the lock.
            Error::from(crate::refusal::Refusal::Internal {
                what: "the ledger moved on under its own lock".into(),
            })
        })
    })
}

/// The seq of the ledger's head as the store holds it now.
fn head(store: &PgStore, c: &mut Client, loc: &str) -> Result<i64> {
    let statement = store.statement(c, "SELECT seq FROM ledger_head WHERE id = 1")?;
    Ok(c.query_one(&statement, &[]).at(loc)?.get(0))
}

/// `handover_record` ([`rows::record_handover_sql`]): handover `h`'s rows, then under the lock its
/// entry `event` appended after `head` and the rows sealed with it. `None`: the ledger moved on
/// since `head` in a way that needs the checks again, and nothing was kept. The key refuses an
/// id already recorded (or waits for another PC recording the same id to commit or roll back).
fn record(
    store: &PgStore,
    c: &mut Client,
    head: i64,
    h: &HandoverRecord,
    event: &EventDraft,
    loc: &str,
) -> Result<Option<LedgerEntry>> {
    let statement = store.statement(c, &rows::record_handover_sql())?;
    let values = HandoverValues::of(h);
    let payload = event.payload.to_string();
    let mut params = vec![&head as &(dyn ToSql + Sync)];
    params.extend(values.params(h));
    params.extend([
        &event.at as &(dyn ToSql + Sync),
        &event.kind,
        &payload,
        &event.customers,
    ]);
    match c.query_one(&statement, &params) {
        Ok(row) => rows::sealed(&row, payload, loc).map(Some),
        Err(e) if e.code() == Some(&SqlState::from_code(CHECK_AGAIN)) => Ok(None),
        Err(e) => Err(handover_error(h, loc, e)),
    }
}

/// A handover's values as the statements take them, beside the record's own fields.
struct HandoverValues {
    created_at: String,
    kinds: [&'static str; 3],
    return_by: String,
    bundle_size: Option<i64>,
    recipients: String,
    ids: Vec<String>,
    positions: Vec<i32>,
    fields: Vec<String>,
}

impl HandoverValues {
    fn of(h: &HandoverRecord) -> HandoverValues {
        HandoverValues {
            created_at: h.created_at.to_string(),
            kinds: [h.work_type.id(), h.method.id(), h.encryption.id()],
            return_by: h.return_by.to_string(),
            bundle_size: h.bundle_size.map(|s| s as i64),
            recipients: serde_json::to_string(&h.recipients).unwrap_or_default(),
            ids: h.customers.iter().map(|c| c.customer_id.clone()).collect(),
            positions: (0..h.customers.len() as i32).collect(),
            fields: h
                .customers
                .iter()
                .map(|c| {
                    let ids: Vec<&str> = c.fields.iter().map(|f| f.id()).collect();
                    ids.join(",")
                })
                .collect(),
        }
    }

    /// The 14 values of the handover's rows, in `handover_record`'s order.
    fn params<'a>(&'a self, h: &'a HandoverRecord) -> Vec<&'a (dyn ToSql + Sync)> {
        vec![
            &h.id,
            &self.created_at,
            &h.operator,
            &h.contractor_id,
            &self.kinds[0],
            &self.kinds[1],
            &self.kinds[2],
            &self.return_by,
            &h.bundle_sha256,
            &self.bundle_size,
            &self.recipients,
            &self.ids,
            &self.positions,
            &self.fields,
        ]
    }
}

/// An id already recorded says so; anything else in the store's terms.
fn handover_error(h: &HandoverRecord, loc: &str, e: postgres::Error) -> Error {
    match e.as_db_error().and_then(|d| d.constraint()) {
        Some("handovers_pkey") => crate::refusal::Refusal::State {
            id: h.id.clone(),
            problem: crate::refusal::StateProblem::HandoverRecorded,
        }
        .into(),
        _ => classify(loc, e),
    }
}
