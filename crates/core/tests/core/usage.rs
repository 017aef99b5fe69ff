//! The record of use (操作記録, issue 13): every look at and output of customer data is
//! recorded at once with its operator and customers, sealed into the ledger in batches, caught
//! by `ledger verify` when a sealed use is deleted or edited, and reported to managers. Searching
//! is not recorded. The same on the shared store (PostgreSQL).

use std::sync::Arc;

use handover_core::handover::{Method, Selection};
use handover_core::operators::Role;
use handover_core::ops::{self, FixedClock, Office, PackOptions, UsageFilter};
use handover_core::report::{ExportFormat, Lang, LeakQuery};
use handover_core::store::SqliteStore;
use handover_core::usage::{BATCH_ENTRIES, SEAL_KIND, UsageEntry, UsageQuery, UseKind};
use handover_core::{ContractorInput, DataDir, Error, NoProgress, WorkType};

use crate::support::{self, ADMIN, OPERATOR, PASSWORD, TestOffice, entries, password};

/// An office with the sample register and a contractor with a key; the contractor's id.
fn office() -> (TestOffice, String) {
    let mut t = TestOffice::initialized();
    ops::load_sample(&mut t.office, &mut NoProgress).unwrap();
    let id = ops::contractor_add(&mut t.office, &contractor())
        .unwrap()
        .id;
    (t, id)
}

fn contractor() -> ContractorInput {
    ContractorInput {
        name: "架空電設株式会社".into(),
        address: None,
        contact: None,
        recipients: vec![support::new_recipient()],
        agreement_signed: "2020-04-01".into(),
        agreement_expires: "2099-03-31".into(),
    }
}

fn pack(
    office: &mut Office,
    ctr: &str,
    method: Method,
    customers: &[&str],
    out: &std::path::Path,
) -> String {
    let sel = Selection {
        contractor_id: ctr.into(),
        work_type: WorkType::Repair,
        customers: customers.iter().map(|s| s.to_string()).collect(),
        extra_fields: vec![],
        method,
        passphrase: false,
    };
    let opts = PackOptions {
        out: out.to_path_buf(),
        return_by: Some("2099-12-31".into()),
        ..Default::default()
    };
    ops::pack(office, &sel, &opts, &mut NoProgress)
        .unwrap()
        .handover_id
}

fn all_uses(office: &Office) -> Vec<UsageEntry> {
    office.store().uses(&UsageQuery::default()).unwrap()
}

fn seals(office: &Office) -> Vec<handover_core::store::LedgerEntry> {
    entries(office)
        .into_iter()
        .filter(|e| e.kind == SEAL_KIND)
        .collect()
}

/// The one use recorded since `before` uses: its kind, operator, detail and customers.
fn last_use(office: &Office, before: usize) -> UsageEntry {
    let uses = all_uses(office);
    assert_eq!(
        uses.len(),
        before + 1,
        "exactly one use recorded: {uses:#?}"
    );
    uses.into_iter().last().unwrap()
}

#[test]
fn a_page_view_is_recorded_at_once_and_sealed_with_its_batch() {
    let (mut t, _) = office();
    let c = ops::customer_page_view(&mut t.office, "C0001").unwrap();
    assert_eq!(c.customer_id, "C0001");
    let u = last_use(&t.office, 0);
    assert_eq!(u.use_kind(), Some(UseKind::CustomerPage));
    assert_eq!((u.operator.as_str(), u.count), (OPERATOR, 1));
    assert_eq!(u.customers, ["C0001"]);
    assert_eq!(u.at, support::NOW);
    assert_eq!(u.sealed_by, None, "waiting for its batch");
    assert!(seals(&t.office).is_empty(), "no ledger entry per page view");
    let r = ops::verify_ledger(&t.office).unwrap();
    assert_eq!(r.usage.unwrap().pending, 1);

    // The batch is sealed when it is full: one ledger entry for BATCH_ENTRIES views.
    for i in 1..BATCH_ENTRIES {
        ops::customer_page_view(&mut t.office, &format!("C{:04}", i % 20 + 1)).unwrap();
    }
    let s = seals(&t.office);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].actor, OPERATOR);
    let uses = all_uses(&t.office);
    assert_eq!(uses.len() as u64, BATCH_ENTRIES);
    assert!(uses.iter().all(|u| u.sealed_by == Some(s[0].seq)));
    let payload: serde_json::Value =
        serde_json::from_str(s[0].payload.as_deref().unwrap()).unwrap();
    assert_eq!(
        payload["ids"].as_array().unwrap().len() as u64,
        BATCH_ENTRIES
    );
    assert_eq!(payload["operator"], OPERATOR);
    let usage = ops::verify_ledger(&t.office).unwrap().usage.unwrap();
    assert_eq!(
        (usage.sealed, usage.pending, usage.seals),
        (BATCH_ENTRIES, 0, 1)
    );
}

