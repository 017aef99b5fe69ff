//! The accountability reports: a customer's disclosure record, the leak report, and what is
//! overdue. Building them only reads; only recording a leak report writes (one ledger entry
//! with handover ids and counts, no names — see [`record_leak_report`]).

use std::collections::BTreeMap;
use std::path::Path;

use super::{Office, requests};
use crate::history::{self, ProvisionQuery, ProvisionRow};
use crate::report::{
    self, CustomerReport, CustomerSummary, Lang, LeakInput, LeakQuery, LeakReport, OverdueHandover,
    OverdueReport, RecipientInfo, SavedFile,
};
use crate::{Error, Result};

/// The disclosure record of one customer: every provision of their data and their requests.
pub fn report_customer(office: &Office, customer_id: &str) -> Result<CustomerReport> {
    let id = customer_id.trim();
    let customer = office.store.customer(id)?;
    let provisions = office.store.provisions(&ProvisionQuery {
        customer_id: Some(id.to_string()),
        ..Default::default()
    })?;
    let requests = requests::views(office, office.store.requests(Some(id))?)?;
    if customer.is_none() && provisions.is_empty() && requests.is_empty() {
        return Err(Error::invalid(
            "customer",
            format!("no customer with 顧客番号 {id}, and no record of one"),
        ));
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
        generated_on: office.today().to_string(),
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
    })
}

/// Save the disclosure record as printable HTML (refuses to overwrite).
pub fn save_customer_report_html(r: &CustomerReport, path: &Path) -> Result<SavedFile> {
    report::check_new(path)?;
    let html = report::customer_report_html(r);
    report::write_new(path, html.as_bytes(), r.provisions.len())
}

fn opt_date(s: &Option<String>) -> Result<Option<jiff::civil::Date>> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(crate::dates::parse_date)
        .transpose()
}

/// The handovers a leak query names, as provision rows, and the day of awareness.
fn leak_rows(office: &Office, q: &LeakQuery) -> Result<(Vec<ProvisionRow>, jiff::civil::Date)> {
    let ids: Vec<String> = q
        .handover_ids
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .fold(Vec::new(), |mut v, id| {
            if !v.contains(&id) {
                v.push(id);
            }
            v
        });
    let contractor = q
        .contractor_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let (from, to) = (opt_date(&q.from)?, opt_date(&q.to)?);
    let query = match (ids.is_empty(), contractor) {
        (false, Some(_)) => {
            return Err(Error::invalid(
                "leak report",
                "name the lost handovers or a contractor, not both",
            ));
        }
        (true, None) => {
            return Err(Error::invalid(
                "leak report",
                "name the lost handovers (--handover) or the contractor (--contractor)",
            ));
        }
        (false, None) => {
            if from.is_some() || to.is_some() {
                return Err(Error::invalid(
                    "leak report",
                    "a period (--from/--to) goes with --contractor, not with --handover",
                ));
            }
            for id in &ids {
                if office.store.handovers(Some(id))?.is_empty() {
                    return Err(Error::invalid(
                        "handover",
                        format!("no handover with id {id}"),
                    ));
                }
            }
            ProvisionQuery {
                handover_ids: ids,
                ..Default::default()
            }
        }
        (true, Some(c)) => {
            if office.store.contractor(c)?.is_none() {
                return Err(Error::UnknownContractor(c.to_string()));
            }
            let (created_from, created_before) = history::day_range(from, to)?;
            ProvisionQuery {
                contractor_id: Some(c.to_string()),
                created_from,
                created_before,
                ..Default::default()
            }
        }
    };
    let rows = office.store.provisions(&query)?;
    if rows.is_empty() {
        return Err(Error::invalid(
            "leak report",
            format!(
                "{} received no handover{}: nothing to report",
                contractor.unwrap_or("the contractor"),
                match (&q.from, &q.to) {
                    (None, None) => String::new(),
                    (f, t) => format!(
                        " between {} and {}",
                        f.as_deref().unwrap_or("the start"),
                        t.as_deref().unwrap_or("today")
                    ),
                }
            ),
        ));
    }
    let today = office.today();
    let aware = opt_date(&q.aware_on)?.unwrap_or(today);
    if aware > today {
        return Err(Error::invalid("aware", format!("{aware} is in the future")));
    }
    if let Some(first) = rows.iter().map(|r| r.date.as_str()).min()
        && aware.to_string().as_str() < first
    {
        return Err(Error::invalid(
            "aware",
            format!("{aware} is before the first handover concerned ({first})"),
        ));
    }
    Ok((rows, aware))
}

/// The leak report for lost handovers or a contractor's handovers; reads only (a preview).
pub fn leak_report(office: &Office, q: &LeakQuery) -> Result<LeakReport> {
    let (rows, aware_on) = leak_rows(office, q)?;
    report::build_leak_report(
        &LeakInput {
            query: q,
            aware_on,
            generated_at: office.now(),
            rows: &rows,
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
    let mut r = leak_report(office, q)?;
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
    });
    let event = office.event("report.leak", payload);
    let e = office.store.append(event)?;
    r.ledger_seq = Some(e.seq);
    Ok(r)
}

/// Save the leak report as printable HTML (refuses to overwrite).
pub fn save_leak_report_html(r: &LeakReport, path: &Path) -> Result<SavedFile> {
    report::check_new(path)?;
    let html = report::leak_report_html(r);
    report::write_new(path, html.as_bytes(), r.customers.len())
}

/// Save the leak report as an XLSX workbook (refuses to overwrite).
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
    let mut handovers: Vec<OverdueHandover> = super::overdue_handovers(office)?
        .into_iter()
        .map(|h| {
            let late = h
                .return_by
                .parse::<jiff::civil::Date>()
                .map(|d| (today - d).get_days().max(0) as u32)
                .unwrap_or(0);
            OverdueHandover {
                date: history::local_date(&h.created_at),
                contractor_name: names.get(&h.contractor_id).cloned(),
                customers: h.customers.len(),
                handover_id: h.id,
                contractor_id: h.contractor_id,
                work_type: h.work_type,
                method: h.method,
                return_by: h.return_by,
                days_overdue: late,
            }
        })
        .collect();
    handovers.sort_by(|a, b| {
        a.return_by
            .cmp(&b.return_by)
            .then_with(|| a.handover_id.cmp(&b.handover_id))
    });
    Ok(OverdueReport {
        today: today.to_string(),
        handovers,
        requests: requests::overdue_requests(office)?,
    })
}
