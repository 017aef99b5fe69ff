//! Contractor keys on hardware: age plugin recipients and identities.
//!
//! A contractor may keep the identity on a YubiKey, a TPM or a Secure Enclave. The age format
//! reaches such keys through plugins: a recipient `age1<plugin>1…` (`age1yubikey1…`,
//! `age1tpm1…`, `age1se1…`) is encrypted to, and an identity line `AGE-PLUGIN-<PLUGIN>-1…`
//! decrypts with, the program `age-plugin-<plugin>` found on `PATH` (the `age` crate's
//! `plugin` feature runs it). A missing program is refused with [`Error::PluginMissing`],
//! naming what to install; a plugin's own refusal (wrong PIN, key not inserted) is
//! [`Error::PluginFailed`] with the plugin's words.
//!
//! While decrypting, a plugin may show messages ("touch your YubiKey") and ask for a PIN. The
//! core knows nothing of terminals or windows: the caller passes a [`PluginPrompts`] (the CLI
//! asks on the terminal, the app in a dialog).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use age::secrecy::SecretString;

use crate::{Error, Result};

/// One age recipient a contractor's bundles are encrypted to.
#[derive(Clone)]
pub enum AgeRecipient {
    /// An age X25519 key (a key file made by `age-keygen` or `handover keygen`).
    X25519(age::x25519::Recipient),
    /// A key on hardware, reached through the plugin `age-plugin-<name>`.
    Plugin(age::plugin::Recipient),
}

impl fmt::Display for AgeRecipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AgeRecipient::X25519(r) => write!(f, "{r}"),
            AgeRecipient::Plugin(r) => write!(f, "{r}"),
        }
    }
}

impl From<age::x25519::Recipient> for AgeRecipient {
    fn from(r: age::x25519::Recipient) -> Self {
        AgeRecipient::X25519(r)
    }
}

impl AgeRecipient {
    /// The plugin's name (`yubikey` for `age1yubikey1…`), for a plugin recipient.
    pub fn plugin(&self) -> Option<&str> {
        match self {
            AgeRecipient::X25519(_) => None,
            AgeRecipient::Plugin(r) => Some(r.plugin()),
        }
    }
}

/// Parse and validate a contractor's recipient: an age X25519 key (`age1…`, 62 characters) or a
/// plugin recipient (`age1<plugin>1…`, with a valid Bech32 checksum). Written in lower case
/// (Bech32 is case-insensitive; one spelling keeps one fingerprint).
pub fn parse_recipient(s: &str) -> Result<AgeRecipient> {
    let t = s.trim();
    if let Ok(r) = age::x25519::Recipient::from_str(t) {
        return Ok(AgeRecipient::X25519(r));
    }
    let lower = t.to_ascii_lowercase();
    match age::plugin::Recipient::from_str(&lower) {
        Ok(r) => Ok(AgeRecipient::Plugin(r)),
        Err(_) => Err(Error::BadRecipient(t.to_string())),
    }
}

/// The program that serves plugin `name`.
pub fn plugin_program(name: &str) -> String {
    format!("age-plugin-{name}")
}

/// What a plugin may ask of the person while it works. Every method may be called from another
/// thread than the caller's, and must wait for the answer.
pub trait PluginPrompts: Send + Sync {
    /// Show a message (e.g. "touch your YubiKey"); no answer.
    fn message(&self, text: &str);
    /// Ask yes or no; `None` when nobody can answer.
    fn confirm(&self, text: &str, yes: &str, no: Option<&str>) -> Option<bool>;
    /// Ask for a text that is not secret; `None` when nobody can answer.
    fn public(&self, text: &str) -> Option<String>;
    /// Ask for a secret (a PIN); `None` when nobody can answer, or the person cancelled.
    fn secret(&self, text: &str) -> Option<SecretString>;
}

/// Nobody to ask: messages are dropped and every question goes unanswered (a plugin that needs
/// a PIN then refuses).
pub struct NoPrompts;

impl PluginPrompts for NoPrompts {
    fn message(&self, _: &str) {}
    fn confirm(&self, _: &str, _: &str, _: Option<&str>) -> Option<bool> {
        None
    }
    fn public(&self, _: &str) -> Option<String> {
        None
    }
    fn secret(&self, _: &str) -> Option<SecretString> {
        None
    }
}

