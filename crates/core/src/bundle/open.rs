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

use std::cell::RefCell;
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use age::secrecy::SecretString;
use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;
use zeroize::Zeroizing;

use super::files::{Staging, interrupted, move_no_replace, remove_stale_staging};
use super::manifest::{
    CSV_ENTRY, FLOOR_PLAN_DIR, FORMAT_VERSION, JSON_ENTRY, MANIFEST_ENTRY, Manifest, README_ENTRY,
    SIGNATURE_ENTRY, check_entry_in_format, check_entry_name,
};
use super::pack::{MAX_OPEN_WORK_FACTOR, PACK_WORK_FACTOR};
use crate::{Error, Field, Result, fsutil, keys};

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

/// Step 1, age: decode the armor (if any) into staging, bound the header, decrypt, read the
/// whole payload once (age authenticates it), and hash the file as received. Returns the
/// plaintext reader, its length and the file's SHA-256.
fn decrypt_and_authenticate(
    req: &Request<'_>,
    file: File,
    armor_skip: Option<usize>,
    staging: Option<&Staging>,
    key: OpenKey,
) -> Result<(Plain<File>, u64, String)> {
    let bundle = req.bundle;
    let hash = Rc::new(RefCell::new(Some((Sha256::new(), 0u64))));
    let (mut source, armored_sha256) = match (armor_skip, staging) {
        (Some(skip), Some(staging)) => {
            let (f, h) = decode_armor(file, skip, staging, &hash, bundle)?;
            (f, Some(h))
        }
        _ => (file, None),
    };
    check_age_header(&mut source, bundle)?;
    let hashing = HashingReader {
        inner: source,
        state: if armored_sha256.is_some() {
            Rc::new(RefCell::new(None))
        } else {
            hash.clone()
        },
    };
    let mut plain = decrypt(hashing, key, bundle)?;
    let plain_len = authenticate(&mut plain, bundle, &req.opts.limits)?;
    let sha256 = armored_sha256.unwrap_or_else(|| {
        let (h, _) = hash.borrow_mut().take().unwrap_or_default();
        hex::encode(h.finalize())
    });
    if req.expect.is_some_and(|x| x != sha256) {
        return Err(Error::BundleChanged(bundle.to_path_buf()));
    }
    plain
        .seek(SeekFrom::Start(0))
        .map_err(|e| damaged(bundle, &e))?;
    Ok((plain, plain_len, sha256))
}

/// Decode an armored bundle into a binary file in staging (still ciphertext): the armored
/// reader can only seek by re-reading from the start, and zip reading seeks. Leading blank
/// lines (a mail client's) are part of the file as received, so they are hashed, but the armor
/// starts after them. Returns the binary file and the SHA-256 of the file as received.
fn decode_armor(
    file: File,
    skip: usize,
    staging: &Staging,
    hash: &Rc<RefCell<Option<(Sha256, u64)>>>,
    bundle: &Path,
) -> Result<(File, String)> {
    let path = staging.path().join("bundle.age");
    let mut tmp = fsutil::create_new_private(&path)?;
    let mut hashing = HashingReader {
        inner: file,
        state: hash.clone(),
    };
    let mut blank = vec![0u8; skip];
    hashing
        .read_exact(&mut blank)
        .map_err(|e| Error::io("cannot read", bundle, e))?;
    let mut reader = age::armor::ArmoredReader::new(hashing);
    io::copy(&mut reader, &mut tmp).map_err(|e| match e.kind() {
        io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => Error::BundleDamaged {
            path: bundle.to_path_buf(),
            reason: format!("the ASCII armor is broken: {e}"),
        },
        _ => Error::io("cannot decode the armored bundle into", &path, e),
    })?;
    let (h, _) = hash.borrow_mut().take().unwrap_or_default();
    drop(tmp);
    let f = File::open(&path).map_err(|e| Error::io("cannot read", &path, e))?;
    Ok((f, hex::encode(h.finalize())))
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

/// Check `out` and create it if missing: it must be a real folder, not a symbolic link (the
/// files would go elsewhere than the folder named). Returns the folders created, outermost
/// first.
fn prepare_out(out: &Path) -> Result<Vec<PathBuf>> {
    match fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => {
            let to = fs::read_link(out).unwrap_or_default();
            return Err(Error::invalid(
                "output folder",
                format!(
                    "{} is a symbolic link (to {}): give the folder itself, so that it is clear \
                     where the plaintext goes",
                    out.display(),
                    to.display()
                ),
            ));
        }
        Ok(m) if !m.is_dir() => {
            return Err(Error::invalid(
                "output folder",
                format!("{} is not a folder", out.display()),
            ));
        }
        Ok(_) => return Ok(Vec::new()),
        Err(_) => {}
    }
    let mut missing: Vec<PathBuf> = out
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .take_while(|a| fs::symlink_metadata(a).is_err())
        .map(Path::to_path_buf)
        .collect();
    missing.reverse();
    let mut created = Vec::new();
    for d in &missing {
        let mut b = fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        if let Err(e) = b.create(d) {
            for c in created.iter().rev() {
                let _ = fs::remove_dir(c);
            }
            return Err(Error::io("cannot create the folder", d, e));
        }
        created.push(d.clone());
    }
    Ok(created)
}

