//! The contractor's side of a handover, for the desktop app: which office key to trust, which
//! key opens the bundle, and opening it for viewing without writing any plaintext.
//!
//! A contractor has no office data: these functions need no [`super::Office`].

use std::path::Path;

use age::secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::bundle::{self, InMemoryFiles, OpenKey, OpenedBundle};
use crate::{Error, Result, keys};

/// Most bytes of floor plans kept in memory for viewing one bundle (plans past it are listed,
/// and shown after an export). Large enough for hundreds of scanned plans.
pub const PREVIEW_BUDGET: u64 = 512 * 1024 * 1024;

/// An office signing key, as the contractor is asked to confirm it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TrustedKey {
    /// `ed25519:<hex>`.
    pub signing_key: String,
    /// The fingerprint the office reads out by phone (`ABCD-EF01-2345-6789`).
    pub fingerprint: String,
}

/// An office signing key the contractor compared with the office (by phone) and chose to
/// remember. Never added without that explicit step: the bundle's own claim is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PinnedKey {
    /// `ed25519:<hex>`.
    pub signing_key: String,
    /// Its fingerprint, as read out by the office.
    pub fingerprint: String,
    /// The contractor's name for it (the office's name).
    pub label: String,
    /// When it was pinned (RFC 3339).
    pub pinned_at: String,
}

/// An office key as entered, with the pin that matches it, if any.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TrustCheck {
    /// The key and its fingerprint.
    pub key: TrustedKey,
    /// The pin of this key, if the contractor pinned it before.
    pub pinned: Option<PinnedKey>,
}

/// Read an office key (text or file) and find its pin among `pins`.
pub fn trust_check(pins: &[PinnedKey], key: &str) -> Result<TrustCheck> {
    let key = trusted_office_key(key)?;
    let pinned = pins
        .iter()
        .find(|p| p.signing_key == key.signing_key)
        .cloned();
    Ok(TrustCheck { key, pinned })
}

/// `pins` with `key` pinned under `label` at `now` (a key pinned before keeps one pin, with
/// the new label). The label is required: it tells one office's key from another's.
pub fn trust_pin(
    pins: &[PinnedKey],
    key: &str,
    label: &str,
    now: jiff::Timestamp,
) -> Result<Vec<PinnedKey>> {
    let key = trusted_office_key(key)?;
    let label = label.trim();
    if label.is_empty() {
        return Err(trust(crate::refusal::TrustProblem::NoLabel));
    }
    let mut out: Vec<PinnedKey> = pins
        .iter()
        .filter(|p| p.signing_key != key.signing_key)
        .cloned()
        .collect();
    out.push(PinnedKey {
        signing_key: key.signing_key,
        fingerprint: key.fingerprint,
        label: label.to_string(),
        pinned_at: now.round(jiff::Unit::Second).unwrap_or(now).to_string(),
    });
    Ok(out)
}

/// `pins` without the pin of `signing_key`.
pub fn trust_forget(pins: &[PinnedKey], signing_key: &str) -> Vec<PinnedKey> {
    pins.iter()
        .filter(|p| p.signing_key != signing_key)
        .cloned()
        .collect()
}

/// Read an office signing key given as text (`ed25519:…`) or as the path of a file holding it
/// (the office's `office.signing.pub`), and say its fingerprint so that the contractor can
/// compare it with the one the office read out.
pub fn trusted_office_key(key_or_path: &str) -> Result<TrustedKey> {
    let text = key_or_path.trim();
    if text.is_empty() {
        return Err(trust(crate::refusal::TrustProblem::Empty));
    }
    let vk = keys::parse_signing_key(&read_key_arg(text)?)?;
    Ok(TrustedKey {
        signing_key: keys::format_signing_key(&vk),
        fingerprint: keys::fingerprint(vk.as_bytes()),
    })
}

/// The office key an open verifies with: the rule the app shares with the CLI. The key is
/// always the contractor's own choice, never the bundle's claim; on the command line, typing
/// `--trust KEY` (read back by phone) is that choice. In the app, where a key can be pasted or
/// chosen from the pinned ones, it counts only if it is pinned (`pinned`: the signing keys the
/// contractor pinned after comparing fingerprints) or if the contractor confirmed, for this
/// open, that its fingerprint is the one the office read out (`confirmed_fingerprint`, which
/// must be this key's). Anything else is refused before the bundle is read.
pub fn trust_for_opening(
    key_or_path: &str,
    pinned: &[String],
    confirmed_fingerprint: Option<&str>,
) -> Result<TrustedKey> {
    let key = trusted_office_key(key_or_path)?;
    if pinned.contains(&key.signing_key) {
        return Ok(key);
    }
    match confirmed_fingerprint.map(str::trim) {
        Some(f) if f == key.fingerprint => Ok(key),
        Some(f) => Err(trust(crate::refusal::TrustProblem::FingerprintMismatch {
            confirmed: f.to_string(),
            actual: key.fingerprint.clone(),
        })),
        None => Err(trust(crate::refusal::TrustProblem::NotPinned {
            fingerprint: key.fingerprint.clone(),
        })),
    }
}

