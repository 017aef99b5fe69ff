//! Converting an office of an earlier version to encryption at rest (issue 14).
//!
//! An office made before this version has a vault (its data key, unlocked by each operator's
//! password) but keeps its store as a plain SQLite file that anyone holding the PC can read.
//! Signing in to such an office is refused ([`Error::StoreNotEncrypted`]) until the person
//! agrees to convert it; [`encrypt_office`] then does, in steps a kill can interrupt at any
//! point without losing data:
//!
//! 1. **Copy**: the plain store is copied into `handover.sqlite3.encrypting`, encrypted with the
//!    store key (SQLCipher's `sqlcipher_export`) and made durable; the plain store's log is
//!    folded back into its file, so no `-wal` is left beside it.
//! 2. **Verify**: the copy is opened with the key and must hold the same ledger (every entry's
//!    hash checked, same head), the same number of customers and agree with its own tables.
//! 3. **Swap**: the plain file gets a second name (`handover.sqlite3.plaintext-old`, a hard
//!    link), then the encrypted copy is renamed over `handover.sqlite3`: one atomic step.
//! 4. **Erase**: the plain file under its second name is overwritten with zeros and removed.
//!
//! A kill before step 3 leaves the plain store in place and a partial copy, which the next
//! attempt removes; a kill after it leaves the encrypted store in place and a plain file to
//! erase, which the next sign-in or attempt erases ([`finish_interrupted`]). There is never a
//! half-converted store under the store's name.

use age::secrecy::SecretString;
use serde::Serialize;
use ts_rs::TS;

use super::Office;
use super::vault::{now, open_unlocked, signed_in, unlock};
use crate::progress::{Flow, Progress};
use crate::store::{FileKind, SqliteStore, Store, file_kind};
use crate::vault::{DataKey, Vault};
use crate::{DataDir, Error, Result};

/// What the conversion moved, to show the person (and recorded in the ledger).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EncryptReport {
    /// Ledger entries carried over (each verified in the encrypted copy).
    #[ts(type = "number")]
    pub entries: u64,
    /// Customers in the register.
    #[ts(type = "number")]
    pub customers: u64,
    /// The ledger's head hash, the same before and after.
    pub head: Option<String>,
    /// Floor plans and secret key files encrypted beside the store ([`super::encrypt_files`]).
    #[ts(type = "number")]
    pub files: u64,
}

/// The steps, as progress: `done` of [`STEPS`].
pub const STEPS: u64 = 4;

/// The encrypted copy being written, beside the store.
fn partial_path(dir: &DataDir) -> std::path::PathBuf {
    with_suffix(dir, ".encrypting")
}

/// The plain store's second name between the swap and its erasure.
fn old_plain_path(dir: &DataDir) -> std::path::PathBuf {
    with_suffix(dir, ".plaintext-old")
}

fn with_suffix(dir: &DataDir, suffix: &str) -> std::path::PathBuf {
    crate::fsutil::with_suffix(&dir.db_path(), suffix)
}

/// Does the office in `dir` need converting before anyone works (a vault, and a store that is
/// still a plain file)?
pub fn needs_encryption(dir: &DataDir) -> Result<bool> {
    let db = dir.db_path();
    let kind = file_kind(&db).map_err(|e| Error::io("cannot read", &db, e))?;
    Ok(kind == FileKind::Plain && Vault::exists(dir))
}

/// Convert the office in `dir` (see the module's documentation), signing `name` in with
/// `password`, which unlocks the data key: a wrong password is refused and counted as at
/// sign-in, and nothing is converted. Progress goes in [`STEPS`]; a cancel before the swap
/// leaves the office as it was. An office already converted is simply signed in to (after
/// finishing an interrupted conversion's erasure). Recorded in the ledger.
pub fn encrypt_office(
    dir: DataDir,
    name: &str,
    password: &SecretString,
    progress: &mut dyn Progress,
) -> Result<(Office, Option<EncryptReport>)> {
    dir.ensure()?;
    if !Vault::exists(&dir) {
        return Err(Error::NoVault(dir.root().to_path_buf()));
    }
    let at = now();
    let (vault, key, name) = unlock(&dir, name, password, at)?;
    finish_interrupted(&dir)?;
    let report = match needs_encryption(&dir)? {
        true => Some(convert(&dir, &key, progress)?),
        // The store is encrypted: files a killed conversion left in clear are finished.
        false => {
            super::at_rest::encrypt_files(&dir, &key, &mut crate::progress::NoProgress)?;
            None
        }
    };
    let store = open_unlocked(&dir, &key)?;
    let mut office = signed_in(dir, store, key, vault, &name, at)?;
    if let Some(r) = &report {
        record(&mut office, r)?;
    }
    Ok((office, report))
}

