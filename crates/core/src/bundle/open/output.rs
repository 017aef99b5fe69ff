//! The output folder: made if missing (and removed again on refusal), nothing written through a
//! link or over an existing file, and the checked files moved into place from staging.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use super::super::files::{interrupted, move_no_replace};
use crate::refusal::{OutputProblem, Refusal};
use crate::{Error, Result, fsutil};

/// Check `out` and create it if missing: it must be a real folder, not a symbolic link (the
/// files would go elsewhere than the folder named). Returns the folders created, outermost
/// first.
pub(super) fn prepare_out(out: &Path) -> Result<Vec<PathBuf>> {
    match fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => {
            let to = fs::read_link(out).unwrap_or_default();
            return Err(Refusal::Output(OutputProblem::FolderIsLink {
                path: out.display().to_string(),
                to: to.display().to_string(),
            })
            .into());
        }
        Ok(m) if !m.is_dir() => {
            return Err(Refusal::NotAFolder {
                path: out.display().to_string(),
            }
            .into());
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
pub(super) fn check_target(out: &Path, name: &str) -> Result<PathBuf> {
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
            return Err(Refusal::Output(OutputProblem::NotAFolderInside {
                path: p.display().to_string(),
            })
            .into());
        }
    }
    Ok(p)
}

pub(super) fn check_no_collisions(names: &[String], out: &Path) -> Result<()> {
    for n in names {
        check_target(out, n)?;
    }
    Ok(())
}

pub(super) fn create_entry_file(dest: &Path, name: &str) -> Result<File> {
    let target = dest.join(name);
    if let Some(parent) = target.parent().filter(|p| *p != dest) {
        fsutil::create_private_dir(parent)?;
    }
    fsutil::create_new_private(&target)
}

/// Move the checked files from staging into `out`, never replacing anything; on failure undo
/// the moves already made.
pub(super) fn move_into_place(
    content: &Path,
    out: &Path,
    names: &[String],
) -> Result<Vec<PathBuf>> {
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
