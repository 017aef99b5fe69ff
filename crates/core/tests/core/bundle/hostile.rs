//! Hostile bundles (issue 10): files an attacker makes by hand — age headers and zips written
//! byte by byte, manifests signed with the office key as if it were stolen — each refused,
//! bounded or cleaned up, with a clear message and nothing written.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use age::secrecy::SecretString;
use handover_core::bundle::OpenKey;

use super::{Fx, files_in, refused, three};

mod table;

/// A binary age file written by hand: the v1 magic, these stanza lines, a (wrong) MAC and a
/// payload. Nothing is encrypted: the opener must refuse it from the header alone.
pub(super) fn hand_made_age(fx: &Fx, name: &str, stanzas: &str) -> PathBuf {
    let mut bytes = b"age-encryption.org/v1\n".to_vec();
    bytes.extend_from_slice(stanzas.as_bytes());
    bytes.extend_from_slice(format!("--- {}\n", "A".repeat(43)).as_bytes());
    bytes.extend_from_slice(&[0u8; 16 + 64]);
    let p = fx.path(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[track_caller]
fn quick(start: Instant) {
    let took = start.elapsed();
    assert!(took < Duration::from_secs(1), "took {took:?}");
}

#[test]
fn huge_age_headers_are_refused_before_age_parses_them() {
    let fx = Fx::new();
    let stanza = format!("-> X25519 {}\n{}\n", "A".repeat(43), "A".repeat(43));
    for (name, stanzas, expect) in [
        // 8,000 stanzas (a 700 KB file): 15 s in the age crate's quadratic parser.
        ("stanzas.age", stanza.repeat(8_000), "KiB"),
        // Few bytes, many stanzas.
        ("many.age", "-> a\n".repeat(300), "stanzas"),
        // Short body lines: many lines in a small header.
        (
            "lines.age",
            format!("-> X25519 {}\n{}", "A".repeat(43), "AA\n".repeat(2_000)),
            "lines",
        ),
    ] {
        let p = hand_made_age(&fx, name, &stanzas);
        let t = Instant::now();
        let e = refused(&fx, &p, "bundle_rejected");
        quick(t);
        assert!(e.to_string().contains(expect), "{name}: {e}");
    }
}

#[test]
fn scrypt_work_factor_is_capped_and_the_cost_is_stated() {
    let fx = Fx::new();
    // The C2SP age test vector scrypt_work_factor_23: 8 GiB and 28 s before this cap.
    let stanza = format!("-> scrypt {} 23\n{}\n", "A".repeat(22), "A".repeat(43));
    let p = hand_made_age(&fx, "scrypt23.age", &stanza);
    let out = fx.path("out23");
    let t = Instant::now();
    let e = handover_core::bundle::open_bundle(
        &p,
        OpenKey::Passphrase(SecretString::from("guess".to_string())),
        &fx.signing.verifying_key(),
        Some(&out),
        &handover_core::bundle::Limits::default(),
    )
    .unwrap_err();
    quick(t);
    assert_eq!(e.code(), "bundle_rejected", "{e}");
    let text = e.to_string();
    assert!(
        text.contains("2^23") && text.contains("8192 MiB") && text.contains("2^20"),
        "{text}"
    );
    assert!(
        !out.exists(),
        "the output folder was created for a refused bundle"
    );
}

#[test]
fn armored_bundle_after_blank_lines_opens_and_hashes_as_received() {
    let fx = Fx::new();
    let (p, _) = fx
        .pack_with("a.age", &three(&fx), &fx.recipients(), true)
        .unwrap();
    let mut bytes = b"\r\n\n  \t\n".to_vec();
    bytes.extend_from_slice(&std::fs::read(&p).unwrap());
    let q = fx.path("blank.age");
    std::fs::write(&q, &bytes).unwrap();
    let opened = fx.open(&q, None).unwrap();
    use sha2::Digest;
    assert_eq!(opened.sha256, hex::encode(sha2::Sha256::digest(&bytes)));
    let out = fx.path("out-blank");
    fx.open(&q, Some(&out)).unwrap();
    assert!(!files_in(&out).is_empty());
}

/// A zip whose manifest is these exact bytes, signed with the office key (as if stolen).
pub(super) fn signed_raw(fx: &Fx, manifest: &[u8], entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    signed_by(&fx.signing, manifest, entries)
}

pub(super) fn signed_by(
    key: &ed25519_dalek::SigningKey,
    manifest: &[u8],
    entries: &[(String, Vec<u8>)],
) -> Vec<u8> {
    use ed25519_dalek::Signer;
    let mut all = vec![
        ("manifest.json".to_string(), manifest.to_vec()),
        (
            "manifest.sig".to_string(),
            key.sign(manifest).to_bytes().to_vec(),
        ),
    ];
    all.extend(entries.iter().cloned());
    super::build_zip(&all)
}

/// The genuine manifest's bytes, with `edit` applied to its text.
pub(super) fn edited_manifest(
    fx: &Fx,
    edit: impl Fn(String) -> String,
) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
    let (p, _) = fx.pack(&format!("m-{}.age", rand::random::<u32>()), &three(fx));
    let all = super::zip_entries(&fx.decrypt(&p));
    let text = String::from_utf8(all[0].1.clone()).unwrap();
    (edit(text).into_bytes(), all[2..].to_vec())
}

#[test]
fn signed_manifests_with_loose_json_or_odd_values_are_refused() {
    let fx = Fx::new();
    for (name, edit, expect) in [
        (
            "dup.age",
            Box::new(|t: String| t.replacen("{", "{\n  \"operator\": \"偽\",", 1))
                as Box<dyn Fn(String) -> String>,
            "a key twice",
        ),
        (
            "dup-nested.age",
            Box::new(|t: String| {
                t.replacen("\"office\": {", "\"office\": {\"signingKey\": \"x\",", 1)
            }),
            "a key twice",
        ),
        (
            // Sliced at byte 10 by the old CLI: a panic after the files were moved into place.
            "created.age",
            Box::new(|t: String| t.replace("2026-04-10T10:00:00+09:00", "２０２６年４月１０日")),
            "creation time",
        ),
        (
            "return.age",
            Box::new(|t: String| t.replace("\"2099-05-10\"", "\"2099-5-10\"")),
            "return date",
        ),
    ] {
        let (m, entries) = edited_manifest(&fx, edit);
        let p = fx.seal(name, &signed_raw(&fx, &m, &entries));
        let e = refused(&fx, &p, "bundle_rejected");
        assert!(e.to_string().contains(expect), "{name}: {e}");
    }
}

#[test]
fn a_forged_manifest_is_not_parsed_into_a_tree() {
    let fx = Fx::new();
    // 8 MiB of nested arrays: a JSON tree of it costs hundreds of MB; the opener only looks for
    // the claimed signing key (skipping the rest) and says the signature is invalid.
    let (m, entries) = edited_manifest(&fx, |t| {
        t.replacen(
            "{",
            &format!("{{\"junk\": [{}],", vec!["[[[[1]]]]"; 800_000].join(",")),
            1,
        )
    });
    // Signed by a forger's key, while it names the office's: forged.
    let forger = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let p = fx.seal("forged.age", &signed_by(&forger, &m, &entries));
    let t = Instant::now();
    let e = refused(&fx, &p, "bad_signature");
    quick(t);
    assert!(e.to_string().contains("invalid"), "{e}");
}

#[test]
fn nothing_is_written_through_a_symlink_under_out() {
    let fx = Fx::new();
    let (p, _) = fx.pack("b.age", &three(&fx));
    let elsewhere = fx.path("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();

    // out/floor_plans -> ../elsewhere: refused before anything is extracted.
    let out = fx.path("out-link");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink("../elsewhere", out.join("floor_plans")).unwrap();
    let e = fx.open(&p, Some(&out)).unwrap_err();
    assert_eq!(e.code(), "output_folder", "{e}");
    assert!(e.to_string().contains("symbolic link"), "{e}");
    assert!(files_in(&elsewhere).is_empty());
    assert_eq!(files_in(&out), vec![out.join("floor_plans")]);

    // --out itself a link: refused, saying where it points.
    let link = fx.path("out-is-link");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    let e = fx.open(&p, Some(&link)).unwrap_err();
    assert_eq!(e.code(), "output_folder", "{e}");
    assert!(e.to_string().contains("symbolic link"), "{e}");
    assert!(e.to_string().contains("elsewhere"), "{e}");
    assert!(files_in(&elsewhere).is_empty());

    // A file where the floor-plan folder goes.
    let out = fx.path("out-file");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("floor_plans"), b"x").unwrap();
    let e = fx.open(&p, Some(&out)).unwrap_err();
    assert_eq!(e.code(), "output_folder", "{e}");
    assert_eq!(files_in(&out), vec![out.join("floor_plans")]);
}

#[test]
fn a_refused_open_removes_the_folders_it_made_for_out() {
    let fx = Fx::new();
    let p = hand_made_age(&fx, "h.age", &"-> a\n".repeat(300));
    let out = fx.path("a/b/c");
    fx.open(&p, Some(&out)).unwrap_err();
    assert!(!fx.path("a").exists(), "parents of --out were left behind");
    // A genuine one makes them, and they stay.
    let (g, _) = fx.pack("g.age", &three(&fx));
    fx.open(&g, Some(&out)).unwrap();
    assert!(out.join("customers.csv").is_file());
}

#[test]
fn only_the_format_entries_are_accepted_even_when_signed() {
    let fx = Fx::new();
    let (manifest, entries) = super::genuine_entries(&fx);
    for (i, (name, expect)) in [
        ("autorun.inf", "not an entry of the bundle format"),
        ("evil.exe", "not an entry of the bundle format"),
        ("CON", "not an entry of the bundle format"),
        ("README.txt.", "not an entry of the bundle format"),
        ("floor_plans/CON.png", "device name"),
        ("floor_plans/x.exe", "type other than"),
        ("floor_plans/a/b/c/d.png", "not a floor plan name"),
        // Verify-only and --out agree: a file named like the plans' folder is refused by both.
        ("floor_plans", "not an entry of the bundle format"),
        ("Customers.csv", "not an entry of the bundle format"),
        ("floor_plans/c0001.png", "upper and lower case"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut with = entries.clone();
        with.push((name.to_string(), b"x".to_vec()));
        let p = fx.seal(&format!("set{i}.age"), &fx.signed_zip(&manifest, &with));
        let e = fx.open(&p, None).unwrap_err();
        assert!(e.to_string().contains(expect), "{name}: {e}");
        let e = refused(&fx, &p, "bundle_rejected");
        assert!(e.to_string().contains(expect), "{name}: {e}");
    }
}

#[test]
fn a_signed_csv_that_differs_from_the_json_is_refused() {
    let fx = Fx::new();
    let (manifest, entries) = super::genuine_entries(&fx);
    let csv_at = entries
        .iter()
        .position(|(n, _)| n == "customers.csv")
        .unwrap();
    let csv = String::from_utf8(entries[csv_at].1.clone()).unwrap();
    for (i, edit) in [
        // A formula the pack would have defused, validly signed.
        csv.replacen("山田 太郎 C0001", "=HYPERLINK(\"http://x.invalid\")", 1),
        // Another value than customers.json holds.
        csv.replacen("山田 太郎 C0001", "山田 次郎 C0001", 1),
        // A row less.
        csv.lines().take(3).collect::<Vec<_>>().join("\r\n") + "\r\n",
    ]
    .into_iter()
    .enumerate()
    {
        assert_ne!(edit, csv);
        let mut with = entries.clone();
        with[csv_at].1 = edit.into_bytes();
        let p = fx.seal(&format!("csv{i}.age"), &fx.signed_zip(&manifest, &with));
        let e = refused(&fx, &p, "bundle_rejected");
        assert!(
            e.to_string().contains("customers.csv does not match"),
            "{e}"
        );
    }
}

/// `zip` with `junk` inserted at byte `at` (an entry's start, or the directory's), and every
/// offset past it in the directory and end record moved along: a well-formed zip whose entries
/// all verify, with bytes that belong to none of them.
pub(super) fn with_stray_bytes(zip: &[u8], at: usize, junk: &[u8]) -> Vec<u8> {
    let le32 = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap()) as usize;
    let le16 = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as usize;
    let mut z = zip.to_vec();
    let eocd = z.len() - 22;
    let cd = le32(&z, eocd + 16);
    let mut i = cd;
    while i < eocd {
        let off = le32(&z, i + 42);
        if off >= at {
            z[i + 42..i + 46].copy_from_slice(&((off + junk.len()) as u32).to_le_bytes());
        }
        i += 46 + le16(&z, i + 28) + le16(&z, i + 30) + le16(&z, i + 32);
    }
    if cd >= at {
        z[eocd + 16..eocd + 20].copy_from_slice(&((cd + junk.len()) as u32).to_le_bytes());
    }
    z.splice(at..at, junk.iter().copied());
    z
}

#[test]
fn bytes_outside_every_zip_entry_are_refused() {
    let fx = Fx::new();
    let (manifest, entries) = super::genuine_entries(&fx);
    let zip = fx.signed_zip(&manifest, &entries);
    let third = {
        let mut a = zip::ZipArchive::new(std::io::Cursor::new(&zip)).unwrap();
        a.by_index_raw(2).unwrap().header_start() as usize
    };
    let cd = {
        let n = zip.len() - 22;
        u32::from_le_bytes(zip[n + 16..n + 20].try_into().unwrap()) as usize
    };
    // Sanity: the helper keeps a zip the stock reader accepts, and the untouched one opens.
    let gap = with_stray_bytes(&zip, third, b"hidden message");
    assert_eq!(super::zip_entries(&gap), super::zip_entries(&zip));
    fx.open(&fx.seal("clean.age", &zip), None).unwrap();
    for (name, bytes, expect) in [
        ("gap.age", gap, "14 bytes that belong to no entry"),
        (
            "before-dir.age",
            with_stray_bytes(&zip, cd, b"tail"),
            "4 bytes that belong to no entry",
        ),
        (
            "prefix.age",
            [b"MZ".as_slice(), &zip].concat(),
            "the zip holds",
        ),
    ] {
        let p = fx.seal(name, &bytes);
        let e = refused(&fx, &p, "bundle_rejected");
        assert!(e.to_string().contains(expect), "{name}: {e}");
    }
}

/// The genuine zip of a three-customer bundle, re-encrypted by someone who decrypted it.
pub(super) fn reencrypted(fx: &Fx, name: &str, to: age::Encryptor) -> PathBuf {
    use std::io::Write;
    let (p, _) = fx.pack(&format!("orig-{name}"), &three(fx));
    let zip = fx.decrypt(&p);
    let path = fx.path(name);
    let mut w = to
        .wrap_output(std::fs::File::create(&path).unwrap())
        .unwrap();
    w.write_all(&zip).unwrap();
    w.finish().unwrap();
    path
}

#[test]
fn a_bundle_re_encrypted_to_someone_else_is_refused() {
    let fx = Fx::new();
    let other = age::x25519::Identity::generate();
    let to_other =
        age::Encryptor::with_recipients(std::iter::once(&other.to_public() as &dyn age::Recipient))
            .unwrap();
    let p = reencrypted(&fx, "other.age", to_other);
    let out = fx.path("out-other");
    let e = handover_core::bundle::open_bundle(
        &p,
        OpenKey::Identities(vec![other]),
        &fx.signing.verifying_key(),
        Some(&out),
        &handover_core::bundle::Limits::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "not_the_recipient", "{e}");
    let text = e.to_string();
    assert!(
        text.contains("架空電設株式会社 (CTR-0001)") && text.contains("re-encrypted"),
        "{text}"
    );
    assert!(!out.exists(), "{e}");

    // Re-encrypted to a passphrase, while the manifest says keys.
    let mut scrypt = age::scrypt::Recipient::new(SecretString::from("pw".to_string()));
    scrypt.set_work_factor(10);
    let to_pass =
        age::Encryptor::with_recipients(std::iter::once(&scrypt as &dyn age::Recipient)).unwrap();
    let p = reencrypted(&fx, "pass.age", to_pass);
    let e = handover_core::bundle::open_bundle(
        &p,
        OpenKey::Passphrase(SecretString::from("pw".to_string())),
        &fx.signing.verifying_key(),
        None,
        &handover_core::bundle::Limits::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "not_the_recipient", "{e}");
    assert!(e.to_string().contains("passphrase"), "{e}");

    // The office's escrow identity counts as a recipient.
    let (g, _) = fx.pack("g.age", &three(&fx));
    handover_core::bundle::open_bundle(
        &g,
        OpenKey::Identities(vec![fx.office.clone()]),
        &fx.signing.verifying_key(),
        None,
        &handover_core::bundle::Limits::default(),
    )
    .unwrap();
}

#[test]
fn past_the_return_date_only_when_the_contractor_says_so() {
    use handover_core::bundle::{OpenOptions, open_bundle_with};
    let fx = Fx::new();
    let (p, _) = fx.pack("late.age", &three(&fx));
    let on = |today: &str, past: bool, out: Option<&std::path::Path>| {
        open_bundle_with(
            &p,
            fx.contractor_key(),
            &fx.signing.verifying_key(),
            out,
            &OpenOptions {
                today: today.parse().unwrap(),
                past_return_date: past,
                ..OpenOptions::default()
            },
        )
    };
    // On the return date itself: opens, nothing to record.
    assert!(
        !on("2099-05-10", false, None)
            .unwrap()
            .opened_past_return_date
    );
    // The day after: refused, nothing written, the date and the way out named.
    let out = fx.path("out-late");
    let e = on("2099-05-11", false, Some(&out)).unwrap_err();
    assert_eq!(e.code(), "past_return_date", "{e}");
    assert!(
        e.to_string().contains("2099-05-10") && e.to_string().contains("--past-return-date"),
        "{e}"
    );
    assert!(!out.exists());
    // Said yes: opens, and says so for the receipt.
    let opened = on("2099-05-11", true, Some(&out)).unwrap();
    assert!(opened.opened_past_return_date);
    assert!(out.join("customers.csv").is_file());
}
