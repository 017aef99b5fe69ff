//! Sign-in on the embedded store (issue 13): the first admin, passwords, lockout, and the roles
//! the core enforces.

use std::sync::Arc;

use handover_core::operators::Role;
use handover_core::ops::{self, Office};
use handover_core::report::Lang;
use handover_core::requests::Scope;
use handover_core::{ContractorInput, DataDir, Error, Policy};

use crate::support::{
    self, ADMIN, OPERATOR, PASSWORD, TestOffice, clock, entries, new_recipient, password,
    request_input, snapshot,
};

fn at(s: &str) -> jiff::Timestamp {
    s.parse().expect("timestamp")
}

/// Sign `name` in on the test office at `now` (through its vault: one Argon2id run).
fn sign_in_at(t: &TestOffice, name: &str, pw: &str, now: &str) -> handover_core::Result<Office> {
    let dir = DataDir::new(t.data());
    ops::sign_in_at(dir, name, &password(pw), at(now)).map(|o| o.with_clock(Arc::new(clock())))
}

fn kinds(office: &Office) -> Vec<String> {
    entries(office).into_iter().map(|e| e.kind).collect()
}

fn contractor() -> ContractorInput {
    ContractorInput {
        name: "架空電設株式会社".into(),
        address: None,
        contact: None,
        recipients: vec![new_recipient()],
        agreement_signed: "2026-04-01".into(),
        agreement_expires: "2027-03-31".into(),
    }
}

/// An office with an admin, a manager `joshi` and a staff member `tanto`.
fn office_with_people() -> TestOffice {
    let mut t = TestOffice::with_admin();
    t.import_ok(&support::register("basic_utf8.csv"));
    for (name, role) in [("joshi", Role::Manager), ("tanto", Role::Staff)] {
        ops::operator_add(&mut t.office, name, role, &password(PASSWORD)).expect("add");
    }
    t
}

#[test]
fn the_first_admin_creates_the_office_and_is_signed_in_and_recorded() {
    let t = TestOffice::with_admin();
    assert_eq!(t.office.operator(), ADMIN);
    assert_eq!(t.office.role().unwrap(), Role::Admin);
    assert_eq!(
        kinds(&t.office),
        ["operator.added", "operator.signed_in", "office.initialized"]
    );
    assert!(entries(&t.office).iter().all(|e| e.actor == ADMIN));
    // The password is nowhere in the ledger or the store file.
    let db = std::fs::read(DataDir::new(t.data()).db_path()).unwrap();
    assert!(!support::contains_bytes(&db, PASSWORD.as_bytes()));
    ops::verify_ledger(&t.office).expect("the chain and derived tables verify");
    // A second first admin is refused, and changes nothing.
    let before = snapshot(&t.office);
    let e = ops::init_admin(DataDir::new(t.data()), "other", &password(PASSWORD)).unwrap_err();
    assert!(e.to_string().contains("already has its operators"), "{e}");
    assert_eq!(snapshot(&t.office), before);
}

#[test]
fn an_office_with_operators_opens_only_for_a_signed_in_person() {
    let t = TestOffice::with_admin();
    let embedded = ops::StoreChoice::Embedded;
    let e = ops::open_office(DataDir::new(t.data()), &embedded, None, Some("anyone")).unwrap_err();
    assert!(matches!(e, Error::SignInRequired(_)), "{e}");
    assert_eq!(e.code(), "sign_in_required");
    let e = ops::open_office(DataDir::new(t.data()), &embedded, None, None).unwrap_err();
    assert!(matches!(e, Error::SignInRequired(_)), "{e}");
    let o = ops::sign_in(DataDir::new(t.data()), ADMIN, &password(PASSWORD)).unwrap();
    assert_eq!((o.operator(), o.role().unwrap()), (ADMIN, Role::Admin));
}

