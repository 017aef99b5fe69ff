//! Do the derived tables agree with the log?
//!
//! `handovers`, `handover_customers`, `requests` and `ledger_customers` are written in the same
//! transaction as the ledger entry that records the change, and everything they hold can be
//! rebuilt from the entries' payloads. Someone with the database file can edit a table without
//! touching the chain — change a return-by date, drop a request, unlink a customer from their
//! history — so `ledger verify` rebuilds them from the log and compares, and names the first
//! disagreement.
//!
//! What each table is rebuilt from:
//!
//! | table | from |
//! |---|---|
//! | `handovers`, `handover_customers` | `handover.created` (the whole record; `created_at` and `operator` are the entry's `at` and `actor`), `handover.destroyed` (`closed_on`, `closed_note`) |
//! | `requests` | the last `request.*` entry of each request: every request event carries `{"request": <the whole request after the change>}` (`created_at`/`updated_at` are bookkeeping and not compared) |
//! | `ledger_customers` | `register.imported`: `added` + `updated`; `handover.created`: its customers; `handover.destroyed`: the handover's customers; `request.*`: the request's customer; `office.*`, `contractor.*`, `retention.purged`, `ledger.exported`, `usage.sealed` (the uses it seals name their customers in `usage_customers`, checked by [`super::usage::check`]): none. Any other kind may link only customers its payload names (as `customerId`, `customerIds` or a `customers` list of ids) |
//!
//! An entry redacted by a purge has no derived rows: the purge deleted them with the payload.
//!
//! The check streams: the backend hands in the ledger in seq order and the `handovers` and
//! `ledger_customers` rows ordered by their ledger entry, and the checker walks them side by
//! side; only open handovers and requests (far fewer than entries) are held in memory.

use std::collections::HashMap;
use std::iter::Peekable;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::chain::{EntryRef, PURGE_KIND};
use crate::requests::Request;
use crate::{Error, Result};

/// What the comparison covered (all rows agreed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DerivedReport {
    /// `handovers` rows compared.
    #[ts(type = "number")]
    pub handovers: u64,
    /// `handover_customers` rows compared.
    #[ts(type = "number")]
    pub handover_customers: u64,
    /// `requests` rows compared.
    #[ts(type = "number")]
    pub requests: u64,
    /// `ledger_customers` rows compared.
    #[ts(type = "number")]
    pub ledger_customers: u64,
    /// `approvals` rows compared (see [`super::approvals`]).
    #[serde(default)]
    #[ts(type = "number")]
    pub approvals: u64,
}

/// A `handovers` row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct HandoverRow {
    pub id: String,
    pub created_at: String,
    pub operator: String,
    pub contractor_id: String,
    pub work_type: String,
    pub method: String,
    pub encryption: String,
    pub return_by: String,
    pub bundle_sha256: Option<String>,
    pub bundle_size: Option<i64>,
    /// The JSON list as stored.
    pub recipients: String,
    pub closed_on: Option<String>,
    pub closed_note: Option<String>,
    pub ledger_seq: i64,
}

/// A `handover_customers` row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct HandoverCustomerRow {
    pub customer_id: String,
    pub position: i64,
    /// Comma-separated field ids.
    pub fields: String,
}

/// A `ledger_customers` row.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct IndexRow {
    pub seq: i64,
    pub customer_id: String,
}

/// A `requests` row as stored (raw text, so that an edited value is reported, not refused).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct RequestRow {
    pub id: String,
    pub customer_id: String,
    pub scope: String,
    pub received: String,
    pub channel: String,
    pub note: Option<String>,
    pub status: String,
    pub decided_on: Option<String>,
    pub reason: Option<String>,
    pub notified_on: Option<String>,
    pub notified_channel: Option<String>,
    pub withdrawn_on: Option<String>,
}

/// A stream of rows from the backend.
pub type Rows<'s, T> = Box<dyn Iterator<Item = Result<T>> + 's>;

/// A handover's customers, by handover id, in position order.
pub type CustomersOf<'s> = Box<dyn FnMut(&str) -> Result<Vec<HandoverCustomerRow>> + 's>;

fn mismatch(table: &str, reason: String) -> Error {
    Error::DerivedMismatch {
        table: table.into(),
        reason,
    }
}

/// What the table holds about a handover's closing, until the ledger's entry for it is seen.
#[derive(Debug)]
struct TableClosure {
    on: Option<String>,
    note: Option<String>,
    /// The handover's customers as its entry recorded them (its closing entry links them).
    customers: Vec<String>,
}

