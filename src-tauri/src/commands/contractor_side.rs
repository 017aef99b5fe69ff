//! Contractor mode: my key (keygen), the office keys I trust, and opening a bundle to view,
//! print or export. Works without any office data.

use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use handover_core::Field;
use handover_core::bundle::{Manifest, OpenedCustomer};
use handover_core::keys::recipient_fingerprint;
use handover_core::ops::{self, TrustedKey};
use handover_core::refusal::Refusal;
use serde::{Deserialize, Serialize};
use tauri::ipc::Response;
use tauri::{AppHandle, State};
use ts_rs::TS;

use crate::config::{Extraction, PinnedKey};
use crate::error::CmdResult;
use crate::prompts::WindowPrompts;
use crate::state::{AppState, lock};
use crate::viewing::{KeySource, ViewSession};

/// A new key of the contractor.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeygenResult {
    /// The key file written.
    pub path: String,
    /// The public key to send to the office (`age1…`).
    pub recipient: String,
    /// Its fingerprint, which the office reads back by phone.
    pub fingerprint: String,
    /// Whether the file is protected by a passphrase.
    pub protected: bool,
}

fn secret(s: Option<String>) -> Option<SecretString> {
    s.filter(|p| !p.is_empty()).map(SecretString::from)
}

/// Create the contractor's key file (never overwrites one).
#[tauri::command(async)]
pub fn contractor_keygen(out: String, passphrase: Option<String>) -> CmdResult<KeygenResult> {
    let pass = secret(passphrase);
    let recipient = ops::keygen(Path::new(&out), pass.as_ref())?;
    Ok(KeygenResult {
        path: out,
        fingerprint: recipient_fingerprint(&recipient),
        recipient,
        protected: pass.is_some(),
    })
}

/// Read an office signing key (text or file) and say its fingerprint and pin.
#[tauri::command(async)]
pub fn trust_check(state: State<'_, AppState>, key: String) -> CmdResult<ops::TrustCheck> {
    Ok(ops::trust_check(
        &lock(&state.config)?.values.trusted_keys,
        &key,
    )?)
}

/// The pinned office keys.
#[tauri::command]
pub fn trust_pins(state: State<'_, AppState>) -> CmdResult<Vec<PinnedKey>> {
    Ok(lock(&state.config)?.values.trusted_keys.clone())
}

/// Pin an office key the contractor has compared with the office (replaces the label of a key
/// pinned before).
#[tauri::command(async)]
pub fn trust_pin(
    state: State<'_, AppState>,
    key: String,
    label: String,
) -> CmdResult<Vec<PinnedKey>> {
    let mut cfg = lock(&state.config)?;
    cfg.update(|v| {
        v.trusted_keys = ops::trust_pin(&v.trusted_keys, &key, &label, jiff::Timestamp::now())?;
        Ok(())
    })?;
    Ok(cfg.values.trusted_keys.clone())
}

/// Forget a pinned office key.
#[tauri::command(async)]
pub fn trust_forget(state: State<'_, AppState>, signing_key: String) -> CmdResult<Vec<PinnedKey>> {
    let mut cfg = lock(&state.config)?;
    cfg.update(|v| {
        v.trusted_keys = ops::trust_forget(&v.trusted_keys, &signing_key);
        Ok(())
    })?;
    Ok(cfg.values.trusted_keys.clone())
}

/// What the UI sends to open a bundle.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BundleOpenRequest {
    /// The bundle file.
    pub bundle: String,
    /// The contractor's key file (for a bundle encrypted to keys).
    pub identity: Option<String>,
    /// The key file's passphrase, if it has one.
    pub identity_passphrase: Option<String>,
    /// The bundle's passphrase (for a passphrase bundle).
    pub passphrase: Option<String>,
    /// The office signing key the contractor trusts (`ed25519:…`, or its file).
    pub trust: String,
    /// For a key that is not pinned: the fingerprint the contractor confirmed matches the one
    /// the office read out (the core refuses an unpinned key without it).
    pub trust_confirmed: Option<String>,
    /// Open even though the return-or-destroy date has passed (the contractor said yes when
    /// asked).
    pub past_return_date: bool,
}

