//! Writing a bundle or a sheet and recording the handover, all or nothing.

use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::super::Office;
use super::super::interrupted::Journal;
use super::super::policy;
use super::super::supervision::pack_recheck;
use super::approved;
use super::check::checked;
use super::prepare::bundle_customers;
use super::warnings::PackWarning;
use crate::bundle::{
    self, BundleCustomer, BundleKey, Manifest, ManifestApproval, ManifestContractor,
    ManifestCustomer, ManifestOffice, PaperHeader,
};
use crate::handover::{
    Encryption, Excluded, HandoverCustomer, HandoverRecord, Method, Preparation, Selection,
};
use crate::keys::OfficeKeys;
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
    /// The manager's approval to pack with (`APR-2026-0001`): what is packed must be exactly
    /// what it approved; its return date is the default.
    pub approval: Option<String>,
    /// scrypt work factor override, for tests only (lower is faster and weaker).
    #[doc(hidden)]
    pub insecure_work_factor: Option<u8>,
}

/// Where and how to write the handover, as the app sends it.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PackRequest {
    /// transfer: the file; media: the folder; paper: the HTML sheet.
    pub out: String,
    /// ASCII armor.
    #[serde(default)]
    pub armor: bool,
    /// Return-or-destroy date (`YYYY-MM-DD`); empty or absent: from the policy.
    pub return_by: Option<String>,
    /// The passphrase of a passphrase bundle.
    pub passphrase: Option<String>,
    /// The approval to pack with.
    #[serde(default)]
    #[ts(optional)]
    pub approval: Option<String>,
}

impl From<PackRequest> for PackOptions {
    fn from(r: PackRequest) -> PackOptions {
        PackOptions {
            out: PathBuf::from(r.out),
            armor: r.armor,
            return_by: r.return_by.filter(|d| !d.trim().is_empty()),
            // Straight into a secret type: zeroized on drop, never in a Debug or log line.
            passphrase: r.passphrase.map(Into::into),
            approval: r.approval.filter(|a| !a.trim().is_empty()),
            insecure_work_factor: None,
        }
    }
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
    /// The bundle's detached SSH signature `<path>.sig`, which stock `ssh-keygen -Y verify`
    /// checks (none for paper).
    pub signature: Option<String>,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// transfer, media or paper.
    pub method: Method,
    /// How the data is protected.
    pub encryption: Encryption,
    /// Return-or-destroy date.
    #[ts(type = "string")]
    pub return_by: Date,
    /// Customers handed over.
    pub customers: usize,
    /// Customers left out, and why.
    pub excluded: Vec<Excluded>,
    /// Fingerprints of the keys that can open it.
    pub recipients: Vec<String>,
    /// The ledger entry.
    #[ts(type = "number")]
    pub ledger_seq: u64,
    /// Things the operator must know (the passphrase rule…): their text, in either language,
    /// is [`PackWarning::text`].
    pub warnings: Vec<PackWarning>,
    /// The manager's approval it was packed with (also in the manifest).
    pub approval: Option<ManifestApproval>,
}

/// Where the file goes, and the journal that undoes a pack killed before it is recorded.
struct Output<'a> {
    path: PathBuf,
    journal: &'a mut Journal,
}

/// The file a pack wrote, before it is recorded.
struct Written {
    path: PathBuf,
    signature: Option<PathBuf>,
    sha256: String,
    size: u64,
    warnings: Vec<PackWarning>,
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
    let approval = approved::named(office, opts.approval.as_deref())?;
    let return_by = return_by_asked(opts, approval.as_ref());
    let (prep, return_by, mut warnings) = checked(
        office,
        &policy,
        sel,
        opts.passphrase.as_ref(),
        return_by.as_deref(),
    )?;
    let approval = approved::for_pack(office, &policy, &prep, return_by, approval.as_ref())?;
    let office_keys = office.secret_keys()?;
    out_free(sel.method, &opts.out)?;
    let id = office.store.reserve_handover_id(office.today().year())?;
    let created = office.now_instant();
    let mut manifest = manifest(office, &prep, &id, created, return_by, &office_keys);
    manifest.approval = approval.clone();
    let customers = bundle_customers(office, &prep)?;
    let path = out_path(sel.method, &opts.out, &id)?;
    // Until the handover is recorded, a kill leaves this journal for the next start to undo
    // the pack (see `interrupted`).
    let mut journal = Journal::begin(&office.dir, &id, &path)?;
    let out = Output {
        path,
        journal: &mut journal,
    };
    let written = match sel.method {
        Method::Paper => write_sheet(&manifest, &customers, out)?,
        Method::Transfer | Method::Media => {
            let key = bundle_key(&prep, opts, &office_keys)?;
            let armor = opts.armor;
            write_bundle(
                manifest,
                &customers,
                &key,
                armor,
                out,
                &office_keys,
                progress,
            )?
        }
    };
    let record = handover_record(
        office,
        &prep,
        &id,
        created,
        return_by,
        &written,
        &office_keys,
    );
    let seq = record_it(office, &prep, &record, &written, approval.as_ref())?;
    drop(journal);
    warnings.extend(written.warnings);
    Ok(PackResult {
        handover_id: id,
        path: written.path.display().to_string(),
        signature: written.signature.map(|p| p.display().to_string()),
        sha256: written.sha256,
        size: written.size,
        method: prep.method,
        encryption: prep.encryption,
        return_by,
        customers: prep.customers.len(),
        excluded: prep.excluded,
        recipients: record.recipients,
        ledger_seq: seq,
        warnings,
        approval,
    })
}

