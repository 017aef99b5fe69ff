//! The shared office from the terminal, as the README's "An office with several PCs" runs it:
//! `init` against an empty database, operators added by the admin, people signed in by their
//! own logins, and many processes appending to one chain at once.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

// The core tests' fixture, shared: the CLI uses part of it.
mod common;
#[allow(dead_code)]
#[path = "../../core/tests/core/pg.rs"]
mod pg;

use common::with_stdin;
use pg::PgDb;

/// Run `handover` signed in as `login` (password through PGPASSWORD, as an office would with
/// ~/.pgpass), with `stdin` piped in.
fn run(pg: &PgDb, data: &Path, login: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--data-dir")
        .arg(data)
        .arg("--store")
        .arg(pg.url(login))
        .args(args)
        .env("PGPASSWORD", pg::PASSWORD)
        // Debug builds only: tiny Argon2 parameters for this PC's key wraps (release builds
        // ignore it), so 800 sign-ins do not spend minutes unwrapping.
        .env("HANDOVER_TEST_FAST_HASH", "1")
        .env_remove("HANDOVER_STORE")
        .env_remove("HANDOVER_OPERATOR")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run handover");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait for handover")
}

#[track_caller]
fn ok(pg: &PgDb, data: &Path, login: &str, args: &[&str], stdin: &str) -> String {
    let out = run(pg, data, login, args, stdin);
    assert!(
        out.status.success(),
        "{login}: handover {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A shared office with two staff and a manager, a contractor and the sample register.
fn office(pg: &PgDb, data: &Path) -> String {
    let owner = pg.owner();
    ok(pg, data, &owner, &["init"], "");
    for (who, role) in [
        ("sato", "staff"),
        ("suzuki", "staff"),
        ("tanaka", "manager"),
    ] {
        ok(
            pg,
            data,
            &owner,
            &["operator", "add", &pg.login(who), "--role", role],
            &format!("{}\n", pg::PASSWORD),
        );
    }
    let key = age_recipient();
    ok(
        pg,
        data,
        &pg.login("tanaka"),
        &[
            "contractor",
            "add",
            "--name",
            "架空電設株式会社",
            "--recipient",
            &key,
            "--agreement-signed",
            "2020-04-01",
            "--agreement-expires",
            "2099-03-31",
        ],
        "",
    );
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample/sample_register.xlsx");
    ok(
        pg,
        data,
        &pg.login("sato"),
        &["import", sample.to_str().unwrap()],
        "",
    );
    key
}

fn age_recipient() -> String {
    "age1rpx8vqxx3yqrvez393lhw7sy9dd9wzjp3d7ma3pcfvhg25rclycs65j6h4".into()
}

#[test]
fn people_sign_in_as_themselves_and_the_server_holds_them_to_their_role() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("pc");
    office(&pg, &data);
    let sato = pg.login("sato");
    // A typed operator name on a shared store: wrong usage, nothing done.
    let out = run(
        &pg,
        &data,
        &sato,
        &["--operator", "tanaka", "customers"],
        "",
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("signed in"));
    ok(
        &pg,
        &data,
        &sato,
        &[
            "request",
            "add",
            "C0005",
            "--scope",
            "all",
            "--received",
            "2026-12-01",
            "--channel",
            "phone",
        ],
        "",
    );
    // Staff may not decide: refused (by the core before the server would), exit code 4.
    let out = run(
        &pg,
        &data,
        &sato,
        &["request", "decide", "REQ-2026-0001", "--accept"],
        "",
    );
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs the manager role"));
    ok(
        &pg,
        &data,
        &pg.login("tanaka"),
        &["request", "decide", "REQ-2026-0001", "--accept"],
        "",
    );
    // Staff may not add people either.
    let out = run(
        &pg,
        &data,
        &sato,
        &["operator", "add", "someone", "--role", "staff"],
        "pw-pw-pw-pw-pw\n",
    );
    assert_eq!(out.status.code(), Some(4));
    let list = ok(&pg, &data, &pg.owner(), &["operator", "list"], "");
    assert!(
        list.contains(&format!("{sato} ")) && list.contains("manager"),
        "{list}"
    );
    let verify = ok(&pg, &data, &sato, &["ledger", "verify"], "");
    assert!(verify.contains("intact"), "{verify}");
}

#[test]
fn a_wrong_password_signs_nobody_in() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("pc");
    ok(&pg, &data, &pg.owner(), &["init"], "");
    let sato = pg.owner();
    // A wrong password: no sign-in.
    let out = Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--data-dir")
        .arg(&data)
        .args(["--store", &pg.url(&sato), "customers"])
        .env("PGPASSWORD", "wrong")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sign-in refused"));
}

