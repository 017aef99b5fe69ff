//! Bundles end to end: pack → open round trips (keys, passphrase, armor, random selections),
//! nothing withheld anywhere in the plaintext, every kind of tampering refused with nothing
//! written, and interoperability with the stock `age`, `unzip` and Python's `zipfile`.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use age::secrecy::SecretString;
use ed25519_dalek::{Signer, SigningKey};
use handover_core::bundle::{
    self, BundleCustomer, BundleKey, Limits, Manifest, ManifestContractor, ManifestEntry,
    ManifestOffice, OpenKey, OpenedBundle, PackedBundle, PlanSource,
};
use handover_core::register::{Customer, FloorPlan};
use handover_core::{Error, Field, Flow, NoProgress, keys};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

mod cost;
mod hostile;
mod random_input;

// ---------------------------------------------------------------------------------------------
// Fixture

struct Fx {
    dir: tempfile::TempDir,
    office: age::x25519::Identity,
    contractor: age::x25519::Identity,
    signing: SigningKey,
}

impl Fx {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("store")).unwrap();
        Fx {
            dir,
            office: age::x25519::Identity::generate(),
            contractor: age::x25519::Identity::generate(),
            signing: SigningKey::generate(&mut rand::rngs::OsRng),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn manifest(&self) -> Manifest {
        Manifest {
            format_version: 0,
            handover_id: "HO-2026-0001".into(),
            created: "2026-04-10T10:00:00+09:00".into(),
            operator: "佐藤 花子".into(),
            office: ManifestOffice {
                signing_key: keys::format_signing_key(&self.signing.verifying_key()),
                recipient_fingerprint: keys::recipient_fingerprint(
                    &self.office.to_public().to_string(),
                ),
            },
            contractor: ManifestContractor {
                id: "CTR-0001".into(),
                name: "架空電設株式会社".into(),
                key_fingerprints: vec![keys::recipient_fingerprint(
                    &self.contractor.to_public().to_string(),
                )],
            },
            work_type: "installation".into(),
            method: "transfer".into(),
            return_by: "2099-05-10".into(),
            encryption: String::new(),
            customers: vec![],
            entries: vec![],
            receipt: None,
            approval: None,
        }
    }

    fn recipients(&self) -> BundleKey {
        BundleKey::Recipients(vec![
            self.contractor.to_public().into(),
            self.office.to_public().into(),
        ])
    }

    fn contractor_key(&self) -> OpenKey {
        OpenKey::Identities(vec![self.contractor.clone()])
    }

    /// Store a floor plan the way import does: `<sha256>.<ext>` in the store.
    fn plan(&self, bytes: &[u8], ext: &str) -> (FloorPlan, PathBuf) {
        let plan = FloorPlan {
            sha256: hex::encode(Sha256::digest(bytes)),
            ext: ext.into(),
            size: bytes.len() as u64,
        };
        let path = self.path("store").join(plan.file_name());
        std::fs::write(&path, bytes).unwrap();
        (plan, path)
    }

    fn pack_with(
        &self,
        name: &str,
        customers: &[BundleCustomer],
        key: &BundleKey,
        armor: bool,
    ) -> handover_core::Result<(PathBuf, PackedBundle)> {
        let out = self.path(name);
        let sign = |m: &[u8]| self.signing.sign(m).to_bytes();
        bundle::pack_to_file(
            &out,
            self.manifest(),
            customers,
            key,
            armor,
            &sign,
            &mut NoProgress,
        )
        .map(|p| (out, p))
    }

    fn pack(&self, name: &str, customers: &[BundleCustomer]) -> (PathBuf, PackedBundle) {
        self.pack_with(name, customers, &self.recipients(), false)
            .unwrap()
    }

    fn open(&self, bundle: &Path, out: Option<&Path>) -> handover_core::Result<OpenedBundle> {
        bundle::open_bundle(
            bundle,
            self.contractor_key(),
            &self.signing.verifying_key(),
            out,
            &Limits::default(),
        )
    }

    /// The decrypted zip, with the age crate directly (not through the code under test).
    fn decrypt(&self, bundle: &Path) -> Vec<u8> {
        let f = std::fs::File::open(bundle).unwrap();
        let d = age::Decryptor::new_buffered(age::armor::ArmoredReader::new(f)).unwrap();
        let mut r = d
            .decrypt(std::iter::once(&self.contractor as &dyn age::Identity))
            .unwrap();
        let mut v = Vec::new();
        r.read_to_end(&mut v).unwrap();
        v
    }

    /// Encrypt a (crafted) zip to the contractor and office, like a forger could.
    fn seal(&self, name: &str, zip: &[u8]) -> PathBuf {
        let enc = age::Encryptor::with_recipients(
            [self.contractor.to_public(), self.office.to_public()]
                .iter()
                .map(|r| r as &dyn age::Recipient),
        )
        .unwrap();
        let path = self.path(name);
        let mut w = enc
            .wrap_output(std::fs::File::create(&path).unwrap())
            .unwrap();
        w.write_all(zip).unwrap();
        w.finish().unwrap();
        path
    }

    /// A zip as the office would make it from these entries (manifest entries recomputed).
    fn signed_zip(&self, manifest: &Manifest, entries: &[(String, Vec<u8>)]) -> Vec<u8> {
        let mut m = manifest.clone();
        m.entries = entries
            .iter()
            .map(|(n, b)| ManifestEntry {
                path: n.clone(),
                sha256: hex::encode(Sha256::digest(b)),
                size: b.len() as u64,
            })
            .collect();
        let bytes = serde_json::to_vec_pretty(&m).unwrap();
        let sig = self.signing.sign(&bytes).to_bytes().to_vec();
        let mut all = vec![
            ("manifest.json".to_string(), bytes),
            ("manifest.sig".to_string(), sig),
        ];
        all.extend(entries.iter().cloned());
        build_zip(&all)
    }
}

