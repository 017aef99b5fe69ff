//! The office keys on the PCs of a shared office, encrypted at rest (issue 14): `init --store`,
//! `join` and `store copy` leave only `keys/*.enc` under a PC key wrapped for the logins that
//! set the PC up; a login without a wrap opens the office for everything but the keys; the
//! plaintext key files of an earlier version move into the PC vault at the first sign-in; and
//! no file of the data folder holds a secret key in clear.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use age::secrecy::{ExposeSecret, SecretString};
use handover_core::handover::{Method, Selection};
use handover_core::operators::Role;
use handover_core::ops::{self, Office, PackOptions, StoreChoice};
use handover_core::store::postgres::Target;
use handover_core::{DataDir, NoProgress, WorkType, keys, pc_vault};

use crate::pg::PgDb;
use crate::support::{self, clock, contains_bytes, files_under};

const PASSPHRASE: &str = "a long passphrase for the office keys";

fn choice(pg: &PgDb, login: &str) -> StoreChoice {
    StoreChoice::Server(Box::new(Target::parse(&pg.url(login)).unwrap()))
}

/// The office on the PC whose data folder is `dir`, signed in as `login`.
fn sign_in(pg: &PgDb, dir: &Path, login: &str) -> handover_core::Result<Office> {
    ops::open_office(
        DataDir::new(dir),
        &choice(pg, login),
        Some(&PgDb::password()),
        None,
    )
    .map(|o| o.with_clock(Arc::new(clock())))
}

/// `join` on the PC `dir` as `login` with the keys file `file`.
fn join(pg: &PgDb, dir: &Path, login: &str, file: &Path) -> handover_core::Result<Office> {
    ops::join(
        DataDir::new(dir),
        &choice(pg, login),
        Some(&PgDb::password()),
        file,
        &SecretString::from(PASSPHRASE.to_string()),
    )
}

/// A shared office made by its owner on the PC `first`, with a staff member and a manager (the
/// owner added them there, so both have a wrap on `first`), and its keys exported to a file.
struct Office3 {
    pg: PgDb,
    tmp: tempfile::TempDir,
    keys_file: PathBuf,
}

impl Office3 {
    fn new() -> Option<Office3> {
        let pg = PgDb::fresh()?;
        let tmp = tempfile::tempdir().unwrap();
        let target = Target::parse(&pg.url(&pg.owner())).unwrap();
        let (mut owner, _) = ops::init_shared(
            DataDir::new(tmp.path().join("first")),
            &target,
            Some(&PgDb::password()),
        )
        .expect("init on an empty database");
        for (who, role) in [("staff", Role::Staff), ("manager", Role::Manager)] {
            ops::operator_add(&mut owner, &pg.login(who), role, &PgDb::password()).unwrap();
        }
        let keys_file = tmp.path().join("office-keys.age");
        let pass = SecretString::from(PASSPHRASE.to_string());
        ops::export_office_keys(&mut owner, &keys_file, &pass).unwrap();
        Some(Office3 { pg, tmp, keys_file })
    }

    fn pc(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }
}

/// The secrets a keys file carries, as the texts that must never lie in clear on a PC: the
/// escrow identity (its secret line) and the signing key's seed (hex, and its raw bytes).
fn secrets_of(file: &Path) -> Vec<Vec<u8>> {
    let f = std::fs::File::open(file).unwrap();
    let reader = age::armor::ArmoredReader::new(std::io::BufReader::new(f));
    let identity = age::scrypt::Identity::new(SecretString::from(PASSPHRASE.to_string()));
    let mut text = String::new();
    age::Decryptor::new(reader)
        .unwrap()
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let prefix = crate::support::age_identity_prefix();
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with(&prefix) {
            out.push(line.as_bytes().to_vec());
        } else if line.len() == 64 && line.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.push(line.as_bytes().to_vec());
            out.push(hex::decode(line).unwrap());
        }
    }
    assert_eq!(out.len(), 3, "an identity and a signing seed");
    out
}

/// Every file under `dir` that holds one of `secrets` (or any age secret key) in clear.
fn files_with_secrets(dir: &Path, secrets: &[Vec<u8>]) -> Vec<PathBuf> {
    let prefix = crate::support::age_identity_prefix();
    files_under(dir)
        .into_iter()
        .filter(|f| {
            let bytes = std::fs::read(f).unwrap();
            contains_bytes(&bytes, prefix.as_bytes())
                || secrets.iter().any(|s| contains_bytes(&bytes, s))
        })
        .collect()
}

