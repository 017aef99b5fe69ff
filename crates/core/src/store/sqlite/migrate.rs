//! The schema: numbered SQL files embedded in the binary, applied in order and tracked with
//! `PRAGMA user_version`.

/// Embedded migrations, in order; migration `i` brings the schema to version `i + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_handovers.sql"),
    include_str!("migrations/0003_accountability.sql"),
    include_str!("migrations/0004_retention.sql"),
    include_str!("migrations/0005_id_counters.sql"),
    include_str!("migrations/0006_policy_in_ledger.sql"),
    include_str!("migrations/0007_operators.sql"),
    include_str!("migrations/0008_approvals.sql"),
    include_str!("migrations/0009_supervision.sql"),
    include_str!("migrations/0010_usage.sql"),
    include_str!("migrations/0011_vault.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;