/// Where entry `name` goes under `out`, if nothing is in the way: no component under `out` may
/// be a symbolic link or a file (nothing is ever written through a link), and the file itself
/// must not exist (nothing is replaced).
fn check_target(out: &Path, name: &str) -> Result<PathBuf> {
    let parts: Vec<&str> = name.split('/').collect();
    let mut p = out.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        p.push(part);
        let Ok(m) = fs::symlink_metadata(&p) else {
            // Missing: this folder or file is made by the opener itself.
            return Ok(out.join(name));
        };
        if i + 1 == parts.len() {
            return Err(Error::FileExists(p));
        }
        if m.file_type().is_symlink() || !m.is_dir() {
            return Err(Error::invalid(
                "output folder",
                format!(
                    "{} is a symbolic link or a file, not a folder: Handover never writes \
                     through a link inside the output folder; remove it or choose another folder",
                    p.display()
                ),
            ));
        }
    }
    Ok(p)
}

/// Is the file armored (`Some(bytes of leading white space)`), binary age (`None`), or not
/// age at all (error)?
fn sniff(file: &mut File, path: &Path) -> Result<Option<usize>> {
    let mut head = [0u8; 64];
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io("cannot read", path, e)),
        }
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Error::io("cannot read", path, e))?;
    let head = &head[..n];
    if head.starts_with(AGE_MAGIC) {
        return Ok(None);
    }
    let trimmed = head.trim_ascii_start();
    if trimmed.starts_with(ARMOR_BEGIN) {
        return Ok(Some(head.len() - trimmed.len()));
    }
    Err(Error::NotAnAgeFile(path.to_path_buf()))
}

/// Largest age header accepted. Ours is under 1 KiB (one stanza per contractor key and the
/// office's); the cap keeps the age crate's header parser, which re-reads the header once per
/// line (quadratic, rage issue 368), far under a millisecond budget.
const MAX_AGE_HEADER: usize = 16 * 1024;
/// Most recipient stanzas accepted (a contractor with many keys, plus the office's).
const MAX_AGE_STANZAS: usize = 64;
/// Most header lines: each stanza is at most a few lines (X25519 and scrypt stanzas are 2).
const MAX_AGE_HEADER_LINES: usize = 4 * MAX_AGE_STANZAS + 2;

/// Bound the binary age header (size, stanzas, lines) before the age crate parses it.
fn check_age_header(file: &mut File, path: &Path) -> Result<()> {
    let mut head = Vec::with_capacity(MAX_AGE_HEADER);
    (&mut *file)
        .take(MAX_AGE_HEADER as u64)
        .read_to_end(&mut head)
        .and_then(|_| file.seek(SeekFrom::Start(0)))
        .map_err(|e| Error::io("cannot read", path, e))?;
    let Some(end) = head.windows(4).position(|w| w == b"\n---") else {
        if head.len() < MAX_AGE_HEADER {
            // A short file without the MAC line: age says it is truncated or malformed.
            return Ok(());
        }
        return Err(rejected(
            path,
            format!(
                "its age header is longer than {} KiB (a Handover bundle's is under 1 KiB): \
                 refused before decrypting",
                MAX_AGE_HEADER / 1024
            ),
        ));
    };
    let lines = head[..end].split(|&b| b == b'\n');
    let (count, stanzas) = lines.fold((0usize, 0usize), |(n, s), l| {
        (n + 1, s + usize::from(l.starts_with(b"-> ")))
    });
    if stanzas > MAX_AGE_STANZAS || count > MAX_AGE_HEADER_LINES {
        return Err(rejected(
            path,
            format!(
                "its age header has {stanzas} recipient stanzas in {count} lines; at most \
                 {MAX_AGE_STANZAS} stanzas in {MAX_AGE_HEADER_LINES} lines are accepted"
            ),
        ));
    }
    Ok(())
}

