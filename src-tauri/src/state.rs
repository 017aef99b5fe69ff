//! What the app keeps between commands: the open office (or why there is none: nobody signed
//! in, no admin yet, the window locked after a while without use), the store it is on, the
//! cancel flag of a running import, the app's settings and the bundle a contractor is viewing.
//! The core knows nothing of this.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use age::secrecy::SecretString;
use handover_core::DataDir;
use handover_core::ops::{self, CustomerSearch, InitReport, Office, StoreChoice};
use handover_core::refusal::{Refusal, SharedProblem};

use crate::config::ConfigFile;
use crate::error::{CmdResult, IpcError};
use crate::prompts::PromptBoard;
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
    /// The store in use (changed by Settings without a restart).
    store: Mutex<StoreSetting>,
    /// The office, or why there is none (not signed in, a damaged store…).
    office: Mutex<Result<Office, IpcError>>,
    /// Who was signed in when the window locked itself after a while without use: the office
    /// is closed (nothing of it can be read) until someone signs in again.
    locked_by: Mutex<Option<String>>,
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
    /// A key on hardware's questions waiting for the window's answer.
    pub prompts: Arc<PromptBoard>,
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
    /// folder) and the store; nothing is open until someone signs in (or, in an office without
    /// operators yet, its first admin is created).
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
        let (store, office) = match initial_store(&config) {
            Ok(store) => {
                let office = Err(signed_out(&dir, &store.choice));
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
            store: Mutex::new(store),
            office: Mutex::new(office),
            locked_by: Mutex::new(None),
            cancel: AtomicBool::new(false),
            config: Mutex::new(config),
            config_problem,
            session: Mutex::new(None),
            search: Mutex::new(CustomerSearch::new()),
            prompts: Arc::new(PromptBoard::default()),
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

    /// Who was signed in when the window locked (None: not locked).
    pub fn locked_by(&self) -> CmdResult<Option<String>> {
        Ok(lock(&self.locked_by)?.clone())
    }

    /// Create the first admin of this PC's own store (a new office, or one made before sign-in
    /// existed), who is then signed in; the office keys are created if missing. Refused on the
    /// office server (its owner is the first admin) and once the store has an operator.
    pub fn create_admin(&self, name: &str, password: &SecretString) -> CmdResult<InitReport> {
        off_runtime(|| {
            let store = lock(&self.store)?;
            if store.choice.server().is_some() {
                return Err(Refusal::SharedStore(SharedProblem::FirstAdminIsOwner).into());
            }
            let (office, report) = ops::init_admin(self.dir.clone(), name, password)?;
            *lock(&self.office)? = Ok(office);
            *lock(&self.locked_by)? = None;
            *lock(&self.search)? = CustomerSearch::new();
            Ok(report)
        })
    }

    /// Sign in as `login` with `password`: on this PC's own store against its roster, on the
    /// office server as that login (`password` empty: `PGPASSWORD` or `~/.pgpass`). A
    /// refusal (wrong password, a locked operator, server down) changes nothing; a window that
    /// locked itself opens again for anyone who signs in.
    pub fn sign_in(&self, login: &str, password: Option<&SecretString>) -> CmdResult<()> {
        off_runtime(|| self.sign_in_here(login, password))
    }

    fn sign_in_here(&self, login: &str, password: Option<&SecretString>) -> CmdResult<()> {
        let store = lock(&self.store)?;
        let office = match &store.choice {
            StoreChoice::Embedded => match password {
                Some(password) => ops::sign_in(self.dir.clone(), login, password)?,
                // No password: this PC's key store, if the operator let it open the office.
                None => ops::sign_in_with_key_store(
                    self.dir.clone(),
                    login,
                    &handover_core::os_key_store::OsKeyStore,
                )?,
            },
            StoreChoice::Server(_) => {
                let choice = store.choice.as_login(login)?;
                ops::open_office(self.dir.clone(), &choice, password, None)?
            }
        };
        *lock(&self.office)? = Ok(office);
        *lock(&self.locked_by)? = None;
        *lock(&self.search)? = CustomerSearch::new();
        Ok(())
    }

    /// Set this PC up for the shared office with the keys in `keys` ([`ops::join`]), as the
    /// signed-in login, who stays signed in on the office it returns. Refused on this PC's own
    /// store, and changing nothing when the file, its passphrase or the password is wrong.
    pub fn join(
        &self,
        keys: &std::path::Path,
        password: Option<&SecretString>,
        passphrase: &SecretString,
    ) -> CmdResult<()> {
        off_runtime(|| {
            let login = self.with(|o| Ok(o.operator().to_string()))?;
            let store = lock(&self.store)?;
            let choice = store.choice.as_login(&login)?;
            let office = ops::join(self.dir.clone(), &choice, password, keys, passphrase)?;
            *lock(&self.office)? = Ok(office);
            Ok(())
        })
    }

    /// Encrypt at rest the office of this PC's store (made by an earlier version) and sign
    /// `login` in ([`ops::encrypt_office`]).
    pub fn encrypt_office(
        &self,
        login: &str,
        password: &SecretString,
        progress: &mut (dyn handover_core::progress::Progress + Send),
    ) -> CmdResult<Option<ops::EncryptReport>> {
        off_runtime(|| {
            let (office, report) =
                ops::encrypt_office(self.dir.clone(), login, password, progress)?;
            *lock(&self.office)? = Ok(office);
            *lock(&self.locked_by)? = None;
            *lock(&self.search)? = CustomerSearch::new();
            Ok(report)
        })
    }

    /// Sign out: the office is closed (the server's connection too) and nothing is shown until
    /// someone signs in.
    pub fn sign_out(&self) -> CmdResult<()> {
        off_runtime(|| {
            let store = lock(&self.store)?;
            *lock(&self.office)? = Err(signed_out(&self.dir, &store.choice));
            *lock(&self.locked_by)? = None;
            *lock(&self.search)? = CustomerSearch::new();
            Ok(())
        })
    }

    /// Lock the window after a while without use: the office is closed as at sign-out, so no
    /// command reads anything, and the window keeps the person's unfinished work until they
    /// (or someone else) sign in again. Nothing to do when nobody is signed in.
    pub fn lock_idle(&self) -> CmdResult<()> {
        off_runtime(|| {
            let mut office = lock(&self.office)?;
            let Ok(open) = office.as_ref() else {
                return Ok(());
            };
            let who = open.operator().to_string();
            *office = Err(IpcError::new(
                "locked",
                format!("the window was locked after a while without use; {who} signs in again"),
            ));
            *lock(&self.locked_by)? = Some(who);
            *lock(&self.search)? = CustomerSearch::new();
            Ok(())
        })
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
        *lock(&self.office)? = Err(signed_out(&self.dir, &store.choice));
        *lock(&self.locked_by)? = None;
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
        lock(&self.config)?.update(|v| v.set_store(None))?;
        *store = StoreSetting {
            choice: StoreChoice::Embedded,
            source: DirSource::Default,
        };
        *lock(&self.office)? = Err(signed_out(&self.dir, &store.choice));
        *lock(&self.locked_by)? = None;
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

/// Why nothing is open yet: nobody signed in (the office server, or this PC's store with its
/// roster), or this PC's store has nobody on its roster yet (the window asks for the first
/// admin), or the store cannot be read at all (a damaged or newer store: its own error).
fn signed_out(dir: &DataDir, choice: &StoreChoice) -> IpcError {
    match choice.server() {
        Some(t) => IpcError::new(
            "signed_out",
            format!("sign in to the office server {} first", t.location()),
        ),
        None => match ops::signs_in(dir) {
            Ok(true) => IpcError::new("signed_out", "sign in with your name and password"),
            Ok(false) => IpcError::from(handover_core::Error::NoAdmin(
                dir.db_path().display().to_string(),
            )),
            Err(e) => IpcError::from(e),
        },
    }
}

fn refuse_if_env(store: &StoreSetting) -> CmdResult<()> {
    if store.source == DirSource::Env {
        return Err(Refusal::SharedStore(SharedProblem::SetByEnv).into());
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
        assert_eq!(code(state.sign_in("  ", Some(&pw))), "shared_store_setup");
        assert_eq!(code(state.with(|_| Ok(()))), "signed_out");
        // The office server's first admin is its owner, not one made here.
        assert_eq!(
            code(state.create_admin("someone", &pw)),
            "shared_store_setup"
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

        // Back to this PC's own store, saved: a new one, which first asks for its admin.
        state.use_embedded().unwrap();
        assert_eq!(code(state.with(|_| Ok(()))), "no_admin");
        assert_eq!(lock(&state.config).unwrap().values.store, None);
        state.create_admin("試験 係員", &pw).unwrap();
        assert_eq!(
            state.with(|o| Ok(o.operator().to_string())).unwrap(),
            "試験 係員"
        );

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
        assert_eq!(code(state.with(|_| Ok(()))), "no_admin");
    }

    #[test]
    fn this_pcs_store_opens_for_a_signed_in_person_and_locks_when_idle() {
        let tmp = tempfile::tempdir().unwrap();
        let state = app(tmp.path(), None);
        assert_eq!(code(state.with(|_| Ok(()))), "no_admin");
        // The core's rules hold: a short password, an invisible character in the name.
        let short = SecretString::from("short");
        assert_eq!(
            code(state.create_admin("管理 太郎", &short)),
            "password_too_short"
        );
        let pw = SecretString::from("correct horse battery");
        assert_eq!(
            code(state.create_admin("管理\u{200B}太郎", &pw)),
            "operator_name"
        );
        assert_eq!(code(state.with(|_| Ok(()))), "no_admin");
        let keys = state.create_admin("管理 太郎", &pw).unwrap().keys;
        assert!(!keys.recipient.is_empty());
        // Only once.
        assert_eq!(code(state.create_admin("二人目", &pw)), "admin_exists");

        // Signed out: nothing reads the office; a wrong password changes nothing.
        state.sign_out().unwrap();
        assert_eq!(code(state.with(|_| Ok(()))), "signed_out");
        let wrong = SecretString::from("wrong horse battery");
        assert_eq!(
            code(state.sign_in("管理 太郎", Some(&wrong))),
            "sign_in_failed"
        );
        // No password and no key store entry for them on this PC: refused, saying the key store
        // holds nothing for them.
        assert_eq!(code(state.sign_in("管理 太郎", None)), "key_store_no_entry");
        assert_eq!(code(state.with(|_| Ok(()))), "signed_out");
        state.sign_in("管理 太郎", Some(&pw)).unwrap();

        // Idle: locked, nothing readable, and who was signed in is kept for the lock screen.
        state.lock_idle().unwrap();
        assert_eq!(code(state.with(|_| Ok(()))), "locked");
        assert_eq!(code(state.try_with(|_| Ok(()))), "locked");
        assert_eq!(state.locked_by().unwrap().as_deref(), Some("管理 太郎"));
        assert_eq!(
            code(state.sign_in("管理 太郎", Some(&wrong))),
            "sign_in_failed"
        );
        assert_eq!(code(state.with(|_| Ok(()))), "locked");
        state.sign_in("管理 太郎", Some(&pw)).unwrap();
        assert_eq!(state.locked_by().unwrap(), None);
        assert_eq!(
            state.with(|o| Ok(o.operator().to_string())).unwrap(),
            "管理 太郎"
        );
    }
}
