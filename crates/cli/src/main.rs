//! `handover`: the office and contractor workflows from a terminal.
//!
//! Every command parses its arguments, calls one `handover_core::ops` function and prints the
//! result; the rules live in the core. Exit codes are documented in `--help` (see
//! [`args::EXIT_CODES`]).

#[macro_use]
mod term;

mod approvals;
mod args;
mod failure;
mod handovers;
mod operators;
mod policy;
mod progress;
mod receipts;
mod reports;
mod requests;
mod retention;
mod supervision;
mod vault;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use handover_core::ops::{self, Office};
use handover_core::register::{ImportOptions, MapOverride};
use handover_core::{ContractorChange, ContractorInput, DataDir};

use args::{Cli, Command, ContractorCmd, LedgerCmd};

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    // HANDOVER_OPERATOR set but empty (a script clearing it) names nobody, as if unset.
    if cli.operator.as_deref().is_some_and(|s| s.trim().is_empty()) {
        cli.operator = None;
    }
    match run(cli) {
        Ok(code) => code,
        Err(err) => failure::report(&err),
    }
}

pub(crate) fn data_dir(cli: &Cli) -> anyhow::Result<DataDir> {
    Ok(DataDir::resolve(cli.data_dir.as_deref())?)
}

pub(crate) fn open(cli: &Cli) -> anyhow::Result<Office> {
    let choice = operators::store_choice(cli)?;
    let office = match vault::key_store_sign_in(cli, &choice)? {
        Some(office) => office,
        None => {
            let password = match operators::sign_in_password(cli, &choice)? {
                Some(p) => Some(p),
                None => operators::store_password(&choice)?,
            };
            ops::open_office(
                data_dir(cli)?,
                &choice,
                password.as_ref(),
                cli.operator.as_deref(),
            )?
        }
    };
    if office.pc_keys_moved() {
        errln!(
            "note: this PC's office keys were kept in clear by an earlier version: they are now \
             encrypted for {} only; anyone else who packed on this PC runs `handover join {} \
             --keys FILE` once (a file made by `office export-keys`)",
            office.operator(),
            office.store().location()
        );
    }
    for p in office.interrupted_packs() {
        if p.recorded {
            errln!(
                "note: handover {} to {} was recorded, but its pack was killed while tidying up; \
                 nothing to undo",
                p.handover_id,
                p.out
            );
        } else {
            errln!(
                "warning: a pack to {} (would have been {}) was killed before it was recorded; {}",
                p.out,
                p.handover_id,
                if p.removed_bundle {
                    "its unrecorded bundle was deleted, so it cannot be handed over"
                } else {
                    "it left no bundle behind"
                }
            );
        }
    }
    Ok(office)
}

