//! Receipts: the contractor's word that a bundle was received or destroyed, which only the real
//! recipient can make and only the office can read.
//!
//! Every bundle's signed manifest carries a receipt secret (32 random-looking bytes the office
//! derives from its signing key and the handover id, [`crate::keys::OfficeKeys::receipt_secret`])
//! and the office's age recipient. A receipt is a small JSON document ([`Receipt`]: handover,
//! bundle hash, what happened, when, by whom, which files were deleted and how), authenticated
//! with HMAC-SHA256 under that secret and age-encrypted (ASCII-armored, for e-mail) to the
//! office. Only someone who decrypted the bundle knows the secret; a receipt changed by one
//! byte fails age's authentication, and one made for another handover fails the MAC under that
//! handover's secret. The file is at most [`MAX_RECEIPT_SIZE`] bytes.

use std::io::{Read, Write};
use std::str::FromStr;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use ts_rs::TS;

use crate::{Error, Result};

/// The receipt format this build writes and reads.
pub const RECEIPT_FORMAT: u32 = 1;
/// The largest receipt file made or read.
pub const MAX_RECEIPT_SIZE: usize = 4096;

/// What the receipt says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReceiptKind {
    /// The bundle arrived and opened (受領).
    Received,
    /// The data was destroyed (廃棄).
    Destroyed,
}

impl ReceiptKind {
    /// `received` or `destroyed`.
    pub fn id(self) -> &'static str {
        match self {
            ReceiptKind::Received => "received",
            ReceiptKind::Destroyed => "destroyed",
        }
    }
}

impl FromStr for ReceiptKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "received" => Ok(ReceiptKind::Received),
            "destroyed" => Ok(ReceiptKind::Destroyed),
            _ => Err(Error::ReceiptNotMade(crate::ReceiptNotMade::Kind(
                s.to_string(),
            ))),
        }
    }
}

/// Where a handover stands with its receipts: the one rule the CLI's list and the app's screens
/// show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReceiptState {
    /// Open, and no receipt came back.
    NoReceipt,
    /// Open; the contractor's received receipt came back.
    Received,
    /// Closed by the contractor's destruction receipt (with evidence).
    Destroyed,
    /// Closed by hand (`confirm-destruction`: paper, or a contractor without the app).
    ByHand,
}

/// A file the contractor's app could not delete, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct NotDeleted {
    /// The bundle entry (`customers.csv`, `floor_plans/C0001.png`).
    pub path: String,
    /// Why: a code, worded in the reader's language by the CLI and the app
    /// ([`NotDeletedReason::text`]).
    pub reason: NotDeletedReason,
}

/// Why the contractor's app could not delete an extracted file. A code in the receipt (with the
/// system's own words only where no code fits), so the office reads it in its language,
/// whatever language the contractor's computer speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "code", rename_all = "snake_case")]
#[ts(export)]
pub enum NotDeletedReason {
    /// It was not there (deleted by hand already, or never extracted to that folder).
    NotFound,
    /// A folder on its way is a link to elsewhere: not followed, so nothing outside the
    /// folder the contractor named is deleted.
    LinkedFolder,
    /// The system did not allow it (permissions, a read-only disk).
    NotPermitted,
    /// A folder stands where the file was.
    IsAFolder,
    /// Another program has the file open.
    InUse,
    /// Anything else: the system's message, as it gave it.
    Other {
        /// The system's message.
        message: String,
    },
}

impl NotDeletedReason {
    /// Why deleting a file failed with `e`.
    pub fn of_io(e: &std::io::Error) -> NotDeletedReason {
        use std::io::ErrorKind as K;
        match e.kind() {
            K::NotFound => NotDeletedReason::NotFound,
            K::PermissionDenied | K::ReadOnlyFilesystem => NotDeletedReason::NotPermitted,
            K::IsADirectory => NotDeletedReason::IsAFolder,
            K::ResourceBusy => NotDeletedReason::InUse,
            _ => NotDeletedReason::Other {
                message: e.to_string(),
            },
        }
    }
}