fn customer(id: &str) -> Customer {
    Customer {
        customer_id: id.into(),
        name: Some(format!("山田 太郎 {id}")),
        name_kana: Some(format!("ヤマダ タロウ {id}")),
        postal_code: Some("100-0001".into()),
        address: Some(format!("東京都千代田区千代田1-1 {id}")),
        phone: Some("03-1234-5678".into()),
        email: Some(format!("withheld-email-{id}@example.jp")),
        birth_date: Some("1970-01-02".into()),
        gender: Some("男性".into()),
        occupation: Some(format!("withheld-occupation-{id}")),
        service: Some("光インターネット 1G".into()),
        notes: Some(format!("withheld-notes-{id}, \"quoted\"\nsecond line")),
        floor_plan: None,
        contract_ended: Some("2026-03-31".into()),
    }
}

fn png(marker: &str, size: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(marker.as_bytes());
    let mut x: u32 = 0x9E37_79B9 ^ size as u32;
    while v.len() < size {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push(x as u8);
    }
    v
}

/// Three customers: an installation with a PNG plan, one with a PDF plan, one without.
fn three(fx: &Fx) -> Vec<BundleCustomer> {
    let fields = vec![
        Field::CustomerId,
        Field::Name,
        Field::Address,
        Field::Phone,
        Field::Service,
        Field::FloorPlan,
    ];
    let (p1, path1) = fx.plan(&png("PLAN-C0001", 150_000), "png");
    let (p2, path2) = fx.plan(b"%PDF-1.4\nPLAN-C0002\n%%EOF\n", "pdf");
    let mut c1 = customer("C0001");
    c1.floor_plan = Some(p1);
    let mut c2 = customer("C0002");
    c2.floor_plan = Some(p2);
    vec![
        BundleCustomer {
            customer: c1,
            fields: fields.clone(),
            plan_source: Some(PlanSource::File(path1)),
        },
        BundleCustomer {
            customer: c2,
            fields: fields.clone(),
            plan_source: Some(PlanSource::File(path2)),
        },
        BundleCustomer {
            customer: customer("C0003"),
            fields: vec![Field::CustomerId, Field::Name, Field::Notes],
            plan_source: None,
        },
    ]
}

/// Entries of a zip, in order, decompressed.
fn zip_entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut a = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().unwrap().to_string(), v)
        })
        .collect()
}

/// A zip with these entries (manifest and text deflated, the rest stored).
fn build_zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        let method = if name.starts_with("floor_plans/") || name == "manifest.sig" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                v.extend(files_in(&p));
                v.push(p);
            } else {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

/// Open must fail with a verification error and leave `out` exactly empty.
#[track_caller]
fn refused(fx: &Fx, bundle: &Path, code: &str) -> Error {
    let out = fx.path(&format!("out-{}", rand::random::<u32>()));
    std::fs::create_dir(&out).unwrap();
    let e = fx.open(bundle, Some(&out)).unwrap_err();
    assert!(
        e.is_verification_failure(),
        "not a verification failure: {e} ({})",
        e.code()
    );
    assert_eq!(e.code(), code, "{e}");
    assert_eq!(
        files_in(&out),
        Vec::<PathBuf>::new(),
        "something written: {e}"
    );
    e
}

// ---------------------------------------------------------------------------------------------
// Round trips

#[test]
fn round_trip_with_contractor_and_office_keys() {
    let fx = Fx::new();
    let customers = three(&fx);
    let (path, packed) = fx.pack("b.age", &customers);

    // What the file is: binary age, hash and size as reported, nothing else left behind.
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
    assert_eq!(packed.size, bytes.len() as u64);
    assert_eq!(packed.sha256, hex::encode(Sha256::digest(&bytes)));
    let names: Vec<_> = std::fs::read_dir(fx.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".partial")), "{names:?}");
    assert_eq!(packed.manifest.format_version, bundle::FORMAT_VERSION);
    assert_eq!(packed.manifest.encryption, "x25519");

    let csv = check_zip_layout(&fx, &path);

    // The contractor opens it into a folder.
    let out = fx.path("out");
    let opened = fx.open(&path, Some(&out)).unwrap();
    assert_eq!(opened.manifest, packed.manifest);
    assert_eq!(opened.sha256, packed.sha256);
    assert_eq!(opened.written.len(), 7);
    assert_eq!(
        std::fs::read(out.join("floor_plans/C0001.png")).unwrap(),
        png("PLAN-C0001", 150_000)
    );
    assert_eq!(
        std::fs::read(out.join("customers.csv")).unwrap(),
        csv.as_bytes()
    );
    // No staging left over.
    assert!(
        std::fs::read_dir(&out).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with('.'))
    );
    check_three_opened(&opened.customers);

    // Opening again into the same folder refuses to overwrite, and changes nothing.
    let before = std::fs::read(out.join("customers.json")).unwrap();
    let e = fx.open(&path, Some(&out)).unwrap_err();
    assert_eq!(e.code(), "file_exists", "{e}");
    assert_eq!(std::fs::read(out.join("customers.json")).unwrap(), before);
    assert_eq!(files_in(&out).len(), 8); // 7 files + floor_plans/

    // The office can audit with its escrow identity; verify-only writes nothing.
    let audit = bundle::open_bundle(
        &path,
        OpenKey::Identities(vec![fx.office.clone()]),
        &fx.signing.verifying_key(),
        None,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(audit.customers, opened.customers);
    assert!(audit.written.is_empty());
}

/// The zip inside the bundle of [`three`]: its entries in order, the CSV's header and rows, the
/// README's handover details. Returns the CSV.
fn check_zip_layout(fx: &Fx, path: &Path) -> String {
    let zip = fx.decrypt(path);
    let entries = zip_entries(&zip);
    let order: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        order,
        [
            "manifest.json",
            "manifest.sig",
            "README.txt",
            "customers.csv",
            "customers.json",
            "floor_plans/C0001.png",
            "floor_plans/C0002.pdf"
        ]
    );
    let csv = String::from_utf8(entries[3].1.clone()).unwrap();
    assert!(
        csv.starts_with("\u{feff}顧客番号,氏名,住所,電話番号,契約サービス,住宅の図面,備考\r\n")
    );
    assert!(csv.contains("C0001,山田 太郎 C0001,"));
    assert!(csv.contains(",floor_plans/C0001.png,"));
    let readme = String::from_utf8(entries[2].1.clone()).unwrap();
    assert!(readme.contains("HO-2026-0001") && readme.contains("2099年5月10日"));
    assert!(readme.contains("架空電設株式会社") && readme.contains("機密"));
    csv
}

