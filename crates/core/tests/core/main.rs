//! Integration tests of handover-core: one test binary, one module per topic.
//!
//! Every test works in its own temporary data directory with a fixed clock, on the synthetic
//! registers in `tests/fixtures/registers/` (see the README there for the expected values).

mod bundle;
mod contractors;
mod customer_page;
mod handovers;
mod import;
mod keys;
mod ledger;
mod register_preview;
mod support;
mod wizard;
