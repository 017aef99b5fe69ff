//! Encryption at rest of the embedded store (issue 14): a new office's store is SQLCipher from
//! its first page; an office of the previous version (a vault, and a plain store) is refused at
//! sign-in until it is converted, with consent; the conversion keeps the whole history, and a
//! conversion stopped at any step leaves a usable store and nothing half-converted.

use handover_core::progress::{Flow, NoProgress};
use handover_core::store::{FileKind, file_kind};
use handover_core::{DataDir, Error, ops};

use crate::support::{self, ADMIN, PASSWORD, password};

/// A name in the previous version's office, which must not be readable once converted.
const FIXTURE_NAME: &str = "見本 花子";

fn db_bytes(data: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for f in support::files_under(data) {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("handover.sqlite3") {
            all.extend(std::fs::read(&f).unwrap());
        }
    }
    all
}

/// An office as the previous version left it (`tests/fixtures/previous-version-office`): its
/// data in a plain store, operators with a vault. Returns the temp folder, the data folder and
/// the ledger's head and size as that store holds them.
fn previous_version_office() -> (tempfile::TempDir, std::path::PathBuf, Option<String>, u64) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    support::copy_dir(
        &support::repo_root().join("tests/fixtures/previous-version-office/data"),
        &data,
    );
    let db = DataDir::new(&data).db_path();
    assert_eq!(file_kind(&db).unwrap(), FileKind::Plain);
    let plain = handover_core::store::SqliteStore::open(&db).unwrap();
    let v = handover_core::store::verify(&plain).unwrap();
    drop(plain);
    (tmp, data, v.head, v.entries)
}

#[test]
fn a_new_office_is_encrypted_from_its_first_page_and_sqlite_cannot_read_it() {
    let t = support::TestOffice::with_admin();
    let mut office = t.office;
    ops::load_sample(&mut office, &mut NoProgress).unwrap();
    let customers = ops::customers(&office, "", None).unwrap();
    let names: Vec<String> = customers.iter().filter_map(|c| c.name.clone()).collect();
    assert!(names.len() > 100);
    let db = DataDir::new(t.tmp.path().join("data")).db_path();
    drop(office);
    assert_eq!(file_kind(&db).unwrap(), FileKind::Encrypted);
    let bytes = db_bytes(&t.tmp.path().join("data"));
    assert!(!bytes.is_empty());
    for name in &names {
        assert!(
            !support::contains_bytes(&bytes, name.as_bytes()),
            "{name} is readable in the store's files"
        );
    }
    assert!(!support::contains_bytes(&bytes, b"SQLite format 3"));
    // Plain SQLite (no key) sees no table at all.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let e = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert!(e.to_string().contains("not a database"), "{e}");
    // Opening it as a plain store is refused, and says so.
    let e = handover_core::store::SqliteStore::open(&db).unwrap_err();
    assert_eq!(e.code(), "store_encrypted");
    // With the password, everything is there.
    let o = ops::sign_in(
        DataDir::new(t.tmp.path().join("data")),
        ADMIN,
        &password(PASSWORD),
    )
    .unwrap();
    assert!(o.store().customer_count().unwrap() > 0);
    ops::verify_ledger(&o).unwrap();
}

