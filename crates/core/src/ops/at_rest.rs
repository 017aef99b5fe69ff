//! The data folder's files encrypted at rest, in the use cases (issue 14): the office's secret
//! keys and floor plans are read with the data key a sign-in unwrapped, and an office made
//! before (a vault, but plaintext plans and key files) is converted by [`encrypt_files`].

use std::path::{Path, PathBuf};

use super::Office;
use crate::bundle::PlanSource;
use crate::keys::{self, IDENTITY_FILE, OfficeKeys, SIGNING_FILE};
use crate::register::{Converted, FloorPlan, PlanFiles};
use crate::vault::DataKey;
use crate::{DataDir, Error, Flow, Progress, Result, at_rest, fsutil};

impl Office {
    /// The office's secret keys (to pack, audit, check receipts), opened with the data key
    /// where they are encrypted at rest (on a shared office's PC, the PC key the sign-in
    /// unwrapped: refused, saying to `join`, for a login without one).
    pub fn secret_keys(&self) -> Result<OfficeKeys> {
        super::pc_keys::keys_ready(self)?;
        keys::load_office_keys(&self.dir, self.data_key.as_ref())
    }

    /// This PC's floor-plan folder, with the data key when the office has one.
    pub fn plan_files(&self) -> PlanFiles {
        PlanFiles::new(&self.dir, self.data_key.as_ref())
    }
}

/// Where `plan` is read from: a shared store serves it; a one-PC office reads its file, through
/// a decrypting reader when it is encrypted at rest.
pub(crate) fn plan_source(office: &Office, plan: &FloorPlan) -> PlanSource {
    if let Some(stored) = office.store.floor_plan_stream(plan) {
        return PlanSource::Stored(stored);
    }
    let files = office.plan_files();
    match files.opener(plan) {
        Some(opener) => PlanSource::Stored(opener),
        None => PlanSource::File(files.plain_path(plan)),
    }
}

/// What [`encrypt_files`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptFiles {
    /// Floor plans encrypted (their plaintext removed).
    pub floor_plans: u64,
    /// Secret key files encrypted (their plaintext removed).
    pub key_files: u64,
    /// Leftovers of interrupted imports and conversions removed.
    pub leftovers: u64,
    /// Plaintext plans whose bytes are not those their name records (damaged before the
    /// conversion): left as they are, to be re-imported or deleted by hand.
    pub damaged: Vec<PathBuf>,
}

/// Encrypt the plaintext files of the office in `dir` with its data key `key`: the floor plans
/// (`<sha256>.<ext>` → an encrypted file under a keyed name, see [`PlanFiles`]) and the two
/// secret key files (`office.agekey`, `office.signing.key` → their `.enc` form); leftovers
/// of interrupted imports (`.incoming-*`, which may hold a plaintext plan) are overwritten and
/// removed. For an office made by a version without encryption at rest, once it has a vault.
///
/// Each file is converted on its own: its encrypted form is written beside it (`.partial`,
/// fsync, rename, fsync of the folder), then the plaintext is overwritten with zeros, synced and
/// removed. Readers prefer the encrypted form and accept the plaintext one until it is gone, so
/// a kill (or [`Flow::Cancel`] from `progress`, checked between files) at any point leaves every
/// plan and key readable, and running this again finishes the job (it is idempotent: an office
/// with nothing left in clear is left as it is). Needs no store: the plans' SHA-256 is their
/// plaintext name, checked while they are encrypted. `progress` counts files. Run it while no
/// import is running (when the office is opened): an import's temporary `.incoming-*` file
/// would be taken for a leftover.
pub fn encrypt_files(
    dir: &DataDir,
    key: &DataKey,
    progress: &mut dyn Progress,
) -> Result<EncryptFiles> {
    let files = PlanFiles::new(dir, Some(key));
    let plans = plaintext_plans(files.dir())?;
    let key_names: Vec<&str> = [IDENTITY_FILE, SIGNING_FILE]
        .into_iter()
        .filter(|n| dir.keys_dir().join(n).is_file())
        .collect();
    let total = (plans.len() + key_names.len()) as u64;
    let mut report = EncryptFiles::default();
    let mut done = 0u64;
    for name in key_names {
        encrypt_key_file(dir, key, name)?;
        report.key_files += 1;
        done += 1;
        go_on(progress, done, total)?;
    }
    for plan in &plans {
        match files.encrypt_plain(plan)? {
            Converted::Encrypted => report.floor_plans += 1,
            Converted::Nothing => {}
            Converted::Damaged(path) => report.damaged.push(path),
        }
        done += 1;
        go_on(progress, done, total)?;
    }
    report.leftovers = remove_leftovers(files.dir())?;
    Ok(report)
}