/// The PC keeps its office keys only encrypted, in its PC vault.
#[track_caller]
fn only_encrypted_keys(dir: &Path, secrets: &[Vec<u8>]) {
    let k = dir.join("keys");
    assert!(!k.join("office.agekey").exists());
    assert!(!k.join("office.signing.key").exists());
    assert!(keys::office_keys_encrypted(&DataDir::new(dir)));
    assert!(pc_vault::exists(&DataDir::new(dir)));
    assert_eq!(files_with_secrets(dir, secrets), Vec::<PathBuf>::new());
}

fn selection(contractor: &str) -> Selection {
    Selection {
        contractor_id: contractor.into(),
        work_type: WorkType::Installation,
        customers: vec!["C0001".into()],
        extra_fields: vec![],
        method: Method::Transfer,
        passphrase: false,
    }
}

#[test]
fn init_and_join_leave_only_encrypted_keys_that_each_login_opens_with_its_password() {
    let Some(o) = Office3::new() else { return };
    let secrets = secrets_of(&o.keys_file);
    let first = o.pc("first");
    only_encrypted_keys(&first, &secrets);
    // On the first PC: the owner and the two people the owner added there.
    for who in [o.pg.owner(), o.pg.login("staff"), o.pg.login("manager")] {
        sign_in(&o.pg, &first, &who).unwrap().secret_keys().unwrap();
    }
    // A new PC joins as staff, and a second login joins the same PC.
    let second = o.pc("second");
    let staff = join(&o.pg, &second, &o.pg.login("staff"), &o.keys_file).unwrap();
    let public = staff.secret_keys().unwrap().public();
    assert_eq!(public, ops::office_keys(&staff).unwrap());
    only_encrypted_keys(&second, &secrets);
    join(&o.pg, &second, &o.pg.login("manager"), &o.keys_file).unwrap();
    only_encrypted_keys(&second, &secrets);
    for who in ["staff", "manager"] {
        let office = sign_in(&o.pg, &second, &o.pg.login(who)).unwrap();
        assert_eq!(office.secret_keys().unwrap().public(), public, "{who}");
    }
    // A disabled login's wrap goes with it.
    let mut owner = sign_in(&o.pg, &first, &o.pg.owner()).unwrap();
    ops::operator_disable(&mut owner, &o.pg.login("manager")).unwrap();
    let vault = std::fs::read_to_string(first.join(pc_vault::FILE_NAME)).unwrap();
    assert!(!vault.contains(&o.pg.login("manager")), "{vault}");
}

#[test]
fn a_login_without_keys_on_the_pc_reads_the_history_and_is_told_to_join_for_the_keys() {
    let Some(o) = Office3::new() else { return };
    let first = o.pc("first");
    let mut staff = sign_in(&o.pg, &first, &o.pg.login("staff")).unwrap();
    ops::load_sample(&mut staff, &mut NoProgress).unwrap();
    let mut manager = sign_in(&o.pg, &first, &o.pg.login("manager")).unwrap();
    let key = age::x25519::Identity::generate().to_public().to_string();
    let k = ops::contractor_add(&mut manager, &support::contractor_input(key)).unwrap();
    let second = o.pc("second");
    join(&o.pg, &second, &o.pg.login("staff"), &o.keys_file).unwrap();

    // The manager has no wrap on the second PC: the office opens, the keys do not.
    let mut manager = sign_in(&o.pg, &second, &o.pg.login("manager")).unwrap();
    ops::verify_ledger(&manager).unwrap();
    assert!(ops::handovers(&manager).unwrap().is_empty());
    let out = o.pc("refused.age");
    let opts = PackOptions {
        out: out.clone(),
        ..Default::default()
    };
    let e = ops::pack(&mut manager, &selection(&k.id), &opts, &mut NoProgress).unwrap_err();
    assert_eq!(e.code(), "pc_keys", "{e}");
    let en = e.to_string();
    assert!(
        en.contains(&format!(
            "this PC has no office keys for {}: run `handover join",
            o.pg.login("manager")
        )),
        "{en}"
    );
    assert!(en.contains("office export-keys"), "{en}");
    let ja = e.detail(handover_core::report::Lang::Ja);
    assert!(
        ja.contains("事務所の鍵がありません") && ja.contains("handover join"),
        "{ja}"
    );
    assert!(!out.exists());
    let file = o.pc("again.age");
    let pass = SecretString::from(PASSPHRASE.to_string());
    let e = ops::export_office_keys(&mut manager, &file, &pass).unwrap_err();
    assert_eq!(e.code(), "pc_keys", "{e}");
    assert!(!file.exists());
    // Joining gives the manager the keys on this PC: the pack goes through.
    join(&o.pg, &second, &o.pg.login("manager"), &o.keys_file).unwrap();
    let mut manager = sign_in(&o.pg, &second, &o.pg.login("manager")).unwrap();
    ops::pack(&mut manager, &selection(&k.id), &opts, &mut NoProgress).unwrap();
}

