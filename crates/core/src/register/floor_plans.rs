//! Floor plans (住宅の図面): found by customer number in a folder, or named in a column,
//! checked to really be a PDF, PNG or JPEG, and stored in the data directory under their
//! SHA-256 so the same drawing is kept once and any later change to it is detectable.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{FloorPlan, Problem};
use crate::{Error, Result};

/// Largest floor plan accepted (a scanned A3 drawing is a few MB).
pub const MAX_FLOOR_PLAN_BYTES: u64 = 50 * 1024 * 1024;

/// The modification time every stored plan is given once its SHA-256 is known to match its
/// name: 2000-01-01T00:00:00.271828182Z, a moment no program writes by accident.
///
/// Why: a bundle lists each plan's SHA-256 in its manifest, taken from the store, and the pack
/// must not claim a hash the bytes no longer have. Re-hashing every plan on every pack costs a
/// third of the pack's CPU on two cores (SHA-256 at ~1.7 GB/s beside the bundle's own hash and
/// ChaCha20). Any write to the file moves its mtime off the seal, so a sealed plan is the one
/// that was hashed, like git's index trusts unchanged stat data. Someone who writes the file
/// *and* puts the seal back can make a pack list a wrong hash — they could as well edit the
/// database — and the contractor's `open`, which checks every entry against the manifest,
/// still refuses that bundle.
pub fn seal_time() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::new(946_684_800, 271_828_182)
}

/// Does this stored plan still carry the seal and the recorded size (so it is unchanged)?
pub fn is_sealed(meta: &std::fs::Metadata, size: u64) -> bool {
    meta.is_file() && meta.len() == size && meta.modified().is_ok_and(|m| m == seal_time())
}

/// Seal a stored plan whose bytes were just found to match its SHA-256 (best effort: a file
/// system that cannot keep the time only means the plan is hashed again next time).
pub fn seal(file: &File) {
    let _ = file.set_modified(seal_time());
}

/// The kind of a floor-plan file, from its first bytes (never from its name alone).
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"%PDF-") {
        Some("pdf")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else {
        None
    }
}

fn has_plan_extension(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "pdf" | "png" | "jpg" | "jpeg"
        )
    })
}

/// The floor plans in a folder, by file stem (the customer number).
#[derive(Debug, Default)]
pub struct FloorPlanIndex {
    dir: Option<PathBuf>,
    by_stem: HashMap<String, PathBuf>,
}

impl FloorPlanIndex {
    /// Index the PDF/PNG/JPEG files of `dir` (not recursive).
    pub fn scan(dir: &Path) -> Result<Self> {
        let rd = std::fs::read_dir(dir)
            .map_err(|e| Error::io("cannot read the floor-plan folder", dir, e))?;
        let mut by_stem = HashMap::new();
        for entry in rd {
            let entry =
                entry.map_err(|e| Error::io("cannot read the floor-plan folder", dir, e))?;
            let p = entry.path();
            if p.is_file()
                && has_plan_extension(&p)
                && let Some(stem) = p.file_stem().and_then(|s| s.to_str())
            {
                by_stem.insert(super::normalize_id(stem).unwrap_or_default(), p);
            }
        }
        Ok(FloorPlanIndex {
            dir: Some(dir.to_path_buf()),
            by_stem,
        })
    }

    /// The plan named after this customer, if any.
    pub fn for_customer(&self, id: &str) -> Option<&Path> {
        self.by_stem.get(id).map(PathBuf::as_path)
    }

    /// Resolve a file name from a floor-plan column: relative to the floor-plan folder if one
    /// was given, else to the register's own folder.
    pub fn resolve(&self, name: &str, register_dir: &Path) -> PathBuf {
        let p = Path::new(name);
        if p.is_absolute() {
            return p.to_path_buf();
        }
        self.dir.as_deref().unwrap_or(register_dir).join(p)
    }
}

/// Check a plan file without storing it (type, size); returns its hash and kind.
pub fn inspect(path: &Path) -> std::result::Result<FloorPlan, Problem> {
    copy_hashing(path, None)
}

fn not_stored(e: impl std::fmt::Display) -> Problem {
    Problem::PlanNotStored {
        reason: e.to_string(),
    }
}

