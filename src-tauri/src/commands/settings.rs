//! Settings and first start: language, data folder, office or contractor mode, and the
//! manager's policy editor.

use handover_core::ops::{self, PolicyForm, PolicyView};
use handover_core::os_key_store::{KeyStore, OsKeyStore};
use serde::Serialize;
use tauri::{AppHandle, State};
use ts_rs::TS;

use crate::config::Mode;
use crate::error::CmdResult;
use crate::state::{AppState, DirSource, lock};

/// The settings as the UI shows them.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SettingsInfo {
    /// `ja` or `en` (None: not chosen yet).
    pub language: Option<String>,
    /// The data folder in use.
    pub data_dir: String,
    /// `env` (HANDOVER_DATA_DIR), `config` or `default`.
    pub data_dir_source: String,
    /// The data folder chosen in the settings (used from the next start).
    pub configured_data_dir: Option<String>,
    /// The signed-in operator, recorded in the ledger ("" while nobody is).
    pub operator: String,
    /// Office or contractor (None: not chosen yet).
    pub mode: Option<Mode>,
    /// The settings file.
    pub config_file: Option<String>,
    /// A problem reading the settings file at start.
    pub config_problem: Option<String>,
    /// The store the office is on.
    pub store: StoreInfo,
}

/// Which store, as the UI shows it (never a password).
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoreInfo {
    /// The office's server, `postgres://login@host:port/db` (None: this PC's own store).
    pub server: Option<String>,
    /// The URL saved in the settings, to edit (None when it comes from HANDOVER_STORE, which
    /// may hold a password, or there is none).
    pub configured_url: Option<String>,
    /// The login the URL names, suggested on the sign-in screen.
    pub login: Option<String>,
    /// `env` (HANDOVER_STORE), `config` or `default` (this PC's own store).
    pub source: String,
    /// Whether the office is open: someone signed in.
    pub signed_in: bool,
    /// This PC's own store has nobody on its roster yet: the window asks for the first admin.
    pub needs_admin: bool,
    /// Who was signed in when the window locked itself after a while without use (None: not
    /// locked); they, or someone else, sign in again.
    pub locked_by: Option<String>,
    /// The fewest characters of a new password (the core's rule, for the form's hint).
    #[ts(type = "number")]
    pub password_min_chars: usize,
    /// Whether PGPASSWORD or ~/.pgpass holds the password (then it need not be typed).
    pub password_known: bool,
    /// The operators who open this PC's own store without typing (their entry in the OS key
    /// store; names from the vault, nothing asked of the key store). Empty on a server.
    pub key_store_operators: Vec<String>,
    /// This computer's key store (Secret Service, Keychain, Windows Credential Manager).
    pub key_store_kind: String,
}

fn source_id(s: DirSource) -> String {
    match s {
        DirSource::Env => "env",
        DirSource::Config => "config",
        DirSource::Default => "default",
    }
    .into()
}

pub(crate) fn info(state: &AppState) -> CmdResult<SettingsInfo> {
    let operator = state.with(|o| Ok(o.operator().to_string()));
    let needs_admin = matches!(&operator, Err(e) if e.code == "no_admin");
    let signed_in = operator.is_ok();
    let operator = operator.unwrap_or_default();
    let store = state.store()?;
    let server = store.choice.server();
    let cfg = lock(&state.config)?;
    let store = StoreInfo {
        server: server.map(|t| t.location()),
        configured_url: cfg
            .values
            .store
            .clone()
            .filter(|_| store.source == DirSource::Config),
        login: server.map(|t| t.user().to_string()),
        source: source_id(store.source),
        signed_in,
        needs_admin,
        locked_by: state.locked_by()?,
        password_min_chars: handover_core::passwords::MIN_CHARS,
        password_known: store.choice.server().is_some() && !store.choice.needs_password(),
        key_store_operators: match server {
            Some(_) => Vec::new(),
            None => ops::key_store_operators(&state.dir).unwrap_or_default(),
        },
        key_store_kind: KeyStore::kind(&OsKeyStore).to_string(),
    };
    Ok(SettingsInfo {
        language: cfg.values.language.clone(),
        data_dir: state.dir.root().display().to_string(),
        data_dir_source: source_id(state.dir_source),
        configured_data_dir: cfg.values.data_dir.clone(),
        operator,
        mode: cfg.values.mode,
        config_file: cfg.path.as_ref().map(|p| p.display().to_string()),
        config_problem: state.config_problem.clone(),
        store,
    })
}

/// The settings.
#[tauri::command]
pub fn settings_get(state: State<'_, AppState>) -> CmdResult<SettingsInfo> {
    info(&state)
}

/// Choose the language (the menu and the window title follow at once).
#[tauri::command]
pub fn settings_set_language(
    app: AppHandle,
    state: State<'_, AppState>,
    language: String,
) -> CmdResult<SettingsInfo> {
    lock(&state.config)?.update(|v| v.set_language(&language))?;
    crate::shell::apply_language(&app, &language, state.dir.root());
    info(&state)
}

/// Choose office or contractor mode.
#[tauri::command]
pub fn settings_set_mode(state: State<'_, AppState>, mode: Mode) -> CmdResult<SettingsInfo> {
    lock(&state.config)?.update(|v| {
        v.mode = Some(mode);
        Ok(())
    })?;
    info(&state)
}

/// Choose the data folder for the next start (None: back to the default).
#[tauri::command(async)]
pub fn settings_set_data_dir(
    state: State<'_, AppState>,
    path: Option<String>,
) -> CmdResult<SettingsInfo> {
    lock(&state.config)?.update(|v| v.set_data_dir(path.as_deref()))?;
    info(&state)
}

/// The policy editor's data: the policy in force (or, if the file cannot be read, why, and the
/// default to repair it from), the fields that may be chosen and the bounds of every number.
#[tauri::command(async)]
pub fn policy_get(state: State<'_, AppState>) -> CmdResult<PolicyView> {
    state.with(|o| Ok(ops::policy_view(o)?))
}

/// Save the policy the editor sends (validated by the core, recorded in the ledger); a form
/// the core refuses changes nothing.
#[tauri::command(async)]
pub fn policy_save(state: State<'_, AppState>, policy: PolicyForm) -> CmdResult<PolicyView> {
    state.with(|o| Ok(ops::policy_save_form(o, &policy)?))
}
