//! `handover history` and `handover report customer|leak|overdue`: the accountability views.
//! Every number and rule is computed in `handover_core`; this file parses and prints.

use handover_core::ops::{self, HistoryFilter, LeakFormat, UsageFilter};
use handover_core::report::{ExportFormat, Lang, LeakQuery, LeakReport, SavedFile, fields_label};
use handover_core::usage::UsageEntry;

use crate::args::Cli;
use crate::args::reports::{CustomerReportArgs, HistoryArgs, LeakArgs, ReportCmd, UsageArgs};
use crate::{open, print_json, requests};

fn wrote(s: &SavedFile) {
    errln!("wrote {} ({} bytes, {} row(s))", s.path, s.bytes, s.rows);
}

pub fn history(cli: &Cli, a: &HistoryArgs) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    let lang: Lang = a.lang.parse()?;
    let filter = HistoryFilter {
        customer_id: a.customer.clone(),
        contractor_id: a.contractor.clone(),
        work_type: a.work_type.as_deref().map(str::parse).transpose()?,
        from: a.from.clone(),
        to: a.to.clone(),
    };
    let rows = ops::history(&office, &filter)?;
    if let Some(p) = &a.csv {
        let saved = ops::save_history(&mut office, &filter, p, ExportFormat::Csv, lang)?;
        wrote(&saved);
    }
    if let Some(p) = &a.xlsx {
        let saved = ops::save_history(&mut office, &filter, p, ExportFormat::Xlsx, lang)?;
        wrote(&saved);
    }
    if a.json {
        return print_json(&rows);
    }
    if a.csv.is_some() || a.xlsx.is_some() {
        return Ok(());
    }
    outln!(
        "提供日\t引渡し番号\t顧客番号\t氏名\t委託先\t工事の種類\t提供方法\t提供項目\t根拠\t返却・廃棄期限\t返却・廃棄"
    );
    for r in &rows {
        outln!(
            "{}\t{}\t{}\t{}\t{} {}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.date,
            r.handover_id,
            r.customer_id,
            r.customer_name.as_deref().unwrap_or(""),
            r.contractor_id,
            r.contractor_name.as_deref().unwrap_or(""),
            r.work_type.label_ja(),
            r.method.label_ja(),
            fields_label(&r.fields, Lang::Ja),
            r.basis.label_ja(),
            r.return_by,
            r.closed_on
                .map_or_else(|| "未確認".to_string(), |d| d.to_string())
        );
    }
    errln!("{} row(s)", rows.len());
    Ok(())
}

pub fn report(cli: &Cli, cmd: &ReportCmd) -> anyhow::Result<()> {
    match cmd {
        ReportCmd::Customer(a) => customer(cli, a),
        ReportCmd::Leak(a) => leak(cli, a),
        ReportCmd::Overdue(a) => overdue(cli, a.json),
        ReportCmd::Supervision(a) => crate::supervision::report(cli, a),
        ReportCmd::Usage(a) => usage(cli, a),
    }
}

fn customer(cli: &Cli, a: &CustomerReportArgs) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    if let Some(p) = &a.html {
        wrote(&ops::save_customer_report(&mut office, &a.customer, p)?);
        if !a.json {
            return Ok(());
        }
    }
    let r = ops::report_customer(&mut office, &a.customer)?;
    if a.json {
        return print_json(&r);
    }
    let c = r.customer.as_ref();
    outln!(
        "顧客番号 {}  {}",
        r.customer_id,
        c.and_then(|c| c.name.as_deref())
            .unwrap_or("(no longer in the register)")
    );
    outln!("{} provision(s):", r.provisions.len());
    for p in &r.provisions {
        outln!(
            "  {}  {}  {} {}  {}  {}  {}  {}  return by {}  {}",
            p.date,
            p.handover_id,
            p.contractor_id,
            p.contractor_name.as_deref().unwrap_or(""),
            p.work_type.label_ja(),
            p.method.label_ja(),
            fields_label(&p.fields, Lang::Ja),
            p.basis.label_ja(),
            p.return_by,
            p.closed_on
                .as_ref()
                .map_or("open".to_string(), |d| format!("returned/destroyed {d}"))
        );
    }
    outln!("{} request(s):", r.requests.len());
    for v in &r.requests {
        out!("  ");
        requests::print_view(v);
    }
    outln!("{} look(s) and output(s) of their data:", r.uses.len());
    for u in &r.uses {
        outln!("  {}  {}  {}", u.at, u.operator, usage_label(u));
    }
    Ok(())
}

/// What a use was, in English (the CLI's language for labels), with its detail.
fn usage_label(u: &UsageEntry) -> String {
    let what = u.use_kind().map_or(u.kind.as_str(), |k| k.label_en());
    if u.detail.is_empty() {
        what.to_string()
    } else {
        format!("{what} ({})", u.detail)
    }
}

fn usage(cli: &Cli, a: &UsageArgs) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    let lang: Lang = a.lang.parse()?;
    let filter = UsageFilter {
        operator: a.by.clone(),
        from: a.from.clone(),
        to: a.to.clone(),
    };
    if let (Some(format), Some(p)) = (&a.format, &a.out) {
        let format = if format == "xlsx" {
            ExportFormat::Xlsx
        } else {
            ExportFormat::Csv
        };
        wrote(&ops::save_usage_report(
            &mut office,
            &filter,
            p,
            format,
            lang,
        )?);
        return Ok(());
    }
    let rows = ops::usage_report(&office, &filter)?;
    if a.json {
        return print_json(&rows);
    }
    outln!("日時\t操作者\t操作\t顧客数\t顧客番号");
    for u in &rows {
        outln!(
            "{}\t{}\t{}\t{}\t{}",
            u.at,
            u.operator,
            usage_label(u),
            u.count,
            u.customers.join(" ")
        );
    }
    errln!("{} use(s)", rows.len());
    Ok(())
}

