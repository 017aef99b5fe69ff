//! Tauri commands, one file per area. Each parses its arguments, takes the state, calls one
//! `handover_core::ops` function and maps the error.

pub mod accountability;
pub mod approvals;
pub mod contractor_side;
pub mod contractors;
pub mod customer;
pub mod customer_pages;
pub mod dialogs;
pub mod handovers;
pub mod import_preview;
pub mod ledger;
pub mod office;
pub mod operators;
pub mod receipts;
pub mod register;
pub mod session;
pub mod settings;
pub mod system;
pub mod usage;
pub mod wizard;
