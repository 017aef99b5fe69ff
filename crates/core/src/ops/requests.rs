//! Customers' opt-out and restriction requests (R3, R6): register, decide, tell the customer,
//! withdraw, list. The rules of each step are in [`crate::requests`]; here each step is checked
//! there and then saved with its ledger event in one transaction. Every event's payload is
//! `{"request": <the whole request after the step>}`, so the requests table can be rebuilt
//! from the ledger alone.

use std::collections::HashMap;

use serde::Deserialize;
use ts_rs::TS;

use super::Office;
use crate::history::{ProvisionQuery, ProvisionRow};
use crate::operators::Role;
use crate::requests::{
    Channel, Decision, EarlierProvision, Request, RequestStatus, RequestView, Scope,
};
use crate::{Error, Result};

fn find(office: &Office, id: &str) -> Result<Request> {
    let id = id.trim();
    office
        .store
        .requests(None)?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| Error::UnknownRequest(id.into()))
}

/// Save a request with its ledger event (`kind`, payload `{"request": r}`).
fn save(office: &mut Office, r: Request, kind: &str) -> Result<Request> {
    let mut event = office.event(kind, serde_json::json!({ "request": r }));
    event.customers = vec![r.customer_id.clone()];
    let now = office.now();
    office.store.save_request(&r, &now, event)?;
    Ok(r)
}

/// A request as staff register it (the app's form, the CLI's `request add`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RequestInput {
    /// 顧客番号
    pub customer_id: String,
    /// Everything, or some fields ([`Scope::validate`]).
    pub scope: Scope,
    /// Day received (`YYYY-MM-DD` or `YYYY/MM/DD`).
    pub received: String,
    /// How it came in.
    pub channel: Channel,
    /// Staff note.
    pub note: Option<String>,
}

/// Register a customer's opt-out or restriction request: pending, and enforced at once.
/// The scope is checked here, whichever front end built it.
pub fn request_add(office: &mut Office, input: &RequestInput) -> Result<Request> {
    input.scope.validate()?;
    let received = crate::dates::parse_date(&input.received)?;
    if received > office.today() {
        return Err(Error::date_in_future("received", received));
    }
    let customer_id = input.customer_id.trim();
    if office.store.customer(customer_id)?.is_none() {
        return Err(Error::UnknownCustomer(customer_id.into()));
    }
    let r = Request {
        id: String::new(),
        customer_id: customer_id.into(),
        scope: input.scope.clone(),
        received,
        channel: input.channel,
        note: input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        status: RequestStatus::Pending,
        decided_on: None,
        reason: None,
        notified_on: None,
        notified_channel: None,
        withdrawn_on: None,
    };
    let template = office.event("request.received", serde_json::Value::Null);
    let now = template.at.clone();
    let year = office.today().year();
    let (r, _) = office.store.add_request(year, &now, &mut |id| {
        let r = Request {
            id: id.to_string(),
            ..r.clone()
        };
        let mut event = template.clone();
        event.payload = serde_json::json!({ "request": r });
        event.customers = vec![r.customer_id.clone()];
        Ok((r, event))
    })?;
    Ok(r)
}

/// The fields a request can withhold on its own ([`Scope::restrictable`]): what the
/// registration form offers besides "everything".
pub fn request_fields() -> Vec<crate::Field> {
    Scope::restrictable()
}

/// Decide a pending request today: accept, or reject with a reason (required: the customer is
/// told why). A reason given with an acceptance is kept as a note.
pub fn request_decide(
    office: &mut Office,
    id: &str,
    accept: bool,
    reason: Option<&str>,
) -> Result<Request> {
    office.require(Role::Manager, "deciding a request")?;
    let r = find(office, id)?;
    let reason = reason.map(str::trim).filter(|s| !s.is_empty());
    let decision = if accept {
        Decision::Accept
    } else {
        Decision::Reject {
            reason: reason.unwrap_or_default().to_string(),
        }
    };
    let mut r = r.decided(&decision, office.today())?;
    if accept {
        r.reason = reason.map(str::to_string);
    }
    save(office, r, "request.decided")
}

