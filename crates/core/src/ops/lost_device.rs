//! What a lost office PC or medium held (issue 14): the leak report's `lost_device` case reads
//! this office's data folder and store — the folder the device held, or its restored backup —
//! and judges the encryption exemption ([`crate::report::DeviceLoss`]).

use super::Office;
use crate::register::Customer;
use crate::report::DeviceLoss;
use crate::store::{FileKind, file_kind};
use crate::{DataDir, Result};

/// What the device held: the conclusion, and the customers of its register (none on a shared
/// office, whose PCs hold no register).
pub(crate) fn on_hand(office: &Office) -> Result<(DeviceLoss, Vec<Customer>)> {
    let shared = office.store.is_shared();
    let dir = &office.dir;
    let store_encrypted = file_kind(&dir.db_path()).ok() == Some(FileKind::Encrypted);
    let loss = DeviceLoss::assess(
        shared,
        store_encrypted,
        plans_in_clear(dir),
        keys_in_clear(dir),
    );
    let customers = match shared {
        true => Vec::new(),
        false => office.store.search_customers("", None)?,
    };
    Ok((loss, customers))
}

/// Floor plans in clear: a plan file is stored under the SHA-256 of its content, so a file whose
/// bytes still hash to its own name is the plan itself (an encrypted one never does).
fn plans_in_clear(dir: &DataDir) -> usize {
    let Ok(entries) = std::fs::read_dir(dir.floor_plans_dir()) else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| {
            let path = e.path();
            let stem = path.file_stem().map(|s| s.to_string_lossy().to_lowercase());
            let hash = crate::fsutil::sha256_file(&path).ok();
            stem.is_some() && stem == hash
        })
        .count()
}

/// The office's secret keys in clear: the escrow identity as age writes it
/// (`AGE-SECRET-KEY-1…`), or the signing key's 64 hex digits on a line of their own.
fn keys_in_clear(dir: &DataDir) -> bool {
    let Ok(entries) = std::fs::read_dir(dir.keys_dir()) else {
        return false;
    };
    entries.filter_map(|e| e.ok()).any(|e| {
        let text = std::fs::read(e.path()).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        text.contains("AGE-SECRET-KEY-1")
            || text
                .lines()
                .any(|l| l.trim().len() == 64 && l.trim().bytes().all(|b| b.is_ascii_hexdigit()))
    })
}
