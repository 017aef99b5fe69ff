//! Rows to records and back: the same columns as the embedded store, read from PostgreSQL.

use postgres::Row;
use postgres::types::ToSql;

use crate::handover::{HandoverCustomer, HandoverRecord};
use crate::history::{self, Basis, ProvisionQuery, ProvisionRow};
use crate::register::{Customer, FloorPlan};
use crate::requests::{Request, RequestStatus, Scope};
use crate::store::{Hash, LedgerEntry, fields_from_db};
use crate::{Contractor, Error, Result};

/// A column that does not hold what its table promises (someone edited it by hand).
fn bad(loc: &str, table: &str, what: &str) -> Error {
    Error::Store {
        location: loc.into(),
        source: format!("bad {what} in the {table} table").into(),
    }
}

fn typed<T: std::str::FromStr>(r: &Row, i: usize, loc: &str, table: &str, what: &str) -> Result<T> {
    let text: String = r.try_get(i).map_err(|e| Error::store(loc, e))?;
    text.parse().map_err(|_| bad(loc, table, what))
}

fn typed_opt<T: std::str::FromStr>(
    r: &Row,
    i: usize,
    loc: &str,
    table: &str,
    what: &str,
) -> Result<Option<T>> {
    let text: Option<String> = r.try_get(i).map_err(|e| Error::store(loc, e))?;
    text.map(|t| t.parse().map_err(|_| bad(loc, table, what)))
        .transpose()
}

fn get<'a, T: postgres::types::FromSql<'a>>(r: &'a Row, i: usize, loc: &str) -> Result<T> {
    r.try_get(i).map_err(|e| Error::store(loc, e))
}

pub(super) const CUSTOMER_COLUMNS: &str = "customer_id, name, name_kana, postal_code, address, \
     phone, email, birth_date, gender, occupation, service, notes, floor_plan_sha256, \
     floor_plan_ext, floor_plan_size, contract_ended";

pub(super) fn customer(r: &Row, loc: &str) -> Result<Customer> {
    let sha: Option<String> = get(r, 12, loc)?;
    let floor_plan = match sha {
        Some(sha256) => Some(FloorPlan {
            sha256,
            ext: get(r, 13, loc)?,
            size: get::<i64>(r, 14, loc)? as u64,
        }),
        None => None,
    };
    Ok(Customer {
        customer_id: get(r, 0, loc)?,
        name: get(r, 1, loc)?,
        name_kana: get(r, 2, loc)?,
        postal_code: get(r, 3, loc)?,
        address: get(r, 4, loc)?,
        phone: get(r, 5, loc)?,
        email: get(r, 6, loc)?,
        birth_date: get(r, 7, loc)?,
        gender: get(r, 8, loc)?,
        occupation: get(r, 9, loc)?,
        service: get(r, 10, loc)?,
        notes: get(r, 11, loc)?,
        floor_plan,
        contract_ended: get(r, 15, loc)?,
    })
}

/// A customer's columns in [`UPSERT_CUSTOMER`] order.
pub(super) fn customer_params(c: &Customer) -> Vec<Box<dyn ToSql + Sync + '_>> {
    let fp = c.floor_plan.as_ref();
    vec![
        Box::new(&c.customer_id),
        Box::new(&c.name),
        Box::new(&c.name_kana),
        Box::new(&c.postal_code),
        Box::new(&c.address),
        Box::new(&c.phone),
        Box::new(&c.email),
        Box::new(&c.birth_date),
        Box::new(&c.gender),
        Box::new(&c.occupation),
        Box::new(&c.service),
        Box::new(&c.notes),
        Box::new(fp.map(|f| f.sha256.clone())),
        Box::new(fp.map(|f| f.ext.clone())),
        Box::new(fp.map(|f| f.size as i64)),
        Box::new(crate::register::search_text(c)),
        Box::new(&c.contract_ended),
    ]
}