/// Which customers an entry links in `ledger_customers`.
enum Expect {
    /// Exactly these.
    Exactly(Vec<String>),
    /// Any of these (a kind this build does not know).
    NamedIn(Vec<String>),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    handover_id: String,
    contractor: CreatedContractor,
    work_type: String,
    method: String,
    encryption: String,
    return_by: String,
    customers: Vec<CreatedCustomer>,
    bundle_sha256: Option<String>,
    bundle_size: Option<i64>,
    recipients: Vec<String>,
}

#[derive(Deserialize)]
struct CreatedContractor {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatedCustomer {
    customer_id: String,
    fields: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Destroyed {
    handover_id: String,
    on: String,
    note: Option<String>,
}

#[derive(Deserialize)]
struct RequestEvent {
    request: Request,
}

#[derive(Deserialize)]
struct Imported {
    #[serde(default)]
    added: Vec<String>,
    #[serde(default)]
    updated: Vec<String>,
}

/// Compares the derived tables with the log while the backend walks it.
pub struct Checker<'s> {
    handovers: Peekable<Rows<'s, HandoverRow>>,
    index: Peekable<Rows<'s, IndexRow>>,
    customers_of: CustomersOf<'s>,
    closures: HashMap<String, TableClosure>,
    /// Each request's last recorded state and the entry that recorded it.
    requests: HashMap<String, (u64, Request)>,
    report: DerivedReport,
}

impl<'s> Checker<'s> {
    /// A checker over the backend's `handovers` rows (ordered by `ledger_seq`), its
    /// `ledger_customers` rows (ordered by `seq`, `customer_id`) and a lookup of a handover's
    /// customers.
    pub fn new(
        handovers: Rows<'s, HandoverRow>,
        index: Rows<'s, IndexRow>,
        customers_of: CustomersOf<'s>,
    ) -> Self {
        Checker {
            handovers: handovers.peekable(),
            index: index.peekable(),
            customers_of,
            closures: HashMap::new(),
            requests: HashMap::new(),
            report: DerivedReport::default(),
        }
    }

    /// The next entry, in seq order (after the chain was verified).
    pub fn entry(&mut self, e: &EntryRef<'_>) -> Result<()> {
        let seq = e.seq;
        let kind = e.kind_lossy();
        let bad_payload = |what: &str| Error::LedgerBroken {
            seq,
            reason: format!(
                "its details do not carry {what} as a {kind} entry does, so the tables derived \
                 from it cannot be checked"
            ),
        };
        let expect = match e.payload {
            None => {
                self.no_handover_row_at(seq, &kind, true)?;
                Expect::Exactly(Vec::new())
            }
            Some(p) => match e.kind {
                b"handover.created" => {
                    let c: Created =
                        serde_json::from_slice(p).map_err(|_| bad_payload("the handover"))?;
                    self.created(e, c)?
                }
                b"handover.destroyed" => {
                    self.no_handover_row_at(seq, &kind, false)?;
                    let d: Destroyed = serde_json::from_slice(p)
                        .map_err(|_| bad_payload("the handover id and date"))?;
                    Expect::Exactly(self.destroyed(seq, &d)?)
                }
                k if k.starts_with(b"request.") => {
                    self.no_handover_row_at(seq, &kind, false)?;
                    let r: RequestEvent = serde_json::from_slice(p)
                        .map_err(|_| bad_payload("the request ({\"request\": …})"))?;
                    let customer = r.request.customer_id.clone();
                    self.requests.insert(r.request.id.clone(), (seq, r.request));
                    Expect::Exactly(vec![customer])
                }
                b"register.imported" => {
                    self.no_handover_row_at(seq, &kind, false)?;
                    let i: Imported = serde_json::from_slice(p)
                        .map_err(|_| bad_payload("the lists of added and updated customers"))?;
                    let mut ids = i.added;
                    ids.extend(i.updated);
                    Expect::Exactly(ids)
                }
                k if k.starts_with(b"office.")
                    || k.starts_with(b"contractor.")
                    || k == PURGE_KIND.as_bytes()
                    || k == b"ledger.exported"
                    || k == crate::usage::SEAL_KIND.as_bytes() =>
                {
                    self.no_handover_row_at(seq, &kind, false)?;
                    Expect::Exactly(Vec::new())
                }
                _ => {
                    self.no_handover_row_at(seq, &kind, false)?;
                    let v: serde_json::Value =
                        serde_json::from_slice(p).unwrap_or(serde_json::Value::Null);
                    let mut named = Vec::new();
                    named_customers(&v, &mut named);
                    Expect::NamedIn(named)
                }
            },
        };
        self.index_at(seq, &kind, e.payload.is_none(), expect)
    }