#[test]
fn eight_processes_appending_at_once_make_one_chain_with_every_entry() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("pc");
    office(&pg, &data);
    let before = ledger_len(&pg);
    const WORKERS: usize = 8;
    const EACH: usize = 100;
    std::thread::scope(|s| {
        for w in 0..WORKERS {
            let (pg, data) = (&pg, &data);
            s.spawn(move || {
                let login = pg.login(if w % 2 == 0 { "sato" } else { "suzuki" });
                for i in 0..EACH {
                    let customer = format!("C{:04}", 1 + (w * EACH + i) % 300);
                    if i % 10 == 0 {
                        let out = data.parent().unwrap().join(format!("w{w}-{i}.age"));
                        ok(
                            pg,
                            data,
                            &login,
                            &[
                                "pack",
                                "--contractor",
                                "CTR-0001",
                                "--work-type",
                                "repair",
                                "--customers",
                                &customer,
                                "--method",
                                "transfer",
                                "--out",
                                out.to_str().unwrap(),
                                "--return-by",
                                "2099-12-31",
                            ],
                            "",
                        );
                    } else {
                        ok(
                            pg,
                            data,
                            &login,
                            &[
                                "request",
                                "add",
                                &customer,
                                "--scope",
                                "phone",
                                "--received",
                                "2026-12-01",
                                "--channel",
                                "phone",
                            ],
                            "",
                        );
                    }
                }
            });
        }
    });
    assert_eq!(ledger_len(&pg), before + WORKERS * EACH);
    let verify = ok(&pg, &data, &pg.login("tanaka"), &["ledger", "verify"], "");
    assert!(verify.contains("intact"), "{verify}");
    // Every id given once: 80 handovers and 720 requests, numbered without a repeat.
    let ids = pg
        .psql(&pg.owner(), "SELECT count(DISTINCT id) FROM handovers")
        .unwrap();
    assert_eq!(ids, (WORKERS * EACH / 10).to_string());
    let ids = pg
        .psql(&pg.owner(), "SELECT count(DISTINCT id) FROM requests")
        .unwrap();
    assert_eq!(ids, (WORKERS * EACH * 9 / 10).to_string());
}

fn ledger_len(pg: &PgDb) -> usize {
    pg.psql(&pg.owner(), "SELECT count(*) FROM ledger")
        .unwrap()
        .parse()
        .unwrap()
}

/// `handover join URL --keys FILE` on the PC whose data folder is `data`, as `suzuki`.
fn join(pg: &PgDb, data: &Path, keys: &Path, pass: &str) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_handover"));
    c.arg("--data-dir")
        .arg(data)
        .args(["join", &pg.url(&pg.login("suzuki")), "--keys"])
        .arg(keys)
        .env("PGPASSWORD", pg::PASSWORD);
    with_stdin(c, pass)
}

/// A one-PC office of its own in `data`, whose keys are exported to the returned file.
fn foreign_office_keys(data: &Path, pass: &str) -> PathBuf {
    let h = |args: &[&str], stdin: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_handover"));
        c.arg("--data-dir")
            .arg(data)
            .args(args)
            .env("HANDOVER_OPERATOR", "someone")
            .env("HANDOVER_PASSWORD", "test password 1234")
            .env("HANDOVER_TEST_FAST_HASH", "1")
            .env_remove("HANDOVER_STORE");
        with_stdin(c, stdin)
    };
    assert!(h(&["init", "--admin", "someone"], "").status.success());
    let foreign = data.with_extension("keys.age");
    let out = h(&["office", "export-keys", foreign.to_str().unwrap()], pass);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    foreign
}

