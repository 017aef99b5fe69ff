//! Opening a one-PC office without typing, with the OS key store for real (issue 14): each
//! `handover` command runs in a D-Bus session of its own, where GNOME Keyring's Secret Service
//! unlocks one login keyring kept under a temporary HOME — what a desktop session gives a
//! person. `secret-tool` (libsecret, the desktop's own client) is the peer that looks at what
//! was kept. Another HOME is another computer account: its key store holds nothing.
//!
//! Skipped with a note where `dbus-run-session`, `gnome-keyring-daemon` or `secret-tool` is
//! missing, unless HANDOVER_REQUIRE_KEYRING is set (the README's test command installs them and
//! sets it).

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{ok, refused, text};

const PASSWORD: &str = "test password 1234";
const KEYRING_PASSWORD: &str = "the computer account's password";

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn available() -> bool {
    let all = ["dbus-run-session", "gnome-keyring-daemon", "secret-tool"]
        .iter()
        .all(|t| have(t));
    if !all && std::env::var_os("HANDOVER_REQUIRE_KEYRING").is_some() {
        panic!(
            "HANDOVER_REQUIRE_KEYRING is set but dbus-run-session, gnome-keyring-daemon or secret-tool is missing"
        );
    }
    if !all {
        eprintln!("skipped: no dbus-run-session, gnome-keyring-daemon or secret-tool here");
    }
    all
}

/// `program args…` in a new D-Bus session of the computer account whose home is `home`, its
/// login keyring unlocked as at a desktop sign-in.
fn in_session(home: &Path, program: &str, args: &[&str]) -> Command {
    let runtime = home.join("run");
    std::fs::create_dir_all(&runtime).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let mut cmd = Command::new("dbus-run-session");
    cmd.args(["--", "sh", "-c"])
        .arg(
            "printf '%s' \"$KEYRING_PASSWORD\" | gnome-keyring-daemon --unlock \
             --components=secrets >/dev/null 2>&1 || exit 90; exec \"$@\"",
        )
        .arg("sh")
        .arg(program)
        .args(args);
    for var in [
        "HANDOVER_OPERATOR",
        "HANDOVER_PASSWORD",
        "HANDOVER_STORE",
        "DBUS_SESSION_BUS_ADDRESS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("KEYRING_PASSWORD", KEYRING_PASSWORD)
        .env("HANDOVER_TEST_FAST_HASH", "1")
        .env("LANG", "C")
        .env("LC_MESSAGES", "C")
        .env("NO_COLOR", "1");
    cmd
}

/// Run `cmd`, a session of the account of `home`, with nothing on standard input and its output
/// in files rather than pipes: the keyring daemon a session starts may outlive it, holding the
/// descriptors it inherited, and a pipe would then never end. What is left of the session
/// afterwards (processes whose environment names this home's runtime folder) is stopped.
fn run(home: &Path, mut cmd: Command) -> Output {
    let (out, err) = (home.join("stdout.txt"), home.join("stderr.txt"));
    let status = cmd
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .status()
        .unwrap();
    stop_leftovers(&home.join("run"));
    Output {
        status,
        stdout: std::fs::read(&out).unwrap(),
        stderr: std::fs::read(&err).unwrap(),
    }
}

/// Stop the keyring and bus daemons started with XDG_RUNTIME_DIR = `runtime` (this test's own).
fn stop_leftovers(runtime: &Path) {
    let mark = format!("XDG_RUNTIME_DIR={}\0", runtime.display()).into_bytes();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = entry.file_name().to_string_lossy().to_string();
        let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        if !(comm.starts_with("gnome-keyring") || comm.starts_with("dbus-daemon")) {
            continue;
        }
        let env = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        if env.windows(mark.len()).any(|w| w == mark.as_slice()) {
            let _ = Command::new("kill").arg(&pid).status();
        }
    }
}

/// `handover --data-dir DATA ARGS` as the account of `home`, with `password` (or none, and
/// nothing on standard input).
fn handover(home: &Path, data: &Path, password: Option<&str>, args: &[&str]) -> Output {
    let data = data.to_str().unwrap();
    let mut all = vec!["--data-dir", data];
    all.extend_from_slice(args);
    let mut cmd = in_session(home, env!("CARGO_BIN_EXE_handover"), &all);
    if let Some(p) = password {
        cmd.env("HANDOVER_PASSWORD", p);
    }
    run(home, cmd)
}

/// What `secret-tool` finds kept under our service, as the account of `home`.
fn kept(home: &Path) -> String {
    let search = ["search", "--all", "service", "Handover"];
    let o = run(home, in_session(home, "secret-tool", &search));
    text(&o)
}

#[test]
fn the_os_key_store_opens_the_office_for_its_operator_until_turned_off() {
    if !available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (home, data) = (tmp.path().join("home"), tmp.path().join("data"));
    std::fs::create_dir_all(&home).unwrap();
    ok(handover(
        &home,
        &data,
        Some(PASSWORD),
        &["init", "--admin", "kanri"],
    ));
    let register = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/registers/basic.tsv"
    );
    ok(handover(
        &home,
        &data,
        Some(PASSWORD),
        &["--operator", "kanri", "import", register],
    ));
    let kanri = |password: Option<&str>, args: &[&str]| {
        let mut all = vec!["--operator", "kanri"];
        all.extend_from_slice(args);
        handover(&home, &data, password, &all)
    };

    // Without the setting and without a password: refused, nothing asked of the key store.
    let o = kanri(None, &["customers"]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(!kept(&home).contains("kanri"));

    let on = ok(kanri(Some(PASSWORD), &["office", "keystore", "on"]));
    assert!(on.contains("Secret Service"), "{on}");
    let entry = kept(&home);
    assert!(
        entry.contains("kanri ("),
        "secret-tool sees the entry: {entry}"
    );
    let status = ok(kanri(None, &["office", "keystore", "status"]));
    assert!(status.contains("kanri"), "{status}");

    // Now the office opens for kanri with no password at all, and says how in the ledger.
    let list = ok(kanri(None, &["customers"]));
    assert!(list.contains("T001"), "{list}");
    let leak = ok(kanri(None, &["report", "leak", "--lost-device", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&leak[..leak.rfind('}').unwrap() + 1])
        .unwrap_or_else(|e| panic!("{e}: {leak}"));
    assert_eq!(v["device"]["keyOnDevice"], true, "{leak}");
    assert_eq!(v["device"]["exempt"], false, "{leak}");

    // Another computer account on the same PC: its key store holds nothing for kanri.
    let other = tmp.path().join("other-home");
    std::fs::create_dir_all(&other).unwrap();
    let o = handover(&other, &data, None, &["--operator", "kanri", "customers"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("holds nothing"), "{}", text(&o));

    // Off: the entry is gone from the key store, and the password is needed again.
    ok(kanri(None, &["office", "keystore", "off"]));
    assert!(!kept(&home).contains("kanri"), "{}", kept(&home));
    refused(
        kanri(None, &["customers"]),
        1,
        "no password on standard input",
    );
    let leak = ok(kanri(
        Some(PASSWORD),
        &["report", "leak", "--lost-device", "--json"],
    ));
    assert!(leak.contains("\"keyOnDevice\": false"), "{leak}");
}
