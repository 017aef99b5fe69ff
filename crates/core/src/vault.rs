//! Encryption at rest (issue 14): the office's data key and the small vault file that unlocks it.
//!
//! One random 32-byte data key protects the office's data at rest. It is never written down in
//! clear: `vault.json` in the data folder holds it *wrapped* (XChaCha20-Poly1305) once per
//! operator — under a key-encryption key derived from their password with Argon2id (the
//! parameters of [`crate::passwords`], named in each wrap) — and once under the recovery key
//! printed at creation ([`RecoveryKey`], through HKDF-SHA256: 160 random bits need no slow
//! hash). Each wrap's associated data names the operator, so a wrap cannot be moved to another
//! name. The file holds no customer data and no key in clear.
//!
//! One Argon2id run per sign-in: on an office with a vault, unwrapping the operator's wrap IS the
//! password check (a wrong password fails the AEAD tag). Wrong passwords are counted here, in
//! the vault file, because the store may only be opened after a successful unwrap; they are
//! recorded in the ledger at the next successful sign-in ([`Vault::take_pending`]). Whoever
//! copies the file can try passwords offline at the cost of 64 MiB of Argon2id each, lockout or
//! not: the lockout is an online control, the Argon2id cost and a good password the offline one.
//!
//! A checksum over each wrap tells a damaged wrap ([`Error::VaultCorrupt`]) from a wrong
//! password (which fails the tag of an intact wrap).

mod recovery;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use age::secrecy::{ExposeSecret, SecretString};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub use recovery::RecoveryKey;

use crate::operators::SignInPolicy;
use crate::{DataDir, Error, Result};

/// The format written in every vault file.
pub const FORMAT: &str = "handover-vault/1";
/// The vault file's name in the data folder.
pub const FILE_NAME: &str = "vault.json";

/// The office's data key (wiped from memory when dropped; never printed).
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

impl DataKey {
    pub(crate) fn generate() -> Self {
        DataKey(Zeroizing::new(rand::random()))
    }

    /// A sub-key for one purpose, derived with HKDF-SHA256 (the data key itself is used for
    /// nothing else than deriving).
    pub(crate) fn derive(&self, purpose: &str) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        hkdf::Hkdf::<Sha256>::new(Some(b"handover data key"), self.0.as_ref())
            .expand(purpose.as_bytes(), out.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 length");
        out
    }

    /// What the store keeps to tell that a vault belongs to it (a one-way derivation).
    pub(crate) fn store_check(&self) -> String {
        hex::encode(self.derive("handover store check v1").as_ref())
    }
}

/// How a wrap's key-encryption key is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kdf", rename_all = "camelCase")]
enum Kdf {
    /// From an operator's password.
    Argon2id { m: u32, t: u32, p: u32 },
    /// From the recovery key.
    HkdfSha256,
}

/// The data key sealed under one key-encryption key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wrap {
    /// `operator:<name>`, `keystore:<name>` (under a secret in the OS key store), `recovery`, or
    /// `office-keys` (a shared office's PC vault).
    holder: String,
    #[serde(flatten)]
    kdf: Kdf,
    salt: String,
    nonce: String,
    sealed: String,
    /// SHA-256 over the fields above: tells damage from a wrong password.
    check: String,
}

/// Wrong passwords of one operator since their last sign-in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Attempts {
    failed: u32,
    locked_until: Option<String>,
}

/// A refused sign-in, waiting to be recorded in the ledger at the next successful one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingFailure {
    /// When.
    pub at: String,
    /// The name typed.
    pub name: String,
    /// `wrong password`, `unknown or disabled`, `locked`.
    pub reason: String,
    /// The wrong password's number in a row, if one.
    pub attempt: Option<u32>,
    /// Set when this attempt locked the operator.
    pub locked_until: Option<String>,
}

