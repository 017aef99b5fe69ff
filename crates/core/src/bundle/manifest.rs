//! The manifest: what a bundle claims to hold, signed by the office.
//!
//! The manifest is the one document a contractor (or an auditor) needs to trust: it names the
//! handover, the office and the contractor, the fields handed over per customer, and the
//! SHA-256 and size of every other entry of the zip. Its exact bytes are signed with the
//! office's Ed25519 key, so one signature check authenticates the whole bundle.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Field;

/// The bundle format this build writes and the only one it opens.
pub const FORMAT_VERSION: u32 = 1;

/// Name of the manifest entry (always the first entry of the zip).
pub const MANIFEST_ENTRY: &str = "manifest.json";
/// Name of the signature entry (always the second): 64 raw bytes of Ed25519 signature.
pub const SIGNATURE_ENTRY: &str = "manifest.sig";
/// The Japanese explanation for whoever finds the decrypted zip.
pub const README_ENTRY: &str = "README.txt";
/// The customer list for spreadsheets (UTF-8 with BOM, CRLF, Japanese headers).
pub const CSV_ENTRY: &str = "customers.csv";
/// The customer list for programs (array of objects keyed by field id).
pub const JSON_ENTRY: &str = "customers.json";
/// The folder holding floor plans, `floor_plans/<customer_id>.<ext>`.
pub const FLOOR_PLAN_DIR: &str = "floor_plans";

/// The signed description of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Manifest {
    /// [`FORMAT_VERSION`] when written by this build.
    pub format_version: u32,
    /// The handover this bundle belongs to (as recorded in the ledger).
    pub handover_id: String,
    /// When the bundle was made (RFC 3339).
    pub created: String,
    /// The member of staff who made it.
    pub operator: String,
    /// The sending office's keys.
    pub office: ManifestOffice,
    /// The receiving contractor.
    pub contractor: ManifestContractor,
    /// The work type id (`installation`, `repair`…).
    pub work_type: String,
    /// How the bundle is handed over: `transfer` or `media`.
    pub method: String,
    /// Date by which the data must be returned or destroyed (`YYYY-MM-DD`).
    pub return_by: String,
    /// `x25519` (age recipients) or `passphrase` (age scrypt).
    pub encryption: String,
    /// Per customer, the fields handed over (the rest were withheld).
    pub customers: Vec<ManifestCustomer>,
    /// Every zip entry but the manifest and its signature, in zip order.
    pub entries: Vec<ManifestEntry>,
    /// What the contractor's receipts are made with (bundles made before receipts have none,
    /// and still open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub receipt: Option<ManifestReceipt>,
    /// The manager's approval the handover was packed with (上長承認), when it had one;
    /// bundles made before approvals existed have none, and still open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub approval: Option<ManifestApproval>,
}

/// The approval a bundle was packed with: signed with the rest of the manifest, so the
/// contractor sees who approved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct ManifestApproval {
    /// The approval's id (`APR-2026-0001`).
    pub id: String,
    /// The manager who approved it.
    pub approved_by: String,
    /// When (RFC 3339 UTC).
    pub approved_at: String,
}

/// The receipt key of a bundle: only someone who decrypted it knows the secret, so only the
/// recipient can make a receipt the office accepts (see [`crate::receipt`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct ManifestReceipt {
    /// The 32-byte MAC key of this handover's receipts, lower-case hex.
    pub secret: String,
    /// The office's age recipient, which receipts are encrypted to (signed with the rest of
    /// the manifest, so a contractor encrypts to the real office).
    pub office_recipient: String,
}

/// The office that made the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct ManifestOffice {
    /// The Ed25519 key that signed the manifest (`ed25519:<hex>`).
    pub signing_key: String,
    /// Fingerprint of the office's escrow age recipient (see [`crate::keys::fingerprint`]).
    pub recipient_fingerprint: String,
}

/// The contractor the bundle is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct ManifestContractor {
    /// The contractor's id in the office's roster.
    pub id: String,
    /// The contractor's name.
    pub name: String,
    /// Fingerprints of the contractor's age recipients the bundle is encrypted to (empty for a
    /// passphrase bundle).
    pub key_fingerprints: Vec<String>,
}

/// One customer of the bundle and the fields handed over for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct ManifestCustomer {
    /// 顧客番号
    pub customer_id: String,
    /// The fields included for this customer, in [`Field::ALL`] order.
    pub fields: Vec<Field>,
}

/// One zip entry and what it must contain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct ManifestEntry {
    /// The entry name inside the zip (`customers.csv`, `floor_plans/C0001.pdf`…).
    pub path: String,
    /// SHA-256 of the entry's (uncompressed) bytes, lower-case hex.
    pub sha256: String,
    /// Size of the entry's (uncompressed) bytes.
    #[ts(type = "number")]
    pub size: u64,
}

impl Manifest {
    /// The entry with this name, if listed.
    pub fn entry(&self, path: &str) -> Option<&ManifestEntry> {
        self.entries.iter().find(|e| e.path == path)
    }
}

