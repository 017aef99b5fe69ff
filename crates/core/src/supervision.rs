//! The supervision record of a contractor (委託先監督台帳, APPI Art. 25, R13).
//!
//! Beside the confidentiality agreement the office keeps, per contractor: the selection check
//! (P-mark or ISMS certificate, its number and expiry, when and by whom it was checked), which
//! of the six clauses the agreement contains, the people at the contractor allowed to handle
//! the data, the yearly reviews and the incidents. The record is read and written whole, one
//! per contractor, and every change is a `contractor.*` ledger entry carrying the record after
//! the change (so the ledger alone tells the supervision history).
//!
//! A review is due yearly: the next due date is the earliest review scheduled and not done, or
//! a year after the last one done, or — never reviewed — a year after the agreement was
//! signed. A contractor whose review is overdue or whose certificate expired still gets data
//! only as the policy says ([`SupervisionRule`]): with a warning, or not at all.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Contractor, Error, Result};

/// The certification the selection check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Certification {
    /// プライバシーマーク (JIPDEC).
    Pmark,
    /// ISMS (ISO/IEC 27001).
    Isms,
    /// None: chosen on other grounds.
    None,
}

impl Certification {
    /// Every kind, in display order.
    pub const ALL: [Certification; 3] = [
        Certification::Pmark,
        Certification::Isms,
        Certification::None,
    ];

    /// Its stable id (`pmark`, `isms`, `none`).
    pub fn id(self) -> &'static str {
        match self {
            Certification::Pmark => "pmark",
            Certification::Isms => "isms",
            Certification::None => "none",
        }
    }

    /// Parse an id.
    pub fn parse(s: &str) -> Result<Certification> {
        Certification::ALL
            .into_iter()
            .find(|c| c.id() == s.trim())
            .ok_or_else(|| Error::UnknownCertification(s.trim().to_string()))
    }
}

/// A clause of the confidentiality agreement that supervision asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Clause {
    /// 目的外利用の禁止: use only for the work.
    PurposeLimited,
    /// 再提供の禁止: no provision to anyone else.
    NoReprovision,
    /// 再委託は事前の同意がある場合に限る.
    SubcontractingWithConsent,
    /// 事故時の報告義務.
    IncidentReporting,
    /// 監査・立入りの権利.
    AuditRight,
    /// 終了時の返却・削除.
    ReturnOrDeletion,
}

impl Clause {
    /// Every clause, in the agreement's usual order.
    pub const ALL: [Clause; 6] = [
        Clause::PurposeLimited,
        Clause::NoReprovision,
        Clause::SubcontractingWithConsent,
        Clause::IncidentReporting,
        Clause::AuditRight,
        Clause::ReturnOrDeletion,
    ];

    /// Its stable id.
    pub fn id(self) -> &'static str {
        match self {
            Clause::PurposeLimited => "purpose_limited",
            Clause::NoReprovision => "no_reprovision",
            Clause::SubcontractingWithConsent => "subcontracting_with_consent",
            Clause::IncidentReporting => "incident_reporting",
            Clause::AuditRight => "audit_right",
            Clause::ReturnOrDeletion => "return_or_deletion",
        }
    }

    /// Parse an id.
    pub fn parse(s: &str) -> Result<Clause> {
        Clause::ALL
            .into_iter()
            .find(|c| c.id() == s.trim())
            .ok_or_else(|| Error::UnknownClause(s.trim().to_string()))
    }

    /// 日本語.
    pub fn label_ja(self) -> &'static str {
        match self {
            Clause::PurposeLimited => "目的外利用の禁止",
            Clause::NoReprovision => "第三者への再提供の禁止",
            Clause::SubcontractingWithConsent => "再委託は事前の同意がある場合に限る",
            Clause::IncidentReporting => "事故発生時の報告義務",
            Clause::AuditRight => "監査・立入検査の権利",
            Clause::ReturnOrDeletion => "終了時の返却・削除",
        }
    }

    /// English.
    pub fn label_en(self) -> &'static str {
        match self {
            Clause::PurposeLimited => "Use limited to the purpose",
            Clause::NoReprovision => "No provision to third parties",
            Clause::SubcontractingWithConsent => "Subcontracting only with consent",
            Clause::IncidentReporting => "Incident reporting",
            Clause::AuditRight => "Right to audit",
            Clause::ReturnOrDeletion => "Return or deletion at the end",
        }
    }
}

