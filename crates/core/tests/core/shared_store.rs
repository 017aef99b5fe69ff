//! The shared office on PostgreSQL, through `ops` as the CLI and the app call them: init as the
//! database's owner, operators and their roles, every entry naming the signed-in login, rights
//! enforced by the server (also against plain `psql`), tampering caught by verify, and an
//! opt-out accepted while a pack waits refusing that pack (on both backends).

use std::sync::Arc;

use handover_core::handover::{Method, Selection};
use handover_core::operators::Role;
use handover_core::ops::{self, Office, PackOptions, StoreChoice};
use handover_core::requests::Scope;
use handover_core::store::postgres::Target;
use handover_core::{ContractorInput, DataDir, Error, NoProgress, WorkType};

use crate::pg::PgDb;
use crate::support::{clock, request_input};

/// An office folder (this PC's keys and settings) on the shared store, signed in as `login`.
fn sign_in(pg: &PgDb, dir: &std::path::Path, login: &str) -> handover_core::Result<Office> {
    let choice = StoreChoice::Server(Box::new(Target::parse(&pg.url(login))?));
    ops::open_office(DataDir::new(dir), &choice, Some(&PgDb::password()), None)
        .map(|o| o.with_clock(Arc::new(clock())))
}

/// A shared office created by the owner, with a staff member and a manager; returns the
/// owner's office folder (holding the keys every packing PC needs).
struct Shared {
    pg: PgDb,
    tmp: tempfile::TempDir,
}

impl Shared {
    fn new() -> Option<Shared> {
        let pg = PgDb::fresh()?;
        let tmp = tempfile::tempdir().unwrap();
        let target = Target::parse(&pg.url(&pg.owner())).unwrap();
        let (mut owner, _) = ops::init_shared(
            DataDir::new(tmp.path().join("owner")),
            &target,
            Some(&PgDb::password()),
        )
        .expect("init on an empty database");
        for (who, role) in [("staff", Role::Staff), ("manager", Role::Manager)] {
            ops::operator_add(&mut owner, &pg.login(who), role, &PgDb::password())
                .expect("the owner is the first admin");
        }
        Some(Shared { pg, tmp })
    }

    /// The office as `who` (`owner`, `staff`, `manager`), in the owner's folder (same keys).
    fn office(&self, who: &str) -> Office {
        let login = if who == "owner" {
            self.pg.owner()
        } else {
            self.pg.login(who)
        };
        sign_in(&self.pg, &self.tmp.path().join("owner"), &login).expect("sign in")
    }
}

fn contractor_input(recipient: &str) -> ContractorInput {
    ContractorInput {
        name: "架空電設株式会社".into(),
        address: None,
        contact: None,
        recipients: vec![recipient.into()],
        agreement_signed: "2020-04-01".into(),
        agreement_expires: "2099-03-31".into(),
    }
}

fn selection(contractor: &str, customers: &[&str]) -> Selection {
    Selection {
        contractor_id: contractor.into(),
        work_type: WorkType::Installation,
        customers: customers.iter().map(|s| s.to_string()).collect(),
        extra_fields: vec![],
        method: Method::Transfer,
        passphrase: false,
    }
}

#[test]
fn every_entry_names_the_signed_in_login_and_the_chain_verifies() {
    let Some(s) = Shared::new() else { return };
    let mut staff = s.office("staff");
    let mut manager = s.office("manager");
    assert_eq!(staff.operator(), s.pg.login("staff"));
    ops::load_sample(&mut staff, &mut NoProgress).unwrap();
    let key = age::x25519::Identity::generate().to_public().to_string();
    let k = ops::contractor_add(&mut manager, &contractor_input(&key)).unwrap();
    assert_eq!(k.id, "CTR-0001");
    let out = s.tmp.path().join("b.age");
    let packed = ops::pack(
        &mut staff,
        &selection(&k.id, &["C0001", "C0002"]),
        &PackOptions {
            out: out.clone(),
            ..Default::default()
        },
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!(packed.handover_id, "HO-2026-000001");
    let r = ops::request_add(
        &mut staff,
        &request_input("C0003", Scope::All, "2026-11-20", "電話", None),
    )
    .unwrap();
    ops::request_decide(&mut manager, &r.id, true, None).unwrap();

    let report = ops::verify_ledger(&staff).unwrap();
    assert_eq!(report.entries, 8, "{report:?}");
    let actors: Vec<(String, String)> = crate::support::entries(&staff)
        .into_iter()
        .map(|e| (e.kind, e.actor))
        .collect();
    let (o, st, m) = (s.pg.owner(), s.pg.login("staff"), s.pg.login("manager"));
    let expected = [
        ("office.initialized", &o),
        ("operator.added", &o),
        ("operator.added", &o),
        ("register.imported", &st),
        ("contractor.added", &m),
        ("handover.created", &st),
        ("request.received", &st),
        ("request.decided", &m),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, a)| (k.to_string(), a.to_string()))
        .collect();
    assert_eq!(actors, expected);
    // Another PC sees the same store: the pack and the decision made elsewhere.
    assert_eq!(ops::handovers(&manager).unwrap().len(), 1);
    assert!(
        staff.store().enforced_requests("C0003").unwrap()[0]
            .status
            .as_str()
            == "accepted"
    );
}

