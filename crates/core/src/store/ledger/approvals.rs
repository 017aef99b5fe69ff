//! Does the `approvals` table agree with the log?
//!
//! `pack --approval` trusts the table: a pending request edited to `approved` in the database
//! file, a content swapped for another, or a used approval set back to `approved` would let data
//! leave that no manager approved. Every change of an approval is recorded with it
//! (`approval.requested` with the whole ask, `approval.decided`, `approval.used`), so after the
//! chain holds, `ledger verify` rebuilds each approval from its entries and compares it with its
//! row, naming the first difference.
//!
//! A purge redacts the `approval.requested` entries that name a purged customer: what was asked
//! can then no longer be compared, but the decision and the use (which name no customer) still
//! are, and a row with no recorded request at all is accepted only while such redacted requests
//! exist.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::chain::EntryRef;
use crate::approvals::{Approval, ApprovalStatus};
use crate::store::Store;
use crate::{Error, Result};

const REQUESTED: &str = "approval.requested";
const DECIDED: &str = "approval.decided";
const USED: &str = "approval.used";

fn mismatch(reason: String) -> Error {
    Error::DerivedMismatch {
        table: "approvals".into(),
        reason,
    }
}

/// What `approval.requested` recorded of the ask.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Requested {
    approval: String,
    digest: String,
    content: Value,
    rules: Value,
    expires_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Decided {
    approval: String,
    decision: String,
    reason: Option<String>,
    expires_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Used {
    approval: String,
    handover_id: String,
}

/// One approval as its entries tell it.
#[derive(Default)]
struct Expected {
    /// `(seq, requested_by, requested_at, what was asked)`; `None` if the request's entry was
    /// redacted by a purge.
    requested: Option<(u64, String, String, Requested)>,
    status: Option<String>,
    decided: Option<(String, String, Option<String>)>,
    expires_at: Option<String>,
    used: Option<(String, String, String)>,
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn parse<T: for<'de> Deserialize<'de>>(e: &EntryRef<'_>) -> Result<T> {
    e.payload
        .and_then(|p| serde_json::from_slice(p).ok())
        .ok_or_else(|| {
            mismatch(format!(
                "ledger entry {} ({}) has no readable approval",
                e.seq,
                e.kind_lossy()
            ))
        })
}

/// Compare the `approvals` table with the approval entries of the ledger (after the chain was
/// verified, so every payload is the one recorded). Returns how many rows were compared.
pub fn check(store: &dyn Store) -> Result<u64> {
    let mut expected: BTreeMap<String, Expected> = BTreeMap::new();
    let mut redacted_requests = 0u64;
    store.for_each_entry_ref(&mut |e: &EntryRef<'_>| {
        if e.is(REQUESTED) {
            if e.payload.is_none() {
                redacted_requests += 1;
                return Ok(());
            }
            let r: Requested = parse(e)?;
            let x = expected.entry(r.approval.clone()).or_default();
            x.status = Some(ApprovalStatus::Pending.id().into());
            x.expires_at = Some(r.expires_at.clone());
            x.requested = Some((e.seq, text(e.actor), text(e.at), r));
        } else if e.is(DECIDED) {
            let d: Decided = parse(e)?;
            let x = expected.entry(d.approval).or_default();
            x.status = Some(d.decision);
            x.expires_at = Some(d.expires_at);
            x.decided = Some((text(e.actor), text(e.at), d.reason));
        } else if e.is(USED) {
            let u: Used = parse(e)?;
            let x = expected.entry(u.approval).or_default();
            x.status = Some(ApprovalStatus::Used.id().into());
            x.used = Some((text(e.actor), text(e.at), u.handover_id));
        }
        Ok(())
    })?;
    let rows = store.approvals(None)?;
    for row in &rows {
        let Some(x) = expected.remove(&row.id) else {
            return Err(mismatch(format!(
                "approval {} is in the table, but the ledger never recorded it",
                row.id
            )));
        };
        if x.requested.is_none() && redacted_requests == 0 {
            return Err(mismatch(format!(
                "approval {} is in the table, but the ledger never recorded that it was asked",
                row.id
            )));
        }
        if let Some(what) = difference(row, &x) {
            return Err(mismatch(format!(
                "approval {}: the {what} is not the one the ledger recorded",
                row.id
            )));
        }
    }
    if let Some((id, x)) = expected.into_iter().find(|(_, x)| x.requested.is_some()) {
        let seq = x.requested.map_or(0, |r| r.0);
        return Err(mismatch(format!(
            "approval {id} was asked in ledger entry {seq}, but its row is missing"
        )));
    }
    Ok(rows.len() as u64)
}

/// The first column of `row` that its entries do not give, if any.
fn difference(row: &Approval, x: &Expected) -> Option<&'static str> {
    if let Some((_, by, at, r)) = &x.requested {
        // Plain structs and lists: serializing them cannot fail.
        let content = serde_json::to_value(&row.ask.content).unwrap_or_default();
        let rules = serde_json::to_value(&row.ask.rules).unwrap_or_default();
        let asked = [
            (row.requested_by == *by, "requester"),
            (row.requested_at == *at, "time it was asked"),
            (row.ask.digest == r.digest, "digest of what was asked"),
            (content == r.content, "content asked for"),
            (rules == r.rules, "list of rules that required it"),
        ];
        if let Some((_, what)) = asked.into_iter().find(|(same, _)| !same) {
            return Some(what);
        }
    }
    let decided = x.decided.as_ref();
    let used = x.used.as_ref();
    let state = [
        (Some(row.status.id()) == x.status.as_deref(), "status"),
        (row.decided_by.as_ref() == decided.map(|d| &d.0), "decider"),
        (
            same_instant(row.decided_at.as_deref(), decided.map(|d| d.1.as_str())),
            "time of the decision",
        ),
        (row.reason == decided.and_then(|d| d.2.clone()), "reason"),
        (Some(&row.expires_at) == x.expires_at.as_ref(), "expiry"),
        (
            row.used_by.as_ref() == used.map(|u| &u.0),
            "person who used it",
        ),
        (
            row.used_at.as_ref() == used.map(|u| &u.1),
            "time of its use",
        ),
        (
            row.handover_id.as_ref() == used.map(|u| &u.2),
            "handover it became",
        ),
    ];
    state
        .into_iter()
        .find(|(same, _)| !same)
        .map(|(_, what)| what)
}

/// The decision's time as stored and as recorded: the same instant. Offices made before the
/// two were taken from one clock reading may differ by a few milliseconds; a second is the
/// most that can be that and not an edit.
fn same_instant(row: Option<&str>, entry: Option<&str>) -> bool {
    match (row, entry) {
        (None, None) => true,
        (Some(a), Some(b)) if a == b => true,
        (Some(a), Some(b)) => match (a.parse::<jiff::Timestamp>(), b.parse::<jiff::Timestamp>()) {
            (Ok(a), Ok(b)) => a.duration_since(b).abs() < jiff::SignedDuration::from_secs(1),
            _ => false,
        },
        _ => false,
    }
}
