//! Receipts (issue 15): the contractor makes one from the bundle it holds; the office imports
//! it, checks it, and records it — a destruction receipt closes the handover, with the receipt
//! as evidence. The format is [`crate::receipt`].

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Office;
use crate::bundle::{self, MANIFEST_ENTRY, OpenKey, SIGNATURE_ENTRY};
use crate::receipt::{
    self, NotDeleted, NotDeletedReason, RECEIPT_FORMAT, Receipt, ReceiptKind, ReceiptRefusal,
    ReceiptState, SealedReceipt,
};
use crate::{Error, ReceiptNotMade, Result, keys};

/// What the contractor says, beyond what the bundle tells.
#[derive(Debug, Clone)]
pub struct ReceiptInput {
    /// Received or destroyed.
    pub kind: ReceiptKind,
    /// Who at the contractor makes it.
    pub by: String,
    /// The day it happened (`YYYY-MM-DD`); today when `None`.
    pub on: Option<String>,
    /// For a destruction: the folders the bundle was extracted into, whose files of the bundle
    /// are deleted now (all are checked before anything is deleted).
    pub extracted: Vec<PathBuf>,
    /// Free text: printed copies, copies outside the app, how they were destroyed.
    pub note: Option<String>,
}

/// A receipt made on the contractor's side.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReceiptMade {
    /// The receipt file written.
    pub path: String,
    /// Its size in bytes.
    pub size: usize,
    /// What it says.
    pub receipt: Receipt,
}

/// Make a receipt for `bundle_path` and write it to `out` (never over a file). The bundle is
/// decrypted and verified against the trusted office key first (nothing is extracted); a
/// bundle from before receipts is refused. For a destruction with `extracted`, the bundle's
/// files in that folder are deleted first, and the receipt lists what was and was not.
pub fn make_receipt(
    bundle_path: &Path,
    key: OpenKey,
    trusted_office_key: &str,
    input: &ReceiptInput,
    out: &Path,
) -> Result<ReceiptMade> {
    if std::fs::symlink_metadata(out).is_ok() {
        return Err(Error::FileExists(out.to_path_buf()));
    }
    let by = input.by.trim();
    if by.is_empty() || by.chars().any(char::is_control) {
        return Err(Error::ReceiptNotMade(ReceiptNotMade::By));
    }
    let today = crate::history::local_date(jiff::Timestamp::now());
    let on = match &input.on {
        Some(d) => crate::dates::parse_date(d)?,
        None => today,
    };
    if on > today {
        return Err(Error::date_in_future("on", on));
    }
    // Verify only (no plaintext written); a bundle past its date can still be acknowledged.
    let opened = super::open_bundle(bundle_path, key, trusted_office_key, None, true)?;
    let m = &opened.manifest;
    let Some(rk) = &m.receipt else {
        return Err(Error::ReceiptNotMade(ReceiptNotMade::BundleTooOld {
            handover_id: m.handover_id.clone(),
        }));
    };
    let mut secret = zeroize::Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(&rk.secret, secret.as_mut_slice())
        .map_err(|_| Error::ReceiptNotMade(ReceiptNotMade::Secret))?;
    let (deleted, not_deleted) = match input.kind {
        ReceiptKind::Destroyed => delete_in_folders(&input.extracted, m)?,
        ReceiptKind::Received => (Vec::new(), Vec::new()),
    };
    let r = Receipt {
        format: RECEIPT_FORMAT,
        handover_id: m.handover_id.clone(),
        bundle_sha256: opened.sha256.clone(),
        kind: input.kind,
        on: on.to_string(),
        made_at: jiff::Timestamp::now().to_string(),
        by: by.to_string(),
        deleted,
        not_deleted,
        note: input.note.clone().filter(|n| !n.trim().is_empty()),
        nonce: hex::encode(rand::random::<[u8; 16]>()),
    };
    let bytes = receipt::seal(&r, &secret, &rk.office_recipient)?;
    crate::fsutil::write_new_private(out, &bytes)?;
    Ok(ReceiptMade {
        path: out.display().to_string(),
        size: bytes.len(),
        receipt: r,
    })
}

