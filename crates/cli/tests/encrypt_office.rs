//! Converting an office of the previous version from the terminal (issue 14): sign-in is
//! refused until `office encrypt`, which carries the whole ledger over; SIGKILL at 20 points
//! spread over a conversion never loses data nor leaves a half-converted store.
//!
//! The office is `tests/fixtures/previous-version-office/` (made by the version before
//! encryption at rest, see its README): a plain store, a vault, keys and a floor plan.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{ok, refused, text};

const PASSWORD: &str = "test password 1234";
const ADMIN: &str = "kanri";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/previous-version-office/data")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn cmd(data: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_handover"));
    c.arg("--data-dir")
        .arg(data)
        .arg("--operator")
        .arg(ADMIN)
        .args(args)
        .env_remove("HANDOVER_STORE")
        .env("HANDOVER_PASSWORD", PASSWORD)
        .env("HANDOVER_TEST_FAST_HASH", "1")
        .env("LANG", "C")
        .env("LC_MESSAGES", "C")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    c
}

fn run(data: &Path, args: &[&str]) -> std::process::Output {
    cmd(data, args).output().unwrap()
}

/// The ledger's entries as `ledger export` writes them (one JSON object a line).
fn exported(data: &Path, tmp: &Path) -> Vec<serde_json::Value> {
    let file = tmp.join("export.jsonl");
    let _ = std::fs::remove_file(&file);
    ok(run(data, &["ledger", "export", file.to_str().unwrap()]));
    // The first line is the export's header (when, and the head then): entries only.
    std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e.get("seq").is_some())
        .collect()
}

/// The fixture's ledger (entries and head), read as the previous version kept it.
fn fixture_ledger(tmp: &Path) -> Vec<serde_json::Value> {
    let data = tmp.join("reference");
    copy_dir(&fixture(), &data);
    // How many entries the plain store holds (read as the previous version did).
    let plain = handover_core::store::SqliteStore::open(&data.join("handover.sqlite3")).unwrap();
    let held = handover_core::store::verify(&plain).unwrap().entries as usize;
    drop(plain);
    ok(run(&data, &["office", "encrypt"]));
    let all = exported(&data, tmp);
    assert!(all.iter().any(|e| e["kind"] == "office.encrypted_at_rest"));
    all[..held].to_vec()
}

/// The office in `data` is usable and holds `before` unchanged at its start.
fn keeps(data: &Path, tmp: &Path, before: &[serde_json::Value], run_no: usize) {
    let out = run(data, &["ledger", "verify"]);
    if out.status.success() {
        // Converted (the kill came after the swap).
    } else {
        // Not converted yet: refused, saying so; converting now works.
        refused(out, 1, "not encrypted yet");
        ok(run(data, &["office", "encrypt"]));
    }
    ok(run(data, &["ledger", "verify"]));
    let now = exported(data, tmp);
    assert_eq!(
        &now[..before.len()],
        before,
        "run {run_no}: the history changed"
    );
    let names: Vec<String> = std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("plaintext") || n.contains("encrypting")),
        "run {run_no}: {names:?}"
    );
    let head = std::fs::read(data.join("handover.sqlite3")).unwrap();
    assert!(!head.starts_with(b"SQLite format 3"), "run {run_no}");
}

#[test]
fn sign_in_is_refused_until_office_encrypt_which_keeps_the_whole_ledger() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&fixture(), &data);
    let plain = std::fs::read(data.join("handover.sqlite3")).unwrap();
    assert!(plain.starts_with(b"SQLite format 3"));
    refused(run(&data, &["customers"]), 1, "not encrypted yet");
    assert_eq!(std::fs::read(data.join("handover.sqlite3")).unwrap(), plain);
    let wrong = cmd(&data, &["office", "encrypt"])
        .env("HANDOVER_PASSWORD", "wrong password 99")
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(4), "{}", text(&wrong));
    assert_eq!(std::fs::read(data.join("handover.sqlite3")).unwrap(), plain);
    let out = ok(run(&data, &["office", "encrypt"]));
    assert!(out.contains("encrypted at rest"), "{out}");
    assert!(out.contains("carried over and verified"), "{out}");
    let out = ok(run(&data, &["customers"]));
    assert!(out.contains("T002"), "{out}");
    let out = ok(run(&data, &["office", "encrypt"]));
    assert!(out.contains("already encrypted"), "{out}");
    let stock = Command::new("sqlite3")
        .arg(data.join("handover.sqlite3"))
        .arg("SELECT count(*) FROM ledger")
        .output();
    if let Ok(stock) = stock {
        assert!(!stock.status.success(), "{}", text(&stock));
    }
}

