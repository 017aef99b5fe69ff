//! The handover commands: prepare, pack, confirm-destruction, handovers, open.

use std::io::IsTerminal;

use anyhow::Context;
use handover_core::Field;
use handover_core::bundle::{OpenKey, read_key_file};
use handover_core::handover::{
    ExclusionReason, ExtraField, Method, Preparation, Selection, WithheldReason,
};
use handover_core::ops::{self, Office, PackOptions};
use handover_core::receipt::ReceiptState;

use crate::args::{
    Cli, ConfirmArgs, HandoversArgs, OpenArgs, PackArgs, PrepareArgs, SelectionArgs,
};
use crate::{open, print_json, progress};

pub(crate) fn selection(
    a: &SelectionArgs,
    method: &str,
    passphrase: bool,
) -> anyhow::Result<Selection> {
    // The core's reading of pasted ids, as the app's: separators, full-width digits, repeats.
    let mut text = a.customers.join("\n");
    if let Some(f) = &a.customers_file {
        let file = std::fs::read_to_string(f)
            .with_context(|| format!("cannot read the customers file {}", f.display()))?;
        text.push('\n');
        text.push_str(&file);
    }
    let customers = handover_core::customer_ids::parse(&text);
    anyhow::ensure!(
        a.extra_fields.len() == a.reasons.len(),
        handover_core::Error::from(handover_core::refusal::Refusal::Selection(
            handover_core::refusal::SelectionProblem::ReasonsCount
        ))
    );
    let extra_fields = a
        .extra_fields
        .iter()
        .zip(&a.reasons)
        .map(|(f, r)| {
            Ok(ExtraField {
                field: f.parse::<Field>()?,
                reason: r.clone(),
            })
        })
        .collect::<Result<Vec<_>, handover_core::Error>>()?;
    Ok(Selection {
        contractor_id: a.contractor.clone(),
        work_type: a.work_type.parse()?,
        customers,
        extra_fields,
        method: method.parse::<Method>()?,
        passphrase,
    })
}

fn labels(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| f.label_ja())
        .collect::<Vec<_>>()
        .join("・")
}

fn print_preparation(p: &Preparation) {
    outln!(
        "{} → {} ({}), work: {} {}, method: {}",
        p.date,
        p.contractor.name,
        p.contractor.id,
        p.work_type.label_ja(),
        p.work_type,
        p.method.id()
    );
    outln!("fields: {}", labels(&p.fields));
    for x in &p.extra_fields {
        outln!("  extra {} — reason: {}", x.field.label_ja(), x.reason);
    }
    outln!("{} customer(s) included:", p.customers.len());
    for c in &p.customers {
        outln!(
            "  {} {}  receives: {}",
            c.customer_id,
            c.name.as_deref().unwrap_or(""),
            labels(&c.included)
        );
        for w in &c.withheld {
            let why = match &w.reason {
                WithheldReason::CustomerRequest { request_id } => {
                    format!("customer's request {request_id}")
                }
                WithheldReason::NotNeeded => continue,
                WithheldReason::NoData => "no data in the register".into(),
            };
            outln!("    withheld {}: {why}", w.field.label_ja());
        }
    }
    if !p.excluded.is_empty() {
        outln!("{} customer(s) excluded:", p.excluded.len());
        for e in &p.excluded {
            let why = match &e.reason {
                ExclusionReason::UnknownCustomer => "not in the register".to_string(),
                ExclusionReason::Duplicate => "listed twice".into(),
                ExclusionReason::OptOut { request_id, status } => {
                    format!("opt-out request {request_id} ({})", status.as_str())
                }
                ExclusionReason::MissingRequired { field } => {
                    format!("no {} in the register", field.label_ja())
                }
            };
            outln!("  {}: {why}", e.customer_id);
        }
    }
}

pub fn prepare(cli: &crate::args::Cli, a: &PrepareArgs) -> anyhow::Result<()> {
    let office = open(cli)?;
    let sel = selection(&a.selection, &a.method, a.passphrase)?;
    let p = ops::prepare(&office, &sel)?;
    if a.json {
        print_json(&p)
    } else {
        print_preparation(&p);
        Ok(())
    }
}

pub fn pack(cli: &crate::args::Cli, a: &PackArgs) -> anyhow::Result<()> {
    let mut office: Office = open(cli)?;
    let sel = selection(&a.selection, &a.method, a.passphrase_stdin)?;
    let passphrase = if a.passphrase_stdin {
        Some(progress::read_passphrase()?)
    } else {
        None
    };
    let opts = PackOptions {
        out: a.out.clone(),
        armor: a.armor,
        return_by: a.return_by.clone(),
        passphrase,
        approval: a.approval.clone(),
        insecure_work_factor: None,
    };
    let mut bar = progress::Bar::new(!a.json && std::io::stderr().is_terminal());
    let r = ops::pack(&mut office, &sel, &opts, &mut bar);
    bar.finish();
    let r = r?;
    if a.json {
        return print_json(&r);
    }
    outln!("{}", r.handover_id);
    errln!(
        "wrote {} ({} bytes, {}; {} customer(s), {} excluded), return or destroy by {}",
        r.path,
        r.size,
        r.encryption,
        r.customers,
        r.excluded.len(),
        r.return_by
    );
    errln!("sha256 {}", r.sha256);
    if let Some(ap) = &r.approval {
        errln!("{}", approved_by(ap));
    }
    if let Some(sig) = &r.signature {
        errln!("signed {sig} (ssh-keygen -Y verify -n handover; see `handover keys`)");
    }
    let lang = crate::failure::lang();
    for w in &r.warnings {
        match lang {
            handover_core::report::Lang::Ja => errln!("注意: {}", w.text(lang)),
            handover_core::report::Lang::En => errln!("warning: {}", w.text(lang)),
        }
    }
    errln!("recorded as ledger entry {}", r.ledger_seq);
    Ok(())
}