#[test]
fn wrong_passwords_and_unknown_names_are_refused_alike_and_recorded_without_the_password() {
    let t = TestOffice::with_admin();
    let wrong = "wrong password 999";
    let e = sign_in_at(&t, ADMIN, wrong, "2026-11-23T09:00:00Z").unwrap_err();
    assert!(matches!(e, Error::SignInFailed(_)), "{e}");
    let e2 = sign_in_at(&t, "nobody", wrong, "2026-11-23T09:00:01Z").unwrap_err();
    assert_eq!(e2.code(), e.code());
    assert!(e2.is_denied());
    // A name that could never be an operator is bad input: refused, not recorded.
    let e3 = sign_in_at(&t, "not\u{7}a name", wrong, "2026-11-23T09:00:02Z").unwrap_err();
    assert_eq!(e3.code(), "operator_name");
    // The store is not read before a password unlocks it: the refusals wait in the vault file
    // (without the password) and reach the ledger with the next successful sign-in.
    let before = entries(&t.office).len();
    let vault = std::fs::read(t.data().join("vault.json")).unwrap();
    assert!(!support::contains_bytes(&vault, wrong.as_bytes()));
    let o = sign_in_at(&t, ADMIN, PASSWORD, "2026-11-23T09:00:03Z").unwrap();
    let all = entries(&o);
    assert_eq!(all.len(), before + 3);
    let failed: Vec<_> = all
        .iter()
        .filter(|e| e.kind == "operator.sign_in_failed")
        .collect();
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[0].actor, ADMIN);
    assert_eq!(failed[1].actor, "nobody");
    for (f, when) in failed.iter().zip(["09:00:00", "09:00:01"]) {
        let payload = f.payload.as_deref().unwrap();
        assert!(payload.contains("\"failed\":true"), "{payload}");
        assert!(
            payload.contains(&format!("\"attemptedAt\":\"2026-11-23T{when}Z\"")),
            "{payload}"
        );
        assert!(!payload.contains(wrong), "{payload}");
    }
    assert_eq!(all.last().unwrap().kind, "operator.signed_in");
    ops::verify_ledger(&o).expect("the chain and derived tables verify");
    // Recorded once: the next sign-in adds only itself.
    drop(o);
    let o = sign_in_at(&t, ADMIN, PASSWORD, "2026-11-23T09:00:04Z").unwrap();
    assert_eq!(entries(&o).len(), before + 4);
}

#[test]
fn five_wrong_passwords_lock_the_operator_for_the_policys_minutes() {
    let t = TestOffice::with_admin();
    let wrong = "wrong password 999";
    for i in 0..4 {
        let e = sign_in_at(&t, ADMIN, wrong, &format!("2026-11-23T09:00:0{i}Z")).unwrap_err();
        assert!(matches!(e, Error::SignInFailed(_)), "attempt {i}: {e}");
    }
    let e = sign_in_at(&t, ADMIN, wrong, "2026-11-23T09:00:04Z").unwrap_err();
    let Error::OperatorLocked { operator, until } = &e else {
        panic!("{e}")
    };
    assert_eq!(
        (operator.as_str(), until.to_string().as_str()),
        (ADMIN, "2026-11-23T09:15:04Z")
    );
    assert_eq!(e.code(), "operator_locked");
    // Even the right password is refused during the lock, and the try is recorded.
    let e = sign_in_at(&t, ADMIN, PASSWORD, "2026-11-23T09:15:03Z").unwrap_err();
    assert!(matches!(e, Error::OperatorLocked { .. }), "{e}");
    // After the lock the right password works, every refusal is recorded, and the count
    // starts again.
    let o = sign_in_at(&t, ADMIN, PASSWORD, "2026-11-23T09:15:05Z").unwrap();
    assert_eq!(o.operator(), ADMIN);
    let k = kinds(&o);
    assert_eq!(k.iter().filter(|k| *k == "operator.locked").count(), 1);
    assert_eq!(
        k.iter().filter(|k| *k == "operator.sign_in_failed").count(),
        6
    );
    drop(o);
    let e = sign_in_at(&t, ADMIN, wrong, "2026-11-23T09:16:00Z").unwrap_err();
    assert!(matches!(e, Error::SignInFailed(_)), "{e}");
}

#[test]
fn the_lockout_follows_the_policy_in_force() {
    let mut t = TestOffice::with_admin();
    let mut p = ops::policy(&t.office).unwrap();
    p.sign_in.lockout_attempts = 3;
    p.sign_in.lockout_minutes = 60;
    p.sign_in.idle_lock_minutes = 5;
    ops::policy_save(&mut t.office, &p).unwrap();
    assert_eq!(t.office.idle_lock_minutes().unwrap(), 5);
    for i in 0..2 {
        let e = sign_in_at(
            &t,
            ADMIN,
            "wrong password 999",
            &format!("2026-11-23T10:00:0{i}Z"),
        );
        assert!(matches!(e.unwrap_err(), Error::SignInFailed(_)));
    }
    let e = sign_in_at(&t, ADMIN, "wrong password 999", "2026-11-23T10:00:02Z").unwrap_err();
    assert!(
        matches!(&e, Error::OperatorLocked { until, .. } if until.to_string() == "2026-11-23T11:00:02Z"),
        "{e}"
    );
}

