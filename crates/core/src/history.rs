//! The provision record (R7, R10): which of a customer's data went to which contractor, when,
//! how, on what basis, and whether it came back.
//!
//! Provision to an entrusted contractor (委託, APPI Art. 27(5)(i)) is not a third-party
//! provision, so the statutory record of Art. 29 does not strictly apply; the office keeps it
//! in that shape anyway — date, recipient, whose data, which items, basis — because the
//! privacy statements promise more than the law and because it is what a customer's
//! disclosure request (開示請求) and a leak report need. It is derived from the handover tables,
//! which are derived from the ledger, one row per customer per handover.
//!
//! Dates people filter by are the **office's local dates** (the system time zone, as
//! `Office::today` is): a handover recorded at 2026-11-30T16:00:00Z is on 2026-12-01 in Japan,
//! and `--from 2026-12-01` finds it there. Stored instants stay RFC 3339 UTC.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::handover::method::{Encryption, Method};
use crate::{Error, Field, Result, WorkType};

/// The legal basis of a provision. Handover only ever hands data to contractors doing work
/// for the office, so there is one; the type leaves room for the record to say so explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Basis {
    /// 委託: entrustment of the handling of personal data (APPI Art. 27(5)(i)).
    Entrustment,
}

impl Basis {
    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Basis::Entrustment => "委託",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Basis::Entrustment => "Entrustment",
        }
    }
}

/// Which provisions to read. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProvisionQuery {
    /// One customer's provisions.
    pub customer_id: Option<String>,
    /// One contractor's.
    pub contractor_id: Option<String>,
    /// One work type's.
    pub work_type: Option<WorkType>,
    /// Only these handovers (empty: any).
    pub handover_ids: Vec<String>,
    /// Created at or after this instant (whole seconds; a fraction is ignored).
    pub created_from: Option<Timestamp>,
    /// Created before this instant (whole seconds; a fraction is ignored).
    pub created_before: Option<Timestamp>,
}

/// One customer in one handover: the row of the provision record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProvisionRow {
    /// The day of the handover in the office's time zone.
    #[ts(type = "string")]
    pub date: Date,
    /// When it was recorded (RFC 3339 UTC).
    #[ts(type = "string")]
    pub created_at: Timestamp,
    /// The handover (`HO-2026-000123`).
    pub handover_id: String,
    /// 顧客番号
    pub customer_id: String,
    /// 氏名 as the register holds it now (none once purged).
    pub customer_name: Option<String>,
    /// The recipient.
    pub contractor_id: String,
    /// Its name in the roster.
    pub contractor_name: Option<String>,
    /// The work.
    pub work_type: WorkType,
    /// How it was handed over.
    pub method: Method,
    /// How it was protected.
    pub encryption: Encryption,
    /// The fields this customer's entry held.
    pub fields: Vec<Field>,
    /// The legal basis.
    pub basis: Basis,
    /// Return-or-destroy date.
    #[ts(type = "string")]
    pub return_by: Date,
    /// Day the contractor confirmed return or destruction.
    #[ts(type = "string | null")]
    pub closed_on: Option<Date>,
    /// Still open after its return-or-destroy date, today (set by `ops::history`; the store
    /// does not know the day).
    #[serde(default)]
    pub overdue: bool,
}

impl ProvisionRow {
    /// Still open (no return or destruction confirmed) after its return-or-destroy date.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.closed_on.is_none() && self.return_by < today
    }
}

/// The office's time zone (the system's, as [`crate::ops::Clock::today`] uses).
pub fn office_tz() -> TimeZone {
    TimeZone::system()
}

/// The office-local day of an instant.
pub fn local_date(at: Timestamp) -> Date {
    at.to_zoned_datetime(office_tz()).date()
}

fn out_of_range(day: Date) -> Error {
    crate::refusal::Refusal::DateOutOfRange {
        date: day.to_string(),
    }
    .into()
}

/// The first instant of an office-local day.
pub fn day_start(day: Date) -> Result<Timestamp> {
    day.to_zoned_datetime(office_tz())
        .map(|z| z.timestamp())
        .map_err(|_| out_of_range(day))
}

/// The instants `[from, to]` of an inclusive range of office-local days, checked.
pub fn day_range(
    from: Option<Date>,
    to: Option<Date>,
) -> Result<(Option<Timestamp>, Option<Timestamp>)> {
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
    let start = from.map(day_start).transpose()?;
    let end = to
        .map(|t| day_start(t.tomorrow().map_err(|_| out_of_range(t))?))
        .transpose()?;
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_inclusive_days_and_refuse_reversed_bounds() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let (a, b) = day_range(Some(d("2026-11-01")), Some(d("2026-11-30"))).unwrap();
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a, day_start(d("2026-11-01")).unwrap());
        assert_eq!(b, day_start(d("2026-12-01")).unwrap());
        assert!(a < b);
        assert!(day_range(Some(d("2026-11-02")), Some(d("2026-11-01"))).is_err());
        assert_eq!(day_range(None, None).unwrap(), (None, None));
        // One day is fine.
        assert!(day_range(Some(d("2026-11-02")), Some(d("2026-11-02"))).is_ok());
    }
}
