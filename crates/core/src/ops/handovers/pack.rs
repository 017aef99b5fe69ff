//! Writing a bundle or a sheet and recording the handover, all or nothing.

use std::path::PathBuf;

use age::secrecy::SecretString;
use serde::Serialize;
use ts_rs::TS;

use super::super::Office;
use super::super::interrupted::Journal;
use super::super::policy;
use super::check::checked;
use super::prepare::bundle_customers;
use crate::bundle::{
    self, BundleKey, Manifest, ManifestContractor, ManifestCustomer, ManifestOffice, PaperHeader,
};
use crate::handover::{Excluded, HandoverCustomer, HandoverRecord, Method, Selection};
use crate::keys::{self, recipient_fingerprint};
use crate::progress::Progress;
use crate::{Error, Result};

/// Where and how to pack.
#[derive(Default)]
pub struct PackOptions {
    /// transfer: the bundle file; media: the folder to write it in; paper: the HTML sheet.
    pub out: PathBuf,
    /// ASCII armor (for e-mail or chat).
    pub armor: bool,
    /// Return-or-destroy date (default: today + the policy's return days).
    pub return_by: Option<String>,
    /// The passphrase, for a passphrase bundle (the selection must ask for one).
    pub passphrase: Option<SecretString>,
    /// scrypt work factor override, for tests only (lower is faster and weaker).
    #[doc(hidden)]
    pub insecure_work_factor: Option<u8>,
}

/// What a pack produced and recorded.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PackResult {
    /// The handover id (`HO-2026-000123`).
    pub handover_id: String,
    /// The file written.
    pub path: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// transfer, media or paper.
    pub method: Method,
    /// x25519, passphrase or none.
    pub encryption: String,
    /// Return-or-destroy date.
    pub return_by: String,
    /// Customers handed over.
    pub customers: usize,
    /// Customers left out, and why.
    pub excluded: Vec<Excluded>,
    /// Fingerprints of the keys that can open it.
    pub recipients: Vec<String>,
    /// The ledger entry.
    #[ts(type = "number")]
    pub ledger_seq: u64,
    /// Things the operator must know (the passphrase rule…).
    pub warnings: Vec<String>,
}

