//! Retention (R9): the contract-end date at import, `purge` of customers and provision records
//! past retention, and the chain after a purge — intact when purged, caught when a redaction is
//! forged, altered or undone.
//!
//! The history spans years, so each step opens the office with its own fixed clock: an import
//! and handovers in 2020, a destruction confirmed in 2020, and the purge on the test day
//! (2026-11-23), when the default policy (customer data 5 years after the contract, provision
//! records 3 years) puts the 2020 handover and the customers who left in 2018/2019 past
//! retention.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use handover_core::handover::{Method, Selection};
use handover_core::ops::{self, FixedClock, Office, PackOptions};
use handover_core::register::ImportOptions;
use handover_core::requests::Scope;
use handover_core::store::ledger::chain;
use handover_core::store::{EventDraft, LedgerEntry, PURGE_KIND};
use handover_core::{ContractorInput, DataDir, Error, NoProgress, WorkType};
use rusqlite::Connection;

use crate::support::{self, OPERATOR, plans_dir, register};

/// The office at `data` with its clock stopped at `at` (RFC 3339).
pub(crate) fn office_at(data: &Path, at: &str) -> Office {
    Office::open(DataDir::new(data), OPERATOR)
        .expect("open office")
        .with_clock(Arc::new(FixedClock(at.parse().expect("timestamp"))))
}

fn paper(office: &mut Office, customers: &[&str], out: PathBuf) -> ops::PackResult {
    let sel = Selection {
        contractor_id: "CTR-0001".into(),
        work_type: WorkType::Removal,
        customers: customers.iter().map(|s| s.to_string()).collect(),
        extra_fields: vec![],
        method: Method::Paper,
        passphrase: false,
    };
    let opts = PackOptions {
        out,
        ..Default::default()
    };
    ops::pack(office, &sel, &opts, &mut NoProgress).expect("pack")
}

/// Years of history, as described in the module docs.
pub(crate) struct World {
    pub tmp: tempfile::TempDir,
    /// Handovers: 2020 closed (T002, T003, T004), 2020 open (T001), 2026 (T004).
    pub closed_2020: String,
    pub open_2020: String,
    pub recent: String,
    /// T003's request (purged with T003) and T001's (kept).
    pub t003_request: String,
    pub t001_request: String,
}

impl World {
    pub fn new() -> World {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let out = tmp.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let (office, _) = ops::init(DataDir::new(&data), OPERATOR).unwrap();
        drop(office);

        let mut o = office_at(&data, "2020-01-10T01:00:00Z");
        let r = ops::import_register(
            &mut o,
            &register("contract_end.csv"),
            &ImportOptions {
                floor_plans_dir: Some(plans_dir()),
                ..Default::default()
            },
            &mut NoProgress,
        )
        .unwrap();
        assert_eq!((r.added, r.past_retention, r.floor_plans), (5, 0, 3));
        ops::contractor_add(
            &mut o,
            &ContractorInput {
                name: "架空撤去工業".into(),
                agreement_signed: "2019-04-01".into(),
                agreement_expires: "2099-03-31".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let t003_request = ops::request_add(
            &mut o,
            &crate::support::request_input(
                "T003",
                Scope::Fields(vec![handover_core::Field::Phone]),
                "2020-01-09",
                "phone",
                Some("電話は夜間のみ（架空）"),
            ),
        )
        .unwrap()
        .id;
        ops::request_decide(&mut o, &t003_request, true, None).unwrap();
        let t001_request = ops::request_add(
            &mut o,
            &crate::support::request_input(
                "T001",
                Scope::Fields(vec![handover_core::Field::Email]),
                "2020-01-09",
                "counter",
                None,
            ),
        )
        .unwrap()
        .id;
        let closed_2020 = paper(&mut o, &["T002", "T003", "T004"], out.join("a.html")).handover_id;
        let open_2020 = paper(&mut o, &["T001"], out.join("b.html")).handover_id;
        drop(o);

        let mut o = office_at(&data, "2020-03-01T01:00:00Z");
        ops::confirm_destruction(&mut o, &closed_2020, "2020-02-28", Some("溶解処理")).unwrap();
        drop(o);

        let mut o = support::open_at(&data);
        let recent = paper(&mut o, &["T004"], out.join("c.html")).handover_id;
        let r = ops::verify_ledger(&o).unwrap();
        assert_eq!((r.redacted, r.purges), (0, 0));
        World {
            tmp,
            closed_2020,
            open_2020,
            recent,
            t003_request,
            t001_request,
        }
    }

    pub fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    pub fn office(&self) -> Office {
        support::open_at(&self.data())
    }

    /// A copy of the data folder to tamper with.
    pub fn copy(&self) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir_all(data.join("floor_plans")).unwrap();
        for f in [
            "handover.sqlite3",
            "handover.sqlite3-wal",
            "handover.sqlite3-shm",
        ] {
            let src = self.data().join(f);
            if src.exists() {
                std::fs::copy(src, data.join(f)).unwrap();
            }
        }
        (tmp, data)
    }
}

/// Edit the store the way someone with the file (and, when it is encrypted at rest, the key)
/// would (foreign keys are not enforced by the stock `sqlite3` tool either).
pub(crate) fn sql(data: &Path, statements: &str) {
    let conn = support::raw_connection(data);
    conn.execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
    conn.execute_batch(statements).unwrap();
}

fn entry(office: &Office, seq: u64) -> LedgerEntry {
    support::entries(office)
        .into_iter()
        .find(|e| e.seq == seq)
        .unwrap()
}

fn seqs_of_kind(office: &Office, kind: &str) -> Vec<u64> {
    support::entries(office)
        .into_iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.seq)
        .collect()
}

