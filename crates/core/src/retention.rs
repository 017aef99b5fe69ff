//! Retention (R9, R10): when data is past its keeping period.
//!
//! Two periods, both from the [`Policy`]:
//!
//! * **Customer personal data** (the register row and its floor plan) is kept until
//!   `customer_retention_years` after the customer's contract ended (`customers.contract_ended`,
//!   read at import from a 解約日 / 契約終了日 / 退会日 column). A customer without that date is
//!   a current customer and is never purged.
//! * **Provision records** (a handover, its customers and fields, and its ledger entries) are
//!   kept `record_retention_years` (at least 3, APPI Art. 29) after the provision, the day the
//!   handover was made. A handover still open — the contractor has not confirmed return or
//!   destruction — is never purged: the contractor may still hold the data, and a loss must
//!   remain reportable (R8).
//!
//! Data is past retention "before D" when its period ended before day D: a contract ended on
//! 2020-03-31 with five years' retention is kept through 2025-03-31 and purged by
//! `purge --before 2025-04-01` or later.
//!
//! A customer who is still in an open handover is kept too, past their own period: if that
//! contractor reports a loss the office must be able to tell the customer (R8).
//!
//! The customer's ids stay in the provision records (and the per-customer history) for as
//! long as those are kept, so that "who received what about whom" can still be answered after
//! the name and address are gone.

use jiff::civil::Date;

use crate::{Policy, Result};

/// Customers whose contract ended before this day are past retention on `today`.
pub fn customer_cutoff(policy: &Policy, today: Date) -> Result<Date> {
    years_before(today, policy.customer_retention_years)
}

/// Handovers made before this day are past record retention on `today`.
pub fn record_cutoff(policy: &Policy, today: Date) -> Result<Date> {
    years_before(today, policy.record_retention_years)
}

fn years_before(day: Date, years: u32) -> Result<Date> {
    day.checked_sub(jiff::Span::new().years(i64::from(years)))
        .map_err(|_| {
            crate::refusal::Refusal::DateOutOfRange {
                date: format!("{day} − {years}y"),
            }
            .into()
        })
}

/// The day a timestamp (RFC 3339) falls on in the office's time zone.
pub fn local_day(timestamp: &str) -> Option<Date> {
    timestamp.parse().ok().map(crate::history::local_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoffs_follow_the_policy() {
        let p = Policy::default();
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(
            customer_cutoff(&p, d("2025-04-01")).unwrap(),
            d("2020-04-01")
        );
        assert_eq!(record_cutoff(&p, d("2026-11-23")).unwrap(), d("2023-11-23"));
        // 29 February minus whole years lands on the 28th.
        assert_eq!(record_cutoff(&p, d("2028-02-29")).unwrap(), d("2025-02-28"));
        assert_eq!(local_day("not a time"), None);
    }
}