#[test]
fn the_store_key_opens_the_store_for_a_peer_and_another_key_does_not() {
    let t = support::TestOffice::with_admin();
    let data = t.tmp.path().join("data");
    drop(t.office);
    let db = DataDir::new(&data).db_path();
    let conn = support::raw_connection(&data);
    let kinds: Vec<String> = conn
        .prepare("SELECT kind FROM ledger ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(kinds.contains(&"operator.added".to_string()), "{kinds:?}");
    let other = rusqlite::Connection::open(&db).unwrap();
    other
        .execute_batch(&format!("PRAGMA key = \"x'{}'\";", "00".repeat(32)))
        .unwrap();
    assert!(
        other
            .query_row("SELECT count(*) FROM ledger", [], |r| r.get::<_, i64>(0))
            .is_err()
    );
}

#[test]
fn an_office_of_the_previous_version_is_converted_with_consent_and_keeps_its_history() {
    let (_tmp, data, head, entries) = previous_version_office();
    let dir = || DataDir::new(&data);
    assert!(ops::needs_encryption(&dir()).unwrap());
    // Signing in is refused until the person agrees; nothing changes.
    let before = std::fs::read(dir().db_path()).unwrap();
    let e = ops::sign_in(dir(), ADMIN, &password(PASSWORD)).unwrap_err();
    assert!(matches!(e, Error::StoreNotEncrypted(_)), "{e}");
    assert_eq!(e.code(), "store_not_encrypted");
    assert_eq!(std::fs::read(dir().db_path()).unwrap(), before);
    // A wrong password converts nothing.
    let e = ops::encrypt_office(
        dir(),
        ADMIN,
        &password("wrong password 99"),
        &mut NoProgress,
    )
    .unwrap_err();
    assert_eq!(e.code(), "sign_in_failed");
    assert_eq!(file_kind(&dir().db_path()).unwrap(), FileKind::Plain);
    // Consent: converted, every step reported, the same ledger.
    let mut steps = Vec::new();
    let mut progress = |done: u64, total: Option<u64>| {
        steps.push((done, total));
        Flow::Continue
    };
    let (office, report) =
        ops::encrypt_office(dir(), ADMIN, &password(PASSWORD), &mut progress).unwrap();
    let report = report.expect("it was converted");
    assert_eq!(
        (report.head.clone(), report.entries),
        (head.clone(), entries)
    );
    assert!(report.customers > 0);
    assert_eq!(
        steps.last(),
        Some(&(ops::ENCRYPT_STEPS, Some(ops::ENCRYPT_STEPS)))
    );
    // The conversion is recorded after the carried-over entries, which are unchanged.
    let v = ops::verify_ledger(&office).unwrap();
    assert!(v.entries > entries);
    let all = support::entries(&office);
    assert_eq!(
        hex::encode(all[entries as usize - 1].hash),
        head.clone().unwrap()
    );
    assert!(all.iter().any(|e| e.kind == "office.encrypted_at_rest"));
    drop(office);
    // Encrypted, no plain copy or partial file left, no customer readable.
    assert_eq!(file_kind(&dir().db_path()).unwrap(), FileKind::Encrypted);
    let names: Vec<String> = support::files_under(&data)
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("plaintext") || n.contains("encrypting")),
        "{names:?}"
    );
    assert!(!support::contains_bytes(
        &db_bytes(&data),
        FIXTURE_NAME.as_bytes()
    ));
    // Any operator signs in as usual now, and a lost PC holding this folder would be exempt:
    // nothing is left in clear (store, floor plans, keys).
    assert_eq!(report.files, 4, "two floor plans and two key files");
    let mut o = ops::sign_in(dir(), ADMIN, &password(PASSWORD)).unwrap();
    let d = lost_device(&mut o).device.unwrap();
    assert!(
        d.exempt && d.plans_in_clear == 0 && !d.keys_in_clear,
        "{d:?}"
    );
    drop(o);
    let (_, again) =
        ops::encrypt_office(dir(), ADMIN, &password(PASSWORD), &mut NoProgress).unwrap();
    assert!(again.is_none());
}

#[test]
fn a_conversion_stopped_before_the_swap_leaves_the_plain_store_as_it_was() {
    for stop_at in 0..3u64 {
        let (_tmp, data, head, entries) = previous_version_office();
        let dir = || DataDir::new(&data);
        let mut progress = |done: u64, _: Option<u64>| match done >= stop_at {
            true => Flow::Cancel,
            false => Flow::Continue,
        };
        let e = ops::encrypt_office(dir(), ADMIN, &password(PASSWORD), &mut progress).unwrap_err();
        assert!(matches!(e, Error::Cancelled), "step {stop_at}: {e}");
        assert_eq!(file_kind(&dir().db_path()).unwrap(), FileKind::Plain);
        let left: Vec<_> = support::files_under(&data)
            .into_iter()
            .filter(|f| f.to_string_lossy().contains(".encrypting"))
            .collect();
        assert!(left.is_empty(), "step {stop_at}: {left:?}");
        let (office, report) =
            ops::encrypt_office(dir(), ADMIN, &password(PASSWORD), &mut NoProgress).unwrap();
        let report = report.unwrap();
        assert_eq!(
            (report.head, report.entries),
            (head, entries),
            "step {stop_at}"
        );
        ops::verify_ledger(&office).unwrap();
    }
}

