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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
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
            .ok_or_else(|| {
                Error::invalid(
                    "role",
                    format!("'{s}' is not a role: use staff, manager or admin"),
                )
            })
    }
}

/// A person who can sign in to a shared store.
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

/// Check a new login name: it becomes a database role name and appears in every entry, so it
/// is kept to what needs no quoting anywhere (lower-case ASCII letters, digits, `_`, `.`, `-`;
/// starting with a letter; at most 50 bytes) and may not start with `pg_` (reserved by
/// PostgreSQL).
pub fn check_name(name: &str) -> Result<&str> {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c);
    let valid = !name.is_empty()
        && name.len() <= 50
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(ok_char)
        && !name.starts_with("pg_");
    if valid {
        Ok(name)
    } else {
        Err(Error::invalid(
            "operator",
            format!(
                "'{name}' cannot be a login name: use lower-case letters, digits, '_', '.' or \
                 '-', starting with a letter (e.g. tanaka.h), at most 50 characters"
            ),
        ))
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
    fn login_names_need_no_quoting_and_refuse_reserved_prefixes() {
        for ok in ["tanaka", "tanaka.h", "sato-2", "a_b"] {
            assert_eq!(check_name(ok).unwrap(), ok);
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
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