/// Is this a zip entry name Handover will write or extract?
///
/// Only relative paths of plain ASCII segments (`A-Z a-z 0-9 . _ -`) separated by `/` pass:
/// no absolute paths, drive letters, backslashes, `..`, empty or hidden (dot-first) segments,
/// so an entry can never land outside the folder it is extracted to, on any OS.
pub fn check_entry_name(name: &str) -> std::result::Result<(), &'static str> {
    if name.is_empty() {
        return Err("the entry name is empty");
    }
    if name.len() > 200 {
        return Err("the entry name is longer than 200 bytes");
    }
    if !name.is_ascii() {
        return Err("the entry name is not plain ASCII");
    }
    if name.contains('\\') {
        return Err("the entry name contains a backslash");
    }
    if name.starts_with('/') {
        return Err("the entry name is an absolute path");
    }
    for segment in name.split('/') {
        if segment == ".." {
            return Err("the entry name contains '..'");
        }
        if segment.is_empty() || segment == "." {
            return Err("the entry name has an empty or '.' segment");
        }
        if segment.starts_with('.') {
            return Err("the entry name has a hidden (dot-first) segment");
        }
        if !segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        {
            return Err("the entry name contains a character other than A-Z a-z 0-9 . _ - /");
        }
    }
    Ok(())
}

/// Floor-plan extensions a bundle may carry (those import accepts).
pub const FLOOR_PLAN_EXTENSIONS: [&str; 4] = ["png", "jpg", "jpeg", "pdf"];

/// Is this one of the entries the format defines: the five fixed files, or
/// `floor_plans/<customer id>.<png|jpg|jpeg|pdf>`, with a name that is valid on Windows and
/// macOS too (no device name such as `CON` or `com1.png`, no trailing dot or space)? Assumes
/// [`check_entry_name`] passed.
pub fn check_entry_in_format(name: &str) -> std::result::Result<(), &'static str> {
    if [
        MANIFEST_ENTRY,
        SIGNATURE_ENTRY,
        README_ENTRY,
        CSV_ENTRY,
        JSON_ENTRY,
    ]
    .contains(&name)
    {
        return Ok(());
    }
    let Some(file) = name
        .strip_prefix(FLOOR_PLAN_DIR)
        .and_then(|r| r.strip_prefix('/'))
    else {
        return Err(
            "is not an entry of the bundle format (only manifest.json, manifest.sig, \
                    README.txt, customers.csv, customers.json and floor_plans/<id>.<ext>)",
        );
    };
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return Err("is a floor plan without an extension");
    };
    if file.contains('/') || stem.is_empty() {
        return Err("is not a floor plan name (floor_plans/<customer id>.<ext>)");
    }
    if !FLOOR_PLAN_EXTENSIONS.contains(&ext) {
        return Err("is a floor plan of a type other than png, jpg, jpeg or pdf");
    }
    if stem.ends_with(['.', ' ']) {
        return Err("ends its name with a dot, which Windows drops");
    }
    let device = stem.split('.').next().unwrap_or(stem).to_ascii_uppercase();
    let numbered = |p: &str| {
        device
            .strip_prefix(p)
            .is_some_and(|d| d.len() == 1 && d.as_bytes()[0].is_ascii_digit())
    };
    if ["CON", "PRN", "AUX", "NUL"].contains(&device.as_str()) || numbered("COM") || numbered("LPT")
    {
        return Err("is a Windows device name (CON, PRN, AUX, NUL, COM1, LPT1…)");
    }
    Ok(())
}

/// The entry name of a customer's floor plan.
pub(crate) fn floor_plan_entry(customer_id: &str, ext: &str) -> String {
    format!("{FLOOR_PLAN_DIR}/{customer_id}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_that_escape_are_refused() {
        for ok in [
            "manifest.json",
            "floor_plans/C0001.pdf",
            "floor_plans/a-b_c.1.png",
        ] {
            assert_eq!(check_entry_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "floor_plans/../../x",
            "a\\b",
            "C:/x",
            "a//b",
            "a/./b",
            "a/",
            ".hidden",
            "floor_plans/.handover-partial-1/x",
            "顧客.csv",
            "a b",
            "a\0b",
        ] {
            assert!(check_entry_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_the_format_entries_pass() {
        for ok in [
            "manifest.json",
            "README.txt",
            "customers.csv",
            "floor_plans/C0001.pdf",
            "floor_plans/C-1.jpeg",
        ] {
            assert_eq!(check_entry_in_format(ok), Ok(()), "{ok}");
        }
        for bad in [
            "autorun.inf",
            "evil.exe",
            "CON",
            "README.txt.",
            "readme.txt",
            "floor_plans",
            "floor_plans/a/b.png",
            "floor_plans/x.exe",
            "floor_plans/CON.png",
            "floor_plans/com1.pdf",
            "floor_plans/lpt9.x.png",
            "floor_plans/.png",
            "floor_plans/noext",
            "other/C0001.png",
        ] {
            assert!(check_entry_in_format(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn manifest_json_is_camel_case_and_strict() {
        let m = Manifest {
            format_version: 1,
            handover_id: "H1".into(),
            created: "2026-01-01T00:00:00+09:00".into(),
            operator: "op".into(),
            office: ManifestOffice {
                signing_key: "ed25519:00".into(),
                recipient_fingerprint: "F".into(),
            },
            contractor: ManifestContractor {
                id: "c".into(),
                name: "n".into(),
                key_fingerprints: vec![],
            },
            work_type: "repair".into(),
            method: "transfer".into(),
            return_by: "2026-02-01".into(),
            encryption: "x25519".into(),
            receipt: None,
            approval: None,
            customers: vec![ManifestCustomer {
                customer_id: "C1".into(),
                fields: vec![Field::CustomerId, Field::FloorPlan],
            }],
            entries: vec![],
        };
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains("\"formatVersion\":1"));
        assert!(json.contains("\"returnBy\""));
        assert!(json.contains("\"floor_plan\""));
        let back: Manifest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        let extra = json.replacen('{', "{\"surprise\":1,", 1);
        assert!(serde_json::from_str::<Manifest>(&extra).is_err());
    }
}