#[test]
fn the_server_refuses_what_a_role_may_not_do_and_nothing_changes() {
    let Some(s) = Shared::new() else { return };
    let mut staff = s.office("staff");
    let mut manager = s.office("manager");
    let before = staff.store().ledger_head().unwrap();
    let key = age::x25519::Identity::generate().to_public().to_string();
    let e = ops::contractor_add(&mut staff, &contractor_input(&key)).unwrap_err();
    // The core refuses first (the same check on every store); the server's own refusal is
    // what plain psql meets below.
    assert!(e.is_denied(), "{e}");
    assert!(e.to_string().contains("is staff"), "{e}");
    let e = ops::operator_add(
        &mut manager,
        &s.pg.login("x"),
        Role::Staff,
        &PgDb::password(),
    )
    .unwrap_err();
    assert!(e.is_denied(), "{e}");
    ops::load_sample(&mut staff, &mut NoProgress).unwrap();
    let r = ops::request_add(
        &mut staff,
        &request_input("C0003", Scope::All, "2026-11-20", "電話", None),
    )
    .unwrap();
    let head = staff.store().ledger_head().unwrap();
    let e = ops::request_decide(&mut staff, &r.id, true, None).unwrap_err();
    assert!(e.is_denied(), "{e}");
    assert_eq!(staff.store().ledger_head().unwrap(), head);
    assert_eq!(
        staff.store().requests(None).unwrap()[0].status.as_str(),
        "pending"
    );
    assert!(staff.store().contractors().unwrap().is_empty());
    assert_ne!(before, head);
    // The roster as the admin sees it.
    let owner = s.office("owner");
    let people: Vec<(String, Role, bool)> = ops::operator_list(&owner)
        .unwrap()
        .into_iter()
        .map(|p| (p.name, p.role, p.active))
        .collect();
    assert!(
        people.contains(&(s.pg.login("staff"), Role::Staff, true)),
        "{people:?}"
    );
    assert!(
        people.contains(&(s.pg.login("manager"), Role::Manager, true)),
        "{people:?}"
    );
    assert!(
        people.contains(&(s.pg.owner(), Role::Admin, true)),
        "{people:?}"
    );
}

