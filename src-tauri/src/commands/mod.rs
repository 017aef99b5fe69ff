//! Tauri commands, one file per area. Each parses its arguments, takes the state, calls one
//! `handover_core::ops` function and maps the error.

pub mod accountability;
pub mod contractors;
pub mod handovers;
pub mod ledger;
pub mod office;
pub mod register;
