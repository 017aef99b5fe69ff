//! Customers' opt-out and restriction requests (R3, R6).
//!
//! A request stops provision of all the customer's data to contractors (`all`) or of some
//! fields. While it is pending or accepted its scope is excluded from every handover — the
//! safe reading of "unless the customer has asked otherwise" — and a rejected or withdrawn one
//! excludes nothing.
//!
//! # The lifecycle
//!
//! ```text
//!            decide --accept            notify
//! pending ─────────────────────▶ accepted ──────▶ (accepted, notified)
//!    │    decide --reject REASON          notify
//!    ├───────────────────────────▶ rejected ──────▶ (rejected, notified)
//!    │ withdraw                       │ withdraw
//!    ▼                                ▼
//! withdrawn ◀─────────────────────────┘ (from accepted, notified or not)
//! ```
//!
//! | from \ step  | decide                      | notify                        | withdraw |
//! |--------------|-----------------------------|-------------------------------|----------|
//! | pending      | yes; a rejection needs a reason | **no**: there is no outcome to tell yet | yes |
//! | accepted     | no: decided once            | once, on a day from the decision to today | yes |
//! | rejected     | no: decided once            | once, likewise                | **no**   |
//! | withdrawn    | no                          | no                            | no       |
//!
//! Why these rules:
//! - *Decide once.* The decision is what the customer is told (R6); changing it silently would
//!   make the notification a lie. A customer who asks again makes a new request.
//! - *Notify only a decided request, only once.* R6 is about telling the customer the outcome
//!   ("whether it did, and if not, why"); a pending request has none. The date may lie in the
//!   past (a letter sent last week) but not before the decision nor in the future.
//! - *Withdraw pending or accepted.* It is the customer's request: they may take it back, and
//!   provision of the minimal set then resumes for later handovers. A rejected request already
//!   excludes nothing, so withdrawing it would change nothing and is refused rather than
//!   recorded as if it mattered; a withdrawn one cannot be withdrawn again.
//!
//! # Overdue
//!
//! The customer must learn the outcome "without delay" (R6); the office's policy turns that into
//! `notify_deadline_days` (default 14) counted from the day the request was **received**: the
//! customer's wait is what matters, whatever step holds it up. A request that is pending, or
//! decided but not notified, is due on `received + deadline` and overdue from the day after
//! (on the due day itself it is still in time, as a handover due today is not overdue yet).
//! Notified and withdrawn requests are never overdue.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::refusal::{DateOrder, Refusal, ScopeProblem, StateProblem, Vocabulary};
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

fn scope(problem: ScopeProblem) -> Error {
    Refusal::Scope { problem }.into()
}

impl Scope {
    /// The fields a request can withhold on its own: every stored field but the customer id
    /// (the contractor needs it to refer to the customer at all; `all` stops provision
    /// entirely). Payment fields are not stored, so there is nothing to withhold.
    pub fn restrictable() -> Vec<Field> {
        Field::stored()
            .filter(|f| *f != Field::CustomerId)
            .collect()
    }

    /// Check what a request may cover, whichever way it came in (typed on the command line or
    /// sent by the app): `all`, or at least one field a request can withhold
    /// ([`Scope::restrictable`]), each once.
    pub fn validate(&self) -> Result<()> {
        let Scope::Fields(fields) = self else {
            return Ok(());
        };
        if fields.is_empty() {
            return Err(scope(ScopeProblem::Empty));
        }
        if fields.contains(&Field::CustomerId) {
            return Err(scope(ScopeProblem::CustomerIdAlone));
        }
        if let Some(f) = fields.iter().find(|f| f.is_payment()) {
            return Err(scope(ScopeProblem::Payment((*f).into())));
        }
        if let Some(f) = fields
            .iter()
            .enumerate()
            .find_map(|(i, f)| fields[..i].contains(f).then_some(f))
        {
            return Err(scope(ScopeProblem::Twice((*f).into())));
        }
        Ok(())
    }

    /// Read the stored form back, as it was stored: `None` only for text that names no scope
    /// at all. No validation, so that a request recorded before a rule existed still reads.
    pub fn from_db(s: &str) -> Option<Scope> {
        if s == "all" {
            return Some(Scope::All);
        }
        s.split(',')
            .filter(|p| !p.is_empty())
            .map(Field::from_id)
            .collect::<Option<Vec<_>>>()
            .map(Scope::Fields)
    }

    /// The stored form: `all` or `name,phone`.
    pub fn to_db(&self) -> String {
        match self {
            Scope::All => "all".into(),
            Scope::Fields(f) => f.iter().map(|f| f.id()).collect::<Vec<_>>().join(","),
        }
    }

