//! Encryption at rest, the data folder's files (issue 14): on an office with a vault the office's
//! secret keys and its floor plans are never in clear on disk, read back only with the data key
//! a sign-in unwrapped; a changed, cut or swapped file is refused; an office made before is
//! converted file by file, and a conversion stopped after any file leaves everything readable.

use std::path::{Path, PathBuf};

use handover_core::bundle::OpenKey;
use handover_core::handover::{Method, Selection};
use handover_core::ops::{self, Office, PackOptions};
use handover_core::register::ImportOptions;
use handover_core::{DataDir, Flow, NoProgress, WorkType, keys};

use crate::support::{
    self, ADMIN, PASSWORD, TestOffice, contains_bytes, files_under, password, plans_dir, register,
};

/// The plan fixtures and the customers they belong to.
const PLANS: [(&str, &str); 2] = [("T001", "T001.png"), ("T003", "T003.pdf")];

fn plan_bytes(file: &str) -> Vec<u8> {
    std::fs::read(plans_dir().join(file)).unwrap()
}

fn import_with_plans(t: &mut TestOffice, plans: &Path) {
    let opts = ImportOptions {
        floor_plans_dir: Some(plans.to_path_buf()),
        ..Default::default()
    };
    t.import(&register("basic.xlsx"), &opts).unwrap();
}

/// An office with a vault (first admin signed in) and the basic register with its two plans.
fn vault_office_with_plans() -> TestOffice {
    let mut t = TestOffice::with_admin();
    import_with_plans(&mut t, &plans_dir());
    t
}

fn floor_plan_files(t: &TestOffice) -> Vec<PathBuf> {
    files_under(&t.data().join("floor_plans"))
}

/// Every customer's plan reads back as its fixture (through the decrypting reader if it is
/// encrypted, from the plaintext file if not).
fn every_plan_reads_back(office: &Office) {
    for (id, file) in PLANS {
        let (_, bytes) = ops::floor_plan(office, id).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(bytes, plan_bytes(file), "{id}");
    }
}

#[test]
fn the_office_keys_of_a_vault_office_are_encrypted_and_open_only_with_the_data_key() {
    let t = TestOffice::with_admin();
    let k = t.data().join("keys");
    assert!(!k.join("office.agekey").exists());
    assert!(!k.join("office.signing.key").exists());
    assert!(keys::office_keys_encrypted(t.office.dir()));
    for f in files_under(&k) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !contains_bytes(&bytes, b"AGE-SECRET-KEY"),
            "{} holds the identity in clear",
            f.display()
        );
    }
    // The public keys stay readable; the secrets open with the data key only.
    let public = ops::office_keys(&t.office).unwrap();
    let loaded = t.office.secret_keys().unwrap();
    assert_eq!(loaded.public(), public);
    let e = keys::load_office_keys(t.office.dir(), None).err().unwrap();
    assert_eq!(e.code(), "sign_in_required", "{e}");
    // A signed-in operator's office holds the key: a second sign-in opens them too.
    let again = ops::sign_in(DataDir::new(t.data()), ADMIN, &password(PASSWORD)).unwrap();
    assert_eq!(again.secret_keys().unwrap().public(), public);
}

#[test]
fn a_changed_or_moved_encrypted_key_file_is_refused() {
    let t = TestOffice::with_admin();
    let k = t.data().join("keys");
    let id = k.join("office.agekey.enc");
    let sig = k.join("office.signing.key.enc");
    let original = std::fs::read(&id).unwrap();
    let mut flipped = original.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    std::fs::write(&id, &flipped).unwrap();
    let e = t.office.secret_keys().err().unwrap();
    assert_eq!(e.code(), "bad_key_file", "{e}");
    // The signing key's file under the identity's name: its associated data names the file.
    std::fs::copy(&sig, &id).unwrap();
    let e = t.office.secret_keys().err().unwrap();
    assert_eq!(e.code(), "bad_key_file", "{e}");
    std::fs::write(&id, &original).unwrap();
    t.office.secret_keys().unwrap();
}

