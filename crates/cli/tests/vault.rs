//! Encryption at rest from the terminal (issue 14): `init --admin` prints the recovery key once,
//! `office recover NAME` sets a new password with it, `operator password` changes one's own.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{ok, refused, with_stdin};

const PASSWORD: &str = "test password 1234";
const NEW_PASSWORD: &str = "a new password 5678";

/// Run `handover --data-dir DATA ARGS` with `env` set and `stdin` on standard input.
fn run(data: &Path, env: &[(&str, &str)], args: &[&str], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_handover"));
    for var in [
        "HANDOVER_OPERATOR",
        "HANDOVER_PASSWORD",
        "HANDOVER_NEW_PASSWORD",
        "HANDOVER_RECOVERY_KEY",
        "HANDOVER_STORE",
    ] {
        cmd.env_remove(var);
    }
    // Tiny Argon2 parameters (debug builds only), messages in English.
    let fixed = [
        ("HANDOVER_TEST_FAST_HASH", "1"),
        ("LANG", "C"),
        ("LC_MESSAGES", "C"),
        ("NO_COLOR", "1"),
    ];
    cmd.envs(fixed).envs(env.iter().copied());
    cmd.arg("--data-dir").arg(data).args(args);
    with_stdin(cmd, stdin)
}

/// The recovery key as `init` printed it.
fn recovery_key_in(out: &str) -> String {
    let at = out
        .find("Recovery key")
        .expect("init prints the recovery key");
    out[at..].lines().nth(1).unwrap().trim().to_string()
}

#[test]
fn init_prints_the_recovery_key_and_office_recover_sets_a_new_password_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = ok(run(
        &data,
        &[("HANDOVER_PASSWORD", PASSWORD)],
        &["init", "--admin", "kanri"],
        "",
    ));
    let key = recovery_key_in(&out);
    assert_eq!(key.split('-').count(), 9, "{out}");
    assert!(out.contains("office safe"), "{out}");
    // The key is printed once: `office show` and the data folder never show it again.
    for f in std::fs::read_dir(&data).unwrap() {
        let path = f.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(&key), "{}", path.display());
        }
    }
    // A typo, and a key of no office: refused, nothing changed.
    let mut typo = key.clone();
    typo.replace_range(0..1, if key.starts_with('A') { "B" } else { "A" });
    let lines = format!("{typo}\n{NEW_PASSWORD}\n");
    refused(
        run(&data, &[], &["office", "recover", "kanri"], &lines),
        3,
        "typo",
    );
    let customers = ["--operator", "kanri", "customers"];
    ok(run(
        &data,
        &[("HANDOVER_PASSWORD", PASSWORD)],
        &customers,
        "",
    ));
    // The right key from standard input (as typed: lower case, spaces), then the new password.
    let typed = key.to_lowercase().replace('-', " ");
    let lines = format!("{typed}\n{NEW_PASSWORD}\n");
    let out = ok(run(&data, &[], &["office", "recover", "kanri"], &lines));
    assert!(out.contains("kanri has a new password"), "{out}");
    refused(
        run(&data, &[("HANDOVER_PASSWORD", PASSWORD)], &customers, ""),
        4,
        "wrong",
    );
    ok(run(
        &data,
        &[("HANDOVER_PASSWORD", NEW_PASSWORD)],
        &customers,
        "",
    ));
    // The key from the environment works as well; the ledger still verifies.
    let env = [
        ("HANDOVER_RECOVERY_KEY", key.as_str()),
        ("HANDOVER_PASSWORD", PASSWORD),
    ];
    ok(run(&data, &env, &["office", "recover", "kanri"], ""));
    let verify = ["--operator", "kanri", "ledger", "verify"];
    ok(run(&data, &[("HANDOVER_PASSWORD", PASSWORD)], &verify, ""));
}

#[test]
fn operator_password_changes_ones_own_password_and_a_wrong_current_one_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let env = [("HANDOVER_PASSWORD", PASSWORD)];
    ok(run(&data, &env, &["init", "--admin", "tester"], ""));
    let change = ["--operator", "tester", "operator", "password"];
    // The data key's wraps (the file also counts refused sign-ins).
    let vault = || {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(data.join("vault.json")).unwrap()).unwrap();
        v["wraps"].clone()
    };
    let before = vault();
    // A wrong current password: refused at sign-in, the wraps as they were.
    let lines = format!("not my password\n{NEW_PASSWORD}\n");
    refused(run(&data, &[], &change, &lines), 4, "wrong");
    assert_eq!(vault(), before);
    // The current password, then the new one, from standard input.
    let lines = format!("{PASSWORD}\n{NEW_PASSWORD}\n");
    let out = ok(run(&data, &[], &change, &lines));
    assert!(out.contains("tester has a new password"), "{out}");
    assert_ne!(vault(), before);
    let verify = ["--operator", "tester", "ledger", "verify"];
    refused(run(&data, &env, &verify, ""), 4, "wrong");
    ok(run(
        &data,
        &[("HANDOVER_PASSWORD", NEW_PASSWORD)],
        &verify,
        "",
    ));
    // Both from the environment, back to the first one.
    let both = [
        ("HANDOVER_PASSWORD", NEW_PASSWORD),
        ("HANDOVER_NEW_PASSWORD", PASSWORD),
    ];
    ok(run(&data, &both, &change, ""));
    ok(run(&data, &env, &verify, ""));
    let kinds = common::recorded_kinds(&data);
    let changed = kinds
        .iter()
        .filter(|k| *k == "operator.password_changed")
        .count();
    assert_eq!(changed, 2, "{kinds:?}");
}