/// Prepare, write the bundle or sheet, and record the handover — all or nothing: if recording
/// fails the file is removed, and if writing fails nothing is recorded.
pub fn pack(
    office: &mut Office,
    sel: &Selection,
    opts: &PackOptions,
    progress: &mut dyn Progress,
) -> Result<PackResult> {
    let policy = policy(office)?;
    let (prep, return_by) = checked(
        office,
        &policy,
        sel,
        opts.passphrase.as_ref(),
        opts.return_by.as_deref(),
    )?;
    let today = office.today();
    let office_keys = keys::load_office_keys(&office.dir)?;
    let id = office.store.next_handover_id(today.year())?;
    let created = office.now();

    let encryption = match (sel.method, sel.passphrase) {
        (Method::Paper, _) => "none",
        (_, true) => "passphrase",
        _ => "x25519",
    };
    let contractor = &prep.contractor;
    let contractor_fps: Vec<String> = if encryption == "x25519" {
        contractor
            .recipients
            .iter()
            .map(|r| recipient_fingerprint(r))
            .collect()
    } else {
        Vec::new()
    };
    let office_public = office_keys.public();
    let manifest = Manifest {
        format_version: bundle::FORMAT_VERSION,
        handover_id: id.clone(),
        created: created.clone(),
        operator: office.operator.clone(),
        office: ManifestOffice {
            signing_key: office_public.signing_key.clone(),
            recipient_fingerprint: office_public.recipient_fingerprint.clone(),
        },
        contractor: ManifestContractor {
            id: contractor.id.clone(),
            name: contractor.name.clone(),
            key_fingerprints: contractor_fps.clone(),
        },
        work_type: sel.work_type.id().into(),
        method: sel.method.id().into(),
        return_by: return_by.to_string(),
        encryption: encryption.into(),
        customers: prep
            .customers
            .iter()
            .map(|c| ManifestCustomer {
                customer_id: c.customer_id.clone(),
                fields: c.included.clone(),
            })
            .collect(),
        entries: Vec::new(),
    };
    let bundle_customers = bundle_customers(office, &prep)?;

    let mut warnings = Vec::new();
    let path = if sel.method == Method::Media {
        if !opts.out.is_dir() {
            return Err(Error::invalid(
                "media",
                format!(
                    "{} is not a folder (pick the USB stick or staging folder)",
                    opts.out.display()
                ),
            ));
        }
        opts.out.join(format!("{id}.age"))
    } else {
        opts.out.clone()
    };
    // Until the handover is recorded, a kill leaves this journal for the next start to undo
    // the pack (see `interrupted`).
    let mut journal = Journal::begin(&office.dir, &id, &path)?;
    let (path, sha256, size) = match sel.method {
        Method::Paper => {
            let header = PaperHeader::from_manifest(&manifest)?;
            let html = bundle::paper_sheet_html(&header, &bundle_customers)?;
            if path.exists() {
                return Err(Error::FileExists(path));
            }
            use sha2::Digest;
            let sha = hex::encode(sha2::Sha256::digest(html.as_bytes()));
            journal.publishing(&sha)?;
            crate::fsutil::write_atomic(&path, html.as_bytes())?;
            warnings.push(
                "the printed sheet is the handover: print it, hand it over, and ask for it back \
                 or for its destruction by the return date"
                    .into(),
            );
            (path, sha, html.len() as u64)
        }
        Method::Transfer | Method::Media => {
            let key = match (&opts.passphrase, opts.insecure_work_factor) {
                (Some(p), Some(wf)) => BundleKey::InsecureTestPassphrase {
                    passphrase: p.clone(),
                    work_factor: wf,
                },
                (Some(p), None) => BundleKey::Passphrase(p.clone()),
                (None, _) => {
                    let mut rs = contractor
                        .recipients
                        .iter()
                        .map(|r| keys::parse_recipient(r))
                        .collect::<Result<Vec<_>>>()?;
                    rs.push(office_keys.recipient());
                    BundleKey::Recipients(rs)
                }
            };
            if opts.passphrase.is_some() {
                warnings.push(
                    "tell the contractor the passphrase by phone or in person — never in the same \
                     e-mail or chat as the file (that would be PPAP all over again)"
                        .into(),
                );
            }
            let sign = |m: &[u8]| office_keys.sign(m);
            let packed = bundle::pack_to_file_with(
                &path,
                manifest,
                &bundle_customers,
                &key,
                opts.armor,
                &sign,
                progress,
                &mut |sha| journal.publishing(sha),
            )?;
            (path, packed.sha256, packed.size)
        }
    };

    let mut recipients = contractor_fps;
    if encryption == "x25519" {
        recipients.push(office_public.recipient_fingerprint.clone());
    }
    let record = HandoverRecord {
        id: id.clone(),
        created_at: created.clone(),
        operator: office.operator.clone(),
        contractor_id: contractor.id.clone(),
        work_type: sel.work_type.id().into(),
        method: sel.method.id().into(),
        encryption: encryption.into(),
        return_by: return_by.to_string(),
        bundle_sha256: Some(sha256.clone()),
        bundle_size: Some(size),
        recipients: recipients.clone(),
        closed_on: None,
        closed_note: None,
        ledger_seq: 0,
        customers: prep
            .customers
            .iter()
            .map(|c| HandoverCustomer {
                customer_id: c.customer_id.clone(),
                fields: c.included.clone(),
            })
            .collect(),
    };
    let payload = serde_json::json!({
        "handoverId": id,
        "contractor": { "id": contractor.id, "name": contractor.name },
        "workType": sel.work_type.id(),
        "method": sel.method.id(),
        "encryption": encryption,
        "returnBy": return_by.to_string(),
        "customers": prep.customers.iter().map(|c| serde_json::json!({
            "customerId": c.customer_id,
            "fields": c.included,
            "withheld": c.withheld,
        })).collect::<Vec<_>>(),
        "excluded": prep.excluded,
        "extraFields": prep.extra_fields,
        "bundleSha256": sha256,
        "bundleSize": size,
        "recipients": recipients,
        "basis": "委託",
    });
    let mut event = office.event("handover.created", payload);
    // The record's creation time is the entry's: `ledger verify` compares the two.
    event.at.clone_from(&created);
    event.customers = prep
        .customers
        .iter()
        .map(|c| c.customer_id.clone())
        .collect();
    // Test-only (debug builds): hold the pack between putting the bundle in place and
    // recording it, so the kill test can kill it exactly there. Compiled out of releases.
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("HANDOVER_TEST_STALL_BEFORE_RECORD_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    let entry = match office.store.record_handover(&record, event) {
        Ok(e) => e,
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
    };
    drop(journal);
    Ok(PackResult {
        handover_id: id,
        path: path.display().to_string(),
        sha256,
        size,
        method: sel.method,
        encryption: encryption.into(),
        return_by: return_by.to_string(),
        customers: prep.customers.len(),
        excluded: prep.excluded,
        recipients,
        ledger_seq: entry.seq,
        warnings,
    })
}
