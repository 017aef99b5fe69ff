//! Arguments of `handover approval request|list|show|approve|reject` (上長承認).

use clap::{Args, Subcommand};

use super::PrepareArgs;

#[derive(Debug, Subcommand)]
pub enum ApprovalCmd {
    /// Ask a manager to approve exactly what this selection prepares to now (prints the
    /// approval id); pack it later with `pack --approval ID`
    Request(ApprovalRequestArgs),
    /// List approval requests, newest first, with their state
    List(ApprovalListArgs),
    /// Show one request: what it asks for, why, and what became of it
    Show(ApprovalIdArgs),
    /// Approve a pending request (a manager who did not ask it)
    Approve(ApprovalIdArgs),
    /// Reject a pending request with a reason (a manager who did not ask it)
    Reject(ApprovalRejectArgs),
}

/// The selection of `prepare` (`--json` prints `{"id": …}`); a passphrase bundle's
/// passphrase is given at pack.
#[derive(Debug, Args)]
pub struct ApprovalRequestArgs {
    #[command(flatten)]
    pub prepare: PrepareArgs,
    /// Return-or-destroy date (default from the policy)
    #[arg(long, value_name = "DATE")]
    pub return_by: Option<String>,
}

#[derive(Debug, Args)]
pub struct ApprovalListArgs {
    /// Only requests waiting for a decision
    #[arg(long)]
    pub pending: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ApprovalIdArgs {
    /// Approval id (APR-2026-0001)
    pub id: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ApprovalRejectArgs {
    /// Approval id (APR-2026-0001)
    pub id: String,
    /// Why (the person who asked reads it; recorded)
    #[arg(long)]
    pub reason: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}