/// Receipts made before the reasons were typed said them in English; they still import and
/// show (the two sentences the app wrote are read back as their codes, any other as the
/// system's message).
impl<'de> Deserialize<'de> for NotDeletedReason {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(tag = "code", rename_all = "snake_case", deny_unknown_fields)]
        enum Coded {
            NotFound,
            LinkedFolder,
            NotPermitted,
            IsAFolder,
            InUse,
            Other { message: String },
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Coded(Coded),
            Sentence(String),
        }
        Ok(match Wire::deserialize(d)? {
            Wire::Coded(Coded::NotFound) => NotDeletedReason::NotFound,
            Wire::Coded(Coded::LinkedFolder) => NotDeletedReason::LinkedFolder,
            Wire::Coded(Coded::NotPermitted) => NotDeletedReason::NotPermitted,
            Wire::Coded(Coded::IsAFolder) => NotDeletedReason::IsAFolder,
            Wire::Coded(Coded::InUse) => NotDeletedReason::InUse,
            Wire::Coded(Coded::Other { message }) => NotDeletedReason::Other { message },
            Wire::Sentence(s) if s == "not found" => NotDeletedReason::NotFound,
            Wire::Sentence(s) if s.starts_with("in a folder that is a link") => {
                NotDeletedReason::LinkedFolder
            }
            Wire::Sentence(message) => NotDeletedReason::Other { message },
        })
    }
}

/// The receipt as the contractor made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Receipt {
    /// [`RECEIPT_FORMAT`].
    pub format: u32,
    /// The handover the bundle belongs to.
    pub handover_id: String,
    /// SHA-256 of the bundle file the contractor holds (the office recorded it at pack time).
    pub bundle_sha256: String,
    /// Received or destroyed.
    pub kind: ReceiptKind,
    /// The day it happened (`YYYY-MM-DD`).
    pub on: String,
    /// When the receipt was made (RFC 3339).
    pub made_at: String,
    /// Who at the contractor made it.
    pub by: String,
    /// The extracted files the app deleted (destruction only).
    pub deleted: Vec<String>,
    /// The bundle's files it could not delete, and why (destruction only).
    pub not_deleted: Vec<NotDeleted>,
    /// How the data was destroyed, in the contractor's words: printed copies, copies made
    /// outside the app (which the app cannot delete), the bundle file itself.
    pub note: Option<String>,
    /// 16 random bytes (hex): no two receipts are alike, so a replay is recognised.
    pub nonce: String,
}

/// The plaintext of a receipt file: the receipt's exact JSON and its MAC.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Envelope {
    receipt: String,
    mac: String,
}

/// A receipt read from its file: the receipt, and what authenticates it.
#[derive(Debug, Clone)]
pub struct SealedReceipt {
    /// The receipt.
    pub receipt: Receipt,
    body: String,
    mac: Vec<u8>,
}

impl SealedReceipt {
    /// Is the MAC the one `secret` gives? (constant-time)
    pub fn authentic(&self, secret: &[u8; 32]) -> bool {
        mac_of(secret)
            .chain_update(self.body.as_bytes())
            .verify_slice(&self.mac)
            .is_ok()
    }

    /// The MAC (hex): what tells one receipt from another, and a replay from a new one.
    pub fn mac_hex(&self) -> String {
        hex::encode(&self.mac)
    }
}

fn mac_of(secret: &[u8; 32]) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length")
}

/// Writing a receipt of our own types failed: the program's fault.
fn refused(reason: impl Into<String>) -> Error {
    crate::refusal::Refusal::Internal {
        what: format!("receipt: {}", reason.into()),
    }
    .into()
}

/// Why the office refuses a receipt file (nothing is recorded): each reason has its own code
/// ([`Error::code`]) and headline, and its detail in Japanese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptRefusal {
    /// Larger than [`MAX_RECEIPT_SIZE`].
    TooLarge {
        /// Its size in bytes.
        size: usize,
    },
    /// Not age-encrypted to this office, damaged, or altered (age's authentication failed).
    NotForThisOffice,
    /// A receipt format this build does not read.
    Format {
        /// The format it says.
        found: u32,
    },
    /// It names a handover this office has no record of.
    UnknownHandover {
        /// The id it names.
        handover_id: String,
    },
    /// Its MAC is not the one that handover's receipt secret gives: forged, or made from
    /// another bundle.
    Forged {
        /// The handover it names.
        handover_id: String,
    },
    /// It names a bundle file (SHA-256) other than the one recorded for the handover.
    OtherBundle,
    /// Its day is before the handover or after today.
    DateOutside {
        /// The day it says.
        on: String,
    },
    /// The same receipt was imported before (or twice in one batch).
    Replay,
    /// A destruction receipt for a handover already closed.
    AlreadyClosed {
        /// The handover.
        handover_id: String,
        /// The day it was closed.
        on: String,
    },
}