/// The three customers of [`three`] as opened: only the fields chosen for each.
fn check_three_opened(customers: &[bundle::OpenedCustomer]) {
    let c1 = &customers[0];
    assert_eq!(c1.customer_id, "C0001");
    assert_eq!(c1.get(Field::Phone), Some("03-1234-5678"));
    assert_eq!(c1.get(Field::Email), None);
    assert_eq!(c1.floor_plan.as_deref(), Some("floor_plans/C0001.png"));
    let c3 = &customers[2];
    assert_eq!(
        c3.get(Field::Notes),
        Some("withheld-notes-C0003, \"quoted\"\nsecond line")
    );
    assert_eq!(c3.get(Field::Address), None);
    assert_eq!(c3.floor_plan, None);
}

#[test]
fn armored_bundle_round_trips() {
    let fx = Fx::new();
    let customers = three(&fx);
    let (path, packed) = fx
        .pack_with("b.age", &customers, &fx.recipients(), true)
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"));
    assert!(
        text.trim_end()
            .ends_with("-----END AGE ENCRYPTED FILE-----")
    );
    assert_eq!(packed.sha256, hex::encode(Sha256::digest(text.as_bytes())));
    let out = fx.path("out");
    let opened = fx.open(&path, Some(&out)).unwrap();
    assert_eq!(opened.sha256, packed.sha256);
    assert_eq!(opened.customers.len(), 3);
    assert_eq!(
        std::fs::read(out.join("floor_plans/C0002.pdf")).unwrap(),
        b"%PDF-1.4\nPLAN-C0002\n%%EOF\n"
    );
    // Verify-only works too, and so does armor whose line endings a mailer turned into CRLF.
    fx.open(&path, None).unwrap();
    let crlf = fx.path("crlf.age");
    std::fs::write(&crlf, text.replace('\n', "\r\n")).unwrap();
    assert_eq!(fx.open(&crlf, None).unwrap().customers.len(), 3);
}

#[test]
fn passphrase_bundle_round_trips_and_wrong_passphrase_is_told_apart() {
    let fx = Fx::new();
    let customers = three(&fx);
    let key = BundleKey::InsecureTestPassphrase {
        passphrase: SecretString::from("correct horse battery".to_string()),
        work_factor: 10,
    };
    let (path, packed) = fx.pack_with("p.age", &customers, &key, false).unwrap();
    assert_eq!(packed.manifest.encryption, "passphrase");
    let open = |pass: &str, out: Option<&Path>| {
        bundle::open_bundle(
            &path,
            OpenKey::Passphrase(SecretString::from(pass.to_string())),
            &fx.signing.verifying_key(),
            out,
            &Limits::default(),
        )
    };
    let out = fx.path("out");
    assert_eq!(
        open("correct horse battery", Some(&out))
            .unwrap()
            .customers
            .len(),
        3
    );
    let e = open("wrong horse battery", None).unwrap_err();
    assert_eq!(e.code(), "wrong_passphrase", "{e}");
    // A key file on a passphrase bundle: the message says a passphrase is needed.
    let e = fx.open(&path, None).unwrap_err();
    assert_eq!(e.code(), "wrong_key");
    assert!(e.to_string().contains("passphrase"), "{e}");
    // Short passphrases are refused when packing.
    let short = BundleKey::InsecureTestPassphrase {
        passphrase: SecretString::from("short".to_string()),
        work_factor: 10,
    };
    assert!(fx.pack_with("s.age", &customers, &short, false).is_err());
    assert!(!fx.path("s.age").exists());
}

#[test]
fn wrong_identity_is_refused_and_nothing_is_written() {
    let fx = Fx::new();
    let (path, _) = fx.pack("b.age", &three(&fx));
    let out = fx.path("never-created");
    let e = bundle::open_bundle(
        &path,
        OpenKey::Identities(vec![age::x25519::Identity::generate()]),
        &fx.signing.verifying_key(),
        Some(&out),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "wrong_key", "{e}");
    assert!(e.is_verification_failure());
    assert!(!out.exists(), "the output folder was left behind");
    // A passphrase on a key bundle: told which key is needed.
    let e = bundle::open_bundle(
        &path,
        OpenKey::Passphrase(SecretString::from("whatever12".to_string())),
        &fx.signing.verifying_key(),
        None,
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "wrong_key");
    assert!(e.to_string().contains("key file"), "{e}");
}

#[test]
fn not_an_age_file() {
    let fx = Fx::new();
    let p = fx.path("x.age");
    std::fs::write(&p, b"PK\x03\x04 a plain zip").unwrap();
    let e = refused(&fx, &p, "not_age_file");
    assert!(e.to_string().contains("x.age"), "{e}");
    std::fs::write(&p, b"").unwrap();
    refused(&fx, &p, "not_age_file");
}

// ---------------------------------------------------------------------------------------------
// Withheld data never appears

#[test]
fn withheld_values_appear_nowhere_in_the_plaintext() {
    let fx = Fx::new();
    let customers = three(&fx);
    let (path, _) = fx.pack("b.age", &customers);
    let zip = fx.decrypt(&path);
    let mut haystacks = vec![zip.clone()];
    haystacks.extend(zip_entries(&zip).into_iter().map(|(_, b)| b));
    let contains = |needle: &str| {
        haystacks
            .iter()
            .any(|h| h.windows(needle.len()).any(|w| w == needle.as_bytes()))
    };
    for id in ["C0001", "C0002", "C0003"] {
        assert!(!contains(&format!("withheld-email-{id}")), "email of {id}");
        assert!(
            !contains(&format!("withheld-occupation-{id}")),
            "occupation of {id}"
        );
        assert!(!contains(&format!("ヤマダ タロウ {id}")), "kana of {id}");
    }
    // Notes were selected only for C0003; address only for C0001 and C0002.
    assert!(contains("withheld-notes-C0003"));
    assert!(!contains("withheld-notes-C0001") && !contains("withheld-notes-C0002"));
    assert!(!contains("東京都千代田区千代田1-1 C0003"));
    assert!(contains("東京都千代田区千代田1-1 C0001"));
    // Withheld labels are not column headers either; birth date value and gender neither.
    assert!(!contains("メールアドレス") && !contains("1970-01-02") && !contains("男性"));
    // The contract-end date (register bookkeeping, not a field) never leaves either.
    assert!(!contains("2026-03-31") && !contains("contractEnded") && !contains("contract_ended"));
    // The manifest names only the fields selected, per customer.
    let m: Manifest = serde_json::from_slice(&zip_entries(&zip)[0].1).unwrap();
    assert_eq!(
        m.customers[2].fields,
        vec![Field::CustomerId, Field::Name, Field::Notes]
    );
}

