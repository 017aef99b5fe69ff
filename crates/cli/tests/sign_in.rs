//! Sign-in on the embedded store from the terminal (issue 13): `init --admin`, `--operator`
//! with a password per call, `operator add/list/disable`, lockout and role refusals.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{ok, refused, text, with_stdin};

const PASSWORD: &str = "test password 1234";

/// Run `handover --data-dir DATA ARGS`, with `password` in HANDOVER_PASSWORD (if any) and
/// `stdin` on standard input.
fn run(data: &Path, password: Option<&str>, args: &[&str], stdin: &str) -> Output {
    with_stdin(cmd(data, password, args), stdin)
}

/// The command `run` runs, to add to its environment.
fn cmd(data: &Path, password: Option<&str>, args: &[&str]) -> Command {
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
    cmd
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
    // Until when, in local time, as a person reads it (not an ISO instant in UTC).
    let locked = run_in_tz(&data, Some(PASSWORD), &args, "");
    refused(locked, 4, "(local time)");
    let locked = text(&run_in_tz(&data, Some(PASSWORD), &args, ""));
    let until = locked
        .split("until ")
        .nth(1)
        .and_then(|rest| rest.split(" (local time)").next())
        .unwrap_or_default();
    assert!(
        until.len() >= "1 Dec 2026, 09:05".len() && until.contains(", ") && !until.contains('Z'),
        "{locked}"
    );
    let mut ja = cmd(&data, Some(PASSWORD), &args);
    ja.env("LC_ALL", "ja_JP.UTF-8").env("TZ", "JST-9");
    let ja = text(&with_stdin(ja, ""));
    assert!(
        ja.contains("kanri は 20") && ja.contains("日 ") && ja.contains("までサインインできません"),
        "{ja}"
    );
    // A second --admin on the same office is refused.
    refused(
        run(&data, Some(PASSWORD), &["init", "--admin", "other"], ""),
        3,
        "already has its operators",
    );
}

/// The record of use (操作記録) from the terminal: staff's looks are recorded under their name,
/// only a manager or admin reads or saves the report (staff: exit 4, nothing written), and the
/// customer's report says who looked.
#[test]
fn staff_looks_are_recorded_and_only_managers_read_the_record_of_use() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    ok(run(
        &data,
        Some(PASSWORD),
        &["init", "--admin", "kanri"],
        "",
    ));
    let admin = ["--operator", "kanri"];
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/registers");
    let register = fixtures.join("basic_utf8.csv");
    let import = [&admin[..], &["import", register.to_str().unwrap()]].concat();
    ok(run(&data, Some(PASSWORD), &import, ""));
    for (who, role) in [("joshi", "manager"), ("tanto", "staff")] {
        let add = [&admin[..], &["operator", "add", who, "--role", role]].concat();
        ok(run(&data, Some(PASSWORD), &add, ""));
    }
    let staff = ["--operator", "tanto"];
    let look = [&staff[..], &["report", "customer", "T003"]].concat();
    let out = ok(run(&data, Some(PASSWORD), &look, ""));
    assert!(out.contains("tanto  customer page viewed"), "{out}");
    let out_file = tmp.path().join("usage.csv");
    let save = [
        "report",
        "usage",
        "--format",
        "csv",
        "--out",
        out_file.to_str().unwrap(),
    ];
    refused(
        run(&data, Some(PASSWORD), &[&staff[..], &save].concat(), ""),
        4,
        "needs the manager role",
    );
    assert!(!out_file.exists());
    let list = [&staff[..], &["report", "usage"]].concat();
    refused(
        run(&data, Some(PASSWORD), &list, ""),
        4,
        "needs the manager role",
    );

    let boss = ["--operator", "joshi"];
    ok(run(&data, Some(PASSWORD), &[&boss[..], &save].concat(), ""));
    let csv = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        csv.contains(",tanto,顧客画面の閲覧,disclosure record,1,T003,"),
        "{csv}"
    );
    let only = [&boss[..], &["report", "usage", "--by", "tanto"]].concat();
    let out = ok(run(&data, Some(PASSWORD), &only, ""));
    assert!(out.contains("1 use(s)"), "{out}");
    let verify = [&admin[..], &["ledger", "verify"]].concat();
    let out = ok(run(&data, Some(PASSWORD), &verify, ""));
    assert!(out.contains("The record of use agrees"), "{out}");
}

/// `run` with the office's time zone set (UTC+9), as an office in Japan has it.
fn run_in_tz(data: &Path, password: Option<&str>, args: &[&str], stdin: &str) -> Output {
    let mut c = cmd(data, password, args);
    c.env("TZ", "JST-9");
    with_stdin(c, stdin)
}

