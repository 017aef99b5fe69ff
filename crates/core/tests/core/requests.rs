//! Customers' requests through `ops`: every transition and every refusal (with nothing changed
//! when refused), what each ledger event holds, the overdue computation at its boundary days,
//! and the handovers made before a request shown beside it.

use handover_core::handover::{ExclusionReason, Method, Selection};
use handover_core::ops::{self, RequestFilter};
use handover_core::requests::{Channel, NextStep, Request, RequestStatus, Scope};
use handover_core::{Error, Field, Policy, WorkType};

use crate::accountability::Ax;
use crate::support::entries;

#[track_caller]
fn refused(e: Error, needle: &str) {
    // Each kind of refusal has its own code: an id that names nothing, a day not yet come, a
    // day before the decision, a rejection without a reason, a scope, a request's state.
    let code = if needle.starts_with("no request") {
        "unknown_request"
    } else if needle.starts_with("no customer") {
        "unknown_customer"
    } else if needle == "future" {
        "date_in_future"
    } else if needle.contains("was decided (") {
        "date_order"
    } else if needle == "needs a reason" {
        "reason_required"
    } else if ["customer_id", "give all", "payment", "twice"].contains(&needle) {
        "scope_invalid"
    } else {
        "state_refused"
    };
    assert_eq!(e.code(), code, "{e}");
    assert!(e.to_string().contains(needle), "{needle:?} not in: {e}");
}

/// Run a step that must be refused, and check that nothing at all changed.
#[track_caller]
fn refused_unchanged(
    ax: &mut Ax,
    step: impl FnOnce(&mut ops::Office) -> handover_core::Result<Request>,
    needle: &str,
) {
    let before = (ax.t.snapshot(), ax.o().store().requests(None).unwrap());
    let e = step(ax.office()).unwrap_err();
    refused(e, needle);
    assert_eq!(
        (ax.t.snapshot(), ax.o().store().requests(None).unwrap()),
        before
    );
}

/// The last ledger entry: its kind, the request in its payload, and whether it is indexed
/// under the request's customer (for the per-customer history).
fn last_event(ax: &Ax) -> (String, Request, bool) {
    let e = entries(ax.o()).pop().unwrap();
    let p: serde_json::Value = serde_json::from_str(e.payload.as_deref().unwrap()).unwrap();
    let r: Request = serde_json::from_value(p["request"].clone()).unwrap();
    let indexed = ax
        .o()
        .store()
        .entries_for_customer(&r.customer_id)
        .unwrap()
        .iter()
        .any(|x| x.seq == e.seq);
    (e.kind, r, indexed)
}