/// The return date asked for: the option, else the one the approval was given for.
fn return_by_asked(
    opts: &PackOptions,
    approval: Option<&crate::approvals::Approval>,
) -> Option<String> {
    opts.return_by
        .clone()
        .or_else(|| approval.map(|a| a.ask.content.return_by.to_string()))
}

/// The bundle's manifest: who, what, for whom, and for how long (the entries are added as
/// they are written).
fn manifest(
    office: &Office,
    prep: &Preparation,
    id: &str,
    created: Timestamp,
    return_by: Date,
    office_keys: &OfficeKeys,
) -> Manifest {
    let office_public = &office_keys.public();
    Manifest {
        format_version: bundle::FORMAT_VERSION,
        handover_id: id.to_string(),
        created: created.to_string(),
        operator: office.operator.clone(),
        office: ManifestOffice {
            signing_key: office_public.signing_key.clone(),
            recipient_fingerprint: office_public.recipient_fingerprint.clone(),
        },
        contractor: ManifestContractor {
            id: prep.contractor.id.clone(),
            name: prep.contractor.name.clone(),
            key_fingerprints: prep
                .recipients
                .iter()
                .map(|k| k.fingerprint.clone())
                .collect(),
        },
        work_type: prep.work_type.id().into(),
        method: prep.method.id().into(),
        return_by: return_by.to_string(),
        encryption: prep.encryption.id().into(),
        customers: prep
            .customers
            .iter()
            .map(|c| ManifestCustomer {
                customer_id: c.customer_id.clone(),
                fields: c.included.clone(),
            })
            .collect(),
        entries: Vec::new(),
        approval: None,
        receipt: Some(crate::bundle::ManifestReceipt {
            secret: hex::encode(*office_keys.receipt_secret(id)),
            office_recipient: office_public.recipient.clone(),
        }),
    }
}

/// Where the file goes: the path given, or for media `<folder>/<id>.age` (the folder must be
/// one: the USB stick or a staging folder).
/// Refuse an output file that exists before an id is taken for good (ids are never given
/// twice, so a refusal after that leaves a gap in the numbering).
fn out_free(method: Method, out: &Path) -> Result<()> {
    if method != Method::Media && out.exists() {
        return Err(Error::FileExists(out.to_path_buf()));
    }
    Ok(())
}

fn out_path(method: Method, out: &Path, id: &str) -> Result<PathBuf> {
    if method != Method::Media {
        return Ok(out.to_path_buf());
    }
    if !out.is_dir() {
        return Err(crate::refusal::Refusal::NotAFolder {
            path: out.display().to_string(),
        }
        .into());
    }
    Ok(out.join(format!("{id}.age")))
}

/// The printed work-order sheet: the HTML is the handover.
fn write_sheet(
    manifest: &Manifest,
    customers: &[BundleCustomer],
    out: Output<'_>,
) -> Result<Written> {
    use sha2::Digest;
    let header = PaperHeader::from_manifest(manifest)?;
    let html = bundle::paper_sheet_html(&header, customers)?;
    if out.path.exists() {
        return Err(Error::FileExists(out.path));
    }
    let sha256 = hex::encode(sha2::Sha256::digest(html.as_bytes()));
    out.journal.publishing(&sha256)?;
    crate::fsutil::write_atomic(&out.path, html.as_bytes())?;
    Ok(Written {
        path: out.path,
        signature: None,
        sha256,
        size: html.len() as u64,
        warnings: vec![PackWarning::PaperIsTheHandover],
    })
}

/// What the bundle is encrypted to: the passphrase, or every key of the contractor and the
/// office's own recipient (so the office can audit what it sent).
fn bundle_key(
    prep: &Preparation,
    opts: &PackOptions,
    office_keys: &OfficeKeys,
) -> Result<BundleKey> {
    Ok(match (&opts.passphrase, opts.insecure_work_factor) {
        (Some(p), Some(wf)) => BundleKey::InsecureTestPassphrase {
            passphrase: p.clone(),
            work_factor: wf,
        },
        (Some(p), None) => BundleKey::Passphrase(p.clone()),
        (None, _) => {
            let mut rs = prep
                .recipients
                .iter()
                .map(|k| crate::plugins::parse_recipient(&k.recipient))
                .collect::<Result<Vec<_>>>()?;
            rs.push(crate::plugins::AgeRecipient::X25519(
                office_keys.recipient(),
            ));
            // A plugin missing from PATH is refused here, before anything is written.
            crate::plugins::encryption_recipients(&rs)?;
            BundleKey::Recipients(rs)
        }
    })
}

