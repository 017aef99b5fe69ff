//! Customers' opt-out and restriction requests (R3, R6).
//!
//! A request stops provision of all the customer's data to contractors (`all`) or of some
//! fields. While it is pending or accepted its scope is excluded from every handover — the
//! safe reading of "unless the customer has asked otherwise" — and a rejected or withdrawn one
//! excludes nothing.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Field, Result};

/// What a request covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind", content = "fields")]
#[ts(export)]
pub enum Scope {
    /// Stop all provision to contractors.
    All,
    /// Stop provision of these fields.
    Fields(Vec<Field>),
}

impl Scope {
    /// The stored form: `all` or `name,phone`.
    pub fn to_db(&self) -> String {
        match self {
            Scope::All => "all".into(),
            Scope::Fields(f) => f.iter().map(|f| f.id()).collect::<Vec<_>>().join(","),
        }
    }

    /// Does it cover this field?
    pub fn covers(&self, f: Field) -> bool {
        match self {
            Scope::All => true,
            Scope::Fields(list) => list.contains(&f),
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        if s.trim() == "all" {
            return Ok(Scope::All);
        }
        let fields = s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| p.parse::<Field>())
            .collect::<Result<Vec<_>>>()?;
        if fields.is_empty() {
            return Err(Error::invalid("scope", "give `all` or a list of fields"));
        }
        if fields.contains(&Field::CustomerId) {
            return Err(Error::invalid(
                "scope",
                "customer_id cannot be withheld on its own; use `all` to stop provision entirely",
            ));
        }
        Ok(Scope::Fields(fields))
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RequestStatus {
    /// Received, not decided: already enforced.
    Pending,
    /// Accepted: enforced.
    Accepted,
    /// Rejected (with a reason): not enforced.
    Rejected,
    /// Withdrawn by the customer: not enforced.
    Withdrawn,
}

impl RequestStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Accepted => "accepted",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Withdrawn => "withdrawn",
        }
    }

    /// Parse the stored form.
    pub fn from_db(s: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Accepted,
            Self::Rejected,
            Self::Withdrawn,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// Is the scope excluded from handovers while in this state?
    pub fn is_enforced(self) -> bool {
        matches!(self, RequestStatus::Pending | RequestStatus::Accepted)
    }
}

/// A customer's request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Request {
    /// `REQ-2026-0001`
    pub id: String,
    /// The customer.
    pub customer_id: String,
    /// What it covers.
    pub scope: Scope,
    /// Day received (YYYY-MM-DD).
    pub received: String,
    /// 電話 / 窓口 / 郵送 / Web: `phone`, `counter`, `mail`, `web`.
    pub channel: String,
    /// Staff note.
    pub note: Option<String>,
    /// Where it stands.
    pub status: RequestStatus,
    /// Day decided.
    pub decided_on: Option<String>,
    /// Reason (required for a rejection).
    pub reason: Option<String>,
    /// Day the customer was told the outcome.
    pub notified_on: Option<String>,
    /// How the customer was told.
    pub notified_channel: Option<String>,
}