/// Delete the bundle's files in every folder it was extracted into (each checked first, so a
/// wrong folder deletes nothing anywhere). An entry is deleted if it was deleted in any folder;
/// one left anywhere for a reason other than absence is listed as not deleted, as is one found
/// in none of them.
fn delete_in_folders(
    dirs: &[PathBuf],
    m: &bundle::Manifest,
) -> Result<(Vec<String>, Vec<NotDeleted>)> {
    for dir in dirs {
        same_bundle_in(dir, m)?;
    }
    let mut deleted: Vec<String> = Vec::new();
    let mut left: Vec<NotDeleted> = Vec::new();
    for dir in dirs {
        let (d, n) = delete_extracted(dir, m);
        for x in d {
            if !deleted.contains(&x) {
                deleted.push(x);
            }
        }
        left.extend(n);
    }
    let mut not_deleted: Vec<NotDeleted> = Vec::new();
    for n in left {
        let absent_here = n.reason == NotDeletedReason::NotFound && deleted.contains(&n.path);
        if !absent_here && !not_deleted.contains(&n) {
            not_deleted.push(n);
        }
    }
    Ok((deleted, not_deleted))
}

/// Refuse, before anything is deleted, a folder whose `manifest.json` is another bundle's (or
/// not a manifest): its `customers.csv` is not this bundle's to delete. A folder without one
/// (already deleted by hand) is taken as the user says.
fn same_bundle_in(dir: &Path, m: &bundle::Manifest) -> Result<()> {
    if !dir.is_dir() {
        return Err(Error::ReceiptNotMade(ReceiptNotMade::NotAFolder(
            dir.to_path_buf(),
        )));
    }
    let path = dir.join(MANIFEST_ENTRY);
    let Ok(bytes) = std::fs::read(&path) else {
        return Ok(());
    };
    match serde_json::from_slice::<bundle::Manifest>(&bytes) {
        Ok(found) if found == *m => Ok(()),
        _ => Err(Error::ReceiptNotMade(ReceiptNotMade::OtherBundle {
            folder: dir.to_path_buf(),
            handover_id: m.handover_id.clone(),
        })),
    }
}

/// Delete the files `open` extracted from this bundle into `dir`: the manifest, its signature
/// and every entry the manifest lists (nothing else in the folder is touched). Returns the
/// entries deleted and those that could not be, with why.
fn delete_extracted(dir: &Path, m: &bundle::Manifest) -> (Vec<String>, Vec<NotDeleted>) {
    let names = [MANIFEST_ENTRY, SIGNATURE_ENTRY]
        .into_iter()
        .map(str::to_string)
        .chain(m.entries.iter().map(|e| e.path.clone()));
    let mut deleted = Vec::new();
    let mut not = Vec::new();
    for name in names {
        // Entry names were checked when the bundle opened: plain relative paths. A folder
        // on the way that is a link is not followed: deleting through it would delete files
        // outside the folder the contractor named.
        let path = dir.join(&name);
        if linked_folder_on_the_way(dir, &name) {
            not.push(NotDeleted {
                path: name,
                reason: NotDeletedReason::LinkedFolder,
            });
            continue;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => deleted.push(name),
            Err(e) => not.push(NotDeleted {
                path: name,
                reason: NotDeletedReason::of_io(&e),
            }),
        }
    }
    // The folders `open` made, when nothing else is left in them.
    let _ = std::fs::remove_dir(dir.join(bundle::FLOOR_PLAN_DIR));
    let _ = std::fs::remove_dir(dir);
    (deleted, not)
}

/// Is a folder between `dir` and its entry `name` a symbolic link?
fn linked_folder_on_the_way(dir: &Path, name: &str) -> bool {
    let mut at = dir.to_path_buf();
    let mut parts = Path::new(name).components().peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            return false;
        }
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return true;
        }
    }
    false
}

/// A receipt the office recorded.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportedReceipt {
    /// The file it came from.
    pub file: String,
    /// What it says.
    pub receipt: Receipt,
    /// The ledger entry that records it.
    #[ts(type = "number")]
    pub ledger_seq: u64,
    /// A destruction receipt closed the handover.
    pub closed: bool,
}

