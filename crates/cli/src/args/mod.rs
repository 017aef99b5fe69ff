//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub mod approvals;
pub mod receipts;
pub mod reports;
pub mod requests;
pub mod supervision;

/// Handover: hand minimal customer data to contractors in age-encrypted bundles, and record it.
#[derive(Debug, Parser)]
#[command(name = "handover", version = VERSION, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// The office's data folder (store, keys, floor plans) [default: HANDOVER_DATA_DIR, else the
    /// OS data folder]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Sign in as this operator (embedded store; password from HANDOVER_PASSWORD, standard
    /// input, or asked). An office without operators yet first gets its admin (`init --admin
    /// NAME`, or `operator add NAME --role admin`). On a shared store the signed-in login is the
    /// operator
    #[arg(long, global = true, value_name = "NAME", env = "HANDOVER_OPERATOR")]
    pub operator: Option<String>,

    /// The office's shared PostgreSQL store, as a libpq URL
    /// (postgres://LOGIN@HOST:PORT/DB?sslmode=verify-full) [default: HANDOVER_STORE, else the
    /// embedded store in the data folder]. The password comes from the URL, PGPASSWORD,
    /// ~/.pgpass, or is asked for
    #[arg(long, global = true, value_name = "URL")]
    pub store: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// The version and the commit it was built from (`handover 0.1.0 (1a2b3c4)`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("HANDOVER_COMMIT"),
    ")"
);

pub const EXIT_CODES: &str = "Exit codes: 0 success · 1 failure (I/O, store) · 2 wrong usage · \
3 input refused (invalid register rows, bad key, bad date…) · 4 refused by the shared store \
(your role does not allow it) · 5 verification failed (ledger or bundle tampered, wrong key)";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the store and the office's keys (escrow age identity and signing key)
    Init(InitArgs),
    /// Show the office's public keys (recipient and signing key) with fingerprints, and the
    /// signing key as an OpenSSH allowed_signers line
    Keys(KeysArgs),
    /// Import a customer register (xlsx, xlsm, xls, xlsb, ods, csv, tsv)
    Import(ImportArgs),
    /// List or search customers (id, name, kana, address, phone)
    Customers(CustomersArgs),
    /// Manage the contractor roster
    #[command(subcommand)]
    Contractor(ContractorCmd),
    /// Create an age identity for a contractor and print its recipient
    Keygen(KeygenArgs),
    /// Check the ledger
    #[command(subcommand)]
    Ledger(LedgerCmd),
    /// Show exactly what a handover would contain, without writing anything
    Prepare(PrepareArgs),
    /// Write a handover (encrypted bundle, media, or paper sheet) and record it
    Pack(PackArgs),
    /// 上長承認: ask a manager to approve a handover, decide, list
    #[command(subcommand)]
    Approval(approvals::ApprovalCmd),
    /// Record that a contractor returned or destroyed a handover's data (by hand: paper, or
    /// no receipt)
    ConfirmDestruction(ConfirmArgs),
    /// Receipts: the contractor makes one (received, destroyed); the office imports them
    #[command(subcommand)]
    Receipt(receipts::ReceiptCmd),
    /// List handovers (all, or only those past their return-or-destroy date)
    Handovers(HandoversArgs),
    /// Open a bundle (contractor side): decrypt, verify the office signature and every file
    Open(OpenArgs),
    /// Customers' opt-out and restriction requests
    #[command(subcommand)]
    Request(RequestCmd),
    /// The provision history: one row per customer per handover (R7, R10)
    History(reports::HistoryArgs),
    /// Accountability reports: a customer's disclosure record, a leak, what is overdue
    #[command(subcommand)]
    Report(reports::ReportCmd),
    /// Delete personal data and provision records past their retention period (policy), and
    /// record it
    Purge(PurgeArgs),
    /// The people of the office: their names and roles (admin)
    #[command(subcommand)]
    Operator(OperatorCmd),
    /// The office's keys, for the other PCs of a shared office; the recovery key
    #[command(subcommand)]
    Office(OfficeCmd),
    /// The office policy (minimal fields per work type, deadlines, retention), kept in the store
    #[command(subcommand)]
    Policy(PolicyCmd),
    /// Move this one-PC office to a shared store, or upgrade a shared store's schema
    #[command(subcommand)]
    Store(StoreCmd),
    /// Set up this PC for a shared office: install the office keys from `office export-keys`
    /// (passphrase from stdin or asked), sign in, check the keys are the office's, record it
    Join(JoinArgs),
}