#[test]
fn payment_fields_are_refused_and_nothing_is_written() {
    let fx = Fx::new();
    let mut customers = three(&fx);
    customers[1].fields.push(Field::CardNumber);
    let e = fx
        .pack_with("b.age", &customers, &fx.recipients(), false)
        .unwrap_err();
    assert_eq!(e.code(), "selection_invalid");
    assert!(e.to_string().contains("payment"), "{e}");
    assert!(!fx.path("b.age").exists() && !fx.path("b.age.partial").exists());
}

#[test]
fn plan_not_selected_is_not_shipped_even_with_a_path() {
    let fx = Fx::new();
    let mut customers = three(&fx);
    customers[0].fields.retain(|f| *f != Field::FloorPlan);
    let (path, packed) = fx.pack("b.age", &customers);
    let zip = fx.decrypt(&path);
    assert!(
        !zip.windows(10).any(|w| w == b"PLAN-C0001"),
        "a withheld plan is in the zip"
    );
    assert!(packed.manifest.entry("floor_plans/C0001.png").is_none());
}

// ---------------------------------------------------------------------------------------------
// Packing refuses, and leaves nothing

#[test]
fn pack_refuses_existing_output_and_changed_plans() {
    let fx = Fx::new();
    let customers = three(&fx);
    std::fs::write(fx.path("b.age"), b"keep me").unwrap();
    assert_eq!(
        fx.pack_with("b.age", &customers, &fx.recipients(), false)
            .unwrap_err()
            .code(),
        "file_exists"
    );
    assert_eq!(std::fs::read(fx.path("b.age")).unwrap(), b"keep me");

    // Same size, different bytes: found while streaming, after writing had begun.
    let Some(PlanSource::File(plan_path)) = customers[0].plan_source.clone() else {
        panic!("a plan file")
    };
    let mut bytes = std::fs::read(&plan_path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&plan_path, &bytes).unwrap();
    let e = fx
        .pack_with("c.age", &customers, &fx.recipients(), false)
        .unwrap_err();
    assert_eq!(e.code(), "floor_plan_changed", "{e}");
    assert!(e.to_string().contains("C0001"));
    assert!(!fx.path("c.age").exists() && !fx.path("c.age.partial").exists());

    // Different size: found before writing anything.
    std::fs::write(&plan_path, b"short").unwrap();
    let e = fx
        .pack_with("c.age", &customers, &fx.recipients(), false)
        .unwrap_err();
    assert_eq!(e.code(), "floor_plan_changed", "{e}");
    assert!(!fx.path("c.age.partial").exists());
}

#[test]
fn pack_can_be_cancelled() {
    let fx = Fx::new();
    let customers = three(&fx);
    let mut calls = 0;
    let mut progress = |done: u64, total: Option<u64>| {
        calls += 1;
        assert!(total.is_some_and(|t| done <= t));
        if done > 100_000 {
            Flow::Cancel
        } else {
            Flow::Continue
        }
    };
    let sign = |m: &[u8]| fx.signing.sign(m).to_bytes();
    let e = bundle::pack_to_file(
        &fx.path("b.age"),
        fx.manifest(),
        &customers,
        &fx.recipients(),
        false,
        &sign,
        &mut progress,
    )
    .unwrap_err();
    assert_eq!(e.code(), "cancelled");
    assert!(calls > 1);
    assert!(!fx.path("b.age").exists() && !fx.path("b.age.partial").exists());
}

#[test]
fn pack_requires_the_office_recipient_and_honest_key_list() {
    let fx = Fx::new();
    let customers = three(&fx);
    let only_contractor = BundleKey::Recipients(vec![fx.contractor.to_public().into()]);
    let e = fx
        .pack_with("b.age", &customers, &only_contractor, false)
        .unwrap_err();
    assert!(e.to_string().contains("office"), "{e}");
    let stranger = BundleKey::Recipients(vec![
        fx.office.to_public().into(),
        age::x25519::Identity::generate().to_public().into(),
    ]);
    assert!(fx.pack_with("b.age", &customers, &stranger, false).is_err());
    // A signer that is not the key the manifest names.
    let other = SigningKey::generate(&mut rand::rngs::OsRng);
    let sign = |m: &[u8]| other.sign(m).to_bytes();
    let e = bundle::pack_to_file(
        &fx.path("b.age"),
        fx.manifest(),
        &customers,
        &fx.recipients(),
        false,
        &sign,
        &mut NoProgress,
    )
    .unwrap_err();
    assert!(e.to_string().contains("signing key"), "{e}");
    assert!(!fx.path("b.age").exists());
}

// ---------------------------------------------------------------------------------------------
// Tampering

/// Offset of the age payload (after the header line `--- …` and the 16-byte nonce).
fn payload_start(bytes: &[u8]) -> usize {
    let hdr_end = bytes
        .windows(4)
        .position(|w| w == b"\n---")
        .map(|p| p + 1 + bytes[p + 1..].iter().position(|&b| b == b'\n').unwrap() + 1)
        .unwrap();
    hdr_end + 16
}

