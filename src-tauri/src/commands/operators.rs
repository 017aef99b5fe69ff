//! The office's people, from Settings (admin only: the core refuses anyone else): list, add
//! with a role and a password, disable; and anyone's change of their own password.

use age::secrecy::SecretString;
use age::secrecy::zeroize::Zeroize;
use handover_core::operators::{Operator, Role};
use handover_core::ops;
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// The roster, names and roles.
#[tauri::command(async)]
pub fn operators_list(state: State<'_, AppState>) -> CmdResult<Vec<Operator>> {
    state.with(|o| Ok(ops::operator_list(o)?))
}

/// Add a person with a role and their first password (wiped from the IPC copy at once);
/// recorded in the ledger. Returns the roster.
#[tauri::command(async)]
pub fn operator_add(
    state: State<'_, AppState>,
    name: String,
    role: Role,
    password: String,
) -> CmdResult<Vec<Operator>> {
    let mut password = password;
    let secret = SecretString::from(password.as_str());
    password.zeroize();
    state.with(|o| {
        ops::operator_add(o, &name, role, &secret)?;
        Ok(ops::operator_list(o)?)
    })
}

/// Stop a person from signing in (their entries stay theirs); recorded. Returns the roster.
#[tauri::command(async)]
pub fn operator_disable(state: State<'_, AppState>, name: String) -> CmdResult<Vec<Operator>> {
    state.with(|o| {
        ops::operator_disable(o, &name)?;
        Ok(ops::operator_list(o)?)
    })
}

/// The signed-in person changes their own password: `current` is checked by unwrapping the
/// office's data key, which is wrapped again under `new_password` (the data is not
/// re-encrypted); recorded. A wrong `current` changes nothing. The IPC copies are wiped at once.
#[tauri::command(async)]
pub fn password_change(
    state: State<'_, AppState>,
    current: String,
    new_password: String,
) -> CmdResult<()> {
    let (mut current, mut new_password) = (current, new_password);
    let (old, new) = (
        SecretString::from(current.as_str()),
        SecretString::from(new_password.as_str()),
    );
    current.zeroize();
    new_password.zeroize();
    state.with(|o| Ok(ops::change_password(o, &old, &new)?))
}