#[test]
fn operator_names_may_be_japanese_and_sign_in_however_they_are_typed() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = ok(run(
        &data,
        Some(PASSWORD),
        &["init", "--admin", "田中 太郎"],
        "",
    ));
    assert!(out.contains("田中 太郎 is the office's admin"), "{out}");
    let admin = ["--operator", "田中 太郎"];
    // が typed as か + a combining mark (NFD, as some systems send it) is the same person.
    let add = [
        &admin[..],
        &["operator", "add", "長谷川", "--role", "staff"],
    ]
    .concat();
    ok(run(&data, Some(PASSWORD), &add, ""));
    let nfd = "長谷川".to_string();
    ok(run(
        &data,
        Some(PASSWORD),
        &["--operator", &nfd, "customers"],
        "",
    ));
    let add = [
        &admin[..],
        &["operator", "add", "かき\u{3099}", "--role", "staff"],
    ]
    .concat();
    ok(run(&data, Some(PASSWORD), &add, ""));
    ok(run(
        &data,
        Some(PASSWORD),
        &["--operator", "かぎ", "customers"],
        "",
    ));
    let list = ok(run(
        &data,
        Some(PASSWORD),
        &[&admin[..], &["operator", "list"]].concat(),
        "",
    ));
    assert!(
        list.contains("かぎ") && !list.contains('\u{3099}'),
        "{list}"
    );
    // Too long, or hiding an invisible character: refused, and nobody is added.
    let long = "長".repeat(33);
    for bad in [long.as_str(), "田\u{200B}中"] {
        let add = [&admin[..], &["operator", "add", bad, "--role", "staff"]].concat();
        refused(
            run(&data, Some(PASSWORD), &add, ""),
            3,
            "cannot be an operator's name",
        );
    }
    let again = ok(run(
        &data,
        Some(PASSWORD),
        &[&admin[..], &["operator", "list"]].concat(),
        "",
    ));
    assert_eq!(again.lines().count(), list.lines().count(), "{again}");
}

#[test]
fn an_office_with_nobody_on_its_roster_gets_its_first_admin_with_operator_add() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // A new folder starts with init --admin, not operator add.
    refused(
        run(
            &data,
            Some(PASSWORD),
            &["operator", "add", "kanri", "--role", "admin"],
            "",
        ),
        1,
        "init --admin NAME",
    );
    // An office from before sign-in, as those versions made it: a plain store with its keys,
    // nobody on its roster and no data key (no vault file).
    let (office, _) = handover_core::ops::init(handover_core::DataDir::new(&data), "係員").unwrap();
    drop(office);
    assert!(!data.join("vault.json").exists());
    // Nobody can work in it yet, and a typed name does not open it.
    refused(
        run(
            &data,
            Some(PASSWORD),
            &["--operator", "kanri", "customers"],
            "",
        ),
        4,
        "no administrator",
    );
    refused(
        run(&data, None, &["customers"], ""),
        4,
        "operator add NAME --role admin",
    );
    // The first person must be an admin; then the admin is added, recorded, and signs in.
    refused(
        run(
            &data,
            Some(PASSWORD),
            &["operator", "add", "tanto", "--role", "staff"],
            "",
        ),
        1,
        "first person is an admin",
    );
    let out = ok(run(
        &data,
        Some(PASSWORD),
        &["operator", "add", "上長 花子", "--role", "admin"],
        "",
    ));
    assert!(
        out.contains("上長 花子 is the office's first admin"),
        "{out}"
    );
    // Now the roster has someone: adding needs a signed-in admin.
    refused(
        run(
            &data,
            Some(PASSWORD),
            &["operator", "add", "x", "--role", "admin"],
            "",
        ),
        4,
        "sign in",
    );
    first_admin_is_recorded_once(tmp.path(), &data, "上長 花子");
    old_store_was_encrypted_at_once(tmp.path(), &data);
}

/// The first admin's data key encrypted the old store at once: it is no plain SQLite file any
/// more, and the conversion is recorded.
fn old_store_was_encrypted_at_once(tmp: &Path, data: &Path) {
    let head = std::fs::read(data.join("handover.sqlite3")).unwrap();
    assert!(!head.starts_with(b"SQLite format 3"));
    let file = tmp.join("ledger2.jsonl");
    ok(run(
        data,
        Some(PASSWORD),
        &[
            "--operator",
            "上長 花子",
            "ledger",
            "export",
            file.to_str().unwrap(),
        ],
        "",
    ));
    let log = std::fs::read_to_string(&file).unwrap();
    assert!(log.contains("office.encrypted_at_rest"), "{log}");
}

/// The ledger (exported by `admin`) records `admin`'s addition once, and verifies.
fn first_admin_is_recorded_once(tmp: &Path, data: &Path, admin: &str) {
    let admin = ["--operator", admin];
    let file = tmp.join("ledger.jsonl");
    let export = [&admin[..], &["ledger", "export", file.to_str().unwrap()]].concat();
    ok(run(data, Some(PASSWORD), &export, ""));
    let log = std::fs::read_to_string(&file).unwrap();
    let first = log
        .lines()
        .filter(|l| l.contains("operator.added") && l.contains(admin[1]))
        .count();
    assert_eq!(first, 1, "{log}");
    let verify = [&admin[..], &["ledger", "verify"]].concat();
    ok(run(data, Some(PASSWORD), &verify, ""));
}