/// How the secret line of an age identity begins, read off a fresh identity (so nothing that
/// looks like key material is spelled out here).
fn age_identity_prefix() -> String {
    use age::secrecy::ExposeSecret;
    age::x25519::Identity::generate()
        .to_string()
        .expose_secret()[..16]
        .to_string()
}

/// The PC `data` keeps the office keys only in their encrypted form, and no file of its data
/// folder holds an age secret key in clear.
#[track_caller]
fn only_encrypted_keys(data: &Path) {
    let prefix = age_identity_prefix();
    for name in ["office.agekey", "office.signing.key"] {
        assert!(!data.join("keys").join(name).exists(), "{name}");
        assert!(data.join(format!("keys/{name}.enc")).exists(), "{name}");
    }
    for f in files_in(data) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(prefix.len()).any(|w| w == prefix.as_bytes()),
            "{} holds a secret key in clear",
            f.display()
        );
    }
}

/// Every file under `dir`.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn only_the_admin_exports_the_office_keys_and_they_are_never_in_clear() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first-pc");
    office(&pg, &first);
    let keys = tmp.path().join("office-keys.age");
    let pass = "a long passphrase for the keys\n";
    // The server refuses the entry for staff, and nothing is left behind then.
    let file = keys.to_str().unwrap();
    let out = run(
        &pg,
        &first,
        &pg.login("sato"),
        &["office", "export-keys", file],
        pass,
    );
    assert_code(&out, 4);
    assert!(!keys.exists());
    ok(
        &pg,
        &first,
        &pg.owner(),
        &["office", "export-keys", file],
        pass,
    );
    let text = std::fs::read_to_string(&keys).unwrap();
    assert!(
        text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"),
        "{text}"
    );
    assert!(!text.contains(&age_identity_prefix()));
}

#[test]
fn a_new_pc_joins_with_the_exported_keys_and_only_the_offices_own() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first-pc");
    office(&pg, &first);
    only_encrypted_keys(&first);
    let keys = tmp.path().join("office-keys.age");
    let pass = "a long passphrase for the keys\n";
    let file = keys.to_str().unwrap();
    ok(
        &pg,
        &first,
        &pg.owner(),
        &["office", "export-keys", file],
        pass,
    );

    let second = tmp.path().join("second-pc");
    assert_code(&join(&pg, &second, &keys, "not the passphrase\n"), 3);
    assert!(!second.join("keys/office.agekey").exists());
    // Another office's keys are refused, and not installed.
    let foreign = foreign_office_keys(&tmp.path().join("other-office"), pass);
    let out = join(&pg, &second, &foreign, pass);
    assert_code(&out, 3);
    assert!(String::from_utf8_lossy(&out.stderr).contains("another office"));
    assert!(!second.join("keys/office.agekey").exists());
    // The office's own keys: installed, encrypted under suzuki's password only, and the new
    // PC packs with them.
    let joined = join(&pg, &second, &keys, pass);
    assert_code(&joined, 0);
    assert!(
        String::from_utf8_lossy(&joined.stdout).contains("encrypted under the password"),
        "{joined:?}"
    );
    only_encrypted_keys(&second);
    let bundle = tmp.path().join("from-second.age");
    let pack = [
        "pack",
        "--contractor",
        "CTR-0001",
        "--work-type",
        "repair",
        "--customers",
        "C0001",
        "--method",
        "transfer",
        "--out",
        bundle.to_str().unwrap(),
        "--return-by",
        "2099-12-31",
    ];
    // Sato never joined this PC: refused, with what to do, and no bundle.
    let refused = run(&pg, &second, &pg.login("sato"), &pack, "");
    assert_code(&refused, 3);
    let said = String::from_utf8_lossy(&refused.stderr);
    let want = format!(
        "this PC has no office keys for {}: run `handover join postgres://{}@",
        pg.login("sato"),
        pg.login("sato")
    );
    assert!(said.contains(&want), "{said}");
    assert!(
        said.contains("(a file made by `office export-keys`)"),
        "{said}"
    );
    assert!(!bundle.exists());
    ok(&pg, &second, &pg.login("suzuki"), &pack, "");
    let kinds = pg
        .psql(&pg.owner(), "SELECT string_agg(kind || ' ' || actor, ',' ORDER BY seq) FROM ledger WHERE kind IN ('office.keys_exported', 'pc.joined')")
        .unwrap();
    let expected = format!(
        "office.keys_exported {},pc.joined {}",
        pg.owner(),
        pg.login("suzuki")
    );
    assert_eq!(kinds, expected);
}

