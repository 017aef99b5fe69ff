//! The pack benchmark of the "Handover bundles" issue: `ops::pack` of 1,000 customers with
//! 1,000 floor plans of 2 MB each, beside the stock tools on the same bytes, and `open` beside
//! `age -d` + `unzip` on the same bundle.
//!
//! One run builds a throwaway office under `<target>/bench-pack/run-<pid>/` — a CSV register of
//! fictional customers (架空 names and places, phones on the unassignable exchange 0000) and one
//! PNG per customer (the PNG signature, then random bytes: incompressible, so it is stored
//! uncompressed as real drawings are), imported with `ops::import_register` — and then times,
//! each phase in a child process of its own so that `/usr/bin/time -f %M` gives each one's own
//! peak RSS:
//!
//! 1. `handover pack`: `ops::pack` (zip + SHA-256 → age on a second thread → `<out>.partial`,
//!    fsync, rename, ledger entry) of every customer, work type installation, to a file;
//! 2. anchor (a): `age -r KEY -o a.age plans.zip && sync a.age`, the zip built beforehand
//!    (`zip -0 -r`, untimed) from the same stored plans;
//! 3. anchor (b): `zip -0 -r - floor_plans | age -r KEY -o b.age && sync b.age`;
//! 4. `handover open --out` (what `ops::open_bundle` does for the CLI: decrypt, authenticate,
//!    check signature and every hash, extract) of the bundle from 1, then `sync`;
//! 5. anchor: `age -d -i KEY -o b.zip bundle && unzip -q b.zip -d DIR && rm b.zip && sync` on
//!    the same bundle (unzip cannot read a pipe, so this is the README's two-step way);
//! 6. `handover pack` again from a twin office whose store and plans are in clear (no vault):
//!    what encryption at rest costs the pack (issue 14 asks for at most 1.3×).
//!
//! A pack phase also reports the pack's own peak RSS, from after its sign-in to the end
//! (`VmHWM`, started again through `/proc/self/clear_refs`): the bound the streaming design
//! keeps (< 32 MiB). The process's peak beside it includes signing in to an office encrypted at
//! rest, one Argon2id run of 64 MiB, freed before the pack starts.
//!
//! Phases run `--repeat` times, interleaved; the fastest run counts, and the largest peak RSS.
//! Before each phase everything is `sync`ed (untimed) and the plans are in the page cache, so
//! every phase starts from the same state. MB/s is the plans' bytes (10⁶) over wall time.
//!
//! ```text
//! cargo bench -p handover-core --bench pack -- [--customers N] [--plan-mb MB] [--repeat N]
//!     [--dir DIR] [--keep]
//! ```
//!
//! Needs Debian's `age`, `zip`, `unzip` and `time` (`scripts/bench-pack` installs them). It uses
//! about 4× the plans' size on disk at its peak (8 GB by default, the twin in clear included)
//! and removes everything after.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use age::secrecy::ExposeSecret;
use handover_core::bundle::{OpenKey, read_identity_file};
use handover_core::handover::{Method, Selection};
use handover_core::ops::{self, PackOptions};
use handover_core::register::ImportOptions;
use handover_core::{ContractorInput, DataDir, NoProgress, WorkType};

mod pg;
#[path = "../common/pg_scratch.rs"]
mod pg_scratch;

type BoxError = Box<dyn std::error::Error>;

const OPERATOR: &str = "bench";

/// The benchmark office's admin password (throwaway, for this benchmark only).
fn admin_password() -> age::secrecy::SecretString {
    age::secrecy::SecretString::from("bench password 1234")
}
const CONTRACTOR: &str = "CTR-0001";
const TIME: &str = "/usr/bin/time";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench pack: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Args {
    customers: usize,
    plan_bytes: usize,
    repeat: usize,
    dir: Option<PathBuf>,
    keep: bool,
    // Child side.
    phase: Option<String>,
    data: Option<PathBuf>,
    path: Option<PathBuf>,
    out: Option<PathBuf>,
    identity: Option<PathBuf>,
    trust: Option<PathBuf>,
    /// `--store URL`: also pack from a copy of the office on this PostgreSQL server (a login
    /// that may create roles and databases; see pg.rs).
    store: Option<String>,
    /// Child side: the office's store on the server (the bench's own owner login).
    pg_url: Option<String>,
    /// Child side: pack from the twin office whose store and plans are in clear.
    plain: bool,
}

