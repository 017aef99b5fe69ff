//! Arguments of `handover receipt received|destroyed|import`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ReceiptCmd {
    /// Contractor: make a receipt saying the bundle arrived (受領), for the office
    Received(MakeReceiptArgs),
    /// Contractor: delete the files `open --out` extracted, and make a destruction receipt (廃棄)
    Destroyed(MakeReceiptArgs),
    /// Office: check receipt files and record them; a destruction receipt closes the handover
    Import(ImportReceiptArgs),
}

#[derive(Debug, Args)]
pub struct MakeReceiptArgs {
    /// The bundle (.age) the receipt is for
    pub bundle: PathBuf,
    /// Your age identity file (plain or passphrase-protected)
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "passphrase_stdin"
    )]
    pub identity: Option<PathBuf>,
    /// Read the bundle passphrase from standard input
    #[arg(long, conflicts_with = "identity")]
    pub passphrase_stdin: bool,
    /// The office's signing key (ed25519:…), or a file holding it
    #[arg(long, value_name = "KEY")]
    pub trust: String,
    /// Who makes the receipt (your name)
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// The day it happened (YYYY-MM-DD; today if not given)
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// A folder `open --out` extracted into: its files of this bundle are deleted (repeat for
    /// each folder)
    #[arg(long, value_name = "DIR")]
    pub extracted: Vec<PathBuf>,
    /// How other copies were destroyed (printed paper, copies made outside the app)
    #[arg(long)]
    pub note: Option<String>,
    /// Where to write the receipt file (send it to the office)
    #[arg(long, value_name = "RECEIPT")]
    pub out: PathBuf,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ImportReceiptArgs {
    /// Receipt files from contractors
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}
