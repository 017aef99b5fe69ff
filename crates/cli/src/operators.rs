//! The shared store from the terminal: choosing it, signing in, `init` on a server, and the
//! office's operators.

use age::secrecy::SecretString;
use anyhow::{Context, bail};
use handover_core::Error;
use handover_core::operators::Role;
use handover_core::ops::{self, StoreChoice};
use handover_core::refusal::{OperatorProblem, Refusal};

use crate::args::{Cli, ExportKeysArgs, InitArgs, JoinArgs, OperatorCmd, StoreCopyArgs};
use crate::{data_dir, open, print_json, print_keys};

/// `--store`, else `HANDOVER_STORE`, else the embedded store; `--operator` only with the latter.
pub(crate) fn store_choice(cli: &Cli) -> anyhow::Result<StoreChoice> {
    let choice = StoreChoice::from_arg_or_env(cli.store.as_deref())?;
    if let (StoreChoice::Server(t), Some(_)) = (&choice, &cli.operator) {
        return Err(
            Error::from(Refusal::Operator(OperatorProblem::OperatorOption {
                location: t.location(),
                user: t.user().to_string(),
            }))
            .into(),
        );
    }
    Ok(choice)
}

/// The operator's password when the embedded store signs people in (None for an office
/// without operators yet, or a shared store).
pub(crate) fn sign_in_password(
    cli: &Cli,
    choice: &StoreChoice,
) -> anyhow::Result<Option<SecretString>> {
    let (StoreChoice::Embedded, Some(name)) = (choice, cli.operator.as_deref()) else {
        return Ok(None);
    };
    if !ops::signs_in(&data_dir(cli)?)? {
        return Ok(None);
    }
    Ok(Some(crate::progress::read_password_once(&format!(
        "Password for {name}"
    ))?))
}

/// The store password, asked for on the terminal when the URL, `PGPASSWORD` and the password
/// file have none.
pub(crate) fn store_password(choice: &StoreChoice) -> anyhow::Result<Option<SecretString>> {
    let StoreChoice::Server(t) = choice else {
        return Ok(None);
    };
    if !choice.needs_password() {
        return Ok(None);
    }
    let pw = rpassword::prompt_password(format!("Password for {}: ", t.location())).with_context(
        || {
            format!(
                "no password for {}: set PGPASSWORD or a ~/.pgpass line, or run in a terminal",
                t.location()
            )
        },
    )?;
    Ok(Some(pw.into()))
}

/// `init`: the embedded store in the data folder, or a shared office on an empty database.
pub(crate) fn init(cli: &Cli, a: &InitArgs) -> anyhow::Result<()> {
    let json = a.json;
    let choice = store_choice(cli)?;
    let (report, shared) = match &choice {
        StoreChoice::Embedded => {
            let Some(name) = a.admin.as_deref() else {
                use clap::CommandFactory;
                Cli::command()
                    .error(
                        clap::error::ErrorKind::MissingRequiredArgument,
                        "init on this PC's store creates its first admin: `handover init --admin \
                         NAME` (the password from HANDOVER_PASSWORD, standard input, or asked \
                         twice)",
                    )
                    .exit()
            };
            let password = crate::progress::read_password(&format!("New password for {name}"))?;
            let (office, report) = ops::init_admin(data_dir(cli)?, name, &password)?;
            if !json {
                let name = office.operator();
                outln!("{name} is the office's admin and may now sign in (--operator '{name}')");
            }
            (report, None)
        }
        StoreChoice::Server(_) if a.admin.is_some() => {
            bail!("--admin is for the embedded store: on a server, its owner is the first admin")
        }
        StoreChoice::Server(t) => {
            let password = store_password(&choice)?;
            let (_, report) = ops::init_shared(data_dir(cli)?, t, password.as_ref())?;
            (report, Some(t.location()))
        }
    };
    if json {
        return print_json(&report);
    }
    match shared {
        None => outln!("Initialized the office in {}", report.data_dir),
        Some(loc) => {
            outln!("Initialized the shared office on {loc}; you are its first admin");
            outln!("This PC's office keys are in {}", report.data_dir);
        }
    }
    print_keys(&report.keys);
    if let Some(key) = &report.recovery_key {
        crate::vault::print_recovery_key(key);
    }
    Ok(())
}

