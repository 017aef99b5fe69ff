//! The shared store (`PgStore`) beside a throwaway hash-chained PostgreSQL table, in the same
//! run as the embedded store's figures (the "Figures" of the shared-store issue).
//!
//! `--store URL` names a login that may create roles and databases (the superuser of
//! `scripts/pg-cluster`). The bench creates, for itself only, an owner login (CREATEROLE, not
//! superuser, as an office's would be), an empty database that the owner initialises as
//! `handover init` does, and a second database for the anchor; it drops all of them afterwards,
//! also when a phase fails.
//!
//! Phases (see pg_phases.rs):
//!
//! 1. **load** (setup, reported but not a target): the embedded store the bench built moves in
//!    as `handover store copy` moves an office (`PgStore::init_from_sqlite`: every table and
//!    the whole ledger by binary COPY, in one transaction), with `synchronous_commit = off`;
//!    the anchor's rows 10,000 per transaction. Appending a million events one by one through
//!    the store's methods (each under the head row's lock) took ten minutes of setup.
//! 2. **verify** of the whole chain (`store::verify_chain`, best of `--repeat`). Anchor: a
//!    streamed `SELECT … ORDER BY seq` with the hash recomputed client-side.
//! 3. **history** of one customer (`entries_for_customer`, p50/p99). Anchor: `WHERE customer`.
//! 4. **commit** of a 100-customer handover by one writer (what a commit costs), then by 8
//!    writers at once, each its own connection (p50/p99 per commit). Anchor: one row appended
//!    the same way.
//! 5. **appends per second** with 1, 4 and 8 writers (`append`, one transaction each), and
//!    what share of the single-writer rate 8 writers keep. Anchor: the same on its table.
//!
//! The anchor appends "the simplest way": in a transaction, a transaction-scoped advisory lock,
//! the head read back, SHA-256(prev ‖ at ‖ kind ‖ payload) computed by the client, one INSERT.

use handover_core::store::postgres::Target;
use handover_core::store::{PgStore, Store};
use postgres::Client;

use crate::pg_anchor::anchor_open;
use crate::pg_phases::{Appends, Commits, History, Loaded, Verified};
use crate::pg_scratch::Scratch;
use crate::sqlite::Built;
use crate::stats::{ms, us, verdict};
use crate::{Args, BoxError};

/// The shared store and its anchor, each a connection of the bench's owner.
pub(crate) struct PgStores {
    pub(crate) store: PgStore,
    pub(crate) anchor: Client,
    pub(crate) store_url: String,
    pub(crate) anchor_url: String,
    /// The login the store names as every entry's actor.
    pub(crate) operator: String,
}

impl PgStores {
    /// Connect to both, creating the anchor's table on the first connection.
    fn open(s: &Scratch, create_anchor: bool) -> Result<PgStores, BoxError> {
        let (store_url, anchor_url) = (s.url(""), s.url("_anchor"));
        let store = PgStore::connect(&Target::parse(&store_url)?, None)?;
        let operator = store.session_operator().unwrap_or_default();
        Ok(PgStores {
            operator,
            store,
            anchor: anchor_open(&anchor_url, create_anchor)?,
            store_url,
            anchor_url,
        })
    }
}

/// Server settings that decide what a commit costs, printed with the figures.
fn settings(c: &mut Client) -> Result<String, BoxError> {
    let row = c.query_one(
        "SELECT current_setting('server_version'), current_setting('fsync'), \
         current_setting('synchronous_commit'), current_setting('shared_buffers')",
        &[],
    )?;
    let (v, f, s, b): (String, String, String, String) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    Ok(format!(
        "PostgreSQL {v}, fsync={f}, synchronous_commit={s}, shared_buffers={b}"
    ))
}

