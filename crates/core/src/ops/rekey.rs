//! Replacing the office's data key itself (issue 14): `handover office rekey`.
//!
//! Changing a password only rewraps the data key. When the key itself may have leaked (a
//! recovery paper lost, a vault copied with a weak password in it), an admin replaces it: the
//! store, the floor plans and the secret key files are encrypted again under a new key, and a
//! new vault holds it for the admin and a new recovery key (printed once). The others' old
//! passwords unwrap only the old key, so they are given new ones with the new recovery key
//! (`office recover NAME`); the report names them.
//!
//! Crash safety follows a journal, so that a kill at any point leaves one consistent office:
//!
//! 1. **Prepare** (nothing of the office is touched): the store is copied under the new key
//!    (`handover.sqlite3.rekey`) and verified, each key file is encrypted again beside itself
//!    (`*.enc.rekey`), each floor plan into `floor_plans.rekey/`, the new vault is
//!    `vault.json.rekey`; all synced.
//! 2. **Commit**: `rekey.json` is written (atomically), listing the old plan files.
//! 3. **Roll forward**: every `.rekey` file is renamed over its original, the new plans moved
//!    in, the old ones removed, the journal removed. Each step can run again.
//!
//! Before the commit a kill leaves `.rekey` leftovers, removed at the next sign-in; after it,
//! the next sign-in rolls forward ([`finish`]). Either way the office opens with one key.

use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Office;
use super::vault::{now, open_unlocked, signed_in};
use crate::operators::Role;
use crate::progress::{Flow, Progress};
use crate::register::PlanFiles;
use crate::store::{SqliteStore, StoreKey};
use crate::vault::{DataKey, Unlock, Vault};
use crate::{DataDir, Error, Result};

/// The journal whose presence is the commit.
const JOURNAL: &str = "rekey.json";
/// The suffix of what is prepared beside each file.
const SUFFIX: &str = ".rekey";
/// The steps, as progress: `done` of this.
pub const REKEY_STEPS: u64 = 4;

/// What the rekey did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RekeyReport {
    /// Ledger entries carried over under the new key (verified).
    #[ts(type = "number")]
    pub entries: u64,
    /// Floor plans encrypted again.
    #[ts(type = "number")]
    pub floor_plans: u64,
    /// The new recovery key, as printed (shown once; the old one no longer opens anything).
    pub recovery_key: String,
    /// Operators whose password opened only the old key: each gets a new one with the new
    /// recovery key (`office recover NAME`).
    pub need_new_password: Vec<String>,
}

/// What the journal records at the commit.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Journal {
    /// The plan files under the old key, removed once the new ones are in.
    old_plans: Vec<String>,
}

fn with_suffix(path: &Path) -> PathBuf {
    crate::fsutil::with_suffix(path, SUFFIX)
}

fn new_plans_dir(dir: &DataDir) -> PathBuf {
    with_suffix(&dir.floor_plans_dir())
}

/// The secret key files that are kept encrypted.
fn key_files(dir: &DataDir) -> Vec<PathBuf> {
    [crate::keys::IDENTITY_FILE, crate::keys::SIGNING_FILE]
        .into_iter()
        .map(|n| crate::keys::encrypted_key_path(dir, n))
        .collect()
}

