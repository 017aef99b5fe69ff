//! Step 3 and the first half of step 4: the manifest's signature against the trusted office
//! key, the manifest itself, whom the bundle is for and until when, and its list of entries
//! against the zip's.

use std::io::{Read, Seek};
use std::path::Path;

use ed25519_dalek::VerifyingKey;

use super::super::manifest::{
    CSV_ENTRY, FORMAT_VERSION, JSON_ENTRY, MANIFEST_ENTRY, Manifest, README_ENTRY, SIGNATURE_ENTRY,
    check_entry_name,
};
use super::structure::read_small;
use super::{Limits, OpenOptions, rejected, too_large};
use crate::{Error, Result, keys};

/// The manifest, its exact bytes and its signature, once the signature verified.
pub(super) struct Signed {
    pub(super) manifest: Manifest,
    pub(super) bytes: Vec<u8>,
    pub(super) signature: Vec<u8>,
}

pub(super) fn read_manifest<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    trusted: &VerifyingKey,
    limits: &Limits,
    path: &Path,
) -> Result<Signed> {
    let bytes = read_small(zip, 0, MANIFEST_ENTRY, limits.max_manifest_size, path)?;
    let sig = read_small(zip, 1, SIGNATURE_ENTRY, 64, path)?;
    let bad_sig = |reason: String| Error::BadSignature {
        path: path.to_path_buf(),
        reason,
    };
    if !keys::verify_signature(trusted, &bytes, &sig) {
        // Say whose key it was, if the manifest names one that does verify. Until the
        // signature holds, only that one string is read: no JSON tree of a forged manifest.
        let claimed = claimed_signing_key(&bytes)
            .and_then(|k| keys::parse_signing_key(&k).ok())
            .filter(|k| keys::verify_signature(k, &bytes, &sig));
        return Err(bad_sig(match claimed {
            Some(k) => format!(
                "it was signed by another office key, fingerprint {}; you trust {}",
                keys::fingerprint(k.as_bytes()),
                keys::fingerprint(trusted.as_bytes())
            ),
            None => "the manifest signature is invalid: the manifest was altered or forged".into(),
        }));
    }
    let manifest = parse_manifest(&bytes).map_err(|e| match e {
        ManifestError::Version(found) => Error::BundleVersion {
            path: path.to_path_buf(),
            found,
            supported: FORMAT_VERSION,
        },
        ManifestError::Refused(reason) => rejected(path, reason),
    })?;
    if keys::parse_signing_key(&manifest.office.signing_key).ok() != Some(*trusted) {
        return Err(bad_sig(
            "the manifest names a different office signing key than the one that signed it".into(),
        ));
    }
    Ok(Signed {
        manifest,
        bytes,
        signature: sig,
    })
}

