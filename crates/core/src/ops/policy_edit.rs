//! The office policy: kept in the ledger (the newest `policy.changed` is in force), changed by
//! a manager, validated by the core; a `policy.toml` from an older version is adopted once.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::Office;
use crate::operators::Role;
use crate::policy::PolicyLimits;
use crate::{Error, Field, Policy, Result, WorkType};

/// A work type with its labels and minimal field set under the office policy: what the
/// new-handover flow offers and what the policy editor edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkTypeInfo {
    /// The work type.
    pub id: WorkType,
    /// 日本語
    #[serde(default)]
    pub label_ja: String,
    /// English
    #[serde(default)]
    pub label_en: String,
    /// Its minimal fields, in the register's column order.
    pub fields: Vec<Field>,
}

impl WorkTypeInfo {
    fn of(policy: &Policy, w: WorkType) -> WorkTypeInfo {
        WorkTypeInfo {
            id: w,
            label_ja: w.label_ja().into(),
            label_en: w.label_en().into(),
            fields: policy.fields_for(w).to_vec(),
        }
    }
}

/// The policy as the editor shows and sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PolicyForm {
    /// Every work type with its minimal set.
    pub work_types: Vec<WorkTypeInfo>,
    /// Days to the return-or-destroy date.
    pub return_days: u32,
    /// Days to tell a customer the outcome of an opt-out request.
    pub notify_deadline_days: u32,
    /// Years the records are kept.
    pub record_retention_years: u32,
    /// Years a former customer's personal data is kept after the contract ended.
    pub customer_retention_years: u32,
    /// Idle lock and lockout.
    pub sign_in: crate::policy::SignInPolicy,
    /// Which handovers need a manager's approval.
    pub approval: crate::approvals::ApprovalPolicy,
    /// Warn about or refuse a handover to a contractor whose supervision is due.
    #[serde(default)]
    pub supervision: crate::supervision::SupervisionRule,
}

impl PolicyForm {
    /// The form of a policy, work types in their catalog order.
    pub fn of(p: &Policy) -> PolicyForm {
        PolicyForm {
            work_types: WorkType::ALL
                .into_iter()
                .map(|w| WorkTypeInfo::of(p, w))
                .collect(),
            return_days: p.return_days,
            notify_deadline_days: p.notify_deadline_days,
            record_retention_years: p.record_retention_years,
            customer_retention_years: p.customer_retention_years,
            sign_in: p.sign_in,
            approval: p.approval,
            supervision: p.supervision,
        }
    }

    /// The policy the form says, checked ([`Policy::validate`]). A form naming a work type
    /// twice, or leaving one out, is refused with what is wrong: nothing is filled in from the
    /// default. Each set keeps the register's column order whatever order it was ticked in.
    pub fn to_policy(&self) -> Result<Policy> {
        let mut work_types = std::collections::BTreeMap::new();
        for w in &self.work_types {
            let fields = Field::ALL
                .into_iter()
                .filter(|f| w.fields.contains(f))
                .collect();
            if work_types.insert(w.id, fields).is_some() {
                return Err(crate::refusal::Refusal::Policy(
                    crate::refusal::PolicyProblem::WorkTypeTwice { work: w.id.into() },
                )
                .into());
            }
        }
        let p = Policy {
            work_types,
            return_days: self.return_days,
            notify_deadline_days: self.notify_deadline_days,
            record_retention_years: self.record_retention_years,
            customer_retention_years: self.customer_retention_years,
            sign_in: self.sign_in,
            approval: self.approval,
            supervision: self.supervision,
        };
        p.validate()?;
        Ok(p)
    }
}

/// The policy editor's data: the policy in force, what may be chosen and the bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PolicyView {
    /// The policy in force; when the file cannot be read, the default to start the repair
    /// from (and `load_error` says so).
    pub policy: PolicyForm,
    /// The fields that may be offered (never payment fields).
    pub selectable: Vec<Field>,
    /// The bounds of every number, and the field every set holds.
    pub limits: PolicyLimits,
    /// Why the policy file could not be read, if so: every handover is refused until it is
    /// repaired, which saving this form does.
    pub load_error: Option<String>,
}

