//! Opening a bundle on the contractor's side (or the office's, for an audit).
//!
//! The order of checks is the point of this file:
//!
//! 1. **age** decrypts and authenticates: the whole payload is read once, front to back, so a
//!    truncated, reordered or modified ciphertext is refused (and told apart from a wrong key)
//!    before the zip is even parsed.
//! 2. **zip structure**: limits on entry count (from the end-of-central-directory record, before
//!    the central directory is loaded) and declared sizes, safe entry names, no duplicate or
//!    overlapping entries, local headers agreeing with the central directory, `manifest.json`
//!    first and `manifest.sig` second.
//! 3. **signature**: the manifest's exact bytes against the office key the contractor trusts.
//!    age does not authenticate the sender (anyone can encrypt to a public key), so this is what
//!    tells a bundle from the office from a forged one.
//! 4. **content**: every entry is listed in the manifest and every listed entry is present,
//!    with the listed size and SHA-256 — counted on the bytes actually decompressed, never the
//!    sizes the zip declares, so a zip bomb stops at its declared size.
//!
//! Entries are extracted into a hidden staging folder inside `out` while they are checked, and
//! moved into place (never replacing a file) only when all of the above passed. On any failure
//! the staging folder is removed and `out` is as it was. A signal handler that calls
//! [`super::interrupt_opens`] (the CLI's, on Ctrl-C, SIGTERM and SIGHUP) stops a running open
//! and removes its staging folder; one left by an open that was killed outright (SIGKILL, power
//! cut) holds no lock any more, and the next open into the same folder removes it and says so
//! ([`OpenedBundle::removed_stale`]).

mod decrypt;
mod extract;
mod identity;
mod output;
mod structure;
mod verify;

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use ts_rs::TS;
use zeroize::Zeroizing;

use self::decrypt::{Plain, decrypt_and_authenticate, sniff};
use self::extract::{check_csv, extract, read_customers};
use self::output::{check_no_collisions, move_into_place, prepare_out};
use self::structure::{check_structure, precheck_directory};
use self::verify::{Signed, check_addressee, check_entries, check_return_date, read_manifest};
use super::files::{Staging, remove_stale_staging};
use super::manifest::Manifest;
use crate::{Error, Field, Result, fsutil, keys};

pub use self::identity::{read_identity_file, read_key_file};
pub(in crate::bundle) use self::verify::claimed_signing_key;
pub(crate) use self::verify::{ManifestError, parse_manifest};

/// Safety limits applied while opening a bundle (zip-bomb and resource protection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most zip entries (5 fixed files plus one floor plan per customer).
    pub max_entries: usize,
    /// Largest single entry, uncompressed.
    pub max_entry_size: u64,
    /// Largest sum of all entries, uncompressed.
    pub max_total_size: u64,
    /// Largest `manifest.json`.
    pub max_manifest_size: u64,
}

impl Default for Limits {
    /// 20,000 customers with a floor plan each; entries up to 64 MiB (floor plans are at most
    /// 50 MB at import); 16 GiB in all; a 32 MiB manifest.
    fn default() -> Self {
        Limits {
            max_entries: 20_005,
            max_entry_size: 64 * 1024 * 1024,
            max_total_size: 16 * 1024 * 1024 * 1024,
            max_manifest_size: 32 * 1024 * 1024,
        }
    }
}

/// The key that opens a bundle.
pub enum OpenKey {
    /// age X25519 identities (the contractor's key file, or the office's escrow identity). One
    /// of them must be a recipient the signed manifest lists.
    Identities(Vec<age::x25519::Identity>),
    /// The passphrase of a passphrase bundle.
    Passphrase(SecretString),
    /// The identities of a key file, which may be keys on hardware reached through age plugins
    /// (see [`crate::plugins`]); a plugin's messages and PIN requests go to `prompts`.
    Keys {
        /// The key file's identities.
        keys: crate::plugins::KeyFile,
        /// Who answers the plugin.
        prompts: std::sync::Arc<dyn crate::plugins::PluginPrompts>,
    },
}

