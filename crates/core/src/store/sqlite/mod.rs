//! The embedded SQLite store (the default): one file in the data directory, WAL mode,
//! `synchronous=FULL` (a recorded handover must survive a power cut), migrations embedded as
//! numbered SQL files and tracked with `PRAGMA user_version`.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

mod approvals;
mod checkpoint;
mod cipher;
mod contractors;
mod customers;
mod derived;
mod handovers;
mod history;
mod ids;
mod import;
mod ledger;
mod migrate;
mod operators;
mod readers;
mod retention;
mod supervision;
mod usage;
mod vault;

pub(crate) use cipher::apply_key;
pub use cipher::{FileKind, StoreKey, file_kind};
use ledger::{head_in, walk_entries};
use migrate::MIGRATIONS;
pub use migrate::SCHEMA_VERSION;

use super::{ApprovalUse, Build, EventDraft, Hash, ImportTx, LedgerEntry, Recheck, Store};
use crate::approvals::Approval;
use age::secrecy::SecretString;

use crate::handover::HandoverRecord;
use crate::history::{ProvisionQuery, ProvisionRow};
use crate::operators::{Operator, Role, SignInPolicy};
use crate::register::{Customer, FloorPlan};
use crate::requests::Request;
use crate::store::ledger::chain;
use crate::usage::{PendingBatch, UsageEntry, UsageQuery, UseDraft};
use crate::{Contractor, Error, Result};

