//! What the app keeps between commands: the open office (or why there is none: not signed in
//! to the office server yet), the store it is on, the cancel flag of a running import, the
//! app's settings and the bundle a contractor is viewing. The core knows nothing of this.

use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard, TryLockError};

use age::secrecy::SecretString;
use handover_core::DataDir;
use handover_core::ops::{self, CustomerSearch, Office, StoreChoice};

use crate::config::ConfigFile;
use crate::error::{CmdResult, IpcError};
use crate::viewing::ViewSession;

/// Where the data directory, or the store, came from (shown in Settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirSource {
    /// `HANDOVER_DATA_DIR` (`HANDOVER_STORE`).
    Env,
    /// The settings file.
    Config,
    /// The OS data folder (this PC's own store).
    Default,
}

/// The store the office is on, and where that choice came from.
#[derive(Debug, Clone)]
pub struct StoreSetting {
    /// This PC's own store, or the office's server.
    pub choice: StoreChoice,
    /// `HANDOVER_STORE`, the settings, or neither.
    pub source: DirSource,
}

/// The app's state, managed by Tauri.
pub struct AppState {
    /// The data directory in use (shown in the window title).
    pub dir: DataDir,
    /// Where it came from.
    pub dir_source: DirSource,
    /// Is the operator fixed by `HANDOVER_OPERATOR`?
    pub operator_from_env: bool,
    /// The store in use (changed by Settings without a restart).
    store: Mutex<StoreSetting>,
    /// The office, or why there is none (not signed in, a damaged store…).
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

/// Run `f` on a thread of its own, outside the async runtime Tauri runs commands on. The office
/// server's client (the synchronous `postgres` crate) drives a runtime of its own, and blocking
/// on one from inside another panics; so everything that may touch the store or drop an open
/// office (closing its connection) goes through here. A thread costs little next to a round trip.
pub fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    })
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
        let (store, office) = match initial_store(&config) {
            Ok(store) => {
                let office = match store.choice {
                    StoreChoice::Embedded => {
                        Office::open(dir.clone(), embedded_operator(&config, operator_from_env))
                            .map_err(IpcError::from)
                    }
                    StoreChoice::Server(_) => Err(signed_out(&store.choice)),
                };
                (store, office)
            }
            // A wrong `HANDOVER_STORE` stops the app, as it stops the CLI.
            Err(e) if std::env::var("HANDOVER_STORE").is_ok_and(|v| !v.trim().is_empty()) => {
                return Err(format!("HANDOVER_STORE: {}", e.message));
            }
            // A hand-edited URL in the settings: nothing is opened in its place, and Settings
            // can choose again.
            Err(e) => (
                StoreSetting {
                    choice: StoreChoice::Embedded,
                    source: DirSource::Config,
                },
                Err(IpcError::new(
                    &e.code,
                    format!(
                        "the office server in the settings cannot be used ({}): choose it again \
                         in Settings, or use this PC's own store",
                        e.message
                    ),
                )),
            ),
        };
        Ok(AppState {
            dir,
            dir_source,
            operator_from_env,
            store: Mutex::new(store),
            office: Mutex::new(office),
            cancel: AtomicBool::new(false),
            config: Mutex::new(config),
            config_problem,
            session: Mutex::new(None),
            search: Mutex::new(CustomerSearch::new()),
        })
    }

    /// The app is ending: seal the signed-in person's uses that wait (record of use). An
    /// office busy elsewhere or closed is left alone; its uses are sealed by the next use.
    pub fn close(&self) {
        if let Ok(mut guard) = self.office.try_lock()
            && let Ok(office) = guard.as_mut()
        {
            let _ = ops::seal_own_uses(office);
        }
    }

    /// Run `f` with the open office.
    pub fn with<T: Send>(
        &self,
        f: impl FnOnce(&mut Office) -> CmdResult<T> + Send,
    ) -> CmdResult<T> {
        let mut guard = lock(&self.office)?;
        match guard.as_mut() {
            Ok(office) => off_runtime(|| f(office)),
            Err(e) => Err(e.clone()),
        }
    }

    /// Run `f` with the open office unless another command is using it (a light check that
    /// must never queue behind an import or a pack): None then.
    pub fn try_with<T: Send>(
        &self,
        f: impl FnOnce(&Office) -> CmdResult<T> + Send,
    ) -> CmdResult<Option<T>> {
        match self.office.try_lock() {
            // `&mut`: an open office may move to another thread, not be shared.
            Ok(mut guard) => match guard.as_mut() {
                Ok(office) => off_runtime(move || f(office)).map(Some),
                Err(e) => Err(e.clone()),
            },
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Poisoned(_)) => Err(poisoned()),
        }
    }

    /// The store in use.
    pub fn store(&self) -> CmdResult<StoreSetting> {
        Ok(lock(&self.store)?.clone())
    }

    /// Reopen the office with another operator (first start, settings); this PC's own store
    /// only: on the office server the operator is the signed-in login.
    pub fn set_operator(&self, name: &str) -> CmdResult<()> {
        off_runtime(|| self.set_operator_here(name))
    }

    fn set_operator_here(&self, name: &str) -> CmdResult<()> {
        let store = lock(&self.store)?;
        if let Some(server) = store.choice.server() {
            return Err(IpcError::new(
                "invalid",
                format!(
                    "on the office server {} every entry names the login that signed in: sign \
                     in as another person instead",
                    server.location()
                ),
            ));
        }
        let mut guard = lock(&self.office)?;
        let office = Office::open(self.dir.clone(), name.trim())?;
        *guard = Ok(office);
        Ok(())
    }

    /// Sign in to the office server as `login` (with `password`, else `PGPASSWORD` or
    /// `~/.pgpass`). A refusal (wrong password, server down) changes nothing.
    pub fn sign_in(&self, login: &str, password: Option<&SecretString>) -> CmdResult<()> {
        off_runtime(|| self.sign_in_here(login, password))
    }

    fn sign_in_here(&self, login: &str, password: Option<&SecretString>) -> CmdResult<()> {
        let store = lock(&self.store)?;
        let choice = store.choice.as_login(login)?;
        // HANDOVER_OPERATOR, if set, must be that login (the core says why otherwise).
        let typed = std::env::var("HANDOVER_OPERATOR").ok();
        let office = ops::open_office(self.dir.clone(), &choice, password, typed.as_deref())?;
        *lock(&self.office)? = Ok(office);
        *lock(&self.search)? = CustomerSearch::new();
        Ok(())
    }

    /// Sign out of the office server: the connection is closed and nothing is shown until
    /// someone signs in.
    pub fn sign_out(&self) -> CmdResult<()> {
        off_runtime(|| self.sign_out_here())
    }

    fn sign_out_here(&self) -> CmdResult<()> {
        let store = lock(&self.store)?;
        if store.choice.server().is_none() {
            return Err(IpcError::new(
                "invalid",
                "this PC's own store has no sign-in",
            ));
        }
        *lock(&self.office)? = Err(signed_out(&store.choice));
        *lock(&self.search)? = CustomerSearch::new();
        Ok(())
    }

    /// Use the office server at `url` from now on (saved in the settings without a password;
    /// refused with one): the window asks who signs in.
    pub fn connect(&self, url: &str) -> CmdResult<()> {
        off_runtime(|| self.connect_here(url))
    }

    fn connect_here(&self, url: &str) -> CmdResult<()> {
        let mut store = lock(&self.store)?;
        refuse_if_env(&store)?;
        let choice = StoreChoice::for_settings(url)?;
        lock(&self.config)?.update(|v| v.set_store(Some(url)))?;
        *store = StoreSetting {
            choice,
            source: DirSource::Config,
        };
        *lock(&self.office)? = Err(signed_out(&store.choice));
        *lock(&self.search)? = CustomerSearch::new();
        Ok(())
    }

    /// Go back to this PC's own store (in the data folder).
    pub fn use_embedded(&self) -> CmdResult<()> {
        off_runtime(|| self.use_embedded_here())
    }

    fn use_embedded_here(&self) -> CmdResult<()> {
        let mut store = lock(&self.store)?;
        refuse_if_env(&store)?;
        let mut config = lock(&self.config)?;
        let office = Office::open(
            self.dir.clone(),
            embedded_operator(&config, self.operator_from_env),
        )?;
        config.update(|v| v.set_store(None))?;
        *store = StoreSetting {
            choice: StoreChoice::Embedded,
            source: DirSource::Default,
        };
        *lock(&self.office)? = Ok(office);
        *lock(&self.search)? = CustomerSearch::new();
        Ok(())
    }
}