/// The lockout rules in force, copied from the store's policy at each successful sign-in
/// (the store cannot be read before the password is checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lockout {
    attempts: u32,
    minutes: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VaultFile {
    format: String,
    wraps: Vec<Wrap>,
    lockout: Lockout,
    #[serde(default)]
    attempts: BTreeMap<String, Attempts>,
    #[serde(default)]
    pending: Vec<PendingFailure>,
}

/// What unwrapping with a password gave.
#[derive(Debug)]
pub enum Unlock {
    /// The password is right: the data key.
    Key(DataKey),
    /// A wrap exists for the name and the password does not open it.
    WrongPassword,
    /// No wrap for this name (unknown or disabled operator).
    NoWrap,
}

/// An office's vault file, read into memory.
#[derive(Debug)]
pub struct Vault {
    path: PathBuf,
    file: VaultFile,
}

fn holder(name: &str) -> String {
    format!("operator:{name}")
}

fn aad(holder: &str) -> Vec<u8> {
    [FORMAT.as_bytes(), b"\0", holder.as_bytes()].concat()
}

impl Wrap {
    fn checksum(&self) -> String {
        let kdf = serde_json::to_string(&self.kdf).unwrap_or_default();
        let text = [
            self.holder.as_str(),
            &kdf,
            &self.salt,
            &self.nonce,
            &self.sealed,
        ]
        .join("\n");
        hex::encode(Sha256::digest(text.as_bytes()))
    }

    fn seal(holder: String, kdf: Kdf, salt: &[u8], kek: &[u8; 32], key: &DataKey) -> Wrap {
        let nonce: [u8; 24] = rand::random();
        let sealed = XChaCha20Poly1305::new(kek.into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: key.0.as_ref(),
                    aad: &aad(&holder),
                },
            )
            .expect("sealing 32 bytes cannot fail");
        let mut w = Wrap {
            holder,
            kdf,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            sealed: hex::encode(sealed),
            check: String::new(),
        };
        w.check = w.checksum();
        w
    }

    /// The salt, or the wrap is damaged.
    fn salt(&self, path: &Path) -> Result<Vec<u8>> {
        if self.check != self.checksum() {
            return Err(corrupt(
                path,
                format!("the wrap of {} is damaged", self.holder),
            ));
        }
        hex::decode(&self.salt).map_err(|_| corrupt(path, format!("{}: salt", self.holder)))
    }

    /// Open with a key-encryption key: None when the tag does not match (wrong key).
    fn open(&self, path: &Path, kek: &[u8; 32]) -> Result<Option<DataKey>> {
        let bad = |what: &str| corrupt(path, format!("{}: {what}", self.holder));
        let nonce = hex::decode(&self.nonce)
            .ok()
            .filter(|n| n.len() == 24)
            .ok_or_else(|| bad("nonce"))?;
        let sealed = hex::decode(&self.sealed)
            .ok()
            .filter(|s| s.len() == 48)
            .ok_or_else(|| bad("sealed key"))?;
        let opened = XChaCha20Poly1305::new(kek.into()).decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &sealed,
                aad: &aad(&self.holder),
            },
        );
        let Ok(plain) = opened.map(Zeroizing::new) else {
            return Ok(None);
        };
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&plain);
        Ok(Some(DataKey(key)))
    }
}

/// A fault of the program, not of the input: the vault's own parameters or its serializer
/// (a wrap read from the file that fails here is reported as damaged by the caller).
fn internal(what: String) -> Error {
    crate::refusal::Refusal::Internal {
        what: format!("vault: {what}"),
    }
    .into()
}

fn corrupt(path: &Path, what: String) -> Error {
    Error::VaultCorrupt {
        path: path.to_path_buf(),
        what,
    }
}

