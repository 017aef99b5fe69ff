//! The roster's rows: contractors and their age recipients.

use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::ids::next_in;
use super::ledger::append_in;
use crate::store::{Build, EventDraft};
use crate::{Contractor, Error, Result};

fn contractor_from_row(conn: &Connection, r: &rusqlite::Row<'_>) -> rusqlite::Result<Contractor> {
    let id: String = r.get(0)?;
    let date = |i: usize| -> rusqlite::Result<jiff::civil::Date> {
        let s: String = r.get(i)?;
        s.parse().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    let recipients = conn
        .prepare_cached(
            "SELECT recipient FROM contractor_recipients WHERE contractor_id = ?1 ORDER BY position",
        )?
        .query_map([&id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(Contractor {
        name: r.get(1)?,
        address: r.get(2)?,
        contact: r.get(3)?,
        agreement_signed: date(4)?,
        agreement_expires: date(5)?,
        recipients,
        id,
    })
}

fn write_recipients(tx: &Connection, c: &Contractor) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM contractor_recipients WHERE contractor_id = ?1",
        [&c.id],
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO contractor_recipients (contractor_id, position, recipient) VALUES (?1, ?2, ?3)",
    )?;
    for (i, r) in c.recipients.iter().enumerate() {
        stmt.execute(params![c.id, i as i64, r])?;
    }
    Ok(())
}

const CONTRACTOR_COLUMNS: &str = "id, name, address, contact, agreement_signed, agreement_expires";

impl SqliteStore {
    pub(super) fn contractors_sql(&self) -> Result<Vec<Contractor>> {
        let run = || -> rusqlite::Result<Vec<Contractor>> {
            let mut s = self.conn.prepare_cached(&format!(
                "SELECT {CONTRACTOR_COLUMNS} FROM contractors ORDER BY id"
            ))?;
            s.query_map([], |r| contractor_from_row(&self.conn, r))?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    pub(super) fn contractor_sql(&self, id: &str) -> Result<Option<Contractor>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {CONTRACTOR_COLUMNS} FROM contractors WHERE id = ?1"
            ))
            .and_then(|mut s| {
                s.query_row([id], |r| contractor_from_row(&self.conn, r))
                    .optional()
            })
            .map_err(|e| self.err(e))
    }

    pub(super) fn add_contractor_sql(
        &mut self,
        at: &str,
        build: Build<'_, Contractor>,
    ) -> Result<Contractor> {
        let path = self.path.clone();
        let err = move |source| Error::store(path.display(), source);
        let tx = self.conn.savepoint().map_err(&err)?;
        let id = next_in(&tx, "contractors", "CTR-", 4).map_err(&err)?;
        // A refusal from `build` drops the savepoint: the id is not taken.
        let (c, event) = build(&id)?;
        let run = || -> rusqlite::Result<()> {
            tx.execute(
                "INSERT INTO contractors (id, name, address, contact, agreement_signed, \
                 agreement_expires, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![
                    c.id,
                    c.name,
                    c.address,
                    c.contact,
                    c.agreement_signed.to_string(),
                    c.agreement_expires.to_string(),
                    at
                ],
            )?;
            write_recipients(&tx, &c)?;
            append_in(&tx, &event)?;
            Ok(())
        };
        run().map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(c)
    }

    pub(super) fn update_contractor_sql(
        &mut self,
        c: &Contractor,
        at: &str,
        event: EventDraft,
    ) -> Result<()> {
        let path = self.path.clone();
        let mut run = || -> rusqlite::Result<()> {
            let tx = self.conn.savepoint()?;
            let n = tx.execute(
                "UPDATE contractors SET name = ?2, address = ?3, contact = ?4, \
                 agreement_signed = ?5, agreement_expires = ?6, updated_at = ?7 WHERE id = ?1",
                params![
                    c.id,
                    c.name,
                    c.address,
                    c.contact,
                    c.agreement_signed.to_string(),
                    c.agreement_expires.to_string(),
                    at
                ],
            )?;
            if n != 1 {
                return Err(rusqlite::Error::QueryReturnedNoRows);
            }
            write_recipients(&tx, c)?;
            append_in(&tx, &event)?;
            tx.commit()
        };
        run().map_err(|source| match source {
            rusqlite::Error::QueryReturnedNoRows => Error::UnknownContractor(c.id.clone()),
            source => Error::store(path.display(), source),
        })
    }
}