/// `HANDOVER_STORE`, else the settings, else this PC's own store.
fn initial_store(config: &ConfigFile) -> CmdResult<StoreSetting> {
    if std::env::var("HANDOVER_STORE").is_ok_and(|v| !v.trim().is_empty()) {
        return Ok(StoreSetting {
            choice: StoreChoice::from_arg_or_env(None)?,
            source: DirSource::Env,
        });
    }
    Ok(match config.values.store.as_deref() {
        Some(url) => StoreSetting {
            choice: StoreChoice::for_settings(url)?,
            source: DirSource::Config,
        },
        None => StoreSetting {
            choice: StoreChoice::Embedded,
            source: DirSource::Default,
        },
    })
}

/// The operator of this PC's own store: `HANDOVER_OPERATOR`, else the settings, else the
/// login name.
fn embedded_operator(config: &ConfigFile, from_env: bool) -> String {
    match (&config.values.operator, from_env) {
        (Some(name), false) if !name.trim().is_empty() => name.clone(),
        _ => ops::default_operator(),
    }
}

/// Why there is no office yet on a server.
fn signed_out(choice: &StoreChoice) -> IpcError {
    IpcError::new(
        "signed_out",
        format!(
            "sign in to the office server {} first",
            choice.server().map(|t| t.location()).unwrap_or_default()
        ),
    )
}