/// Pack C0001 as `sato`, held between putting the bundle in place and recording it while
/// `gate` exists (a debug-only hook), and return once the bundle is in place: the window in
/// which another PC can change what the pack relied on.
fn pack_held_before_recording(
    pg: &PgDb,
    data: &Path,
    out: &Path,
    gate: &Path,
) -> std::process::Child {
    std::fs::write(gate, b"").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--data-dir")
        .arg(data)
        .arg("--store")
        .arg(pg.url(&pg.login("sato")))
        .args(["pack", "--contractor", "CTR-0001", "--work-type", "repair"])
        .args(["--customers", "C0001", "--method", "transfer", "--out"])
        .arg(out)
        .args(["--return-by", "2099-12-31"])
        .env("PGPASSWORD", pg::PASSWORD)
        .env("HANDOVER_TEST_HOLD_BEFORE_RECORD_WHILE", gate)
        .env_remove("HANDOVER_STORE")
        .env_remove("HANDOVER_OPERATOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while !out.exists() {
        assert!(child.try_wait().unwrap().is_none(), "the pack ended early");
        assert!(start.elapsed().as_secs() < 60, "the bundle never appeared");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child
}

#[test]
fn an_opt_out_registered_on_another_pc_while_a_pack_waits_refuses_the_pack() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first-pc");
    office(&pg, &first);
    let second = tmp.path().join("second-pc");
    let before = ledger_len(&pg);
    let out = tmp.path().join("raced.age");
    let gate = tmp.path().join("hold");
    let child = pack_held_before_recording(&pg, &first, &out, &gate);
    // Another PC, another person: the customer opts out of everything.
    let request = [
        "request",
        "add",
        "C0001",
        "--scope",
        "all",
        "--received",
        "2026-01-05",
        "--channel",
        "phone",
    ];
    ok(&pg, &second, &pg.login("suzuki"), &request, "");
    std::fs::remove_file(&gate).unwrap();
    let done = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("C0001") && stderr.contains("withheld"),
        "{stderr}"
    );
    assert!(!out.exists(), "the refused bundle is still there");
    // Only the request was recorded; the chain holds.
    assert_eq!(ledger_len(&pg), before + 1);
    let kinds = pg
        .psql(
            &pg.owner(),
            "SELECT count(*) FROM ledger WHERE kind = 'handover.created'",
        )
        .unwrap();
    assert_eq!(kinds, "0");
    ok(&pg, &first, &pg.login("sato"), &["ledger", "verify"], "");
}

#[test]
fn the_policy_is_the_offices_one_for_every_pc_and_only_a_manager_changes_it() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first-pc");
    office(&pg, &first);
    let shown = ok(&pg, &first, &pg.login("sato"), &["policy", "show"], "");
    assert!(shown.contains("return_days = 30"), "{shown}");
    let file = tmp.path().join("policy.toml");
    std::fs::write(&file, shown.replace("return_days = 30", "return_days = 10")).unwrap();
    let set = ["policy", "set", file.to_str().unwrap()];
    // Staff: refused by the server, nothing recorded.
    let before = ledger_len(&pg);
    assert_code(&run(&pg, &first, &pg.login("sato"), &set, ""), 4);
    assert_eq!(ledger_len(&pg), before);
    ok(&pg, &first, &pg.login("tanaka"), &set, "");
    // Another PC sees it at once; a policy.toml beside its data folder speaks for nobody.
    let second = tmp.path().join("second-pc");
    std::fs::create_dir_all(&second).unwrap();
    std::fs::write(second.join("policy.toml"), "return_days = 99\n").unwrap();
    let there = ok(&pg, &second, &pg.login("suzuki"), &["policy", "show"], "");
    assert!(there.contains("return_days = 10"), "{there}");
    assert!(second.join("policy.toml").exists());
    let actor = pg
        .psql(
            &pg.owner(),
            "SELECT actor FROM ledger WHERE kind = 'policy.changed'",
        )
        .unwrap();
    assert_eq!(actor, pg.login("tanaka"));
}

