//! What the app keeps between commands: the open office and the cancel flag of a running
//! import. The core knows nothing of this.

use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use handover_core::DataDir;
use handover_core::ops::Office;

use crate::error::{CmdResult, IpcError};

/// The app's state, managed by Tauri.
pub struct AppState {
    /// The data directory in use (shown in the window title).
    pub dir: DataDir,
    office: Mutex<Result<Office, IpcError>>,
    /// Set by `register_cancel`; polled by a running import.
    pub cancel: AtomicBool,
}

impl AppState {
    /// Open the office in `dir` (keeping the error to show if it cannot be opened).
    pub fn open(dir: DataDir) -> Self {
        let office = Office::open(dir.clone(), handover_core::ops::default_operator())
            .map_err(IpcError::from);
        AppState {
            dir,
            office: Mutex::new(office),
            cancel: AtomicBool::new(false),
        }
    }

    /// Run `f` with the open office.
    pub fn with<T>(&self, f: impl FnOnce(&mut Office) -> CmdResult<T>) -> CmdResult<T> {
        let mut guard = self.office.lock().map_err(|_| {
            IpcError::new(
                "internal",
                "a previous operation failed badly; restart Handover",
            )
        })?;
        match guard.as_mut() {
            Ok(office) => f(office),
            Err(e) => Err(e.clone()),
        }
    }
}