#[test]
fn each_step_is_saved_with_an_event_holding_the_whole_request() {
    let mut ax = Ax::new();
    ax.day("2026-11-20");
    let r = ops::request_add(
        ax.office(),
        &crate::support::request_input(
            "C0002",
            Scope::Fields(vec![Field::Phone, Field::FloorPlan]),
            "2026-11-18",
            "郵送",
            Some("はがきで受付"),
        ),
    )
    .unwrap();
    assert_eq!(r.id, "REQ-2026-0001");
    assert_eq!(r.status, RequestStatus::Pending);
    assert_eq!(r.channel, Channel::Mail);
    assert_eq!(r.note.as_deref(), Some("はがきで受付"));
    assert_eq!(
        last_event(&ax),
        ("request.received".into(), r.clone(), true)
    );

    ax.day("2026-11-21");
    let r = ops::request_decide(ax.office(), &r.id, true, None).unwrap();
    assert_eq!(r.status, RequestStatus::Accepted);
    assert_eq!(
        r.decided_on.map(|d| d.to_string()).as_deref(),
        Some("2026-11-21")
    );
    assert_eq!(last_event(&ax), ("request.decided".into(), r.clone(), true));

    ax.day("2026-11-23");
    let r = ops::request_notify(ax.office(), &r.id, "2026-11-22", "電話".parse().unwrap()).unwrap();
    assert_eq!(
        r.notified_on.map(|d| d.to_string()).as_deref(),
        Some("2026-11-22")
    );
    assert_eq!(r.notified_channel, Some(Channel::Phone));
    assert_eq!(
        last_event(&ax),
        ("request.notified".into(), r.clone(), true)
    );

    // Accepted (and notified) requests may be withdrawn.
    let r = ops::request_withdraw(ax.office(), &r.id).unwrap();
    assert_eq!(r.status, RequestStatus::Withdrawn);
    assert_eq!(
        r.withdrawn_on.map(|d| d.to_string()).as_deref(),
        Some("2026-11-23")
    );
    // The notification stays on record.
    assert_eq!(
        r.notified_on.map(|d| d.to_string()).as_deref(),
        Some("2026-11-22")
    );
    assert_eq!(
        last_event(&ax),
        ("request.withdrawn".into(), r.clone(), true)
    );
    // The table holds exactly what the last event holds.
    assert_eq!(ax.o().store().requests(None).unwrap(), vec![r.clone()]);
    assert_eq!(ops::request(ax.o(), &r.id).unwrap().request, r);
    ops::verify_ledger(ax.o()).unwrap();

    // A pending one may be withdrawn too; a rejection keeps its reason.
    let p = ax.request("C0003", Scope::All, "2026-11-23");
    let p = ops::request_withdraw(ax.office(), &p.id).unwrap();
    assert_eq!(p.status, RequestStatus::Withdrawn);
    assert_eq!(p.decided_on, None);
    let q = ax.request("C0004", Scope::All, "2026-11-23");
    let q =
        ops::request_decide(ax.office(), &q.id, false, Some("  工事の実施に必要なため ")).unwrap();
    assert_eq!(q.status, RequestStatus::Rejected);
    assert_eq!(q.reason.as_deref(), Some("工事の実施に必要なため"));
    let q =
        ops::request_notify(ax.office(), &q.id, "2026-11-23", "counter".parse().unwrap()).unwrap();
    assert_eq!(q.notified_channel, Some(Channel::Counter));
}

/// Requests in every state, for the refusals: (ax, [pending, accepted, rejected, withdrawn,
/// notified]).
fn in_every_state() -> (Ax, [String; 5]) {
    let mut ax = Ax::new();
    ax.day("2026-11-20");
    let pending = ax.request("C0001", Scope::All, "2026-11-19").id;
    let accepted = ax.request("C0002", Scope::All, "2026-11-19").id;
    ops::request_decide(ax.office(), &accepted, true, None).unwrap();
    let rejected = ax.request("C0003", Scope::All, "2026-11-19").id;
    ops::request_decide(ax.office(), &rejected, false, Some("理由")).unwrap();
    let withdrawn = ax.request("C0004", Scope::All, "2026-11-19").id;
    ops::request_withdraw(ax.office(), &withdrawn).unwrap();
    let notified = ax.request("C0005", Scope::All, "2026-11-19").id;
    ops::request_decide(ax.office(), &notified, true, None).unwrap();
    ops::request_notify(
        ax.office(),
        &notified,
        "2026-11-20",
        "mail".parse().unwrap(),
    )
    .unwrap();

    (ax, [pending, accepted, rejected, withdrawn, notified])
}

#[test]
fn refused_registrations_change_nothing() {
    let (mut ax, _) = in_every_state();
    // add
    refused_unchanged(
        &mut ax,
        |o| {
            ops::request_add(
                o,
                &crate::support::request_input("C0001", Scope::All, "2026-11-21", "phone", None),
            )
        },
        "future",
    );
    refused_unchanged(
        &mut ax,
        |o| {
            ops::request_add(
                o,
                &crate::support::request_input("C9999", Scope::All, "2026-11-20", "phone", None),
            )
        },
        "no customer",
    );
    // A channel is typed: the app cannot send another, the CLI refuses it when parsing.
    for bad in ["fax", "pigeon"] {
        let e = bad.parse::<Channel>().unwrap_err().to_string();
        assert!(e.contains("phone, counter, mail or web"), "{e}");
    }
    let before = ax.t.snapshot();
    assert_eq!(
        ops::request_add(
            ax.office(),
            &crate::support::request_input("C0001", Scope::All, "11/20", "phone", None)
        )
        .unwrap_err()
        .code(),
        "bad_date"
    );
    assert_eq!(ax.t.snapshot(), before);

    ops::verify_ledger(ax.o()).unwrap();
}