#[test]
fn exported_office_keys_of_a_vault_office_read_back_on_another_pc() {
    let mut t = TestOffice::with_admin();
    let public = ops::office_keys(&t.office).unwrap();
    let out = t.scratch().join("office-keys.age");
    let pass = password("a long transfer passphrase");
    ops::export_office_keys(&mut t.office, &out, &pass).unwrap();
    let read = handover_core::key_transfer::read(&out, &pass).unwrap();
    assert_eq!(read.public(), public);
}

#[test]
fn floor_plans_are_stored_encrypted_under_keyed_names_and_read_back() {
    let t = vault_office_with_plans();
    let files = floor_plan_files(&t);
    assert_eq!(files.len(), 2, "{files:?}");
    let hashes: Vec<String> = PLANS
        .iter()
        .map(|(id, _)| t.customer(id).floor_plan.unwrap().sha256)
        .collect();
    for f in &files {
        let name = f.file_name().unwrap().to_str().unwrap();
        let (stem, ext) = name.split_once('.').unwrap();
        assert_eq!(ext, "plan", "{name}");
        assert_eq!(stem.len(), 64, "{name}");
        assert!(
            !hashes.iter().any(|h| h == stem),
            "{name} is the plan's SHA-256"
        );
        let bytes = std::fs::read(f).unwrap();
        for (_, plan) in PLANS {
            let head = &plan_bytes(plan)[..64];
            assert!(
                !contains_bytes(&bytes, head),
                "{name} holds {plan} in clear"
            );
        }
    }
    every_plan_reads_back(&t.office);
    // No file of it to hand to another program (that would be a plaintext copy).
    let e = ops::floor_plan_path(&t.office, "T003").unwrap_err();
    assert_eq!(e.code(), "floor_plan_unusable", "{e}");
    assert!(e.to_string().contains("encrypted"), "{e}");
}

/// The file of customer `id`'s plan.
fn plan_file_of(t: &TestOffice, id: &str) -> PathBuf {
    t.office
        .plan_files()
        .path(&t.customer(id).floor_plan.unwrap())
}

#[test]
fn a_changed_cut_or_swapped_plan_file_is_refused() {
    let t = vault_office_with_plans();
    let png = plan_file_of(&t, "T001");
    let pdf = plan_file_of(&t, "T003");
    let original = std::fs::read(&pdf).unwrap();
    let refused = |t: &TestOffice| {
        let e = ops::floor_plan(&t.office, "T003").unwrap_err();
        assert_eq!(e.code(), "floor_plan_changed", "{e}");
    };
    let mut flipped = original.clone();
    flipped[original.len() / 2] ^= 0x20;
    std::fs::write(&pdf, &flipped).unwrap();
    refused(&t);
    std::fs::write(&pdf, &original[..original.len() - 1]).unwrap();
    refused(&t);
    std::fs::write(&pdf, &original[..40]).unwrap();
    refused(&t);
    std::fs::copy(&png, &pdf).unwrap();
    refused(&t);
    std::fs::write(&pdf, &original).unwrap();
    every_plan_reads_back(&t.office);
}

/// A contractor with a key, and a selection of the plan customers for an installation.
fn contractor_and_selection(office: &mut Office) -> (age::x25519::Identity, Selection) {
    let identity = age::x25519::Identity::generate();
    let c = ops::contractor_add(
        office,
        &support::contractor_input(identity.to_public().to_string()),
    )
    .unwrap();
    let sel = Selection {
        contractor_id: c.id,
        work_type: WorkType::Installation,
        customers: PLANS.iter().map(|(id, _)| id.to_string()).collect(),
        extra_fields: vec![],
        method: Method::Transfer,
        passphrase: false,
    };
    (identity, sel)
}