#[test]
fn a_batch_is_sealed_when_its_window_passes_and_when_the_office_closes() {
    let (mut t, _) = office();
    ops::customer_page_view(&mut t.office, "C0001").unwrap();
    // Eleven minutes later the next use seals the waiting batch (with itself).
    let later: jiff::Timestamp = "2026-11-23T09:11:00Z".parse().unwrap();
    let mut o = support::open_at(&t.data()).with_clock(Arc::new(FixedClock(later)));
    ops::customer_page_view(&mut o, "C0002").unwrap();
    assert_eq!(seals(&o).len(), 1);
    assert!(all_uses(&o).iter().all(|u| u.sealed_by.is_some()));

    // Closing the office (sign-out, exit) seals what waits.
    ops::customer_page_view(&mut o, "C0003").unwrap();
    assert_eq!(seals(&o).len(), 1);
    drop(o);
    let o = support::open_at(&t.data());
    assert_eq!(seals(&o).len(), 2);
    assert!(all_uses(&o).iter().all(|u| u.sealed_by.is_some()));
    ops::verify_ledger(&o).unwrap();
}

#[test]
fn searching_the_register_is_not_recorded() {
    let (t, _) = office();
    ops::customers(&t.office, "C000", None).unwrap();
    ops::customers(&t.office, "", Some(10)).unwrap();
    let mut search = ops::CustomerSearch::new();
    search.page(&t.office, "架空", 0, 50).unwrap();
    assert!(all_uses(&t.office).is_empty());
}

#[test]
fn every_export_and_print_records_its_operator_kind_and_customers() {
    let (mut t, ctr) = office();
    let s = t.scratch();
    let ho = pack(
        &mut t.office,
        &ctr,
        Method::Transfer,
        &["C0001", "C0002"],
        &s.join("b.age"),
    );
    let sheet = s.join("sheet.html");
    let paper = pack(&mut t.office, &ctr, Method::Paper, &["C0003"], &sheet);
    let o = &mut t.office;

    let filter = ops::HistoryFilter::default();
    ops::save_history(o, &filter, &s.join("h.csv"), ExportFormat::Csv, Lang::Ja).unwrap();
    let u = last_use(o, 0);
    assert_eq!(
        (u.use_kind(), u.detail.as_str()),
        (Some(UseKind::HistoryExport), "csv")
    );
    assert_eq!(u.customers, ["C0001", "C0002", "C0003"]);
    assert_eq!((u.count, u.operator.as_str()), (3, OPERATOR));

    ops::report_customer(o, "C0002").unwrap();
    let u = last_use(o, 1);
    assert_eq!(
        (u.use_kind(), u.customers.clone()),
        (Some(UseKind::CustomerPage), vec!["C0002".to_string()])
    );
    ops::customer_report_page(o, "C0002").unwrap();
    assert_eq!(last_use(o, 2).use_kind(), Some(UseKind::ReportPrint));
    ops::save_customer_report(o, "C0002", &s.join("c.html")).unwrap();
    let u = last_use(o, 3);
    assert_eq!((u.use_kind(), u.count), (Some(UseKind::ReportExport), 1));

    let q = LeakQuery {
        handover_ids: vec![ho.clone()],
        ..Default::default()
    };
    ops::leak_report_page(o, &q).unwrap();
    let u = last_use(o, 4);
    assert_eq!((u.use_kind(), u.count), (Some(UseKind::ReportPrint), 2));
    ops::save_leak_report(o, &q, &s.join("l.xlsx"), ops::LeakFormat::Xlsx, Lang::Ja).unwrap();
    let u = last_use(o, 5);
    assert_eq!(
        (u.use_kind(), u.detail.as_str(), u.count),
        (Some(UseKind::ReportExport), "leak report xlsx", 2)
    );

    ops::paper_sheet(o, &paper, &sheet).unwrap();
    let u = last_use(o, 6);
    assert_eq!(
        (u.use_kind(), u.detail.as_str()),
        (Some(UseKind::PaperSheet), paper.as_str())
    );
    assert_eq!(u.customers, ["C0003"]);

    ops::export_ledger(o, &s.join("ledger.jsonl")).unwrap();
    let u = last_use(o, 7);
    assert_eq!(
        (u.use_kind(), u.detail.as_str(), u.count),
        (Some(UseKind::LedgerExport), "ledger.jsonl", 0)
    );

    let opened = ops::office_open_bundle(o, &s.join("b.age"), None).unwrap();
    assert_eq!(opened.manifest.handover_id, ho);
    let u = last_use(o, 8);
    assert_eq!(
        (u.use_kind(), u.detail.as_str()),
        (Some(UseKind::BundleOpened), ho.as_str())
    );
    assert_eq!(u.customers, ["C0001", "C0002"]);

    who_looked_at_c0002(o);
    ops::verify_ledger(o).unwrap();
}

