//! Encryption at rest in the use cases (issue 14): signing in unlocks the office, a new operator
//! gets a wrap of the data key, a new password rewraps it, the recovery key sets a new password.
//!
//! On an office with a vault ([`Vault`]) the password is checked ONCE, by unwrapping the data
//! key (one Argon2id run); only then is the store opened. Refused attempts are kept in the vault
//! file and recorded in the ledger at the next successful sign-in.

use age::secrecy::SecretString;

use super::Office;
use crate::operators::{SignInPolicy, check_name};
use crate::store::{EventDraft, SqliteStore, Store};
use crate::vault::{DataKey, PendingFailure, RecoveryKey, Unlock, Vault};
use crate::{DataDir, Error, Policy, Result};

/// Now, to the millisecond (as the ledger records it).
pub(crate) fn now() -> jiff::Timestamp {
    let now = jiff::Timestamp::now();
    now.round(jiff::Unit::Millisecond).unwrap_or(now)
}

fn event(at: &str, kind: &str, actor: &str, payload: serde_json::Value) -> EventDraft {
    EventDraft::about_no_customer(at, kind, actor, payload)
}

/// The ledger entries of refused attempts the vault kept, recorded at `at` (each names when it
/// happened): as the store records them when it can be read at the attempt.
fn failure_events(pending: &[PendingFailure], at: &str) -> Vec<EventDraft> {
    let mut out = Vec::new();
    for p in pending {
        let mut payload = serde_json::json!({
            "name": p.name, "failed": true, "reason": p.reason, "attemptedAt": p.at,
        });
        if let Some(n) = p.attempt {
            payload["attempt"] = n.into();
        }
        out.push(event(at, "operator.sign_in_failed", &p.name, payload));
        if let Some(until) = &p.locked_until {
            let payload = serde_json::json!({
                "name": p.name, "attempts": p.attempt, "lockedUntil": until, "attemptedAt": p.at,
            });
            out.push(event(at, "operator.locked", &p.name, payload));
        }
    }
    out
}

/// Open the embedded store of `dir` with no vault to unlock it: refused
/// ([`Error::VaultMissing`]) when the store belongs to a data key, so a deleted vault file is
/// said as such.
pub(crate) fn open_plain(dir: &DataDir) -> Result<SqliteStore> {
    dir.ensure()?;
    // Not a plain file, and no vault to open it: the office's vault file is missing.
    if crate::store::file_kind(&dir.db_path()).ok() == Some(crate::store::FileKind::Encrypted) {
        return Err(Error::VaultMissing(dir.root().to_path_buf()));
    }
    let store = SqliteStore::open(&dir.db_path())?;
    if store.vault_check()?.is_some() {
        return Err(Error::VaultMissing(dir.root().to_path_buf()));
    }
    Ok(store)
}

/// Open the embedded store of `dir`, encrypted with its data key; a key that is not the
/// store's is refused ([`Error::VaultMismatch`]), and so is a store that is still a plain file
/// ([`Error::StoreNotEncrypted`]: it is converted first, with consent, by
/// [`crate::ops::encrypt_office`]).
pub(crate) fn open_unlocked(dir: &DataDir, key: &DataKey) -> Result<SqliteStore> {
    dir.ensure()?;
    let store = match SqliteStore::open_encrypted(&dir.db_path(), &crate::store::StoreKey::of(key))
    {
        Err(Error::StoreKeyWrong(_)) => {
            return Err(Error::VaultMismatch(dir.root().to_path_buf()));
        }
        other => other?,
    };
    check_store_of(dir, &store, key)?;
    Ok(store)
}

/// Is `store` the one `key` belongs to (the check the store keeps, set when the vault was
/// made)? [`Error::VaultMismatch`] if not.
pub(crate) fn check_store_of(dir: &DataDir, store: &SqliteStore, key: &DataKey) -> Result<()> {
    if store.vault_check()?.as_deref() != Some(key.store_check().as_str()) {
        return Err(Error::VaultMismatch(dir.root().to_path_buf()));
    }
    Ok(())
}

/// Open the store of `dir` with its data key whether it is encrypted yet or still a plain file
/// of an earlier version (for the recovery key, which must work on either).
fn open_unlocked_any(dir: &DataDir, key: &DataKey) -> Result<SqliteStore> {
    if crate::store::file_kind(&dir.db_path()).ok() != Some(crate::store::FileKind::Plain) {
        return open_unlocked(dir, key);
    }
    let store = SqliteStore::open(&dir.db_path())?;
    check_store_of(dir, &store, key)?;
    Ok(store)
}

