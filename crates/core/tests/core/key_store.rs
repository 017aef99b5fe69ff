//! Opening a one-PC office without typing (issue 14): an operator's secret in the OS key store
//! unwraps the data key for them on this PC. Here the key store is a map in memory (the OS one
//! needs a desktop session; the CLI's test drives the real Secret Service): what is checked is
//! what the office does with it — who it opens for, what is recorded, what a loss of the
//! secret, a stale or foreign one, a failing key store, `off`, a disabled operator and the leak
//! report make of it.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use handover_core::operators::Role;
use handover_core::ops::{self, Office};
use handover_core::os_key_store::KeyStore;
use handover_core::{DataDir, Error};
use zeroize::Zeroizing;

use crate::support::{self, ADMIN, PASSWORD, TestOffice, entries, password};

/// A key store in memory; `broken` makes every call fail as a locked key store would.
#[derive(Default)]
struct Memory {
    kept: RefCell<BTreeMap<String, Vec<u8>>>,
    broken: Cell<bool>,
}

impl Memory {
    fn check(&self) -> handover_core::Result<()> {
        match self.broken.get() {
            true => Err(Error::KeyStoreUnavailable {
                reason: "the collection is locked".into(),
            }),
            false => Ok(()),
        }
    }
}

impl KeyStore for Memory {
    fn kind(&self) -> &'static str {
        "test key store"
    }
    fn get(&self, account: &str) -> handover_core::Result<Option<Zeroizing<Vec<u8>>>> {
        self.check()?;
        Ok(self.kept.borrow().get(account).cloned().map(Zeroizing::new))
    }
    fn set(&self, account: &str, secret: &[u8]) -> handover_core::Result<()> {
        self.check()?;
        self.kept
            .borrow_mut()
            .insert(account.to_string(), secret.to_vec());
        Ok(())
    }
    fn delete(&self, account: &str) -> handover_core::Result<()> {
        self.check()?;
        self.kept.borrow_mut().remove(account);
        Ok(())
    }
}

fn dir(t: &TestOffice) -> DataDir {
    DataDir::new(t.data())
}

fn kinds(office: &Office) -> Vec<String> {
    entries(office).into_iter().map(|e| e.kind).collect()
}

/// The office with `tanto` (staff) added; the admin signed in.
fn office() -> TestOffice {
    let mut t = TestOffice::with_admin();
    ops::operator_add(&mut t.office, "tanto", Role::Staff, &password(PASSWORD)).unwrap();
    t
}

#[test]
fn an_operator_opens_the_office_from_the_key_store_and_it_is_recorded() {
    let mut t = office();
    let ks = Memory::default();
    let st = ops::remember_on_this_pc(&mut t.office, &ks).unwrap();
    assert_eq!(st.operators, [ADMIN]);
    assert_eq!(st.kind, "test key store");
    let kept = ks.kept.borrow().clone();
    let (account, secret) = kept.iter().next().expect("one entry");
    assert!(account.starts_with(&format!("{ADMIN} (")), "{account}");
    assert_eq!(secret.len(), 32);
    assert!(kinds(&t.office).contains(&"pc.key_store_enabled".to_string()));
    // Neither the secret nor anything that opens without it is in the data folder.
    for f in support::files_under(&t.data()) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(!bytes.windows(32).any(|w| w == secret.as_slice()), "{f:?}");
    }

    let office = ops::sign_in_with_key_store(dir(&t), ADMIN, &ks).unwrap();
    assert_eq!(office.operator(), ADMIN);
    let last = entries(&office).pop().unwrap();
    assert_eq!(last.kind, "operator.signed_in");
    assert!(
        last.payload
            .as_deref()
            .unwrap()
            .contains("\"via\":\"os_key_store\""),
        "{last:?}"
    );
    // Its data opens: the register is there.
    assert!(office.store().search_customers("", None).is_ok());

    // Someone else is not let in by the admin's entry; nothing is recorded for them.
    let before = entries(&office).len();
    let e = ops::sign_in_with_key_store(dir(&t), "tanto", &ks).unwrap_err();
    assert_eq!(e.code(), "key_store_no_entry");
    assert!(e.is_denied());
    let again = ops::sign_in(dir(&t), "tanto", &password(PASSWORD)).unwrap();
    assert_eq!(
        entries(&again).len(),
        before + 1,
        "only tanto's password sign-in"
    );
}