fn parse_args() -> Result<Args, BoxError> {
    let mut a = Args {
        customers: 1000,
        plan_bytes: 2_000_000,
        repeat: 3,
        dir: None,
        keep: false,
        phase: None,
        data: None,
        path: None,
        out: None,
        identity: None,
        trust: None,
        store: None,
        pg_url: None,
        plain: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            "--customers" => a.customers = value("--customers")?.replace('_', "").parse()?,
            "--plan-mb" => {
                let mb: f64 = value("--plan-mb")?.parse()?;
                a.plan_bytes = (mb * 1e6) as usize;
            }
            "--repeat" => a.repeat = value("--repeat")?.parse()?,
            "--dir" => a.dir = Some(value("--dir")?.into()),
            "--keep" => a.keep = true,
            "--phase" => a.phase = Some(value("--phase")?),
            "--data-dir" => a.data = Some(value("--data-dir")?.into()),
            "--path" => a.path = Some(value("--path")?.into()),
            "--out" => a.out = Some(value("--out")?.into()),
            "--identity" => a.identity = Some(value("--identity")?.into()),
            "--trust" => a.trust = Some(value("--trust")?.into()),
            "--store" => a.store = Some(value("--store")?),
            "--pg-url" => a.pg_url = Some(value("--pg-url")?),
            "--plain" => a.plain = true,
            "-h" | "--help" => {
                println!(
                    "usage: pack [--customers N] [--plan-mb MB] [--repeat N] [--dir DIR] [--keep]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument '{other}'").into()),
        }
    }
    if a.customers == 0 || a.plan_bytes < 16 || a.repeat == 0 {
        return Err("--customers, --plan-mb and --repeat must be positive".into());
    }
    Ok(a)
}

fn run() -> Result<(), BoxError> {
    let args = parse_args()?;
    if let Some(phase) = &args.phase {
        return child(phase, &args);
    }
    for tool in [TIME, "age", "zip", "unzip", "sync"] {
        let found = if tool.starts_with('/') {
            Path::new(tool).exists()
        } else {
            Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !found {
            return Err(format!(
                "{tool} is missing: apt-get install age zip unzip time (or run scripts/bench-pack)"
            )
            .into());
        }
    }
    let base = args.dir.clone().unwrap_or_else(default_dir);
    let run = base.join(format!("run-{}", std::process::id()));
    std::fs::create_dir_all(&run)?;
    let result = bench(&args, &run);
    if args.keep {
        eprintln!("kept {}", run.display());
    } else {
        let _ = std::fs::remove_dir_all(&run);
        let _ = std::fs::remove_dir(&base);
    }
    result
}

/// `<target>/bench-pack` next to the bench executable (`<target>/release/deps/pack-…`), else
/// the temp folder.
fn default_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(|t| t.join("bench-pack")))
        .filter(|d| d.parent().is_some_and(|t| t.join("CACHEDIR.TAG").exists()))
        .unwrap_or_else(|| std::env::temp_dir().join("handover-bench-pack"))
}

struct Setup {
    data: PathBuf,
    /// The same office with its store and plans in clear (no vault): the encryption at rest's
    /// anchor.
    plain_data: PathBuf,
    identity: PathBuf,
    recipient: String,
    trust: PathBuf,
    plan_bytes_total: u64,
}