#[test]
fn a_pack_copies_encrypted_plans_and_refuses_a_changed_one() {
    let mut t = vault_office_with_plans();
    let (identity, sel) = contractor_and_selection(&mut t.office);
    let out = t.scratch().join("b.age");
    let opts = PackOptions {
        out: out.clone(),
        ..Default::default()
    };
    ops::pack(&mut t.office, &sel, &opts, &mut NoProgress).unwrap();
    let signing = ops::office_keys(&t.office).unwrap().signing_key;
    let extracted = t.scratch().join("opened");
    let key = OpenKey::Identities(vec![identity.clone()]);
    ops::open_bundle(&out, key, &signing, Some(&extracted), false).unwrap();
    for (id, file) in PLANS {
        let ext = file.rsplit('.').next().unwrap();
        let got = std::fs::read(extracted.join(format!("floor_plans/{id}.{ext}"))).unwrap();
        assert_eq!(got, plan_bytes(file), "{id}");
    }

    let pdf = plan_file_of(&t, "T003");
    let mut bytes = std::fs::read(&pdf).unwrap();
    let at = bytes.len() - 3;
    bytes[at] ^= 1;
    std::fs::write(&pdf, &bytes).unwrap();
    let opts = PackOptions {
        out: t.scratch().join("c.age"),
        ..Default::default()
    };
    let e = ops::pack(&mut t.office, &sel, &opts, &mut NoProgress).unwrap_err();
    assert_eq!(e.code(), "floor_plan_changed", "{e}");
    assert!(!opts.out.exists());
}

#[test]
fn a_plan_of_many_chunks_round_trips_and_a_cut_at_a_chunk_boundary_is_refused() {
    let mut t = TestOffice::with_admin();
    // A PNG signature and 200 KiB of pseudo-random bytes: four 64 KiB chunks, the last short.
    let plans = t.scratch().join("big_plans");
    std::fs::create_dir_all(&plans).unwrap();
    let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut x = 0x2545_f491_u32;
    big.extend((0..200 * 1024).map(|_| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x as u8
    }));
    std::fs::write(plans.join("T001.png"), &big).unwrap();
    import_with_plans(&mut t, &plans);
    let (_, back) = ops::floor_plan(&t.office, "T001").unwrap();
    assert_eq!(back, big);
    let file = plan_file_of(&t, "T001");
    let enc = std::fs::read(&file).unwrap();
    // Header (16 + 19) and three whole chunks (64 KiB + 16 each): a file cut right there.
    let boundary = 35 + 3 * (64 * 1024 + 16);
    std::fs::write(&file, &enc[..boundary]).unwrap();
    let e = ops::floor_plan(&t.office, "T001").unwrap_err();
    assert_eq!(e.code(), "floor_plan_changed", "{e}");
}

/// An office whose floor plans and key files lie in clear while its store is encrypted — what
/// [`ops::encrypt_office_files`] converts: the previous version's office
/// (`tests/fixtures/previous-version-office`), its store alone encrypted with the key from its
/// vault, as a peer would do it.
fn office_with_plaintext_files() -> TestOffice {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    support::copy_dir(
        &support::repo_root().join("tests/fixtures/previous-version-office/data"),
        &data,
    );
    let dir = DataDir::new(&data);
    let vault = handover_core::vault::Vault::load(&dir).unwrap();
    let handover_core::vault::Unlock::Key(key) = vault.unlock(ADMIN, &password(PASSWORD)).unwrap()
    else {
        panic!("the fixture's admin unlocks its vault");
    };
    let copy = data.join("encrypted.sqlite3");
    let plain = handover_core::store::SqliteStore::open(&dir.db_path()).unwrap();
    plain
        .export_encrypted_and_close(&copy, &handover_core::store::StoreKey::of(&key))
        .unwrap();
    std::fs::rename(&copy, dir.db_path()).unwrap();
    let office = ops::sign_in(dir, ADMIN, &password(PASSWORD)).unwrap();
    TestOffice { tmp, office }
}

fn plaintext_left(t: &TestOffice) -> Vec<PathBuf> {
    let mut left: Vec<PathBuf> = floor_plan_files(t)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e != "plan"))
        .collect();
    for k in ["office.agekey", "office.signing.key"] {
        let p = t.data().join("keys").join(k);
        if p.exists() {
            left.push(p);
        }
    }
    left
}

