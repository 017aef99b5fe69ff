//! The supervision record (委託先監督台帳) as the contractor screen and `handover contractor`
//! show and change it, and the rule a pack applies to a contractor whose supervision is due.

use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{LeakFormat, Office, PackWarning, ReceiptStatus, policy};
use crate::dates::parse_opt_date;
use crate::handover::HandoverRecord;
use crate::operators::Role;
use crate::report::{
    self, Lang, Printable, ReceiptEvidence, SavedFile, SupervisedHandover, SupervisionReport,
};
use crate::store::Recheck;
use crate::supervision::{Supervision, SupervisionChange, SupervisionRule, SupervisionStatus};
use crate::{Contractor, Error, Policy, Result};

/// A contractor with its supervision record and what is due today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SupervisionView {
    /// The contractor and its agreement.
    pub contractor: Contractor,
    /// The record.
    pub record: Supervision,
    /// What is due today.
    pub status: SupervisionStatus,
    /// What the policy does to a handover while a review is overdue or a certificate expired.
    pub rule: SupervisionRule,
    /// What a pack to this contractor would warn about today (empty when the policy refuses:
    /// then pack refuses).
    pub warnings: Vec<PackWarning>,
    /// May the signed-in person change it (manager or admin)?
    pub can_edit: bool,
}

fn known(office: &Office, id: &str) -> Result<Contractor> {
    office
        .store
        .contractor(id)?
        .ok_or_else(|| Error::UnknownContractor(id.into()))
}

/// A contractor's supervision record (everyone may read it).
pub fn supervision(office: &Office, id: &str) -> Result<SupervisionView> {
    let contractor = known(office, id)?;
    let record = office.store.supervision(id)?;
    view(office, contractor, record)
}

fn view(office: &Office, contractor: Contractor, record: Supervision) -> Result<SupervisionView> {
    let status = record.status(&contractor, office.today());
    let rule = policy(office).map(|p| p.supervision).unwrap_or_default();
    let warnings = match rule {
        SupervisionRule::Warn => warnings_of(&status),
        SupervisionRule::Refuse => Vec::new(),
    };
    Ok(SupervisionView {
        contractor,
        record,
        status,
        rule,
        warnings,
        can_edit: office.role()?.allows(Role::Manager),
    })
}

/// Change a contractor's supervision record (manager or admin): validated against the record
/// as stored at that moment, recorded as a `contractor.*` entry carrying the record before and
/// after. A refusal changes nothing.
pub fn supervision_change(
    office: &mut Office,
    id: &str,
    change: &SupervisionChange,
) -> Result<SupervisionView> {
    office.require(Role::Manager, "changing a contractor's supervision record")?;
    let contractor = known(office, id)?;
    let template = office.event(change.kind(), serde_json::Value::Null);
    let (by, today) = (office.operator.clone(), office.today());
    let (record, _) = office
        .store
        .change_supervision(id, &template.at.clone(), &mut |before| {
            let after = change.apply(&before, &by, today)?;
            let mut ev = template.clone();
            ev.payload = serde_json::json!({
                "contractorId": id,
                "before": before,
                "after": after,
            });
            Ok((after, ev))
        })?;
    view(office, contractor, record)
}

fn warnings_of(status: &SupervisionStatus) -> Vec<PackWarning> {
    let mut out = Vec::new();
    if status.review_overdue {
        out.push(PackWarning::ReviewOverdue);
    }
    if status.certification_expired {
        out.push(PackWarning::CertificationExpired);
    }
    out
}

/// What a handover to `c` today meets under `policy`: the warnings to give, or the refusal
/// ([`Error::SupervisionDue`]) when the policy refuses.
pub(super) fn pack_rule(
    office: &Office,
    policy: &Policy,
    c: &Contractor,
) -> Result<Vec<PackWarning>> {
    let record = office.store.supervision(&c.id)?;
    let today = office.today();
    match record.refusal(c, today, policy.supervision) {
        Some(refused) => Err(refused),
        None => Ok(warnings_of(&record.status(c, today))),
    }
}