/// Record that the customer was told the outcome of a decided request on `date` by `channel`.
pub fn request_notify(
    office: &mut Office,
    id: &str,
    date: &str,
    channel: Channel,
) -> Result<Request> {
    office.require(Role::Manager, "recording that a customer was told")?;
    let on = crate::dates::parse_date(date)?;
    let r = find(office, id)?.notified(on, channel, office.today())?;
    save(office, r, "request.notified")
}

/// Record that the customer withdrew a pending or accepted request (today). Provision of its
/// scope resumes for later handovers.
pub fn request_withdraw(office: &mut Office, id: &str) -> Result<Request> {
    let r = find(office, id)?.withdrawn(office.today())?;
    save(office, r, "request.withdrawn")
}

/// Which requests to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct RequestFilter {
    /// One customer's.
    pub customer_id: Option<String>,
    /// Only in this state.
    pub status: Option<RequestStatus>,
    /// Only those overdue today.
    pub overdue: bool,
}

/// Requests with what each waits for and the handovers made before it, by id.
pub fn requests(office: &Office, filter: &RequestFilter) -> Result<Vec<RequestView>> {
    let list = office.store.requests(filter.customer_id.as_deref())?;
    let list = list
        .into_iter()
        .filter(|r| filter.status.is_none_or(|s| r.status == s))
        .collect();
    let views = views(office, list)?;
    Ok(if filter.overdue {
        views
            .into_iter()
            .filter(|v| v.due.as_ref().is_some_and(|d| d.overdue))
            .collect()
    } else {
        views
    })
}

/// One request with what it waits for and the handovers made before it.
pub fn request(office: &Office, id: &str) -> Result<RequestView> {
    let r = find(office, id)?;
    Ok(views(office, vec![r])?.remove(0))
}

/// Requests overdue today, the longest overdue first.
pub fn overdue_requests(office: &Office) -> Result<Vec<RequestView>> {
    let mut v = requests(
        office,
        &RequestFilter {
            overdue: true,
            ..Default::default()
        },
    )?;
    v.sort_by(|a, b| {
        let by = |x: &RequestView| x.due.as_ref().map(|d| d.by);
        by(a)
            .cmp(&by(b))
            .then_with(|| a.request.id.cmp(&b.request.id))
    });
    Ok(v)
}

/// Dress requests for people: names, due dates, earlier handovers.
pub(super) fn views(office: &Office, list: Vec<Request>) -> Result<Vec<RequestView>> {
    let deadline = super::policy(office)?.notify_deadline_days;
    let today = office.today();
    let mut names: HashMap<String, Option<String>> = HashMap::new();
    let mut provided: HashMap<String, Vec<ProvisionRow>> = HashMap::new();
    let mut out = Vec::with_capacity(list.len());
    for r in list {
        if !names.contains_key(&r.customer_id) {
            let name = office.store.customer(&r.customer_id)?.and_then(|c| c.name);
            names.insert(r.customer_id.clone(), name);
        }
        // Every later handover withholds the scope of a pending or accepted request (prepare
        // enforces it from the moment it is registered), so the handovers of this customer
        // that gave data in its scope are exactly those made before it.
        let earlier_handovers = if r.status.is_enforced() {
            if !provided.contains_key(&r.customer_id) {
                let rows = office.store.provisions(&ProvisionQuery {
                    customer_id: Some(r.customer_id.clone()),
                    ..Default::default()
                })?;
                provided.insert(r.customer_id.clone(), rows);
            }
            provided[&r.customer_id]
                .iter()
                .filter_map(|p| {
                    let in_scope = r.scope.covered(&p.fields);
                    (!in_scope.is_empty()).then(|| EarlierProvision {
                        provision: p.clone(),
                        in_scope,
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
        out.push(RequestView {
            customer_name: names[&r.customer_id].clone(),
            due: r.due(deadline, today),
            enforced: r.status.is_enforced(),
            actions: r.actions(),
            earlier_handovers,
            request: r,
        });
    }
    Ok(out)
}
