//! The ledger benchmark of the "Accountability" issue: 1,000,000 events appended to the real
//! ledger, then `ledger verify` (the chain, and separately the derived-table check), the
//! per-customer history query, and the latency of one durable commit — each beside the same
//! measurement on a throwaway hash-chained SQLite table (the anchor), in the same run on the
//! same machine, with the ratios.
//!
//! The events are synthetic (fictional customers `C000001`…, one contractor 架空電設株式会社)
//! and deterministic (a fixed xorshift seed), with the shapes the real operations record:
//!
//! * every 10,000th event a `register.imported` naming 1,000 updated customers;
//! * otherwise about 38 % `handover.created` (1 customer for most, up to 10; a `pack`-shaped
//!   payload with fields, withheld, recipients, bundle hash) with its `handovers` and
//!   `handover_customers` rows; 32 % `handover.destroyed` of the oldest open handover; 14 %
//!   `request.received` and 12 % `request.decided` (`{"request": …}`, with the `requests` row);
//!   4 % `contractor.updated`. Every entry indexes its customers in `ledger_customers`.
//!
//! Phases (each timed; events are generated untimed, 10,000 at a time):
//!
//! 1. **append**: the real store through its ordinary methods (`record_handover`,
//!    `close_handover`, `save_request`, `append`) — sealing, payload hashing, derived rows,
//!    index rows — 10,000 per transaction (`SqliteStore::batch`). Anchor: the same payload
//!    texts into `proto(seq, at, kind, customer, payload, prev, hash)` with one index on
//!    `customer` and `hash = SHA-256(prev ‖ at ‖ kind ‖ payload)`, 10,000 per transaction.
//! 2. **verify**: `store::verify_chain` (every entry's payload hash and entry hash, links,
//!    head, redaction rules; segments of the chain on one read connection per core, each
//!    read and hashed on its thread). Anchor: read
//!    every row, recompute its hash, check the link, on one thread. Then, reported apart,
//!    `Store::check_derived` (the four derived tables rebuilt from the log and compared). Best
//!    of `--repeat`, with the CPU time per entry of that round (all threads): the wall-clock
//!    rate depends on a second core being free, the CPU cost does not.
//! 3. **history**: `Store::entries_for_customer` for `--queries` random customers (p50, p99).
//!    Anchor: `SELECT … FROM proto WHERE customer = ?` (rows read into owned values). Each
//!    customer is asked twice in a row: the first answer reads its pages from wherever they
//!    are (a VM that pages out idle file cache within seconds sends many to the disk), the
//!    second from memory, which isolates the query's own cost.
//! 4. **durable commit** (`synchronous=FULL`, WAL, one transaction each, `--commits` samples):
//!    recording a 100-customer handover (`record_handover`), and one small `append`. Anchor:
//!    one row inserted and committed.
//!
//! With `--store URL` (a PostgreSQL login that may create roles and databases, e.g. the
//! superuser of `scripts/pg-cluster`), the same run then measures the shared store (`PgStore`)
//! in a database of its own, created empty, initialised by its owner and dropped afterwards,
//! beside a throwaway hash-chained PostgreSQL table in a second database: see [`pg`].
//!
//! ```text
//! cargo bench -p handover-core --bench ledger -- [--events N] [--customers N] [--repeat N]
//!     [--queries N] [--commits N] [--dir DIR] [--keep] [--breakdown] [--store URL]
//! ```
//!
//! `--breakdown` also prints, once, the CPU time per entry of the verification's parts on one
//! thread: the walk alone, plus the payload hash, plus the entry hash, the whole `Verifier`.
//!
//! `scripts/bench-ledger` runs it in release. Works under `<target>/bench-ledger/run-<pid>/`
//! (about 1.5 GB for 1,000,000 events) and removes it afterwards unless `--keep`.

mod events;
mod pg;
mod pg_anchor;
mod pg_phases;
#[path = "../common/pg_scratch.rs"]
mod pg_scratch;
mod sqlite;
mod sqlite_anchor;
mod stats;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

type BoxError = Box<dyn std::error::Error>;

const BATCH: usize = 10_000;
const OPERATOR: &str = "bench 係員";
const CONTRACTOR: &str = "CTR-0001";
/// 2026-01-01T00:00:00Z; one event per second from there.
const START: i64 = 1_767_225_600;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut msg = e.to_string();
            let mut cause = e.source();
            while let Some(c) = cause {
                msg += &format!(": {c}");
                cause = c.source();
            }
            eprintln!("bench ledger: {msg}");
            ExitCode::FAILURE
        }
    }
}

struct Args {
    events: usize,
    customers: u32,
    repeat: usize,
    queries: usize,
    commits: usize,
    dir: Option<PathBuf>,
    keep: bool,
    breakdown: bool,
    /// The embedded store in clear (no SQLCipher), to see what encryption at rest costs.
    in_clear: bool,
    /// A PostgreSQL login that may create roles and databases: also measure the shared store.
    store: Option<String>,
}

fn parse_args() -> Result<Args, BoxError> {
    let mut a = Args {
        events: 1_000_000,
        customers: 100_000,
        repeat: 3,
        queries: 10_000,
        commits: 200,
        dir: None,
        keep: false,
        breakdown: false,
        in_clear: false,
        store: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        let num = |s: String| s.replace('_', "").parse::<usize>();
        match arg.as_str() {
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            "--events" => a.events = num(value("--events")?)?,
            "--customers" => a.customers = num(value("--customers")?)? as u32,
            "--repeat" => a.repeat = num(value("--repeat")?)?,
            "--queries" => a.queries = num(value("--queries")?)?,
            "--commits" => a.commits = num(value("--commits")?)?,
            "--dir" => a.dir = Some(value("--dir")?.into()),
            "--keep" => a.keep = true,
            "--breakdown" => a.breakdown = true,
            "--in-clear" => a.in_clear = true,
            "--store" => a.store = Some(value("--store")?),
            "-h" | "--help" => {
                println!(
                    "usage: ledger [--events N] [--customers N] [--repeat N] [--queries N] \
                     [--commits N] [--dir DIR] [--keep] [--breakdown] [--store URL]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument '{other}'").into()),
        }
    }
    if a.events < BATCH || a.customers < 1000 || a.repeat == 0 || a.queries == 0 || a.commits < 2 {
        return Err(format!(
            "--events must be at least {BATCH}, --customers at least 1000, --commits at least 2, \
             the others positive"
        )
        .into());
    }
    Ok(a)
}

fn run() -> Result<(), BoxError> {
    let args = parse_args()?;
    let base = match &args.dir {
        Some(d) => d.clone(),
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
            target.join("bench-ledger")
        }
    };
    let dir = base.join(format!("run-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = sqlite::measure(&args, &dir).and_then(|built| match &args.store {
        Some(url) => pg::measure(&args, url, &built),
        None => Ok(()),
    });
    if args.keep {
        eprintln!("kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}
