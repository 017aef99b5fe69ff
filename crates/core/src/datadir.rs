//! Where an office's data lives: the store, the keys, floor plans and the policy.
//!
//! One folder holds everything, so that a backup or a move is one copy and the window title can
//! tell staff which office's data they are looking at. It is chosen by `--data-dir`, else the
//! `HANDOVER_DATA_DIR` environment variable, else the operating system's data folder.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Environment variable that names the data directory.
pub const DATA_DIR_ENV: &str = "HANDOVER_DATA_DIR";

/// The layout of one office's data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// Use exactly this folder.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    /// The folder given explicitly, else `HANDOVER_DATA_DIR`, else the OS data folder.
    pub fn resolve(explicit: Option<&Path>) -> Result<Self> {
        if let Some(p) = explicit {
            return Ok(DataDir::new(p));
        }
        if let Some(p) = std::env::var_os(DATA_DIR_ENV).filter(|p| !p.is_empty()) {
            return Ok(DataDir::new(PathBuf::from(p)));
        }
        directories::ProjectDirs::from("jp", "Handover", "Handover")
            .map(|d| DataDir::new(d.data_dir()))
            .ok_or(Error::NoDataDir)
    }

    /// The folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The SQLite store.
    pub fn db_path(&self) -> PathBuf {
        self.root.join("handover.sqlite3")
    }

    /// The office's keys (secret files are 0600).
    pub fn keys_dir(&self) -> PathBuf {
        self.root.join("keys")
    }

    /// Attached floor plans, stored by content hash.
    pub fn floor_plans_dir(&self) -> PathBuf {
        self.root.join("floor_plans")
    }

    /// The manager-editable policy file.
    pub fn policy_path(&self) -> PathBuf {
        self.root.join("policy.toml")
    }

    /// Create the folder (owner-only on Unix) if it does not exist yet.
    pub fn ensure(&self) -> Result<()> {
        crate::fsutil::create_private_dir(&self.root)?;
        crate::fsutil::create_private_dir(&self.floor_plans_dir())
    }
}