#[test]
fn refused_decisions_change_nothing() {
    let (mut ax, [pending, accepted, rejected, withdrawn, notified]) = in_every_state();
    // decide: twice, a rejected one, a withdrawn one, a rejection without a reason
    for id in [&accepted, &rejected, &notified] {
        refused_unchanged(
            &mut ax,
            |o| ops::request_decide(o, id, true, None),
            "already",
        );
        refused_unchanged(
            &mut ax,
            |o| ops::request_decide(o, id, false, Some("x")),
            "decided once",
        );
    }
    refused_unchanged(
        &mut ax,
        |o| ops::request_decide(o, &withdrawn, true, None),
        "already withdrawn",
    );
    refused_unchanged(
        &mut ax,
        |o| ops::request_decide(o, &pending, false, None),
        "needs a reason",
    );
    refused_unchanged(
        &mut ax,
        |o| ops::request_decide(o, &pending, false, Some(" \t ")),
        "needs a reason",
    );
    refused_unchanged(
        &mut ax,
        |o| ops::request_decide(o, "REQ-2026-9999", true, None),
        "no request with id REQ-2026-9999",
    );

    ops::verify_ledger(ax.o()).unwrap();
}

#[test]
fn refused_notifications_and_withdrawals_change_nothing() {
    let (mut ax, [pending, accepted, rejected, withdrawn, notified]) = in_every_state();
    // notify: pending (no outcome yet), withdrawn, twice, before the decision, in the future
    refused_unchanged(
        &mut ax,
        |o| ops::request_notify(o, &pending, "2026-11-20", "phone".parse().unwrap()),
        "not decided yet",
    );
    refused_unchanged(
        &mut ax,
        |o| ops::request_notify(o, &withdrawn, "2026-11-20", "phone".parse().unwrap()),
        "withdrawn",
    );
    refused_unchanged(
        &mut ax,
        |o| ops::request_notify(o, &notified, "2026-11-20", "phone".parse().unwrap()),
        "already notified on 2026-11-20",
    );
    refused_unchanged(
        &mut ax,
        |o| ops::request_notify(o, &accepted, "2026-11-19", "phone".parse().unwrap()),
        "before it was decided (2026-11-20)",
    );
    refused_unchanged(
        &mut ax,
        |o| ops::request_notify(o, &accepted, "2026-11-21", "phone".parse().unwrap()),
        "future",
    );
    refused_unchanged(
        &mut ax,
        |o| ops::request_notify(o, "REQ-2026-9999", "2026-11-20", "phone".parse().unwrap()),
        "no request",
    );

    // withdraw: a rejected one (it excludes nothing), twice
    refused_unchanged(
        &mut ax,
        |o| ops::request_withdraw(o, &rejected),
        "excludes nothing",
    );
    refused_unchanged(
        &mut ax,
        |o| ops::request_withdraw(o, &withdrawn),
        "already withdrawn on 2026-11-20",
    );
    refused_unchanged(
        &mut ax,
        |o| ops::request_withdraw(o, "REQ-2026-9999"),
        "no request",
    );
    ops::verify_ledger(ax.o()).unwrap();
}

