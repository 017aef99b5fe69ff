//! The accountability reports: a customer's disclosure record, the leak report, and what is
//! overdue. Building them only reads; only recording a leak report writes (one ledger entry
//! with handover ids and counts, no names — see [`record_leak_report`]).

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;

use super::{Office, lost_device, requests, usage};
use crate::history::{self, ProvisionQuery, ProvisionRow};
use crate::report::{
    self, CustomerReport, CustomerSummary, Lang, LeakInput, LeakQuery, LeakReport, OverdueHandover,
    OverdueReport, Printable, RecipientInfo, SavedFile,
};
use crate::usage::UseKind;
use crate::{Error, Result};

/// The disclosure record of one customer (every provision of their data, their requests, and
/// who looked at it), shown: recorded as a look at their data.
pub fn report_customer(office: &mut Office, customer_id: &str) -> Result<CustomerReport> {
    let id = customer_id.trim().to_string();
    build_customer_report(office, &id)?;
    usage::record(
        office,
        UseKind::CustomerPage,
        "disclosure record",
        [id.clone()],
    )?;
    // Built again so that it lists this very look.
    build_customer_report(office, &id)
}

/// The disclosure record, read only (the callers record what they do with it).
fn build_customer_report(office: &Office, customer_id: &str) -> Result<CustomerReport> {
    let id = customer_id.trim();
    let customer = office.store.customer(id)?;
    let provisions = office.store.provisions(&ProvisionQuery {
        customer_id: Some(id.to_string()),
        ..Default::default()
    })?;
    let requests = requests::views(office, office.store.requests(Some(id))?)?;
    if customer.is_none() && provisions.is_empty() && requests.is_empty() {
        return Err(Error::UnknownCustomer(id.into()));
    }
    let mut recipients: Vec<RecipientInfo> = Vec::new();
    for p in &provisions {
        if recipients.iter().any(|r| r.id == p.contractor_id) {
            continue;
        }
        let c = office.store.contractor(&p.contractor_id)?;
        recipients.push(RecipientInfo {
            id: p.contractor_id.clone(),
            name: c
                .as_ref()
                .map(|c| c.name.clone())
                .unwrap_or_else(|| p.contractor_id.clone()),
            address: c.and_then(|c| c.address),
        });
    }
    Ok(CustomerReport {
        generated_at: office.now(),
        generated_on: office.today(),
        operator: office.operator.clone(),
        customer_id: id.to_string(),
        customer: customer.map(|c| CustomerSummary {
            name: c.name,
            name_kana: c.name_kana,
            postal_code: c.postal_code,
            address: c.address,
        }),
        provisions,
        recipients,
        requests,
        uses: usage::uses_of_customer(office, id)?,
    })
}

/// The disclosure record with its printable page (to print it): recorded as a report print.
pub fn customer_report_page(
    office: &mut Office,
    customer_id: &str,
) -> Result<Printable<CustomerReport>> {
    let id = customer_id.trim().to_string();
    build_customer_report(office, &id)?;
    usage::record(
        office,
        UseKind::ReportPrint,
        "disclosure record",
        [id.clone()],
    )?;
    let r = build_customer_report(office, &id)?;
    let html = report::customer_report_html(&r);
    Ok(Printable { report: r, html })
}

/// Save a customer's disclosure record as printable HTML (refuses to overwrite), recorded as a
/// report export.
pub fn save_customer_report(
    office: &mut Office,
    customer_id: &str,
    path: &Path,
) -> Result<SavedFile> {
    report::check_new(path)?;
    let id = customer_id.trim().to_string();
    let r = build_customer_report(office, &id)?;
    let saved = save_customer_report_html(&r, path)?;
    let detail = "disclosure record html";
    usage::record_file(office, UseKind::ReportExport, detail, [id], saved)
}

/// Save the disclosure record as printable HTML (refuses to overwrite). The file writer only
/// (no record of use): a front end saves through [`save_customer_report`].
pub fn save_customer_report_html(r: &CustomerReport, path: &Path) -> Result<SavedFile> {
    report::check_new(path)?;
    let html = report::customer_report_html(r);
    report::write_new(path, html.as_bytes(), r.provisions.len())
}

fn opt_date(s: &Option<String>) -> Result<Option<Date>> {
    crate::dates::parse_opt_date(s.as_deref())
}

/// The handovers a leak query names, as provision rows, and the day of awareness.
fn leak(problem: crate::refusal::LeakProblem) -> Error {
    crate::refusal::Refusal::LeakReport(problem).into()
}

