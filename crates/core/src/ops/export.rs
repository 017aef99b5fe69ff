//! `handover ledger export FILE`: the ledger as JSON lines for an outside verifier (see
//! [`crate::store::ledger::export`] for the format).
//!
//! The file holds what the ledger holds — request notes, contractors' contacts, customer ids —
//! so it is written owner-only, through a `.partial` file that is fsynced and only then moved
//! into place, never over an existing file. The export itself is recorded (`ledger.exported`,
//! with the file's SHA-256 and the head it covers): data leaving the store is accounted for
//! like any handover, and listed in the record of use (操作記録) with the other outputs.

use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::Office;
use crate::bundle::files::{RemoveOnDrop, create_partial, move_no_replace};
use crate::operators::Role;
use crate::store::ledger::export;
use crate::usage::UseKind;
use crate::{Error, Result};

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportReport {
    /// The file written.
    pub path: String,
    /// Entries exported.
    #[ts(type = "number")]
    pub entries: u64,
    /// The head the export covers (hex), as in its header line.
    pub head: Option<String>,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// The `ledger.exported` entry that records it (not in the file: it comes after).
    #[ts(type = "number")]
    pub ledger_seq: u64,
}

/// Counts and hashes what goes through it.
struct Tee<W> {
    inner: W,
    sha: Sha256,
    size: u64,
}

impl<W: Write> Write for Tee<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Export the ledger to `out` (which must not exist) and record the export.
pub fn export_ledger(office: &mut Office, out: &Path) -> Result<ExportReport> {
    office.require(Role::Manager, "exporting the ledger")?;
    if std::fs::symlink_metadata(out).is_ok() {
        return Err(Error::FileExists(out.to_path_buf()));
    }
    let partial = crate::fsutil::partial_path(out);
    let file = create_partial(&partial)?;
    let mut cleanup = RemoveOnDrop(Some(partial.clone()));
    let mut tee = Tee {
        inner: BufWriter::with_capacity(1 << 20, file),
        sha: Sha256::new(),
        size: 0,
    };
    let now = office.now();
    let written = export::write_jsonl(office.store(), &mut tee, &now)?;
    let Tee { inner, sha, size } = tee;
    let file = inner
        .into_inner()
        .map_err(|e| Error::io("cannot write", &partial, e.into_error()))?;
    file.sync_all()
        .map_err(|e| Error::io("cannot write", &partial, e))?;
    drop(file);
    move_no_replace(&partial, out)?;
    cleanup.0 = None;
    crate::fsutil::sync_parent(out);

    let sha256 = hex::encode(sha.finalize());
    let head = written.head.map(|(_, h)| hex::encode(h));
    let event = office.event(
        "ledger.exported",
        serde_json::json!({
            "file": out.file_name().map(|n| n.to_string_lossy().into_owned()),
            "format": export::FORMAT,
            "version": export::VERSION,
            "sha256": sha256,
            "size": size,
            "entries": written.entries,
            "headSeq": written.head.map(|(s, _)| s),
            "head": head,
        }),
    );
    let recorded = office.store.append(event).and_then(|e| {
        let file = out.file_name().map(|n| n.to_string_lossy().into_owned());
        let no_customers: [String; 0] = [];
        super::usage::record(
            office,
            UseKind::LedgerExport,
            &file.unwrap_or_default(),
            no_customers,
        )?;
        Ok(e)
    });
    let entry = match recorded {
        Ok(e) => e,
        Err(e) => {
            // Not recorded, so not handed out.
            let _ = std::fs::remove_file(out);
            return Err(e);
        }
    };
    Ok(ExportReport {
        path: out.display().to_string(),
        entries: written.entries,
        head,
        sha256,
        size,
        ledger_seq: entry.seq,
    })
}