/// "approved by X on YYYY年M月D日 HH:MM (APR-…)": the manifest's approval, for people.
fn approved_by(ap: &handover_core::bundle::ManifestApproval) -> String {
    format!(
        "approved by {} on {} ({})",
        ap.approved_by,
        handover_core::dates::japanese_date_time(&ap.approved_at),
        ap.id
    )
}

pub fn confirm(cli: &crate::args::Cli, a: &ConfirmArgs) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    let h = ops::confirm_destruction(&mut office, &a.id, &a.date, a.note.as_deref())?;
    let on = h.closed_on.map(|d| d.to_string()).unwrap_or_default();
    outln!("{} closed on {on}", h.id);
    Ok(())
}

pub fn list(cli: &crate::args::Cli, a: &HandoversArgs) -> anyhow::Result<()> {
    let office = open(cli)?;
    let list = if a.overdue {
        ops::overdue_handovers(&office)?
    } else {
        ops::handovers(&office)?
    };
    if a.json {
        return print_json(&list);
    }
    let receipts = ops::receipt_status(&office)?;
    for h in &list {
        let r = receipts.get(&h.id).cloned().unwrap_or_default();
        let closed = h.closed_on.map(|d| d.to_string()).unwrap_or_default();
        let state = match r.state(h) {
            ReceiptState::Destroyed => format!("closed {closed} (destruction receipt)"),
            ReceiptState::ByHand => format!("closed {closed} (by hand)"),
            ReceiptState::Received => {
                format!("OPEN, received {}", r.received_on.unwrap_or_default())
            }
            ReceiptState::NoReceipt => "OPEN, no receipt".to_string(),
        };
        outln!(
            "{}  {}  {}  {}  {}  {} customer(s)  return by {}  {state}",
            h.id,
            handover_core::history::local_date(h.created_at),
            h.contractor_id,
            h.work_type,
            h.method,
            h.customers.len(),
            h.return_by,
        );
    }
    errln!("{} handover(s)", list.len());
    Ok(())
}

/// The key that opens a bundle: the passphrase from standard input, or the identity file (asking
/// its passphrase if it has one).
pub(crate) fn open_key(
    identity: Option<&std::path::Path>,
    passphrase_stdin: bool,
) -> anyhow::Result<OpenKey> {
    if passphrase_stdin {
        return Ok(OpenKey::Passphrase(progress::read_passphrase_once()?));
    }
    let path = identity.context("give --identity FILE or --passphrase-stdin")?;
    let keys = match read_key_file(path, None) {
        Err(handover_core::Error::IdentityPassphraseRequired(_)) => {
            let pass = progress::read_passphrase_once()?;
            read_key_file(path, Some(&pass))?
        }
        other => other?,
    };
    // A key on hardware asks for its PIN or a touch on the terminal.
    let prompts = std::sync::Arc::new(progress::TerminalPrompts);
    Ok(OpenKey::Keys { keys, prompts })
}

/// `handover open`: a contractor opens a bundle with their key and the office's signing key;
/// with `--office`, the office opens one of its own with its escrow key, signed in and recorded.
pub fn open_bundle(cli: &Cli, a: &OpenArgs) -> anyhow::Result<()> {
    // Ctrl-C, SIGTERM or SIGHUP: stop, remove the staging folder (it may hold customers.csv).
    handover_core::bundle::exit_cleanly_on_signals(|p| {
        errln!(
            "interrupted: removed the partly extracted files in {}",
            p.display()
        );
    });
    let b = if a.office {
        let mut office = open(cli)?;
        ops::office_open_bundle(&mut office, &a.bundle, a.out.as_deref())?
    } else {
        let key = open_key(a.identity.as_deref(), a.passphrase_stdin)?;
        let trust = a.trust.as_deref().context("give --trust KEY")?;
        ops::open_bundle(&a.bundle, key, trust, a.out.as_deref(), a.past_return_date)?
    };
    print_opened(&b, a)
}

fn print_opened(b: &handover_core::bundle::OpenedBundle, a: &OpenArgs) -> anyhow::Result<()> {
    for p in &b.removed_stale {
        errln!(
            "removed {}: plaintext left by an earlier open that was killed before it could clean up",
            p.display()
        );
    }
    if a.json {
        return print_json(b);
    }
    let m = &b.manifest;
    outln!("Verified: signed by the trusted office key; every file matches the manifest.");
    outln!(
        "handover {}  created {}  by {}",
        m.handover_id,
        m.created.get(..10).unwrap_or(&m.created),
        m.operator
    );
    outln!(
        "contractor {} ({})  work {}  return or destroy by {}",
        m.contractor.name,
        m.contractor.id,
        m.work_type,
        m.return_by
    );
    if let Some(ap) = &m.approval {
        outln!("{}", approved_by(ap));
    }
    if b.opened_past_return_date {
        errln!(
            "opened past its return-or-destroy date ({}), as you asked (--past-return-date)",
            m.return_by
        );
    }
    outln!("{} customer(s):", b.customers.len());
    for c in &b.customers {
        let vals: Vec<String> = c.values.iter().map(|v| v.value.clone()).collect();
        outln!("  {}", vals.join("  "));
    }
    if let Some(out) = &a.out {
        errln!(
            "wrote {} file(s) to {} — this is plaintext customer data: keep it safe and destroy it after the work",
            b.written.len(),
            out.display()
        );
    }
    Ok(())
}
