//! Bundles: the age-encrypted, signed packages a contractor receives, and the paper sheet.
//!
//! # Format (version [`FORMAT_VERSION`])
//!
//! A bundle is an [age](https://age-encryption.org/v1) file — binary, or ASCII-armored for
//! e-mail and chat — encrypted either to X25519 recipients (the contractor's keys **and the
//! office's own escrow key**, so the office can always audit what it sent) or to one scrypt
//! passphrase (the fallback for a contractor without a key). Its plaintext is a zip:
//!
//! | # | entry | content |
//! |---|-------|---------|
//! | 1 | `manifest.json` | [`Manifest`]: format version, handover, office, contractor, work type, method, return-by date, the fields per customer, SHA-256 and size of every later entry |
//! | 2 | `manifest.sig`  | 64 raw bytes: Ed25519 signature of the exact `manifest.json` bytes by the office signing key |
//! | 3 | `README.txt`    | Japanese: what this is, the confidentiality duty, the return-or-destroy date, how to open it |
//! | 4 | `customers.csv` | UTF-8 with BOM, CRLF, Japanese headers: opens as-is in Excel |
//! | 5 | `customers.json`| array of objects keyed by field id |
//! | 6… | `floor_plans/<customer_id>.<ext>` | the plans handed over, stored uncompressed |
//!
//! Nothing else: entry names are plain ASCII, there is no zip comment and no extra field, and
//! every entry carries the manifest's creation time, so neither the zip nor the file system
//! says anything the manifest does not. A field that was not selected for a customer appears
//! nowhere — not in a column, a name, the manifest or a temporary file (the only file written
//! while packing is the ciphertext). Payment fields are refused even if a caller passes them.
//! Standard tools open a bundle too: `age -d -i key.txt bundle.age > bundle.zip && unzip
//! bundle.zip`.
//!
//! # Why a signature, and why the manifest first
//!
//! age gives confidentiality and integrity, but not origin: anyone who knows a contractor's
//! public key can encrypt a zip to it. The office therefore signs the manifest with the Ed25519
//! key the contractor enrolled out of band, and the manifest commits to the SHA-256 of every
//! other entry, so one signature check authenticates the whole bundle. (It proves who made the
//! bundle and what it holds, not to whom it was sent: forwarding is what the confidentiality
//! agreement forbids.)
//!
//! The manifest comes first, and its signature second, so a reader checks the signature before
//! it decompresses anything else: a forged bundle costs the reader one small entry, and a
//! person listing the zip sees at once what it is. Writing it first while streaming is possible
//! because every other entry's hash is known in advance: the text files are small and made in
//! memory, and floor plans are stored under the SHA-256 recorded at import (checked again while
//! they are copied).
//!
//! # Streaming and safety
//!
//! [`pack_to_file`] streams zip → age → `<out>.partial` on three threads (zip and plan hashing;
//! encryption and writing; hashing the ciphertext) with bounded memory, fsyncs, and renames; [`open_bundle`] authenticates the ciphertext, checks zip limits and
//! names, the signature and every hash, extracting into a hidden staging folder and moving the
//! files into place only when everything passed. [`paper_sheet_html`] prints the same selection.

mod content;
mod detached;
pub(crate) mod files;
#[doc(hidden)]
pub mod fuzzing;
mod manifest;
mod open;
mod pack;
mod paper;
mod zip_layout;

use std::path::PathBuf;

use age::secrecy::SecretString;

use crate::Field;
use crate::register::Customer;

pub use detached::{
    SSHSIG_NAMESPACE, allowed_signers_line, signature_path, ssh_principal, ssh_public_key,
    verify_detached,
};
pub use files::{exit_cleanly_on_signals, interrupt as interrupt_opens};
pub use manifest::{
    CSV_ENTRY, FLOOR_PLAN_DIR, FORMAT_VERSION, JSON_ENTRY, MANIFEST_ENTRY, Manifest,
    ManifestApproval, ManifestContractor, ManifestCustomer, ManifestEntry, ManifestOffice,
    ManifestReceipt, README_ENTRY, SIGNATURE_ENTRY, check_entry_in_format, check_entry_name,
};
pub use open::{
    FieldValue, InMemoryFiles, Limits, OpenKey, OpenOptions, OpenedBundle, OpenedCustomer,
    open_bundle, open_bundle_expecting, open_bundle_in_memory, open_bundle_with,
    read_identity_file, read_key_file,
};
pub(crate) use pack::check_passphrase;
pub(crate) use pack::{MAX_OPEN_WORK_FACTOR, PACK_WORK_FACTOR};
pub use pack::{pack_to_file, pack_to_file_with};

/// Remove a `.partial` bundle left by a pack that died (no process holds it locked).
pub(crate) fn remove_stale_partial(partial: &std::path::Path) {
    files::remove_if_stale(partial);
}
pub use paper::{PaperHeader, paper_sheet_html, write_paper_sheet};
// The printable reports use the sheet's escaping and date style.
pub(crate) use content::japanese_date;
pub(crate) use paper::esc;

/// One customer to put in a bundle or on paper, with the fields that may be included.
#[derive(Debug, Clone)]
pub struct BundleCustomer {
    /// The customer as stored.
    pub customer: Customer,
    /// Exactly the fields that may be handed over for this customer, as decided by the caller
    /// (policy, reasons, the customer's own restrictions). `customer_id` must be among them;
    /// payment fields are refused.
    pub fields: Vec<Field>,
    /// Where the customer's floor plan is read from: needed when `FloorPlan` is in `fields`
    /// and the customer has a plan; ignored otherwise.
    pub plan_source: Option<PlanSource>,
}

/// Where a floor plan that goes into a bundle or onto paper is read from.
#[derive(Debug, Clone)]
pub enum PlanSource {
    /// The stored file in this PC's data folder (a one-PC office).
    File(PathBuf),
    /// The plan as a shared store serves it (read in chunks, always hashed while copied).
    Stored(crate::register::PlanOpener),
}

/// How a bundle is encrypted.
pub enum BundleKey {
    /// To age recipients: the contractor's keys (X25519, or on hardware through an age plugin)
    /// and the office's escrow key.
    Recipients(Vec<crate::plugins::AgeRecipient>),
    /// To one passphrase (age scrypt, work factor 2^18: 256 MiB, about a second).
    Passphrase(SecretString),
    /// Tests only: a passphrase with a chosen (cheap) scrypt work factor. Never use this for a
    /// real bundle.
    #[doc(hidden)]
    InsecureTestPassphrase {
        /// The passphrase.
        passphrase: SecretString,
        /// log2 of the scrypt work factor.
        work_factor: u8,
    },
}

/// A bundle written by [`pack_to_file`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedBundle {
    /// SHA-256 of the bundle file as written (lower-case hex): what the ledger records.
    pub sha256: String,
    /// Size of the bundle file in bytes.
    pub size: u64,
    /// The manifest as signed, with customers and entries filled in.
    pub manifest: Manifest,
}
