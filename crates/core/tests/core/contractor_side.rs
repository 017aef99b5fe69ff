//! The contractor's side as the desktop app uses it: the office key to trust (text or file),
//! the key that opens a bundle, and opening for viewing with the floor plans in memory and
//! nothing written.

use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use handover_core::handover::{Method, Selection};
use handover_core::ops::{self, PackOptions};
use handover_core::{ContractorInput, Field, NoProgress, WorkType};
use sha2::{Digest, Sha256};

use crate::support::{TestOffice, files_under};

struct Cx {
    t: TestOffice,
    identity: age::x25519::Identity,
    bundle: PathBuf,
}

/// An office with the sample register that sent C0001 (PNG plan), C0021 (PDF plan) and C0004
/// (no plan) to a keyed contractor, for an installation.
fn sent() -> Cx {
    let mut t = TestOffice::initialized();
    ops::load_sample(&mut t.office, &mut NoProgress).unwrap();
    let identity = age::x25519::Identity::generate();
    let c = ops::contractor_add(
        &mut t.office,
        &ContractorInput {
            name: "架空電設株式会社".into(),
            address: None,
            contact: None,
            recipients: vec![identity.to_public().to_string()],
            agreement_signed: "2020-04-01".into(),
            agreement_expires: "2099-03-31".into(),
        },
    )
    .unwrap();
    let sel = Selection {
        contractor_id: c.id,
        work_type: WorkType::Installation,
        customers: vec!["C0001".into(), "C0021".into(), "C0004".into()],
        extra_fields: vec![],
        method: Method::Transfer,
        passphrase: false,
    };
    let bundle = t.scratch().join("HO.age");
    let opts = PackOptions {
        out: bundle.clone(),
        ..Default::default()
    };
    ops::pack(&mut t.office, &sel, &opts, &mut NoProgress).unwrap();
    Cx {
        t,
        identity,
        bundle,
    }
}

impl Cx {
    fn signing_key(&self) -> String {
        ops::office_keys(&self.t.office).unwrap().signing_key
    }

    fn key_file(&self) -> PathBuf {
        let p = self.t.scratch().join("my-key.txt");
        if !p.exists() {
            use age::secrecy::ExposeSecret;
            std::fs::write(
                &p,
                format!("{}\n", self.identity.to_string().expose_secret()),
            )
            .unwrap();
        }
        p
    }

    fn stored_plan(&self, id: &str) -> Vec<u8> {
        let c = ops::customer(&self.t.office, id).unwrap();
        let plan = c.floor_plan.unwrap();
        std::fs::read(self.t.data().join("floor_plans").join(plan.file_name())).unwrap()
    }
}

fn scratch_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir)
}

#[test]
fn trusted_key_from_text_or_file_with_its_fingerprint() {
    let cx = sent();
    let keys = ops::office_keys(&cx.t.office).unwrap();
    let k = ops::trusted_office_key(&format!("  {}\n", keys.signing_key)).unwrap();
    assert_eq!(k.signing_key, keys.signing_key);
    assert_eq!(k.fingerprint, keys.signing_fingerprint);
    let file = cx.t.data().join("keys/office.signing.pub");
    let from_file = ops::trusted_office_key(file.to_str().unwrap()).unwrap();
    assert_eq!(from_file, k);

    for bad in [
        "",
        "   ",
        "ed25519:zz",
        "age1notasigningkey",
        "/no/such/file",
    ] {
        let e = ops::trusted_office_key(bad).unwrap_err();
        assert_eq!(e.code(), "trust_refused", "{bad:?}: {e}");
    }
}

#[test]
fn contractor_key_needs_exactly_one_way_in() {
    let cx = sent();
    let pass = || Some(SecretString::from("correct horse battery".to_string()));
    let e = ops::contractor_key(None, None, None).err().unwrap();
    assert_eq!(e.code(), "key_choice");
    let e = ops::contractor_key(Some(&cx.key_file()), None, pass())
        .err()
        .unwrap();
    assert_eq!(e.code(), "key_choice");
    assert!(ops::contractor_key(Some(&cx.key_file()), None, None).is_ok());
    assert!(ops::contractor_key(None, None, pass()).is_ok());
    let e = ops::contractor_key(Some(&cx.t.scratch().join("missing.txt")), None, None)
        .err()
        .unwrap();
    assert_eq!(e.code(), "io");
}

