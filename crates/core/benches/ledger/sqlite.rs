//! The embedded store's phases beside the SQLite anchor (the figures of the "Accountability"
//! issue).

use std::path::Path;
use std::time::{Duration, Instant};

use handover_core::store::{self, SqliteStore, Store};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::events::{Ev, Gen, Rng, add_contractor, apply};
use crate::sqlite_anchor::{ProtoRow, proto_append, proto_open, proto_rows, proto_verify};
use crate::stats::{Lat, cpu_secs, dir_size, lat, ms, us, verdict};
use crate::{Args, BATCH, BoxError};

/// The two stores measured side by side: the Handover ledger and the anchor (a single-table
/// hash chain), with the anchor's last sequence number and hash.
pub(crate) struct Stores {
    pub(crate) store: SqliteStore,
    /// The store's SQLCipher key: the store is encrypted at rest, as every office's is (none
    /// with `--in-clear`).
    pub(crate) key: Option<store::StoreKey>,
    pub(crate) proto: Connection,
    pub(crate) last: (i64, [u8; 32]),
}

/// The embedded store the bench built, closed: the shared store's part loads it (`store copy`).
pub(crate) struct Built {
    pub(crate) path: std::path::PathBuf,
    pub(crate) dir: handover_core::DataDir,
    pub(crate) data_key: handover_core::vault::DataKey,
    pub(crate) key: Option<store::StoreKey>,
}

pub(crate) fn measure(args: &Args, dir: &Path) -> Result<Built, BoxError> {
    let real_path = dir.join("handover.sqlite3");
    let proto_path = dir.join("proto.sqlite3");
    println!(
        "ledger benchmark: {} events, {} customers, batches of {BATCH}; {}",
        args.events,
        args.customers,
        dir.display()
    );
    // Encrypted at rest as an office's store is (issue 14): a data key made for the bench.
    let (_, data_key, _) = handover_core::vault::Vault::create(
        &handover_core::DataDir::new(dir),
        "bench",
        &age::secrecy::SecretString::from("bench password 1234"),
        &handover_core::operators::SignInPolicy::default(),
    )?;
    let key = (!args.in_clear).then(|| store::StoreKey::of(&data_key));
    let built = Built {
        path: real_path.clone(),
        dir: handover_core::DataDir::new(dir),
        data_key: data_key.clone(),
        key: key.clone(),
    };
    println!(
        "the store is {}",
        if args.in_clear {
            "in clear (--in-clear)"
        } else {
            "encrypted at rest (SQLCipher)"
        }
    );
    let mut stores = Stores {
        store: match &key {
            Some(k) => SqliteStore::open_encrypted(&real_path, k)?,
            None => SqliteStore::open(&real_path)?,
        },
        key,
        proto: proto_open(&proto_path)?,
        last: (0i64, [0u8; 32]),
    };
    let appended = append_phase(args, &mut stores, &real_path)?;
    let verified = verify_phase(args, &stores, &appended)?;
    let history = history_phase(args, &stores)?;
    let commits = commit_phase(args, &mut stores, appended.entries)?;
    // The store still verifies with all of that on top.
    store::verify(&stores.store)?;
    // Closed, so that the sizes are the databases' own (the WAL checkpointed away).
    drop(stores);
    let sizes = (
        dir_size(&[real_path.clone(), dir.join("handover.sqlite3-wal")]),
        dir_size(&[proto_path.clone(), dir.join("proto.sqlite3-wal")]),
    );
    let rule = "-".repeat(100);
    println!();
    println!(
        "{:<44} {:>16} {:>16} {:>9}  target",
        "", "Handover ledger", "anchor (proto)", "ratio"
    );
    println!("{rule}");
    print_rates(&appended, &verified);
    print_history(&history);
    print_commits(&commits);
    println!("{rule}");
    print_footer(args, &history, sizes);
    Ok(built)
}

