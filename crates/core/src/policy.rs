//! Work types and the minimal field set each needs (R2, R3), and what may never leave.
//!
//! The default policy is the table in `REQUIREMENTS.md`. A manager may edit it (a TOML file in
//! the data directory); whatever the file says, a payment field is refused, so no edit can
//! open a path for billing data to leave the office.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::approvals::ApprovalPolicy;
pub use crate::operators::SignInPolicy;
use crate::refusal::{PolicyProblem, Refusal, Vocabulary};
use crate::{Error, Field, Result};

/// The kinds of construction work a handover can be for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum WorkType {
    /// 新規加入・引込工事
    Installation,
    /// 宅内配線変更
    Wiring,
    /// 故障修理
    Repair,
    /// 定期点検
    Inspection,
    /// 撤去工事
    Removal,
}

impl WorkType {
    /// Every work type.
    pub const ALL: [WorkType; 5] = [
        WorkType::Installation,
        WorkType::Wiring,
        WorkType::Repair,
        WorkType::Inspection,
        WorkType::Removal,
    ];

    /// Stable id used on the command line, in manifests and in the ledger.
    pub fn id(self) -> &'static str {
        match self {
            WorkType::Installation => "installation",
            WorkType::Wiring => "wiring",
            WorkType::Repair => "repair",
            WorkType::Inspection => "inspection",
            WorkType::Removal => "removal",
        }
    }

    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            WorkType::Installation => "新規加入・引込工事",
            WorkType::Wiring => "宅内配線変更",
            WorkType::Repair => "故障修理",
            WorkType::Inspection => "定期点検",
            WorkType::Removal => "撤去工事",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            WorkType::Installation => "New subscription / drop installation",
            WorkType::Wiring => "In-home wiring change",
            WorkType::Repair => "Fault repair",
            WorkType::Inspection => "Periodic inspection",
            WorkType::Removal => "Removal",
        }
    }

    /// The default minimal field set (REQUIREMENTS.md, "Work types").
    pub fn default_fields(self) -> Vec<Field> {
        use Field::*;
        match self {
            WorkType::Installation => vec![CustomerId, Name, Address, Phone, Service, FloorPlan],
            WorkType::Wiring => vec![CustomerId, Name, Address, Phone, FloorPlan],
            WorkType::Repair | WorkType::Inspection => {
                vec![CustomerId, Name, Address, Phone, Service]
            }
            WorkType::Removal => vec![CustomerId, Name, Address, Phone],
        }
    }
}

impl std::str::FromStr for WorkType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        WorkType::ALL
            .into_iter()
            .find(|w| w.id() == s.trim() || w.label_ja() == s.trim())
            .ok_or_else(|| {
                Error::from(Refusal::UnknownValue {
                    kind: Vocabulary::WorkType,
                    given: s.to_string(),
                    choices: WorkType::ALL.map(WorkType::id).join(", "),
                })
            })
    }
}

impl std::fmt::Display for WorkType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

fn too_low(setting: &'static str, min: u32) -> Error {
    Refusal::Policy(PolicyProblem::TooLow { setting, min }).into()
}

/// The office's policy: minimal sets per work type, deadlines and retention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Minimal field set per work type.
    pub work_types: BTreeMap<WorkType, Vec<Field>>,
    /// Default days from a handover to its return-or-destroy date.
    pub return_days: u32,
    /// Days within which a customer must be told the outcome of an opt-out request.
    pub notify_deadline_days: u32,
    /// Years provision records are kept after the last provision (R10: at least 3).
    pub record_retention_years: u32,
    /// Years a customer's personal data is kept after their contract ended (R9), then purged
    /// by `handover purge`. Default 5: the general limitation period for claims under the
    /// Civil Code (民法166条1項1号, five years from when a claim can be known), within which a
    /// former customer may still raise a dispute about the service or the work done in their
    /// home and the office must be able to find them. The operators' statements promise a
    /// defined period and deletion "without delay" after it, but name no number; a manager
    /// sets the office's own here.
    #[serde(default = "default_customer_retention_years")]
    pub customer_retention_years: u32,
    /// Sign-in on the embedded store: idle lock and lockout (a policy recorded before they
    /// existed reads as the defaults).
    #[serde(default)]
    pub sign_in: SignInPolicy,
    /// Which handovers need a manager's approval, and for how long one lasts (a policy
    /// recorded before approvals existed reads as the defaults).
    #[serde(default)]
    pub approval: ApprovalPolicy,
    /// A handover to a contractor whose yearly review is overdue or whose certificate expired:
    /// warned about (the default) or refused.
    #[serde(default)]
    pub supervision: crate::supervision::SupervisionRule,
}