/// Insert a customer or replace every column but `created_at` ($18 is the time).
pub(super) const UPSERT_CUSTOMER: &str = "INSERT INTO customers (customer_id, name, name_kana, \
     postal_code, address, phone, email, birth_date, gender, occupation, service, notes, \
     floor_plan_sha256, floor_plan_ext, floor_plan_size, search, contract_ended, created_at, \
     updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
     $17, $18, $18) ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, \
     name_kana = excluded.name_kana, postal_code = excluded.postal_code, \
     address = excluded.address, phone = excluded.phone, email = excluded.email, \
     birth_date = excluded.birth_date, gender = excluded.gender, \
     occupation = excluded.occupation, service = excluded.service, notes = excluded.notes, \
     floor_plan_sha256 = excluded.floor_plan_sha256, floor_plan_ext = excluded.floor_plan_ext, \
     floor_plan_size = excluded.floor_plan_size, search = excluded.search, \
     contract_ended = excluded.contract_ended, updated_at = excluded.updated_at";

pub(super) const CONTRACTOR_COLUMNS: &str =
    "id, name, address, contact, agreement_signed, agreement_expires";

/// A contractor row; its recipients are read apart.
pub(super) fn contractor(r: &Row, recipients: Vec<String>, loc: &str) -> Result<Contractor> {
    const T: &str = "contractors";
    Ok(Contractor {
        id: get(r, 0, loc)?,
        name: get(r, 1, loc)?,
        address: get(r, 2, loc)?,
        contact: get(r, 3, loc)?,
        agreement_signed: typed(r, 4, loc, T, "agreement date")?,
        agreement_expires: typed(r, 5, loc, T, "agreement end")?,
        recipients,
    })
}

pub(super) const REQUEST_COLUMNS: &str = "id, customer_id, scope, received, channel, note, \
     status, decided_on, reason, notified_on, notified_channel, withdrawn_on";

pub(super) fn request(r: &Row, loc: &str) -> Result<Request> {
    const T: &str = "requests";
    let scope: String = get(r, 2, loc)?;
    let status: String = get(r, 6, loc)?;
    Ok(Request {
        id: get(r, 0, loc)?,
        customer_id: get(r, 1, loc)?,
        scope: Scope::from_db(&scope).ok_or_else(|| bad(loc, T, "scope"))?,
        received: typed(r, 3, loc, T, "received date")?,
        channel: typed(r, 4, loc, T, "channel")?,
        note: get(r, 5, loc)?,
        status: RequestStatus::from_db(&status).ok_or_else(|| bad(loc, T, "status"))?,
        decided_on: typed_opt(r, 7, loc, T, "decision date")?,
        reason: get(r, 8, loc)?,
        notified_on: typed_opt(r, 9, loc, T, "notification date")?,
        notified_channel: typed_opt(r, 10, loc, T, "notified channel")?,
        withdrawn_on: typed_opt(r, 11, loc, T, "withdrawal date")?,
    })
}

macro_rules! insert_request {
    () => {
        "INSERT INTO requests (id, customer_id, scope, received, channel, note, status, \
         decided_on, reason, notified_on, notified_channel, withdrawn_on, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)"
    };
}

/// A new request (staff may add, not change, requests).
pub(super) const INSERT_REQUEST: &str = insert_request!();

/// A request replaced (a manager's decision, notification or withdrawal).
pub(super) const UPSERT_REQUEST: &str = concat!(
    insert_request!(),
    " ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, status = excluded.status, \
     note = excluded.note, decided_on = excluded.decided_on, reason = excluded.reason, \
     notified_on = excluded.notified_on, notified_channel = excluded.notified_channel, \
     withdrawn_on = excluded.withdrawn_on, updated_at = excluded.updated_at"
);

/// A request's columns in [`UPSERT_REQUEST`] order, without the time.
pub(super) fn request_params(r: &Request) -> Vec<Box<dyn ToSql + Sync + '_>> {
    vec![
        Box::new(&r.id),
        Box::new(&r.customer_id),
        Box::new(r.scope.to_db()),
        Box::new(r.received.to_string()),
        Box::new(r.channel.id()),
        Box::new(&r.note),
        Box::new(r.status.as_str()),
        Box::new(r.decided_on.map(|d| d.to_string())),
        Box::new(&r.reason),
        Box::new(r.notified_on.map(|d| d.to_string())),
        Box::new(r.notified_channel.map(|c| c.id())),
        Box::new(r.withdrawn_on.map(|d| d.to_string())),
    ]
}