pub(crate) fn operator(cli: &Cli, cmd: &OperatorCmd) -> anyhow::Result<()> {
    match cmd {
        OperatorCmd::Add(a) => {
            let role: Role = a.role.parse()?;
            if first_on_embedded(cli)? {
                return first_admin(cli, a, role);
            }
            let mut office = open(cli)?;
            let password = crate::progress::read_password(&format!("New password for {}", a.name))?;
            let e = ops::operator_add(&mut office, &a.name, role, &password)?;
            if a.json {
                print_json(
                    &serde_json::json!({ "name": a.name, "role": role, "ledgerSeq": e.seq }),
                )?;
            } else {
                outln!(
                    "{} may now sign in as {} ({})",
                    a.name,
                    role.id(),
                    role.label_ja()
                );
                errln!("recorded as ledger entry {}", e.seq);
            }
        }
        OperatorCmd::List(a) => {
            let office = open(cli)?;
            let people = ops::operator_list(&office)?;
            if a.json {
                print_json(&people)?;
            } else {
                for p in &people {
                    let state = if p.active { "" } else { "  (disabled)" };
                    outln!("{:<32} {}{state}", p.name, p.role.id());
                }
            }
        }
        OperatorCmd::Password => {
            let choice = store_choice(cli)?;
            match &choice {
                StoreChoice::Server(target) => change_login_password(cli, &choice, target)?,
                StoreChoice::Embedded => crate::vault::change_password(cli)?,
            }
        }
        OperatorCmd::Disable(a) => {
            let mut office = open(cli)?;
            let e = ops::operator_disable(&mut office, &a.name)?;
            outln!("{} can no longer sign in", a.name);
            errln!("recorded as ledger entry {}", e.seq);
        }
    }
    Ok(())
}

/// Is this `operator add` the first person of an embedded store (nobody to sign in as yet)?
fn first_on_embedded(cli: &Cli) -> anyhow::Result<bool> {
    let choice = store_choice(cli)?;
    Ok(matches!(choice, StoreChoice::Embedded) && !ops::signs_in(&data_dir(cli)?)?)
}

/// `operator add NAME --role admin` in an office with nobody yet (one made before sign-in
/// existed): the first admin, added without signing in and recorded, as `init --admin` does.
fn first_admin(cli: &Cli, a: &crate::args::OperatorAddArgs, role: Role) -> anyhow::Result<()> {
    if role != Role::Admin {
        bail!(
            "this office has nobody yet: its first person is an admin (`operator add NAME --role \
             admin`), who then signs in and adds everyone else"
        );
    }
    let dir = data_dir(cli)?;
    if !handover_core::keys::office_keys_exist(&dir) {
        bail!(
            "{} holds no office yet: a new office starts with `handover init --admin NAME`",
            dir.root().display()
        );
    }
    let password = crate::progress::read_password(&format!("New password for {}", a.name))?;
    let office = ops::first_admin(dir, &a.name, &password)?;
    let name = office.operator();
    if a.json {
        print_json(&serde_json::json!({ "name": name, "role": role, "first": true }))?;
    } else {
        outln!("{name} is the office's first admin and may now sign in (--operator '{name}')");
    }
    Ok(())
}

pub(crate) fn export_keys(cli: &Cli, a: &ExportKeysArgs) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    let passphrase = crate::progress::read_passphrase()?;
    let e = ops::export_office_keys(&mut office, &a.file, &passphrase)?;
    outln!(
        "wrote the office keys to {}, encrypted to the passphrase: give the file and the \
         passphrase separately to the PC that joins (`handover join URL --keys FILE`)",
        a.file.display()
    );
    errln!("recorded as ledger entry {}", e.seq);
    Ok(())
}

