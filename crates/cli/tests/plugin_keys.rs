//! Contractor keys on hardware (issue 15), through age plugins, with the test plugin
//! `age-plugin-handovertest` (crates/cli/examples: a software key that asks for a PIN through
//! the plugin protocol, standing in for a YubiKey; there is no hardware in CI).
//!
//! The roster takes its recipient `age1handovertest1…`; pack encrypts to it by running the
//! plugin found on PATH; `handover open` with its identity file asks the PIN through the
//! plugin and opens; a wrong or missing PIN and a plugin missing from PATH are refused with
//! typed codes, writing nothing and recording nothing. The stock `age` CLI (Debian's 1.1
//! supports plugins) encrypts to the recipient and opens a Handover bundle with the identity.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PIN: &str = "4321";

/// The test plugin as cargo built it (examples are built with the tests), copied into a folder
/// of its own so that PATH can have it or not.
fn plugin_dir(tmp: &Path) -> PathBuf {
    let built = Path::new(env!("CARGO_BIN_EXE_handover"))
        .parent()
        .unwrap()
        .join("examples/age-plugin-handovertest");
    assert!(
        built.exists(),
        "{} is built by cargo test (an example of handover-cli)",
        built.display()
    );
    let dir = tmp.join("plugin-bin");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&built, dir.join("age-plugin-handovertest")).unwrap();
    dir
}

/// PATH with `dir` first, or the system's PATH without any test plugin.
fn path_with(dir: Option<&Path>) -> String {
    let system = std::env::var("PATH").unwrap_or_default();
    match dir {
        Some(d) => format!("{}:{system}", d.display()),
        None => system,
    }
}

