//! Handover commands whose checks depend on the real clock or on killing the process, which the
//! golden tests in `cmd/` cannot express.
//!
//! `handover pack` killed with SIGKILL in the middle of writing a large bundle: no `<out>`,
//! nothing recorded, the ledger intact, and the next pack to the same path works. SIGKILL cannot be caught, so the killed pack cannot clean up: its `<out>.partial` (an
//! incomplete age ciphertext, never a valid bundle) may remain. It is never renamed to `<out>`
//! and never recorded; the next pack to the same path sees that no process holds it locked and
//! replaces it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

#[cfg(unix)]
use std::os::unix::process::ExitStatusExt;

const CUSTOMERS: usize = 40;
const PLAN_BYTES: usize = 5 * 1024 * 1024;

fn handover(data: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_handover"));
    c.arg("--data-dir")
        .arg(data)
        .args(args)
        .env("HANDOVER_OPERATOR", "tester")
        .env("HANDOVER_PASSWORD", "test password 1234")
        // Debug builds only: tiny Argon2 parameters (release builds ignore it).
        .env("HANDOVER_TEST_FAST_HASH", "1")
        .env("NO_COLOR", "1");
    c
}

#[track_caller]
fn ok(data: &Path, args: &[&str]) -> Output {
    let out = handover(data, args).output().expect("run handover");
    assert!(
        out.status.success(),
        "handover {args:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// PNG magic, then pseudo-random bytes (incompressible, like a scanned drawing).
fn big_png(seed: u64) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut x = seed | 1;
    while v.len() < PLAN_BYTES {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(PLAN_BYTES);
    v
}

fn handover_count(data: &Path) -> usize {
    let out = ok(data, &["handovers", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    list.as_array().unwrap().len()
}

fn ledger_intact(data: &Path) -> String {
    String::from_utf8(ok(data, &["ledger", "verify"]).stdout).unwrap()
}

/// The kinds of the ledger's entries but sign-ins (every call records one), after checking
/// that the ledger verifies.
fn recorded(data: &Path) -> Vec<String> {
    let report = ledger_intact(data);
    assert!(report.starts_with("The ledger is intact"), "{report}");
    common::recorded_kinds(data)
}

#[cfg(unix)]
/// `handover open BUNDLE` with the test contractor's key, trusting the office's signing key.
fn open_with_test_key(data: &Path, bundle: &Path) -> Output {
    let trust = data.join("keys/office.signing.pub");
    let identity = fixtures().join("keys/test-contractor.agekey");
    let args = [
        "open",
        bundle.to_str().unwrap(),
        "--identity",
        identity.to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
    ];
    handover(data, &args).output().unwrap()
}

/// An office whose register's customers each have a 5 MB floor plan (distinct files: 200 MB
/// to pack) and the test contractor; the data folder and the customer ids.
fn big_office(tmp: &Path) -> (PathBuf, Vec<String>) {
    let data = tmp.join("data");
    let plans = tmp.join("plans");
    std::fs::create_dir(&plans).unwrap();

    // A register whose customers each have a 5 MB plan (distinct files: 200 MB to pack).
    let mut csv = String::from("顧客番号,氏名,住所,電話番号,契約サービス,図面ファイル\n");
    let mut ids = Vec::new();
    for i in 1..=CUSTOMERS {
        let id = format!("K{i:03}");
        std::fs::write(plans.join(format!("{id}.png")), big_png(i as u64)).unwrap();
        csv.push_str(&format!(
            "{id},架空 {i}号,東京都架空区見本町{i}-1,03-0000-{i:04},ケーブルテレビ,{id}.png\n"
        ));
        ids.push(id);
    }
    let register = tmp.join("register.csv");
    std::fs::write(&register, csv).unwrap();
    let recipients = fixtures().join("keys/test-contractor.recipients.txt");
    ok(&data, &["init", "--admin", "tester"]);
    ok(
        &data,
        &[
            "import",
            register.to_str().unwrap(),
            "--floor-plans",
            plans.to_str().unwrap(),
        ],
    );
    ok(
        &data,
        &[
            "contractor",
            "add",
            "--name",
            "架空電設株式会社",
            "--recipients-file",
            recipients.to_str().unwrap(),
            "--agreement-signed",
            "2020-04-01",
            "--agreement-expires",
            "2099-03-31",
        ],
    );
    (data, ids)
}

/// Kill a pack once it is writing: after the partial file has data, wait a little, then
/// SIGKILL. If it already finished (fast machine), that run was a complete, recorded pack:
/// start again on a fresh output with a shorter delay. Returns how many runs finished.
fn kill_while_writing(data: &Path, pack_args: &[&str], out: &Path, partial: &Path) -> usize {
    let mut killed = false;
    let mut finished_runs = 0;
    for delay_ms in [100u64, 50, 20, 5, 0] {
        let baseline = handover_count(data);
        let mut child = handover(data, pack_args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while std::fs::metadata(partial).map_or(true, |m| m.len() == 0)
            && start.elapsed() < Duration::from_secs(30)
            && child.try_wait().unwrap().is_none()
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if status.signal() == Some(9) {
            killed = true;
            assert!(!out.exists(), "a killed pack left {}", out.display());
            assert_eq!(handover_count(data), baseline, "a killed pack was recorded");
            break;
        }
        assert!(status.success(), "pack failed on its own: {status}");
        finished_runs += 1;
        assert_eq!(handover_count(data), baseline + 1);
        std::fs::remove_file(out).unwrap();
        let mut sig = out.as_os_str().to_owned();
        sig.push(".sig");
        std::fs::remove_file(sig).unwrap();
    }
    assert!(killed, "pack finished every time before it could be killed");
    finished_runs
}

#[test]
fn pack_killed_midway_leaves_no_bundle_and_records_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, ids) = big_office(tmp.path());
    let entries_before = recorded(&data);
    assert_eq!(handover_count(&data), 0);

    let out = tmp.path().join("b.age");
    let partial = tmp.path().join("b.age.partial");
    let customers = ids.join(",");
    let pack_args = [
        "pack",
        "--contractor",
        "CTR-0001",
        "--work-type",
        "wiring",
        "--customers",
        customers.as_str(),
        "--method",
        "transfer",
        "--out",
        out.to_str().unwrap(),
    ];

    let finished_runs = kill_while_writing(&data, &pack_args, &out, &partial);

    // Nothing new in the ledger, and it verifies.
    let report = ledger_intact(&data);
    assert!(report.starts_with("The ledger is intact"), "{report}");
    if finished_runs == 0 {
        assert_eq!(recorded(&data), entries_before);
        let list = ok(&data, &["handovers", "--json"]);
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&list.stdout).unwrap(),
            serde_json::json!([])
        );
    }
    // The partial (if any) is not a bundle: it does not open.
    if partial.exists() {
        let o = open_with_test_key(&data, &partial);
        assert_eq!(
            o.status.code(),
            Some(5),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    // The next pack to the same path works, and opens.
    let baseline = handover_count(&data);
    let o = ok(&data, &pack_args);
    let id = String::from_utf8(o.stdout).unwrap();
    assert!(id.trim().starts_with("HO-"), "{id}");
    assert!(out.exists() && !partial.exists());
    assert_eq!(handover_count(&data), baseline + 1);
    let o = open_with_test_key(&data, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(ledger_intact(&data).starts_with("The ledger is intact"));
}

/// An office with the basic register and the test contractor, in a temporary folder.
fn basic_office(tmp: &Path) -> PathBuf {
    let data = tmp.join("data");
    let reg = fixtures().join("registers");
    ok(&data, &["init", "--admin", "tester"]);
    ok(
        &data,
        &[
            "import",
            reg.join("basic.xlsx").to_str().unwrap(),
            "--floor-plans",
            reg.join("floor_plans").to_str().unwrap(),
        ],
    );
    ok(
        &data,
        &[
            "contractor",
            "add",
            "--name",
            "架空電設株式会社",
            "--recipients-file",
            fixtures()
                .join("keys/test-contractor.recipients.txt")
                .to_str()
                .unwrap(),
            "--agreement-signed",
            "2020-04-01",
            "--agreement-expires",
            "2099-03-31",
        ],
    );
    data
}

#[test]
fn confirm_destruction_today_closes_the_handover_once() {
    let tmp = tempfile::tempdir().unwrap();
    let data = basic_office(tmp.path());
    let out = tmp.path().join("b.age");
    let o = ok(
        &data,
        &[
            "pack",
            "--contractor",
            "CTR-0001",
            "--work-type",
            "repair",
            "--customers",
            "T001,T003",
            "--method",
            "transfer",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let id = String::from_utf8(o.stdout).unwrap().trim().to_string();
    let today = jiff::ZonedDateTime::now().date();
    assert_eq!(id, format!("HO-{}-000001", today.year()));

    // The day before the handover: refused (exit 3), nothing changes.
    let yesterday = today.yesterday().unwrap().to_string();
    let o = handover(&data, &["confirm-destruction", &id, "--date", &yesterday])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("{yesterday} is before it was handed over")),
        "{err}"
    );

    let o = ok(
        &data,
        &[
            "confirm-destruction",
            &id,
            "--date",
            &today.to_string(),
            "--note",
            "シュレッダーで廃棄",
        ],
    );
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        format!("{id} closed on {today}\n")
    );
    let list: serde_json::Value =
        serde_json::from_slice(&ok(&data, &["handovers", "--json"]).stdout).unwrap();
    assert_eq!(list[0]["closedOn"], today.to_string());
    assert_eq!(list[0]["closedNote"], "シュレッダーで廃棄");

    // A second time: refused.
    let o = handover(
        &data,
        &["confirm-destruction", &id, "--date", &today.to_string()],
    )
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already closed"));
    // Recorded once (beside the sign-ins): the admin, init, import, contractor, pack, destruction.
    assert_eq!(
        recorded(&data),
        [
            "operator.added",
            "office.initialized",
            "register.imported",
            "contractor.added",
            "handover.created",
            "handover.destroyed"
        ]
    );
}

/// Killed in the one window a `.partial` cannot cover: the bundle is already renamed to `<out>`
/// but not yet recorded. The next command finds the pack's journal, deletes the unrecorded
/// bundle and says so; the ledger never hears of it.
#[cfg(unix)]
/// An office with one customer (K001) and the test contractor.
fn small_office(tmp: &Path) -> PathBuf {
    let data = tmp.join("data");
    let recipients = fixtures().join("keys/test-contractor.recipients.txt");
    ok(&data, &["init", "--admin", "tester"]);
    let register = tmp.join("register.csv");
    std::fs::write(
        &register,
        "顧客番号,氏名,住所,電話番号\nK001,架空 一郎,東京都架空区見本町1-1,03-0000-0001\n",
    )
    .unwrap();
    ok(&data, &["import", register.to_str().unwrap()]);
    ok(
        &data,
        &[
            "contractor",
            "add",
            "--name",
            "架空電設株式会社",
            "--recipients-file",
            recipients.to_str().unwrap(),
            "--agreement-signed",
            "2020-04-01",
            "--agreement-expires",
            "2099-03-31",
        ],
    );
    data
}

/// A transfer pack of K001 to `out`.
fn one_customer_pack(out: &Path) -> [&str; 11] {
    [
        "pack",
        "--contractor",
        "CTR-0001",
        "--work-type",
        "removal",
        "--customers",
        "K001",
        "--method",
        "transfer",
        "--out",
        out.to_str().unwrap(),
    ]
}

#[test]
fn pack_killed_between_rename_and_record_is_undone_on_the_next_start() {
    let tmp = tempfile::tempdir().unwrap();
    let data = small_office(tmp.path());
    let before = recorded(&data);
    let out = tmp.path().join("b.age");
    let pack = one_customer_pack(&out);
    let mut child = handover(&data, &pack)
        .env("HANDOVER_TEST_STALL_BEFORE_RECORD_MS", "60000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !out.exists() && start.elapsed() < Duration::from_secs(60) {
        assert!(child.try_wait().unwrap().is_none(), "pack ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(out.exists(), "the bundle never appeared");
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(9));
    // The kill left a complete bundle nobody recorded, and the journal that names it.
    assert!(out.exists());
    assert_eq!(
        std::fs::read_dir(data.join("interrupted-packs"))
            .unwrap()
            .count(),
        1
    );

    let next = ok(&data, &["handovers", "--json"]);
    let stderr = String::from_utf8(next.stderr).unwrap();
    assert!(
        stderr.contains("was killed before it was recorded")
            && stderr.contains("unrecorded bundle was deleted")
            && stderr.contains(out.to_str().unwrap()),
        "{stderr}"
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&next.stdout).unwrap(),
        serde_json::json!([])
    );
    assert!(!out.exists(), "the unrecorded bundle is still there");
    assert_eq!(
        std::fs::read_dir(data.join("interrupted-packs"))
            .unwrap()
            .count(),
        0
    );
    assert_eq!(recorded(&data), before);
    // Said once: the next command has nothing to report, and a pack to the same path works.
    let again = String::from_utf8(ok(&data, &["handovers"]).stderr).unwrap();
    assert!(!again.contains("killed"), "{again}");
    ok(&data, &pack);
    assert_eq!(handover_count(&data), 1);
}

/// The staging folders (`.handover-partial-*`) directly in `out`.
fn staging_in(out: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(out)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(".handover-partial-"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `handover open … --out out`, held (debug builds) once `customers.csv` is in staging; returns
/// the child once that file exists.
#[cfg(unix)]
fn open_held_after_csv(data: &Path, bundle: &Path, out: &Path) -> std::process::Child {
    let mut child = open_cmd(data, bundle, out)
        .env("HANDOVER_TEST_STALL_AFTER_CSV_MS", "60000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !staging_in(out)
        .iter()
        .any(|s| s.join("content/customers.csv").is_file())
    {
        assert!(child.try_wait().unwrap().is_none(), "open ended early");
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no staging appeared"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child
}

/// Issue 10, point 8: an open interrupted by SIGTERM or Ctrl-C removes its staging folder
/// (which holds `customers.csv` in plaintext); one killed by SIGKILL cannot, and the next open
/// into the same folder removes it and says so.
#[cfg(unix)]
#[test]
fn interrupted_open_leaves_no_plaintext() {
    let tmp = tempfile::tempdir().unwrap();
    let data = basic_office(tmp.path());
    let bundle = tmp.path().join("b.age");
    let mut pack = one_customer_pack(&bundle);
    pack[6] = "T001,T003";
    ok(&data, &pack);

    for (signal, code) in [("-TERM", 143), ("-INT", 130), ("-HUP", 129)] {
        let out = tmp.path().join(format!("out{signal}"));
        let child = open_held_after_csv(&data, &bundle, &out);
        let st = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        let o = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{signal}: {stderr}");
        assert!(
            o.status.code() == Some(code) || o.status.code() == Some(1),
            "{signal}: {:?} {stderr}",
            o.status
        );
        // The open made `out`: gone again, or (if the exit came first) empty.
        let left: Vec<_> = std::fs::read_dir(&out)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "{signal} left {left:?}");
    }

    // SIGKILL: the staging folder, with the plaintext CSV, stays…
    let out = tmp.path().join("out-kill");
    let mut child = open_held_after_csv(&data, &bundle, &out);
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(9));
    let stale = staging_in(&out);
    assert_eq!(stale.len(), 1);
    assert!(stale[0].join("content/customers.csv").is_file());
    // …until the next open into that folder, which removes it and says so.
    let o = open_cmd(&data, &bundle, &out).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("removed {}", stale[0].display())) && stderr.contains("killed"),
        "{stderr}"
    );
    assert!(staging_in(&out).is_empty());
    assert!(out.join("customers.csv").is_file());
}

/// `handover open BUNDLE --identity <test contractor> --trust <office> --out OUT`.
#[cfg(unix)]
fn open_cmd(data: &Path, bundle: &Path, out: &Path) -> Command {
    let trust = data.join("keys/office.signing.pub");
    let identity = fixtures().join("keys/test-contractor.agekey");
    handover(
        data,
        &[
            "open",
            bundle.to_str().unwrap(),
            "--identity",
            identity.to_str().unwrap(),
            "--trust",
            trust.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    )
}

/// A pack of K001 held between putting the bundle in place and recording it while another
/// process runs `change`: the pack is refused, its bundle deleted, nothing recorded, and the
/// user told `why` (the recording transaction checks again what `prepare` decided).
fn pack_raced_by(change: &[&str], why: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let data = small_office(tmp.path());
    let out = tmp.path().join("raced.age");
    let gate = tmp.path().join("hold");
    std::fs::write(&gate, b"").unwrap();
    let child = handover(&data, &one_customer_pack(&out))
        .env("HANDOVER_TEST_HOLD_BEFORE_RECORD_WHILE", &gate)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !out.exists() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(out.exists(), "the bundle never appeared");
    let sig = tmp.path().join("raced.age.sig");
    assert!(
        sig.exists(),
        "the signature goes in place before the bundle"
    );
    ok(&data, change);
    let before = recorded(&data);
    std::fs::remove_file(&gate).unwrap();
    let done = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains(why), "{stderr}");
    assert!(!out.exists(), "the refused bundle is still there");
    assert!(
        !sig.exists(),
        "the refused bundle's signature is still there"
    );
    assert_eq!(handover_count(&data), 0);
    assert_eq!(recorded(&data), before);
}

#[test]
fn an_opt_out_registered_while_a_pack_waits_refuses_the_pack() {
    let add = [
        "request",
        "add",
        "K001",
        "--scope",
        "all",
        "--received",
        "2026-01-05",
        "--channel",
        "phone",
    ];
    pack_raced_by(&add, "customer K001 asked for their data to be withheld");
}

#[test]
fn a_contractor_changed_while_a_pack_waits_refuses_the_pack() {
    let change = [
        "contractor",
        "update",
        "CTR-0001",
        "--agreement-expires",
        "2026-12-31",
    ];
    pack_raced_by(&change, "while this handover was being packed");
}

/// A destruction receipt says which extracted files it could not delete, and why, in the
/// terminal's language: the receipt carries a code, which the CLI words (Japanese, then
/// English), whatever language the contractor's system error would have been in.
#[cfg(unix)]
#[test]
fn a_destruction_receipt_says_what_it_could_not_delete_in_the_terminals_language() {
    let tmp = tempfile::tempdir().unwrap();
    let data = small_office(tmp.path());
    let bundle = tmp.path().join("b.age");
    ok(&data, &one_customer_pack(&bundle));
    let identity = fixtures().join("keys/test-contractor.agekey");
    let trust = data.join("keys/office.signing.pub");
    for (locale, says) in [
        (
            "ja_JP.UTF-8",
            [
                "の廃棄証明（",
                "削除しました customers.csv",
                "削除できなかったもの customers.json: 見つかりませんでした",
            ],
        ),
        (
            "C",
            [
                "destroyed receipt for HO-",
                "deleted customers.csv",
                "not deleted customers.json: not found",
            ],
        ),
    ] {
        let work = tmp.path().join(format!("work-{locale}"));
        let opened = open_cmd(&data, &bundle, &work).output().unwrap();
        assert!(
            opened.status.success(),
            "{}",
            String::from_utf8_lossy(&opened.stderr)
        );
        std::fs::remove_file(work.join("customers.json")).unwrap();
        let receipt = tmp.path().join(format!("r-{locale}.age"));
        let made = handover(
            &data,
            &[
                "receipt",
                "destroyed",
                bundle.to_str().unwrap(),
                "--identity",
                identity.to_str().unwrap(),
                "--trust",
                trust.to_str().unwrap(),
                "--by",
                "架空次郎",
                "--extracted",
                work.to_str().unwrap(),
                "--out",
                receipt.to_str().unwrap(),
            ],
        )
        .env("LC_ALL", locale)
        .output()
        .unwrap();
        let stderr = String::from_utf8_lossy(&made.stderr);
        assert!(made.status.success(), "{stderr}");
        for line in says {
            assert!(stderr.contains(line), "{locale}: {stderr}");
        }
        assert!(!work.join("customers.csv").exists() && receipt.exists());
    }
    // The office reads the import in its terminal's language too.
    let receipt = tmp.path().join("r-ja_JP.UTF-8.age");
    let imported = handover(&data, &["receipt", "import", receipt.to_str().unwrap()])
        .env("LC_ALL", "ja_JP.UTF-8")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&imported.stdout);
    assert!(imported.status.success(), "{stdout}");
    assert!(
        stdout.contains(" 廃棄（架空次郎、台帳の記録 ") && stdout.contains("、引き渡しを完了）"),
        "{stdout}"
    );
}