/// Every file under `dir` (none of them a floor plan, on a PC of a shared office).
fn plan_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(plan_files_under(&p));
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("png" | "jpg" | "pdf")
        ) {
            out.push(p);
        }
    }
    out
}

/// The sample register imported again with its floor plans (by `sato`), and the test
/// contractor added (CTR-0002, by `tanaka`); the folder of the plans.
fn import_plans_and_test_contractor(pg: &PgDb, first: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sample = root.join("sample");
    let register = sample.join("sample_register.xlsx");
    let plans = sample.join("floor_plans");
    let import = [
        "import",
        register.to_str().unwrap(),
        "--floor-plans",
        plans.to_str().unwrap(),
    ];
    ok(pg, first, &pg.login("sato"), &import, "");
    let stored = pg
        .psql(&pg.owner(), "SELECT count(*) FROM floor_plans")
        .unwrap();
    assert_ne!(stored, "0");
    let recipients = root.join("tests/fixtures/keys/test-contractor.recipients.txt");
    let contractor = [
        "contractor",
        "add",
        "--name",
        "見本工事株式会社",
        "--recipients-file",
        recipients.to_str().unwrap(),
        "--agreement-signed",
        "2020-04-01",
        "--agreement-expires",
        "2099-03-31",
    ];
    ok(pg, first, &pg.login("tanaka"), &contractor, "");
    plans
}

/// `handover open BUNDLE --out OUT` as the test contractor, trusting `trust`.
fn open_as_test_contractor(bundle: &Path, trust: &Path, out: &Path) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("open")
        .arg(bundle)
        .arg("--identity")
        .arg(root.join("tests/fixtures/keys/test-contractor.agekey"))
        .arg("--trust")
        .arg(trust)
        .arg("--out")
        .arg(out)
        .env_remove("HANDOVER_STORE")
        .output()
        .unwrap()
}

#[test]
fn floor_plans_live_in_the_store_and_a_pack_on_another_pc_carries_them() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first-pc");
    office(&pg, &first);
    let plans = import_plans_and_test_contractor(&pg, &first);
    let keys = tmp.path().join("office-keys.age");
    let pass = "a long passphrase for the keys\n";
    let export = ["office", "export-keys", keys.to_str().unwrap()];
    ok(&pg, &first, &pg.owner(), &export, pass);
    let second = tmp.path().join("second-pc");
    assert_code(&join(&pg, &second, &keys, pass), 0);
    let bundle = tmp.path().join("plans.age");
    let pack = [
        "pack",
        "--contractor",
        "CTR-0002",
        "--work-type",
        "wiring",
        "--customers",
        "C0001",
        "--method",
        "transfer",
        "--out",
        bundle.to_str().unwrap(),
        "--return-by",
        "2099-12-31",
    ];
    ok(&pg, &second, &pg.login("suzuki"), &pack, "");
    // Neither PC holds a floor plan: the store does.
    assert_eq!(plan_files_under(&first), Vec::<PathBuf>::new());
    assert_eq!(plan_files_under(&second), Vec::<PathBuf>::new());
    // The contractor opens it: the plan is the register's, byte for byte.
    let out = tmp.path().join("opened");
    let opened = open_as_test_contractor(&bundle, &second.join("keys/office.signing.pub"), &out);
    assert_code(&opened, 0);
    assert_eq!(
        std::fs::read(out.join("floor_plans/C0001.png")).unwrap(),
        std::fs::read(plans.join("C0001.png")).unwrap()
    );
    // A plan altered on the server is refused: nothing written, nothing recorded.
    pg.psql(
        &pg.owner(),
        "UPDATE floor_plan_chunks SET data = overlay(data placing '\\x00'::bytea from 100) \
         WHERE n = 0",
    )
    .unwrap();
    let before = ledger_len(&pg);
    let again = tmp.path().join("altered.age");
    let mut pack = pack;
    pack[10] = again.to_str().unwrap();
    assert_code(&run(&pg, &second, &pg.login("suzuki"), &pack, ""), 5);
    assert!(!again.exists());
    assert_eq!(ledger_len(&pg), before);
}