/// How an open is asked for, beyond the file, the key and the trusted office key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOptions {
    /// Resource limits.
    pub limits: Limits,
    /// The day the return-or-destroy date is compared with: today, in the local time zone.
    pub today: jiff::civil::Date,
    /// Open even though the return-or-destroy date has passed (the contractor said so:
    /// `--past-return-date`, or yes when the app asked). Recorded in
    /// [`OpenedBundle::opened_past_return_date`].
    pub past_return_date: bool,
}

impl Default for OpenOptions {
    /// Default limits, today, and no opening past the return date.
    fn default() -> Self {
        OpenOptions {
            limits: Limits::default(),
            today: jiff::Timestamp::now()
                .to_zoned_datetime(jiff::tz::TimeZone::system())
                .date(),
            past_return_date: false,
        }
    }
}

/// One field value of an opened customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldValue {
    /// The field.
    pub field: Field,
    /// Its value (for `floor_plan`, the entry name `floor_plans/<id>.<ext>`).
    pub value: String,
}

/// A customer as read back from `customers.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenedCustomer {
    /// 顧客番号
    pub customer_id: String,
    /// The values present, in [`Field::ALL`] order (fields without a value are left out).
    pub values: Vec<FieldValue>,
    /// The floor plan's entry name, when one was handed over.
    pub floor_plan: Option<String>,
}

impl OpenedCustomer {
    /// The value of a field, if present.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.values
            .iter()
            .find(|v| v.field == field)
            .map(|v| v.value.as_str())
    }
}

/// An authenticated bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenedBundle {
    /// The signed manifest.
    pub manifest: Manifest,
    /// The customers, in manifest order.
    pub customers: Vec<OpenedCustomer>,
    /// The files written into `out` (empty when only verifying), in zip order.
    #[ts(type = "string[]")]
    pub written: Vec<PathBuf>,
    /// SHA-256 of the bundle file as received (matches the office's record of what it sent).
    pub sha256: String,
    /// Staging folders an earlier open into the same folder left when it was killed (they may
    /// have held plaintext), removed by this open.
    #[ts(type = "string[]")]
    pub removed_stale: Vec<PathBuf>,
    /// Opened after its return-or-destroy date, because the contractor said so (what a later
    /// receipt records).
    pub opened_past_return_date: bool,
}

const AGE_MAGIC: &[u8] = b"age-encryption.org/";
const ARMOR_BEGIN: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";
const STAGING_PREFIX: &str = ".handover-partial-";

/// Decrypt, authenticate and (with `out`) extract a bundle.
///
/// `trusted_office_key` is the office signing key the contractor enrolled out of band; a
/// bundle signed by any other key is refused. With `out` the entries are written into that
/// folder (created if missing), which must not already hold files of the same names; without
/// it the bundle is only verified. Nothing is written to `out` unless every check passed.
pub fn open_bundle(
    bundle: &Path,
    key: OpenKey,
    trusted_office_key: &VerifyingKey,
    out: Option<&Path>,
    limits: &Limits,
) -> Result<OpenedBundle> {
    let opts = OpenOptions {
        limits: *limits,
        ..OpenOptions::default()
    };
    open_bundle_with(bundle, key, trusted_office_key, out, &opts)
}

/// [`open_bundle`] with options: the day to compare the return date with, and whether the
/// contractor agreed to open past it.
pub fn open_bundle_with(
    bundle: &Path,
    key: OpenKey,
    trusted_office_key: &VerifyingKey,
    out: Option<&Path>,
    opts: &OpenOptions,
) -> Result<OpenedBundle> {
    open_with(bundle, key, trusted_office_key, out, opts, None, None)
}

/// [`open_bundle`] of a bundle that was opened (for viewing) before: refused with
/// [`Error::BundleChanged`], before anything is written, unless the file's SHA-256 is still
/// `expected_sha256`.
pub fn open_bundle_expecting(
    bundle: &Path,
    key: OpenKey,
    trusted_office_key: &VerifyingKey,
    out: Option<&Path>,
    opts: &OpenOptions,
    expected_sha256: &str,
) -> Result<OpenedBundle> {
    open_with(
        bundle,
        key,
        trusted_office_key,
        out,
        opts,
        None,
        Some(expected_sha256),
    )
}