/// The selection check (委託先の選定): the certificate seen, and who checked it when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SelectionCheck {
    /// P-mark, ISMS or none.
    pub certification: Certification,
    /// The certificate's registration number (none without a certificate).
    pub number: Option<String>,
    /// The certificate's last valid day.
    #[ts(type = "string | null")]
    pub expires: Option<Date>,
    /// The day it was checked.
    #[ts(type = "string")]
    pub checked_on: Date,
    /// The signed-in operator who recorded the check.
    pub checked_by: String,
}

/// The outcome of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReviewResult {
    /// Handling as agreed.
    Ok,
    /// Problems found (the notes say which and what was agreed).
    Issues,
}

impl ReviewResult {
    /// Parse `ok` or `issues`.
    pub fn parse(s: &str) -> Result<ReviewResult> {
        match s.trim() {
            "ok" => Ok(ReviewResult::Ok),
            "issues" => Ok(ReviewResult::Issues),
            other => Err(Error::Supervision {
                what: "review result".into(),
                reason: format!("{other:?} is not ok or issues"),
            }),
        }
    }
}

/// A yearly review of how the contractor handles the data (取扱状況の把握).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Review {
    /// The day it is due.
    #[ts(type = "string")]
    pub due: Date,
    /// The day it was done.
    #[ts(type = "string | null")]
    pub done: Option<Date>,
    /// Its result, once done.
    pub result: Option<ReviewResult>,
    /// What was found and agreed.
    pub notes: Option<String>,
}

/// An incident at the contractor (loss, misdelivery, unauthorised access…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Incident {
    /// The day it happened.
    #[ts(type = "string")]
    pub on: Date,
    /// What happened.
    pub what: String,
    /// What was done about it.
    pub action: Option<String>,
}

/// A contractor's supervision record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Supervision {
    /// The newest selection check, if any.
    pub check: Option<SelectionCheck>,
    /// The clauses the agreement contains, in [`Clause::ALL`] order.
    pub clauses: Vec<Clause>,
    /// The people at the contractor allowed to handle the data.
    pub people: Vec<String>,
    /// Reviews, by due date.
    pub reviews: Vec<Review>,
    /// Incidents, by date.
    pub incidents: Vec<Incident>,
}

/// What a handover to a contractor with supervision due does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SupervisionRule {
    /// The pack goes ahead and says so.
    #[default]
    Warn,
    /// The pack is refused until the review is done or the certificate renewed.
    Refuse,
}

/// What is due in a contractor's supervision on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SupervisionStatus {
    /// When the next review is due.
    #[ts(type = "string")]
    pub next_review: Date,
    /// It is past.
    pub review_overdue: bool,
    /// The certificate's expiry has passed.
    pub certification_expired: bool,
    /// Clauses the agreement lacks.
    pub missing_clauses: Vec<Clause>,
}

impl SupervisionStatus {
    /// Does a handover to this contractor need the policy's warning or refusal?
    pub fn needs_attention(&self) -> bool {
        self.review_overdue || self.certification_expired
    }
}

fn one_year_after(d: Date) -> Date {
    d.checked_add(jiff::Span::new().years(1)).unwrap_or(d)
}

impl Supervision {
    /// The next review's due date: the earliest not done, else a year after the last done,
    /// else a year after the agreement was signed.
    pub fn next_review(&self, c: &Contractor) -> Date {
        if let Some(open) = self
            .reviews
            .iter()
            .filter(|r| r.done.is_none())
            .map(|r| r.due)
            .min()
        {
            return open;
        }
        match self.reviews.iter().filter_map(|r| r.done).max() {
            Some(done) => one_year_after(done),
            None => one_year_after(c.agreement_signed),
        }
    }