fn refuse_if_env(store: &StoreSetting) -> CmdResult<()> {
    if store.source == DirSource::Env {
        return Err(IpcError::new(
            "invalid",
            "the store is set by HANDOVER_STORE for this session",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An app whose settings choose the data folder and the store (no environment needed).
    fn app(dir: &std::path::Path, store: Option<&str>) -> AppState {
        let (mut config, _) = ConfigFile::load(Some(dir.join("config.json")));
        config
            .update(|v| {
                v.data_dir = Some(dir.join("data").display().to_string());
                v.operator = Some("試験 係員".into());
                v.store = store.map(str::to_string);
                Ok(())
            })
            .unwrap();
        AppState::open(config, None).unwrap()
    }

    fn code<T>(r: CmdResult<T>) -> String {
        r.err().map(|e| e.code).unwrap_or_default()
    }

    #[test]
    fn a_server_store_opens_nothing_until_someone_signs_in_and_refusals_change_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        // Port 1 on this PC: nothing listens, the connection is refused at once.
        let server = "postgres://sato@127.0.0.1:1/office?sslmode=disable";
        let state = app(tmp.path(), Some(server));
        assert_eq!(state.store().unwrap().source, DirSource::Config);
        assert_eq!(code(state.with(|_| Ok(()))), "signed_out");

        // A server that cannot be reached, an empty login: refused, still signed out.
        let pw = SecretString::from("correct horse battery");
        assert_eq!(code(state.sign_in("sato", Some(&pw))), "store_unavailable");
        assert_eq!(code(state.sign_in("  ", Some(&pw))), "invalid");
        assert_eq!(code(state.with(|_| Ok(()))), "signed_out");
        // The operator is the login on a server, never a typed name.
        assert!(
            state
                .set_operator("someone")
                .unwrap_err()
                .message
                .contains("login")
        );

        // A URL with a password is refused and the settings keep the old one.
        let err = state
            .connect("postgres://sato:secret@127.0.0.1:1/office")
            .unwrap_err();
        assert!(err.message.contains("password"), "{}", err.message);
        let saved = std::fs::read_to_string(tmp.path().join("config.json")).unwrap();
        assert!(
            saved.contains(server) && !saved.contains("secret"),
            "{saved}"
        );

        // Back to this PC's own store: open at once, no sign-in, and saved.
        state.use_embedded().unwrap();
        assert_eq!(
            state.with(|o| Ok(o.operator().to_string())).unwrap(),
            "試験 係員"
        );
        assert_eq!(code(state.sign_out()), "invalid");
        assert_eq!(lock(&state.config).unwrap().values.store, None);

        // And to the server again: the office closes until someone signs in.
        state.connect(server).unwrap();
        assert_eq!(code(state.with(|_| Ok(()))), "signed_out");
        assert_eq!(code(state.try_with(|_| Ok(()))), "signed_out");
    }

    #[test]
    fn a_damaged_server_url_in_the_settings_opens_nothing_in_its_place() {
        let tmp = tempfile::tempdir().unwrap();
        let state = app(tmp.path(), Some("mysql://sato@db/office"));
        let err = state.with(|_| Ok(())).unwrap_err();
        assert!(err.message.contains("Settings"), "{}", err.message);
        state.use_embedded().unwrap();
        assert!(state.with(|_| Ok(())).is_ok());
    }
}