fn bench(args: &Args, run: &Path) -> Result<(), BoxError> {
    let setup = build_office(args, run)?;
    let mb = setup.plan_bytes_total as f64 / 1e6;
    println!(
        "{} customers × {:.1} MB plans = {:.0} MB; {} CPUs; best of {} runs; in {}",
        args.customers,
        args.plan_bytes as f64 / 1e6,
        mb,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        args.repeat,
        run.display()
    );
    let rounds = Rounds {
        exe: std::env::current_exe()?,
        run,
        setup: &setup,
        customers: args.customers,
    };
    // With --store: the same office copied to the server (its plans in chunks there), and a
    // sixth phase packing from it; dropped after the run.
    let server = args
        .store
        .as_deref()
        .map(|url| {
            let office = ops::sign_in(DataDir::new(&setup.data), OPERATOR, &admin_password())?;
            pg::ServerOffice::copy(url, &office)
        })
        .transpose()?;
    let mut results: Vec<(&str, Option<Measured>)> = vec![
        ("handover pack (fsync)", None),
        ("(a) age -r prebuilt.zip; sync", None),
        ("(b) zip -0 -r - | age -r; sync", None),
        ("handover open --out; sync", None),
        ("age -d > zip; unzip; rm zip; sync", None),
    ];
    let mut plain_best = None;
    let mut plain_internal = f64::INFINITY;
    let mut pack_internal = f64::INFINITY;
    let mut server_internal = f64::INFINITY;
    let mut bundle_size = 0;
    for round in 1..=args.repeat {
        eprintln!("round {round}/{}…", args.repeat);
        let bundle = run.join("handover.age");
        remove_bundle(&bundle);
        let (m, internal) = rounds.pack(&bundle)?;
        pack_internal = internal.map_or(pack_internal, |s| pack_internal.min(s));
        bundle_size = std::fs::metadata(&bundle)?.len();
        keep_best(&mut results[0].1, m);
        keep_best(&mut results[1].1, rounds.anchor_prebuilt_zip()?);
        keep_best(&mut results[2].1, rounds.anchor_piped_zip()?);
        keep_best(&mut results[3].1, rounds.open(&bundle)?);
        keep_best(&mut results[4].1, rounds.stock_open(&bundle)?);
        if let Some(server) = &server {
            remove_bundle(&bundle);
            let (m, internal) = rounds.pack_from(&bundle, Some(&server.url()))?;
            server_internal = internal.map_or(server_internal, |s| server_internal.min(s));
            if results.len() < 6 {
                results.push(("handover pack from PostgreSQL", None));
            }
            keep_best(&mut results[5].1, m);
        }
        remove_bundle(&bundle);
        let (m, internal) = rounds.pack_plain(&bundle)?;
        keep_best(&mut plain_best, m);
        plain_internal = internal.map_or(plain_internal, |s| plain_internal.min(s));
        remove_bundle(&bundle);
    }
    results.push(("handover pack, store in clear", plain_best));
    print_table(&results, mb, pack_internal, bundle_size);
    print_pack_alone(
        pack_internal,
        plain_internal,
        server.is_some().then_some(server_internal),
    );
    Ok(())
}

/// The pack's own times, as the phases report them, beside each other: the encrypted office's
/// phase also signs in (one Argon2id run of 64 MiB, which is its peak RSS and ~0.2 s), the twin
/// in clear has no one to sign in, and the pack from PostgreSQL first connects to the server.
fn print_pack_alone(pack: f64, plain: f64, server: Option<f64>) {
    println!(
        "ops::pack alone, encrypted at rest ÷ in clear = {:.2}× ({pack:.3} s ÷ {plain:.3} s; target ≤ 1.3×)",
        pack / plain,
    );
    if let Some(server) = server {
        println!(
            "ops::pack alone, from PostgreSQL ÷ from SQLite = {:.2}× ({server:.3} s ÷ {pack:.3} s; target ≤ 1.3×)",
            server / pack,
        );
    }
}

/// Remove a packed bundle and the signature written beside it (`B.age.sig`): a pack refuses
/// to overwrite either.
fn remove_bundle(bundle: &Path) {
    let _ = std::fs::remove_file(bundle);
    let _ = std::fs::remove_file(bundle.with_extension("age.sig"));
}

