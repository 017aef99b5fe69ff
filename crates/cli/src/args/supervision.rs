//! Arguments of the supervision record (`handover contractor check|clauses|person|review|
//! incident|show`) and of `handover report supervision`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Contractor id (CTR-0001)
    pub id: String,
    /// The certification seen: P-mark, ISMS or none
    #[arg(long, value_name = "KIND", value_parser = ["pmark", "isms", "none"])]
    pub cert: String,
    /// The certificate's registration number (P-mark, ISMS)
    #[arg(long, value_name = "N")]
    pub number: Option<String>,
    /// The certificate's last valid day (YYYY-MM-DD; P-mark, ISMS)
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    /// The day it was checked [default: today]
    #[arg(long, value_name = "DATE")]
    pub checked_on: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ClausesArgs {
    /// Contractor id (CTR-0001)
    pub id: String,
    /// The clauses the agreement contains, comma-separated (replaces the list; "" for none):
    /// purpose_limited, no_reprovision, subcontracting_with_consent, incident_reporting,
    /// audit_right, return_or_deletion
    #[arg(long, value_name = "A,B,…", value_delimiter = ',', num_args = 0..)]
    pub set: Vec<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PersonAction {
    /// Allow the person to handle the data
    Add,
    /// No longer allow the person
    Remove,
}

#[derive(Debug, Args)]
pub struct PersonArgs {
    /// Contractor id (CTR-0001)
    pub id: String,
    /// add or remove
    pub action: PersonAction,
    /// The person's name
    pub name: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Contractor id (CTR-0001)
    pub id: String,
    /// The review's due date (schedules it, or names the one done)
    #[arg(long, value_name = "DATE")]
    pub due: String,
    /// The day it was done (with --result)
    #[arg(long, value_name = "DATE", requires = "result")]
    pub done: Option<String>,
    /// Its result
    #[arg(long, value_parser = ["ok", "issues"], requires = "done")]
    pub result: Option<String>,
    /// What was found and agreed (needed with --result issues)
    #[arg(long, value_name = "TEXT", requires = "done")]
    pub notes: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IncidentArgs {
    /// Contractor id (CTR-0001)
    pub id: String,
    /// The day it happened
    #[arg(long, value_name = "DATE")]
    pub on: String,
    /// What happened
    #[arg(long, value_name = "TEXT")]
    pub what: String,
    /// What was done about it
    #[arg(long, value_name = "TEXT")]
    pub action: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Contractor id (CTR-0001)
    pub id: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// A printable page
    Html,
    /// An Excel workbook, one sheet per part
    Xlsx,
}

#[derive(Debug, Args)]
pub struct SupervisionReportArgs {
    /// Contractor id (CTR-0001)
    pub id: String,
    /// From this day, inclusive (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// To this day, inclusive (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// html (print) or xlsx
    #[arg(long)]
    pub format: ReportFormat,
    /// Where to write it (must not exist)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Language of the labels: ja or en
    #[arg(long, default_value = "ja")]
    pub lang: String,
}
