//! 上長承認 from the terminal (issue 13): staff ask with the selection of `prepare`, a manager
//! who did not ask approves, staff pack exactly that once, and `open` names the approver. The
//! golden case `cmd/approval.md` shows the text; this walk needs the approval's id, which
//! carries the current year.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{ok, refused, with_stdin};

const PASSWORD: &str = "test password 1234";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// `handover --data-dir DATA [--operator WHO] ARGS`, signed in with the test password.
fn run(data: &Path, who: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_handover"));
    cmd.arg("--data-dir").arg(data);
    if let Some(w) = who {
        cmd.args(["--operator", w]);
    }
    cmd.args(args)
        .env_remove("HANDOVER_OPERATOR")
        .env_remove("HANDOVER_STORE")
        .env("HANDOVER_PASSWORD", PASSWORD)
        .env("HANDOVER_TEST_FAST_HASH", "1")
        .env("LANG", "C")
        .env("LC_MESSAGES", "C")
        .env("NO_COLOR", "1");
    with_stdin(cmd, "")
}

/// An office with an admin, a staff member and a manager, the basic register and a keyed
/// contractor.
fn office(data: &Path) {
    ok(run(data, None, &["init", "--admin", "kanri"]));
    for (name, role) in [("tanto", "staff"), ("joshi", "manager")] {
        ok(run(
            data,
            Some("kanri"),
            &["operator", "add", name, "--role", role],
        ));
    }
    let reg = fixtures().join("registers/basic.xlsx");
    ok(run(data, Some("kanri"), &["import", reg.to_str().unwrap()]));
    let keys = fixtures().join("keys/test-contractor.recipients.txt");
    ok(run(
        data,
        Some("kanri"),
        &[
            "contractor",
            "add",
            "--name",
            "架空電設株式会社",
            "--recipients-file",
            keys.to_str().unwrap(),
            "--agreement-signed",
            "2020-04-01",
            "--agreement-expires",
            "2099-03-31",
        ],
    ));
}

const SELECTION: [&str; 10] = [
    "--contractor",
    "CTR-0001",
    "--work-type",
    "repair",
    "--customers",
    "T001,T003",
    "--extra-field",
    "email",
    "--reason",
    "工事日の連絡",
];

/// `pack` of [`SELECTION`] (its customers replaced by `customers`, if given) to `out`, with
/// the approval `id`, if given.
fn pack_args<'a>(out: &'a Path, customers: Option<&'a str>, id: Option<&'a str>) -> Vec<&'a str> {
    let mut args = vec!["pack"];
    args.extend(SELECTION);
    if let Some(c) = customers {
        args[6] = c;
    }
    args.extend(["--method", "transfer", "--out", out.to_str().unwrap()]);
    if let Some(a) = id {
        args.extend(["--approval", a]);
    }
    args
}

/// `who` asks for an approval of [`SELECTION`]; its id.
fn ask(data: &Path, who: &str) -> String {
    let mut args = vec!["approval", "request"];
    args.extend(SELECTION);
    args.push("--json");
    let asked = ok(run(data, Some(who), &args));
    let v: serde_json::Value = serde_json::from_str(asked.trim()).expect(&asked);
    v["id"].as_str().expect("the id").to_string()
}

#[test]
fn staff_ask_a_manager_approves_staff_pack_once_and_open_names_the_approver() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    office(&data);
    let out = tmp.path().join("b.age");
    let pack = |approval: Option<&str>| run(&data, Some("tanto"), &pack_args(&out, None, approval));
    refused(pack(None), 3, "needs a manager's approval");
    assert!(!out.exists());

    let id = ask(&data, "tanto");
    assert!(id.starts_with("APR-") && id.ends_with("-0001"), "{id}");
    refused(pack(Some(&id)), 3, "pending");

    // Staff cannot approve; the manager can, and the list says so.
    refused(
        run(&data, Some("tanto"), &["approval", "approve", &id]),
        4,
        "needs the manager role",
    );
    let pending = ok(run(
        &data,
        Some("joshi"),
        &["approval", "list", "--pending"],
    ));
    assert!(
        pending.contains(&id) && pending.contains("pending"),
        "{pending}"
    );
    let approved = ok(run(&data, Some("joshi"), &["approval", "approve", &id]));
    assert!(approved.contains("approved"), "{approved}");
    let shown = ok(run(&data, Some("tanto"), &["approval", "show", &id]));
    assert!(
        shown.contains("approved by joshi") && shown.contains("T003"),
        "{shown}"
    );

    // Anything else is refused saying what differs; the exact selection packs, once.
    let more = pack_args(&out, Some("T001,T002,T003"), Some(&id));
    refused(
        run(&data, Some("tanto"), &more),
        3,
        "customer T002 was not approved",
    );
    let packed = ok(pack(Some(&id)));
    assert!(packed.contains("approved by joshi"), "{packed}");
    std::fs::remove_file(&out).unwrap();
    std::fs::remove_file(out.with_extension("age.sig")).ok();
    refused(pack(Some(&id)), 3, "used");
    ok(run(&data, Some("joshi"), &["ledger", "verify"]));
}

