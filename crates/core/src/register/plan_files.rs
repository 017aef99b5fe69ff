//! Where a one-PC office keeps its floor plans, and in which form (issue 14).
//!
//! Without a data key (an office not encrypted at rest) a plan is stored as it always was:
//! `<sha256>.<ext>`, its bytes as imported. With one, a plan is stored encrypted
//! ([`crate::at_rest`], under the sub-key `handover floor plans v1`) as `<name>.plan`, where
//! `<name>` is HMAC-SHA256 under a second sub-key over `<sha256>.<ext>`. Why a keyed name: a
//! plain SHA-256 name lets whoever holds a copy of a drawing (from the builder, an earlier
//! handover, the customer) confirm that this office has it — for one customer, that is their
//! address on a lost PC. The keyed name is still one name per content, so a plan used by
//! several customers is kept once and a re-import finds it, and only the data key's holder can
//! tell which plan a file is.
//!
//! The content is still addressed by its SHA-256: the last chunk's associated data carries the
//! SHA-256, size and type recorded in the register, so a file that opens is exactly that plan.
//! This is what lets a pack copy a plan without hashing it again (as the mtime seal,
//! [`super::floor_plans::seal_time`], does for plaintext plans): the decryption that must happen
//! anyway authenticates the content, and a changed, cut or swapped file fails it (refused as
//! [`crate::Error::FloorPlanChanged`]).
//!
//! A plaintext plan of an office made before is read until [`crate::ops::encrypt_files`]
//! converts it; the encrypted form wins when both are there (a conversion killed midway).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::floor_plans::{self, PlanOpener, copy_hashing};
use super::{FloorPlan, Problem};
use crate::DataDir;
use crate::at_rest::{self, Decrypting, Encrypting, FileKey};
use crate::vault::DataKey;

/// The extension of an encrypted plan's file.
pub(crate) const ENCRYPTED_EXT: &str = "plan";

/// The sub-keys of the data key for floor plans.
#[derive(Clone)]
struct PlanKeys {
    content: FileKey,
    names: FileKey,
}

/// The floor-plan folder of a one-PC office, with the data key's sub-keys when the office is
/// encrypted at rest.
#[derive(Clone)]
pub struct PlanFiles {
    dir: PathBuf,
    keys: Option<PlanKeys>,
}

impl std::fmt::Debug for PlanFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanFiles")
            .field("dir", &self.dir)
            .field("encrypted", &self.keys.is_some())
            .finish()
    }
}

/// The associated data of every chunk of an encrypted plan but the last.
const CHUNK_AAD: &[u8] = b"handover floor plan v1";

/// The associated data of an encrypted plan's last chunk: what the register records of it.
fn last_aad(plan: &FloorPlan) -> Vec<u8> {
    format!(
        "handover floor plan v1\0sha256={}\0size={}\0ext={}",
        plan.sha256, plan.size, plan.ext
    )
    .into_bytes()
}

impl PlanFiles {
    /// The floor-plan folder of `dir`; plans are written encrypted with `data_key` if given.
    pub fn new(dir: &DataDir, data_key: Option<&DataKey>) -> PlanFiles {
        PlanFiles::in_folder(dir.floor_plans_dir(), data_key)
    }

