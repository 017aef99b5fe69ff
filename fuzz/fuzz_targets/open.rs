//! The bundle opener, from the bytes of a file (binary or armored age).
#![no_main]

#[path = "../src/setup.rs"]
mod setup;

use std::sync::OnceLock;

use handover_core::bundle::fuzzing::{FuzzSetup, open_file_bytes};
use libfuzzer_sys::fuzz_target;

static SETUP: OnceLock<FuzzSetup> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let setup = SETUP.get_or_init(setup::setup);
    if let Err(e) = open_file_bytes(setup, data) {
        // "invalid" is the harness's own finding: a refused open left files, or verify-only
        // and --out disagreed.
        assert_ne!(e.code(), "invalid", "{e}");
    }
});
