//! 上長承認: a manager's approval before data leaves (issue 13).
//!
//! The policy ([`ApprovalPolicy`]) says which handovers need one: an extra field, more than a
//! number of customers, the passphrase method. Staff ask with the exact prepared content —
//! contractor and keys, work type, method, return date, every customer with the fields they
//! receive, and who is left out and why — kept as [`ApprovedContent`] with its SHA-256
//! ([`ApprovedContent::digest`]). A manager other than the person who asked (four eyes)
//! approves or rejects with a reason. A pack that names the approval must prepare to exactly
//! the same content (otherwise [`differences`] says what changed: a customer more, a field
//! more, another contractor or method, an opt-out registered or decided since); it uses the
//! approval once, in the transaction that records the handover, and before it expires.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use ts_rs::TS;

use crate::handover::{Encryption, Excluded, ExtraField, Method, Preparation, Selection};
use crate::{Error, Field, Result, WorkType};

/// Which handovers need a manager's approval, and how long an approval lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[ts(export)]
pub struct ApprovalPolicy {
    /// Any field beyond the work type's minimal set.
    pub extra_fields: bool,
    /// More than `customers_over` customers.
    pub many_customers: bool,
    /// The customer count above which `many_customers` applies.
    pub customers_over: u32,
    /// The passphrase method (the fallback for a contractor without a key).
    pub passphrase: bool,
    /// Days a request waits for a decision, and days an approval stays usable after it.
    pub lifetime_days: u32,
}

impl Default for ApprovalPolicy {
    fn default() -> Self {
        ApprovalPolicy {
            extra_fields: true,
            many_customers: true,
            customers_over: 50,
            passphrase: true,
            lifetime_days: 7,
        }
    }
}

/// A rule of the policy that a handover falls under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[ts(export)]
pub enum ApprovalRule {
    /// Fields beyond the minimal set.
    ExtraFields {
        /// The extra fields.
        fields: Vec<Field>,
    },
    /// More customers than the policy's number.
    ManyCustomers {
        /// Customers handed over.
        count: u32,
        /// The policy's number.
        limit: u32,
    },
    /// A passphrase bundle.
    Passphrase,
}

impl ApprovalRule {
    /// The rule in words, for the CLI and error messages.
    pub fn text(&self, lang: crate::report::Lang) -> String {
        use crate::report::Lang;
        match (self, lang) {
            (ApprovalRule::ExtraFields { fields }, Lang::Ja) => format!(
                "最小項目以外の項目（{}）",
                fields
                    .iter()
                    .map(|f| f.label_ja())
                    .collect::<Vec<_>>()
                    .join("・")
            ),
            (ApprovalRule::ExtraFields { fields }, Lang::En) => format!(
                "fields beyond the minimal set ({})",
                fields.iter().map(|f| f.id()).collect::<Vec<_>>().join(", ")
            ),
            (ApprovalRule::ManyCustomers { count, limit }, Lang::Ja) => {
                format!("{limit} 件を超える顧客（{count} 件）")
            }
            (ApprovalRule::ManyCustomers { count, limit }, Lang::En) => {
                format!("more than {limit} customers ({count})")
            }
            (ApprovalRule::Passphrase, Lang::Ja) => "パスフレーズ方式".into(),
            (ApprovalRule::Passphrase, Lang::En) => "the passphrase method".into(),
        }
    }
}

/// Rules in words, separated by `; `.
pub fn rules_text(rules: &[ApprovalRule], lang: crate::report::Lang) -> String {
    rules
        .iter()
        .map(|r| r.text(lang))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The rules of `policy` that the prepared handover falls under (none: no approval needed).
pub fn rules_for(policy: &ApprovalPolicy, prep: &Preparation) -> Vec<ApprovalRule> {
    let mut rules = Vec::new();
    if policy.extra_fields && !prep.extra_fields.is_empty() {
        rules.push(ApprovalRule::ExtraFields {
            fields: prep.extra_fields.iter().map(|x| x.field).collect(),
        });
    }
    let count = prep.customers.len() as u32;
    if policy.many_customers && count > policy.customers_over {
        rules.push(ApprovalRule::ManyCustomers {
            count,
            limit: policy.customers_over,
        });
    }
    if policy.passphrase && prep.encryption == Encryption::Passphrase {
        rules.push(ApprovalRule::Passphrase);
    }
    rules
}

/// One customer of approved content and the fields they receive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApprovedCustomer {
    /// 顧客番号
    pub customer_id: String,
    /// The fields the contractor receives for them.
    pub fields: Vec<Field>,
}