/// What appending cost: events per second in each store, and how many entries there are.
pub(crate) struct Appended {
    /// Events appended (whole batches).
    pub(crate) n: f64,
    /// Entries in the ledger (the events and the contractor added first).
    pub(crate) entries: u64,
    pub(crate) real_rate: f64,
    pub(crate) proto_rate: f64,
}

/// Step 1, Append: the same generated events, in batches of one transaction each.
pub(crate) fn append_phase(
    args: &Args,
    st: &mut Stores,
    real_path: &Path,
) -> Result<Appended, BoxError> {
    add_contractor(&mut st.store)?;
    let mut gen_real = Gen::new(args.customers);
    let mut gen_proto = Gen::new(args.customers);
    let (mut t_real, mut t_proto) = (Duration::ZERO, Duration::ZERO);
    let mut payload_bytes = 0u64;
    let batches = args.events / BATCH;
    for b in 0..batches {
        // The real store: events generated (untimed), then applied in one transaction.
        let evs: Vec<Ev> = (0..BATCH).map(|_| gen_real.next()).collect();
        let t = Instant::now();
        st.store
            .batch(|s| evs.into_iter().try_for_each(|ev| apply(s, ev)))?;
        t_real += t.elapsed();
        // The anchor: the same events' payload texts (serialized untimed).
        let rows = proto_rows(&mut gen_proto, BATCH);
        payload_bytes += rows.iter().map(|r| r.payload.len() as u64).sum::<u64>();
        let t = Instant::now();
        proto_append(&mut st.proto, &rows, &mut st.last)?;
        t_proto += t.elapsed();
        if (b + 1) % 20 == 0 {
            eprintln!("  appended {} events…", (b + 1) * BATCH);
        }
    }
    // Both logs back into their databases before anything is read: the later phases measure a
    // store at rest, not one still being checkpointed from the bulk load.
    eprintln!("  checkpointing…");
    st.store.checkpoint()?;
    st.proto
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let n = (batches * BATCH) as f64;
    let peer = Connection::open(real_path)?;
    if let Some(key) = &st.key {
        peer.execute_batch(&key.peer_statements())?;
    }
    let index_rows: i64 =
        peer.query_row("SELECT count(*) FROM ledger_customers", [], |r| r.get(0))?;
    eprintln!(
        "  {} handovers ({} still open), {} requests, {} index rows, payloads {:.0} MB",
        gen_real.handovers,
        gen_real.open.len(),
        gen_real.requests,
        index_rows,
        payload_bytes as f64 / 1e6
    );
    Ok(Appended {
        n,
        entries: batches as u64 * BATCH as u64 + 1,
        real_rate: n / t_real.as_secs_f64(),
        proto_rate: n / t_proto.as_secs_f64(),
    })
}

/// The best verify times of `--repeat` rounds.
pub(crate) struct Verified {
    pub(crate) chain_rate: f64,
    pub(crate) proto_verify_rate: f64,
    pub(crate) full_rate: f64,
    /// CPU seconds (all threads) of the fastest round: what the work costs whatever else the
    /// machine is doing.
    pub(crate) cpu_chain: f64,
    pub(crate) cpu_proto: f64,
    /// Per entry, for the CPU figures.
    pub(crate) entries: u64,
    pub(crate) n: f64,
    pub(crate) best_derived: Duration,
}

