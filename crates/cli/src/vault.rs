//! Encryption at rest from the terminal (issue 14): the recovery key printed once at `init`,
//! and `office recover`.

use age::secrecy::ExposeSecret;
use handover_core::ops;

use crate::args::{Cli, RecoverArgs};
use crate::data_dir;

/// The recovery key of a new office, printed once with what to do with it.
pub(crate) fn print_recovery_key(key: &str) {
    outln!("Recovery key (shown only now; print or write it down and keep it in the office safe):");
    outln!("  {key}");
    outln!(
        "It unlocks the office's data when every password is lost: handover office recover NAME"
    );
}

/// `office recover NAME`: a new password for NAME with the recovery key; NAME is signed in.
pub(crate) fn recover(cli: &Cli, a: &RecoverArgs) -> anyhow::Result<()> {
    let key = crate::progress::read_recovery_key()?;
    let password = crate::progress::read_password(&format!("New password for {}", a.name))?;
    let office = ops::recover_operator(data_dir(cli)?, key.expose_secret(), &a.name, &password)?;
    outln!(
        "{} has a new password and is signed in; the change is recorded in the ledger",
        office.operator()
    );
    Ok(())
}
