//! The cost of the record of use (操作記録, issue 13) on opening a customer page: `VIEWS` page
//! views through `ops::customer_page_view` (read the customer, record the use in its own
//! transaction, seal a batch every `usage::BATCH_ENTRIES` views) against the same reads through
//! `ops::customer` (no record), on the embedded store (WAL, `synchronous=FULL`: every use is
//! on disk before the page is shown).
//!
//! Reports µs per view for both, the ledger entries and ledger bytes (payloads and fixed
//! columns) the views added, and the rows the usage tables gained.
//!
//! ```text
//! cargo bench -p handover-core --bench usage -- [--views N] [--repeat N]
//! ```

use std::time::Instant;

use handover_core::ops::{self, Office};
use handover_core::usage::{SEAL_KIND, UsageQuery};
use handover_core::{DataDir, NoProgress};

type BoxError = Box<dyn std::error::Error>;

fn arg(name: &str, default: usize) -> Result<usize, BoxError> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == name) {
        Some(i) => Ok(args.get(i + 1).ok_or("missing value")?.parse()?),
        None => Ok(default),
    }
}

/// The ledger's entry count and bytes (text columns and the three 32-byte hashes).
fn ledger(office: &Office) -> Result<(u64, u64, u64), BoxError> {
    let (mut n, mut bytes, mut seals) = (0u64, 0u64, 0u64);
    office.store().for_each_entry(&mut |e| {
        n += 1;
        bytes += (e.at.len() + e.kind.len() + e.actor.len() + 8 + 96) as u64;
        bytes += e.payload.as_ref().map_or(0, |p| p.len() as u64);
        seals += u64::from(e.kind == SEAL_KIND);
        Ok(())
    })?;
    Ok((n, bytes, seals))
}

fn main() -> Result<(), BoxError> {
    let views = arg("--views", 1000)?;
    let repeat = arg("--repeat", 3)?;
    let tmp = tempfile::tempdir()?;
    let (mut office, _) = ops::init(DataDir::new(tmp.path().join("data")), "bench")?;
    ops::load_sample(&mut office, &mut NoProgress)?;
    let ids: Vec<String> = ops::customers(&office, "", None)?
        .into_iter()
        .map(|c| c.customer_id)
        .collect();
    let (mut plain, mut recorded) = (f64::MAX, f64::MAX);
    for _ in 0..repeat {
        let t = Instant::now();
        for i in 0..views {
            std::hint::black_box(ops::customer(&office, &ids[i % ids.len()])?);
        }
        plain = plain.min(t.elapsed().as_secs_f64() * 1e6 / views as f64);
        ops::seal_own_uses(&mut office)?;
        let before = ledger(&office)?;
        let uses_before = office.store().uses(&UsageQuery::default())?.len();
        let t = Instant::now();
        for i in 0..views {
            std::hint::black_box(ops::customer_page_view(&mut office, &ids[i % ids.len()])?);
        }
        let us = t.elapsed().as_secs_f64() * 1e6 / views as f64;
        recorded = recorded.min(us);
        ops::seal_own_uses(&mut office)?;
        let after = ledger(&office)?;
        let uses = office.store().uses(&UsageQuery::default())?.len() - uses_before;
        println!(
            "{views} views: {us:.1} µs/view recorded; ledger +{} entries ({} seals), +{} bytes; \
             usage +{uses} rows",
            after.0 - before.0,
            after.2 - before.2,
            after.1 - before.1
        );
    }
    println!(
        "best of {repeat}: {recorded:.1} µs per recorded view vs {plain:.1} µs per unrecorded read \
         ({:.1} µs for the record)",
        recorded - plain
    );
    ops::verify_ledger(&office)?;
    Ok(())
}
