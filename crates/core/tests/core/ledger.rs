//! The hash-chained ledger: an intact chain verifies; every kind of tampering with the SQLite
//! file (done the way an attacker would, with the append-only triggers dropped) is caught.

use std::path::{Path, PathBuf};

use handover_core::ContractorInput;
use handover_core::ops;
use handover_core::store::{SCHEMA_VERSION, SqliteStore};
use rusqlite::Connection;

use crate::support::{self, TestOffice, register};

/// An office with some history: init, two imports, a contractor added and changed.
/// Returns the temp office (closed) and the path of its data dir.
fn office_with_history() -> (tempfile::TempDir, PathBuf) {
    let mut t = TestOffice::initialized();
    t.import_ok(&register("basic.xlsx"));
    let c = ops::contractor_add(
        &mut t.office,
        &ContractorInput {
            name: "架空電設株式会社".into(),
            recipients: vec![support::new_recipient()],
            agreement_signed: "2026-04-01".into(),
            agreement_expires: "2027-03-31".into(),
            ..Default::default()
        },
    )
    .unwrap();
    ops::contractor_update(
        &mut t.office,
        &c.id,
        &handover_core::ContractorChange {
            contact: Some("工事部 03-0000-7777".into()),
            ..Default::default()
        },
    )
    .unwrap();
    t.import_ok(&register("variant_headers.csv"));
    let report = ops::verify_ledger(&t.office).unwrap();
    assert_eq!(report.entries, 5);
    let data = t.data();
    let TestOffice { tmp, office } = t;
    drop(office);
    (tmp, data)
}

const ENTRIES: u64 = 5;

/// A copy of the history office's data dir in a fresh temp dir, so each case starts clean.
fn copy_of(src: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    for f in [
        "handover.sqlite3",
        "handover.sqlite3-wal",
        "handover.sqlite3-shm",
    ] {
        if src.join(f).exists() {
            std::fs::copy(src.join(f), data.join(f)).unwrap();
        }
    }
    (tmp, data)
}

/// Open the raw database the way an attacker would, dropping the append-only triggers.
fn tamper(data: &Path, sql: &str) {
    let conn = Connection::open(data.join("handover.sqlite3")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS ledger_no_update; DROP TRIGGER IF EXISTS ledger_no_delete;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

/// Verify the ledger of `data` and expect it broken at `seq`.
fn assert_broken_at(data: &Path, seq: u64, reason: &str) {
    let office = support::open_at(data);
    let e = ops::verify_ledger(&office).unwrap_err();
    assert_eq!(e.code(), "ledger_broken", "{e}");
    assert!(e.is_verification_failure());
    let handover_core::Error::LedgerBroken {
        seq: got,
        reason: why,
    } = &e
    else {
        panic!("{e:?}");
    };
    assert_eq!(*got, seq, "{e}");
    assert!(why.contains(reason), "{e}");
    assert!(e.to_string().contains(&format!("entry {seq}")), "{e}");
}

fn head_hex(data: &Path) -> Option<String> {
    ops::verify_ledger(&support::open_at(data)).unwrap().head
}

#[test]
fn intact_ledger_verifies_and_records_every_change() {
    let (_tmp, data) = office_with_history();
    let office = support::open_at(&data);
    let r = ops::verify_ledger(&office).unwrap();
    assert_eq!((r.entries, r.redacted), (ENTRIES, 0));
    let head = office.store().ledger_head().unwrap().unwrap();
    assert_eq!(r.head, Some(hex::encode(head.1)));
    assert_eq!(head.0, ENTRIES);
    let kinds: Vec<String> = support::entries(&office)
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![
            "office.initialized",
            "register.imported",
            "contractor.added",
            "contractor.updated",
            "register.imported",
        ]
    );
    let entries = support::entries(&office);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1);
        assert_eq!(e.actor, support::OPERATOR);
        if i > 0 {
            assert_eq!(e.prev_hash, entries[i - 1].hash);
            assert_eq!(e.at, "2026-11-23T09:00:00Z");
        }
    }
    // The per-customer history: T001 was in the first import only (the second changed nothing).
    let t001: Vec<u64> = office
        .store()
        .entries_for_customer("T001")
        .unwrap()
        .into_iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(t001, vec![2]);
}

