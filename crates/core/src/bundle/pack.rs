//! Writing a bundle: zip → age → `<out>.partial` → fsync → rename.
//!
//! The zip is produced by [`zip::ZipWriter::new_stream`] (the age writer cannot seek, so
//! entries carry data descriptors) into a [`ChannelWriter`] that hands 1 MiB buffers over a
//! bounded channel to a second thread, which encrypts them with age (optionally armored) and
//! writes the ciphertext to the partial file as it comes out of age (still in that core's
//! cache, which makes the kernel's copy cheap) and, through another [`ChannelWriter`], to a
//! third thread that hashes it. Memory is the few buffers in flight plus the text files (a
//! few hundred bytes per customer), whatever the size of the floor plans.
//!
//! Why three threads: hashing the plans, encrypting, and hashing the ciphertext each cost
//! about a second of CPU per 2 GB here (SHA-256 with SHA-NI ~1.7 GB/s, ChaCha20-Poly1305
//! ~2 GB/s), plus the kernel's copies. With encryption, ciphertext hashing and writing on one
//! thread, that thread limited a pack to ~4 s for 2 GB on two cores whatever the other did;
//! split this way the pack is bound by the total CPU instead (~2.7 s on two idle cores).
//!
//! The manifest must be first in the zip yet lists the hash of every later entry. The text
//! files are therefore made in memory first, and floor plans are described by the SHA-256
//! recorded when they were stored. A plan that still carries the seal given when its hash was
//! checked ([`floor_plans::seal_time`]) is copied as is; any other is hashed again while it is
//! copied, and a plan whose bytes changed since import aborts the bundle
//! ([`Error::FloorPlanChanged`]).

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::rc::Rc;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};

use age::secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// log2 of the scrypt work factor of a passphrase bundle: 2^18 takes 256 MiB and about half a
/// second to a second on an office PC. Fixed rather than calibrated to the packing machine, so
/// that the opener can cap what it accepts.
pub(crate) const PACK_WORK_FACTOR: u8 = 18;
/// The most scrypt work an opener accepts (2^20: 1 GiB, four times a pack's): a hostile
/// passphrase bundle asking for more (the C2SP vector asks 2^23: 8 GiB) is refused at once.
pub(crate) const MAX_OPEN_WORK_FACTOR: u8 = 20;

use super::content::{self, Header, Selected};
use super::detached;
use super::files::{RemoveOnDrop, create_partial, move_no_replace};
use super::manifest::{
    CSV_ENTRY, FORMAT_VERSION, JSON_ENTRY, MANIFEST_ENTRY, Manifest, ManifestCustomer,
    ManifestEntry, README_ENTRY, SIGNATURE_ENTRY,
};
use super::{BundleCustomer, BundleKey, Limits, PackedBundle};
use crate::handover::Encryption;
use crate::keys;
use crate::register::floor_plans;
use crate::{Error, Flow, Progress, Result, WorkType, fsutil};

/// Size of the buffers handed to the encryption thread.
const CHUNK: usize = 1 << 20;
/// Buffers queued for encryption at most.
const QUEUE: usize = 4;
/// Buffers of ciphertext queued for hashing at most (memory bound, both queues and the buffers
/// being filled or recycled: about `QUEUE + HASH_QUEUE + 8` MiB).
const HASH_QUEUE: usize = 2;
/// Ciphertext written between two early writebacks of the partial file.
const WRITEBACK_STEP: u64 = 64 << 20;
/// Read size when copying a floor plan.
const READ_BUF: usize = 256 * 1024;

