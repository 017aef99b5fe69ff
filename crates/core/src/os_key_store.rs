//! The OS key store (issue 14): Secret Service on Linux, Keychain on macOS, Credential Manager
//! on Windows, through the `keyring` crate.
//!
//! An operator may let a one-PC office open on this PC without typing their password: a random
//! 32-byte secret goes into the OS key store of the person signed in to the computer, and the
//! office's vault wraps the data key once more under that secret ([`crate::vault::Vault`],
//! holder `keystore:<name>`). Neither half opens anything alone: the vault file copied off the
//! PC lacks the secret, and the secret is only a key-encryption key for that one wrap. Who opens
//! the office this way is still a person: the operator whose wrap it is, vouched for by the
//! computer's own sign-in (which unlocks the key store), and recorded as such in the ledger.
//!
//! The price is that the key is on the device: whoever has the PC and its user's session opens
//! the office, so a lost PC with such an entry is not exempt from the leak report (the report
//! says so, [`crate::report::DeviceReason::KeyInOsKeyStore`]).

use zeroize::Zeroizing;

use crate::{Error, Result};

/// The service name the entries are kept under (what a person sees in their key store).
pub const SERVICE: &str = "Handover";

/// Where the secrets are kept: the OS key store in the product ([`OsKeyStore`]); the tests give
/// their own to run without a desktop session.
pub trait KeyStore {
    /// The key store's name, for messages and the ledger.
    fn kind(&self) -> &'static str;
    /// The secret kept for `account`, if any.
    fn get(&self, account: &str) -> Result<Option<Zeroizing<Vec<u8>>>>;
    /// Keep `secret` for `account` (replacing one kept before).
    fn set(&self, account: &str, secret: &[u8]) -> Result<()>;
    /// Remove what is kept for `account` (nothing kept is not an error).
    fn delete(&self, account: &str) -> Result<()>;
}

/// The key store of the person signed in to this computer.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyStore;

impl OsKeyStore {
    fn entry(account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, account).map_err(unavailable)
    }
}

fn unavailable(e: keyring::Error) -> Error {
    Error::KeyStoreUnavailable {
        reason: e.to_string(),
    }
}

impl KeyStore for OsKeyStore {
    fn kind(&self) -> &'static str {
        if cfg!(target_os = "macos") {
            "Keychain"
        } else if cfg!(windows) {
            "Windows Credential Manager"
        } else {
            "Secret Service"
        }
    }

    fn get(&self, account: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        match OsKeyStore::entry(account)?.get_secret() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn set(&self, account: &str, secret: &[u8]) -> Result<()> {
        OsKeyStore::entry(account)?
            .set_secret(secret)
            .map_err(unavailable)
    }

    fn delete(&self, account: &str) -> Result<()> {
        match OsKeyStore::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}
