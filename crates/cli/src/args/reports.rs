//! Arguments of `handover history` and `handover report`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only this customer's provisions
    #[arg(long, value_name = "ID")]
    pub customer: Option<String>,
    /// Only this contractor's (CTR-0001)
    #[arg(long, value_name = "ID")]
    pub contractor: Option<String>,
    /// Only this work type
    #[arg(long, value_name = "TYPE")]
    pub work_type: Option<String>,
    /// From this day, inclusive (YYYY-MM-DD, the office's local date)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// To this day, inclusive (YYYY-MM-DD, the office's local date)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    /// Write a CSV file (UTF-8 with BOM, opens in Excel)
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write an XLSX workbook
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    /// Language of the CSV/XLSX headers: ja or en
    #[arg(long, default_value = "ja")]
    pub lang: String,
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// A customer's disclosure record: every provision of their data, their requests
    Customer(CustomerReportArgs),
    /// After a contractor reports a loss: affected customers, fields, triggers, deadlines
    Leak(LeakArgs),
    /// Handovers past their return-or-destroy date, and requests overdue
    Overdue(super::JsonFlag),
    /// A contractor's supervision evidence over a period (manager): agreement and clauses,
    /// selection check, reviews, handovers with receipts, overdue returns, incidents
    Supervision(super::supervision::SupervisionReportArgs),
    /// The record of use (操作記録): who looked at or wrote out customer data, by operator and
    /// period (managers and admins)
    Usage(UsageArgs),
}

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// Only this operator's uses (`--operator` is who signs in)
    #[arg(long = "by", value_name = "NAME")]
    pub by: Option<String>,
    /// From this day (YYYY-MM-DD, inclusive)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// To this day (YYYY-MM-DD, inclusive)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// The file's format
    #[arg(long, value_parser = ["csv", "xlsx"], requires = "out")]
    pub format: Option<String>,
    /// Write the report to this new file (with --format)
    #[arg(long, value_name = "FILE", requires = "format")]
    pub out: Option<PathBuf>,
    /// Headers and labels: ja or en
    #[arg(long, default_value = "ja")]
    pub lang: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CustomerReportArgs {
    /// Customer number
    pub customer: String,
    /// Write the printable record (Japanese HTML) to this file
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LeakArgs {
    /// A lost handover (repeatable, or comma-separated)
    #[arg(
        long = "handover",
        value_name = "ID",
        value_delimiter = ',',
        required_unless_present_any = ["contractor", "lost_device"],
        conflicts_with_all = ["contractor", "lost_device"]
    )]
    pub handovers: Vec<String>,
    /// Every handover to this contractor (CTR-0001)
    #[arg(long, value_name = "ID", conflicts_with = "lost_device")]
    pub contractor: Option<String>,
    /// An office PC or medium holding this data folder was lost: lists the customers whose
    /// data was on it and whether its encryption exempts it, with the reasoning (run it on the
    /// restored backup of a lost PC's folder; on a shared office, on any PC)
    #[arg(long)]
    pub lost_device: bool,
    /// With --contractor: from this day, inclusive
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// With --contractor: to this day, inclusive
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Malice is suspected (theft, unauthorized access…): a manager's judgement
    #[arg(long)]
    pub malice: bool,
    /// The decryption key, the passphrase or opened files were lost too (no encryption
    /// exemption)
    #[arg(long)]
    pub keys_lost: bool,
    /// The day the office became aware of the loss [default: today]
    #[arg(long, value_name = "DATE")]
    pub aware: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
    /// Write the printable report (Japanese HTML)
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write an XLSX workbook (summary, customers, counts, handovers, notification list)
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    /// Language of the XLSX headers: ja or en
    #[arg(long, default_value = "ja")]
    pub lang: String,
    /// Do not record the report in the ledger (a preview)
    #[arg(long)]
    pub no_record: bool,
}