/// Write an encrypted, signed bundle to `out`.
///
/// `manifest` supplies the handover, office and contractor details; `format_version`,
/// `encryption`, `customers` and `entries` are filled in here from `customers` and `key`.
/// `customers` carries, per customer, exactly the fields that may be handed over: this
/// function refuses payment fields and a missing `customer_id`, and writes nothing else.
/// With X25519 recipients, the office's own recipient (`manifest.office.recipient_fingerprint`)
/// must be among them and every other recipient must be one of
/// `manifest.contractor.key_fingerprints`, so the manifest tells the truth about who can read
/// the bundle. `sign` signs the exact manifest bytes; the signature is checked against
/// `manifest.office.signing_key` before anything is written.
///
/// The file appears at `out` only when complete and fsynced; `out` must not exist. On any
/// error or cancellation nothing is left behind.
pub fn pack_to_file(
    out: &Path,
    manifest: Manifest,
    customers: &[BundleCustomer],
    key: &BundleKey,
    armor: bool,
    sign: &dyn Fn(&[u8]) -> [u8; 64],
    progress: &mut dyn Progress,
) -> Result<PackedBundle> {
    pack_to_file_with(
        out,
        manifest,
        customers,
        key,
        armor,
        sign,
        progress,
        &mut |_| Ok(()),
    )
}

/// [`pack_to_file`], calling `before_publish` with the finished bundle's SHA-256 after it is
/// fsynced and before it is moved to `out` (an error there abandons the pack), so that a
/// caller can journal what it is about to publish.
#[allow(clippy::too_many_arguments)]
pub fn pack_to_file_with(
    out: &Path,
    mut manifest: Manifest,
    customers: &[BundleCustomer],
    key: &BundleKey,
    armor: bool,
    sign: &dyn Fn(&[u8]) -> [u8; 64],
    progress: &mut dyn Progress,
    before_publish: &mut dyn FnMut(&str) -> Result<()>,
) -> Result<PackedBundle> {
    let selected = content::select(customers)?;
    let limits = Limits::default();
    check_customer_count(selected.len(), &limits)?;
    manifest.format_version = FORMAT_VERSION;
    manifest.encryption = match key {
        BundleKey::Recipients(_) => Encryption::X25519,
        BundleKey::Passphrase(_) | BundleKey::InsecureTestPassphrase { .. } => {
            Encryption::Passphrase
        }
    }
    .id()
    .into();
    check_manifest(&manifest)?;
    check_key(&manifest, key)?;
    let mtime = zip_time(&manifest.created);
    let texts = TextEntries::make(&manifest, &selected)?;
    list_contents(&mut manifest, &selected, &texts.all());
    for s in &selected {
        check_plan_on_disk(s)?;
    }
    let (manifest_bytes, signature) = signed_manifest(&manifest, sign, &limits)?;

    let sig_path = detached::signature_path(out);
    for path in [out, sig_path.as_path()] {
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(Error::FileExists(path.to_path_buf()));
        }
    }
    let partial = fsutil::partial_path(out);
    // Locked while open: a `.partial` left by a killed pack is told from one being written.
    let file = create_partial(&partial)?;
    let mut cleanup = RemoveOnDrop(Some(partial.clone()));

    let texts = texts.all();
    let total = manifest_bytes.len() as u64
        + 64
        + texts.iter().map(|(_, b)| b.len() as u64).sum::<u64>()
        + manifest.entries.iter().skip(3).map(|e| e.size).sum::<u64>();
    let entries = Entries {
        manifest: &manifest_bytes,
        signature: &signature,
        texts: &texts,
        selected: &selected,
        mtime,
    };
    let stages = Stages {
        partial: &partial,
        key,
        armor,
    };
    let (file, sha256, size) = stages.run(file, &entries, total, progress)?;
    file.sync_all()
        .map_err(|e| Error::io("cannot write", &partial, e))?;
    let sig_pem = detached::sign_detached(&sha256, &manifest.office.signing_key, sign)?;
    before_publish(&sha256)?;
    // The signature goes in place first, then the bundle (its file and lock kept open until
    // it is in place); if the bundle cannot follow, the signature goes again: a failed pack
    // leaves neither.
    let mut sig_cleanup = place_signature(&sig_path, &sig_pem)?;
    move_no_replace(&partial, out)?;
    cleanup.0 = None;
    sig_cleanup.0 = None;
    drop(file);
    fsutil::sync_parent(out);
    Ok(PackedBundle {
        sha256,
        size,
        manifest,
    })
}