fn leak_rows(office: &Office, q: &LeakQuery) -> Result<(Vec<ProvisionRow>, Date)> {
    let rows = office.store.provisions(&leak_query(office, q)?)?;
    if rows.is_empty() {
        return Err(leak(crate::refusal::LeakProblem::NothingToReport {
            contractor: q.contractor_id.clone().unwrap_or_default(),
            from: q.from.clone(),
            to: q.to.clone(),
        }));
    }
    let aware = aware_day(office, q)?;
    if let Some(first) = rows.iter().map(|r| r.date).min()
        && aware < first
    {
        return Err(crate::refusal::Refusal::DateOrder {
            rule: crate::refusal::DateOrder::Aware,
            date: aware.to_string(),
            limit: first.to_string(),
        }
        .into());
    }
    Ok((rows, aware))
}

/// The day the office became aware: given (not in the future), or today.
fn aware_day(office: &Office, q: &LeakQuery) -> Result<Date> {
    let today = office.today();
    let aware = opt_date(&q.aware_on)?.unwrap_or(today);
    if aware > today {
        return Err(Error::date_in_future("aware", aware));
    }
    Ok(aware)
}

/// The provisions a leak query names: the lost handovers (each must exist), or a
/// contractor's handovers in a period — one or the other.
fn leak_query(office: &Office, q: &LeakQuery) -> Result<ProvisionQuery> {
    let mut ids: Vec<String> = Vec::new();
    for id in q
        .handover_ids
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        if !ids.iter().any(|x| x == id) {
            ids.push(id.to_string());
        }
    }
    let contractor = q
        .contractor_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let (from, to) = (opt_date(&q.from)?, opt_date(&q.to)?);
    match (ids.is_empty(), contractor) {
        (false, Some(_)) => Err(leak(crate::refusal::LeakProblem::Both)),
        (true, None) => Err(leak(crate::refusal::LeakProblem::Neither)),
        (false, None) => {
            if from.is_some() || to.is_some() {
                return Err(leak(crate::refusal::LeakProblem::PeriodWithHandovers));
            }
            for id in &ids {
                if office.store.handovers(Some(id))?.is_empty() {
                    return Err(Error::UnknownHandover(id.clone()));
                }
            }
            Ok(ProvisionQuery {
                handover_ids: ids,
                ..Default::default()
            })
        }
        (true, Some(c)) => {
            if office.store.contractor(c)?.is_none() {
                return Err(Error::UnknownContractor(c.to_string()));
            }
            let (created_from, created_before) = history::day_range(from, to)?;
            Ok(ProvisionQuery {
                contractor_id: Some(c.to_string()),
                created_from,
                created_before,
                ..Default::default()
            })
        }
    }
}

/// The customers a leak report lists.
fn leak_customers(r: &LeakReport) -> Vec<String> {
    r.customers.iter().map(|c| c.customer_id.clone()).collect()
}

/// The leak report for lost handovers or a contractor's handovers, shown without recording it
/// in the ledger (a preview): recorded as a report print (it lists the people concerned).
pub fn leak_report(office: &mut Office, q: &LeakQuery) -> Result<LeakReport> {
    let r = build_leak_report(office, q)?;
    usage::record(
        office,
        UseKind::ReportPrint,
        "leak report",
        leak_customers(&r),
    )?;
    Ok(r)
}

/// The leak report, read only.
fn build_leak_report(office: &Office, q: &LeakQuery) -> Result<LeakReport> {
    let (rows, aware_on, device) = match q.lost_device {
        true => (
            Vec::new(),
            aware_day(office, q)?,
            Some(lost_device::on_hand(office)?),
        ),
        false => {
            let (rows, aware_on) = leak_rows(office, q)?;
            (rows, aware_on, None)
        }
    };
    report::build_leak_report(
        &LeakInput {
            query: q,
            aware_on,
            generated_at: office.now(),
            rows: &rows,
            device,
        },
        &mut |id| office.store.customer(id),
    )
}

