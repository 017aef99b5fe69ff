//! The customer page: a customer's handovers (with exactly the fields they received), their
//! requests, and their floor plan read back from the content-addressed store and checked.

use handover_core::handover::{Method, Selection};
use handover_core::history::ProvisionRow;
use handover_core::ops::{self, PackOptions};
use handover_core::requests::{RequestAction, RequestStatus, Scope};
use handover_core::{ContractorInput, Field, NoProgress, WorkType};

use crate::support::{self, TestOffice};

fn office_with_contractor() -> (TestOffice, String) {
    let mut t = TestOffice::initialized();
    ops::load_sample(&mut t.office, &mut NoProgress).unwrap();
    let id = ops::contractor_add(
        &mut t.office,
        &ContractorInput {
            name: "架空電設株式会社".into(),
            address: None,
            contact: None,
            recipients: vec![support::new_recipient()],
            agreement_signed: "2020-04-01".into(),
            agreement_expires: "2099-03-31".into(),
        },
    )
    .unwrap()
    .id;
    (t, id)
}

fn pack(
    t: &mut TestOffice,
    contractor: &str,
    work: WorkType,
    customers: &[&str],
    return_by: &str,
) -> String {
    let n = ops::handovers(&t.office).unwrap().len();
    let out = t.scratch().join(format!("b{n}.age"));
    ops::pack(
        &mut t.office,
        &Selection {
            contractor_id: contractor.into(),
            work_type: work,
            customers: customers.iter().map(|s| s.to_string()).collect(),
            extra_fields: vec![],
            method: Method::Transfer,
            passphrase: false,
        },
        &PackOptions {
            out,
            return_by: Some(return_by.into()),
            ..Default::default()
        },
        &mut NoProgress,
    )
    .unwrap()
    .handover_id
}

/// The customer page's list of handovers: the customer's history.
fn customer_history(o: &ops::Office, id: &str) -> handover_core::Result<Vec<ProvisionRow>> {
    ops::history(
        o,
        &ops::HistoryFilter {
            customer_id: Some(id.into()),
            ..Default::default()
        },
    )
}

#[test]
fn a_customers_handovers_list_what_they_received_and_whether_it_is_overdue() {
    let (mut t, ctr) = office_with_contractor();
    assert!(customer_history(&t.office, "C0002").unwrap().is_empty());
    let h1 = pack(
        &mut t,
        &ctr,
        WorkType::Installation,
        &["C0001", "C0002"],
        "2026-11-23",
    );
    // C0002 restricts its phone afterwards: the next handover withholds it.
    ops::request_add(
        &mut t.office,
        &crate::support::request_input(
            "C0002",
            Scope::Fields(vec![Field::Phone]),
            "2026-11-23",
            "電話",
            None,
        ),
    )
    .unwrap();
    let h2 = pack(
        &mut t,
        &ctr,
        WorkType::Removal,
        &["C0003", "C0002"],
        "2026-12-01",
    );
    ops::confirm_destruction(&mut t.office, &h2, "2026-11-23", None).unwrap();

    let list = customer_history(&t.office, "C0002").unwrap();
    let ids: Vec<&str> = list.iter().map(|h| h.handover_id.as_str()).collect();
    assert_eq!(ids, [h1.as_str(), h2.as_str()], "oldest first");
    assert_eq!(list[0].contractor_name.as_deref(), Some("架空電設株式会社"));
    assert_eq!(list[0].work_type, WorkType::Installation);
    assert_eq!(list[0].method, Method::Transfer);
    assert_eq!(
        list[0].encryption,
        handover_core::handover::Encryption::X25519
    );
    assert!(list[0].fields.contains(&Field::Phone));
    assert_eq!(
        list[1].fields,
        [Field::CustomerId, Field::Name, Field::Address],
        "removal minimal set, phone withheld"
    );
    assert_eq!(
        list[1].closed_on.map(|d| d.to_string()).as_deref(),
        Some("2026-11-23")
    );
    assert!(!list[0].overdue, "due today is not overdue yet");
    assert!(!list[1].overdue, "closed");
    // Every entry is the one the ledger recorded.
    let all = ops::handovers(&t.office).unwrap();
    for h in &list {
        let rec = all.iter().find(|r| r.id == h.handover_id).unwrap();
        assert_eq!((rec.return_by, rec.closed_on), (h.return_by, h.closed_on));
        let mine = rec
            .customers
            .iter()
            .find(|c| c.customer_id == "C0002")
            .unwrap();
        assert_eq!(mine.fields, h.fields);
    }
    // Someone never handed over; a typo is refused, not shown as an empty history.
    assert!(customer_history(&t.office, "C0200").unwrap().is_empty());
    let e = customer_history(&t.office, "NOPE").unwrap_err();
    assert!(e.to_string().contains("no customer"), "{e}");
    // C0001 only in the first.
    assert_eq!(customer_history(&t.office, "C0001").unwrap().len(), 1);
}

