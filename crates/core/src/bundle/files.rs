//! File-system pieces the bundle needs beyond `fsutil`: the locked `.partial` file, a rename
//! that never replaces, and a staging folder that removes itself unless kept.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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
                    return Err(crate::refusal::Refusal::OutputBusy {
                        path: partial.display().to_string(),
                    }
                    .into());
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

/// The lock file inside a staging folder: held (an advisory lock) for as long as its open runs,
/// so that another process can tell a staging folder in use from one a killed open left.
const STAGING_LOCK: &str = ".lock";

/// Staging folders of this process that exist right now (for [`interrupt`]).
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Set once by [`interrupt`]: every open still running stops at its next check.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn active() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    ACTIVE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A private folder that is removed with everything in it when dropped.
pub(crate) struct Staging {
    path: PathBuf,
    lock: Option<fs::File>,
}

impl Staging {
    /// Create `<parent>/<prefix><random>` (0700 on Unix) holding a locked [`STAGING_LOCK`];
    /// fails if it exists.
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
        active().push(path.clone());
        // From here on, dropping `staging` removes the folder.
        let mut staging = Staging { path, lock: None };
        let lock = crate::fsutil::create_new_private(&staging.path.join(STAGING_LOCK))?;
        // Best effort: without locks, a stale folder is still removed once it is old.
        let _ = lock.try_lock();
        staging.lock = Some(lock);
        Ok(staging)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        drop(self.lock.take());
        let _ = fs::remove_dir_all(&self.path);
        // Only once it is gone: [`interrupt`] waits for this list to empty.
        active().retain(|p| *p != self.path);
    }
}

/// Has [`interrupt`] been called? Long loops of an open check this and stop.
pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Stop every open of this process (for a signal handler): set the flag the opens check, wait
/// up to `wait` for them to remove their staging folders, then remove whatever is left. Returns
/// the staging folders that existed when it was called (all gone when it returns, unless the
/// file system refused).
pub fn interrupt(wait: Duration) -> Vec<PathBuf> {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let had = active().clone();
    let until = std::time::Instant::now() + wait;
    while !active().is_empty() && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    for p in active().iter() {
        let _ = fs::remove_dir_all(p);
    }
    had
}

/// From now on, Ctrl-C, SIGTERM or SIGHUP stop the process cleanly as far as opens go: a
/// thread waits for the signal, calls [`interrupt`] (each running open stops and removes its
/// staging folder, which may hold plaintext), calls `report` with each folder removed, and
/// exits with 128 + the signal's number. Without it the process would die with the plaintext
/// in the output folder. SIGKILL cannot be caught: the next open into the folder removes what
/// it left ([`remove_stale_staging`]). Unix only; elsewhere that next open is the cleanup.
pub fn exit_cleanly_on_signals(report: impl Fn(&Path) + Send + 'static) {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    for p in interrupt(Duration::from_secs(5)) {
                        report(&p);
                    }
                    std::process::exit(128 + sig);
                }
            });
        });
    }
    #[cfg(not(unix))]
    let _ = report;
}

/// How old a staging folder without its lock file must be before it counts as stale (an open
/// creates the lock file an instant after the folder).
const STALE_UNLOCKED_AFTER: Duration = Duration::from_secs(60);

/// Remove the staging folders (`<prefix>…` directly in `dir`) that no running open holds: left
/// by an open that was killed (SIGKILL, power cut) and may hold plaintext. Returns the folders
/// removed. A folder in use by another open, a link, or one that cannot be checked is left
/// alone.
pub(crate) fn remove_stale_staging(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        let ours = e
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(prefix));
        let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if ours && is_dir && staging_is_stale(&path) && fs::remove_dir_all(&path).is_ok() {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

fn staging_is_stale(path: &Path) -> bool {
    match fs::File::open(path.join(STAGING_LOCK)) {
        Ok(f) => f.try_lock().is_ok(),
        Err(_) => fs::symlink_metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age >= STALE_UNLOCKED_AFTER),
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

    #[cfg(unix)]
    #[test]
    fn stale_staging_is_removed_but_one_in_use_is_not() {
        let dir = tempfile::tempdir().unwrap();
        // Left by a killed open: the lock file is there, nobody holds it.
        let stale = dir.path().join(".p-stale");
        fs::create_dir_all(stale.join("content")).unwrap();
        fs::write(stale.join(STAGING_LOCK), "").unwrap();
        fs::write(stale.join("content/customers.csv"), "plaintext").unwrap();
        // In use: created by this process, its lock held.
        let live = Staging::create(dir.path(), ".p-").unwrap();
        fs::write(live.path().join("x"), "x").unwrap();
        // Not ours, or a link: left alone.
        fs::create_dir(dir.path().join("other")).unwrap();
        std::os::unix::fs::symlink(&stale, dir.path().join(".p-link")).unwrap();
        // Without a lock file and brand new: could be an open about to lock it.
        fs::create_dir(dir.path().join(".p-new")).unwrap();

        assert_eq!(remove_stale_staging(dir.path(), ".p-"), vec![stale.clone()]);
        assert!(!stale.exists());
        assert!(live.path().join("x").exists());
        assert!(dir.path().join("other").exists());
        assert!(dir.path().join(".p-new").exists());
        drop(live);
        assert_eq!(
            remove_stale_staging(dir.path(), ".p-"),
            Vec::<PathBuf>::new()
        );
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
