//! Small file-system helpers with the guarantees the rest of the core relies on: private
//! permissions for secrets, no overwriting, and durable writes (fsync before rename).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::{Error, Result};

/// Create a folder (and its parents) readable only by the owner.
pub(crate) fn create_private_dir(path: &Path) -> Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path)
        .map_err(|e| Error::io("cannot create the folder", path, e))
}

/// Open a new file that only the owner may read; fails if it exists.
pub(crate) fn create_new_private(path: &Path) -> Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::FileExists(path.to_path_buf())
        } else {
            Error::io("cannot create", path, e)
        }
    })
}

/// Write bytes to a new private file and sync it to disk; fails if the file exists.
pub(crate) fn write_new_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = create_new_private(path)?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::io("cannot write", path, e))
}

/// Write a file durably: to `<path>.partial`, fsync, rename over `path`, fsync the folder.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, bytes, |partial| {
        File::create(partial).map_err(|e| Error::io("cannot create", partial, e))
    })
}

/// [`write_atomic`] for a file only the owner may read (the partial file is created 0600; one
/// left by a kill is replaced).
pub(crate) fn write_atomic_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let _ = fs::remove_file(partial_path(path));
    write_atomic_with(path, bytes, create_new_private)
}

fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    create: impl FnOnce(&Path) -> Result<File>,
) -> Result<()> {
    let partial = partial_path(path);
    let res = (|| {
        let mut f = create(&partial)?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| Error::io("cannot write", &partial, e))?;
        fs::rename(&partial, path).map_err(|e| Error::io("cannot rename into", path, e))?;
        sync_parent(path);
        Ok(())
    })();
    if res.is_err() {
        let _ = fs::remove_file(&partial);
    }
    res
}

/// The sibling `<name>.partial` path used while a file is being written.
pub(crate) fn partial_path(path: &Path) -> std::path::PathBuf {
    with_suffix(path, ".partial")
}

/// `path` with `suffix` added to its file name (`x.sqlite3` → `x.sqlite3-wal`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// Best-effort fsync of a file's folder so that a rename survives a power cut.
pub(crate) fn sync_parent(path: &Path) {
    if let Some(Ok(d)) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(File::open)
    {
        let _ = d.sync_all();
    }
}

/// Make a file's contents durable (fsync).
pub(crate) fn sync_file(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io("cannot write", path, e))
}

/// Remove `path` if it is there (a missing file is no error).
pub(crate) fn remove_if_there(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::io("cannot remove", path, e))
        }
        _ => Ok(()),
    }
}

/// Remove the SQLite database at `path` with its log, shared-memory index and journal, those
/// that are there.
pub(crate) fn remove_sqlite_files(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        remove_if_there(&with_suffix(path, suffix))?;
    }
    Ok(())
}

/// The SHA-256 (hex) of a file's contents, streamed.
pub(crate) fn sha256_file(path: &Path) -> Result<String> {
    use sha2::Digest;
    let mut f = File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
    let mut h = sha2::Sha256::new();
    std::io::copy(&mut f, &mut h).map_err(|e| Error::io("cannot read", path, e))?;
    Ok(hex::encode(h.finalize()))
}
