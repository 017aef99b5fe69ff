//! What is overdue today: handovers past their return-or-destroy date without a confirmation,
//! and customers' requests whose outcome they have not been told in time.

use jiff::civil::Date;
use serde::Serialize;
use ts_rs::TS;

use crate::WorkType;
use crate::handover::Method;
use crate::receipt::ReceiptState;
use crate::requests::RequestView;

/// An open handover past its return-or-destroy date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OverdueHandover {
    /// `HO-2026-000123`
    pub handover_id: String,
    /// Office-local day of the handover.
    #[ts(type = "string")]
    pub date: Date,
    /// The contractor.
    pub contractor_id: String,
    /// Its name.
    pub contractor_name: Option<String>,
    /// The work.
    pub work_type: WorkType,
    /// How it was handed over.
    pub method: Method,
    /// Customers in it.
    pub customers: usize,
    /// The date it should have come back or been destroyed by.
    #[ts(type = "string")]
    pub return_by: Date,
    /// Days since then.
    pub days_overdue: u32,
    /// No receipt, or the contractor's received receipt came back (it is still open).
    pub receipt: ReceiptState,
    /// The day of the received receipt, if one came back.
    pub received_on: Option<String>,
}

/// Everything overdue on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OverdueReport {
    /// The day (office-local).
    #[ts(type = "string")]
    pub today: Date,
    /// Handovers not returned or destroyed in time, oldest due first.
    pub handovers: Vec<OverdueHandover>,
    /// Requests whose outcome the customer was not told in time, oldest due first.
    pub requests: Vec<RequestView>,
}