#[track_caller]
fn broken_at(data: &Path, seq: u64, reason: &str) {
    let e = ops::verify_ledger(&support::open_at(data)).unwrap_err();
    assert!(e.is_verification_failure(), "{e}");
    match &e {
        Error::LedgerBroken {
            seq: s,
            reason: why,
        } => {
            assert_eq!(*s, seq, "{e}");
            assert!(why.contains(reason), "{e}");
        }
        other => panic!("expected a broken ledger at {seq}, got {other:?}"),
    }
}

#[test]
fn within_retention_every_notation_of_the_contract_end_is_read() {
    // At an earlier date everyone is within retention, in every notation (平成30年 → 2018).
    let tmp = tempfile::tempdir().unwrap();
    let mut o = office_at(&tmp.path().join("data"), "2020-01-10T01:00:00Z");
    let with_plans = ImportOptions {
        floor_plans_dir: Some(plans_dir()),
        ..Default::default()
    };
    ops::import_register(
        &mut o,
        &register("contract_end.csv"),
        &with_plans,
        &mut NoProgress,
    )
    .unwrap();
    let ended = |id: &str| ops::customer(&o, id).unwrap().contract_ended;
    assert_eq!(ended("T002").as_deref(), Some("2019-03-31"));
    assert_eq!(ended("T003").as_deref(), Some("2018-03-31"));
}