#[derive(Debug, Subcommand)]
pub enum OfficeCmd {
    /// Write the office keys to FILE, encrypted to a passphrase (asked twice, or one line of
    /// stdin); recorded
    ExportKeys(ExportKeysArgs),
    /// Give an operator a new password with the office's recovery key (the paper printed at
    /// init): the key from HANDOVER_RECOVERY_KEY, else asked, else the first line of stdin; the
    /// new password from HANDOVER_PASSWORD, else asked twice, else the next line; recorded
    Recover(RecoverArgs),
    /// Encrypt at rest an office made by an earlier version (its store is still a plain file):
    /// signed in as --operator (password from HANDOVER_PASSWORD, else asked), the store is
    /// copied encrypted, verified (same ledger head, same customers), swapped in, and the plain
    /// file overwritten and removed; a kill at any point leaves a usable store. Recorded
    Encrypt,
    /// Replace the office's data key itself (an admin, signed in as --operator): the store,
    /// floor plans and secret key files are encrypted again under a new key; prints a new
    /// recovery key, and the other operators get new passwords with it (office recover NAME).
    /// A kill at any point leaves the office under one key. Recorded
    Rekey,
    /// Open this one-PC office on this PC without typing the password (the OS key store:
    /// Secret Service, Keychain, Credential Manager)
    #[command(subcommand)]
    Keystore(KeystoreCmd),
}

#[derive(Debug, Subcommand)]
pub enum KeystoreCmd {
    /// Let --operator (signed in with the password this once) open the office on this PC and
    /// under this computer account without typing it again; recorded. The leak report then
    /// counts this PC as holding the key
    On,
    /// Stop it for --operator: the key store entry is deleted and the vault no longer opens
    /// with it; recorded
    Off,
    /// Who opens the office on this PC without typing (read from the vault; nothing asked)
    Status(JsonFlag),
}

#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// The operator who gets the new password (as on the roster)
    pub name: String,
}

#[derive(Debug, Subcommand)]
pub enum StoreCmd {
    /// Bring the shared store's schema up to this Handover's (the database's owner, with
    /// --store or HANDOVER_STORE): the missing migrations in one transaction, recorded
    Upgrade(JsonFlag),
    /// Copy everything (register, floor plans, roster, policy, requests, handovers, the whole
    /// ledger) into an empty PostgreSQL database, as its owner; both stores are verified and
    /// end on the same head hash. Nothing changes here.
    Copy(StoreCopyArgs),
}