/// The pack rule applied again inside the transaction that records a handover to `c`, to the
/// supervision record and the policy as the store holds them then (under the write lock): a
/// manager who recorded an expired certificate, or made the policy refuse, while the bundle
/// was being written, refuses the pack with [`Error::SupervisionDue`] and nothing is recorded.
pub(super) fn pack_recheck(c: &Contractor, today: Date, now: &dyn Recheck) -> Result<()> {
    let policy = Policy::of_entry(now.newest_entry(Policy::KIND)?)?;
    let record = now.supervision(&c.id)?;
    match record.refusal(c, today, policy.supervision) {
        Some(refused) => Err(refused),
        None => Ok(()),
    }
}

/// The supervision report of contractor `id` over a period (office-local days, both
/// inclusive; either end open): manager or admin. Reads only.
pub fn supervision_report(
    office: &Office,
    id: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<SupervisionReport> {
    office.require(Role::Manager, "the supervision report")?;
    let contractor = known(office, id)?;
    let from = parse_opt_date(from)?;
    let to = parse_opt_date(to)?;
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(crate::refusal::Refusal::DateOrder {
            rule: crate::refusal::DateOrder::Period,
            date: t.to_string(),
            limit: f.to_string(),
        }
        .into());
    }
    let today = office.today();
    let receipts = super::receipt_status(office)?;
    let handovers = office
        .store
        .handovers(None)?
        .into_iter()
        .filter(|h| h.contractor_id == id)
        .filter_map(|h| {
            let date = crate::history::local_date(h.created_at);
            let inside = from.is_none_or(|f| f <= date) && to.is_none_or(|t| date <= t);
            let receipt = receipts.get(&h.id);
            inside.then(|| supervised(h, date, receipt, today))
        })
        .collect();
    let record = office.store.supervision(id)?;
    Ok(SupervisionReport {
        status: record.status(&contractor, today),
        contractor,
        record,
        from,
        to,
        handovers,
        generated_at: office.now(),
        generated_by: office.operator.clone(),
    })
}

fn supervised(
    h: HandoverRecord,
    date: jiff::civil::Date,
    receipt: Option<&ReceiptStatus>,
    today: jiff::civil::Date,
) -> SupervisedHandover {
    let received_on = receipt.and_then(|r| r.received_on.clone());
    let evidence = match (h.closed_on, receipt) {
        (Some(_), Some(r)) if r.destroyed_by_receipt => ReceiptEvidence::Destroyed,
        (Some(_), _) => ReceiptEvidence::ByHand,
        (None, _) if received_on.is_some() => ReceiptEvidence::Received,
        (None, _) => ReceiptEvidence::None,
    };
    SupervisedHandover {
        days_overdue: if h.is_overdue(today) {
            h.days_overdue(today)
        } else {
            0
        },
        customers: h.customers.len(),
        handover_id: h.id,
        date,
        work_type: h.work_type,
        method: h.method,
        return_by: h.return_by,
        closed_on: h.closed_on,
        received_on,
        evidence,
    }
}

/// The supervision report with its printable page in `lang`.
pub fn supervision_report_page(
    office: &Office,
    id: &str,
    from: Option<&str>,
    to: Option<&str>,
    lang: Lang,
) -> Result<Printable<SupervisionReport>> {
    let r = supervision_report(office, id, from, to)?;
    let html = report::supervision_report_html(&r, lang);
    Ok(Printable { report: r, html })
}

/// Save the supervision report as printable HTML or an XLSX workbook (refuses to
/// overwrite; the file is readable by its owner only).
pub fn save_supervision_report(
    office: &Office,
    q: &SupervisionReportQuery,
    path: &Path,
) -> Result<SavedFile> {
    report::check_new(path)?;
    let r = supervision_report(office, &q.contractor_id, q.from.as_deref(), q.to.as_deref())?;
    let bytes = match q.format {
        LeakFormat::Html => report::supervision_report_html(&r, q.lang).into_bytes(),
        LeakFormat::Xlsx => report::supervision_xlsx(&r, q.lang)?,
    };
    report::write_new(path, &bytes, r.handovers.len())
}

/// Which supervision report to save, and how.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SupervisionReportQuery {
    /// The contractor.
    pub contractor_id: String,
    /// First day (YYYY-MM-DD), if any.
    pub from: Option<String>,
    /// Last day, if any.
    pub to: Option<String>,
    /// HTML (print) or XLSX.
    pub format: LeakFormat,
    /// Japanese or English labels.
    #[serde(default)]
    pub lang: Lang,
}