/// Every file under `dir` and its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = files_under(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f).unwrap();
            (f, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn another_offices_keys_are_refused_and_nothing_changes_on_the_pc() {
    let Some(o) = Office3::new() else { return };
    // Another office's keys file.
    let other = o.pc("other-office");
    let (mut foreign, _) = ops::init(DataDir::new(&other), "someone").unwrap();
    let foreign_file = o.pc("foreign-keys.age");
    let pass = SecretString::from(PASSPHRASE.to_string());
    ops::export_office_keys(&mut foreign, &foreign_file, &pass).unwrap();
    // On a new PC: refused, nothing installed.
    let fresh = o.pc("fresh");
    let e = join(&o.pg, &fresh, &o.pg.login("staff"), &foreign_file).unwrap_err();
    assert_eq!(e.code(), "shared_store_setup", "{e}");
    assert!(!fresh.join("keys").exists());
    assert!(!pc_vault::exists(&DataDir::new(&fresh)));
    // On a PC set up already: refused, every file as it was.
    let second = o.pc("second");
    join(&o.pg, &second, &o.pg.login("staff"), &o.keys_file).unwrap();
    let before = snapshot(&second);
    let e = join(&o.pg, &second, &o.pg.login("manager"), &foreign_file).unwrap_err();
    assert_eq!(e.code(), "shared_store_setup", "{e}");
    assert_eq!(snapshot(&second), before);
    // A PC that keeps another office's keys in clear (that office's own folder): the office's
    // file is refused there as not the PC's keys, and nothing changes.
    let before = snapshot(&other);
    let e = join(&o.pg, &other, &o.pg.login("staff"), &o.keys_file).unwrap_err();
    assert_eq!(e.code(), "pc_keys", "{e}");
    assert!(e.to_string().contains("holds other office keys"), "{e}");
    assert_eq!(snapshot(&other), before);
}

/// Write the keys of `file` in clear into `dir`, as `join` of an earlier version did.
fn plaintext_keys_of_an_earlier_version(dir: &Path, file: &Path) {
    let pass = SecretString::from(PASSPHRASE.to_string());
    let keys = handover_core::key_transfer::read(file, &pass).unwrap();
    let public = keys.public();
    let secrets = secrets_of(file);
    let k = dir.join("keys");
    std::fs::create_dir_all(&k).unwrap();
    let identity = keys.identity().to_string();
    let id_text = format!("# created: earlier\n{}\n", identity.expose_secret());
    let sig_text = format!(
        "# created: earlier\n{}\n",
        std::str::from_utf8(&secrets[1]).unwrap()
    );
    std::fs::write(k.join("office.agekey"), id_text).unwrap();
    std::fs::write(k.join("office.signing.key"), sig_text).unwrap();
    std::fs::write(
        k.join("office.recipient.txt"),
        format!("{}\n", public.recipient),
    )
    .unwrap();
    std::fs::write(
        k.join("office.signing.pub"),
        format!("{}\n", public.signing_key),
    )
    .unwrap();
}

#[test]
fn plaintext_keys_of_an_earlier_version_move_into_the_pc_vault_at_the_first_sign_in() {
    let Some(o) = Office3::new() else { return };
    let secrets = secrets_of(&o.keys_file);
    let old = o.pc("old");
    plaintext_keys_of_an_earlier_version(&old, &o.keys_file);

    let staff = sign_in(&o.pg, &old, &o.pg.login("staff")).unwrap();
    assert!(staff.pc_keys_moved());
    only_encrypted_keys(&old, &secrets);
    let public = staff.secret_keys().unwrap().public();
    assert_eq!(public, ops::office_keys(&staff).unwrap());
    let recorded =
        o.pg.psql(
            &o.pg.owner(),
            "SELECT kind || ' ' || actor FROM ledger WHERE kind = 'pc.keys_encrypted'",
        )
        .unwrap();
    assert_eq!(
        recorded,
        format!("pc.keys_encrypted {}", o.pg.login("staff"))
    );
    // The next sign-in finds nothing to move.
    let again = sign_in(&o.pg, &old, &o.pg.login("staff")).unwrap();
    assert!(!again.pc_keys_moved());
    again.secret_keys().unwrap();
    // Another login that used the plaintext keys on this PC joins again.
    let manager = sign_in(&o.pg, &old, &o.pg.login("manager")).unwrap();
    assert_eq!(manager.secret_keys().err().unwrap().code(), "pc_keys");
    join(&o.pg, &old, &o.pg.login("manager"), &o.keys_file).unwrap();
    let manager = sign_in(&o.pg, &old, &o.pg.login("manager")).unwrap();
    assert_eq!(manager.secret_keys().unwrap().public(), public);
    only_encrypted_keys(&old, &secrets);
    // The lost-device report no longer finds the keys in clear.
    let after = lost_device(&o, &old);
    assert!(!after.keys_in_clear && after.exempt, "{after:?}");
    use handover_core::report::DeviceReason;
    assert!(!after.reasons.contains(&DeviceReason::KeysInClear));
    assert!(
        after.reasons.contains(&DeviceReason::PcKeysEncrypted),
        "{after:?}"
    );
}

#[test]
fn a_move_a_kill_interrupted_is_finished_at_the_next_sign_in() {
    let Some(o) = Office3::new() else { return };
    let secrets = secrets_of(&o.keys_file);
    let old = o.pc("old");
    plaintext_keys_of_an_earlier_version(&old, &o.keys_file);
    sign_in(&o.pg, &old, &o.pg.login("staff")).unwrap();
    // As if killed after the vault and the identity were written: the signing key back in
    // clear, its encrypted form gone.
    plaintext_keys_of_an_earlier_version(&o.pc("again"), &o.keys_file);
    std::fs::remove_file(old.join("keys/office.signing.key.enc")).unwrap();
    std::fs::copy(
        o.pc("again/keys/office.signing.key"),
        old.join("keys/office.signing.key"),
    )
    .unwrap();
    let staff = sign_in(&o.pg, &old, &o.pg.login("staff")).unwrap();
    assert!(staff.pc_keys_moved());
    staff.secret_keys().unwrap();
    only_encrypted_keys(&old, &secrets);
}

fn lost_device(o: &Office3, dir: &Path) -> handover_core::report::DeviceLoss {
    let mut manager = sign_in(&o.pg, dir, &o.pg.login("manager")).unwrap();
    let q = handover_core::report::LeakQuery {
        lost_device: true,
        ..Default::default()
    };
    ops::leak_report(&mut manager, &q).unwrap().device.unwrap()
}

#[test]
fn store_copy_moves_the_office_keys_into_the_pc_vault_of_the_servers_login() {
    let Some(pg) = PgDb::fresh() else { return };
    let mut t = support::TestOffice::with_admin();
    t.import_ok(&support::register("basic.tsv"));
    let before = t.office.secret_keys().unwrap().public();
    let target = Target::parse(&pg.url(&pg.owner())).unwrap();
    ops::store_copy(&t.office, &target, Some(&PgDb::password())).unwrap();
    let dir = t.data();
    let k = dir.join("keys");
    assert!(!k.join("office.agekey").exists() && !k.join("office.signing.key").exists());
    assert!(pc_vault::exists(&DataDir::new(&dir)));
    let prefix = crate::support::age_identity_prefix();
    for f in files_under(&dir) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !contains_bytes(&bytes, prefix.as_bytes()),
            "{}",
            f.display()
        );
    }
    let owner = sign_in(&pg, &dir, &pg.owner()).unwrap();
    assert_eq!(owner.secret_keys().unwrap().public(), before);
    // Going back to this PC's own data: its admin still opens the same key files.
    let own = ops::sign_in(
        DataDir::new(&dir),
        support::ADMIN,
        &support::password(support::PASSWORD),
    )
    .unwrap();
    assert_eq!(own.secret_keys().unwrap().public(), before);
}