/// Count a refused attempt in the vault (saved) and say why it was refused.
fn refused(mut vault: Vault, name: String, why: Unlock, now: jiff::Timestamp) -> Error {
    let locked = match why {
        Unlock::WrongPassword => vault.note_failure(&name, "wrong password", true, now),
        _ => vault.note_failure(&name, "unknown or disabled", false, now),
    };
    if let Err(e) = vault.save() {
        return e;
    }
    match locked {
        Some(until) => Error::OperatorLocked {
            operator: name,
            until,
        },
        None => Error::SignInFailed(name),
    }
}

/// Sign `name` in on the office of `dir`, which has a vault, at `now`.
pub(crate) fn sign_in_vault(
    dir: DataDir,
    name: &str,
    password: &SecretString,
    now: jiff::Timestamp,
) -> Result<Office> {
    let (vault, key, name) = unlock(&dir, name, password, now)?;
    let store = open_unlocked(&dir, &key)?;
    signed_in(dir, store, key, vault, &name, now)
}

/// Unlock the data key of the office in `dir` with `name`'s password at `now` (one Argon2id
/// run); a refused attempt is counted in the vault (saved) and said. Returns the vault, the
/// key and the name as the roster keeps it.
pub(crate) fn unlock(
    dir: &DataDir,
    name: &str,
    password: &SecretString,
    now: jiff::Timestamp,
) -> Result<(Vault, DataKey, String)> {
    let mut vault = Vault::load(dir)?;
    let name = check_name(name)?;
    if let Some(until) = vault.locked_until(&name, now) {
        vault.note_failure(&name, "locked", false, now);
        vault.save()?;
        return Err(Error::OperatorLocked {
            operator: name,
            until,
        });
    }
    match vault.unlock(&name, password)? {
        Unlock::Key(key) => Ok((vault, key, name)),
        why => Err(refused(vault, name, why, now)),
    }
}

/// The password was right: record the attempts the vault kept and the sign-in, then open the
/// office holding the data key.
pub(crate) fn signed_in(
    dir: DataDir,
    store: SqliteStore,
    key: DataKey,
    vault: Vault,
    name: &str,
    now: jiff::Timestamp,
) -> Result<Office> {
    signed_in_via(dir, store, key, vault, name, now, None)
}

/// [`signed_in`], the data key unlocked `via` something else than the password typed (the OS
/// key store), which the sign-in's entry says.
pub(crate) fn signed_in_via(
    dir: DataDir,
    mut store: SqliteStore,
    key: DataKey,
    mut vault: Vault,
    name: &str,
    now: jiff::Timestamp,
    via: Option<&str>,
) -> Result<Office> {
    let rules = Policy::of_office(&store, &dir)?.sign_in;
    let pending = vault.take_pending(name, &rules);
    let at = now.to_string();
    let res = store.sign_in_unlocked(name, &failure_events(&pending, &at), &at, via);
    // The kept attempts are in the ledger now (with the sign-in, or its refusal).
    vault.save()?;
    res?;
    let mut office = Office::with_store(dir, Box::new(store), "")?;
    office.data_key = Some(key);
    Ok(office)
}

/// A new office's vault: a data key wrapped for the first admin and the recovery key, saved,
/// and the store tied to it (the first admin's `operator.added` entry says so). Replaces the
/// vault of an earlier attempt that never got its admin into the store.
pub(crate) fn create_vault(
    dir: &DataDir,
    store: &mut SqliteStore,
    admin: &str,
    password: &SecretString,
) -> Result<(DataKey, RecoveryKey)> {
    let rules: SignInPolicy = Policy::of_office(&*store, dir)?.sign_in;
    let (vault, key, recovery) = Vault::create(dir, admin, password, &rules)?;
    vault.save()?;
    store.set_vault_check(&key.store_check())?;
    Ok((key, recovery))
}

/// A new office: its vault first (a data key wrapped for the first admin and for a recovery
/// key, saved before any data exists), then its store, encrypted from its first page and tied
/// to the vault. A vault left by an earlier attempt that never made its store is replaced.
pub(crate) fn create_encrypted(
    dir: &DataDir,
    admin: &str,
    password: &SecretString,
) -> Result<(SqliteStore, DataKey, RecoveryKey)> {
    let (mut vault, key, recovery) =
        Vault::create(dir, admin, password, &Policy::default().sign_in)?;
    vault.save()?;
    let mut store = SqliteStore::open_encrypted(&dir.db_path(), &crate::store::StoreKey::of(&key))?;
    // A policy file of an older version in the folder may set other lockout rules.
    let rules = Policy::of_office(&store, dir)?.sign_in;
    vault.set_lockout(&rules);
    vault.save()?;
    store.set_vault_check(&key.store_check())?;
    Ok((store, key, recovery))
}

/// Remove the embedded store's files (a store never used, being made again).
pub(crate) fn remove_store_files(dir: &DataDir) -> Result<()> {
    crate::fsutil::remove_sqlite_files(&dir.db_path())
}