fn default_customer_retention_years() -> u32 {
    5
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            work_types: WorkType::ALL
                .into_iter()
                .map(|w| (w, w.default_fields()))
                .collect(),
            return_days: 30,
            notify_deadline_days: 14,
            record_retention_years: 3,
            customer_retention_years: default_customer_retention_years(),
            sign_in: SignInPolicy::default(),
            approval: ApprovalPolicy::default(),
            supervision: crate::supervision::SupervisionRule::default(),
        }
    }
}

/// The bounds every policy keeps ([`Policy::validate`] enforces them): what the policy
/// editor shows beside each number, so that no screen keeps its own copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PolicyLimits {
    /// Fewest days to the return-or-destroy date.
    pub min_return_days: u32,
    /// Fewest days to tell a customer the outcome of a request.
    pub min_notify_deadline_days: u32,
    /// Fewest years provision records are kept (APPI Art. 29).
    pub min_record_retention_years: u32,
    /// Fewest years a former customer's data is kept.
    pub min_customer_retention_years: u32,
    /// The field every minimal set holds.
    pub required_field: Field,
    /// Fewest and most idle minutes before the app locks.
    pub idle_lock_minutes: (u32, u32),
    /// Fewest and most wrong passwords before a lockout.
    pub lockout_attempts: (u32, u32),
    /// Fewest and most minutes of a lockout.
    pub lockout_minutes: (u32, u32),
    /// Fewest and most days an approval request and an approval last.
    pub approval_lifetime_days: (u32, u32),
    /// Fewest and most customers above which a handover needs approval.
    pub approval_customers_over: (u32, u32),
}

impl Policy {
    /// The bounds of every policy.
    pub const LIMITS: PolicyLimits = PolicyLimits {
        min_return_days: 1,
        min_notify_deadline_days: 1,
        min_record_retention_years: 3,
        min_customer_retention_years: 1,
        required_field: Field::CustomerId,
        idle_lock_minutes: (1, 240),
        lockout_attempts: (3, 20),
        lockout_minutes: (1, 1440),
        approval_lifetime_days: (1, 90),
        approval_customers_over: (1, 100_000),
    };

    /// Check the rules no policy may break; the first broken one is the error.
    pub fn validate(&self) -> Result<()> {
        self.validate_fields()?;
        self.validate_numbers()?;
        self.validate_bounds()
    }

    /// Every work type has a minimal set, with the customer id and no payment field.
    fn validate_fields(&self) -> Result<()> {
        let required = Self::LIMITS.required_field;
        for (work, fields) in &self.work_types {
            if let Some(f) = fields.iter().find(|f| f.is_payment()) {
                return Err(Refusal::Policy(PolicyProblem::PaymentField {
                    work: (*work).into(),
                    field: (*f).into(),
                })
                .into());
            }
            if !fields.contains(&required) {
                return Err(Refusal::Policy(PolicyProblem::NoCustomerId {
                    work: (*work).into(),
                })
                .into());
            }
        }
        if let Some(missing) = WorkType::ALL
            .into_iter()
            .find(|w| !self.work_types.contains_key(w))
        {
            return Err(Refusal::Policy(PolicyProblem::NoMinimalSet {
                work: missing.into(),
            })
            .into());
        }
        Ok(())
    }

    /// The days and years are within [`Policy::LIMITS`].
    fn validate_numbers(&self) -> Result<()> {
        let l = Self::LIMITS;
        if self.return_days < l.min_return_days {
            return Err(too_low("return_days", l.min_return_days));
        }
        if self.notify_deadline_days < l.min_notify_deadline_days {
            return Err(too_low("notify_deadline_days", l.min_notify_deadline_days));
        }
        if self.record_retention_years < l.min_record_retention_years {
            return Err(too_low(
                "record_retention_years",
                l.min_record_retention_years,
            ));
        }
        if self.customer_retention_years < l.min_customer_retention_years {
            return Err(too_low(
                "customer_retention_years",
                l.min_customer_retention_years,
            ));
        }
        Ok(())
    }

