//! What the app keeps between commands: the open office, the cancel flag of a running
//! import, the app's settings and the bundle a contractor is viewing. The core knows nothing
//! of this.

use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};

use handover_core::DataDir;
use handover_core::ops::{CustomerSearch, Office};

use crate::config::ConfigFile;
use crate::error::{CmdResult, IpcError};
use crate::viewing::ViewSession;

/// Where the data directory came from (shown in Settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirSource {
    /// `HANDOVER_DATA_DIR`.
    Env,
    /// The settings file.
    Config,
    /// The OS data folder.
    Default,
}

/// The app's state, managed by Tauri.
pub struct AppState {
    /// The data directory in use (shown in the window title).
    pub dir: DataDir,
    /// Where it came from.
    pub dir_source: DirSource,
    /// Is the operator fixed by `HANDOVER_OPERATOR`?
    pub operator_from_env: bool,
    office: Mutex<Result<Office, IpcError>>,
    /// Set by `register_cancel`; polled by a running import.
    pub cancel: AtomicBool,
    /// The app's settings.
    pub config: Mutex<ConfigFile>,
    /// A problem reading the settings at start, to show once.
    pub config_problem: Option<String>,
    /// The bundle being viewed (contractor mode), plaintext in memory only.
    pub session: Mutex<Option<ViewSession>>,
    /// The register search behind the table (index and last matches).
    pub search: Mutex<CustomerSearch>,
}

fn poisoned() -> IpcError {
    IpcError::new(
        "internal",
        "a previous operation failed badly; restart Handover",
    )
}

/// Lock a mutex, turning a poisoned lock into an error the UI can show.
pub fn lock<T>(m: &Mutex<T>) -> CmdResult<MutexGuard<'_, T>> {
    m.lock().map_err(|_| poisoned())
}

impl AppState {
    /// Resolve the data directory (`HANDOVER_DATA_DIR`, else the settings, else the OS data
    /// folder) and the operator (`HANDOVER_OPERATOR`, else the settings, else the login name),
    /// and open the office there (keeping the error to show if it cannot be opened).
    pub fn open(config: ConfigFile, config_problem: Option<String>) -> Result<Self, String> {
        let from_env = std::env::var_os(handover_core::DATA_DIR_ENV).is_some_and(|v| !v.is_empty());
        let configured = config
            .values
            .data_dir
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(std::path::PathBuf::from);
        let (dir, dir_source) = match (&configured, from_env) {
            (Some(p), false) => (DataDir::new(p), DirSource::Config),
            _ => (
                DataDir::resolve(None).map_err(|e| e.to_string())?,
                if from_env {
                    DirSource::Env
                } else {
                    DirSource::Default
                },
            ),
        };
        let operator_from_env =
            std::env::var("HANDOVER_OPERATOR").is_ok_and(|v| !v.trim().is_empty());
        let operator = match (&config.values.operator, operator_from_env) {
            (Some(name), false) if !name.trim().is_empty() => name.clone(),
            _ => handover_core::ops::default_operator(),
        };
        let office = Office::open(dir.clone(), operator).map_err(IpcError::from);
        Ok(AppState {
            dir,
            dir_source,
            operator_from_env,
            office: Mutex::new(office),
            cancel: AtomicBool::new(false),
            config: Mutex::new(config),
            config_problem,
            session: Mutex::new(None),
            search: Mutex::new(CustomerSearch::new()),
        })
    }

    /// Run `f` with the open office.
    pub fn with<T>(&self, f: impl FnOnce(&mut Office) -> CmdResult<T>) -> CmdResult<T> {
        let mut guard = lock(&self.office)?;
        match guard.as_mut() {
            Ok(office) => f(office),
            Err(e) => Err(e.clone()),
        }
    }

    /// Reopen the office with another operator (first start, settings).
    pub fn set_operator(&self, name: &str) -> CmdResult<()> {
        let mut guard = lock(&self.office)?;
        let office = Office::open(self.dir.clone(), name.trim())?;
        *guard = Ok(office);
        Ok(())
    }
}