/// Write `<bundle>.sig` durably and without replacing a file; the returned guard removes it
/// again unless emptied.
fn place_signature(sig_path: &Path, pem: &str) -> Result<RemoveOnDrop> {
    let partial = fsutil::partial_path(sig_path);
    let _ = std::fs::remove_file(&partial);
    let cleanup_partial = RemoveOnDrop(Some(partial.clone()));
    {
        let mut f = File::create(&partial).map_err(|e| Error::io("cannot create", &partial, e))?;
        f.write_all(pem.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| Error::io("cannot write", &partial, e))?;
    }
    move_no_replace(&partial, sig_path)?;
    drop(cleanup_partial);
    Ok(RemoveOnDrop(Some(sig_path.to_path_buf())))
}

/// A bundle holds five fixed entries besides one plan per customer at most.
fn check_customer_count(selected: usize, limits: &Limits) -> Result<()> {
    if selected + 5 > limits.max_entries {
        return Err(crate::refusal::Refusal::Selection(
            crate::refusal::SelectionProblem::TooManyCustomers {
                selected,
                max: limits.max_entries - 5,
            },
        )
        .into());
    }
    Ok(())
}

/// The text entries, made in memory first so that the manifest can list their hashes.
struct TextEntries {
    readme: Vec<u8>,
    csv: Vec<u8>,
    json: Vec<u8>,
}