/// Counts and hashes what is read, until its state is taken.
struct HashingReader<R> {
    inner: R,
    state: Rc<RefCell<Option<(Sha256, u64)>>>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some((h, count)) = self.state.borrow_mut().as_mut() {
            h.update(&buf[..n]);
            *count += n as u64;
        }
        Ok(n)
    }
}

impl<R: Seek> Seek for HashingReader<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        // Hashing covers one front-to-back read; stop it as soon as anyone seeks.
        if !matches!(pos, SeekFrom::Current(0)) {
            self.state.borrow_mut().take();
        }
        self.inner.seek(pos)
    }
}

type Plain<R> = age::stream::StreamReader<BufReader<HashingReader<R>>>;

fn decrypt<R: Read + Seek>(input: HashingReader<R>, key: OpenKey, path: &Path) -> Result<Plain<R>> {
    let damaged = |reason: &str| Error::BundleDamaged {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let decryptor = age::Decryptor::new_buffered(BufReader::with_capacity(256 * 1024, input))
        .map_err(|e| match e {
            // A v1 header that does not parse also ends up here (age then reads it as a header
            // of some other version): the file did start with the age magic.
            age::DecryptError::UnknownFormat => damaged(
                "the age header is malformed, or is of an age version this build does not know",
            ),
            age::DecryptError::Io(e) if e.kind() != io::ErrorKind::UnexpectedEof => {
                Error::io("cannot read", path, e)
            }
            age::DecryptError::Io(_) => damaged("the age header is truncated"),
            _ => damaged("the age header is malformed"),
        })?;
    let wrong = |reason: &str| Error::WrongKey {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let scrypt = decryptor.is_scrypt();
    let res = match key {
        OpenKey::Identities(ids) => {
            if scrypt {
                return Err(wrong(
                    "it is protected by a passphrase, not encrypted to a key: enter the passphrase",
                ));
            }
            decryptor.decrypt(ids.iter().map(|i| i as &dyn age::Identity))
        }
        OpenKey::Passphrase(p) => {
            if !scrypt {
                return Err(wrong(
                    "it is encrypted to age keys, not to a passphrase: use your key file",
                ));
            }
            let mut id = age::scrypt::Identity::new(p);
            id.set_max_work_factor(MAX_OPEN_WORK_FACTOR);
            decryptor.decrypt(std::iter::once(&id as &dyn age::Identity))
        }
    };
    res.map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => wrong(
            "it was not encrypted to any of the given keys (check that you chose your own key file, \
             and that the office used your enrolled key)",
        ),
        age::DecryptError::DecryptionFailed | age::DecryptError::KeyDecryptionFailed if scrypt => {
            Error::WrongPassphrase(path.to_path_buf())
        }
        age::DecryptError::ExcessiveWork { required, .. } => Error::BundleRejected {
            path: path.to_path_buf(),
            reason: format!(
                "its passphrase protection asks for scrypt work 2^{required} ({} MiB of memory); \
                 Handover bundles use 2^{PACK_WORK_FACTOR} ({} MiB) and are opened up to \
                 2^{MAX_OPEN_WORK_FACTOR} ({} MiB)",
                scrypt_mib(required),
                scrypt_mib(PACK_WORK_FACTOR),
                scrypt_mib(MAX_OPEN_WORK_FACTOR)
            ),
        },
        age::DecryptError::InvalidMac => damaged("the age header was modified (MAC mismatch)"),
        age::DecryptError::Io(e) => Error::io("cannot read", path, e),
        _ => damaged("the age header is malformed"),
    })
}

