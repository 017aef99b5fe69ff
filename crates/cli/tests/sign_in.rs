//! Sign-in on the embedded store from the terminal (issue 13): `init --admin`, `--operator`
//! with a password per call, `operator add/list/disable`, lockout and role refusals.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::with_stdin;

const PASSWORD: &str = "test password 1234";

/// Run `handover --data-dir DATA ARGS`, with `password` in HANDOVER_PASSWORD (if any) and
/// `stdin` on standard input.
fn run(data: &Path, password: Option<&str>, args: &[&str], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_handover"));
    cmd.arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("HANDOVER_OPERATOR")
        .env_remove("HANDOVER_PASSWORD")
        .env_remove("HANDOVER_STORE")
        // Debug builds only: tiny Argon2 parameters, so the suite does not spend seconds
        // hashing (release builds ignore it).
        .env("HANDOVER_TEST_FAST_HASH", "1")
        .env("LANG", "C")
        .env("LC_MESSAGES", "C")
        .env("NO_COLOR", "1");
    if let Some(p) = password {
        cmd.env("HANDOVER_PASSWORD", p);
    }
    with_stdin(cmd, stdin)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}

fn refused(o: Output, code: i32, says: &str) {
    assert_eq!(o.status.code(), Some(code), "{}", text(&o));
    assert!(text(&o).contains(says), "wanted {says:?} in {}", text(&o));
}

#[test]
fn the_admin_signs_in_per_call_adds_people_and_staff_are_held_to_their_role() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = ok(run(
        &data,
        Some(PASSWORD),
        &["init", "--admin", "kanri"],
        "",
    ));
    assert!(out.contains("kanri is the office's admin"), "{out}");
    // Nobody signed in: refused, with what to do.
    refused(
        run(&data, None, &["customers"], ""),
        4,
        "add `--operator NAME`",
    );
    refused(
        run(
            &data,
            Some(PASSWORD),
            &["--operator", "kan\u{7}ri", "customers"],
            "",
        ),
        3,
        "cannot be an operator's name",
    );
    // The admin adds a staff member; the new password comes from standard input.
    let admin = ["--operator", "kanri"];
    let add = [&admin[..], &["operator", "add", "tanto", "--role", "staff"]].concat();
    ok(run(&data, Some(PASSWORD), &add, ""));
    let list = [&admin[..], &["operator", "list"]].concat();
    let list = ok(run(&data, Some(PASSWORD), &list, ""));
    assert!(list.contains("tanto") && list.contains("staff"), "{list}");
    // Staff may look, not export the ledger or manage people: exit 4, nothing written.
    let staff = ["--operator", "tanto"];
    ok(run(
        &data,
        Some(PASSWORD),
        &[&staff[..], &["customers"]].concat(),
        "",
    ));
    let out_file = tmp.path().join("ledger.jsonl");
    let export = [
        &staff[..],
        &["ledger", "export", out_file.to_str().unwrap()],
    ]
    .concat();
    refused(
        run(&data, Some(PASSWORD), &export, ""),
        4,
        "needs the manager role",
    );
    assert!(!out_file.exists());
    refused(
        run(
            &data,
            Some(PASSWORD),
            &[&staff[..], &["operator", "list"]].concat(),
            "",
        ),
        4,
        "needs the admin role",
    );
    // The password can come on standard input too.
    ok(run(
        &data,
        None,
        &[&staff[..], &["customers"]].concat(),
        &format!("{PASSWORD}\n"),
    ));
}

#[test]
fn five_wrong_passwords_lock_the_operator_and_say_until_when() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    ok(run(
        &data,
        Some(PASSWORD),
        &["init", "--admin", "kanri"],
        "",
    ));
    let args = ["--operator", "kanri", "customers"];
    for _ in 0..4 {
        refused(
            run(&data, Some("wrong password 999"), &args, ""),
            4,
            "wrong",
        );
    }
    refused(
        run(&data, Some("wrong password 999"), &args, ""),
        4,
        "locked",
    );
    refused(run(&data, Some(PASSWORD), &args, ""), 4, "until");
    // A second --admin on the same office is refused.
    refused(
        run(&data, Some(PASSWORD), &["init", "--admin", "other"], ""),
        3,
        "already has its operators",
    );
}