#[test]
fn after_a_server_password_change_the_login_is_told_to_join_again_and_can() {
    let Some(o) = Office3::new() else { return };
    let first = o.pc("first");
    let staff = o.pg.login("staff");
    let new = "a new server password 42";
    o.pg.psql(
        &o.pg.owner(),
        &format!("ALTER ROLE \"{staff}\" PASSWORD '{new}'"),
    )
    .unwrap();
    let new = SecretString::from(new.to_string());
    let open = || {
        ops::open_office(
            DataDir::new(&first),
            &choice(&o.pg, &staff),
            Some(&new),
            None,
        )
        .unwrap()
    };
    // The server takes the new password; this PC's wrap was made under the old one.
    let e = open().secret_keys().err().unwrap();
    assert_eq!(e.code(), "pc_keys", "{e}");
    assert!(e.to_string().contains("under an earlier password"), "{e}");
    let pass = SecretString::from(PASSPHRASE.to_string());
    ops::join(
        DataDir::new(&first),
        &choice(&o.pg, &staff),
        Some(&new),
        &o.keys_file,
        &pass,
    )
    .unwrap();
    open().secret_keys().unwrap();
    // The others' wraps on this PC are as they were.
    sign_in(&o.pg, &first, &o.pg.owner())
        .unwrap()
        .secret_keys()
        .unwrap();
}