#[test]
fn viewing_keeps_the_plans_in_memory_and_writes_nothing() {
    let cx = sent();
    let key_file = cx.key_file();
    let before = scratch_files(&cx.t.scratch());
    let key = ops::contractor_key(Some(&key_file), None, None).unwrap();
    let v = ops::open_bundle_for_viewing(&cx.bundle, key, &cx.signing_key(), false).unwrap();
    assert_eq!(
        scratch_files(&cx.t.scratch()),
        before,
        "something was written"
    );

    let ids: Vec<_> = v
        .bundle
        .customers
        .iter()
        .map(|c| c.customer_id.as_str())
        .collect();
    assert_eq!(ids, ["C0001", "C0021", "C0004"]);
    assert_eq!(
        v.bundle.sha256,
        hex::encode(Sha256::digest(std::fs::read(&cx.bundle).unwrap()))
    );
    assert!(v.bundle.written.is_empty());
    assert!(v.floor_plans.skipped.is_empty());
    let names: Vec<_> = v
        .floor_plans
        .files
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(names, ["floor_plans/C0001.png", "floor_plans/C0021.pdf"]);
    assert_eq!(&v.floor_plans.files[0].1[..], &cx.stored_plan("C0001")[..]);
    assert_eq!(&v.floor_plans.files[1].1[..], &cx.stored_plan("C0021")[..]);
    // The same customers as the CLI's verify-only open.
    let key = ops::contractor_key(Some(&cx.key_file()), None, None).unwrap();
    let plain = ops::open_bundle(&cx.bundle, key, &cx.signing_key(), None, false).unwrap();
    assert_eq!(plain.customers, v.bundle.customers);
    assert!(
        v.bundle.customers[0]
            .values
            .iter()
            .any(|f| f.field == Field::FloorPlan)
    );
}

#[test]
fn plans_past_the_memory_budget_are_listed_not_kept() {
    let cx = sent();
    let key = ops::contractor_key(Some(&cx.key_file()), None, None).unwrap();
    let vk = handover_core::keys::parse_signing_key(&cx.signing_key()).unwrap();
    let png = cx.stored_plan("C0001").len() as u64;
    let (opened, mem) = handover_core::bundle::open_bundle_in_memory(
        &cx.bundle,
        key,
        &vk,
        &handover_core::bundle::OpenOptions::default(),
        png,
    )
    .unwrap();
    assert_eq!(opened.customers.len(), 3);
    assert_eq!(mem.files.len(), 1);
    assert_eq!(mem.files[0].0, "floor_plans/C0001.png");
    assert_eq!(mem.skipped, ["floor_plans/C0021.pdf"]);
    // Debug output never shows a plan's bytes.
    assert!(!format!("{mem:?}").contains("137, 80, 78, 71"));
}

#[test]
fn viewing_refuses_a_wrong_office_key_or_a_tampered_bundle() {
    let cx = sent();
    let other = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let key = ops::contractor_key(Some(&cx.key_file()), None, None).unwrap();
    let e = ops::open_bundle_for_viewing(
        &cx.bundle,
        key,
        &handover_core::keys::format_signing_key(&other.verifying_key()),
        false,
    )
    .unwrap_err();
    assert_eq!(e.code(), "bad_signature", "{e}");

    let mut bytes = std::fs::read(&cx.bundle).unwrap();
    let n = bytes.len();
    bytes[n - 40] ^= 0x01;
    let bad = cx.t.scratch().join("tampered.age");
    std::fs::write(&bad, bytes).unwrap();
    let key = ops::contractor_key(Some(&cx.key_file()), None, None).unwrap();
    let e = ops::open_bundle_for_viewing(&bad, key, &cx.signing_key(), false).unwrap_err();
    assert_eq!(e.code(), "bundle_damaged", "{e}");
}

#[test]
fn export_of_a_bundle_that_changed_since_viewing_writes_nothing() {
    let cx = sent();
    let key = ops::contractor_key(Some(&cx.key_file()), None, None).unwrap();
    let viewed = ops::open_bundle_for_viewing(&cx.bundle, key, &cx.signing_key(), false).unwrap();
    let out = cx.t.scratch().join("export/here");
    // The file on disk is another authentic bundle than the one viewed (its SHA-256 differs).
    let key = ops::contractor_key(Some(&cx.key_file()), None, None).unwrap();
    let shown_before = "0".repeat(64);
    let e = ops::export_viewed_bundle(
        &cx.bundle,
        key,
        &cx.signing_key(),
        &out,
        &shown_before,
        false,
    )
    .unwrap_err();
    assert_eq!(e.code(), "bundle_changed", "{e}");
    assert!(!out.exists() && !out.parent().unwrap().exists(), "{e}");
    // The same file exports.
    let key = ops::contractor_key(Some(&cx.key_file()), None, None).unwrap();
    let done = ops::export_viewed_bundle(
        &cx.bundle,
        key,
        &cx.signing_key(),
        &out,
        &viewed.bundle.sha256,
        false,
    )
    .unwrap();
    assert!(!done.written.is_empty());
}

