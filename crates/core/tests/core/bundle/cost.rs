//! Issue 10's bound: any file of at most 10 MB opens, or is refused, in at most 1 s and
//! 64 MiB (a passphrase bundle aside: its scrypt cost is capped at 2^20 and stated). Measured
//! on the files an attacker would pick at that size: an authentic bundle (verify-only and into
//! a folder, binary and armored), the same with its last byte changed (read to the end, then
//! refused), 10 MB of noise after the age magic, a 10 MB age header, a 9 MB forged manifest,
//! and a signed zip bomb.
//!
//! Each open runs in a fresh process (this test binary, one ignored test) whose whole peak
//! resident set (Linux VmHWM) is the memory figure: `cargo nextest run -p handover-core --test
//! core --run-ignored only open_cost_of` (the README test command runs it). Prints one line per
//! file. The test binary is the dev profile (dependencies optimized, our code at opt-level 1).

use std::path::Path;
use std::time::{Duration, Instant};

use handover_core::Field;
use handover_core::bundle::{BundleCustomer, Limits, OpenKey, open_bundle};

use super::hostile::{edited_manifest, hand_made_age, signed_by};
use super::{Fx, customer, png, replace_entry_deflated};

const MB: usize = 1_000_000;

fn status(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Open `path` in a fresh process (this test binary, running only `open_cost_child`): its
/// time, its peak resident set in KiB (the whole process: harness, keys, buffers), and the
/// outcome.
fn measure(fx: &Fx, what: &str, path: &Path, out: Option<&Path>) -> (Duration, u64) {
    use age::secrecy::ExposeSecret;
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "bundle::cost::open_cost_child",
        "--exact",
        "--ignored",
        "--nocapture",
    ])
    .env("HANDOVER_COST_FILE", path)
    .env(
        "HANDOVER_COST_KEY",
        fx.contractor.to_string().expose_secret(),
    )
    .env(
        "HANDOVER_COST_TRUST",
        handover_core::keys::format_signing_key(&fx.signing.verifying_key()),
    );
    if let Some(o) = out {
        cmd.env("HANDOVER_COST_OUT", o);
    }
    let o = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("COST\t"))
        .unwrap_or_else(|| {
            panic!(
                "{what}: no result\n{text}\n{}",
                String::from_utf8_lossy(&o.stderr)
            )
        });
    let f: Vec<&str> = line.split('\t').collect();
    let took = Duration::from_micros(f[0].parse().unwrap());
    let peak: u64 = f[1].parse().unwrap();
    println!(
        "{what:<40} {:>7.3} s {:>6} KiB  {}",
        took.as_secs_f64(),
        peak,
        f[2]
    );
    (took, peak)
}

/// The child of [`measure`]: one open, then `COST\t<µs>\t<VmHWM KiB>\t<outcome>`.
#[test]
#[ignore = "run by open_cost_of_any_10_mb_file_is_bounded in its own process"]
fn open_cost_child() {
    let var = |k: &str| std::env::var(k).ok();
    let Some(file) = var("HANDOVER_COST_FILE") else {
        return;
    };
    let id: age::x25519::Identity = var("HANDOVER_COST_KEY").unwrap().parse().unwrap();
    let trust =
        handover_core::keys::parse_signing_key(&var("HANDOVER_COST_TRUST").unwrap()).unwrap();
    let out = var("HANDOVER_COST_OUT").map(std::path::PathBuf::from);
    let t = Instant::now();
    let res = open_bundle(
        Path::new(&file),
        OpenKey::Identities(vec![id]),
        &trust,
        out.as_deref(),
        &Limits::default(),
    );
    let took = t.elapsed();
    println!(
        "COST\t{}\t{}\t{}",
        took.as_micros(),
        status("VmHWM:"),
        res.map_or_else(|e| e.code().to_string(), |_| "opened".into())
    );
}

/// Four customers with a `plan`-byte floor plan each.
fn big_bundle(fx: &Fx, name: &str, plan: usize, armor: bool) -> std::path::PathBuf {
    let customers: Vec<BundleCustomer> = (0..4)
        .map(|i| {
            let id = format!("C{i:04}");
            let (p, path) = fx.plan(&png(&id, plan), "png");
            let mut c = customer(&id);
            c.floor_plan = Some(p);
            BundleCustomer {
                customer: c,
                fields: vec![Field::CustomerId, Field::Name, Field::FloorPlan],
                plan_source: Some(handover_core::bundle::PlanSource::File(path)),
            }
        })
        .collect();
    fx.pack_with(name, &customers, &fx.recipients(), armor)
        .unwrap()
        .0
}

#[test]
#[ignore = "measures the process's memory: run alone (see the module doc)"]
fn open_cost_of_any_10_mb_file_is_bounded() {
    let fx = Fx::new();
    let bin = big_bundle(&fx, "big.age", 2_400_000, false);
    let armored = big_bundle(&fx, "big-armored.age", 1_800_000, true);
    let mut last = std::fs::read(&bin).unwrap();
    *last.last_mut().unwrap() ^= 1;
    let last_path = fx.path("last-byte.age");
    std::fs::write(&last_path, &last).unwrap();
    let mut noise = b"age-encryption.org/v1\n".to_vec();
    noise.extend((0..10 * MB - 22).map(|i| ((i * 2_654_435_761usize) >> 13) as u8));
    let noise_path = fx.path("noise.age");
    std::fs::write(&noise_path, &noise).unwrap();
    let stanza = format!("-> X25519 {}\n{}\n", "A".repeat(43), "A".repeat(43));
    let header = hand_made_age(
        &fx,
        "header.age",
        &stanza.repeat((10 * MB - 200) / stanza.len()),
    );
    let forger = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let (m, e) = edited_manifest(&fx, |t| {
        t.replacen(
            "{",
            &format!("{{\"junk\": [{}],", vec!["[[[[1]]]]"; 900_000].join(",")),
            1,
        )
    });
    let forged = fx.seal("forged.age", &signed_by(&forger, &m, &e));
    let (manifest, mut entries) = super::genuine_entries(&fx);
    entries.retain(|(n, _)| !n.starts_with("floor_plans/"));
    entries.push(("floor_plans/C0001.png".into(), vec![0u8; 100]));
    let zip = fx.signed_zip(&manifest, &entries);
    let bomb = fx.seal(
        "bomb.age",
        &replace_entry_deflated(&zip, "floor_plans/C0001.png", &vec![0u8; 60 << 20], 100),
    );

    let files: [(&str, &Path); 8] = [
        ("authentic, verify-only", &bin),
        ("authentic, armored", &armored),
        ("authentic, last byte changed", &last_path),
        ("10 MB of noise after the age magic", &noise_path),
        ("10 MB age header", &header),
        ("9 MB forged manifest", &forged),
        ("signed zip bomb (60 MiB of zeros)", &bomb),
        ("authentic, into a folder", &bin),
    ];
    for (i, (what, path)) in files.into_iter().enumerate() {
        let size = std::fs::metadata(path).unwrap().len();
        assert!(size <= 10 * MB as u64, "{what}: {size} bytes");
        let out = (i == 7).then(|| fx.path("out"));
        let (took, peak) = measure(&fx, what, path, out.as_deref());
        assert!(took <= Duration::from_secs(1), "{what}: {took:?}");
        assert!(peak <= 64 * 1024, "{what}: {peak} KiB");
    }
}