/// `handover` on the one-PC office in `data`, signed in as its admin `yamada`; with `--store`
/// in `args`, on that server as the URL's login instead.
fn local(data: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_handover"));
    c.arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("HANDOVER_OPERATOR")
        .env("PGPASSWORD", pg::PASSWORD)
        .env_remove("HANDOVER_STORE");
    if !args.contains(&"--store") {
        c.env("HANDOVER_OPERATOR", "yamada")
            .env("HANDOVER_PASSWORD", "test password 1234")
            // Debug builds only: tiny Argon2 parameters (release builds ignore it).
            .env("HANDOVER_TEST_FAST_HASH", "1");
    }
    with_stdin(c, "")
}

/// A one-PC office with floor plans, policy changes, a request and a purge that redacted an
/// entry (as `tests/cmd/ledger_retention.md` makes it).
fn one_pc_office_with_history(data: &Path) {
    let fx = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/ledger_retention.in");
    let reg = fx.join("registers");
    let keep30 = fx.join("policy/keep_customers_30_years.toml");
    let keep5 = fx.join("policy/keep_customers_5_years.toml");
    let register = reg.join("contract_end.csv");
    let plans = reg.join("floor_plans");
    let (keep30, keep5, register, plans) = (
        keep30.to_str().unwrap(),
        keep5.to_str().unwrap(),
        register.to_str().unwrap(),
        plans.to_str().unwrap(),
    );
    let steps: [&[&str]; 6] = [
        &["init", "--admin", "yamada"],
        &["policy", "set", keep30],
        &["import", register, "--floor-plans", plans],
        &[
            "request",
            "add",
            "T003",
            "--scope",
            "phone",
            "--received",
            "2026-01-02",
            "--channel",
            "phone",
        ],
        &["policy", "set", keep5],
        &["purge", "--before", "2026-01-01"],
    ];
    for args in steps {
        assert_code(&local(data, args), 0);
    }
}