/// Exactly what a handover holds: what a manager approves, and what a pack must match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApprovedContent {
    /// The contractor's id.
    pub contractor_id: String,
    /// Its name (for the reader).
    pub contractor_name: String,
    /// The fingerprints of the keys the bundle is encrypted to (empty: passphrase or paper).
    pub key_fingerprints: Vec<String>,
    /// The work.
    pub work_type: WorkType,
    /// How it is handed over.
    pub method: Method,
    /// How it is protected.
    pub encryption: Encryption,
    /// The return-or-destroy date.
    #[ts(type = "string")]
    pub return_by: jiff::civil::Date,
    /// The extra fields with their reasons.
    pub extra_fields: Vec<ExtraField>,
    /// Every customer handed over, with their fields.
    pub customers: Vec<ApprovedCustomer>,
    /// The customers left out and why (an opt-out decided later changes this).
    pub excluded: Vec<Excluded>,
}

impl ApprovedContent {
    /// The content of a preparation with its return date.
    pub fn of(prep: &Preparation, return_by: jiff::civil::Date) -> ApprovedContent {
        ApprovedContent {
            contractor_id: prep.contractor.id.clone(),
            contractor_name: prep.contractor.name.clone(),
            key_fingerprints: prep
                .recipients
                .iter()
                .map(|k| k.fingerprint.clone())
                .collect(),
            work_type: prep.work_type,
            method: prep.method,
            encryption: prep.encryption,
            return_by,
            extra_fields: prep.extra_fields.clone(),
            customers: prep
                .customers
                .iter()
                .map(|c| ApprovedCustomer {
                    customer_id: c.customer_id.clone(),
                    fields: c.included.clone(),
                })
                .collect(),
            excluded: prep.excluded.clone(),
        }
    }

    /// SHA-256 of the content's JSON (fields in declaration order), lower-case hex.
    pub fn digest(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(sha2::Sha256::digest(&bytes))
    }
}

/// Where an approval stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ApprovalStatus {
    /// Waiting for a manager.
    Pending,
    /// Approved: may be packed once, until it expires.
    Approved,
    /// Rejected, with a reason.
    Rejected,
    /// Packed (the handover id says which).
    Used,
}

impl ApprovalStatus {
    /// The stable id stored.
    pub fn id(self) -> &'static str {
        match self {
            ApprovalStatus::Pending => "pending",
            ApprovalStatus::Approved => "approved",
            ApprovalStatus::Rejected => "rejected",
            ApprovalStatus::Used => "used",
        }
    }
}

impl std::str::FromStr for ApprovalStatus {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        [
            ApprovalStatus::Pending,
            ApprovalStatus::Approved,
            ApprovalStatus::Rejected,
            ApprovalStatus::Used,
        ]
        .into_iter()
        .find(|x| x.id() == s)
        .ok_or_else(|| Error::UnknownApproval(format!("(a stored status '{s}')")))
    }
}

/// What was asked: the selection (to pack from), the content and its digest, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApprovalAsk {
    /// The selection the content was prepared from.
    pub selection: Selection,
    /// The exact content.
    pub content: ApprovedContent,
    /// [`ApprovedContent::digest`].
    pub digest: String,
    /// The rules that required an approval when it was asked (may be empty: asked anyway).
    pub rules: Vec<ApprovalRule>,
}

/// An approval request and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Approval {
    /// `APR-2026-0001`
    pub id: String,
    /// Who asked.
    pub requested_by: String,
    /// When (RFC 3339 UTC).
    pub requested_at: String,
    /// What was asked.
    pub ask: ApprovalAsk,
    /// Where it stands.
    pub status: ApprovalStatus,
    /// The manager who decided.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<String>,
    /// Why it was rejected (or a manager's note on an approval).
    pub reason: Option<String>,
    /// A pending request must be decided, and an approval packed, before this (RFC 3339 UTC).
    pub expires_at: String,
    /// Who packed it.
    pub used_by: Option<String>,
    /// When.
    pub used_at: Option<String>,
    /// The handover it became.
    pub handover_id: Option<String>,
}

impl Approval {
    /// Has it expired at `now` (pending or approved, past its time)?
    pub fn expired(&self, now: Timestamp) -> bool {
        matches!(
            self.status,
            ApprovalStatus::Pending | ApprovalStatus::Approved
        ) && self.expires_at.parse::<Timestamp>().is_ok_and(|t| now >= t)
    }
}

/// `at` plus `days` whole days.
pub fn expiry(at: Timestamp, days: u32) -> Timestamp {
    at.checked_add(jiff::SignedDuration::from_hours(24 * i64::from(days)))
        .unwrap_or(at)
}