    /// Finish: the `requests` rows (any order) and the first `handover_customers` row whose
    /// handover is not in `handovers` (if any).
    pub fn finish(
        mut self,
        requests: Rows<'_, RequestRow>,
        orphan: Option<(String, String)>,
    ) -> Result<DerivedReport> {
        if let Some(row) = self.handovers.next() {
            let row = row?;
            return Err(mismatch(
                "handovers",
                format!(
                    "handover {} points at ledger entry {}, which does not exist",
                    row.id, row.ledger_seq
                ),
            ));
        }
        if let Some(row) = self.index.next() {
            let row = row?;
            return Err(mismatch(
                "ledger_customers",
                format!(
                    "customer {} is linked to ledger entry {}, which does not exist",
                    row.customer_id, row.seq
                ),
            ));
        }
        if let Some((handover, customer)) = orphan {
            return Err(mismatch(
                "handover_customers",
                format!(
                    "it lists customer {customer} for handover {handover}, which is not in the \
                     handovers table"
                ),
            ));
        }
        // A handover the table says was closed, with no entry recording it (the first by id).
        if let Some((id, c)) = self
            .closures
            .iter()
            .filter(|(_, c)| c.on.is_some())
            .min_by(|a, b| a.0.cmp(b.0))
        {
            return Err(mismatch(
                "handovers",
                format!(
                    "handover {id} is closed on {} in the table, but no ledger entry records its \
                     return or destruction",
                    c.on.as_deref().unwrap_or_default()
                ),
            ));
        }
        for row in requests {
            let row = row?;
            let Some((seq, r)) = self.requests.remove(&row.id) else {
                return Err(mismatch(
                    "requests",
                    format!(
                        "request {} is in the table, but no ledger entry records it",
                        row.id
                    ),
                ));
            };
            if let Some(column) = request_difference(&row, &r) {
                return Err(mismatch(
                    "requests",
                    format!(
                        "request {}: {column} differs from what ledger entry {seq} recorded",
                        row.id
                    ),
                ));
            }
            self.report.requests += 1;
        }
        if let Some((id, (seq, _))) = self.requests.iter().min_by(|a, b| a.0.cmp(b.0)) {
            return Err(mismatch(
                "requests",
                format!("request {id}, recorded by ledger entry {seq}, is missing from the table"),
            ));
        }
        Ok(self.report)
    }

    fn next_handover_at(&mut self, seq: u64) -> Result<Option<HandoverRow>> {
        match self.handovers.peek() {
            Some(Ok(row)) if row.ledger_seq < seq as i64 => {
                let row = self.handovers.next().and_then(|r| r.ok());
                let (id, at) = row.map(|r| (r.id, r.ledger_seq)).unwrap_or_default();
                Err(mismatch(
                    "handovers",
                    format!("handover {id} points at ledger entry {at}, which does not exist"),
                ))
            }
            Some(Ok(row)) if row.ledger_seq == seq as i64 => self.handovers.next().transpose(),
            Some(Err(_)) => self.handovers.next().transpose(),
            _ => Ok(None),
        }
    }

    /// No `handovers` row may claim an entry that does not record a handover.
    fn no_handover_row_at(&mut self, seq: u64, kind: &str, redacted: bool) -> Result<()> {
        match self.next_handover_at(seq)? {
            None => Ok(()),
            Some(row) if redacted => Err(mismatch(
                "handovers",
                format!(
                    "handover {} is still in the table, but its ledger entry {seq} was redacted \
                     by a purge (which deletes the row)",
                    row.id
                ),
            )),
            Some(row) => Err(mismatch(
                "handovers",
                format!(
                    "handover {} points at ledger entry {seq}, which records {kind}, not a \
                     handover",
                    row.id
                ),
            )),
        }
    }

    /// Compare a handover's rows with its entry; the customers it links.
    fn created(&mut self, e: &EntryRef<'_>, c: Created) -> Result<Expect> {
        let seq = e.seq;
        let Some(row) = self.next_handover_at(seq)? else {
            return Err(mismatch(
                "handovers",
                format!(
                    "handover {}, recorded by ledger entry {seq}, is missing from the table",
                    c.handover_id
                ),
            ));
        };
        handover_difference(&row, e, &c)?;
        self.report.handovers += 1;
        let stored = (self.customers_of)(&row.id)?;
        customers_difference(&row.id, seq, &c.customers, &stored)?;
        self.report.handover_customers += stored.len() as u64;
        let customers: Vec<String> = c.customers.into_iter().map(|c| c.customer_id).collect();
        self.closures.insert(
            row.id,
            TableClosure {
                on: row.closed_on,
                note: row.closed_note,
                customers: customers.clone(),
            },
        );
        Ok(Expect::Exactly(customers))
    }

