//! A manager's change to the policy: validated by the same rules as a hand-edited file,
//! written atomically and recorded in the ledger.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::Office;
use crate::policy::PolicyLimits;
use crate::{Error, Field, Policy, Result, WorkType, fsutil};

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
                return Err(Error::invalid(
                    "policy",
                    format!("work type {} is given twice", w.id),
                ));
            }
        }
        let p = Policy {
            work_types,
            return_days: self.return_days,
            notify_deadline_days: self.notify_deadline_days,
            record_retention_years: self.record_retention_years,
            customer_retention_years: self.customer_retention_years,
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

/// Replace the office policy (`policy.toml`) and record a `policy.changed` ledger event with
/// the policy before and after.
///
/// The new policy is checked first ([`Policy::validate`]: no payment field, customer_id in
/// every set, at least 1 return day, at least 3 years of records); a refused policy changes
/// nothing. The file is written to a sibling `.partial`, fsynced and renamed; if the ledger
/// entry then cannot be appended, the previous file is put back, so the file and the ledger
/// never disagree about what the policy is.
pub fn policy_save(office: &mut Office, policy: &Policy) -> Result<Policy> {
    policy.validate()?;
    let path = office.dir.policy_path();
    // The policy in force; a broken file (which refuses every handover until fixed) is what
    // this edit repairs, so it is recorded as unreadable rather than blocking the save.
    let before = Policy::load(&path).ok();
    if before.as_ref() == Some(policy) {
        return Err(Error::invalid("policy", "nothing to change"));
    }
    let old_bytes = match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("cannot read the policy", &path, e)),
    };
    let body = policy.to_toml();
    if body.trim().is_empty() {
        return Err(Error::invalid(
            "policy",
            "the policy could not be written as TOML",
        ));
    }
    let text = format!(
        "# Handover policy: the minimal field set of each work type, deadlines and retention.\n\
         # Last changed {} by {} (recorded in the ledger as policy.changed).\n\n{body}",
        office.now(),
        office.operator
    );
    fsutil::write_atomic(&path, text.as_bytes())?;
    let ev = office.event(
        "policy.changed",
        json!({ "before": before, "after": policy }),
    );
    if let Err(e) = office.store.append(ev) {
        let _ = match old_bytes {
            Some(b) => fsutil::write_atomic(&path, &b),
            None => std::fs::remove_file(&path).map_err(|e| Error::io("cannot remove", &path, e)),
        };
        return Err(e);
    }
    Ok(policy.clone())
}

/// The office's policy (policy.toml in the data folder, else the default).
pub fn policy(office: &Office) -> Result<Policy> {
    Policy::load(&office.dir.policy_path())
}