/// Import receipt files: each is decrypted with the office key, authenticated with its
/// handover's secret, and checked against the handover's record (the bundle's hash, still
/// open for a destruction, never seen before). All are checked before any is recorded: one
/// refused file records nothing. A received receipt is recorded (`handover.received`); a
/// destruction receipt closes the handover (`handover.destroyed`, with the receipt).
pub fn import_receipts(office: &mut Office, files: &[PathBuf]) -> Result<Vec<ImportedReceipt>> {
    if files.is_empty() {
        return Err(Error::ReceiptNotMade(ReceiptNotMade::NoFiles));
    }
    let office_keys = office.secret_keys()?;
    let mut seen = recorded_receipt_macs(office)?;
    let mut checked = Vec::new();
    for file in files {
        let (s, closed_on) = check_receipt(office, &office_keys, file)?;
        if !seen.insert(s.mac_hex()) {
            return Err(refused(file, ReceiptRefusal::Replay));
        }
        if let (ReceiptKind::Destroyed, Some(c)) = (s.receipt.kind, closed_on) {
            let handover_id = s.receipt.handover_id.clone();
            let on = c.to_string();
            return Err(refused(
                file,
                ReceiptRefusal::AlreadyClosed { handover_id, on },
            ));
        }
        checked.push((file, s));
    }
    let mut done = Vec::new();
    for (file, s) in checked {
        done.push(record_receipt(office, file, s)?);
    }
    Ok(done)
}

fn refused(file: &Path, reason: ReceiptRefusal) -> Error {
    Error::ReceiptRefused {
        file: file.to_path_buf(),
        reason,
    }
}

/// Decrypt, authenticate and check one receipt against the store; with the day its handover
/// was closed, if it was.
fn check_receipt(
    office: &Office,
    office_keys: &keys::OfficeKeys,
    file: &Path,
) -> Result<(SealedReceipt, Option<jiff::civil::Date>)> {
    let bytes = read_small(file)?;
    let s = receipt::unseal(&bytes, office_keys.identity()).map_err(|r| refused(file, r))?;
    let r = &s.receipt;
    let h = office
        .store
        .handovers(Some(&r.handover_id))?
        .pop()
        .ok_or_else(|| {
            let handover_id = r.handover_id.clone();
            refused(file, ReceiptRefusal::UnknownHandover { handover_id })
        })?;
    // The MAC first: until it holds, nothing else in the receipt is the contractor's word.
    if !s.authentic(&office_keys.receipt_secret(&h.id)) {
        let handover_id = h.id.clone();
        return Err(refused(file, ReceiptRefusal::Forged { handover_id }));
    }
    if h.bundle_sha256.as_deref() != Some(r.bundle_sha256.as_str()) {
        return Err(refused(file, ReceiptRefusal::OtherBundle));
    }
    let outside = || ReceiptRefusal::DateOutside { on: r.on.clone() };
    let on = crate::dates::parse_date(&r.on).map_err(|_| refused(file, outside()))?;
    if on > office.today() || on < crate::history::local_date(h.created_at) {
        return Err(refused(file, outside()));
    }
    Ok((s, h.closed_on))
}

fn read_small(file: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let f = std::fs::File::open(file).map_err(|e| Error::io("cannot read", file, e))?;
    let mut bytes = Vec::new();
    f.take(receipt::MAX_RECEIPT_SIZE as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("cannot read", file, e))?;
    Ok(bytes)
}

/// The MACs of every receipt the ledger holds.
fn recorded_receipt_macs(office: &Office) -> Result<std::collections::HashSet<String>> {
    #[derive(serde::Deserialize)]
    struct P {
        receipt: Option<M>,
    }
    #[derive(serde::Deserialize)]
    struct M {
        mac: String,
    }
    let mut macs = std::collections::HashSet::new();
    office.store.for_each_entry_ref(&mut |e| {
        if let (b"handover.received" | b"handover.destroyed", Some(p)) = (e.kind, e.payload)
            && let Ok(P { receipt: Some(m) }) = serde_json::from_slice::<P>(p)
        {
            macs.insert(m.mac);
        }
        Ok(())
    })?;
    Ok(macs)
}

fn record_receipt(office: &mut Office, file: &Path, s: SealedReceipt) -> Result<ImportedReceipt> {
    let mac = s.mac_hex();
    let r = s.receipt;
    let evidence = serde_json::json!({
        "kind": r.kind.id(),
        "by": r.by,
        "madeAt": r.made_at,
        "deleted": r.deleted,
        "notDeleted": r.not_deleted,
        "note": r.note,
        "mac": mac,
    });
    let (seq, closed) = match r.kind {
        ReceiptKind::Received => {
            let event = office.event(
                "handover.received",
                serde_json::json!({ "handoverId": r.handover_id, "on": r.on, "receipt": evidence }),
            );
            (office.store.append(event)?.seq, false)
        }
        ReceiptKind::Destroyed => {
            let h = office.store.handovers(Some(&r.handover_id))?.pop();
            let note = format!("destruction receipt by {} (made {})", r.by, r.made_at);
            let mut event = office.event(
                "handover.destroyed",
                serde_json::json!({
                    "handoverId": r.handover_id, "on": r.on, "note": note, "receipt": evidence
                }),
            );
            event.customers = h
                .map(|h| h.customers.into_iter().map(|c| c.customer_id).collect())
                .unwrap_or_default();
            let e = office
                .store
                .close_handover(&r.handover_id, &r.on, Some(&note), event)?;
            (e.seq, true)
        }
    };
    Ok(ImportedReceipt {
        file: file.display().to_string(),
        receipt: r,
        ledger_seq: seq,
        closed,
    })
}

