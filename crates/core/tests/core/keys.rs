//! Office keys (`init`) and contractor keys (`keygen`): permissions, no overwriting, and files
//! that the stock `age` tool and the age crate read.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::str::FromStr;

use age::secrecy::SecretString;
use handover_core::DataDir;
use handover_core::keys;
use handover_core::ops;

use crate::support::{self, TestOffice};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Encrypt `msg` to one recipient with the age crate.
fn encrypt_to(recipient: &str, msg: &[u8]) -> Vec<u8> {
    let r = age::x25519::Recipient::from_str(recipient).unwrap();
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).unwrap();
    let mut out = Vec::new();
    let mut w = enc.wrap_output(&mut out).unwrap();
    w.write_all(msg).unwrap();
    w.finish().unwrap();
    out
}

/// The stock `age` CLI; CI installs it (Debian package `age`).
fn age_cli() -> &'static str {
    let p = "/usr/bin/age";
    assert!(
        Path::new(p).exists(),
        "{p} is missing: install the Debian package `age` (apt-get install age) to run the \
         interoperability tests"
    );
    p
}

/// Decrypt `ciphertext` with `age -d -i identity_file`.
fn age_decrypt(identity_file: &Path, ciphertext: &[u8]) -> Vec<u8> {
    let mut child = std::process::Command::new(age_cli())
        .arg("-d")
        .arg("-i")
        .arg(identity_file)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(ciphertext).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "age -d failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn init_creates_private_keys() {
    let t = TestOffice::initialized();
    let data = t.data();
    let k = data.join("keys");
    assert_eq!(mode(&data), 0o700, "data dir");
    assert_eq!(mode(&k), 0o700, "keys dir");
    assert_eq!(mode(&k.join("office.agekey")), 0o600);
    assert_eq!(mode(&k.join("office.signing.key")), 0o600);

    let public = ops::office_keys(&t.office).unwrap();
    assert!(public.recipient.starts_with("age1"));
    assert_eq!(
        public.recipient_fingerprint,
        keys::recipient_fingerprint(&public.recipient)
    );
    assert_eq!(public.recipient_fingerprint.len(), 19);
    assert!(public.signing_key.starts_with("ed25519:"));
    let recipient_txt = std::fs::read_to_string(k.join("office.recipient.txt")).unwrap();
    assert_eq!(recipient_txt.trim(), public.recipient);
    let signing_pub = std::fs::read_to_string(k.join("office.signing.pub")).unwrap();
    assert_eq!(signing_pub.trim(), public.signing_key);

    // The escrow identity is a plain age identity file: the stock tool decrypts with it.
    let ct = encrypt_to(&public.recipient, b"audit copy");
    assert_eq!(age_decrypt(&k.join("office.agekey"), &ct), b"audit copy");

    // The signing key signs, and the published key verifies.
    let loaded = keys::load_office_keys(t.office.dir(), None).unwrap();
    let sig = loaded.sign(b"manifest");
    let vk = keys::parse_signing_key(&public.signing_key).unwrap();
    assert!(keys::verify_signature(&vk, b"manifest", &sig));
    assert!(!keys::verify_signature(&vk, b"manifest!", &sig));

    // The first ledger entry records the public keys, never the secrets.
    let e = &support::entries(&t.office)[0];
    assert_eq!(e.kind, "office.initialized");
    let payload = e.payload.as_deref().unwrap();
    assert!(payload.contains(&public.recipient));
    assert!(!payload.contains("AGE-SECRET-KEY"));
}

#[test]
fn a_second_init_refuses_and_changes_nothing() {
    let t = TestOffice::initialized();
    let k = t.data().join("keys");
    let read = |n: &str| std::fs::read(k.join(n)).unwrap();
    let before = (read("office.agekey"), read("office.signing.key"));
    let snap = t.snapshot();
    drop(t.office);

    let e = ops::init(DataDir::new(t.tmp.path().join("data")), "someone")
        .expect_err("second init must fail");
    assert_eq!(e.code(), "keys_exist", "{e}");
    assert!(e.is_bad_input());
    assert_eq!((read("office.agekey"), read("office.signing.key")), before);
    assert_eq!(mode(&k.join("office.agekey")), 0o600);
    let office = support::open_at(&t.tmp.path().join("data"));
    assert_eq!(
        support::snapshot(&office),
        snap,
        "no ledger entry for a refused init"
    );
}