#[test]
fn a_conversion_stopped_after_any_file_leaves_everything_readable_and_finishes_when_run_again() {
    let t = office_with_plaintext_files();
    let public = ops::office_keys(&t.office).unwrap();
    assert_eq!(plaintext_left(&t).len(), 4, "two plans and two key files");
    every_plan_reads_back(&t.office);
    // Stop after the first file, then after one more each time, as a kill between files would.
    let mut runs = 0;
    loop {
        runs += 1;
        let mut stop_after_one = |_: u64, _: Option<u64>| Flow::Cancel;
        match ops::encrypt_office_files(&t.office, &mut stop_after_one) {
            Ok(report) => {
                assert_eq!(report.floor_plans + report.key_files, 0, "{report:?}");
                break;
            }
            Err(e) => assert_eq!(e.code(), "cancelled", "{e}"),
        }
        every_plan_reads_back(&t.office);
        assert_eq!(t.office.secret_keys().unwrap().public(), public);
        assert!(runs < 10, "the conversion does not finish");
    }
    assert_eq!(runs, 5, "four files, one per run, then nothing left");
    assert!(plaintext_left(&t).is_empty(), "{:?}", plaintext_left(&t));
    every_plan_reads_back(&t.office);
    assert_eq!(t.office.secret_keys().unwrap().public(), public);
    // A later sign-in opens them with the key it unwraps.
    let again = ops::sign_in(DataDir::new(t.data()), ADMIN, &password(PASSWORD)).unwrap();
    every_plan_reads_back(&again);
    assert_eq!(again.secret_keys().unwrap().public(), public);
}

#[test]
fn a_conversion_killed_after_the_rename_or_mid_overwrite_finishes_when_run_again() {
    let t = office_with_plaintext_files();
    let plan = t.customer("T003").floor_plan.unwrap();
    let plain = t.data().join("floor_plans").join(plan.file_name());
    let plain_bytes = std::fs::read(&plain).unwrap();
    let report = ops::encrypt_office_files(&t.office, &mut NoProgress).unwrap();
    assert_eq!((report.floor_plans, report.key_files), (2, 2), "{report:?}");
    assert!(!plain.exists());
    // Killed after the encrypted file was renamed in, while the plaintext was being zeroed;
    // plus an unfinished copy and an interrupted import's temporary file.
    let mut half = plain_bytes.clone();
    half[..plain_bytes.len() / 2].fill(0);
    std::fs::write(&plain, &half).unwrap();
    let folder = t.data().join("floor_plans");
    std::fs::write(folder.join("x.plan.partial"), b"unfinished").unwrap();
    std::fs::write(folder.join(".incoming-1-2"), &plain_bytes).unwrap();
    every_plan_reads_back(&t.office);
    let report = ops::encrypt_office_files(&t.office, &mut NoProgress).unwrap();
    assert_eq!((report.floor_plans, report.leftovers), (1, 2), "{report:?}");
    assert!(plaintext_left(&t).is_empty());
    assert_eq!(floor_plan_files(&t).len(), 2);
    every_plan_reads_back(&t.office);
}

#[test]
fn a_plaintext_plan_damaged_before_the_conversion_is_left_and_reported() {
    let t = office_with_plaintext_files();
    let plan = t.customer("T002").floor_plan.unwrap();
    let plain = t.data().join("floor_plans").join(plan.file_name());
    let mut bytes = std::fs::read(&plain).unwrap();
    let at = bytes.len() - 1;
    bytes[at] ^= 1;
    std::fs::write(&plain, &bytes).unwrap();
    let report = ops::encrypt_office_files(&t.office, &mut NoProgress).unwrap();
    assert_eq!(report.damaged, vec![plain.clone()]);
    assert_eq!(report.floor_plans, 1);
    assert_eq!(std::fs::read(&plain).unwrap(), bytes, "left as it was");
}

#[test]
fn an_office_without_a_vault_keeps_its_files_as_before() {
    let mut t = TestOffice::initialized();
    import_with_plans(&mut t, &plans_dir());
    let plan = t.customer("T001").floor_plan.unwrap();
    assert_eq!(
        std::fs::read(t.data().join("floor_plans").join(plan.file_name())).unwrap(),
        plan_bytes("T001.png")
    );
    assert!(t.data().join("keys/office.agekey").exists());
    let e = ops::encrypt_office_files(&t.office, &mut NoProgress).unwrap_err();
    assert_eq!(e.code(), "no_vault", "{e}");
}

// ---------------------------------------------------------------------------------------------
// Byte scan: nothing of a customer left in clear in the data folder or the temporary folder.

