//! A shared office's PC keeps the office keys encrypted at rest too (issue 14).
//!
//! A PC of a shared (PostgreSQL) office holds no register, but it holds the office's escrow
//! identity and signing key. They are kept as on a one-PC office — `keys/*.enc`, encrypted
//! with a sub-key of a data key ([`crate::keys::key_files_key`]) — under a random **PC key**
//! of this PC's own, which `pc-vault.json` holds wrapped with the one vault format
//! ([`Vault`]): once for each PostgreSQL login that set the PC up (`init --store`, `join`,
//! `store copy`, or an admin's `operator add` on it), under Argon2id of the password that login
//! signs in to the server with; and once under the office's signing key itself (HKDF), so that
//! whoever holds the office keys — an `export-keys` file and its passphrase — can add a login
//! to the PC without anyone else's password. On a PC set up by `init` or `join` that wrap
//! gives nothing more than what it needs: the PC key guards only those same keys. A login's
//! `operator password` rewraps its wrap on this PC under the new password.
//!
//! A PC that was a one-PC office before `store copy` keeps that office's data key as its PC
//! key: the key files stay one set, which its embedded store's operators (going back to this
//! PC's own data) and the server's logins both open. The wrap under the office keys then also
//! reaches that embedded store, whose data the office's people read on the server anyway.
//!
//! Signing in to the server (the server checks the password) then unwraps the PC key with the
//! same password: one Argon2id run. A login without a wrap still opens the office for what
//! needs no keys.
//!
//! Where the password is not typed but comes from the URL, `PGPASSWORD` or `~/.pgpass`
//! ([`crate::store::postgres::Target::password_for`]), that same password wraps the key: the
//! PC is then as safe as that password's keeper — whoever can read the `.pgpass` file (or the
//! environment) of this PC's user can open the office keys, as they can sign in to the server.

use std::path::PathBuf;

use age::secrecy::SecretString;

use crate::keys::OfficeKeys;
use crate::refusal::{PcKeysProblem, Refusal};
use crate::vault::{DataKey, Unlock, Vault};
use crate::{DataDir, Result};

/// The PC vault's file name in the data folder (beside, never instead of, a one-PC office's
/// `vault.json`).
pub const FILE_NAME: &str = "pc-vault.json";

/// The PC vault file of `dir`.
pub fn path_in(dir: &DataDir) -> PathBuf {
    dir.root().join(FILE_NAME)
}

/// Does `dir` have a PC vault?
pub fn exists(dir: &DataDir) -> bool {
    path_in(dir).is_file()
}

/// What a login's password found in this PC's vault.
#[derive(Debug)]
pub enum Found {
    /// The PC key.
    Key(DataKey),
    /// The login has a wrap, made under another password.
    OtherPassword,
    /// The login has no wrap (or the PC has no vault).
    NoWrap,
}

/// Unwrap the PC key of `dir` with `login`'s password (one Argon2id run).
pub(crate) fn unlock(dir: &DataDir, login: &str, password: &SecretString) -> Result<Found> {
    let Some(vault) = Vault::load_from(path_in(dir))? else {
        return Ok(Found::NoWrap);
    };
    Ok(match vault.unlock(login, password)? {
        Unlock::Key(key) => Found::Key(key),
        Unlock::WrongPassword => Found::OtherPassword,
        Unlock::NoWrap => Found::NoWrap,
    })
}

/// Does this PC's vault hold a wrap for `login`?
pub(crate) fn has_wrap(dir: &DataDir, login: &str) -> Result<bool> {
    Ok(Vault::load_from(path_in(dir))?.is_some_and(|v| v.operators().iter().any(|o| o == login)))
}

/// The PC key, unwrapped with the office keys `keys` (None without a PC vault, or when `keys`
/// are not the ones it was made for).
pub(crate) fn unlock_with_keys(dir: &DataDir, keys: &OfficeKeys) -> Result<Option<DataKey>> {
    match Vault::load_from(path_in(dir))? {
        Some(vault) => vault.unlock_with_office_keys(keys.signing_seed()),
        None => Ok(None),
    }
}

/// This PC's key for the office keys `keys`, with `login`'s wrap under `password` added: the
/// key of the PC vault that opens with `keys`, else a new PC vault ([`create`]).
pub(crate) fn key_for(
    dir: &DataDir,
    login: &str,
    password: &SecretString,
    keys: &OfficeKeys,
) -> Result<DataKey> {
    match unlock_with_keys(dir, keys)? {
        Some(key) => {
            add_login(dir, login, password, &key)?;
            Ok(key)
        }
        None => create(dir, login, password, keys),
    }
}

/// A new PC vault for `keys` (replacing any): a fresh PC key wrapped for `login` under
/// `password` and under the office keys, saved before any key file is written with it.
pub(crate) fn create(
    dir: &DataDir,
    login: &str,
    password: &SecretString,
    keys: &OfficeKeys,
) -> Result<DataKey> {
    create_with(dir, login, password, keys, DataKey::generate())
}

/// [`create`] with a given PC key.
pub(crate) fn create_with(
    dir: &DataDir,
    login: &str,
    password: &SecretString,
    keys: &OfficeKeys,
    key: DataKey,
) -> Result<DataKey> {
    let mut vault = Vault::empty_at(path_in(dir));
    vault.set_operator(login, password, &key)?;
    vault.set_office_keys_wrap(keys.signing_seed(), &key);
    vault.save()?;
    Ok(key)
}

/// Wrap this PC's `key` for `login` under `password` too (replacing its wrap if any).
pub(crate) fn add_login(
    dir: &DataDir,
    login: &str,
    password: &SecretString,
    key: &DataKey,
) -> Result<()> {
    let Some(mut vault) = Vault::load_from(path_in(dir))? else {
        return Ok(());
    };
    vault.set_operator(login, password, key)?;
    vault.save()
}

/// Remove `login`'s wrap from this PC's vault, if it has one.
pub(crate) fn remove_login(dir: &DataDir, login: &str) -> Result<()> {
    let Some(mut vault) = Vault::load_from(path_in(dir))? else {
        return Ok(());
    };
    if vault.operators().iter().any(|o| o == login) {
        vault.remove_operator(login);
        vault.save()?;
    }
    Ok(())
}

/// The password to wrap the PC key under: the one `login` signs in with, or the refusal
/// that there is none.
pub(crate) fn password_or_refuse(
    password: Option<SecretString>,
    login: &str,
) -> Result<SecretString> {
    password.ok_or_else(|| {
        Refusal::PcKeys(PcKeysProblem::NoPassword {
            login: login.to_string(),
        })
        .into()
    })
}