fn leak(cli: &Cli, a: &LeakArgs) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    let lang: Lang = a.lang.parse()?;
    let q = LeakQuery {
        handover_ids: a.handovers.clone(),
        contractor_id: a.contractor.clone(),
        from: a.from.clone(),
        to: a.to.clone(),
        malice: a.malice,
        keys_lost: a.keys_lost,
        aware_on: a.aware.clone(),
        lost_device: a.lost_device,
    };
    // Files first, so that a refused output path records nothing in the ledger.
    if let Some(p) = &a.html {
        wrote(&ops::save_leak_report(
            &mut office,
            &q,
            p,
            LeakFormat::Html,
            lang,
        )?);
    }
    if let Some(p) = &a.xlsx {
        wrote(&ops::save_leak_report(
            &mut office,
            &q,
            p,
            LeakFormat::Xlsx,
            lang,
        )?);
    }
    let r = if a.no_record {
        ops::leak_report(&mut office, &q)?
    } else {
        ops::record_leak_report(&mut office, &q)?
    };
    if a.json {
        return print_json(&r);
    }
    print_leak(&r);
    Ok(())
}

fn yes(b: bool) -> &'static str {
    if b { "YES" } else { "no" }
}

/// A lost PC or medium: the reasoning, then the conclusion.
fn print_device(d: &handover_core::report::DeviceLoss) {
    outln!("lost device (this office's data folder):");
    for reason in &d.reasons {
        outln!("  - {}", reason.label(Lang::En));
    }
    outln!(
        "  encryption exemption: {}",
        match d.exempt {
            true => "applies (the data on it is encrypted and its key is kept apart)",
            false => "does NOT apply (the data on it may be readable)",
        }
    );
}

fn print_leak(r: &LeakReport) {
    outln!(
        "{} handover(s), {} people concerned, {} of them not protected by encryption",
        r.handovers.len(),
        r.people,
        r.exposed_people
    );
    if let Some(d) = &r.device {
        print_device(d);
    }
    for h in &r.handovers {
        outln!(
            "  {}  {}  {} {}  {}  {}  {} customer(s){}",
            h.handover_id,
            h.date,
            h.contractor_id,
            h.contractor_name.as_deref().unwrap_or(""),
            h.method.id(),
            h.protection.label(Lang::En),
            h.customers,
            if h.exempt { "  exempt" } else { "" }
        );
    }
    outln!("aware on {}", r.aware_on);
    outln!(
        "triggers: sensitive data {} · payment data {} · suspected malice {} · more than 1,000 people {}",
        yes(r.triggers.sensitive_data),
        yes(r.triggers.payment_data),
        yes(r.triggers.malice),
        yes(r.triggers.over_1000)
    );
    let d = &r.deadlines;
    if r.report_required {
        outln!(
            "report to the regulator: REQUIRED — preliminary by {} (at the latest {}), final by {} ({} days)",
            d.preliminary_target,
            d.preliminary_by,
            d.final_by,
            d.final_days
        );
    } else {
        outln!(
            "report to the regulator: not required (if it were: preliminary by {}–{}, final by {})",
            d.preliminary_target,
            d.preliminary_by,
            d.final_by
        );
    }
    let counts: Vec<String> = r
        .field_counts
        .iter()
        .map(|c| format!("{} {} ({})", c.field.label_ja(), c.people, c.exposed_people))
        .collect();
    outln!("people per field (not protected): {}", counts.join(" · "));
    outln!(
        "notification list: {} customer(s)",
        r.notification_list.len()
    );
    for n in &r.notification_list {
        outln!(
            "  {}  {}  〒{}  {}",
            n.customer_id,
            n.name.as_deref().unwrap_or(""),
            n.postal_code.as_deref().unwrap_or(""),
            n.address.as_deref().unwrap_or("")
        );
    }
    if let Some(seq) = r.ledger_seq {
        outln!("recorded as ledger entry {seq}");
    }
}

fn overdue(cli: &Cli, json: bool) -> anyhow::Result<()> {
    let office = open(cli)?;
    let r = ops::overdue_report(&office)?;
    if json {
        return print_json(&r);
    }
    outln!(
        "{} handover(s) past their return-or-destroy date on {}:",
        r.handovers.len(),
        r.today
    );
    for h in &r.handovers {
        outln!(
            "  {}  {}  {} {}  {}  {}  {} customer(s)  return by {} — {} day(s) late, {}",
            h.handover_id,
            h.date,
            h.contractor_id,
            h.contractor_name.as_deref().unwrap_or(""),
            h.work_type,
            h.method,
            h.customers,
            h.return_by,
            h.days_overdue,
            match &h.received_on {
                Some(on) => format!("received {on}"),
                None => "no receipt".into(),
            }
        );
    }
    outln!("{} request(s) overdue:", r.requests.len());
    for v in &r.requests {
        out!("  ");
        requests::print_view(v);
    }
    Ok(())
}