/// A register with every field a customer can have, and the plans of two of them; S003's
/// contract ended in 2018 (purged on the test day, with their plan).
const SCAN_REGISTER: &str = "\
顧客番号,氏名,フリガナ,郵便番号,住所,電話番号,メールアドレス,生年月日,契約サービス,解約日
S001,暗号　検査太郎,アンゴウ ケンサタロウ,123-4567,東京都架空区暗号町1-2-3,03-9876-5432,kensa.taro@example.jp,1981-02-03,ケーブルテレビ,
S002,保存 試験花子,ホゾン シケンハナコ,765-4321,大阪府架空市保存町4-5-6,090-1234-9876,hozon.hanako@example.jp,1979-11-12,インターネット 1G,
S003,削除 予定次郎,サクジョ ヨテイジロウ,246-8101,北海道架空市削除区7-8,011-555-0101,sakujo.jiro@example.jp,1966-06-06,固定電話,2018-03-31
";

/// A plan file: a PNG signature and `len` bytes no other plan has.
fn scan_plan(seed: u32, len: usize) -> Vec<u8> {
    let mut x = seed;
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend((0..len).map(|_| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x as u8
    }));
    v
}

/// `text` as UTF-8, UTF-16LE, UTF-16BE and Shift_JIS.
fn encodings(text: &str) -> Vec<(&'static str, Vec<u8>)> {
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable, "{text} has no Shift_JIS form");
    vec![
        ("UTF-8", text.as_bytes().to_vec()),
        ("UTF-16LE", le),
        ("UTF-16BE", be),
        ("Shift_JIS", sjis.into_owned()),
    ]
}

/// Every text value a customer has, as the store keeps it.
fn values_of(c: &handover_core::register::Customer) -> Vec<String> {
    [
        &c.name,
        &c.name_kana,
        &c.postal_code,
        &c.address,
        &c.phone,
        &c.email,
        &c.birth_date,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect()
}

/// The files to scan under `dir`: all of them, the embedded store (SQLCipher) included.
fn scanned_files(dir: &Path) -> Vec<PathBuf> {
    if !dir.exists() {
        return Vec::new();
    }
    files_under(dir)
}

fn office_at_time(t: TestOffice, at: &str) -> TestOffice {
    let TestOffice { tmp, office } = t;
    let clock = ops::FixedClock(at.parse().unwrap());
    TestOffice {
        tmp,
        office: office.with_clock(std::sync::Arc::new(clock)),
    }
}

/// Import (in 2020), look at a plan, pack (binary and armored), open as the office, purge (on
/// the test day): what a scan then looks for.
fn byte_scan_walk(root: &Path) -> (TestOffice, Vec<(String, Vec<u8>)>) {
    let mut t = office_at_time(TestOffice::with_admin(), "2020-01-10T01:00:00Z");
    let src = root.join("register");
    std::fs::create_dir_all(src.join("plans")).unwrap();
    std::fs::write(src.join("scan.csv"), SCAN_REGISTER).unwrap();
    let plans = [
        ("S001", scan_plan(11, 70_000)),
        ("S003", scan_plan(13, 3_000)),
    ];
    for (id, bytes) in &plans {
        std::fs::write(src.join("plans").join(format!("{id}.png")), bytes).unwrap();
    }
    let opts = ImportOptions {
        floor_plans_dir: Some(src.join("plans")),
        ..Default::default()
    };
    let r = t.import(&src.join("scan.csv"), &opts).unwrap();
    assert_eq!((r.added, r.floor_plans), (3, 2));
    let mut secrets: Vec<(String, Vec<u8>)> = Vec::new();
    for id in ["S001", "S002", "S003"] {
        for v in values_of(&t.customer(id)) {
            for (enc, bytes) in encodings(&v) {
                secrets.push((format!("{id} {v} ({enc})"), bytes));
            }
        }
    }
    for (id, bytes) in &plans {
        let mid = bytes.len() / 2;
        secrets.push((format!("{id}'s floor plan"), bytes[mid..mid + 32].to_vec()));
    }
    let mut t = office_at_time(t, "2026-11-23T01:00:00Z");
    assert_eq!(ops::floor_plan(&t.office, "S001").unwrap().1, plans[0].1);
    let (_, mut sel) = contractor_and_selection(&mut t.office);
    sel.customers = vec!["S001".into(), "S002".into()];
    let outbox = root.join("outbox");
    std::fs::create_dir_all(&outbox).unwrap();
    for (name, armor) in [("b.age", false), ("b.age.asc", true)] {
        let opts = PackOptions {
            out: outbox.join(name),
            armor,
            ..Default::default()
        };
        ops::pack(&mut t.office, &sel, &opts, &mut NoProgress).unwrap();
        ops::office_open_bundle(&mut t.office, &outbox.join(name), None).unwrap();
    }
    let purged = ops::purge(&mut t.office, "2026-11-23").unwrap();
    assert_eq!(purged.customers.len(), 1, "{purged:?}");
    // S003's plan went with them: S001's is the one file left.
    assert_eq!(floor_plan_files(&t).len(), 1, "{:?}", floor_plan_files(&t));
    (t, secrets)
}

#[test]
fn no_customer_value_is_left_in_clear_in_the_data_or_the_temporary_folder() {
    let root = tempfile::tempdir().unwrap();
    let tmpdir = root.path().join("tmp");
    std::fs::create_dir_all(&tmpdir).unwrap();
    // The walk runs in a process of its own, whose temporary folder is ours to scan.
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["at_rest::byte_scan_in_a_process_of_its_own", "--exact"])
        .args(["--include-ignored", "--nocapture", "--test-threads=1"])
        .env("TMPDIR", &tmpdir)
        .env("HANDOVER_BYTE_SCAN_ROOT", root.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the scan failed:\n{text}\n{err}");
    // It did run (a filter matching nothing passes too).
    assert!(text.contains("1 passed"), "{text}\n{err}");
    assert!(text.contains("scanned "), "{text}\n{err}");
}

#[test]
#[ignore = "run by no_customer_value_is_left_in_clear_in_the_data_or_the_temporary_folder"]
fn byte_scan_in_a_process_of_its_own() {
    let root = PathBuf::from(
        std::env::var_os("HANDOVER_BYTE_SCAN_ROOT").expect("run by the byte-scan test"),
    );
    let (t, secrets) = byte_scan_walk(&root);
    let mut files = scanned_files(&t.data());
    files.extend(scanned_files(&std::env::temp_dir()));
    files.extend(scanned_files(&root.join("outbox")));
    assert!(files.len() > 5, "{files:?}");
    let mut found = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for (what, needle) in &secrets {
            if contains_bytes(&bytes, needle) {
                found.push(format!("{what} in {}", f.display()));
            }
        }
    }
    println!(
        "scanned {} files for {} values (every encoding)",
        files.len(),
        secrets.len()
    );
    assert!(found.is_empty(), "in clear:\n{}", found.join("\n"));
}

