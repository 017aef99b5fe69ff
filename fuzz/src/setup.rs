//! What every target opens with: the committed test contractor key (tests/fixtures/keys) and
//! a fixed test office signing key, so that the seed bundles in corpus/ stay openable.

use handover_core::bundle::fuzzing::FuzzSetup;

/// TEST ONLY: the office signing key's seed for fuzzing (never a real office's).
pub const OFFICE_SEED: [u8; 32] = [0x42; 32];

pub fn identity() -> age::x25519::Identity {
    include_str!("../../tests/fixtures/keys/test-contractor.agekey")
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .and_then(|l| l.parse().ok())
        .expect("the test contractor key")
}

pub fn signing() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&OFFICE_SEED)
}

/// A setup with its own scratch folder (one per fuzzing process).
#[allow(dead_code)] // make_seeds needs only the keys
pub fn setup() -> FuzzSetup {
    let scratch = std::env::temp_dir().join(format!("handover-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    FuzzSetup {
        identity: identity(),
        office_key: signing().verifying_key(),
        scratch,
    }
}