#[test]
fn a_damaged_pc_vault_lets_the_login_in_and_says_so_where_the_keys_are_needed() {
    let Some(o) = Office3::new() else { return };
    let first = o.pc("first");
    let path = first.join(pc_vault::FILE_NAME);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..text.len() / 2]).unwrap();
    let staff = sign_in(&o.pg, &first, &o.pg.login("staff")).unwrap();
    ops::verify_ledger(&staff).unwrap();
    let e = staff.secret_keys().err().unwrap();
    assert_eq!(e.code(), "vault_corrupt", "{e}");
}

#[test]
fn a_login_changes_its_own_password_and_this_pcs_wrap_follows() {
    let Some(o) = Office3::new() else { return };
    let first = o.pc("first");
    let staff = o.pg.login("staff");
    let mut office = sign_in(&o.pg, &first, &staff).unwrap();
    let new = SecretString::from("a new password for staff".to_string());
    // A wrong current password changes nothing.
    let wrong = SecretString::from("not the password at all".to_string());
    let e = ops::change_password(&mut office, &wrong, &new).unwrap_err();
    assert_eq!(e.code(), "sign_in_failed", "{e}");
    ops::change_password(&mut office, &PgDb::password(), &new).unwrap();
    let open = |pw: &SecretString| {
        ops::open_office(DataDir::new(&first), &choice(&o.pg, &staff), Some(pw), None)
    };
    assert!(
        open(&PgDb::password()).is_err(),
        "the old password still signs in"
    );
    open(&new).unwrap().secret_keys().unwrap();
    let recorded =
        o.pg.psql(
            &o.pg.owner(),
            "SELECT kind || ' ' || actor FROM ledger WHERE kind = 'login.password_changed'",
        )
        .unwrap();
    assert_eq!(recorded, format!("login.password_changed {staff}"));
    // On a PC without its keys the current password cannot be checked by unwrapping: refused
    // there; the change goes through a sign-in with it instead.
    let bare = o.pc("bare");
    let manager = o.pg.login("manager");
    let mut office = sign_in(&o.pg, &bare, &manager).unwrap();
    let e = ops::change_password(&mut office, &PgDb::password(), &new).unwrap_err();
    assert_eq!(e.code(), "operator_refused", "{e}");
    let wrong = ops::change_login_password(
        DataDir::new(&bare),
        &choice(&o.pg, &manager),
        Some(&wrong),
        &new,
    );
    assert!(wrong.is_err());
    ops::change_login_password(
        DataDir::new(&bare),
        &choice(&o.pg, &manager),
        Some(&PgDb::password()),
        &new,
    )
    .unwrap();
    ops::open_office(
        DataDir::new(&bare),
        &choice(&o.pg, &manager),
        Some(&new),
        None,
    )
    .unwrap();
}
