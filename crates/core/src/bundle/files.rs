//! File-system pieces the bundle needs beyond `fsutil`: hashing writers, a rename that never
//! replaces, and a staging folder that removes itself unless kept.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// Passes bytes through, hashing and counting them.
pub(crate) struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> HashingWriter<W> {
    pub(crate) fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            count: 0,
        }
    }

    /// The inner writer, the hex SHA-256 and the number of bytes written.
    pub(crate) fn finish(self) -> (W, String, u64) {
        (self.inner, hex::encode(self.hasher.finalize()), self.count)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Move `from` to `to`, refusing if `to` exists (never replaces a file).
///
/// A hard link is the atomic no-replace primitive that std offers; where links are not
/// supported (FAT and exFAT USB sticks, some network shares) it falls back to checking and
/// renaming, which is racy only against another process creating the same name at the same
/// instant.
pub(crate) fn move_no_replace(from: &Path, to: &Path) -> Result<()> {
    match fs::hard_link(from, to) {
        Ok(()) => {
            let _ = fs::remove_file(from);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            Err(Error::FileExists(to.to_path_buf()))
        }
        Err(_) => {
            if fs::symlink_metadata(to).is_ok() {
                return Err(Error::FileExists(to.to_path_buf()));
            }
            fs::rename(from, to).map_err(|e| Error::io("cannot move into place", to, e))
        }
    }
}

/// A private folder that is removed with everything in it when dropped.
pub(crate) struct Staging {
    path: PathBuf,
}

impl Staging {
    /// Create `<parent>/<prefix><random>` (0700 on Unix); fails if it exists.
    pub(crate) fn create(parent: &Path, prefix: &str) -> Result<Self> {
        let path = parent.join(format!("{prefix}{:016x}", rand::random::<u64>()));
        let mut b = fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(&path)
            .map_err(|e| Error::io("cannot create the staging folder", &path, e))?;
        Ok(Staging { path })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Removes a file when dropped, unless disarmed.
pub(crate) struct RemoveOnDrop(pub(crate) Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn move_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        fs::write(&a, "new").unwrap();
        fs::write(&b, "old").unwrap();
        assert_eq!(move_no_replace(&a, &b).unwrap_err().code(), "file_exists");
        assert_eq!(fs::read_to_string(&b).unwrap(), "old");
        fs::remove_file(&b).unwrap();
        move_no_replace(&a, &b).unwrap();
        assert!(!a.exists());
        assert_eq!(fs::read_to_string(&b).unwrap(), "new");
    }

    #[test]
    fn staging_removes_itself() {
        let dir = tempfile::tempdir().unwrap();
        let p = {
            let s = Staging::create(dir.path(), ".x-").unwrap();
            fs::write(s.path().join("f"), "x").unwrap();
            s.path().to_path_buf()
        };
        assert!(!p.exists());
    }

    #[test]
    fn hashing_writer_hashes() {
        let mut w = HashingWriter::new(Vec::new());
        w.write_all(b"abc").unwrap();
        let (v, h, n) = w.finish();
        assert_eq!((v.as_slice(), n), (&b"abc"[..], 3));
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