#[derive(Debug, Args)]
pub struct StoreCopyArgs {
    /// The new store (postgres://OWNER@HOST:PORT/DB?sslmode=…), an empty database
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCmd {
    /// Print the policy in force (TOML, to edit and `policy set`)
    Show(JsonFlag),
    /// Replace the policy with the one in FILE (TOML; a manager); validated, recorded
    Set(PolicySetArgs),
}

#[derive(Debug, Args)]
pub struct PolicySetArgs {
    /// The policy as TOML (start from `handover policy show`)
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ExportKeysArgs {
    /// The file to write (never over an existing one)
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct JoinArgs {
    /// The office's store (postgres://LOGIN@HOST:PORT/DB?sslmode=…)
    pub url: String,
    /// The key file from `handover office export-keys`
    #[arg(long, value_name = "FILE")]
    pub keys: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum OperatorCmd {
    /// Add a person with a role; the new password is read from HANDOVER_PASSWORD or stdin
    /// (asked twice on a terminal), and the store keeps only its verifier (Argon2id hash, or the
    /// server's SCRAM verifier). While an office has nobody yet, its first admin is added this
    /// way without signing in
    Add(OperatorAddArgs),
    /// List the office's people, their roles and whether they may sign in
    List(JsonFlag),
    /// Stop a person from signing in (their entries stay, under their name)
    Disable(OperatorNameArg),
    /// Change your own password: the current one as for every command (HANDOVER_PASSWORD, or
    /// the server's as for --store, else asked, else the first line of stdin), the new one from
    /// HANDOVER_NEW_PASSWORD, else asked twice, else the next line. The office's data key (on a
    /// shared office, your login's password on the server and this PC's office keys) is
    /// wrapped again under it (the data is not re-encrypted); recorded
    Password,
}

#[derive(Debug, Args)]
pub struct OperatorAddArgs {
    /// Name: on the embedded store a person's name (Japanese welcome, at most 32 characters);
    /// on a shared store a login (lower-case letters, digits, '_', '.', '-'; e.g. tanaka.h)
    pub name: String,
    /// staff (import, pack, register requests), manager (also decide requests, roster, purge,
    /// export), admin (also operators)
    #[arg(long)]
    pub role: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OperatorNameArg {
    /// Name (a login on a shared store)
    pub name: String,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Purge what is past retention before this day (YYYY-MM-DD, not later than today)
    #[arg(long, value_name = "DATE")]
    pub before: String,
    /// Show what would be purged; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SelectionArgs {
    /// Contractor id (CTR-0001)
    #[arg(long)]
    pub contractor: String,
    /// Work type: installation, wiring, repair, inspection, removal
    #[arg(long)]
    pub work_type: String,
    /// Customer numbers, separated by commas or spaces (full-width digits are read as
    /// half-width; a number given twice counts once)
    #[arg(long, required_unless_present = "customers_file")]
    pub customers: Vec<String>,
    /// File of customer numbers (one per line, or separated by commas, tabs or spaces; `#`
    /// starts a comment line)
    #[arg(long, value_name = "FILE")]
    pub customers_file: Option<PathBuf>,
    /// A field beyond the work type's minimal set (needs --reason; repeatable, in order)
    #[arg(long = "extra-field", value_name = "FIELD")]
    pub extra_fields: Vec<String>,
    /// Why the contractor needs the extra field (one per --extra-field, recorded)
    #[arg(long = "reason", value_name = "TEXT")]
    pub reasons: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PrepareArgs {
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// How it will be handed over: transfer, media, paper
    #[arg(long, default_value = "transfer")]
    pub method: String,
    /// A passphrase bundle instead of the contractor's keys
    #[arg(long)]
    pub passphrase: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PackArgs {
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// transfer (a file), media (a folder on the USB stick), paper (a printable sheet)
    #[arg(long)]
    pub method: String,
    /// transfer: the bundle file; media: the folder; paper: the HTML sheet
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// ASCII armor, for e-mail or chat
    #[arg(long)]
    pub armor: bool,
    /// Return-or-destroy date (default from the policy)
    #[arg(long, value_name = "DATE")]
    pub return_by: Option<String>,
    /// Encrypt to a passphrase read from standard input instead of the contractor's keys
    #[arg(long)]
    pub passphrase_stdin: bool,
    /// Pack with this manager's approval (APR-2026-0001): exactly what it approved
    #[arg(long, value_name = "ID")]
    pub approval: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// Handover id (HO-2026-000123)
    pub id: String,
    /// Day of return or destruction (YYYY-MM-DD)
    #[arg(long)]
    pub date: String,
    /// Note (how it was destroyed, certificate number…)
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct HandoversArgs {
    /// Only open handovers past their return-or-destroy date
    #[arg(long)]
    pub overdue: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The bundle (.age, binary or armored)
    pub bundle: PathBuf,
    /// Your age identity file (plain or passphrase-protected)
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present_any = ["passphrase_stdin", "office"]
    )]
    pub identity: Option<PathBuf>,
    /// Read the bundle passphrase from standard input
    #[arg(long, conflicts_with_all = ["identity", "office"])]
    pub passphrase_stdin: bool,
    /// The office's signing key (ed25519:…), or a file holding it; read back by phone
    #[arg(long, value_name = "KEY", required_unless_present = "office")]
    pub trust: Option<String>,
    /// Open one of this office's own bundles with its escrow key (signs you in; the open is
    /// recorded in the record of use with the bundle's customers)
    #[arg(long, conflicts_with_all = ["identity", "trust", "past_return_date"])]
    pub office: bool,
    /// Write the verified files into this folder
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Open it even though its return-or-destroy date has passed (recorded)
    #[arg(long)]
    pub past_return_date: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RequestCmd {
    /// Register a customer's request (pending, and enforced, at once)
    Add(RequestAddArgs),
    /// Accept, or reject with a reason
    Decide(RequestDecideArgs),
    /// Record that the customer was told the outcome
    Notify(requests::RequestNotifyArgs),
    /// Record that the customer withdrew a pending or accepted request
    Withdraw(requests::RequestWithdrawArgs),
    /// List requests, with what each waits for and earlier handovers of data it covers
    List(requests::RequestListArgs),
}

#[derive(Debug, Args)]
pub struct RequestAddArgs {
    /// Customer number
    pub customer: String,
    /// `all`, or comma-separated fields
    #[arg(long)]
    pub scope: String,
    /// Day received (YYYY-MM-DD)
    #[arg(long)]
    pub received: String,
    /// phone, counter, mail or web
    #[arg(long)]
    pub channel: String,
    /// Note
    #[arg(long)]
    pub note: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RequestDecideArgs {
    /// Request id (REQ-2026-0001)
    pub id: String,
    /// Accept the request
    #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
    pub accept: bool,
    /// Reject it (needs --reason)
    #[arg(long)]
    pub reject: bool,
    /// Reason (required to reject)
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct KeysArgs {
    /// Print JSON instead of text
    #[arg(long, conflicts_with = "allowed_signers")]
    pub json: bool,
    /// Print only the allowed_signers line, for `ssh-keygen -Y verify -f FILE`
    #[arg(long)]
    pub allowed_signers: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The office's first admin (required on the embedded store; password from
    /// HANDOVER_PASSWORD, standard input, or asked twice); in an office made before sign-in, the
    /// admin is added and its data and history stay
    #[arg(long, value_name = "NAME")]
    pub admin: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The register file
    pub file: PathBuf,
    /// The sheet to read [default: the first visible sheet]
    #[arg(long)]
    pub sheet: Option<String>,
    /// Text encoding of CSV/TSV files: auto, utf-8 or shift_jis
    #[arg(long, default_value = "auto")]
    pub encoding: String,
    /// Map a column header to a field id, to `contract_ended` (the contract-end date, kept for
    /// retention) or to `ignore` (repeatable)
    #[arg(long = "map", value_name = "HEADER=FIELD")]
    pub map: Vec<String>,
    /// Folder of floor plans named by customer number (PDF, PNG, JPEG)
    #[arg(long, value_name = "DIR")]
    pub floor_plans: Option<PathBuf>,
    /// Check and count only; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid rows even if some rows are invalid
    #[arg(long)]
    pub skip_invalid: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CustomersArgs {
    /// Search text (id, name, kana, address, phone)
    #[arg(long, short)]
    pub query: Option<String>,
    /// Show at most this many
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ContractorCmd {
    /// Add a contractor with its keys and confidentiality agreement
    Add(ContractorAddArgs),
    /// List the roster with key fingerprints and agreement status
    List(JsonFlag),
    /// Change a contractor
    Update(ContractorUpdateArgs),
    /// Show a contractor with its supervision record (委託先監督台帳)
    Show(supervision::ShowArgs),
    /// Record the selection check: P-mark or ISMS certificate, or none (manager)
    Check(supervision::CheckArgs),
    /// Set the clauses the confidentiality agreement contains (manager)
    Clauses(supervision::ClausesArgs),
    /// Allow a person at the contractor to handle the data, or no longer (manager)
    Person(supervision::PersonArgs),
    /// Schedule a yearly review, or record one done with its result (manager)
    Review(supervision::ReviewArgs),
    /// Record an incident at the contractor and what was done (manager)
    Incident(supervision::IncidentArgs),
}

#[derive(Debug, Args)]
pub struct ContractorAddArgs {
    /// Company name
    #[arg(long)]
    pub name: String,
    /// age recipient (age1…), repeatable
    #[arg(long = "recipient", value_name = "AGE1…")]
    pub recipients: Vec<String>,
    /// File of recipients, one per line (# comments allowed)
    #[arg(long, value_name = "FILE")]
    pub recipients_file: Option<PathBuf>,
    /// Date the confidentiality agreement was signed (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub agreement_signed: String,
    /// Last day the agreement is valid (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub agreement_expires: String,
    /// Postal address
    #[arg(long)]
    pub address: Option<String>,
    /// Contact person, phone or e-mail
    #[arg(long)]
    pub contact: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ContractorUpdateArgs {
    /// Contractor id (CTR-0001)
    pub id: String,
    /// New company name
    #[arg(long)]
    pub name: Option<String>,
    /// New address ("" clears it)
    #[arg(long)]
    pub address: Option<String>,
    /// New contact ("" clears it)
    #[arg(long)]
    pub contact: Option<String>,
    /// Replace all keys with these (repeatable)
    #[arg(long = "recipient", value_name = "AGE1…")]
    pub recipients: Vec<String>,
    /// Replace all keys with the ones in this file
    #[arg(long, value_name = "FILE")]
    pub recipients_file: Option<PathBuf>,
    /// Add a key (repeatable)
    #[arg(long = "add-recipient", value_name = "AGE1…")]
    pub add_recipients: Vec<String>,
    /// Remove a key (repeatable)
    #[arg(long = "remove-recipient", value_name = "AGE1…")]
    pub remove_recipients: Vec<String>,
    /// New agreement signing date
    #[arg(long, value_name = "DATE")]
    pub agreement_signed: Option<String>,
    /// New agreement expiry date
    #[arg(long, value_name = "DATE")]
    pub agreement_expires: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the identity (must not exist)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Protect the identity file with a passphrase (asked on the terminal, or read from the
    /// first line of standard input when it is not a terminal)
    #[arg(long)]
    pub passphrase: bool,
}

#[derive(Debug, Subcommand)]
pub enum LedgerCmd {
    /// Walk the hash chain and compare the tables derived from it; exit 5 naming the first
    /// bad entry or row, 0 if intact
    Verify(JsonFlag),
    /// Write the ledger as JSON lines that tools/verify_ledger_export.py (or any script with
    /// SHA-256) can verify; refuses to overwrite FILE
    Export(LedgerExportArgs),
}

#[derive(Debug, Args)]
pub struct LedgerExportArgs {
    /// The file to write (.jsonl; must not exist)
    pub file: PathBuf,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}
