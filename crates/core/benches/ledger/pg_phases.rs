//! The shared store's phases, each beside the PostgreSQL anchor (see pg.rs).

use std::sync::Barrier;
use std::time::{Duration, Instant};

use handover_core::store::postgres::Target;
use handover_core::store::{self, PgStore, Store};

use crate::events::{Gen, Rng, apply};
use crate::pg::PgStores;
use crate::pg_anchor::{anchor_append, anchor_open, anchor_verify};
use crate::sqlite::Built;
use crate::sqlite_anchor::{ProtoRow, proto_rows};
use crate::stats::{Lat, lat};
use crate::{Args, BATCH, BoxError};

/// The writer counts of the appends phase.
pub(crate) const WRITERS: [usize; 3] = [1, 4, 8];

/// What loading cost, and how many entries the ledger holds.
pub(crate) struct Loaded {
    pub(crate) entries: u64,
    pub(crate) n: u64,
    pub(crate) real_rate: f64,
    pub(crate) proto_rate: f64,
}

/// Move the embedded store the bench built into the empty database at `url`, as `store copy`
/// does: its entries and the time it took.
pub(crate) fn copy_in(url: &str, built: &Built) -> Result<(u64, Duration), BoxError> {
    eprintln!("  store copy from the embedded store…");
    let t = Instant::now();
    let plans = handover_core::register::PlanFiles::new(&built.dir, Some(&built.data_key));
    let (store, _) = PgStore::init_from_sqlite(
        &Target::parse(url)?,
        None,
        &built.path,
        built.key.as_ref(),
        &plans,
    )?;
    let took = t.elapsed();
    let entries = store.ledger_head()?.map_or(0, |(s, _)| s);
    Ok((entries, took))
}

/// Phase 1: the store was copied in (`copied`: its entries and the time); the anchor gets the
/// same number of generated rows, 10,000 per transaction.
pub(crate) fn load(
    args: &Args,
    st: &mut PgStores,
    copied: (u64, Duration),
) -> Result<Loaded, BoxError> {
    let (entries, t_real) = copied;
    let mut gen_proto = Gen::new(args.customers);
    let mut t_proto = Duration::ZERO;
    let batches = args.events / BATCH;
    for b in 0..batches {
        let rows = proto_rows(&mut gen_proto, BATCH);
        let t = Instant::now();
        anchor_append(&mut st.anchor, &rows)?;
        t_proto += t.elapsed();
        if (b + 1) % 10 == 0 {
            eprintln!("  anchor: {} rows…", (b + 1) * BATCH);
        }
    }
    // Both at rest before anything is read: planner statistics and visibility maps up to date.
    eprintln!("  vacuum analyze…");
    Target::parse(&st.store_url)?
        .connect(None)?
        .batch_execute("VACUUM ANALYZE")?;
    st.anchor.batch_execute("VACUUM ANALYZE")?;
    let n = (batches * BATCH) as u64;
    Ok(Loaded {
        entries,
        n,
        real_rate: entries as f64 / t_real.as_secs_f64(),
        proto_rate: n as f64 / t_proto.as_secs_f64(),
    })
}

/// The best verify rates of `--repeat` rounds.
pub(crate) struct Verified {
    pub(crate) chain_rate: f64,
    pub(crate) proto_rate: f64,
    pub(crate) repeat: usize,
}

/// Phase 2: the whole chain, and the anchor's.
pub(crate) fn verify(args: &Args, st: &mut PgStores, l: &Loaded) -> Result<Verified, BoxError> {
    let (mut best_chain, mut best_proto) = (Duration::MAX, Duration::MAX);
    for round in 1..=args.repeat {
        eprintln!("  verify round {round}/{}…", args.repeat);
        let t = Instant::now();
        let r = store::verify_chain(&st.store)?;
        best_chain = best_chain.min(t.elapsed());
        if r.entries != l.entries {
            return Err(format!("verified {} entries, expected {}", r.entries, l.entries).into());
        }
        let t = Instant::now();
        let n = anchor_verify(&mut st.anchor)?;
        best_proto = best_proto.min(t.elapsed());
        if n != l.n {
            return Err(format!("anchor verified {n} rows, expected {}", l.n).into());
        }
    }
    Ok(Verified {
        chain_rate: l.entries as f64 / best_chain.as_secs_f64(),
        proto_rate: l.n as f64 / best_proto.as_secs_f64(),
        repeat: args.repeat,
    })
}

/// History latencies of both.
pub(crate) struct History {
    pub(crate) real: Lat,
    pub(crate) proto: Lat,
    pub(crate) queries: usize,
}

/// Phase 3: one customer's history, for `--queries` random customers.
pub(crate) fn history(args: &Args, st: &mut PgStores) -> Result<History, BoxError> {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let ids: Vec<String> = (0..args.queries)
        .map(|_| format!("C{:06}", 1 + rng.below(u64::from(args.customers))))
        .collect();
    let q = st
        .anchor
        .prepare("SELECT seq, at, kind, payload FROM proto WHERE customer = $1")?;
    // The first query of each prepares what it needs.
    st.store.entries_for_customer(&ids[0])?;
    st.anchor.query(&q, &[&ids[0]])?;
    let (mut real, mut proto) = (Vec::new(), Vec::new());
    for id in &ids {
        let t = Instant::now();
        st.store.entries_for_customer(id)?;
        real.push(t.elapsed());
        let t = Instant::now();
        let rows: Vec<(i64, String, String, String)> = st
            .anchor
            .query(&q, &[id])?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect();
        proto.push(t.elapsed());
        drop(rows);
    }
    Ok(History {
        real: lat(real),
        proto: lat(proto),
        queries: args.queries,
    })
}