/// The files under the data folder that a rekey prepares or leaves.
fn rekey_leftovers(data: &Path) -> Vec<PathBuf> {
    files_under(data)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("rekey"))
        .collect()
}

#[test]
fn rekey_replaces_the_data_key_and_only_the_new_one_opens_the_office() {
    use handover_core::operators::Role;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = || DataDir::new(&data);
    let (mut office, init) = ops::init_admin(dir(), ADMIN, &password(PASSWORD)).unwrap();
    let old_recovery = init.recovery_key.unwrap();
    ops::operator_add(&mut office, "tanto", Role::Staff, &password(PASSWORD)).unwrap();
    let mut t = TestOffice { tmp, office };
    import_with_plans(&mut t, &plans_dir());
    let public = ops::office_keys(&t.office).unwrap();
    let before = support::entries(&t.office);
    let vault_path = data.join("vault.json");
    let old_vault = std::fs::read(&vault_path).unwrap();
    // A wrong password changes nothing.
    let TestOffice { tmp, office } = t;
    let wrong = ops::sign_in(dir(), ADMIN, &password(PASSWORD)).unwrap();
    let e = ops::rekey(wrong, &password("not the password 1"), &mut NoProgress).unwrap_err();
    assert_eq!(e.code(), "sign_in_failed");
    assert_eq!(std::fs::read(&vault_path).unwrap(), old_vault);
    let (office, report) = ops::rekey(office, &password(PASSWORD), &mut NoProgress).unwrap();
    let t = TestOffice { tmp, office };
    assert_eq!(report.floor_plans, 2);
    assert_eq!(report.need_new_password, ["tanto"]);
    assert_ne!(report.recovery_key, old_recovery);
    every_plan_reads_back(&t.office);
    assert_eq!(t.office.secret_keys().unwrap().public(), public);
    let after = support::entries(&t.office);
    assert_eq!(&after[..before.len()], &before[..], "the history is kept");
    assert!(after.iter().any(|e| e.kind == "office.rekeyed"));
    ops::verify_ledger(&t.office).unwrap();
    assert!(
        rekey_leftovers(&data).is_empty(),
        "{:?}",
        rekey_leftovers(&data)
    );
    // The admin's password opens the new key; tanto's opened only the old one.
    every_plan_reads_back(&ops::sign_in(dir(), ADMIN, &password(PASSWORD)).unwrap());
    let e = ops::sign_in(dir(), "tanto", &password(PASSWORD)).unwrap_err();
    assert_eq!(e.code(), "sign_in_failed");
    // A copy of the old vault (and so the old key) opens nothing now.
    let new_vault = std::fs::read(&vault_path).unwrap();
    std::fs::write(&vault_path, &old_vault).unwrap();
    let e = ops::sign_in(dir(), ADMIN, &password(PASSWORD)).unwrap_err();
    assert_eq!(e.code(), "vault_mismatch", "{e}");
    std::fs::write(&vault_path, &new_vault).unwrap();
    // The old recovery key opens nothing; the new one gives tanto a new password.
    let e = ops::recover_operator(
        dir(),
        &old_recovery,
        "tanto",
        &password("tanto new pass 12"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "recovery_key_wrong");
    ops::recover_operator(
        dir(),
        &report.recovery_key,
        "tanto",
        &password("tanto new pass 12"),
    )
    .unwrap();
    ops::sign_in(dir(), "tanto", &password("tanto new pass 12")).unwrap();
}

#[test]
fn a_rekey_stopped_before_its_commit_leaves_the_office_as_it_was() {
    use handover_core::operators::Role;
    for stop_at in 0..3u64 {
        let mut t = vault_office_with_plans();
        ops::operator_add(&mut t.office, "tanto", Role::Staff, &password(PASSWORD)).unwrap();
        let data = t.data();
        let vault = std::fs::read(data.join("vault.json")).unwrap();
        let head = ops::verify_ledger(&t.office).unwrap().head;
        let TestOffice { tmp, office } = t;
        let mut stop = |done: u64, _: Option<u64>| match done >= stop_at {
            true => Flow::Cancel,
            false => Flow::Continue,
        };
        let e = ops::rekey(office, &password(PASSWORD), &mut stop).unwrap_err();
        assert_eq!(e.code(), "cancelled", "step {stop_at}");
        assert!(rekey_leftovers(&data).is_empty(), "step {stop_at}");
        assert_eq!(std::fs::read(data.join("vault.json")).unwrap(), vault);
        let o = ops::sign_in(DataDir::new(&data), "tanto", &password(PASSWORD)).unwrap();
        every_plan_reads_back(&o);
        assert!(o.secret_keys().is_ok());
        let v = ops::verify_ledger(&o).unwrap();
        assert!(
            v.entries > 0 && v.head.is_some() && head.is_some(),
            "step {stop_at}"
        );
        drop(tmp);
    }
}

#[test]
fn an_encrypted_plan_is_saved_as_a_file_only_when_asked_recorded_and_never_over_a_file() {
    let mut t = vault_office_with_plans();
    let out = t.scratch().join("T003.pdf");
    let saved = ops::save_floor_plan(&mut t.office, "T003", &out).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), plan_bytes("T003.pdf"));
    assert_eq!(saved.bytes, plan_bytes("T003.pdf").len() as u64);
    let uses = ops::usage_report(&t.office, &ops::UsageFilter::default()).unwrap();
    let export = uses
        .iter()
        .find(|u| u.kind == "plan_export")
        .expect("recorded");
    assert_eq!(export.customers, ["T003"]);
    // An existing file is refused and kept; a customer without a plan is refused.
    std::fs::write(&out, b"mine").unwrap();
    let e = ops::save_floor_plan(&mut t.office, "T003", &out).unwrap_err();
    assert_eq!(e.code(), "file_exists");
    assert_eq!(std::fs::read(&out).unwrap(), b"mine");
    let none = t.scratch().join("T002.png");
    assert!(ops::save_floor_plan(&mut t.office, "T002", &none).is_err());
    assert!(!none.exists());
}
