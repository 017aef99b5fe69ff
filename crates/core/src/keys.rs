//! The office's keys and contractors' keys.
//!
//! `init` creates two secrets for the office: an age X25519 identity, whose recipient every
//! bundle is also encrypted to so the office can always audit what it sent, and an Ed25519
//! signing key, because age does not authenticate the sender and a contractor must be able to
//! tell a bundle from the office from a forged one. Both live in `keys/` with 0600
//! permissions and are never overwritten: losing the escrow identity would make every bundle
//! already sent unauditable.
//!
//! On an office encrypted at rest (it has a vault, issue 14) the two secret files are never in
//! clear on disk: they are written as `office.agekey.enc` and `office.signing.key.enc`, the
//! same text encrypted with a sub-key of the data key ([`crate::at_rest`], the file's name as
//! associated data), and reading them needs the data key a sign-in unwrapped. The public files
//! beside them stay readable. Plaintext secrets of an office made before are read until
//! [`crate::ops::encrypt_files`] converts them (the encrypted form wins when both are there: a
//! conversion killed midway).
//!
//! `keygen` is for contractors: it writes an age identity in the same text format as
//! `age-keygen`, optionally passphrase-encrypted (which the stock `age -d -i` also reads).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::at_rest::{self, FileKey};
use crate::fsutil;
use crate::vault::DataKey;
use crate::{DataDir, Error, Result};

pub(crate) const IDENTITY_FILE: &str = "office.agekey";
pub(crate) const SIGNING_FILE: &str = "office.signing.key";
const RECIPIENT_FILE: &str = "office.recipient.txt";
const VERIFYING_FILE: &str = "office.signing.pub";
const SIGNING_PREFIX: &str = "ed25519:";
/// The suffix of a secret key file encrypted at rest.
pub(crate) const ENCRYPTED_SUFFIX: &str = ".enc";
/// The sub-key of the data key that encrypts the office's secret key files.
const KEY_FILES_PURPOSE: &str = "handover office key files v1";

/// The sub-key that encrypts the office's secret key files.
pub(crate) fn key_files_key(data_key: &DataKey) -> FileKey {
    FileKey::derive(data_key, KEY_FILES_PURPOSE)
}

/// The associated data of the encrypted secret key file `name` (`office.agekey`, …).
pub(crate) fn key_file_aad(name: &str) -> Vec<u8> {
    [b"handover office key file\0".as_slice(), name.as_bytes()].concat()
}

/// The encrypted form's path of the secret key file `name`.
pub(crate) fn encrypted_key_path(dir: &DataDir, name: &str) -> PathBuf {
    dir.keys_dir().join(format!("{name}{ENCRYPTED_SUFFIX}"))
}

/// The file that holds the secret `name`: with the data key its encrypted form if there, else
/// the plaintext one; without it the plaintext one if there (a shared office's PC of an
/// earlier version, until its first sign-in moves them into its PC vault), else the encrypted
/// one.
fn secret_path(dir: &DataDir, name: &str, with_key: bool) -> PathBuf {
    let (enc, plain) = (encrypted_key_path(dir, name), dir.keys_dir().join(name));
    match (enc.exists(), plain.exists()) {
        (true, true) if with_key => enc,
        (_, true) => plain,
        _ => enc,
    }
}