#[test]
fn sign_in_numbers_outside_their_bounds_are_refused() {
    for (field, value) in [
        ("idle", 0),
        ("idle", 241),
        ("attempts", 2),
        ("attempts", 21),
        ("minutes", 0),
        ("minutes", 1441),
    ] {
        let mut p = Policy::default();
        match field {
            "idle" => p.sign_in.idle_lock_minutes = value,
            "attempts" => p.sign_in.lockout_attempts = value,
            _ => p.sign_in.lockout_minutes = value,
        }
        let e = p.validate().unwrap_err();
        assert!(e.to_string().contains("sign_in."), "{field} {value}: {e}");
    }
    assert_eq!(Policy::default().sign_in.idle_lock_minutes, 15);
    assert_eq!(Policy::default().sign_in.lockout_attempts, 5);
}

#[test]
fn staff_may_not_decide_edit_the_policy_or_roster_purge_or_export_and_nothing_changes() {
    let t = office_with_people();
    let mut staff = sign_in_at(&t, "tanto", PASSWORD, "2026-11-23T09:00:00Z").unwrap();
    assert_eq!(staff.role().unwrap(), Role::Staff);
    // Staff register a customer's request (their work), but may not decide it.
    let input = request_input("T001", Scope::All, "2026-11-23", "phone", None);
    let req = ops::request_add(&mut staff, &input).unwrap();
    let before = snapshot(&staff);
    let refusals: Vec<(&str, Error)> = vec![
        (
            "decide",
            ops::request_decide(&mut staff, &req.id, true, None).unwrap_err(),
        ),
        (
            "notify",
            ops::request_notify(&mut staff, &req.id, "2026-11-23", "phone".parse().unwrap())
                .unwrap_err(),
        ),
        ("policy", {
            let mut p = ops::policy(&staff).unwrap();
            p.return_days += 1;
            ops::policy_save(&mut staff, &p).unwrap_err()
        }),
        (
            "roster",
            ops::contractor_add(&mut staff, &contractor()).unwrap_err(),
        ),
        ("purge", ops::purge(&mut staff, "2026-11-23").unwrap_err()),
        (
            "export",
            ops::export_ledger(&mut staff, &t.scratch().join("ledger.jsonl")).unwrap_err(),
        ),
        (
            "operator",
            ops::operator_add(&mut staff, "shinjin", Role::Staff, &password(PASSWORD)).unwrap_err(),
        ),
        (
            "disable",
            ops::operator_disable(&mut staff, "joshi").unwrap_err(),
        ),
        ("list", ops::operator_list(&staff).map(|_| ()).unwrap_err()),
    ];
    for (what, e) in &refusals {
        assert!(
            matches!(
                e,
                Error::RoleRequired {
                    role: Role::Staff,
                    ..
                }
            ),
            "{what}: {e}"
        );
        assert_eq!(e.code(), "role_required", "{what}");
    }
    assert_eq!(snapshot(&staff), before);
    assert!(!t.scratch().join("ledger.jsonl").exists());
}

#[test]
fn a_manager_decides_and_edits_the_roster_but_only_an_admin_manages_people() {
    let t = office_with_people();
    let mut boss = sign_in_at(&t, "joshi", PASSWORD, "2026-11-23T09:00:00Z").unwrap();
    let c = ops::contractor_add(&mut boss, &contractor()).unwrap();
    assert_eq!(c.id, "CTR-0001");
    let input = request_input("T001", Scope::All, "2026-11-23", "phone", None);
    let req = ops::request_add(&mut boss, &input).unwrap();
    let decided = ops::request_decide(&mut boss, &req.id, true, None).unwrap();
    assert_ne!(decided.status, req.status);
    let e = ops::operator_add(&mut boss, "shinjin", Role::Staff, &password(PASSWORD)).unwrap_err();
    assert!(
        matches!(
            e,
            Error::RoleRequired {
                needed: Role::Admin,
                role: Role::Manager,
                ..
            }
        ),
        "{e}"
    );
    let added = entries(&boss)
        .into_iter()
        .find(|e| e.kind == "contractor.added")
        .unwrap();
    assert_eq!(added.actor, "joshi");
}