/// The encrypted, signed bundle.
fn write_bundle(
    manifest: Manifest,
    customers: &[BundleCustomer],
    key: &BundleKey,
    armor: bool,
    out: Output<'_>,
    office_keys: &OfficeKeys,
    progress: &mut dyn Progress,
) -> Result<Written> {
    let sign = |m: &[u8]| office_keys.sign(m);
    let journal = out.journal;
    let packed = bundle::pack_to_file_with(
        &out.path,
        manifest,
        customers,
        key,
        armor,
        &sign,
        progress,
        &mut |sha| journal.publishing(sha),
    )?;
    let warnings = match key {
        BundleKey::Recipients(_) => Vec::new(),
        _ => vec![PackWarning::PassphraseSeparately],
    };
    Ok(Written {
        signature: Some(bundle::signature_path(&out.path)),
        path: out.path,
        sha256: packed.sha256,
        size: packed.size,
        warnings,
    })
}

/// The handover as the store records it.
fn handover_record(
    office: &Office,
    prep: &Preparation,
    id: &str,
    created: Timestamp,
    return_by: Date,
    written: &Written,
    office_keys: &OfficeKeys,
) -> HandoverRecord {
    let mut recipients: Vec<String> = prep
        .recipients
        .iter()
        .map(|k| k.fingerprint.clone())
        .collect();
    if prep.encryption == Encryption::X25519 {
        recipients.push(office_keys.public().recipient_fingerprint);
    }
    HandoverRecord {
        id: id.to_string(),
        created_at: created,
        operator: office.operator.clone(),
        contractor_id: prep.contractor.id.clone(),
        work_type: prep.work_type,
        method: prep.method,
        encryption: prep.encryption,
        return_by,
        bundle_sha256: Some(written.sha256.clone()),
        bundle_size: Some(written.size),
        recipients,
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
    }
}

/// The use of `a` by the handover `id`, recorded (`approval.used`) at the handover's time.
fn approval_use(
    office: &Office,
    a: &ManifestApproval,
    id: &str,
    at: &str,
) -> crate::store::ApprovalUse {
    let mut event = office.event(
        "approval.used",
        serde_json::json!({ "approval": a.id, "handoverId": id }),
    );
    event.at = at.to_string();
    crate::store::ApprovalUse {
        id: a.id.clone(),
        by: office.operator.clone(),
        event,
    }
}

/// Record the handover with its `handover.created` entry; the ledger seq. If recording fails
/// the written file is removed, so no bundle exists that the ledger does not know.
fn record_it(
    office: &mut Office,
    prep: &Preparation,
    record: &HandoverRecord,
    written: &Written,
    approval: Option<&ManifestApproval>,
) -> Result<u64> {
    // The payload spells every value as the ledger always has (ids and ISO dates), so that
    // ledgers written before these were typed verify the same.
    let payload = serde_json::json!({
        "handoverId": record.id,
        "contractor": { "id": prep.contractor.id, "name": prep.contractor.name },
        "workType": record.work_type.id(),
        "method": record.method.id(),
        "encryption": record.encryption.id(),
        "returnBy": record.return_by.to_string(),
        "customers": prep.customers.iter().map(|c| serde_json::json!({
            "customerId": c.customer_id,
            "fields": c.included,
            "withheld": c.withheld,
        })).collect::<Vec<_>>(),
        "excluded": prep.excluded,
        "extraFields": prep.extra_fields,
        "bundleSha256": record.bundle_sha256,
        "bundleSize": record.bundle_size,
        "recipients": record.recipients,
        "basis": "委託",
    });
    let mut event = office.event("handover.created", payload);
    // The record's creation time is the entry's: `ledger verify` compares the two.
    event.at = record.created_at.to_string();
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
    // Test-only (debug builds): hold there while the named file exists (at most two minutes),
    // so a race test changes the store exactly in that window, however slow the machine.
    #[cfg(debug_assertions)]
    if let Some(gate) = std::env::var_os("HANDOVER_TEST_HOLD_BEFORE_RECORD_WHILE") {
        let start = std::time::Instant::now();
        while Path::new(&gate).exists() && start.elapsed().as_secs() < 120 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
    let today = office.today();
    let recheck = |now: &dyn crate::store::Recheck| {
        crate::handover::recheck(prep, now)?;
        pack_recheck(&prep.contractor, today, now)
    };
    let used = approval.map(|a| approval_use(office, a, &record.id, &event.at));
    match office
        .store
        .record_handover(record, event, &recheck, used.as_ref())
    {
        Ok(e) => Ok(e.seq),
        Err(e) => {
            let _ = std::fs::remove_file(&written.path);
            if let Some(sig) = &written.signature {
                let _ = std::fs::remove_file(sig);
            }
            Err(e)
        }
    }
}