#[test]
fn a_disabled_operator_cannot_sign_in_and_a_typed_name_never_stands_in_for_a_login() {
    let Some(s) = Shared::new() else { return };
    let mut owner = s.office("owner");
    let staff_dir = s.tmp.path().join("staff-pc");
    let choice = StoreChoice::Server(Box::new(
        Target::parse(&s.pg.url(&s.pg.login("staff"))).unwrap(),
    ));
    let e = ops::open_office(
        DataDir::new(&staff_dir),
        &choice,
        Some(&PgDb::password()),
        Some("someone.else"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("signed-in person"), "{e}");
    let e = ops::operator_disable(&mut owner, &s.pg.owner()).unwrap_err();
    assert!(e.is_bad_input(), "one cannot disable oneself: {e}");
    assert_eq!(e.code(), "operator_refused", "{e}");
    let e = ops::operator_add(
        &mut owner,
        &s.pg.login("staff"),
        Role::Staff,
        &PgDb::password(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "operator_refused", "{e}");
    assert!(e.to_string().contains("already exists"), "{e}");
    ops::operator_disable(&mut owner, &s.pg.login("staff")).unwrap();
    let e = sign_in(&s.pg, &staff_dir, &s.pg.login("staff")).unwrap_err();
    assert_eq!(e.code(), "store_unavailable", "{e}");
    let e = sign_in(&s.pg, &staff_dir, &s.pg.login("nobody")).unwrap_err();
    assert_eq!(e.code(), "store_unavailable", "{e}");
    let last = crate::support::entries(&owner).pop().unwrap();
    assert_eq!(last.kind, "operator.disabled");
}

#[test]
fn init_wants_an_empty_utf8_database_and_its_owner() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let target = Target::parse(&pg.url(&pg.owner())).unwrap();
    // Not the owner: refused, nothing created.
    pg.as_superuser(&format!(
        "CREATE ROLE {}_other LOGIN CREATEROLE PASSWORD '{}'",
        pg.db,
        crate::pg::PASSWORD
    ));
    let other = Target::parse(&pg.url(&format!("{}_other", pg.db))).unwrap();
    let e = ops::init_shared(
        DataDir::new(tmp.path().join("a")),
        &other,
        Some(&PgDb::password()),
    )
    .unwrap_err();
    assert!(e.is_denied(), "{e}");
    assert_eq!(
        pg.psql(
            &pg.owner(),
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        )
        .unwrap(),
        "0"
    );
    // Signing in to a database without an office says what to do.
    let e = ops::open_office(
        DataDir::new(tmp.path().join("a")),
        &StoreChoice::Server(Box::new(target.clone())),
        Some(&PgDb::password()),
        None,
    )
    .unwrap_err();
    assert_eq!(e.code(), "store_no_office", "{e}");
    // Something in it already: refused.
    pg.psql(&pg.owner(), "CREATE TABLE mine (x int)").unwrap();
    let e = ops::init_shared(
        DataDir::new(tmp.path().join("b")),
        &target,
        Some(&PgDb::password()),
    )
    .unwrap_err();
    assert_eq!(e.code(), "store_not_empty", "{e}");
    pg.psql(&pg.owner(), "DROP TABLE mine").unwrap();
    ops::init_shared(
        DataDir::new(tmp.path().join("c")),
        &target,
        Some(&PgDb::password()),
    )
    .unwrap();
    let e = ops::init_shared(
        DataDir::new(tmp.path().join("d")),
        &target,
        Some(&PgDb::password()),
    )
    .unwrap_err();
    assert_eq!(e.code(), "store_not_empty", "{e}");
    // A schema from a newer Handover is refused at sign-in.
    pg.as_superuser("UPDATE handover_schema SET version = 99");
    let e = sign_in(&pg, &tmp.path().join("c"), &pg.owner()).unwrap_err();
    assert_eq!(e.code(), "store_too_new", "{e}");
    // One from an older Handover is refused too, with no command in the app's message.
    pg.as_superuser("UPDATE handover_schema SET version = 0");
    let e = sign_in(&pg, &tmp.path().join("c"), &pg.owner()).unwrap_err();
    assert_eq!(e.code(), "store_too_old", "{e}");
    assert!(
        e.to_string().contains("schema version 0") && !e.to_string().contains('`'),
        "{e}"
    );
}

#[test]
fn plain_psql_as_any_role_cannot_rewrite_the_ledger_or_decide_requests() {
    let Some(s) = Shared::new() else { return };
    let mut staff = s.office("staff");
    ops::load_sample(&mut staff, &mut NoProgress).unwrap();
    ops::request_add(
        &mut staff,
        &request_input("C0003", Scope::All, "2026-11-20", "電話", None),
    )
    .unwrap();
    let head = staff.store().ledger_head().unwrap();
    let (st, m, o) = (s.pg.login("staff"), s.pg.login("manager"), s.pg.owner());
    let refused = |login: &str, sql: &str| {
        let e =
            s.pg.psql(login, sql)
                .expect_err(&format!("{login} may not: {sql}"));
        assert!(
            e.contains("permission denied")
                || e.contains("append-only")
                || e.contains("needs the")
                || e.contains("redacted only"),
            "{login}: {sql}: {e}"
        );
    };
    for login in [&st, &m, &o] {
        refused(login, "UPDATE ledger SET actor = 'someone' WHERE seq = 2");
        refused(login, "DELETE FROM ledger WHERE seq = 2");
        refused(login, "TRUNCATE ledger");
        refused(login, "UPDATE ledger SET payload = NULL WHERE seq = 2");
    }
    for login in [&st, &m] {
        refused(
            login,
            "INSERT INTO ledger VALUES (99, 'x', 'x', 'x', NULL, '\\x00', '\\x00', '\\x00')",
        );
        refused(login, "UPDATE ledger_head SET seq = 1");
        refused(login, "SELECT ledger_redact(2)");
    }
    refused(&st, "UPDATE requests SET status = 'accepted'");
    refused(
        &st,
        "SELECT * FROM ledger_append('2026-11-23T09:00:00Z', 'request.decided', '{}', '{}')",
    );
    refused(
        &st,
        "INSERT INTO requests VALUES ('REQ-X', 'C0001', 'all', '2026-11-20', 'phone', NULL, \
         'accepted', NULL, NULL, NULL, NULL, 'x', 'x', NULL)",
    );
    refused(
        &st,
        "INSERT INTO contractors VALUES ('CTR-9', 'x', NULL, NULL, 'x', 'x', 'x', 'x')",
    );
    refused(
        &m,
        "SELECT operator_create('x', 'staff', 'SCRAM-SHA-256$x')",
    );
    // What the roles may do, they may: a staff login appends an entry through the function,
    // and the entry names it, whatever it claims.
    let out =
        s.pg.psql(
            &st,
            "SELECT actor FROM ledger_append('2026-11-23T09:00:00Z', 'report.note', '{}', '{}')",
        )
        .unwrap();
    assert_eq!(out, st);
    assert_ne!(staff.store().ledger_head().unwrap(), head);
    ops::verify_ledger(&staff).unwrap();
}

#[test]
fn tampering_by_the_owner_with_raw_sql_is_caught_by_verify() {
    let Some(s) = Shared::new() else { return };
    let mut staff = s.office("staff");
    ops::load_sample(&mut staff, &mut NoProgress).unwrap();
    for c in ["C0001", "C0002", "C0003"] {
        ops::request_add(
            &mut staff,
            &request_input(c, Scope::All, "2026-11-20", "電話", None),
        )
        .unwrap();
    }
    assert!(ops::verify_ledger(&staff).is_ok());
    let o = s.pg.owner();
    // The owner may switch the guard off (it owns the table); verify still sees every change.
    let raw = |sql: &str| {
        s.pg.psql(
            &o,
            &format!(
                "ALTER TABLE ledger DISABLE TRIGGER ledger_no_change; {sql}; \
                 ALTER TABLE ledger ENABLE TRIGGER ledger_no_change"
            ),
        )
        .unwrap()
    };
    let broken_at = |what: &str| match ops::verify_ledger(&staff) {
        Err(Error::LedgerBroken { seq, .. }) => seq,
        other => panic!("{what}: {other:?}"),
    };
    raw("UPDATE ledger SET actor = 'someone' WHERE seq = 5");
    assert_eq!(broken_at("an edited actor"), 5);
    raw(&format!(
        "UPDATE ledger SET actor = '{}' WHERE seq = 5",
        s.pg.login("staff")
    ));
    assert!(ops::verify_ledger(&staff).is_ok(), "restored");
    raw("UPDATE ledger SET seq = -seq WHERE seq IN (3, 4); \
         UPDATE ledger SET seq = 4 WHERE seq = -3; UPDATE ledger SET seq = 3 WHERE seq = -4");
    assert_eq!(broken_at("two entries swapped"), 3);
    raw("UPDATE ledger SET seq = -seq WHERE seq IN (3, 4); \
         UPDATE ledger SET seq = 4 WHERE seq = -3; UPDATE ledger SET seq = 3 WHERE seq = -4");
    assert!(ops::verify_ledger(&staff).is_ok(), "restored");
    raw("DELETE FROM ledger WHERE seq = 6");
    assert!(broken_at("a deleted entry") >= 6);
}

/// Receipts on the shared store (issue 15): staff import a contractor's destruction receipt,
/// which closes the handover with the receipt in the ledger; the replay is refused with
/// nothing recorded, and the chain and derived tables verify.
#[test]
fn staff_import_a_destruction_receipt_on_the_shared_store() {
    use handover_core::bundle::OpenKey;
    use handover_core::receipt::ReceiptKind;
    let Some(s) = Shared::new() else { return };
    let mut staff = s.office("staff");
    let mut manager = s.office("manager");
    ops::load_sample(&mut staff, &mut NoProgress).unwrap();
    let contractor = age::x25519::Identity::generate();
    let recipient = contractor.to_public().to_string();
    let k = ops::contractor_add(&mut manager, &contractor_input(&recipient)).unwrap();
    let out = s.tmp.path().join("b.age");
    let opts = PackOptions {
        out: out.clone(),
        ..Default::default()
    };
    let packed = ops::pack(
        &mut staff,
        &selection(&k.id, &["C0001"]),
        &opts,
        &mut NoProgress,
    )
    .unwrap();
    let trust = s.tmp.path().join("owner/keys/office.signing.pub");
    let input = ops::ReceiptInput {
        kind: ReceiptKind::Destroyed,
        by: "架空 次郎".into(),
        on: Some("2026-11-23".into()),
        extracted: vec![],
        note: Some("印刷物なし".into()),
    };
    let receipt = s.tmp.path().join("destroyed.age");
    let key = OpenKey::Identities(vec![contractor]);
    ops::make_receipt(&out, key, trust.to_str().unwrap(), &input, &receipt).unwrap();

    let done = ops::import_receipts(&mut staff, std::slice::from_ref(&receipt)).unwrap();
    assert!(done[0].closed);
    let h = ops::handovers(&staff).unwrap().pop().unwrap();
    assert_eq!(h.id, packed.handover_id);
    assert_eq!(
        h.closed_on.map(|d| d.to_string()).as_deref(),
        Some("2026-11-23")
    );
    // Another PC sees the handover closed by the receipt, with its evidence.
    let rows = ops::handovers_with_receipts(&manager).unwrap();
    assert_eq!(
        rows[0].state,
        handover_core::receipt::ReceiptState::Destroyed
    );
    let evidence = rows[0].receipts.destruction.clone().unwrap();
    assert_eq!(
        (evidence.by.as_str(), evidence.note.as_deref()),
        ("架空 次郎", Some("印刷物なし"))
    );
    let head = staff.store().ledger_head().unwrap();
    let e = ops::import_receipts(&mut manager, &[receipt]).unwrap_err();
    assert_eq!(e.code(), "receipt_replayed", "{e}");
    assert!(e.to_string().contains("already imported"), "{e}");
    assert_eq!(staff.store().ledger_head().unwrap(), head);
    ops::verify_ledger(&manager).unwrap();
}

/// `PgStore::batch` (the ledger benchmark's loader): everything in it lands on one commit or
/// none of it does; a change refused inside undoes only itself (its savepoint) and the batch
/// goes on; an import is refused inside a batch; the chain verifies afterwards.
#[test]
fn a_batch_on_the_shared_store_lands_whole_or_not_at_all() {
    use handover_core::store::{EventDraft, PgStore, Store};
    let Some(pg) = PgDb::fresh() else { return };
    let target = Target::parse(&pg.url(&pg.owner())).unwrap();
    let mut store = PgStore::init(&target, Some(&PgDb::password())).unwrap();
    let draft = |n: u32| EventDraft {
        at: "2026-01-01T00:00:00Z".into(),
        kind: "register.viewed".into(),
        actor: String::new(),
        payload: serde_json::json!({ "n": n }),
        customers: vec![format!("C{n:03}")],
    };
    let head = |s: &PgStore| s.ledger_head().unwrap().map_or(0, |h| h.0);
    let base = head(&store);
    store
        .batch(|s| (0..100).try_for_each(|n| s.append(draft(n)).map(drop)))
        .unwrap();
    assert_eq!(head(&store), base + 100);
    let e = store
        .batch(|s| {
            (100..150).try_for_each(|n| s.append(draft(n)).map(drop))?;
            Err::<(), _>(Error::Cancelled)
        })
        .unwrap_err();
    assert_eq!(e.code(), "cancelled");
    assert_eq!(
        head(&store),
        base + 100,
        "nothing of the failed batch landed"
    );
    assert!(store.entries_for_customer("C120").unwrap().is_empty());
    store
        .batch(|s| {
            s.append(draft(200))?;
            let refused = s.close_handover("HO-2026-999999", "2026-06-30", None, draft(201));
            assert!(refused.is_err(), "no such handover");
            let e = s
                .begin_import()
                .err()
                .expect("an import inside a batch is refused");
            assert!(e.to_string().contains("inside a batch"), "{e}");
            s.append(draft(202)).map(drop)
        })
        .unwrap();
    assert_eq!(
        head(&store),
        base + 102,
        "the refused change undid only itself"
    );
    assert_eq!(store.entries_for_customer("C202").unwrap().len(), 1);
    assert!(store.entries_for_customer("C201").unwrap().is_empty());
    store.append(draft(300)).unwrap();
    let r = handover_core::store::verify_chain(&store).unwrap();
    assert_eq!(r.entries, base + 103);
}

/// The supervision record on the shared store: a manager records it (the entry names the
/// login), staff read it but neither the core nor the server lets them write it, a refused
/// change leaves it as it was, and the pack rule reads it from the server.
#[test]
fn the_supervision_record_is_kept_and_guarded_by_the_server() {
    use handover_core::supervision::{CheckInput, SupervisionChange, SupervisionRule};
    let Some(s) = Shared::new() else { return };
    let mut staff = s.office("staff");
    let mut manager = s.office("manager");
    ops::load_sample(&mut staff, &mut NoProgress).unwrap();
    let key = age::x25519::Identity::generate().to_public().to_string();
    let k = ops::contractor_add(&mut manager, &contractor_input(&key)).unwrap();
    let check = SupervisionChange::Check(CheckInput {
        certification: "isms".into(),
        number: Some("IS 000000".into()),
        expires: Some("2026-10-31".into()),
        checked_on: Some("2026-11-01".into()),
    });
    let v = ops::supervision_change(&mut manager, &k.id, &check).unwrap();
    assert_eq!(
        v.record.check.as_ref().unwrap().checked_by,
        s.pg.login("manager")
    );
    let person = SupervisionChange::AddPerson {
        name: "架空 一郎".into(),
    };
    ops::supervision_change(&mut manager, &k.id, &person).unwrap();
    // Another PC reads the same record.
    let seen = ops::supervision(&staff, &k.id).unwrap();
    assert_eq!(
        seen.record,
        ops::supervision(&manager, &k.id).unwrap().record
    );
    assert!(!seen.can_edit && seen.status.certification_expired);
    let last = crate::support::entries(&staff).pop().unwrap();
    assert_eq!(
        (last.kind.as_str(), last.actor.as_str()),
        ("contractor.person_added", s.pg.login("manager").as_str())
    );

    // Refusals: the core for staff, the server for plain psql, the record's own rules.
    let head = staff.store().ledger_head().unwrap();
    let e = ops::supervision_change(&mut staff, &k.id, &person).unwrap_err();
    assert!(e.is_denied(), "{e}");
    let e = ops::supervision_change(&mut manager, &k.id, &person).unwrap_err();
    assert_eq!(e.code(), "supervision_invalid");
    let psql = s.pg.psql(
        &s.pg.login("staff"),
        "UPDATE contractor_supervision SET record = '{}'",
    );
    assert!(psql.unwrap_err().contains("permission denied"));
    assert_eq!(staff.store().ledger_head().unwrap(), head);
    assert_eq!(ops::supervision(&staff, &k.id).unwrap().record, seen.record);

    // The pack rule reads the server's record: refused once the policy says so.
    let mut policy = ops::policy(&manager).unwrap();
    policy.supervision = SupervisionRule::Refuse;
    ops::policy_save(&mut manager, &policy).unwrap();
    let out = s.tmp.path().join("refused.age");
    let e = ops::pack(
        &mut staff,
        &selection(&k.id, &["C0001"]),
        &PackOptions {
            out: out.clone(),
            ..Default::default()
        },
        &mut NoProgress,
    )
    .unwrap_err();
    assert_eq!(e.code(), "supervision_due", "{e}");
    assert!(!out.exists());
    ops::verify_ledger(&staff).expect("the chain holds");
}

/// The record of use on the shared store: each use under the signed-in login (whatever a
/// client claims), sealed when the office closes, the report for managers only, the rows
/// append-only for everyone, and a row the owner deletes behind the guard caught by verify.
#[test]
fn uses_are_recorded_under_the_login_sealed_and_checked_on_the_shared_store() {
    use handover_core::usage::{UsageQuery, UseKind};
    let Some(s) = Shared::new() else { return };
    let mut staff = s.office("staff");
    ops::load_sample(&mut staff, &mut NoProgress).unwrap();
    ops::customer_page_view(&mut staff, "C0001").unwrap();
    ops::customer_page_view(&mut staff, "C0002").unwrap();
    ops::customers(&staff, "C000", None).unwrap();
    let st = s.pg.login("staff");
    let uses = staff.store().uses(&UsageQuery::default()).unwrap();
    assert_eq!(uses.len(), 2, "the search is not recorded");
    assert!(
        uses.iter()
            .all(|u| u.operator == st && u.sealed_by.is_none())
    );
    assert_eq!(uses[0].use_kind(), Some(UseKind::CustomerPage));
    assert_eq!(uses[1].customers, ["C0002"]);
    let e = ops::usage_report(&staff, &ops::UsageFilter::default()).unwrap_err();
    assert_eq!(e.code(), "role_required");
    let m = s.pg.login("manager");
    for sql in [
        "DELETE FROM usage".to_string(),
        "UPDATE usage SET operator = 'x'".to_string(),
        "DELETE FROM usage_customers".to_string(),
        format!(
            "INSERT INTO usage (at, operator, kind, count) VALUES ('2026-11-23', '{m}', \
             'customer_page', 0)"
        ),
    ] {
        assert!(s.pg.psql(&st, &sql).is_err(), "{sql}");
    }
    drop(staff);

    let manager = s.office("manager");
    let rows = ops::usage_report(&manager, &ops::UsageFilter::default()).unwrap();
    assert_eq!(rows.len(), 2);
    let seal = rows[0]
        .sealed_by
        .expect("sealed when the staff member's office closed");
    assert!(rows.iter().all(|u| u.sealed_by == Some(seal)));
    let usage = ops::verify_ledger(&manager).unwrap().usage.unwrap();
    assert_eq!((usage.sealed, usage.pending, usage.seals), (2, 0, 1));
    let r = {
        let mut m = s.office("manager");
        ops::report_customer(&mut m, "C0001").unwrap()
    };
    let who: Vec<&str> = r.uses.iter().map(|u| u.operator.as_str()).collect();
    assert_eq!(who, [st.as_str(), m.as_str()]);

    s.pg.psql(
        &s.pg.owner(),
        &format!(
            "ALTER TABLE usage DISABLE TRIGGER usage_no_change; \
             ALTER TABLE usage_customers DISABLE TRIGGER usage_customers_no_change; \
             DELETE FROM usage_customers WHERE usage_id = {0}; DELETE FROM usage WHERE id = {0}",
            rows[1].id
        ),
    )
    .unwrap();
    match ops::verify_ledger(&manager) {
        Err(Error::DerivedMismatch { table, reason }) => {
            assert_eq!(table, "usage");
            assert!(reason.contains(&format!("use {}", rows[1].id)), "{reason}");
        }
        other => panic!("a deleted use must be caught: {other:?}"),
    }
}

/// Import two floor plans larger than one stored chunk (1 MiB) as `staff`: T001's ends inside
/// a chunk (and inside a slice of it), T003's exactly on a chunk boundary. Their bytes.
fn import_plans_of_several_chunks(s: &Shared, staff: &mut Office) -> (Vec<u8>, Vec<u8>) {
    let dir = s.tmp.path().join("plans");
    std::fs::create_dir_all(&dir).unwrap();
    let body = |len: usize, seed: u8| -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31) ^ seed)
            .collect()
    };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(body(2 * 1024 * 1024 + 12_345 - png.len(), 7));
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend(body(2 * 1024 * 1024 - pdf.len(), 9));
    std::fs::write(dir.join("T001.png"), &png).unwrap();
    std::fs::write(dir.join("T003.pdf"), &pdf).unwrap();
    let opts = handover_core::register::ImportOptions {
        floor_plans_dir: Some(dir),
        ..Default::default()
    };
    let register = crate::support::register("basic.xlsx");
    ops::import_register(staff, &register, &opts, &mut NoProgress).unwrap();
    (png, pdf)
}