/// Memory scrypt needs at work factor 2^`log_n` with age's r = 8: 128 · r · N bytes.
fn scrypt_mib(log_n: u8) -> u64 {
    (1024u64 << log_n.min(40)) >> 20
}

fn damaged(path: &Path, e: &io::Error) -> Error {
    let reason = match e.kind() {
        io::ErrorKind::UnexpectedEof => "the encrypted data is truncated",
        _ => "the encrypted data was modified or truncated (authentication failed)",
    };
    Error::BundleDamaged {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Read the whole payload once: age authenticates every chunk and the end of the stream.
fn authenticate<R: Read>(plain: &mut R, path: &Path, limits: &Limits) -> Result<u64> {
    // Headers and the central directory add at most a few hundred bytes per entry.
    let bound = limits
        .max_total_size
        .saturating_add(limits.max_manifest_size)
        .saturating_add((limits.max_entries as u64).saturating_mul(1024));
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        if interrupted() {
            return Err(Error::Cancelled);
        }
        let n = match plain.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
                ) =>
            {
                return Err(damaged(path, &e));
            }
            Err(e) => return Err(Error::io("cannot read", path, e)),
        };
        total += n as u64;
        if total > bound {
            return Err(Error::BundleTooLarge {
                path: path.to_path_buf(),
                reason: format!("the decrypted content is larger than {} bytes", bound),
            });
        }
    }
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

fn le16(b: &[u8], at: usize) -> u64 {
    u64::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn le32(b: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes(
        b[at..at + 4].try_into().unwrap_or_default(),
    ))
}

fn le64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or_default())
}

fn not_a_zip(path: &Path) -> Error {
    rejected(
        path,
        "the decrypted content is not a Handover zip (no end record)",
    )
}

/// Check the entry count and directory size in the end record before the zip reader loads the
/// central directory into memory. A Handover zip has no archive comment. Returns where the
/// directory and the end records are.
fn precheck_directory<R: Read + Seek>(
    r: &mut R,
    len: u64,
    limits: &Limits,
    path: &Path,
) -> Result<super::zip_layout::Directory> {
    if len < 22 {
        return Err(not_a_zip(path));
    }
    let mut read_at = |pos: u64, buf: &mut [u8]| -> Result<()> {
        r.seek(SeekFrom::Start(pos))
            .and_then(|_| r.read_exact(buf))
            .map_err(|e| damaged(path, &e))
    };
    let mut eocd = [0u8; 22];
    read_at(len - 22, &mut eocd)?;
    if eocd[..4] != [0x50, 0x4b, 0x05, 0x06] || le16(&eocd, 20) != 0 {
        return Err(not_a_zip(path));
    }
    let mut entries = le16(&eocd, 10);
    let mut dir = super::zip_layout::Directory {
        start: le32(&eocd, 16),
        size: le32(&eocd, 12),
        end_start: len - 22,
    };
    if entries == 0xFFFF || dir.size == 0xFFFF_FFFF || dir.start == 0xFFFF_FFFF {
        (entries, dir) = zip64_directory(&mut read_at, len, path)?;
    }
    if entries > limits.max_entries as u64 {
        return Err(too_large(
            path,
            format!(
                "the zip has {entries} entries; at most {} are accepted",
                limits.max_entries
            ),
        ));
    }
    if dir.size > (limits.max_entries as u64).saturating_mul(1024) {
        return Err(too_large(
            path,
            format!(
                "the zip directory is {} bytes, far more than its entries need",
                dir.size
            ),
        ));
    }
    Ok(dir)
}

/// The entry count and directory of a zip64 end record, which must sit right before its
/// locator and the classic end record.
fn zip64_directory(
    read_at: &mut dyn FnMut(u64, &mut [u8]) -> Result<()>,
    len: u64,
    path: &Path,
) -> Result<(u64, super::zip_layout::Directory)> {
    if len < 22 + 20 {
        return Err(not_a_zip(path));
    }
    let mut loc = [0u8; 20];
    read_at(len - 22 - 20, &mut loc)?;
    if loc[..4] != [0x50, 0x4b, 0x06, 0x07] {
        return Err(not_a_zip(path));
    }
    let at = le64(&loc, 8);
    if at.checked_add(56).is_none_or(|end| end > len) {
        return Err(not_a_zip(path));
    }
    let mut rec = [0u8; 56];
    read_at(at, &mut rec)?;
    if rec[..4] != [0x50, 0x4b, 0x06, 0x06] {
        return Err(not_a_zip(path));
    }
    if at + 56 != len - 22 - 20 {
        return Err(rejected(
            path,
            "the zip holds bytes between its end records",
        ));
    }
    let dir = super::zip_layout::Directory {
        start: le64(&rec, 48),
        size: le64(&rec, 40),
        end_start: at,
    };
    Ok((le64(&rec, 32), dir))
}

