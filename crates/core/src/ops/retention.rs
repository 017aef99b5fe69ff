//! Purging data past its retention period (R9): `handover purge --before DATE`.
//!
//! What is purged is decided by [`crate::retention`] from the policy; [`purge_preview`] shows it
//! without changing anything, [`purge`] does it in one store transaction with a
//! `retention.purged` ledger entry:
//!
//! * customers past retention: the register row is deleted, and their floor plan file when no
//!   other customer shares it (after the commit: a crash in between leaves a file nobody
//!   references, never a customer without their plan); their requests are deleted and the
//!   ledger entries that recorded the requests are redacted (the request's note and dates are
//!   about the person);
//! * provision records past retention: the handover's rows are deleted and its
//!   `handover.created` and `handover.destroyed` entries redacted.
//!
//! A redacted entry keeps its seq, time, kind, operator and hashes: the chain still verifies,
//! and the history shows that something happened then, not what. The purge entry lists the
//! seqs it redacted and counts what it removed — never a customer id or a name — and is itself
//! never redacted. `ledger verify` accepts a missing payload only where a later purge entry
//! lists it.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;
use ts_rs::TS;

use super::Office;
use crate::Result;
use crate::history::local_date;
use crate::operators::Role;
use crate::register::FloorPlan;
use crate::retention::{customer_cutoff, record_cutoff};
use crate::store::{EntryRef, PURGE_KIND, Purge, Store};

/// What a purge removes (preview) or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PurgeReport {
    /// Data whose retention ended before this day is purged (YYYY-MM-DD).
    pub before: String,
    /// Nothing was changed (preview).
    pub dry_run: bool,
    /// The policy's years for customer data after the contract ended.
    pub customer_retention_years: u32,
    /// The policy's years for provision records.
    pub record_retention_years: u32,
    /// Customers whose contract ended before this day are past retention.
    pub customer_cutoff: String,
    /// Handovers made before this day are past retention.
    pub record_cutoff: String,
    /// Customers whose personal data is deleted, by id.
    pub customers: Vec<String>,
    /// Floor plan files deleted (no remaining customer uses them).
    pub floor_plans: usize,
    /// Those customers' requests, deleted with them.
    pub requests: Vec<String>,
    /// Handovers whose provision record is deleted.
    pub handovers: Vec<String>,
    /// Ledger entries whose details are redacted.
    #[ts(type = "Array<number>")]
    pub redacted: Vec<u64>,
    /// Customers past retention kept because they are in an open handover (R8).
    pub kept_customers: Vec<String>,
    /// Handovers past retention kept because they are still open (no return or destruction
    /// confirmed).
    pub kept_handovers: Vec<String>,
    /// The `retention.purged` entry (not for a preview).
    #[ts(type = "number | null")]
    pub ledger_seq: Option<u64>,
    /// What the operator must see to: a floor plan file that could not be deleted after the
    /// purge was recorded (delete it by hand; no customer refers to it any more).
    pub warnings: Vec<String>,
}

/// What a purge would remove, without changing anything.
pub fn purge_preview(office: &Office, before: &str) -> Result<PurgeReport> {
    Ok(plan(office, before)?.report)
}

/// Purge the data whose retention ended before `before` (not later than today) and record it.
pub fn purge(office: &mut Office, before: &str) -> Result<PurgeReport> {
    office.require(Role::Manager, "purging customer data")?;
    let Plan {
        mut report,
        purge,
        plans,
    } = plan(office, before)?;
    let mut event = office.event(
        PURGE_KIND,
        serde_json::json!({
            "before": report.before,
            "customerRetentionYears": report.customer_retention_years,
            "recordRetentionYears": report.record_retention_years,
            "customers": report.customers.len(),
            "requests": report.requests.len(),
            "floorPlans": plans.len(),
            "handovers": report.handovers,
            "redacted": report.redacted,
        }),
    );
    event.customers = Vec::new();
    let entry = office.store.purge(&purge, event)?;
    // Only now that the rows are gone: a plan another customer still uses stays.
    let in_use: HashSet<String> = office
        .store
        .floor_plans_in_use()?
        .into_iter()
        .map(|p| p.sha256)
        .collect();
    let files = crate::register::PlanFiles::new(&office.dir, office.data_key.as_ref());
    // The purge is recorded: a file that cannot be deleted now is reported, not an error that
    // would hide what was done.
    for p in plans.iter().filter(|p| !in_use.contains(&p.sha256)) {
        if let Err(e) = files.remove(p) {
            report.warnings.push(format!(
                "the floor plan {} could not be deleted ({e}): delete it by hand",
                files.path(p).display()
            ));
        }
    }
    report.dry_run = false;
    report.ledger_seq = Some(entry.seq);
    Ok(report)
}

struct Plan {
    report: PurgeReport,
    purge: Purge,
    /// Floor plans of the purged customers that no other customer uses.
    plans: Vec<FloorPlan>,
}