/// The app sends a request as JSON (`RequestInput`, its scope deserialized by serde, not
/// parsed from text): the core checks the scope on that path too.
#[test]
fn a_scope_sent_by_the_app_is_checked_by_the_core() {
    let mut ax = Ax::new();
    ax.day("2026-11-20");
    let input = |scope: &str| -> ops::RequestInput {
        serde_json::from_str(&format!(
            r#"{{"customerId":"C0001","scope":{scope},"received":"2026-11-20","channel":"phone","note":null}}"#
        ))
        .unwrap()
    };
    for (scope, why) in [
        (r#"{"kind":"fields","fields":[]}"#, "give all"),
        (
            r#"{"kind":"fields","fields":["customer_id"]}"#,
            "customer_id",
        ),
        (r#"{"kind":"fields","fields":["card_number"]}"#, "payment"),
        (r#"{"kind":"fields","fields":["phone","phone"]}"#, "twice"),
    ] {
        let i = input(scope);
        refused_unchanged(&mut ax, |o| ops::request_add(o, &i), why);
    }
    // A scope naming no field the app knows does not even deserialize.
    assert!(
        serde_json::from_str::<ops::RequestInput>(
            r#"{"customerId":"C0001","scope":{"kind":"fields","fields":["bank"]},"received":"2026-11-20","channel":"phone","note":null}"#
        )
        .is_err()
    );
    let ok = ops::request_add(
        ax.office(),
        &input(r#"{"kind":"fields","fields":["phone"]}"#),
    )
    .unwrap();
    assert_eq!(ok.scope, Scope::Fields(vec![Field::Phone]));
    let all = ops::request_add(ax.office(), &input(r#"{"kind":"all"}"#)).unwrap();
    assert_eq!(all.scope, Scope::All);
    ops::verify_ledger(ax.o()).unwrap();
}

#[test]
fn a_withdrawn_request_no_longer_excludes_and_a_pending_one_does() {
    let mut ax = Ax::new();
    ax.day("2026-11-20");
    let sel = Selection {
        contractor_id: ax.keyed.clone(),
        work_type: WorkType::Repair,
        customers: vec!["C0001".into(), "C0002".into()],
        extra_fields: vec![],
        method: Method::Transfer,
        passphrase: false,
    };
    let all = ax.request("C0001", Scope::All, "2026-11-20");
    let phone = ax.request("C0002", Scope::Fields(vec![Field::Phone]), "2026-11-20");
    ops::request_decide(ax.office(), &phone.id, true, None).unwrap();
    let p = ops::prepare(ax.o(), &sel).unwrap();
    assert_eq!(p.customers.len(), 1);
    assert_eq!(
        p.excluded[0].reason,
        ExclusionReason::OptOut {
            request_id: all.id.clone(),
            status: handover_core::requests::RequestStatus::Pending
        }
    );
    assert!(!p.customers[0].included.contains(&Field::Phone));
    ops::request_withdraw(ax.office(), &all.id).unwrap();
    ops::request_withdraw(ax.office(), &phone.id).unwrap();
    let p = ops::prepare(ax.o(), &sel).unwrap();
    assert_eq!(p.customers.len(), 2);
    assert!(p.excluded.is_empty());
    assert!(
        p.customers
            .iter()
            .all(|c| c.included.contains(&Field::Phone))
    );
}

/// The request's due date and lateness on a given day.
fn due_on(ax: &mut Ax, id: &str, day: &str) -> Option<(NextStep, String, bool, u32)> {
    ax.day(day);
    ops::request(ax.o(), id)
        .unwrap()
        .due
        .map(|d| (d.step, d.by.to_string(), d.overdue, d.days_overdue))
}

#[test]
fn overdue_counts_the_deadline_from_the_day_received() {
    let mut ax = Ax::new();
    ax.day("2026-11-01");
    // Received 2026-11-01, default deadline 14 days: due 2026-11-15, overdue from the 16th.
    let id = ax.request("C0001", Scope::All, "2026-11-01").id;
    let decide = |by: &str, late: bool, n: u32| Some((NextStep::Decide, by.to_string(), late, n));
    assert_eq!(
        due_on(&mut ax, &id, "2026-11-01"),
        decide("2026-11-15", false, 0)
    );
    assert_eq!(
        due_on(&mut ax, &id, "2026-11-14"),
        decide("2026-11-15", false, 0)
    );
    assert_eq!(
        due_on(&mut ax, &id, "2026-11-15"),
        decide("2026-11-15", false, 0),
        "the due day itself is still in time"
    );
    assert_eq!(
        due_on(&mut ax, &id, "2026-11-16"),
        decide("2026-11-15", true, 1)
    );
    assert_eq!(
        due_on(&mut ax, &id, "2026-12-15"),
        decide("2026-11-15", true, 30)
    );

    // Decided on the 10th but not told: still due the 15th (the customer's wait counts).
    ax.day("2026-11-10");
    ops::request_decide(ax.office(), &id, false, Some("理由")).unwrap();
    let notify = |late: bool, n: u32| Some((NextStep::Notify, "2026-11-15".to_string(), late, n));
    assert_eq!(due_on(&mut ax, &id, "2026-11-15"), notify(false, 0));
    assert_eq!(due_on(&mut ax, &id, "2026-11-16"), notify(true, 1));
    // The lists agree.
    let overdue: Vec<String> = ops::requests(
        ax.o(),
        &RequestFilter {
            overdue: true,
            ..Default::default()
        },
    )
    .unwrap()
    .into_iter()
    .map(|v| v.request.id)
    .collect();
    assert_eq!(overdue, vec![id.clone()]);
    assert_eq!(ops::overdue_requests(ax.o()).unwrap().len(), 1);
    // Told, even late: nothing is due any more.
    ops::request_notify(ax.office(), &id, "2026-11-16", "mail".parse().unwrap()).unwrap();
    assert_eq!(due_on(&mut ax, &id, "2026-11-17"), None);
    assert!(ops::overdue_requests(ax.o()).unwrap().is_empty());

    // Withdrawn: never overdue.
    ax.day("2026-11-01");
    let w = ax.request("C0002", Scope::All, "2026-11-01").id;
    ops::request_withdraw(ax.office(), &w).unwrap();
    assert_eq!(due_on(&mut ax, &w, "2026-12-31"), None);
}

#[test]
fn the_policy_sets_the_deadline() {
    let mut ax = Ax::new();
    let policy = Policy {
        notify_deadline_days: 3,
        ..Default::default()
    };
    std::fs::write(ax.o().dir().policy_path(), policy.to_toml()).unwrap();
    ax.day("2026-11-10");
    let id = ax.request("C0001", Scope::All, "2026-11-09").id;
    ops::request_decide(ax.office(), &id, true, None).unwrap();
    assert_eq!(
        due_on(&mut ax, &id, "2026-11-12"),
        Some((NextStep::Notify, "2026-11-12".into(), false, 0))
    );
    assert_eq!(
        due_on(&mut ax, &id, "2026-11-13"),
        Some((NextStep::Notify, "2026-11-12".into(), true, 1))
    );
    // One day is the least: a policy file saying 0 is refused, never read as "due at once"
    // (the app's editor refused it before, now the core does, for every way in).
    let policy = Policy {
        notify_deadline_days: 0,
        ..Default::default()
    };
    std::fs::write(ax.o().dir().policy_path(), policy.to_toml()).unwrap();
    let e = ops::request(ax.o(), &id).unwrap_err().to_string();
    assert!(e.contains("notify_deadline_days"), "{e}");
    let policy = Policy {
        notify_deadline_days: 1,
        ..Default::default()
    };
    std::fs::write(ax.o().dir().policy_path(), policy.to_toml()).unwrap();
    assert_eq!(
        due_on(&mut ax, &id, "2026-11-11"),
        Some((NextStep::Notify, "2026-11-10".into(), true, 1))
    );
}

#[test]
fn filters_by_customer_status_and_overdue() {
    let mut ax = Ax::new();
    ax.day("2026-11-01");
    let a = ax.request("C0001", Scope::All, "2026-11-01").id;
    let b = ax.request("C0002", Scope::All, "2026-11-01").id;
    ax.day("2026-11-20");
    let c = ax
        .request("C0001", Scope::Fields(vec![Field::Phone]), "2026-11-20")
        .id;
    ops::request_decide(ax.office(), &b, true, None).unwrap();
    let ids = |f: RequestFilter| -> Vec<String> {
        ops::requests(ax.o(), &f)
            .unwrap()
            .into_iter()
            .map(|v| v.request.id)
            .collect()
    };
    assert_eq!(
        ids(RequestFilter::default()),
        vec![a.clone(), b.clone(), c.clone()]
    );
    assert_eq!(
        ids(RequestFilter {
            customer_id: Some("C0001".into()),
            ..Default::default()
        }),
        vec![a.clone(), c.clone()]
    );
    assert_eq!(
        ids(RequestFilter {
            status: Some(RequestStatus::Pending),
            ..Default::default()
        }),
        vec![a.clone(), c.clone()]
    );
    assert_eq!(
        ids(RequestFilter {
            overdue: true,
            ..Default::default()
        }),
        vec![a.clone(), b.clone()]
    );
    assert_eq!(
        ids(RequestFilter {
            customer_id: Some("C0003".into()),
            ..Default::default()
        }),
        Vec::<String>::new()
    );
    let v = ops::requests(ax.o(), &RequestFilter::default()).unwrap();
    assert_eq!(v[1].customer_name.as_deref(), Some("山口\u{3000}彩"));
}

/// Handovers of C0002 on 11-01 (transfer, open) and 11-05 (paper, destroyed 11-06); then
/// requests on 11-09 — C0002's phone and floor plan (accepted), C0001's e-mail — and a
/// handover of C0002 on 11-12. The history as it was before the requests comes along.
fn earlier_scene() -> (
    Ax,
    [String; 3],
    [Request; 2],
    Vec<handover_core::history::ProvisionRow>,
) {
    let mut ax = Ax::new();
    ax.day("2026-11-01");
    let keyed = ax.keyed.clone();
    let keyless = ax.keyless.clone();
    let ho1 = ax.pack(
        &keyed,
        WorkType::Installation,
        &["C0001", "C0002"],
        Method::Transfer,
        None,
    );
    ax.day("2026-11-05");
    let ho2 = ax.pack(&keyless, WorkType::Removal, &["C0002"], Method::Paper, None);
    ax.day("2026-11-06");
    ops::confirm_destruction(ax.office(), &ho2, "2026-11-06", None).unwrap();
    let history_before = ops::history(ax.o(), &Default::default()).unwrap();

    ax.day("2026-11-10");
    let phone = ax.request(
        "C0002",
        Scope::Fields(vec![Field::Phone, Field::FloorPlan]),
        "2026-11-09",
    );
    ops::request_decide(ax.office(), &phone.id, true, None).unwrap();
    let email = ax.request("C0001", Scope::Fields(vec![Field::Email]), "2026-11-09");

    // A handover after the request: withholds the scope, so it is not "earlier".
    ax.day("2026-11-12");
    let ho3 = ax.pack(
        &keyed,
        WorkType::Installation,
        &["C0002"],
        Method::Transfer,
        None,
    );

    (ax, [ho1, ho2, ho3], [phone, email], history_before)
}

#[test]
fn a_request_after_a_handover_is_shown_beside_it_and_the_history_keeps_it() {
    let (mut ax, [ho1, ho2, ho3], [phone, email], history_before) = earlier_scene();
    let v = ops::request(ax.o(), &phone.id).unwrap();
    let beside: Vec<(&str, &[Field], Option<String>)> = v
        .earlier_handovers
        .iter()
        .map(|e| {
            (
                e.provision.handover_id.as_str(),
                e.in_scope.as_slice(),
                e.provision.closed_on.map(|d| d.to_string()),
            )
        })
        .collect();
    assert_eq!(
        beside,
        vec![
            (ho1.as_str(), &[Field::Phone, Field::FloorPlan][..], None),
            (ho2.as_str(), &[Field::Phone][..], Some("2026-11-06".into())),
        ]
    );
    assert_eq!(
        v.earlier_handovers[0].provision.date.to_string(),
        "2026-11-01"
    );
    assert_eq!(
        v.earlier_handovers[0].provision.contractor_name.as_deref(),
        Some("架空電設株式会社")
    );
    // A request covering nothing that was handed over has nothing beside it.
    assert!(
        ops::request(ax.o(), &email.id)
            .unwrap()
            .earlier_handovers
            .is_empty()
    );

    // The history is not rewritten: the earlier rows still show the phone.
    let history_after = ops::history(ax.o(), &Default::default()).unwrap();
    assert_eq!(&history_after[..history_before.len()], &history_before[..]);
    let c2: Vec<(&str, bool)> = history_after
        .iter()
        .filter(|r| r.customer_id == "C0002")
        .map(|r| (r.handover_id.as_str(), r.fields.contains(&Field::Phone)))
        .collect();
    assert_eq!(
        c2,
        vec![
            (ho1.as_str(), true),
            (ho2.as_str(), true),
            (ho3.as_str(), false)
        ]
    );

    // Once withdrawn, nothing is asked of the contractors any more.
    ops::request_withdraw(ax.office(), &phone.id).unwrap();
    assert!(
        ops::request(ax.o(), &phone.id)
            .unwrap()
            .earlier_handovers
            .is_empty()
    );
    // An opt-out of everything covers every field handed over.
    let all = ax.request("C0001", Scope::All, "2026-11-12");
    let v = ops::request(ax.o(), &all.id).unwrap();
    assert_eq!(v.earlier_handovers.len(), 1);
    assert_eq!(
        v.earlier_handovers[0].in_scope,
        v.earlier_handovers[0].provision.fields
    );
}

#[test]
fn a_schema_2_store_keeps_its_requests_and_handovers_after_migration() {
    use handover_core::store::{SCHEMA_VERSION, SqliteStore};
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("handover.sqlite3");
    {
        // A store as the previous release left it: schema 2, one request, one handover.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(include_str!(
            "../../src/store/sqlite/migrations/0001_init.sql"
        ))
        .unwrap();
        conn.execute_batch(include_str!(
            "../../src/store/sqlite/migrations/0002_handovers.sql"
        ))
        .unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 2;
             INSERT INTO requests (id, customer_id, scope, received, channel, note, status,
               decided_on, reason, notified_on, notified_channel, created_at, updated_at)
             VALUES ('REQ-2026-0001', 'C0001', 'phone,email', '2026-01-05', 'counter', NULL,
               'accepted', '2026-01-06', NULL, '2026-01-07', 'mail', 't', 't');
             INSERT INTO contractors (id, name, agreement_signed, agreement_expires, created_at,
               updated_at) VALUES ('CTR-0001', '旧工事店', '2020-01-01', '2099-01-01', 't', 't');
             INSERT INTO handovers (id, created_at, operator, contractor_id, work_type, method,
               encryption, return_by, recipients, ledger_seq)
             VALUES ('HO-2026-000001', '2026-01-02T01:00:00Z', '旧版', 'CTR-0001', 'repair',
               'paper', 'none', '2026-02-01', '[]', 1);
             INSERT INTO handover_customers (handover_id, customer_id, position, fields)
             VALUES ('HO-2026-000001', 'C0001', 0, 'customer_id,name,phone');",
        )
        .unwrap();
    }
    let store = SqliteStore::open(&db).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    use handover_core::store::Store;
    let r = store.requests(None).unwrap().pop().unwrap();
    assert_eq!(r.scope, Scope::Fields(vec![Field::Phone, Field::Email]));
    assert_eq!(r.channel, Channel::Counter);
    assert_eq!(r.notified_channel, Some(Channel::Mail));
    assert_eq!(r.withdrawn_on, None);
    let rows = store
        .provisions(&handover_core::history::ProvisionQuery {
            customer_id: Some("C0001".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].contractor_name.as_deref(), Some("旧工事店"));
    assert_eq!(
        rows[0].fields,
        vec![Field::CustomerId, Field::Name, Field::Phone]
    );
    assert_eq!(rows[0].customer_name, None, "not in the register");
}