/// The key that opens a bundle: the contractor's identity file (with its passphrase, if it has
/// one), or the passphrase of a passphrase bundle. Exactly one of the two must be given.
/// A key on hardware (an age plugin identity) has nobody to ask for its PIN here: see
/// [`contractor_key_with`].
pub fn contractor_key(
    identity: Option<&Path>,
    identity_passphrase: Option<&SecretString>,
    bundle_passphrase: Option<SecretString>,
) -> Result<OpenKey> {
    let prompts = std::sync::Arc::new(crate::plugins::NoPrompts);
    contractor_key_with(identity, identity_passphrase, bundle_passphrase, prompts)
}

/// [`contractor_key`] where a key on hardware (an age plugin identity) asks through `prompts`
/// (its PIN, "touch your key").
pub fn contractor_key_with(
    identity: Option<&Path>,
    identity_passphrase: Option<&SecretString>,
    bundle_passphrase: Option<SecretString>,
    prompts: std::sync::Arc<dyn crate::plugins::PluginPrompts>,
) -> Result<OpenKey> {
    match (identity, bundle_passphrase) {
        (Some(path), None) => Ok(OpenKey::Keys {
            keys: bundle::read_key_file(path, identity_passphrase)?,
            prompts,
        }),
        (None, Some(p)) => Ok(OpenKey::Passphrase(p)),
        (Some(_), Some(_)) => Err(crate::refusal::Refusal::KeyChoice { both: true }.into()),
        (None, None) => Err(crate::refusal::Refusal::KeyChoice { both: false }.into()),
    }
}

/// An authenticated bundle with its floor plans in memory.
#[derive(Debug)]
pub struct OpenedForViewing {
    /// The manifest, the customers and the bundle's SHA-256.
    pub bundle: OpenedBundle,
    /// The floor plans (up to [`PREVIEW_BUDGET`] bytes).
    pub floor_plans: InMemoryFiles,
}

/// The options of a contractor's open: today's date, and whether the contractor agreed to open
/// a bundle past its return-or-destroy date.
fn options(past_return_date: bool) -> bundle::OpenOptions {
    bundle::OpenOptions {
        past_return_date,
        ..bundle::OpenOptions::default()
    }
}

/// Decrypt and verify a bundle for viewing: like `handover open` without `--out`, plus the
/// floor plans in memory. Nothing is written (no plaintext anywhere on disk). Past its
/// return-or-destroy date it is refused (`past_return_date`) unless `past_return_date` says
/// the contractor agreed.
pub fn open_bundle_for_viewing(
    bundle_path: &Path,
    key: OpenKey,
    trusted_office_key: &str,
    past_return_date: bool,
) -> Result<OpenedForViewing> {
    let vk = keys::parse_signing_key(&read_key_arg(trusted_office_key)?)?;
    let (bundle, floor_plans) = bundle::open_bundle_in_memory(
        bundle_path,
        key,
        &vk,
        &options(past_return_date),
        PREVIEW_BUDGET,
    )?;
    Ok(OpenedForViewing {
        bundle,
        floor_plans,
    })
}

/// Open a bundle on the contractor's side (no office data needed). Past its return-or-destroy
/// date it is refused unless `past_return_date` (`--past-return-date`).
pub fn open_bundle(
    bundle: &Path,
    key: bundle::OpenKey,
    trusted_office_key: &str,
    out: Option<&Path>,
    past_return_date: bool,
) -> Result<bundle::OpenedBundle> {
    let vk = keys::parse_signing_key(&read_key_arg(trusted_office_key)?)?;
    bundle::open_bundle_with(bundle, key, &vk, out, &options(past_return_date))
}

/// Write a bundle that was opened for viewing into `out`: refused (`bundle_changed`) before
/// anything is written if the file is no longer the one whose SHA-256 was shown.
pub fn export_viewed_bundle(
    bundle: &Path,
    key: bundle::OpenKey,
    trusted_office_key: &str,
    out: &Path,
    viewed_sha256: &str,
    past_return_date: bool,
) -> Result<bundle::OpenedBundle> {
    let vk = keys::parse_signing_key(&read_key_arg(trusted_office_key)?)?;
    bundle::open_bundle_expecting(
        bundle,
        key,
        &vk,
        Some(out),
        &options(past_return_date),
        viewed_sha256,
    )
}

/// A key given on the command line, or the path of a file holding it (`office.signing.pub`).
fn read_key_arg(s: &str) -> Result<String> {
    let p = Path::new(s);
    if !s.starts_with("ed25519:") && p.is_file() {
        let text = std::fs::read_to_string(p).map_err(|e| Error::io("cannot read", p, e))?;
        return text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .ok_or_else(|| {
                trust(crate::refusal::TrustProblem::EmptyFile {
                    path: p.display().to_string(),
                })
            });
    }
    Ok(s.to_string())
}

fn trust(problem: crate::refusal::TrustProblem) -> Error {
    crate::refusal::Refusal::Trust(problem).into()
}