#[test]
fn the_admin_lists_and_disables_people_but_never_themselves() {
    let mut t = office_with_people();
    let list = ops::operator_list(&t.office).unwrap();
    let names: Vec<_> = list
        .iter()
        .map(|o| (o.name.as_str(), o.role, o.active))
        .collect();
    assert_eq!(
        names,
        [
            ("joshi", Role::Manager, true),
            (ADMIN, Role::Admin, true),
            ("tanto", Role::Staff, true)
        ]
    );
    let e =
        ops::operator_add(&mut t.office, "tanto", Role::Staff, &password(PASSWORD)).unwrap_err();
    assert!(e.to_string().contains("already exists"), "{e}");
    assert_eq!(e.code(), "operator_refused");
    assert!(
        e.detail(Lang::Ja)
            .contains("ログイン名 tanto はすでにあります")
    );
    let e =
        ops::operator_add(&mut t.office, "short", Role::Staff, &password("too short")).unwrap_err();
    assert!(e.to_string().contains("12 characters"), "{e}");
    let e = ops::operator_disable(&mut t.office, ADMIN).unwrap_err();
    assert!(e.to_string().contains("is signed in"), "{e}");
    ops::operator_add(&mut t.office, "kanri2", Role::Admin, &password(PASSWORD)).unwrap();
    let mut second = sign_in_at(&t, "kanri2", PASSWORD, "2026-11-23T09:00:00Z").unwrap();
    ops::operator_disable(&mut second, ADMIN).unwrap();
    let e = ops::operator_disable(&mut second, "kanri2").unwrap_err();
    assert!(e.to_string().contains("is signed in"), "{e}");
    // The disabled admin's open session keeps no rights.
    assert_eq!(t.office.role().unwrap(), Role::Staff);
    let e = ops::operator_disable(&mut second, "nobody").unwrap_err();
    assert!(e.to_string().contains("no operator named nobody"), "{e}");
    ops::operator_disable(&mut second, "tanto").unwrap();
    let e = sign_in_at(&t, "tanto", PASSWORD, "2026-11-23T09:00:00Z").unwrap_err();
    assert!(matches!(e, Error::SignInFailed(_)), "{e}");
    let e = ops::operator_disable(&mut second, "tanto").unwrap_err();
    assert!(e.to_string().contains("already disabled"), "{e}");
    assert_eq!(e.code(), "operator_refused");
    assert!(e.is_bad_input());
}

#[test]
fn an_office_from_before_sign_in_gets_its_admin_and_keeps_its_data_and_history() {
    let mut old = TestOffice::initialized();
    old.import_ok(&support::register("basic_utf8.csv"));
    let before = entries(&old.office);
    let keys = ops::office_keys(&old.office).unwrap();
    let data = old.data();
    drop(old.office);
    // An office made before sign-in existed has no one on its roster (migration 0007 added an
    // empty table): empty this one's.
    rusqlite::Connection::open(DataDir::new(&data).db_path())
        .unwrap()
        .execute("DELETE FROM operators", [])
        .unwrap();
    // Nothing opens it, not even with a name: it first gets its admin.
    let e = ops::open_office(
        DataDir::new(&data),
        &ops::StoreChoice::Embedded,
        None,
        Some(OPERATOR),
    )
    .unwrap_err();
    assert_eq!(e.code(), "no_admin");
    let e = ops::sign_in(DataDir::new(&data), ADMIN, &password(PASSWORD)).unwrap_err();
    assert_eq!(e.code(), "no_admin");
    let (office, report) =
        ops::init_admin(DataDir::new(&data), ADMIN, &password(PASSWORD)).unwrap();
    assert_eq!(report.keys, keys);
    let after = entries(&office);
    assert_eq!(&after[..before.len()], &before[..]);
    assert_eq!(
        after[before.len()..]
            .iter()
            .map(|e| e.kind.as_str())
            .collect::<Vec<_>>(),
        [
            "operator.added",
            "operator.signed_in",
            "office.encrypted_at_rest"
        ]
    );
    // The admin's data key encrypted the old store at once.
    let db = DataDir::new(&data).db_path();
    assert_eq!(
        handover_core::store::file_kind(&db).unwrap(),
        handover_core::store::FileKind::Encrypted
    );
    assert!(ops::customers(&office, "", None).unwrap().len() > 1);
    ops::verify_ledger(&office).expect("the chain and derived tables verify");
    // From now on a typed name no longer opens it.
    drop(office);
    let e = ops::open_office(
        DataDir::new(&data),
        &ops::StoreChoice::Embedded,
        None,
        Some(OPERATOR),
    )
    .unwrap_err();
    assert_eq!(e.code(), "sign_in_required");
}

