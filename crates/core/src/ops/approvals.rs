//! 上長承認: asking a manager to approve a handover, deciding, and listing (see
//! [`crate::approvals`]); `pack` uses an approval (`PackOptions::approval`).

use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use super::handovers::prepared;
use super::{Office, policy};
use crate::approvals::{
    self, Approval, ApprovalAsk, ApprovalRule, ApprovalStatus, ApprovedContent,
};
use crate::handover::Selection;
use crate::operators::Role;
use crate::{Error, Result};

/// Does a handover need a manager's approval, and why: what the review step shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApprovalNeed {
    /// The policy's rules it falls under (empty: no approval needed).
    pub rules: Vec<ApprovalRule>,
    /// Is it enforced in this office? Only where people sign in: an office without sign-in
    /// has nobody to approve, and is told to create its admin.
    pub enforced: bool,
}

/// An approval as a list shows it, with what the person looking may do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApprovalView {
    /// The approval.
    pub approval: Approval,
    /// Pending or approved, and past its time.
    pub expired: bool,
    /// May the signed-in person approve or reject it (a manager who did not ask, while it is
    /// pending and not expired)?
    pub can_decide: bool,
    /// May it be packed now (approved, unused, not expired)?
    pub can_pack: bool,
}

/// The rules of the policy that `sel` (prepared today, returned by `return_by`) falls under.
pub fn approval_need(
    office: &Office,
    sel: &Selection,
    return_by: Option<&str>,
) -> Result<ApprovalNeed> {
    let policy = policy(office)?;
    let (prep, _) = prepared(office, &policy, sel, return_by)?;
    Ok(ApprovalNeed {
        rules: approvals::rules_for(&policy.approval, &prep),
        enforced: office.approvals_enforced()?,
    })
}

/// Ask a manager to approve exactly what `sel` prepares to now (any role may ask). The
/// content, its digest and the rules are kept and recorded (`approval.requested`, linked to
/// the customers); the request expires after the policy's days.
pub fn approval_request(
    office: &mut Office,
    sel: &Selection,
    return_by: Option<&str>,
) -> Result<Approval> {
    let policy = policy(office)?;
    let (prep, return_by) = prepared(office, &policy, sel, return_by)?;
    let content = ApprovedContent::of(&prep, return_by);
    let ask = ApprovalAsk {
        selection: sel.clone(),
        digest: content.digest(),
        rules: approvals::rules_for(&policy.approval, &prep),
        content,
    };
    let now = office.now_instant();
    let expires_at = approvals::expiry(now, policy.approval.lifetime_days).to_string();
    let template = office.event("approval.requested", serde_json::Value::Null);
    let year = office.today().year();
    let (a, _) = office.store.add_approval(year, &mut |id| {
        let a = Approval {
            id: id.to_string(),
            requested_by: template.actor.clone(),
            requested_at: template.at.clone(),
            ask: ask.clone(),
            status: ApprovalStatus::Pending,
            decided_by: None,
            decided_at: None,
            reason: None,
            expires_at: expires_at.clone(),
            used_by: None,
            used_at: None,
            handover_id: None,
        };
        let mut ev = template.clone();
        ev.payload = json!({
            "approval": a.id,
            "digest": a.ask.digest,
            "content": a.ask.content,
            "rules": a.ask.rules,
            "expiresAt": a.expires_at,
        });
        ev.customers = a
            .ask
            .content
            .customers
            .iter()
            .map(|c| c.customer_id.clone())
            .collect();
        Ok((a, ev))
    })?;
    Ok(a)
}

/// One approval, or [`Error::UnknownApproval`].
pub fn approval(office: &Office, id: &str) -> Result<Approval> {
    office
        .store
        .approvals(Some(id.trim()))?
        .into_iter()
        .next()
        .ok_or_else(|| Error::UnknownApproval(id.trim().to_string()))
}

/// Approval requests, newest first (only those waiting for a decision with `pending_only`),
/// with what the signed-in person may do with each.
pub fn approvals(office: &Office, pending_only: bool) -> Result<Vec<ApprovalView>> {
    let now = office.now_instant();
    let manager = office.role()?.allows(Role::Manager);
    Ok(office
        .store
        .approvals(None)?
        .into_iter()
        .map(|a| {
            let expired = a.expired(now);
            ApprovalView {
                can_decide: manager
                    && !expired
                    && a.status == ApprovalStatus::Pending
                    && a.requested_by != office.operator,
                can_pack: !expired && a.status == ApprovalStatus::Approved,
                expired,
                approval: a,
            }
        })
        .filter(|v| !pending_only || (v.approval.status == ApprovalStatus::Pending && !v.expired))
        .collect())
}

/// Approve a pending request (a manager who did not ask it); the approval may then be packed
/// once, within the policy's days. Recorded (`approval.decided`).
pub fn approval_approve(office: &mut Office, id: &str) -> Result<Approval> {
    decide(office, id, ApprovalStatus::Approved, None)
}

/// Reject a pending request with a reason (a manager who did not ask it). Recorded.
pub fn approval_reject(office: &mut Office, id: &str, reason: &str) -> Result<Approval> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::ApprovalReasonRequired(id.trim().to_string()));
    }
    decide(office, id, ApprovalStatus::Rejected, Some(reason))
}

fn decide(
    office: &mut Office,
    id: &str,
    decision: ApprovalStatus,
    reason: Option<&str>,
) -> Result<Approval> {
    office.require(Role::Manager, "deciding an approval request")?;
    let mut a = approval(office, id)?;
    if a.requested_by == office.operator {
        return Err(Error::ApprovalOwnRequest {
            id: a.id,
            operator: office.operator.clone(),
        });
    }
    if a.status != ApprovalStatus::Pending {
        return Err(Error::ApprovalDecided {
            id: a.id,
            status: a.status.id().into(),
        });
    }
    let now = office.now_instant();
    if a.expired(now) {
        return Err(Error::ApprovalExpired {
            id: a.id,
            at: a.expires_at,
        });
    }
    let lifetime = policy(office)?.approval.lifetime_days;
    a.status = decision;
    a.decided_by = Some(office.operator.clone());
    a.reason = reason.map(str::to_string);
    if decision == ApprovalStatus::Approved {
        a.expires_at = approvals::expiry(now, lifetime).to_string();
    }
    let ev = office.event(
        "approval.decided",
        json!({
            "approval": a.id,
            "decision": decision.id(),
            "reason": a.reason,
            "requestedBy": a.requested_by,
            "digest": a.ask.digest,
            "expiresAt": a.expires_at,
        }),
    );
    // One clock reading for the row and its entry, which `ledger verify` compares.
    a.decided_at = Some(ev.at.clone());
    office.store.decide_approval(&a, ev)?;
    Ok(a)
}
