//! What pack checks of a manager's approval (上長承認): the approval it names must be usable
//! for exactly what is packed; without one, the policy's rules must not require it.

use super::super::Office;
use crate::approvals::{self, Approval, ApprovedContent};
use crate::bundle::ManifestApproval;
use crate::handover::Preparation;
use crate::{Error, Policy, Result};

/// The approval `id` names, if any (unknown: refused before anything is prepared).
pub(super) fn named(office: &Office, id: Option<&str>) -> Result<Option<Approval>> {
    let Some(id) = id.map(str::trim) else {
        return Ok(None);
    };
    match office.store().approvals(Some(id))?.into_iter().next() {
        Some(a) => Ok(Some(a)),
        None => Err(Error::UnknownApproval(id.to_string())),
    }
}

/// The approval that lets `prep` (returned by `return_by`) be packed now, as the manifest
/// carries it; `None` when none is needed. Refused: an approval that is pending, rejected,
/// used, expired or for other content (saying what differs); none where the policy requires
/// one (naming the rules).
pub(super) fn for_pack(
    office: &Office,
    policy: &Policy,
    prep: &Preparation,
    return_by: jiff::civil::Date,
    approval: Option<&Approval>,
) -> Result<Option<ManifestApproval>> {
    let Some(a) = approval else {
        let rules = approvals::rules_for(&policy.approval, prep);
        if !rules.is_empty() && office.approvals_enforced()? {
            return Err(Error::ApprovalRequired { rules });
        }
        return Ok(None);
    };
    let content = ApprovedContent::of(prep, return_by);
    approvals::check_usable(a, &content, office.now_instant())?;
    Ok(Some(ManifestApproval {
        id: a.id.clone(),
        approved_by: a.decided_by.clone().unwrap_or_default(),
        approved_at: a.decided_at.clone().unwrap_or_default(),
    }))
}
