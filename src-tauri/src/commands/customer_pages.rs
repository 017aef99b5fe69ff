//! The register table, a page at a time: the UI holds only the rows on screen, and each
//! keystroke of the search asks the in-memory index in the core (`ops::CustomerSearch`).

use handover_core::ops::CustomerPage;
use tauri::State;

use crate::error::CmdResult;
use crate::state::{AppState, lock};

/// Customers `offset..offset + limit` of those matching `query` (empty: everyone).
#[tauri::command(async)]
pub fn customers_page(
    state: State<'_, AppState>,
    query: String,
    offset: usize,
    limit: usize,
) -> CmdResult<CustomerPage> {
    let mut guard = lock(&state.search)?;
    let search = &mut *guard;
    state.with(move |o| Ok(search.page(o, &query, offset, limit)?))
}
