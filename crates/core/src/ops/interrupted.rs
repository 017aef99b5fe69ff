//! Packs interrupted between putting the bundle in place and recording it.
//!
//! A pack ends with two steps that cannot be one atomic act: the finished file is renamed to
//! `<out>`, then the handover and its ledger entry are committed. A kill (power cut, SIGKILL)
//! between the two would leave a complete, openable bundle that the ledger knows nothing about
//! — exactly what Handover exists to prevent. So before anything is written a pack leaves a
//! small journal in `<data dir>/interrupted-packs/`, locked for as long as the pack runs, and
//! names in it the SHA-256 of the bundle just before the rename. The journal goes away when the
//! handover is recorded or the pack fails cleanly.
//!
//! Opening the office looks for journals that no running pack holds: if the store recorded
//! that handover with that hash, the pack did finish and only the journal is removed;
//! otherwise the pack never recorded anything, and its file (when it is still there with the
//! named hash — never another file that took the name since) and `.partial` are deleted.
//! The journal holds the handover id, the output path and the hash: no customer data.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::store::Store;
use crate::{DataDir, Error, Result};

const DIR: &str = "interrupted-packs";

/// What a pack in progress has told its journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Intent {
    handover_id: String,
    out: PathBuf,
    /// Set just before the bundle is put in place.
    sha256: Option<String>,
}

/// A pack in progress: its journal file, locked while this value lives.
#[derive(Debug)]
pub(crate) struct Journal {
    path: PathBuf,
    file: File,
    intent: Intent,
}

impl Journal {
    /// Start the journal of a pack that will write `out` as handover `id`.
    pub(crate) fn begin(dir: &DataDir, id: &str, out: &Path) -> Result<Journal> {
        let folder = dir.root().join(DIR);
        crate::fsutil::create_private_dir(&folder)?;
        let path = folder.join(format!("{id}-{:016x}.json", rand::random::<u64>()));
        let file = crate::fsutil::create_new_private(&path)?;
        // A file system without locks still gets a working pack; recovery then cannot tell a
        // live pack from a dead one and leaves the journal alone (see `recover`).
        let _ = file.try_lock();
        let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
        let mut j = Journal {
            path,
            file,
            intent: Intent {
                handover_id: id.into(),
                out,
                sha256: None,
            },
        };
        j.write()?;
        Ok(j)
    }

    /// Name the finished bundle's hash; called before it is moved to `out`.
    pub(crate) fn publishing(&mut self, sha256: &str) -> Result<()> {
        self.intent.sha256 = Some(sha256.into());
        self.write()
    }

    fn write(&mut self) -> Result<()> {
        let text = serde_json::to_vec(&self.intent)
            .map_err(|e| Error::io("cannot write", &self.path, e.into()))?;
        let res = (|| {
            self.file.set_len(0)?;
            use std::io::Seek;
            self.file.seek(std::io::SeekFrom::Start(0))?;
            self.file.write_all(&text)?;
            self.file.sync_all()
        })();
        res.map_err(|e| Error::io("cannot write", &self.path, e))?;
        crate::fsutil::sync_parent(&self.path);
        Ok(())
    }
}

/// The pack is recorded, or failed and cleaned up (or panicked): forget it. Only a kill
/// leaves the journal behind, which is what it is for.
impl Drop for Journal {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
        crate::fsutil::sync_parent(&self.path);
    }
}

/// A pack found interrupted when the office was opened, and what was done about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InterruptedPack {
    /// The id the pack would have had.
    pub handover_id: String,
    /// Where its bundle was to be written.
    pub out: String,
    /// The pack was recorded after all (killed while tidying up): nothing to undo.
    pub recorded: bool,
    /// The unrecorded bundle was found at `out` and deleted.
    pub removed_bundle: bool,
}

/// Remove the `<out>.sig` an unrecorded pack put in place: only when it is the office's
/// signature of that very bundle, never another file that took the name.
fn remove_signature_of(dir: &DataDir, out: &Path, sha256: &str) {
    let sig = crate::bundle::signature_path(out);
    let Ok(pem) = fs::read_to_string(&sig) else {
        return;
    };
    let ours = crate::keys::office_public_keys(dir)
        .and_then(|k| crate::keys::parse_signing_key(&k.signing_key))
        .is_ok_and(|vk| crate::bundle::verify_detached(&pem, sha256, &vk));
    if ours {
        let _ = fs::remove_file(&sig);
        crate::fsutil::sync_parent(&sig);
    }
}

/// Finish the journals of packs that died, before the office is used.
pub(crate) fn recover(dir: &DataDir, store: &dyn Store) -> Result<Vec<InterruptedPack>> {
    let folder = dir.root().join(DIR);
    let Ok(rd) = fs::read_dir(&folder) else {
        return Ok(Vec::new());
    };
    let mut done = Vec::new();
    for entry in rd.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let Ok(mut f) = File::options().read(true).write(true).open(&path) else {
            continue;
        };
        // Held by a pack that is still running (or locks are unsupported): leave it.
        if f.try_lock().is_err() {
            continue;
        }
        let mut text = Vec::new();
        if f.read_to_end(&mut text).is_err() {
            continue;
        }
        let Ok(intent) = serde_json::from_slice::<Intent>(&text) else {
            // Killed while the journal itself was written: nothing was written after it.
            let _ = fs::remove_file(&path);
            continue;
        };
        let recorded = match &intent.sha256 {
            Some(sha) => store
                .handovers(Some(&intent.handover_id))?
                .iter()
                .any(|h| h.bundle_sha256.as_deref() == Some(sha.as_str())),
            None => false,
        };
        let mut removed_bundle = false;
        if !recorded {
            if let Some(sha) = &intent.sha256
                && fs::metadata(&intent.out).is_ok_and(|m| m.is_file())
                && crate::fsutil::sha256_file(&intent.out).ok().as_deref() == Some(sha.as_str())
            {
                fs::remove_file(&intent.out).map_err(|e| {
                    Error::io("cannot remove the unrecorded bundle", &intent.out, e)
                })?;
                crate::fsutil::sync_parent(&intent.out);
                removed_bundle = true;
            }
            if let Some(sha) = &intent.sha256 {
                remove_signature_of(dir, &intent.out, sha);
            }
            crate::bundle::remove_stale_partial(&crate::fsutil::partial_path(&intent.out));
        }
        let _ = fs::remove_file(&path);
        done.push(InterruptedPack {
            handover_id: intent.handover_id,
            out: intent.out.display().to_string(),
            recorded,
            removed_bundle,
        });
    }
    Ok(done)
}