/// The floor plans of an authenticated bundle, held in memory for viewing (never on disk).
///
/// Plans are kept in zip order until their sizes reach the memory budget; the names of the
/// plans past it are listed in `skipped` (the contractor exports the bundle to see those).
/// The bytes are wiped from memory when dropped.
#[derive(Default)]
pub struct InMemoryFiles {
    /// `(entry name, bytes)` of each plan kept.
    pub files: Vec<(String, Zeroizing<Vec<u8>>)>,
    /// Entry names of the plans not kept because of the budget.
    pub skipped: Vec<String>,
    budget: u64,
}

impl std::fmt::Debug for InMemoryFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the bytes: they are a customer's floor plan.
        f.debug_struct("InMemoryFiles")
            .field(
                "files",
                &self
                    .files
                    .iter()
                    .map(|(n, b)| (n, b.len()))
                    .collect::<Vec<_>>(),
            )
            .field("skipped", &self.skipped)
            .finish()
    }
}

/// Decrypt and authenticate a bundle like [`open_bundle`] without `out`, and keep its floor
/// plans in memory (up to `budget` bytes) so that a viewer can show them. Nothing is written
/// anywhere except, for an ASCII-armored bundle, the decoded ciphertext in a private temporary
/// folder (removed again); no plaintext ever touches the disk. The plans are returned only if
/// every check passed.
pub fn open_bundle_in_memory(
    bundle: &Path,
    key: OpenKey,
    trusted_office_key: &VerifyingKey,
    opts: &OpenOptions,
    budget: u64,
) -> Result<(OpenedBundle, InMemoryFiles)> {
    let mut keep = InMemoryFiles {
        budget,
        ..Default::default()
    };
    let opened = open_with(
        bundle,
        key,
        trusted_office_key,
        None,
        opts,
        Some(&mut keep),
        None,
    )?;
    Ok((opened, keep))
}

/// What one open is asked to do, passed along its steps.
struct Request<'a> {
    bundle: &'a Path,
    trusted: &'a VerifyingKey,
    out: Option<&'a Path>,
    opts: &'a OpenOptions,
    /// The SHA-256 the file must still have (an export after viewing).
    expect: Option<&'a str>,
    /// The fingerprints of the keys given (none for a passphrase).
    holder: Option<Vec<String>>,
}