    /// In Japanese, for people: `すべての提供` or the fields' labels joined by `・`.
    pub fn label_ja(&self) -> String {
        match self {
            Scope::All => "委託先へのすべての提供".into(),
            Scope::Fields(f) => f
                .iter()
                .map(|f| f.label_ja())
                .collect::<Vec<_>>()
                .join("・"),
        }
    }

    /// In English.
    pub fn label_en(&self) -> String {
        match self {
            Scope::All => "all provision to contractors".into(),
            Scope::Fields(f) => f
                .iter()
                .map(|f| f.label_en())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// The fields of `provided` it covers, in their order.
    pub fn covered(&self, provided: &[Field]) -> Vec<Field> {
        provided
            .iter()
            .copied()
            .filter(|f| self.covers(*f))
            .collect()
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

    /// `all` or a comma-separated list of fields, checked by [`Scope::validate`].
    fn from_str(s: &str) -> Result<Self> {
        let scope = if s.trim() == "all" {
            Scope::All
        } else {
            Scope::Fields(
                s.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| p.parse::<Field>())
                    .collect::<Result<Vec<_>>>()?,
            )
        };
        scope.validate()?;
        Ok(scope)
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

    /// Japanese label, as the customer reads it.
    pub fn label_ja(self) -> &'static str {
        match self {
            RequestStatus::Pending => "検討中（その間は提供を停止）",
            RequestStatus::Accepted => "承諾（提供を停止）",
            RequestStatus::Rejected => "不承諾",
            RequestStatus::Withdrawn => "お取り下げ",
        }
    }
}

/// How a request came in, or how the customer was told the outcome: 電話 / 窓口 / 郵送 / Web.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Channel {
    /// 電話
    Phone,
    /// 窓口 (at the office counter)
    Counter,
    /// 郵送
    Mail,
    /// Web (a form on the operator's site)
    Web,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 4] = [
        Channel::Phone,
        Channel::Counter,
        Channel::Mail,
        Channel::Web,
    ];

    /// The stable id (`phone`, `counter`, `mail`, `web`).
    pub fn id(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Counter => "counter",
            Channel::Mail => "mail",
            Channel::Web => "web",
        }
    }

    /// Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Channel::Phone => "電話",
            Channel::Counter => "窓口",
            Channel::Mail => "郵送",
            Channel::Web => "Web",
        }
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for Channel {
    type Err = Error;

    /// The id or the Japanese label (`web` and `Web` both).
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        Channel::ALL
            .into_iter()
            .find(|c| c.id() == t || c.label_ja() == t || c.id().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                Error::from(Refusal::UnknownValue {
                    kind: Vocabulary::Channel,
                    given: t.to_string(),
                    choices: "phone, counter, mail or web (電話, 窓口, 郵送, Web)".into(),
                })
            })
    }
}

/// A manager's decision on a pending request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[ts(export)]
pub enum Decision {
    /// Stop the provision as asked.
    Accept,
    /// Keep providing; the reason is what the customer is told (R6).
    Reject {
        /// Why (required, not blank).
        reason: String,
    },
}

/// The step a request is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum NextStep {
    /// A manager must accept or reject it (and then tell the customer).
    Decide,
    /// The customer must be told the outcome.
    Notify,
}

/// When the customer must have been told, and whether that day has passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Due {
    /// What is waited for.
    pub step: NextStep,
    /// The last day in time (`received + notify_deadline_days`).
    #[ts(type = "string")]
    pub by: Date,
    /// Is today after that day?
    pub overdue: bool,
    /// Days past it (0 when in time).
    pub days_overdue: u32,
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
    /// Day received.
    #[ts(type = "string")]
    pub received: Date,
    /// How it came in.
    pub channel: Channel,
    /// Staff note.
    pub note: Option<String>,
    /// Where it stands.
    pub status: RequestStatus,
    /// Day decided.
    #[ts(type = "string | null")]
    pub decided_on: Option<Date>,
    /// Reason (required for a rejection).
    pub reason: Option<String>,
    /// Day the customer was told the outcome.
    #[ts(type = "string | null")]
    pub notified_on: Option<Date>,
    /// How the customer was told.
    pub notified_channel: Option<Channel>,
    /// Day the customer withdrew it (absent in events recorded before withdrawals existed).
    #[serde(default)]
    #[ts(type = "string | null")]
    pub withdrawn_on: Option<Date>,
}