/// The vault of an office signed in with its data key: [`Error::NoVault`] for an office not
/// encrypted at rest, [`Error::SignInRequired`] without the key in hand.
pub(crate) fn vault_of(office: &Office) -> Result<(Vault, DataKey)> {
    if office.store.is_shared() || !Vault::exists(&office.dir) {
        return Err(Error::NoVault(office.dir.root().to_path_buf()));
    }
    let key = office
        .data_key
        .clone()
        .ok_or_else(|| Error::SignInRequired(office.store.location()))?;
    Ok((Vault::load(&office.dir)?, key))
}

/// Change the vault of an office that has one, and save it (nothing to do without one).
fn update_vault(office: &Office, change: impl FnOnce(&mut Vault) -> Result<()>) -> Result<()> {
    if office.store.is_shared() || !Vault::exists(&office.dir) {
        return Ok(());
    }
    let mut vault = Vault::load(&office.dir)?;
    change(&mut vault)?;
    vault.save()
}

/// Can this office wrap its data key for a new person? Yes without a vault; with one, only
/// when opened by a sign-in that unlocked it ([`Error::SignInRequired`] otherwise).
pub(crate) fn can_wrap(office: &Office) -> Result<()> {
    if office.store.is_shared() || !Vault::exists(&office.dir) || office.data_key.is_some() {
        return Ok(());
    }
    Err(Error::SignInRequired(office.store.location()))
}

/// After an operator was added to the roster: wrap the data key for them (the signed-in admin
/// holds it).
pub(crate) fn wrap_for_new_operator(
    office: &Office,
    name: &str,
    password: &SecretString,
) -> Result<()> {
    update_vault(office, |vault| {
        let key = office
            .data_key
            .as_ref()
            .ok_or_else(|| Error::SignInRequired(office.store.location()))?;
        vault.set_operator(name, password, key)
    })
}

/// After the policy changed: the vault's copy of the lockout rules follows.
pub(crate) fn lockout_changed(office: &Office, rules: &SignInPolicy) -> Result<()> {
    update_vault(office, |vault| {
        vault.set_lockout(rules);
        Ok(())
    })
}

/// After an operator was disabled: their wrap is removed, so their password unlocks nothing.
pub(crate) fn unwrap_for_disabled(office: &Office, name: &str) -> Result<()> {
    update_vault(office, |vault| {
        vault.remove_operator(name);
        Ok(())
    })
}

/// Change the signed-in person's own password: `current` is checked by unwrapping (one
/// Argon2id run), the data key is rewrapped under `new` (the data is not re-encrypted), the
/// store's hash replaced, recorded. A wrong `current` changes nothing. On a shared office, the
/// login's own password on the server, and this PC's wrap of its office keys
/// ([`super::pc_keys::change_login_password`]).
pub fn change_password(
    office: &mut Office,
    current: &SecretString,
    new: &SecretString,
) -> Result<()> {
    if office.store.is_shared() {
        return super::pc_keys::change_login_password(office, current, new);
    }
    let (mut vault, key) = vault_of(office)?;
    let name = office.operator().to_string();
    crate::passwords::check_new(new)?;
    match vault.unlock(&name, current)? {
        Unlock::Key(k) if k.store_check() == key.store_check() => {}
        Unlock::Key(_) => return Err(Error::VaultMismatch(office.dir.root().to_path_buf())),
        _ => return Err(Error::SignInFailed(name)),
    }
    let hash = office.store.password_verifier(new)?;
    let ev = office.event(
        "operator.password_changed",
        serde_json::json!({ "name": name, "via": "password" }),
    );
    office.store.set_password(&name, &hash, ev)?;
    vault.set_operator(&name, new, &key)?;
    vault.save()
}

/// Give `name` a new password with the office's recovery key (every password lost, or one
/// person's forgotten): the typed key is checked for typos first, then must unlock the vault;
/// the person must be active on the roster. Recorded, and they are signed in.
pub fn recover_operator(
    dir: DataDir,
    recovery_key: &str,
    name: &str,
    new_password: &SecretString,
) -> Result<Office> {
    let recovery = RecoveryKey::parse(recovery_key)?;
    let name = check_name(name)?;
    crate::passwords::check_new(new_password)?;
    let mut vault = Vault::load(&dir)?;
    let key = vault.unlock_with_recovery(&recovery)?;
    let mut store = open_unlocked_any(&dir, &key)?;
    let now = now();
    let hash = store.password_verifier(new_password)?;
    let ev = event(
        &now.to_string(),
        "operator.password_changed",
        &name,
        serde_json::json!({ "name": name, "via": "recovery key" }),
    );
    store.set_password_hash(&name, &hash, &ev)?;
    vault.set_operator(&name, new_password, &key)?;
    vault.save()?;
    signed_in(dir, store, key, vault, &name, now)
}