#[test]
fn flipped_bytes_and_truncations_are_refused() {
    let fx = Fx::new();
    let (path, _) = fx.pack("b.age", &three(&fx));
    let good = std::fs::read(&path).unwrap();
    let start = payload_start(&good);
    let chunk = 64 * 1024 + 16;
    let cases: Vec<(&str, Vec<u8>, &str)> = {
        let flip = |at: usize| {
            let mut b = good.clone();
            b[at] ^= 0x20;
            b
        };
        let set = |at: usize, to: u8| {
            let mut b = good.clone();
            b[at] = if b[at] == to { b'B' } else { to };
            b
        };
        vec![
            // In the header's MAC line: still base64, but the MAC fails.
            ("header mac", set(start - 20, b'A'), "bundle_damaged"),
            // Not base64 any more: the header does not parse.
            ("header syntax", set(start - 20, b'!'), "bundle_damaged"),
            // The version line.
            ("header version", set(20, b'2'), "bundle_damaged"),
            // In the first payload chunk, the middle chunk, the last chunk.
            ("payload first", flip(start + 5), "bundle_damaged"),
            (
                "payload middle",
                flip(start + chunk + 100),
                "bundle_damaged",
            ),
            ("last chunk", flip(good.len() - 3), "bundle_damaged"),
            (
                "truncated by one",
                good[..good.len() - 1].to_vec(),
                "bundle_damaged",
            ),
            (
                "truncated at a chunk boundary",
                good[..start + chunk].to_vec(),
                "bundle_damaged",
            ),
            ("header only", good[..start].to_vec(), "bundle_damaged"),
            (
                "appended garbage",
                [good.clone(), b"garbage".to_vec()].concat(),
                "bundle_damaged",
            ),
        ]
    };
    for (what, bytes, code) in cases {
        let p = fx.path(&format!("t-{}.age", what.replace(' ', "-")));
        std::fs::write(&p, bytes).unwrap();
        let out = fx.path("out");
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir(&out).unwrap();
        let e = fx.open(&p, Some(&out)).unwrap_err();
        assert_eq!(e.code(), code, "{what}: {e}");
        assert!(e.is_verification_failure(), "{what}");
        assert!(files_in(&out).is_empty(), "{what}: something written");
    }
    // A flipped byte in a recipient stanza: our stanza no longer opens (wrong key or damaged).
    let mut b = good.clone();
    let stanza = good.windows(9).position(|w| w == b"-> X25519").unwrap();
    b[stanza + 12] ^= 0x01;
    let p = fx.path("stanza.age");
    std::fs::write(&p, b).unwrap();
    let e = fx.open(&p, None).unwrap_err();
    assert!(e.is_verification_failure(), "{e}");
}

fn genuine_entries(fx: &Fx) -> (Manifest, Vec<(String, Vec<u8>)>) {
    let (path, packed) = fx.pack(&format!("g-{}.age", rand::random::<u32>()), &three(fx));
    let entries = zip_entries(&fx.decrypt(&path));
    (packed.manifest, entries[2..].to_vec())
}

#[test]
fn swapped_entry_contents_are_refused() {
    let fx = Fx::new();
    let (path, _) = fx.pack("b.age", &three(&fx));
    let mut entries = zip_entries(&fx.decrypt(&path));
    let csv = entries[3].1.clone();
    entries[3].1 = entries[4].1.clone();
    entries[4].1 = csv;
    let p = fx.seal("swapped.age", &build_zip(&entries));
    let e = refused(&fx, &p, "bundle_rejected");
    assert!(e.to_string().contains("customers.csv"), "{e}");
}

#[test]
fn resigned_bundles_are_refused() {
    let fx = Fx::new();
    let (manifest, entries) = genuine_entries(&fx);
    let forger = SigningKey::generate(&mut rand::rngs::OsRng);

    // Same manifest, signed by another key.
    let (path, _) = fx.pack("b.age", &three(&fx));
    let mut all = zip_entries(&fx.decrypt(&path));
    all[1].1 = forger.sign(&all[0].1).to_bytes().to_vec();
    let p = fx.seal("resigned.age", &build_zip(&all));
    let e = refused(&fx, &p, "bad_signature");
    assert!(e.to_string().contains("invalid"), "{e}");

    // A manifest naming the forger's key, signed by it: "another office key".
    let mut m = manifest.clone();
    m.office.signing_key = keys::format_signing_key(&forger.verifying_key());
    let fx_forger = Fx {
        dir: tempfile::tempdir().unwrap(),
        office: fx.office.clone(),
        contractor: fx.contractor.clone(),
        signing: forger.clone(),
    };
    let p = fx.seal("forged.age", &fx_forger.signed_zip(&m, &entries));
    let e = refused(&fx, &p, "bad_signature");
    assert!(e.to_string().contains("another office key"), "{e}");

    // An edited manifest under the original signature.
    let mut all = zip_entries(&fx.decrypt(&path));
    let text = String::from_utf8(all[0].1.clone()).unwrap();
    all[0].1 = text.replace("2099-05-10", "2098-05-10").into_bytes();
    let p = fx.seal("edited.age", &build_zip(&all));
    refused(&fx, &p, "bad_signature");
}

#[test]
fn structure_and_listing_problems_are_refused() {
    let fx = Fx::new();
    let (manifest, entries) = genuine_entries(&fx);
    let seal_signed = |name: &str, entries: &[(String, Vec<u8>)]| {
        fx.seal(name, &fx.signed_zip(&manifest, entries))
    };

    // Sanity: re-making the genuine bundle this way opens.
    let p = seal_signed("ok.age", &entries);
    fx.open(&p, None).unwrap();

    // An entry not in the manifest (appended after signing).
    let mut z = zip_entries(&fx.decrypt(&p));
    z.push(("floor_plans/C0009.png".into(), b"surprise".to_vec()));
    let e = refused(
        &fx,
        &fx.seal("extra.age", &build_zip(&z)),
        "bundle_rejected",
    );
    assert!(
        e.to_string()
            .contains("floor_plans/C0009.png is not listed"),
        "{e}"
    );

    // A listed entry missing.
    let mut z = zip_entries(&fx.decrypt(&p));
    z.retain(|(n, _)| n != "README.txt");
    let e = refused(
        &fx,
        &fx.seal("missing.age", &build_zip(&z)),
        "bundle_rejected",
    );
    assert!(e.to_string().contains("README.txt is listed"), "{e}");

    // Manifest not first.
    let mut z = zip_entries(&fx.decrypt(&p));
    z.swap(0, 2);
    let e = refused(
        &fx,
        &fx.seal("order.age", &build_zip(&z)),
        "bundle_rejected",
    );
    assert!(e.to_string().contains("not the first"), "{e}");

    // Manifest missing altogether.
    let mut z = zip_entries(&fx.decrypt(&p));
    z.remove(0);
    let e = refused(
        &fx,
        &fx.seal("nomanifest.age", &build_zip(&z)),
        "bundle_rejected",
    );
    assert!(e.to_string().contains("manifest.json is missing"), "{e}");

    // Signature missing.
    let mut z = zip_entries(&fx.decrypt(&p));
    z.remove(1);
    refused(
        &fx,
        &fx.seal("nosig.age", &build_zip(&z)),
        "bundle_rejected",
    );

    // Size in the manifest differs from the entry.
    let mut z = zip_entries(&fx.decrypt(&p));
    z[2].1.push(b'\n');
    refused(&fx, &fx.seal("size.age", &build_zip(&z)), "bundle_rejected");
}

