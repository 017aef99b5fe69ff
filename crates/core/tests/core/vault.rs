//! Encryption at rest, part 1 (issue 14): the data key wrapped per operator and for the recovery
//! key in `vault.json`; each password unlocks, a wrong one changes nothing, damage and loss are
//! told apart, a new password rewraps, the recovery key sets a new one.

use handover_core::operators::Role;
use handover_core::ops::{self, Office};
use handover_core::{DataDir, Error};

use crate::support::{self, ADMIN, PASSWORD, TestOffice, entries, password, snapshot};

const NEW_PASSWORD: &str = "a new password 5678";

fn dir(t: &TestOffice) -> DataDir {
    DataDir::new(t.data())
}

fn vault_path(t: &TestOffice) -> std::path::PathBuf {
    t.data().join("vault.json")
}

fn vault_json(t: &TestOffice) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(vault_path(t)).unwrap()).unwrap()
}

fn sign_in(t: &TestOffice, name: &str, pw: &str) -> handover_core::Result<Office> {
    ops::sign_in(dir(t), name, &password(pw))
}

/// The admin's old password no longer opens the office, the new one does, and tanto's still
/// does (the data key is the same).
fn admin_password_is_now(t: &TestOffice, new: &str) {
    let e = sign_in(t, ADMIN, PASSWORD).unwrap_err();
    assert_eq!(e.code(), "sign_in_failed");
    sign_in(t, ADMIN, new).unwrap();
    sign_in(t, "tanto", PASSWORD).unwrap();
}

/// A new office with its recovery key as printed, and a staff member `tanto`.
fn office() -> (TestOffice, String) {
    let tmp = tempfile::tempdir().unwrap();
    let (mut office, report) = ops::init_admin(
        DataDir::new(tmp.path().join("data")),
        ADMIN,
        &password(PASSWORD),
    )
    .unwrap();
    ops::operator_add(&mut office, "tanto", Role::Staff, &password(PASSWORD)).unwrap();
    let recovery = report
        .recovery_key
        .expect("a new office prints its recovery key");
    (TestOffice { tmp, office }, recovery)
}

/// Everything a refusal must leave as it was: the vault file and the ledger.
fn state(t: &TestOffice) -> (Vec<u8>, support::Snapshot) {
    (std::fs::read(vault_path(t)).unwrap(), snapshot(&t.office))
}

#[test]
fn a_new_office_has_a_vault_with_one_wrap_per_operator_and_the_recovery_key_once() {
    let (t, recovery) = office();
    assert_eq!(recovery.len(), 9 * 4 + 8, "{recovery}");
    assert!(t.office.encrypted_at_rest());
    let v = vault_json(&t);
    assert_eq!(v["format"], "handover-vault/1");
    let holders: Vec<&str> = v["wraps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["holder"].as_str().unwrap())
        .collect();
    assert_eq!(holders, ["operator:kanri", "recovery", "operator:tanto"]);
    let text = std::fs::read_to_string(vault_path(&t)).unwrap();
    assert!(!text.contains(PASSWORD) && !text.contains(&recovery));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(vault_path(&t))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Printed once: the office that made it no longer holds it.
    let mut o = t.office;
    assert!(o.take_recovery_key().is_none());
}

#[test]
fn each_operators_password_unlocks_the_office_and_a_wrong_one_changes_nothing() {
    let (t, _) = office();
    for name in [ADMIN, "tanto"] {
        let o = sign_in(&t, name, PASSWORD).unwrap();
        assert_eq!(o.operator(), name);
        assert!(o.encrypted_at_rest());
    }
    let ledger = snapshot(&t.office);
    let wraps = vault_json(&t)["wraps"].clone();
    let e = sign_in(&t, "tanto", "not the password").unwrap_err();
    assert_eq!(e.code(), "sign_in_failed");
    let e = sign_in(&t, "nobody", PASSWORD).unwrap_err();
    assert_eq!(e.code(), "sign_in_failed");
    assert_eq!(snapshot(&t.office), ledger);
    // The wraps are the same: only the count of refusals moved.
    let v = vault_json(&t);
    assert_eq!(v["wraps"], wraps);
    assert_eq!(v["pending"].as_array().unwrap().len(), 2);
}

#[test]
fn a_disabled_operator_loses_their_wrap() {
    let (mut t, _) = office();
    ops::operator_disable(&mut t.office, "tanto").unwrap();
    assert!(!vault_json(&t).to_string().contains("operator:tanto"));
    let e = sign_in(&t, "tanto", PASSWORD).unwrap_err();
    assert_eq!(e.code(), "sign_in_failed");
}

#[test]
fn a_new_password_rewraps_the_key_and_a_wrong_current_one_changes_nothing() {
    let (mut t, _) = office();
    let before = state(&t);
    let e = ops::change_password(
        &mut t.office,
        &password("wrong one 12345"),
        &password(NEW_PASSWORD),
    )
    .unwrap_err();
    assert_eq!(e.code(), "sign_in_failed");
    let e =
        ops::change_password(&mut t.office, &password(PASSWORD), &password("short")).unwrap_err();
    assert_eq!(e.code(), "password_too_short");
    assert_eq!(state(&t), before);
    let tanto_wrap = vault_json(&t)["wraps"][2].clone();
    ops::change_password(&mut t.office, &password(PASSWORD), &password(NEW_PASSWORD)).unwrap();
    let last = entries(&t.office).pop().unwrap();
    assert_eq!(last.kind, "operator.password_changed");
    assert!(!last.payload.unwrap().contains(NEW_PASSWORD));
    // Only the admin's wrap changed; the data key is the same (tanto still unlocks it).
    assert_eq!(vault_json(&t)["wraps"][2], tanto_wrap);
    admin_password_is_now(&t, NEW_PASSWORD);
}

#[test]
fn the_recovery_key_sets_a_new_password_and_a_typo_or_another_offices_key_changes_nothing() {
    let (t, recovery) = office();
    let (other, other_recovery) = office();
    drop(other);
    let before = state(&t);
    let mut typo: Vec<char> = recovery.chars().collect();
    typo[0] = if typo[0] == 'A' { 'B' } else { 'A' };
    let typo: String = typo.into_iter().collect();
    let new = password(NEW_PASSWORD);
    for (key, code) in [
        (typo.as_str(), "recovery_key_typo"),
        ("", "recovery_key_typo"),
        (other_recovery.as_str(), "recovery_key_wrong"),
    ] {
        let e = ops::recover_operator(dir(&t), key, ADMIN, &new).unwrap_err();
        assert_eq!(e.code(), code, "{key}");
    }
    let e = ops::recover_operator(dir(&t), &recovery, "nobody", &new).unwrap_err();
    assert_eq!(e.code(), "sign_in_failed");
    assert_eq!(state(&t), before);

    let typed = recovery.to_lowercase().replace('-', " ");
    let o = ops::recover_operator(dir(&t), &typed, ADMIN, &new).unwrap();
    assert_eq!(o.operator(), ADMIN);
    let kinds: Vec<String> = entries(&o)
        .into_iter()
        .rev()
        .take(2)
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["operator.signed_in", "operator.password_changed"]);
    drop(o);
    admin_password_is_now(&t, NEW_PASSWORD);
}