/// The SQLite implementation of [`Store`].
///
/// Each change runs in a savepoint of its own, which is a transaction of its own unless
/// [`SqliteStore::batch`] opened one around it.
pub struct SqliteStore {
    /// Declared first so that it stops (and closes its connection) before `conn` closes.
    _checkpointer: Option<checkpoint::Checkpointer>,
    conn: Connection,
    path: PathBuf,
    /// The SQLCipher key of an encrypted store, for the connections it opens besides its own.
    key: Option<StoreKey>,
    /// The operator signed in on this connection, if any.
    session: Option<operators::Session>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

impl SqliteStore {
    /// Open (creating if needed) the store at `path` and bring its schema up to date.
    ///
    /// Refuses a store written by a newer Handover rather than guessing at its schema.
    ///
    /// A plain store: for an office not encrypted at rest (tests, benchmarks, an office made
    /// before issue 14 until it is converted). The encrypted store of an office (a vault file
    /// beside it) is refused ([`Error::StoreEncrypted`]): it opens only with its key
    /// ([`SqliteStore::open_encrypted`]).
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, None)
    }

    /// Open (creating if needed, encrypted) the store at `path` with its SQLCipher `key`, and
    /// bring its schema up to date. A key that is not the file's is refused
    /// ([`Error::StoreKeyWrong`]) and a plain file is refused ([`Error::StoreNotEncrypted`]):
    /// it is converted, with the user's consent, by [`crate::ops::encrypt_office`].
    pub fn open_encrypted(path: &Path, key: &StoreKey) -> Result<Self> {
        Self::open_with(path, Some(key))
    }

    fn open_with(path: &Path, key: Option<&StoreKey>) -> Result<Self> {
        let err = |source| Error::store(path.display(), source);
        let kind = file_kind(path).map_err(|e| Error::io("cannot read", path, e))?;
        // A file that is not plain SQLite beside a vault is the office's encrypted store; with
        // no vault it may be anything, and SQLite says what it is not.
        let vault_beside = path.with_file_name(crate::vault::FILE_NAME).exists();
        match (kind, key) {
            (FileKind::Encrypted, None) if vault_beside => {
                return Err(Error::StoreEncrypted(path.display().to_string()));
            }
            (FileKind::Plain, Some(_)) => {
                return Err(Error::StoreNotEncrypted(path.display().to_string()));
            }
            _ => {}
        }
        let mut conn = Connection::open(path).map_err(err)?;
        if let Some(key) = key {
            cipher::apply_key(&conn, key).map_err(err)?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        // Every statement the store runs stays prepared (the default 16 evict each other).
        conn.set_prepared_statement_cache_capacity(64);
        // Check the version before anything writes to the file: a store from a newer Handover
        // is left exactly as it is (not even switched to WAL). On an encrypted store this is
        // also the first read, where a wrong key shows.
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| match cipher::is_not_a_database(&e) && key.is_some() {
                true => Error::StoreKeyWrong(path.display().to_string()),
                false => err(e),
            })?;
        if version > SCHEMA_VERSION {
            return Err(Error::StoreTooNew {
                location: path.display().to_string(),
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
        let checkpointer = checkpoint::Checkpointer::start(path, key);
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
            key: key.cloned(),
            session: None,
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
        Error::store(self.path.display(), source)
    }
}

impl Recheck for SqliteStore {
    fn enforced_requests_of(&self, customer_ids: &[&str]) -> Result<Vec<Request>> {
        let mut all = Vec::new();
        for id in customer_ids {
            all.extend(self.enforced_requests_sql(id).map_err(|e| self.err(e))?);
        }
        Ok(all)
    }

    fn contractor(&self, id: &str) -> Result<Option<Contractor>> {
        self.contractor_sql(id)
    }

    fn supervision(&self, contractor_id: &str) -> Result<crate::supervision::Supervision> {
        self.supervision_sql(contractor_id)
    }

    fn newest_entry(&self, kind: &str) -> Result<Option<LedgerEntry>> {
        self.newest_entry_sql(kind)
    }
}

impl Store for SqliteStore {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn session_operator(&self) -> Option<String> {
        self.session.as_ref().map(|s| s.name.clone())
    }

    fn session_role(&self) -> Result<Option<Role>> {
        self.session_role_sql()
    }

    fn has_operators(&self) -> Result<bool> {
        self.has_operators_sql()
    }

    fn sign_in(
        &mut self,
        name: &str,
        password: &SecretString,
        rules: &SignInPolicy,
        now: jiff::Timestamp,
    ) -> Result<()> {
        self.sign_in_sql(name, password, rules, now)
    }

    fn sign_out(&mut self) {
        self.session = None;
    }

    fn password_verifier(&self, password: &SecretString) -> Result<String> {
        crate::passwords::hash(password)
    }

    fn operators(&self) -> Result<Vec<Operator>> {
        self.operators_sql()
    }

    fn add_operator(
        &mut self,
        name: &str,
        role: Role,
        verifier: &str,
        event: EventDraft,
    ) -> Result<LedgerEntry> {
        self.add_operator_sql(name, role, verifier, &event)
    }

    fn disable_operator(&mut self, name: &str, event: EventDraft) -> Result<LedgerEntry> {
        self.disable_operator_sql(name, &event)
    }

    fn set_password(&mut self, name: &str, verifier: &str, event: EventDraft) -> Result<()> {
        self.set_password_hash(name, verifier, &event)
    }

    fn begin_import(&mut self) -> Result<Box<dyn ImportTx + '_>> {
        self.begin_import_sql()
    }

    fn customer(&self, id: &str) -> Result<Option<Customer>> {
        self.customer_sql(id)
    }

    fn search_customers(&self, query: &str, limit: Option<usize>) -> Result<Vec<Customer>> {
        self.search_customers_sql(query, limit)
    }

    fn customer_count(&self) -> Result<u64> {
        self.customer_count_sql()
    }

    fn customer_search_keys(&self) -> Result<Vec<(String, String)>> {
        self.customer_search_keys_sql()
    }

    fn floor_plans_in_use(&self) -> Result<Vec<FloorPlan>> {
        self.floor_plans_in_use_sql()
    }

    fn contractors(&self) -> Result<Vec<Contractor>> {
        self.contractors_sql()
    }

    fn contractor(&self, id: &str) -> Result<Option<Contractor>> {
        self.contractor_sql(id)
    }

    fn add_contractor(&mut self, at: &str, build: Build<'_, Contractor>) -> Result<Contractor> {
        self.add_contractor_sql(at, build)
    }

    fn supervision(&self, contractor_id: &str) -> Result<crate::supervision::Supervision> {
        self.supervision_sql(contractor_id)
    }

    fn change_supervision(
        &mut self,
        contractor_id: &str,
        at: &str,
        edit: super::SupervisionEdit<'_>,
    ) -> Result<(crate::supervision::Supervision, LedgerEntry)> {
        self.change_supervision_sql(contractor_id, at, edit)
    }

    fn update_contractor(&mut self, c: &Contractor, at: &str, event: EventDraft) -> Result<()> {
        self.update_contractor_sql(c, at, event)
    }

    fn append(&mut self, event: EventDraft) -> Result<LedgerEntry> {
        self.append_sql(event)
    }

    fn for_each_entry(&self, f: &mut dyn FnMut(LedgerEntry) -> Result<()>) -> Result<()> {
        self.for_each_entry_sql(f)
    }

    fn for_each_entry_ref(
        &self,
        f: &mut dyn FnMut(&chain::EntryRef<'_>) -> Result<()>,
    ) -> Result<()> {
        walk_entries(&self.conn, &self.path, f)
    }

    fn ledger_readers(&self, n: usize) -> Result<Option<super::LedgerReaders>> {
        readers::readers(&self.path, self.key.as_ref(), n)
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
        self.entries_for_customer_sql(customer_id)
    }

    fn newest_entry(&self, kind: &str) -> Result<Option<LedgerEntry>> {
        self.newest_entry_sql(kind)
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

    fn add_request(
        &mut self,
        year: i16,
        at: &str,
        build: Build<'_, Request>,
    ) -> Result<(Request, LedgerEntry)> {
        self.add_request_sql(year, at, build)
    }

    fn reserve_handover_id(&mut self, year: i16) -> Result<String> {
        self.reserve_handover_id_sql(year).map_err(|e| self.err(e))
    }

    fn record_handover(
        &mut self,
        h: &HandoverRecord,
        event: EventDraft,
        recheck: &dyn Fn(&dyn Recheck) -> Result<()>,
        approval: Option<&ApprovalUse>,
    ) -> Result<LedgerEntry> {
        // The recheck and the record share one write transaction (BEGIN IMMEDIATE takes the
        // write lock first), so no other process can register an opt-out in between.
        let own = self.conn.is_autocommit();
        if own {
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| self.err(e))?;
        }
        let result = (|| {
            recheck(self)?;
            if self.handover_exists_sql(&h.id).map_err(|e| self.err(e))? {
                return Err(crate::refusal::Refusal::State {
                    id: h.id.clone(),
                    problem: crate::refusal::StateProblem::HandoverRecorded,
                }
                .into());
            }
            if let Some(u) = approval {
                approvals::use_in(&self.conn, &self.location(), u, &h.id)?;
            }
            self.record_handover_sql(h, &event).map_err(|e| self.err(e))
        })();
        if own {
            let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
            self.conn.execute_batch(end).map_err(|e| self.err(e))?;
        }
        result
    }

    fn handovers(&self, id: Option<&str>) -> Result<Vec<HandoverRecord>> {
        self.handovers_sql(id).map_err(|e| self.err(e))
    }

    fn add_approval(
        &mut self,
        year: i16,
        build: Build<'_, Approval>,
    ) -> Result<(Approval, LedgerEntry)> {
        self.add_approval_sql(year, build)
    }

    fn approvals(&self, id: Option<&str>) -> Result<Vec<Approval>> {
        self.approvals_sql(id)
    }

    fn decide_approval(&mut self, a: &Approval, event: EventDraft) -> Result<LedgerEntry> {
        self.decide_approval_sql(a, &event)
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

    fn record_use(&mut self, u: &UseDraft) -> Result<u64> {
        self.record_use_sql(u)
    }

    fn pending_uses(&self) -> Result<Vec<PendingBatch>> {
        self.pending_uses_sql()
    }

    fn seal_uses(
        &mut self,
        operator: &str,
        build: &mut dyn FnMut(&[UsageEntry]) -> EventDraft,
    ) -> Result<Option<LedgerEntry>> {
        self.seal_uses_sql(operator, build)
    }

    fn uses(&self, q: &UsageQuery) -> Result<Vec<UsageEntry>> {
        self.uses_sql(q)
    }

    fn for_each_use(&self, f: &mut dyn FnMut(UsageEntry) -> Result<()>) -> Result<()> {
        self.for_each_use_sql(f)
    }
}