#[test]
fn the_contract_end_column_is_read_in_every_notation_and_never_a_field() {
    let mut t = support::TestOffice::new();
    let r = t
        .import(
            &register("contract_end.csv"),
            &ImportOptions {
                floor_plans_dir: Some(plans_dir()),
                ..Default::default()
            },
        )
        .unwrap();
    // On the test day (2026-11-23), five years back is 2021-11-23: T002 (2019) and T003 (2018)
    // are past retention and are not stored at all, nor their floor plan.
    assert_eq!((r.added, r.past_retention, r.rows), (3, 2, 5));
    let col = r.columns.iter().find(|c| c.header == "解約日").unwrap();
    assert_eq!((col.role.as_str(), col.field), ("contract_ended", None));
    assert_eq!(
        t.customer("T004").contract_ended.as_deref(),
        Some("2024-09-30")
    );
    assert_eq!(t.customer("T001").contract_ended, None);
    assert!(ops::customer(&t.office, "T003").is_err());
    assert_eq!(
        t.stored_plan_files().len(),
        1,
        "only T001's plan: {:?}",
        t.stored_plan_files()
    );
    let p = support::entries(&t.office)
        .last()
        .unwrap()
        .payload
        .clone()
        .unwrap();
    assert!(p.contains("\"pastRetention\":2"), "{p}");

    // An unreadable date refuses the row, with its place.
    let bad = t.scratch().join("bad_end.csv");
    std::fs::write(&bad, "顧客番号,氏名,解約日\nT009,試験 九郎,来月末\n").unwrap();
    let e = t.import(&bad, &ImportOptions::default()).unwrap_err();
    let Error::RegisterRejected { problems, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(
        problems[0].column.as_deref(),
        Some("C"),
        "{:?}",
        problems[0]
    );

    // A re-import without the column keeps the stored date; with it, an emptied cell clears it.
    let no_col = t.scratch().join("no_col.csv");
    std::fs::write(&no_col, "顧客番号,氏名\nT004,例題 次郎\n").unwrap();
    t.import(&no_col, &ImportOptions::default()).unwrap();
    assert_eq!(
        t.customer("T004").contract_ended.as_deref(),
        Some("2024-09-30")
    );
    let cleared = t.scratch().join("cleared.csv");
    std::fs::write(&cleared, "顧客番号,氏名,契約終了日\nT004,例題 次郎,\n").unwrap();
    let r = t.import(&cleared, &ImportOptions::default()).unwrap();
    assert_eq!(r.updated, 1);
    assert_eq!(t.customer("T004").contract_ended, None);
}

/// The preview of the World's purge: it changes nothing and says exactly what the purge will
/// do.
fn check_preview(w: &World, o: &Office, before: &support::Snapshot) -> ops::PurgeReport {
    // The preview changes nothing and says exactly what the purge will do.
    let preview = ops::purge_preview(o, "2026-11-23").unwrap();
    assert_eq!(&support::snapshot(o), before);
    assert!(preview.dry_run);
    assert_eq!(preview.customers, vec!["T002", "T003"]);
    assert_eq!(preview.requests, vec![w.t003_request.clone()]);
    assert_eq!(preview.handovers, vec![w.closed_2020.clone()]);
    assert_eq!(preview.kept_handovers, vec![w.open_2020.clone()]);
    assert!(preview.kept_customers.is_empty());
    assert_eq!(preview.floor_plans, 1, "T001.png is still T001's");
    assert_eq!(
        (
            preview.customer_cutoff.as_str(),
            preview.record_cutoff.as_str()
        ),
        ("2021-11-23", "2023-11-23")
    );
    // The entries holding them: the request's two events, the handover's creation and closing.
    let mut want: Vec<u64> = Vec::new();
    for e in support::entries(o) {
        let p = e.payload.clone().unwrap_or_default();
        if (e.kind.starts_with("request.") && p.contains(&w.t003_request))
            || (e.kind.starts_with("handover.") && p.contains(&w.closed_2020))
        {
            want.push(e.seq);
        }
    }
    assert_eq!(want.len(), 4);
    assert_eq!(preview.redacted, want);

    preview
}

/// After the purge: the personal data past retention is gone, the rest untouched.
fn check_purged_data(w: &World, o: &Office, before: &support::Snapshot) {
    // Personal data is gone; the others are untouched.
    assert!(ops::customer(o, "T002").is_err() && ops::customer(o, "T003").is_err());
    for id in ["T001", "T004", "T005"] {
        assert_eq!(
            ops::customer(o, id).unwrap(),
            before
                .customers
                .iter()
                .find(|c| c.customer_id == id)
                .unwrap()
                .clone()
        );
    }
    let plans: Vec<_> = std::fs::read_dir(w.data().join("floor_plans"))
        .unwrap()
        .collect();
    assert_eq!(plans.len(), 1, "T003.pdf deleted, the shared T001.png kept");
    let t001_plan = ops::customer(o, "T001").unwrap().floor_plan.unwrap();
    assert!(
        w.data()
            .join("floor_plans")
            .join(t001_plan.file_name())
            .exists()
    );
    let requests: Vec<String> = ops::handovers(o)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(requests, vec![w.open_2020.clone(), w.recent.clone()]);
    let ids: Vec<String> = o
        .store()
        .requests(None)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, vec![w.t001_request.clone()]);
}

