//! Requests, the provision history and the reports (R6–R11): thin wrappers over
//! `handover_core::ops`. Reports come back with their printable HTML, made by the core, so the
//! screen shows exactly what is printed or saved.

use std::path::PathBuf;

use handover_core::history::ProvisionRow;
use handover_core::ops::{self, HistoryFilter, RequestFilter};
use handover_core::report::{
    self, CustomerReport, ExportFormat, Lang, LeakQuery, LeakReport, OverdueReport,
};
use handover_core::requests::{Request, RequestView, Scope};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::error::CmdResult;
use crate::state::AppState;

/// A request as the registration form sends it.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RequestInput {
    /// 顧客番号
    pub customer_id: String,
    /// Everything, or some fields.
    pub scope: Scope,
    /// Day received (YYYY-MM-DD).
    pub received: String,
    /// `phone`, `counter`, `mail` or `web`.
    pub channel: String,
    /// Staff note.
    pub note: Option<String>,
}

/// Requests, filtered.
#[tauri::command(async)]
pub fn requests_list(
    state: State<'_, AppState>,
    filter: RequestFilter,
) -> CmdResult<Vec<RequestView>> {
    state.with(|o| Ok(ops::requests(o, &filter)?))
}

/// Register a request (pending, and enforced from now on).
#[tauri::command(async)]
pub fn request_add(state: State<'_, AppState>, input: RequestInput) -> CmdResult<Request> {
    state.with(|o| {
        Ok(ops::request_add(
            o,
            &input.customer_id,
            input.scope.clone(),
            &input.received,
            &input.channel,
            input.note.as_deref(),
        )?)
    })
}

/// Accept, or reject with a reason.
#[tauri::command(async)]
pub fn request_decide(
    state: State<'_, AppState>,
    id: String,
    accept: bool,
    reason: Option<String>,
) -> CmdResult<Request> {
    state.with(|o| Ok(ops::request_decide(o, &id, accept, reason.as_deref())?))
}

/// Record that the customer was told the outcome.
#[tauri::command(async)]
pub fn request_notify(
    state: State<'_, AppState>,
    id: String,
    date: String,
    channel: String,
) -> CmdResult<Request> {
    state.with(|o| Ok(ops::request_notify(o, &id, &date, &channel)?))
}

/// The customer withdrew the request.
#[tauri::command(async)]
pub fn request_withdraw(state: State<'_, AppState>, id: String) -> CmdResult<Request> {
    state.with(|o| Ok(ops::request_withdraw(o, &id)?))
}

/// One row per customer per handover, filtered.
#[tauri::command(async)]
pub fn history_list(
    state: State<'_, AppState>,
    filter: HistoryFilter,
) -> CmdResult<Vec<ProvisionRow>> {
    state.with(|o| Ok(ops::history(o, &filter)?))
}

/// Export the filtered history as CSV or XLSX (never overwrites).
#[tauri::command(async)]
pub fn history_export(
    state: State<'_, AppState>,
    filter: HistoryFilter,
    path: PathBuf,
    format: ExportFormat,
    lang: Lang,
) -> CmdResult<report::SavedFile> {
    state.with(|o| {
        let rows = ops::history(o, &filter)?;
        Ok(ops::export_history(&rows, &path, format, lang)?)
    })
}

/// A report and its printable page.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Printable<T: TS> {
    /// The data.
    pub report: T,
    /// The page, as printed or saved.
    pub html: String,
}

/// A customer's disclosure record (開示請求).
#[tauri::command(async)]
pub fn report_customer(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Printable<CustomerReport>> {
    state.with(|o| {
        let r = ops::report_customer(o, &id)?;
        let html = report::customer_report_html(&r);
        Ok(Printable { report: r, html })
    })
}

/// Save a customer's disclosure record as HTML.
#[tauri::command(async)]
pub fn report_customer_save(
    state: State<'_, AppState>,
    id: String,
    path: PathBuf,
) -> CmdResult<report::SavedFile> {
    state.with(|o| {
        let r = ops::report_customer(o, &id)?;
        Ok(ops::save_customer_report_html(&r, &path)?)
    })
}

/// The leak report, without recording anything.
#[tauri::command(async)]
pub fn leak_report(
    state: State<'_, AppState>,
    query: LeakQuery,
) -> CmdResult<Printable<LeakReport>> {
    state.with(|o| {
        let r = ops::leak_report(o, &query)?;
        let html = report::leak_report_html(&r);
        Ok(Printable { report: r, html })
    })
}

/// Record the leak report in the ledger (when the office knew and what it concluded).
#[tauri::command(async)]
pub fn leak_report_record(
    state: State<'_, AppState>,
    query: LeakQuery,
) -> CmdResult<Printable<LeakReport>> {
    state.with(|o| {
        let r = ops::record_leak_report(o, &query)?;
        let html = report::leak_report_html(&r);
        Ok(Printable { report: r, html })
    })
}

/// Save the leak report as HTML (`xlsx` false) or XLSX.
#[tauri::command(async)]
pub fn leak_report_save(
    state: State<'_, AppState>,
    query: LeakQuery,
    path: PathBuf,
    xlsx: bool,
    lang: Lang,
) -> CmdResult<report::SavedFile> {
    state.with(|o| {
        let r = ops::leak_report(o, &query)?;
        Ok(if xlsx {
            ops::save_leak_report_xlsx(&r, &path, lang)?
        } else {
            ops::save_leak_report_html(&r, &path)?
        })
    })
}

/// Handovers past their return date and requests overdue, today.
#[tauri::command(async)]
pub fn overdue_report(state: State<'_, AppState>) -> CmdResult<OverdueReport> {
    state.with(|o| Ok(ops::overdue_report(o)?))
}