/// Floor plans larger than one stored chunk read back byte for byte from the server, and a
/// plan whose chunks were altered, cut short, lost or made longer on the server is refused
/// rather than served.
#[test]
fn plans_of_several_chunks_read_back_whole_and_damage_is_refused() {
    let Some(s) = Shared::new() else { return };
    let mut staff = s.office("staff");
    let (png, pdf) = import_plans_of_several_chunks(&s, &mut staff);
    let owner = s.pg.owner();
    let chunks = |sha: &str| {
        s.pg.psql(
            &owner,
            &format!("SELECT count(*) FROM floor_plan_chunks WHERE sha256 = '{sha}'"),
        )
        .unwrap()
    };
    let (p1, got) = ops::floor_plan(&staff, "T001").unwrap();
    assert_eq!(chunks(&p1.sha256), "3");
    assert!(got == png, "T001 read back as stored");
    let (p3, got) = ops::floor_plan(&staff, "T003").unwrap();
    assert_eq!(chunks(&p3.sha256), "2");
    assert!(got == pdf, "T003 read back as stored");

    let refused = |what: &str, sql: String| {
        s.pg.psql(&owner, &sql).unwrap();
        match ops::floor_plan(&staff, "T001") {
            Err(Error::FloorPlanChanged { customer_id, .. }) => assert_eq!(customer_id, "T001"),
            other => panic!("{what}: {other:?}"),
        }
    };
    let sha = &p1.sha256;
    let at = |n: i32| format!("WHERE sha256 = '{sha}' AND n = {n}");
    refused(
        "a byte changed in the middle chunk",
        format!(
            "UPDATE floor_plan_chunks SET data = overlay(data placing '\\x00'::bytea from 9) {}",
            at(1)
        ),
    );
    refused(
        "the middle chunk restored, the last one cut short",
        format!(
            "UPDATE floor_plan_chunks SET data = overlay(data placing '\\x{:02x}'::bytea from 9) {}; \
             UPDATE floor_plan_chunks SET data = substr(data, 1, 100) {}",
            png[1024 * 1024 + 8],
            at(1),
            at(2)
        ),
    );
    refused(
        "the last chunk lost",
        format!("DELETE FROM floor_plan_chunks {}", at(2)),
    );
    refused(
        "a last chunk that runs past the plan's end",
        format!(
            "INSERT INTO floor_plan_chunks (sha256, n, data) \
             VALUES ('{sha}', 2, decode(repeat('00', 70000), 'hex'))"
        ),
    );
    refused(
        "a chunk twice as long as any stored chunk",
        format!("UPDATE floor_plan_chunks SET data = data || data {}", at(0)),
    );
    refused(
        "a middle chunk lost, the chunks after it there",
        format!("DELETE FROM floor_plan_chunks {}", at(1)),
    );
    // The other plan is untouched and still served.
    assert!(ops::floor_plan(&staff, "T003").unwrap().1 == pdf);
}