impl TextEntries {
    fn make(manifest: &Manifest, selected: &[Selected<'_>]) -> Result<Self> {
        let readme = content::readme(&Header {
            handover_id: &manifest.handover_id,
            created: &manifest.created,
            contractor: &manifest.contractor.name,
            work_type: &manifest.work_type,
            return_by: &manifest.return_by,
            customers: selected.len(),
            passphrase: manifest.encryption == Encryption::Passphrase.id(),
        });
        Ok(TextEntries {
            readme,
            csv: content::customers_csv(selected)?,
            json: content::customers_json(selected)?,
        })
    }

    /// Name and bytes of each, in the order the zip holds them.
    fn all(&self) -> [(&'static str, &[u8]); 3] {
        [
            (README_ENTRY, &self.readme),
            (CSV_ENTRY, &self.csv),
            (JSON_ENTRY, &self.json),
        ]
    }
}

/// The manifest's customers and entries: the text files by their hashes, then each floor plan
/// by the hash recorded when it was stored.
fn list_contents(manifest: &mut Manifest, selected: &[Selected<'_>], texts: &[(&str, &[u8]); 3]) {
    manifest.customers = selected
        .iter()
        .map(|s| ManifestCustomer {
            customer_id: s.id().to_string(),
            fields: s.fields.clone(),
        })
        .collect();
    manifest.entries = texts
        .iter()
        .map(|(name, bytes)| ManifestEntry {
            path: (*name).to_string(),
            sha256: hex::encode(Sha256::digest(bytes)),
            size: bytes.len() as u64,
        })
        .chain(
            selected
                .iter()
                .filter_map(|s| s.plan.as_ref())
                .map(|p| ManifestEntry {
                    path: p.entry.clone(),
                    sha256: p.meta.sha256.clone(),
                    size: p.meta.size,
                }),
        )
        .collect();
}

/// The manifest's exact bytes and their signature, checked against the signing key the
/// manifest names before anything is written.
fn signed_manifest(
    manifest: &Manifest,
    sign: &dyn Fn(&[u8]) -> [u8; 64],
    limits: &Limits,
) -> Result<(Vec<u8>, [u8; 64])> {
    let mut manifest_bytes = serde_json::to_vec_pretty(manifest)
        .map_err(|e| Error::io("cannot write", MANIFEST_ENTRY, e.into()))?;
    manifest_bytes.push(b'\n');
    if manifest_bytes.len() as u64 > limits.max_manifest_size {
        return Err(crate::refusal::Refusal::Selection(
            crate::refusal::SelectionProblem::ManifestTooLarge,
        )
        .into());
    }
    let signature = sign(&manifest_bytes);
    let vk = keys::parse_signing_key(&manifest.office.signing_key)?;
    if !keys::verify_signature(&vk, &manifest_bytes, &signature) {
        return Err(crate::refusal::Refusal::Trust(
            crate::refusal::TrustProblem::SignedWithOtherKey,
        )
        .into());
    }
    Ok((manifest_bytes, signature))
}

/// The three stages after the zip: encrypting into the partial file, and hashing what is
/// written.
struct Stages<'a> {
    partial: &'a Path,
    key: &'a BundleKey,
    armor: bool,
}

impl Stages<'_> {
    /// zip (this thread) → encryption thread → writing thread, each hand-over a bounded
    /// channel of 1 MiB buffers (recycled through the `spare` channels). Returns the partial
    /// file, the ciphertext's SHA-256 and its size.
    fn run(
        &self,
        file: File,
        entries: &Entries<'_>,
        total: u64,
        progress: &mut dyn Progress,
    ) -> Result<(File, String, u64)> {
        let Stages {
            partial,
            key,
            armor,
        } = *self;
        std::thread::scope(|scope| {
            let (tx, rx) = sync_channel::<Msg>(QUEUE);
            let (spare_tx, spare_rx) = sync_channel::<Vec<u8>>(QUEUE + 2);
            // Hashing is quicker than encrypting: a shorter queue keeps it fed.
            let (ctx, crx) = sync_channel::<Msg>(HASH_QUEUE);
            let (cspare_tx, cspare_rx) = sync_channel::<Vec<u8>>(HASH_QUEUE + 2);
            let (wb_tx, wb_rx) = sync_channel::<()>(1);
            if let Ok(f) = file.try_clone() {
                scope.spawn(move || writeback_loop(f, wb_rx));
            }
            let encryptor = scope.spawn(move || {
                let sink = TeeWriter {
                    file,
                    hash: ChannelWriter::new(ctx, cspare_rx),
                    unsynced: 0,
                    writeback: wb_tx,
                };
                encrypt_loop(rx, spare_tx, sink, key, armor, partial)
            });
            let hasher = scope.spawn(move || hash_loop(crx, cspare_tx));
            let zipped = write_zip(ChannelWriter::new(tx, spare_rx), entries, total, progress);
            let encrypted = encryptor
                .join()
                .unwrap_or_else(|_| Err(Error::Encrypt("the encryption thread panicked".into())));
            let hashed = hasher
                .join()
                .unwrap_or_else(|_| Err(Error::Encrypt("the hashing thread panicked".into())));
            first_failure(zipped, encrypted, hashed)
        })
    }
}

/// A stage that fails makes the stages before it stop with a broken pipe and the ones after
/// it stop as cancelled: report the stage that failed first, which says what really happened
/// (a changed plan, cancellation, disk full…).
fn first_failure(
    zipped: Result<()>,
    encrypted: Result<File>,
    hashed: Result<(String, u64)>,
) -> Result<(File, String, u64)> {
    match (zipped, encrypted, hashed) {
        (Ok(()), Ok(file), Ok((sha256, size))) => Ok((file, sha256, size)),
        (Err(e @ (Error::Cancelled | Error::FloorPlanChanged { .. })), _, _) => Err(e),
        (_, Err(e), _) if !matches!(e, Error::Cancelled) => Err(e),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(e),
    }
}

fn check_manifest(m: &Manifest) -> Result<()> {
    let bad = |field: &'static str, given: &str| {
        Err(crate::refusal::Refusal::Manifest {
            field,
            given: given.to_string(),
        }
        .into())
    };
    if m.handover_id.trim().is_empty() || m.handover_id.chars().any(char::is_control) {
        return bad("handoverId", &m.handover_id);
    }
    if m.created.parse::<jiff::Timestamp>().is_err() {
        return bad("created", &m.created);
    }
    if m.return_by.parse::<jiff::civil::Date>().is_err() {
        return Err(Error::BadDate(m.return_by.clone()));
    }
    if !matches!(m.method.as_str(), "transfer" | "media") {
        return bad("method", &m.method);
    }
    m.work_type.parse::<WorkType>()?;
    keys::parse_signing_key(&m.office.signing_key)?;
    Ok(())
}

