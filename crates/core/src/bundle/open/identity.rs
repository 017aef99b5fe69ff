//! The contractor's age identity file.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use super::{AGE_MAGIC, ARMOR_BEGIN};
use crate::plugins::KeyFile;
use crate::{Error, Result};

/// Read an age identity file of X25519 keys only: a plain `age-keygen` file, or one encrypted
/// with a passphrase (armored or binary, as written by [`crate::keys::keygen`] or `age -p`).
pub fn read_identity_file(
    path: &Path,
    passphrase: Option<&SecretString>,
) -> Result<Vec<age::x25519::Identity>> {
    let keys = read_key_file(path, passphrase)?;
    if !keys.plugins.is_empty() {
        return Err(Error::BadKeyFile {
            path: path.to_path_buf(),
            reason:
                "it holds a key on hardware (an age plugin identity), which cannot be used here"
                    .into(),
        });
    }
    Ok(keys.x25519)
}

/// Read a key file: age X25519 identities and plugin identities (`AGE-PLUGIN-…-1…`, a key on a
/// YubiKey, a TPM, a Secure Enclave) with the recipient the plugin wrote beside each, plain or
/// encrypted with a passphrase.
pub fn read_key_file(path: &Path, passphrase: Option<&SecretString>) -> Result<KeyFile> {
    const MAX: u64 = 1 << 20;
    let bad = |reason: &str| Error::BadKeyFile {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let f = File::open(path).map_err(|e| Error::io("cannot read the key file", path, e))?;
    let mut bytes = Zeroizing::new(Vec::new());
    f.take(MAX + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("cannot read the key file", path, e))?;
    if bytes.len() as u64 > MAX {
        return Err(bad("it is larger than 1 MiB: not a key file"));
    }
    let encrypted =
        bytes.starts_with(AGE_MAGIC) || bytes.trim_ascii_start().starts_with(ARMOR_BEGIN);
    let text = if encrypted {
        let Some(pass) = passphrase else {
            return Err(Error::IdentityPassphraseRequired(path.to_path_buf()));
        };
        let dec = age::Decryptor::new_buffered(age::armor::ArmoredReader::new(&bytes[..]))
            .map_err(|_| bad("it looks encrypted but its age header is damaged"))?;
        if !dec.is_scrypt() {
            return Err(bad("it is encrypted to a key, not to a passphrase"));
        }
        let id = age::scrypt::Identity::new(pass.clone());
        let mut r = dec
            .decrypt(std::iter::once(&id as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::DecryptionFailed | age::DecryptError::KeyDecryptionFailed => {
                    Error::WrongPassphrase(path.to_path_buf())
                }
                _ => bad("its encryption is damaged"),
            })?;
        let mut plain = Zeroizing::new(Vec::new());
        r.read_to_end(&mut plain)
            .map_err(|_| bad("its encrypted content is damaged"))?;
        plain
    } else {
        bytes
    };
    let text = std::str::from_utf8(&text).map_err(|_| bad("it is not a text file"))?;
    let mut keys = KeyFile::default();
    for (n, line) in text.lines().enumerate() {
        if !keys.add_line(line) {
            return Err(bad(&format!(
                "line {} is not an age identity (a line as age-keygen or an age plugin writes it)",
                n + 1
            )));
        }
    }
    if keys.is_empty() {
        return Err(bad("it holds no age identity"));
    }
    if !keys.plugins.is_empty() && keys.plugin_recipients.is_empty() {
        return Err(bad(
            "it holds a key on hardware without the recipient line its plugin writes beside it \
             (# Recipient: age1…): use the identity file as the plugin wrote it",
        ));
    }
    Ok(keys)
}