/// A floor plan of the bundle being viewed.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanInfo {
    /// The entry name (`floor_plans/C0001.png`).
    pub entry: String,
    /// Whose plan.
    pub customer_id: String,
    /// `png`, `jpg`, `pdf`.
    pub ext: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// Held in memory, so it can be previewed (else too large: export to see it).
    pub in_memory: bool,
}

/// A verified bundle, as the contractor sees it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BundleView {
    /// The file.
    pub bundle: String,
    /// The signed manifest.
    pub manifest: Manifest,
    /// The customers with their fields.
    pub customers: Vec<OpenedCustomer>,
    /// SHA-256 of the file.
    pub sha256: String,
    /// The office key it was verified against.
    pub office: TrustedKey,
    /// Whether that key is pinned.
    pub office_pinned: Option<PinnedKey>,
    /// The floor plans.
    pub floor_plans: Vec<PlanInfo>,
    /// Opened past its return-or-destroy date, as the contractor agreed.
    pub past_return_date: bool,
}

fn key_source(r: &BundleOpenRequest) -> CmdResult<KeySource> {
    let identity = r.identity.as_deref().filter(|s| !s.trim().is_empty());
    let passphrase = secret(r.passphrase.clone());
    Ok(match (identity, passphrase) {
        (Some(path), None) => KeySource::Identity {
            path: PathBuf::from(path),
            passphrase: secret(r.identity_passphrase.clone()),
        },
        (None, Some(p)) => KeySource::Passphrase(p),
        // The core says what is wrong, in the same words as for the CLI.
        (i, p) => {
            let both = i.is_some() && p.is_some();
            ops::contractor_key(i.map(Path::new), None, p)?;
            return Err(Refusal::KeyChoice { both }.into());
        }
    })
}

/// Decrypt and verify a bundle for viewing; nothing is written anywhere.
#[tauri::command(async)]
pub fn bundle_view(
    app: AppHandle,
    state: State<'_, AppState>,
    request: BundleOpenRequest,
) -> CmdResult<BundleView> {
    let source = key_source(&request)?;
    let pins: Vec<String> = lock(&state.config)?
        .values
        .trusted_keys
        .iter()
        .map(|p| p.signing_key.clone())
        .collect();
    let office = ops::trust_for_opening(&request.trust, &pins, request.trust_confirmed.as_deref())?;
    let bundle = PathBuf::from(&request.bundle);
    let opened = ops::open_bundle_for_viewing(
        &bundle,
        source.open_key(WindowPrompts::to_window(app, state.prompts.clone()))?,
        &office.signing_key,
        request.past_return_date,
    )?;
    let in_memory: Vec<&str> = opened
        .floor_plans
        .files
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    let floor_plans = opened
        .bundle
        .customers
        .iter()
        .filter_map(|c| {
            let entry = c.get(Field::FloorPlan)?;
            Some(PlanInfo {
                entry: entry.to_string(),
                customer_id: c.customer_id.clone(),
                ext: entry.rsplit('.').next().unwrap_or_default().to_string(),
                size: opened
                    .bundle
                    .manifest
                    .entry(entry)
                    .map(|e| e.size)
                    .unwrap_or(0),
                in_memory: in_memory.contains(&entry),
            })
        })
        .collect();
    let office_pinned = lock(&state.config)?
        .values
        .trusted_keys
        .iter()
        .find(|p| p.signing_key == office.signing_key)
        .cloned();
    let view = BundleView {
        bundle: request.bundle.clone(),
        manifest: opened.bundle.manifest,
        customers: opened.bundle.customers,
        sha256: opened.bundle.sha256.clone(),
        office: office.clone(),
        office_pinned,
        floor_plans,
        past_return_date: opened.bundle.opened_past_return_date,
    };
    *lock(&state.session)? = Some(ViewSession {
        bundle,
        key: source,
        trust: office.signing_key,
        sha256: opened.bundle.sha256,
        plans: opened.floor_plans,
        past_return_date: opened.bundle.opened_past_return_date,
    });
    Ok(view)
}