#[test]
fn a_one_pc_office_moves_to_the_server_whole_and_both_verify_to_one_head() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("pc");
    one_pc_office_with_history(&data);
    let verify = |args: &[&str]| {
        let out = local(&data, args);
        assert_code(&out, 0);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines()
            .find(|l| l.starts_with("head:"))
            .unwrap()
            .to_string()
    };
    let url = pg.url(&pg.owner());
    let copied = local(&data, &["store", "copy", "--to", &url, "--json"]);
    assert_code(&copied, 0);
    let r: serde_json::Value = serde_json::from_slice(&copied.stdout).unwrap();
    let head = format!("head: {}", r["head"].as_str().unwrap());
    // The copy is the whole ledger up to its own sign-in: the PC's ledger goes on from that
    // head (the next call's sign-in is the one entry after it).
    let entries = |out: Output| -> u64 {
        let text = String::from_utf8(out.stdout).unwrap();
        text.split_whitespace().nth(4).unwrap().parse().unwrap()
    };
    let on_pc = entries(local(&data, &["ledger", "verify"]));
    let on_server = entries(local(&data, &["--store", &url, "ledger", "verify"]));
    assert_eq!(on_pc, on_server + 1);
    assert!(r["floorPlans"].as_u64().unwrap() >= 1, "{r}");
    // The server's own verify (chain, redaction by the purge, derived tables) ends on it too.
    assert_eq!(verify(&["--store", &url, "ledger", "verify"]), head);
    let policy = String::from_utf8(local(&data, &["--store", &url, "policy", "show"]).stdout);
    assert!(policy.unwrap().contains("customer_retention_years = 5"));
    // Its plans come from the server now: a pack with one reads it from there.
    let recipients = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/keys/test-contractor.recipients.txt");
    let add = [
        "--store",
        &url,
        "contractor",
        "add",
        "--name",
        "見本工事",
        "--recipients-file",
        recipients.to_str().unwrap(),
        "--agreement-signed",
        "2020-04-01",
        "--agreement-expires",
        "2099-03-31",
    ];
    assert_code(&local(&data, &add), 0);
    let bundle = tmp.path().join("after-copy.age");
    let pack = [
        "--store",
        &url,
        "pack",
        "--contractor",
        "CTR-0001",
        "--work-type",
        "wiring",
        "--customers",
        "T001",
        "--method",
        "transfer",
        "--out",
        bundle.to_str().unwrap(),
        "--return-by",
        "2099-12-31",
    ];
    assert_code(&local(&data, &pack), 0);
    // A database that holds an office is refused, and left as it was.
    let before = ledger_len(&pg);
    let again = local(&data, &["store", "copy", "--to", &url]);
    assert_code(&again, 3);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds"),
        "{again:?}"
    );
    assert_eq!(ledger_len(&pg), before);
}

/// On the server: the owner, a staff member and a manager; a 30-year policy, the register with
/// contract ends and floor plans, a request for T003, then the policy shortened to 5 years (as
/// `tests/cmd/ledger_retention.md` does it on one PC). Returns the PC's data folder.
fn server_office_with_retention_history(pg: &PgDb, tmp: &Path) -> PathBuf {
    let data = tmp.join("pc");
    let owner = pg.owner();
    ok(pg, &data, &owner, &["init"], "");
    let pass = format!("{}\n", pg::PASSWORD);
    for (who, role) in [("sato", "staff"), ("tanaka", "manager")] {
        let add = ["operator", "add", &pg.login(who), "--role", role];
        ok(pg, &data, &owner, &add, &pass);
    }
    let fx = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/ledger_retention.in");
    let (keep30, keep5) = (
        fx.join("policy/keep_customers_30_years.toml"),
        fx.join("policy/keep_customers_5_years.toml"),
    );
    let (reg, plans) = (
        fx.join("registers/contract_end.csv"),
        fx.join("registers/floor_plans"),
    );
    let (sato, tanaka) = (pg.login("sato"), pg.login("tanaka"));
    ok(
        pg,
        &data,
        &tanaka,
        &["policy", "set", keep30.to_str().unwrap()],
        "",
    );
    let import = [
        "import",
        reg.to_str().unwrap(),
        "--floor-plans",
        plans.to_str().unwrap(),
    ];
    ok(pg, &data, &sato, &import, "");
    let request = [
        "request",
        "add",
        "T003",
        "--scope",
        "phone",
        "--received",
        "2026-01-02",
        "--channel",
        "phone",
    ];
    ok(pg, &data, &sato, &request, "");
    ok(
        pg,
        &data,
        &tanaka,
        &["policy", "set", keep5.to_str().unwrap()],
        "",
    );
    data
}

