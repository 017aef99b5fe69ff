//! The customer page: requests, the floor plan. (Their handovers are their history:
//! `accountability::history_list` with the customer's id.)

use handover_core::ops;
use handover_core::requests::RequestView;
use tauri::State;
use tauri::ipc::Response;

use crate::error::{CmdResult, IpcError};
use crate::state::AppState;

/// The customer's requests, each saying whether it is enforced and what it can take next.
#[tauri::command(async)]
pub fn customer_requests(state: State<'_, AppState>, id: String) -> CmdResult<Vec<RequestView>> {
    state.with(|o| Ok(ops::customer_requests(o, &id)?))
}

/// The floor plan's bytes (checked against the recorded SHA-256), sent as raw bytes: the UI
/// shows them from memory, no copy is written anywhere.
#[tauri::command(async)]
pub fn floor_plan(state: State<'_, AppState>, id: String) -> CmdResult<Response> {
    state.with(|o| Ok(Response::new(ops::floor_plan(o, &id)?.1)))
}

/// Save the floor plan as the file `path` the person chose (in clear, at their request; a plan
/// encrypted at rest has no file a viewer could open), recorded as a use of the customer's
/// data.
#[tauri::command(async)]
pub fn floor_plan_save(
    state: State<'_, AppState>,
    id: String,
    path: String,
) -> CmdResult<handover_core::report::SavedFile> {
    state.with(|o| Ok(ops::save_floor_plan(o, &id, std::path::Path::new(&path))?))
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