#[test]
fn missing_office_keys_are_reported() {
    let t = TestOffice::new();
    let e = ops::office_keys(&t.office).unwrap_err();
    assert_eq!(e.code(), "keys_missing");
    assert!(e.to_string().contains("office keys are missing"), "{e}");
    // The app shows this sentence too: no command in it (the CLI adds its own hint).
    assert!(!e.to_string().contains("handover "), "{e}");
}

#[test]
fn a_damaged_key_file_is_reported_without_its_content() {
    let t = TestOffice::initialized();
    let id = t.data().join("keys/office.agekey");
    let text = std::fs::read_to_string(&id).unwrap();
    let damaged = text.replace(&crate::support::age_identity_prefix(), "AGE-SECRET-KEY-X");
    std::fs::write(&id, &damaged).unwrap();
    let e = keys::load_office_keys(t.office.dir(), None).err().unwrap();
    assert_eq!(e.code(), "bad_key_file");
    let secret_line = damaged.lines().find(|l| l.starts_with("AGE-")).unwrap();
    assert!(!e.to_string().contains(secret_line), "{e}");
}

#[test]
fn keygen_writes_a_private_identity_the_age_cli_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("contractor.agekey");
    let recipient = ops::keygen(&out, None).unwrap();
    assert!(recipient.starts_with("age1"));
    assert_eq!(mode(&out), 0o600);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains(&format!("# public key: {recipient}")),
        "{text}"
    );
    let secret = text
        .lines()
        .find(|l| l.starts_with(&crate::support::age_identity_prefix()))
        .unwrap();
    let id = age::x25519::Identity::from_str(secret).unwrap();
    assert_eq!(id.to_public().to_string(), recipient);

    let ct = encrypt_to(&recipient, b"work order");
    assert_eq!(age_decrypt(&out, &ct), b"work order");

    // And the other way round: the age CLI encrypts to the recipient we printed.
    let mut child = std::process::Command::new(age_cli())
        .arg("-r")
        .arg(&recipient)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"from age").unwrap();
    let ct = child.wait_with_output().unwrap().stdout;
    let dec = age::Decryptor::new(&ct[..]).unwrap();
    let mut r = dec
        .decrypt(std::iter::once(&id as &dyn age::Identity))
        .unwrap();
    let mut pt = Vec::new();
    r.read_to_end(&mut pt).unwrap();
    assert_eq!(pt, b"from age");
}

#[test]
fn keygen_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("contractor.agekey");
    ops::keygen(&out, None).unwrap();
    let before = std::fs::read(&out).unwrap();
    let e = ops::keygen(&out, None).unwrap_err();
    assert_eq!(e.code(), "file_exists", "{e}");
    let pass = SecretString::from("correct horse battery".to_string());
    let e = ops::keygen(&out, Some(&pass)).unwrap_err();
    assert_eq!(e.code(), "file_exists", "{e}");
    assert_eq!(std::fs::read(&out).unwrap(), before);
}

#[test]
fn keygen_refuses_a_short_passphrase_and_leaves_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("contractor.agekey");
    let pass = SecretString::from("short".to_string());
    let e = ops::keygen(&out, Some(&pass)).unwrap_err();
    assert_eq!(e.code(), "passphrase_too_short");
    assert!(!out.exists());
}

/// Callbacks that answer the passphrase request (the age CLI would ask on a terminal).
#[derive(Clone)]
struct Passphrase(String);

impl age::Callbacks for Passphrase {
    fn display_message(&self, _: &str) {}
    fn confirm(&self, _: &str, _: &str, _: Option<&str>) -> Option<bool> {
        None
    }
    fn request_public_string(&self, _: &str) -> Option<String> {
        None
    }
    fn request_passphrase(&self, _: &str) -> Option<SecretString> {
        Some(SecretString::from(self.0.clone()))
    }
}

