//! `ledger export`: JSON lines that an outside script re-verifies with nothing but SHA-256
//! (`tools/verify_ledger_export.py`, Python 3 standard library), including after a purge, and
//! that catch a tampered export or a tampered store.
//!
//! The Python cases need `python3` (CI has it); where it is missing they are skipped, loudly.

use std::path::{Path, PathBuf};
use std::process::Command;

use handover_core::ops;

use crate::retention::{World, sql};
use crate::support;

fn python() -> Option<&'static str> {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("warning: python3 is missing: skipping the outside verification of the export");
    }
    ok.then_some("python3")
}

fn script() -> PathBuf {
    support::repo_root().join("tools/verify_ledger_export.py")
}

/// Run the outside verifier: (exit code, stdout + stderr).
fn outside(py: &str, file: &Path) -> (i32, String) {
    let out = Command::new(py).arg(script()).arg(file).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn lines(file: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn write_lines(file: &Path, lines: &[serde_json::Value]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(file, text).unwrap();
}

#[test]
fn the_export_holds_every_entry_and_is_recorded() {
    let w = World::new();
    let mut o = w.office();
    let before = support::entries(&o);
    let file = w.tmp.path().join("ledger.jsonl");
    let r = ops::export_ledger(&mut o, &file).unwrap();
    assert_eq!(r.entries, before.len() as u64);
    let l = lines(&file);
    assert_eq!(l.len(), before.len() + 1);
    let head = &l[0];
    assert_eq!(head["format"], "handover-ledger-export");
    assert_eq!(head["version"], 1);
    assert_eq!(head["head"]["seq"], before.len() as u64);
    assert_eq!(
        head["head"]["hash"],
        hex::encode(before.last().unwrap().hash)
    );
    for (line, e) in l[1..].iter().zip(&before) {
        assert_eq!(line["seq"], e.seq);
        assert_eq!(line["kind"], e.kind.as_str());
        assert_eq!(line["payload"].as_str(), e.payload.as_deref());
        assert_eq!(line["payloadHash"], hex::encode(e.payload_hash));
        assert_eq!(line["prevHash"], hex::encode(e.prev_hash));
        assert_eq!(line["hash"], hex::encode(e.hash));
    }
    // Recorded after it, with the file's hash; not in the file itself.
    let last = support::entries(&o).pop().unwrap();
    assert_eq!(last.seq, r.ledger_seq);
    assert_eq!(last.kind, "ledger.exported");
    let p: serde_json::Value = serde_json::from_str(last.payload.as_deref().unwrap()).unwrap();
    assert_eq!(p["sha256"], r.sha256);
    use sha2::Digest;
    assert_eq!(
        r.sha256,
        hex::encode(sha2::Sha256::digest(std::fs::read(&file).unwrap()))
    );
    ops::verify_ledger(&o).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the export holds personal data: owner-only");
    }

    // Never over an existing file; nothing recorded then, no partial left.
    let snap = support::snapshot(&o);
    let e = ops::export_ledger(&mut o, &file).unwrap_err();
    assert_eq!(e.code(), "file_exists");
    assert_eq!(support::snapshot(&o), snap);
    assert_eq!(lines(&file).len(), before.len() + 1, "untouched");
    assert!(!w.tmp.path().join("ledger.jsonl.partial").exists());
    // A folder that does not exist: an error naming it, nothing recorded.
    let e = ops::export_ledger(&mut o, &w.tmp.path().join("nope/ledger.jsonl")).unwrap_err();
    assert_eq!(e.code(), "io", "{e}");
    assert_eq!(support::snapshot(&o), snap);
}

#[test]
fn an_outside_script_verifies_the_export_after_a_purge() {
    let Some(py) = python() else { return };
    let w = World::new();
    let mut o = w.office();
    let purge = ops::purge(&mut o, "2026-11-23").unwrap();
    let file = w.tmp.path().join("ledger.jsonl");
    let r = ops::export_ledger(&mut o, &file).unwrap();
    let (code, text) = outside(py, &file);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(&format!(
            "OK: {} entries verified (4 redacted by 1 purge(s))",
            r.entries
        )),
        "{text}"
    );
    assert!(text.contains(r.head.as_deref().unwrap()), "{text}");
    let l = lines(&file);
    for s in &purge.redacted {
        assert!(l[*s as usize]["payload"].is_null());
    }

    // An empty ledger exports and verifies too.
    let tmp = tempfile::tempdir().unwrap();
    let mut empty = support::open_at(&tmp.path().join("data"));
    let f = tmp.path().join("empty.jsonl");
    ops::export_ledger(&mut empty, &f).unwrap();
    let (code, text) = outside(py, &f);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("OK: 0 entries"), "{text}");
}