/// What each timed step of a round needs: this executable (for the pack and open phases),
/// the run folder and the office built for it.
struct Rounds<'a> {
    exe: PathBuf,
    run: &'a Path,
    setup: &'a Setup,
    customers: usize,
}

/// Start this process's peak RSS again from its current RSS (Linux: `5` to
/// `/proc/self/clear_refs`), so that [`peak_rss_kib`] gives the peak of what follows.
fn reset_peak_rss() -> std::io::Result<()> {
    std::fs::write("/proc/self/clear_refs", "5")
}

/// This process's peak RSS in KiB (`VmHWM`), if the system says.
fn peak_rss_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// A peak RSS in KiB a pack phase reported as `name=` (`pack_peak_kib`: the pack's own, after
/// the sign-in; `process_peak_kib`: the whole process's).
fn reported_kib(note: &str, name: &str) -> Option<u64> {
    note.split_whitespace()
        .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
}

/// The pack's own time (no process start, no sign-in) from a pack phase's report.
fn pack_secs(note: &str) -> Result<Option<f64>, BoxError> {
    Ok(note
        .split_whitespace()
        .find_map(|w| w.strip_prefix("pack_secs="))
        .map(str::parse)
        .transpose()?)
}

fn q(p: &Path) -> String {
    shell_quote(&p.display().to_string())
}

impl Rounds<'_> {
    /// Step 1, Handover pack into `bundle`; also the pack's own time, as the phase reports it.
    fn pack(&self, bundle: &Path) -> Result<(Measured, Option<f64>), BoxError> {
        self.pack_from(bundle, None)
    }

    /// [`Self::pack`] from the office's embedded store, or from its copy at `pg_url`.
    fn pack_from(
        &self,
        bundle: &Path,
        pg_url: Option<&str>,
    ) -> Result<(Measured, Option<f64>), BoxError> {
        let mut cmd = Command::new(&self.exe);
        if let Some(url) = pg_url {
            cmd.arg("--pg-url").arg(url);
        }
        cmd.arg("--phase")
            .arg("pack")
            .arg("--data-dir")
            .arg(&self.setup.data)
            .arg("--out")
            .arg(bundle);
        let (m, note) = measure(self.run, cmd)?;
        Ok((m, pack_secs(&note)?))
    }

    /// The same pack from the twin office whose store and plans are in clear; also the pack's
    /// own time, as the phase reports it.
    fn pack_plain(&self, bundle: &Path) -> Result<(Measured, Option<f64>), BoxError> {
        let mut cmd = Command::new(&self.exe);
        cmd.args(["--phase", "pack", "--plain", "--data-dir"])
            .arg(&self.setup.plain_data)
            .arg("--out")
            .arg(bundle);
        let (m, note) = measure(self.run, cmd)?;
        Ok((m, pack_secs(&note)?))
    }

    /// Step 2: Anchor (a): age on a zip built beforehand, untimed.
    fn anchor_prebuilt_zip(&self) -> Result<Measured, BoxError> {
        let (run, data) = (self.run, &self.setup.data);
        let zip = run.join("prebuilt.zip");
        let out = run.join("a.age");
        let status = Command::new("zip")
            .args(["-0", "-q", "-r", "-X"])
            .arg(&zip)
            .arg("floor_plans")
            .current_dir(data)
            .status()?;
        if !status.success() {
            return Err("zip failed".into());
        }
        let m = measure_sh(
            run,
            &format!(
                "age -r {} -o {} {} && sync {}",
                self.setup.recipient,
                q(&out),
                q(&zip),
                q(&out)
            ),
        )?;
        std::fs::remove_file(&out)?;
        std::fs::remove_file(&zip)?;
        Ok(m)
    }

    /// Step 3: Anchor (b): zip piped into age.
    fn anchor_piped_zip(&self) -> Result<Measured, BoxError> {
        let out = self.run.join("b.age");
        let m = measure_sh(
            self.run,
            &format!(
                "cd {} && zip -0 -q -r -X - floor_plans | age -r {} -o {} && sync {}",
                q(&self.setup.data),
                self.setup.recipient,
                q(&out),
                q(&out)
            ),
        )?;
        std::fs::remove_file(&out)?;
        Ok(m)
    }

    /// Step 4, Handover open (verify + extract) of the bundle packed in 1.
    fn open(&self, bundle: &Path) -> Result<Measured, BoxError> {
        let dest = self.run.join("open-handover");
        let mut cmd = Command::new(&self.exe);
        cmd.arg("--phase")
            .arg("open")
            .arg("--path")
            .arg(bundle)
            .arg("--identity")
            .arg(&self.setup.identity)
            .arg("--trust")
            .arg(&self.setup.trust)
            .arg("--out")
            .arg(&dest);
        let (m, note) = measure_then_sync(self.run, cmd)?;
        check_extracted(&dest, self.customers, &note)?;
        std::fs::remove_dir_all(&dest)?;
        Ok(m)
    }

    /// Step 5, the stock tools on the same bundle.
    fn stock_open(&self, bundle: &Path) -> Result<Measured, BoxError> {
        let dest = self.run.join("open-stock");
        let tmp = self.run.join("stock.zip");
        let m = measure_sh(
            self.run,
            &format!(
                "age -d -i {} -o {} {} && unzip -q {} -d {} && rm {} && sync",
                q(&self.setup.identity),
                q(&tmp),
                q(bundle),
                q(&tmp),
                q(&dest),
                q(&tmp)
            ),
        )?;
        check_extracted(&dest, self.customers, "")?;
        std::fs::remove_dir_all(&dest)?;
        Ok(m)
    }
}

