//! Helpers shared by the integration tests: temporary offices, fixture paths, snapshots.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use handover_core::ops::{self, FixedClock, Office};
use handover_core::register::{Customer, ImportOptions, ImportReport};
use handover_core::store::LedgerEntry;
use handover_core::{DataDir, NoProgress};
use tempfile::TempDir;

/// The instant every test office lives at.
pub const NOW: &str = "2026-11-23T09:00:00Z";

/// The operator recorded by test offices.
pub const OPERATOR: &str = "試験 係員";

/// The first admin of [`TestOffice::with_admin`].
pub const ADMIN: &str = "kanri";

/// The password every test operator gets.
pub const PASSWORD: &str = "test password 1234";

/// A password as the core takes it.
pub fn password(p: &str) -> age::secrecy::SecretString {
    age::secrecy::SecretString::from(p.to_string())
}

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of `tests/fixtures/registers/`.
pub fn register(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/registers").join(name)
}

/// The fixture floor-plan folder.
pub fn plans_dir() -> PathBuf {
    register("floor_plans")
}

/// A file of `tests/fixtures/keys/`.
pub fn key_fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/keys").join(name)
}

/// A temporary office: the folder lives as long as the value.
pub struct TestOffice {
    /// Holds the temporary folder (the data dir is `tmp/data`).
    pub tmp: TempDir,
    /// The open office.
    pub office: Office,
}

impl TestOffice {
    /// A fresh office in a new temporary folder, with the fixed clock.
    pub fn new() -> TestOffice {
        let tmp = tempfile::tempdir().expect("temp dir");
        let office = open_at(&tmp.path().join("data"));
        TestOffice { tmp, office }
    }

    /// A fresh office created with `ops::init` (keys and the first ledger entry).
    pub fn initialized() -> TestOffice {
        let tmp = tempfile::tempdir().expect("temp dir");
        let (office, _) = ops::init(DataDir::new(tmp.path().join("data")), OPERATOR).expect("init");
        let office = office.with_clock(Arc::new(clock()));
        TestOffice { tmp, office }
    }

    /// A fresh office whose first admin ([`ADMIN`], [`PASSWORD`]) was created with
    /// `ops::init_admin` and is signed in.
    pub fn with_admin() -> TestOffice {
        let tmp = tempfile::tempdir().expect("temp dir");
        let (office, _) = ops::init_admin(
            DataDir::new(tmp.path().join("data")),
            ADMIN,
            &password(PASSWORD),
        )
        .expect("init --admin");
        let office = office.with_clock(Arc::new(clock()));
        TestOffice { tmp, office }
    }

    /// The data directory.
    pub fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    /// A scratch folder next to the data directory (for modified copies of fixtures).
    pub fn scratch(&self) -> PathBuf {
        let p = self.tmp.path().join("scratch");
        std::fs::create_dir_all(&p).expect("scratch dir");
        p
    }

    /// Import with the given options.
    pub fn import(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
    ) -> handover_core::Result<ImportReport> {
        ops::import_register(&mut self.office, path, opts, &mut NoProgress)
    }

    /// Import with the default options, which must succeed.
    pub fn import_ok(&mut self, path: &Path) -> ImportReport {
        self.import(path, &ImportOptions::default())
            .unwrap_or_else(|e| panic!("import of {} failed: {e}", path.display()))
    }

    /// One stored customer, which must exist.
    pub fn customer(&self, id: &str) -> Customer {
        ops::customer(&self.office, id).unwrap_or_else(|e| panic!("{id}: {e}"))
    }

    /// Everything the store holds, to compare before and after a refused operation.
    pub fn snapshot(&self) -> Snapshot {
        snapshot(&self.office)
    }

    /// The files of the data directory's floor-plan folder (names, sorted).
    pub fn stored_plan_files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.data().join("floor_plans"))
            .expect("floor_plans dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

/// The fixed test clock.
pub fn clock() -> FixedClock {
    FixedClock(NOW.parse().expect("timestamp"))
}

/// Open (or create) an office at `data` with the fixed clock.
pub fn open_at(data: &Path) -> Office {
    Office::open(DataDir::new(data), OPERATOR)
        .expect("open office")
        .with_clock(Arc::new(clock()))
}

/// The whole content of a store: customers, contractors, ledger, head.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    /// Every customer, by id.
    pub customers: Vec<Customer>,
    /// The roster.
    pub contractors: Vec<handover_core::Contractor>,
    /// Every ledger entry.
    pub ledger: Vec<LedgerEntry>,
    /// The recorded head.
    pub head: Option<(u64, [u8; 32])>,
}

/// Take a [`Snapshot`] of an office.
pub fn snapshot(office: &Office) -> Snapshot {
    let mut ledger = Vec::new();
    office
        .store()
        .for_each_entry(&mut |e| {
            ledger.push(e);
            Ok(())
        })
        .expect("ledger");
    Snapshot {
        customers: ops::customers(office, "", None).expect("customers"),
        contractors: ops::contractors(office).expect("contractors"),
        ledger,
        head: office.store().ledger_head().expect("head"),
    }
}

/// Every ledger entry of an office.
pub fn entries(office: &Office) -> Vec<LedgerEntry> {
    snapshot(office).ledger
}

/// Every regular file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Does `hay` contain `needle` as bytes?
pub fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// A contractor with the key `recipient` and an agreement valid from 2020 to 2099.
pub fn contractor_input(recipient: String) -> handover_core::ContractorInput {
    handover_core::ContractorInput {
        name: "架空電設株式会社".into(),
        address: None,
        contact: None,
        recipients: vec![recipient],
        agreement_signed: "2020-04-01".into(),
        agreement_expires: "2099-03-31".into(),
    }
}

/// A fresh age X25519 recipient string.
pub fn new_recipient() -> String {
    age::x25519::Identity::generate().to_public().to_string()
}

/// How the secret line of an age identity file begins, read off a fresh identity (so no key
/// material, nor anything that looks like it, is spelled out in the sources).
pub fn age_identity_prefix() -> String {
    use age::secrecy::ExposeSecret;
    let id = age::x25519::Identity::generate().to_string();
    id.expose_secret()[..16].to_string()
}

/// A request as a front end sends it to `ops::request_add` (`channel` by id or Japanese label).
pub fn request_input(
    customer: &str,
    scope: handover_core::requests::Scope,
    received: &str,
    channel: &str,
    note: Option<&str>,
) -> ops::RequestInput {
    ops::RequestInput {
        customer_id: customer.into(),
        scope,
        received: received.into(),
        channel: channel.parse().expect("a channel"),
        note: note.map(Into::into),
    }
}

/// A connection of SQLite's own to the store in `data`, as a peer tool opens it: with the store
/// key when the office is encrypted at rest (unlocked by [`ADMIN`]'s [`PASSWORD`]).
pub fn raw_connection(data: &Path) -> rusqlite::Connection {
    let dir = DataDir::new(data);
    let conn = rusqlite::Connection::open(dir.db_path()).unwrap();
    if handover_core::vault::Vault::exists(&dir) {
        let vault = handover_core::vault::Vault::load(&dir).unwrap();
        let handover_core::vault::Unlock::Key(key) =
            vault.unlock(ADMIN, &password(PASSWORD)).unwrap()
        else {
            panic!("{ADMIN}'s password unlocks the vault");
        };
        conn.execute_batch(&handover_core::store::StoreKey::of(&key).peer_statements())
            .unwrap();
    }
    conn
}

/// Copy the folder `from` (a fixture) to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}
