//! `handover request`: customers' opt-out and restriction requests (add, decide, notify,
//! withdraw, list). The lifecycle rules live in `handover_core::requests`.

use handover_core::ops::{self, RequestFilter};
use handover_core::requests::{NextStep, RequestStatus, RequestView};

use crate::args::{Cli, RequestCmd};
use crate::{open, print_json};

pub fn request(cli: &Cli, cmd: &RequestCmd) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    let show = |r: &handover_core::requests::Request, json: bool| -> anyhow::Result<()> {
        if json {
            print_json(r)
        } else {
            outln!("{} {}", r.id, r.status.as_str());
            Ok(())
        }
    };
    match cmd {
        RequestCmd::Add(a) => {
            let input = ops::RequestInput {
                customer_id: a.customer.clone(),
                scope: a.scope.parse()?,
                received: a.received.clone(),
                channel: a.channel.parse()?,
                note: a.note.clone(),
            };
            let r = ops::request_add(&mut office, &input)?;
            if a.json {
                print_json(&r)?;
            } else {
                outln!("{}", r.id);
            }
        }
        RequestCmd::Decide(a) => {
            let r = ops::request_decide(&mut office, &a.id, a.accept, a.reason.as_deref())?;
            show(&r, false)?;
        }
        RequestCmd::Notify(a) => {
            let r = ops::request_notify(&mut office, &a.id, &a.date, a.channel.parse()?)?;
            if a.json {
                print_json(&r)?;
            } else {
                outln!(
                    "{} {}, customer told on {} ({})",
                    r.id,
                    r.status.as_str(),
                    r.notified_on.map(|d| d.to_string()).unwrap_or_default(),
                    r.notified_channel.map_or("", |c| c.id())
                );
            }
        }
        RequestCmd::Withdraw(a) => {
            let r = ops::request_withdraw(&mut office, &a.id)?;
            show(&r, a.json)?;
        }
        RequestCmd::List(a) => {
            let filter = RequestFilter {
                customer_id: a.customer.clone(),
                status: a.pending.then_some(RequestStatus::Pending),
                overdue: a.overdue,
            };
            let list = ops::requests(&office, &filter)?;
            if a.json {
                print_json(&list)?;
            } else {
                for v in &list {
                    print_view(v);
                }
                errln!("{} request(s)", list.len());
            }
        }
    }
    Ok(())
}

/// One request in a line, then its earlier handovers indented.
pub fn print_view(v: &RequestView) {
    let r = &v.request;
    let mut line = format!(
        "{}  {} {}  {}  received {} ({})  {}",
        r.id,
        r.customer_id,
        v.customer_name.as_deref().unwrap_or(""),
        r.scope.to_db(),
        r.received,
        r.channel,
        r.status.as_str()
    );
    if let Some(d) = &r.decided_on {
        line.push_str(&format!(" {d}"));
    }
    if let Some(reason) = &r.reason {
        line.push_str(&format!(" ({reason})"));
    }
    if let (Some(d), Some(c)) = (&r.notified_on, r.notified_channel) {
        line.push_str(&format!(", told {d} ({c})"));
    }
    if let Some(d) = &r.withdrawn_on {
        line.push_str(&format!(" {d}"));
    }
    if let Some(due) = &v.due {
        let step = match due.step {
            NextStep::Decide => "decide and tell the customer",
            NextStep::Notify => "tell the customer",
        };
        line.push_str(&format!("  {step} by {}", due.by));
        if due.overdue {
            line.push_str(&format!(" — OVERDUE by {} day(s)", due.days_overdue));
        }
    }
    outln!("{line}");
    for e in &v.earlier_handovers {
        let p = &e.provision;
        let labels: Vec<&str> = e.in_scope.iter().map(|f| f.label_ja()).collect();
        outln!(
            "    earlier handover {} on {} to {} {}: {} ({})",
            p.handover_id,
            p.date,
            p.contractor_id,
            p.contractor_name.as_deref().unwrap_or(""),
            labels.join("・"),
            match &p.closed_on {
                Some(d) => format!("returned/destroyed {d}"),
                None => "still with the contractor: ask them to delete it".into(),
            }
        );
    }
}