pub(crate) fn print_json<T: serde::Serialize>(v: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, v)?;
    writeln!(out)?;
    Ok(())
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Init(a) => operators::init(&cli, a)?,
        Command::Keys(a) => {
            let office = open(&cli)?;
            let keys = ops::office_keys(&office)?;
            if a.json {
                print_json(&keys)?;
            } else if a.allowed_signers {
                outln!("{}", keys.allowed_signers);
            } else {
                print_keys(&keys);
            }
        }
        Command::Import(a) => import(&cli, a)?,
        Command::Customers(a) => customers(&cli, a)?,
        Command::Contractor(cmd) => contractor(&cli, cmd)?,
        Command::Keygen(a) => keygen(a)?,
        Command::Prepare(a) => handovers::prepare(&cli, a)?,
        Command::Pack(a) => handovers::pack(&cli, a)?,
        Command::Approval(cmd) => approvals::approval(&cli, cmd)?,
        Command::ConfirmDestruction(a) => handovers::confirm(&cli, a)?,
        Command::Receipt(cmd) => receipts::receipt(&cli, cmd)?,
        Command::Handovers(a) => handovers::list(&cli, a)?,
        Command::Open(a) => handovers::open_bundle(&cli, a)?,
        Command::Request(cmd) => requests::request(&cli, cmd)?,
        Command::History(a) => reports::history(&cli, a)?,
        Command::Report(cmd) => reports::report(&cli, cmd)?,
        Command::Ledger(LedgerCmd::Verify(a)) => retention::verify(&cli, a)?,
        Command::Ledger(LedgerCmd::Export(a)) => retention::export(&cli, a)?,
        Command::Purge(a) => retention::purge(&cli, a)?,
        Command::Operator(cmd) => operators::operator(&cli, cmd)?,
        Command::Office(args::OfficeCmd::ExportKeys(a)) => operators::export_keys(&cli, a)?,
        Command::Office(args::OfficeCmd::Recover(a)) => vault::recover(&cli, a)?,
        Command::Office(args::OfficeCmd::Encrypt) => vault::encrypt(&cli)?,
        Command::Office(args::OfficeCmd::Rekey) => vault::rekey(&cli)?,
        Command::Office(args::OfficeCmd::Keystore(k)) => vault::key_store(&cli, k)?,
        Command::Join(a) => operators::join(&cli, a)?,
        Command::Policy(cmd) => policy::policy(&cli, cmd)?,
        Command::Store(args::StoreCmd::Copy(a)) => operators::store_copy(&cli, a)?,
        Command::Store(args::StoreCmd::Upgrade(a)) => operators::store_upgrade(&cli, a)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn import(cli: &Cli, a: &args::ImportArgs) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    let opts = ImportOptions {
        sheet: a.sheet.clone(),
        encoding: a.encoding.parse()?,
        mappings: a
            .map
            .iter()
            .map(|m| m.parse::<MapOverride>())
            .collect::<Result<_, _>>()?,
        floor_plans_dir: a.floor_plans.clone(),
        dry_run: a.dry_run,
        skip_invalid: a.skip_invalid,
    };
    let mut bar = progress::Bar::new(!a.json && std::io::stderr().is_terminal());
    let report = ops::import_register(&mut office, &a.file, &opts, &mut bar);
    bar.finish();
    let report = report?;
    if a.json {
        print_json(&report)?;
    } else {
        print_import(&report);
    }
    Ok(())
}

fn customers(cli: &Cli, a: &args::CustomersArgs) -> anyhow::Result<()> {
    let office = open(cli)?;
    let list = ops::customers(&office, a.query.as_deref().unwrap_or(""), a.limit)?;
    if a.json {
        print_json(&list)?;
    } else {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "顧客番号\t氏名\tフリガナ\t郵便番号\t住所\t電話番号\t図面"
        )?;
        for c in &list {
            let o = |v: &Option<String>| v.clone().unwrap_or_default();
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                c.customer_id,
                o(&c.name),
                o(&c.name_kana),
                o(&c.postal_code),
                o(&c.address),
                o(&c.phone),
                c.floor_plan.as_ref().map_or("", |f| f.ext.as_str())
            )?;
        }
        errln!("{} customer(s)", list.len());
    }
    Ok(())
}

fn keygen(a: &args::KeygenArgs) -> anyhow::Result<()> {
    let pass = if a.passphrase {
        Some(progress::read_passphrase()?)
    } else {
        None
    };
    let recipient = ops::keygen(&a.out, pass.as_ref())?;
    errln!(
        "Wrote the identity to {}{}. Keep it secret; send the office this public key:",
        a.out.display(),
        if pass.is_some() {
            " (passphrase-protected)"
        } else {
            ""
        }
    );
    outln!("{recipient}");
    errln!(
        "fingerprint: {}",
        handover_core::keys::recipient_fingerprint(&recipient)
    );
    Ok(())
}

pub(crate) fn print_keys(k: &handover_core::keys::OfficePublicKeys) {
    outln!("Office recipient (bundles are also encrypted to it):");
    outln!("  {}", k.recipient);
    outln!("  fingerprint {}", k.recipient_fingerprint);
    outln!("Office signing key (contractors pin it to check bundles):");
    outln!("  {}", k.signing_key);
    outln!("  fingerprint {}", k.signing_fingerprint);
    outln!(
        "allowed_signers line (ssh-keygen -Y verify -I {} -n handover):",
        k.ssh_principal
    );
    outln!("  {}", k.allowed_signers);
}