#[test]
fn a_conversion_killed_around_the_swap_is_finished_at_the_next_sign_in() {
    let (_tmp, data, head, entries) = previous_version_office();
    let dir = || DataDir::new(&data);
    let db = dir().db_path();
    let plain = std::fs::read(&db).unwrap();
    let old = data.join("handover.sqlite3.plaintext-old");
    let partial = data.join("handover.sqlite3.encrypting");
    // Killed after the second name was made and before the rename: the store is the plain one,
    // and the second name is only unlinked (the live store is not erased).
    std::fs::hard_link(&db, &old).unwrap();
    std::fs::write(&partial, b"half a copy").unwrap();
    let e = ops::sign_in(dir(), ADMIN, &password(PASSWORD)).unwrap_err();
    assert_eq!(e.code(), "store_not_encrypted");
    assert!(!old.exists() && !partial.exists());
    assert_eq!(std::fs::read(&db).unwrap(), plain);
    // Converted; then a plain copy is put back under the second name, as a kill during the
    // erasure leaves it: the next sign-in erases it.
    let (office, _) =
        ops::encrypt_office(dir(), ADMIN, &password(PASSWORD), &mut NoProgress).unwrap();
    drop(office);
    std::fs::write(&old, &plain).unwrap();
    let o = ops::sign_in(dir(), ADMIN, &password(PASSWORD)).unwrap();
    assert!(!old.exists());
    let v = ops::verify_ledger(&o).unwrap();
    assert!(v.entries > entries);
    assert_eq!(
        hex::encode(support::entries(&o)[entries as usize - 1].hash),
        head.unwrap()
    );
}

#[test]
fn a_stopped_init_is_made_again_with_the_same_password_and_refused_with_another() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (office, _) = ops::init_admin(DataDir::new(&data), ADMIN, &password(PASSWORD)).unwrap();
    drop(office);
    // An office with its admin: init is refused, whoever asks.
    for pw in [PASSWORD, "another password 42"] {
        let e = ops::init_admin(DataDir::new(&data), ADMIN, &password(pw)).unwrap_err();
        assert_eq!(e.code(), "admin_exists", "{e}");
    }
}

fn lost_device(office: &mut handover_core::ops::Office) -> handover_core::report::LeakReport {
    let q = handover_core::report::LeakQuery {
        lost_device: true,
        ..Default::default()
    };
    ops::leak_report(office, &q).unwrap()
}

#[test]
fn a_lost_pc_of_an_encrypted_office_is_exempt_and_of_a_plain_one_is_not() {
    use handover_core::report::DeviceReason;
    let mut t = support::TestOffice::with_admin();
    t.import_ok(&support::register("basic.tsv"));
    let r = lost_device(&mut t.office);
    let d = r.device.clone().expect("the device part");
    assert!(d.store_encrypted && d.exempt, "{d:?}");
    assert!(d.reasons.contains(&DeviceReason::KeyKeptApart));
    assert_eq!((r.people, r.exposed_people), (5, 0));
    assert!(r.notification_list.is_empty() && r.handovers.is_empty());
    assert!(!r.report_required);
    // The office of the previous version, read as it was (its plain store): not exempt; every
    // customer of the register is to be told, and the page says why.
    let (_tmp, data, _, _) = previous_version_office();
    let plain = handover_core::store::SqliteStore::open(&DataDir::new(&data).db_path()).unwrap();
    let mut old = ops::sign_in_store(
        DataDir::new(&data),
        Box::new(plain),
        ADMIN,
        &password(PASSWORD),
        jiff::Timestamp::now(),
    )
    .unwrap();
    let r = lost_device(&mut old);
    let d = r.device.clone().unwrap();
    assert!(!d.store_encrypted && !d.exempt, "{d:?}");
    assert!(d.reasons.contains(&DeviceReason::StorePlain));
    assert!(d.keys_in_clear && d.plans_in_clear == 2, "{d:?}");
    assert_eq!((r.people, r.exposed_people), (3, 3));
    assert_eq!(r.notification_list.len(), 3);
    let html = handover_core::report::leak_report_html(&r);
    assert!(
        html.contains("紛失した端末") && html.contains("暗号化による除外: なし"),
        "{html}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_left_where_the_plain_copy_was_is_removed_and_never_written_through() {
    let (tmp, data, _, _) = previous_version_office();
    let dir = || DataDir::new(&data);
    ops::encrypt_office(dir(), ADMIN, &password(PASSWORD), &mut NoProgress).unwrap();
    // Someone plants a link named as the plain copy a killed conversion leaves, to a file of
    // theirs: the next sign-in erases plain copies, and must not zero that file.
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, b"not the office's").unwrap();
    let old = data.join("handover.sqlite3.plaintext-old");
    std::os::unix::fs::symlink(&victim, &old).unwrap();
    ops::sign_in(dir(), ADMIN, &password(PASSWORD)).unwrap();
    assert!(
        std::fs::symlink_metadata(&old).is_err(),
        "the link is removed"
    );
    assert_eq!(std::fs::read(&victim).unwrap(), b"not the office's");
}