impl Request {
    fn refuse(&self, problem: StateProblem) -> Error {
        Refusal::State {
            id: self.id.clone(),
            problem,
        }
        .into()
    }

    /// The request after a decision taken `on` (see the module docs for the rules).
    pub fn decided(&self, decision: &Decision, on: Date) -> Result<Request> {
        if self.status != RequestStatus::Pending {
            return Err(self.refuse(StateProblem::RequestDecided {
                status: self.status.as_str().into(),
            }));
        }
        let mut r = self.clone();
        match decision {
            Decision::Accept => r.status = RequestStatus::Accepted,
            Decision::Reject { reason } => {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(Refusal::ReasonRequired.into());
                }
                r.status = RequestStatus::Rejected;
                r.reason = Some(reason.to_string());
            }
        }
        r.decided_on = Some(on);
        Ok(r)
    }

    /// The request after the customer was told the outcome `on` by `channel`; `today` bounds
    /// the date.
    pub fn notified(&self, on: Date, channel: Channel, today: Date) -> Result<Request> {
        match self.status {
            RequestStatus::Pending => {
                return Err(self.refuse(StateProblem::RequestPending));
            }
            RequestStatus::Withdrawn => {
                return Err(self.refuse(StateProblem::RequestWithdrawn));
            }
            RequestStatus::Accepted | RequestStatus::Rejected => {}
        }
        if let Some(d) = &self.notified_on {
            return Err(self.refuse(StateProblem::RequestNotified { on: d.to_string() }));
        }
        let decided = self
            .decided_on
            .ok_or_else(|| self.refuse(StateProblem::RequestNoDecisionDate))?;
        if on > today {
            return Err(Error::date_in_future("date", on));
        }
        if on < decided {
            return Err(Refusal::DateOrder {
                rule: DateOrder::Notified,
                date: on.to_string(),
                limit: decided.to_string(),
            }
            .into());
        }
        let mut r = self.clone();
        r.notified_on = Some(on);
        r.notified_channel = Some(channel);
        Ok(r)
    }

    /// The request after the customer withdrew it (recorded `on`).
    pub fn withdrawn(&self, on: Date) -> Result<Request> {
        match self.status {
            RequestStatus::Pending | RequestStatus::Accepted => {}
            RequestStatus::Rejected => {
                return Err(self.refuse(StateProblem::RequestRejected));
            }
            RequestStatus::Withdrawn => {
                return Err(self.refuse(StateProblem::RequestWithdrawnAlready {
                    on: self.withdrawn_on.as_ref().map(|d| d.to_string()),
                }));
            }
        }
        let mut r = self.clone();
        r.status = RequestStatus::Withdrawn;
        r.withdrawn_on = Some(on);
        Ok(r)
    }

    /// What the request waits for on `today` with the office's deadline, if anything.
    pub fn due(&self, deadline_days: u32, today: Date) -> Option<Due> {
        let step = match (self.status, &self.notified_on) {
            (RequestStatus::Pending, _) => NextStep::Decide,
            (RequestStatus::Accepted | RequestStatus::Rejected, None) => NextStep::Notify,
            _ => return None,
        };
        let by = crate::dates::add_days(self.received, deadline_days);
        Some(Due {
            step,
            by,
            overdue: today > by,
            days_overdue: crate::dates::days_past(by, today),
        })
    }

    /// The steps this request can take now, by the rules of [`Request::decided`],
    /// [`Request::notified`] and [`Request::withdrawn`] (the table in the module docs): what a
    /// screen offers, so that it never offers a step the core would refuse.
    pub fn actions(&self) -> Vec<RequestAction> {
        let mut out = Vec::new();
        if self.status == RequestStatus::Pending {
            out.extend([RequestAction::Accept, RequestAction::Reject]);
        }
        if matches!(
            self.status,
            RequestStatus::Accepted | RequestStatus::Rejected
        ) && self.notified_on.is_none()
        {
            out.push(RequestAction::Notify);
        }
        if self.status.is_enforced() {
            out.push(RequestAction::Withdraw);
        }
        out
    }
}

/// A step a request can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RequestAction {
    /// Accept it (pending only).
    Accept,
    /// Reject it with the reason the customer is told (pending only).
    Reject,
    /// Record that the customer was told the outcome (decided, not yet told).
    Notify,
    /// Record the customer's withdrawal (pending or accepted).
    Withdraw,
}