#[test]
fn open_shows_the_approval_to_the_contractor() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    office(&data);
    let id = ask(&data, "tanto");
    ok(run(&data, Some("joshi"), &["approval", "approve", &id]));
    let out = tmp.path().join("b.age");
    ok(run(&data, Some("tanto"), &pack_args(&out, None, Some(&id))));
    let keys = ok(run(&data, Some("tanto"), &["keys", "--json"]));
    let keys: serde_json::Value = serde_json::from_str(keys.trim()).unwrap();
    let trust = keys["signingKey"].as_str().unwrap();
    let identity = fixtures().join("keys/test-contractor.agekey");
    let opened = ok(run(
        &data,
        None,
        &[
            "open",
            out.to_str().unwrap(),
            "--identity",
            identity.to_str().unwrap(),
            "--trust",
            trust,
        ],
    ));
    assert!(opened.contains("approved by joshi on "), "{opened}");
    assert!(opened.contains(&id), "{opened}");
}

/// The office opens one of its own bundles with its escrow key (`open --office`): signed in,
/// the plaintext shown (and written with `--out`), and the open is in the record of use under
/// the person with the bundle's customers. Without a sign-in it is refused and nothing is
/// written; a contractor's flags do not mix with it.
#[test]
fn the_office_opens_its_own_bundle_signed_in_and_the_look_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    office(&data);
    let id = ask(&data, "tanto");
    ok(run(&data, Some("joshi"), &["approval", "approve", &id]));
    let bundle = tmp.path().join("b.age");
    ok(run(
        &data,
        Some("tanto"),
        &pack_args(&bundle, None, Some(&id)),
    ));
    let b = bundle.to_str().unwrap();
    let files = tmp.path().join("opened");
    let nobody = run(
        &data,
        None,
        &["open", b, "--office", "--out", files.to_str().unwrap()],
    );
    refused(nobody, 4, "--operator NAME");
    assert!(!files.exists());
    let mixed = run(
        &data,
        Some("tanto"),
        &["open", b, "--office", "--trust", "x"],
    );
    refused(mixed, 2, "cannot be used with");

    let opened = ok(run(
        &data,
        Some("tanto"),
        &["open", b, "--office", "--out", files.to_str().unwrap()],
    ));
    assert!(
        opened.contains("2 customer(s)") && opened.contains("approved by joshi"),
        "{opened}"
    );
    assert!(files.join("customers.csv").exists());
    let report = ok(run(
        &data,
        Some("joshi"),
        &["report", "usage", "--by", "tanto"],
    ));
    let line = report
        .lines()
        .find(|l| l.contains("bundle opened by the office"))
        .unwrap_or_else(|| panic!("no bundle open in the record of use:\n{report}"));
    assert!(line.contains("T001") && line.contains("T003"), "{line}");
    ok(run(&data, Some("joshi"), &["ledger", "verify"]));
}

#[test]
fn a_manager_cannot_approve_their_own_request_and_a_rejection_needs_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    office(&data);
    let id = ask(&data, "joshi");
    refused(
        run(&data, Some("joshi"), &["approval", "approve", &id]),
        4,
        "cannot decide it",
    );
    refused(
        run(
            &data,
            Some("kanri"),
            &["approval", "reject", &id, "--reason", " "],
        ),
        3,
        "needs a reason",
    );
    let r = ok(run(
        &data,
        Some("kanri"),
        &["approval", "reject", &id, "--reason", "メールは不要"],
    ));
    assert!(r.contains("rejected"), "{r}");
    let list = ok(run(&data, Some("joshi"), &["approval", "list"]));
    assert!(list.contains("rejected by kanri: メールは不要"), "{list}");
}
