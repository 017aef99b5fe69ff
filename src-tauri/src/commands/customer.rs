//! The customer page: handover history, requests, the floor plan.

use handover_core::ops::{self, CustomerHandover};
use handover_core::requests::Request;
use tauri::State;
use tauri::ipc::Response;

use crate::error::{CmdResult, IpcError};
use crate::state::AppState;

/// Every handover that included the customer, with the fields they received.
#[tauri::command(async)]
pub fn customer_handovers(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Vec<CustomerHandover>> {
    state.with(|o| Ok(ops::customer_handovers(o, &id)?))
}

/// The customer's requests.
#[tauri::command(async)]
pub fn customer_requests(state: State<'_, AppState>, id: String) -> CmdResult<Vec<Request>> {
    state.with(|o| Ok(ops::customer_requests(o, &id)?))
}

/// The floor plan's bytes (checked against the recorded SHA-256), sent as raw bytes: the UI
/// shows them from memory, no copy is written anywhere.
#[tauri::command(async)]
pub fn floor_plan(state: State<'_, AppState>, id: String) -> CmdResult<Response> {
    state.with(|o| Ok(Response::new(ops::floor_plan(o, &id)?.1)))
}

/// Open the stored floor plan (a PDF, typically) with the system's viewer.
#[tauri::command(async)]
pub fn floor_plan_open(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    let (_, path) = state.with(|o| Ok(ops::floor_plan_path(o, &id)?))?;
    tauri_plugin_opener::open_path(&path, None::<&str>).map_err(|e| {
        IpcError::new(
            "cannot_open",
            format!("no program could open {}: {e}", path.display()),
        )
    })
}