/// Tell `progress` that `done` files of `total` are converted: [`Error::Cancelled`] if it says
/// stop.
fn go_on(progress: &mut dyn Progress, done: u64, total: u64) -> Result<()> {
    match progress.update(done, Some(total)) {
        Flow::Continue => Ok(()),
        Flow::Cancel => Err(Error::Cancelled),
    }
}

/// [`encrypt_files`] for an open office, with the data key its sign-in unwrapped
/// ([`Error::NoVault`] for an office not encrypted at rest).
pub fn encrypt_office_files(office: &Office, progress: &mut dyn Progress) -> Result<EncryptFiles> {
    match &office.data_key {
        Some(key) if office.encrypted_at_rest() => encrypt_files(&office.dir, key, progress),
        _ => Err(Error::NoVault(office.dir.root().to_path_buf())),
    }
}

/// The plaintext plans in `folder`: files named `<64 hex digits>.<pdf|png|jpg>`, described by
/// their name and size.
pub(crate) fn plaintext_plans(folder: &Path) -> Result<Vec<FloorPlan>> {
    let rd = match std::fs::read_dir(folder) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("cannot read the floor-plan folder", folder, e)),
    };
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io("cannot read the floor-plan folder", folder, e))?;
        let name = entry.file_name();
        let Some((sha256, ext)) = name.to_str().and_then(|n| n.split_once('.')) else {
            continue;
        };
        let hex = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let meta = entry
            .metadata()
            .map_err(|e| Error::io("cannot read", entry.path(), e))?;
        if hex && matches!(ext, "pdf" | "png" | "jpg") && meta.is_file() {
            out.push(FloorPlan {
                sha256: sha256.to_string(),
                ext: ext.to_string(),
                size: meta.len(),
            });
        }
    }
    out.sort_by(|a, b| a.sha256.cmp(&b.sha256));
    Ok(out)
}

/// Encrypt the plaintext secret key file `name`: its `.enc` form written (through `.partial`,
/// synced, renamed) unless a killed conversion left it already, checked to open, then the
/// plaintext overwritten and removed.
fn encrypt_key_file(dir: &DataDir, key: &DataKey, name: &str) -> Result<()> {
    let plain = dir.keys_dir().join(name);
    let dest = keys::encrypted_key_path(dir, name);
    let fk = keys::key_files_key(key);
    let aad = keys::key_file_aad(name);
    if !dest.is_file() {
        let text = zeroize::Zeroizing::new(
            std::fs::read(&plain).map_err(|e| Error::io("cannot read the key file", &plain, e))?,
        );
        if at_rest::is_encrypted(&text) {
            return Err(Error::BadKeyFile {
                path: plain,
                reason: "it is encrypted but not under its encrypted name".into(),
            });
        }
        let sealed = at_rest::encrypt_bytes(&fk, &aad, &text);
        let partial = fsutil::partial_path(&dest);
        let _ = std::fs::remove_file(&partial);
        fsutil::write_new_private(&partial, &sealed)?;
        std::fs::rename(&partial, &dest).map_err(|e| Error::io("cannot rename", &partial, e))?;
        fsutil::sync_parent(&dest);
    }
    let written = std::fs::read(&dest).map_err(|e| Error::io("cannot read", &dest, e))?;
    if at_rest::decrypt_bytes(&fk, &aad, &written).is_none() {
        return Err(Error::BadKeyFile {
            path: dest,
            reason: "it does not open with this office's data key".into(),
        });
    }
    at_rest::shred(&plain)
}

/// Remove what interrupted imports and conversions left in the floor-plan folder: a
/// `.incoming-*` file may be a plaintext plan (an import before the encryption), so it is
/// overwritten first; a `*.partial` is an unfinished encrypted copy.
fn remove_leftovers(folder: &Path) -> Result<u64> {
    let Ok(rd) = std::fs::read_dir(folder) else {
        return Ok(0);
    };
    let mut n = 0;
    for entry in rd.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        if name.starts_with(".incoming-") {
            at_rest::shred(&path)?;
            n += 1;
        } else if name.ends_with(".partial") {
            std::fs::remove_file(&path).map_err(|e| Error::io("cannot remove", &path, e))?;
            n += 1;
        }
    }
    Ok(n)
}
