//! The supervision record of each contractor: one JSON document per contractor.

use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use super::ledger::append_in;
use crate::store::{LedgerEntry, SupervisionEdit};
use crate::supervision::Supervision;
use crate::{Error, Result};

fn parse(loc: &str, text: Option<String>) -> Result<Supervision> {
    match text {
        None => Ok(Supervision::default()),
        Some(t) => serde_json::from_str(&t).map_err(|e| Error::store(loc, e)),
    }
}

impl SqliteStore {
    fn supervision_text(&self, id: &str) -> rusqlite::Result<Option<String>> {
        self.conn
            .prepare_cached("SELECT record FROM contractor_supervision WHERE contractor_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()
    }

    pub(super) fn supervision_sql(&self, id: &str) -> Result<Supervision> {
        let text = self.supervision_text(id).map_err(|e| self.err(e))?;
        parse(&self.location_text(), text)
    }

    pub(super) fn change_supervision_sql(
        &mut self,
        id: &str,
        at: &str,
        edit: SupervisionEdit<'_>,
    ) -> Result<(Supervision, LedgerEntry)> {
        let loc = self.location_text();
        let err = |source| Error::store(&loc, source);
        let tx = self.conn.savepoint().map_err(err)?;
        let known: Option<i64> = tx
            .query_row("SELECT 1 FROM contractors WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(err)?;
        if known.is_none() {
            return Err(Error::UnknownContractor(id.into()));
        }
        let text: Option<String> = tx
            .query_row(
                "SELECT record FROM contractor_supervision WHERE contractor_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        // A refusal from `edit` drops the savepoint: nothing is written.
        let (record, event) = edit(parse(&loc, text)?)?;
        let json = serde_json::to_string(&record).map_err(|e| Error::store(&loc, e))?;
        tx.execute(
            "INSERT INTO contractor_supervision (contractor_id, record, updated_at) \
             VALUES (?1, ?2, ?3) ON CONFLICT (contractor_id) DO UPDATE \
             SET record = excluded.record, updated_at = excluded.updated_at",
            params![id, json, at],
        )
        .map_err(err)?;
        let entry = append_in(&tx, &event).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok((record, entry))
    }

    fn location_text(&self) -> String {
        self.path.display().to_string()
    }
}
