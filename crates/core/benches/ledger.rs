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
//!    head, redaction rules; the store's thread walks, a second thread hashes). Anchor: read
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
//! ```text
//! cargo bench -p handover-core --bench ledger -- [--events N] [--customers N] [--repeat N]
//!     [--queries N] [--commits N] [--dir DIR] [--keep] [--breakdown]
//! ```
//!
//! `--breakdown` also prints, once, the CPU time per entry of the verification's parts on one
//! thread: the walk alone, plus the payload hash, plus the entry hash, the whole `Verifier`.
//!
//! `scripts/bench-ledger` runs it in release. Works under `<target>/bench-ledger/run-<pid>/`
//! (about 1.5 GB for 1,000,000 events) and removes it afterwards unless `--keep`.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use handover_core::handover::{Encryption, HandoverCustomer, HandoverRecord, Method};
use handover_core::requests::{Request, RequestStatus, Scope};
use handover_core::store::{self, EventDraft, SqliteStore, Store};
use handover_core::{Contractor, Field, WorkType};
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

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
            eprintln!("bench ledger: {e}");
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
            "-h" | "--help" => {
                println!(
                    "usage: ledger [--events N] [--customers N] [--repeat N] [--queries N] \
                     [--commits N] [--dir DIR] [--keep] [--breakdown]"
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

// ------------------------------------------------------------------------------------------
// The event generator

/// xorshift64*: deterministic, good enough to spread customers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One generated event, in the form the real store takes it.
enum Ev {
    Append(EventDraft),
    Handover(HandoverRecord, EventDraft),
    Close(String, String, EventDraft),
    Request(Request, EventDraft),
}

impl Ev {
    fn draft(&self) -> &EventDraft {
        match self {
            Ev::Append(e) | Ev::Handover(_, e) | Ev::Close(_, _, e) | Ev::Request(_, e) => e,
        }
    }
}

struct Gen {
    rng: Rng,
    customers: u32,
    n: u64,
    open: VecDeque<(String, Vec<String>)>,
    pending: VecDeque<Request>,
    handovers: u64,
    requests: u64,
}

const REPAIR: [Field; 5] = [
    Field::CustomerId,
    Field::Name,
    Field::Address,
    Field::Phone,
    Field::Service,
];

impl Gen {
    fn new(customers: u32) -> Gen {
        Gen {
            rng: Rng(0x9e37_79b9_7f4a_7c15),
            customers,
            n: 0,
            open: VecDeque::new(),
            pending: VecDeque::new(),
            handovers: 0,
            requests: 0,
        }
    }

    fn customer(&mut self) -> String {
        format!("C{:06}", 1 + self.rng.below(u64::from(self.customers)))
    }

    fn draft(&self, kind: &str, payload: serde_json::Value, customers: Vec<String>) -> EventDraft {
        EventDraft {
            at: jiff::Timestamp::from_second(START + self.n as i64)
                .map(|t| t.to_string())
                .unwrap_or_default(),
            kind: kind.into(),
            actor: OPERATOR.into(),
            payload,
            customers,
        }
    }

    fn next(&mut self) -> Ev {
        self.n += 1;
        if self.n.is_multiple_of(10_000) {
            let mut ids: Vec<String> = (0..1000).map(|_| self.customer()).collect();
            ids.sort();
            ids.dedup();
            let payload = serde_json::json!({
                "file": "顧客台帳_架空.xlsx",
                "sha256": hex::encode(Sha256::digest(self.n.to_le_bytes())),
                "format": "xlsx",
                "sheet": "顧客台帳",
                "rows": self.customers,
                "added": [],
                "updated": ids,
                "unchanged": self.customers as usize - ids.len(),
                "rejected": 0,
                "pastRetention": 0,
                "floorPlans": 0,
                "droppedPaymentColumns": ["口座番号"],
            });
            return Ev::Append(self.draft("register.imported", payload, ids));
        }
        match self.rng.below(100) {
            0..38 => self.handover(None),
            38..70 if !self.open.is_empty() => self.close(),
            38..70 => self.handover(None),
            70..84 => self.request_received(),
            84..96 if !self.pending.is_empty() => self.request_decided(),
            84..96 => self.request_received(),
            _ => {
                let c = serde_json::json!({
                    "id": CONTRACTOR, "name": "架空電設株式会社", "address": "架空県見本市1-2-3",
                    "contact": "工事部 03-0000-7777", "recipients": [],
                    "agreementSigned": "2025-04-01", "agreementExpires": "2099-03-31",
                });
                let payload = serde_json::json!({ "before": c, "after": c });
                Ev::Append(self.draft("contractor.updated", payload, vec![]))
            }
        }
    }

    /// A handover to `size` customers (or the usual mix: mostly one).
    fn handover(&mut self, size: Option<usize>) -> Ev {
        let k = size.unwrap_or_else(|| match self.rng.below(100) {
            0..60 => 1,
            60..85 => 2 + self.rng.below(2) as usize,
            _ => 4 + self.rng.below(7) as usize,
        });
        let mut ids: Vec<String> = Vec::with_capacity(k);
        while ids.len() < k {
            let c = self.customer();
            if !ids.contains(&c) {
                ids.push(c);
            }
        }
        self.handovers += 1;
        let id = format!("HO-2026-{:06}", self.handovers);
        let sha = hex::encode(Sha256::digest(id.as_bytes()));
        let recipients = vec![
            "SHA256:架空の受取人鍵の指紋0000000000000000000000000".to_string(),
            "SHA256:事務所鍵の指紋00000000000000000000000000000000".to_string(),
        ];
        let draft = self.draft(
            "handover.created",
            serde_json::json!({
                "handoverId": id,
                "contractor": { "id": CONTRACTOR, "name": "架空電設株式会社" },
                "workType": "repair",
                "method": "transfer",
                "encryption": "x25519",
                "returnBy": "2026-12-31",
                "customers": ids.iter().map(|c| serde_json::json!({
                    "customerId": c,
                    "fields": REPAIR,
                    "withheld": [{ "field": "email", "reason": { "kind": "not_needed" } }],
                })).collect::<Vec<_>>(),
                "excluded": [],
                "extraFields": [],
                "bundleSha256": sha,
                "bundleSize": 20_000 + 1_000 * k,
                "recipients": recipients,
                "basis": "委託",
            }),
            ids.clone(),
        );
        let record = HandoverRecord {
            id: id.clone(),
            created_at: draft.at.parse().expect("an instant"),
            operator: OPERATOR.into(),
            contractor_id: CONTRACTOR.into(),
            work_type: WorkType::Repair,
            method: Method::Transfer,
            encryption: Encryption::X25519,
            return_by: jiff::civil::date(2026, 12, 31),
            bundle_sha256: Some(sha),
            bundle_size: Some((20_000 + 1_000 * k) as u64),
            recipients,
            closed_on: None,
            closed_note: None,
            ledger_seq: 0,
            customers: ids
                .iter()
                .map(|c| HandoverCustomer {
                    customer_id: c.clone(),
                    fields: REPAIR.to_vec(),
                })
                .collect(),
        };
        if size.is_none() {
            self.open.push_back((id, ids));
        }
        Ev::Handover(record, draft)
    }

    fn close(&mut self) -> Ev {
        let (id, customers) = self.open.pop_front().unwrap_or_default();
        let payload = serde_json::json!({
            "handoverId": id, "on": "2026-06-30", "note": "溶解処理証明書 No. 0000",
        });
        let on = "2026-06-30".to_string();
        Ev::Close(id, on, self.draft("handover.destroyed", payload, customers))
    }

    fn request_received(&mut self) -> Ev {
        self.requests += 1;
        let r = Request {
            id: format!("REQ-2026-{:06}", self.requests),
            customer_id: self.customer(),
            scope: if self.rng.below(2) == 0 {
                Scope::All
            } else {
                Scope::Fields(vec![Field::Phone])
            },
            received: jiff::civil::date(2026, 1, 5),
            channel: handover_core::requests::Channel::Phone,
            note: Some("電話で申し出（架空）".into()),
            status: RequestStatus::Pending,
            decided_on: None,
            reason: None,
            notified_on: None,
            notified_channel: None,
            withdrawn_on: None,
        };
        self.pending.push_back(r.clone());
        let d = self.draft(
            "request.received",
            serde_json::json!({ "request": r }),
            vec![r.customer_id.clone()],
        );
        Ev::Request(r, d)
    }

    fn request_decided(&mut self) -> Ev {
        let mut r = self.pending.pop_front().unwrap_or_else(|| unreachable!());
        r.status = RequestStatus::Accepted;
        r.decided_on = Some(jiff::civil::date(2026, 1, 10));
        let d = self.draft(
            "request.decided",
            serde_json::json!({ "request": r }),
            vec![r.customer_id.clone()],
        );
        Ev::Request(r, d)
    }
}

// ------------------------------------------------------------------------------------------
// The real ledger

fn contractor() -> Contractor {
    Contractor {
        id: CONTRACTOR.into(),
        name: "架空電設株式会社".into(),
        address: Some("架空県見本市1-2-3".into()),
        contact: Some("工事部 03-0000-7777".into()),
        recipients: vec![],
        agreement_signed: "2025-04-01".parse().unwrap_or_default(),
        agreement_expires: "2099-03-31".parse().unwrap_or_default(),
    }
}

fn apply(store: &mut SqliteStore, ev: Ev) -> handover_core::Result<()> {
    match ev {
        Ev::Append(d) => store.append(d).map(drop),
        Ev::Handover(h, d) => store.record_handover(&h, d, &|_| Ok(())).map(drop),
        Ev::Close(id, on, d) => {
            let note = d.payload["note"].as_str().map(str::to_string);
            store.close_handover(&id, &on, note.as_deref(), d).map(drop)
        }
        Ev::Request(r, d) => {
            let at = d.at.clone();
            store.save_request(&r, &at, d).map(drop)
        }
    }
}

// ------------------------------------------------------------------------------------------
// The anchor: a throwaway hash-chained table

fn proto_open(path: &Path) -> rusqlite::Result<Connection> {
    let c = Connection::open(path)?;
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.pragma_update(None, "synchronous", "FULL")?;
    c.execute_batch(
        "CREATE TABLE IF NOT EXISTS proto (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, \
         kind TEXT NOT NULL, customer TEXT, payload TEXT NOT NULL, prev BLOB NOT NULL, \
         hash BLOB NOT NULL); \
         CREATE INDEX IF NOT EXISTS proto_customer ON proto (customer);",
    )?;
    Ok(c)
}

struct ProtoRow {
    at: String,
    kind: String,
    customer: Option<String>,
    payload: String,
}

fn proto_hash(prev: &[u8], at: &str, kind: &str, payload: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(at.as_bytes());
    h.update(kind.as_bytes());
    h.update(payload.as_bytes());
    h.finalize().into()
}

fn proto_append(
    c: &mut Connection,
    rows: &[ProtoRow],
    last: &mut (i64, [u8; 32]),
) -> rusqlite::Result<()> {
    let tx = c.transaction()?;
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO proto (seq, at, kind, customer, payload, prev, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for r in rows {
            let h = proto_hash(&last.1, &r.at, &r.kind, &r.payload);
            ins.execute(params![
                last.0 + 1,
                r.at,
                r.kind,
                r.customer,
                r.payload,
                &last.1[..],
                &h[..]
            ])?;
            *last = (last.0 + 1, h);
        }
    }
    tx.commit()
}

fn proto_verify(c: &Connection) -> Result<u64, BoxError> {
    let mut s = c.prepare("SELECT seq, at, kind, payload, prev, hash FROM proto ORDER BY seq")?;
    let mut rows = s.query([])?;
    let mut prev = [0u8; 32];
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        let bytes = |i: usize| r.get_ref(i).map(|v| v.as_bytes().unwrap_or(&[]));
        let (at, kind, payload, p, hash) = (bytes(1)?, bytes(2)?, bytes(3)?, bytes(4)?, bytes(5)?);
        let mut h = Sha256::new();
        h.update(p);
        h.update(at);
        h.update(kind);
        h.update(payload);
        let got: [u8; 32] = h.finalize().into();
        if p != prev || got[..] != *hash {
            return Err(format!("anchor chain broken at {}", r.get::<_, i64>(0)?).into());
        }
        prev = got;
        n += 1;
    }
    Ok(n)
}

// ------------------------------------------------------------------------------------------
// Measuring

/// CPU time of this process, all threads (Linux `/proc/self/stat`; 0 elsewhere), in seconds.
fn cpu_secs() -> f64 {
    let read = || -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Fields after the command name; utime and stime are fields 14 and 15 of the line.
        let mut f = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
        let utime: u64 = f.next()?.parse().ok()?;
        let stime: u64 = f.next()?.parse().ok()?;
        // In clock ticks, USER_HZ = 100 on Linux.
        Some((utime + stime) as f64 / 100.0)
    };
    read().unwrap_or(0.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn dir_size(files: &[PathBuf]) -> u64 {
    files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum()
}

struct Lat {
    p50: Duration,
    p99: Duration,
}

fn lat(mut v: Vec<Duration>) -> Lat {
    v.sort();
    Lat {
        p50: percentile(&v, 0.5),
        p99: percentile(&v, 0.99),
    }
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
    let result = measure(&args, &dir);
    if args.keep {
        eprintln!("kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

/// The two stores measured side by side: the Handover ledger and the anchor (a single-table
/// hash chain), with the anchor's last sequence number and hash.
struct Stores {
    store: SqliteStore,
    proto: Connection,
    last: (i64, [u8; 32]),
}

fn measure(args: &Args, dir: &Path) -> Result<(), BoxError> {
    let real_path = dir.join("handover.sqlite3");
    let proto_path = dir.join("proto.sqlite3");
    println!(
        "ledger benchmark: {} events, {} customers, batches of {BATCH}; {}",
        args.events,
        args.customers,
        dir.display()
    );
    let mut stores = Stores {
        store: SqliteStore::open(&real_path)?,
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
    Ok(())
}

/// What appending cost: events per second in each store, and how many entries there are.
struct Appended {
    /// Events appended (whole batches).
    n: f64,
    /// Entries in the ledger (the events and the contractor added first).
    entries: u64,
    real_rate: f64,
    proto_rate: f64,
}

/// Step 1, Append: the same generated events, in batches of one transaction each.
fn append_phase(args: &Args, st: &mut Stores, real_path: &Path) -> Result<Appended, BoxError> {
    st.store.add_contractor("2026-01-01T00:00:00Z", &mut |id| {
        let mut c = contractor();
        c.id = id.to_string();
        let event = EventDraft {
            at: "2026-01-01T00:00:00Z".into(),
            kind: "contractor.added".into(),
            actor: OPERATOR.into(),
            payload: serde_json::json!({ "id": id }),
            customers: vec![],
        };
        Ok((c, event))
    })?;
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
        let rows: Vec<ProtoRow> = (0..BATCH)
            .map(|_| {
                let ev = gen_proto.next();
                let d = ev.draft();
                let payload = d.payload.to_string();
                payload_bytes += payload.len() as u64;
                ProtoRow {
                    at: d.at.clone(),
                    kind: d.kind.clone(),
                    customer: d.customers.first().cloned(),
                    payload,
                }
            })
            .collect();
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
    let index_rows: i64 = Connection::open(real_path)?.query_row(
        "SELECT count(*) FROM ledger_customers",
        [],
        |r| r.get(0),
    )?;
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
struct Verified {
    chain_rate: f64,
    proto_verify_rate: f64,
    full_rate: f64,
    /// CPU seconds (all threads) of the fastest round: what the work costs whatever else the
    /// machine is doing.
    cpu_chain: f64,
    cpu_proto: f64,
    /// Per entry, for the CPU figures.
    entries: u64,
    n: f64,
    best_derived: Duration,
}

/// Step 2, Verify: the chain, the derived tables, and the anchor's chain.
fn verify_phase(args: &Args, st: &Stores, a: &Appended) -> Result<Verified, BoxError> {
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
fn verify_breakdown(store: &SqliteStore, entries: u64) -> Result<(), BoxError> {
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
struct History {
    real: Lat,
    proto: Lat,
    real_hot: Lat,
    proto_hot: Lat,
    real_rows: usize,
    proto_rows: usize,
}

/// Step 3, history by customer. Each customer is asked twice in a row: the first query reads its
/// pages from wherever they are (on a VM that pages out idle file cache within seconds, often
/// the disk); the second finds them in memory, which isolates the query's own cost.
fn history_phase(args: &Args, st: &Stores) -> Result<History, BoxError> {
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
struct Commits {
    handover: Lat,
    small: Lat,
    proto: Lat,
    cpu: Lat,
}

/// Step 4, durable commits, one at a time.
fn commit_phase(args: &Args, st: &mut Stores, entries: u64) -> Result<Commits, BoxError> {
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

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT MET" }
}

fn print_rates(a: &Appended, v: &Verified) {
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

fn print_history(h: &History) {
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

fn print_commits(c: &Commits) {
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

fn print_footer(args: &Args, h: &History, (real_size, proto_size): (u64, u64)) {
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
