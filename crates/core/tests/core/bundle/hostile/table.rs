//! Issue 10, every point in one table. Each row is a file the hostile-bundle generator (the
//! builders in `hostile.rs` and `bundle.rs`: age headers and zips written by hand, manifests
//! signed with the office key as if stolen, ciphertext re-encrypted as a forwarder would) makes
//! for one attack. Every row is opened twice, the way the contractor would:
//!
//! - verify-only, and into an `--out` folder that does not exist yet (nested two deep): the
//!   same refusal both times (point 13: one set of checks), with the expected code and words;
//! - within 1 s each (points 1, 2, 7: bounded before any expensive work);
//! - afterwards nothing exists where `--out` would have been, not even its parents (point 6),
//!   and no staging folder is left anywhere (point 8 for refusals).
//!
//! Points that are not "a file refused" are tested where they happen, and named here so that
//! the table says where: 5 (escaped output: `text::tests`, the CLI's `term`; control characters
//! refused at import: `import::control_characters_in_text_are_refused_with_row_and_column`),
//! 8 (signals and SIGKILL: the CLI's `handovers::interrupted_open_leaves_no_plaintext`), 3 with
//! an existing `--out` (`nothing_is_written_through_a_symlink_under_out`), 13's armor
//! (`armored_bundle_after_blank_lines_opens_and_hashes_as_received`), 14's pinned key
//! (`contractor_side::the_office_key_counts_only_if_pinned_or_its_fingerprint_confirmed`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use age::secrecy::SecretString;
use handover_core::bundle::{OpenKey, OpenOptions, open_bundle_expecting};

use super::super::{Fx, files_in, genuine_entries, three};
use super::{edited_manifest, hand_made_age, reencrypted, signed_by, signed_raw, with_stray_bytes};

/// Which key the attacker's file is opened with.
enum Key {
    /// The contractor's own.
    Contractor,
    /// Another contractor's, to whom the file was re-encrypted.
    Other(age::x25519::Identity),
    /// A passphrase.
    Passphrase,
}

struct Row {
    point: u8,
    what: &'static str,
    file: PathBuf,
    key: Key,
    /// The day the open happens (the return date is 2099-05-10).
    today: &'static str,
    /// The SHA-256 the app showed before an export (point 14).
    viewed: Option<String>,
    code: &'static str,
    says: &'static str,
}

fn row(
    point: u8,
    what: &'static str,
    file: PathBuf,
    code: &'static str,
    says: &'static str,
) -> Row {
    Row {
        point,
        what,
        file,
        key: Key::Contractor,
        today: "2026-12-01",
        viewed: None,
        code,
        says,
    }
}

/// A signed bundle of the genuine entries plus one more.
fn with_entry(fx: &Fx, file: &str, name: &str) -> PathBuf {
    let (manifest, mut entries) = genuine_entries(fx);
    entries.push((name.to_string(), b"x".to_vec()));
    fx.seal(file, &fx.signed_zip(&manifest, &entries))
}

/// Points 1 and 2: the age header, before any key is tried.
fn envelope_rows(fx: &Fx) -> Vec<Row> {
    let stanza = format!("-> X25519 {}\n{}\n", "A".repeat(43), "A".repeat(43));
    let scrypt23 = format!("-> scrypt {} 23\n{}\n", "A".repeat(22), "A".repeat(43));
    vec![
        row(
            1,
            "8,000 age stanzas",
            hand_made_age(fx, "t-stanzas.age", &stanza.repeat(8_000)),
            "bundle_rejected",
            "KiB",
        ),
        row(
            1,
            "300 tiny stanzas",
            hand_made_age(fx, "t-many.age", &"-> a\n".repeat(300)),
            "bundle_rejected",
            "stanzas",
        ),
        Row {
            key: Key::Passphrase,
            ..row(
                2,
                "scrypt work factor 2^23",
                hand_made_age(fx, "t-scrypt.age", &scrypt23),
                "bundle_rejected",
                "8192 MiB",
            )
        },
    ]
}

/// Points 4, 7 and 12: the manifest, forged or signed with the stolen key.
fn manifest_rows(fx: &Fx) -> Vec<Row> {
    let forger = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let (m, e) = edited_manifest(fx, |t| {
        t.replacen(
            "{",
            &format!("{{\"junk\": [{}],", vec!["[[[[1]]]]"; 800_000].join(",")),
            1,
        )
    });
    let forged = fx.seal("t-forged.age", &signed_by(&forger, &m, &e));
    let signed_edit = |file: &str, edit: fn(String) -> String| {
        let (m, e) = edited_manifest(fx, edit);
        fx.seal(file, &signed_raw(fx, &m, &e))
    };
    vec![
        row(
            4,
            "non-ASCII creation time",
            signed_edit("t-created.age", |t| {
                t.replace("2026-04-10T10:00:00+09:00", "２０２６年４月１０日")
            }),
            "bundle_rejected",
            "creation time",
        ),
        row(
            7,
            "8 MiB forged manifest",
            forged,
            "bad_signature",
            "invalid",
        ),
        row(
            12,
            "duplicate JSON key",
            signed_edit("t-dup.age", |t| {
                t.replacen("{", "{\n  \"operator\": \"偽\",", 1)
            }),
            "bundle_rejected",
            "a key twice",
        ),
    ]
}