impl PolicyView {
    fn of(p: &Policy, load_error: Option<String>) -> PolicyView {
        PolicyView {
            policy: PolicyForm::of(p),
            selectable: Field::stored().collect(),
            limits: Policy::LIMITS,
            load_error,
        }
    }
}

/// The policy editor's data. A policy file that cannot be read is not hidden: the view says
/// why, and offers the default as the starting point of the repair.
pub fn policy_view(office: &Office) -> Result<PolicyView> {
    Ok(match policy(office) {
        Ok(p) => PolicyView::of(&p, None),
        Err(e) => PolicyView::of(&Policy::default(), Some(e.to_string())),
    })
}

/// Save the policy a form says ([`PolicyForm::to_policy`], then [`policy_save`]); returns
/// the editor's data afterwards.
pub fn policy_save_form(office: &mut Office, form: &PolicyForm) -> Result<PolicyView> {
    let p = policy_save(office, &form.to_policy()?)?;
    Ok(PolicyView::of(&p, None))
}

/// The work types with their minimal sets under the office policy, in catalog order.
pub fn work_types(office: &Office) -> Result<Vec<WorkTypeInfo>> {
    let p = policy(office)?;
    Ok(WorkType::ALL
        .into_iter()
        .map(|w| WorkTypeInfo::of(&p, w))
        .collect())
}

/// Replace the office policy and record it: the `policy.changed` ledger entry, with the
/// policy before and after, *is* the policy (the newest one is in force, on every PC of the
/// office), so the policy and the ledger can never disagree.
///
/// The new policy is checked first ([`Policy::validate`]: no payment field, customer_id in
/// every set, at least 1 return day, at least 3 years of records); a refused policy changes
/// nothing. A `policy.toml` left by an older version that could not be adopted (it does not
/// parse) is what this edit repairs: it is recorded as unreadable and removed once the entry is
/// in.
pub fn policy_save(office: &mut Office, policy: &Policy) -> Result<Policy> {
    office.require(Role::Manager, "changing the policy")?;
    policy.validate()?;
    let before = self::policy(office).ok();
    if before.as_ref() == Some(policy) {
        return Err(crate::refusal::Refusal::NothingToChange { what: "policy" }.into());
    }
    let ev = office.event(
        "policy.changed",
        json!({ "before": before, "after": policy }),
    );
    office.store.append(ev)?;
    // The vault counts wrong passwords before the store can be read: it follows the new rules.
    super::vault::lockout_changed(office, &policy.sign_in)?;
    let legacy = office.dir.policy_path();
    if !office.store.is_shared() && legacy.exists() {
        std::fs::remove_file(&legacy)
            .map_err(|e| Error::io("cannot remove the old policy file", &legacy, e))?;
    }
    Ok(policy.clone())
}

/// The office's policy: the newest `policy.changed` entry's, else the default. On a one-PC
/// office, a `policy.toml` that is still there could not be adopted when the office was opened
/// (see [`adopt_policy_file`]): its error refuses every handover until a manager repairs it.
pub fn policy(office: &Office) -> Result<Policy> {
    Policy::of_office(office.store.as_ref(), &office.dir)
}

/// Adopt a `policy.toml` left by an older version (the policy used to be a file beside the
/// database): record it as a `policy.changed` entry (`"from": "policy.toml"`) if it differs
/// from the policy in force, then remove the file. A file that does not parse or breaks a rule
/// stays where it is, and [`policy`] reports it. Nothing happens on a shared store.
pub(super) fn adopt_policy_file(office: &mut Office) -> Result<()> {
    let legacy = office.dir.policy_path();
    if office.store.is_shared() || !legacy.exists() {
        return Ok(());
    }
    let Ok(adopted) = Policy::load(&legacy) else {
        return Ok(());
    };
    let before = Policy::in_force(office.store.as_ref())?;
    if adopted != before {
        let ev = office.event(
            "policy.changed",
            json!({ "before": before, "after": adopted, "from": "policy.toml" }),
        );
        office.store.append(ev)?;
    }
    std::fs::remove_file(&legacy)
        .map_err(|e| Error::io("cannot remove the adopted policy file", &legacy, e))
}