fn open_with(
    bundle: &Path,
    key: OpenKey,
    trusted_office_key: &VerifyingKey,
    out: Option<&Path>,
    opts: &OpenOptions,
    keep: Option<&mut InMemoryFiles>,
    expect: Option<&str>,
) -> Result<OpenedBundle> {
    let holder = match &key {
        OpenKey::Identities(ids) => Some(
            ids.iter()
                .map(|i| keys::recipient_fingerprint(&i.to_public().to_string()))
                .collect::<Vec<_>>(),
        ),
        OpenKey::Keys { keys: k, .. } => Some(
            k.holder_recipients()
                .iter()
                .map(|r| keys::recipient_fingerprint(r))
                .collect(),
        ),
        OpenKey::Passphrase(_) => None,
    };
    let req = Request {
        bundle,
        trusted: trusted_office_key,
        out,
        opts,
        expect,
        holder,
    };
    let mut file = File::open(bundle).map_err(|e| Error::io("cannot read", bundle, e))?;
    let armor_skip = sniff(&mut file, bundle)?;

    // Where temporary files go: a hidden folder inside `out`, else the system's temp folder.
    // The folders made for `out` (it and any missing parents) are removed again on refusal.
    let created = match out {
        Some(o) => prepare_out(o)?,
        None => Vec::new(),
    };
    // Staging left by an open that was killed (SIGKILL, power cut): plaintext, removed now.
    let removed_stale = match out {
        Some(o) => remove_stale_staging(o, STAGING_PREFIX),
        None => Vec::new(),
    };
    if armor_skip.is_some() {
        // Ciphertext only, but nobody's any more.
        remove_stale_staging(&std::env::temp_dir(), STAGING_PREFIX);
    }
    let result = open_steps(&req, file, armor_skip, key, keep).map(|mut o| {
        o.removed_stale = removed_stale;
        o
    });
    if result.is_err() {
        for d in created.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
    result
}

/// The four steps, with a staging folder that is removed on every way out.
fn open_steps(
    req: &Request<'_>,
    file: File,
    armor_skip: Option<usize>,
    key: OpenKey,
    keep: Option<&mut InMemoryFiles>,
) -> Result<OpenedBundle> {
    let (bundle, out) = (req.bundle, req.out);
    let staging = match out {
        Some(o) => Some(Staging::create(o, STAGING_PREFIX)?),
        None if armor_skip.is_some() => {
            Some(Staging::create(&std::env::temp_dir(), STAGING_PREFIX)?)
        }
        None => None,
    };
    let (plain, plain_len, bundle_sha256) =
        decrypt_and_authenticate(req, file, armor_skip, staging.as_ref(), key)?;
    let (mut zip, names, signed, past_return_date) = read_signed_zip(req, plain, plain_len)?;

    let content = staging
        .as_ref()
        .filter(|_| out.is_some())
        .map(|s| s.path().join("content"));
    if let Some(c) = &content {
        fsutil::create_private_dir(c)?;
        check_no_collisions(&names, out.unwrap_or(c))?;
    }
    let limits = &req.opts.limits;
    let json = extract(
        &mut zip,
        &names,
        &signed,
        content.as_deref(),
        keep,
        limits,
        bundle,
    )?;
    let reject = |reason: String| rejected(bundle, reason);
    let customers = read_customers(&json, &signed.manifest).map_err(reject)?;
    check_csv(&customers, &signed.manifest).map_err(reject)?;
    let written = match (out, &content) {
        (Some(out), Some(content)) => move_into_place(content, out, &names)?,
        _ => Vec::new(),
    };
    drop(staging);
    Ok(OpenedBundle {
        manifest: signed.manifest,
        customers,
        written,
        sha256: bundle_sha256,
        removed_stale: Vec::new(),
        opened_past_return_date: past_return_date,
    })
}

type SignedZip = (zip::ZipArchive<Plain<File>>, Vec<String>, Signed, bool);

/// Steps 2 and 3: the zip's layout and structure, the manifest's signature, the entries it
/// lists, whom it is for and until when. Returns the zip, its entry names, the signed manifest
/// and whether it is opened past its return date.
fn read_signed_zip(req: &Request<'_>, mut plain: Plain<File>, len: u64) -> Result<SignedZip> {
    let (bundle, limits) = (req.bundle, &req.opts.limits);
    let reject = |reason: String| rejected(bundle, reason);
    let dir = precheck_directory(&mut plain, len, limits, bundle)?;
    super::zip_layout::check_layout(&mut plain, &dir).map_err(reject)?;
    let config = zip::read::Config {
        archive_offset: zip::read::ArchiveOffset::Known(0),
    };
    let mut zip = zip::ZipArchive::with_config(config, plain)
        .map_err(|e| reject(format!("the decrypted content is not a valid zip ({e})")))?;
    let names = check_structure(&mut zip, limits, bundle)?;
    let signed = read_manifest(&mut zip, req.trusted, limits, bundle)?;
    check_entries(&signed.manifest, &names, &mut zip, limits, bundle)?;
    check_addressee(&signed.manifest, req.holder.as_deref(), bundle)?;
    let past_return_date = check_return_date(&signed.manifest, req.opts, bundle)?;
    Ok((zip, names, signed, past_return_date))
}

fn too_large(path: &Path, reason: String) -> Error {
    Error::BundleTooLarge {
        path: path.to_path_buf(),
        reason,
    }
}

fn rejected(path: &Path, reason: impl Into<String>) -> Error {
    Error::BundleRejected {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}
