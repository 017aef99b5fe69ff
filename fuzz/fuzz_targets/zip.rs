//! The zip reader wrapper: the fuzzer's bytes as the decrypted zip (encrypted to the test key
//! first, so that they reach the zip code).
#![no_main]

#[path = "../src/setup.rs"]
mod setup;

use std::sync::OnceLock;

use handover_core::bundle::fuzzing::{FuzzSetup, open_zip_bytes};
use libfuzzer_sys::fuzz_target;

static SETUP: OnceLock<FuzzSetup> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let setup = SETUP.get_or_init(setup::setup);
    if let Err(e) = open_zip_bytes(setup, data) {
        assert_ne!(e.code(), "invalid", "{e}");
    }
});