    /// What is due on `today`.
    pub fn status(&self, c: &Contractor, today: Date) -> SupervisionStatus {
        let next_review = self.next_review(c);
        SupervisionStatus {
            next_review,
            review_overdue: next_review < today,
            certification_expired: self
                .check
                .as_ref()
                .and_then(|k| k.expires)
                .is_some_and(|e| e < today),
            missing_clauses: Clause::ALL
                .into_iter()
                .filter(|k| !self.clauses.contains(k))
                .collect(),
        }
    }

    /// The refusal a handover to `c` on `today` meets under `rule`: none while the policy only
    /// warns or nothing is due, else [`Error::SupervisionDue`] naming what is overdue. Applied
    /// when a pack is prepared and again inside the transaction that records it.
    pub fn refusal(&self, c: &Contractor, today: Date, rule: SupervisionRule) -> Option<Error> {
        let status = self.status(c, today);
        if !status.needs_attention() || rule == SupervisionRule::Warn {
            return None;
        }
        Some(Error::SupervisionDue {
            contractor: c.id.clone(),
            review_due: status
                .review_overdue
                .then(|| status.next_review.to_string()),
            certificate_expired: status
                .certification_expired
                .then(|| self.check.as_ref().and_then(|k| k.expires))
                .flatten()
                .map(|d| d.to_string()),
        })
    }
}

fn refuse(what: &str, reason: impl Into<String>) -> Error {
    Error::Supervision {
        what: what.into(),
        reason: reason.into(),
    }
}

fn not_after_today(field: &str, d: Date, today: Date) -> Result<Date> {
    if d > today {
        return Err(Error::date_in_future(field, d));
    }
    Ok(d)
}

fn text(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A selection check as entered (`checked_on` empty: today).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckInput {
    /// `pmark`, `isms` or `none`.
    pub certification: String,
    /// Registration number (P-mark, ISMS).
    pub number: Option<String>,
    /// Expiry (YYYY-MM-DD; P-mark, ISMS).
    pub expires: Option<String>,
    /// Day checked (YYYY-MM-DD); empty: today.
    pub checked_on: Option<String>,
}

impl CheckInput {
    /// The check, recorded by `by` on `today`: a certificate needs its number and expiry,
    /// "none" takes neither; the check is not dated in the future.
    pub fn validate(&self, by: &str, today: Date) -> Result<SelectionCheck> {
        let certification = Certification::parse(&self.certification)?;
        let number = text(self.number.as_deref());
        let expires = crate::dates::parse_opt_date(self.expires.as_deref())?;
        let checked_on = match crate::dates::parse_opt_date(self.checked_on.as_deref())? {
            Some(d) => not_after_today("checked on", d, today)?,
            None => today,
        };
        match (certification, &number, expires) {
            (Certification::None, None, None) => {}
            (Certification::None, _, _) => {
                return Err(refuse(
                    "certification",
                    "without a certificate there is no number or expiry to record",
                ));
            }
            (_, None, _) | (_, _, None) => {
                return Err(refuse(
                    "certification",
                    "a P-mark or ISMS certificate is recorded with its registration number and \
                     expiry",
                ));
            }
            _ => {}
        }
        Ok(SelectionCheck {
            certification,
            number,
            expires,
            checked_on,
            checked_by: by.to_string(),
        })
    }
}

/// Parse a list of clause ids (`a,b,…`; empty: none), in [`Clause::ALL`] order, each once.
pub fn parse_clauses(list: &[String]) -> Result<Vec<Clause>> {
    let mut out = Vec::new();
    for id in list.iter().flat_map(|s| s.split(',')) {
        if id.trim().is_empty() {
            continue;
        }
        let c = Clause::parse(id)?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out.sort();
    Ok(out)
}

/// A review as entered: scheduled (`due` only), or done (`done` with `result`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReviewInput {
    /// Due (YYYY-MM-DD).
    pub due: String,
    /// Done (YYYY-MM-DD).
    pub done: Option<String>,
    /// `ok` or `issues`.
    pub result: Option<String>,
    /// What was found and agreed (needed with `issues`).
    pub notes: Option<String>,
}

impl ReviewInput {
    /// The review: done in the past with a result, or only scheduled; issues need notes.
    pub fn validate(&self, today: Date) -> Result<Review> {
        let due = crate::dates::parse_date(&self.due)?;
        let done = crate::dates::parse_opt_date(self.done.as_deref())?
            .map(|d| not_after_today("review done", d, today))
            .transpose()?;
        let result = text(self.result.as_deref())
            .map(|r| ReviewResult::parse(&r))
            .transpose()?;
        let notes = text(self.notes.as_deref());
        match (done, result) {
            (Some(_), None) => return Err(refuse("review", "a review done needs its result")),
            (None, Some(_)) => return Err(refuse("review", "a result needs the day it was done")),
            (None, None) if notes.is_some() => {
                return Err(refuse("review", "notes go with a review done"));
            }
            (Some(_), Some(ReviewResult::Issues)) if notes.is_none() => {
                return Err(refuse("review", "a review with issues needs notes on them"));
            }
            _ => {}
        }
        Ok(Review {
            due,
            done,
            result,
            notes,
        })
    }
}

/// An incident as entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IncidentInput {
    /// The day (YYYY-MM-DD).
    pub on: String,
    /// What happened.
    pub what: String,
    /// What was done.
    pub action: Option<String>,
}

