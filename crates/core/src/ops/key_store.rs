//! Opening a one-PC office on this PC without typing (issue 14): an operator signed in with their
//! password lets the OS key store of this computer keep a secret that unwraps the office's data
//! key for them ([`crate::os_key_store`]); later, naming themselves is enough on this PC and
//! under this computer account. Each change is recorded; each sign-in this way says so in its
//! entry (`"via": "os_key_store"`). The leak report counts such a PC as holding its key.

use serde::Serialize;
use ts_rs::TS;
use zeroize::Zeroizing;

use super::Office;
use super::vault::{open_unlocked, signed_in_via};
use crate::operators::check_name;
use crate::os_key_store::KeyStore;
use crate::vault::Vault;
use crate::{DataDir, Error, Result};

/// What `via` the sign-in's entry gives for a key store sign-in.
const VIA: &str = "os_key_store";

/// Who may open this office on this PC without typing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyStoreStatus {
    /// The operators whose entry in this PC's key store opens the office.
    pub operators: Vec<String>,
    /// The key store of this computer (Secret Service, Keychain, Windows Credential Manager).
    pub kind: String,
}

/// Who has a key store entry for the office in `dir` (read from its vault; the key store is not
/// asked). Empty for an office that is not encrypted at rest.
pub fn key_store_operators(dir: &DataDir) -> Result<Vec<String>> {
    if !Vault::exists(dir) {
        return Ok(Vec::new());
    }
    Ok(Vault::load(dir)?.key_store_operators())
}

/// The status of the office in `dir` on this PC, with key store `ks`.
pub fn key_store_status(dir: &DataDir, ks: &dyn KeyStore) -> Result<KeyStoreStatus> {
    Ok(KeyStoreStatus {
        operators: key_store_operators(dir)?,
        kind: ks.kind().to_string(),
    })
}

/// The status after a change, from the vault just saved (not read again).
fn status_of(vault: &Vault, ks: &dyn KeyStore) -> KeyStoreStatus {
    KeyStoreStatus {
        operators: vault.key_store_operators(),
        kind: ks.kind().to_string(),
    }
}

/// Let the signed-in operator open `office` on this PC without typing: a new secret in `ks`,
/// the data key wrapped under it in the vault, recorded (`pc.key_store_enabled`). Replaces
/// their earlier entry. Refused on a shared office (its PCs hold no data key) and on one not
/// encrypted at rest; if any step fails, the others are undone.
pub fn remember_on_this_pc(office: &mut Office, ks: &dyn KeyStore) -> Result<KeyStoreStatus> {
    let key = usable_key(office)?;
    let name = office.operator.clone();
    let mut vault = Vault::load(&office.dir)?;
    let before = vault.key_store_account(&name);
    let secret: Zeroizing<[u8; 32]> = Zeroizing::new(rand::random());
    let account = vault.set_key_store_wrap(&name, &secret, &key);
    ks.set(&account, secret.as_ref())?;
    let undo = |ks: &dyn KeyStore| {
        let _ = ks.delete(&account);
    };
    if let Err(e) = vault.save() {
        undo(ks);
        return Err(e);
    }
    let event = office.event(
        "pc.key_store_enabled",
        serde_json::json!({ "operator": name, "keyStore": ks.kind() }),
    );
    if let Err(e) = office.store.append(event) {
        vault.remove_key_store_wrap(&name);
        let _ = vault.save();
        undo(ks);
        return Err(e);
    }
    if let Some(old) = before.filter(|old| *old != account) {
        // The old wrap is gone: its secret opens nothing any more.
        let _ = ks.delete(&old);
    }
    Ok(status_of(&vault, ks))
}

/// Stop opening `office` on this PC without typing for the signed-in operator: their wrap is
/// removed from the vault (from then on the secret opens nothing), their key store entry
/// deleted, recorded (`pc.key_store_disabled`). Nothing to forget changes nothing.
pub fn forget_on_this_pc(office: &mut Office, ks: &dyn KeyStore) -> Result<KeyStoreStatus> {
    let name = office.operator.clone();
    if office.store.is_shared() || !Vault::exists(&office.dir) {
        return key_store_status(&office.dir, ks);
    }
    let mut vault = Vault::load(&office.dir)?;
    let Some(account) = vault.remove_key_store_wrap(&name) else {
        return Ok(status_of(&vault, ks));
    };
    vault.save()?;
    let removed = ks.delete(&account).is_ok();
    let event = office.event(
        "pc.key_store_disabled",
        serde_json::json!({ "operator": name, "keyStore": ks.kind(), "entryRemoved": removed }),
    );
    office.store.append(event)?;
    Ok(status_of(&vault, ks))
}

/// Sign `name` in to the office in `dir` with their secret from `ks`, without a password. Refused
/// with [`Error::KeyStoreNoEntry`] when they have no wrap here, the key store has no secret for
/// it, or the secret does not open it (then the password is the way in, and nothing changed).
pub fn sign_in_with_key_store(dir: DataDir, name: &str, ks: &dyn KeyStore) -> Result<Office> {
    dir.ensure()?;
    if !Vault::exists(&dir) {
        return Err(Error::NoVault(dir.root().to_path_buf()));
    }
    // A rekey or a conversion a kill interrupted is finished first, as at any sign-in.
    super::rekey::finish(&dir)?;
    super::store_encryption::finish_interrupted(&dir)?;
    let vault = Vault::load(&dir)?;
    let name = check_name(name)?;
    let none = || Error::KeyStoreNoEntry {
        operator: name.clone(),
    };
    let account = vault.key_store_account(&name).ok_or_else(none)?;
    let secret = ks.get(&account)?.ok_or_else(none)?;
    let key = vault
        .unlock_with_key_store(&name, &secret)?
        .ok_or_else(none)?;
    let store = open_unlocked(&dir, &key)?;
    signed_in_via(
        dir,
        store,
        key,
        vault,
        &name,
        super::vault::now(),
        Some(VIA),
    )
}

/// The data key of a one-PC office encrypted at rest, or why there is none to keep.
fn usable_key(office: &Office) -> Result<crate::vault::DataKey> {
    if office.store.is_shared() {
        return Err(Error::KeyStoreShared);
    }
    office
        .data_key
        .clone()
        .ok_or_else(|| Error::NoVault(office.dir.root().to_path_buf()))
}