fn keep_best(best: &mut Option<Measured>, m: Measured) {
    eprintln!(
        "  {:.3} s, peak {:.1} MiB",
        m.secs,
        m.peak_kib as f64 / 1024.0
    );
    *best = Some(match best.take() {
        None => m,
        Some(b) => Measured {
            secs: b.secs.min(m.secs),
            peak_kib: b.peak_kib.max(m.peak_kib),
            own_peak_kib: b.own_peak_kib.max(m.own_peak_kib),
        },
    });
}

fn check_extracted(dest: &Path, customers: usize, note: &str) -> Result<(), BoxError> {
    let plans = std::fs::read_dir(dest.join("floor_plans"))?.count();
    if plans != customers {
        return Err(format!(
            "{}: {plans} plans extracted, expected {customers} {note}",
            dest.display()
        )
        .into());
    }
    Ok(())
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[derive(Clone, Copy)]
struct Measured {
    secs: f64,
    peak_kib: u64,
    /// A pack phase's own peak after its sign-in, as it reports it.
    own_peak_kib: Option<u64>,
}

/// Flush everything to disk first (untimed), so that no phase pays for another's writes.
fn settle() -> Result<(), BoxError> {
    if !Command::new("sync").status()?.success() {
        return Err("sync failed".into());
    }
    Ok(())
}

/// Run `cmd` under `/usr/bin/time -f %M`: wall time (measured here) and peak RSS in KiB (the
/// largest of the process and its descendants), plus what a child phase reported.
fn measure(run: &Path, cmd: Command) -> Result<(Measured, String), BoxError> {
    measure_inner(run, cmd, false)
}

/// As [`measure`], with a global `sync` after the command inside the timing.
fn measure_then_sync(run: &Path, cmd: Command) -> Result<(Measured, String), BoxError> {
    measure_inner(run, cmd, true)
}

fn measure_sh(run: &Path, script: &str) -> Result<Measured, BoxError> {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script);
    Ok(measure_inner(run, cmd, false)?.0)
}