#[test]
fn the_ledger_tables_refuse_updates_and_deletes() {
    let (_tmp, data) = office_with_history();
    let conn = Connection::open(data.join("handover.sqlite3")).unwrap();
    let e = conn
        .execute("UPDATE ledger SET actor = 'mallory' WHERE seq = 2", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = conn
        .execute("DELETE FROM ledger WHERE seq = 5", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    drop(conn);
    assert_eq!(head_hex(&data).map(|h| h.len()), Some(64));
}

#[test]
fn an_edited_payload_is_caught() {
    let (_tmp, src) = office_with_history();
    let (_t, data) = copy_of(&src);
    tamper(
        &data,
        "UPDATE ledger SET payload = replace(payload, '\"added\":[\"T001\"', '\"added\":[\"T009\"') \
         WHERE seq = 2;",
    );
    // Make sure the edit really happened.
    let conn = Connection::open(data.join("handover.sqlite3")).unwrap();
    let p: String = conn
        .query_row("SELECT payload FROM ledger WHERE seq = 2", [], |r| r.get(0))
        .unwrap();
    assert!(p.contains("T009"), "{p}");
    drop(conn);
    assert_broken_at(&data, 2, "details were edited");
}

#[test]
fn a_payload_nulled_out_without_a_purge_is_caught() {
    // A purge replaces a payload by NULL and the chain still verifies (R9) — but only because a
    // later purge entry lists that entry. Nulling a payload directly, which the new update
    // guard lets through as it would a purge, is caught and named.
    let (_tmp, src) = office_with_history();
    let (_t, data) = copy_of(&src);
    let conn = Connection::open(data.join("handover.sqlite3")).unwrap();
    conn.execute_batch("UPDATE ledger SET payload = NULL WHERE seq = 3;")
        .unwrap();
    drop(conn);
    assert_broken_at(&data, 3, "no purge records removing them");
}

#[test]
fn an_edited_actor_is_caught() {
    let (_tmp, src) = office_with_history();
    let (_t, data) = copy_of(&src);
    tamper(&data, "UPDATE ledger SET actor = 'mallory' WHERE seq = 3;");
    assert_broken_at(&data, 3, "operator");
}

#[test]
fn an_edited_date_or_kind_is_caught() {
    let (_tmp, src) = office_with_history();
    let (_t, data) = copy_of(&src);
    tamper(
        &data,
        "UPDATE ledger SET at = '2026-01-01T00:00:00Z' WHERE seq = 4;",
    );
    assert_broken_at(&data, 4, "date, kind");

    let (_t, data) = copy_of(&src);
    tamper(
        &data,
        "UPDATE ledger SET kind = 'register.viewed' WHERE seq = 1;",
    );
    assert_broken_at(&data, 1, "date, kind");
}

#[test]
fn a_deleted_middle_entry_is_caught() {
    let (_tmp, src) = office_with_history();
    let (_t, data) = copy_of(&src);
    tamper(&data, "DELETE FROM ledger WHERE seq = 3;");
    assert_broken_at(&data, 4, "missing");

    // Renumbering the entries after it to close the gap does not help: 4 (now 3) no longer
    // links to its predecessor, and its hash covers its old number.
    let (_t, data) = copy_of(&src);
    tamper(
        &data,
        "DELETE FROM ledger WHERE seq = 3; UPDATE ledger SET seq = seq - 1 WHERE seq > 3; \
         UPDATE ledger_head SET seq = seq - 1;",
    );
    assert_broken_at(&data, 3, "does not link");
}

#[test]
fn a_deleted_last_entry_is_caught_by_the_head() {
    let (_tmp, src) = office_with_history();
    let (_t, data) = copy_of(&src);
    tamper(&data, "DELETE FROM ledger WHERE seq = 5;");
    assert_broken_at(&data, 5, "the last 1 entries are missing");
}

#[test]
fn a_deleted_last_entry_with_a_forged_head_changes_the_head_hash() {
    // Limitation, by construction: someone who deletes the last entry AND rewrites
    // `ledger_head` to the new last entry leaves a chain that is internally consistent — an
    // append-only log cannot prove from inside one file that nothing followed its last entry.
    // What exposes it is the head hash compared with a copy kept elsewhere (`ledger verify`
    // prints it, so a manager can write it down or mail it): the head changes, and an older
    // recorded head no longer matches. This test pins that behaviour; detecting it fully needs
    // an external anchor (e.g. the head in each bundle's signed manifest).
    let (_tmp, src) = office_with_history();
    let recorded_head = head_hex(&src).unwrap();
    let (_t, data) = copy_of(&src);
    tamper(
        &data,
        "DELETE FROM ledger WHERE seq = 5; \
         UPDATE ledger_head SET seq = 4, hash = (SELECT hash FROM ledger WHERE seq = 4);",
    );
    let r = ops::verify_ledger(&support::open_at(&data)).unwrap();
    assert_eq!(r.entries, ENTRIES - 1);
    assert_ne!(r.head.as_deref(), Some(recorded_head.as_str()));

    // A forged head that does not match the last entry is caught.
    let (_t, data) = copy_of(&src);
    tamper(&data, "UPDATE ledger_head SET hash = zeroblob(32);");
    assert_broken_at(&data, 5, "head does not match");

    // A head rolled back without removing the entry after it is caught at that entry.
    let (_t, data) = copy_of(&src);
    tamper(
        &data,
        "UPDATE ledger_head SET seq = 4, hash = (SELECT hash FROM ledger WHERE seq = 4);",
    );
    assert_broken_at(&data, 5, "not covered by the ledger head");

    // A removed head record is caught.
    let (_t, data) = copy_of(&src);
    tamper(&data, "DELETE FROM ledger_head;");
    assert_broken_at(&data, 5, "head record is missing");
}

#[test]
fn swapped_entries_are_caught() {
    let (_tmp, src) = office_with_history();
    let (_t, data) = copy_of(&src);
    // Swap the contents of entries 2 and 3, keeping their numbers (reordering them).
    tamper(
        &data,
        "CREATE TEMP TABLE s AS SELECT * FROM ledger WHERE seq IN (2, 3); \
         UPDATE ledger SET (at, kind, actor, payload, payload_hash, prev_hash, hash) = \
           (SELECT at, kind, actor, payload, payload_hash, prev_hash, hash FROM s \
            WHERE s.seq = 5 - ledger.seq) WHERE seq IN (2, 3);",
    );
    let conn = Connection::open(data.join("handover.sqlite3")).unwrap();
    let kind: String = conn
        .query_row("SELECT kind FROM ledger WHERE seq = 2", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kind, "contractor.added", "the swap happened");
    drop(conn);
    assert_broken_at(&data, 2, "does not link");

    // Swapping the numbers instead (so they sort in the other order) is caught as well.
    let (_t, data) = copy_of(&src);
    tamper(
        &data,
        "UPDATE ledger SET seq = -2 WHERE seq = 2; UPDATE ledger SET seq = 2 WHERE seq = 3; \
         UPDATE ledger SET seq = 3 WHERE seq = -2;",
    );
    assert_broken_at(&data, 2, "does not link");
}

#[test]
fn a_wrong_length_hash_is_caught_not_a_crash() {
    let (_tmp, src) = office_with_history();
    let (_t, data) = copy_of(&src);
    tamper(&data, "UPDATE ledger SET hash = x'00' WHERE seq = 2;");
    assert_broken_at(&data, 2, "hash");
}

#[test]
fn tampering_with_the_sqlite3_cli_is_caught() {
    let Some(sqlite3) = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        eprintln!("sqlite3 CLI not installed (Debian package `sqlite3`): skipping this variant");
        return;
    };
    let (_tmp, src) = office_with_history();
    let (_t, data) = copy_of(&src);
    let out = std::process::Command::new(sqlite3)
        .arg(data.join("handover.sqlite3"))
        .arg(
            "DROP TRIGGER ledger_no_update; \
             UPDATE ledger SET actor = 'mallory' WHERE seq = 2;",
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_broken_at(&data, 2, "operator");
}

#[test]
fn a_store_newer_than_this_build_is_refused_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("future.sqlite3");
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch("CREATE TABLE from_the_future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let e = SqliteStore::open(&db).unwrap_err();
    assert!(
        !db.with_extension("sqlite3-wal").exists(),
        "no WAL file was created"
    );
    assert_eq!(e.code(), "store_too_new", "{e}");
    let msg = e.to_string();
    assert!(msg.contains("schema version 99"), "{msg}");
    assert!(msg.contains(&format!("up to {SCHEMA_VERSION}")), "{msg}");
    // Refusing it must not have changed it (no migration, no switch to WAL).
    assert!(
        std::fs::read(&db).unwrap() == before,
        "the file was modified"
    );
    let conn = Connection::open(&db).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");

    // The same through an office's data dir.
    let (_t, data) = {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        drop(support::open_at(&data));
        (tmp, data)
    };
    Connection::open(data.join("handover.sqlite3"))
        .unwrap()
        .execute_batch(&format!("PRAGMA user_version = {};", SCHEMA_VERSION + 1))
        .unwrap();
    let e = handover_core::ops::Office::open(handover_core::DataDir::new(&data), "x").unwrap_err();
    assert_eq!(e.code(), "store_too_new");
}

#[test]
fn reopening_keeps_the_schema_and_the_data() {
    let (_tmp, data) = office_with_history();
    let store = SqliteStore::open(&data.join("handover.sqlite3")).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    let office = support::open_at(&data);
    assert_eq!(office.store().customer_count().unwrap(), 5);
    assert_eq!(ops::verify_ledger(&office).unwrap().entries, ENTRIES);
}

#[test]
fn a_file_that_is_not_a_database_is_a_store_error() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("handover.sqlite3"),
        b"this is not a database, just text",
    )
    .unwrap();
    let e = handover_core::ops::Office::open(handover_core::DataDir::new(&data), "x").unwrap_err();
    assert_eq!(e.code(), "store", "{e}");
    assert!(e.to_string().contains("handover.sqlite3"), "{e}");
}

