//! Everything pack checks before it writes a byte, shared with the app's "would this be
//! accepted?" so that what the new-handover flow allows is exactly what pack accepts.

use age::secrecy::SecretString;

use super::super::Office;
use super::super::policy;
use super::super::supervision::pack_rule;
use super::prepare::prepare_with;
use super::warnings::PackWarning;
use crate::bundle;
use crate::handover::{Preparation, Selection};
use crate::{Policy, Result};

/// The return-or-destroy date: the one given (not in the past), else today + the policy's
/// return days.
pub(super) fn resolve_return_by(
    today: jiff::civil::Date,
    policy: &Policy,
    given: Option<&str>,
) -> Result<jiff::civil::Date> {
    let return_by = match given.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => crate::dates::parse_date(d)?,
        None => crate::dates::add_days(today, policy.return_days),
    };
    if return_by < today {
        return Err(crate::refusal::Refusal::DateOrder {
            rule: crate::refusal::DateOrder::ReturnBy,
            date: return_by.to_string(),
            limit: today.to_string(),
        }
        .into());
    }
    Ok(return_by)
}

/// Everything [`super::pack`] checks before it writes a byte: the passphrase (given exactly
/// when asked for, and long enough), the preparation (contractor, fields, customers), at least
/// one customer left to hand over, the return date, and the contractor's supervision (refused
/// or warned about as the policy says). Returns the preparation, the date and the warnings.
pub(super) fn checked(
    office: &Office,
    policy: &Policy,
    sel: &Selection,
    passphrase: Option<&SecretString>,
    return_by: Option<&str>,
) -> Result<(Preparation, jiff::civil::Date, Vec<PackWarning>)> {
    if sel.passphrase != passphrase.is_some() {
        return Err(crate::refusal::Refusal::Selection(
            crate::refusal::SelectionProblem::PassphraseMismatch,
        )
        .into());
    }
    if let Some(p) = passphrase {
        bundle::check_passphrase(p)?;
    }
    let (prep, return_by) = prepared(office, policy, sel, return_by)?;
    let warnings = pack_rule(office, policy, &prep.contractor)?;
    Ok((prep, return_by, warnings))
}

/// The preparation (contractor, fields, customers) with at least one customer left to hand
/// over, and the return date: what a pack would write, and what an approval is asked for.
pub(in crate::ops) fn prepared(
    office: &Office,
    policy: &Policy,
    sel: &Selection,
    return_by: Option<&str>,
) -> Result<(Preparation, jiff::civil::Date)> {
    let prep = prepare_with(office, policy, sel)?;
    if prep.customers.is_empty() {
        return Err(crate::refusal::Refusal::Selection(
            crate::refusal::SelectionProblem::NoneEligible {
                selected: sel.customers.len(),
                excluded: prep.excluded.len(),
            },
        )
        .into());
    }
    let return_by = resolve_return_by(office.today(), policy, return_by)?;
    Ok((prep, return_by))
}

/// Would [`super::pack`] accept this selection with these options? Returns the
/// return-or-destroy date it would record; writes nothing. (Where the file goes is checked by
/// pack itself, when the file is written.)
pub fn check_pack_options(
    office: &Office,
    sel: &Selection,
    passphrase: Option<&SecretString>,
    return_by: Option<&str>,
) -> Result<jiff::civil::Date> {
    let policy = policy(office)?;
    checked(office, &policy, sel, passphrase, return_by).map(|(_, d, _)| d)
}
