//! Integration tests of handover-core: one test binary, one module per topic.
//!
//! Every test works in its own temporary data directory with a fixed clock, on the synthetic
//! registers in `tests/fixtures/registers/` (see the README there for the expected values).

mod accountability;
mod approvals;
mod at_rest;
mod bundle;
mod contractor_side;
mod contractors;
mod customer_page;
mod customer_search;
mod derived;
mod export;
mod handovers;
mod import;
mod key_store;
mod keys;
mod ledger;
mod pc_keys;
mod pg;
mod policy_edit;
mod receipts;
mod register_preview;
mod reports;
mod requests;
mod retention;
mod shared_store;
mod sign_in;
mod store_contract;
mod store_encryption;
mod supervision;
mod supervision_race;
mod support;
mod usage;
mod vault;
mod wizard;