pub(crate) fn measure(args: &Args, admin_url: &str, built: &Built) -> Result<(), BoxError> {
    let scratch = Scratch::create(admin_url, "bench ledger", &["", "_anchor"])?;
    println!();
    println!(
        "shared store: {} events, {} customers, batches of {}; databases {}, {}_anchor",
        args.events,
        args.customers,
        crate::BATCH,
        scratch.name,
        scratch.name
    );
    scratch.synchronous_commit(false)?;
    let copied = crate::pg_phases::copy_in(&scratch.url(""), built)?;
    let loaded = {
        let mut st = PgStores::open(&scratch, true)?;
        crate::pg_phases::load(args, &mut st, copied)?
    };
    // Every later phase on fresh connections that commit as an office's would.
    scratch.synchronous_commit(true)?;
    let mut st = PgStores::open(&scratch, false)?;
    let setting = settings(&mut st.anchor)?;
    if setting.contains("fsync=off") {
        eprintln!("  note: the server runs with fsync=off: commits are not durable");
    }
    let verified = crate::pg_phases::verify(args, &mut st, &loaded)?;
    let history = crate::pg_phases::history(args, &mut st)?;
    let commits = crate::pg_phases::commits(args, &st, loaded.entries)?;
    let appends = crate::pg_phases::appends(args, &st)?;
    handover_core::store::verify(&st.store)?;
    print_table(&setting, &loaded, &verified, &history, &commits, &appends);
    Ok(())
}

fn row(what: &str, real: String, anchor: String, ratio: f64, target: &str) {
    println!("{what:<46} {real:>14} {anchor:>14} {ratio:>8.2}x  {target}");
}

fn print_table(setting: &str, l: &Loaded, v: &Verified, h: &History, c: &Commits, a: &Appends) {
    let rule = "-".repeat(100);
    println!();
    println!(
        "{:<46} {:>14} {:>14} {:>9}  target",
        "", "PgStore", "anchor (PG)", "ratio"
    );
    println!("{rule}");
    let per_s = |x: f64| format!("{x:.0} /s");
    let load = "load (setup; store copy, anchor 10,000 per tx)";
    row(
        load,
        per_s(l.real_rate),
        per_s(l.proto_rate),
        l.real_rate / l.proto_rate,
        "",
    );
    let ok = verdict(v.chain_rate >= 500_000.0);
    let t = format!("≥ 500,000/s: {ok}");
    let (cr, pr) = (v.chain_rate, v.proto_rate);
    row(
        "ledger verify: the chain",
        per_s(cr),
        per_s(pr),
        cr / pr,
        &t,
    );
    print_latencies(h, c);
    print_appends(a);
    println!("{rule}");
    println!(
        "{setting}; verify: best of {}; history: {} queries; commits: {} per writer",
        v.repeat, h.queries, c.per_writer
    );
}

/// The latency rows: history, then commits with one writer and with 8.
fn print_latencies(h: &History, c: &Commits) {
    let us_ = |d| format!("{:.1} µs", us(d));
    let ms_ = |d| format!("{:.2} ms", ms(d));
    let lat_rows = [
        (
            "history of one customer, p50",
            h.real.p50,
            h.proto.p50,
            None,
        ),
        (
            "history of one customer, p99",
            h.real.p99,
            h.proto.p99,
            Some(2),
        ),
        (
            "commit: 100-customer handover, 1 writer, p50",
            c.single.p50,
            c.single_proto.p50,
            None,
        ),
        (
            "commit: 100-customer handover, 1 writer, p99",
            c.single.p99,
            c.single_proto.p99,
            None,
        ),
        (
            "commit: 100-customer handover, 8 writers, p50",
            c.handover.p50,
            c.proto.p50,
            None,
        ),
        (
            "commit: 100-customer handover, 8 writers, p99",
            c.handover.p99,
            c.proto.p99,
            Some(20),
        ),
    ];
    for (what, r, p, limit) in lat_rows {
        let t = limit.map_or(String::new(), |ms| {
            let ok = verdict(r < std::time::Duration::from_millis(ms));
            format!("< {ms} ms: {ok}")
        });
        let (fr, fp) = if what.starts_with("history") {
            (us_(r), us_(p))
        } else {
            (ms_(r), ms_(p))
        };
        row(what, fr, fp, r.as_secs_f64() / p.as_secs_f64(), &t);
    }
}

fn print_appends(a: &Appends) {
    for (i, w) in crate::pg_phases::WRITERS.iter().enumerate() {
        let what = format!("appends per second, {w} writer(s)");
        let (r, p) = (a.real[i], a.proto[i]);
        row(&what, format!("{r:.0} /s"), format!("{p:.0} /s"), r / p, "");
    }
    let keep = |v: &[f64]| v[v.len() - 1] / v[0] * 100.0;
    println!(
        "{:<46} {:>12.0} % {:>12.0} %",
        "8 writers keep of the single-writer rate",
        keep(&a.real),
        keep(&a.proto)
    );
}
