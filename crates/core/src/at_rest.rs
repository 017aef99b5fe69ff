//! The format of the files the data folder keeps encrypted at rest (issue 14): floor plans and
//! the office's secret keys, each under its own sub-key of the office's data key
//! ([`crate::vault::DataKey`]).
//!
//! A file is [`MAGIC`] (16 bytes), a random 19-byte nonce prefix, then the content in chunks of
//! 64 KiB, each sealed with XChaCha20-Poly1305 in the STREAM construction (Hoang, Reyhanitabar,
//! Rogaway and Vizár, 2015; `aead::stream::EncryptorBE32`: nonce = prefix ‖ 32-bit big-endian
//! chunk counter ‖ last-chunk flag). Every chunk carries its own 16-byte tag and the last one is
//! flagged, so a changed byte, chunks swapped or dropped, a file cut at any point (at a chunk
//! boundary too) or bytes appended are all refused; and reading or writing holds one chunk in
//! memory whatever the file's size. The chunks' associated data says what the file is (a key
//! file's name; for a floor plan, the last chunk's also carries the SHA-256, size and type of
//! the whole content, known only once it was all read), so a file copied over another's name
//! does not open as that one, and a plan that opens is the one its recorded hash names.
//!
//! A file that does not start with [`MAGIC`] is the plaintext of an office made before the
//! encryption (floor plans start with `%PDF-`, PNG or JPEG magic, key files with `#`): it is
//! read as before until [`crate::ops::encrypt_files`] converts it.

use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::Arc;

use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::KeyInit;
use chacha20poly1305::aead::generic_array::GenericArray;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use zeroize::Zeroizing;

use crate::vault::DataKey;

/// The first bytes of every file encrypted at rest.
pub(crate) const MAGIC: &[u8; 16] = b"handover-rest/1\n";
/// The nonce prefix's length (XChaCha20's 24 bytes less STREAM's counter and flag).
const PREFIX: usize = 19;
/// Plaintext bytes per chunk.
pub(crate) const CHUNK: usize = 64 * 1024;
/// The Poly1305 tag closing each chunk.
const TAG: usize = 16;
/// Magic and nonce prefix.
const HEADER: usize = MAGIC.len() + PREFIX;

/// A sub-key of the data key for one kind of file (cheap to clone; wiped when the last clone
/// is dropped).
#[derive(Clone)]
pub(crate) struct FileKey(Arc<Zeroizing<[u8; 32]>>);

impl std::fmt::Debug for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileKey(…)")
    }
}

impl FileKey {
    /// The sub-key of `data_key` for `purpose` (HKDF-SHA256).
    pub(crate) fn derive(data_key: &DataKey, purpose: &str) -> FileKey {
        FileKey(Arc::new(data_key.derive(purpose)))
    }

    /// The raw sub-key (for a keyed hash).
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn aead(&self) -> XChaCha20Poly1305 {
        let key: &[u8; 32] = &self.0;
        XChaCha20Poly1305::new(key.into())
    }
}

/// Why a file encrypted at rest did not open: not this format, another key, or changed bytes
/// (what the `io::Error` of a read carries, [`is_damage`]).
#[derive(Debug)]
struct Damaged(&'static str);

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the encrypted file is damaged or not this office's ({})",
            self.0
        )
    }
}

impl std::error::Error for Damaged {}

fn damaged(what: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, Damaged(what))
}

/// Is this read error a file encrypted at rest that did not authenticate (changed, cut, moved,
/// or another office's)?
pub(crate) fn is_damage(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Damaged>())
}

