//! The app's own settings on this computer (not an office's data): language, which data folder
//! to use, the operator's name, office or contractor mode, and the office signing keys a
//! contractor has confirmed and pinned.
//!
//! They live in the OS config folder (`$XDG_CONFIG_HOME/handover/config.json` on Linux), apart
//! from the data folder, because one of them says where the data folder is. Written atomically
//! (temporary file, fsync, rename) so a crash never leaves half a file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use handover_core::refusal::{Refusal, Vocabulary};

use crate::error::{CmdResult, IpcError};

pub use handover_core::ops::PinnedKey;

/// A folder the app exported a bundle into, kept until the contractor's 廃棄 deletes its files
/// (so the app knows what it extracted, across restarts). No customer data: the bundle is named
/// by its handover id and SHA-256, the files by the bundle's own manifest in that folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Extraction {
    /// SHA-256 of the bundle file exported.
    pub bundle_sha256: String,
    /// Its handover id.
    pub handover_id: String,
    /// The folder the files were written into.
    pub folder: String,
    /// When (RFC 3339).
    pub exported_at: String,
}

/// Office staff or a contractor: decides what the window offers when there are no office keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Mode {
    /// An office: register, handovers, roster, ledger.
    Office,
    /// A contractor: open bundles and manage one's own key; no office data.
    Contractor,
}

/// The settings file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppConfig {
    /// `ja` or `en`.
    pub language: Option<String>,
    /// The data folder to use from the next start (unless `HANDOVER_DATA_DIR` is set).
    pub data_dir: Option<String>,
    /// The typed operator name of versions before sign-in: read (so an old settings file
    /// loads) and never used; the operator is whoever signs in.
    pub operator: Option<String>,
    /// Office or contractor.
    pub mode: Option<Mode>,
    /// The office's server (`postgres://LOGIN@host:port/db?sslmode=…`), never with a
    /// password; None: this PC's own store (unless `HANDOVER_STORE` is set).
    pub store: Option<String>,
    /// Pinned office signing keys.
    pub trusted_keys: Vec<PinnedKey>,
    /// The folders bundles were exported into, until they are destroyed.
    pub extractions: Vec<Extraction>,
}

impl AppConfig {
    /// The folders the bundle with this SHA-256 was exported into.
    pub fn extracted_folders(&self, bundle_sha256: &str) -> Vec<String> {
        self.extractions
            .iter()
            .filter(|x| x.bundle_sha256 == bundle_sha256)
            .map(|x| x.folder.clone())
            .collect()
    }
}

impl AppConfig {
    /// Choose the office's server (checked by the core, refused with a password in it), or
    /// None: this PC's own store.
    pub fn set_store(&mut self, url: Option<&str>) -> CmdResult<()> {
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        if let Some(u) = url {
            handover_core::ops::StoreChoice::for_settings(u)?;
        }
        self.store = url.map(str::to_string);
        Ok(())
    }

    /// Choose the language: `ja` or `en`.
    pub fn set_language(&mut self, language: &str) -> CmdResult<()> {
        if !matches!(language, "ja" | "en") {
            return Err(Vocabulary::Lang.refuse(language, "ja, en").into());
        }
        self.language = Some(language.into());
        Ok(())
    }

    /// Choose the data folder for the next start (blank: back to the default). It must be a
    /// full path, and not a file.
    pub fn set_data_dir(&mut self, path: Option<&str>) -> CmdResult<()> {
        let path = path.map(str::trim).filter(|p| !p.is_empty());
        if let Some(p) = path.map(Path::new) {
            if !p.is_absolute() {
                return Err(Refusal::RelativePath {
                    path: p.display().to_string(),
                }
                .into());
            }
            if p.exists() && !p.is_dir() {
                return Err(Refusal::NotAFolder {
                    path: p.display().to_string(),
                }
                .into());
            }
        }
        self.data_dir = path.map(str::to_string);
        Ok(())
    }
}

/// The settings and where they are kept.
#[derive(Debug)]
pub struct ConfigFile {
    /// The file (None when the OS has no config folder: settings then last one session).
    pub path: Option<PathBuf>,
    /// The values.
    pub values: AppConfig,
}

