//! A contractor without Handover: the bundle's detached signature `B.age.sig` checks with the
//! system's `ssh-keygen -Y verify` against the line `handover keys --allowed-signers` prints,
//! and the bundle decrypts with the system's `age`. A bundle changed by one byte fails the
//! stock check. (CI installs `openssh-client` and `age`: scripts/test.)

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn handover(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("HANDOVER_OPERATOR", "tester")
        .env("HANDOVER_PASSWORD", "test password 1234")
        // Debug builds only: tiny Argon2 parameters (release builds ignore it).
        .env("HANDOVER_TEST_FAST_HASH", "1")
        .env("NO_COLOR", "1")
        .output()
        .expect("run handover")
}

#[track_caller]
fn ok(data: &Path, args: &[&str]) -> Output {
    let out = handover(data, args);
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

/// An office with the basic register and the test contractor (CTR-0001).
fn office(tmp: &Path) -> PathBuf {
    let data = tmp.join("data");
    let register = fixtures().join("registers/basic_utf8.csv");
    let recipients = fixtures().join("keys/test-contractor.recipients.txt");
    ok(&data, &["init", "--admin", "tester"]);
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

fn pack(data: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
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
    ];
    args.extend_from_slice(extra);
    handover(data, &args)
}

/// `ssh-keygen -Y verify -f allowed_signers -I principal -n handover -s sig < bundle`.
fn ssh_verify(allowed: &Path, principal: &str, sig: &Path, bundle: &[u8]) -> Output {
    let mut child = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(allowed)
        .args(["-I", principal, "-n", "handover", "-s"])
        .arg(sig)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssh-keygen (openssh-client) is installed");
    child.stdin.take().unwrap().write_all(bundle).unwrap();
    child.wait_with_output().unwrap()
}

fn handover_count(data: &Path) -> usize {
    let out = ok(data, &["handovers", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    list.as_array().unwrap().len()
}

#[test]
fn stock_ssh_keygen_verifies_the_bundle_and_stock_age_opens_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = office(tmp.path());
    let keys: serde_json::Value =
        serde_json::from_slice(&ok(&data, &["keys", "--json"]).stdout).unwrap();
    let principal = keys["sshPrincipal"].as_str().unwrap().to_string();
    let line = String::from_utf8(ok(&data, &["keys", "--allowed-signers"]).stdout).unwrap();
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.starts_with(&format!("{principal} namespaces=\"handover\" ssh-ed25519 ")));
    let allowed = tmp.path().join("allowed_signers");
    std::fs::write(&allowed, &line).unwrap();

    for (name, extra) in [("b.age", &[][..]), ("armored.age", &["--armor"][..])] {
        let bundle = tmp.path().join(name);
        let out = pack(&data, &bundle, extra);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let sig = tmp.path().join(format!("{name}.sig"));
        let bytes = std::fs::read(&bundle).unwrap();

        let v = ssh_verify(&allowed, &principal, &sig, &bytes);
        let said = String::from_utf8_lossy(&v.stdout);
        assert!(
            v.status.success(),
            "{said}{}",
            String::from_utf8_lossy(&v.stderr)
        );
        assert!(
            said.contains(&format!("Good \"handover\" signature for {principal}")),
            "{said}"
        );

        // The wrong namespace or principal is refused by ssh-keygen itself.
        let wrong = ssh_verify(&allowed, "someone-else", &sig, &bytes);
        assert!(!wrong.status.success());

        // One byte changed in the middle of the ciphertext: the stock check fails.
        let mut tampered = bytes.clone();
        let mid = tampered.len() / 2;
        tampered[mid] ^= if extra.is_empty() { 0x01 } else { 0x02 };
        let bad = ssh_verify(&allowed, &principal, &sig, &tampered);
        assert!(!bad.status.success(), "a tampered bundle verified");

        // Stock age decrypts it with the contractor's key: a zip with the manifest first.
        let zip = Command::new("age")
            .arg("-d")
            .arg("-i")
            .arg(fixtures().join("keys/test-contractor.agekey"))
            .arg(&bundle)
            .output()
            .expect("age is installed");
        assert!(
            zip.status.success(),
            "{}",
            String::from_utf8_lossy(&zip.stderr)
        );
        assert!(zip.stdout.starts_with(b"PK\x03\x04"));
        assert_eq!(&zip.stdout[30..43], b"manifest.json");
    }
}

#[test]
fn a_pack_whose_signature_file_exists_writes_nothing_and_records_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = office(tmp.path());
    let bundle = tmp.path().join("b.age");
    let sig = tmp.path().join("b.age.sig");
    std::fs::write(&sig, "someone's file").unwrap();
    let out = pack(&data, &bundle, &[]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("b.age.sig already exists"), "{err}");
    assert!(!bundle.exists());
    assert_eq!(std::fs::read_to_string(&sig).unwrap(), "someone's file");
    assert_eq!(handover_count(&data), 0);

    // Without it the same pack works, and the pack's report names the signature.
    std::fs::remove_file(&sig).unwrap();
    let out = pack(&data, &bundle, &["--json"]);
    assert!(out.status.success());
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["signature"].as_str().unwrap(), sig.to_str().unwrap());
    assert!(sig.exists() && bundle.exists());
}