fn run(data: &Path, args: &[&str], path: &str, stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        // Signed in as the office's admin on every call (the PIN, if any, is on stdin).
        .env("HANDOVER_OPERATOR", "tester")
        .env("HANDOVER_PASSWORD", "test password 1234")
        .env("HANDOVER_TEST_FAST_HASH", "1")
        .env_remove("HANDOVER_STORE")
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .env("PATH", path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run handover");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[track_caller]
fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[track_caller]
fn refused(out: &Output, code: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "should be refused: {err}");
    let headline = handover_core::messages::headline(code, handover_core::report::Lang::En)
        .expect("a known code");
    assert!(err.contains(headline), "{code}: {err}");
    err
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// A new identity of the test plugin (with PIN [`PIN`]) and its recipient.
fn hardware_key(tmp: &Path, plugins: &Path) -> (PathBuf, String) {
    let out = Command::new(plugins.join("age-plugin-handovertest"))
        .args(["--generate", PIN])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let recipient = text
        .lines()
        .find_map(|l| l.strip_prefix("# recipient: "))
        .unwrap()
        .to_string();
    assert!(recipient.starts_with("age1handovertest1"), "{recipient}");
    let file = tmp.join("hardware.identity.txt");
    std::fs::write(&file, text).unwrap();
    (file, recipient)
}

struct Office {
    data: PathBuf,
    path: String,
}

impl Office {
    fn new(tmp: &Path, plugins: &Path, recipient: &str) -> Office {
        let data = tmp.join("data");
        let path = path_with(Some(plugins));
        let register = fixtures().join("registers/basic_utf8.csv");
        ok(run(&data, &["init", "--admin", "tester"], &path, ""));
        ok(run(
            &data,
            &["import", register.to_str().unwrap()],
            &path,
            "",
        ));
        let recipients = tmp.join("recipients.txt");
        std::fs::write(&recipients, format!("# YubiKey of 架空電設\n{recipient}\n")).unwrap();
        ok(run(
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
            &path,
            "",
        ));
        Office { data, path }
    }

    fn pack(&self, out: &Path, path: &str) -> Output {
        run(
            &self.data,
            &[
                "pack",
                "--contractor",
                "CTR-0001",
                "--work-type",
                "installation",
                "--customers",
                "T001,T002",
                "--method",
                "transfer",
                "--return-by",
                "2099-12-31",
                "--out",
                out.to_str().unwrap(),
            ],
            path,
            "",
        )
    }

    fn open(&self, bundle: &Path, identity: &Path, out: &Path, path: &str, pin: &str) -> Output {
        let trust = self.data.join("keys/office.signing.pub");
        run(
            &self.data,
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
            path,
            pin,
        )
    }

    fn handovers(&self) -> usize {
        let out = ok(run(&self.data, &["handovers", "--json"], &self.path, ""));
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        list.as_array().unwrap().len()
    }
}

#[test]
fn a_key_on_hardware_is_packed_to_and_opens_with_its_pin() {
    let tmp = tempfile::tempdir().unwrap();
    let plugins = plugin_dir(tmp.path());
    let (identity, recipient) = hardware_key(tmp.path(), &plugins);
    let office = Office::new(tmp.path(), &plugins, &recipient);

    // The roster holds the plugin recipient as given.
    let list = ok(run(
        &office.data,
        &["contractor", "list", "--json"],
        &office.path,
        "",
    ));
    assert!(
        String::from_utf8_lossy(&list.stdout).contains(&recipient),
        "{}",
        String::from_utf8_lossy(&list.stdout)
    );

    let bundle = tmp.path().join("b.age");
    ok(office.pack(&bundle, &office.path));
    assert_eq!(office.handovers(), 1);

    // Wrong PIN, then no PIN: refused by the plugin, nothing extracted.
    let out_dir = tmp.path().join("extracted");
    for (pin, words) in [("9999\n", "wrong PIN"), ("", "no PIN was given")] {
        let out = office.open(&bundle, &identity, &out_dir, &office.path, pin);
        let err = refused(&out, "plugin_failed");
        assert!(err.contains(words), "{err}");
        assert!(err.contains("age-plugin-handovertest"), "{err}");
        assert!(
            !out_dir.join("customers.csv").exists(),
            "nothing is written on a refusal"
        );
    }

    // The right PIN: the plugin's message is shown, and the bundle opens.
    let out = ok(office.open(
        &bundle,
        &identity,
        &out_dir,
        &office.path,
        &format!("{PIN}\n"),
    ));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Touch your handovertest key"), "{err}");
    let csv = std::fs::read_to_string(out_dir.join("customers.csv")).unwrap();
    assert!(csv.contains("T001"), "{csv}");
}

#[test]
fn a_plugin_missing_from_path_is_refused_naming_what_to_install() {
    let tmp = tempfile::tempdir().unwrap();
    let plugins = plugin_dir(tmp.path());
    let (identity, recipient) = hardware_key(tmp.path(), &plugins);
    let office = Office::new(tmp.path(), &plugins, &recipient);
    let without = path_with(None);

    // Pack: refused before anything is written or recorded.
    let bundle = tmp.path().join("b.age");
    let err = refused(&office.pack(&bundle, &without), "plugin_missing");
    assert!(err.contains("age-plugin-handovertest"), "{err}");
    assert!(err.contains("not installed"), "{err}");
    assert!(!bundle.exists());
    assert_eq!(office.handovers(), 0, "a refused pack records nothing");

    // Open: a bundle packed with the plugin, opened where it is missing.
    ok(office.pack(&bundle, &office.path));
    let out_dir = tmp.path().join("extracted");
    let err = refused(
        &office.open(&bundle, &identity, &out_dir, &without, "4321\n"),
        "plugin_missing",
    );
    assert!(err.contains("age-plugin-handovertest"), "{err}");
    assert!(!out_dir.exists(), "nothing is created on a refusal");
}

#[test]
fn a_malformed_plugin_recipient_is_refused_when_added() {
    let tmp = tempfile::tempdir().unwrap();
    let plugins = plugin_dir(tmp.path());
    let (_, recipient) = hardware_key(tmp.path(), &plugins);
    let office = Office::new(tmp.path(), &plugins, &recipient);
    // One character changed: the Bech32 checksum fails.
    let mut bad = recipient.clone().into_bytes();
    let last = bad.len() - 1;
    bad[last] = if bad[last] == b'q' { b'p' } else { b'q' };
    let bad = String::from_utf8(bad).unwrap();
    let file = tmp.path().join("bad.txt");
    std::fs::write(&file, format!("{bad}\n")).unwrap();
    let out = run(
        &office.data,
        &[
            "contractor",
            "add",
            "--name",
            "別の業者",
            "--recipients-file",
            file.to_str().unwrap(),
            "--agreement-signed",
            "2020-04-01",
            "--agreement-expires",
            "2099-03-31",
        ],
        &office.path,
        "",
    );
    let err = refused(&out, "bad_recipient");
    assert!(err.contains(&bad), "{err}");
    let list = ok(run(
        &office.data,
        &["contractor", "list", "--json"],
        &office.path,
        "",
    ));
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "nothing added");
}

/// Stock `age` with the plugin on PATH: it encrypts to the recipient, and opens a Handover
/// bundle made for the key on hardware (its PIN asked on a terminal: `script` gives it one).
#[test]
fn stock_age_uses_the_same_plugin_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let plugins = plugin_dir(tmp.path());
    let (identity, recipient) = hardware_key(tmp.path(), &plugins);
    let office = Office::new(tmp.path(), &plugins, &recipient);
    let bundle = tmp.path().join("b.age");
    ok(office.pack(&bundle, &office.path));

    let message = tmp.path().join("m.txt");
    std::fs::write(&message, "hello").unwrap();
    let encrypted = tmp.path().join("m.age");
    let enc = Command::new("age")
        .args(["-r", &recipient, "-o"])
        .arg(&encrypted)
        .arg(&message)
        .env("PATH", &office.path)
        .output()
        .expect("age (the stock CLI) is installed");
    assert!(
        enc.status.success(),
        "{}",
        String::from_utf8_lossy(&enc.stderr)
    );

    for (input, expect) in [(&encrypted, &b"hello"[..]), (&bundle, &b"PK"[..])] {
        let plain = tmp.path().join("plain");
        let _ = std::fs::remove_file(&plain);
        let cmd = format!(
            "age -d -i '{}' -o '{}' '{}'",
            identity.display(),
            plain.display(),
            input.display()
        );
        let mut child = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .env("PATH", &office.path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("script (bsdutils) is installed");
        let mut stdin = child.stdin.take().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(500));
        stdin.write_all(format!("{PIN}\n").as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{said}");
        assert!(said.contains("Touch your handovertest key"), "{said}");
        let bytes = std::fs::read(&plain).unwrap();
        assert!(bytes.starts_with(expect), "{}", input.display());
    }
}