/// A request as managers see it: the request, who it is, what it waits for, and the
/// handovers made before it that included data in its scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RequestView {
    /// The request.
    pub request: Request,
    /// 氏名 as the register holds it now.
    pub customer_name: Option<String>,
    /// What it waits for and by when (none once notified or withdrawn).
    pub due: Option<Due>,
    /// Is it enforced now (pending or accepted: its scope is withheld from every handover)?
    pub enforced: bool,
    /// The steps it can take now ([`Request::actions`]).
    pub actions: Vec<RequestAction>,
    /// While the request is pending or accepted: the handovers that gave a contractor data
    /// it now covers. They happened before it (every later handover withholds its scope) and
    /// are not changed by it; the manager may ask those contractors to delete that data.
    pub earlier_handovers: Vec<EarlierProvision>,
}

/// A handover made before a request, and the fields of it the request covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EarlierProvision {
    /// The provision (this customer's row of the handover).
    pub provision: crate::history::ProvisionRow,
    /// The fields it gave that the request now covers.
    pub in_scope: Vec<Field>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(status: RequestStatus, notified: bool) -> Request {
        let d = jiff::civil::date(2026, 11, 2);
        Request {
            id: "REQ-2026-0001".into(),
            customer_id: "C0001".into(),
            scope: Scope::All,
            received: jiff::civil::date(2026, 11, 1),
            channel: Channel::Phone,
            note: None,
            status,
            decided_on: matches!(status, RequestStatus::Accepted | RequestStatus::Rejected)
                .then_some(d),
            reason: None,
            notified_on: notified.then_some(d),
            notified_channel: notified.then_some(Channel::Mail),
            withdrawn_on: (status == RequestStatus::Withdrawn).then_some(d),
        }
    }

    #[test]
    fn the_actions_offered_are_exactly_the_steps_the_rules_accept() {
        let today = jiff::civil::date(2026, 11, 20);
        let reject = Decision::Reject {
            reason: "契約上必要".into(),
        };
        for status in [
            RequestStatus::Pending,
            RequestStatus::Accepted,
            RequestStatus::Rejected,
            RequestStatus::Withdrawn,
        ] {
            for notified in [false, true] {
                let r = request(status, notified);
                let offered = r.actions();
                let accepted = [
                    (
                        RequestAction::Accept,
                        r.decided(&Decision::Accept, today).is_ok(),
                    ),
                    (RequestAction::Reject, r.decided(&reject, today).is_ok()),
                    (
                        RequestAction::Notify,
                        r.notified(today, Channel::Mail, today).is_ok(),
                    ),
                    (RequestAction::Withdraw, r.withdrawn(today).is_ok()),
                ];
                for (action, ok) in accepted {
                    assert_eq!(
                        offered.contains(&action),
                        ok,
                        "{status:?} notified={notified}: {action:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_scope_names_something_a_request_can_withhold() {
        let fields = |f: &[Field]| Scope::Fields(f.to_vec());
        assert!(Scope::All.validate().is_ok());
        assert!(fields(&[Field::Phone, Field::FloorPlan]).validate().is_ok());
        for (bad, why) in [
            (fields(&[]), "give all"),
            (fields(&[Field::CustomerId]), "customer_id"),
            (fields(&[Field::Name, Field::CustomerId]), "customer_id"),
            (fields(&[Field::CardNumber]), "payment"),
            (fields(&[Field::Phone, Field::Phone]), "twice"),
        ] {
            let e = bad.validate().unwrap_err();
            assert_eq!(e.code(), "scope_invalid");
            assert!(e.to_string().contains(why), "{bad:?}: {e}");
        }
        // Typed on the command line: the same rules.
        assert!("".parse::<Scope>().is_err());
        assert!("customer_id".parse::<Scope>().is_err());
        assert_eq!(
            "name, phone".parse::<Scope>().unwrap(),
            fields(&[Field::Name, Field::Phone])
        );
        // Offered by the screens: everything stored but the customer id.
        let r = Scope::restrictable();
        assert!(!r.contains(&Field::CustomerId));
        assert!(r.iter().all(|f| !f.is_payment()));
        assert!(r.contains(&Field::FloorPlan) && r.contains(&Field::Notes));
        for f in &r {
            assert!(fields(&[*f]).validate().is_ok(), "{f}");
        }
    }

    #[test]
    fn a_stored_scope_reads_back_as_stored() {
        for s in [Scope::All, Scope::Fields(vec![Field::Name, Field::Phone])] {
            assert_eq!(Scope::from_db(&s.to_db()), Some(s));
        }
        // Recorded before the rules were checked on every path: still readable.
        assert_eq!(Scope::from_db(""), Some(Scope::Fields(Vec::new())));
        assert_eq!(Scope::from_db("name,nonsense"), None);
    }
}