/// [`PluginPrompts`] as the age crate's callbacks.
#[derive(Clone)]
struct Callbacks(Arc<dyn PluginPrompts>);

impl age::Callbacks for Callbacks {
    fn display_message(&self, message: &str) {
        self.0.message(message);
    }
    fn confirm(&self, message: &str, yes: &str, no: Option<&str>) -> Option<bool> {
        self.0.confirm(message, yes, no)
    }
    fn request_public_string(&self, description: &str) -> Option<String> {
        self.0.public(description)
    }
    fn request_passphrase(&self, description: &str) -> Option<SecretString> {
        self.0.secret(description)
    }
}

/// The age recipients to encrypt to: X25519 keys as they are, plugin recipients grouped by
/// plugin (one run of each plugin). Refused with [`Error::PluginMissing`] if a plugin's program
/// is not on `PATH`, before anything is encrypted.
pub fn encryption_recipients(rs: &[AgeRecipient]) -> Result<Vec<Box<dyn age::Recipient + Send>>> {
    let mut out: Vec<Box<dyn age::Recipient + Send>> = Vec::new();
    let mut by_plugin: BTreeMap<String, Vec<age::plugin::Recipient>> = BTreeMap::new();
    for r in rs {
        match r {
            AgeRecipient::X25519(x) => out.push(Box::new(x.clone())),
            AgeRecipient::Plugin(p) => by_plugin
                .entry(p.plugin().to_string())
                .or_default()
                .push(p.clone()),
        }
    }
    for (name, list) in by_plugin {
        let plugin = age::plugin::RecipientPluginV1::new(&name, &list, &[], age::NoCallbacks)
            .map_err(|e| encrypt_error(&name, e))?;
        out.push(Box::new(plugin));
    }
    Ok(out)
}

/// A refusal while encrypting, typed: a plugin's (`plugin`, the plugins concerned) or age's.
pub(crate) fn encrypt_error(plugin: &str, e: age::EncryptError) -> Error {
    match e {
        age::EncryptError::MissingPlugin { .. } => missing(plugin),
        age::EncryptError::Plugin(_) => Error::PluginFailed {
            program: plugin_program(plugin),
            reason: e.to_string().trim().to_string(),
        },
        other => Error::Encrypt(other.to_string()),
    }
}

/// A plugin's refusal while decrypting (its own words name the plugin), typed.
pub(crate) fn decrypt_error(e: age::DecryptError) -> Error {
    match e {
        age::DecryptError::MissingPlugin { binary_name } => Error::PluginMissing {
            program: binary_name,
        },
        age::DecryptError::Plugin(_) => {
            let reason = plain_text(&e.to_string());
            Error::PluginFailed {
                program: program_named(&reason).unwrap_or_else(|| "age-plugin".into()),
                reason,
            }
        }
        other => Error::Decrypt(other.to_string()),
    }
}

/// age's text without the Unicode isolation marks its translations put around values.
fn plain_text(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{2066}'..='\u{2069}'))
        .collect::<String>()
        .trim()
        .to_string()
}

/// The first `age-plugin-<name>` a text names.
fn program_named(text: &str) -> Option<String> {
    let at = text.find("age-plugin-")?;
    let name: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_'))
        .collect();
    Some(name.trim_end_matches('.').to_string())
}

/// The program of `plugin` is not on `PATH`.
pub(crate) fn missing(plugin: &str) -> Error {
    Error::PluginMissing {
        program: plugin_program(plugin),
    }
}

/// The identities of a key file: age X25519 keys, and keys on hardware reached through
/// plugins, with the recipients the plugin wrote beside them (`# Recipient: age1yubikey1…`).
#[derive(Clone, Default)]
pub struct KeyFile {
    /// The X25519 identities.
    pub x25519: Vec<age::x25519::Identity>,
    /// The plugin identities (`AGE-PLUGIN-…-1…`).
    pub plugins: Vec<age::plugin::Identity>,
    /// The plugin recipients named in the file's comments, lower case.
    pub plugin_recipients: Vec<String>,
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secrets.
        f.debug_struct("KeyFile")
            .field("x25519", &self.x25519.len())
            .field("plugins", &self.plugins.len())
            .field("plugin_recipients", &self.plugin_recipients)
            .finish()
    }
}

