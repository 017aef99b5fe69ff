//! The supervision record (委託先監督台帳): `handover contractor show|check|clauses|person|
//! review|incident` and `handover report supervision`. The rules are the core's; this file
//! parses and prints.

use anyhow::Context;
use handover_core::ops::{self, LeakFormat, Office, SupervisionReportQuery, SupervisionView};
use handover_core::report::Lang;
use handover_core::supervision::{
    CheckInput, Clause, IncidentInput, ReviewInput, ReviewResult, SupervisionChange,
    SupervisionRule,
};

use crate::args::supervision::{PersonAction, ReportFormat, SupervisionReportArgs};
use crate::args::{Cli, ContractorCmd};
use crate::{open, print_contractor, print_json};

/// The change a supervision subcommand asks for, with its contractor id and `--json`; `None`
/// for `show` and the roster's own subcommands.
fn change_of(cmd: &ContractorCmd) -> Option<(&str, SupervisionChange, bool)> {
    Some(match cmd {
        ContractorCmd::Check(a) => (
            &a.id,
            SupervisionChange::Check(CheckInput {
                certification: a.cert.clone(),
                number: a.number.clone(),
                expires: a.expires.clone(),
                checked_on: a.checked_on.clone(),
            }),
            a.json,
        ),
        ContractorCmd::Clauses(a) => (
            &a.id,
            SupervisionChange::Clauses {
                clauses: a.set.clone(),
            },
            a.json,
        ),
        ContractorCmd::Person(a) => {
            let name = a.name.clone();
            let change = match a.action {
                PersonAction::Add => SupervisionChange::AddPerson { name },
                PersonAction::Remove => SupervisionChange::RemovePerson { name },
            };
            (&a.id, change, a.json)
        }
        ContractorCmd::Review(a) => (
            &a.id,
            SupervisionChange::Review(ReviewInput {
                due: a.due.clone(),
                done: a.done.clone(),
                result: a.result.clone(),
                notes: a.notes.clone(),
            }),
            a.json,
        ),
        ContractorCmd::Incident(a) => (
            &a.id,
            SupervisionChange::Incident(IncidentInput {
                on: a.on.clone(),
                what: a.what.clone(),
                action: a.action.clone(),
            }),
            a.json,
        ),
        _ => return None,
    })
}

/// Run a supervision subcommand; `false` if `cmd` is not one.
pub fn contractor(office: &mut Office, cmd: &ContractorCmd) -> anyhow::Result<bool> {
    let (view, json) = match (cmd, change_of(cmd)) {
        (ContractorCmd::Show(a), _) => (ops::supervision(office, &a.id)?, a.json),
        (_, Some((id, change, json))) => {
            let view = ops::supervision_change(office, id, &change)
                .with_context(|| format!("the supervision record of {id} was not changed"))?;
            (view, json)
        }
        _ => return Ok(false),
    };
    if json {
        print_json(&view)?;
    } else {
        print_view(&view, office.today());
    }
    Ok(true)
}

fn print_view(v: &SupervisionView, today: jiff::civil::Date) {
    print_contractor(&v.contractor, today);
    let r = &v.record;
    match &r.check {
        None => outln!("  selection check: none recorded"),
        Some(k) => outln!(
            "  selection check: {}{}{}, checked {} by {}",
            k.certification.id(),
            k.number
                .as_deref()
                .map(|n| format!(" {n}"))
                .unwrap_or_default(),
            k.expires
                .map(|d| format!(", expires {d}"))
                .unwrap_or_default(),
            k.checked_on,
            k.checked_by
        ),
    }
    if v.status.certification_expired {
        outln!("  certificate: EXPIRED");
    }
    let ids = |l: &[Clause]| l.iter().map(|c| c.id()).collect::<Vec<_>>().join(", ");
    outln!("  clauses: {} of {}", r.clauses.len(), Clause::ALL.len());
    if !v.status.missing_clauses.is_empty() {
        outln!("  clauses missing: {}", ids(&v.status.missing_clauses));
    }
    if r.people.is_empty() {
        outln!("  people allowed: none recorded");
    } else {
        outln!("  people allowed: {}", r.people.join(", "));
    }
    for rv in &r.reviews {
        let done = match (rv.done, rv.result) {
            (Some(d), Some(ReviewResult::Ok)) => format!("done {d}, ok"),
            (Some(d), _) => format!("done {d}, issues"),
            _ => "not done".into(),
        };
        let notes = rv
            .notes
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default();
        outln!("  review due {}  {done}{notes}", rv.due);
    }
    let overdue = if v.status.review_overdue {
        " (OVERDUE)"
    } else {
        ""
    };
    outln!("  next review due: {}{overdue}", v.status.next_review);
    for i in &r.incidents {
        let action = i
            .action
            .as_deref()
            .map(|a| format!(" → {a}"))
            .unwrap_or_default();
        outln!("  incident {}  {}{action}", i.on, i.what);
    }
    if v.status.needs_attention() {
        outln!(
            "  handovers to it: {}",
            match v.rule {
                SupervisionRule::Warn => "warned about (office policy)",
                SupervisionRule::Refuse =>
                    "REFUSED until the review or certificate is recorded (office policy)",
            }
        );
    }
}

/// `handover report supervision`.
pub fn report(cli: &Cli, a: &SupervisionReportArgs) -> anyhow::Result<()> {
    let office = open(cli)?;
    let q = SupervisionReportQuery {
        contractor_id: a.id.clone(),
        from: a.from.clone(),
        to: a.to.clone(),
        format: match a.format {
            ReportFormat::Html => LeakFormat::Html,
            ReportFormat::Xlsx => LeakFormat::Xlsx,
        },
        lang: a.lang.parse::<Lang>()?,
    };
    let s = ops::save_supervision_report(&office, &q, &a.out)?;
    errln!(
        "wrote {} ({} bytes, {} handover(s))",
        s.path,
        s.bytes,
        s.rows
    );
    Ok(())
}
