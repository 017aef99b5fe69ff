//! The one error type of the core.
//!
//! Every variant is a sentence a clerk or a contractor can act on: it says what went wrong and
//! where (file, sheet, row, column), never how the program is built. Secrets (passphrases,
//! identities) and customer values are never part of a message, and neither is a command or an
//! option (the app shows these sentences too; the CLI adds its own hints by code). Both the CLI
//! and the app lead with the headline of [`Error::code`] in the person's language
//! ([`crate::messages`]); the sentence here is the detail.

use std::path::PathBuf;

use crate::receipt::ReceiptRefusal;

fn supervision_due_en(review: Option<&str>, cert: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(d) = review {
        parts.push(format!("its yearly review was due on {d}"));
    }
    if let Some(d) = cert {
        parts.push(format!("its certificate expired on {d}"));
    }
    parts.join(" and ")
}

/// Result alias used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in Handover's core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What we were doing ("cannot read", "cannot create", …).
        action: &'static str,
        /// The file or folder concerned.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },

    /// The store (the SQLite file or the PostgreSQL server) could not be used.
    #[error("the store {location} cannot be used: {source}")]
    Store {
        /// The database file, or the server and database (never a password).
        location: String,
        /// The database's reason.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },

    /// The database refused a change because the signed-in person's role does not allow it.
    #[error("{location} refused this: {reason}")]
    StoreDenied {
        /// The server and database.
        location: String,
        /// The server's reason, in words (which role is needed).
        reason: String,
    },

    /// The signed-in person's role does not allow this (checked by the core on every store,
    /// before the shared store's server would refuse it too).
    #[error("{action} needs the {needed} role; {operator} is {role}")]
    RoleRequired {
        /// What was attempted, in words ("deciding a request").
        action: String,
        /// The least role that may do it.
        needed: crate::operators::Role,
        /// Who tried.
        operator: String,
        /// Their role.
        role: crate::operators::Role,
    },

    /// A sign-in on the embedded store was refused: no such active operator, or the wrong
    /// password (the message does not say which, so it does not tell which names exist).
    #[error("{0} could not be signed in: the name or the password is wrong")]
    SignInFailed(String),

    /// Too many wrong passwords in a row: the operator cannot sign in until the time given.
    #[error(
        "{operator} is locked after too many wrong passwords, until {} (local time)",
        crate::dates::local_time_en(.until)
    )]
    OperatorLocked {
        /// The operator.
        operator: String,
        /// When the lock ends.
        until: jiff::Timestamp,
    },

    /// A name that cannot be an operator's: empty, too long, with control characters, or (on
    /// a shared store, where it is a database login) outside what a login may hold.
    #[error("'{name}' cannot be an operator's name: {reason}")]
    OperatorName {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A new password shorter than the rule allows.
    #[error("a password of at least {min} characters is needed ({given} given)")]
    PasswordTooShort {
        /// The fewest characters allowed.
        min: usize,
        /// How many were given.
        given: usize,
    },

    /// The office's first admin exists already: an admin adds everyone else.
    #[error("{0} already has its operators: sign in, and an admin adds people")]
    AdminExists(String),

    /// The office's store has operators, and nobody is signed in.
    #[error("{0} keeps the office's operators: sign in with your name and password")]
    SignInRequired(String),

    /// The store belongs to a data key and the data folder has no vault file to unlock it.
    #[error(
        "the office in {} has a data key but its vault file (vault.json) is missing: restore \
         vault.json from a backup",
        .0.display()
    )]
    VaultMissing(std::path::PathBuf),

    /// The vault file cannot be read as one, or a wrap in it is damaged.
    #[error("the vault file {} is damaged ({what}): restore it from a backup", path.display())]
    VaultCorrupt {
        /// The vault file.
        path: std::path::PathBuf,
        /// What is wrong.
        what: String,
    },

    /// The vault file unlocks a data key that is not this store's (a vault from another office).
    #[error(
        "the vault file in {} belongs to another office: its key does not open this store",
        .0.display()
    )]
    VaultMismatch(std::path::PathBuf),

    /// The embedded store is encrypted at rest and was opened without its key.
    #[error("{0} is encrypted at rest: sign in to open it")]
    StoreEncrypted(String),

    /// The key given does not open the encrypted store (a vault or key from another office).
    #[error("the key does not open {0}: it belongs to another office, or the file is damaged")]
    StoreKeyWrong(String),

    /// The office has a vault but its store is still a plain file (made by a version before
    /// encryption at rest): it must be converted first, which the person is asked to agree to.
    #[error(
        "{0} is not encrypted yet: convert it (handover office encrypt, or sign in in the app) \
         before working"
    )]
    StoreNotEncrypted(String),

    /// The office's data is not encrypted at rest yet (no vault): nothing to recover or rewrap.
    #[error("the office in {} is not encrypted at rest yet (it has no vault file)", .0.display())]
    NoVault(std::path::PathBuf),

    /// A typed recovery key with a wrong length, a character outside its alphabet or a check
    /// that does not match (a typo).
    #[error(
        "this is not a recovery key as printed (9 groups of 4 characters): check it for a typo"
    )]
    RecoveryKeyTypo,

    /// A well-formed recovery key that is not this office's.
    #[error("this recovery key does not unlock this office")]
    RecoveryKeyWrong,

    /// The OS key store (Secret Service, Keychain, Credential Manager) could not be used: no
    /// desktop session, locked, or refused.
    #[error("the OS key store cannot be used ({reason}): sign in with the password")]
    KeyStoreUnavailable {
        /// What the key store said.
        reason: String,
    },

    /// No entry of this operator in this PC's key store opens the office.
    #[error(
        "this PC's OS key store holds nothing that opens the office for {operator}: sign in with \
         the password (and turn opening without typing on again if wanted)"
    )]
    KeyStoreNoEntry {
        /// The operator named.
        operator: String,
    },

    /// A shared office's PCs hold no data key to keep in the OS key store.
    #[error(
        "opening without typing is for a one-PC office: on a shared office the server checks \
         each login's password"
    )]
    KeyStoreShared,

    /// An office from before sign-in existed: its store has no operator yet.
    #[error("{0} has no administrator yet: create one (init with an admin name) before working")]
    NoAdmin(String),

    /// The shared store cannot be reached or signed in to.
    #[error("cannot reach the office store {location}: {reason}")]
    StoreUnavailable {
        /// The server and database.
        location: String,
        /// Why (connection refused, wrong password…), with what to check.
        reason: String,
    },

    /// `init` or `store copy` on a database that already holds an office.
    #[error("{0} already holds a Handover office: refusing to touch it (use an empty database)")]
    StoreNotEmpty(String),

    /// The shared store holds no office yet.
    #[error("{0} holds no Handover office yet: its owner creates the office in it first")]
    StoreNoOffice(String),

    /// Something a pack relied on changed on another PC before it was recorded.
    #[error("{0}: nothing was recorded and the bundle was deleted; prepare the handover again")]
    ChangedMeanwhile(String),

    /// The policy requires a manager's approval for this handover, and none was given.
    #[error(
        "this handover needs a manager's approval under the policy ({}): request one and pack \
         with it once it is approved",
        crate::approvals::rules_text(.rules, crate::report::Lang::En)
    )]
    ApprovalRequired {
        /// The rules it falls under.
        rules: Vec<crate::approvals::ApprovalRule>,
    },

    /// What would be packed differs from what was approved.
    #[error("{id} approved other content: {differences}; nothing was written")]
    ApprovalMismatch {
        /// The approval.
        id: String,
        /// What differs, in words ("customer C0009 was not approved; …").
        differences: String,
    },

    /// The approval is not (or no longer) approved: pending, rejected or already used.
    #[error("{id} is {status}{detail}: it cannot be packed")]
    ApprovalNotUsable {
        /// The approval.
        id: String,
        /// pending, rejected or used.
        status: String,
        /// The reason of a rejection, or the handover that used it.
        detail: String,
    },

    /// The approval (or the request) is past its lifetime.
    #[error("{id} expired at {at}: request a new approval")]
    ApprovalExpired {
        /// The approval.
        id: String,
        /// When it expired (RFC 3339 UTC).
        at: String,
    },

    /// Four eyes: the person who asked cannot decide their own request.
    #[error("{id} was requested by {operator}, who cannot decide it: another manager decides")]
    ApprovalOwnRequest {
        /// The approval.
        id: String,
        /// The requester (and would-be approver).
        operator: String,
    },

    /// The request was already decided (or used).
    #[error("{id} is already {status}: it can be decided only once")]
    ApprovalDecided {
        /// The approval.
        id: String,
        /// Its status.
        status: String,
    },

    /// A rejection without a reason.
    #[error("rejecting {0} needs a reason (the person who asked reads it)")]
    ApprovalReasonRequired(String),

    /// No approval with this id.
    #[error("there is no approval {0}")]
    UnknownApproval(String),

    /// The shared store's schema is older than this build's (it was created by an older
    /// Handover and not upgraded).
    #[error(
        "the store {location} has schema version {found}, older than version {needed} that this \
         Handover uses: the database's owner upgrades it before anyone signs in"
    )]
    StoreTooOld {
        /// The server and database.
        location: String,
        /// The schema version found.
        found: u32,
        /// The schema version this build needs.
        needed: u32,
    },

    /// The store was written by a newer Handover.
    #[error(
        "the store {location} has schema version {found}, but this Handover understands only up \
         to {supported}: install the newer Handover that wrote it"
    )]
    StoreTooNew {
        /// The database file, or the server and database.
        location: String,
        /// The schema version found in the file.
        found: u32,
        /// The newest schema version this build knows.
        supported: u32,
    },

    /// No usable data directory could be found.
    #[error("no data folder was given, and none was found")]
    NoDataDir,

    /// `init` was run where keys already exist.
    #[error(
        "the office keys already exist in {0}: refusing to overwrite them (bundles already sent \
         can only be audited with the existing key)"
    )]
    KeysExist(PathBuf),

    /// An operation needs the office keys but `init` has not been run.
    #[error("the office keys are missing in {0}")]
    KeysMissing(PathBuf),

    /// A key file exists but cannot be parsed.
    #[error("the key file {path} is not valid: {reason}")]
    BadKeyFile {
        /// The key file.
        path: PathBuf,
        /// Why it was rejected (never the key itself).
        reason: String,
    },

    /// A file that must not be overwritten already exists.
    #[error("{0} already exists: refusing to overwrite it")]
    FileExists(PathBuf),

    /// An age recipient string is malformed.
    #[error(
        "'{0}' is not an age recipient: an age key starts with age1 and is 62 characters long; a \
         key on hardware is age1<plugin>1… as its plugin printed it (age1yubikey1…, age1tpm1…)"
    )]
    BadRecipient(String),

    /// A receipt cannot be made, or asked for, as given (the contractor's side).
    #[error("{0}")]
    ReceiptNotMade(ReceiptNotMade),

    /// An age plugin's program is not installed (not on `PATH`).
    #[error(
        "the age plugin {program} is not installed (not found on PATH): install {program} to \
         use this key on hardware; nothing was done"
    )]
    PluginMissing {
        /// The program (`age-plugin-yubikey`).
        program: String,
    },

    /// An age plugin refused (wrong PIN, key not inserted, no answer to its question).
    #[error("the age plugin {program} refused: {reason}")]
    PluginFailed {
        /// The program.
        program: String,
        /// The plugin's own words.
        reason: String,
    },

    /// A date could not be understood.
    #[error("'{0}' is not a date: write it as YYYY-MM-DD")]
    BadDate(String),

    /// A refusal with its own code and parameters ([`crate::refusal`]).
    #[error("{0}")]
    Refused(crate::refusal::Refusal),

    /// A day that has not come yet where only a past day or today makes sense (when a request
    /// was received, when data was destroyed…).
    #[error("{field}: {date} is in the future")]
    DateInFuture {
        /// The argument or field concerned.
        field: String,
        /// The day given (YYYY-MM-DD).
        date: String,
    },

    /// A contractor id is not in the roster.
    #[error("no contractor with id {0}")]
    UnknownContractor(String),

    /// A certification kind that is not P-mark, ISMS or none.
    #[error("{0:?} is not a certification kind (pmark, isms or none)")]
    UnknownCertification(String),

    /// A contract clause id that is not one of the six supervision asks for.
    #[error("{0:?} is not a contract clause")]
    UnknownClause(String),

    /// A change to a contractor's supervision record was refused.
    #[error("{what}: {reason}")]
    Supervision {
        /// What was refused (certification, review, person…).
        what: String,
        /// Why, in words the user can correct.
        reason: String,
    },

    /// The policy refuses handovers to a contractor whose yearly review is overdue or whose
    /// certificate expired.
    #[error(
        "{contractor} receives no data under the office's policy: {}",
        supervision_due_en(.review_due.as_deref(), .certificate_expired.as_deref())
    )]
    SupervisionDue {
        /// The contractor id.
        contractor: String,
        /// The review's due date, when it is overdue (YYYY-MM-DD).
        review_due: Option<String>,
        /// The certificate's expiry, when it has passed (YYYY-MM-DD).
        certificate_expired: Option<String>,
    },

    /// No handover has this id.
    #[error("no handover with id {0}")]
    UnknownHandover(String),

    /// No request has this id.
    #[error("no request with id {0}")]
    UnknownRequest(String),

    /// No customer has this 顧客番号 (in the register, or, where the question is about the
    /// past, in the records either).
    #[error("no customer with 顧客番号 {0}")]
    UnknownCustomer(String),

    /// The import file cannot be read as a register at all.
    #[error("{path}: {reason}")]
    BadRegister {
        /// The file being imported.
        path: PathBuf,
        /// What is wrong with it (format, sheet, header…).
        reason: String,
    },

    /// The import found invalid rows and nothing was stored.
    #[error(
        "{count} invalid row(s) in {path}: nothing was imported (fix them, or pass --skip-invalid \
         to import the valid rows only)"
    )]
    RegisterRejected {
        /// The file being imported.
        path: PathBuf,
        /// Number of rejected rows.
        count: usize,
        /// The problems, each with sheet, row and column.
        problems: Vec<crate::register::RowProblem>,
    },

    /// The user cancelled a long operation; nothing was changed.
    #[error("cancelled: nothing was changed")]
    Cancelled,

    /// The ledger hash chain is broken.
    #[error("the ledger is damaged at entry {seq}: {reason}")]
    LedgerBroken {
        /// The first entry that does not verify.
        seq: u64,
        /// What does not match.
        reason: String,
    },

    /// A table derived from the ledger (handovers, requests, the per-customer index) disagrees
    /// with the entries that recorded it: it was edited outside Handover.
    #[error("the {table} table disagrees with the ledger: {reason}")]
    DerivedMismatch {
        /// The table.
        table: String,
        /// The first disagreement, naming the row and the entry.
        reason: String,
    },

    /// age refused to encrypt or decrypt.
    #[error("encryption failed: {0}")]
    Encrypt(String),

    /// The passphrase or identity does not open the file.
    #[error("{0}")]
    Decrypt(String),

    /// A stored floor plan no longer matches the SHA-256 recorded when it was imported.
    #[error(
        "the stored floor plan of customer {customer_id} ({path}) was changed or damaged after \
         it was imported (its SHA-256 or size no longer matches): re-import the plan"
    )]
    FloorPlanChanged {
        /// The customer whose plan it is.
        customer_id: String,
        /// The stored file.
        path: PathBuf,
    },

    /// The file is not an age-encrypted file (binary or armored).
    #[error("{0} is not an age-encrypted file (not a Handover bundle)")]
    NotAnAgeFile(PathBuf),

    /// None of the given keys can open the bundle.
    #[error("{path} cannot be opened with the given key: {reason}")]
    WrongKey {
        /// The bundle.
        path: PathBuf,
        /// Which kind of key is needed (never the key itself).
        reason: String,
    },

    /// The passphrase does not open the bundle or identity file.
    #[error("wrong passphrase for {0}")]
    WrongPassphrase(PathBuf),

    /// An identity file is passphrase-protected and no passphrase was given.
    #[error("the key file {0} is protected by a passphrase: give its passphrase to use it")]
    IdentityPassphraseRequired(PathBuf),

    /// The encrypted data is truncated or was modified.
    #[error(
        "{path} is damaged or was tampered with ({reason}): nothing was extracted; ask the \
         office to send it again"
    )]
    BundleDamaged {
        /// The bundle.
        path: PathBuf,
        /// What failed to authenticate.
        reason: String,
    },

    /// The manifest signature does not verify with the office key the contractor trusts.
    #[error("{path} is not signed by the office key you trust ({reason}): nothing was extracted")]
    BadSignature {
        /// The bundle.
        path: PathBuf,
        /// Whose key it claims, or that the signature is invalid.
        reason: String,
    },

    /// The bundle's format version is unknown to this build.
    #[error(
        "{path} uses bundle format version {found}, but this Handover opens only version \
         {supported}: install the newer Handover"
    )]
    BundleVersion {
        /// The bundle.
        path: PathBuf,
        /// The version found in the manifest.
        found: u64,
        /// The version this build opens.
        supported: u32,
    },

    /// The bundle does not match its signed manifest or breaks the format.
    #[error("{path} was refused: {reason}; nothing was extracted")]
    BundleRejected {
        /// The bundle.
        path: PathBuf,
        /// What does not match, naming the entry.
        reason: String,
    },

    /// The bundle file is no longer the one that was opened for viewing (checked before
    /// anything is written).
    #[error(
        "{0} changed after it was opened: nothing was written; open it again to see what it \
         holds now"
    )]
    BundleChanged(PathBuf),

    /// An authentic bundle, but not made for the key (or passphrase) that opened it.
    #[error("{path} was refused: {reason}; nothing was extracted")]
    NotTheRecipient {
        /// The bundle.
        path: PathBuf,
        /// Whom it was made for, and why this key is not one of them.
        reason: String,
    },

    /// The bundle's return-or-destroy date has passed, and the contractor did not say to open
    /// it all the same.
    #[error(
        "{path}: handover {handover_id} was to be returned or destroyed by {return_by}, so it is          not opened; if the office asked you to keep using it, open it with --past-return-date          (the app asks), which is recorded"
    )]
    PastReturnDate {
        /// The bundle.
        path: PathBuf,
        /// The handover.
        handover_id: String,
        /// The date (YYYY-MM-DD).
        return_by: String,
    },

    /// The office refused a receipt file; nothing was recorded (of any file imported with it).
    #[error("{file}: {reason}; nothing recorded")]
    ReceiptRefused {
        /// The receipt file.
        file: PathBuf,
        /// Why.
        reason: crate::receipt::ReceiptRefusal,
    },

    /// The bundle exceeds a safety limit (entry count or size: zip-bomb protection).
    #[error("{path} was refused: {reason}; nothing was extracted")]
    BundleTooLarge {
        /// The bundle.
        path: PathBuf,
        /// Which limit, naming the entry.
        reason: String,
    },
}