fn measure_inner(
    run: &Path,
    cmd: Command,
    sync_after: bool,
) -> Result<(Measured, String), BoxError> {
    settle()?;
    let rss_file = run.join("rss.txt");
    let mut timed = Command::new(TIME);
    timed
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_file)
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stderr(Stdio::inherit());
    if let Some(d) = cmd.get_current_dir() {
        timed.current_dir(d);
    }
    let start = Instant::now();
    let out = timed.output()?;
    if sync_after {
        settle()?;
    }
    let secs = start.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!("{:?} failed ({})", cmd, out.status).into());
    }
    let peak_kib: u64 = std::fs::read_to_string(&rss_file)?
        .lines()
        .rev()
        .find_map(|l| l.trim().parse().ok())
        .ok_or("no peak RSS from /usr/bin/time")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let note = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT\t"))
        .unwrap_or("")
        .to_string();
    let own_peak_kib = reported_kib(&note, "pack_peak_kib");
    let peak_kib = peak_kib.max(reported_kib(&note, "process_peak_kib").unwrap_or(0));
    Ok((
        Measured {
            secs,
            peak_kib,
            own_peak_kib,
        },
        note,
    ))
}

fn print_table(results: &[(&str, Option<Measured>)], mb: f64, pack_internal: f64, size: u64) {
    let get = |i: usize| results[i].1;
    println!();
    println!(
        "{:<36} {:>9} {:>9} {:>13}",
        "phase", "seconds", "MB/s", "peak RSS MiB"
    );
    println!("{}", "-".repeat(70));
    for (label, m) in results {
        if let Some(m) = m {
            println!(
                "{:<36} {:>9.3} {:>9.0} {:>13.1}",
                label,
                m.secs,
                mb / m.secs,
                m.peak_kib as f64 / 1024.0
            );
        }
    }
    println!();
    println!(
        "bundle: {:.1} MB; ops::pack alone (no process start): {:.3} s = {:.0} MB/s",
        size as f64 / 1e6,
        pack_internal,
        mb / pack_internal
    );
    let (Some(pack), Some(a), Some(b), Some(open), Some(stock)) =
        (get(0), get(1), get(2), get(3), get(4))
    else {
        return;
    };
    let verdict = |ok: bool| if ok { "ok" } else { "MISSED" };
    let ra = a.secs / pack.secs;
    let rb = b.secs / pack.secs;
    let ro = stock.secs / open.secs;
    let mib = |k: u64| k as f64 / 1024.0;
    let rss = mib(pack.own_peak_kib.unwrap_or(pack.peak_kib));
    println!(
        "pack speed ÷ (a)            = {ra:.2}× (target ≥ 1.0×)  {}",
        verdict(ra >= 1.0)
    );
    println!(
        "pack speed ÷ (b)            = {rb:.2}× (target ≥ 1.8×)  {}",
        verdict(rb >= 1.8)
    );
    println!(
        "pack peak RSS               = {rss:.1} MiB (target < 32 MiB)  {}",
        verdict(rss < 32.0)
    );
    println!(
        "  (the pack itself, after its sign-in; the process's peak, {:.1} MiB, includes the \
         sign-in's Argon2id run of 64 MiB, freed before the pack starts)",
        mib(pack.peak_kib)
    );
    println!(
        "open speed ÷ (age -d; unzip) = {ro:.2}× (target ≥ 1.0×)  {}",
        verdict(ro >= 1.0)
    );
    print_store_verdicts(results, &pack);
    let _ = std::io::stdout().flush();
}

