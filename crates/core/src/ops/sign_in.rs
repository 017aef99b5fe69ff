//! Sign-in on the embedded store (issue 13): the first admin, signing in and out.
//!
//! A one-PC office keeps its operators in its own store, each with an Argon2id password hash
//! and a role. Once it has any, the office opens only for a signed-in person, who is the actor
//! of every entry and whose role the core checks ([`Office::require`]). An office made before
//! sign-in existed has none: its first `init --admin` adds the admin to the existing store,
//! keeping its data, keys and history.

use age::secrecy::SecretString;

use super::vault::now;
use super::{InitReport, Office};
use crate::operators::{Role, check_name};
use crate::progress::NoProgress;
use crate::store::{FileKind, SqliteStore, Store, file_kind};
use crate::{DataDir, Error, Policy, Result};

/// Sign `name` in to the embedded store of `dir` with `password` and open the office as them.
/// On an office encrypted at rest the password unlocks the data key first (one Argon2id run,
/// which is the check) and only then is the store opened. A wrong password counts toward the
/// policy's lockout; every attempt is recorded.
pub fn sign_in(dir: DataDir, name: &str, password: &SecretString) -> Result<Office> {
    sign_in_at(dir, name, password, now())
}

/// [`sign_in`] at `now` (tests give their own instant).
pub fn sign_in_at(
    dir: DataDir,
    name: &str,
    password: &SecretString,
    now: jiff::Timestamp,
) -> Result<Office> {
    dir.ensure()?;
    if crate::vault::Vault::exists(&dir) {
        // A rekey or a conversion a kill interrupted is finished first.
        super::rekey::finish(&dir)?;
        super::store_encryption::finish_interrupted(&dir)?;
        return super::vault::sign_in_vault(dir, name, password, now);
    }
    let store = super::vault::open_plain(&dir)?;
    sign_in_store(dir, Box::new(store), name, password, now)
}

/// Sign `name` in on an open embedded store, now.
pub(crate) fn sign_in_with(
    dir: DataDir,
    store: Box<dyn Store>,
    name: &str,
    password: &SecretString,
) -> Result<Office> {
    sign_in_store(dir, store, name, password, now())
}

/// Sign `name` in on an open embedded `store` at `now` (tests give their own instant).
pub fn sign_in_store(
    dir: DataDir,
    mut store: Box<dyn Store>,
    name: &str,
    password: &SecretString,
    now: jiff::Timestamp,
) -> Result<Office> {
    if !store.has_operators()? {
        return Err(Error::NoAdmin(store.location()));
    }
    // The name as the roster keeps it (NFC, trimmed): typed on any keyboard, the same person.
    let name = check_name(name)?;
    let rules = Policy::of_office(store.as_ref(), &dir)?.sign_in;
    store.sign_in(&name, password, &rules, now)?;
    Office::with_store(dir, store, "")
}

/// Create the office's first admin: in a new data folder, the office itself (store, vault and
/// keys, as `init`); in an office made before sign-in existed, the admin is added to its store and
/// its data, keys and history stay. Refused once the store has an operator. The admin is
/// signed in on the returned office; the report carries the recovery key, shown once.
pub fn init_admin(
    dir: DataDir,
    name: &str,
    password: &SecretString,
) -> Result<(Office, InitReport)> {
    let mut office = first_admin(dir, name, password)?;
    let keys = if crate::keys::office_keys_exist(&office.dir) {
        super::office_keys(&office)?
    } else {
        super::create_office_keys(&mut office)?
    };
    let report = InitReport {
        data_dir: office.dir.root().display().to_string(),
        keys,
        recovery_key: office.take_recovery_key().map(|k| k.to_paper()),
    };
    Ok((office, report))
}

/// Add the first admin to the embedded store of `dir` (created if new), recorded, with the
/// office's vault: a new data key wrapped for them and for a recovery key, which the returned
/// office holds until [`Office::take_recovery_key`]. The admin is signed in; the office keys
/// are left as they are ([`init_admin`] creates missing ones). Refused, changing nothing, once
/// the store has an operator: from then on an admin adds people.
pub fn first_admin(dir: DataDir, name: &str, password: &SecretString) -> Result<Office> {
    let name = check_name(name)?;
    crate::passwords::check_new(password)?;
    dir.ensure()?;
    let db = dir.db_path();
    let kind = file_kind(&db).map_err(|e| Error::io("cannot read", &db, e))?;
    let (mut store, key, recovery) = match kind {
        FileKind::Missing => super::vault::create_encrypted(&dir, &name, password)?,
        FileKind::Encrypted => {
            // An earlier init made the store and was stopped before its admin was added: the
            // same name and password unlock it, and a store without its admin was never used,
            // so it is made again (with a new recovery key, which this init prints). Anything
            // else is an office with its admin.
            let (_, key, _) = super::vault::unlock(&dir, &name, password, now())
                .map_err(|_| Error::AdminExists(db.display().to_string()))?;
            let store = super::vault::open_unlocked(&dir, &key)?;
            if store.has_operators()? {
                return Err(Error::AdminExists(store.location()));
            }
            drop(store);
            super::vault::remove_store_files(&dir)?;
            super::vault::create_encrypted(&dir, &name, password)?
        }
        // An office made before sign-in existed: the admin and a vault are added to its plain
        // store, which is then encrypted (below).
        FileKind::Plain => {
            let mut store = if crate::vault::Vault::exists(&dir) {
                SqliteStore::open(&db)?
            } else {
                super::vault::open_plain(&dir)?
            };
            if store.has_operators()? {
                return Err(Error::AdminExists(store.location()));
            }
            let (key, recovery) = super::vault::create_vault(&dir, &mut store, &name, password)?;
            (store, key, recovery)
        }
    };
    let at = now().to_string();
    let hash = store.password_verifier(password)?;
    let payload = serde_json::json!({
        "name": name, "role": Role::Admin.id(), "first": true, "vault": true,
    });
    let ev = crate::store::EventDraft::about_no_customer(&at, "operator.added", &name, payload);
    store.add_operator(&name, Role::Admin, &hash, ev)?;
    let mut converted = None;
    if kind == FileKind::Plain {
        // The old office has its admin and its data key now: its store is encrypted at once
        // (creating the admin, who holds the key, is the consent).
        drop(store);
        converted = Some(super::store_encryption::convert(
            &dir,
            &key,
            &mut NoProgress,
        )?);
        store = super::vault::open_unlocked(&dir, &key)?;
    }
    store.sign_in_unlocked(&name, &[], &at, None)?;
    let mut office = Office::with_store(dir, Box::new(store), "")?;
    office.data_key = Some(key);
    office.recovery_key = Some(recovery);
    if let Some(report) = &converted {
        super::store_encryption::record(&mut office, report)?;
    }
    Ok(office)
}

/// Does the office in `dir` sign people in (it has a vault, or its embedded store has
/// operators)? False for a new data folder and for an office made before sign-in existed.
pub fn signs_in(dir: &DataDir) -> Result<bool> {
    if crate::vault::Vault::exists(dir) {
        return Ok(true);
    }
    if !dir.db_path().exists() {
        return Ok(false);
    }
    super::vault::open_plain(dir)?.has_operators()
}

impl Office {
    /// The policy's minutes without use after which the app locks (sign in again).
    pub fn idle_lock_minutes(&self) -> Result<u32> {
        Ok(Policy::of_office(self.store(), self.dir())?
            .sign_in
            .idle_lock_minutes)
    }
}