type Edit = Box<dyn Fn(&mut Vec<serde_json::Value>)>;

/// Ways to tamper with an export: (what, the edit, the entry the verifier must name, why).
/// `contractor` is the entry that added the contractor, `purge_seq` the purge entry,
/// `redacted` an entry it redacted, `n` the last entry.
fn tampering(
    contractor: usize,
    purge_seq: usize,
    redacted: usize,
    n: usize,
) -> Vec<(&'static str, Edit, usize, &'static str)> {
    vec![
        (
            "payload edited",
            Box::new(move |l| {
                let p = l[contractor]["payload"]
                    .as_str()
                    .unwrap()
                    .replace("架空", "本物");
                l[contractor]["payload"] = p.into();
            }),
            contractor,
            "payload hash mismatch",
        ),
        (
            "payload removed without a purge",
            Box::new(move |l| l[contractor]["payload"] = serde_json::Value::Null),
            contractor,
            "no purge records",
        ),
        (
            "redaction marker altered",
            Box::new({
                let s = redacted;
                move |l| l[s]["payload"] = "{\"redacted\":true}".into()
            }),
            redacted,
            "payload hash mismatch",
        ),
        (
            "purge list edited",
            Box::new(move |l| {
                let p = l[purge_seq]["payload"]
                    .as_str()
                    .unwrap()
                    .replace("\"redacted\":[", &format!("\"redacted\":[{contractor},"));
                l[purge_seq]["payload"] = p.into();
            }),
            purge_seq,
            "payload hash mismatch",
        ),
        (
            "actor edited",
            Box::new(|l| l[2]["actor"] = "mallory".into()),
            2,
            "operator",
        ),
        (
            "entry deleted",
            Box::new(|l| {
                l.remove(3);
            }),
            4,
            "missing",
        ),
        ("entries swapped", Box::new(|l| l.swap(3, 4)), 4, "missing"),
        (
            // The purge entry is the last: without it, its redactions are unexplained.
            "last entry cut",
            Box::new(|l| {
                l.pop();
            }),
            redacted,
            "no purge records",
        ),
        (
            "header head edited",
            Box::new(|l| l[0]["head"]["hash"] = "00".repeat(32).into()),
            n,
            "not the head",
        ),
    ]
}

#[test]
fn the_outside_script_catches_a_tampered_export() {
    let Some(py) = python() else { return };
    let w = World::new();
    let mut o = w.office();
    let purge = ops::purge(&mut o, "2026-11-23").unwrap();
    let purge_seq = purge.ledger_seq.unwrap() as usize;
    let file = w.tmp.path().join("ledger.jsonl");
    ops::export_ledger(&mut o, &file).unwrap();
    let good = lines(&file);
    let n = good.len() - 1;
    let contractor = good
        .iter()
        .position(|l| l["kind"] == "contractor.added")
        .unwrap();

    let redacted = purge.redacted[0] as usize;
    let cases = tampering(contractor, purge_seq, redacted, n);
    for (what, edit, seq, reason) in cases {
        let mut l = good.clone();
        edit(&mut l);
        let f = w
            .tmp
            .path()
            .join(format!("{}.jsonl", what.replace(' ', "_")));
        write_lines(&f, &l);
        let (code, text) = outside(py, &f);
        assert_eq!(code, 1, "{what}: {text}");
        assert!(
            text.contains(&format!("damaged at entry {seq}:")) && text.contains(reason),
            "{what}: expected entry {seq} ({reason}), got {text}"
        );
    }

    // Not an export at all: exit 2.
    let f = w.tmp.path().join("not.jsonl");
    std::fs::write(&f, "{\"format\":\"something else\"}\n").unwrap();
    assert_eq!(outside(py, &f).0, 2);
}

#[test]
fn an_export_of_a_tampered_store_is_caught_outside_too() {
    let Some(py) = python() else { return };
    let w = World::new();
    let (_t, data) = w.copy();
    sql(
        &data,
        "DROP TRIGGER ledger_no_update; UPDATE ledger SET at = '2019-01-01T00:00:00Z' WHERE seq = 3;",
    );
    let mut o = support::open_at(&data);
    assert!(ops::verify_ledger(&o).is_err());
    let file = data.join("../tampered.jsonl");
    ops::export_ledger(&mut o, &file).unwrap();
    let (code, text) = outside(py, &file);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("damaged at entry 3:"), "{text}");
}