fn check_key(m: &Manifest, key: &BundleKey) -> Result<()> {
    match key {
        BundleKey::Recipients(recipients) => {
            if recipients.is_empty() {
                return Err(crate::refusal::Refusal::Recipients(
                    crate::refusal::RecipientProblem::None,
                )
                .into());
            }
            let prints: Vec<String> = recipients
                .iter()
                .map(|r| keys::recipient_fingerprint(&r.to_string()))
                .collect();
            if !prints.contains(&m.office.recipient_fingerprint) {
                return Err(crate::refusal::Refusal::Recipients(
                    crate::refusal::RecipientProblem::NoOffice,
                )
                .into());
            }
            if let Some(p) = prints.iter().find(|p| {
                **p != m.office.recipient_fingerprint && !m.contractor.key_fingerprints.contains(p)
            }) {
                return Err(crate::refusal::Refusal::Recipients(
                    crate::refusal::RecipientProblem::Stranger {
                        fingerprint: p.clone(),
                    },
                )
                .into());
            }
        }
        BundleKey::Passphrase(p) | BundleKey::InsecureTestPassphrase { passphrase: p, .. } => {
            check_passphrase(p)?;
        }
    }
    Ok(())
}

/// The plugins among the recipients, for a refusal's message (`yubikey`, `tpm`).
fn plugin_names(rs: &[crate::plugins::AgeRecipient]) -> String {
    let mut names: Vec<&str> = rs.iter().filter_map(|r| r.plugin()).collect();
    names.dedup();
    names.join(", ")
}

/// A bundle passphrase must be long enough to resist guessing (it is the only key).
pub(crate) fn check_passphrase(p: &SecretString) -> Result<()> {
    if p.expose_secret().chars().count() < 8 {
        return Err(crate::refusal::Refusal::PassphraseTooShort { min: 8 }.into());
    }
    Ok(())
}

/// Fail early (before writing anything) if a plan is missing or its size changed.
fn check_plan_on_disk(s: &Selected<'_>) -> Result<()> {
    let Some(p) = s.plan.as_ref().filter(|p| p.stream.is_none()) else {
        return Ok(());
    };
    let meta = std::fs::metadata(&p.path)
        .map_err(|e| Error::io("cannot read the stored floor plan", &*p.path, e))?;
    if !meta.is_file() || meta.len() != p.meta.size {
        return Err(plan_changed(s, &p.path));
    }
    Ok(())
}

fn plan_changed(s: &Selected<'_>, path: &Path) -> Error {
    Error::FloorPlanChanged {
        customer_id: s.id().to_string(),
        path: path.to_path_buf(),
    }
}

/// The zip timestamp of every entry: the manifest's creation time as written (its local
/// time), so entries carry no other clock reading.
fn zip_time(created: &str) -> zip::DateTime {
    created
        .get(..19)
        .and_then(|s| s.parse::<jiff::civil::DateTime>().ok())
        .and_then(|d| {
            zip::DateTime::from_date_and_time(
                u16::try_from(d.year()).ok()?,
                d.month() as u8,
                d.day() as u8,
                d.hour() as u8,
                d.minute() as u8,
                d.second() as u8,
            )
            .ok()
        })
        .unwrap_or_default()
}

struct Entries<'a> {
    manifest: &'a [u8],
    signature: &'a [u8; 64],
    texts: &'a [(&'a str, &'a [u8]); 3],
    selected: &'a [Selected<'a>],
    mtime: zip::DateTime,
}