/// Step 2, Verify: the chain, the derived tables, and the anchor's chain.
pub(crate) fn verify_phase(args: &Args, st: &Stores, a: &Appended) -> Result<Verified, BoxError> {
    let entries = a.entries;
    let (mut best_chain, mut best_derived, mut best_proto) =
        (Duration::MAX, Duration::MAX, Duration::MAX);
    let (mut cpu_chain, mut cpu_proto) = (0.0f64, 0.0f64);
    for round in 1..=args.repeat {
        eprintln!("  verify round {round}/{}…", args.repeat);
        if args.breakdown && round == 1 {
            verify_breakdown(&st.store, entries)?;
        }
        let (t, c) = (Instant::now(), cpu_secs());
        let r = store::verify_chain(&st.store)?;
        if t.elapsed() < best_chain {
            best_chain = t.elapsed();
            cpu_chain = cpu_secs() - c;
        }
        if r.entries != entries {
            return Err(format!("verified {} entries, expected {entries}", r.entries).into());
        }
        let t = Instant::now();
        let d = st.store.check_derived()?;
        best_derived = best_derived.min(t.elapsed());
        if round == 1 {
            eprintln!(
                "  derived: {} handovers, {} handover customers, {} requests, {} index rows",
                d.handovers, d.handover_customers, d.requests, d.ledger_customers
            );
        }
        let (t, c) = (Instant::now(), cpu_secs());
        let pn = proto_verify(&st.proto)?;
        if t.elapsed() < best_proto {
            best_proto = t.elapsed();
            cpu_proto = cpu_secs() - c;
        }
        if pn != a.n as u64 {
            return Err(format!("anchor verified {pn} rows").into());
        }
    }
    Ok(Verified {
        chain_rate: entries as f64 / best_chain.as_secs_f64(),
        proto_verify_rate: a.n / best_proto.as_secs_f64(),
        full_rate: entries as f64 / (best_chain + best_derived).as_secs_f64(),
        cpu_chain,
        cpu_proto,
        entries,
        n: a.n,
        best_derived,
    })
}

/// `--breakdown`: the CPU per entry of each step of the chain walk, added one at a time.
pub(crate) fn verify_breakdown(store: &SqliteStore, entries: u64) -> Result<(), BoxError> {
    let per = |c0: f64| (cpu_secs() - c0) * 1e6 / entries as f64;
    let c0 = cpu_secs();
    let mut x = 0usize;
    store.for_each_entry_ref(&mut |e| {
        x += e.at.len();
        Ok(())
    })?;
    eprintln!(
        "  verify breakdown, CPU per entry: walk only {:.3} µs",
        per(c0)
    );
    let c0 = cpu_secs();
    store.for_each_entry_ref(&mut |e| {
        let h: [u8; 32] = Sha256::digest(e.payload.unwrap_or_default()).into();
        x += h[0] as usize;
        Ok(())
    })?;
    eprintln!("    + payload hash: {:.3} µs", per(c0));
    let c0 = cpu_secs();
    store.for_each_entry_ref(&mut |e| {
        let h: [u8; 32] = Sha256::digest(e.payload.unwrap_or_default()).into();
        let g = handover_core::store::ledger::chain::entry_hash_bytes(
            e.seq, e.at, e.kind, e.actor, &h, &h,
        );
        x += g[0] as usize;
        Ok(())
    })?;
    eprintln!("    + entry hash: {:.3} µs", per(c0));
    let c0 = cpu_secs();
    let mut v = handover_core::store::Verifier::default();
    store.for_each_entry_ref(&mut |e| v.push_ref(e))?;
    eprintln!(
        "    the Verifier on one thread (links, head, redaction rules): {:.3} µs ({})",
        per(c0),
        x % 10
    );
    Ok(())
}

/// History latencies, first asked and asked again, and the rows each store returned.
pub(crate) struct History {
    pub(crate) real: Lat,
    pub(crate) proto: Lat,
    pub(crate) real_hot: Lat,
    pub(crate) proto_hot: Lat,
    pub(crate) real_rows: usize,
    pub(crate) proto_rows: usize,
}