/// Build the leak report and record it in the ledger (`report.leak`).
///
/// Why record a report at all: the deadlines to the regulator run from the day the office
/// became aware, and what it concluded (which handovers, how many people, which triggers,
/// the malice judgement) is what it will have to justify. A tamper-evident entry made at the
/// time shows both. The entry holds handover ids, the day of awareness, the judgements and
/// counts only — no customer ids or names — so it never needs redacting when a customer's data
/// is purged; the handover ids lead to the customers for as long as those records are kept.
pub fn record_leak_report(office: &mut Office, q: &LeakQuery) -> Result<LeakReport> {
    let mut r = build_leak_report(office, q)?;
    let payload = serde_json::json!({
        "handoverIds": r.handovers.iter().map(|h| &h.handover_id).collect::<Vec<_>>(),
        "contractorId": r.contractor_id,
        "from": r.from,
        "to": r.to,
        "awareOn": r.aware_on,
        "malice": r.malice,
        "keysLost": r.keys_lost,
        "people": r.people,
        "exposedPeople": r.exposed_people,
        "fieldCounts": r.field_counts,
        "triggers": r.triggers,
        "reportRequired": r.report_required,
        "deadlines": r.deadlines,
        "lostDevice": r.device.as_ref().map(|d| serde_json::json!({
            "sharedStore": d.shared_store, "storeEncrypted": d.store_encrypted,
            "plansInClear": d.plans_in_clear, "keysInClear": d.keys_in_clear,
            "exempt": d.exempt,
        })),
    });
    let event = office.event("report.leak", payload);
    let e = office.store.append(event)?;
    r.ledger_seq = Some(e.seq);
    usage::record(
        office,
        UseKind::ReportPrint,
        "leak report",
        leak_customers(&r),
    )?;
    Ok(r)
}

/// The leak report with its printable page (a preview, not recorded in the ledger; recorded as
/// a report print).
pub fn leak_report_page(office: &mut Office, q: &LeakQuery) -> Result<Printable<LeakReport>> {
    let r = leak_report(office, q)?;
    let html = report::leak_report_html(&r);
    Ok(Printable { report: r, html })
}

/// Record the leak report ([`record_leak_report`]) and return it with its printable page.
pub fn record_leak_report_page(
    office: &mut Office,
    q: &LeakQuery,
) -> Result<Printable<LeakReport>> {
    let r = record_leak_report(office, q)?;
    let html = report::leak_report_html(&r);
    Ok(Printable { report: r, html })
}

/// Save the leak report of a query as printable HTML or an XLSX workbook (refuses to
/// overwrite), recorded as a report export (not in the ledger as a leak report).
pub fn save_leak_report(
    office: &mut Office,
    q: &LeakQuery,
    path: &Path,
    format: LeakFormat,
    lang: Lang,
) -> Result<SavedFile> {
    report::check_new(path)?;
    let r = build_leak_report(office, q)?;
    let (saved, detail) = match format {
        LeakFormat::Html => (save_leak_report_html(&r, path)?, "leak report html"),
        LeakFormat::Xlsx => (save_leak_report_xlsx(&r, path, lang)?, "leak report xlsx"),
    };
    usage::record_file(
        office,
        UseKind::ReportExport,
        detail,
        leak_customers(&r),
        saved,
    )
}

/// The files a leak report is saved as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LeakFormat {
    /// The printable page.
    Html,
    /// An Excel workbook, one sheet per part.
    Xlsx,
}

/// Save the leak report as printable HTML (refuses to overwrite). The file writer only: it
/// records no use, so a front end saves through [`save_leak_report`], which does.
pub fn save_leak_report_html(r: &LeakReport, path: &Path) -> Result<SavedFile> {
    report::check_new(path)?;
    let html = report::leak_report_html(r);
    report::write_new(path, html.as_bytes(), r.customers.len())
}

/// Save the leak report as an XLSX workbook (refuses to overwrite). The file writer only (no
/// record of use): a front end saves through [`save_leak_report`].
pub fn save_leak_report_xlsx(r: &LeakReport, path: &Path, lang: Lang) -> Result<SavedFile> {
    report::check_new(path)?;
    let bytes = report::leak_xlsx(r, lang)?;
    report::write_new(path, &bytes, r.customers.len())
}

/// Handovers past their return-or-destroy date and requests overdue, today.
pub fn overdue_report(office: &Office) -> Result<OverdueReport> {
    let today = office.today();
    let names: BTreeMap<String, String> = office
        .store
        .contractors()?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let mut receipts = super::receipt_status(office)?;
    let mut handovers: Vec<OverdueHandover> = super::overdue_handovers(office)?
        .into_iter()
        .map(|h| {
            let r = receipts.remove(&h.id).unwrap_or_default();
            (h, r)
        })
        .map(|(h, r)| OverdueHandover {
            receipt: r.state(&h),
            received_on: r.received_on,
            date: history::local_date(h.created_at),
            contractor_name: names.get(&h.contractor_id).cloned(),
            customers: h.customers.len(),
            days_overdue: h.days_overdue(today),
            handover_id: h.id,
            contractor_id: h.contractor_id,
            work_type: h.work_type,
            method: h.method,
            return_by: h.return_by,
        })
        .collect();
    handovers.sort_by(|a, b| {
        a.return_by
            .cmp(&b.return_by)
            .then_with(|| a.handover_id.cmp(&b.handover_id))
    });
    Ok(OverdueReport {
        today,
        handovers,
        requests: requests::overdue_requests(office)?,
    })
}