#[test]
fn overdue_is_flagged_on_the_customer_page_as_in_the_overdue_list() {
    let (mut t, ctr) = office_with_contractor();
    let h = pack(&mut t, &ctr, WorkType::Repair, &["C0004"], "2026-11-24");
    // A day after the return date the handover is overdue (a later clock, same store).
    let data = t.data();
    let later = handover_core::ops::Office::open(handover_core::DataDir::new(&data), "試験")
        .unwrap()
        .with_clock(std::sync::Arc::new(ops::FixedClock(
            "2026-11-25T09:00:00Z".parse().unwrap(),
        )));
    let list = customer_history(&later, "C0004").unwrap();
    assert_eq!(list.len(), 1);
    assert!(list[0].overdue);
    let overdue: Vec<String> = ops::overdue_handovers(&later)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(overdue, [h]);
}

#[test]
fn a_customers_requests_are_listed_oldest_first() {
    let (mut t, _) = office_with_contractor();
    assert!(
        ops::customer_requests(&t.office, "C0010")
            .unwrap()
            .is_empty()
    );
    let a = ops::request_add(
        &mut t.office,
        &crate::support::request_input("C0010", Scope::All, "2026-11-01", "郵送", None),
    )
    .unwrap();
    ops::request_add(
        &mut t.office,
        &crate::support::request_input("C0011", Scope::All, "2026-11-01", "web", None),
    )
    .unwrap();
    let b = ops::request_add(
        &mut t.office,
        &crate::support::request_input(
            "C0010",
            Scope::Fields(vec![Field::Phone, Field::FloorPlan]),
            "2026-11-20",
            "窓口",
            Some("図面は不要とのこと"),
        ),
    )
    .unwrap();
    ops::request_decide(&mut t.office, &a.id, false, Some("契約上必要なため")).unwrap();
    let list = ops::customer_requests(&t.office, "C0010").unwrap();
    assert_eq!(list.len(), 2);
    let (rejected, pending) = (&list[0], &list[1]);
    assert_eq!(rejected.request.id, a.id);
    assert_eq!(rejected.request.status, RequestStatus::Rejected);
    assert_eq!(rejected.request.reason.as_deref(), Some("契約上必要なため"));
    assert_eq!(pending.request.id, b.id);
    assert_eq!(
        pending.request.channel,
        handover_core::requests::Channel::Counter
    );
    assert_eq!(
        pending.request.scope,
        Scope::Fields(vec![Field::Phone, Field::FloorPlan])
    );
    // What the page marks as enforced, and the steps each can take, come from the core.
    assert!(!rejected.enforced && pending.enforced);
    assert_eq!(rejected.actions, [RequestAction::Notify]);
    assert_eq!(
        pending.actions,
        [
            RequestAction::Accept,
            RequestAction::Reject,
            RequestAction::Withdraw
        ]
    );
}

#[test]
fn floor_plans_are_read_from_the_store_and_checked() {
    let (t, _) = office_with_contractor();
    let c = t.customer("C0001");
    let meta = c.floor_plan.clone().unwrap();
    let (plan, bytes) = ops::floor_plan(&t.office, "C0001").unwrap();
    assert_eq!(plan, meta);
    assert_eq!(bytes.len() as u64, meta.size);
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(
        bytes,
        std::fs::read(support::repo_root().join("sample/floor_plans/C0001.png")).unwrap()
    );
    let (pdf, path) = ops::floor_plan_path(&t.office, "C0021").unwrap();
    assert_eq!(pdf.ext, "pdf");
    assert_eq!(path, t.data().join("floor_plans").join(pdf.file_name()));

    // No plan, no customer: said so.
    let e = ops::floor_plan(&t.office, "C0004").unwrap_err();
    assert!(e.to_string().contains("has no floor plan"), "{e}");
    let e = ops::floor_plan(&t.office, "NOPE").unwrap_err();
    assert!(e.to_string().contains("NOPE"), "{e}");

    // A stored plan changed after import (same size, one byte) is refused, as pack refuses it.
    let stored = t.data().join("floor_plans").join(meta.file_name());
    let mut b = std::fs::read(&stored).unwrap();
    let mid = b.len() / 2;
    b[mid] ^= 0xFF;
    std::fs::write(&stored, &b).unwrap();
    let e = ops::floor_plan(&t.office, "C0001").unwrap_err();
    assert_eq!(e.code(), "floor_plan_changed");
    let e = ops::floor_plan_path(&t.office, "C0001").unwrap_err();
    assert_eq!(e.code(), "floor_plan_changed");
    // Grown or removed: refused too.
    b.push(0);
    std::fs::write(&stored, &b).unwrap();
    assert_eq!(
        ops::floor_plan(&t.office, "C0001").unwrap_err().code(),
        "floor_plan_changed"
    );
    std::fs::remove_file(&stored).unwrap();
    assert_eq!(
        ops::floor_plan(&t.office, "C0001").unwrap_err().code(),
        "io"
    );
}