/// The bytes of a floor plan of the bundle being viewed (from memory).
#[tauri::command(async)]
pub fn bundle_floor_plan(state: State<'_, AppState>, entry: String) -> CmdResult<Response> {
    let session = lock(&state.session)?;
    let s = session.as_ref().ok_or(Refusal::NoBundleOpen)?;
    let (_, bytes) = s
        .plans
        .files
        .iter()
        .find(|(n, _)| *n == entry)
        .ok_or_else(|| Refusal::EntryNotHeld {
            entry: entry.clone(),
        })?;
    Ok(Response::new(bytes.to_vec()))
}

/// What an export wrote.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportResult {
    /// The folder.
    pub folder: String,
    /// The files written (plaintext).
    pub files: Vec<String>,
    /// Staging folders of an earlier export into the same folder that was killed (possibly
    /// plaintext), removed by this one.
    pub removed_stale: Vec<String>,
}

/// Write the bundle being viewed into a folder, in plaintext (verified again first; nothing is
/// written unless every check passes and the file is still the one on screen, and no existing
/// file is replaced).
#[tauri::command(async)]
pub fn bundle_export(
    app: AppHandle,
    state: State<'_, AppState>,
    out: String,
) -> CmdResult<ExportResult> {
    let session = lock(&state.session)?;
    let s = session.as_ref().ok_or(Refusal::NoBundleOpen)?;
    // The core refuses (bundle_changed) before writing anything if the file is not the one
    // on screen.
    let opened = ops::export_viewed_bundle(
        &s.bundle,
        s.key
            .open_key(WindowPrompts::to_window(app, state.prompts.clone()))?,
        &s.trust,
        Path::new(&out),
        &s.sha256,
        s.past_return_date,
    )?;
    // Kept until 廃棄: the app deletes what it extracted, even after a restart.
    let handover_id = opened.manifest.handover_id.clone();
    let sha = s.sha256.clone();
    let folder = out.clone();
    lock(&state.config)?.update(|v| {
        v.extractions.push(Extraction {
            bundle_sha256: sha,
            handover_id,
            folder,
            exported_at: jiff::Timestamp::now().to_string(),
        });
        Ok(())
    })?;
    Ok(ExportResult {
        folder: out,
        files: opened
            .written
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        removed_stale: opened
            .removed_stale
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
    })
}

/// The window's answer to a key on hardware's question `id` (its PIN; `None`: cancelled).
/// False when no such question waits any more (answered, or timed out).
#[tauri::command]
pub fn plugin_prompt_answer(
    state: State<'_, AppState>,
    id: u64,
    answer: Option<String>,
) -> CmdResult<bool> {
    Ok(state.prompts.answer(id, answer))
}

/// Close the bundle being viewed (its plaintext is wiped from memory).
#[tauri::command]
pub fn bundle_close(state: State<'_, AppState>) -> CmdResult<()> {
    *lock(&state.session)? = None;
    Ok(())
}

/// A QR code of `text` as SVG (keys to send or compare; drawn locally, nothing leaves).
#[tauri::command(async)]
pub fn qr_svg(text: String) -> CmdResult<String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Refusal::Internal {
            what: format!("cannot draw a QR code: {e}"),
        })?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_is_an_svg_and_refuses_nothing_reasonable() {
        let svg = qr_svg("age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq".into())
            .unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
        assert!(qr_svg("x".repeat(5000)).is_err());
    }

    #[test]
    fn key_source_needs_one_way_in() {
        let req = |identity: Option<&str>, passphrase: Option<&str>| BundleOpenRequest {
            bundle: "b.age".into(),
            identity: identity.map(Into::into),
            identity_passphrase: None,
            passphrase: passphrase.map(Into::into),
            trust: String::new(),
            trust_confirmed: None,
            past_return_date: false,
        };
        assert!(matches!(
            key_source(&req(Some("k.txt"), None)),
            Ok(KeySource::Identity { .. })
        ));
        assert!(matches!(
            key_source(&req(None, Some("a passphrase"))),
            Ok(KeySource::Passphrase(_))
        ));
        assert_eq!(
            key_source(&req(None, None)).err().unwrap().code,
            "key_choice"
        );
        assert_eq!(
            key_source(&req(Some("k.txt"), Some("pass")))
                .err()
                .unwrap()
                .code,
            "key_choice"
        );
        // Blank strings count as not given.
        assert_eq!(
            key_source(&req(Some("  "), Some(""))).err().unwrap().code,
            "key_choice"
        );
    }
}
