//! The embedded SQLite store (the default): one file in the data directory, WAL mode,
//! `synchronous=FULL` (a recorded handover must survive a power cut), migrations embedded as
//! numbered SQL files and tracked with `PRAGMA user_version`.

use std::path::{Path, PathBuf};

use rusqlite::{CachedStatement, Connection, OptionalExtension, Transaction, params};

mod handovers;

use super::{ColumnSet, EventDraft, Hash, ImportTx, LedgerEntry, Store, Upsert, chain};
use crate::handover::HandoverRecord;
use crate::register::{Customer, FloorPlan, push_search_key, search_key};
use crate::requests::Request;
use crate::{Contractor, Error, Field, Result};

/// Embedded migrations, in order; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_handovers.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The SQLite implementation of [`Store`].
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

macro_rules! customer_columns {
    () => {
        "customer_id, name, name_kana, postal_code, address, phone, email, birth_date, gender, \
         occupation, service, notes, floor_plan_sha256, floor_plan_ext, floor_plan_size"
    };
}

const CUSTOMER_COLUMNS: &str = customer_columns!();

/// One customer by id.
const CUSTOMER_BY_ID: &str = concat!(
    "SELECT ",
    customer_columns!(),
    " FROM customers WHERE customer_id = ?1"
);

/// Insert a customer, or replace every column but `created_at` of the one with that id.
const UPSERT_CUSTOMER: &str = "INSERT INTO customers (customer_id, name, name_kana, postal_code, \
     address, phone, email, birth_date, gender, occupation, service, notes, floor_plan_sha256, \
     floor_plan_ext, floor_plan_size, search, created_at, updated_at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17) \
     ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, \
     name_kana = excluded.name_kana, postal_code = excluded.postal_code, \
     address = excluded.address, phone = excluded.phone, email = excluded.email, \
     birth_date = excluded.birth_date, gender = excluded.gender, \
     occupation = excluded.occupation, service = excluded.service, \
     notes = excluded.notes, floor_plan_sha256 = excluded.floor_plan_sha256, \
     floor_plan_ext = excluded.floor_plan_ext, \
     floor_plan_size = excluded.floor_plan_size, search = excluded.search, \
     updated_at = excluded.updated_at";