/// Entry names in zip order, after checking the structure and the declared sizes.
fn check_structure<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    limits: &Limits,
    path: &Path,
) -> Result<Vec<String>> {
    if zip.len() > limits.max_entries {
        return Err(too_large(
            path,
            format!(
                "the zip has {} entries; at most {} are accepted",
                zip.len(),
                limits.max_entries
            ),
        ));
    }
    if !zip.comment().is_empty() {
        return Err(rejected(
            path,
            "the zip has a comment (a Handover bundle never does)",
        ));
    }
    if zip.has_duplicate_names() {
        return Err(rejected(
            path,
            "the zip holds two entries with the same name",
        ));
    }
    let mut names = Vec::with_capacity(zip.len());
    let mut folded = std::collections::HashSet::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let meta = zip
            .by_index_data(i)
            .map_err(|e| rejected(path, format!("entry #{} cannot be read ({e})", i + 1)))?;
        let name = checked_entry_name(meta.name_raw(), i, path)?;
        if !folded.insert(name.to_ascii_lowercase()) {
            return Err(rejected(
                path,
                format!(
                    "entry {name} differs from another only in upper and lower case (one \
                     file on Windows and macOS)"
                ),
            ));
        }
        let cap = if i == 0 {
            limits.max_manifest_size
        } else {
            limits.max_entry_size
        };
        total = total.saturating_add(checked_entry_kind(&meta, &name, cap, path)?);
        if total > limits.max_total_size {
            return Err(too_large(
                path,
                format!(
                    "the entries declare more than {} bytes in all",
                    limits.max_total_size
                ),
            ));
        }
        drop(meta);
        names.push(name);
    }
    check_signed_first(&names, path)?;
    zip.validate_header_consistency()
        .map_err(|e| rejected(path, format!("the zip structure is inconsistent ({e})")))?;
    Ok(names)
}

/// The `i`th entry's name, if it is plain ASCII, stays inside the output folder and is one of
/// the format's entries.
fn checked_entry_name(raw: &[u8], i: usize, path: &Path) -> Result<String> {
    let Some(name) = std::str::from_utf8(raw)
        .ok()
        .filter(|n| n.is_ascii())
        .map(str::to_string)
    else {
        return Err(rejected(
            path,
            format!("entry #{} has a name that is not plain ASCII", i + 1),
        ));
    };
    if let Err(why) = check_entry_name(&name) {
        return Err(rejected(
            path,
            format!(
                "entry '{}' would escape the output folder: {why}",
                name.escape_default()
            ),
        ));
    }
    if let Err(why) = check_entry_in_format(&name) {
        return Err(rejected(path, format!("entry '{name}' {why}")));
    }
    Ok(name)
}

/// An entry must be a plain, unencrypted file, stored or deflated, declaring at most `cap`
/// bytes. Returns its declared size.
fn checked_entry_kind(
    meta: &zip::read::ZipFileEntry<'_>,
    name: &str,
    cap: u64,
    path: &Path,
) -> Result<u64> {
    if meta.encrypted() {
        return Err(rejected(path, format!("entry {name} uses zip encryption")));
    }
    if !meta.is_file() || meta.is_symlink() {
        return Err(rejected(path, format!("entry {name} is not a plain file")));
    }
    if !matches!(
        meta.compression(),
        zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
    ) {
        return Err(rejected(
            path,
            format!("entry {name} uses an unsupported compression method"),
        ));
    }
    let size = meta.size();
    if size > cap {
        return Err(too_large(
            path,
            format!("entry {name} declares {size} bytes; the limit is {cap}"),
        ));
    }
    Ok(size)
}