#[test]
fn a_passphrase_identity_opens_with_the_age_crate() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("contractor.agekey");
    let pass = "correct horse battery staple";
    let recipient = ops::keygen(&out, Some(&SecretString::from(pass.to_string()))).unwrap();
    assert_eq!(mode(&out), 0o600);
    let armored = std::fs::read_to_string(&out).unwrap();
    assert!(
        armored.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"),
        "{armored}"
    );
    assert!(
        !armored.contains("AGE-SECRET-KEY"),
        "the secret is not in clear"
    );

    // Decrypt the file itself with the passphrase: an identity file for `recipient` inside.
    let dec = age::Decryptor::new(age::armor::ArmoredReader::new(armored.as_bytes())).unwrap();
    assert!(dec.is_scrypt());
    let scrypt = age::scrypt::Identity::new(SecretString::from(pass.to_string()));
    let mut inner = String::new();
    dec.decrypt(std::iter::once(&scrypt as &dyn age::Identity))
        .unwrap()
        .read_to_string(&mut inner)
        .unwrap();
    assert!(inner.contains(&format!("# public key: {recipient}")));
    let secret = inner
        .lines()
        .find(|l| l.starts_with(&crate::support::age_identity_prefix()))
        .unwrap();
    assert_eq!(
        age::x25519::Identity::from_str(secret)
            .unwrap()
            .to_public()
            .to_string(),
        recipient
    );

    // Use it the way `age -d -i contractor.agekey` does: as an encrypted identity.
    let encrypted = age::encrypted::Identity::from_buffer(
        age::armor::ArmoredReader::new(armored.as_bytes()),
        Some(out.display().to_string()),
        Passphrase(pass.into()),
        None,
    )
    .unwrap()
    .expect("a passphrase-encrypted identity");
    let ct = encrypt_to(&recipient, b"floor plan");
    let mut pt = Vec::new();
    age::Decryptor::new(&ct[..])
        .unwrap()
        .decrypt(std::iter::once(&encrypted as &dyn age::Identity))
        .unwrap()
        .read_to_end(&mut pt)
        .unwrap();
    assert_eq!(pt, b"floor plan");

    // A wrong passphrase does not open it.
    let wrong = age::scrypt::Identity::new(SecretString::from("wrong passphrase!".to_string()));
    let dec = age::Decryptor::new(age::armor::ArmoredReader::new(armored.as_bytes())).unwrap();
    assert!(
        dec.decrypt(std::iter::once(&wrong as &dyn age::Identity))
            .is_err()
    );
}

#[test]
fn recipients_files_and_fingerprints() {
    let list = keys::read_recipients_file(&support::key_fixture("test-contractor.recipients.txt"))
        .unwrap();
    assert_eq!(
        list,
        vec!["age1etx5jy8vv9tdaqtth2v5exhdwp39hef54cj04n53w0hrylqjpq5qg9qjdu".to_string()]
    );
    // The fixture identity is the secret half of that recipient.
    let text = std::fs::read_to_string(support::key_fixture("test-contractor.agekey")).unwrap();
    assert!(text.starts_with("# TEST FIXTURE"));
    let secret = text
        .lines()
        .find(|l| l.starts_with(&crate::support::age_identity_prefix()))
        .unwrap();
    assert_eq!(
        age::x25519::Identity::from_str(secret)
            .unwrap()
            .to_public()
            .to_string(),
        list[0]
    );
    // Fingerprints are stable (they are read back over the phone).
    assert_eq!(
        keys::recipient_fingerprint(&list[0]),
        keys::recipient_fingerprint(&format!(" {} ", list[0]))
    );
    assert_eq!(
        keys::recipient_fingerprint(&list[0]),
        keys::fingerprint(list[0].as_bytes())
    );

    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.txt");
    std::fs::write(&bad, format!("# ok\n{}\nage1notakey\n", list[0])).unwrap();
    let e = keys::read_recipients_file(&bad).unwrap_err();
    assert_eq!(e.code(), "bad_recipient");
    assert!(e.to_string().contains("age1notakey"), "{e}");
    let e = keys::read_recipients_file(&tmp.path().join("none.txt")).unwrap_err();
    assert_eq!(e.code(), "io");
}