fn print_import(r: &handover_core::register::ImportReport) {
    let what = if r.dry_run {
        "Dry run (nothing changed)"
    } else {
        "Imported"
    };
    outln!(
        "{what}: {}{} — {} rows: {} added, {} updated, {} unchanged, {} rejected; {} floor plan(s)",
        r.file,
        r.sheet
            .as_ref()
            .map(|s| format!(" [sheet {s}]"))
            .unwrap_or_default(),
        r.rows,
        r.added,
        r.updated,
        r.unchanged,
        r.rejected,
        r.floor_plans
    );
    if let Some(e) = &r.encoding {
        outln!("  encoding: {e}");
    }
    if !r.dropped_payment_columns.is_empty() {
        outln!(
            "  payment columns dropped, never stored: {}",
            r.dropped_payment_columns.join(", ")
        );
    }
    if !r.unknown_columns.is_empty() {
        outln!(
            "  unknown columns ignored: {}",
            r.unknown_columns.join(", ")
        );
    }
    if r.past_retention > 0 {
        outln!(
            "  {} customer(s) whose contract ended longer ago than the policy keeps data: not \
             stored",
            r.past_retention
        );
    }
    for p in &r.problems {
        outln!("  skipped: {p}");
    }
    if let Some(seq) = r.ledger_seq {
        outln!("  recorded as ledger entry {seq}");
    }
}

fn contractor(cli: &Cli, cmd: &ContractorCmd) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    if supervision::contractor(&mut office, cmd)? {
        return Ok(());
    }
    let today = office.today();
    let read_file = |f: &Option<std::path::PathBuf>| -> anyhow::Result<Vec<String>> {
        match f {
            Some(p) => Ok(handover_core::keys::read_recipients_file(p)?),
            None => Ok(Vec::new()),
        }
    };
    let show = |c: &handover_core::Contractor, json: bool| -> anyhow::Result<()> {
        if json {
            print_json(c)
        } else {
            print_contractor(c, today);
            Ok(())
        }
    };
    match cmd {
        ContractorCmd::Add(a) => {
            let mut recipients = a.recipients.clone();
            recipients.extend(read_file(&a.recipients_file)?);
            let input = ContractorInput {
                name: a.name.clone(),
                address: a.address.clone(),
                contact: a.contact.clone(),
                recipients,
                agreement_signed: a.agreement_signed.clone(),
                agreement_expires: a.agreement_expires.clone(),
            };
            let c = ops::contractor_add(&mut office, &input)?;
            show(&c, a.json)?;
        }
        ContractorCmd::List(a) => {
            let list = ops::contractors(&office)?;
            if a.json {
                print_json(&list)?;
            } else if list.is_empty() {
                errln!("No contractors yet: add one with `handover contractor add`.");
            } else {
                for c in &list {
                    print_contractor(c, office.today());
                }
            }
        }
        ContractorCmd::Update(a) => {
            let mut replace = a.recipients.clone();
            replace.extend(read_file(&a.recipients_file)?);
            let change = ContractorChange {
                name: a.name.clone(),
                address: a.address.clone(),
                contact: a.contact.clone(),
                recipients: (!replace.is_empty()).then_some(replace),
                add_recipients: a.add_recipients.clone(),
                remove_recipients: a.remove_recipients.clone(),
                agreement_signed: a.agreement_signed.clone(),
                agreement_expires: a.agreement_expires.clone(),
            };
            let c = ops::contractor_update(&mut office, &a.id, &change)
                .with_context(|| format!("contractor {} was not changed", a.id))?;
            show(&c, a.json)?;
        }
        _ => unreachable!("the supervision subcommands are run above"),
    }
    Ok(())
}

pub(crate) fn print_contractor(c: &handover_core::Contractor, today: jiff::civil::Date) {
    use handover_core::contractors::AgreementStatus::*;
    let status = match c.agreement_status(today) {
        NotYetValid => "not yet valid",
        Valid => "valid",
        ExpiringSoon => "valid, expires within 30 days",
        Expired => "EXPIRED",
    };
    outln!("{}  {}", c.id, c.name);
    if let Some(a) = &c.address {
        outln!("  address: {a}");
    }
    if let Some(a) = &c.contact {
        outln!("  contact: {a}");
    }
    outln!(
        "  agreement: signed {}, expires {} ({status})",
        c.agreement_signed,
        c.agreement_expires
    );
    if c.recipients.is_empty() {
        outln!("  keys: none (paper or passphrase handovers only)");
    }
    for k in c.keys() {
        outln!("  key {}  fingerprint {}", k.recipient, k.fingerprint);
    }
}