/// A server that sends a chunk's slices out of order (here the owner puts a reversing
/// `generate_series` before the system's on the search path) is refused, with a message,
/// rather than served in the wrong order.
#[test]
fn a_plan_whose_slices_come_out_of_order_is_refused() {
    let Some(s) = Shared::new() else { return };
    let mut staff = s.office("staff");
    let (_, pdf) = import_plans_of_several_chunks(&s, &mut staff);
    assert!(ops::floor_plan(&staff, "T003").unwrap().1 == pdf);
    s.pg.psql(
        &s.pg.owner(),
        "CREATE FUNCTION public.generate_series(integer, integer, integer) \
         RETURNS SETOF integer LANGUAGE sql IMMUTABLE AS \
         'SELECT g FROM pg_catalog.generate_series($1, $2, $3) AS g ORDER BY g DESC'; \
         DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = public, pg_catalog', \
         current_database()); END $$",
    )
    .unwrap();
    let staff = s.office("staff");
    match ops::floor_plan(&staff, "T003") {
        Err(e) => assert!(e.to_string().contains("out of order"), "{e}"),
        Ok(_) => panic!("a plan whose slices came out of order must not be served"),
    }
}

/// A handover is recorded once: recording an id again is refused, and so is an id that another
/// PC is recording at the same moment (forced here: its row is written and not yet committed
/// when this pack writes its own; this one waits, then is refused when the other commits).
/// Nothing is recorded either time.
#[test]
fn a_handover_id_recorded_twice_or_meanwhile_is_refused_and_nothing_changes() {
    use handover_core::store::{EventDraft, PgStore, Store};
    let Some(s) = Shared::new() else { return };
    let mut staff = s.office("staff");
    let mut manager = s.office("manager");
    ops::load_sample(&mut staff, &mut NoProgress).unwrap();
    let key = age::x25519::Identity::generate().to_public().to_string();
    let k = ops::contractor_add(&mut manager, &contractor_input(&key)).unwrap();
    let options = PackOptions {
        out: s.tmp.path().join("b.age"),
        ..Default::default()
    };
    ops::pack(
        &mut staff,
        &selection(&k.id, &["C0001"]),
        &options,
        &mut NoProgress,
    )
    .unwrap();
    let recorded = ops::handovers(&staff).unwrap().remove(0);
    let target = Target::parse(&s.pg.url(&s.pg.login("staff"))).unwrap();
    let mut store = PgStore::connect(&target, Some(&PgDb::password())).unwrap();
    let draft = |id: &str| EventDraft {
        at: "2026-12-01T00:00:00Z".into(),
        kind: "handover.created".into(),
        actor: "ignored on the server".into(),
        payload: serde_json::json!({ "handoverId": id }),
        customers: vec!["C0001".into()],
    };
    let before = store.ledger_head().unwrap();
    let again = store.record_handover(&recorded, draft(&recorded.id), &|_| Ok(()), None);
    let e = again.expect_err("the same id again");
    assert!(e.to_string().contains("is already recorded"), "{e}");
    assert_eq!(store.ledger_head().unwrap(), before, "nothing appended");
    assert!(ops::verify_ledger(&staff).is_ok());

    let (host, port) = s.pg.host.split_once(':').unwrap();
    let mut other_pc = postgres::Client::connect(
        &format!(
            "host={host} port={port} dbname={} user={} password='{}'",
            s.pg.db,
            s.pg.owner(),
            crate::pg::PASSWORD
        ),
        postgres::NoTls,
    )
    .unwrap();
    other_pc
        .batch_execute(&format!(
            "BEGIN; INSERT INTO handovers SELECT 'HO-2026-000099', created_at, operator, \
             contractor_id, work_type, method, encryption, return_by, bundle_sha256, \
             bundle_size, recipients, closed_on, closed_note, ledger_seq FROM handovers \
             WHERE id = '{}'",
            recorded.id
        ))
        .unwrap();
    let mut meanwhile = recorded.clone();
    meanwhile.id = "HO-2026-000099".into();
    let refused = std::thread::scope(|scope| {
        let waiting = scope
            .spawn(|| store.record_handover(&meanwhile, draft(&meanwhile.id), &|_| Ok(()), None));
        std::thread::sleep(std::time::Duration::from_millis(300));
        other_pc.batch_execute("COMMIT").unwrap();
        waiting.join().unwrap()
    });
    let e = refused.expect_err("recorded by another PC meanwhile");
    assert!(
        e.to_string().contains("HO-2026-000099 is already recorded"),
        "{e}"
    );
    assert_eq!(store.ledger_head().unwrap(), before, "nothing appended");
    let rows =
        s.pg.psql(
            &s.pg.owner(),
            "SELECT count(*) FROM handover_customers WHERE handover_id = 'HO-2026-000099'",
        )
        .unwrap();
    assert_eq!(rows, "0");
}