/// What the app is told about a signed-in person on this PC's store: their role and its rights,
/// and no office server (the store is the file in the data folder, not a server).
#[test]
fn office_info_on_the_embedded_store_gives_the_signed_in_rights_and_no_server() {
    let t = office_with_people();
    let staff = sign_in_at(&t, "tanto", PASSWORD, "2026-11-23T09:00:00Z").unwrap();
    let info = ops::office_info(&staff).unwrap();
    assert_eq!(
        (info.operator.as_str(), info.role),
        ("tanto", Some(Role::Staff))
    );
    assert!(!info.rights.decide_requests && !info.rights.manage_operators);
    assert_eq!(info.server, None);
    let info = ops::office_info(&t.office).unwrap();
    assert_eq!(info.role, Some(Role::Admin));
    assert!(info.rights.manage_operators && info.rights.purge);
    assert_eq!(info.server, None);
}

#[test]
fn names_may_be_japanese_and_sign_in_however_they_are_typed() {
    let mut t = TestOffice::with_admin();
    // が typed as か + a combining mark (NFD, as some systems send it) is kept as one が.
    ops::operator_add(
        &mut t.office,
        " かき\u{3099} 次郎 ",
        Role::Staff,
        &password(PASSWORD),
    )
    .unwrap();
    let names: Vec<String> = ops::operator_list(&t.office)
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert!(names.contains(&"かぎ 次郎".to_string()), "{names:?}");
    for typed in ["かぎ 次郎", "かき\u{3099} 次郎", "  かぎ 次郎"] {
        let o = sign_in_at(&t, typed, PASSWORD, "2026-11-23T09:00:00Z").unwrap();
        assert_eq!(o.operator(), "かぎ 次郎");
    }
    // The same person cannot be added twice under another spelling.
    let e = ops::operator_add(&mut t.office, "かぎ 次郎", Role::Staff, &password(PASSWORD));
    assert!(e.is_err());
}

#[test]
fn names_that_are_not_names_are_refused_and_change_nothing() {
    let mut t = TestOffice::with_admin();
    let before = snapshot(&t.office);
    let long = "長".repeat(33);
    for bad in [
        "",
        "  ",
        "田\u{200B}中",
        "田\n中",
        "\u{202E}tanaka",
        long.as_str(),
    ] {
        let e =
            ops::operator_add(&mut t.office, bad, Role::Staff, &password(PASSWORD)).unwrap_err();
        assert_eq!(e.code(), "operator_name", "{bad:?}: {e}");
    }
    // A short password is refused with its own code, and says how long it must be.
    let e = ops::operator_add(&mut t.office, "短い", Role::Staff, &password("short")).unwrap_err();
    assert_eq!(e.code(), "password_too_short");
    assert!(e.to_string().contains("12"), "{e}");
    assert_eq!(snapshot(&t.office), before);
}

#[test]
fn a_second_first_admin_is_refused_and_changes_nothing() {
    let t = TestOffice::with_admin();
    let before = snapshot(&t.office);
    let e = ops::first_admin(DataDir::new(t.data()), "二人目", &password(PASSWORD)).unwrap_err();
    assert_eq!(e.code(), "admin_exists");
    let e = ops::init_admin(DataDir::new(t.data()), "二人目", &password(PASSWORD)).unwrap_err();
    assert_eq!(e.code(), "admin_exists");
    assert_eq!(snapshot(&t.office), before);
}

#[test]
fn the_lock_says_until_when_in_local_time_in_each_language() {
    let until: jiff::Timestamp = "2026-11-23T09:15:04Z".parse().unwrap();
    let e = Error::OperatorLocked {
        operator: "田中".into(),
        until,
    };
    let local = until.to_zoned_datetime(jiff::tz::TimeZone::system());
    let ja = e.detail(handover_core::report::Lang::Ja);
    assert!(
        ja.contains(&format!(
            "{}年{}月{}日 ",
            local.year(),
            local.month(),
            local.day()
        )) && ja.contains(&format!("{:02}:{:02}", local.hour(), local.minute()))
            && !ja.contains("2026-11-23T"),
        "{ja}"
    );
    let en = e.to_string();
    assert!(
        en.contains("(local time)") && !en.contains("T09:15:04Z"),
        "{en}"
    );
}