/// What the receipts in the ledger say about one handover.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReceiptStatus {
    /// The day of the latest received receipt, if any.
    pub received_on: Option<String>,
    /// Closed by a destruction receipt (rather than by hand, `confirm-destruction`).
    pub destroyed_by_receipt: bool,
    /// What the destruction receipt says, if one closed the handover.
    pub destruction: Option<DestructionEvidence>,
}

/// A destruction receipt's evidence, as the ledger recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DestructionEvidence {
    /// The day the contractor destroyed the data (`YYYY-MM-DD`).
    pub on: String,
    /// Who at the contractor.
    pub by: String,
    /// When the receipt was made (RFC 3339).
    pub made_at: String,
    /// The files the contractor's app deleted.
    pub deleted: Vec<String>,
    /// The files it could not delete, and why.
    pub not_deleted: Vec<NotDeleted>,
    /// The contractor's note (printed copies, other copies).
    pub note: Option<String>,
}

impl ReceiptStatus {
    /// Where handover `h` stands, with these receipts.
    pub fn state(&self, h: &crate::handover::HandoverRecord) -> ReceiptState {
        match (h.closed_on, &self.received_on) {
            (Some(_), _) if self.destroyed_by_receipt => ReceiptState::Destroyed,
            (Some(_), _) => ReceiptState::ByHand,
            (None, Some(_)) => ReceiptState::Received,
            (None, None) => ReceiptState::NoReceipt,
        }
    }
}

/// A handover with what its receipts say.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HandoverReceipts {
    /// The handover.
    pub handover: crate::handover::HandoverRecord,
    /// Where it stands.
    pub state: ReceiptState,
    /// Its receipts.
    pub receipts: ReceiptStatus,
    /// Days past its return-or-destroy date while it is still open (`None`: closed, or not
    /// due yet), by the office's today: the overdue list's rule, decided here so that the
    /// screen compares no dates.
    pub days_overdue: Option<u32>,
}

/// Every handover (oldest first) with where it stands with its receipts.
pub fn handovers_with_receipts(office: &Office) -> Result<Vec<HandoverReceipts>> {
    let mut status = receipt_status(office)?;
    let today = office.today();
    Ok(super::handovers(office)?
        .into_iter()
        .map(|h| {
            let receipts = status.remove(&h.id).unwrap_or_default();
            HandoverReceipts {
                days_overdue: h.is_overdue(today).then(|| h.days_overdue(today)),
                state: receipts.state(&h),
                handover: h,
                receipts,
            }
        })
        .collect())
}

/// Per handover id, what its imported receipts say (handovers without any are absent): what
/// the overdue list shows beside each handover.
pub fn receipt_status(office: &Office) -> Result<std::collections::HashMap<String, ReceiptStatus>> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct P {
        handover_id: String,
        on: String,
        receipt: Option<E>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct E {
        by: String,
        made_at: String,
        #[serde(default)]
        deleted: Vec<String>,
        #[serde(default)]
        not_deleted: Vec<NotDeleted>,
        note: Option<String>,
    }
    let mut out = std::collections::HashMap::<String, ReceiptStatus>::new();
    office.store.for_each_entry_ref(&mut |e| {
        let received = match e.kind {
            b"handover.received" => true,
            b"handover.destroyed" => false,
            _ => return Ok(()),
        };
        if let Some(Ok(p)) = e.payload.map(serde_json::from_slice::<P>)
            && let Some(r) = p.receipt
        {
            let s = out.entry(p.handover_id).or_default();
            if received {
                s.received_on = Some(p.on);
            } else {
                s.destroyed_by_receipt = true;
                s.destruction = Some(DestructionEvidence {
                    on: p.on,
                    by: r.by,
                    made_at: r.made_at,
                    deleted: r.deleted,
                    not_deleted: r.not_deleted,
                    note: r.note,
                });
            }
        }
        Ok(())
    })?;
    Ok(out)
}
