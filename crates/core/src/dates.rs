//! Dates as people type them and as the office records them.
//!
//! Data holds ISO 8601 (`YYYY-MM-DD`, a [`jiff::civil::Date`]); a person may type `YYYY/MM/DD`
//! too. Every use case that takes a date from a user parses it here, so the CLI and the app
//! accept and refuse the same strings.

use jiff::civil::Date;

use crate::{Error, Result};

/// Parse a date typed by a person: ISO `YYYY-MM-DD`, or `YYYY/MM/DD`.
pub fn parse_date(s: &str) -> Result<Date> {
    let t = s.trim().replace('/', "-");
    t.parse::<Date>()
        .map_err(|_| Error::BadDate(s.trim().to_string()))
}

/// Parse an optional date; an empty string counts as absent.
pub fn parse_opt_date(s: Option<&str>) -> Result<Option<Date>> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_date)
        .transpose()
}

/// Whole days from `due` to `today` (0 when `today` is not after `due`): how late something
/// due on `due` is. On the due day itself it is not late.
pub fn days_past(due: Date, today: Date) -> u32 {
    if today > due {
        u32::try_from((today - due).get_days()).unwrap_or(0)
    } else {
        0
    }
}

/// `date` plus `days` (saturating at the end of the calendar).
pub fn add_days(date: Date, days: u32) -> Date {
    date.saturating_add(jiff::Span::new().days(i64::from(days)))
}

/// An instant as a Japanese reader reads it, in the office's (the system's) time zone:
/// `2026年12月6日 09:05`.
pub fn local_time_ja(at: &jiff::Timestamp) -> String {
    local_time_ja_in(*at, &jiff::tz::TimeZone::system())
}

/// An instant as an English reader reads it, in the office's (the system's) time zone:
/// `6 Dec 2026, 09:05`.
pub fn local_time_en(at: &jiff::Timestamp) -> String {
    local_time_en_in(*at, &jiff::tz::TimeZone::system())
}

fn local_time_ja_in(at: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    at.to_zoned_datetime(tz.clone()).strftime("%Y年%-m月%-d日 %H:%M").to_string()
}

fn local_time_en_in(at: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    at.to_zoned_datetime(tz.clone()).strftime("%-d %b %Y, %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_reads_in_local_time_in_each_language() {
        let at: jiff::Timestamp = "2026-12-06T00:05:00Z".parse().unwrap();
        let tokyo = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));
        assert_eq!(local_time_ja_in(at, &tokyo), "2026年12月6日 09:05");
        assert_eq!(local_time_en_in(at, &tokyo), "6 Dec 2026, 09:05");
        let utc = jiff::tz::TimeZone::UTC;
        assert_eq!(local_time_ja_in(at, &utc), "2026年12月6日 00:05");
    }

    #[test]
    fn iso_and_slashed_dates_parse_to_the_same_day() {
        assert_eq!(
            parse_date("2026-11-23").unwrap(),
            parse_date(" 2026/11/23 ").unwrap()
        );
        assert_eq!(parse_opt_date(Some("  ")).unwrap(), None);
        assert_eq!(
            parse_opt_date(Some("2026-02-01")).unwrap(),
            Some(jiff::civil::date(2026, 2, 1))
        );
    }

    #[test]
    fn lateness_counts_from_the_day_after_the_due_day() {
        let due = jiff::civil::date(2026, 11, 30);
        assert_eq!(days_past(due, jiff::civil::date(2026, 11, 29)), 0);
        assert_eq!(days_past(due, due), 0);
        assert_eq!(days_past(due, jiff::civil::date(2026, 12, 1)), 1);
        assert_eq!(days_past(due, jiff::civil::date(2027, 1, 30)), 61);
        assert_eq!(add_days(due, 2), jiff::civil::date(2026, 12, 2));
    }

    #[test]
    fn impossible_dates_are_refused_with_what_was_typed() {
        for bad in ["2026-02-30", "23/11/2026", "tomorrow", "2026-13-01"] {
            match parse_date(bad) {
                Err(Error::BadDate(s)) => assert_eq!(s, bad),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