pub(crate) fn join(cli: &Cli, a: &JoinArgs) -> anyhow::Result<()> {
    if cli.store.is_some() {
        bail!("join takes the store URL as its argument; drop --store");
    }
    let choice = StoreChoice::from_arg_or_env(Some(&a.url))?;
    let password = store_password(&choice)?;
    let passphrase = crate::progress::read_passphrase_once()?;
    let office = ops::join(
        data_dir(cli)?,
        &choice,
        password.as_ref(),
        &a.keys,
        &passphrase,
    )?;
    outln!(
        "this PC is set up for the shared office {} as {}; its office keys are in {}, \
         encrypted under the password {} signs in with",
        office.store().location(),
        office.operator(),
        office.dir().root().display(),
        office.operator()
    );
    outln!(
        "from now on: --store {} (or HANDOVER_STORE), with your own password",
        office.store().location()
    );
    Ok(())
}

/// `store copy --to URL`: this one-PC office into an empty database on a server.
pub(crate) fn store_copy(cli: &Cli, a: &StoreCopyArgs) -> anyhow::Result<()> {
    let office = open(cli)?;
    let to = StoreChoice::from_arg_or_env(Some(&a.to))?;
    let StoreChoice::Server(target) = &to else {
        anyhow::bail!("--to takes a server's URL (postgres://OWNER@HOST:PORT/DB)");
    };
    let password = store_password(&to)?;
    let r = ops::store_copy(&office, target, password.as_ref())?;
    if a.json {
        return print_json(&r);
    }
    outln!("Copied this office to {}:", r.target);
    for (table, n) in &r.rows {
        outln!("  {table}: {n}");
    }
    outln!("  floor plans: {}", r.floor_plans);
    outln!(
        "Both stores verify: {} entries, head {}",
        r.entries,
        r.head.as_deref().unwrap_or("(empty ledger)")
    );
    outln!(
        "Use it with --store {0} (or HANDOVER_STORE); add people with `operator add`, and set up \
         the other PCs with `office export-keys` and `join`.",
        r.target
    );
    Ok(())
}

pub(crate) fn store_upgrade(cli: &Cli, a: &crate::args::JsonFlag) -> anyhow::Result<()> {
    let choice = store_choice(cli)?;
    let StoreChoice::Server(target) = &choice else {
        anyhow::bail!(
            "store upgrade upgrades a shared store (--store URL or HANDOVER_STORE); the embedded \
             store upgrades itself when it is opened"
        );
    };
    let password = store_password(&choice)?;
    let up = ops::store_upgrade(target, password.as_ref())?;
    if a.json {
        return print_json(&up);
    }
    if up.from == up.to {
        outln!(
            "{} is at schema version {}: nothing to do",
            target.location(),
            up.to
        );
    } else {
        outln!(
            "{} upgraded from schema version {} to {} (recorded)",
            target.location(),
            up.from,
            up.to
        );
    }
    Ok(())
}

/// `operator password` on a shared office: the login signs in with its current password
/// (typed, or from the URL, `PGPASSWORD` or `~/.pgpass`) and sets its own new one on the
/// server; this PC's wrap of the office keys follows.
fn change_login_password(
    cli: &Cli,
    choice: &StoreChoice,
    target: &handover_core::store::postgres::Target,
) -> anyhow::Result<()> {
    let typed = store_password(choice)?;
    let login = target.user().to_string();
    let new = crate::progress::read_new_password(&format!("New password for {login}"))?;
    let office = ops::change_login_password(data_dir(cli)?, choice, typed.as_ref(), &new)?;
    outln!(
        "{login} has a new password on {}: the office keys this PC keeps for you open with \
         it; on other PCs where you joined, run `handover join` again; the change is recorded \
         in the ledger",
        office.store().location()
    );
    if typed.is_none() {
        errln!(
            "note: the old password is still where it was read from (the URL, PGPASSWORD or \
             ~/.pgpass): put the new one there"
        );
    }
    Ok(())
}
