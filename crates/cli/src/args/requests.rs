//! Arguments of `handover request notify|withdraw|list`.

use clap::Args;

#[derive(Debug, Args)]
pub struct RequestNotifyArgs {
    /// Request id (REQ-2026-0001)
    pub id: String,
    /// Day the customer was told the outcome (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub date: String,
    /// How: phone, counter, mail or web
    #[arg(long)]
    pub channel: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RequestWithdrawArgs {
    /// Request id (REQ-2026-0001)
    pub id: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RequestListArgs {
    /// Only pending requests
    #[arg(long, conflicts_with = "overdue")]
    pub pending: bool,
    /// Only requests whose outcome the customer was not told within the policy's deadline
    /// (notify_deadline_days from the day received)
    #[arg(long)]
    pub overdue: bool,
    /// Only this customer's
    #[arg(long, value_name = "ID")]
    pub customer: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}