#[test]
fn a_purge_on_the_server_redacts_removes_plans_and_the_chain_still_verifies() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = server_office_with_retention_history(&pg, tmp.path());
    let owner = pg.owner();
    let (sato, tanaka) = (pg.login("sato"), pg.login("tanaka"));
    let count = |sql: &str| pg.psql(&owner, sql).unwrap();
    let plans_before = count("SELECT count(*) FROM floor_plans");
    // Staff may not purge: the server refuses, nothing changes.
    let purge = ["purge", "--before", "2026-01-01"];
    let before = ledger_len(&pg);
    assert_code(&run(&pg, &data, &sato, &purge, ""), 4);
    assert_eq!(ledger_len(&pg), before);
    ok(&pg, &data, &tanaka, &purge, "");
    assert_eq!(
        count("SELECT count(*) FROM customers WHERE customer_id IN ('T002', 'T003')"),
        "0"
    );
    assert_eq!(
        count("SELECT count(*) FROM ledger WHERE kind LIKE 'request.%' AND payload IS NULL"),
        "1"
    );
    let plans_after = count("SELECT count(*) FROM floor_plans");
    assert!(plans_after < plans_before, "{plans_before} → {plans_after}");
    assert_eq!(
        count(
            "SELECT count(*) FROM floor_plan_chunks c WHERE NOT EXISTS (SELECT 1 FROM customers u WHERE u.floor_plan_sha256 = c.sha256)"
        ),
        "0"
    );
    let verified = ok(&pg, &data, &sato, &["ledger", "verify"], "");
    assert!(verified.contains("1 redacted by 1 purge"), "{verified}");
}

#[test]
fn a_copied_office_keeps_its_supervision_record() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("pc");
    let steps: [&[&str]; 4] = [
        &["init", "--admin", "yamada"],
        &[
            "contractor",
            "add",
            "--name",
            "見本工事",
            "--agreement-signed",
            "2026-04-01",
            "--agreement-expires",
            "2099-03-31",
        ],
        &[
            "contractor",
            "check",
            "CTR-0001",
            "--cert",
            "pmark",
            "--number",
            "10820000(01)",
            "--expires",
            "2099-03-31",
        ],
        &["contractor", "person", "CTR-0001", "add", "見本 一郎"],
    ];
    for args in steps {
        assert_code(&local(&data, args), 0);
    }
    let url = pg.url(&pg.owner());
    assert_code(&local(&data, &["store", "copy", "--to", &url]), 0);
    only_encrypted_keys(&data);
    let shown = local(
        &data,
        &["--store", &url, "contractor", "show", "CTR-0001", "--json"],
    );
    assert_code(&shown, 0);
    let v: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(v["record"]["people"], serde_json::json!(["見本 一郎"]));
    assert_eq!(v["record"]["check"]["number"], "10820000(01)");
    assert_eq!(v["record"]["check"]["checkedBy"], "yamada");
}

/// `handover` signed in as `login` with `password` (through PGPASSWORD).
fn run_with_password(pg: &PgDb, data: &Path, login: &str, password: &str, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_handover"));
    c.arg("--data-dir")
        .arg(data)
        .arg("--store")
        .arg(pg.url(login))
        .args(args)
        .env("PGPASSWORD", password)
        .env("HANDOVER_TEST_FAST_HASH", "1")
        .env_remove("HANDOVER_STORE")
        .env_remove("HANDOVER_OPERATOR");
    with_stdin(c, "")
}

#[test]
fn a_login_changes_its_own_password_and_packs_with_it_on_this_pc() {
    let Some(pg) = PgDb::fresh() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("pc");
    office(&pg, &data);
    let sato = pg.login("sato");
    let new = "sato's new password 77";
    let said = ok(
        &pg,
        &data,
        &sato,
        &["operator", "password"],
        &format!("{new}\n"),
    );
    assert!(said.contains("has a new password"), "{said}");
    // The old password no longer signs in; the new one does, and opens this PC's keys.
    let old = run_with_password(&pg, &data, &sato, pg::PASSWORD, &["customers"]);
    assert_ne!(old.status.code(), Some(0));
    let bundle = tmp.path().join("after.age");
    let pack = [
        "pack",
        "--contractor",
        "CTR-0001",
        "--work-type",
        "repair",
        "--customers",
        "C0001",
        "--method",
        "transfer",
        "--out",
        bundle.to_str().unwrap(),
        "--return-by",
        "2099-12-31",
    ];
    assert_code(&run_with_password(&pg, &data, &sato, new, &pack), 0);
    let kinds = pg
        .psql(
            &pg.owner(),
            "SELECT kind || ' ' || actor FROM ledger WHERE kind = 'login.password_changed'",
        )
        .unwrap();
    assert_eq!(kinds, format!("login.password_changed {sato}"));
}