impl ConfigFile {
    /// The default location: the OS config folder.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("jp", "Handover", "Handover")
            .map(|d| d.config_dir().join("config.json"))
    }

    /// Read the settings; a missing file is the defaults, an unreadable one is reported (and
    /// the defaults used) rather than stopping the app.
    pub fn load(path: Option<PathBuf>) -> (ConfigFile, Option<String>) {
        let mut problem = None;
        let values = match path.as_deref().map(std::fs::read) {
            Some(Ok(bytes)) => match serde_json::from_slice(&bytes) {
                Ok(v) => v,
                Err(e) => {
                    problem = Some(format!(
                        "the settings file {} is damaged ({e}); using the defaults",
                        path.as_deref()
                            .map(Path::display)
                            .map(|d| d.to_string())
                            .unwrap_or_default()
                    ));
                    AppConfig::default()
                }
            },
            _ => AppConfig::default(),
        };
        (ConfigFile { path, values }, problem)
    }

    /// Change the settings with `f` and write them; on a write error nothing changes.
    pub fn update(&mut self, f: impl FnOnce(&mut AppConfig) -> CmdResult<()>) -> CmdResult<()> {
        let mut next = self.values.clone();
        f(&mut next)?;
        if let Some(path) = &self.path {
            write_atomic(path, &next)?;
        }
        self.values = next;
        Ok(())
    }
}

fn write_atomic(path: &Path, values: &AppConfig) -> CmdResult<()> {
    let io = |e: std::io::Error| {
        IpcError::new(
            "io",
            format!("cannot write the settings file {}: {e}", path.display()),
        )
    };
    let dir = path
        .parent()
        .ok_or_else(|| IpcError::new("io", "the settings file has no folder"))?;
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    serde_json::to_writer_pretty(tmp.as_file_mut(), values)
        .map_err(|e| IpcError::new("io", e.to_string()))?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_survives_a_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.json");
        let (mut c, problem) = ConfigFile::load(Some(path.clone()));
        assert!(problem.is_none());
        assert_eq!(c.values, AppConfig::default());
        c.update(|v| {
            v.language = Some("en".into());
            v.mode = Some(Mode::Contractor);
            Ok(())
        })
        .unwrap();
        let (again, _) = ConfigFile::load(Some(path.clone()));
        assert_eq!(again.values.language.as_deref(), Some("en"));
        assert_eq!(again.values.mode, Some(Mode::Contractor));

        // A refused change leaves file and values as they were.
        let err = c
            .update(|v| {
                v.language = Some("fr".into());
                Err(IpcError::new("internal", "no"))
            })
            .unwrap_err();
        assert_eq!(err.code, "internal");
        assert_eq!(c.values.language.as_deref(), Some("en"));

        // The rules of each setting, each refused with its own code and the core's words.
        let err = c.update(|v| v.set_language("fr")).unwrap_err();
        assert_eq!(err.code, "unknown_value");
        assert!(err.message_ja.as_deref().unwrap().contains("「fr」は言語"));
        assert_eq!(
            c.update(|v| v.set_data_dir(Some("relative/dir")))
                .unwrap_err()
                .code,
            "relative_path"
        );
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let err = c.update(|v| v.set_data_dir(file.to_str())).unwrap_err();
        assert_eq!(err.code, "not_a_folder");
        assert!(err.message.contains("is not a folder"), "{}", err.message);
        c.update(|v| v.set_data_dir(Some("  "))).unwrap();
        assert_eq!(c.values.data_dir, None);

        std::fs::write(&path, "{ not json").unwrap();
        let (broken, problem) = ConfigFile::load(Some(path));
        assert_eq!(broken.values, AppConfig::default());
        assert!(problem.unwrap().contains("damaged"));
    }

    #[test]
    fn the_office_server_is_kept_without_a_password() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        let (mut c, _) = ConfigFile::load(Some(path.clone()));
        // The office server: checked by the core, never kept with a password.
        let url = "postgres://sato@db.example:5433/office?sslmode=verify-full";
        c.update(|v| v.set_store(Some(&format!("  {url} "))))
            .unwrap();
        assert_eq!(c.values.store.as_deref(), Some(url));
        for (bad, why) in [
            ("postgres://sato:secret@db.example/office", "password"),
            (
                "postgres://sato@db.example/office?password=secret",
                "password",
            ),
            ("mysql://sato@db.example/office", "postgres://"),
            ("postgres://sato@db.example/office?sslmode=maybe", "sslmode"),
            ("postgres://sato@db.example", "database"),
        ] {
            let err = c.update(|v| v.set_store(Some(bad))).unwrap_err();
            assert!(err.message.contains(why), "{bad}: {}", err.message);
            assert_eq!(
                c.values.store.as_deref(),
                Some(url),
                "{bad} changed nothing"
            );
        }
        let on_disk = std::fs::read_to_string(&path).unwrap();
        assert!(!on_disk.contains("secret"), "{on_disk}");
        c.update(|v| v.set_store(None)).unwrap();
        assert_eq!(c.values.store, None);
    }
}
