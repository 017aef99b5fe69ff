//! The bundle a contractor is viewing: its floor plans in memory (never on disk) and what it
//! takes to open it again for an export. Dropped — and the plans wiped — when another bundle
//! is opened or the view is closed.

use std::path::PathBuf;
use std::sync::Arc;

use age::secrecy::SecretString;
use handover_core::bundle::{InMemoryFiles, OpenKey};
use handover_core::ops;
use handover_core::plugins::PluginPrompts;

use crate::error::CmdResult;

/// How the bundle was opened.
pub enum KeySource {
    /// The contractor's identity file, with its passphrase if it has one.
    Identity {
        /// The key file.
        path: PathBuf,
        /// Its passphrase.
        passphrase: Option<SecretString>,
    },
    /// The bundle's own passphrase.
    Passphrase(SecretString),
}

impl KeySource {
    /// The key, read again (an identity file is not kept in memory between uses); a key on
    /// hardware asks its PIN through `prompts` (the window).
    pub fn open_key(&self, prompts: Arc<dyn PluginPrompts>) -> CmdResult<OpenKey> {
        Ok(match self {
            KeySource::Identity { path, passphrase } => {
                ops::contractor_key_with(Some(path), passphrase.as_ref(), None, prompts)?
            }
            KeySource::Passphrase(p) => ops::contractor_key(None, None, Some(p.clone()))?,
        })
    }
}

/// The bundle being viewed.
pub struct ViewSession {
    /// The bundle file.
    pub bundle: PathBuf,
    /// Its key.
    pub key: KeySource,
    /// The office signing key it was verified against.
    pub trust: String,
    /// SHA-256 of the bundle as verified.
    pub sha256: String,
    /// Its floor plans.
    pub plans: InMemoryFiles,
    /// It was opened past its return-or-destroy date, as the contractor agreed (the export
    /// needs the same answer; a later receipt records it).
    pub past_return_date: bool,
}
