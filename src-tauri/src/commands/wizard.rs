//! The new-handover wizard: what each step asks the core before the handover is packed (the
//! pack itself is `handovers::handover_pack`), and "show in folder" for the done page.

use handover_core::WorkType;
use handover_core::handover::{Excluded, Selection};
use handover_core::ops::{self, ContractorChoice, FieldOption, HandoverDefaults, PastedIds};
use tauri::State;

use crate::error::{CmdResult, IpcError};
use crate::state::AppState;

/// The roster with today's refusals per contractor and method.
#[tauri::command(async)]
pub fn handover_contractors(state: State<'_, AppState>) -> CmdResult<Vec<ContractorChoice>> {
    state.with(|o| Ok(ops::contractor_choices(o)?))
}

/// The customers who cannot be in a handover for this work type, and why.
#[tauri::command(async)]
pub fn handover_screen(
    state: State<'_, AppState>,
    work_type: WorkType,
) -> CmdResult<Vec<Excluded>> {
    state.with(|o| Ok(ops::screen_customers(o, work_type)?))
}

/// Pasted customer numbers, read by the core (separators, full-width, repeats) and sorted into
/// those in the register and those not.
#[tauri::command(async)]
pub fn handover_paste_ids(state: State<'_, AppState>, text: String) -> CmdResult<PastedIds> {
    state.with(|o| Ok(ops::paste_customer_ids(o, &text)?))
}

/// Every field and how it can be chosen for this work type.
#[tauri::command(async)]
pub fn handover_fields(
    state: State<'_, AppState>,
    work_type: WorkType,
) -> CmdResult<Vec<FieldOption>> {
    state.with(|o| Ok(ops::field_options(o, work_type)?))
}

/// Today and the default return-or-destroy date.
#[tauri::command(async)]
pub fn handover_defaults(state: State<'_, AppState>) -> CmdResult<HandoverDefaults> {
    state.with(|o| Ok(ops::handover_defaults(o)?))
}

/// Would pack accept these options? Returns the return-or-destroy date it would record.
#[tauri::command(async)]
pub fn handover_check(
    state: State<'_, AppState>,
    selection: Selection,
    return_by: Option<String>,
    passphrase: Option<String>,
) -> CmdResult<jiff::civil::Date> {
    // Straight into a secret type: zeroized on drop, never in a Debug or log line.
    let passphrase = passphrase.map(Into::into);
    state.with(|o| {
        Ok(ops::check_pack_options(
            o,
            &selection,
            passphrase.as_ref(),
            return_by.as_deref(),
        )?)
    })
}

/// The work-order sheet a paper handover would print (HTML), before it is made.
#[tauri::command(async)]
pub fn handover_paper_preview(
    state: State<'_, AppState>,
    selection: Selection,
    return_by: Option<String>,
) -> CmdResult<String> {
    state.with(|o| Ok(ops::paper_preview(o, &selection, return_by.as_deref())?))
}

/// The sheet of a made paper handover, read back from where it was written (checked against
/// the recorded SHA-256), to print it.
#[tauri::command(async)]
pub fn handover_paper_sheet(
    state: State<'_, AppState>,
    id: String,
    path: String,
) -> CmdResult<String> {
    state.with(|o| Ok(ops::paper_sheet(o, &id, std::path::Path::new(&path))?))
}

/// Show a written file in the system's file manager, selected; where the desktop offers no
/// way to select it (no FileManager1 or portal service), open its folder instead.
#[tauri::command(async)]
pub fn show_in_folder(path: String) -> CmdResult<()> {
    let file = std::path::Path::new(&path);
    tauri_plugin_opener::reveal_item_in_dir(file)
        .or_else(|first| match file.parent() {
            Some(dir) => tauri_plugin_opener::open_path(dir, None::<&str>).map_err(|_| first),
            None => Err(first),
        })
        .map_err(|e| {
            IpcError::new(
                "cannot_open",
                format!("cannot show {path} in its folder: {e}"),
            )
        })
}