#[test]
fn a_lost_stale_or_foreign_secret_opens_nothing_and_the_password_still_does() {
    let mut t = office();
    let ks = Memory::default();
    ops::remember_on_this_pc(&mut t.office, &ks).unwrap();
    let account = ks.kept.borrow().keys().next().unwrap().clone();
    let refused = |ks: &Memory| {
        let e = ops::sign_in_with_key_store(dir(&t), ADMIN, ks).unwrap_err();
        assert_eq!(e.code(), "key_store_no_entry", "{e}");
    };

    // Another secret under the same account (another office's, or written over).
    ks.kept.borrow_mut().insert(account.clone(), vec![7; 32]);
    refused(&ks);
    // The entry deleted by hand in the key store.
    ks.kept.borrow_mut().clear();
    refused(&ks);
    // A key store that cannot be used says so.
    ks.broken.set(true);
    let e = ops::sign_in_with_key_store(dir(&t), ADMIN, &ks).unwrap_err();
    assert_eq!(e.code(), "key_store_unavailable");
    ops::sign_in(dir(&t), ADMIN, &password(PASSWORD)).unwrap();

    // Turned on again: a new entry, the old account's gone.
    ks.broken.set(false);
    let mut o = ops::sign_in(dir(&t), ADMIN, &password(PASSWORD)).unwrap();
    ops::remember_on_this_pc(&mut o, &ks).unwrap();
    ops::remember_on_this_pc(&mut o, &ks).unwrap();
    assert_eq!(ks.kept.borrow().len(), 1, "the earlier entry was removed");
    ops::sign_in_with_key_store(dir(&t), ADMIN, &ks).unwrap();
}

#[test]
fn a_failing_key_store_changes_nothing_and_off_removes_the_way_in() {
    let mut t = office();
    let ks = Memory::default();
    ks.broken.set(true);
    let vault_before = std::fs::read(t.data().join("vault.json")).unwrap();
    let ledger_before = entries(&t.office).len();
    let e = ops::remember_on_this_pc(&mut t.office, &ks).unwrap_err();
    assert_eq!(e.code(), "key_store_unavailable");
    assert_eq!(
        std::fs::read(t.data().join("vault.json")).unwrap(),
        vault_before
    );
    assert_eq!(entries(&t.office).len(), ledger_before);
    assert!(ops::key_store_operators(&dir(&t)).unwrap().is_empty());

    ks.broken.set(false);
    ops::remember_on_this_pc(&mut t.office, &ks).unwrap();
    let (account, secret) = ks
        .kept
        .borrow()
        .iter()
        .map(|(a, s)| (a.clone(), s.clone()))
        .next()
        .unwrap();
    let st = ops::forget_on_this_pc(&mut t.office, &ks).unwrap();
    assert!(st.operators.is_empty());
    assert!(ks.kept.borrow().is_empty(), "the entry is deleted");
    assert!(kinds(&t.office).contains(&"pc.key_store_disabled".to_string()));
    // The secret, copied out of the key store before and put back, opens nothing any more:
    // its wrap is gone from the vault.
    ks.kept.borrow_mut().insert(account, secret);
    let e = ops::sign_in_with_key_store(dir(&t), ADMIN, &ks).unwrap_err();
    assert_eq!(e.code(), "key_store_no_entry");
    // Nothing to forget changes nothing.
    let n = entries(&t.office).len();
    ops::forget_on_this_pc(&mut t.office, &ks).unwrap();
    assert_eq!(entries(&t.office).len(), n);
}

#[test]
fn a_disabled_operators_entry_opens_nothing() {
    let t = office();
    let ks = Memory::default();
    let mut tanto = ops::sign_in(dir(&t), "tanto", &password(PASSWORD)).unwrap();
    ops::remember_on_this_pc(&mut tanto, &ks).unwrap();
    ops::sign_in_with_key_store(dir(&t), "tanto", &ks).unwrap();
    let mut admin = ops::sign_in(dir(&t), ADMIN, &password(PASSWORD)).unwrap();
    ops::operator_disable(&mut admin, "tanto").unwrap();
    let e = ops::sign_in_with_key_store(dir(&t), "tanto", &ks).unwrap_err();
    assert!(e.is_denied(), "{e}");
    assert!(ops::key_store_operators(&dir(&t)).unwrap().is_empty());
}

#[test]
fn the_leak_report_counts_a_pc_with_a_key_store_entry_as_holding_its_key() {
    use handover_core::report::{DeviceReason, LeakQuery};
    let mut t = office();
    t.import_ok(&support::register("basic.tsv"));
    let q = LeakQuery {
        lost_device: true,
        ..Default::default()
    };
    let ks = Memory::default();
    ops::remember_on_this_pc(&mut t.office, &ks).unwrap();
    let d = ops::leak_report(&mut t.office, &q).unwrap().device.unwrap();
    assert!(!d.exempt && d.key_on_device, "{d:?}");
    assert!(
        d.reasons
            .contains(&DeviceReason::KeyInOsKeyStore { count: 1 })
    );
    assert!(!d.reasons.contains(&DeviceReason::KeyKeptApart));
    ops::forget_on_this_pc(&mut t.office, &ks).unwrap();
    let d = ops::leak_report(&mut t.office, &q).unwrap().device.unwrap();
    assert!(d.exempt && !d.key_on_device, "{d:?}");
}
