//! The provision history (R7, R10): one row per customer per handover, filtered by customer,
//! contractor, work type and office-local period, and its CSV/XLSX exports.

use std::path::Path;

use serde::Deserialize;
use ts_rs::TS;

use super::Office;
use crate::history::{self, ProvisionQuery, ProvisionRow};
use crate::report::{self, ExportFormat, Lang, SavedFile};
use crate::usage::UseKind;
use crate::{Error, Result, WorkType};

/// Which provisions to show. Empty fields do not filter; dates are office-local days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct HistoryFilter {
    /// One customer's provisions.
    pub customer_id: Option<String>,
    /// One contractor's.
    pub contractor_id: Option<String>,
    /// One work type's.
    pub work_type: Option<WorkType>,
    /// From this day (YYYY-MM-DD, inclusive).
    pub from: Option<String>,
    /// To this day (YYYY-MM-DD, inclusive).
    pub to: Option<String>,
}

fn opt_date(s: &Option<String>) -> Result<Option<jiff::civil::Date>> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(crate::dates::parse_date)
        .transpose()
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The history, oldest first, each row saying whether its handover is overdue today. A
/// contractor must be in the roster; a customer id that is neither in the register nor in any
/// handover is refused (a typo, not an empty history). One customer's history is also what
/// the customer page shows: every handover of their data, with the fields it held.
pub fn history(office: &Office, filter: &HistoryFilter) -> Result<Vec<ProvisionRow>> {
    let (created_from, created_before) =
        history::day_range(opt_date(&filter.from)?, opt_date(&filter.to)?)?;
    let contractor_id = clean(&filter.contractor_id);
    if let Some(c) = &contractor_id
        && office.store.contractor(c)?.is_none()
    {
        return Err(Error::UnknownContractor(c.clone()));
    }
    let customer_id = clean(&filter.customer_id);
    let mut rows = office.store.provisions(&ProvisionQuery {
        customer_id: customer_id.clone(),
        contractor_id,
        work_type: filter.work_type,
        handover_ids: Vec::new(),
        created_from,
        created_before,
    })?;
    if let Some(c) = &customer_id
        && rows.is_empty()
        && office.store.customer(c)?.is_none()
        && office
            .store
            .provisions(&ProvisionQuery {
                customer_id: Some(c.clone()),
                ..Default::default()
            })?
            .is_empty()
    {
        return Err(Error::UnknownCustomer(c.clone()));
    }
    let today = office.today();
    for r in &mut rows {
        r.overdue = r.is_overdue(today);
    }
    Ok(rows)
}

/// The history a filter selects, written to a new file (refuses to overwrite) as CSV or XLSX,
/// and recorded as a use (操作記録) naming the customers it holds.
pub fn save_history(
    office: &mut Office,
    filter: &HistoryFilter,
    path: &Path,
    format: ExportFormat,
    lang: Lang,
) -> Result<SavedFile> {
    report::check_new(path)?;
    let rows = history(office, filter)?;
    let saved = export_history(&rows, path, format, lang)?;
    let detail = match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Xlsx => "xlsx",
    };
    let customers = rows.into_iter().map(|r| r.customer_id);
    super::usage::record_file(office, UseKind::HistoryExport, detail, customers, saved)
}

/// Write history rows to a new file (refuses to overwrite) as CSV or XLSX. The file writer
/// only: it records no use, so a front end saves through [`save_history`], which does.
pub fn export_history(
    rows: &[ProvisionRow],
    path: &Path,
    format: ExportFormat,
    lang: Lang,
) -> Result<SavedFile> {
    report::check_new(path)?;
    let bytes = match format {
        ExportFormat::Csv => report::history_csv(rows, lang)?,
        ExportFormat::Xlsx => report::history_xlsx(rows, lang)?,
    };
    report::write_new(path, &bytes, rows.len())
}
