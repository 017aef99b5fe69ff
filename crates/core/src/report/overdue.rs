//! What is overdue today: handovers past their return-or-destroy date without a confirmation,
//! and customers' requests whose outcome they have not been told in time.

use serde::Serialize;
use ts_rs::TS;

use crate::requests::RequestView;

/// An open handover past its return-or-destroy date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OverdueHandover {
    /// `HO-2026-000123`
    pub handover_id: String,
    /// Office-local day of the handover.
    pub date: String,
    /// The contractor.
    pub contractor_id: String,
    /// Its name.
    pub contractor_name: Option<String>,
    /// Work type id.
    pub work_type: String,
    /// Method id.
    pub method: String,
    /// Customers in it.
    pub customers: usize,
    /// The date it should have come back or been destroyed by.
    pub return_by: String,
    /// Days since then.
    pub days_overdue: u32,
}

/// Everything overdue on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OverdueReport {
    /// The day (office-local).
    pub today: String,
    /// Handovers not returned or destroyed in time, oldest due first.
    pub handovers: Vec<OverdueHandover>,
    /// Requests whose outcome the customer was not told in time, oldest due first.
    pub requests: Vec<RequestView>,
}
