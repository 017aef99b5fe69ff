//! What the app shows around every screen: the office it is working on.

use serde::Serialize;
use ts_rs::TS;

use super::{InterruptedPack, Office, office_keys};
use crate::Result;
use crate::keys::OfficePublicKeys;

/// The office at a glance: the frame of every screen.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OfficeInfo {
    /// The data directory in use.
    pub data_dir: String,
    /// The operator recorded in the ledger.
    pub operator: String,
    /// Customers in the register.
    #[ts(type = "number")]
    pub customer_count: u64,
    /// The office keys, once they are created.
    pub keys: Option<OfficePublicKeys>,
    /// Today in the office's time zone.
    #[ts(type = "string")]
    pub today: jiff::civil::Date,
    /// Packs killed before they were recorded, undone when the office was opened.
    pub interrupted_packs: Vec<InterruptedPack>,
}

/// The office at a glance.
pub fn office_info(office: &Office) -> Result<OfficeInfo> {
    Ok(OfficeInfo {
        data_dir: office.dir().root().display().to_string(),
        operator: office.operator().to_string(),
        customer_count: office.store().customer_count()?,
        keys: office_keys(office).ok(),
        today: office.today(),
        interrupted_packs: office.interrupted_packs().to_vec(),
    })
}