fn plan(office: &Office, before: &str) -> Result<Plan> {
    let day = purge_day(office, before)?;
    let policy = super::policy(office)?;
    let c_cut = customer_cutoff(&policy, day)?;
    let r_cut = record_cutoff(&policy, day)?;
    let store = office.store();
    let records = records_past(store, r_cut)?;
    let people = customers_past(store, c_cut, &records.in_open)?;
    let purged: HashSet<&str> = people.purged.iter().map(String::as_str).collect();
    let requests: BTreeSet<String> = store
        .requests(None)?
        .into_iter()
        .filter(|r| purged.contains(r.customer_id.as_str()))
        .map(|r| r.id)
        .collect();
    let redact = entries_holding(store, &records.purged, &requests)?;
    let plans = unshared_plans(store, people.plans, &purged)?;
    let purge = Purge {
        customers: people.purged.clone(),
        requests: requests.iter().cloned().collect(),
        handovers: records.purged.iter().cloned().collect(),
        redact: redact.clone(),
    };
    let report = PurgeReport {
        before: day.to_string(),
        dry_run: true,
        customer_retention_years: policy.customer_retention_years,
        record_retention_years: policy.record_retention_years,
        customer_cutoff: c_cut.to_string(),
        record_cutoff: r_cut.to_string(),
        customers: people.purged,
        floor_plans: plans.len(),
        requests: purge.requests.clone(),
        handovers: purge.handovers.clone(),
        redacted: redact,
        kept_customers: people.kept,
        kept_handovers: records.kept,
        ledger_seq: None,
        warnings: Vec::new(),
    };
    Ok(Plan {
        report,
        purge,
        plans,
    })
}

/// The day a purge runs up to: not later than today (purging ahead of the retention period
/// would delete data that must still be kept).
fn purge_day(office: &Office, before: &str) -> Result<Date> {
    let day = crate::dates::parse_date(before)?;
    if day > office.today() {
        return Err(crate::refusal::Refusal::DateOrder {
            rule: crate::refusal::DateOrder::PurgeAhead,
            date: day.to_string(),
            limit: office.today().to_string(),
        }
        .into());
    }
    Ok(day)
}

/// Provision records past retention.
struct Records {
    /// Closed handovers made before the cutoff: purged.
    purged: BTreeSet<String>,
    /// Open handovers made before the cutoff: kept (the contractor may still hold the data).
    kept: Vec<String>,
    /// Customers in an open handover: kept, so that a loss can still be reported to them.
    in_open: HashSet<String>,
}

fn records_past(store: &dyn Store, cutoff: Date) -> Result<Records> {
    let mut r = Records {
        purged: BTreeSet::new(),
        kept: Vec::new(),
        in_open: HashSet::new(),
    };
    for h in store.handovers(None)? {
        let past = local_date(h.created_at) < cutoff;
        if h.closed_on.is_none() {
            r.in_open
                .extend(h.customers.iter().map(|c| c.customer_id.clone()));
            if past {
                r.kept.push(h.id);
            }
        } else if past {
            r.purged.insert(h.id);
        }
    }
    Ok(r)
}

/// Customers past retention.
struct People {
    /// Whose contract ended before the cutoff: purged.
    purged: Vec<String>,
    /// Likewise, but in an open handover: kept.
    kept: Vec<String>,
    /// The floor plans of the purged, by SHA-256.
    plans: HashMap<String, FloorPlan>,
}

fn customers_past(store: &dyn Store, cutoff: Date, in_open: &HashSet<String>) -> Result<People> {
    let mut p = People {
        purged: Vec::new(),
        kept: Vec::new(),
        plans: HashMap::new(),
    };
    for c in store.customers_ended_before(&cutoff.to_string())? {
        if in_open.contains(&c.customer_id) {
            p.kept.push(c.customer_id);
        } else {
            if let Some(plan) = c.floor_plan {
                p.plans.insert(plan.sha256.clone(), plan);
            }
            p.purged.push(c.customer_id);
        }
    }
    Ok(p)
}

/// The entries that hold the purged handovers and requests: one pass over the ledger, reading
/// only these kinds' payloads.
fn entries_holding(
    store: &dyn Store,
    handovers: &BTreeSet<String>,
    requests: &BTreeSet<String>,
) -> Result<Vec<u64>> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct H {
        handover_id: String,
    }
    #[derive(serde::Deserialize)]
    struct R {
        request: Id,
    }
    #[derive(serde::Deserialize)]
    struct Id {
        id: String,
    }
    let mut redact = Vec::new();
    store.for_each_entry_ref(&mut |e: &EntryRef<'_>| {
        let Some(p) = e.payload else {
            return Ok(());
        };
        let hit = match e.kind {
            b"handover.created" | b"handover.destroyed" => {
                serde_json::from_slice::<H>(p).is_ok_and(|h| handovers.contains(&h.handover_id))
            }
            k if k.starts_with(b"request.") && !requests.is_empty() => {
                serde_json::from_slice::<R>(p).is_ok_and(|r| requests.contains(&r.request.id))
            }
            _ => false,
        };
        if hit {
            redact.push(e.seq);
        }
        Ok(())
    })?;
    Ok(redact)
}

/// Floor plans only the purged customers use, by SHA-256.
fn unshared_plans(
    store: &dyn Store,
    plans: HashMap<String, FloorPlan>,
    purged: &HashSet<&str>,
) -> Result<Vec<FloorPlan>> {
    if plans.is_empty() {
        return Ok(Vec::new());
    }
    let mut shared = HashSet::new();
    for c in store.search_customers("", None)? {
        if let Some(p) = c.floor_plan
            && !purged.contains(c.customer_id.as_str())
        {
            shared.insert(p.sha256);
        }
    }
    let mut v: Vec<FloorPlan> = plans
        .into_values()
        .filter(|p| !shared.contains(&p.sha256))
        .collect();
    v.sort_by(|a, b| a.sha256.cmp(&b.sha256));
    Ok(v)
}