/// Replace the data key of the office (see the module's documentation). The signed-in admin
/// types their password again; the office is closed, re-encrypted and opened again under the
/// new key, signed in as them. Recorded (`office.rekeyed`).
pub fn rekey(
    office: Office,
    password: &SecretString,
    progress: &mut dyn Progress,
) -> Result<(Office, RekeyReport)> {
    office.require(Role::Admin, "replace the office's data key")?;
    let (vault, old_key) = super::vault::vault_of(&office)?;
    let name = office.operator().to_string();
    match vault.unlock(&name, password)? {
        Unlock::Key(k) if k.store_check() == old_key.store_check() => {}
        _ => return Err(Error::SignInFailed(name)),
    }
    let plans = office.store.floor_plans_in_use()?;
    let need_new_password: Vec<String> = vault
        .operators()
        .into_iter()
        .filter(|n| *n != name)
        .collect();
    // Recorded in the copy of the store, so that the record and the new key take effect
    // together at the commit.
    let payload = serde_json::json!({
        "floorPlans": plans.len(), "needNewPassword": need_new_password,
    });
    let event = office.event("office.rekeyed", payload);
    let dir = office.dir.clone();
    drop(office);
    finish(&dir)?;
    let new_key = DataKey::generate();
    let keys = Keys {
        old: &old_key,
        new: &new_key,
    };
    let prepared = prepare(&dir, &vault, &name, password, keys, &plans, event, progress);
    let (entries, recovery) = match prepared {
        Ok(p) => p,
        Err(e) => {
            let _ = roll_back(&dir);
            return Err(e);
        }
    };
    commit(&dir)?;
    let _ = progress.update(3, Some(REKEY_STEPS));
    finish(&dir)?;
    let _ = progress.update(REKEY_STEPS, Some(REKEY_STEPS));
    let new_vault = Vault::load(&dir)?;
    let store = open_unlocked(&dir, &new_key)?;
    let office = signed_in(dir, store, new_key, new_vault, &name, now())?;
    let report = RekeyReport {
        entries,
        floor_plans: plans.len() as u64,
        recovery_key: recovery.to_paper(),
        need_new_password,
    };
    Ok((office, report))
}

/// The key being replaced and its replacement.
#[derive(Clone, Copy)]
struct Keys<'a> {
    old: &'a DataKey,
    new: &'a DataKey,
}

fn step(progress: &mut dyn Progress, done: u64) -> Result<()> {
    match progress.update(done, Some(REKEY_STEPS)) {
        Flow::Continue => Ok(()),
        Flow::Cancel => Err(Error::Cancelled),
    }
}

/// Step 1: everything under the new key, beside the office's files. Returns the verified
/// entries and the new recovery key.
#[allow(clippy::too_many_arguments)]
fn prepare(
    dir: &DataDir,
    vault: &Vault,
    name: &str,
    password: &SecretString,
    keys: Keys<'_>,
    plans: &[crate::register::FloorPlan],
    event: crate::store::EventDraft,
    progress: &mut dyn Progress,
) -> Result<(u64, crate::vault::RecoveryKey)> {
    let (old_key, new_key) = (keys.old, keys.new);
    step(progress, 0)?;
    let entries = copy_store(dir, keys, event)?;
    step(progress, 1)?;
    for path in key_files(dir) {
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let plain_name = file.trim_end_matches(crate::keys::ENCRYPTED_SUFFIX);
        let aad = crate::keys::key_file_aad(plain_name);
        let data = std::fs::read(&path).map_err(|e| Error::io("cannot read", &path, e))?;
        let plain =
            crate::at_rest::decrypt_bytes(&crate::keys::key_files_key(old_key), &aad, &data)
                .ok_or_else(|| Error::BadKeyFile {
                    path: path.clone(),
                    reason: "it does not open with the office's data key".into(),
                })?;
        let sealed =
            crate::at_rest::encrypt_bytes(&crate::keys::key_files_key(new_key), &aad, &plain);
        crate::fsutil::write_atomic_private(&with_suffix(&path), &sealed)?;
    }
    let from = PlanFiles::new(dir, Some(old_key));
    crate::fsutil::create_private_dir(&new_plans_dir(dir))?;
    let to = PlanFiles::in_folder(new_plans_dir(dir), Some(new_key));
    for plan in plans {
        if !to.write_copy_of(plan, &from)? {
            return Err(Error::from(crate::refusal::Refusal::Internal {
                what: format!(
                    "floor plan {} does not read back as recorded",
                    plan.file_name()
                ),
            }));
        }
    }
    step(progress, 2)?;
    let (new_vault, recovery) =
        vault.rekeyed(name, password, new_key, with_suffix(&Vault::path_in(dir)))?;
    new_vault.save()?;
    Ok((entries, recovery))
}

/// The store copied under the new key, tied to it, verified against the original, and the
/// rekey's `event` recorded in the copy (it takes effect with the copy).
fn copy_store(dir: &DataDir, keys: Keys<'_>, event: crate::store::EventDraft) -> Result<u64> {
    use crate::store::Store;
    let copy = with_suffix(&dir.db_path());
    let old = SqliteStore::open_encrypted(&dir.db_path(), &StoreKey::of(keys.old))?;
    let before = crate::store::verify(&old)?;
    old.export_encrypted_and_close(&copy, &StoreKey::of(keys.new))?;
    let mut new = SqliteStore::open_encrypted(&copy, &StoreKey::of(keys.new))?;
    new.set_vault_check(&keys.new.store_check())?;
    let copied = crate::store::verify(&new)?;
    if (copied.entries, &copied.head) != (before.entries, &before.head) {
        return Err(Error::from(crate::refusal::Refusal::Internal {
            what: "the store copied under the new key does not hold the same ledger".into(),
        }));
    }
    new.append(event)?;
    Ok(copied.entries)
}