#[test]
fn a_damaged_missing_or_foreign_vault_is_said_as_such_and_changes_nothing() {
    let (t, _) = office();
    let good = std::fs::read(vault_path(&t)).unwrap();
    let ledger = snapshot(&t.office);
    // One character of the admin's sealed key changed: damage, not a wrong password.
    let mut v = vault_json(&t);
    let sealed = v["wraps"][0]["sealed"].as_str().unwrap().to_string();
    let flipped = if sealed.starts_with('0') { "1" } else { "0" };
    v["wraps"][0]["sealed"] = format!("{flipped}{}", &sealed[1..]).into();
    std::fs::write(vault_path(&t), v.to_string()).unwrap();
    let e = sign_in(&t, ADMIN, PASSWORD).unwrap_err();
    assert!(matches!(e, Error::VaultCorrupt { .. }), "{e}");
    assert_eq!(e.code(), "vault_corrupt");
    // The other wraps still open it.
    sign_in(&t, "tanto", PASSWORD).unwrap();
    for garbage in [
        &b"{ not json"[..],
        b"{\"format\":\"handover-vault/9\"}",
        b"",
    ] {
        std::fs::write(vault_path(&t), garbage).unwrap();
        assert_eq!(
            sign_in(&t, ADMIN, PASSWORD).unwrap_err().code(),
            "vault_corrupt"
        );
    }
    std::fs::remove_file(vault_path(&t)).unwrap();
    let e = sign_in(&t, ADMIN, PASSWORD).unwrap_err();
    assert_eq!(e.code(), "vault_missing", "{e}");
    let e = ops::open_office(dir(&t), &ops::StoreChoice::Embedded, None, None).unwrap_err();
    assert_eq!(e.code(), "vault_missing", "{e}");
    // Another office's vault: its key is not this store's.
    let (other, _) = office();
    std::fs::copy(vault_path(&other), vault_path(&t)).unwrap();
    assert_eq!(
        sign_in(&t, ADMIN, PASSWORD).unwrap_err().code(),
        "vault_mismatch"
    );
    std::fs::write(vault_path(&t), &good).unwrap();
    let o = sign_in(&t, ADMIN, PASSWORD).unwrap();
    // tanto's sign-in above and this one are the only changes to the ledger.
    assert_eq!(entries(&o).len(), ledger.ledger.len() + 2);
}

#[test]
fn a_new_operator_gets_a_wrap_only_from_a_signed_in_admin_and_the_lockout_follows_the_policy() {
    let (t, _) = office();
    let mut admin = sign_in(&t, ADMIN, PASSWORD).unwrap();
    ops::operator_add(&mut admin, "joshi", Role::Manager, &password(PASSWORD)).unwrap();
    sign_in(&t, "joshi", PASSWORD).unwrap();
    let mut p = ops::policy(&admin).unwrap();
    p.sign_in.lockout_attempts = 3;
    ops::policy_save(&mut admin, &p).unwrap();
    assert_eq!(vault_json(&t)["lockout"]["attempts"], 3);
    // The store does not open without the data key at all (it is encrypted), so no office can
    // be opened around the vault to add a person.
    let before = state(&t);
    let e = handover_core::store::SqliteStore::open(&dir(&t).db_path()).unwrap_err();
    assert_eq!(e.code(), "store_encrypted");
    let after = state(&t);
    assert_eq!(after.0, before.0);
    assert_eq!(after.1.ledger.len(), before.1.ledger.len());
    assert_eq!(
        sign_in(&t, "kouji", PASSWORD).unwrap_err().code(),
        "sign_in_failed"
    );
}
