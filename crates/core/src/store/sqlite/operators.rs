//! The people of a one-PC office: sign-in with an Argon2id password, lockout after repeated
//! wrong passwords, and each sign-in, failure and lock recorded in the ledger.

use age::secrecy::SecretString;
use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use super::ledger::append_in;
use crate::operators::{Operator, Role, SignInPolicy};
use crate::refusal::{OperatorProblem, Refusal};
use crate::store::{EventDraft, LedgerEntry};
use crate::{Error, Result, passwords};

/// Who is signed in on this connection.
#[derive(Debug, Clone)]
pub(super) struct Session {
    pub(super) name: String,
}

struct Row {
    role: String,
    hash: String,
    active: bool,
    locked_until: Option<String>,
}

fn event(at: &str, kind: &str, actor: &str, payload: serde_json::Value) -> EventDraft {
    EventDraft::about_no_customer(at, kind, actor, payload)
}

impl SqliteStore {
    pub(super) fn has_operators_sql(&self) -> Result<bool> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM operators)", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    pub(super) fn session_role_sql(&self) -> Result<Option<Role>> {
        let Some(s) = &self.session else {
            return Ok(None);
        };
        let role: Option<String> = self
            .conn
            .query_row(
                "SELECT role FROM operators WHERE name = ?1 AND active = 1",
                [&s.name],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        role.map(|r| r.parse()).transpose()
    }

    pub(super) fn operators_sql(&self) -> Result<Vec<Operator>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, role, active FROM operators ORDER BY name")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<(String, String, bool)>>>)
            .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(|(name, role, active)| {
                Ok(Operator {
                    name,
                    role: role.parse()?,
                    active,
                })
            })
            .collect()
    }

    pub(super) fn add_operator_sql(
        &mut self,
        name: &str,
        role: Role,
        hash: &str,
        event: &EventDraft,
    ) -> Result<LedgerEntry> {
        let loc = self.path.display().to_string();
        let tx = self.conn.savepoint().map_err(|e| Error::store(&loc, e))?;
        let added = tx
            .execute(
                "INSERT INTO operators (name, role, password_hash, created_at) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO NOTHING",
                params![name, role.id(), hash, event.at],
            )
            .map_err(|e| Error::store(&loc, e))?;
        if added == 0 {
            return Err(Refusal::Operator(OperatorProblem::Exists { name: name.into() }).into());
        }
        let entry = append_in(&tx, event).map_err(|e| Error::store(&loc, e))?;
        tx.commit().map_err(|e| Error::store(&loc, e))?;
        Ok(entry)
    }

    pub(super) fn disable_operator_sql(
        &mut self,
        name: &str,
        event: &EventDraft,
    ) -> Result<LedgerEntry> {
        if self.session.as_ref().is_some_and(|s| s.name == name) {
            return Err(
                Refusal::Operator(OperatorProblem::DisableSelf { name: name.into() }).into(),
            );
        }
        let loc = self.path.display().to_string();
        let tx = self.conn.savepoint().map_err(|e| Error::store(&loc, e))?;
        let found: Option<bool> = tx
            .query_row(
                "SELECT active FROM operators WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| Error::store(&loc, e))?;
        match found {
            None => {
                return Err(
                    Refusal::Operator(OperatorProblem::NoSuch { name: name.into() }).into(),
                );
            }
            Some(false) => {
                return Err(Refusal::Operator(OperatorProblem::AlreadyDisabled {
                    name: name.into(),
                })
                .into());
            }
            Some(true) => {}
        }
        tx.execute("UPDATE operators SET active = 0 WHERE name = ?1", [name])
            .map_err(|e| Error::store(&loc, e))?;
        let entry = append_in(&tx, event).map_err(|e| Error::store(&loc, e))?;
        tx.commit().map_err(|e| Error::store(&loc, e))?;
        Ok(entry)
    }

    fn operator_row(&self, name: &str) -> Result<Option<Row>> {
        self.conn
            .query_row(
                "SELECT role, password_hash, active, locked_until FROM operators WHERE name = ?1",
                [name],
                |r| {
                    Ok(Row {
                        role: r.get(0)?,
                        hash: r.get(1)?,
                        active: r.get(2)?,
                        locked_until: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Sign `name` in with `password` at `now`; see [`crate::store::Store::sign_in`].
    pub(super) fn sign_in_sql(
        &mut self,
        name: &str,
        password: &SecretString,
        rules: &SignInPolicy,
        now: jiff::Timestamp,
    ) -> Result<()> {
        self.session = None;
        let at = now.to_string();
        let row = self.operator_row(name)?;
        let Some(row) = row.filter(|r| r.active) else {
            passwords::waste_one_check(password);
            let payload = serde_json::json!({ "name": name, "failed": true, "reason": "unknown or disabled" });
            self.append_sql(event(&at, "operator.sign_in_failed", name, payload))?;
            return Err(Error::SignInFailed(name.to_string()));
        };
        // An unreadable time holds the lock for the policy's minutes from now (only this code
        // writes the column).
        let locked = row.locked_until.as_deref().map(|u| {
            u.parse::<jiff::Timestamp>().unwrap_or_else(|_| {
                now + jiff::SignedDuration::from_mins(i64::from(rules.lockout_minutes))
            })
        });
        if let Some(until) = locked.filter(|until| *until > now) {
            let payload = serde_json::json!({ "name": name, "failed": true, "reason": "locked", "lockedUntil": until.to_string() });
            self.append_sql(event(&at, "operator.sign_in_failed", name, payload))?;
            return Err(Error::OperatorLocked {
                operator: name.to_string(),
                until,
            });
        }
        if passwords::verify(&row.hash, password)? {
            self.signed_in(name, &row.role, &at)?;
            self.session = Some(Session {
                name: name.to_string(),
            });
            return Ok(());
        }
        self.wrong_password(name, rules, now)
    }

    fn signed_in(&mut self, name: &str, role: &str, at: &str) -> Result<()> {
        let loc = self.path.display().to_string();
        let tx = self.conn.savepoint().map_err(|e| Error::store(&loc, e))?;
        tx.execute(
            "UPDATE operators SET failed = 0, locked_until = NULL WHERE name = ?1",
            [name],
        )
        .map_err(|e| Error::store(&loc, e))?;
        let payload = serde_json::json!({ "name": name, "role": role });
        append_in(&tx, &event(at, "operator.signed_in", name, payload))
            .map_err(|e| Error::store(&loc, e))?;
        tx.commit().map_err(|e| Error::store(&loc, e))
    }

    /// Count a wrong password; the policy's attempts in a row lock the operator.
    fn wrong_password(
        &mut self,
        name: &str,
        rules: &SignInPolicy,
        now: jiff::Timestamp,
    ) -> Result<()> {
        let loc = self.path.display().to_string();
        let at = now.to_string();
        let tx = self.conn.savepoint().map_err(|e| Error::store(&loc, e))?;
        let failed: u32 = tx
            .query_row(
                "UPDATE operators SET failed = failed + 1 WHERE name = ?1 RETURNING failed",
                [name],
                |r| r.get(0),
            )
            .map_err(|e| Error::store(&loc, e))?;
        let payload = serde_json::json!({ "name": name, "failed": true, "reason": "wrong password", "attempt": failed });
        append_in(&tx, &event(&at, "operator.sign_in_failed", name, payload))
            .map_err(|e| Error::store(&loc, e))?;
        let locked = failed >= rules.lockout_attempts;
        let until = now + jiff::SignedDuration::from_mins(i64::from(rules.lockout_minutes));
        if locked {
            tx.execute(
                "UPDATE operators SET failed = 0, locked_until = ?2 WHERE name = ?1",
                params![name, until.to_string()],
            )
            .map_err(|e| Error::store(&loc, e))?;
            let payload = serde_json::json!({ "name": name, "attempts": failed, "lockedUntil": until.to_string() });
            append_in(&tx, &event(&at, "operator.locked", name, payload))
                .map_err(|e| Error::store(&loc, e))?;
        }
        tx.commit().map_err(|e| Error::store(&loc, e))?;
        Err(if locked {
            Error::OperatorLocked {
                operator: name.to_string(),
                until,
            }
        } else {
            Error::SignInFailed(name.to_string())
        })
    }
}
