//! TEST FIXTURE, never shipped: an age plugin with a software key, standing in for a YubiKey,
//! a TPM or a Secure Enclave in the plugin tests (there is no hardware in CI).
//!
//! It speaks the age plugin protocol (through the `age-plugin` crate) exactly as
//! `age-plugin-yubikey` does: recipients `age1handovertest1…`, identities
//! `AGE-PLUGIN-HANDOVERTEST-1…`. The "key" is an X25519 key whose stanza is relabelled
//! `handovertest`; the identity also holds the SHA-256 of a PIN, and decrypting asks for the
//! PIN through the protocol (`request-secret`) after showing a message (`msg`), so a client's
//! prompts are exercised; a wrong or missing PIN is refused with the plugin's own error.
//!
//! `age-plugin-handovertest --generate PIN` prints a new identity file (with its
//! `# recipient:` line, as the real plugins write it).

use std::collections::{HashMap, HashSet};
use std::io;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use age_core::format::{FileKey, Stanza};
use age_plugin::identity::{self, IdentityPluginV1};
use age_plugin::recipient::{self, RecipientPluginV1};
use age_plugin::{Callbacks, PluginHandler, print_new_identity, run_state_machine};
use bech32::{FromBase32, ToBase32};
use sha2::{Digest, Sha256};

const NAME: &str = "handovertest";
const TAG: &str = "handovertest";
const X25519_TAG: &str = "X25519";

/// `age` + bech32(bytes): an X25519 recipient string.
fn x25519_recipient(public: &[u8]) -> Option<age::x25519::Recipient> {
    let s = bech32::encode("age", public.to_base32(), bech32::Variant::Bech32).ok()?;
    age::x25519::Recipient::from_str(&s).ok()
}

/// `AGE-SECRET-KEY-` + bech32(bytes): an X25519 identity.
fn x25519_identity(secret: &[u8]) -> Option<age::x25519::Identity> {
    let s = bech32::encode(
        "age-secret-key-",
        secret.to_base32(),
        bech32::Variant::Bech32,
    )
    .ok()?
    .to_uppercase();
    age::x25519::Identity::from_str(&s).ok()
}

fn bech32_bytes(s: &str) -> Vec<u8> {
    let (_, data, _) = bech32::decode(s).expect("bech32");
    Vec::<u8>::from_base32(&data).expect("base32")
}

struct Handler;

impl PluginHandler for Handler {
    type RecipientV1 = Recipients;
    type IdentityV1 = Identities;

    fn recipient_v1(self) -> io::Result<Recipients> {
        Ok(Recipients(Vec::new()))
    }

    fn identity_v1(self) -> io::Result<Identities> {
        Ok(Identities(Vec::new()))
    }
}

struct Recipients(Vec<age::x25519::Recipient>);

impl RecipientPluginV1 for Recipients {
    fn add_recipient(
        &mut self,
        index: usize,
        plugin_name: &str,
        bytes: &[u8],
    ) -> Result<(), recipient::Error> {
        match x25519_recipient(bytes).filter(|_| plugin_name == NAME) {
            Some(r) => {
                self.0.push(r);
                Ok(())
            }
            None => Err(recipient::Error::Recipient {
                index,
                message: "not a handovertest recipient".into(),
            }),
        }
    }

    fn add_identity(&mut self, index: usize, _: &str, _: &[u8]) -> Result<(), recipient::Error> {
        Err(recipient::Error::Identity {
            index,
            message: "encrypting to an identity is not supported".into(),
        })
    }

    fn labels(&mut self) -> HashSet<String> {
        HashSet::new()
    }

    fn wrap_file_keys(
        &mut self,
        file_keys: Vec<FileKey>,
        _: impl Callbacks<recipient::Error>,
    ) -> io::Result<Result<Vec<Vec<Stanza>>, Vec<recipient::Error>>> {
        let mut out = Vec::new();
        for fk in file_keys {
            let mut stanzas = Vec::new();
            for r in &self.0 {
                let (wrapped, _) = age::Recipient::wrap_file_key(r, &fk)
                    .map_err(|e| io::Error::other(e.to_string()))?;
                stanzas.extend(wrapped.into_iter().map(|s| Stanza {
                    tag: TAG.into(),
                    ..s
                }));
            }
            out.push(stanzas);
        }
        Ok(Ok(out))
    }
}

/// (X25519 identity, SHA-256 of the PIN)
struct Identities(Vec<(age::x25519::Identity, Vec<u8>)>);

impl IdentityPluginV1 for Identities {
    fn add_identity(
        &mut self,
        index: usize,
        plugin_name: &str,
        bytes: &[u8],
    ) -> Result<(), identity::Error> {
        let id = (bytes.len() == 64 && plugin_name == NAME)
            .then(|| x25519_identity(&bytes[..32]))
            .flatten();
        match id {
            Some(id) => {
                self.0.push((id, bytes[32..].to_vec()));
                Ok(())
            }
            None => Err(identity::Error::Identity {
                index,
                message: "not a handovertest identity".into(),
            }),
        }
    }

    fn unwrap_file_keys(
        &mut self,
        files: Vec<Vec<Stanza>>,
        mut callbacks: impl Callbacks<identity::Error>,
    ) -> io::Result<HashMap<usize, Result<FileKey, Vec<identity::Error>>>> {
        let mut out = HashMap::new();
        for (file_index, stanzas) in files.into_iter().enumerate() {
            let ours: Vec<Stanza> = stanzas
                .into_iter()
                .filter(|s| s.tag == TAG)
                .map(|s| Stanza {
                    tag: X25519_TAG.into(),
                    ..s
                })
                .collect();
            if ours.is_empty() {
                continue;
            }
            for (index, (id, pin_hash)) in self.0.iter().enumerate() {
                let Some(found) = ours
                    .iter()
                    .find_map(|s| age::Identity::unwrap_stanza(id, s))
                else {
                    continue;
                };
                let _ = callbacks.message("Touch your handovertest key (test fixture)")?;
                let refused = |message: &str| {
                    Err(vec![identity::Error::Identity {
                        index,
                        message: message.into(),
                    }])
                };
                let result =
                    match callbacks.request_secret("Enter the PIN of the handovertest key")? {
                        Ok(pin)
                            if Sha256::digest(pin.expose_secret().as_bytes()).as_slice()
                                == pin_hash =>
                        {
                            found.map_err(|e| {
                                vec![identity::Error::Internal {
                                    message: e.to_string(),
                                }]
                            })
                        }
                        Ok(_) => refused("wrong PIN"),
                        Err(_) => refused("no PIN was given"),
                    };
                out.insert(file_index, result);
                break;
            }
        }
        Ok(out)
    }
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(machine) = args.iter().find_map(|a| a.strip_prefix("--age-plugin=")) {
        return run_state_machine(machine, Handler);
    }
    if let Some(pos) = args.iter().position(|a| a == "--age-plugin") {
        let machine = args.get(pos + 1).map(String::as_str).unwrap_or_default();
        return run_state_machine(machine, Handler);
    }
    if args.get(1).map(String::as_str) == Some("--generate") {
        let pin = args.get(2).map(String::as_str).unwrap_or("123456");
        let id = age::x25519::Identity::generate();
        let secret = bech32_bytes(id.to_string().expose_secret());
        let public = bech32_bytes(&id.to_public().to_string());
        let mut bytes = secret;
        bytes.extend_from_slice(&Sha256::digest(pin.as_bytes()));
        print_new_identity(NAME, &bytes, &public);
        return Ok(());
    }
    eprintln!("usage: age-plugin-handovertest --generate PIN   (a test fixture)");
    std::process::exit(2);
}