#[test]
fn a_conversion_killed_at_any_point_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let before = fixture_ledger(tmp.path());
    assert!(before.len() >= 5, "{before:?}");
    // How long one whole conversion takes here, to spread the kills over it.
    let timing = tmp.path().join("timing");
    copy_dir(&fixture(), &timing);
    let start = Instant::now();
    ok(run(&timing, &["office", "encrypt"]));
    let whole = start.elapsed();
    for run_no in 0..20usize {
        let data = tmp.path().join(format!("run{run_no}"));
        copy_dir(&fixture(), &data);
        let mut child = cmd(&data, &["office", "encrypt"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(
            whole.mul_f64(run_no as f64 / 19.0) + Duration::from_micros(run_no as u64 * 137 % 500),
        );
        let _ = child.kill();
        let _ = child.wait();
        keeps(&data, tmp.path(), &before, run_no);
    }
}

/// Every file under `dir`, by name.
fn names_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            out.extend(names_under(&e.path()));
        }
        out.push(e.file_name().to_string_lossy().to_string());
    }
    out
}

#[test]
fn a_rekey_killed_at_any_point_leaves_the_office_under_one_key() {
    let tmp = tempfile::tempdir().unwrap();
    let template = tmp.path().join("template");
    copy_dir(&fixture(), &template);
    ok(run(&template, &["office", "encrypt"]));
    let before = exported(&template, tmp.path());
    // One whole rekey, to spread the kills over it; the new recovery key is printed.
    let timing = tmp.path().join("timing");
    copy_dir(&template, &timing);
    let start = Instant::now();
    let out = ok(run(&timing, &["office", "rekey"]));
    let whole = start.elapsed();
    assert!(
        out.contains("Recovery key") && out.contains("tanto"),
        "{out}"
    );
    let mut rekeyed = 0;
    for run_no in 0..20usize {
        let data = tmp.path().join(format!("rekey{run_no}"));
        copy_dir(&template, &data);
        let mut child = cmd(&data, &["office", "rekey"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole.mul_f64(run_no as f64 / 19.0));
        let _ = child.kill();
        let _ = child.wait();
        // The admin's password opens the office under whichever key it is now under, with its
        // whole history, and nothing of the rekey is left lying around.
        ok(run(&data, &["ledger", "verify"]));
        let now = exported(&data, tmp.path());
        assert_eq!(&now[..before.len()], &before[..], "run {run_no}");
        let left: Vec<String> = names_under(&data)
            .into_iter()
            .filter(|n| n.contains("rekey"))
            .collect();
        assert!(left.is_empty(), "run {run_no}: {left:?}");
        // Either the new key took effect with its record (tanto's old password no longer
        // opens it), or nothing did (it still does).
        let done = now.iter().any(|e| e["kind"] == "office.rekeyed");
        let tanto = Command::new(env!("CARGO_BIN_EXE_handover"))
            .args([
                "--data-dir",
                data.to_str().unwrap(),
                "--operator",
                "tanto",
                "customers",
            ])
            .env("HANDOVER_PASSWORD", PASSWORD)
            .env("HANDOVER_TEST_FAST_HASH", "1")
            .env("LANG", "C")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(
            tanto.status.success(),
            !done,
            "run {run_no}: {}",
            text(&tanto)
        );
        rekeyed += usize::from(done);
    }
    eprintln!("{rekeyed} of 20 runs were killed after the rekey's commit");
}
