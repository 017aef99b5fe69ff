//! The stable-Rust stand-in for the fuzz targets in `fuzz/` (issue 10), run by the normal test
//! command: the same entry points (`bundle::fuzzing`: the opener from file bytes, the zip
//! reader wrapper from zip bytes, the manifest parser; and the register importer, in a dry
//! run) fed random
//! and mutated inputs for a bounded time. No input may panic, take a second, or leave a file
//! behind (`open_file_bytes` checks the last). The seed is printed; set HANDOVER_FUZZ_SEED to
//! replay a run, HANDOVER_FUZZ_SECS to run longer.

use std::time::{Duration, Instant};

use handover_core::bundle::fuzzing::{
    FuzzSetup, open_file_bytes, open_zip_bytes, parse_manifest_bytes,
};
use rand::{Rng, SeedableRng, rngs::StdRng};

use super::{Fx, genuine_entries, three};

/// One random change: flip a byte, cut, insert random bytes, duplicate a slice, or set a byte
/// to a boundary value.
fn mutate(rng: &mut StdRng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..rng.gen_range(1..=4) {
        if v.is_empty() {
            v.push(rng.r#gen());
            continue;
        }
        let at = rng.gen_range(0..v.len());
        match rng.gen_range(0..5) {
            0 => v[at] ^= 1 << rng.gen_range(0..8),
            1 => v.truncate(at),
            2 => {
                let junk: Vec<u8> = (0..rng.gen_range(1..64)).map(|_| rng.r#gen()).collect();
                v.splice(at..at, junk);
            }
            3 => {
                let end = (at + rng.gen_range(1..256)).min(v.len());
                let copy = v[at..end].to_vec();
                v.splice(at..at, copy);
            }
            _ => v[at] = [0, 0x7f, 0x80, 0xff][rng.gen_range(0..4)],
        }
    }
    v
}

/// A small register as an office exports it (a header, rows, a quoted note with a line break).
const REGISTER_CSV: &str = "顧客番号,氏名,住所,電話番号,備考\nK001,架空 一郎,東京都架空区1-1,03-0000-0001,\"二行の\n備考\"\nK002,架空 二郎,東京都架空区2-2,03-0000-0002,\n";

/// What one small input may take here: a hang or a quadratic blow-up, not a slow moment of a
/// loaded machine (tests run in parallel beside builds). The 1 s bound is measured
/// apart, each open in its own process (`open_cost_of`, run by the README's test command).
const HANG: Duration = Duration::from_secs(5);

#[track_caller]
fn bounded<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let r = f();
    assert!(t.elapsed() < HANG, "{what} took {:?}", t.elapsed());
    r
}

/// What the mutations start from: an authentic bundle, its zip, manifest and entries.
struct Seeds {
    bundle: Vec<u8>,
    zip: Vec<u8>,
    manifest_json: Vec<u8>,
    entries: Vec<(String, Vec<u8>)>,
}

/// One input of `kind`, through its entry point.
fn run_one(
    kind: usize,
    rng: &mut StdRng,
    fx: &Fx,
    setup: &FuzzSetup,
    seeds: &Seeds,
    office: &mut crate::support::TestOffice,
) -> handover_core::Result<Option<handover_core::bundle::OpenedBundle>> {
    match kind {
        0 => {
            let len = rng.gen_range(0..4096);
            let mut b: Vec<u8> = (0..len).map(|_| rng.r#gen()).collect();
            if rng.gen_bool(0.5) {
                b.splice(0..0, b"age-encryption.org/v1\n".iter().copied());
            }
            bounded("random file", || open_file_bytes(setup, &b))
        }
        1 => {
            let b = mutate(rng, &seeds.bundle);
            bounded("mutated bundle", || open_file_bytes(setup, &b))
        }
        2 => {
            let z = mutate(rng, &seeds.zip);
            bounded("mutated zip", || open_zip_bytes(setup, &z))
        }
        3 => {
            // A mutated manifest, signed with the (stolen) office key: past the signature.
            let m = mutate(rng, &seeds.manifest_json);
            let _ = bounded("manifest parser", || parse_manifest_bytes(&m));
            let mut all = vec![
                ("manifest.json".to_string(), m.clone()),
                (
                    "manifest.sig".to_string(),
                    ed25519_dalek::Signer::sign(&fx.signing, &m)
                        .to_bytes()
                        .to_vec(),
                ),
            ];
            all.extend(seeds.entries.iter().cloned());
            let z = super::build_zip(&all);
            bounded("signed mutated manifest", || open_zip_bytes(setup, &z))
        }
        4 => {
            let m: Vec<u8> = (0..rng.gen_range(0..512)).map(|_| rng.r#gen()).collect();
            let _ = bounded("random manifest", || parse_manifest_bytes(&m));
            Ok(None)
        }
        _ => {
            // The register importer (dry run: nothing stored), CSV or a mutated workbook.
            let (name, seed_bytes) = if rng.gen_bool(0.5) {
                ("r.csv", REGISTER_CSV.as_bytes())
            } else {
                ("r.xlsx", handover_core::ops::sample::REGISTER_XLSX)
            };
            let path = fx.path(name);
            std::fs::write(&path, mutate(rng, seed_bytes)).unwrap();
            let opts = handover_core::register::ImportOptions {
                dry_run: true,
                ..Default::default()
            };
            let _ = bounded("register import", || {
                handover_core::ops::import_register(
                    &mut office.office,
                    &path,
                    &opts,
                    &mut handover_core::NoProgress,
                )
            });
            Ok(None)
        }
    }
}

#[test]
fn random_and_mutated_inputs_never_panic_hang_or_leave_files() {
    let seed: u64 = std::env::var("HANDOVER_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    let secs: u64 = std::env::var("HANDOVER_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    eprintln!("HANDOVER_FUZZ_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let fx = Fx::new();
    let scratch = fx.path("fuzz");
    std::fs::create_dir(&scratch).unwrap();
    let setup = FuzzSetup {
        identity: fx.contractor.clone(),
        office_key: fx.signing.verifying_key(),
        scratch,
    };
    let (bundle, _) = fx.pack("seed.age", &three(&fx));
    let (manifest, entries) = genuine_entries(&fx);
    let seeds = Seeds {
        bundle: std::fs::read(bundle).unwrap(),
        zip: fx.signed_zip(&manifest, &entries),
        manifest_json: serde_json::to_vec_pretty(&manifest).unwrap(),
        entries,
    };
    // The seeds themselves open (else the mutations below test nothing deep).
    assert!(open_file_bytes(&setup, &seeds.bundle).unwrap().is_some());
    assert!(open_zip_bytes(&setup, &seeds.zip).unwrap().is_some());

    let until = Instant::now() + Duration::from_secs(secs);
    let mut runs = [0usize; 6];
    let mut office = crate::support::TestOffice::initialized();
    while Instant::now() < until {
        let kind = rng.gen_range(0..6);
        runs[kind] += 1;
        let res = run_one(kind, &mut rng, &fx, &setup, &seeds, &mut office);
        if let Err(e) = res {
            // Every refusal has its own code, with a headline a person can read.
            assert!(
                handover_core::messages::headline(e.code(), handover_core::report::Lang::En)
                    .is_some(),
                "seed {seed}: {e}"
            );
        }
    }
    eprintln!("runs per kind: {runs:?}");
    assert!(runs.iter().all(|&n| n > 0), "{runs:?}");
}

/// Fuzzing finding (fuzz/artifacts/zip/crash-fb78…): a zip whose directory places an entry
/// past the data made the opener seek past the end of the decrypted stream, where the age
/// reader panics. Now refused.
#[test]
fn zip_entry_placed_past_the_data_is_refused_not_a_panic() {
    let fx = Fx::new();
    let scratch = fx.path("fuzz");
    std::fs::create_dir(&scratch).unwrap();
    let setup = FuzzSetup {
        identity: fx.contractor.clone(),
        office_key: fx.signing.verifying_key(),
        scratch,
    };
    let crash = include_bytes!(
        "../../../../../fuzz/artifacts/zip/crash-fb7878177043743262e794ad3c4839318eecad63"
    );
    let e = open_zip_bytes(&setup, crash).unwrap_err();
    assert_eq!(e.code(), "bundle_rejected", "{e}");
}