    /// Check a closing against the table; the customers it links.
    fn destroyed(&mut self, seq: u64, d: &Destroyed) -> Result<Vec<String>> {
        let id = &d.handover_id;
        match self.closures.remove(id) {
            None => Err(mismatch(
                "handovers",
                format!(
                    "ledger entry {seq} records the return or destruction of handover {id}, which \
                     the table does not hold (or which was already closed)"
                ),
            )),
            Some(TableClosure { on: None, .. }) => Err(mismatch(
                "handovers",
                format!(
                    "handover {id} is open in the table, but ledger entry {seq} records its \
                     return or destruction on {}",
                    d.on
                ),
            )),
            Some(TableClosure {
                on: Some(on),
                note,
                customers,
            }) => {
                if on != d.on {
                    return Err(mismatch(
                        "handovers",
                        format!(
                            "handover {id}: closed_on is '{on}' in the table but '{}' in ledger \
                             entry {seq}",
                            d.on
                        ),
                    ));
                }
                if note != d.note {
                    return Err(mismatch(
                        "handovers",
                        format!(
                            "handover {id}: closed_note differs from what ledger entry {seq} \
                             recorded"
                        ),
                    ));
                }
                Ok(customers)
            }
        }
    }

    fn index_at(&mut self, seq: u64, kind: &str, redacted: bool, expect: Expect) -> Result<()> {
        let mut linked: Vec<String> = Vec::new();
        loop {
            match self.index.peek() {
                Some(Ok(r)) if r.seq < seq as i64 => {
                    let r = self.index.next().and_then(|r| r.ok()).unwrap_or(IndexRow {
                        seq: 0,
                        customer_id: String::new(),
                    });
                    return Err(mismatch(
                        "ledger_customers",
                        format!(
                            "customer {} is linked to ledger entry {}, which does not exist",
                            r.customer_id, r.seq
                        ),
                    ));
                }
                Some(Ok(r)) if r.seq == seq as i64 => {
                    if let Some(Ok(r)) = self.index.next() {
                        linked.push(r.customer_id);
                    }
                }
                Some(Err(_)) => {
                    self.index.next().transpose()?;
                }
                _ => break,
            }
        }
        self.report.ledger_customers += linked.len() as u64;
        let what = if redacted {
            format!("{kind}, redacted by a purge")
        } else {
            kind.to_string()
        };
        linked_difference(seq, &what, expect, &linked)
    }
}

/// Does entry `seq` (`what`) link exactly the customers it should in `ledger_customers`?
fn linked_difference(seq: u64, what: &str, expect: Expect, linked: &[String]) -> Result<()> {
    match expect {
        Expect::Exactly(mut want) => {
            want.sort_unstable();
            want.dedup();
            // Both sorted: the first difference says which side has the extra customer.
            let mut w = want.iter().peekable();
            let mut l = linked.iter().peekable();
            loop {
                match (w.peek(), l.peek()) {
                    (None, None) => return Ok(()),
                    (Some(a), Some(b)) if a == b => {
                        w.next();
                        l.next();
                    }
                    (Some(a), b) if b.is_none_or(|b| a < b) => {
                        return Err(mismatch(
                            "ledger_customers",
                            format!(
                                "customer {a} is not linked to ledger entry {seq} ({what}), \
                                 which concerns them: their history would not show it"
                            ),
                        ));
                    }
                    (_, Some(b)) => {
                        return Err(mismatch(
                            "ledger_customers",
                            format!(
                                "customer {b} is linked to ledger entry {seq} ({what}), \
                                 which does not concern them"
                            ),
                        ));
                    }
                    (Some(_), None) => unreachable!("handled above"),
                }
            }
        }
        Expect::NamedIn(named) => match linked.iter().find(|c| !named.contains(c)) {
            Some(c) => Err(mismatch(
                "ledger_customers",
                format!(
                    "customer {c} is linked to ledger entry {seq} ({what}), which does not \
                     name them"
                ),
            )),
            None => Ok(()),
        },
    }
}

/// The first column of a `handovers` row that differs from the entry that recorded it.
fn handover_difference(row: &HandoverRow, e: &EntryRef<'_>, c: &Created) -> Result<()> {
    let seq = e.seq;
    let differ = |column: &str, table: &str, ledger: &str| {
        Err(mismatch(
            "handovers",
            format!(
                "handover {}: {column} is '{table}' in the table but '{ledger}' in ledger \
                 entry {seq}",
                row.id
            ),
        ))
    };
    if row.id != c.handover_id {
        return differ("the id", &row.id, &c.handover_id);
    }
    let at = String::from_utf8_lossy(e.at);
    let actor = String::from_utf8_lossy(e.actor);
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let size = |o: Option<i64>| o.map(|s| s.to_string()).unwrap_or_default();
    for (column, table, ledger) in [
        ("created_at", row.created_at.clone(), at.into_owned()),
        ("operator", row.operator.clone(), actor.into_owned()),
        (
            "contractor_id",
            row.contractor_id.clone(),
            c.contractor.id.clone(),
        ),
        ("work_type", row.work_type.clone(), c.work_type.clone()),
        ("method", row.method.clone(), c.method.clone()),
        ("encryption", row.encryption.clone(), c.encryption.clone()),
        ("return_by", row.return_by.clone(), c.return_by.clone()),
        (
            "bundle_sha256",
            opt(&row.bundle_sha256),
            opt(&c.bundle_sha256),
        ),
        ("bundle_size", size(row.bundle_size), size(c.bundle_size)),
    ] {
        if table != ledger {
            return differ(column, &table, &ledger);
        }
    }
    if serde_json::from_str::<Vec<String>>(&row.recipients)
        .ok()
        .as_ref()
        != Some(&c.recipients)
    {
        return differ(
            "recipients",
            &row.recipients,
            &serde_json::to_string(&c.recipients).unwrap_or_default(),
        );
    }
    Ok(())
}

/// The first `handover_customers` row of handover `id` that differs from what ledger entry
/// `seq` recorded (a customer missing, moved, with other fields, or one it never recorded).
fn customers_difference(
    id: &str,
    seq: u64,
    want: &[CreatedCustomer],
    stored: &[HandoverCustomerRow],
) -> Result<()> {
    for (i, want) in want.iter().enumerate() {
        let Some(got) = stored.get(i) else {
            return Err(mismatch(
                "handover_customers",
                format!(
                    "customer {} of handover {id} (ledger entry {seq}) is missing",
                    want.customer_id
                ),
            ));
        };
        let fields = want.fields.join(",");
        if got.customer_id != want.customer_id || got.position != i as i64 {
            return Err(mismatch(
                "handover_customers",
                format!(
                    "handover {id}: position {i} holds customer {} but ledger entry {seq} \
                     recorded {}",
                    got.customer_id, want.customer_id
                ),
            ));
        }
        if got.fields != fields {
            return Err(mismatch(
                "handover_customers",
                format!(
                    "handover {id}, customer {}: the fields are '{}' in the table but '{fields}' \
                     in ledger entry {seq}",
                    got.customer_id, got.fields
                ),
            ));
        }
    }
    if let Some(extra) = stored.get(want.len()) {
        return Err(mismatch(
            "handover_customers",
            format!(
                "handover {id} lists customer {}, whom ledger entry {seq} did not record",
                extra.customer_id
            ),
        ));
    }
    Ok(())
}

/// Customer ids a payload of an unknown kind names.
fn named_customers(v: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("customerId" | "customer_id", Value::String(s)) => out.push(s.clone()),
                    ("customerIds" | "customers", Value::Array(a)) => {
                        out.extend(a.iter().filter_map(|x| x.as_str().map(str::to_string)));
                        named_customers(v, out);
                    }
                    _ => named_customers(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| named_customers(x, out)),
        _ => {}
    }
}

/// The first column of a `requests` row that differs from the recorded request.
fn request_difference(row: &RequestRow, r: &Request) -> Option<&'static str> {
    let checks: [(&'static str, bool); 11] = [
        ("customer_id", row.customer_id == r.customer_id),
        ("scope", row.scope == r.scope.to_db()),
        ("received", row.received == r.received.to_string()),
        ("channel", row.channel == r.channel.id()),
        ("note", row.note == r.note),
        ("status", row.status == r.status.as_str()),
        (
            "decided_on",
            row.decided_on == r.decided_on.map(|d| d.to_string()),
        ),
        ("reason", row.reason == r.reason),
        (
            "notified_on",
            row.notified_on == r.notified_on.map(|d| d.to_string()),
        ),
        (
            "notified_channel",
            row.notified_channel.as_deref() == r.notified_channel.map(|c| c.id()),
        ),
        (
            "withdrawn_on",
            row.withdrawn_on == r.withdrawn_on.map(|d| d.to_string()),
        ),
    ];
    checks.into_iter().find(|(_, same)| !same).map(|(c, _)| c)
}
