//! The office opening one of its own bundles (every bundle is also encrypted to the office's
//! escrow key, so that the office can always check what it sent): the plaintext is customer
//! data, so the open is recorded as a use (操作記録) naming the bundle's customers.

use std::path::Path;

use super::Office;
use crate::Result;
use crate::bundle::{self, OpenKey, OpenOptions, OpenedBundle};
use crate::usage::UseKind;

/// Decrypt and verify a bundle this office made, with its own escrow identity and signing key,
/// and write its files into `out` (`None`: verify and show only). The return-or-destroy date
/// does not stop the office: it is the contractor's deadline, not the sender's. Recorded as
/// `bundle_opened` with the handover id and the customers.
pub fn office_open_bundle(
    office: &mut Office,
    bundle_path: &Path,
    out: Option<&Path>,
) -> Result<OpenedBundle> {
    let keys = office.secret_keys()?;
    let opts = OpenOptions {
        today: office.today(),
        past_return_date: true,
        ..OpenOptions::default()
    };
    let key = OpenKey::Identities(vec![keys.identity().clone()]);
    let opened = bundle::open_bundle_with(bundle_path, key, &keys.verifying_key(), out, &opts)?;
    let customers = opened.customers.iter().map(|c| c.customer_id.clone());
    let id = opened.manifest.handover_id.clone();
    if let Err(e) = super::usage::record(office, UseKind::BundleOpened, &id, customers) {
        // Not recorded, so not handed out: the files written are removed again.
        for f in &opened.written {
            let _ = std::fs::remove_file(f);
        }
        return Err(e);
    }
    Ok(opened)
}