/// Does `head` (a file's first bytes) start like a file encrypted at rest?
pub(crate) fn is_encrypted(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// The size of the encrypted file of `plain` bytes of content.
pub(crate) fn encrypted_len(plain: u64) -> u64 {
    let chunks = plain.div_ceil(CHUNK as u64).max(1);
    HEADER as u64 + plain + chunks * TAG as u64
}

/// Writes the encrypted form of what is written to it into `inner`; [`Encrypting::finish`]
/// seals the last chunk (without it the file does not open: a kill leaves nothing readable).
/// Every chunk but the last has `aad` as associated data; the last has what `finish` is given.
pub(crate) struct Encrypting<W: Write> {
    inner: W,
    enc: Option<EncryptorBE32<XChaCha20Poly1305>>,
    buf: Zeroizing<Vec<u8>>,
    aad: Vec<u8>,
}

impl<W: Write> Encrypting<W> {
    /// Start a file: writes the header.
    pub(crate) fn new(mut inner: W, key: &FileKey, aad: &[u8]) -> io::Result<Self> {
        let prefix: [u8; PREFIX] = rand::random();
        inner.write_all(MAGIC)?;
        inner.write_all(&prefix)?;
        let enc = EncryptorBE32::from_aead(key.aead(), GenericArray::from_slice(&prefix));
        Ok(Encrypting {
            inner,
            enc: Some(enc),
            buf: Zeroizing::new(Vec::with_capacity(CHUNK + TAG)),
            aad: aad.to_vec(),
        })
    }

    /// Seal the last chunk with `last_aad` as its associated data and hand the writer back.
    pub(crate) fn finish(mut self, last_aad: &[u8]) -> io::Result<W> {
        let enc = self.enc.take().ok_or_else(|| damaged("finished twice"))?;
        enc.encrypt_last_in_place(last_aad, &mut *self.buf)
            .map_err(|_| damaged("encryption"))?;
        self.inner.write_all(&self.buf)?;
        self.buf.clear();
        Ok(self.inner)
    }
}

impl<W: Write> Write for Encrypting<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        // A full chunk is sealed only once more content comes: the last one is flagged.
        if self.buf.len() == CHUNK {
            let enc = self.enc.as_mut().ok_or_else(|| damaged("finished"))?;
            enc.encrypt_next_in_place(&self.aad, &mut *self.buf)
                .map_err(|_| damaged("too many chunks"))?;
            self.inner.write_all(&self.buf)?;
            self.buf.clear();
        }
        let n = data.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Reads the content of a file encrypted at rest, chunk by chunk, each authenticated before
/// any of its bytes is handed out; a file that does not authenticate fails the read with an
/// error [`is_damage`] recognises.
pub(crate) struct Decrypting<R: Read> {
    inner: R,
    dec: Option<DecryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    last_aad: Vec<u8>,
    /// The current chunk, read and decrypted in place (no second copy of each chunk).
    out: Zeroizing<Vec<u8>>,
    /// The byte read after the current chunk, if any: whether more follows says which chunk
    /// is the last.
    ahead: Option<u8>,
    pos: usize,
    /// A chunk did not authenticate: every later read fails too.
    failed: bool,
}

impl<R: Read> Decrypting<R> {
    /// Open a file: reads and checks the header. `aad` and `last_aad` as they were encrypted
    /// ([`Encrypting`]).
    pub(crate) fn new(
        mut inner: R,
        key: &FileKey,
        aad: &[u8],
        last_aad: &[u8],
    ) -> io::Result<Self> {
        let mut head = Vec::with_capacity(HEADER);
        (&mut inner).take(HEADER as u64).read_to_end(&mut head)?;
        if head.len() < HEADER || !is_encrypted(&head) {
            return Err(damaged("no header"));
        }
        let prefix = GenericArray::from_slice(&head[MAGIC.len()..]);
        Ok(Decrypting {
            inner,
            dec: Some(DecryptorBE32::from_aead(key.aead(), prefix)),
            aad: aad.to_vec(),
            last_aad: last_aad.to_vec(),
            out: Zeroizing::new(Vec::with_capacity(CHUNK + TAG + 1)),
            ahead: None,
            pos: 0,
            failed: false,
        })
    }

    /// Decrypt the next chunk into `out`; false once the last one was.
    fn next_chunk(&mut self) -> io::Result<bool> {
        let res = self.decrypt_next();
        if res.is_err() {
            // Nothing of a chunk that did not authenticate is ever handed out.
            self.failed = true;
            self.out.clear();
            self.pos = 0;
            self.dec = None;
        }
        res
    }

    fn decrypt_next(&mut self) -> io::Result<bool> {
        if self.failed {
            return Err(damaged("an earlier chunk did not authenticate"));
        }
        let Some(dec) = self.dec.as_mut() else {
            return Ok(false);
        };
        self.out.clear();
        self.pos = 0;
        self.out.extend(self.ahead.take());
        let want = CHUNK + TAG + 1;
        let missing = (want - self.out.len()) as u64;
        (&mut self.inner).take(missing).read_to_end(&mut self.out)?;
        if self.out.len() == want {
            self.ahead = self.out.pop();
            dec.decrypt_next_in_place(&self.aad, &mut *self.out)
                .map_err(|_| damaged("a chunk does not authenticate"))?;
        } else {
            let dec = self
                .dec
                .take()
                .ok_or_else(|| damaged("read past the end"))?;
            dec.decrypt_last_in_place(&self.last_aad, &mut *self.out)
                .map_err(|_| damaged("the last chunk does not authenticate"))?;
        }
        Ok(true)
    }
}

impl<R: Read> Read for Decrypting<R> {
    fn read(&mut self, to: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if to.is_empty() || !self.next_chunk()? {
                return Ok(0);
            }
        }
        let n = to.len().min(self.out.len() - self.pos);
        to[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Overwrite the file at `path` with zeros, sync it, and remove it (the plaintext a conversion
/// replaced). On a copy-on-write file system or an SSD the zeros may land elsewhere than the old
/// bytes: this removes the plaintext from the file system's view and, on most disks, from the
/// blocks it was in; full-disk encryption is what covers the rest. A symbolic link (or anything
/// but a regular file) in its place is only removed: the zeros never go through it to a file
/// elsewhere.
pub(crate) fn shred(path: &Path) -> crate::Result<()> {
    let err = |e: io::Error| crate::Error::io("cannot overwrite", path, e);
    if !std::fs::symlink_metadata(path).map_err(err)?.is_file() {
        std::fs::remove_file(path).map_err(|e| crate::Error::io("cannot remove", path, e))?;
        crate::fsutil::sync_parent(path);
        return Ok(());
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(err)?;
    let len = f.metadata().map_err(err)?.len();
    let zeros = vec![0u8; CHUNK];
    let mut left = len;
    while left > 0 {
        let n = left.min(CHUNK as u64) as usize;
        f.write_all(&zeros[..n]).map_err(err)?;
        left -= n as u64;
    }
    f.sync_all().map_err(err)?;
    drop(f);
    std::fs::remove_file(path).map_err(|e| crate::Error::io("cannot remove", path, e))?;
    crate::fsutil::sync_parent(path);
    Ok(())
}

/// Encrypt a small content whole (a key file).
pub(crate) fn encrypt_bytes(key: &FileKey, aad: &[u8], plain: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(encrypted_len(plain.len() as u64) as usize);
    let res = Encrypting::new(&mut out, key, aad).and_then(|mut w| {
        w.write_all(plain)?;
        w.finish(aad).map(|_| ())
    });
    res.expect("encrypting into memory cannot fail");
    out
}

/// Decrypt a small content whole (a key file): `None` if it does not authenticate.
pub(crate) fn decrypt_bytes(key: &FileKey, aad: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::new());
    Decrypting::new(data, key, aad, aad)
        .and_then(|mut r| r.read_to_end(&mut out))
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> FileKey {
        FileKey(Arc::new(Zeroizing::new([7u8; 32])))
    }

    fn roundtrip(len: usize) {
        let plain: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let enc = encrypt_bytes(&key(), b"ctx", &plain);
        assert_eq!(enc.len() as u64, encrypted_len(len as u64), "{len}");
        assert!(is_encrypted(&enc));
        let back = decrypt_bytes(&key(), b"ctx", &enc).expect("opens");
        assert_eq!(*back, plain, "{len}");
        assert!(decrypt_bytes(&key(), b"other", &enc).is_none(), "{len}");
        let other = FileKey(Arc::new(Zeroizing::new([8u8; 32])));
        assert!(decrypt_bytes(&other, b"ctx", &enc).is_none(), "{len}");
    }

    #[test]
    fn round_trips_at_every_chunk_edge() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 17] {
            roundtrip(len);
        }
    }

    #[test]
    fn refuses_every_cut_flip_and_append() {
        let plain = vec![0x5Au8; 2 * CHUNK + 100];
        let enc = encrypt_bytes(&key(), b"ctx", &plain);
        // Cut at each chunk boundary and inside chunks.
        let boundary = HEADER + CHUNK + TAG;
        for cut in [
            0,
            HEADER,
            HEADER + 5,
            boundary,
            2 * boundary - HEADER,
            enc.len() - 1,
        ] {
            let r = Decrypting::new(&enc[..cut], &key(), b"ctx", b"ctx")
                .and_then(|mut r| r.read_to_end(&mut Vec::new()));
            let e = r.expect_err("cut file refused");
            assert!(is_damage(&e), "{cut}: {e}");
        }
        for at in [3, HEADER + 1, boundary + 2, enc.len() - 1] {
            let mut bad = enc.clone();
            bad[at] ^= 1;
            assert!(
                decrypt_bytes(&key(), b"ctx", &bad).is_none(),
                "flip at {at}"
            );
        }
        let mut longer = enc.clone();
        longer.extend_from_slice(&[0u8; TAG + 1]);
        assert!(decrypt_bytes(&key(), b"ctx", &longer).is_none());
        // Two chunks swapped.
        let mut swapped = enc.clone();
        let (a, b) = (HEADER, HEADER + CHUNK + TAG);
        let first = swapped[a..b].to_vec();
        swapped.copy_within(b..b + CHUNK + TAG, a);
        swapped[b..b + CHUNK + TAG].copy_from_slice(&first);
        assert!(decrypt_bytes(&key(), b"ctx", &swapped).is_none());
    }

    #[test]
    fn the_last_chunk_carries_its_own_associated_data() {
        let mut out = Vec::new();
        let mut w = Encrypting::new(&mut out, &key(), b"all").unwrap();
        w.write_all(&vec![1u8; CHUNK + 3]).unwrap();
        w.finish(b"last: hash").unwrap();
        let read = |last: &[u8]| {
            let mut v = Vec::new();
            Decrypting::new(&out[..], &key(), b"all", last)
                .and_then(|mut r| r.read_to_end(&mut v))
                .map(|_| v)
        };
        assert_eq!(read(b"last: hash").unwrap(), vec![1u8; CHUNK + 3]);
        assert!(is_damage(&read(b"last: other hash").unwrap_err()));
    }

    #[test]
    fn after_a_chunk_fails_every_read_fails() {
        let plain = vec![3u8; 2 * CHUNK + 5];
        let mut enc = encrypt_bytes(&key(), b"ctx", &plain);
        enc[HEADER + 10] ^= 1;
        let mut r = Decrypting::new(&enc[..], &key(), b"ctx", b"ctx").unwrap();
        let mut buf = vec![0u8; 1024];
        for _ in 0..3 {
            let e = r.read(&mut buf).expect_err("no byte of a bad chunk");
            assert!(is_damage(&e), "{e}");
        }
    }

    #[test]
    fn the_same_content_encrypts_differently() {
        let a = encrypt_bytes(&key(), b"ctx", b"same");
        let b = encrypt_bytes(&key(), b"ctx", b"same");
        assert_ne!(a, b);
    }
}