/// Sealing a handover (schema 5: its rows are written before the ledger's lock, sealed with the
/// entry's seq under it) is no back door: from plain `psql`, staff cannot repoint a recorded
/// handover to another entry, update its seq directly, or seal a row of their own to an entry
/// that is not a handover's. Nothing changes, and the ledger still verifies.
#[test]
fn staff_cannot_repoint_a_handover_through_its_seal() {
    let Some(s) = Shared::new() else { return };
    let mut staff = s.office("staff");
    let mut manager = s.office("manager");
    ops::load_sample(&mut staff, &mut NoProgress).unwrap();
    let key = age::x25519::Identity::generate().to_public().to_string();
    let k = ops::contractor_add(&mut manager, &contractor_input(&key)).unwrap();
    let options = PackOptions {
        out: s.tmp.path().join("b.age"),
        ..Default::default()
    };
    ops::pack(
        &mut staff,
        &selection(&k.id, &["C0001"]),
        &options,
        &mut NoProgress,
    )
    .unwrap();
    let (login, owner) = (s.pg.login("staff"), s.pg.owner());
    let seq_of = || {
        s.pg.psql(
            &owner,
            "SELECT string_agg(id || '=' || ledger_seq, ',') FROM handovers",
        )
        .unwrap()
    };
    let before = seq_of();
    assert!(
        before.starts_with("HO-2026-000001=") && !before.ends_with("=0"),
        "{before}"
    );
    let e =
        s.pg.psql(&login, "SELECT handover_seal('HO-2026-000001', 1)")
            .unwrap_err();
    assert!(e.contains("sealed only once"), "{e}");
    let e =
        s.pg.psql(&login, "UPDATE handovers SET ledger_seq = 1")
            .unwrap_err();
    assert!(e.contains("permission denied"), "{e}");
    let own_row = "INSERT INTO handovers SELECT 'HO-2026-000077', created_at, operator, \
         contractor_id, work_type, method, encryption, return_by, bundle_sha256, bundle_size, \
         recipients, closed_on, closed_note, 0 FROM handovers WHERE id = 'HO-2026-000001'; \
         SELECT handover_seal('HO-2026-000077', 1)";
    let e = s.pg.psql(&login, own_row).unwrap_err();
    assert!(e.contains("sealed only once"), "{e}");
    assert_eq!(seq_of(), before);
    ops::verify_ledger(&staff).unwrap();
}

