//! Requests, the provision history and the reports (R6–R11): thin wrappers over
//! `handover_core::ops`. Reports come back with their printable HTML, made by the core, so the
//! screen shows exactly what is printed or saved.

use std::path::PathBuf;

use handover_core::Field;
use handover_core::history::ProvisionRow;
use handover_core::ops::{self, HistoryFilter, LeakFormat, RequestFilter, RequestInput};
use handover_core::report::{
    self, CustomerReport, ExportFormat, Lang, LeakQuery, LeakReport, OverdueReport, Printable,
};
use handover_core::requests::{Channel, Request, RequestView};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// Requests, filtered.
#[tauri::command(async)]
pub fn requests_list(
    state: State<'_, AppState>,
    filter: RequestFilter,
) -> CmdResult<Vec<RequestView>> {
    state.with(|o| Ok(ops::requests(o, &filter)?))
}

/// The fields a request can withhold on its own (the form offers these besides "everything").
#[tauri::command]
pub fn request_fields() -> Vec<Field> {
    ops::request_fields()
}

/// Register a request (pending, and enforced from now on).
#[tauri::command(async)]
pub fn request_add(state: State<'_, AppState>, input: RequestInput) -> CmdResult<Request> {
    state.with(|o| Ok(ops::request_add(o, &input)?))
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
    channel: Channel,
) -> CmdResult<Request> {
    state.with(|o| Ok(ops::request_notify(o, &id, &date, channel)?))
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
    state.with(|o| Ok(ops::save_history(o, &filter, &path, format, lang)?))
}

/// A customer's disclosure record (開示請求).
#[tauri::command(async)]
pub fn report_customer(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Printable<CustomerReport>> {
    state.with(|o| Ok(ops::customer_report_page(o, &id)?))
}

/// Save a customer's disclosure record as HTML.
#[tauri::command(async)]
pub fn report_customer_save(
    state: State<'_, AppState>,
    id: String,
    path: PathBuf,
) -> CmdResult<report::SavedFile> {
    state.with(|o| Ok(ops::save_customer_report(o, &id, &path)?))
}

/// The leak report, without recording anything.
#[tauri::command(async)]
pub fn leak_report(
    state: State<'_, AppState>,
    query: LeakQuery,
) -> CmdResult<Printable<LeakReport>> {
    state.with(|o| Ok(ops::leak_report_page(o, &query)?))
}

/// Record the leak report in the ledger (when the office knew and what it concluded).
#[tauri::command(async)]
pub fn leak_report_record(
    state: State<'_, AppState>,
    query: LeakQuery,
) -> CmdResult<Printable<LeakReport>> {
    state.with(|o| Ok(ops::record_leak_report_page(o, &query)?))
}

/// Save the leak report as HTML or XLSX.
#[tauri::command(async)]
pub fn leak_report_save(
    state: State<'_, AppState>,
    query: LeakQuery,
    path: PathBuf,
    format: LeakFormat,
    lang: Lang,
) -> CmdResult<report::SavedFile> {
    state.with(|o| Ok(ops::save_leak_report(o, &query, &path, format, lang)?))
}

/// Handovers past their return date and requests overdue, today.
#[tauri::command(async)]
pub fn overdue_report(state: State<'_, AppState>) -> CmdResult<OverdueReport> {
    state.with(|o| Ok(ops::overdue_report(o)?))
}