/// The manifest comes first and its signature second.
fn check_signed_first(names: &[String], path: &Path) -> Result<()> {
    if names.first().map(String::as_str) != Some(MANIFEST_ENTRY) {
        return Err(rejected(
            path,
            if names.iter().any(|n| n == MANIFEST_ENTRY) {
                "manifest.json is not the first entry of the zip"
            } else {
                "manifest.json is missing"
            },
        ));
    }
    if names.get(1).map(String::as_str) != Some(SIGNATURE_ENTRY) {
        return Err(rejected(
            path,
            if names.iter().any(|n| n == SIGNATURE_ENTRY) {
                "manifest.sig is not the second entry of the zip"
            } else {
                "manifest.sig (the office's signature) is missing"
            },
        ));
    }
    Ok(())
}

/// Read an entry fully into memory (it is already known to be within `cap`).
fn read_small<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    index: usize,
    name: &str,
    cap: u64,
    path: &Path,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut f = zip
        .by_index(index)
        .map_err(|e| rejected(path, format!("entry {name} cannot be read ({e})")))?;
    let declared = f.size();
    (&mut f)
        .take(declared.min(cap) + 1)
        .read_to_end(&mut out)
        .map_err(|e| entry_read_error(path, name, declared, &e))?;
    if out.len() as u64 != declared {
        return Err(too_large(
            path,
            format!("entry {name} holds more or fewer bytes than it declares"),
        ));
    }
    Ok(out)
}

/// The manifest, its exact bytes and its signature, once the signature verified.
struct Signed {
    manifest: Manifest,
    bytes: Vec<u8>,
    signature: Vec<u8>,
}

