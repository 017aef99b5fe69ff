//! `handover approval …`: 上長承認, a manager's approval before data leaves.

use handover_core::approvals::{Approval, ApprovalStatus, ApprovedContent};
use handover_core::dates::japanese_date_time;
use handover_core::ops::{self, ApprovalView};

use crate::args::Cli;
use crate::args::approvals::{
    ApprovalCmd, ApprovalIdArgs, ApprovalListArgs, ApprovalRejectArgs, ApprovalRequestArgs,
};
use crate::{open, print_json};

pub fn approval(cli: &Cli, cmd: &ApprovalCmd) -> anyhow::Result<()> {
    match cmd {
        ApprovalCmd::Request(a) => request(cli, a),
        ApprovalCmd::List(a) => list(cli, a),
        ApprovalCmd::Show(a) => show(cli, a),
        ApprovalCmd::Approve(a) => {
            let mut office = open(cli)?;
            let r = ops::approval_approve(&mut office, &a.id)?;
            decided(&r, a.json)
        }
        ApprovalCmd::Reject(a) => reject(cli, a),
    }
}

fn request(cli: &Cli, a: &ApprovalRequestArgs) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    let p = &a.prepare;
    let sel = crate::handovers::selection(&p.selection, &p.method, p.passphrase)?;
    let r = ops::approval_request(&mut office, &sel, a.return_by.as_deref())?;
    if p.json {
        return print_json(&serde_json::json!({ "id": r.id }));
    }
    outln!("{}", r.id);
    let lang = crate::failure::lang();
    if r.ask.rules.is_empty() {
        errln!("requested (the policy does not require an approval for this handover)");
    } else {
        errln!(
            "requested: {}",
            handover_core::approvals::rules_text(&r.ask.rules, lang)
        );
    }
    errln!(
        "a manager other than {} approves it before {}; then pack with --approval {}",
        r.requested_by,
        japanese_date_time(&r.expires_at),
        r.id
    );
    Ok(())
}

fn reject(cli: &Cli, a: &ApprovalRejectArgs) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    let r = ops::approval_reject(&mut office, &a.id, &a.reason)?;
    decided(&r, a.json)
}

fn decided(r: &Approval, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(r);
    }
    outln!("{} {}", r.id, r.status.id());
    if r.status == ApprovalStatus::Approved {
        errln!(
            "{} may pack it once, before {}",
            r.requested_by,
            japanese_date_time(&r.expires_at)
        );
    }
    Ok(())
}

fn state(v: &ApprovalView) -> String {
    let a = &v.approval;
    let by = a.decided_by.as_deref().unwrap_or("");
    match a.status {
        _ if v.expired => format!("expired {}", japanese_date_time(&a.expires_at)),
        ApprovalStatus::Pending => "pending".into(),
        ApprovalStatus::Approved => format!("approved by {by}"),
        ApprovalStatus::Rejected => format!(
            "rejected by {by}: {}",
            a.reason.as_deref().unwrap_or_default()
        ),
        ApprovalStatus::Used => format!(
            "approved by {by}, used by {}",
            a.handover_id.as_deref().unwrap_or_default()
        ),
    }
}

fn list(cli: &Cli, a: &ApprovalListArgs) -> anyhow::Result<()> {
    let office = open(cli)?;
    let list = ops::approvals(&office, a.pending)?;
    if a.json {
        return print_json(&list);
    }
    for v in &list {
        let x = &v.approval;
        let c = &x.ask.content;
        outln!(
            "{}  {}  by {}  {} ({})  {}  {}  {} customer(s)  {}",
            x.id,
            japanese_date_time(&x.requested_at),
            x.requested_by,
            c.contractor_name,
            c.contractor_id,
            c.work_type,
            c.method.id(),
            c.customers.len(),
            state(v)
        );
    }
    errln!("{} approval request(s)", list.len());
    Ok(())
}

fn show(cli: &Cli, a: &ApprovalIdArgs) -> anyhow::Result<()> {
    let office = open(cli)?;
    let v = ops::approvals(&office, false)?
        .into_iter()
        .find(|v| v.approval.id == a.id.trim())
        .ok_or_else(|| handover_core::Error::UnknownApproval(a.id.trim().to_string()))?;
    if a.json {
        return print_json(&v);
    }
    let x = &v.approval;
    outln!(
        "{}  requested by {} on {}  {}",
        x.id,
        x.requested_by,
        japanese_date_time(&x.requested_at),
        state(&v)
    );
    let lang = crate::failure::lang();
    if !x.ask.rules.is_empty() {
        outln!(
            "needed for: {}",
            handover_core::approvals::rules_text(&x.ask.rules, lang)
        );
    }
    print_content(&x.ask.content);
    outln!("digest {}", x.ask.digest);
    Ok(())
}

fn print_content(c: &ApprovedContent) {
    outln!(
        "{} ({}), work: {} {}, method: {} ({}), return or destroy by {}",
        c.contractor_name,
        c.contractor_id,
        c.work_type.label_ja(),
        c.work_type,
        c.method.id(),
        c.encryption.id(),
        c.return_by
    );
    for k in &c.key_fingerprints {
        outln!("  key {k}");
    }
    for x in &c.extra_fields {
        outln!("  extra {} — reason: {}", x.field.label_ja(), x.reason);
    }
    outln!("{} customer(s):", c.customers.len());
    for p in &c.customers {
        let f: Vec<&str> = p.fields.iter().map(|f| f.label_ja()).collect();
        outln!("  {}  receives: {}", p.customer_id, f.join("・"));
    }
    if !c.excluded.is_empty() {
        let ids: Vec<&str> = c.excluded.iter().map(|e| e.customer_id.as_str()).collect();
        outln!("{} excluded: {}", c.excluded.len(), ids.join(", "));
    }
}
