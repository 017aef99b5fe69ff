//! `handover receipt received|destroyed|import`.

use handover_core::ops::{self, ReceiptInput};
use handover_core::receipt::ReceiptKind;
use handover_core::report::Lang;

use crate::args::receipts::{ImportReceiptArgs, MakeReceiptArgs, ReceiptCmd};
use crate::{open, print_json};

pub fn receipt(cli: &crate::args::Cli, cmd: &ReceiptCmd) -> anyhow::Result<()> {
    match cmd {
        ReceiptCmd::Received(a) => make(ReceiptKind::Received, a),
        ReceiptCmd::Destroyed(a) => make(ReceiptKind::Destroyed, a),
        ReceiptCmd::Import(a) => import(cli, a),
    }
}

fn make(kind: ReceiptKind, a: &MakeReceiptArgs) -> anyhow::Result<()> {
    let key = crate::handovers::open_key(a.identity.as_deref(), a.passphrase_stdin)?;
    let input = ReceiptInput {
        kind,
        by: a.by.clone(),
        on: a.on.clone(),
        extracted: a.extracted.clone(),
        note: a.note.clone(),
    };
    let made = ops::make_receipt(&a.bundle, key, &a.trust, &input, &a.out)?;
    if a.json {
        return print_json(&made);
    }
    let r = &made.receipt;
    outln!("{}", made.path);
    errln!(
        "{} receipt for {} ({} bytes): send this file to the office",
        r.kind.id(),
        r.handover_id,
        made.size
    );
    for f in &r.deleted {
        errln!("deleted {f}");
    }
    let lang = crate::failure::lang();
    for f in &r.not_deleted {
        let why = f.reason.text(lang);
        match lang {
            Lang::Ja => errln!("削除できなかったもの {}: {why}", f.path),
            Lang::En => errln!("not deleted {}: {why}", f.path),
        }
    }
    if kind == ReceiptKind::Destroyed {
        errln!(
            "the app deletes only what it extracted: destroy printed copies, other copies and \
             the bundle file yourself (say how with --note)"
        );
    }
    Ok(())
}

fn import(cli: &crate::args::Cli, a: &ImportReceiptArgs) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    let done = ops::import_receipts(&mut office, &a.files)?;
    if a.json {
        return print_json(&done);
    }
    for d in &done {
        let r = &d.receipt;
        let closed = if d.closed { ", handover closed" } else { "" };
        outln!(
            "{}: {} on {} by {} (ledger entry {}{closed})",
            r.handover_id,
            r.kind.id(),
            r.on,
            r.by,
            d.ledger_seq
        );
    }
    Ok(())
}
