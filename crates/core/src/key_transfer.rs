//! Carrying the office keys to another PC of a shared office: every PC that packs needs the
//! signing key, every PC that audits needs the escrow identity. They never go into the
//! database; they travel in one file encrypted to a passphrase (age scrypt, armored), which
//! `age -d` opens too, and the PC that joins keeps them encrypted at rest
//! ([`crate::pc_vault`]).

use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use ed25519_dalek::SigningKey;
use zeroize::Zeroizing;

use crate::bundle::MAX_OPEN_WORK_FACTOR;
use crate::keys::{self, IDENTITY_FILE, OfficeKeys, OfficePublicKeys, SIGNING_FILE};
use crate::vault::DataKey;
use crate::{DataDir, Error, Result, fsutil};

/// The first line of the plaintext: what the file is.
const HEADER: &str = "# handover office keys v1";

/// Write this PC's office keys to `out`, encrypted to `passphrase` (at least 12 characters);
/// `data_key` opens them where they are encrypted at rest.
pub fn export(
    dir: &DataDir,
    data_key: Option<&DataKey>,
    out: &Path,
    passphrase: &SecretString,
) -> Result<OfficePublicKeys> {
    if passphrase.expose_secret().chars().count() < 12 {
        return Err(crate::refusal::Refusal::PassphraseTooShort { min: 12 }.into());
    }
    let public = keys::office_public_keys(dir)?;
    keys::load_office_keys(dir, data_key)?;
    let (_, id) = keys::read_secret(dir, IDENTITY_FILE, data_key)?;
    let (_, sig) = keys::read_secret(dir, SIGNING_FILE, data_key)?;
    let text = Zeroizing::new(format!("{HEADER}\n{}\n{}", id.as_str(), sig.as_str()));
    let file = fsutil::create_new_private(out)?;
    if let Err(e) = keys::encrypt_with_passphrase(file, passphrase, text.as_bytes()) {
        let _ = std::fs::remove_file(out);
        return Err(e);
    }
    Ok(public)
}

/// Decrypt a key file from [`export`]: the office keys it carries, in memory only. `join`
/// checks them against the office's and keeps them encrypted in this PC's vault
/// ([`crate::pc_vault`]); nothing is written here.
pub fn read(file: &Path, passphrase: &SecretString) -> Result<OfficeKeys> {
    let bad = |why: &str| Error::BadKeyFile {
        path: file.to_path_buf(),
        reason: why.to_string(),
    };
    let f =
        std::fs::File::open(file).map_err(|e| Error::io("cannot read the key file", file, e))?;
    let reader = age::armor::ArmoredReader::new(std::io::BufReader::new(f));
    let decryptor =
        age::Decryptor::new(reader).map_err(|_| bad("not an age file of exported office keys"))?;
    let mut id = age::scrypt::Identity::new(passphrase.clone());
    id.set_max_work_factor(MAX_OPEN_WORK_FACTOR);
    let mut r = decryptor
        .decrypt(std::iter::once(&id as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => {
                bad("wrong passphrase (or not encrypted to a passphrase)")
            }
            other => bad(&other.to_string()),
        })?;
    let mut text = Zeroizing::new(String::new());
    r.by_ref()
        .take(64 * 1024)
        .read_to_string(&mut text)
        .map_err(|_| bad("its content is not the office keys"))?;
    if !text.starts_with(HEADER) {
        return Err(bad("its content is not the office keys"));
    }
    let identity = text
        .lines()
        .find_map(|l| age::x25519::Identity::from_str(l.trim()).ok())
        .ok_or_else(|| bad("no escrow identity in it"))?;
    let seed_line = text
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 64 && l.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| bad("no signing key in it"))?;
    let mut seed = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(seed_line, seed.as_mut_slice()).map_err(|_| bad("bad signing key"))?;
    Ok(OfficeKeys::new(identity, SigningKey::from_bytes(&seed)))
}