/// Points 9, 10, 12 and 13: the zip's entries and bytes, signed with the stolen key.
fn entry_rows(fx: &Fx) -> Vec<Row> {
    let (manifest, entries) = genuine_entries(fx);
    let csv_at = entries
        .iter()
        .position(|(n, _)| n == "customers.csv")
        .unwrap();
    let mut formula = entries.clone();
    let csv = String::from_utf8(formula[csv_at].1.clone()).unwrap();
    formula[csv_at].1 = csv
        .replacen("山田 太郎 C0001", "=HYPERLINK(\"http://x.invalid\")", 1)
        .into_bytes();
    let zip = fx.signed_zip(&manifest, &entries);
    let third = {
        let mut a = zip::ZipArchive::new(std::io::Cursor::new(&zip)).unwrap();
        a.by_index_raw(2).unwrap().header_start() as usize
    };
    vec![
        row(
            9,
            "autorun.inf",
            with_entry(fx, "t-autorun.age", "autorun.inf"),
            "bundle_rejected",
            "not an entry of the bundle format",
        ),
        row(
            9,
            "device name",
            with_entry(fx, "t-con.age", "floor_plans/CON.png"),
            "bundle_rejected",
            "device name",
        ),
        row(
            9,
            "case twin",
            with_entry(fx, "t-twin.age", "floor_plans/c0001.png"),
            "bundle_rejected",
            "upper and lower case",
        ),
        row(
            9,
            "deep path",
            with_entry(fx, "t-deep.age", "floor_plans/a/b/c.png"),
            "bundle_rejected",
            "not a floor plan name",
        ),
        row(
            9,
            "escaping path",
            with_entry(fx, "t-escape.age", "../evil.txt"),
            "bundle_rejected",
            "escape",
        ),
        row(
            10,
            "signed =HYPERLINK in the CSV",
            fx.seal("t-formula.age", &fx.signed_zip(&manifest, &formula)),
            "bundle_rejected",
            "customers.csv does not match",
        ),
        row(
            12,
            "bytes between entries",
            fx.seal("t-gap.age", &with_stray_bytes(&zip, third, b"hidden")),
            "bundle_rejected",
            "belong to no entry",
        ),
        row(
            13,
            "a file named like the plans' folder",
            with_entry(fx, "t-folder.age", "floor_plans"),
            "bundle_rejected",
            "not an entry of the bundle format",
        ),
    ]
}

/// Points 11 and 14: an authentic bundle, opened by the wrong person, too late, or changed.
fn recipient_rows(fx: &Fx) -> Vec<Row> {
    let other = age::x25519::Identity::generate();
    let to_other =
        age::Encryptor::with_recipients(std::iter::once(&other.to_public() as &dyn age::Recipient))
            .unwrap();
    let (genuine, _) = fx.pack("t-genuine.age", &three(fx));
    vec![
        Row {
            key: Key::Other(other),
            ..row(
                11,
                "re-encrypted to another contractor",
                reencrypted(fx, "t-other.age", to_other),
                "not_the_recipient",
                "re-encrypted",
            )
        },
        Row {
            today: "2099-05-11",
            ..row(
                11,
                "past the return date",
                genuine.clone(),
                "past_return_date",
                "--past-return-date",
            )
        },
        Row {
            viewed: Some("0".repeat(64)),
            ..row(
                14,
                "export after the file changed",
                genuine,
                "bundle_changed",
                "changed",
            )
        },
    ]
}

fn rows(fx: &Fx) -> Vec<Row> {
    let mut all = envelope_rows(fx);
    all.extend(manifest_rows(fx));
    all.extend(entry_rows(fx));
    all.extend(recipient_rows(fx));
    all
}

fn open(fx: &Fx, r: &Row, out: Option<&Path>) -> handover_core::Error {
    let key = match &r.key {
        Key::Contractor => fx.contractor_key(),
        Key::Other(id) => OpenKey::Identities(vec![id.clone()]),
        Key::Passphrase => OpenKey::Passphrase(SecretString::from("guess".to_string())),
    };
    let opts = OpenOptions {
        today: r.today.parse().unwrap(),
        ..OpenOptions::default()
    };
    let vk = fx.signing.verifying_key();
    let res = match &r.viewed {
        Some(sha) => open_bundle_expecting(&r.file, key, &vk, out, &opts, sha),
        None => handover_core::bundle::open_bundle_with(&r.file, key, &vk, out, &opts),
    };
    match res {
        Ok(_) => panic!("point {}, {}: opened", r.point, r.what),
        Err(e) => e,
    }
}

#[test]
fn every_point_of_issue_10_is_refused_quickly_the_same_way_with_nothing_left() {
    let fx = Fx::new();
    let rows = rows(&fx);
    let points: std::collections::BTreeSet<u8> = rows.iter().map(|r| r.point).collect();
    assert_eq!(
        points.into_iter().collect::<Vec<_>>(),
        [1, 2, 4, 7, 9, 10, 11, 12, 13, 14]
    );
    let before = staging_in_temp();
    for (i, r) in rows.iter().enumerate() {
        let label = format!("point {}, {}", r.point, r.what);
        let t = Instant::now();
        let verify = open(&fx, r, None);
        let took = t.elapsed();
        assert!(
            took < Duration::from_secs(1),
            "{label}: verify took {took:?}"
        );
        let root = fx.path(&format!("table-{i}"));
        let out = root.join("new/out");
        let t = Instant::now();
        let extract = open(&fx, r, Some(&out));
        let took = t.elapsed();
        assert!(took < Duration::from_secs(1), "{label}: open took {took:?}");
        for e in [&verify, &extract] {
            assert_eq!(e.code(), r.code, "{label}: {e}");
            assert!(e.to_string().contains(r.says), "{label}: {e}");
        }
        assert_eq!(verify.to_string(), extract.to_string(), "{label}");
        assert!(!root.exists(), "{label}: left {:?}", files_in(&root));
    }
    assert_eq!(staging_in_temp(), before, "staging left in the temp folder");
}

fn staging_in_temp() -> usize {
    std::fs::read_dir(std::env::temp_dir())
        .map(|rd| {
            rd.flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(".handover-partial-")
                })
                .count()
        })
        .unwrap_or(0)
}