/// Issue 13's walk on the shared store ends with the 操作記録 showing an export: a manager saves
/// a customer's disclosure record and the record of use names the export, the login and the
/// customer.
#[test]
fn an_export_shows_in_the_record_of_use_on_the_shared_store() {
    use handover_core::usage::UseKind;
    let Some(s) = Shared::new() else { return };
    let mut staff = s.office("staff");
    ops::load_sample(&mut staff, &mut NoProgress).unwrap();
    drop(staff);
    let mut manager = s.office("manager");
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("C0003.html");
    ops::save_customer_report(&mut manager, "C0003", &path).unwrap();
    assert!(path.exists());
    let rows = ops::usage_report(&manager, &ops::UsageFilter::default()).unwrap();
    let export = rows
        .iter()
        .find(|u| u.use_kind() == Some(UseKind::ReportExport))
        .unwrap_or_else(|| panic!("no export in the record of use: {rows:?}"));
    assert_eq!(export.operator, s.pg.login("manager"));
    assert_eq!(export.customers, ["C0003"]);
    assert!(export.detail.contains("html"), "{}", export.detail);
}

/// An entry drafted by hand, about C0001 (the server names its actor).
fn draft(kind: &str, payload: serde_json::Value) -> handover_core::store::EventDraft {
    handover_core::store::EventDraft {
        at: "2026-12-01T00:00:00Z".into(),
        kind: kind.into(),
        actor: "ignored on the server".into(),
        payload,
        customers: vec!["C0001".into()],
    }
}

/// A pack recorded by `staff` (to copy from), after the sample's import.
fn one_pack_recorded(s: &Shared) -> (Office, handover_core::handover::HandoverRecord) {
    let mut staff = s.office("staff");
    let mut manager = s.office("manager");
    ops::load_sample(&mut staff, &mut NoProgress).unwrap();
    let key = age::x25519::Identity::generate().to_public().to_string();
    let k = ops::contractor_add(&mut manager, &contractor_input(&key)).unwrap();
    let options = PackOptions {
        out: s.tmp.path().join("b.age"),
        ..Default::default()
    };
    ops::pack(
        &mut staff,
        &selection(&k.id, &["C0001"]),
        &options,
        &mut NoProgress,
    )
    .unwrap();
    let recorded = ops::handovers(&staff).unwrap().remove(0);
    (staff, recorded)
}

/// Record a copy of `template` numbered `n` on `store`, with a check that counts its calls: on
/// the first, `other_pc` appends an entry of kind `meanwhile` (if any); from the second on, it
/// refuses when `refuse`. The outcome and how many times the check ran.
fn record_racing(
    store: &mut handover_core::store::PgStore,
    other_pc: &mut handover_core::store::PgStore,
    template: &handover_core::handover::HandoverRecord,
    n: u32,
    meanwhile: Option<&str>,
    refuse: bool,
) -> (
    handover_core::Result<handover_core::store::LedgerEntry>,
    u32,
) {
    use handover_core::store::{Recheck, Store};
    let other_pc = std::cell::RefCell::new(other_pc);
    let calls = std::cell::Cell::new(0);
    let check = |_: &dyn Recheck| {
        calls.set(calls.get() + 1);
        if let (1, Some(kind)) = (calls.get(), meanwhile) {
            let note = draft(kind, serde_json::json!({ "customerIds": ["C0001"] }));
            other_pc.borrow_mut().append(note).unwrap();
        }
        if calls.get() > 1 && refuse {
            return Err(Error::Cancelled);
        }
        Ok(())
    };
    let mut h = template.clone();
    h.id = format!("HO-2026-0009{n:02}");
    let created = draft(
        "handover.created",
        serde_json::json!({ "handoverId": h.id }),
    );
    let r = store.record_handover(&h, created, &check, None);
    (r, calls.get())
}

