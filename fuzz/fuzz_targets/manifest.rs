//! The manifest parser (a signed manifest's bytes, and the claimed key of a forged one).
#![no_main]

use handover_core::bundle::fuzzing::parse_manifest_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_manifest_bytes(data);
});