/// The customer's report says who looked at their data, this look included (after every
/// export and print of the test above).
fn who_looked_at_c0002(o: &mut Office) {
    let r = ops::report_customer(o, "C0002").unwrap();
    let kinds: Vec<_> = r.uses.iter().filter_map(|u| u.use_kind()).collect();
    assert_eq!(
        kinds,
        [
            UseKind::HistoryExport,
            UseKind::CustomerPage,
            UseKind::ReportPrint,
            UseKind::ReportExport,
            UseKind::ReportPrint,
            UseKind::ReportExport,
            UseKind::BundleOpened,
            UseKind::CustomerPage,
        ]
    );
    let page = ops::customer_report_page(o, "C0002").unwrap();
    assert!(page.html.contains("当社内での閲覧・出力の記録"));
    assert!(page.html.contains("引渡しファイルの開封"));
}

#[test]
fn a_refused_export_or_look_records_nothing() {
    let (mut t, _) = office();
    let s = t.scratch();
    std::fs::write(s.join("taken.csv"), "x").unwrap();
    let o = &mut t.office;
    let e = ops::save_history(
        o,
        &Default::default(),
        &s.join("taken.csv"),
        ExportFormat::Csv,
        Lang::Ja,
    )
    .unwrap_err();
    assert_eq!(e.code(), "file_exists");
    assert_eq!(
        ops::customer_page_view(o, "C9999").unwrap_err().code(),
        "unknown_customer"
    );
    assert!(all_uses(o).is_empty());
}

/// An office with an admin, a manager `joshi` and a staff member `tanto`, each of whom looked
/// at a page; the office signed in as `who`.
fn people(who: &str) -> (TestOffice, Office) {
    let mut t = TestOffice::with_admin();
    t.import_ok(&support::register("basic_utf8.csv"));
    for (name, role) in [("joshi", Role::Manager), ("tanto", Role::Staff)] {
        ops::operator_add(&mut t.office, name, role, &password(PASSWORD)).unwrap();
    }
    for (name, id) in [("joshi", "T001"), ("tanto", "T002"), ("tanto", "T003")] {
        let mut o = ops::sign_in(DataDir::new(t.data()), name, &password(PASSWORD)).unwrap();
        ops::customer_page_view(&mut o, id).unwrap();
    }
    let o = ops::sign_in(DataDir::new(t.data()), who, &password(PASSWORD)).unwrap();
    (t, o)
}

#[test]
fn staff_may_not_read_or_save_the_usage_report() {
    let (t, mut staff) = people("tanto");
    let before = support::snapshot(&staff);
    let e = ops::usage_report(&staff, &UsageFilter::default()).unwrap_err();
    assert_eq!(e.code(), "role_required");
    let out = t.scratch().join("u.csv");
    let e = ops::save_usage_report(
        &mut staff,
        &Default::default(),
        &out,
        ExportFormat::Csv,
        Lang::Ja,
    )
    .unwrap_err();
    assert_eq!(e.code(), "role_required");
    assert!(!out.exists());
    assert_eq!(
        support::snapshot(&staff),
        before,
        "a refusal changes nothing"
    );
}

