//! Settings and first start: language, data folder, operator, office or contractor mode, and
//! the manager's policy editor.

use handover_core::{Field, Policy, WorkType, ops};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::config::Mode;
use crate::error::{CmdResult, IpcError};
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
    /// The operator recorded in the ledger.
    pub operator: String,
    /// Whether HANDOVER_OPERATOR fixes the operator (then it cannot be changed here).
    pub operator_from_env: bool,
    /// Office or contractor (None: not chosen yet).
    pub mode: Option<Mode>,
    /// The settings file.
    pub config_file: Option<String>,
    /// A problem reading the settings file at start.
    pub config_problem: Option<String>,
}

fn info(state: &AppState) -> CmdResult<SettingsInfo> {
    let operator = state
        .with(|o| Ok(o.operator().to_string()))
        .unwrap_or_default();
    let cfg = lock(&state.config)?;
    Ok(SettingsInfo {
        language: cfg.values.language.clone(),
        data_dir: state.dir.root().display().to_string(),
        data_dir_source: match state.dir_source {
            DirSource::Env => "env",
            DirSource::Config => "config",
            DirSource::Default => "default",
        }
        .into(),
        configured_data_dir: cfg.values.data_dir.clone(),
        operator,
        operator_from_env: state.operator_from_env,
        mode: cfg.values.mode,
        config_file: cfg.path.as_ref().map(|p| p.display().to_string()),
        config_problem: state.config_problem.clone(),
    })
}

/// The settings.
#[tauri::command]
pub fn settings_get(state: State<'_, AppState>) -> CmdResult<SettingsInfo> {
    info(&state)
}

/// Choose the language.
#[tauri::command]
pub fn settings_set_language(
    state: State<'_, AppState>,
    language: String,
) -> CmdResult<SettingsInfo> {
    if !matches!(language.as_str(), "ja" | "en") {
        return Err(IpcError::new("invalid", "the language is ja or en"));
    }
    lock(&state.config)?.update(|v| {
        v.language = Some(language);
        Ok(())
    })?;
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
    let path = path.map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    if let Some(p) = &path {
        let p = std::path::Path::new(p);
        if !p.is_absolute() {
            return Err(IpcError::new("invalid", "choose a full folder path"));
        }
        if p.exists() && !p.is_dir() {
            return Err(IpcError::new(
                "invalid",
                format!("{} is a file, not a folder", p.display()),
            ));
        }
    }
    lock(&state.config)?.update(|v| {
        v.data_dir = path;
        Ok(())
    })?;
    info(&state)
}

/// Set the operator recorded in the ledger from now on.
#[tauri::command(async)]
pub fn settings_set_operator(state: State<'_, AppState>, name: String) -> CmdResult<SettingsInfo> {
    if state.operator_from_env {
        return Err(IpcError::new(
            "invalid",
            "the operator is set by HANDOVER_OPERATOR for this session",
        ));
    }
    let name = name.trim().to_string();
    // The core refuses an empty name (Office::open); check before saving it.
    state.set_operator(&name)?;
    lock(&state.config)?.update(|v| {
        v.operator = Some(name);
        Ok(())
    })?;
    info(&state)
}

/// A work type's minimal set in the policy editor.
#[derive(Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WorkTypePolicy {
    /// The work type.
    pub id: WorkType,
    /// 日本語
    pub label_ja: String,
    /// English
    pub label_en: String,
    /// Its minimal fields.
    pub fields: Vec<Field>,
}

/// The policy as the editor shows and sends it.
#[derive(Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PolicyForm {
    /// Every work type with its minimal set.
    pub work_types: Vec<WorkTypePolicy>,
    /// Days to the return-or-destroy date.
    pub return_days: u32,
    /// Days to tell a customer the outcome of an opt-out request.
    pub notify_deadline_days: u32,
    /// Years the records are kept (at least 3).
    pub record_retention_years: u32,
    /// Years a former customer's personal data is kept after the contract ended.
    pub customer_retention_years: u32,
}

/// The policy editor's data.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PolicyView {
    /// The policy in force (the default if the file is unreadable).
    pub policy: PolicyForm,
    /// The fields that may be offered (never payment fields).
    pub selectable: Vec<Field>,
    /// Why the policy file could not be read, if so (saving repairs it).
    pub load_error: Option<IpcError>,
}

fn form(p: &Policy) -> PolicyForm {
    PolicyForm {
        work_types: WorkType::ALL
            .into_iter()
            .map(|w| WorkTypePolicy {
                id: w,
                label_ja: w.label_ja().into(),
                label_en: w.label_en().into(),
                fields: p.fields_for(w).to_vec(),
            })
            .collect(),
        return_days: p.return_days,
        notify_deadline_days: p.notify_deadline_days,
        record_retention_years: p.record_retention_years,
        customer_retention_years: p.customer_retention_years,
    }
}

fn view(p: &Policy, load_error: Option<IpcError>) -> PolicyView {
    PolicyView {
        policy: form(p),
        selectable: Field::stored().collect(),
        load_error,
    }
}

/// The policy in force.
#[tauri::command(async)]
pub fn policy_get(state: State<'_, AppState>) -> CmdResult<PolicyView> {
    state.with(|o| {
        Ok(match ops::policy(o) {
            Ok(p) => view(&p, None),
            Err(e) => view(&Policy::default(), Some(e.into())),
        })
    })
}

/// Save the policy (validated by the core, recorded in the ledger).
#[tauri::command(async)]
pub fn policy_save(state: State<'_, AppState>, policy: PolicyForm) -> CmdResult<PolicyView> {
    let p = Policy {
        work_types: policy
            .work_types
            .into_iter()
            .map(|w| {
                // Keep the register's column order whatever order the boxes were ticked in.
                let fields = Field::ALL
                    .into_iter()
                    .filter(|f| w.fields.contains(f))
                    .collect();
                (w.id, fields)
            })
            .collect(),
        return_days: policy.return_days,
        notify_deadline_days: policy.notify_deadline_days,
        record_retention_years: policy.record_retention_years,
        customer_retention_years: policy.customer_retention_years,
    };
    state.with(|o| Ok(view(&ops::policy_save(o, &p)?, None)))
}