#[test]
fn escaping_paths_unknown_versions_and_non_zips_are_refused() {
    let fx = Fx::new();
    let (manifest, entries) = genuine_entries(&fx);
    let seal_signed = |name: &str, entries: &[(String, Vec<u8>)]| {
        fx.seal(name, &fx.signed_zip(&manifest, entries))
    };

    // Paths that escape, even when listed and signed.
    for (i, bad) in [
        "../evil.txt",
        "/etc/evil",
        "floor_plans\\..\\evil",
        "floor_plans/../../evil",
        "ｆｕｌｌ.txt",
    ]
    .into_iter()
    .enumerate()
    {
        let mut with_bad = entries.clone();
        with_bad.push((bad.to_string(), b"pwned".to_vec()));
        let e = refused(
            &fx,
            &seal_signed(&format!("path{i}.age"), &with_bad),
            "bundle_rejected",
        );
        assert!(
            e.to_string().contains("escape") || e.to_string().contains("ASCII"),
            "{bad}: {e}"
        );
        assert!(!fx.dir.path().join("evil.txt").exists());
    }

    // Unknown format version, validly signed.
    let mut v2 = manifest.clone();
    v2.format_version = 2;
    let p2 = fx.seal("v2.age", &fx.signed_zip(&v2, &entries));
    let e = refused(&fx, &p2, "bundle_version");
    assert!(e.to_string().contains("version 2"), "{e}");

    // Not a zip at all inside.
    refused(
        &fx,
        &fx.seal("notzip.age", b"hello, not a zip"),
        "bundle_rejected",
    );
}

#[test]
fn zip_bombs_and_limits_are_refused() {
    let fx = Fx::new();
    let (manifest, mut entries) = genuine_entries(&fx);

    // A plan that declares 100 bytes (in the manifest and in both zip headers) but inflates to
    // 64 MiB of zeros.
    entries.retain(|(n, _)| !n.starts_with("floor_plans/"));
    let declared = vec![0u8; 100];
    entries.push(("floor_plans/C0001.png".into(), declared));
    let zip = fx.signed_zip(&manifest, &entries);
    let zip = replace_entry_deflated(&zip, "floor_plans/C0001.png", &vec![0u8; 64 << 20], 100);
    let e = refused(&fx, &fx.seal("bomb.age", &zip), "bundle_too_large");
    assert!(e.to_string().contains("floor_plans/C0001.png"), "{e}");

    // Declared sizes and counts over the limits.
    let (path, _) = fx.pack("b.age", &three(&fx));
    let out = fx.path("out");
    std::fs::create_dir(&out).unwrap();
    for limits in [
        Limits {
            max_entries: 6,
            ..Limits::default()
        },
        Limits {
            max_entry_size: 100_000,
            ..Limits::default()
        },
        Limits {
            max_total_size: 150_000,
            ..Limits::default()
        },
        Limits {
            max_manifest_size: 100,
            ..Limits::default()
        },
    ] {
        let e = bundle::open_bundle(
            &path,
            fx.contractor_key(),
            &fx.signing.verifying_key(),
            Some(&out),
            &limits,
        )
        .unwrap_err();
        assert_eq!(e.code(), "bundle_too_large", "{limits:?}: {e}");
        assert!(files_in(&out).is_empty());
    }
}

/// Rebuild `zip` with `name`'s data replaced by `content` deflated, and its declared
/// uncompressed size (local header, central directory) patched to `declared`.
fn replace_entry_deflated(zip: &[u8], name: &str, content: &[u8], declared: u32) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (n, b) in zip_entries(zip) {
        let (bytes, method) = if n == name {
            (content.to_vec(), zip::CompressionMethod::Deflated)
        } else if n.starts_with("floor_plans/") || n == "manifest.sig" {
            (b, zip::CompressionMethod::Stored)
        } else {
            (b, zip::CompressionMethod::Deflated)
        };
        w.start_file(
            n.as_str(),
            zip::write::SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        w.write_all(&bytes).unwrap();
    }
    let mut out = w.finish().unwrap().into_inner();
    let a = zip::ZipArchive::new(Cursor::new(out.clone())).unwrap();
    let i = a.index_for_name(name).unwrap();
    let e = a.by_index_data(i).unwrap();
    let (local, central) = (e.header_start() as usize, e.central_header_start() as usize);
    out[local + 22..local + 26].copy_from_slice(&declared.to_le_bytes());
    out[central + 24..central + 28].copy_from_slice(&declared.to_le_bytes());
    out
}

// ---------------------------------------------------------------------------------------------
// Identity files