/// Encrypt the office's secret key files under `to` (a shared office's PC key,
/// [`crate::pc_vault`]), leaving none in clear; returns how many files were written. Each
/// file's text comes from its plaintext form while there is one (an earlier version's PC, or
/// a conversion a kill interrupted: then overwritten and removed, [`at_rest::shred`]), else
/// from its encrypted form: left as it is when it already opens with `to`, else opened with
/// `from` (the one-PC office's data key, for `store copy`). The new form is written beside
/// (`.partial`, synced) and renamed over the old, so a kill leaves each file readable in one
/// form or the other, and running this again finishes the job.
pub(crate) fn reseal_key_files(dir: &DataDir, from: Option<&DataKey>, to: &DataKey) -> Result<u64> {
    let fk = key_files_key(to);
    let mut written = 0;
    for name in [IDENTITY_FILE, SIGNING_FILE] {
        let (plain, enc, aad) = (
            dir.keys_dir().join(name),
            encrypted_key_path(dir, name),
            key_file_aad(name),
        );
        let text = if plain.is_file() {
            let bytes = Zeroizing::new(
                std::fs::read(&plain)
                    .map_err(|e| Error::io("cannot read the key file", &plain, e))?,
            );
            if at_rest::is_encrypted(&bytes) {
                return Err(bad_key(
                    &plain,
                    "it is encrypted but not under its encrypted name",
                ));
            }
            bytes
        } else {
            let bytes =
                std::fs::read(&enc).map_err(|e| Error::io("cannot read the key file", &enc, e))?;
            if at_rest::decrypt_bytes(&fk, &aad, &bytes).is_some() {
                continue;
            }
            let (_, text) = read_secret(dir, name, from)?;
            Zeroizing::new(text.as_bytes().to_vec())
        };
        fsutil::create_private_dir(&dir.keys_dir())?;
        fsutil::write_atomic_private(&enc, &at_rest::encrypt_bytes(&fk, &aad, &text))?;
        if plain.is_file() {
            at_rest::shred(&plain)?;
        }
        written += 1;
    }
    Ok(written)
}

/// The plaintext secret key files in `dir` (an earlier version's shared-office PC kept them so).
pub(crate) fn plaintext_key_files(dir: &DataDir) -> Vec<PathBuf> {
    [IDENTITY_FILE, SIGNING_FILE]
        .iter()
        .map(|name| dir.keys_dir().join(name))
        .filter(|p| p.is_file())
        .collect()
}

/// The office's secret keys read from their plaintext files (both must be there).
pub(crate) fn load_plaintext_keys(dir: &DataDir) -> Result<OfficeKeys> {
    let read = |name: &str| -> Result<(PathBuf, Zeroizing<String>)> {
        let path = dir.keys_dir().join(name);
        let bytes = Zeroizing::new(
            std::fs::read(&path).map_err(|e| Error::io("cannot read the key file", &path, e))?,
        );
        let text = std::str::from_utf8(&bytes).map_err(|_| bad_key(&path, "it is not text"))?;
        Ok((path, Zeroizing::new(text.to_string())))
    };
    let (id_path, id) = read(IDENTITY_FILE)?;
    let (sig_path, sig) = read(SIGNING_FILE)?;
    parse_office_keys(&id_path, &id, &sig_path, &sig)
}

/// Is the secret key file `name` there, in either form?
fn secret_exists(dir: &DataDir, name: &str) -> bool {
    encrypted_key_path(dir, name).exists() || dir.keys_dir().join(name).exists()
}

/// What the office shows to contractors: its age recipient and signing public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OfficePublicKeys {
    /// The escrow recipient (`age1…`) every bundle is also encrypted to.
    pub recipient: String,
    /// Short fingerprint of the recipient, to read back by phone.
    pub recipient_fingerprint: String,
    /// The Ed25519 public key that signs manifests (`ed25519:<hex>`).
    pub signing_key: String,
    /// Short fingerprint of the signing key.
    pub signing_fingerprint: String,
    /// The signing key as an OpenSSH `allowed_signers` line, with which stock
    /// `ssh-keygen -Y verify` checks a bundle's detached signature `B.age.sig`.
    pub allowed_signers: String,
    /// The principal that line names (`ssh-keygen -Y verify -I <principal>`).
    pub ssh_principal: String,
}

/// The office's secret keys, loaded for packing or auditing.
pub struct OfficeKeys {
    identity: age::x25519::Identity,
    signing: SigningKey,
}

impl OfficeKeys {
    /// The two keys, as a keys file carries them.
    pub(crate) fn new(identity: age::x25519::Identity, signing: SigningKey) -> OfficeKeys {
        OfficeKeys { identity, signing }
    }