pub(super) const HANDOVER_COLUMNS: &str = "id, created_at, operator, contractor_id, work_type, \
     method, encryption, return_by, bundle_sha256, bundle_size, recipients, closed_on, \
     closed_note, ledger_seq";

pub(super) fn handover(r: &Row, loc: &str) -> Result<HandoverRecord> {
    const T: &str = "handovers";
    let recipients: String = get(r, 10, loc)?;
    Ok(HandoverRecord {
        id: get(r, 0, loc)?,
        created_at: typed(r, 1, loc, T, "creation time")?,
        operator: get(r, 2, loc)?,
        contractor_id: get(r, 3, loc)?,
        work_type: typed(r, 4, loc, T, "work type")?,
        method: typed(r, 5, loc, T, "method")?,
        encryption: typed(r, 6, loc, T, "encryption")?,
        return_by: typed(r, 7, loc, T, "return-by date")?,
        bundle_sha256: get(r, 8, loc)?,
        bundle_size: get::<Option<i64>>(r, 9, loc)?.map(|s| s as u64),
        recipients: serde_json::from_str(&recipients).unwrap_or_default(),
        closed_on: typed_opt(r, 11, loc, T, "closing date")?,
        closed_note: get(r, 12, loc)?,
        ledger_seq: get::<i64>(r, 13, loc)? as u64,
        customers: Vec::new(),
    })
}

pub(super) fn handover_customer(r: &Row, loc: &str) -> Result<HandoverCustomer> {
    let f: String = get(r, 1, loc)?;
    Ok(HandoverCustomer {
        customer_id: get(r, 0, loc)?,
        fields: fields_from_db(&f),
    })
}

pub(super) const LEDGER_COLUMNS: &str =
    "seq, at, kind, actor, payload, payload_hash, prev_hash, hash";

/// What an append returns: [`LEDGER_COLUMNS`] but the payload, which the client sent and need
/// not read back (a large handover's is kilobytes, returned under the ledger's lock). See
/// [`sealed`].
pub(super) const SEALED_COLUMNS: &str =
    "seq, at, kind, actor, NULL::text AS payload, payload_hash, prev_hash, hash";

/// Every row of the per-customer index as (seq, customer_id): `ledger_customers`, and a pack's
/// entry through its handover's own customer rows, which schema 7 no longer copies into
/// `ledger_customers` (the copy was written under the ledger's lock).
///
/// A query of one customer's rows keeps to each side's customer key (PostgreSQL pushes the
/// condition into both branches of the UNION ALL).
pub(super) const INDEX_ROWS: &str = "SELECT seq, customer_id FROM ledger_customers \
     UNION ALL SELECT h.ledger_seq, hc.customer_id FROM handover_customers hc \
     JOIN handovers h ON h.id = hc.handover_id WHERE h.ledger_seq > 0";

/// A pack in one statement (schema 7, `handover_record`): the head its checks read ($1), the
/// handover's rows ($2–$12 the handover, $13–$15 its customers' ids, positions and fields) and
/// the entry as `ledger_append` ($16–$19); returns the entry, or fails with SQLSTATE H0001
/// keeping nothing.
pub(super) fn record_handover_sql() -> String {
    format!(
        "SELECT {SEALED_COLUMNS} FROM handover_record($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19)"
    )
}

fn hash(r: &Row, i: usize, loc: &str) -> Result<Hash> {
    let b: &[u8] = get(r, i, loc)?;
    Ok(b.try_into().unwrap_or([0xff; 32]))
}

pub(super) fn entry(r: &Row, loc: &str) -> Result<LedgerEntry> {
    Ok(LedgerEntry {
        seq: get::<i64>(r, 0, loc)? as u64,
        at: get(r, 1, loc)?,
        kind: get(r, 2, loc)?,
        actor: get(r, 3, loc)?,
        payload: get(r, 4, loc)?,
        payload_hash: hash(r, 5, loc)?,
        prev_hash: hash(r, 6, loc)?,
        hash: hash(r, 7, loc)?,
    })
}

/// An entry just appended, from its [`SEALED_COLUMNS`] row and the `payload` text sent.
pub(super) fn sealed(r: &Row, payload: String, loc: &str) -> Result<LedgerEntry> {
    Ok(LedgerEntry {
        payload: Some(payload),
        ..entry(r, loc)?
    })
}