/// Argon2id(password, salt) with the given parameters → a key-encryption key.
fn password_kek(password: &SecretString, salt: &[u8], kdf: &Kdf) -> Result<Zeroizing<[u8; 32]>> {
    let Kdf::Argon2id { m, t, p } = *kdf else {
        return Err(internal("not a password wrap".into()));
    };
    let params = Params::new(m, t, p, Some(32))
        .map_err(|e| internal(format!("Argon2id parameters: {e}")))?;
    let mut kek = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.expose_secret().as_bytes(), salt, kek.as_mut())
        .map_err(|e| internal(format!("Argon2id: {e}")))?;
    Ok(kek)
}

fn key_store_account(name: &str, salt_hex: &str) -> String {
    format!("{name} ({})", &salt_hex[..salt_hex.len().min(8)])
}

fn recovery_kek(key: &RecoveryKey, salt: &[u8]) -> Zeroizing<[u8; 32]> {
    secret_kek(key.bytes(), salt, b"handover vault recovery wrap v1")
}

/// HKDF-SHA256 of a high-entropy secret (a recovery key, an office key): no slow hash needed.
fn secret_kek(secret: &[u8], salt: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut kek = Zeroizing::new([0u8; 32]);
    hkdf::Hkdf::<Sha256>::new(Some(salt), secret)
        .expand(info, kek.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 length");
    kek
}

/// What begins the holder of a wrap under a secret in the OS key store.
const KEY_STORE_HOLDER: &str = "keystore:";
/// The holder of `name`'s wrap under a secret in the OS key store ([`crate::os_key_store`]).
fn key_store_holder(name: &str) -> String {
    format!("{KEY_STORE_HOLDER}{name}")
}
/// The HKDF label of that wrap's key-encryption key.
const KEY_STORE_INFO: &[u8] = b"handover vault os key store wrap v1";

/// The holder of the wrap under the office's signing key ([`Vault::set_office_keys_wrap`]).
const OFFICE_KEYS_HOLDER: &str = "office-keys";
/// The HKDF label of that wrap's key-encryption key.
const OFFICE_KEYS_INFO: &[u8] = b"handover pc vault office-keys wrap v1";

fn password_wrap(name: &str, password: &SecretString, key: &DataKey) -> Result<Wrap> {
    let p = crate::passwords::params();
    let kdf = Kdf::Argon2id {
        m: p.m_cost(),
        t: p.t_cost(),
        p: p.p_cost(),
    };
    let salt: [u8; 16] = rand::random();
    let kek = password_kek(password, &salt, &kdf)?;
    Ok(Wrap::seal(holder(name), kdf, &salt, &kek, key))
}

impl Vault {
    /// The vault file of `dir`.
    pub fn path_in(dir: &DataDir) -> PathBuf {
        dir.root().join(FILE_NAME)
    }

    /// Does `dir` have a vault (is the office encrypted at rest)?
    pub fn exists(dir: &DataDir) -> bool {
        Vault::path_in(dir).exists()
    }

    /// A new vault in memory: a fresh data key wrapped for the first admin and for a fresh
    /// recovery key (written by [`Vault::save`]).
    pub fn create(
        dir: &DataDir,
        admin: &str,
        password: &SecretString,
        rules: &SignInPolicy,
    ) -> Result<(Vault, DataKey, RecoveryKey)> {
        let key = DataKey::generate();
        let recovery = RecoveryKey::generate();
        let salt: [u8; 16] = rand::random();
        let rkek = recovery_kek(&recovery, &salt);
        let wraps = vec![
            password_wrap(admin, password, &key)?,
            Wrap::seal("recovery".into(), Kdf::HkdfSha256, &salt, &rkek, &key),
        ];
        let file = VaultFile {
            format: FORMAT.into(),
            wraps,
            lockout: Lockout {
                attempts: rules.lockout_attempts,
                minutes: rules.lockout_minutes,
            },
            attempts: BTreeMap::new(),
            pending: Vec::new(),
        };
        let vault = Vault {
            path: Vault::path_in(dir),
            file,
        };
        Ok((vault, key, recovery))
    }

    /// The vault that replaces this one when the data key itself is replaced (`office rekey`):
    /// `key` wrapped for `admin` (their `password`) and a fresh recovery key only — the others'
    /// passwords are not known here, so they get new ones with the recovery key — the lockout
    /// rules and the refused attempts kept; written to `path` (a sibling file until the
    /// rekey's commit renames it over the vault).
    pub(crate) fn rekeyed(
        &self,
        admin: &str,
        password: &SecretString,
        key: &DataKey,
        path: PathBuf,
    ) -> Result<(Vault, RecoveryKey)> {
        let recovery = RecoveryKey::generate();
        let salt: [u8; 16] = rand::random();
        let rkek = recovery_kek(&recovery, &salt);
        let mut file = self.file.clone();
        file.wraps = vec![
            password_wrap(admin, password, key)?,
            Wrap::seal("recovery".into(), Kdf::HkdfSha256, &salt, &rkek, key),
        ];
        Ok((Vault { path, file }, recovery))
    }

    /// Read the vault of `dir`: [`Error::VaultMissing`] without one, [`Error::VaultCorrupt`] if
    /// it cannot be read as one.
    pub fn load(dir: &DataDir) -> Result<Vault> {
        Vault::load_from(Vault::path_in(dir))?
            .ok_or_else(|| Error::VaultMissing(dir.root().to_path_buf()))
    }

    /// Read the vault file at `path` (None if there is none); [`Error::VaultCorrupt`] if it
    /// cannot be read as one. A shared office's PC keeps its vault in a file of its own
    /// ([`crate::pc_vault`]).
    pub(crate) fn load_from(path: PathBuf) -> Result<Option<Vault>> {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("cannot read", &path, e)),
        };
        let file: VaultFile =
            serde_json::from_str(&text).map_err(|e| corrupt(&path, e.to_string()))?;
        if file.format != FORMAT {
            return Err(corrupt(&path, format!("unknown format {:?}", file.format)));
        }
        Ok(Some(Vault { path, file }))
    }

    /// A vault with no wrap yet, to be saved at `path` (a shared office's PC vault, whose
    /// wraps are the PostgreSQL logins that set the PC up: no recovery key, since the office
    /// keys it guards come back from an `export-keys` file). Its lockout rules are never used:
    /// the server checks those logins' passwords.
    pub(crate) fn empty_at(path: PathBuf) -> Vault {
        let rules = SignInPolicy::default();
        let file = VaultFile {
            format: FORMAT.into(),
            wraps: Vec::new(),
            lockout: Lockout {
                attempts: rules.lockout_attempts,
                minutes: rules.lockout_minutes,
            },
            attempts: BTreeMap::new(),
            pending: Vec::new(),
        };
        Vault { path, file }
    }

    /// Wrap `key` under the office's signing key `seed` (HKDF-SHA256, a fresh salt), replacing
    /// the wrap if any: whoever holds the office keys (an `export-keys` file) may unlock the
    /// PC key that guards nothing but those same keys, and so add their login to the PC.
    pub(crate) fn set_office_keys_wrap(&mut self, seed: &[u8], key: &DataKey) {
        let salt: [u8; 16] = rand::random();
        let kek = secret_kek(seed, &salt, OFFICE_KEYS_INFO);
        let wrap = Wrap::seal(OFFICE_KEYS_HOLDER.into(), Kdf::HkdfSha256, &salt, &kek, key);
        self.file.wraps.retain(|w| w.holder != OFFICE_KEYS_HOLDER);
        self.file.wraps.push(wrap);
    }

    /// Unwrap the key with the office's signing key `seed`: None when this vault has no such
    /// wrap or the seed is not the one it was wrapped under (other keys than this PC's).
    pub(crate) fn unlock_with_office_keys(&self, seed: &[u8]) -> Result<Option<DataKey>> {
        let Some(wrap) = self.wrap_of(OFFICE_KEYS_HOLDER) else {
            return Ok(None);
        };
        let salt = wrap.salt(&self.path)?;
        wrap.open(&self.path, &secret_kek(seed, &salt, OFFICE_KEYS_INFO))
    }

    /// Wrap `key` for `name` under `secret` (kept in the OS key store), replacing their wrap of
    /// that kind if any. Returns the key store account the secret goes under: the name and a
    /// part of this wrap's salt, so an entry left by an earlier wrap is never taken for it.
    pub(crate) fn set_key_store_wrap(
        &mut self,
        name: &str,
        secret: &[u8; 32],
        key: &DataKey,
    ) -> String {
        let salt: [u8; 16] = rand::random();
        let kek = secret_kek(secret, &salt, KEY_STORE_INFO);
        let wrap = Wrap::seal(key_store_holder(name), Kdf::HkdfSha256, &salt, &kek, key);
        self.file.wraps.retain(|w| w.holder != wrap.holder);
        let account = key_store_account(name, &wrap.salt);
        self.file.wraps.push(wrap);
        account
    }

    /// The key store account of `name`'s wrap, if they have one on this PC.
    pub fn key_store_account(&self, name: &str) -> Option<String> {
        self.wrap_of(&key_store_holder(name))
            .map(|w| key_store_account(name, &w.salt))
    }

    /// Unwrap the data key with `name`'s secret from the OS key store: None when they have no
    /// such wrap or the secret is not the one it was made under.
    pub(crate) fn unlock_with_key_store(
        &self,
        name: &str,
        secret: &[u8],
    ) -> Result<Option<DataKey>> {
        let Some(wrap) = self.wrap_of(&key_store_holder(name)) else {
            return Ok(None);
        };
        let salt = wrap.salt(&self.path)?;
        wrap.open(&self.path, &secret_kek(secret, &salt, KEY_STORE_INFO))
    }

    /// Remove `name`'s key store wrap; its account if there was one.
    pub(crate) fn remove_key_store_wrap(&mut self, name: &str) -> Option<String> {
        let account = self.key_store_account(name);
        self.file
            .wraps
            .retain(|w| w.holder != key_store_holder(name));
        account
    }

    /// The operators whose key store entry opens the office on this PC without typing.
    pub fn key_store_operators(&self) -> Vec<String> {
        self.file
            .wraps
            .iter()
            .filter_map(|w| w.holder.strip_prefix(KEY_STORE_HOLDER).map(str::to_string))
            .collect()
    }

    /// Write the vault durably (owner-only; a temporary sibling renamed over the file).
    pub fn save(&self) -> Result<()> {
        let text = serde_json::to_string_pretty(&self.file).map_err(|e| internal(e.to_string()))?;
        crate::fsutil::write_atomic_private(&self.path, text.as_bytes())
    }

    fn wrap_of(&self, holder: &str) -> Option<&Wrap> {
        self.file.wraps.iter().find(|w| w.holder == holder)
    }

    /// Unwrap the data key with `name`'s password: ONE Argon2id run, which is the password
    /// check. A name without a wrap spends the same time.
    pub fn unlock(&self, name: &str, password: &SecretString) -> Result<Unlock> {
        let Some(wrap) = self.wrap_of(&holder(name)) else {
            crate::passwords::waste_one_check(password);
            return Ok(Unlock::NoWrap);
        };
        let salt = wrap.salt(&self.path)?;
        let kek = password_kek(password, &salt, &wrap.kdf)
            .map_err(|_| corrupt(&self.path, format!("{}: parameters", wrap.holder)))?;
        Ok(match wrap.open(&self.path, &kek)? {
            Some(key) => Unlock::Key(key),
            None => Unlock::WrongPassword,
        })
    }

    /// Unwrap the data key with the recovery key ([`Error::RecoveryKeyWrong`] if it is not
    /// this office's).
    pub fn unlock_with_recovery(&self, recovery: &RecoveryKey) -> Result<DataKey> {
        let wrap = self
            .wrap_of("recovery")
            .ok_or_else(|| corrupt(&self.path, "no recovery wrap".into()))?;
        let salt = wrap.salt(&self.path)?;
        let kek = recovery_kek(recovery, &salt);
        wrap.open(&self.path, &kek)?.ok_or(Error::RecoveryKeyWrong)
    }

    /// Wrap `key` for `name` under `password`, replacing their wrap if any (a new operator, a
    /// new password): the data itself is not touched. In memory until [`Vault::save`].
    pub fn set_operator(
        &mut self,
        name: &str,
        password: &SecretString,
        key: &DataKey,
    ) -> Result<()> {
        let wrap = password_wrap(name, password, key)?;
        match self.file.wraps.iter_mut().find(|w| w.holder == wrap.holder) {
            Some(old) => *old = wrap,
            None => self.file.wraps.push(wrap),
        }
        self.file.attempts.remove(name);
        Ok(())
    }

    /// Remove `name`'s wrap (a disabled operator can no longer unlock the office).
    pub fn remove_operator(&mut self, name: &str) {
        self.file
            .wraps
            .retain(|w| w.holder != holder(name) && w.holder != key_store_holder(name));
        self.file.attempts.remove(name);
    }

    /// The names that have a wrap.
    pub fn operators(&self) -> Vec<String> {
        self.file
            .wraps
            .iter()
            .filter_map(|w| w.holder.strip_prefix("operator:").map(str::to_string))
            .collect()
    }

    /// Until when `name` is locked, if they are at `now`.
    pub fn locked_until(&self, name: &str, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
        let until = self.file.attempts.get(name)?.locked_until.as_deref()?;
        // An unreadable time holds the lock for the rules' minutes from now.
        let until = until.parse::<jiff::Timestamp>().unwrap_or_else(|_| {
            now + jiff::SignedDuration::from_mins(i64::from(self.file.lockout.minutes))
        });
        (until > now).then_some(until)
    }

    /// Count a refused sign-in of `name` (`wrong` when the password was wrong); returns the end
    /// of the lock if this attempt locked them. In memory until [`Vault::save`].
    pub fn note_failure(
        &mut self,
        name: &str,
        reason: &str,
        wrong: bool,
        now: jiff::Timestamp,
    ) -> Option<jiff::Timestamp> {
        let mut pending = PendingFailure {
            at: now.to_string(),
            name: name.to_string(),
            reason: reason.to_string(),
            attempt: None,
            locked_until: None,
        };
        let mut locked = None;
        if wrong {
            let minutes = i64::from(self.file.lockout.minutes);
            let limit = self.file.lockout.attempts;
            let a = self.file.attempts.entry(name.to_string()).or_default();
            a.failed += 1;
            pending.attempt = Some(a.failed);
            if a.failed >= limit {
                let until = now + jiff::SignedDuration::from_mins(minutes);
                a.failed = 0;
                a.locked_until = Some(until.to_string());
                pending.locked_until = a.locked_until.clone();
                locked = Some(until);
            }
        }
        self.file.pending.push(pending);
        locked
    }

    /// The lockout rules in force (copied from the store's policy).
    pub fn set_lockout(&mut self, rules: &SignInPolicy) {
        self.file.lockout = Lockout {
            attempts: rules.lockout_attempts,
            minutes: rules.lockout_minutes,
        };
    }

    /// After `name` signed in: their count starts again, the rules in force are copied, and
    /// the refused attempts waiting to be recorded are handed over (and forgotten here once
    /// saved).
    pub fn take_pending(&mut self, name: &str, rules: &SignInPolicy) -> Vec<PendingFailure> {
        self.file.attempts.remove(name);
        self.set_lockout(rules);
        std::mem::take(&mut self.file.pending)
    }
}