    /// The signing key.
    pub(crate) fn signing(&self) -> &SigningKey {
        &self.signing
    }

    /// The escrow identity (decrypts every bundle the office made).
    pub fn identity(&self) -> &age::x25519::Identity {
        &self.identity
    }

    /// The escrow recipient.
    pub fn recipient(&self) -> age::x25519::Recipient {
        self.identity.to_public()
    }

    /// Sign a message (a bundle manifest) with the office key.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// The public half of the signing key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The MAC key of handover `handover_id`'s receipts: HMAC-SHA256 keyed by the signing
    /// key's seed over a label and the id. Derived rather than stored, so no store, ledger or
    /// export holds it, every PC with the office keys finds the same one, and only the bundle
    /// (encrypted) carries it.
    pub fn receipt_secret(&self, handover_id: &str) -> Zeroizing<[u8; 32]> {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<Sha256>::new_from_slice(self.signing.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(b"handover receipt secret v1\0");
        mac.update(handover_id.as_bytes());
        Zeroizing::new(mac.finalize().into_bytes().into())
    }

    /// The signing key's secret seed (the key of the PC vault's wrap for whoever holds the
    /// office keys, [`crate::pc_vault`]).
    pub(crate) fn signing_seed(&self) -> &[u8; 32] {
        self.signing.as_bytes()
    }

    /// The same keys as `other` (both halves)?
    pub(crate) fn same_as(&self, other: &OfficeKeys) -> bool {
        self.signing.as_bytes() == other.signing.as_bytes()
            && self.recipient().to_string() == other.recipient().to_string()
    }

    /// Public keys for display.
    pub fn public(&self) -> OfficePublicKeys {
        public_keys(&self.recipient().to_string(), &self.verifying_key())
    }
}

fn public_keys(recipient: &str, vk: &VerifyingKey) -> OfficePublicKeys {
    OfficePublicKeys {
        recipient: recipient.to_string(),
        recipient_fingerprint: fingerprint(recipient.as_bytes()),
        signing_key: format_signing_key(vk),
        signing_fingerprint: fingerprint(vk.as_bytes()),
        allowed_signers: crate::bundle::allowed_signers_line(vk),
        ssh_principal: crate::bundle::ssh_principal(vk),
    }
}

/// `ed25519:<64 hex digits>`.
pub fn format_signing_key(vk: &VerifyingKey) -> String {
    format!("{SIGNING_PREFIX}{}", hex::encode(vk.as_bytes()))
}

/// Parse `ed25519:<hex>` (or bare hex) into a verifying key.
pub fn parse_signing_key(s: &str) -> Result<VerifyingKey> {
    let bad = || {
        Error::from(crate::refusal::Refusal::Trust(
            crate::refusal::TrustProblem::BadKey {
                given: s.to_string(),
            },
        ))
    };
    let hexpart = s.trim().strip_prefix(SIGNING_PREFIX).unwrap_or(s.trim());
    let bytes: [u8; 32] = hex::decode(hexpart)
        .map_err(|_| bad())?
        .try_into()
        .map_err(|_| bad())?;
    let vk = VerifyingKey::from_bytes(&bytes).map_err(|_| bad())?;
    // A small-order point: signatures by such a "key" can be forged for many messages.
    if vk.is_weak() {
        return Err(
            crate::refusal::Refusal::Trust(crate::refusal::TrustProblem::WeakKey {
                given: s.to_string(),
            })
            .into(),
        );
    }
    Ok(vk)
}

/// Check an Ed25519 signature, strictly: weak keys and non-canonical or malleable signatures
/// are refused (`verify_strict`), so one manifest has exactly one valid signature per key.
pub fn verify_signature(vk: &VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
        return false;
    };
    !vk.is_weak() && vk.verify_strict(message, &sig).is_ok()
}