    /// The sign-in and approval numbers are within [`Policy::LIMITS`].
    fn validate_bounds(&self) -> Result<()> {
        let l = Self::LIMITS;
        let s = &self.sign_in;
        let a = &self.approval;
        for (name, value, (min, max), why) in [
            (
                "sign_in.idle_lock_minutes",
                s.idle_lock_minutes,
                l.idle_lock_minutes,
                "an unattended PC must lock",
            ),
            (
                "sign_in.lockout_attempts",
                s.lockout_attempts,
                l.lockout_attempts,
                "guessing must be stopped, typing errors forgiven",
            ),
            (
                "sign_in.lockout_minutes",
                s.lockout_minutes,
                l.lockout_minutes,
                "a lockout must hold guessing up without shutting a person out for days",
            ),
            (
                "approval.lifetime_days",
                a.lifetime_days,
                l.approval_lifetime_days,
                "an approval is for one handover soon, not a standing permission",
            ),
            (
                "approval.customers_over",
                a.customers_over,
                l.approval_customers_over,
                "the number of customers above which a manager looks",
            ),
        ] {
            if !(min..=max).contains(&value) {
                return Err(Refusal::Policy(PolicyProblem::OutOfRange {
                    setting: name,
                    min,
                    max,
                    why,
                })
                .into());
            }
        }
        Ok(())
    }

    /// Load the manager's policy file, or the default when there is none. A file that does not
    /// parse or breaks a rule is an error, never silently replaced by the default.
    pub fn load(path: &std::path::Path) -> Result<Policy> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Policy::default()),
            Err(e) => return Err(Error::io("cannot read the policy", path, e)),
        };
        Policy::from_toml(&text, path)
    }

    /// A policy file a manager wrote (TOML); unlike [`Policy::load`], a missing file is an
    /// error.
    pub fn read_file(path: &std::path::Path) -> Result<Policy> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io("cannot read the policy file", path, e))?;
        Policy::from_toml(&text, path)
    }

    /// A policy written as TOML (what `handover policy show` prints), read from `origin`;
    /// validated.
    pub fn from_toml(text: &str, origin: &std::path::Path) -> Result<Policy> {
        let p: Policy = toml::from_str(text).map_err(|e| {
            Error::from(Refusal::Policy(PolicyProblem::Unreadable {
                origin: origin.display().to_string(),
                message: e.message().to_string(),
            }))
        })?;
        p.validate()?;
        Ok(p)
    }

    /// The policy in force in `store`: the `after` of the newest `policy.changed` entry, or
    /// the default before the first one. A recorded policy that no longer passes the rules (a
    /// rule tightened by a newer version) is an error, never silently replaced.
    pub fn in_force(store: &dyn crate::store::Store) -> Result<Policy> {
        Policy::of_entry(store.newest_entry(Policy::KIND)?)
    }

    /// The ledger kind of the entries that record the policy.
    pub const KIND: &'static str = "policy.changed";

    /// The policy recorded by `entry`, the newest [`Policy::KIND`] entry (read by whoever holds
    /// the store: [`Policy::in_force`], or a pack's recording transaction); the default when
    /// there is none.
    pub fn of_entry(entry: Option<crate::store::LedgerEntry>) -> Result<Policy> {
        let Some(entry) = entry else {
            return Ok(Policy::default());
        };
        let bad = |why: String| {
            Error::from(Refusal::Policy(PolicyProblem::Recorded {
                seq: entry.seq,
                message: why,
            }))
        };
        let payload = entry
            .payload
            .as_deref()
            .ok_or_else(|| bad("its payload was redacted".into()))?;
        let v: serde_json::Value = serde_json::from_str(payload).map_err(|e| bad(e.to_string()))?;
        let p: Policy =
            serde_json::from_value(v["after"].clone()).map_err(|e| bad(e.to_string()))?;
        p.validate()?;
        Ok(p)
    }

    /// The policy of the office whose store is `store` and data folder `dir`: [`in_force`],
    /// unless a one-PC office still has a `policy.toml` that could not be adopted when it was
    /// opened (`ops::policy`): its error then refuses every handover until it is repaired.
    ///
    /// [`in_force`]: Policy::in_force
    pub fn of_office(store: &dyn crate::store::Store, dir: &crate::DataDir) -> Result<Policy> {
        let legacy = dir.policy_path();
        if !store.is_shared() && legacy.exists() {
            return Policy::load(&legacy);
        }
        Policy::in_force(store)
    }

    /// The policy as TOML (for a manager to start editing from).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// The minimal field set for a work type.
    pub fn fields_for(&self, work: WorkType) -> &[Field] {
        self.work_types.get(&work).map(Vec::as_slice).unwrap_or(&[])
    }
}