fn read_manifest<R: Read + Seek>(
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
pub(super) fn claimed_signing_key(bytes: &[u8]) -> Option<String> {
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
fn check_addressee(m: &Manifest, holder: Option<&[String]>, path: &Path) -> Result<()> {
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
fn check_return_date(m: &Manifest, opts: &OpenOptions, path: &Path) -> Result<bool> {
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
fn check_entries<R: Read + Seek>(
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
fn check_listed(m: &Manifest, limits: &Limits, path: &Path) -> Result<()> {
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
fn check_against_zip<R: Read + Seek>(
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

fn check_no_collisions(names: &[String], out: &Path) -> Result<()> {
    for n in names {
        check_target(out, n)?;
    }
    Ok(())
}

/// Stream every entry, checking actual size and SHA-256 against the manifest; with `dest`,
/// write each into it (0600, fsynced). Returns the bytes of `customers.json`.
fn extract<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    names: &[String],
    signed: &Signed,
    dest: Option<&Path>,
    mut keep: Option<&mut InMemoryFiles>,
    limits: &Limits,
    path: &Path,
) -> Result<Vec<u8>> {
    let m = &signed.manifest;
    let mut json = Vec::new();
    let mut buf = vec![0u8; 256 * 1024];
    for (i, name) in names.iter().enumerate() {
        let mut sink: Box<dyn Write> = match dest {
            Some(d) => Box::new(io::BufWriter::new(create_entry_file(d, name)?)),
            None => Box::new(io::sink()),
        };
        let expected = if i < 2 { None } else { m.entry(name) };
        let cap = match (i, expected) {
            (0, _) => limits.max_manifest_size,
            (_, Some(e)) => e.size,
            _ => 64,
        };
        let mut f = zip
            .by_index(i)
            .map_err(|e| rejected(path, format!("entry {name} cannot be read ({e})")))?;
        let mut kept = keep_slot(keep.as_deref_mut(), expected, name);
        let source = EntrySource { name, cap, path };
        let (count, digest) = source.stream(&mut f, &mut buf, &mut |chunk| {
            if name == JSON_ENTRY {
                json.extend_from_slice(chunk);
            }
            if let Some(k) = kept.as_mut() {
                k.extend_from_slice(chunk);
            }
            sink.write_all(chunk)
                .map_err(|e| Error::io("cannot write", name.as_str(), e))
        })?;
        let ok = match expected {
            Some(e) => count == e.size && digest == e.sha256,
            // The manifest and signature were already read and checked: same bytes again?
            None if i == 0 => digest == hex::encode(Sha256::digest(&signed.bytes)),
            None => digest == hex::encode(Sha256::digest(&signed.signature)),
        };
        if !ok {
            return Err(rejected(
                path,
                format!("entry {name} does not match the SHA-256 and size in the manifest"),
            ));
        }
        sink.flush()
            .map_err(|e| Error::io("cannot write", name.as_str(), e))?;
        if let (Some(k), Some(bytes)) = (keep.as_deref_mut(), kept) {
            k.files.push((name.clone(), bytes));
        }
        if name == CSV_ENTRY && dest.is_some() {
            test_stall();
        }
    }
    Ok(json)
}

/// A buffer to keep a floor plan in memory for viewing, if it fits what is left of the budget
/// (a plan that does not is listed as skipped).
fn keep_slot(
    keep: Option<&mut InMemoryFiles>,
    expected: Option<&super::manifest::ManifestEntry>,
    name: &str,
) -> Option<Zeroizing<Vec<u8>>> {
    let (k, e) = (keep?, expected?);
    if !name
        .strip_prefix(FLOOR_PLAN_DIR)
        .is_some_and(|rest| rest.starts_with('/'))
    {
        return None;
    }
    if e.size <= k.budget {
        k.budget -= e.size;
        Some(Zeroizing::new(Vec::with_capacity(e.size as usize)))
    } else {
        k.skipped.push(name.to_string());
        None
    }
}

/// One zip entry being read: its name, the most bytes it may decompress to, and the bundle.
struct EntrySource<'a> {
    name: &'a str,
    cap: u64,
    path: &'a Path,
}

impl EntrySource<'_> {
    /// Read the entry to its end, handing each chunk to `out`; stops when interrupted or past
    /// the cap. Returns the byte count and the SHA-256.
    fn stream(
        &self,
        f: &mut dyn Read,
        buf: &mut [u8],
        out: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<(u64, String)> {
        let EntrySource { name, cap, path } = *self;
        let mut hasher = Sha256::new();
        let mut count = 0u64;
        loop {
            if interrupted() {
                return Err(Error::Cancelled);
            }
            let n = match f.read(buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(entry_read_error(path, name, cap, &e)),
            };
            count += n as u64;
            if count > cap {
                return Err(too_large(
                    path,
                    format!("entry {name} decompresses to more than the {cap} bytes it declares"),
                ));
            }
            hasher.update(&buf[..n]);
            out(&buf[..n])?;
        }
        Ok((count, hex::encode(hasher.finalize())))
    }
}

/// Test-only (debug builds): hold an extraction once `customers.csv` is in staging, so that the
/// signal test can interrupt it exactly there. Compiled out of releases.
fn test_stall() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("HANDOVER_TEST_STALL_AFTER_CSV_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        let until = std::time::Instant::now() + std::time::Duration::from_millis(ms);
        while std::time::Instant::now() < until && !interrupted() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

/// An entry that fails to read: a zip bomb (more bytes than declared: the zip reader stops it
/// at the declared size) or corrupt data (CRC, deflate stream).
fn entry_read_error(path: &Path, name: &str, declared: u64, e: &io::Error) -> Error {
    if e.to_string().contains("larger than its declared") {
        too_large(
            path,
            format!("entry {name} decompresses to more than the {declared} bytes it declares"),
        )
    } else {
        rejected(path, format!("entry {name} is corrupt ({e})"))
    }
}

fn create_entry_file(dest: &Path, name: &str) -> Result<File> {
    let target = dest.join(name);
    if let Some(parent) = target.parent().filter(|p| *p != dest) {
        fsutil::create_private_dir(parent)?;
    }
    fsutil::create_new_private(&target)
}

fn read_customers(json: &[u8], m: &Manifest) -> std::result::Result<Vec<OpenedCustomer>, String> {
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_slice(json)
        .map_err(|e| {
            format!(
                "customers.json is malformed (line {}, column {})",
                e.line(),
                e.column()
            )
        })?;
    if rows.len() != m.customers.len() {
        return Err("customers.json and the manifest list different customers".into());
    }
    rows.into_iter()
        .zip(&m.customers)
        .map(|(row, mc)| {
            let mut values = Vec::new();
            for (k, v) in &row {
                let field = Field::from_id(k)
                    .filter(|f| mc.fields.contains(f) && !f.is_payment())
                    .ok_or_else(|| {
                        format!(
                            "customers.json holds a field for customer {} that the manifest does not list",
                            mc.customer_id
                        )
                    })?;
                match v {
                    serde_json::Value::Null => {}
                    serde_json::Value::String(s) => values.push(FieldValue {
                        field,
                        value: s.clone(),
                    }),
                    _ => return Err(format!("customers.json: {k} of customer {} is not text", mc.customer_id)),
                }
            }
            values.sort_by_key(|v| v.field);
            let get = |f: Field| values.iter().find(|v| v.field == f).map(|v| v.value.clone());
            if get(Field::CustomerId).as_deref() != Some(mc.customer_id.as_str()) {
                return Err(format!(
                    "customers.json and the manifest disagree about customer {}",
                    mc.customer_id
                ));
            }
            let floor_plan = get(Field::FloorPlan);
            if floor_plan.as_deref().is_some_and(|p| m.entry(p).is_none()) {
                return Err(format!(
                    "customers.json names a floor plan for customer {} that is not in the bundle",
                    mc.customer_id
                ));
            }
            Ok(OpenedCustomer {
                customer_id: mc.customer_id.clone(),
                values,
                floor_plan,
            })
        })
        .collect()
}

/// `customers.csv` must be exactly what the office's pack makes from `customers.json` (same
/// values, formulas defused): a spreadsheet shows what the bundle holds, and never runs a
/// signed `=HYPERLINK(…)`.
fn check_csv(customers: &[OpenedCustomer], m: &Manifest) -> std::result::Result<(), String> {
    let cols: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| m.customers.iter().any(|c| c.fields.contains(f)))
        .collect();
    let rows = customers.iter().zip(&m.customers).map(|(c, mc)| {
        cols.iter()
            .map(|&f| {
                if mc.fields.contains(&f) {
                    c.get(f).unwrap_or("")
                } else {
                    ""
                }
            })
            .collect()
    });
    let expected = super::content::csv_from_rows(&cols, rows).map_err(|e| e.to_string())?;
    let listed = m.entry(CSV_ENTRY).map(|e| e.sha256.as_str());
    if listed != Some(hex::encode(Sha256::digest(&expected)).as_str()) {
        return Err(
            "customers.csv does not match customers.json (a spreadsheet would show other \
             values than the bundle holds, or run a formula)"
                .into(),
        );
    }
    Ok(())
}

/// Move the checked files from staging into `out`, never replacing anything; on failure undo
/// the moves already made.
fn move_into_place(content: &Path, out: &Path, names: &[String]) -> Result<Vec<PathBuf>> {
    let mut moved: Vec<PathBuf> = Vec::new();
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let res = (|| {
        for name in names {
            if interrupted() {
                return Err(Error::Cancelled);
            }
            // Again, just before the move: nothing may have become a link in between.
            let target = check_target(out, name)?;
            if let Some(parent) = target.parent().filter(|p| fs::symlink_metadata(p).is_err()) {
                fsutil::create_private_dir(parent)?;
                made_dirs.push(parent.to_path_buf());
            }
            move_no_replace(&content.join(name), &target)?;
            moved.push(target);
        }
        Ok(())
    })();
    match res {
        Ok(()) => {
            for d in made_dirs.iter().map(PathBuf::as_path).chain([out]) {
                if let Ok(f) = File::open(d) {
                    let _ = f.sync_all();
                }
            }
            Ok(moved)
        }
        Err(e) => {
            for p in &moved {
                let _ = fs::remove_file(p);
            }
            for d in made_dirs.iter().rev() {
                let _ = fs::remove_dir(d);
            }
            Err(e)
        }
    }
}

/// Read an age identity file: a plain `age-keygen` file, or one encrypted with a passphrase
/// (armored or binary, as written by [`crate::keys::keygen`] or `age -p`).
pub fn read_identity_file(
    path: &Path,
    passphrase: Option<&SecretString>,
) -> Result<Vec<age::x25519::Identity>> {
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
    let mut ids = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let id = line.parse::<age::x25519::Identity>().map_err(|_| {
            bad(&format!(
                "line {} is not an age X25519 identity (a line as age-keygen writes it)",
                n + 1
            ))
        })?;
        ids.push(id);
    }
    if ids.is_empty() {
        return Err(bad("it holds no age identity"));
    }
    Ok(ids)
}
