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
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
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

/// Overwrite a file's contents with zeros (in place, made durable), then remove it: what is
/// left of a plain copy once its encrypted replacement is in place. On a copy-on-write file
/// system or an SSD the old blocks may survive in the device; the overwrite removes them from
/// every file a program can read. A missing file is not an error.
pub(crate) fn shred_and_remove(path: &Path) -> Result<()> {
    use std::io::{Seek, Write};
    let mut f = match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("cannot overwrite", path, e)),
    };
    let fail = |e| Error::io("cannot overwrite", path, e);
    let len = f.metadata().map_err(fail)?.len();
    let zeros = vec![0u8; 1 << 20];
    f.seek(std::io::SeekFrom::Start(0)).map_err(fail)?;
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        f.write_all(&zeros[..n]).map_err(fail)?;
        left -= n as u64;
    }
    f.sync_all().map_err(fail)?;
    drop(f);
    std::fs::remove_file(path).map_err(|e| Error::io("cannot remove", path, e))?;
    sync_parent(path);
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