impl IncidentInput {
    /// The incident: dated, not in the future, described.
    pub fn validate(&self, today: Date) -> Result<Incident> {
        let on = not_after_today("incident on", crate::dates::parse_date(&self.on)?, today)?;
        let what = text(Some(&self.what)).ok_or_else(|| refuse("incident", "say what happened"))?;
        Ok(Incident {
            on,
            what,
            action: text(self.action.as_deref()),
        })
    }
}

/// One change to a supervision record.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "change")]
#[ts(export)]
pub enum SupervisionChange {
    /// Record a selection check (replaces the previous one; the ledger keeps it).
    Check(CheckInput),
    /// Set the clauses the agreement contains.
    Clauses {
        /// Clause ids.
        clauses: Vec<String>,
    },
    /// Allow a person at the contractor to handle the data.
    AddPerson {
        /// Name.
        name: String,
    },
    /// No longer allow a person.
    RemovePerson {
        /// Name.
        name: String,
    },
    /// Schedule or record a review (keyed by its due date).
    Review(ReviewInput),
    /// Record an incident.
    Incident(IncidentInput),
}

impl SupervisionChange {
    /// The ledger kind that records it.
    pub fn kind(&self) -> &'static str {
        match self {
            SupervisionChange::Check(_) => "contractor.checked",
            SupervisionChange::Clauses { .. } => "contractor.clauses",
            SupervisionChange::AddPerson { .. } => "contractor.person_added",
            SupervisionChange::RemovePerson { .. } => "contractor.person_removed",
            SupervisionChange::Review(_) => "contractor.reviewed",
            SupervisionChange::Incident(_) => "contractor.incident",
        }
    }

    /// Apply to a copy of `s`, validated; by `by` (the signed-in operator) on `today`.
    pub fn apply(&self, s: &Supervision, by: &str, today: Date) -> Result<Supervision> {
        let mut n = s.clone();
        match self {
            SupervisionChange::Check(input) => n.check = Some(input.validate(by, today)?),
            SupervisionChange::Clauses { clauses } => n.clauses = parse_clauses(clauses)?,
            SupervisionChange::AddPerson { name } => {
                let name = text(Some(name)).ok_or_else(|| refuse("person", "the name is empty"))?;
                if n.people.contains(&name) {
                    return Err(refuse("person", format!("{name} is already allowed")));
                }
                n.people.push(name);
            }
            SupervisionChange::RemovePerson { name } => {
                let before = n.people.len();
                n.people.retain(|p| p != name.trim());
                if n.people.len() == before {
                    return Err(refuse(
                        "person",
                        format!("{} is not on the list", name.trim()),
                    ));
                }
            }
            SupervisionChange::Review(input) => {
                let r = input.validate(today)?;
                n.reviews.retain(|x| x.due != r.due);
                n.reviews.push(r);
                n.reviews.sort_by_key(|r| r.due);
            }
            SupervisionChange::Incident(input) => {
                n.incidents.push(input.validate(today)?);
                n.incidents.sort_by_key(|i| i.on);
            }
        }
        if n == *s {
            return Err(refuse("supervision", "nothing to change"));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn contractor() -> Contractor {
        crate::ContractorInput {
            name: "架空電設".into(),
            agreement_signed: "2025-04-01".into(),
            agreement_expires: "2028-03-31".into(),
            ..Default::default()
        }
        .validate("CTR-0001".into())
        .unwrap()
    }

    #[test]
    fn next_review_is_derived() {
        let c = contractor();
        let mut s = Supervision::default();
        assert_eq!(s.next_review(&c), d("2026-04-01"));
        assert!(s.status(&c, d("2026-04-02")).review_overdue);
        assert!(!s.status(&c, d("2026-04-01")).review_overdue);
        let today = d("2026-05-10");
        let done = ReviewInput {
            due: "2026-04-01".into(),
            done: Some("2026-05-01".into()),
            result: Some("ok".into()),
            notes: None,
        };
        s = SupervisionChange::Review(done)
            .apply(&s, "m", today)
            .unwrap();
        assert_eq!(s.next_review(&c), d("2027-05-01"));
        let planned = ReviewInput {
            due: "2027-03-01".into(),
            ..Default::default()
        };
        s = SupervisionChange::Review(planned)
            .apply(&s, "m", today)
            .unwrap();
        assert_eq!(s.next_review(&c), d("2027-03-01"));
        assert_eq!(s.status(&c, today).missing_clauses.len(), 6);
    }

    #[test]
    fn refusals_name_what_is_wrong() {
        let today = d("2026-05-10");
        let s = Supervision::default();
        let check = |c: &str, n: Option<&str>, e: Option<&str>| CheckInput {
            certification: c.into(),
            number: n.map(Into::into),
            expires: e.map(Into::into),
            checked_on: None,
        };
        let err = |ch: SupervisionChange| ch.apply(&s, "m", today).unwrap_err().code();
        assert_eq!(
            err(SupervisionChange::Check(check("pmark", None, None))),
            "supervision_invalid"
        );
        assert_eq!(
            err(SupervisionChange::Check(check("none", Some("1"), None))),
            "supervision_invalid"
        );
        assert_eq!(
            err(SupervisionChange::Check(check("iso", None, None))),
            "unknown_certification"
        );
        let ok = SupervisionChange::Check(check("isms", Some("IS 000000"), Some("2027-01-31")));
        assert_eq!(
            ok.apply(&s, "m", today).unwrap().check.unwrap().checked_on,
            today
        );
        let clauses = |l: &str| SupervisionChange::Clauses {
            clauses: vec![l.into()],
        };
        assert_eq!(err(clauses("purpose_limited,bogus")), "unknown_clause");
        let set = clauses("audit_right,purpose_limited,audit_right")
            .apply(&s, "m", today)
            .unwrap();
        assert_eq!(
            set.clauses,
            vec![Clause::PurposeLimited, Clause::AuditRight]
        );
        assert_eq!(err(clauses("")), "supervision_invalid", "nothing to change");
        let review = |done: Option<&str>, result: Option<&str>, notes: Option<&str>| {
            SupervisionChange::Review(ReviewInput {
                due: "2026-04-01".into(),
                done: done.map(Into::into),
                result: result.map(Into::into),
                notes: notes.map(Into::into),
            })
        };
        assert_eq!(
            err(review(Some("2026-05-01"), None, None)),
            "supervision_invalid"
        );
        assert_eq!(err(review(None, Some("ok"), None)), "supervision_invalid");
        assert_eq!(
            err(review(Some("2026-05-01"), Some("issues"), None)),
            "supervision_invalid"
        );
        assert_eq!(
            err(review(Some("2026-06-01"), Some("ok"), None)),
            "date_in_future"
        );
        let incident = SupervisionChange::Incident(IncidentInput {
            on: "2026-05-01".into(),
            what: "  ".into(),
            action: None,
        });
        assert_eq!(err(incident), "supervision_invalid");
        let remove = SupervisionChange::RemovePerson {
            name: "山田".into(),
        };
        assert_eq!(err(remove), "supervision_invalid");
    }
}