/// The verdicts of the pack beside itself in clear and from PostgreSQL (`pack`: from the
/// encrypted embedded store).
fn print_store_verdicts(results: &[(&str, Option<Measured>)], pack: &Measured) {
    let verdict = |ok: bool| if ok { "ok" } else { "MISSED" };
    let mib = |k: u64| k as f64 / 1024.0;
    let labelled = |l: &str| results.iter().find(|r| r.0 == l).and_then(|r| r.1);
    if let Some(plain) = labelled("handover pack, store in clear") {
        let r = pack.secs / plain.secs;
        println!(
            "pack encrypted at rest ÷ in clear = {r:.2}× time (target ≤ 1.3×)  {}",
            verdict(r <= 1.3)
        );
    }
    if let Some(pg) = labelled("handover pack from PostgreSQL") {
        let r = pg.secs / pack.secs;
        let rss = mib(pg.own_peak_kib.unwrap_or(pg.peak_kib));
        println!(
            "pack from PostgreSQL ÷ from SQLite = {r:.2}× time (target ≤ 1.3×)  {}",
            verdict(r <= 1.3)
        );
        println!(
            "pack from PostgreSQL peak RSS      = {rss:.1} MiB (target < 32 MiB)  {}",
            verdict(rss < 32.0)
        );
        println!(
            "  (the pack itself, after signing in to the server; the process's peak: {:.1} MiB)",
            mib(pg.peak_kib)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Setup: a fictional register and its plans, imported into a fresh office.

fn build_office(args: &Args, run: &Path) -> Result<Setup, BoxError> {
    let data = run.join("data");
    let src = run.join("plans-src");
    std::fs::create_dir_all(&src)?;
    let start = Instant::now();
    let (mut office, keys) = ops::init_admin(DataDir::new(&data), OPERATOR, &admin_password())?;

    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let identity_path = run.join("contractor.agekey");
    std::fs::write(
        &identity_path,
        format!(
            "# benchmark key (throwaway)\n# public key: {recipient}\n{}\n",
            identity.to_string().expose_secret()
        ),
    )?;
    add_contractor(&mut office, &recipient)?;

    // Above the policy's customer count (50 by default) a pack waits for a manager's approval,
    // which is not what this bench measures: the office's manager (its admin) raises it.
    let mut policy = ops::policy(&office)?;
    let count = u32::try_from(args.customers)?;
    if policy.approval.customers_over < count {
        policy.approval.customers_over = count;
        ops::policy_save(&mut office, &policy)?;
    }

    let register = write_register(args, run, &src)?;
    let generated = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let report = ops::import_register(
        &mut office,
        &register,
        &ImportOptions {
            floor_plans_dir: Some(src.clone()),
            ..Default::default()
        },
        &mut NoProgress,
    )?;
    if report.added != args.customers || report.floor_plans != args.customers {
        return Err(format!(
            "import added {} customers and {} plans, expected {}",
            report.added, report.floor_plans, args.customers
        )
        .into());
    }
    eprintln!(
        "set up: generated in {generated:.1} s, imported in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let plain_data = run.join("data-plain");
    plain_twin(args, &plain_data, &register, &src, &recipient)?;
    std::fs::remove_dir_all(&src)?;
    let trust = data.join("keys").join("office.signing.pub");
    if !trust.is_file() {
        return Err(format!(
            "no {} (signing key {})",
            trust.display(),
            keys.keys.signing_key
        )
        .into());
    }
    Ok(Setup {
        data,
        plain_data,
        identity: identity_path,
        recipient,
        trust,
        plan_bytes_total: (args.customers * args.plan_bytes) as u64,
    })
}

/// The fictional contractor the bench packs for, with the bench's key.
fn add_contractor(office: &mut ops::Office, recipient: &str) -> Result<(), BoxError> {
    ops::contractor_add(
        office,
        &ContractorInput {
            name: "架空電設株式会社".into(),
            address: None,
            contact: None,
            recipients: vec![recipient.to_string()],
            agreement_signed: "2020-04-01".into(),
            agreement_expires: "2099-03-31".into(),
        },
    )?;
    Ok(())
}

/// The same office with its store and plans in clear: made as the tests make offices (a typed
/// name, no vault), the same contractor and register.
fn plain_twin(
    args: &Args,
    data: &Path,
    register: &Path,
    src: &Path,
    recipient: &str,
) -> Result<(), BoxError> {
    let (mut office, _) = ops::init(DataDir::new(data), OPERATOR)?;
    add_contractor(&mut office, recipient)?;
    let report = ops::import_register(
        &mut office,
        register,
        &ImportOptions {
            floor_plans_dir: Some(src.to_path_buf()),
            ..Default::default()
        },
        &mut NoProgress,
    )?;
    if report.floor_plans != args.customers {
        return Err(format!("the twin in clear imported {} plans", report.floor_plans).into());
    }
    Ok(())
}

/// The register (CSV) and one plan per customer in `src`: the PNG signature, then xorshift
/// bytes (a different stream per customer, so that none is stored twice).
fn write_register(args: &Args, run: &Path, src: &Path) -> Result<PathBuf, BoxError> {
    let mut csv = String::from("顧客番号,氏名,住所,電話番号,契約サービス\n");
    let mut buf = vec![0u8; args.plan_bytes];
    for i in 1..=args.customers {
        let id = customer_id(i);
        fill_plan(&mut buf, i as u64);
        std::fs::write(src.join(format!("{id}.png")), &buf)?;
        csv.push_str(&format!(
            "{id},見本 {i}号,東京都架空市見本町{}-{},03-0000-{:04},ケーブルテレビ\n",
            i / 100 + 1,
            i % 100 + 1,
            i % 10_000
        ));
    }
    let register = run.join("register.csv");
    std::fs::write(&register, csv)?;
    Ok(register)
}

fn customer_id(i: usize) -> String {
    format!("C{i:05}")
}

fn fill_plan(buf: &mut [u8], seed: u64) {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for chunk in buf.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let b = x.to_le_bytes();
        chunk.copy_from_slice(&b[..chunk.len()]);
    }
    buf[..PNG.len()].copy_from_slice(PNG);
}

// ---------------------------------------------------------------------------------------------
// The phases (child side)

fn child(phase: &str, args: &Args) -> Result<(), BoxError> {
    match phase {
        "pack" => {
            let data = args.data.as_deref().ok_or("--data-dir is required")?;
            let out = args.out.as_deref().ok_or("--out is required")?;
            let mut office = match &args.pg_url {
                Some(url) => pg::open(data, url)?,
                None if args.plain => ops::Office::open(DataDir::new(data), OPERATOR)?,
                None => ops::sign_in(DataDir::new(data), OPERATOR, &admin_password())?,
            };
            // The pack's own peak from here: not the sign-in's Argon2id run (64 MiB by design,
            // freed before the pack starts), which is the process's peak.
            let signed_in_peak = peak_rss_kib();
            let rss_reset = reset_peak_rss();
            let start = Instant::now();
            let customers: Vec<String> = ops::customers(&office, "", None)?
                .into_iter()
                .map(|c| c.customer_id)
                .collect();
            let sel = Selection {
                contractor_id: CONTRACTOR.into(),
                work_type: WorkType::Installation,
                customers,
                extra_fields: vec![],
                method: Method::Transfer,
                passphrase: false,
            };
            let r = ops::pack(
                &mut office,
                &sel,
                &PackOptions {
                    out: out.to_path_buf(),
                    ..Default::default()
                },
                &mut NoProgress,
            )?;
            let secs = start.elapsed().as_secs_f64();
            let own_peak = rss_reset.ok().and_then(|()| peak_rss_kib());
            // Resetting the peak also resets what the parent's `time` reads at exit.
            let process_peak = signed_in_peak.max(own_peak);
            let kib = |k: Option<u64>| k.map_or("-".to_string(), |k| k.to_string());
            println!(
                "RESULT\tpack_secs={secs:.6} pack_peak_kib={} process_peak_kib={} customers={} \
                 size={}",
                kib(own_peak),
                kib(process_peak),
                r.customers,
                r.size
            );
        }
        "open" => {
            let bundle = args.path.as_deref().ok_or("--path is required")?;
            let identity = args.identity.as_deref().ok_or("--identity is required")?;
            let trust = args.trust.as_deref().ok_or("--trust is required")?;
            let out = args.out.as_deref().ok_or("--out is required")?;
            let ids = read_identity_file(identity, None)?;
            let opened = ops::open_bundle(
                bundle,
                OpenKey::Identities(ids),
                &trust.display().to_string(),
                Some(out),
                false,
            )?;
            println!(
                "RESULT\tcustomers={} files={}",
                opened.customers.len(),
                opened.written.len()
            );
        }
        other => return Err(format!("unknown phase '{other}'").into()),
    }
    Ok(())
}
