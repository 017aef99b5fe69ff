//! Entry points for the fuzz targets (`fuzz/`) and for the bounded random-input test that runs
//! on stable Rust in the normal suite: the opener from file bytes, the zip reader wrapper from
//! zip bytes (encrypted here, so that the fuzzer's bytes reach the zip code), and the manifest
//! parser. Not part of the API: only the fuzzers and that test call these.
//!
//! Each returns the opener's own result; the property checked by the callers is that no input
//! panics, hangs or leaves a file behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;

use super::open::{Limits, OpenKey, OpenOptions, OpenedBundle, open_bundle_with};
use crate::{Error, Result};

/// The keys and the scratch folder a fuzz run opens with.
pub struct FuzzSetup {
    /// The contractor's identity the inputs are (or are made) encrypted to.
    pub identity: age::x25519::Identity,
    /// The office signing key trusted.
    pub office_key: VerifyingKey,
    /// A private folder for the input file and the `--out` folder (emptied after each input).
    pub scratch: PathBuf,
}

fn options() -> OpenOptions {
    OpenOptions {
        limits: Limits::default(),
        // A fixed day: the result of an input does not depend on the clock.
        today: jiff::civil::date(2026, 1, 1),
        past_return_date: false,
    }
}

/// Open `bytes` as a bundle file: verify-only, then into `scratch/out`. Afterwards nothing is
/// left in the scratch folder but the input, or the call says what was (an error).
pub fn open_file_bytes(setup: &FuzzSetup, bytes: &[u8]) -> Result<Option<OpenedBundle>> {
    let file = setup.scratch.join("input.age");
    std::fs::write(&file, bytes).map_err(|e| Error::io("cannot write", &file, e))?;
    let key = || OpenKey::Identities(vec![setup.identity.clone()]);
    let verify = open_bundle_with(&file, key(), &setup.office_key, None, &options());
    let out = setup.scratch.join("out");
    let extract = open_bundle_with(&file, key(), &setup.office_key, Some(&out), &options());
    if verify.is_ok() != extract.is_ok() {
        return Err(internal(
            "verify-only and extraction disagree about the same file",
        ));
    }
    let left = leftovers(&setup.scratch, &file);
    let _ = std::fs::remove_dir_all(&out);
    if extract.is_err() && !left.is_empty() {
        return Err(internal(&format!("a refused open left {left:?}")));
    }
    extract.map(Some)
}

/// Encrypt `zip` to the setup's identity and open it (the zip reader wrapper, the manifest's
/// signature check and everything after see the fuzzer's bytes).
pub fn open_zip_bytes(setup: &FuzzSetup, zip: &[u8]) -> Result<Option<OpenedBundle>> {
    let enc = age::Encryptor::with_recipients(std::iter::once(
        &setup.identity.to_public() as &dyn age::Recipient
    ))
    .map_err(|e| internal(&e.to_string()))?;
    let mut sealed = Vec::with_capacity(zip.len() + 256);
    let mut w = enc
        .wrap_output(&mut sealed)
        .map_err(|e| Error::io("cannot encrypt", "memory", e))?;
    w.write_all(zip)
        .and_then(|_| w.finish().map(|_| ()))
        .map_err(|e| Error::io("cannot encrypt", "memory", e))?;
    open_file_bytes(setup, &sealed)
}

/// Parse `bytes` as a signed manifest would be parsed, and read the signing key a forged one
/// claims (the only part read before the signature holds).
pub fn parse_manifest_bytes(bytes: &[u8]) -> std::result::Result<super::Manifest, String> {
    let _ = super::open::claimed_signing_key(bytes);
    super::open::parse_manifest(bytes).map_err(|e| match e {
        super::open::ManifestError::Version(v) => format!("version {v}"),
        super::open::ManifestError::Refused(r) => r,
    })
}

/// Everything in `dir` but `keep`, recursively.
fn leftovers(dir: &Path, keep: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p != keep {
                found.push(p);
            }
        }
    }
    found
}

fn internal(what: &str) -> Error {
    crate::refusal::Refusal::Internal {
        what: format!("fuzz: {what}"),
    }
    .into()
}