/// Step 3, history by customer. Each customer is asked twice in a row: the first query reads its
/// pages from wherever they are (on a VM that pages out idle file cache within seconds, often
/// the disk); the second finds them in memory, which isolates the query's own cost.
pub(crate) fn history_phase(args: &Args, st: &Stores) -> Result<History, BoxError> {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let ids: Vec<String> = (0..args.queries)
        .map(|_| format!("C{:06}", 1 + rng.below(u64::from(args.customers))))
        .collect();
    let (mut real_lat, mut proto_lat) = (Vec::new(), Vec::new());
    let (mut real_warm, mut proto_warm) = (Vec::new(), Vec::new());
    let (mut real_rows, mut proto_rows) = (0usize, 0usize);
    // The first query prepares the statement.
    st.store.entries_for_customer(&ids[0])?;
    let mut q = st
        .proto
        .prepare("SELECT seq, at, kind, payload FROM proto WHERE customer = ?1")?;
    for id in &ids {
        for warm in [false, true] {
            let t = Instant::now();
            let v = st.store.entries_for_customer(id)?;
            let d = t.elapsed();
            if warm {
                real_warm.push(d);
            } else {
                real_lat.push(d);
                real_rows += v.len();
            }
            let t = Instant::now();
            let v: Vec<(i64, String, String, String)> = q
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let d = t.elapsed();
            if warm {
                proto_warm.push(d);
            } else {
                proto_lat.push(d);
                proto_rows += v.len();
            }
        }
    }
    Ok(History {
        real: lat(real_lat),
        proto: lat(proto_lat),
        real_hot: lat(real_warm),
        proto_hot: lat(proto_warm),
        real_rows,
        proto_rows,
    })
}

/// Commit latencies: a 100-customer handover, one small event, the anchor's one-row commit,
/// and the handover without its commit.
pub(crate) struct Commits {
    pub(crate) handover: Lat,
    pub(crate) small: Lat,
    pub(crate) proto: Lat,
    pub(crate) cpu: Lat,
}

/// Step 4, durable commits, one at a time.
pub(crate) fn commit_phase(
    args: &Args,
    st: &mut Stores,
    entries: u64,
) -> Result<Commits, BoxError> {
    let (mut ho_lat, mut small_lat, mut proto_commit) = (Vec::new(), Vec::new(), Vec::new());
    let mut g = Gen::new(args.customers);
    g.handovers = 900_000;
    g.n = entries + 1;
    for _ in 0..args.commits {
        let ev = g.handover(Some(100));
        let t = Instant::now();
        apply(&mut st.store, ev)?;
        ho_lat.push(t.elapsed());
        let d = g.draft(
            "contractor.updated",
            serde_json::json!({ "note": "一件だけの記録" }),
            vec![],
        );
        let t = Instant::now();
        st.store.append(d)?;
        small_lat.push(t.elapsed());
        let row = ProtoRow {
            at: "2026-12-01T00:00:00Z".into(),
            kind: "contractor.updated".into(),
            customer: None,
            payload: "{\"note\":\"一件だけの記録\"}".into(),
        };
        let t = Instant::now();
        proto_append(&mut st.proto, std::slice::from_ref(&row), &mut st.last)?;
        proto_commit.push(t.elapsed());
    }
    // The same 100-customer handovers inside one open transaction: what recording costs
    // without the commit and its fsync (CPU and page writes), to tell the two apart.
    let mut cpu_lat = Vec::new();
    st.store.batch(|s| {
        for _ in 0..args.commits {
            let ev = g.handover(Some(100));
            let t = Instant::now();
            apply(s, ev)?;
            cpu_lat.push(t.elapsed());
        }
        Ok(())
    })?;
    Ok(Commits {
        handover: lat(ho_lat),
        small: lat(small_lat),
        proto: lat(proto_commit),
        cpu: lat(cpu_lat),
    })
}

