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
    let plans_in_clear = super::at_rest::plaintext_plans(&dir.floor_plans_dir())?.len();
    let in_clear = keys_in_clear(dir);
    let entries = if shared {
        0
    } else {
        super::key_store_operators(dir)?.len()
    };
    let mut loss = DeviceLoss::assess(shared, store_encrypted, plans_in_clear, in_clear, entries);
    if shared && !in_clear && crate::keys::office_keys_encrypted(dir) {
        loss.reasons
            .push(crate::report::DeviceReason::PcKeysEncrypted);
    }
    let customers = match shared {
        true => Vec::new(),
        false => office.store.search_customers("", None)?,
    };
    Ok((loss, customers))
}

/// The office's secret keys in clear: their plaintext files (an office encrypted at rest, and
/// a shared office's PC in its PC vault, keep only their `.enc` form; a shared office's PC of
/// an earlier version kept them in clear until its first sign-in).
fn keys_in_clear(dir: &DataDir) -> bool {
    [crate::keys::IDENTITY_FILE, crate::keys::SIGNING_FILE]
        .iter()
        .any(|name| dir.keys_dir().join(name).is_file())
}