/// Store a plan in `store_dir` as `<sha256>.<ext>`; returns what was stored and whether the
/// file is new (so an aborted import can remove what it added).
pub fn store(path: &Path, store_dir: &Path) -> std::result::Result<(FloorPlan, bool), Problem> {
    let tmp = store_dir.join(format!(
        ".incoming-{}-{}",
        std::process::id(),
        rand::random::<u64>()
    ));
    let res = (|| {
        let mut out = crate::fsutil::create_new_private(&tmp).map_err(not_stored)?;
        let plan = copy_hashing(path, Some(&mut out as &mut dyn Write))?;
        seal(&out);
        out.sync_all().map_err(not_stored)?;
        drop(out);
        let dest = store_dir.join(plan.file_name());
        if dest.exists() {
            let _ = std::fs::remove_file(&tmp);
            return Ok((plan, false));
        }
        std::fs::rename(&tmp, &dest).map_err(|e| Problem::PlanNotStored {
            reason: e.to_string(),
        })?;
        Ok((plan, true))
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}

/// Read the plan at `path` (checking its type and size) into `to` if given, hashing it.
pub(crate) fn copy_hashing(
    path: &Path,
    mut to: Option<&mut dyn Write>,
) -> std::result::Result<FloorPlan, Problem> {
    let file = path.display().to_string();
    let unreadable = |e: std::io::Error| Problem::PlanUnreadable {
        file: file.clone(),
        reason: e.to_string(),
    };
    let mut f = File::open(path).map_err(unreadable)?;
    let size = f.metadata().map_err(unreadable)?.len();
    if size > MAX_FLOOR_PLAN_BYTES {
        return Err(Problem::PlanTooLarge {
            file,
            mb: size / (1024 * 1024),
            limit_mb: MAX_FLOOR_PLAN_BYTES / (1024 * 1024),
        });
    }
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut kind = None;
    let mut total = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(unreadable)?;
        if n == 0 {
            break;
        }
        if total == 0 {
            kind = sniff(&buf[..n]);
            if kind.is_none() {
                return Err(Problem::PlanNotImage { file });
            }
        }
        total += n as u64;
        if total > MAX_FLOOR_PLAN_BYTES {
            return Err(Problem::PlanGrew { file });
        }
        hasher.update(&buf[..n]);
        if let Some(o) = to.as_mut() {
            o.write_all(&buf[..n]).map_err(not_stored)?;
        }
    }
    let Some(ext) = kind else {
        return Err(Problem::PlanEmpty { file });
    };
    Ok(FloorPlan {
        sha256: hex::encode(hasher.finalize()),
        ext: ext.into(),
        size: total,
    })
}

/// Opens a floor plan read through a reader — one a shared store keeps (the reader fetches it
/// in chunks as it is read), or one encrypted at rest (the reader decrypts it chunk by chunk) —
/// from its first byte, each time it is called.
#[derive(Clone)]
pub struct PlanOpener {
    open: std::sync::Arc<dyn Fn() -> Box<dyn std::io::Read + Send> + Send + Sync>,
    /// Where the plan is, for messages (the store and the plan's SHA-256, or the file).
    pub location: String,
    /// The reader authenticates the content against the recorded SHA-256 and size itself (a
    /// plan encrypted at rest, whose last chunk's tag covers them): what it hands out needs no
    /// hashing again, and a read that fails [`crate::at_rest`]'s check means the plan changed.
    pub(crate) authenticated: bool,
}

impl PlanOpener {
    /// An opener calling `open`.
    pub fn new(
        location: String,
        open: impl Fn() -> Box<dyn std::io::Read + Send> + Send + Sync + 'static,
    ) -> PlanOpener {
        PlanOpener {
            open: std::sync::Arc::new(open),
            location,
            authenticated: false,
        }
    }

    /// A reader from the plan's first byte.
    pub fn open(&self) -> Box<dyn std::io::Read + Send> {
        (self.open)()
    }
}

impl std::fmt::Debug for PlanOpener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanOpener")
            .field("location", &self.location)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"%PDF-1.7"), Some("pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("jpg"));
        assert_eq!(sniff(b"GIF89a"), None);
    }
}