fn write_zip(
    writer: ChannelWriter,
    e: &Entries<'_>,
    total: u64,
    progress: &mut dyn Progress,
) -> Result<()> {
    let aborted = writer.aborted.clone();
    let mut zip = zip::ZipWriter::new_stream(writer);
    let mut tick = Ticker {
        done: 0,
        total,
        progress,
    };
    let res = (|| {
        let text = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(e.mtime)
            .unix_permissions(0o600);
        let stored = text.compression_method(CompressionMethod::Stored);
        let small: [(&str, &[u8], SimpleFileOptions); 2] = [
            (MANIFEST_ENTRY, e.manifest, text),
            (SIGNATURE_ENTRY, e.signature, stored),
        ];
        for (name, bytes, opts) in small
            .into_iter()
            .chain(e.texts.iter().map(|(n, b)| (*n, *b, text)))
        {
            zip.start_file(name, opts)
                .map_err(|err| zip_err(name, err))?;
            zip.write_all(bytes).map_err(|err| pipe_error(name, err))?;
            tick.add(bytes.len() as u64)?;
        }
        let mut buf = vec![0u8; READ_BUF];
        for s in e.selected {
            if let Some(p) = &s.plan {
                zip.start_file(p.entry.as_str(), stored)
                    .map_err(|err| zip_err(&p.entry, err))?;
                copy_plan(&mut zip, s, p, &mut buf, &mut tick)?;
            }
        }
        Ok(())
    })();
    match res {
        Ok(()) => {
            let writer = zip.finish().map_err(zip_err_final)?.into_inner();
            writer.finish().map_err(|err| pipe_error("the bundle", err))
        }
        Err(err) => {
            // Let the zip writer's drop finish into the void, and tell the encryption thread
            // (by closing the channel without `Done`) to stop without finishing the file.
            aborted.set(true);
            drop(zip);
            Err(err)
        }
    }
}

/// Bytes zipped so far, reported to the caller's progress, which may cancel.
struct Ticker<'a> {
    done: u64,
    total: u64,
    progress: &'a mut dyn Progress,
}

impl Ticker<'_> {
    fn add(&mut self, n: u64) -> Result<()> {
        self.done += n;
        match self.progress.update(self.done, Some(self.total)) {
            Flow::Continue => Ok(()),
            Flow::Cancel => Err(Error::Cancelled),
        }
    }
}

/// Copy one stored floor plan into the zip's current entry. A sealed plan (unchanged since it
/// was hashed) is copied without hashing it again; the seal is checked on the open file before
/// and after the copy, so a write in between is noticed. Any other plan is hashed while copied,
/// and sealed if it matches. A plan whose bytes differ from the recorded ones aborts the pack.
fn copy_plan(
    zip: &mut zip::ZipWriter<zip::write::StreamWriter<ChannelWriter>>,
    s: &Selected<'_>,
    p: &content::PlanRef<'_>,
    buf: &mut [u8],
    tick: &mut Ticker<'_>,
) -> Result<()> {
    if let Some(stream) = p.stream {
        return copy_streamed_plan(zip, s, p, stream, buf, tick);
    }
    let mut f = File::open(&p.path)
        .map_err(|err| Error::io("cannot read the stored floor plan", &*p.path, err))?;
    let sealed = |f: &File| {
        f.metadata()
            .is_ok_and(|m| floor_plans::is_sealed(&m, p.meta.size))
    };
    let mut hasher = (!sealed(&f)).then(Sha256::new);
    let mut n_total = 0u64;
    loop {
        let n = match f.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => {
                return Err(Error::io(
                    "cannot read the stored floor plan",
                    &*p.path,
                    err,
                ));
            }
        };
        n_total += n as u64;
        if n_total > p.meta.size {
            return Err(plan_changed(s, &p.path));
        }
        if let Some(h) = hasher.as_mut() {
            h.update(&buf[..n]);
        }
        zip.write_all(&buf[..n])
            .map_err(|err| pipe_error(&p.entry, err))?;
        tick.add(n as u64)?;
    }
    let intact = n_total == p.meta.size
        && match hasher {
            Some(h) => hex::encode(h.finalize()) == p.meta.sha256,
            None => sealed(&f),
        };
    if !intact {
        return Err(plan_changed(s, &p.path));
    }
    if !sealed(&f) {
        floor_plans::seal(&f);
    }
    Ok(())
}