/// A short fingerprint to read aloud: the first 8 bytes of SHA-256, as `ABCD-EF01-2345-6789`.
pub fn fingerprint(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex = hex::encode_upper(&digest[..8]);
    hex.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The fingerprint of an age recipient string.
pub fn recipient_fingerprint(recipient: &str) -> String {
    fingerprint(recipient.trim().as_bytes())
}

/// Parse and validate one age X25519 recipient.
pub fn parse_recipient(s: &str) -> Result<age::x25519::Recipient> {
    let t = s.trim();
    age::x25519::Recipient::from_str(t).map_err(|_| Error::BadRecipient(t.to_string()))
}

/// Create the office keys in the data directory, encrypted with `data_key` when the office has
/// one (it is encrypted at rest); refuses if either secret exists.
pub fn create_office_keys(
    dir: &DataDir,
    created: &str,
    data_key: Option<&DataKey>,
) -> Result<OfficePublicKeys> {
    let identity = age::x25519::Identity::generate();
    let signing = SigningKey::generate(&mut rand::rngs::OsRng);
    write_office_keys(dir, &identity, &signing, created, data_key)
}

/// Write the office's secret and public key files (0600 secrets, never over existing ones),
/// the secrets encrypted with `data_key` when given.
pub(crate) fn write_office_keys(
    dir: &DataDir,
    identity: &age::x25519::Identity,
    signing: &SigningKey,
    created: &str,
    data_key: Option<&DataKey>,
) -> Result<OfficePublicKeys> {
    let keys = dir.keys_dir();
    fsutil::create_private_dir(&keys)?;
    if secret_exists(dir, IDENTITY_FILE) || secret_exists(dir, SIGNING_FILE) {
        return Err(Error::KeysExist(keys));
    }
    let public = public_keys(&identity.to_public().to_string(), &signing.verifying_key());
    let id_text = Zeroizing::new(format!(
        "# Handover office escrow identity (age X25519). Keep this file secret and backed up:\n\
         # it decrypts every bundle this office has sent.\n# created: {created}\n\
         # public key: {}\n{}\n",
        public.recipient,
        identity.to_string().expose_secret()
    ));
    let seed = Zeroizing::new(hex::encode(signing.to_bytes()));
    let sig_text = Zeroizing::new(format!(
        "# Handover office signing key (Ed25519). Keep this file secret.\n# created: {created}\n\
         # public key: {}\n{}\n",
        public.signing_key,
        seed.as_str()
    ));
    match data_key {
        Some(k) => {
            let fk = key_files_key(k);
            let id = at_rest::encrypt_bytes(&fk, &key_file_aad(IDENTITY_FILE), id_text.as_bytes());
            let sig = at_rest::encrypt_bytes(&fk, &key_file_aad(SIGNING_FILE), sig_text.as_bytes());
            let id_path = encrypted_key_path(dir, IDENTITY_FILE);
            write_secret_pair(&id_path, &id, &encrypted_key_path(dir, SIGNING_FILE), &sig)?;
        }
        None => write_secret_pair(
            &keys.join(IDENTITY_FILE),
            id_text.as_bytes(),
            &keys.join(SIGNING_FILE),
            sig_text.as_bytes(),
        )?,
    }
    fsutil::write_atomic(
        &keys.join(RECIPIENT_FILE),
        format!("{}\n", public.recipient).as_bytes(),
    )?;
    fsutil::write_atomic(
        &keys.join(VERIFYING_FILE),
        format!("{}\n", public.signing_key).as_bytes(),
    )?;
    Ok(public)
}

/// Write both secrets, new files only (the first removed if the second cannot be written).
fn write_secret_pair(id_path: &Path, id: &[u8], sig_path: &Path, sig: &[u8]) -> Result<()> {
    fsutil::write_new_private(id_path, id)?;
    if let Err(e) = fsutil::write_new_private(sig_path, sig) {
        let _ = std::fs::remove_file(id_path);
        return Err(e);
    }
    Ok(())
}

/// Do the office keys exist (in either form)?
pub fn office_keys_exist(dir: &DataDir) -> bool {
    secret_exists(dir, IDENTITY_FILE) && secret_exists(dir, SIGNING_FILE)
}

/// Are the office's secret keys encrypted at rest (both in their encrypted form)?
pub fn office_keys_encrypted(dir: &DataDir) -> bool {
    encrypted_key_path(dir, IDENTITY_FILE).exists()
        && encrypted_key_path(dir, SIGNING_FILE).exists()
}

/// Load the office's secret keys; `data_key` opens them on an office encrypted at rest (the
/// one a sign-in unwrapped, [`crate::ops::Office`] holds it).
pub fn load_office_keys(dir: &DataDir, data_key: Option<&DataKey>) -> Result<OfficeKeys> {
    let keys = dir.keys_dir();
    if !office_keys_exist(dir) {
        return Err(Error::KeysMissing(keys));
    }
    let (id_path, id) = read_secret(dir, IDENTITY_FILE, data_key)?;
    let (sig_path, sig) = read_secret(dir, SIGNING_FILE, data_key)?;
    parse_office_keys(&id_path, &id, &sig_path, &sig)
}

/// The keys in the texts of the two secret key files (read from `id_path` and `sig_path`).
fn parse_office_keys(
    id_path: &Path,
    id_text: &str,
    sig_path: &Path,
    sig_text: &str,
) -> Result<OfficeKeys> {
    // The age crate recognises its own identity lines; comments and blank lines parse as none.
    let identity = id_text
        .lines()
        .find_map(|l| age::x25519::Identity::from_str(l.trim()).ok())
        .ok_or_else(|| bad_key(id_path, "no valid age identity line"))?;
    let line = sig_text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or_else(|| bad_key(sig_path, "no key line"))?;
    let mut seed = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(line, seed.as_mut_slice())
        .map_err(|_| bad_key(sig_path, "the key line is not 64 hex digits"))?;
    let signing = SigningKey::from_bytes(&seed);
    Ok(OfficeKeys { identity, signing })
}

/// The office's public keys, read from the public files `init` wrote beside the secrets (so
/// showing them, which the app does on every refresh, never reads a secret); the secrets are
/// the fallback when a public file is missing.
pub fn office_public_keys(dir: &DataDir) -> Result<OfficePublicKeys> {
    if !office_keys_exist(dir) {
        return Err(Error::KeysMissing(dir.keys_dir()));
    }
    let read = |name: &str| std::fs::read_to_string(dir.keys_dir().join(name)).ok();
    if let (Some(r), Some(v)) = (read(RECIPIENT_FILE), read(VERIFYING_FILE))
        && let (Ok(r), Ok(vk)) = (parse_recipient(&r), parse_signing_key(&v))
    {
        return Ok(public_keys(&r.to_string(), &vk));
    }
    Ok(load_office_keys(dir, None)?.public())
}

/// The text of the secret key file `name` and where it was read: decrypted with `data_key`
/// when it is encrypted at rest ([`Error::SignInRequired`] without the key, [`Error::BadKeyFile`]
/// when it does not authenticate).
pub(crate) fn read_secret(
    dir: &DataDir,
    name: &str,
    data_key: Option<&DataKey>,
) -> Result<(PathBuf, Zeroizing<String>)> {
    let path = secret_path(dir, name, data_key.is_some());
    let bytes = Zeroizing::new(
        std::fs::read(&path).map_err(|e| Error::io("cannot read the key file", &path, e))?,
    );
    let plain = if at_rest::is_encrypted(&bytes) {
        let key =
            data_key.ok_or_else(|| Error::SignInRequired(dir.root().display().to_string()))?;
        at_rest::decrypt_bytes(&key_files_key(key), &key_file_aad(name), &bytes).ok_or_else(
            || {
                bad_key(
                    &path,
                    "it does not open with this office's data key (damaged or another office's)",
                )
            },
        )?
    } else {
        bytes
    };
    let text = std::str::from_utf8(&plain)
        .map_err(|_| bad_key(&path, "it is not text"))?
        .to_string();
    Ok((path, Zeroizing::new(text)))
}

fn bad_key(path: &Path, reason: &str) -> Error {
    Error::BadKeyFile {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Write a new age identity for a contractor; returns its recipient.
///
/// With a passphrase the file is the identity encrypted to that passphrase (ASCII-armored),
/// which `age -d -i FILE` asks the passphrase for. The file is created 0600 and never
/// overwrites an existing one.
pub fn keygen(out: &Path, passphrase: Option<&SecretString>, created: &str) -> Result<String> {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let text = Zeroizing::new(format!(
        "# created: {created}\n# public key: {recipient}\n{}\n",
        identity.to_string().expose_secret()
    ));
    match passphrase {
        None => fsutil::write_new_private(out, text.as_bytes())?,
        Some(pass) => {
            if pass.expose_secret().chars().count() < 8 {
                return Err(crate::refusal::Refusal::PassphraseTooShort { min: 8 }.into());
            }
            let file = fsutil::create_new_private(out)?;
            let res = encrypt_with_passphrase(file, pass, text.as_bytes());
            if let Err(e) = res {
                let _ = std::fs::remove_file(out);
                return Err(e);
            }
        }
    }
    Ok(recipient)
}

pub(crate) fn encrypt_with_passphrase(
    file: std::fs::File,
    pass: &SecretString,
    data: &[u8],
) -> Result<()> {
    use age::armor::{ArmoredWriter, Format};
    // The bundles' fixed work factor rather than one calibrated to this PC: the PC that
    // decrypts caps what it accepts (crate::bundle::MAX_OPEN_WORK_FACTOR).
    let mut r = age::scrypt::Recipient::new(pass.clone());
    r.set_work_factor(crate::bundle::PACK_WORK_FACTOR);
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
        .map_err(|e| Error::Encrypt(e.to_string()))?;
    let io = |e: std::io::Error| Error::Encrypt(e.to_string());
    let armored = ArmoredWriter::wrap_output(file, Format::AsciiArmor).map_err(io)?;
    let mut w = enc.wrap_output(armored).map_err(io)?;
    w.write_all(data).map_err(io)?;
    let file = w.finish().and_then(|a| a.finish()).map_err(io)?;
    file.sync_all().map_err(io)
}

/// Read recipients from a file: one per line, `#` comments and blank lines ignored.
pub fn read_recipients_file(path: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io("cannot read the recipients file", path, e))?;
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| crate::plugins::parse_recipient(l).map(|r| r.to_string()))
        .collect()
}

/// Where the office keys live (for messages).
pub fn office_keys_path(dir: &DataDir) -> PathBuf {
    dir.keys_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_grouped_hex() {
        let f = fingerprint(b"age1example");
        assert_eq!(f.len(), 19);
        assert_eq!(f.matches('-').count(), 3);
        assert_ne!(fingerprint(b"a"), fingerprint(b"b"));
    }

    #[test]
    fn signing_key_round_trips() {
        let sk = SigningKey::generate(&mut rand::rngs::OsRng);
        let s = format_signing_key(&sk.verifying_key());
        assert_eq!(parse_signing_key(&s).unwrap(), sk.verifying_key());
        assert!(parse_signing_key("ed25519:zz").is_err());
        // The neutral element (a small-order point) decodes, but is never a trusted key, and
        // nothing verifies under it.
        let weak = format!("ed25519:01{}", "00".repeat(31));
        let e = parse_signing_key(&weak).unwrap_err();
        assert!(e.to_string().contains("weak"), "{e}");
        let vk = VerifyingKey::from_bytes(&hex::decode(&weak[8..]).unwrap().try_into().unwrap())
            .unwrap();
        let mut sig = [0u8; 64];
        sig[0] = 1; // R = neutral element, s = 0: verifies under `verify`, not `verify_strict`
        assert!(!verify_signature(&vk, b"any message", &sig));
    }

    #[test]
    fn rejects_malformed_recipient() {
        assert!(parse_recipient("age1notakey").is_err());
        let id = age::x25519::Identity::generate();
        assert!(parse_recipient(&format!("  {}  ", id.to_public())).is_ok());
    }
}