impl Error {
    /// A stable, machine-readable code (the UI and the CLI's exit codes key on it).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::Store { .. } => "store",
            Error::StoreTooNew { .. } => "store_too_new",
            Error::StoreTooOld { .. } => "store_too_old",
            Error::StoreDenied { .. } => "store_denied",
            Error::RoleRequired { .. } => "role_required",
            Error::SignInFailed(_) => "sign_in_failed",
            Error::OperatorLocked { .. } => "operator_locked",
            Error::SignInRequired(_) => "sign_in_required",
            Error::NoAdmin(_) => "no_admin",
            Error::OperatorName { .. } => "operator_name",
            Error::PasswordTooShort { .. } => "password_too_short",
            Error::AdminExists(_) => "admin_exists",
            Error::VaultMissing(_) => "vault_missing",
            Error::VaultCorrupt { .. } => "vault_corrupt",
            Error::VaultMismatch(_) => "vault_mismatch",
            Error::NoVault(_) => "no_vault",
            Error::StoreEncrypted(_) => "store_encrypted",
            Error::StoreKeyWrong(_) => "store_key_wrong",
            Error::StoreNotEncrypted(_) => "store_not_encrypted",
            Error::RecoveryKeyTypo => "recovery_key_typo",
            Error::RecoveryKeyWrong => "recovery_key_wrong",
            Error::KeyStoreUnavailable { .. } => "key_store_unavailable",
            Error::KeyStoreNoEntry { .. } => "key_store_no_entry",
            Error::KeyStoreShared => "key_store_shared",
            Error::StoreUnavailable { .. } => "store_unavailable",
            Error::StoreNotEmpty(_) => "store_not_empty",
            Error::StoreNoOffice(_) => "store_no_office",
            Error::ChangedMeanwhile(_) => "changed_meanwhile",
            Error::ApprovalRequired { .. } => "approval_required",
            Error::ApprovalMismatch { .. } => "approval_mismatch",
            Error::ApprovalNotUsable { .. } => "approval_not_usable",
            Error::ApprovalExpired { .. } => "approval_expired",
            Error::ApprovalOwnRequest { .. } => "approval_own_request",
            Error::ApprovalDecided { .. } => "approval_decided",
            Error::ApprovalReasonRequired(_) => "approval_reason_required",
            Error::UnknownApproval(_) => "unknown_approval",
            Error::NoDataDir => "no_data_dir",
            Error::KeysExist(_) => "keys_exist",
            Error::KeysMissing(_) => "keys_missing",
            Error::BadKeyFile { .. } => "bad_key_file",
            Error::FileExists(_) => "file_exists",
            Error::BadRecipient(_) => "bad_recipient",
            Error::PluginMissing { .. } => "plugin_missing",
            Error::ReceiptNotMade(r) => r.code(),
            Error::PluginFailed { .. } => "plugin_failed",
            Error::BadDate(_) => "bad_date",
            Error::DateInFuture { .. } => "date_in_future",
            Error::Refused(r) => r.code(),
            Error::UnknownContractor(_) => "unknown_contractor",
            Error::UnknownCertification(_) => "unknown_certification",
            Error::UnknownClause(_) => "unknown_clause",
            Error::Supervision { .. } => "supervision_invalid",
            Error::SupervisionDue { .. } => "supervision_due",
            Error::UnknownHandover(_) => "unknown_handover",
            Error::UnknownRequest(_) => "unknown_request",
            Error::UnknownCustomer(_) => "unknown_customer",
            Error::BadRegister { .. } => "bad_register",
            Error::RegisterRejected { .. } => "register_rejected",
            Error::Cancelled => "cancelled",
            Error::LedgerBroken { .. } => "ledger_broken",
            Error::DerivedMismatch { .. } => "derived_mismatch",
            Error::Encrypt(_) => "encrypt",
            Error::Decrypt(_) => "decrypt",
            Error::FloorPlanChanged { .. } => "floor_plan_changed",
            Error::NotAnAgeFile(_) => "not_age_file",
            Error::WrongKey { .. } => "wrong_key",
            Error::WrongPassphrase(_) => "wrong_passphrase",
            Error::IdentityPassphraseRequired(_) => "identity_passphrase_required",
            Error::BundleDamaged { .. } => "bundle_damaged",
            Error::BadSignature { .. } => "bad_signature",
            Error::BundleVersion { .. } => "bundle_version",
            Error::BundleRejected { .. } => "bundle_rejected",
            Error::BundleTooLarge { .. } => "bundle_too_large",
            Error::BundleChanged(_) => "bundle_changed",
            Error::NotTheRecipient { .. } => "not_the_recipient",
            Error::PastReturnDate { .. } => "past_return_date",
            Error::ReceiptRefused { reason, .. } => reason.code(),
        }
    }

    /// Is this a failed verification (ledger or bundle), as opposed to bad input or I/O?
    pub fn is_verification_failure(&self) -> bool {
        matches!(
            self,
            Error::LedgerBroken { .. }
                | Error::DerivedMismatch { .. }
                | Error::Decrypt(_)
                | Error::FloorPlanChanged { .. }
                | Error::NotAnAgeFile(_)
                | Error::WrongKey { .. }
                | Error::WrongPassphrase(_)
                | Error::BundleDamaged { .. }
                | Error::BadSignature { .. }
                | Error::BundleVersion { .. }
                | Error::BundleRejected { .. }
                | Error::BundleTooLarge { .. }
                | Error::NotTheRecipient { .. }
                | Error::ReceiptRefused {
                    reason: ReceiptRefusal::NotForThisOffice
                        | ReceiptRefusal::TooLarge { .. }
                        | ReceiptRefusal::Forged { .. }
                        | ReceiptRefusal::OtherBundle,
                    ..
                }
        )
    }

    /// Is this the user's input being refused (as opposed to a system failure)?
    pub fn is_bad_input(&self) -> bool {
        if let Error::Refused(r) = self {
            return r.is_bad_input();
        }
        matches!(
            self,
            Error::BadRecipient(_)
                | Error::PluginMissing { .. }
                | Error::ReceiptNotMade(_)
                | Error::PluginFailed { .. }
                | Error::BadDate(_)
                | Error::DateInFuture { .. }
                | Error::UnknownContractor(_)
                | Error::UnknownCertification(_)
                | Error::UnknownClause(_)
                | Error::Supervision { .. }
                | Error::UnknownHandover(_)
                | Error::UnknownRequest(_)
                | Error::UnknownCustomer(_)
                | Error::BadRegister { .. }
                | Error::RegisterRejected { .. }
                | Error::FileExists(_)
                | Error::KeysExist(_)
                | Error::KeysMissing(_)
                | Error::BadKeyFile { .. }
                | Error::IdentityPassphraseRequired(_)
                | Error::PastReturnDate { .. }
                | Error::OperatorName { .. }
                | Error::PasswordTooShort { .. }
                | Error::AdminExists(_)
                | Error::NoVault(_)
                | Error::RecoveryKeyTypo
                | Error::StoreNotEmpty(_)
                | Error::ChangedMeanwhile(_)
                | Error::ApprovalRequired { .. }
                | Error::ApprovalMismatch { .. }
                | Error::ApprovalNotUsable { .. }
                | Error::ApprovalExpired { .. }
                | Error::ApprovalDecided { .. }
                | Error::ApprovalReasonRequired(_)
                | Error::UnknownApproval(_)
                | Error::ReceiptRefused {
                    reason: ReceiptRefusal::Format { .. }
                        | ReceiptRefusal::UnknownHandover { .. }
                        | ReceiptRefusal::DateOutside { .. }
                        | ReceiptRefusal::Replay
                        | ReceiptRefusal::AlreadyClosed { .. },
                    ..
                }
        )
    }

    /// Was this refused because of who is (or is not) signed in, or their role?
    pub fn is_denied(&self) -> bool {
        matches!(
            self,
            Error::StoreDenied { .. }
                | Error::RoleRequired { .. }
                | Error::ApprovalOwnRequest { .. }
                | Error::SignInFailed(_)
                | Error::OperatorLocked { .. }
                | Error::SignInRequired(_)
                | Error::NoAdmin(_)
                | Error::RecoveryKeyWrong
                | Error::KeyStoreNoEntry { .. }
                | Error::StoreEncrypted(_)
        )
    }

    /// A store failure at `location` (a file path or a server), whatever the backend.
    pub(crate) fn store(
        location: impl std::fmt::Display,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Store {
            location: location.to_string(),
            source: Box::new(source),
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// `date` (in `field`) has not come yet.
    pub fn date_in_future(field: &str, date: impl std::fmt::Display) -> Self {
        Error::DateInFuture {
            field: field.into(),
            date: date.to_string(),
        }
    }
}

impl From<crate::refusal::Refusal> for Error {
    fn from(r: crate::refusal::Refusal) -> Self {
        Error::Refused(r)
    }
}

impl ReceiptRefusal {
    /// The stable code of this refusal (each has its own headline).
    pub fn code(&self) -> &'static str {
        match self {
            ReceiptRefusal::TooLarge { .. } => "receipt_too_large",
            ReceiptRefusal::NotForThisOffice => "receipt_unreadable",
            ReceiptRefusal::Format { .. } => "receipt_format",
            ReceiptRefusal::UnknownHandover { .. } => "receipt_unknown_handover",
            ReceiptRefusal::Forged { .. } => "receipt_forged",
            ReceiptRefusal::OtherBundle => "receipt_other_bundle",
            ReceiptRefusal::DateOutside { .. } => "receipt_date",
            ReceiptRefusal::Replay => "receipt_replayed",
            ReceiptRefusal::AlreadyClosed { .. } => "receipt_closed",
        }
    }
}