impl KeyFile {
    /// The recipients these identities answer to (what the signed manifest must list for the
    /// bundle to be this holder's): an X25519 identity's own, and a plugin identity's as the
    /// plugin wrote it beside the identity.
    pub fn holder_recipients(&self) -> Vec<String> {
        self.x25519
            .iter()
            .map(|i| i.to_public().to_string())
            .chain(self.plugin_recipients.iter().cloned())
            .collect()
    }

    /// The identities as the age crate takes them, plugin identities grouped by plugin and
    /// asking through `prompts`. Refused with [`Error::PluginMissing`] if a plugin's program is
    /// not on `PATH`.
    pub fn decryption_identities(
        &self,
        prompts: Arc<dyn PluginPrompts>,
    ) -> Result<Vec<Box<dyn age::Identity>>> {
        let mut out: Vec<Box<dyn age::Identity>> = Vec::new();
        for x in &self.x25519 {
            out.push(Box::new(x.clone()));
        }
        let mut names: Vec<&str> = self.plugins.iter().map(|p| p.plugin()).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let plugin =
                age::plugin::IdentityPluginV1::new(name, &self.plugins, Callbacks(prompts.clone()))
                    .map_err(|_| missing(name))?;
            out.push(Box::new(plugin));
        }
        Ok(out)
    }

    /// Add one line of a key file: an identity (X25519 or plugin), or a comment that may name a
    /// plugin recipient. Returns false for a line that is neither.
    pub(crate) fn add_line(&mut self, line: &str) -> bool {
        let line = line.trim();
        if line.is_empty() {
            return true;
        }
        if let Some(comment) = line.strip_prefix('#') {
            for word in comment.split_whitespace() {
                if let Ok(AgeRecipient::Plugin(r)) = parse_recipient(word) {
                    self.plugin_recipients.push(r.to_string());
                }
            }
            return true;
        }
        if let Ok(id) = age::x25519::Identity::from_str(line) {
            self.x25519.push(id);
            return true;
        }
        match age::plugin::Identity::from_str(line) {
            Ok(id) => {
                self.plugins.push(id);
                true
            }
            Err(_) => false,
        }
    }

    /// No identity at all.
    pub fn is_empty(&self) -> bool {
        self.x25519.is_empty() && self.plugins.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_recipients_parse_and_x25519_stay_x25519() {
        let x = age::x25519::Identity::generate().to_public().to_string();
        assert!(matches!(parse_recipient(&x), Ok(AgeRecipient::X25519(_))));
        // A plugin recipient with a valid checksum, as age-plugin-yubikey prints them.
        let y = bech32_recipient("yubikey", &[7u8; 33]);
        let r = parse_recipient(&y.to_uppercase()).unwrap();
        assert_eq!(r.plugin(), Some("yubikey"));
        assert_eq!(r.to_string(), y);
        // One character changed: the checksum fails.
        let mut bad = y.clone().into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'q' { b'p' } else { b'q' };
        let bad = String::from_utf8(bad).unwrap();
        assert!(matches!(parse_recipient(&bad), Err(Error::BadRecipient(_))));
        assert!(parse_recipient("age1").is_err());
        assert!(parse_recipient("AGE-PLUGIN-YUBIKEY-1QQQ").is_err());
    }

    #[test]
    fn a_missing_plugin_is_named_before_anything_is_encrypted() {
        let r = parse_recipient(&bech32_recipient("handovernotinstalled", &[1u8; 32])).unwrap();
        let e = encryption_recipients(&[r]).err().expect("refused");
        assert_eq!(e.code(), "plugin_missing");
        assert!(
            e.to_string().contains("age-plugin-handovernotinstalled"),
            "{e}"
        );
    }

    #[test]
    fn key_file_lines_and_recipient_comments() {
        let mut k = KeyFile::default();
        let y = bech32_recipient("yubikey", &[9u8; 33]);
        assert!(k.add_line(&format!("#    Recipient: {y}")));
        assert!(k.add_line("# created: 2026-12-06"));
        assert!(!k.add_line("not a key"));
        assert!(k.is_empty());
        assert_eq!(k.plugin_recipients, vec![y.clone()]);
        assert_eq!(k.holder_recipients(), vec![y]);
    }

    fn bech32_recipient(plugin: &str, data: &[u8]) -> String {
        use bech32::ToBase32;
        bech32::encode(
            &format!("age1{plugin}"),
            data.to_base32(),
            bech32::Variant::Bech32,
        )
        .unwrap()
    }
}