    /// A floor-plan folder given by its path.
    pub(crate) fn in_folder(dir: PathBuf, data_key: Option<&DataKey>) -> PlanFiles {
        let keys = data_key.map(|k| PlanKeys {
            content: FileKey::derive(k, "handover floor plans v1"),
            names: FileKey::derive(k, "handover floor plan names v1"),
        });
        PlanFiles { dir, keys }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Are new plans written encrypted?
    pub fn encrypts(&self) -> bool {
        self.keys.is_some()
    }

    /// The plaintext file of `plan` (`<sha256>.<ext>`, an office not encrypted at rest).
    pub fn plain_path(&self, plan: &FloorPlan) -> PathBuf {
        self.dir.join(plan.file_name())
    }

    /// The encrypted file of `plan` (with a data key).
    pub(crate) fn encrypted_path(&self, plan: &FloorPlan) -> Option<PathBuf> {
        let keys = self.keys.as_ref()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(keys.names.bytes())
            .expect("HMAC takes a key of any length");
        mac.update(plan.file_name().as_bytes());
        let name = hex::encode(mac.finalize().into_bytes());
        Some(self.dir.join(format!("{name}.{ENCRYPTED_EXT}")))
    }

    /// Where a new plan is written.
    pub(crate) fn new_path(&self, plan: &FloorPlan) -> PathBuf {
        self.encrypted_path(plan)
            .unwrap_or_else(|| self.plain_path(plan))
    }

    /// The encrypted file of `plan` if it is there.
    fn existing_encrypted(&self, plan: &FloorPlan) -> Option<PathBuf> {
        self.encrypted_path(plan).filter(|p| p.is_file())
    }

    /// The file that holds `plan`: the encrypted one if there, else the plaintext one (which
    /// may not exist).
    pub fn path(&self, plan: &FloorPlan) -> PathBuf {
        self.existing_encrypted(plan)
            .unwrap_or_else(|| self.plain_path(plan))
    }

    /// A reader of an encrypted plan's content (decrypted chunk by chunk, authenticated against
    /// the recorded SHA-256, size and type); `None` for a plan not kept encrypted here.
    pub fn opener(&self, plan: &FloorPlan) -> Option<PlanOpener> {
        let path = self.existing_encrypted(plan)?;
        let key = self.keys.as_ref()?.content.clone();
        let last = last_aad(plan);
        let location = path.display().to_string();
        let mut opener = PlanOpener::new(location, move || -> Box<dyn Read + Send> {
            let opened = std::fs::File::open(&path)
                .and_then(|f| Decrypting::new(std::io::BufReader::new(f), &key, CHUNK_AAD, &last));
            match opened {
                Ok(r) => Box::new(r),
                Err(e) => Box::new(FailedRead(Some(e))),
            }
        });
        opener.authenticated = true;
        Some(opener)
    }

    /// A reader of `plan`'s content in whichever form it is kept (a plaintext one is returned
    /// as is: the caller hashes it).
    pub(crate) fn open(&self, plan: &FloorPlan) -> std::io::Result<Box<dyn Read + Send>> {
        match self.opener(plan) {
            Some(o) => Ok(o.open()),
            None => Ok(Box::new(std::fs::File::open(self.plain_path(plan))?)),
        }
    }

    /// Store the plan file at `path` (checked to be a PDF, PNG or JPEG within the size limit):
    /// encrypted with a data key, else as `<sha256>.<ext>`. Returns what was stored and whether
    /// the file is new (so an aborted import can remove what it added, [`Self::new_path`]).
    pub fn store(&self, path: &Path) -> std::result::Result<(FloorPlan, bool), Problem> {
        match &self.keys {
            None => floor_plans::store(path, &self.dir),
            Some(keys) => self.store_encrypted(path, &keys.content),
        }
    }

    /// Read, hash and encrypt the plan in one pass into a temporary file, which becomes the
    /// plan's file once the hash (and so the name) is known; the same plan stored already is
    /// kept as it is.
    fn store_encrypted(
        &self,
        path: &Path,
        key: &FileKey,
    ) -> std::result::Result<(FloorPlan, bool), Problem> {
        let tmp = self.dir.join(format!(
            ".incoming-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        let not_stored = |e: &dyn std::fmt::Display| Problem::PlanNotStored {
            reason: e.to_string(),
        };
        let res = (|| {
            let file = crate::fsutil::create_new_private(&tmp).map_err(|e| not_stored(&e))?;
            let mut w = Encrypting::new(file, key, CHUNK_AAD).map_err(|e| not_stored(&e))?;
            let plan = copy_hashing(path, Some(&mut w as &mut dyn Write))?;
            let file = w.finish(&last_aad(&plan)).map_err(|e| not_stored(&e))?;
            file.sync_all().map_err(|e| not_stored(&e))?;
            drop(file);
            let dest = self.new_path(&plan);
            if dest.exists() {
                let _ = std::fs::remove_file(&tmp);
                return Ok((plan, false));
            }
            std::fs::rename(&tmp, &dest).map_err(|e| not_stored(&e))?;
            crate::fsutil::sync_parent(&dest);
            Ok((plan, true))
        })();
        if res.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        res
    }

    /// Delete `plan`'s files, in both forms (a purge). A file that is not there is no error.
    pub fn remove(&self, plan: &FloorPlan) -> std::io::Result<()> {
        let paths = [self.encrypted_path(plan), Some(self.plain_path(plan))];
        for p in paths.into_iter().flatten() {
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Encrypt the plaintext plan `plan` (its file is [`Self::plain_path`]): the encrypted file
    /// is written beside it (`.partial`, fsync, rename), then the plaintext is overwritten with
    /// zeros, synced and removed. Nothing to do without a data key or without a plaintext
    /// file; an encrypted file already there (a conversion killed after the rename) is kept and
    /// only the plaintext removed. A plaintext whose bytes are not the register's (damaged
    /// before the conversion) is left as it is and said so: encrypting it would vouch for a
    /// hash it does not have, deleting it would lose what is left of it.
    pub(crate) fn encrypt_plain(&self, plan: &FloorPlan) -> crate::Result<Converted> {
        let (Some(keys), Some(dest)) = (&self.keys, self.encrypted_path(plan)) else {
            return Ok(Converted::Nothing);
        };
        let plain = self.plain_path(plan);
        if !plain.is_file() {
            return Ok(Converted::Nothing);
        }
        if !dest.is_file() {
            let mut src = std::fs::File::open(&plain)
                .map_err(|e| crate::Error::io("cannot read", &plain, e))?;
            if !write_encrypted_copy(&mut src, &plain, &dest, plan, &keys.content)? {
                return Ok(Converted::Damaged(plain));
            }
        }
        at_rest::shred(&plain)?;
        Ok(Converted::Encrypted)
    }
}

impl PlanFiles {
    /// Write `plan` into this folder encrypted under its key, read from `from` (the office's
    /// folder under the data key being replaced, decrypted and checked as it is read): the
    /// copy `office rekey` makes. False if the plan's bytes are not the register's.
    pub(crate) fn write_copy_of(&self, plan: &FloorPlan, from: &PlanFiles) -> crate::Result<bool> {
        let (Some(keys), Some(dest)) = (&self.keys, self.encrypted_path(plan)) else {
            return Ok(false);
        };
        let path = from.path(plan);
        let mut src = from
            .open(plan)
            .map_err(|e| crate::Error::io("cannot read", &path, e))?;
        write_encrypted_copy(&mut src, &path, &dest, plan, &keys.content)
    }
}

/// What converting one plaintext plan did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Converted {
    /// Encrypted, and the plaintext removed.
    Encrypted,
    /// Nothing to convert.
    Nothing,
    /// The plaintext file's bytes are not the register's: left as it is.
    Damaged(PathBuf),
}

/// Write the encrypted form of the plan read from `src` (the file `plain`) to `dest` (through
/// `<dest>.partial`, synced, renamed), checking its bytes against the register's record:
/// false (nothing written) if they are not.
fn write_encrypted_copy(
    src: &mut dyn Read,
    plain: &Path,
    dest: &Path,
    plan: &FloorPlan,
    key: &FileKey,
) -> crate::Result<bool> {
    use sha2::Digest;
    let partial = crate::fsutil::partial_path(dest);
    let _ = std::fs::remove_file(&partial);
    let io = |what: &'static str, p: &Path| {
        let p = p.to_path_buf();
        move |e: std::io::Error| crate::Error::io(what, p, e)
    };
    let file = crate::fsutil::create_new_private(&partial)?;
    let res = (|| {
        let mut w = Encrypting::new(file, key, CHUNK_AAD).map_err(io("cannot write", &partial))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; at_rest::CHUNK];
        let mut total = 0u64;
        loop {
            let n = src.read(&mut buf).map_err(io("cannot read", plain))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            hasher.update(&buf[..n]);
            w.write_all(&buf[..n])
                .map_err(io("cannot write", &partial))?;
        }
        if total != plan.size || hex::encode(hasher.finalize()) != plan.sha256 {
            return Ok(false);
        }
        let file = w
            .finish(&last_aad(plan))
            .map_err(io("cannot write", &partial))?;
        file.sync_all().map_err(io("cannot write", &partial))?;
        drop(file);
        std::fs::rename(&partial, dest).map_err(io("cannot rename", &partial))?;
        crate::fsutil::sync_parent(dest);
        Ok(true)
    })();
    if !matches!(res, Ok(true)) {
        let _ = std::fs::remove_file(&partial);
    }
    res
}

/// A reader whose opening failed: its first read returns the error.
struct FailedRead(Option<std::io::Error>);

impl Read for FailedRead {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(self
            .0
            .take()
            .unwrap_or_else(|| std::io::Error::other("the floor plan could not be opened")))
    }
}