/// Why the contractor's side cannot make a receipt (nothing is written or deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptNotMade {
    /// `by` is empty or more than one line.
    By,
    /// Not `received` or `destroyed`.
    Kind(String),
    /// The bundle was made before receipts existed.
    BundleTooOld {
        /// The handover.
        handover_id: String,
    },
    /// The bundle's receipt secret is not 32 bytes of hex.
    Secret,
    /// A folder given as extracted is not a folder.
    NotAFolder(std::path::PathBuf),
    /// A folder given as extracted holds another bundle's files.
    OtherBundle {
        /// The folder.
        folder: std::path::PathBuf,
        /// The handover whose receipt is being made.
        handover_id: String,
    },
    /// The receipt would exceed the size limit.
    TooLarge {
        /// Its size in bytes.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The office was given no receipt file to import.
    NoFiles,
}

impl ReceiptNotMade {
    /// The stable code (each has its own headline).
    pub fn code(&self) -> &'static str {
        match self {
            ReceiptNotMade::By => "receipt_by",
            ReceiptNotMade::Kind(_) => "receipt_kind",
            ReceiptNotMade::BundleTooOld { .. } => "receipt_bundle_too_old",
            ReceiptNotMade::Secret => "receipt_secret",
            ReceiptNotMade::NotAFolder(_) => "extracted_not_a_folder",
            ReceiptNotMade::OtherBundle { .. } => "extracted_other_bundle",
            ReceiptNotMade::TooLarge { .. } => "receipt_too_large_to_make",
            ReceiptNotMade::NoFiles => "receipt_no_files",
        }
    }
}

impl std::fmt::Display for ReceiptNotMade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReceiptNotMade::By => write!(f, "by: say who makes the receipt (one line)"),
            ReceiptNotMade::Kind(s) => {
                write!(
                    f,
                    "receipt: '{s}' is not a receipt kind (received or destroyed)"
                )
            }
            ReceiptNotMade::BundleTooOld { handover_id } => write!(
                f,
                "receipt: {handover_id} was made before receipts existed: tell the office by \
                 other means"
            ),
            ReceiptNotMade::Secret => {
                write!(f, "receipt: the bundle's receipt secret is malformed")
            }
            ReceiptNotMade::NotAFolder(p) => {
                write!(f, "extracted: {} is not a folder", p.display())
            }
            ReceiptNotMade::OtherBundle {
                folder,
                handover_id,
            } => write!(
                f,
                "extracted: {} holds the files of another bundle, not of {handover_id}: nothing \
                 was deleted",
                folder.display()
            ),
            ReceiptNotMade::TooLarge { size, max } => write!(
                f,
                "receipt: the receipt would be {size} bytes, more than {max}: shorten the note"
            ),
            ReceiptNotMade::NoFiles => write!(f, "receipt: give at least one receipt file"),
        }
    }
}