/// Step 2: the journal, written atomically: from here the new key is the office's.
fn commit(dir: &DataDir) -> Result<()> {
    let old_plans: Vec<String> = std::fs::read_dir(dir.floor_plans_dir())
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    let text = serde_json::to_string(&Journal { old_plans }).map_err(|e| {
        Error::from(crate::refusal::Refusal::Internal {
            what: e.to_string(),
        })
    })?;
    crate::fsutil::write_atomic_private(&dir.root().join(JOURNAL), text.as_bytes())
}

/// Finish a rekey a kill interrupted: roll forward after the commit, else remove what was
/// prepared. Nothing to do without either. Runs before anything reads the vault or the store.
pub(crate) fn finish(dir: &DataDir) -> Result<()> {
    let journal = dir.root().join(JOURNAL);
    match std::fs::read_to_string(&journal) {
        Ok(text) => {
            let j: Journal = serde_json::from_str(&text).map_err(|e| {
                Error::from(crate::refusal::Refusal::Internal {
                    what: format!("{} is damaged: {e}", journal.display()),
                })
            })?;
            roll_forward(dir, &j)?;
            std::fs::remove_file(&journal).map_err(|e| Error::io("cannot remove", &journal, e))?;
            crate::fsutil::sync_parent(&journal);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => roll_back(dir),
        Err(e) => Err(Error::io("cannot read", &journal, e)),
    }
}

/// Rename `from` over `to` if `from` is there.
fn replace(from: &Path, to: &Path) -> Result<()> {
    if from.exists() {
        std::fs::rename(from, to).map_err(|e| Error::io("cannot rename", from, e))?;
        crate::fsutil::sync_parent(to);
    }
    Ok(())
}

/// Step 3, which can run again: every prepared file takes its place.
fn roll_forward(dir: &DataDir, j: &Journal) -> Result<()> {
    let db = dir.db_path();
    let copy = with_suffix(&db);
    if copy.exists() {
        // The old store was closed with its log folded in; its shared-memory index is stale.
        let _ = std::fs::remove_file(crate::fsutil::with_suffix(&db, "-shm"));
        replace(&copy, &db)?;
    }
    for path in key_files(dir) {
        replace(&with_suffix(&path), &path)?;
    }
    let plans = dir.floor_plans_dir();
    let new_plans = new_plans_dir(dir);
    if let Ok(rd) = std::fs::read_dir(&new_plans) {
        for e in rd.filter_map(|e| e.ok()) {
            replace(&e.path(), &plans.join(e.file_name()))?;
        }
    }
    for name in &j.old_plans {
        crate::fsutil::remove_if_there(&plans.join(name))?;
    }
    let _ = std::fs::remove_dir(&new_plans);
    replace(&with_suffix(&Vault::path_in(dir)), &Vault::path_in(dir))
}

/// Before the commit: what was prepared is removed; the office is as it was.
fn roll_back(dir: &DataDir) -> Result<()> {
    let vault = with_suffix(&Vault::path_in(dir));
    // A file written atomically is first its `.partial` sibling: a kill may leave that too.
    let mut leftovers = vec![
        crate::fsutil::partial_path(&vault),
        vault,
        crate::fsutil::partial_path(&dir.root().join(JOURNAL)),
    ];
    for key in key_files(dir) {
        leftovers.push(crate::fsutil::partial_path(&with_suffix(&key)));
        leftovers.push(with_suffix(&key));
    }
    for p in leftovers {
        crate::fsutil::remove_if_there(&p)?;
    }
    crate::fsutil::remove_sqlite_files(&with_suffix(&dir.db_path()))?;
    match std::fs::remove_dir_all(new_plans_dir(dir)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::io("cannot remove", new_plans_dir(dir), e))
        }
        _ => Ok(()),
    }
}
