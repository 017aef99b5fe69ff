//! The embedded SQLite store (the default): one file in the data directory, WAL mode,
//! `synchronous=FULL` (a recorded handover must survive a power cut), migrations embedded as
//! numbered SQL files and tracked with `PRAGMA user_version`.

use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use rusqlite::{CachedStatement, Connection, OptionalExtension, Transaction, params};

mod checkpoint;
mod derived;
mod handovers;
mod history;
mod retention;

use super::{ColumnSet, EventDraft, Hash, ImportTx, LedgerEntry, Store, Upsert, chain};
use crate::handover::HandoverRecord;
use crate::history::{ProvisionQuery, ProvisionRow};
use crate::register::{Customer, FloorPlan, push_search_key, search_key};
use crate::requests::Request;
use crate::{Contractor, Error, Field, Result};

/// Embedded migrations, in order; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_handovers.sql"),
    include_str!("migrations/0003_accountability.sql"),
    include_str!("migrations/0004_retention.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The SQLite implementation of [`Store`].
///
/// Each change runs in a savepoint of its own, which is a transaction of its own unless
/// [`SqliteStore::batch`] opened one around it.
pub struct SqliteStore {
    /// Declared first so that it stops (and closes its connection) before `conn` closes.
    _checkpointer: Option<checkpoint::Checkpointer>,
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
         occupation, service, notes, floor_plan_sha256, floor_plan_ext, floor_plan_size, \
         contract_ended"
    };
}

const CUSTOMER_COLUMNS: &str = customer_columns!();

/// One customer by id.
const CUSTOMER_BY_ID: &str = concat!(
    "SELECT ",
    customer_columns!(),
    " FROM customers WHERE customer_id = ?1"
);

macro_rules! insert_customer {
    () => {
        "INSERT INTO customers (customer_id, name, name_kana, postal_code, address, phone, email, \
         birth_date, gender, occupation, service, notes, floor_plan_sha256, floor_plan_ext, \
         floor_plan_size, search, created_at, updated_at, contract_ended) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, \
         ?18)"
    };
}

/// Insert a new customer (fails on an id already stored).
const INSERT_CUSTOMER: &str = insert_customer!();

/// Insert a customer, or replace every column but `created_at` of the one with that id.
const UPSERT_CUSTOMER: &str = concat!(
    insert_customer!(),
    " ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, \
     name_kana = excluded.name_kana, postal_code = excluded.postal_code, \
     address = excluded.address, phone = excluded.phone, email = excluded.email, \
     birth_date = excluded.birth_date, gender = excluded.gender, \
     occupation = excluded.occupation, service = excluded.service, \
     notes = excluded.notes, floor_plan_sha256 = excluded.floor_plan_sha256, \
     floor_plan_ext = excluded.floor_plan_ext, \
     floor_plan_size = excluded.floor_plan_size, search = excluded.search, \
     contract_ended = excluded.contract_ended, updated_at = excluded.updated_at"
);

/// The column of a text field in [`CUSTOMER_BY_ID`] (`None` for the id and the floor plan,
/// which an import does not overwrite this way, and for payment fields, which have none).
fn text_column(f: Field) -> Option<usize> {
    Some(match f {
        Field::Name => 1,
        Field::NameKana => 2,
        Field::PostalCode => 3,
        Field::Address => 4,
        Field::Phone => 5,
        Field::Email => 6,
        Field::BirthDate => 7,
        Field::Gender => 8,
        Field::Occupation => 9,
        Field::Service => 10,
        Field::Notes => 11,
        Field::CustomerId | Field::FloorPlan | Field::BankAccount | Field::CardNumber => {
            return None;
        }
    })
}