impl SqliteStore {
    /// Open (creating if needed) the store at `path` and bring its schema up to date.
    ///
    /// Refuses a store written by a newer Handover rather than guessing at its schema.
    pub fn open(path: &Path) -> Result<Self> {
        let err = |source| Error::Store {
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        // Check the version before anything writes to the file: a store from a newer Handover
        // is left exactly as it is (not even switched to WAL).
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(err)?;
        if version > SCHEMA_VERSION {
            return Err(Error::StoreTooNew {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(err)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction().map_err(err)?;
            tx.execute_batch(sql).map_err(err)?;
            tx.pragma_update(None, "user_version", i as u32 + 1)
                .map_err(err)?;
            tx.commit().map_err(err)?;
        }
        Ok(SqliteStore {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open store.
    pub fn schema_version(&self) -> Result<u32> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    fn err(&self, source: rusqlite::Error) -> Error {
        Error::Store {
            path: self.path.clone(),
            source,
        }
    }
}

fn customer_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Customer> {
    let sha: Option<String> = r.get(12)?;
    let floor_plan = match sha {
        Some(sha256) => Some(FloorPlan {
            sha256,
            ext: r.get(13)?,
            size: r.get::<_, i64>(14)? as u64,
        }),
        None => None,
    };
    Ok(Customer {
        customer_id: r.get(0)?,
        name: r.get(1)?,
        name_kana: r.get(2)?,
        postal_code: r.get(3)?,
        address: r.get(4)?,
        phone: r.get(5)?,
        email: r.get(6)?,
        birth_date: r.get(7)?,
        gender: r.get(8)?,
        occupation: r.get(9)?,
        service: r.get(10)?,
        notes: r.get(11)?,
        floor_plan,
    })
}

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LedgerEntry> {
    Ok(LedgerEntry {
        seq: r.get::<_, i64>(0)? as u64,
        at: r.get(1)?,
        kind: r.get(2)?,
        actor: r.get(3)?,
        payload: r.get(4)?,
        payload_hash: blob32(r, 5)?,
        prev_hash: blob32(r, 6)?,
        hash: blob32(r, 7)?,
    })
}

/// Read a 32-byte hash; a wrong length (someone edited it) reads as zeros and fails to verify.
fn blob32(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Hash> {
    let v: Vec<u8> = r.get(i)?;
    Ok(v.try_into().unwrap_or([0xff; 32]))
}

/// The folded id, name, kana, address and phone, then the phone's digits, joined by U+001F.
fn search_text(c: &Customer) -> String {
    let mut out = String::with_capacity(256);
    push_search_key(&mut out, &c.customer_id);
    for part in [&c.name, &c.name_kana, &c.address, &c.phone] {
        out.push('\u{1f}');
        push_search_key(&mut out, part.as_deref().unwrap_or(""));
    }
    out.push('\u{1f}');
    out.extend(
        c.phone
            .as_deref()
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit),
    );
    out
}

/// Append within an open transaction: seal after the current head, insert, move the head.
fn append_in(tx: &Transaction<'_>, event: &EventDraft) -> rusqlite::Result<LedgerEntry> {
    let head = head_in(tx)?;
    let e = chain::seal(head, event);
    tx.prepare_cached(
        "INSERT INTO ledger (seq, at, kind, actor, payload, payload_hash, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.seq as i64,
        e.at,
        e.kind,
        e.actor,
        e.payload,
        &e.payload_hash[..],
        &e.prev_hash[..],
        &e.hash[..]
    ])?;
    tx.prepare_cached(
        "INSERT INTO ledger_head (id, seq, hash) VALUES (1, ?1, ?2) \
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )?
    .execute(params![e.seq as i64, &e.hash[..]])?;
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO ledger_customers (customer_id, seq) VALUES (?1, ?2)",
    )?;
    for c in &event.customers {
        stmt.execute(params![c, e.seq as i64])?;
    }
    Ok(e)
}

fn head_in(conn: &Connection) -> rusqlite::Result<Option<(u64, Hash)>> {
    conn.query_row("SELECT seq, hash FROM ledger_head WHERE id = 1", [], |r| {
        let v: Vec<u8> = r.get(1)?;
        Ok((
            r.get::<_, i64>(0)? as u64,
            v.try_into().unwrap_or([0xff; 32]),
        ))
    })
    .optional()
}

struct SqliteImport<'a> {
    // Prepared once for the whole import (fields drop in order: these before the transaction).
    select: CachedStatement<'a>,
    upsert: CachedStatement<'a>,
    tx: Transaction<'a>,
    path: &'a Path,
}

impl SqliteImport<'_> {
    fn err(&self, source: rusqlite::Error) -> Error {
        Error::Store {
            path: self.path.to_path_buf(),
            source,
        }
    }

    fn upsert_inner(
        &mut self,
        c: &Customer,
        cols: ColumnSet,
        at: &str,
    ) -> rusqlite::Result<Upsert> {
        let existing = self
            .select
            .query_row([&c.customer_id], customer_from_row)
            .optional()?;
        let updated;
        let (merged, outcome) = match existing {
            None => (c, Upsert::Added),
            Some(mut m) => {
                // The stored customer with the imported columns (and a new floor plan) laid over
                // it; unchanged if that is what is stored already.
                let mut changed = false;
                for f in Field::stored() {
                    if !cols.contains(f) {
                        continue;
                    }
                    if let Some(slot) = m.text_slot(f) {
                        let new = c.text(f);
                        if slot.as_deref() != new {
                            *slot = new.map(str::to_string);
                            changed = true;
                        }
                    }
                }
                if c.floor_plan.is_some() && c.floor_plan != m.floor_plan {
                    m.floor_plan.clone_from(&c.floor_plan);
                    changed = true;
                }
                if !changed {
                    return Ok(Upsert::Unchanged);
                }
                updated = m;
                (&updated, Upsert::Updated)
            }
        };
        let fp = merged.floor_plan.as_ref();
        self.upsert.execute(params![
            merged.customer_id,
            merged.name,
            merged.name_kana,
            merged.postal_code,
            merged.address,
            merged.phone,
            merged.email,
            merged.birth_date,
            merged.gender,
            merged.occupation,
            merged.service,
            merged.notes,
            fp.map(|f| &f.sha256),
            fp.map(|f| &f.ext),
            fp.map(|f| f.size as i64),
            search_text(merged),
            at
        ])?;
        Ok(outcome)
    }
}

impl ImportTx for SqliteImport<'_> {
    fn upsert(&mut self, customer: &Customer, columns: ColumnSet, at: &str) -> Result<Upsert> {
        self.upsert_inner(customer, columns, at)
            .map_err(|e| self.err(e))
    }

    fn commit(self: Box<Self>, event: EventDraft) -> Result<LedgerEntry> {
        let path = self.path;
        let err = |source| Error::Store {
            path: path.to_path_buf(),
            source,
        };
        let SqliteImport {
            select, upsert, tx, ..
        } = *self;
        drop((select, upsert));
        let e = append_in(&tx, &event).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(e)
    }
}

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

fn write_recipients(tx: &Transaction<'_>, c: &Contractor) -> rusqlite::Result<()> {
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

impl Store for SqliteStore {
    fn begin_import(&mut self) -> Result<Box<dyn ImportTx + '_>> {
        let path = &self.path;
        let err = |source| Error::Store {
            path: path.clone(),
            source,
        };
        // `&mut self` is held for as long as the import lives, so no other transaction can
        // start on this connection; taking it shared lets the statements live beside the
        // transaction.
        let conn = &self.conn;
        let tx = conn.unchecked_transaction().map_err(err)?;
        let select = conn.prepare_cached(CUSTOMER_BY_ID).map_err(err)?;
        let upsert = conn.prepare_cached(UPSERT_CUSTOMER).map_err(err)?;
        Ok(Box::new(SqliteImport {
            select,
            upsert,
            tx,
            path,
        }))
    }

    fn customer(&self, id: &str) -> Result<Option<Customer>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE customer_id = ?1"
            ))
            .and_then(|mut s| s.query_row([id], customer_from_row).optional())
            .map_err(|e| self.err(e))
    }

    fn search_customers(&self, query: &str, limit: Option<usize>) -> Result<Vec<Customer>> {
        let key = search_key(query);
        let limit = limit.map_or(-1, |l| l as i64);
        let run = || -> rusqlite::Result<Vec<Customer>> {
            if key.is_empty() {
                let mut s = self.conn.prepare_cached(&format!(
                    "SELECT {CUSTOMER_COLUMNS} FROM customers ORDER BY customer_id LIMIT ?1"
                ))?;
                return s.query_map([limit], customer_from_row)?.collect();
            }
            let pattern = format!(
                "%{}%",
                key.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            let mut s = self.conn.prepare_cached(&format!(
                "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE search LIKE ?1 ESCAPE '\\' \
                 ORDER BY customer_id LIMIT ?2"
            ))?;
            s.query_map(params![pattern, limit], customer_from_row)?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn customer_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM customers", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    fn floor_plans_in_use(&self) -> Result<Vec<FloorPlan>> {
        let run = || -> rusqlite::Result<Vec<FloorPlan>> {
            self.conn
                .prepare(
                    "SELECT DISTINCT floor_plan_sha256, floor_plan_ext, floor_plan_size \
                     FROM customers WHERE floor_plan_sha256 IS NOT NULL",
                )?
                .query_map([], |r| {
                    Ok(FloorPlan {
                        sha256: r.get(0)?,
                        ext: r.get(1)?,
                        size: r.get::<_, i64>(2)? as u64,
                    })
                })?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn contractors(&self) -> Result<Vec<Contractor>> {
        let run = || -> rusqlite::Result<Vec<Contractor>> {
            let mut s = self.conn.prepare_cached(&format!(
                "SELECT {CONTRACTOR_COLUMNS} FROM contractors ORDER BY id"
            ))?;
            s.query_map([], |r| contractor_from_row(&self.conn, r))?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn contractor(&self, id: &str) -> Result<Option<Contractor>> {
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

    fn next_contractor_id(&self) -> Result<String> {
        let n: i64 = self
            .conn
            .query_row(
                "SELECT coalesce(max(CAST(substr(id, 5) AS INTEGER)), 0) FROM contractors \
                 WHERE id LIKE 'CTR-%'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(format!("CTR-{:04}", n + 1))
    }

    fn insert_contractor(&mut self, c: &Contractor, at: &str, event: EventDraft) -> Result<()> {
        let path = self.path.clone();
        let mut run = || -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
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
            write_recipients(&tx, c)?;
            append_in(&tx, &event)?;
            tx.commit()
        };
        run().map_err(|source| Error::Store { path, source })
    }

    fn update_contractor(&mut self, c: &Contractor, at: &str, event: EventDraft) -> Result<()> {
        let path = self.path.clone();
        let mut run = || -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
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
            source => Error::Store { path, source },
        })
    }

    fn append(&mut self, event: EventDraft) -> Result<LedgerEntry> {
        let path = self.path.clone();
        let mut run = || -> rusqlite::Result<LedgerEntry> {
            let tx = self.conn.transaction()?;
            let e = append_in(&tx, &event)?;
            tx.commit()?;
            Ok(e)
        };
        run().map_err(|source| Error::Store { path, source })
    }

    fn for_each_entry(&self, f: &mut dyn FnMut(LedgerEntry) -> Result<()>) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, at, kind, actor, payload, payload_hash, prev_hash, hash FROM ledger \
                 ORDER BY seq",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            f(entry_from_row(r).map_err(|e| self.err(e))?)?;
        }
        Ok(())
    }

    fn ledger_head(&self) -> Result<Option<(u64, Hash)>> {
        head_in(&self.conn).map_err(|e| self.err(e))
    }

    fn entries_for_customer(&self, customer_id: &str) -> Result<Vec<LedgerEntry>> {
        let run = || -> rusqlite::Result<Vec<LedgerEntry>> {
            self.conn
                .prepare_cached(
                    "SELECT l.seq, l.at, l.kind, l.actor, l.payload, l.payload_hash, l.prev_hash, \
                     l.hash FROM ledger_customers c JOIN ledger l ON l.seq = c.seq \
                     WHERE c.customer_id = ?1 ORDER BY l.seq",
                )?
                .query_map([customer_id], entry_from_row)?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    fn enforced_requests(&self, customer_id: &str) -> Result<Vec<Request>> {
        self.enforced_requests_sql(customer_id)
            .map_err(|e| self.err(e))
    }

    fn requests(&self, customer_id: Option<&str>) -> Result<Vec<Request>> {
        self.requests_sql(customer_id).map_err(|e| self.err(e))
    }

    fn save_request(&mut self, r: &Request, at: &str, event: EventDraft) -> Result<LedgerEntry> {
        self.save_request_sql(r, at, &event)
            .map_err(|e| self.err(e))
    }

    fn next_request_id(&self, year: i16) -> Result<String> {
        self.next_id_sql("requests", &format!("REQ-{year}-"), 4)
            .map_err(|e| self.err(e))
    }

    fn next_handover_id(&self, year: i16) -> Result<String> {
        self.next_id_sql("handovers", &format!("HO-{year}-"), 6)
            .map_err(|e| self.err(e))
    }

    fn record_handover(&mut self, h: &HandoverRecord, event: EventDraft) -> Result<LedgerEntry> {
        if self.handover_exists_sql(&h.id).map_err(|e| self.err(e))? {
            return Err(Error::invalid(
                "handover",
                format!("{} is already recorded", h.id),
            ));
        }
        self.record_handover_sql(h, &event).map_err(|e| self.err(e))
    }

    fn handovers(&self, id: Option<&str>) -> Result<Vec<HandoverRecord>> {
        self.handovers_sql(id).map_err(|e| self.err(e))
    }

    fn close_handover(
        &mut self,
        id: &str,
        on: &str,
        note: Option<&str>,
        event: EventDraft,
    ) -> Result<LedgerEntry> {
        self.close_handover_sql(id, on, note, &event)
            .map_err(|e| self.err(e))?
            .ok_or_else(|| handovers::not_found(id))
    }
}
