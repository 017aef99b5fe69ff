//! Encryption at rest from the terminal (issue 14): the recovery key printed once at `init`,
//! `office recover`, `operator password`, and `office encrypt` for an office of an earlier
//! version.

use std::io::IsTerminal;

use age::secrecy::ExposeSecret;
use anyhow::Context;
use handover_core::ops;

use crate::args::{Cli, KeystoreCmd, RecoverArgs};
use crate::data_dir;
use handover_core::os_key_store::OsKeyStore;

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

/// `operator password`: the signed-in person (`--operator`) changes their own password. The
/// current one signs in (as for every command) and is checked again by the core, which wraps
/// the data key under the new one; a wrong current password changes nothing.
pub(crate) fn change_password(cli: &Cli) -> anyhow::Result<()> {
    let choice = ops::StoreChoice::from_arg_or_env(cli.store.as_deref())?;
    if !matches!(choice, ops::StoreChoice::Embedded) {
        anyhow::bail!("a shared office's `operator password` is the login's own (operators.rs)");
    }
    let Some(name) = cli.operator.as_deref() else {
        anyhow::bail!("say who you are: `handover --operator NAME operator password`");
    };
    let current = crate::progress::read_password_once(&format!("Current password for {name}"))?;
    let mut office = ops::open_office(data_dir(cli)?, &choice, Some(&current), Some(name))?;
    let new = crate::progress::read_new_password(&format!("New password for {name}"))?;
    ops::change_password(&mut office, &current, &new)?;
    outln!(
        "{} has a new password: the office's key is wrapped under it (the data is not \
         re-encrypted); the change is recorded in the ledger",
        office.operator()
    );
    Ok(())
}

/// `office encrypt`: convert an office whose store is still a plain file, signed in as the
/// operator; the person runs it, which is their consent.
pub(crate) fn encrypt(cli: &Cli) -> anyhow::Result<()> {
    let name = cli
        .operator
        .as_deref()
        .context("say who you are: --operator NAME (or HANDOVER_OPERATOR)")?;
    let password = crate::progress::read_password_once(&format!("Password for {name}"))?;
    let mut bar = crate::progress::Bar::new(std::io::stderr().is_terminal());
    let res = ops::encrypt_office(data_dir(cli)?, name, &password, &mut bar);
    bar.finish();
    let (office, report) = res?;
    match report {
        Some(r) => {
            outln!(
                "The office's store is encrypted at rest: {} ledger entries and {} customers \
                 carried over and verified; the plain file was overwritten and removed",
                r.entries,
                r.customers
            );
            outln!("floor plans and key files encrypted: {}", r.files);
            outln!("head: {}", r.head.as_deref().unwrap_or("-"));
            outln!("recorded; signed in as {}", office.operator());
        }
        None => outln!("The office's store is already encrypted at rest: nothing to do"),
    }
    Ok(())
}

/// `office rekey`: the signed-in admin replaces the data key; the new recovery key is printed
/// once, with who needs a new password.
pub(crate) fn rekey(cli: &Cli) -> anyhow::Result<()> {
    let name = cli
        .operator
        .as_deref()
        .context("say who you are: --operator NAME (or HANDOVER_OPERATOR)")?;
    let password = crate::progress::read_password_once(&format!("Password for {name}"))?;
    let office = ops::sign_in(data_dir(cli)?, name, &password)?;
    let mut bar = crate::progress::Bar::new(std::io::stderr().is_terminal());
    let res = ops::rekey(office, &password, &mut bar);
    bar.finish();
    let (_, report) = res?;
    outln!(
        "The office's data key was replaced: the store ({} ledger entries, verified), {} floor \
         plan(s) and the secret key files are encrypted under the new one; recorded",
        report.entries,
        report.floor_plans
    );
    print_recovery_key(&report.recovery_key);
    if !report.need_new_password.is_empty() {
        outln!(
            "These operators' passwords opened only the old key; give each a new one with the \
             new recovery key (handover office recover NAME): {}",
            report.need_new_password.join(", ")
        );
    }
    Ok(())
}

/// Sign in without typing when this PC's key store may open the office for `--operator`: an
/// embedded office, HANDOVER_PASSWORD not given (a password given is used), and a key store
/// wrap for them in the vault. If the key store cannot open it, say why and fall back to the
/// password (None); a refusal of the sign-in itself (a disabled operator) is the answer.
pub(crate) fn key_store_sign_in(
    cli: &Cli,
    choice: &ops::StoreChoice,
) -> anyhow::Result<Option<ops::Office>> {
    let (ops::StoreChoice::Embedded, Some(name)) = (choice, cli.operator.as_deref()) else {
        return Ok(None);
    };
    if std::env::var_os("HANDOVER_PASSWORD").is_some() {
        return Ok(None);
    }
    let dir = data_dir(cli)?;
    let Ok(name) = handover_core::operators::check_name(name) else {
        return Ok(None);
    };
    if !ops::key_store_operators(&dir)?.contains(&name) {
        return Ok(None);
    }
    match ops::sign_in_with_key_store(dir, &name, &OsKeyStore) {
        Ok(office) => Ok(Some(office)),
        Err(
            e @ (handover_core::Error::KeyStoreNoEntry { .. }
            | handover_core::Error::KeyStoreUnavailable { .. }),
        ) => {
            errln!("note: {e}");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// `office keystore on|off|status`.
pub(crate) fn key_store(cli: &Cli, cmd: &KeystoreCmd) -> anyhow::Result<()> {
    let status = match cmd {
        KeystoreCmd::On => {
            let mut office = crate::open(cli)?;
            let st = ops::remember_on_this_pc(&mut office, &OsKeyStore)?;
            outln!(
                "{} now opens the office on this PC without typing (kept in {}); recorded. \
                 Whoever has this PC and its computer account opens it too: a lost PC is then \
                 reported as a leak (report leak --lost-device says so)",
                office.operator(),
                st.kind
            );
            st
        }
        KeystoreCmd::Off => {
            let mut office = crate::open(cli)?;
            let st = ops::forget_on_this_pc(&mut office, &OsKeyStore)?;
            outln!(
                "{} opens the office on this PC with the password only",
                office.operator()
            );
            st
        }
        KeystoreCmd::Status(j) => {
            let st = ops::key_store_status(&data_dir(cli)?, &OsKeyStore)?;
            if j.json {
                return crate::print_json(&st);
            }
            st
        }
    };
    match status.operators.as_slice() {
        [] => outln!("nobody opens the office on this PC without typing"),
        names => outln!(
            "opening on this PC without typing ({}): {}",
            status.kind,
            names.join(", ")
        ),
    }
    Ok(())
}