impl std::fmt::Display for ReceiptRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use ReceiptRefusal as R;
        match self {
            R::TooLarge { size } => write!(
                f,
                "{size} bytes is too large for a receipt (at most {MAX_RECEIPT_SIZE})"
            ),
            R::NotForThisOffice => {
                f.write_str("it is not a receipt encrypted to this office, or it was altered")
            }
            R::Format { found } => write!(
                f,
                "receipt format {found} is not one this version reads ({RECEIPT_FORMAT})"
            ),
            R::UnknownHandover { handover_id } => write!(f, "no handover {handover_id} here"),
            R::Forged { handover_id } => write!(
                f,
                "it was not made with the bundle of {handover_id} (forged or altered)"
            ),
            R::OtherBundle => f.write_str("it names a bundle file other than the one recorded"),
            R::DateOutside { on } => write!(f, "its date {on} is outside the handover's time"),
            R::Replay => f.write_str("this receipt was already imported (a replay)"),
            R::AlreadyClosed { handover_id, on } => {
                write!(f, "{handover_id} was already closed on {on}")
            }
        }
    }
}

impl ReceiptRefusal {
    /// The reason in Japanese.
    pub fn ja(&self) -> String {
        use ReceiptRefusal as R;
        match self {
            R::TooLarge { size } => {
                format!("{size} バイトは受領証として大きすぎます（上限 {MAX_RECEIPT_SIZE} バイト）")
            }
            R::NotForThisOffice => {
                "この事務所宛てに暗号化された受領証ではないか、改変されています".into()
            }
            R::Format { found } => format!(
                "受領証の形式 {found} はこの版では読めません（読める形式: {RECEIPT_FORMAT}）"
            ),
            R::UnknownHandover { handover_id } => {
                format!("引渡し番号 {handover_id} の記録はこの事務所にありません")
            }
            R::Forged { handover_id } => format!(
                "{handover_id} の引き渡しファイルから作られた受領証ではありません（偽造か改変）"
            ),
            R::OtherBundle => "記録されている引き渡しファイルとは別のファイルの受領証です".into(),
            R::DateOutside { on } => format!("受領証の日付 {on} は引き渡しの期間外です"),
            R::Replay => "この受領証はすでに取り込まれています（再送）".into(),
            R::AlreadyClosed { handover_id, on } => {
                format!("{handover_id} は {on} にすでに完了として記録されています")
            }
        }
    }
}

/// The receipt file: `receipt` authenticated with `secret` and encrypted (armored) to the
/// office recipient `office_recipient`. Refused if it would exceed [`MAX_RECEIPT_SIZE`].
pub fn seal(receipt: &Receipt, secret: &[u8; 32], office_recipient: &str) -> Result<Vec<u8>> {
    let recipient = crate::keys::parse_recipient(office_recipient)?;
    let body = serde_json::to_string(receipt).map_err(|e| refused(e.to_string()))?;
    let mac = mac_of(secret).chain_update(body.as_bytes()).finalize();
    let envelope = Envelope {
        receipt: body,
        mac: hex::encode(mac.into_bytes()),
    };
    let plain = serde_json::to_vec(&envelope).map_err(|e| refused(e.to_string()))?;
    let enc = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(|e| Error::Encrypt(e.to_string()))?;
    let io = |e: std::io::Error| Error::Encrypt(e.to_string());
    let mut out = Vec::new();
    let armored = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .map_err(io)?;
    let mut w = enc.wrap_output(armored).map_err(io)?;
    w.write_all(&plain).map_err(io)?;
    w.finish().and_then(|a| a.finish()).map_err(io)?;
    if out.len() > MAX_RECEIPT_SIZE {
        return Err(Error::ReceiptNotMade(crate::ReceiptNotMade::TooLarge {
            size: out.len(),
            max: MAX_RECEIPT_SIZE,
        }));
    }
    Ok(out)
}