/// A plan read through a reader: one a shared store serves, hashed while copied (nothing can
/// seal it), and refused unless its size and SHA-256 are the register's; or one encrypted at
/// rest, whose reader authenticates it against the register's SHA-256 and size (the tags are
/// its seal: no hashing again), refused if it does not.
fn copy_streamed_plan(
    zip: &mut zip::ZipWriter<zip::write::StreamWriter<ChannelWriter>>,
    s: &Selected<'_>,
    p: &content::PlanRef<'_>,
    from: &crate::register::PlanOpener,
    buf: &mut [u8],
    tick: &mut Ticker<'_>,
) -> Result<()> {
    let mut hasher = (!from.authenticated).then(Sha256::new);
    let mut from = from.open();
    let mut total = 0u64;
    loop {
        let n = match from.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) if crate::at_rest::is_damage(&err) => return Err(plan_changed(s, &p.path)),
            Err(err) => {
                return Err(Error::io(
                    "cannot read the stored floor plan",
                    &*p.path,
                    err,
                ));
            }
        };
        total += n as u64;
        if total > p.meta.size {
            return Err(plan_changed(s, &p.path));
        }
        if let Some(h) = hasher.as_mut() {
            h.update(&buf[..n]);
        }
        zip.write_all(&buf[..n])
            .map_err(|err| pipe_error(&p.entry, err))?;
        tick.add(n as u64)?;
    }
    let hash_ok = hasher.is_none_or(|h| hex::encode(h.finalize()) == p.meta.sha256);
    if total != p.meta.size || !hash_ok {
        return Err(plan_changed(s, &p.path));
    }
    Ok(())
}

fn zip_err(name: &str, err: zip::result::ZipError) -> Error {
    match err {
        zip::result::ZipError::Io(io) => pipe_error(name, io),
        other => Error::Encrypt(format!("cannot write {name} into the bundle: {other}")),
    }
}

fn zip_err_final(err: zip::result::ZipError) -> Error {
    match err {
        zip::result::ZipError::Io(io) => pipe_error("the zip directory", io),
        other => Error::Encrypt(format!("cannot finish the bundle: {other}")),
    }
}

fn pipe_error(what: &str, err: io::Error) -> Error {
    Error::Encrypt(format!("cannot write {what} into the bundle: {err}"))
}

enum Msg {
    Data(Vec<u8>),
    Done,
}

/// The zip's output: fills large buffers and sends them to the encryption thread.
struct ChannelWriter {
    tx: SyncSender<Msg>,
    spare: Receiver<Vec<u8>>,
    buf: Vec<u8>,
    /// Set on error: writes are then discarded (the zip writer's drop still writes).
    aborted: Rc<Cell<bool>>,
}

