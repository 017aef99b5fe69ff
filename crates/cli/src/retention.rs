//! The ledger and retention commands: `ledger verify`, `ledger export`, `purge`.

use handover_core::ops;

use crate::args::{Cli, JsonFlag, LedgerExportArgs, PurgeArgs};
use crate::{open, print_json};

pub fn verify(cli: &Cli, a: &JsonFlag) -> anyhow::Result<()> {
    let office = open(cli)?;
    let report = ops::verify_ledger(&office)?;
    if a.json {
        return print_json(&report);
    }
    outln!(
        "The ledger is intact: {} entries verified{}.",
        report.entries,
        if report.redacted > 0 {
            format!(
                " ({} redacted by {} purge(s), each listed by its purge)",
                report.redacted, report.purges
            )
        } else {
            String::new()
        }
    );
    if let Some(d) = &report.derived {
        outln!(
            "The tables agree with it: {} handover(s) with {} customer row(s), {} request(s), {} \
             approval(s), {} per-customer index row(s).",
            d.handovers,
            d.handover_customers,
            d.requests,
            d.approvals,
            d.ledger_customers
        );
    }
    if let Some(u) = &report.usage
        && u.sealed + u.pending > 0
    {
        outln!(
            "The record of use agrees with its {} seal(s): {} use(s) sealed, {} waiting to be sealed.",
            u.seals,
            u.sealed,
            u.pending
        );
    }
    if let Some(h) = report.head {
        outln!("head: {h}");
    }
    Ok(())
}

pub fn export(cli: &Cli, a: &LedgerExportArgs) -> anyhow::Result<()> {
    let mut office = open(cli)?;
    let r = ops::export_ledger(&mut office, &a.file)?;
    if a.json {
        return print_json(&r);
    }
    outln!(
        "Exported {} ledger entries to {} ({} bytes)",
        r.entries,
        r.path,
        r.size
    );
    outln!("  sha256: {}", r.sha256);
    if let Some(h) = &r.head {
        outln!("  head:   {h}");
    }
    outln!("  recorded as ledger entry {}", r.ledger_seq);
    outln!(
        "  check it anywhere with: python3 tools/verify_ledger_export.py {}",
        r.path
    );
    Ok(())
}

fn list(ids: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut s = ids
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        s.push_str(&format!(" … and {} more", ids.len() - SHOWN));
    }
    s
}

pub fn purge(cli: &Cli, a: &PurgeArgs) -> anyhow::Result<()> {
    let r = if a.dry_run {
        ops::purge_preview(&open(cli)?, &a.before)?
    } else {
        ops::purge(&mut open(cli)?, &a.before)?
    };
    if a.json {
        return print_json(&r);
    }
    outln!(
        "{} past retention before {}:",
        if r.dry_run {
            "Dry run (nothing changed): would purge what is"
        } else {
            "Purged what is"
        },
        r.before
    );
    outln!(
        "  customer data (contract ended before {}, {} years): {} customer(s){}; {} floor plan \
         file(s); {} request(s)",
        r.customer_cutoff,
        r.customer_retention_years,
        r.customers.len(),
        if r.customers.is_empty() {
            String::new()
        } else {
            format!(" ({})", list(&r.customers))
        },
        r.floor_plans,
        r.requests.len()
    );
    outln!(
        "  provision records (handovers made before {}, {} years): {} handover(s){}",
        r.record_cutoff,
        r.record_retention_years,
        r.handovers.len(),
        if r.handovers.is_empty() {
            String::new()
        } else {
            format!(" ({})", list(&r.handovers))
        }
    );
    let seqs: Vec<String> = r.redacted.iter().map(u64::to_string).collect();
    outln!(
        "  ledger entries redacted: {}{}",
        r.redacted.len(),
        if seqs.is_empty() {
            String::new()
        } else {
            format!(" ({})", list(&seqs))
        }
    );
    if !r.kept_customers.is_empty() {
        outln!(
            "  kept, still in an open handover: customer(s) {}",
            list(&r.kept_customers)
        );
    }
    if !r.kept_handovers.is_empty() {
        outln!(
            "  kept, still open (no return or destruction confirmed): handover(s) {}",
            list(&r.kept_handovers)
        );
    }
    if let Some(seq) = r.ledger_seq {
        outln!("  recorded as ledger entry {seq}");
    }
    for w in &r.warnings {
        errln!("warning: {w}");
    }
    Ok(())
}