/// Record a conversion in the ledger (after the entries it carried over).
pub(crate) fn record(office: &mut Office, r: &EncryptReport) -> Result<()> {
    let payload = serde_json::json!({
        "entries": r.entries, "customers": r.customers, "head": r.head, "files": r.files,
        "cipher": "sqlcipher4-aes256-hmac-sha256",
    });
    let ev = office.event("office.encrypted_at_rest", payload);
    office.store.append(ev)?;
    Ok(())
}

/// Finish what a killed conversion left: a partial encrypted copy is removed (the plain store
/// is still in place); a plain file under its second name is erased once the encrypted store
/// is in place, or only unlinked while it is still the store itself.
pub(crate) fn finish_interrupted(dir: &DataDir) -> Result<()> {
    crate::fsutil::remove_sqlite_files(&partial_path(dir))?;
    let old = old_plain_path(dir);
    if !old.exists() {
        return Ok(());
    }
    let db = dir.db_path();
    match file_kind(&db).map_err(|e| Error::io("cannot read", &db, e))? {
        // The swap happened: the old name holds the only plain copy.
        FileKind::Encrypted => crate::at_rest::shred(&old),
        // The swap did not happen: the old name is the live store's second name.
        _ => std::fs::remove_file(&old).map_err(|e| Error::io("cannot remove", &old, e)),
    }
}

fn step(progress: &mut dyn Progress, done: u64) -> Result<()> {
    match progress.update(done, Some(STEPS)) {
        Flow::Continue => Ok(()),
        Flow::Cancel => Err(Error::Cancelled),
    }
}

/// Steps 1 to 4 on a plain store with a vault; the data key was unlocked. Nothing has the
/// store open.
pub(crate) fn convert(
    dir: &DataDir,
    key: &DataKey,
    progress: &mut dyn Progress,
) -> Result<EncryptReport> {
    let db = dir.db_path();
    let partial = partial_path(dir);
    let plain = SqliteStore::open(&db)?;
    super::vault::check_store_of(dir, &plain, key)?;
    let before = summary(&plain)?;
    // The floor plans and keys first, each on its own and readable in either form meanwhile:
    // once the store is swapped in, nothing is left in clear, whenever a kill comes.
    let files = super::at_rest::encrypt_files(dir, key, &mut crate::progress::NoProgress)?;
    step(progress, 0)?;
    let copied = plain.export_encrypted_and_close(&partial, &crate::store::StoreKey::of(key));
    if let Err(e) = copied {
        let _ = finish_interrupted(dir);
        return Err(e);
    }
    if let Err(e) = step(progress, 1) {
        let _ = finish_interrupted(dir);
        return Err(e);
    }
    let after = SqliteStore::open_encrypted(&partial, &crate::store::StoreKey::of(key))
        .and_then(|s| summary(&s));
    if after.as_ref().ok() != Some(&before) {
        let _ = finish_interrupted(dir);
        return Err(match after {
            Err(e) => e,
            Ok(_) => Error::from(crate::refusal::Refusal::Internal {
                what: "the encrypted copy does not hold the same ledger and register".into(),
            }),
        });
    }
    if let Err(e) = step(progress, 2) {
        let _ = finish_interrupted(dir);
        return Err(e);
    }
    swap(dir)?;
    // From here the encrypted store is in place: the plain copy is erased whatever the
    // progress answers.
    let _ = progress.update(3, Some(STEPS));
    crate::at_rest::shred(&old_plain_path(dir))?;
    let _ = progress.update(STEPS, Some(STEPS));
    Ok(EncryptReport {
        files: files.floor_plans + files.key_files,
        ..before
    })
}

/// The plain store keeps a second name; the encrypted copy takes the store's name (atomic).
fn swap(dir: &DataDir) -> Result<()> {
    let (db, old, partial) = (dir.db_path(), old_plain_path(dir), partial_path(dir));
    std::fs::hard_link(&db, &old).map_err(|e| Error::io("cannot link", &old, e))?;
    // The plain store was closed with no log left; its shared-memory index, if any, is stale
    // and must not meet the encrypted file.
    let shm = with_suffix(dir, "-shm");
    if shm.exists() && !with_suffix(dir, "-wal").exists() {
        std::fs::remove_file(&shm).map_err(|e| Error::io("cannot remove", &shm, e))?;
    }
    std::fs::rename(&partial, &db).map_err(|e| Error::io("cannot rename", &partial, e))?;
    crate::fsutil::sync_parent(&db);
    Ok(())
}

/// What must be the same before and after: the verified ledger (entries and head) and the
/// register's size.
fn summary(store: &SqliteStore) -> Result<EncryptReport> {
    let verified = crate::store::verify(store)?;
    Ok(EncryptReport {
        entries: verified.entries,
        customers: store.customer_count()?,
        head: verified.head,
        files: 0,
    })
}