/// `writers` threads, each with its own state from `open` (made before the clock starts), each
/// running `step` `per_writer` times: every step's latency and the wall-clock time of all.
fn concurrently<S>(
    writers: usize,
    per_writer: usize,
    open: &(dyn Fn(usize) -> Result<S, String> + Sync),
    step: &(dyn Fn(&mut S) -> Result<Duration, String> + Sync),
) -> Result<(Vec<Duration>, Duration), BoxError> {
    let start = Barrier::new(writers + 1);
    let (results, wall) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let start = &start;
                scope.spawn(move || {
                    let state = open(w);
                    start.wait();
                    let mut state = state?;
                    (0..per_writer).map(|_| step(&mut state)).collect()
                })
            })
            .collect();
        start.wait();
        let t = Instant::now();
        let results: Vec<Result<Vec<Duration>, String>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a writer panicked".into())))
            .collect();
        (results, t.elapsed())
    });
    let mut all = Vec::with_capacity(writers * per_writer);
    for r in results {
        all.extend(r?);
    }
    Ok((all, wall))
}

fn connect_store(url: &str) -> Result<PgStore, String> {
    let target = Target::parse(url).map_err(|e| e.to_string())?;
    PgStore::connect(&target, None).map_err(|e| e.to_string())
}

fn timed(f: impl FnOnce() -> Result<(), String>) -> Result<Duration, String> {
    let t = Instant::now();
    f()?;
    Ok(t.elapsed())
}

fn small_row() -> ProtoRow {
    ProtoRow {
        at: "2026-12-01T00:00:00Z".into(),
        kind: "contractor.updated".into(),
        customer: None,
        payload: "{\"note\":\"一件だけの記録\"}".into(),
    }
}

/// Commit latencies with one writer (the cost of a commit itself) and with 8 at once.
pub(crate) struct Commits {
    pub(crate) single: Lat,
    pub(crate) single_proto: Lat,
    pub(crate) handover: Lat,
    pub(crate) proto: Lat,
    pub(crate) per_writer: usize,
}

/// Phase 4: one writer, then 8 writers, each recording `--commits` 100-customer handovers;
/// then the anchor's writers each append `--commits` rows the same way.
pub(crate) fn commits(args: &Args, st: &PgStores, entries: u64) -> Result<Commits, BoxError> {
    let (store_url, anchor_url) = (st.store_url.as_str(), st.anchor_url.as_str());
    let operator = st.operator.as_str();
    // Handover ids clear of the embedded store's commit phase (900,001…): 700,001… for the
    // single writer, 800,001… + 10,000 per writer for the 8.
    let open_from = |base: u64| {
        move |w: usize| {
            let mut g = Gen::new(args.customers);
            g.handovers = base + 10_000 * w as u64;
            g.n = entries + 1;
            g.operator = operator.to_string();
            Ok((connect_store(store_url)?, g))
        }
    };
    let step = |(s, g): &mut (PgStore, Gen)| {
        let ev = g.handover(Some(100));
        timed(|| apply(s, ev).map_err(|e| e.to_string()))
    };
    let (single, _) = concurrently(1, args.commits, &open_from(700_000), &step)?;
    let (real, _) = concurrently(8, args.commits, &open_from(800_000), &step)?;
    let open = |_| anchor_open(anchor_url, false).map_err(|e| e.to_string());
    let row = [small_row()];
    let step =
        |c: &mut postgres::Client| timed(|| anchor_append(c, &row).map_err(|e| e.to_string()));
    let (single_proto, _) = concurrently(1, args.commits, &open, &step)?;
    let (proto, _) = concurrently(8, args.commits, &open, &step)?;
    Ok(Commits {
        single: lat(single),
        single_proto: lat(single_proto),
        handover: lat(real),
        proto: lat(proto),
        per_writer: args.commits,
    })
}

/// Appends per second with each count of [`WRITERS`], in the store and in the anchor.
pub(crate) struct Appends {
    pub(crate) real: Vec<f64>,
    pub(crate) proto: Vec<f64>,
}

/// Phase 5: each writer appends `--commits` small events, one transaction each.
pub(crate) fn appends(args: &Args, st: &PgStores) -> Result<Appends, BoxError> {
    let (store_url, anchor_url) = (st.store_url.as_str(), st.anchor_url.as_str());
    let (mut real, mut proto) = (Vec::new(), Vec::new());
    let open = |_| connect_store(store_url);
    let step = |s: &mut PgStore| {
        let g = Gen::new(args.customers);
        let d = g.draft(
            "contractor.updated",
            serde_json::json!({ "note": "一件だけの記録" }),
            vec![],
        );
        timed(|| s.append(d).map(drop).map_err(|e| e.to_string()))
    };
    let row = [small_row()];
    let open_anchor = |_| anchor_open(anchor_url, false).map_err(|e| e.to_string());
    let step_anchor =
        |c: &mut postgres::Client| timed(|| anchor_append(c, &row).map_err(|e| e.to_string()));
    for w in WRITERS {
        eprintln!("  appends with {w} writer(s)…");
        let n = (w * args.commits) as f64;
        let (_, wall) = concurrently(w, args.commits, &open, &step)?;
        real.push(n / wall.as_secs_f64());
        let (_, wall) = concurrently(w, args.commits, &open_anchor, &step_anchor)?;
        proto.push(n / wall.as_secs_f64());
    }
    Ok(Appends { real, proto })
}