/// Decrypt a receipt file with the office's identity and read it (its MAC is checked by the
/// caller, who knows the handover's secret). Anything but a well-formed receipt of this format
/// encrypted to `identity` is refused, with why.
pub fn unseal(
    bytes: &[u8],
    identity: &age::x25519::Identity,
) -> std::result::Result<SealedReceipt, ReceiptRefusal> {
    if bytes.len() > MAX_RECEIPT_SIZE {
        return Err(ReceiptRefusal::TooLarge { size: bytes.len() });
    }
    let reader = age::armor::ArmoredReader::new(bytes);
    let dec = age::Decryptor::new_buffered(reader).map_err(|_| ReceiptRefusal::NotForThisOffice)?;
    let mut r = dec
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .map_err(|_| ReceiptRefusal::NotForThisOffice)?;
    let mut plain = Vec::new();
    r.by_ref()
        .take(MAX_RECEIPT_SIZE as u64)
        .read_to_end(&mut plain)
        .map_err(|_| ReceiptRefusal::NotForThisOffice)?;
    let env: Envelope =
        serde_json::from_slice(&plain).map_err(|_| ReceiptRefusal::NotForThisOffice)?;
    let receipt: Receipt =
        serde_json::from_str(&env.receipt).map_err(|_| ReceiptRefusal::NotForThisOffice)?;
    if receipt.format != RECEIPT_FORMAT {
        return Err(ReceiptRefusal::Format {
            found: receipt.format,
        });
    }
    let mac = hex::decode(&env.mac).map_err(|_| ReceiptRefusal::NotForThisOffice)?;
    Ok(SealedReceipt {
        receipt,
        body: env.receipt,
        mac,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt() -> Receipt {
        Receipt {
            format: RECEIPT_FORMAT,
            handover_id: "HO-2026-000001".into(),
            bundle_sha256: "ab".repeat(32),
            kind: ReceiptKind::Destroyed,
            on: "2026-05-01".into(),
            made_at: "2026-05-01T09:00:00Z".into(),
            by: "架空 次郎".into(),
            deleted: vec!["customers.csv".into(), "customers.json".into()],
            not_deleted: vec![
                NotDeleted {
                    path: "floor_plans/C0001.png".into(),
                    reason: NotDeletedReason::NotFound,
                },
                NotDeleted {
                    path: "floor_plans/C0002.png".into(),
                    reason: NotDeletedReason::Other {
                        message: "Input/output error (os error 5)".into(),
                    },
                },
            ],
            note: Some("印刷物はシュレッダーで廃棄".into()),
            nonce: "00".repeat(16),
        }
    }

    #[test]
    fn sealed_receipt_opens_and_authenticates_only_with_its_secret() {
        let office = age::x25519::Identity::generate();
        let secret = [7u8; 32];
        let file = seal(&receipt(), &secret, &office.to_public().to_string()).unwrap();
        assert!(file.len() < MAX_RECEIPT_SIZE, "{}", file.len());
        let s = unseal(&file, &office).unwrap();
        assert_eq!(s.receipt, receipt());
        assert!(s.authentic(&secret));
        assert!(!s.authentic(&[8u8; 32]));
        // Another office cannot read it; an altered byte fails age's authentication.
        let other = age::x25519::Identity::generate();
        assert!(unseal(&file, &other).is_err());
        let mut bad = file.clone();
        let mid = bad.len() / 2;
        bad[mid] = if bad[mid] == b'A' { b'B' } else { b'A' };
        assert!(unseal(&bad, &office).is_err());
        assert!(unseal(&vec![b'x'; MAX_RECEIPT_SIZE + 1], &office).is_err());
    }

    #[test]
    fn not_deleted_reasons_are_codes_and_older_sentences_still_read() {
        let coded = serde_json::to_string(&receipt().not_deleted).unwrap();
        assert!(
            coded.contains(r#""reason":{"code":"not_found"}"#),
            "{coded}"
        );
        let back: Vec<NotDeleted> = serde_json::from_str(&coded).unwrap();
        assert_eq!(back, receipt().not_deleted);
        let older = r#"[{"path":"a","reason":"not found"},
            {"path":"b","reason":"in a folder that is a link to elsewhere: not followed"},
            {"path":"c","reason":"Permission denied (os error 13)"}]"#;
        let read: Vec<NotDeletedReason> = serde_json::from_str::<Vec<NotDeleted>>(older)
            .unwrap()
            .into_iter()
            .map(|n| n.reason)
            .collect();
        assert_eq!(
            read,
            [
                NotDeletedReason::NotFound,
                NotDeletedReason::LinkedFolder,
                NotDeletedReason::Other {
                    message: "Permission denied (os error 13)".into()
                }
            ]
        );
        for bad in [r#"{"code":"gone"}"#, r#"{"code":"other"}"#, "7"] {
            assert!(
                serde_json::from_str::<NotDeletedReason>(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn io_errors_become_reason_codes() {
        use std::io::{Error as E, ErrorKind as K};
        let of = |k: K| NotDeletedReason::of_io(&E::from(k));
        assert_eq!(of(K::NotFound), NotDeletedReason::NotFound);
        assert_eq!(of(K::PermissionDenied), NotDeletedReason::NotPermitted);
        assert_eq!(of(K::ReadOnlyFilesystem), NotDeletedReason::NotPermitted);
        assert_eq!(of(K::IsADirectory), NotDeletedReason::IsAFolder);
        assert_eq!(of(K::ResourceBusy), NotDeletedReason::InUse);
        assert!(matches!(
            NotDeletedReason::of_io(&E::other("disk on fire")),
            NotDeletedReason::Other { message } if message == "disk on fire"
        ));
    }

    #[test]
    fn a_receipt_too_large_is_refused() {
        let office = age::x25519::Identity::generate();
        let mut r = receipt();
        r.note = Some("x".repeat(MAX_RECEIPT_SIZE));
        let e = seal(&r, &[7u8; 32], &office.to_public().to_string()).unwrap_err();
        assert!(e.to_string().contains("shorten the note"), "{e}");
    }
}
