//! Step 1, age: recognise the file (binary or armored), bound its header, decrypt, and read
//! the whole payload once so that age authenticates it, hashing the file as received.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

use sha2::{Digest, Sha256};

use super::super::files::{Staging, interrupted};
use super::super::pack::{MAX_OPEN_WORK_FACTOR, PACK_WORK_FACTOR};
use super::{AGE_MAGIC, ARMOR_BEGIN, Limits, OpenKey, Request, rejected};
use crate::{Error, Result, fsutil};

/// Step 1, age: decode the armor (if any) into staging, bound the header, decrypt, read the
/// whole payload once (age authenticates it), and hash the file as received. Returns the
/// plaintext reader, its length and the file's SHA-256.
pub(super) fn decrypt_and_authenticate(
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
pub(super) fn decode_armor(
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

/// Is the file armored (`Some(bytes of leading white space)`), binary age (`None`), or not
/// age at all (error)?
pub(super) fn sniff(file: &mut File, path: &Path) -> Result<Option<usize>> {
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
pub(super) const MAX_AGE_HEADER: usize = 16 * 1024;
/// Most recipient stanzas accepted (a contractor with many keys, plus the office's).
pub(super) const MAX_AGE_STANZAS: usize = 64;
/// Most header lines: each stanza is at most a few lines (X25519 and scrypt stanzas are 2).
pub(super) const MAX_AGE_HEADER_LINES: usize = 4 * MAX_AGE_STANZAS + 2;

/// Bound the binary age header (size, stanzas, lines) before the age crate parses it.
pub(super) fn check_age_header(file: &mut File, path: &Path) -> Result<()> {
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
pub(super) struct HashingReader<R> {
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

pub(super) type Plain<R> = age::stream::StreamReader<BufReader<HashingReader<R>>>;

pub(super) fn decrypt<R: Read + Seek>(
    input: HashingReader<R>,
    key: OpenKey,
    path: &Path,
) -> Result<Plain<R>> {
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
    if scrypt && !matches!(key, OpenKey::Passphrase(_)) {
        return Err(wrong(
            "it is protected by a passphrase, not encrypted to a key: enter the passphrase",
        ));
    }
    let res = match key {
        OpenKey::Identities(ids) => decryptor.decrypt(ids.iter().map(|i| i as &dyn age::Identity)),
        OpenKey::Keys { keys, prompts } => {
            let ids = keys.decryption_identities(prompts)?;
            decryptor.decrypt(ids.iter().map(|i| i.as_ref()))
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
        age::DecryptError::Plugin(_) | age::DecryptError::MissingPlugin { .. } => {
            crate::plugins::decrypt_error(e)
        }
        age::DecryptError::Io(e) => Error::io("cannot read", path, e),
        _ => damaged("the age header is malformed"),
    })
}

/// Memory scrypt needs at work factor 2^`log_n` with age's r = 8: 128 · r · N bytes.
pub(super) fn scrypt_mib(log_n: u8) -> u64 {
    (1024u64 << log_n.min(40)) >> 20
}

pub(super) fn damaged(path: &Path, e: &io::Error) -> Error {
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
pub(super) fn authenticate<R: Read>(plain: &mut R, path: &Path, limits: &Limits) -> Result<u64> {
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