#[test]
fn a_manager_reads_and_saves_the_usage_report_by_operator_and_period() {
    let (_t, mut boss) = people("joshi");
    let all = ops::usage_report(&boss, &UsageFilter::default()).unwrap();
    let who: Vec<_> = all.iter().map(|u| u.operator.as_str()).collect();
    assert_eq!(who, ["joshi", "tanto", "tanto"]);
    let only = UsageFilter {
        operator: Some("tanto".into()),
        ..Default::default()
    };
    assert_eq!(ops::usage_report(&boss, &only).unwrap().len(), 2);
    let today = handover_core::history::local_date(jiff::Timestamp::now()).to_string();
    let past = UsageFilter {
        to: Some("2020-01-01".into()),
        ..Default::default()
    };
    assert!(ops::usage_report(&boss, &past).unwrap().is_empty());
    let now = UsageFilter {
        from: Some(today.clone()),
        to: Some(today),
        ..Default::default()
    };
    assert_eq!(ops::usage_report(&boss, &now).unwrap().len(), 3);
    let reversed = UsageFilter {
        from: Some("2026-02-01".into()),
        to: Some("2026-01-31".into()),
        ..Default::default()
    };
    assert!(ops::usage_report(&boss, &reversed).is_err());

    let out = _t.scratch().join("u.csv");
    let saved =
        ops::save_usage_report(&mut boss, &only, &out, ExportFormat::Csv, Lang::Ja).unwrap();
    assert_eq!(saved.rows, 2);
    let text = String::from_utf8(std::fs::read(&out).unwrap()).unwrap();
    assert!(
        text.starts_with("\u{feff}日時,操作者,操作,内容,顧客数,顧客番号"),
        "{text}"
    );
    assert!(text.contains("顧客画面の閲覧"), "{text}");
    // Saving the report (it names customers) is itself a use.
    let u = all_uses(&boss).into_iter().last().unwrap();
    assert_eq!(
        (u.use_kind(), u.operator.as_str(), u.customers.clone()),
        (
            Some(UseKind::ReportExport),
            "joshi",
            vec!["T002".to_string(), "T003".to_string()]
        )
    );
    let xlsx = _t.scratch().join("u.xlsx");
    ops::save_usage_report(
        &mut boss,
        &UsageFilter::default(),
        &xlsx,
        ExportFormat::Xlsx,
        Lang::En,
    )
    .unwrap();
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 0);
    let _ = ADMIN;
}

fn tampered(t: &TestOffice, sql: &str) -> Error {
    let conn = rusqlite::Connection::open(DataDir::new(t.data()).db_path()).unwrap();
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS usage_only_sealed; DROP TRIGGER IF EXISTS usage_no_delete; \
         DROP TRIGGER IF EXISTS usage_customers_no_delete; \
         DROP TRIGGER IF EXISTS usage_customers_no_update;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    let store = SqliteStore::open(&DataDir::new(t.data()).db_path()).unwrap();
    handover_core::store::verify(&store).unwrap_err()
}

/// A sealed batch of three views (C0001–C0003), then the office closed; the folder.
fn sealed() -> TestOffice {
    let (mut t, _) = office();
    for id in ["C0001", "C0002", "C0003"] {
        ops::customer_page_view(&mut t.office, id).unwrap();
    }
    ops::seal_own_uses(&mut t.office).unwrap().expect("a seal");
    t
}

fn usage_mismatch(e: Error) -> String {
    match e {
        Error::DerivedMismatch { table, reason } if table == "usage" => reason,
        other => panic!("expected a usage mismatch, got {other:?}"),
    }
}

#[test]
fn a_sealed_use_deleted_edited_or_unsealed_is_caught_by_verify() {
    let t = sealed();
    // The triggers stop an accident.
    let conn = rusqlite::Connection::open(DataDir::new(t.data()).db_path()).unwrap();
    assert!(conn.execute("DELETE FROM usage WHERE id = 2", []).is_err());
    assert!(
        conn.execute("UPDATE usage SET operator = 'x' WHERE id = 2", [])
            .is_err()
    );
    assert!(
        conn.execute("UPDATE usage SET sealed_by = NULL WHERE id = 2", [])
            .is_err()
    );
    drop(conn);

    let why = usage_mismatch(tampered(
        &sealed(),
        "DELETE FROM usage_customers WHERE usage_id = 2; DELETE FROM usage WHERE id = 2;",
    ));
    assert!(why.contains("use 2"), "{why}");
    let why = usage_mismatch(tampered(
        &sealed(),
        "UPDATE usage SET operator = 'someone' WHERE id = 2;",
    ));
    assert!(why.contains("edited"), "{why}");
    let why = usage_mismatch(tampered(
        &sealed(),
        "UPDATE usage_customers SET customer_id = 'C0009' WHERE usage_id = 3;",
    ));
    assert!(why.contains("edited"), "{why}");
    let why = usage_mismatch(tampered(
        &sealed(),
        "UPDATE usage SET sealed_by = NULL WHERE id = 1;",
    ));
    assert!(why.contains("use 1"), "{why}");
    let why = usage_mismatch(tampered(
        &sealed(),
        "UPDATE usage SET sealed_by = 1 WHERE id = 1;",
    ));
    assert!(why.contains("not a usage seal"), "{why}");
    // A use slipped into a sealed batch afterwards.
    let why = usage_mismatch(tampered(
        &sealed(),
        "INSERT INTO usage (at, operator, kind, detail, count, sealed_by) \
         SELECT at, operator, kind, detail, 0, sealed_by FROM usage WHERE id = 1;",
    ));
    assert!(why.contains("did not seal it"), "{why}");
}