/// The `office.signingKey` a manifest claims, read without building a JSON tree (unknown
/// fields are skipped, not stored).
pub(in crate::bundle) fn claimed_signing_key(bytes: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Claim {
        office: Option<ClaimOffice>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct ClaimOffice {
        signing_key: Option<String>,
    }
    serde_json::from_slice::<Claim>(bytes)
        .ok()?
        .office?
        .signing_key
}

/// Why a signed manifest is refused.
pub(crate) enum ManifestError {
    /// Another format version.
    Version(u64),
    /// Not the manifest the format describes.
    Refused(String),
}

/// Parse a manifest's exact bytes: the format version first, then the whole manifest straight
/// from the bytes (serde refuses duplicate and unknown keys; no intermediate tree), then the
/// values the opener relies on: an RFC 3339 creation time and an ISO return date.
pub(crate) fn parse_manifest(bytes: &[u8]) -> std::result::Result<Manifest, ManifestError> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Version {
        format_version: Option<u64>,
    }
    let version = serde_json::from_slice::<Version>(bytes).map_err(|e| {
        ManifestError::Refused(format!(
            "manifest.json is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    match version.format_version {
        Some(v) if v == u64::from(FORMAT_VERSION) => {}
        Some(found) => return Err(ManifestError::Version(found)),
        None => {
            return Err(ManifestError::Refused(
                "manifest.json has no format version".into(),
            ));
        }
    }
    let manifest: Manifest = serde_json::from_slice(bytes).map_err(|e| {
        // Never echo the offending value: only where it is, and a duplicate key's name.
        let what = if e.to_string().contains("duplicate field") {
            "has a key twice in one object"
        } else {
            "does not have the expected shape"
        };
        ManifestError::Refused(format!(
            "manifest.json {what} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    if manifest.created.parse::<jiff::Timestamp>().is_err() {
        return Err(ManifestError::Refused(
            "manifest.json: the creation time is not an RFC 3339 time".into(),
        ));
    }
    if manifest.return_by.len() != 10 || manifest.return_by.parse::<jiff::civil::Date>().is_err() {
        return Err(ManifestError::Refused(
            "manifest.json: the return date is not a YYYY-MM-DD date".into(),
        ));
    }
    Ok(manifest)
}

/// The bundle must be for whoever opens it: one of the given keys is a recipient the signed
/// manifest lists (the contractor's keys, or the office's escrow key), and a passphrase opens
/// only a bundle the manifest says is a passphrase bundle. Anyone can re-encrypt a signed
/// bundle's zip to another key; this says so instead of "verified".
pub(super) fn check_addressee(m: &Manifest, holder: Option<&[String]>, path: &Path) -> Result<()> {
    let made_for = format!("{} ({})", m.contractor.name, m.contractor.id);
    match holder {
        Some(prints) => {
            let listed = |p: &String| {
                m.encryption != crate::handover::Encryption::Passphrase.id()
                    && (*p == m.office.recipient_fingerprint
                        || m.contractor.key_fingerprints.contains(p))
            };
            if !prints.iter().any(listed) {
                return Err(Error::NotTheRecipient {
                    path: path.to_path_buf(),
                    reason: format!(
                        "the office made it for {made_for}, and your key (fingerprint {}) is                          not one it was encrypted to: someone re-encrypted it. Ask the office                          for a bundle made for you",
                        prints.first().map(String::as_str).unwrap_or("-")
                    ),
                });
            }
        }
        None if m.encryption != crate::handover::Encryption::Passphrase.id() => {
            return Err(Error::NotTheRecipient {
                path: path.to_path_buf(),
                reason: format!(
                    "the office encrypted it to the keys of {made_for}, but this copy is                      protected by a passphrase: someone re-encrypted it"
                ),
            });
        }
        None => {}
    }
    Ok(())
}

/// Past the manifest's return-or-destroy date, the bundle opens only if the contractor said so
/// (`--past-return-date`; the app asks). Returns whether it is past that date.
pub(super) fn check_return_date(m: &Manifest, opts: &OpenOptions, path: &Path) -> Result<bool> {
    // A malformed date was already refused when the manifest was parsed.
    let Ok(return_by) = m.return_by.parse::<jiff::civil::Date>() else {
        return Err(rejected(
            path,
            "manifest.json: the return date is not a date",
        ));
    };
    if opts.today <= return_by {
        return Ok(false);
    }
    if !opts.past_return_date {
        return Err(Error::PastReturnDate {
            path: path.to_path_buf(),
            handover_id: m.handover_id.clone(),
            return_by: m.return_by.clone(),
        });
    }
    Ok(true)
}

/// The zip entries and the manifest's list must agree exactly (sizes included).
pub(super) fn check_entries<R: Read + Seek>(
    m: &Manifest,
    names: &[String],
    zip: &mut zip::ZipArchive<R>,
    limits: &Limits,
    path: &Path,
) -> Result<()> {
    check_listed(m, limits, path)?;
    check_against_zip(m, names, zip, path)
}

/// The manifest's list itself: names inside the output folder, each once, within the limits.
pub(super) fn check_listed(m: &Manifest, limits: &Limits, path: &Path) -> Result<()> {
    let mut listed = std::collections::HashSet::new();
    let mut total = 0u64;
    for e in &m.entries {
        if let Err(why) = check_entry_name(&e.path) {
            return Err(rejected(
                path,
                format!(
                    "the manifest lists '{}', which {why}",
                    e.path.escape_default()
                ),
            ));
        }
        if e.path == MANIFEST_ENTRY || e.path == SIGNATURE_ENTRY || !listed.insert(e.path.as_str())
        {
            return Err(rejected(
                path,
                format!("the manifest lists {} twice", e.path),
            ));
        }
        if e.size > limits.max_entry_size {
            return Err(too_large(
                path,
                format!(
                    "entry {} is {} bytes; the limit is {}",
                    e.path, e.size, limits.max_entry_size
                ),
            ));
        }
        total = total.saturating_add(e.size);
    }
    if total > limits.max_total_size {
        return Err(too_large(
            path,
            "the manifest lists too many bytes in all".into(),
        ));
    }
    Ok(())
}

/// Every zip entry after the signature is listed with its declared size, every listed entry is
/// in the zip, and the three text files are there.
pub(super) fn check_against_zip<R: Read + Seek>(
    m: &Manifest,
    names: &[String],
    zip: &mut zip::ZipArchive<R>,
    path: &Path,
) -> Result<()> {
    for (i, name) in names.iter().enumerate().skip(2) {
        let Some(e) = m.entry(name) else {
            return Err(rejected(
                path,
                format!("entry {name} is not listed in the manifest"),
            ));
        };
        let declared = zip
            .by_index_data(i)
            .map(|f| f.size())
            .map_err(|err| rejected(path, format!("entry {name} cannot be read ({err})")))?;
        if declared != e.size {
            return Err(rejected(
                path,
                format!(
                    "entry {name} is {declared} bytes but the manifest says {}",
                    e.size
                ),
            ));
        }
    }
    for e in &m.entries {
        if !names.contains(&e.path) {
            return Err(rejected(
                path,
                format!(
                    "entry {} is listed in the manifest but missing from the zip",
                    e.path
                ),
            ));
        }
    }
    for required in [README_ENTRY, CSV_ENTRY, JSON_ENTRY] {
        if m.entry(required).is_none() {
            return Err(rejected(path, format!("{required} is missing")));
        }
    }
    Ok(())
}