impl ChannelWriter {
    fn new(tx: SyncSender<Msg>, spare: Receiver<Vec<u8>>) -> Self {
        ChannelWriter {
            tx,
            spare,
            buf: Vec::with_capacity(CHUNK),
            aborted: Rc::new(Cell::new(false)),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        let fresh = match self.spare.try_recv() {
            Ok(b) => b,
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => Vec::with_capacity(CHUNK),
        };
        let full = std::mem::replace(&mut self.buf, fresh);
        self.tx
            .send(Msg::Data(full))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the encryption stopped"))
    }

    fn finish(mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.send()?;
        }
        self.tx
            .send(Msg::Done)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the encryption stopped"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.aborted.get() {
            return Ok(data.len());
        }
        let n = (CHUNK - self.buf.len()).min(data.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The encryption thread's output: the ciphertext goes to the partial file right away (while
/// it is hot in this core's cache, which makes the kernel's copy cheap) and to the hashing
/// thread.
struct TeeWriter {
    file: File,
    hash: ChannelWriter,
    /// Bytes written since the writeback thread was last woken.
    unsynced: u64,
    /// Wakes the writeback thread (see [`writeback_loop`]).
    writeback: SyncSender<()>,
}

impl Write for TeeWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = self.file.write(data)?;
        self.hash.write_all(&data[..n])?;
        self.unsynced += n as u64;
        if self.unsynced >= WRITEBACK_STEP {
            // Busy with the previous step: the next wake-up covers this one too.
            let _ = self.writeback.try_send(());
            self.unsynced = 0;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The encryption thread: age-encrypts what arrives and writes the ciphertext to the partial
/// file and to the hashing thread.
///
/// Returns the file (not yet fsynced). If the channel closes without [`Msg::Done`], the zip
/// side failed: stop without finishing (dropping the hashing channel without `Done` stops the
/// hashing thread too).
fn encrypt_loop(
    rx: Receiver<Msg>,
    spare: SyncSender<Vec<u8>>,
    sink: TeeWriter,
    key: &BundleKey,
    armor: bool,
    partial: &Path,
) -> Result<File> {
    use age::armor::{ArmoredWriter, Format};
    let write_err = |e: io::Error| Error::io("cannot write", partial, e);
    let encryptor = match key {
        BundleKey::Recipients(rs) => {
            let boxed = crate::plugins::encryption_recipients(rs)?;
            age::Encryptor::with_recipients(boxed.iter().map(|r| r.as_ref() as &dyn age::Recipient))
                .map_err(|e| crate::plugins::encrypt_error(&plugin_names(rs), e))?
        }
        BundleKey::Passphrase(p) => {
            let mut r = age::scrypt::Recipient::new(p.clone());
            r.set_work_factor(PACK_WORK_FACTOR);
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
                .map_err(|e| Error::Encrypt(e.to_string()))?
        }
        BundleKey::InsecureTestPassphrase {
            passphrase,
            work_factor,
        } => {
            let mut r = age::scrypt::Recipient::new(passphrase.clone());
            r.set_work_factor((*work_factor).clamp(1, 30));
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
                .map_err(|e| Error::Encrypt(e.to_string()))?
        }
    };
    let format = if armor {
        Format::AsciiArmor
    } else {
        Format::Binary
    };
    let armored = ArmoredWriter::wrap_output(sink, format).map_err(write_err)?;
    let mut w = encryptor.wrap_output(armored).map_err(write_err)?;
    loop {
        match rx.recv() {
            Ok(Msg::Data(mut buf)) => {
                w.write_all(&buf).map_err(write_err)?;
                buf.clear();
                let _ = spare.try_send(buf);
            }
            Ok(Msg::Done) => break,
            Err(_) => return Err(Error::Cancelled),
        }
    }
    let sink = w.finish().and_then(|a| a.finish()).map_err(write_err)?;
    sink.hash.finish().map_err(write_err)?;
    Ok(sink.file)
}

/// The writeback thread: `fdatasync` on the partial file each time another
/// [`WRITEBACK_STEP`] has been written, so the disk writes while the other threads encrypt and
/// hash, and the final fsync has only the tail left. Left to itself the kernel would start
/// writing only at a tenth of RAM of dirty pages, so a 1 GB bundle's whole fsync (~0.65 s
/// here) came after all the CPU work. Errors are left to the final fsync, which reports them.
fn writeback_loop(file: File, wake: Receiver<()>) {
    for () in wake {
        let _ = file.sync_data();
    }
}

/// The hashing thread: the SHA-256 and size of the ciphertext as written. If the channel
/// closes without [`Msg::Done`], an earlier stage failed: stop.
fn hash_loop(rx: Receiver<Msg>, spare: SyncSender<Vec<u8>>) -> Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    loop {
        match rx.recv() {
            Ok(Msg::Data(mut buf)) => {
                hasher.update(&buf);
                size += buf.len() as u64;
                buf.clear();
                let _ = spare.try_send(buf);
            }
            Ok(Msg::Done) => break,
            Err(_) => return Err(Error::Cancelled),
        }
    }
    Ok((hex::encode(hasher.finalize()), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_time_uses_the_written_local_time() {
        let t = zip_time("2026-03-04T05:06:07+09:00");
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2026, 3, 4, 5, 6, 6) // DOS time has 2-second resolution
        );
        assert_eq!(zip_time("garbage"), zip::DateTime::default());
    }
}