impl From<WorkType> for crate::refusal::Named {
    fn from(x: WorkType) -> Self {
        crate::refusal::Named {
            id: x.id(),
            ja: x.label_ja(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_is_valid_and_matches_requirements() {
        let p = Policy::default();
        p.validate().unwrap();
        assert_eq!(p.fields_for(WorkType::Removal).len(), 4);
        assert!(
            p.fields_for(WorkType::Installation)
                .contains(&Field::FloorPlan)
        );
        assert!(!p.fields_for(WorkType::Repair).contains(&Field::FloorPlan));
    }

    #[test]
    fn policy_file_round_trips_and_is_validated() {
        let dir = std::env::temp_dir().join(format!("policy-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("policy.toml");
        assert_eq!(Policy::load(&path).unwrap(), Policy::default());
        let p = Policy {
            return_days: 14,
            ..Default::default()
        };
        std::fs::write(&path, p.to_toml()).unwrap();
        assert_eq!(Policy::load(&path).unwrap().return_days, 14);
        let bad = p.to_toml().replace(
            "\"customer_id\",\n    \"name\",",
            "\"card_number\", \"customer_id\",\n    \"name\",",
        );
        assert_ne!(bad, p.to_toml());
        std::fs::write(&path, bad).unwrap();
        assert!(
            Policy::load(&path)
                .unwrap_err()
                .to_string()
                .contains("payment")
        );
        std::fs::write(&path, "return_days = \"soon\"").unwrap();
        assert_eq!(Policy::load(&path).unwrap_err().code(), "policy_invalid");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn customer_retention_has_a_default_and_a_floor() {
        // A policy file written before the key existed still loads, with the default.
        let old = Policy::default()
            .to_toml()
            .lines()
            .filter(|l| !l.starts_with("customer_retention_years"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!old.contains("customer_retention_years"));
        let p: Policy = toml::from_str(&old).unwrap();
        assert_eq!(p.customer_retention_years, 5);
        let p = Policy {
            customer_retention_years: 0,
            ..Policy::default()
        };
        assert!(p.validate().unwrap_err().to_string().contains("at least 1"));
    }

    #[test]
    fn every_number_has_its_floor() {
        let l = Policy::LIMITS;
        let at_floor = Policy {
            return_days: l.min_return_days,
            notify_deadline_days: l.min_notify_deadline_days,
            record_retention_years: l.min_record_retention_years,
            customer_retention_years: l.min_customer_retention_years,
            ..Policy::default()
        };
        at_floor.validate().unwrap();
        type Set = fn(&mut Policy);
        let below: [(Set, &str); 4] = [
            (|p| p.return_days -= 1, "return_days"),
            (|p| p.notify_deadline_days -= 1, "notify_deadline_days"),
            (|p| p.record_retention_years -= 1, "record_retention_years"),
            (
                |p| p.customer_retention_years -= 1,
                "customer_retention_years",
            ),
        ];
        for (lower, name) in below {
            let mut p = at_floor.clone();
            lower(&mut p);
            let e = p.validate().unwrap_err().to_string();
            assert!(e.contains(name), "{name}: {e}");
        }
    }

    #[test]
    fn payment_field_in_policy_is_refused() {
        let mut p = Policy::default();
        p.work_types
            .get_mut(&WorkType::Repair)
            .unwrap()
            .push(Field::CardNumber);
        let err = p.validate().unwrap_err().to_string();
        assert!(err.contains("payment"), "{err}");
    }
}
