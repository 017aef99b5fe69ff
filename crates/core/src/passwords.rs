//! Operators' passwords on the embedded store: Argon2id hashes in PHC form
//! (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), so each hash names the parameters it was made with
//! and a later version can raise them without breaking the stored ones.
//!
//! Parameters: 64 MiB of memory, 4 passes, 1 lane — a check took 208 ms (median of 9,
//! 198–292 ms) on the development machine (2 cores, shared, load average 5.7; argon2 0.5.3,
//! release profile), inside the 100–300 ms the sign-in issue allows, and well above OWASP's
//! minimum (19 MiB, 2 passes).
//!
//! Debug builds (tests only) may use tiny parameters when `HANDOVER_TEST_FAST_HASH=1`, so the
//! test suites do not spend seconds hashing; release builds ignore the variable. The hash names
//! its parameters, so a fast hash is visibly one (`m=8,t=1`).

use age::secrecy::{ExposeSecret, SecretString};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::refusal::Refusal;
use crate::{Error, Result};

/// Memory per check, in KiB (64 MiB).
pub const MEMORY_KIB: u32 = 64 * 1024;
/// Passes over the memory.
pub const PASSES: u32 = 4;
/// Lanes (one: the check must not take every core of a busy office PC).
pub const LANES: u32 = 1;

/// The fewest characters of a new password.
pub const MIN_CHARS: usize = 12;

pub(crate) fn params() -> Params {
    #[cfg(debug_assertions)]
    if std::env::var("HANDOVER_TEST_FAST_HASH").as_deref() == Ok("1") {
        return Params::new(8, 1, 1, None).expect("valid test parameters");
    }
    Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid Argon2 parameters")
}

/// Refuse a password too short to be a password (the same rule on both stores).
pub fn check_new(password: &SecretString) -> Result<()> {
    let given = password.expose_secret().chars().count();
    if given < MIN_CHARS {
        return Err(Error::PasswordTooShort {
            min: MIN_CHARS,
            given,
        });
    }
    Ok(())
}

/// The PHC hash of a new password (checked with [`check_new`] first), with a fresh salt.
pub fn hash(password: &SecretString) -> Result<String> {
    check_new(password)?;
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| internal("password salt", e))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| internal("password hash", e))
}

/// Does `password` match the stored PHC hash? A hash that cannot be read is an error, never a
/// match.
pub fn verify(phc: &str, password: &SecretString) -> Result<bool> {
    let parsed = PasswordHash::new(phc).map_err(unreadable)?;
    match Argon2::default().verify_password(password.expose_secret().as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(unreadable(e)),
    }
}

/// Making a hash failed: the program's fault (a salt of the right length always encodes).
fn internal(what: &str, e: argon2::password_hash::Error) -> Error {
    Refusal::Internal {
        what: format!("{what}: {e}"),
    }
    .into()
}

/// A stored hash that cannot be read or checked: a damaged store.
fn unreadable(e: argon2::password_hash::Error) -> Error {
    Refusal::StoredPasswordHash { why: e.to_string() }.into()
}

/// Spend the time of one check on nothing: a name nobody has takes as long to refuse as a
/// wrong password, so the time does not tell which names exist.
pub fn waste_one_check(password: &SecretString) {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        let random = SecretString::from(hex::encode(rand::random::<[u8; 16]>()));
        hash(&random).ok()
    });
    if let Some(phc) = dummy {
        let _ = verify(phc, password);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only_and_names_argon2id() {
        let pw = SecretString::from("correct horse battery".to_string());
        let h = hash(&pw).unwrap();
        assert!(h.starts_with("$argon2id$v=19$"), "{h}");
        assert!(verify(&h, &pw).unwrap());
        let wrong = SecretString::from("correct horse batterY".to_string());
        assert!(!verify(&h, &wrong).unwrap());
        // Same password, new salt: another hash.
        assert_ne!(hash(&pw).unwrap(), h);
    }

    #[test]
    fn short_passwords_and_unreadable_hashes_are_refused() {
        let short = SecretString::from("elevenchars".to_string());
        assert!(hash(&short).is_err());
        let pw = SecretString::from("twelve chars".to_string());
        assert!(verify("not a hash", &pw).is_err());
    }

    #[test]
    fn release_parameters_are_the_documented_ones() {
        let p = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap();
        assert_eq!((p.m_cost(), p.t_cost(), p.p_cost()), (65536, 4, 1));
    }
}