#[test]
fn identity_files_plain_and_passphrase_protected() {
    let fx = Fx::new();
    let (path, _) = fx.pack("b.age", &three(&fx));
    let vk = fx.signing.verifying_key();
    let open_with = |ids| {
        bundle::open_bundle(
            &path,
            OpenKey::Identities(ids),
            &vk,
            None,
            &Limits::default(),
        )
    };

    // Plain, age-keygen style.
    let plain = fx.path("plain.txt");
    std::fs::write(
        &plain,
        format!(
            "# created: 2026-01-01\n# public key: {}\n{}\n",
            fx.contractor.to_public(),
            age::secrecy::ExposeSecret::expose_secret(&fx.contractor.to_string())
        ),
    )
    .unwrap();
    open_with(bundle::read_identity_file(&plain, None).unwrap()).unwrap();

    // Binary passphrase-encrypted (as `age -p` writes), cheap work factor.
    let enc = fx.path("enc.age");
    {
        let mut r = age::scrypt::Recipient::new(SecretString::from("identity pass".to_string()));
        r.set_work_factor(10);
        let e =
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).unwrap();
        let mut w = e.wrap_output(std::fs::File::create(&enc).unwrap()).unwrap();
        w.write_all(&std::fs::read(&plain).unwrap()).unwrap();
        w.finish().unwrap();
    }
    let pass = SecretString::from("identity pass".to_string());
    open_with(bundle::read_identity_file(&enc, Some(&pass)).unwrap()).unwrap();
    assert_eq!(
        bundle::read_identity_file(&enc, None).err().unwrap().code(),
        "identity_passphrase_required"
    );
    let wrong = SecretString::from("not the pass".to_string());
    assert_eq!(
        bundle::read_identity_file(&enc, Some(&wrong))
            .err()
            .unwrap()
            .code(),
        "wrong_passphrase"
    );

    // Armored, as `handover keygen --passphrase` writes (default work factor: slow-ish).
    let kg = fx.path("kg.txt");
    let pass = SecretString::from("keygen passphrase".to_string());
    let recipient = keys::keygen(&kg, Some(&pass), "2026-01-01").unwrap();
    assert!(
        std::fs::read_to_string(&kg)
            .unwrap()
            .starts_with("-----BEGIN AGE ENCRYPTED FILE-----")
    );
    let ids = bundle::read_identity_file(&kg, Some(&pass)).unwrap();
    assert_eq!(ids.len(), 1);
    assert!(recipient.starts_with("age1"));

    // Garbage is a bad key file, and the message does not echo it.
    let junk = fx.path("junk.txt");
    std::fs::write(
        &junk,
        format!("{}NOTREALLY\n", crate::support::age_identity_prefix()),
    )
    .unwrap();
    let e = bundle::read_identity_file(&junk, None).err().unwrap();
    assert_eq!(e.code(), "bad_key_file");
    assert!(!e.to_string().contains("NOTREALLY"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Interoperability with standard tools

#[test]
fn stock_age_unzip_and_python_open_a_bundle() {
    let age_bin = Path::new("/usr/bin/age");
    assert!(
        age_bin.exists() || which("age").is_some(),
        "the `age` command is missing: install it with `apt-get install -y age unzip` \
         (CI installs it); this test must not pass without it"
    );
    assert!(
        which("unzip").is_some(),
        "the `unzip` command is missing: install it with `apt-get install -y age unzip`"
    );
    let fx = Fx::new();
    let (path, _) = fx.pack("b.age", &three(&fx));
    let (armored, _) = fx
        .pack_with("a.age", &three(&fx), &fx.recipients(), true)
        .unwrap();
    let key = fx.path("key.txt");
    std::fs::write(
        &key,
        format!(
            "{}\n",
            age::secrecy::ExposeSecret::expose_secret(&fx.contractor.to_string())
        ),
    )
    .unwrap();
    for (i, bundle) in [path, armored].iter().enumerate() {
        let zip = fx.path(&format!("b{i}.zip"));
        let st = Command::new("age")
            .arg("-d")
            .arg("-i")
            .arg(&key)
            .arg("-o")
            .arg(&zip)
            .arg(bundle)
            .status()
            .unwrap();
        assert!(st.success(), "age -d failed on {}", bundle.display());
        assert_eq!(std::fs::read(&zip).unwrap(), fx.decrypt(bundle));

        unzip_agrees(&fx, &zip, i);
        python_zipfile_agrees(&zip);
    }
}

/// Stock `unzip` tests the zip and extracts it, customer data private to the user.
fn unzip_agrees(fx: &Fx, zip: &Path, i: usize) {
    let out = Command::new("unzip").arg("-t").arg(zip).output().unwrap();
    assert!(
        out.status.success(),
        "unzip -t: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let dest = fx.path(&format!("unzipped{i}"));
    let st = Command::new("unzip")
        .arg("-q")
        .arg(zip)
        .arg("-d")
        .arg(&dest)
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(
        std::fs::read(dest.join("floor_plans/C0001.png")).unwrap(),
        png("PLAN-C0001", 150_000)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dest.join("customers.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "extracted customer data is readable by others"
        );
    }
}

/// Python's zipfile reads the layout the format documents: manifest and signature first, no
/// comments or extra fields, one timestamp, the manifest's list in zip order.
fn python_zipfile_agrees(zip: &Path) {
    let py = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, zipfile, json\n\
             z = zipfile.ZipFile(sys.argv[1])\n\
             assert z.testzip() is None\n\
             names = z.namelist()\n\
             assert names[:2] == ['manifest.json', 'manifest.sig'], names\n\
             assert z.comment == b''\n\
             assert all(not i.extra for i in z.infolist()), [i.extra for i in z.infolist()]\n\
             assert all(not i.comment for i in z.infolist())\n\
             assert {i.date_time for i in z.infolist()} == {(2026, 4, 10, 10, 0, 0)}\n\
             raw = open(sys.argv[1], 'rb').read()\n\
             for i in z.infolist():\n\
             \x20   h = raw[i.header_offset:i.header_offset + 30]\n\
             \x20   assert h[:4] == b'PK\\x03\\x04' and h[28:30] == b'\\x00\\x00', i.filename\n\
             \x20   assert i.filename.isascii()\n\
             m = json.loads(z.read('manifest.json'))\n\
             assert m['formatVersion'] == 1\n\
             assert [e['path'] for e in m['entries']] == names[2:]\n\
             rows = json.loads(z.read('customers.json'))\n\
             assert rows[0]['customer_id'] == 'C0001' and 'email' not in rows[0]\n\
             assert z.read('customers.csv').startswith(b'\\xef\\xbb\\xbf')\n\
             print('ok')\n",
        )
        .arg(zip)
        .output()
        .expect("python3 is needed for this test");
    assert!(
        py.status.success(),
        "python zipfile: {}{}",
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&py.stderr)
    );
}

fn which(cmd: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(cmd))
            .find(|p| p.is_file())
    })
}

