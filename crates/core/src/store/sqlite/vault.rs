//! What the embedded store knows of the vault (issue 14): the check of the data key that
//! unlocks it, and the sign-in of a person whose password the vault has already checked.

use rusqlite::OptionalExtension;

use super::SqliteStore;
use super::ledger::append_in;
use super::operators::Session;
use crate::store::EventDraft;
use crate::{Error, Result};

impl SqliteStore {
    /// The check of the data key this store belongs to, if it has one.
    pub(crate) fn vault_check(&self) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT key_check FROM vault_check WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Tie the store to a data key (its check).
    pub(crate) fn set_vault_check(&mut self, check: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO vault_check (id, key_check) VALUES (1, ?1) \
                 ON CONFLICT (id) DO UPDATE SET key_check = excluded.key_check",
                [check],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Sign `name` in, their password already checked by unwrapping the data key: the refused
    /// attempts the vault kept (`pending`) are recorded first, then the sign-in, in one
    /// transaction. An operator the roster does not have, or has disabled, is refused (and
    /// recorded) even with a wrap.
    pub(crate) fn sign_in_unlocked(
        &mut self,
        name: &str,
        pending: &[EventDraft],
        at: &str,
        via: Option<&str>,
    ) -> Result<()> {
        self.session = None;
        let loc = self.path.display().to_string();
        let role: Option<String> = self
            .conn
            .query_row(
                "SELECT role FROM operators WHERE name = ?1 AND active = 1",
                [name],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let tx = self.conn.savepoint().map_err(|e| Error::store(&loc, e))?;
        for ev in pending {
            append_in(&tx, ev).map_err(|e| Error::store(&loc, e))?;
        }
        let (kind, payload) = match &role {
            Some(role) => {
                let mut payload = serde_json::json!({ "name": name, "role": role });
                // How the data key was unlocked, when not by the password typed.
                if let Some(via) = via {
                    payload["via"] = via.into();
                }
                ("operator.signed_in", payload)
            }
            None => (
                "operator.sign_in_failed",
                serde_json::json!({ "name": name, "failed": true, "reason": "unknown or disabled" }),
            ),
        };
        let ev = EventDraft::about_no_customer(at, kind, name, payload);
        append_in(&tx, &ev).map_err(|e| Error::store(&loc, e))?;
        tx.commit().map_err(|e| Error::store(&loc, e))?;
        if role.is_none() {
            return Err(Error::SignInFailed(name.to_string()));
        }
        self.session = Some(Session {
            name: name.to_string(),
        });
        Ok(())
    }

    /// Replace `name`'s password hash (a new password set through the vault), recorded.
    pub(crate) fn set_password_hash(
        &mut self,
        name: &str,
        hash: &str,
        event: &EventDraft,
    ) -> Result<()> {
        let loc = self.path.display().to_string();
        let tx = self.conn.savepoint().map_err(|e| Error::store(&loc, e))?;
        let changed = tx
            .execute(
                "UPDATE operators SET password_hash = ?2, failed = 0, locked_until = NULL \
                 WHERE name = ?1 AND active = 1",
                [name, hash],
            )
            .map_err(|e| Error::store(&loc, e))?;
        if changed == 0 {
            return Err(Error::SignInFailed(name.to_string()));
        }
        append_in(&tx, event).map_err(|e| Error::store(&loc, e))?;
        tx.commit().map_err(|e| Error::store(&loc, e))
    }
}