pub(crate) fn print_rates(a: &Appended, v: &Verified) {
    println!(
        "{:<44} {:>12.0} /s {:>12.0} /s {:>8.2}x",
        "append, 10,000 events per transaction",
        a.real_rate,
        a.proto_rate,
        a.real_rate / a.proto_rate
    );
    println!(
        "{:<44} {:>12.0} /s {:>12.0} /s {:>8.2}x  ≥ 1,000,000/s: {}",
        "ledger verify: the chain",
        v.chain_rate,
        v.proto_verify_rate,
        v.chain_rate / v.proto_verify_rate,
        verdict(v.chain_rate >= 1e6)
    );
    let entries = v.entries as f64;
    println!(
        "{:<44} {:>11.2} µs {:>13.2} µs {:>8.2}x",
        "ledger verify: the chain, CPU per entry",
        v.cpu_chain * 1e6 / entries,
        v.cpu_proto * 1e6 / v.n,
        (v.cpu_chain / entries) / (v.cpu_proto / v.n)
    );
    println!(
        "{:<44} {:>13.2} s {:>16}",
        "ledger verify: derived tables (apart)",
        v.best_derived.as_secs_f64(),
        "-"
    );
    println!(
        "{:<44} {:>12.0} /s {:>16}",
        "ledger verify: chain + derived", v.full_rate, "-"
    );
}

pub(crate) fn print_history(h: &History) {
    println!(
        "{:<44} {:>11.1} µs {:>13.1} µs {:>8.2}x",
        "history of one customer, p50",
        us(h.real.p50),
        us(h.proto.p50),
        us(h.real.p50) / us(h.proto.p50)
    );
    println!(
        "{:<44} {:>11.1} µs {:>13.1} µs {:>8.2}x  < 1 ms: {}",
        "history of one customer, p99",
        us(h.real.p99),
        us(h.proto.p99),
        us(h.real.p99) / us(h.proto.p99),
        verdict(h.real.p99 < Duration::from_millis(1))
    );
    for (what, r, p) in [
        (
            "history, asked again at once (in memory), p50",
            h.real_hot.p50,
            h.proto_hot.p50,
        ),
        (
            "history, asked again at once (in memory), p99",
            h.real_hot.p99,
            h.proto_hot.p99,
        ),
    ] {
        println!(
            "{:<44} {:>11.1} µs {:>13.1} µs {:>8.2}x",
            what,
            us(r),
            us(p),
            us(r) / us(p)
        );
    }
}

pub(crate) fn print_commits(c: &Commits) {
    let (ho, small, pc) = (&c.handover, &c.small, &c.proto);
    println!(
        "{:<44} {:>11.2} ms {:>13.2} ms {:>8.2}x",
        "durable commit: 100-customer handover, p50",
        ms(ho.p50),
        ms(pc.p50),
        ms(ho.p50) / ms(pc.p50)
    );
    println!(
        "{:<44} {:>11.2} ms {:>13.2} ms {:>8.2}x  < 10 ms: {}",
        "durable commit: 100-customer handover, p99",
        ms(ho.p99),
        ms(pc.p99),
        ms(ho.p99) / ms(pc.p99),
        verdict(ho.p99 < Duration::from_millis(10))
    );
    println!(
        "{:<44} {:>11.2} ms / {:.2} ms (p50 / p99), no anchor",
        "100-customer handover without its commit",
        ms(c.cpu.p50),
        ms(c.cpu.p99)
    );
    for (what, r, p) in [
        ("durable commit: one small event, p50", small.p50, pc.p50),
        ("durable commit: one small event, p99", small.p99, pc.p99),
    ] {
        println!(
            "{:<44} {:>11.2} ms {:>13.2} ms {:>8.2}x",
            what,
            ms(r),
            ms(p),
            ms(r) / ms(p)
        );
    }
}

pub(crate) fn print_footer(args: &Args, h: &History, (real_size, proto_size): (u64, u64)) {
    println!(
        "rows per history query: {:.1} (Handover: every customer of every entry is indexed) vs \
         {:.1} (anchor: the first customer only)",
        h.real_rows as f64 / args.queries as f64,
        h.proto_rows as f64 / args.queries as f64
    );
    println!(
        "store size: {:.0} MB (ledger + derived tables + indexes) vs {:.0} MB (anchor)",
        real_size as f64 / 1e6,
        proto_size as f64 / 1e6
    );
    println!(
        "verify: best of {}; history: {} queries; durable commits: {} samples each",
        args.repeat, args.queries, args.commits
    );
}
