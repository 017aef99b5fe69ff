//! Golden tests of the `handover` command (trycmd).
//!
//! Each `cmd/*.md` case runs its commands in order in a fresh sandbox holding a copy of
//! `tests/fixtures/` (its `<case>.in` is a link to that folder; the `<case>.out/` folder, empty
//! but for `.keep`, makes trycmd sandbox the run). Every case keeps its data in `./data` via
//! `--data-dir`, so nothing outside the sandbox is touched. Random keys are elided with `[..]`.
//!
//! `ledger_tamper.md`, `ledger_derived_tamper.md` and `ledger_retention.md` edit the database,
//! which is encrypted at rest, with `sqlcipher-peer` (an example of this crate: SQLCipher with
//! the store key from the vault, as someone who knows a password would), show that the stock
//! `sqlite3` CLI (Debian package `sqlite3`) cannot read it, and copy files with coreutils' `cp`;
//! they are skipped, loudly, where a tool is missing.
//! `handover_tamper.md` damages a bundle with coreutils' `dd` and `truncate` (skipped likewise).

use std::path::Path;

#[test]
fn cli() {
    let cases = trycmd::TestCases::new();
    cases
        .env("HANDOVER_OPERATOR", "tester")
        // For the cases that sign in (`--operator`, approval.md): the test password, and tiny
        // Argon2 parameters (debug builds only) so hashing does not take seconds.
        .env("HANDOVER_PASSWORD", "test password 1234")
        .env("HANDOVER_TEST_FAST_HASH", "1")
        .env("NO_COLOR", "1")
        // English whatever the developer's LANG or LC_MESSAGES. The Japanese cases
        // (ja_*.toml) set LC_ALL, which the CLI reads first; a case's variable cannot override
        // one set here, so LC_ALL is left alone (a developer with LC_ALL=ja_JP… set sees the
        // English cases fail: unset it to run them).
        .env("LANG", "C")
        .env("LC_MESSAGES", "C")
        .case("tests/cmd/*.md")
        .case("tests/cmd/*.toml");
    // The encrypted store's peer (an example of this crate, built with the tests) and the
    // stock sqlite3, which must fail to read it.
    let peer = Path::new(env!("CARGO_BIN_EXE_handover"))
        .parent()
        .unwrap()
        .join("examples/sqlcipher-peer");
    assert!(peer.exists(), "{} is built by cargo test", peer.display());
    cases.register_bin("sqlcipher-peer", peer);
    let sqlite3 = Path::new("/usr/bin/sqlite3");
    let cp = Path::new("/usr/bin/cp");
    if sqlite3.exists() && cp.exists() {
        cases.register_bin("sqlite3", sqlite3.to_path_buf());
        cases.register_bin("cp", cp.to_path_buf());
    } else {
        eprintln!(
            "warning: /usr/bin/sqlite3 (apt-get install sqlite3) or /usr/bin/cp is missing: \
             skipping tests/cmd/ledger_tamper.md, ledger_derived_tamper.md and \
             ledger_retention.md"
        );
        for case in ["ledger_tamper", "ledger_derived_tamper", "ledger_retention"] {
            cases.skip(format!("tests/cmd/{case}.md"));
        }
    }
    let coreutils = ["dd", "truncate"].map(|b| Path::new("/usr/bin").join(b));
    if coreutils.iter().all(|p| p.exists()) {
        for (name, path) in ["dd", "truncate"].into_iter().zip(coreutils) {
            cases.register_bin(name, path);
        }
    } else {
        eprintln!(
            "warning: /usr/bin/dd or /usr/bin/truncate is missing: skipping \
             tests/cmd/handover_tamper.md"
        );
        cases.skip("tests/cmd/handover_tamper.md");
    }
}

/// `handover --version` names the workspace version and the commit the binary was built from
/// (the one checked out, when the tests run in a git checkout).
#[test]
fn version_names_the_commit() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--version")
        .output()
        .expect("run handover --version");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let given = std::env::var("HANDOVER_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty());
    let head = || {
        std::process::Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let commit = given.or_else(head).unwrap_or_else(|| "unknown".to_string());
    assert_eq!(
        text,
        format!("handover {} ({commit})\n", env!("CARGO_PKG_VERSION"))
    );
}
