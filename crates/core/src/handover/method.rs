//! How data leaves the office and how it is protected on the way: the kinds a handover is
//! recorded with (its own module, so that the history and reports can name them without
//! depending on the whole handover module).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How the data leaves the office (R4; server access is out of scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Method {
    /// An `.age` file sent electronically.
    Transfer,
    /// The `.age` file written to removable media.
    Media,
    /// A printed work-order sheet.
    Paper,
}

impl Method {
    /// Every method.
    pub const ALL: [Method; 3] = [Method::Transfer, Method::Media, Method::Paper];

    /// Stable id.
    pub fn id(self) -> &'static str {
        match self {
            Method::Transfer => "transfer",
            Method::Media => "media",
            Method::Paper => "paper",
        }
    }

    /// Japanese label (R4 wording).
    pub fn label_ja(self) -> &'static str {
        match self {
            Method::Transfer => "電子データの伝送",
            Method::Media => "電子記録媒体の引渡し",
            Method::Paper => "紙",
        }
    }
}

impl std::str::FromStr for Method {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        Method::ALL
            .into_iter()
            .find(|m| m.id() == s.trim())
            .ok_or_else(|| crate::refusal::Vocabulary::Method.refuse(s, "transfer, media, paper"))
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// How a handover's data is protected on its way: the one place the kinds are spelled (the
/// ledger, the handovers table and bundle manifests hold these ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Encryption {
    /// age, to the contractor's X25519 keys and the office's escrow recipient.
    X25519,
    /// age, to a passphrase (the fallback for a contractor without a key).
    Passphrase,
    /// Not encrypted: a printed sheet.
    None,
}

impl Encryption {
    /// Every kind.
    pub const ALL: [Encryption; 3] = [Encryption::X25519, Encryption::Passphrase, Encryption::None];

    /// How a handover by `method` (with or without the passphrase fallback) is protected.
    pub fn of(method: Method, passphrase: bool) -> Encryption {
        match (method, passphrase) {
            (Method::Paper, _) => Encryption::None,
            (_, true) => Encryption::Passphrase,
            (_, false) => Encryption::X25519,
        }
    }

    /// The stored id (`x25519`, `passphrase`, `none`).
    pub fn id(self) -> &'static str {
        match self {
            Encryption::X25519 => "x25519",
            Encryption::Passphrase => "passphrase",
            Encryption::None => "none",
        }
    }
}

impl std::fmt::Display for Encryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for Encryption {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        Encryption::ALL
            .into_iter()
            .find(|e| e.id() == s.trim())
            .ok_or_else(|| {
                crate::refusal::Vocabulary::Encryption.refuse(s, "x25519, passphrase, none")
            })
    }
}
