//! The record of use (操作記録, R12): the use-cases that show or write customer data record
//! themselves through [`record`], and managers read the record back by operator and period
//! ([`usage_report`], [`save_usage_report`]). Why uses are kept in a table and sealed into the
//! ledger in batches, and how a seal is checked: [`crate::usage`].

use std::path::Path;

use serde::Deserialize;
use ts_rs::TS;

use super::Office;
use crate::Result;
use crate::operators::Role;
use crate::report::{self, ExportFormat, Lang, SavedFile};
use crate::store::EventDraft;
use crate::usage::{
    BATCH_ENTRIES, BATCH_WINDOW_MINUTES, SEAL_KIND, Seal, UsageEntry, UsageQuery, UseDraft, UseKind,
};

/// Record that the signed-in operator did `kind` with the data of `customers` (ids, any
/// order, repeats allowed), then seal every batch that is due. Called by the use-cases
/// themselves, after the data was read and before it is handed back (a look the store cannot
/// record is not shown), or after a file was written (removed again if it cannot be recorded).
pub(crate) fn record<I, S>(
    office: &mut Office,
    kind: UseKind,
    detail: &str,
    customers: I,
) -> Result<()>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut customers: Vec<String> = customers.into_iter().map(Into::into).collect();
    customers.sort_unstable();
    customers.dedup();
    let draft = UseDraft {
        at: office.now(),
        operator: office.operator.clone(),
        kind,
        detail: detail.to_string(),
        customers,
    };
    office.store.record_use(&draft)?;
    seal_due(office)
}

/// Record a use that wrote `saved` (a file): if the store cannot record it, the file is removed
/// (not recorded, so not handed out).
pub(crate) fn record_file<I, S>(
    office: &mut Office,
    kind: UseKind,
    detail: &str,
    customers: I,
    saved: SavedFile,
) -> Result<SavedFile>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    match record(office, kind, detail, customers) {
        Ok(()) => Ok(saved),
        Err(e) => {
            let _ = std::fs::remove_file(&saved.path);
            Err(e)
        }
    }
}

/// A whole-second instant as stored times compare with it (see `store::sqlite::history`).
fn bound(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Seal the batches that are due: this operator's once [`BATCH_ENTRIES`] uses wait, anyone's
/// once the oldest has waited [`BATCH_WINDOW_MINUTES`] (a PC that was switched off without
/// signing out leaves a batch that the next use anywhere seals).
fn seal_due(office: &mut Office) -> Result<()> {
    let window = jiff::SignedDuration::from_mins(BATCH_WINDOW_MINUTES);
    let cutoff = bound(office.now_instant() - window);
    for b in office.store.pending_uses()? {
        let full = b.operator == office.operator && b.entries >= BATCH_ENTRIES;
        if full || b.oldest < cutoff {
            seal(office, &b.operator)?;
        }
    }
    Ok(())
}

/// Seal `operator`'s waiting uses into the ledger now; the seal's seq, or `None` if none
/// waited.
fn seal(office: &mut Office, operator: &str) -> Result<Option<u64>> {
    let template = office.event(SEAL_KIND, serde_json::Value::Null);
    let e = office.store.seal_uses(operator, &mut |rows| EventDraft {
        payload: serde_json::to_value(Seal::of(operator, rows)).unwrap_or_default(),
        ..template.clone()
    })?;
    Ok(e.map(|e| e.seq))
}

/// Seal the signed-in operator's waiting uses (at sign-out and when the program exits, so that
/// a session's uses are in the chain when it ends). The seal's seq, or `None` if none waited.
pub fn seal_own_uses(office: &mut Office) -> Result<Option<u64>> {
    let me = office.operator.clone();
    seal(office, &me)
}

impl Drop for Office {
    /// The office is closed (sign-out, another sign-in, the program exits): its operator's
    /// uses are sealed. A failure here (the server went away) leaves them waiting in the
    /// table, where the next use anywhere seals them once the window has passed.
    fn drop(&mut self) {
        let _ = seal_own_uses(self);
    }
}

/// Which uses the 操作記録 report lists. Empty fields do not filter; dates are office-local
/// days (YYYY-MM-DD, inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct UsageFilter {
    /// One operator's uses.
    pub operator: Option<String>,
    /// From this day.
    pub from: Option<String>,
    /// To this day.
    pub to: Option<String>,
}

fn query(f: &UsageFilter) -> Result<UsageQuery> {
    let day = |s: &Option<String>| crate::dates::parse_opt_date(s.as_deref());
    let (from, before) = crate::history::day_range(day(&f.from)?, day(&f.to)?)?;
    Ok(UsageQuery {
        operator: f
            .operator
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        from: from.map(bound),
        before: before.map(bound),
        customer_id: None,
    })
}

/// The record of use by operator and period, oldest first: managers and admins only (it says
/// what each person looked at).
pub fn usage_report(office: &Office, filter: &UsageFilter) -> Result<Vec<UsageEntry>> {
    office.require(Role::Manager, "reading the record of use")?;
    office.store.uses(&query(filter)?)
}

/// Save the record of use as CSV or XLSX (a new file, never overwritten). The file names the
/// customers each use concerned, so saving it is itself recorded.
pub fn save_usage_report(
    office: &mut Office,
    filter: &UsageFilter,
    path: &Path,
    format: ExportFormat,
    lang: Lang,
) -> Result<SavedFile> {
    report::check_new(path)?;
    let rows = usage_report(office, filter)?;
    let (bytes, detail) = match format {
        ExportFormat::Csv => (report::usage_csv(&rows, lang)?, "usage csv"),
        ExportFormat::Xlsx => (report::usage_xlsx(&rows, lang)?, "usage xlsx"),
    };
    let saved = report::write_new(path, &bytes, rows.len())?;
    let customers: Vec<String> = rows.into_iter().flat_map(|r| r.customers).collect();
    record_file(office, UseKind::ReportExport, detail, customers, saved)
}

/// Who looked at or wrote out customer `id`'s data, oldest first (for their report).
pub(crate) fn uses_of_customer(office: &Office, id: &str) -> Result<Vec<UsageEntry>> {
    office.store.uses(&UsageQuery {
        customer_id: Some(id.to_string()),
        ..Default::default()
    })
}

/// A customer's page is opened: their registered data, recorded as a look (the floor plan,
/// history and requests the page shows with it are part of the same look).
pub fn customer_page_view(office: &mut Office, id: &str) -> Result<crate::register::Customer> {
    let c = super::customer(office, id)?;
    record(office, UseKind::CustomerPage, "", [c.customer_id.clone()])?;
    Ok(c)
}