// ---------------------------------------------------------------------------------------------
// Property tests

/// The fields a random selection chooses from (the key is always added).
const CHOOSABLE: [Field; 12] = [
    Field::Name,
    Field::NameKana,
    Field::PostalCode,
    Field::Address,
    Field::Phone,
    Field::Email,
    Field::BirthDate,
    Field::Gender,
    Field::Occupation,
    Field::Service,
    Field::FloorPlan,
    Field::Notes,
];

fn marked_customer(id: &str, text: &str) -> Customer {
    let v = |f: Field| Some(format!("<{id}:{}>{text}", f.id()));
    Customer {
        customer_id: id.into(),
        name: v(Field::Name),
        name_kana: v(Field::NameKana),
        postal_code: v(Field::PostalCode),
        address: v(Field::Address),
        phone: v(Field::Phone),
        email: v(Field::Email),
        birth_date: v(Field::BirthDate),
        gender: v(Field::Gender),
        occupation: v(Field::Occupation),
        service: v(Field::Service),
        notes: v(Field::Notes),
        floor_plan: None,
        contract_ended: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn random_selections_round_trip_and_leak_nothing(
        picks in proptest::collection::vec(
            (0u16..(1 << 12), proptest::option::of(1usize..300_000), "[a-zA-Z0-9あ-ん,\"\n =+-]{0,16}", any::<bool>()),
            1..5,
        ),
        armor in any::<bool>(),
    ) {
        let fx = Fx::new();
        let mut customers = Vec::new();
        for (i, (mask, plan, text, jpg)) in picks.iter().enumerate() {
            let id = format!("P{i:03}");
            let mut c = marked_customer(&id, text);
            let mut fields = vec![Field::CustomerId];
            fields.extend(CHOOSABLE.iter().enumerate().filter(|(b, _)| mask & (1 << b) != 0).map(|(_, f)| *f));
            let mut path = None;
            if let Some(size) = plan {
                let mut bytes = png(&format!("<{id}:floor_plan>"), *size);
                let ext = if *jpg { bytes[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]); "jpg" } else { "png" };
                let (p, pp) = fx.plan(&bytes, ext);
                c.floor_plan = Some(p);
                path = Some(pp);
            }
            customers.push(BundleCustomer { customer: c, fields, plan_source: path.map(PlanSource::File) });
        }
        let (bundle_path, packed) = fx.pack_with("b.age", &customers, &fx.recipients(), armor).unwrap();
        let out = fx.path("out");
        let opened = fx.open(&bundle_path, Some(&out)).unwrap();
        prop_assert_eq!(&opened.manifest, &packed.manifest);

        let zip = fx.decrypt(&bundle_path);
        let mut hay = vec![zip.clone()];
        hay.extend(zip_entries(&zip).into_iter().map(|(_, b)| b));
        let found = |needle: &str| hay.iter().any(|h| h.windows(needle.len()).any(|w| w == needle.as_bytes()));

        for (bc, oc) in customers.iter().zip(&opened.customers) {
            let id = &bc.customer.customer_id;
            prop_assert_eq!(&oc.customer_id, id);
            for f in CHOOSABLE {
                let marker = format!("<{id}:{}>", f.id());
                let selected = bc.fields.contains(&f);
                if f == Field::FloorPlan {
                    let has = bc.customer.floor_plan.is_some();
                    prop_assert_eq!(found(&marker), selected && has, "plan of {}", id);
                    if selected && has {
                        let entry = oc.floor_plan.clone().unwrap();
                        prop_assert_eq!(
                            std::fs::read(out.join(&entry)).unwrap(),
                            std::fs::read(match &bc.plan_source { Some(PlanSource::File(p)) => p, _ => unreachable!("a plan file") }).unwrap()
                        );
                    } else {
                        prop_assert!(oc.floor_plan.is_none());
                    }
                } else {
                    prop_assert_eq!(found(&marker), selected, "{} of {}", f, id);
                    prop_assert_eq!(oc.get(f), if selected { bc.customer.text(f) } else { None });
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Throughput (run by hand: `cargo test -p handover-core --release --test core bundle::throughput
// -- --ignored --nocapture`; BUNDLE_PLANS=1000 for the full anchor)

#[test]
#[ignore = "benchmark: run by hand"]
fn throughput() {
    let n: usize = std::env::var("BUNDLE_PLANS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let fx = Fx::new();
    let size = 2_000_000;
    let mut customers = Vec::with_capacity(n);
    for i in 0..n {
        let id = format!("T{i:05}");
        let (p, path) = fx.plan(&png(&id, size), "png");
        let mut c = customer(&id);
        c.floor_plan = Some(p);
        customers.push(BundleCustomer {
            customer: c,
            fields: vec![
                Field::CustomerId,
                Field::Name,
                Field::Address,
                Field::Phone,
                Field::FloorPlan,
            ],
            plan_source: Some(PlanSource::File(path)),
        });
    }
    let mb = (n * size) as f64 / 1e6;
    let t = std::time::Instant::now();
    let (path, packed) = fx.pack("bench.age", &customers);
    let pack = t.elapsed();
    let rss_pack = vm_hwm();
    let t = std::time::Instant::now();
    fx.open(&path, None).unwrap();
    let verify = t.elapsed();
    let t = std::time::Instant::now();
    let out = fx.path("out");
    fx.open(&path, Some(&out)).unwrap();
    let extract = t.elapsed();
    println!(
        "{n} plans x {size} B = {mb:.0} MB, bundle {} B\n\
         pack    {:>6.2} s  {:>6.0} MB/s  (peak RSS so far {} KiB)\n\
         verify  {:>6.2} s  {:>6.0} MB/s\n\
         extract {:>6.2} s  {:>6.0} MB/s  (peak RSS {} KiB)",
        packed.size,
        pack.as_secs_f64(),
        mb / pack.as_secs_f64(),
        rss_pack,
        verify.as_secs_f64(),
        mb / verify.as_secs_f64(),
        extract.as_secs_f64(),
        mb / extract.as_secs_f64(),
        vm_hwm(),
    );
}

fn vm_hwm() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