#[test]
fn a_schema_1_store_is_migrated_with_its_data_and_chain() {
    use handover_core::store::ledger::chain;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db = data.join("handover.sqlite3");
    let draft = handover_core::store::EventDraft {
        at: "2026-01-01T00:00:00Z".into(),
        kind: "register.imported".into(),
        actor: "旧版".into(),
        payload: serde_json::json!({ "file": "old.xlsx", "added": ["T001"] }),
        customers: vec!["T001".into()],
    };
    let e = chain::seal(None, &draft);
    {
        // A store exactly as the first release wrote it.
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(include_str!(
            "../../src/store/sqlite/migrations/0001_init.sql"
        ))
        .unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1; \
             INSERT INTO customers (customer_id, name, search, created_at, updated_at) \
             VALUES ('T001', '試験　太郎', 't001', '2026-01-01', '2026-01-01');",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO ledger (seq, at, kind, actor, payload, payload_hash, prev_hash, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                e.seq as i64,
                e.at,
                e.kind,
                e.actor,
                e.payload,
                &e.payload_hash[..],
                &e.prev_hash[..],
                &e.hash[..]
            ],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO ledger_head (id, seq, hash) VALUES (1, ?1, ?2)",
            rusqlite::params![e.seq as i64, &e.hash[..]],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO ledger_customers (customer_id, seq) VALUES ('T001', 1)",
            [],
        )
        .unwrap();
    }
    let store = SqliteStore::open(&db).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    let mut office = support::open_at(&data);
    assert_eq!(
        ops::customer(&office, "T001").unwrap().name.as_deref(),
        Some("試験\u{3000}太郎")
    );
    assert_eq!(ops::verify_ledger(&office).unwrap().entries, 1);
    // The migrated store keeps working: the next entry chains onto the old one.
    ops::import_register(
        &mut office,
        &register("basic.xlsx"),
        &Default::default(),
        &mut handover_core::NoProgress,
    )
    .unwrap();
    let r = ops::verify_ledger(&office).unwrap();
    assert_eq!(r.entries, 2);
    assert_eq!(support::entries(&office)[1].prev_hash, e.hash);
}
