//! The people of an office, what each role may do, and how sign-in is guarded.
//!
//! On a shared (PostgreSQL) store every person signs in with their own database login, and the
//! server enforces the rights of three group roles with grants and guarded functions. The core
//! asks first ([`Role::allows`]) only to give a clear message before a round trip; the server's
//! refusal is what holds, even from plain `psql`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Result};

/// An office role. Each includes the rights of the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    /// Import, prepare, pack, register requests, confirm return or destruction.
    Staff,
    /// Also decide and notify requests, edit the policy and the roster, purge, export the
    /// ledger.
    Manager,
    /// Also manage the office's people.
    Admin,
}

impl Role {
    /// All roles, lowest first.
    pub const ALL: [Role; 3] = [Role::Staff, Role::Manager, Role::Admin];

    /// The stable id (`staff`, `manager`, `admin`).
    pub fn id(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    /// The Japanese name, for people.
    pub fn label_ja(self) -> &'static str {
        match self {
            Role::Staff => "担当者",
            Role::Manager => "上長",
            Role::Admin => "管理者",
        }
    }

    /// Does this role include `needed`?
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for Role {
    type Err = Error;

    fn from_str(s: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.id() == s.trim())
            .ok_or_else(|| crate::refusal::Vocabulary::Role.refuse(s, "staff, manager, admin"))
    }
}

/// A person who can sign in (to a shared store, or to the embedded store of a one-PC office).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Operator {
    /// The login name (what every ledger entry of theirs names).
    pub name: String,
    /// Their highest role.
    pub role: Role,
    /// False once disabled: they can no longer sign in (their entries stay theirs).
    pub active: bool,
}

/// How the embedded store guards sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[ts(export)]
pub struct SignInPolicy {
    /// Minutes without use after which the app locks and asks for the password again.
    pub idle_lock_minutes: u32,
    /// Wrong passwords in a row that lock an operator.
    pub lockout_attempts: u32,
    /// Minutes a locked operator must wait.
    pub lockout_minutes: u32,
}

impl Default for SignInPolicy {
    fn default() -> Self {
        SignInPolicy {
            idle_lock_minutes: 15,
            lockout_attempts: 5,
            lockout_minutes: 15,
        }
    }
}

/// The most characters of an operator's name on the embedded store.
pub const NAME_MAX_CHARS: usize = 32;

/// An operator's name on the embedded store, as it is kept: the name a person writes
/// (Japanese welcome, e.g. `田中 太郎`), in Unicode NFC so that the same name typed on another
/// keyboard or system signs in as the same person, without spaces around it, without control
/// or formatting characters (which could hide a second name that looks the same), at most
/// [`NAME_MAX_CHARS`] characters.
pub fn check_name(name: &str) -> Result<String> {
    use unicode_normalization::UnicodeNormalization;
    let refuse = |reason: &str| {
        Err(Error::OperatorName {
            name: name.chars().filter(|c| !c.is_control()).collect(),
            reason: reason.into(),
        })
    };
    let nfc: String = name.trim().nfc().collect();
    if nfc.is_empty() {
        return refuse("the name is empty");
    }
    if nfc.chars().count() > NAME_MAX_CHARS {
        return refuse(&format!("at most {NAME_MAX_CHARS} characters"));
    }
    // Control characters, and the invisible ones that format text (zero-width, direction
    // marks): a name must look like what it is.
    let invisible = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
    };
    if nfc.chars().any(invisible) {
        return refuse("no control or invisible characters");
    }
    Ok(nfc)
}

/// Check a new login of a shared store: it becomes a database role name and appears in every
/// entry, so it is kept to what needs no quoting anywhere (lower-case ASCII letters, digits,
/// `_`, `.`, `-`; starting with a letter; at most 50 bytes) and may not start with `pg_`
/// (reserved by PostgreSQL).
pub fn check_login(name: &str) -> Result<&str> {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c);
    let valid = !name.is_empty()
        && name.len() <= 50
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(ok_char)
        && !name.starts_with("pg_");
    if valid {
        Ok(name)
    } else {
        Err(Error::OperatorName {
            name: name.chars().filter(|c| !c.is_control()).collect(),
            reason: "a login of the office server uses lower-case letters, digits, '_', '.' or \
                     '-', starting with a letter (e.g. tanaka.h), at most 50 characters"
                .into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_include_the_lower_ones_and_parse_their_ids_only() {
        assert!(Role::Admin.allows(Role::Manager));
        assert!(Role::Manager.allows(Role::Staff));
        assert!(!Role::Staff.allows(Role::Manager));
        assert_eq!("manager".parse::<Role>().unwrap(), Role::Manager);
        assert!("boss".parse::<Role>().is_err());
        assert!("Manager".parse::<Role>().is_err());
    }

    #[test]
    fn names_may_be_japanese_and_are_kept_in_nfc_without_invisible_characters() {
        for ok in ["田中 太郎", "tanaka", "試験 係員", "ｻﾄｳ", "Ｏ’Brien"] {
            assert_eq!(check_name(ok).unwrap(), ok);
        }
        assert_eq!(check_name("  田中  ").unwrap(), "田中");
        // が as か + combining mark (NFD, as some systems type it) is kept as one が.
        assert_eq!(check_name("か\u{3099}た").unwrap(), "がた");
        assert_eq!(
            check_name(&"あ".repeat(NAME_MAX_CHARS))
                .unwrap()
                .chars()
                .count(),
            32
        );
        for bad in [
            "",
            "   ",
            "田中\n太郎",
            "田中\u{7}",
            "田\u{200B}中",
            "\u{202E}naka",
            &"あ".repeat(NAME_MAX_CHARS + 1),
        ] {
            match check_name(bad) {
                Err(Error::OperatorName { name, .. }) => assert!(!name.contains('\n')),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn login_names_need_no_quoting_and_refuse_reserved_prefixes() {
        for ok in ["tanaka", "tanaka.h", "sato-2", "a_b"] {
            assert_eq!(check_login(ok).unwrap(), ok);
        }
        for bad in [
            "",
            "Tanaka",
            "1tanaka",
            "pg_admin",
            "ta naka",
            "田中",
            "x\"; drop",
            &"a".repeat(51),
        ] {
            assert!(check_login(bad).is_err(), "{bad:?}");
        }
    }
}