/// What differs between approved content and what would be packed now, in words; empty when
/// they are the same.
pub fn differences(approved: &ApprovedContent, now: &ApprovedContent) -> Vec<String> {
    let (a, b) = (approved, now);
    let mut out: Vec<String> = [
        (
            "contractor",
            a.contractor_id.clone(),
            b.contractor_id.clone(),
        ),
        (
            "contractor keys",
            a.key_fingerprints.join(", "),
            b.key_fingerprints.join(", "),
        ),
        (
            "work type",
            a.work_type.to_string(),
            b.work_type.to_string(),
        ),
        ("method", a.method.id().into(), b.method.id().into()),
        (
            "encryption",
            a.encryption.id().into(),
            b.encryption.id().into(),
        ),
        (
            "return date",
            a.return_by.to_string(),
            b.return_by.to_string(),
        ),
        (
            "extra fields",
            extras(&a.extra_fields),
            extras(&b.extra_fields),
        ),
    ]
    .into_iter()
    .filter(|(_, x, y)| x != y)
    .map(|(what, x, y)| format!("{what}: approved {x}, now {y}"))
    .collect();
    out.extend(customer_differences(approved, now));
    if out.is_empty() && approved.digest() != now.digest() {
        out.push(format!(
            "the content differs from the approved content (digest {}, now {})",
            approved.digest(),
            now.digest()
        ));
    }
    out
}

fn extras(x: &[ExtraField]) -> String {
    let s: Vec<String> = x
        .iter()
        .map(|x| format!("{} ({})", x.field, x.reason))
        .collect();
    if s.is_empty() {
        "none".into()
    } else {
        s.join(", ")
    }
}

fn field_list(fields: &[Field]) -> String {
    fields.iter().map(|f| f.id()).collect::<Vec<_>>().join(", ")
}

fn exclusion(e: &Excluded) -> String {
    serde_json::to_value(&e.reason)
        .ok()
        .map(|v| {
            let kind = v["kind"].as_str().unwrap_or("excluded").to_string();
            match (v["request_id"].as_str(), v["status"].as_str()) {
                (Some(r), Some(s)) => format!("{kind} {r} {s}"),
                _ => kind,
            }
        })
        .unwrap_or_default()
}

/// Customers added, removed, with other fields, or left out for another reason.
fn customer_differences(approved: &ApprovedContent, now: &ApprovedContent) -> Vec<String> {
    let mut out = Vec::new();
    let find = |list: &[ApprovedCustomer], id: &str| {
        list.iter()
            .find(|c| c.customer_id == id)
            .map(|c| c.fields.clone())
    };
    let excluded =
        |list: &[Excluded], id: &str| list.iter().find(|e| e.customer_id == id).map(exclusion);
    for c in &now.customers {
        match find(&approved.customers, &c.customer_id) {
            None => out.push(format!("customer {} was not approved", c.customer_id)),
            Some(f) if f != c.fields => out.push(format!(
                "customer {}: approved fields {}, now {}",
                c.customer_id,
                field_list(&f),
                field_list(&c.fields)
            )),
            Some(_) => {}
        }
    }
    for c in &approved.customers {
        if find(&now.customers, &c.customer_id).is_none() {
            let why = excluded(&now.excluded, &c.customer_id)
                .map(|w| format!(" (now excluded: {w})"))
                .unwrap_or_else(|| " (not in this selection)".into());
            out.push(format!("customer {} is missing{why}", c.customer_id));
        }
    }
    for e in &approved.excluded {
        let before = exclusion(e);
        match excluded(&now.excluded, &e.customer_id) {
            Some(after) if after != before => out.push(format!(
                "customer {}: left out for {before} when approved, now {after}",
                e.customer_id
            )),
            None if find(&now.customers, &e.customer_id).is_none() => out.push(format!(
                "customer {} (left out for {before} when approved) is not in this selection",
                e.customer_id
            )),
            _ => {}
        }
    }
    for e in &now.excluded {
        let in_approved = approved
            .customers
            .iter()
            .any(|c| c.customer_id == e.customer_id)
            || approved
                .excluded
                .iter()
                .any(|x| x.customer_id == e.customer_id);
        if !in_approved {
            out.push(format!(
                "customer {} was not in the approved selection",
                e.customer_id
            ));
        }
    }
    out
}

/// May `a` be packed at `now` as `content`? Approved, unused, not expired, and the very content
/// approved; otherwise the refusal that says why (what differs, for a mismatch).
pub fn check_usable(a: &Approval, content: &ApprovedContent, now: Timestamp) -> Result<()> {
    let detail = match a.status {
        ApprovalStatus::Approved => None,
        ApprovalStatus::Pending => Some(" (waiting for a manager)".to_string()),
        ApprovalStatus::Rejected => Some(format!(
            " by {}: {}",
            a.decided_by.as_deref().unwrap_or("?"),
            a.reason.as_deref().unwrap_or("")
        )),
        ApprovalStatus::Used => Some(format!(" by {}", a.handover_id.as_deref().unwrap_or("?"))),
    };
    if let Some(detail) = detail {
        return Err(Error::ApprovalNotUsable {
            id: a.id.clone(),
            status: a.status.id().into(),
            detail,
        });
    }
    if a.expired(now) {
        return Err(Error::ApprovalExpired {
            id: a.id.clone(),
            at: a.expires_at.clone(),
        });
    }
    if content.digest() != a.ask.digest {
        return Err(Error::ApprovalMismatch {
            id: a.id.clone(),
            differences: differences(&a.ask.content, content).join("; "),
        });
    }
    Ok(())
}