/// Redacted entries keep all but their details; the purge entry names nobody; the history by
/// customer still answers who received what.
fn check_entries(o: &Office, before: &support::Snapshot, r: &ops::PurgeReport, seq: u64) {
    // Redacted entries keep everything but their details.
    for s in &r.redacted {
        let e = entry(o, *s);
        let old = before.ledger.iter().find(|x| x.seq == *s).unwrap();
        assert_eq!(e.payload, None);
        assert_eq!(
            (&e.at, &e.kind, &e.actor, e.hash),
            (&old.at, &old.kind, &old.actor, old.hash)
        );
    }
    // The purge entry counts, lists seqs, and names nobody.
    let purge = entry(o, seq);
    assert_eq!(purge.kind, PURGE_KIND);
    let p: serde_json::Value = serde_json::from_str(purge.payload.as_deref().unwrap()).unwrap();
    assert_eq!(p["redacted"], serde_json::json!(r.redacted));
    assert_eq!(
        (
            p["customers"].as_u64(),
            p["floorPlans"].as_u64(),
            p["requests"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    let text = purge.payload.unwrap();
    for needle in ["T002", "T003", "見本", "架空 一郎", "2019-03-31"] {
        assert!(!text.contains(needle), "{needle} in {text}");
    }

    // The history by customer still answers "who received what about whom" for records within
    // retention, and shows that T003 was imported (an id, no data).
    let kinds = |id: &str| -> Vec<String> {
        o.store()
            .entries_for_customer(id)
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect()
    };
    assert_eq!(kinds("T003"), vec!["register.imported"]);
    assert_eq!(kinds("T004"), vec!["register.imported", "handover.created"]);
}

#[test]
fn purge_removes_what_is_past_retention_and_the_chain_still_verifies() {
    let w = World::new();
    let mut o = w.office();
    let before = support::snapshot(&o);
    let plans_before = std::fs::read_dir(w.data().join("floor_plans"))
        .unwrap()
        .count();
    assert_eq!(
        plans_before, 2,
        "T001.png (shared by T001 and T002) and T003.pdf"
    );

    let preview = check_preview(&w, &o, &before);
    let r = ops::purge(&mut o, "2026-11-23").unwrap();
    assert!(!r.dry_run);
    assert_eq!(
        (r.customers.clone(), r.redacted.clone(), r.handovers.clone()),
        (
            preview.customers.clone(),
            preview.redacted.clone(),
            preview.handovers.clone()
        )
    );
    let seq = r.ledger_seq.unwrap();

    // The chain verifies, reporting the redactions, and the tables agree with it.
    let v = ops::verify_ledger(&o).unwrap();
    assert_eq!((v.redacted, v.purges, v.entries), (4, 1, seq));
    let d = v.derived.unwrap();
    assert_eq!((d.handovers, d.requests), (2, 1));

    check_purged_data(&w, &o, &before);
    check_entries(&o, &before, &r, seq);

    // A second purge on the same day finds nothing more, and is recorded too.
    let again = ops::purge(&mut o, "2026-11-23").unwrap();
    assert!(again.customers.is_empty() && again.redacted.is_empty());
    let v = ops::verify_ledger(&o).unwrap();
    assert_eq!((v.redacted, v.purges), (4, 2));

    // The next import of a register that still lists them does not bring them back.
    let r = ops::import_register(
        &mut o,
        &register("contract_end.csv"),
        &ImportOptions {
            floor_plans_dir: Some(plans_dir()),
            ..Default::default()
        },
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!((r.added, r.past_retention), (0, 2));
    assert!(ops::customer(&o, "T003").is_err());
    assert_eq!(
        std::fs::read_dir(w.data().join("floor_plans"))
            .unwrap()
            .count(),
        1
    );
    ops::verify_ledger(&o).unwrap();
}

#[test]
fn purge_keeps_what_an_open_handover_still_needs_and_refuses_a_future_date() {
    let w = World::new();
    // T001's contract ends (re-import with a date); T001 is in the open 2020 handover.
    let mut o = office_at(&w.data(), "2020-01-11T00:00:00Z");
    let f = w.tmp.path().join("t001_left.csv");
    std::fs::write(&f, "顧客番号,氏名,解約日\nT001,試験　太郎,2020-01-10\n").unwrap();
    ops::import_register(&mut o, &f, &Default::default(), &mut NoProgress).unwrap();
    drop(o);
    let mut o = w.office();
    let r = ops::purge_preview(&o, "2026-11-23").unwrap();
    assert_eq!(r.kept_customers, vec!["T001"]);
    assert_eq!(r.kept_handovers, vec![w.open_2020.clone()]);
    assert!(!r.customers.contains(&"T001".to_string()));

    // Once the contractor confirms destruction, both go at the next purge.
    ops::confirm_destruction(&mut o, &w.open_2020, "2026-11-23", None).unwrap();
    let r = ops::purge(&mut o, "2026-11-23").unwrap();
    assert!(r.kept_customers.is_empty() && r.kept_handovers.is_empty());
    assert!(r.customers.contains(&"T001".to_string()));
    assert!(r.handovers.contains(&w.open_2020));
    assert!(r.requests.contains(&w.t001_request));
    let v = ops::verify_ledger(&o).unwrap();
    assert_eq!(v.purges, 1);
    assert_eq!(v.redacted as usize, r.redacted.len());

    // Purging ahead of time is refused, as is a date that is not one; nothing changes.
    let snap = support::snapshot(&o);
    for (day, code) in [("2026-11-24", "date_order"), ("2026-13-01", "bad_date")] {
        let e = ops::purge(&mut o, day).unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        assert!(e.is_bad_input());
    }
    assert_eq!(support::snapshot(&o), snap);

    // An earlier cut-off purges less: before 2023-01-01 the 2020 handovers are within the
    // three years (cut-off 2020-01-01), and nobody left before 2018-01-01.
    let w2 = World::new();
    let r = ops::purge_preview(&w2.office(), "2023-01-01").unwrap();
    assert!(
        r.handovers.is_empty() && r.customers.is_empty() && r.redacted.is_empty(),
        "{r:?}"
    );
}

#[test]
fn the_update_guard_lets_only_a_redaction_through() {
    let w = World::new();
    let mut o = w.office();
    let r = ops::purge(&mut o, "2026-11-23").unwrap();
    let purge_seq = r.ledger_seq.unwrap();
    drop(o);
    let conn = Connection::open(w.data().join("handover.sqlite3")).unwrap();
    let refused = |s: &str| {
        let e = conn.execute_batch(s).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{s}: {e}");
    };
    refused("UPDATE ledger SET actor = 'mallory' WHERE seq = 2");
    refused("UPDATE ledger SET payload = '{}' WHERE seq = 2");
    // Redacting and changing something else at once.
    refused("UPDATE ledger SET payload = NULL, at = '2020-01-01T00:00:00Z' WHERE seq = 2");
    // Un-redacting.
    refused(&format!(
        "UPDATE ledger SET payload = '{{}}' WHERE seq = {}",
        r.redacted[0]
    ));
    // A purge entry is never redacted.
    refused(&format!(
        "UPDATE ledger SET payload = NULL WHERE seq = {purge_seq}"
    ));
    refused("DELETE FROM ledger WHERE seq = 2");
    // What a purge does passes (and, without a purge entry listing it, verify catches it).
    conn.execute_batch("UPDATE ledger SET payload = NULL WHERE seq = 2")
        .unwrap();
    drop(conn);
    broken_at(&w.data(), 2, "no purge records removing them");
}

/// A copy of the World's store whose purge entry is re-sealed with `list` as its redactions
/// (hashes and head recomputed, as someone who knows the format would).
fn forged_purge_list(w: &World, purge_seq: u64, list: Vec<u64>) -> (tempfile::TempDir, PathBuf) {
    let (t, data) = w.copy();
    let o = support::open_at(&data);
    let purge = entry(&o, purge_seq);
    let prev = entry(&o, purge_seq - 1);
    drop(o);
    let mut payload: serde_json::Value =
        serde_json::from_str(purge.payload.as_deref().unwrap()).unwrap();
    payload["redacted"] = serde_json::json!(list);
    let forged = chain::seal(
        Some((prev.seq, prev.hash)),
        &EventDraft {
            at: purge.at.clone(),
            kind: purge.kind.clone(),
            actor: purge.actor.clone(),
            payload,
            customers: vec![],
        },
    );
    let conn = Connection::open(data.join("handover.sqlite3")).unwrap();
    conn.execute_batch("DROP TRIGGER ledger_no_update;")
        .unwrap();
    conn.execute(
        "UPDATE ledger SET payload = ?1, payload_hash = ?2, hash = ?3 WHERE seq = ?4",
        rusqlite::params![
            forged.payload,
            &forged.payload_hash[..],
            &forged.hash[..],
            purge_seq as i64
        ],
    )
    .unwrap();
    conn.execute("UPDATE ledger_head SET hash = ?1", [&forged.hash[..]])
        .unwrap();
    (t, data)
}

#[test]
fn a_forged_or_undone_redaction_is_caught() {
    let w = World::new();
    let before: HashMap<u64, Option<String>> = support::entries(&w.office())
        .into_iter()
        .map(|e| (e.seq, e.payload))
        .collect();
    let mut o = w.office();
    let r = ops::purge(&mut o, "2026-11-23").unwrap();
    let purge_seq = r.ledger_seq.unwrap();
    let contractor_added = seqs_of_kind(&o, "contractor.added")[0];
    drop(o);
    ops::verify_ledger(&w.office()).unwrap();

    // A payload set to NULL (by the sqlite3 tool, as a purge would) that no purge lists.
    let (_t, data) = w.copy();
    sql(
        &data,
        &format!("UPDATE ledger SET payload = NULL WHERE seq = {contractor_added};"),
    );
    broken_at(&data, contractor_added, "no purge records removing them");

    // A redaction marker altered: the NULL replaced by some text.
    let (_t, data) = w.copy();
    let s = r.redacted[1];
    sql(
        &data,
        &format!(
            "DROP TRIGGER ledger_no_update; UPDATE ledger SET payload = '{{\"redacted\":true}}' WHERE seq = {s};"
        ),
    );
    broken_at(&data, s, "details were edited");

    // A redaction undone: the original payload put back from a backup. Its hash matches, but the
    // purge says it was removed: the data past retention is back.
    let (_t, data) = w.copy();
    let original = before[&s].clone().unwrap().replace('\'', "''");
    sql(
        &data,
        &format!(
            "DROP TRIGGER ledger_no_update; UPDATE ledger SET payload = '{original}' WHERE seq = {s};"
        ),
    );
    broken_at(&data, purge_seq, "still holds its details");

    // The purge entry's list edited in place: its payload hash no longer matches.
    let (_t, data) = w.copy();
    sql(
        &data,
        &format!(
            "DROP TRIGGER ledger_no_update; UPDATE ledger SET payload = replace(payload, \
             '\"redacted\":[', '\"redacted\":[{contractor_added},') WHERE seq = {purge_seq};"
        ),
    );
    broken_at(&data, purge_seq, "details were edited");

    // The purge entry re-sealed with a forged list (hashes and head recomputed, as someone who
    // knows the format would): the chain holds, but the list must match the redactions.
    let forge = |list: Vec<u64>| forged_purge_list(&w, purge_seq, list);
    // Dropping a seq from the list leaves that entry's NULL unexplained.
    let (_t, data) = forge(r.redacted[1..].to_vec());
    broken_at(&data, r.redacted[0], "no purge records removing them");
    // Adding one it did not redact.
    let mut more = r.redacted.clone();
    more.push(contractor_added);
    more.sort();
    let (_t, data) = forge(more);
    broken_at(&data, purge_seq, "still holds its details");

    // And the purge entry itself cannot be redacted (nor listed by a forged later purge).
    let (_t, data) = w.copy();
    sql(
        &data,
        &format!(
            "DROP TRIGGER ledger_no_update; UPDATE ledger SET payload = NULL WHERE seq = {purge_seq};"
        ),
    );
    broken_at(&data, purge_seq, "purge");
}

#[test]
fn a_purge_planned_on_a_store_that_changed_is_refused_whole() {
    let w = World::new();
    let mut o = w.office();
    let snap = support::snapshot(&o);
    // Someone deletes a customer row the purge will name, between plan and execution: emulated
    // by handing the store a plan naming a customer that is not there.
    let plan = handover_core::store::Purge {
        customers: vec!["T002".into(), "T999".into()],
        ..Default::default()
    };
    drop(o);
    let mut store =
        handover_core::store::SqliteStore::open(&w.data().join("handover.sqlite3")).unwrap();
    use handover_core::store::Store;
    let e = store
        .purge(
            &plan,
            EventDraft {
                at: support::NOW.into(),
                kind: PURGE_KIND.into(),
                actor: OPERATOR.into(),
                payload: serde_json::json!({ "redacted": [] }),
                customers: vec![],
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("T999"), "{e}");
    drop(store);
    o = w.office();
    assert_eq!(
        support::snapshot(&o),
        snap,
        "nothing purged, nothing recorded"
    );
}

#[test]
fn a_floor_plan_that_cannot_be_deleted_is_a_warning_not_a_lost_purge() {
    let w = World::new();
    let mut o = w.office();
    let plan = ops::customer(&o, "T003").unwrap().floor_plan.unwrap();
    let path = w.data().join("floor_plans").join(plan.file_name());
    // Something in the way that even root cannot remove as a file.
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("x"), b"x").unwrap();
    let r = ops::purge(&mut o, "2026-11-23").unwrap();
    assert!(r.ledger_seq.is_some());
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(
        r.warnings[0].contains(&plan.file_name()),
        "{:?}",
        r.warnings
    );
    assert!(
        ops::customer(&o, "T003").is_err(),
        "the purge itself happened"
    );
    ops::verify_ledger(&o).unwrap();
}