/// Two PCs' stores over the shared office: `staff`'s and `manager`'s.
fn two_pcs(s: &Shared) -> (handover_core::store::PgStore, handover_core::store::PgStore) {
    let connect = |who: &str| {
        let target = Target::parse(&s.pg.url(&s.pg.login(who))).unwrap();
        handover_core::store::PgStore::connect(&target, Some(&PgDb::password())).unwrap()
    };
    (connect("staff"), connect("manager"))
}

/// A pack checks what it relied on before taking the ledger's lock (schemas 6 and 7) and seals
/// only if nothing but other packs was appended since it read the head. Forced here: another
/// PC appends between the check and the seal. The pack then checks again under the lock — and
/// a check that now refuses refuses the pack, with nothing recorded; one that still holds
/// records it, once. Without anything meanwhile, the check runs once.
#[test]
fn a_change_between_the_check_and_the_seal_is_checked_again_under_the_lock() {
    use handover_core::store::Store;
    let Some(s) = Shared::new() else { return };
    let (staff, template) = one_pack_recorded(&s);
    let (mut store, mut other_pc) = two_pcs(&s);
    let note = Some("note.meanwhile");
    let mut run = |n, meanwhile, refuse| {
        record_racing(&mut store, &mut other_pc, &template, n, meanwhile, refuse)
    };

    let (r, calls) = run(1, None, true);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(calls, 1, "nothing meanwhile: checked once, before the lock");

    let before = r.unwrap().seq;
    let (r, calls) = run(2, note, true);
    assert_eq!(calls, 2, "checked again under the lock");
    assert_eq!(r.unwrap_err().code(), "cancelled");
    let rows =
        s.pg.psql(
            &s.pg.owner(),
            "SELECT count(*) FROM handovers WHERE id = 'HO-2026-000902'",
        )
        .unwrap();
    assert_eq!(rows, "0", "the refused pack left no row");

    let (r, calls) = run(3, note, false);
    assert_eq!(calls, 2);
    assert_eq!(
        r.unwrap().seq,
        before + 3,
        "after the other PC's second entry"
    );
    let recorded = ops::handovers(&staff).unwrap();
    assert_eq!(
        recorded.iter().filter(|h| h.id == "HO-2026-000903").count(),
        1
    );

    // Another PC's pack meanwhile changes nothing a pack checks (schema 7): sealed at once,
    // checked once, after that pack's entry.
    let (r, calls) = run(4, Some("handover.created"), true);
    assert_eq!(calls, 1, "another pack meanwhile: not checked again");
    assert_eq!(r.unwrap().seq, before + 5);
    // ... but anything else after it still sends the pack back to its checks.
    let (r, calls) = run(5, note, true);
    assert_eq!((r.unwrap_err().code(), calls), ("cancelled", 2));

    // One chain through both PCs' entries (the drafts here carry no handover record, so the
    // derived tables are not compared).
    let v = handover_core::store::verify_chain(&store).unwrap();
    assert_eq!(v.entries, before + 6);
    assert_eq!(store.ledger_head().unwrap().unwrap().0, before + 6);
}

/// On the shared store a pack's customers are indexed through its handover's own customer
/// rows, not copied into `ledger_customers` under the ledger's lock (schema 7): the history
/// still shows the pack, and `ledger verify` still catches the index edited either way. The
/// rule a foreign key kept (no customer row without its handover, no handover removed from
/// under its customers) holds, checked once per statement.
#[test]
fn a_packs_customers_are_indexed_through_its_handover_rows() {
    let Some(s) = Shared::new() else { return };
    let (staff, h) = one_pack_recorded(&s);
    let seq = h.ledger_seq;
    let history: Vec<u64> = staff
        .store()
        .entries_for_customer("C0001")
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert!(history.contains(&seq), "{history:?} lacks {seq}");
    let o = s.pg.owner();
    let sql = |q: &str| s.pg.psql(&o, q);
    assert_eq!(
        sql(&format!(
            "SELECT count(*) FROM ledger_customers WHERE seq = {seq}"
        ))
        .unwrap(),
        "0"
    );
    ops::verify_ledger(&staff).unwrap();
    let derived = |what: &str| match ops::verify_ledger(&staff) {
        Err(Error::DerivedMismatch { table, reason }) => (table, reason),
        other => panic!("{what}: {other:?}"),
    };

    sql(&format!(
        "INSERT INTO ledger_customers VALUES ('C0001', {seq})"
    ))
    .unwrap();
    let (table, reason) = derived("a pack indexed twice");
    assert_eq!(table, "ledger_customers", "{reason}");
    sql(&format!("DELETE FROM ledger_customers WHERE seq = {seq}")).unwrap();
    ops::verify_ledger(&staff).unwrap();

    let row = format!("'{}', 'C0002', 1, 'name'", h.id);
    sql(&format!("INSERT INTO handover_customers VALUES ({row})")).unwrap();
    derived("a customer added to a pack");
    sql(&format!(
        "DELETE FROM handover_customers WHERE handover_id = '{}' AND customer_id = 'C0002'",
        h.id
    ))
    .unwrap();
    ops::verify_ledger(&staff).unwrap();

    let e = sql("INSERT INTO handover_customers VALUES ('HO-2026-999999', 'C0001', 0, 'name')")
        .unwrap_err();
    assert!(e.contains("only with the handover"), "{e}");
    let e = sql(&format!("DELETE FROM handovers WHERE id = '{}'", h.id)).unwrap_err();
    assert!(e.contains("only after its customers"), "{e}");
    let e = sql(&format!(
        "UPDATE handovers SET id = 'HO-2026-999999' WHERE id = '{}'",
        h.id
    ))
    .unwrap_err();
    assert!(e.contains("renumbered only without customers"), "{e}");
    let e = sql(&format!(
        "UPDATE handover_customers SET handover_id = 'HO-2026-999999' WHERE handover_id = '{}'",
        h.id
    ))
    .unwrap_err();
    assert!(e.contains("only with the handover"), "{e}");
    ops::verify_ledger(&staff).unwrap();
}
