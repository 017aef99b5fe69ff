//! Helpers shared by the CLI's integration tests.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `cmd` with `stdin` written to it and returns what it did.
#[allow(dead_code)]
pub fn with_stdin(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// What a command printed, standard output then standard error.
#[allow(dead_code)]
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A command that succeeded: what it printed.
#[allow(dead_code)]
pub fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}

/// A command refused with exit `code`, saying `says`.
#[allow(dead_code)]
pub fn refused(o: Output, code: i32, says: &str) {
    assert_eq!(o.status.code(), Some(code), "{}", text(&o));
    assert!(text(&o).contains(says), "wanted {says:?} in {}", text(&o));
}

/// What the ledger of the office in `data` records beyond people signing in: the kinds of its
/// entries in order, read through `ledger export` as the test admin (`tester`, the suite's
/// password). Every CLI call signs in and so records `operator.signed_in` (this read's own call
/// too), and each earlier read appended a `ledger.exported` and, right after it, the seal of
/// that export in the record of use (`usage.sealed`): all are left out, so that a test compares
/// what its own commands recorded, entry by entry.
#[allow(dead_code)]
pub fn recorded_kinds(data: &std::path::Path) -> Vec<String> {
    let file = data.with_extension("kinds.jsonl");
    let _ = std::fs::remove_file(&file);
    let out = Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--data-dir")
        .arg(data)
        .args(["--operator", "tester", "ledger", "export"])
        .arg(&file)
        .env("HANDOVER_PASSWORD", "test password 1234")
        .env("HANDOVER_TEST_FAST_HASH", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let log = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    let all: Vec<String> = log
        .lines()
        .skip(1)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["kind"].as_str().unwrap().to_string()
        })
        .filter(|k| k != "operator.signed_in")
        .collect();
    let mut kinds = Vec::new();
    for (i, k) in all.iter().enumerate() {
        let seals_an_export = k == "usage.sealed" && i > 0 && all[i - 1] == "ledger.exported";
        if k != "ledger.exported" && !seals_an_export {
            kinds.push(k.clone());
        }
    }
    kinds
}
