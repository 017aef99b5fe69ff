//! File-system pieces the bundle needs beyond `fsutil`: the locked `.partial` file, a rename
//! that never replaces, and a staging folder that removes itself unless kept.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

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

/// How old an unlocked, empty `.partial` must be before it counts as stale: a pack creates its
/// file and locks it an instant later, and must not lose it to another pack in between.
const STALE_EMPTY_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// Create `partial` (owner-only) for a pack to write, holding an exclusive advisory lock on it
/// for as long as the returned file stays open.
///
/// A `.partial` that already exists and that no process holds locked was left by a pack that
/// was killed (SIGKILL, power cut) before it could clean up: an incomplete ciphertext that was
/// never renamed nor recorded. It is replaced, so that the next pack to the same path works.
/// One that is locked belongs to a pack still running and is refused (an `invalid` error that
/// says so), as is one that cannot be checked (a file system without locks, not a file).
pub(crate) fn create_partial(partial: &Path) -> Result<fs::File> {
    for _ in 0..3 {
        match crate::fsutil::create_new_private(partial) {
            Ok(f) => {
                // Best effort: a file system without locks still gets a working pack.
                let _ = f.try_lock();
                return Ok(f);
            }
            Err(Error::FileExists(_)) => {
                if !remove_if_stale(partial) {
                    return Err(Error::invalid(
                        "output",
                        format!(
                            "{} is being written by another pack (or cannot be checked): wait \
                             for it to finish, or remove the file if no pack is running",
                            partial.display()
                        ),
                    ));
                }
            }
            Err(e) => return Err(e),
        }
    }
    Err(Error::FileExists(partial.to_path_buf()))
}

/// Remove `partial` if no pack holds it; true if it is gone.
pub(crate) fn remove_if_stale(partial: &Path) -> bool {
    let Ok(f) = fs::File::open(partial) else {
        // Vanished in between (its pack finished or failed): try again.
        return fs::symlink_metadata(partial).is_err();
    };
    let Ok(meta) = f.metadata() else { return false };
    if !meta.is_file() {
        return false;
    }
    if f.try_lock().is_err() {
        return false;
    }
    let fresh = meta
        .modified()
        .ok()
        .and_then(|m| m.elapsed().ok())
        .is_none_or(|age| age < STALE_EMPTY_AFTER);
    if meta.len() == 0 && fresh {
        return false;
    }
    fs::remove_file(partial).is_ok()
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
    use std::io::Write;

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
    fn stale_partial_is_replaced_but_a_locked_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.age.partial");
        // Left by a killed pack: not locked, not empty.
        fs::write(&p, "age-encryption.org/v1 cut short").unwrap();
        let mut f = create_partial(&p).unwrap();
        assert_eq!(fs::metadata(&p).unwrap().len(), 0);
        f.write_all(b"new").unwrap();
        // Held by a pack still running: refused, and left alone.
        let e = create_partial(&p).unwrap_err();
        assert!(e.to_string().contains("another pack"), "{e}");
        assert_eq!(fs::read(&p).unwrap(), b"new");
        drop(f);
        // Empty and brand new, unlocked: could be a pack about to lock it; refused.
        fs::remove_file(&p).unwrap();
        fs::File::create(&p).unwrap();
        assert!(create_partial(&p).is_err());
        // Not a file: refused.
        fs::remove_file(&p).unwrap();
        fs::create_dir(&p).unwrap();
        assert!(create_partial(&p).is_err());
        assert!(p.is_dir());
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
}