#[test]
fn the_office_key_counts_only_if_pinned_or_its_fingerprint_confirmed() {
    let k = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let text = handover_core::keys::format_signing_key(&k.verifying_key());
    let print = handover_core::keys::fingerprint(k.verifying_key().as_bytes());
    // Typed and neither pinned nor confirmed: refused, asking for the comparison.
    let e = ops::trust_for_opening(&text, &[], None).unwrap_err();
    assert_eq!(e.code(), "trust_refused");
    assert!(e.to_string().contains(&print), "{e}");
    // Confirmed with another key's fingerprint: refused.
    let e = ops::trust_for_opening(&text, &[], Some("0000-0000-0000-0000")).unwrap_err();
    assert!(e.to_string().contains("not this key's"), "{e}");
    // Confirmed, or pinned: this key.
    assert_eq!(
        ops::trust_for_opening(&text, &[], Some(&print))
            .unwrap()
            .signing_key,
        text
    );
    assert_eq!(
        ops::trust_for_opening(&text, std::slice::from_ref(&text), None)
            .unwrap()
            .fingerprint,
        print
    );
}

#[test]
fn pinning_an_office_key_needs_a_name_keeps_one_pin_per_key_and_can_be_forgotten() {
    let k = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let text = handover_core::keys::format_signing_key(&k.verifying_key());
    let print = handover_core::keys::fingerprint(k.verifying_key().as_bytes());
    let now: jiff::Timestamp = "2026-12-06T01:02:03.456Z".parse().unwrap();
    // No name: refused, nothing pinned.
    let e = ops::trust_pin(&[], &text, " \u{3000}", now).unwrap_err();
    assert_eq!(e.code(), "trust_refused");
    assert!(e.to_string().contains("give the office a name"), "{e}");
    // A key that is not one: refused.
    let e = ops::trust_pin(&[], "ed25519:zz", "例題ケーブル", now).unwrap_err();
    assert_eq!(e.code(), "trust_refused");
    // Pinned, with its fingerprint and the time to the second.
    let pins = ops::trust_pin(&[], &text, " 例題ケーブル ", now).unwrap();
    assert_eq!(pins.len(), 1);
    assert_eq!(pins[0].signing_key, text);
    assert_eq!(pins[0].fingerprint, print);
    assert_eq!(pins[0].label, "例題ケーブル");
    assert_eq!(pins[0].pinned_at, "2026-12-06T01:02:03Z");
    // The same key again: one pin, the new name.
    let other = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let other_text = handover_core::keys::format_signing_key(&other.verifying_key());
    let pins = ops::trust_pin(&pins, &other_text, "別の事務所", now).unwrap();
    let pins = ops::trust_pin(&pins, &text, "例題ケーブル本社", now).unwrap();
    assert_eq!(pins.len(), 2);
    assert_eq!(
        pins.iter().filter(|p| p.signing_key == text).count(),
        1,
        "{pins:?}"
    );
    // Checked: the pin is found for the key, none for an unknown one.
    let c = ops::trust_check(&pins, &text).unwrap();
    assert_eq!(c.key.fingerprint, print);
    assert_eq!(c.pinned.unwrap().label, "例題ケーブル本社");
    let stranger = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let stranger = handover_core::keys::format_signing_key(&stranger.verifying_key());
    assert!(ops::trust_check(&pins, &stranger).unwrap().pinned.is_none());
    // Forgotten: only that pin goes; the opening rule no longer counts it.
    let pins = ops::trust_forget(&pins, &text);
    assert_eq!(pins.len(), 1);
    assert_eq!(pins[0].signing_key, other_text);
    let signing: Vec<String> = pins.iter().map(|p| p.signing_key.clone()).collect();
    assert_eq!(
        ops::trust_for_opening(&text, &signing, None)
            .unwrap_err()
            .code(),
        "trust_refused"
    );
}
