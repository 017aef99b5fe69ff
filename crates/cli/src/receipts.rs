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
    outln!("{}", made.path);
    said(&made, crate::failure::lang());
    Ok(())
}

/// What a receipt made says to the contractor, in the terminal's language (stderr; stdout has
/// only the file's path).
fn said(made: &ops::ReceiptMade, lang: Lang) {
    let r = &made.receipt;
    let (id, size) = (&r.handover_id, made.size);
    match (lang, r.kind) {
        (Lang::Ja, ReceiptKind::Received) => {
            errln!("{id} の受領証（{size} バイト）: このファイルを事務所に送ってください")
        }
        (Lang::Ja, ReceiptKind::Destroyed) => {
            errln!("{id} の廃棄証明（{size} バイト）: このファイルを事務所に送ってください")
        }
        (Lang::En, kind) => errln!(
            "{} receipt for {id} ({size} bytes): send this file to the office",
            kind.id()
        ),
    }
    for f in &r.deleted {
        match lang {
            Lang::Ja => errln!("削除しました {f}"),
            Lang::En => errln!("deleted {f}"),
        }
    }
    for f in &r.not_deleted {
        let why = f.reason.text(lang);
        match lang {
            Lang::Ja => errln!("削除できなかったもの {}: {why}", f.path),
            Lang::En => errln!("not deleted {}: {why}", f.path),
        }
    }
    if r.kind == ReceiptKind::Destroyed {
        match lang {
            Lang::Ja => errln!(
                "アプリが削除するのは自分で取り出したファイルだけです。印刷物・ほかのコピー・引渡しファイル\
                 そのものはご自身で廃棄してください（方法は --note に書けます）"
            ),
            Lang::En => errln!(
                "the app deletes only what it extracted: destroy printed copies, other copies and \
                 the bundle file yourself (say how with --note)"
            ),
        }
    }
}

fn import(cli: &crate::args::Cli, a: &ImportReceiptArgs) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    let done = ops::import_receipts(&mut office, &a.files)?;
    if a.json {
        return print_json(&done);
    }
    let lang = crate::failure::lang();
    for d in &done {
        let r = &d.receipt;
        let (id, on, by, seq) = (&r.handover_id, &r.on, &r.by, d.ledger_seq);
        match lang {
            Lang::Ja => {
                let what = match r.kind {
                    ReceiptKind::Received => "受領",
                    ReceiptKind::Destroyed => "廃棄",
                };
                let closed = if d.closed {
                    "、引き渡しを完了"
                } else {
                    ""
                };
                outln!("{id}: {on} {what}（{by}、台帳の記録 {seq}{closed}）");
            }
            Lang::En => {
                let closed = if d.closed { ", handover closed" } else { "" };
                outln!(
                    "{id}: {} on {on} by {by} (ledger entry {seq}{closed})",
                    r.kind.id()
                );
            }
        }
    }
    Ok(())
}