/// Does the stored row (from [`CUSTOMER_BY_ID`]) already hold what the import would write: the
/// imported columns, and the floor plan if one comes with it? Compares in place.
fn stored_as(r: &rusqlite::Row<'_>, c: &Customer, cols: ColumnSet) -> rusqlite::Result<bool> {
    let text = |i: usize| -> rusqlite::Result<Option<&str>> {
        r.get_ref(i)?.as_str_or_null().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    for f in Field::stored().filter(|f| cols.contains(*f)) {
        if let Some(i) = text_column(f)
            && text(i)? != c.text(f)
        {
            return Ok(false);
        }
    }
    if cols.has_contract_ended() && text(15)? != c.contract_ended.as_deref() {
        return Ok(false);
    }
    if let Some(fp) = &c.floor_plan {
        let same = text(12)? == Some(fp.sha256.as_str())
            && text(13)? == Some(fp.ext.as_str())
            && r.get::<_, Option<i64>>(14)? == Some(fp.size as i64);
        if !same {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Bind a customer to [`INSERT_CUSTOMER`] or [`UPSERT_CUSTOMER`] and run it.
fn write_customer(stmt: &mut CachedStatement<'_>, c: &Customer, at: &str) -> rusqlite::Result<()> {
    let fp = c.floor_plan.as_ref();
    stmt.execute(params![
        c.customer_id,
        c.name,
        c.name_kana,
        c.postal_code,
        c.address,
        c.phone,
        c.email,
        c.birth_date,
        c.gender,
        c.occupation,
        c.service,
        c.notes,
        fp.map(|f| &f.sha256),
        fp.map(|f| &f.ext),
        fp.map(|f| f.size as i64),
        search_text(c),
        at,
        c.contract_ended
    ])?;
    Ok(())
}

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
        // Every statement the store runs stays prepared (the default 16 evict each other).
        conn.set_prepared_statement_cache_capacity(64);
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
        // A page cache that holds the hot index pages of a large ledger (recording a
        // handover touches two customer-keyed indexes at random), and savepoint journals in
        // memory rather than in temporary files.
        conn.execute_batch("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")
            .map_err(err)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction().map_err(err)?;
            tx.execute_batch(sql).map_err(err)?;
            tx.pragma_update(None, "user_version", i as u32 + 1)
                .map_err(err)?;
            tx.commit().map_err(err)?;
        }
        // Checkpoints run on a thread of their own, not inside a commit (see checkpoint.rs).
        let checkpointer = checkpoint::Checkpointer::start(path);
        if checkpointer.is_some() {
            conn.execute_batch(&format!(
                "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {};",
                checkpoint::WAL_SIZE_LIMIT
            ))
            .map_err(err)?;
        }
        Ok(SqliteStore {
            _checkpointer: checkpointer,
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Run `f` with every change it makes in ONE transaction: all land together on one commit
    /// (one fsync instead of one per change), or none if `f` fails. Each change inside still
    /// appends its ledger entry with it. For loading many events at once (the ledger
    /// benchmark; a restore). An import cannot run inside a batch: it has its own transaction.
    pub fn batch<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err(e))?;
        match f(self) {
            Ok(v) => {
                self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Copy the write-ahead log back into the database now and empty it (normally done in the
    /// background, see checkpoint.rs): after a bulk load, or before copying the file.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| self.err(e))
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
        contract_ended: r.get(15)?,
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

/// Read a 32-byte hash in place (no allocation); anything else (someone edited it) reads as
/// 0xff bytes and fails to verify.
fn blob32(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Hash> {
    Ok(match r.get_ref(i)? {
        ValueRef::Blob(b) | ValueRef::Text(b) => b.try_into().unwrap_or([0xff; 32]),
        _ => [0xff; 32],
    })
}

/// The ledger in seq order, for [`Store::for_each_entry_ref`] and the derived-table check.
const LEDGER_IN_ORDER: &str = "SELECT seq, at, kind, actor, payload, payload_hash, prev_hash, hash \
     FROM ledger ORDER BY seq";

/// Walk the ledger, handing each entry to `f` borrowed from its row.
fn walk_entries(
    conn: &Connection,
    path: &Path,
    f: &mut dyn FnMut(&chain::EntryRef<'_>) -> Result<()>,
) -> Result<()> {
    let err = |source| Error::Store {
        path: path.to_path_buf(),
        source,
    };
    let mut stmt = conn.prepare(LEDGER_IN_ORDER).map_err(err)?;
    let mut rows = stmt.query([]).map_err(err)?;
    while let Some(r) = rows.next().map_err(err)? {
        f(&entry_ref(r).map_err(err)?)?;
    }
    Ok(())
}

/// An entry borrowed from its row. Text and BLOB columns are read as the bytes stored; a
/// column someone set to a number reads as empty and fails verification.
fn entry_ref<'r>(r: &'r rusqlite::Row<'_>) -> rusqlite::Result<chain::EntryRef<'r>> {
    let bytes = |i: usize| -> rusqlite::Result<&'r [u8]> {
        Ok(match r.get_ref(i)? {
            ValueRef::Text(b) | ValueRef::Blob(b) => b,
            _ => &[],
        })
    };
    Ok(chain::EntryRef {
        seq: r.get::<_, i64>(0)? as u64,
        at: bytes(1)?,
        kind: bytes(2)?,
        actor: bytes(3)?,
        payload: match r.get_ref(4)? {
            ValueRef::Null => None,
            ValueRef::Text(b) | ValueRef::Blob(b) => Some(b),
            // A number is not what any entry hashed: it fails the payload hash.
            _ => Some(&[]),
        },
        payload_hash: bytes(5)?,
        prev_hash: bytes(6)?,
        hash: bytes(7)?,
    })
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
fn append_in(tx: &Connection, event: &EventDraft) -> rusqlite::Result<LedgerEntry> {
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
    let mut stmt = tx.prepare_cached(INDEX_CUSTOMER)?;
    for c in &event.customers {
        stmt.execute(params![c, e.seq as i64])?;
    }
    Ok(e)
}

fn head_in(conn: &Connection) -> rusqlite::Result<Option<(u64, Hash)>> {
    conn.prepare_cached("SELECT seq, hash FROM ledger_head WHERE id = 1")?
        .query_row([], |r| {
            let v: Vec<u8> = r.get(1)?;
            Ok((
                r.get::<_, i64>(0)? as u64,
                v.try_into().unwrap_or([0xff; 32]),
            ))
        })
        .optional()
}

const INDEX_CUSTOMER: &str =
    "INSERT OR IGNORE INTO ledger_customers (customer_id, seq) VALUES (?1, ?2)";

/// Customers indexed against an import's ledger entry while the import runs: how many, and an
/// order-independent digest of their ids (to check, at commit, that they are the entry's).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Indexed {
    count: usize,
    digest: u64,
}

impl Indexed {
    fn add(&mut self, id: &str) {
        // FNV-1a, summed.
        let h = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        self.count += 1;
        self.digest = self.digest.wrapping_add(h);
    }

    fn of(ids: &[String]) -> Indexed {
        let mut i = Indexed::default();
        ids.iter().for_each(|id| i.add(id));
        i
    }
}

struct SqliteImport<'a> {
    // Prepared once for the whole import (fields drop in order: these before the transaction).
    select: CachedStatement<'a>,
    upsert: CachedStatement<'a>,
    /// While the table was empty when the import began: the importer never repeats an id, so
    /// every customer is new and needs no lookup first.
    insert: Option<CachedStatement<'a>>,
    index: CachedStatement<'a>,
    /// The seq the import's ledger entry will have, once known (at the first change, when the
    /// transaction holds the write lock: no other entry can come first).
    seq: Option<u64>,
    /// Added and updated customers, already indexed against `seq` for the per-customer history
    /// as they are written (rather than all at commit, after the last row).
    indexed: Indexed,
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
        if let Some(insert) = &mut self.insert {
            match write_customer(insert, c, at) {
                Ok(()) => return Ok(Upsert::Added),
                // Stored already after all (an id repeated): decide below, as for any store.
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation => {}
                Err(e) => return Err(e),
            }
        }
        let merged = {
            let mut rows = self.select.query([&c.customer_id])?;
            match rows.next()? {
                None => None,
                Some(r) if stored_as(r, c, cols)? => return Ok(Upsert::Unchanged),
                Some(r) => {
                    // The stored customer with the imported columns (and a new floor plan) laid
                    // over it.
                    let mut m = customer_from_row(r)?;
                    for f in Field::stored().filter(|f| cols.contains(*f)) {
                        if let Some(slot) = m.text_slot(f) {
                            *slot = c.text(f).map(str::to_string);
                        }
                    }
                    if c.floor_plan.is_some() {
                        m.floor_plan.clone_from(&c.floor_plan);
                    }
                    if cols.has_contract_ended() {
                        m.contract_ended.clone_from(&c.contract_ended);
                    }
                    Some(m)
                }
            }
        };
        match merged {
            None => {
                write_customer(&mut self.upsert, c, at)?;
                Ok(Upsert::Added)
            }
            Some(m) => {
                write_customer(&mut self.upsert, &m, at)?;
                Ok(Upsert::Updated)
            }
        }
    }
}

impl SqliteImport<'_> {
    /// Index a changed customer against the import's ledger entry.
    fn index_customer(&mut self, id: &str) -> rusqlite::Result<()> {
        let seq = match self.seq {
            Some(s) => s,
            None => *self
                .seq
                .insert(head_in(&self.tx)?.map_or(1, |(s, _)| s + 1)),
        };
        self.index.execute(params![id, seq as i64])?;
        self.indexed.add(id);
        Ok(())
    }
}

impl ImportTx for SqliteImport<'_> {
    fn upsert(&mut self, customer: &Customer, columns: ColumnSet, at: &str) -> Result<Upsert> {
        let run = |s: &mut Self| {
            let outcome = s.upsert_inner(customer, columns, at)?;
            if outcome != Upsert::Unchanged {
                s.index_customer(&customer.customer_id)?;
            }
            Ok(outcome)
        };
        run(self).map_err(|e| self.err(e))
    }

    fn commit(self: Box<Self>, event: EventDraft) -> Result<LedgerEntry> {
        let path = self.path;
        let err = |source| Error::Store {
            path: path.to_path_buf(),
            source,
        };
        let SqliteImport {
            select,
            upsert,
            insert,
            index,
            seq,
            indexed,
            tx,
            ..
        } = *self;
        drop((select, upsert, insert, index));
        let mut event = event;
        let customers = std::mem::take(&mut event.customers);
        let run = || -> rusqlite::Result<LedgerEntry> {
            let e = append_in(&tx, &event)?;
            if seq.is_some_and(|s| s != e.seq) {
                // Cannot happen: the write lock was held since `seq` was read.
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the ledger moved on during the import".into()),
                ));
            }
            if Indexed::of(&customers) != indexed {
                // Not the customers indexed while importing: index exactly the event's.
                tx.execute(
                    "DELETE FROM ledger_customers WHERE seq = ?1",
                    [e.seq as i64],
                )?;
                let mut stmt = tx.prepare_cached(INDEX_CUSTOMER)?;
                for c in &customers {
                    stmt.execute(params![c, e.seq as i64])?;
                }
            }
            Ok(e)
        };
        let e = run().map_err(err)?;
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
        let empty: bool = tx
            .query_row("SELECT NOT EXISTS (SELECT 1 FROM customers)", [], |r| {
                r.get(0)
            })
            .map_err(err)?;
        let insert = if empty {
            Some(conn.prepare_cached(INSERT_CUSTOMER).map_err(err)?)
        } else {
            None
        };
        let index = conn.prepare_cached(INDEX_CUSTOMER).map_err(err)?;
        Ok(Box::new(SqliteImport {
            select,
            upsert,
            insert,
            index,
            seq: None,
            indexed: Indexed::default(),
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

    fn customer_search_keys(&self) -> Result<Vec<(String, String)>> {
        let run = || -> rusqlite::Result<Vec<(String, String)>> {
            self.conn
                .prepare_cached("SELECT customer_id, search FROM customers ORDER BY customer_id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        };
        run().map_err(|e| self.err(e))
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
            let tx = self.conn.savepoint()?;
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
            source => Error::Store { path, source },
        })
    }

    fn append(&mut self, event: EventDraft) -> Result<LedgerEntry> {
        let path = self.path.clone();
        let mut run = || -> rusqlite::Result<LedgerEntry> {
            let tx = self.conn.savepoint()?;
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

    fn for_each_entry_ref(
        &self,
        f: &mut dyn FnMut(&chain::EntryRef<'_>) -> Result<()>,
    ) -> Result<()> {
        walk_entries(&self.conn, &self.path, f)
    }

    fn check_derived(&self) -> Result<super::DerivedReport> {
        self.check_derived_sql()
    }

    fn customers_ended_before(&self, date: &str) -> Result<Vec<Customer>> {
        self.customers_ended_before_sql(date)
            .map_err(|e| self.err(e))
    }

    fn purge(&mut self, purge: &super::Purge, event: EventDraft) -> Result<LedgerEntry> {
        self.purge_sql(purge, &event)
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

    fn customer_handovers(&self, customer_id: &str) -> Result<Vec<HandoverRecord>> {
        self.customer_handovers_sql(customer_id)
            .map_err(|e| self.err(e))
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

    fn provisions(&self, q: &ProvisionQuery) -> Result<Vec<ProvisionRow>> {
        self.provisions_sql(q).map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod batch_tests {
    use super::*;

    fn draft(n: u32) -> EventDraft {
        EventDraft {
            at: "2026-11-23T00:00:00Z".into(),
            kind: "test.event".into(),
            actor: "test".into(),
            payload: serde_json::json!({ "n": n }),
            customers: vec![format!("C{n}")],
        }
    }

    #[test]
    fn a_batch_lands_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("store.sqlite3")).unwrap();
        store
            .batch(|s| (0..100).try_for_each(|n| s.append(draft(n)).map(drop)))
            .unwrap();
        assert_eq!(store.ledger_head().unwrap().map(|h| h.0), Some(100));
        let e = store
            .batch(|s| {
                (100..150).try_for_each(|n| s.append(draft(n)).map(drop))?;
                Err::<(), _>(Error::Cancelled)
            })
            .unwrap_err();
        assert_eq!(e.code(), "cancelled");
        assert_eq!(store.ledger_head().unwrap().map(|h| h.0), Some(100));
        assert!(store.entries_for_customer("C120").unwrap().is_empty());
        // The store works normally afterwards, and the chain holds.
        store.append(draft(100)).unwrap();
        store.checkpoint().unwrap();
        assert_eq!(
            std::fs::metadata(dir.path().join("store.sqlite3-wal")).map_or(0, |m| m.len()),
            0,
            "the log is back in the database"
        );
        let r = super::super::verify_chain(&store).unwrap();
        assert_eq!(r.entries, 101);
    }

    #[test]
    fn a_large_ledger_verifies_across_batches_and_names_the_first_bad_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite3");
        let mut store = SqliteStore::open(&path).unwrap();
        store
            .batch(|s| (0..10_000).try_for_each(|n| s.append(draft(n)).map(drop)))
            .unwrap();
        assert_eq!(super::super::verify_chain(&store).unwrap().entries, 10_000);
        drop(store);
        // Two edits in different batches of the hashing thread: the first is named.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TRIGGER ledger_no_update; \
             UPDATE ledger SET actor = 'x' WHERE seq IN (5000, 9000);",
        )
        .unwrap();
        drop(conn);
        let store = SqliteStore::open(&path).unwrap();
        match super::super::verify_chain(&store) {
            Err(Error::LedgerBroken { seq, .. }) => assert_eq!(seq, 5000),
            other => panic!("{other:?}"),
        }
    }
}

#[cfg(test)]
mod import_tests {
    use super::*;

    fn customer(id: &str, name: &str) -> Customer {
        Customer {
            customer_id: id.into(),
            name: Some(name.into()),
            ..Customer::default()
        }
    }

    #[test]
    fn an_id_repeated_within_an_import_into_an_empty_store_is_not_added_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("store.sqlite3")).unwrap();
        let mut cols = ColumnSet::default();
        cols.insert(Field::CustomerId);
        cols.insert(Field::Name);
        let mut tx = store.begin_import().unwrap();
        let mut upsert = |c: &Customer| tx.upsert(c, cols, "2026-11-23T00:00:00Z").unwrap();
        assert_eq!(upsert(&customer("C1", "山田")), Upsert::Added);
        assert_eq!(upsert(&customer("C2", "佐藤")), Upsert::Added);
        assert_eq!(upsert(&customer("C1", "山田")), Upsert::Unchanged);
        assert_eq!(upsert(&customer("C1", "山本")), Upsert::Updated);
        drop(tx);
        assert_eq!(store.customer_count().unwrap(), 0, "dropped without commit");

        let mut tx = store.begin_import().unwrap();
        tx.upsert(&customer("C1", "山田"), cols, "t").unwrap();
        tx.commit(EventDraft {
            at: "2026-11-23T00:00:00Z".into(),
            kind: "register.imported".into(),
            actor: "test".into(),
            payload: serde_json::json!({}),
            customers: vec!["C1".into()],
        })
        .unwrap();
        assert_eq!(store.entries_for_customer("C1").unwrap().len(), 1);
        // Not empty any more: every customer is looked up first.
        let mut tx = store.begin_import().unwrap();
        assert_eq!(
            tx.upsert(&customer("C1", "山田"), cols, "t").unwrap(),
            Upsert::Unchanged
        );
        assert_eq!(
            tx.upsert(&customer("C1", "山本"), cols, "t").unwrap(),
            Upsert::Updated
        );
        assert_eq!(
            tx.upsert(&customer("C3", "林"), cols, "t").unwrap(),
            Upsert::Added
        );
        // The entry indexes the customers it names, whatever was indexed while importing.
        let e = tx
            .commit(EventDraft {
                at: "2026-11-23T00:00:01Z".into(),
                kind: "register.imported".into(),
                actor: "test".into(),
                payload: serde_json::json!({}),
                customers: vec!["C2".into()],
            })
            .unwrap();
        assert_eq!(e.seq, 2);
        assert_eq!(store.entries_for_customer("C1").unwrap().len(), 1);
        assert_eq!(store.entries_for_customer("C2").unwrap().len(), 1);
        assert!(store.entries_for_customer("C3").unwrap().is_empty());
        assert!(super::super::verify_chain(&store).is_ok());
    }
}