/// An entry borrowed from its row (text columns as their UTF-8 bytes).
pub(super) fn entry_ref<'r>(r: &'r Row, loc: &str) -> Result<crate::store::EntryRef<'r>> {
    let text = |i: usize| -> Result<&'r [u8]> { Ok(get::<&str>(r, i, loc)?.as_bytes()) };
    Ok(crate::store::EntryRef {
        seq: get::<i64>(r, 0, loc)? as u64,
        at: text(1)?,
        kind: text(2)?,
        actor: text(3)?,
        payload: get::<Option<&str>>(r, 4, loc)?.map(str::as_bytes),
        payload_hash: get(r, 5, loc)?,
        prev_hash: get(r, 6, loc)?,
        hash: get(r, 7, loc)?,
    })
}

const PROVISIONS: &str = "SELECT h.id, h.created_at, h.contractor_id, k.name, h.work_type, \
     h.method, h.encryption, h.return_by, h.closed_on, hc.customer_id, c.name, hc.fields \
     FROM handover_customers hc \
     JOIN handovers h ON h.id = hc.handover_id \
     LEFT JOIN customers c ON c.customer_id = hc.customer_id \
     LEFT JOIN contractors k ON k.id = h.contractor_id";

/// The statement and parameters for a provision query, built from the filters given (so the
/// planner can use the customer index; see the embedded store's history.rs).
pub(super) fn provisions_statement(q: &ProvisionQuery) -> (String, Vec<Box<dyn ToSql + Sync>>) {
    let mut conds: Vec<String> = Vec::new();
    let mut params: Vec<Box<dyn ToSql + Sync>> = Vec::new();
    let mut push = |cond: &str, p: Box<dyn ToSql + Sync>| {
        params.push(p);
        conds.push(cond.replace('?', &format!("${}", params.len())));
    };
    if let Some(c) = &q.customer_id {
        push("hc.customer_id = ?", Box::new(c.clone()));
    }
    if let Some(c) = &q.contractor_id {
        push("h.contractor_id = ?", Box::new(c.clone()));
    }
    if let Some(w) = q.work_type {
        push("h.work_type = ?", Box::new(w.id()));
    }
    if !q.handover_ids.is_empty() {
        push("h.id = ANY(?)", Box::new(q.handover_ids.clone()));
    }
    // Whole-second bounds compared as text, exactly as the embedded store does.
    let bound = |t: jiff::Timestamp| t.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    if let Some(t) = q.created_from {
        push("h.created_at >= ?", Box::new(bound(t)));
    }
    if let Some(t) = q.created_before {
        push("h.created_at < ?", Box::new(bound(t)));
    }
    let mut sql = PROVISIONS.to_string();
    if !conds.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conds.join(" AND "));
    }
    // In the order recorded (the ledger's), not by the `created_at` text: RFC 3339 times with
    // fractions of varying length do not sort as times ("…:41.5Z" after "…:41.56Z").
    sql.push_str(" ORDER BY h.ledger_seq, h.id, hc.position");
    (sql, params)
}

pub(super) fn provision(r: &Row, loc: &str) -> Result<ProvisionRow> {
    const T: &str = "handovers";
    let created_at: jiff::Timestamp = typed(r, 1, loc, T, "creation time")?;
    let fields: String = get(r, 11, loc)?;
    Ok(ProvisionRow {
        date: history::local_date(created_at),
        created_at,
        handover_id: get(r, 0, loc)?,
        contractor_id: get(r, 2, loc)?,
        contractor_name: get(r, 3, loc)?,
        work_type: typed(r, 4, loc, T, "work type")?,
        method: typed(r, 5, loc, T, "method")?,
        encryption: typed(r, 6, loc, T, "encryption")?,
        return_by: typed(r, 7, loc, T, "return-by date")?,
        closed_on: typed_opt(r, 8, loc, T, "closing date")?,
        customer_id: get(r, 9, loc)?,
        customer_name: get(r, 10, loc)?,
        fields: fields_from_db(&fields),
        basis: Basis::Entrustment,
        overdue: false,
    })
}
