//! The shared store of an office with several PCs: one PostgreSQL database (15 or later).
//!
//! Differences from the embedded store, all decided by the server rather than by this code:
//! each person signs in with their own login, and that login (`session_user`) is the actor of
//! every entry; entries go in only through `ledger_append()`, sealed under the head row's lock,
//! so appends from many PCs serialise and the chain never forks; what a role may do is granted
//! in the schema (migrations/0001_office.sql), so plain `psql` is held to the same rules.
//! Ids are given out from `id_counters` inside the recording transaction.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use age::secrecy::{ExposeSecret, SecretString};
use postgres::Client;
use postgres::error::SqlState;
use postgres::types::{ToSql, Type};

mod approvals;
mod binary_copy;
mod connect;
pub mod copy;
mod derived;
mod import;
mod plans;
mod record;
mod rows;
mod schema;
mod supervision;
mod usage;

pub use connect::{Target, is_url};
pub use schema::{SCHEMA_VERSION, Upgraded};

use super::{ApprovalUse, Build, EventDraft, Hash, ImportTx, LedgerEntry, Purge, Recheck, Store};
use crate::approvals::Approval;
use crate::handover::HandoverRecord;
use crate::history::{ProvisionQuery, ProvisionRow};
use crate::operators::{Operator, Role};
use crate::refusal::{OperatorProblem, Refusal};
use crate::register::{Customer, FloorPlan};
use crate::requests::Request;
use crate::store::ledger::chain;
use crate::usage::{PendingBatch, UsageEntry, UsageQuery, UseDraft};
use crate::{Contractor, Error, Result};

/// The PostgreSQL implementation of [`Store`].
pub struct PgStore {
    client: Arc<Mutex<Client>>,
    location: String,
    user: String,
    /// Inside [`PgStore::batch`]: each change runs in a savepoint of the batch's transaction.
    batching: bool,
    /// The statements [`PgStore::query`] has prepared on this connection, by their text: a
    /// query then costs one round trip instead of two (parse, then bind and execute) and is
    /// planned once — one customer's history is a single query, so this is most of its time.
    statements: Mutex<HashMap<String, postgres::Statement>>,
}

/// How a recording transaction starts. Every change appends to the ledger, so it holds the
/// chain head's row lock until it commits, and every other PC's change waits for that lock.
/// Committed the ordinary way, the lock would be held through the WAL flush (a disk sync, about
/// 5 ms), and 8 PCs recording at once would queue one sync behind the other. So the
/// transaction commits without waiting for its flush (`synchronous_commit` off for it alone:
/// the lock is released as soon as the commit is in the WAL) and [`COMMIT_THEN_FLUSH`] then
/// waits for the flush before the change is reported done — concurrent flushes share one sync
/// (PostgreSQL's group commit).
///
/// Nothing is lost to a crash that would not be lost anyway: the WAL is replayed in order, so
/// an entry that another PC chained onto survives whenever that later entry does, and no
/// change is reported done before it is on disk. What differs is only that another PC may
/// read a change a few milliseconds before it is on disk; a crash in that window loses it
/// together with everything after it, and its own PC reports it as failed.
const BEGIN: &str = "BEGIN; SET LOCAL synchronous_commit TO off";

macro_rules! flush_sql {
    () => {
        "SELECT pg_logical_emit_message(true, 'handover', 'durable')"
    };
}

/// The end of a [`BEGIN`] transaction: commit (releasing the head's lock), then wait until the
/// WAL is durable up to that commit, in the same round trip. A transaction that wrote WAL and
/// has a transaction id commits with the session's own `synchronous_commit` (the server's
/// setting, so as durable as any other commit there, standbys included); the smallest such is
/// a transactional logical-decoding message (a few bytes of WAL, nothing in any table).
const COMMIT_THEN_FLUSH: &str = concat!("COMMIT; ", flush_sql!());

/// Wait until the WAL is durable up to this session's last commit (see [`COMMIT_THEN_FLUSH`]),
/// after a change the server committed as its statement ended.
const FLUSH: &str = flush_sql!();

/// More distinct statements than this (queries built with a varying list) and the cache starts
/// again, so it stays small whatever the callers do.
const STATEMENTS_KEPT: usize = 256;

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("location", &self.location)
            .finish()
    }
}

/// A driver error in the store's terms: refused by a role, unreachable or signed out, or
/// anything else.
pub(super) fn classify(location: &str, e: postgres::Error) -> Error {
    let reason = |db: &postgres::error::DbError| db.message().to_string();
    match e.code() {
        Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => Error::StoreDenied {
            location: location.into(),
            reason: e.as_db_error().map(reason).unwrap_or_default(),
        },
        Some(c)
            if *c == SqlState::INVALID_PASSWORD
                || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
        {
            Error::StoreUnavailable {
                location: location.into(),
                reason: format!(
                    "sign-in refused ({}): check the login name and password",
                    e.as_db_error().map(reason).unwrap_or_default()
                ),
            }
        }
        Some(_) => Error::store(location, e),
        None if e.is_closed()
            || std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>()) =>
        {
            Error::StoreUnavailable {
                location: location.into(),
                reason: format!("{e}: is the server running and reachable from this PC?"),
            }
        }
        None if e.to_string().contains("password missing") => Error::StoreUnavailable {
            location: location.into(),
            reason: "a password is needed (in the URL, PGPASSWORD, ~/.pgpass or typed when \
                     asked)"
                .into(),
        },
        None => Error::store(location, e),
    }
}

/// Driver results in the store's terms.
pub(super) trait At<T> {
    fn at(self, location: &str) -> Result<T>;
}

impl<T> At<T> for std::result::Result<T, postgres::Error> {
    fn at(self, location: &str) -> Result<T> {
        self.map_err(|e| classify(location, e))
    }
}

/// Append an entry in the caller's transaction, through the server's sealing function.
pub(super) fn append_in(c: &mut Client, e: &EventDraft, loc: &str) -> Result<LedgerEntry> {
    let payload = e.payload.to_string();
    // Typed: parsed, bound and run in one round trip (it runs under the chain head's lock).
    let rows = c
        .query_typed(
            &format!(
                "SELECT {} FROM ledger_append($1, $2, $3, $4)",
                rows::SEALED_COLUMNS
            ),
            &[
                (&e.at, Type::TEXT),
                (&e.kind, Type::TEXT),
                (&payload, Type::TEXT),
                (&e.customers, Type::TEXT_ARRAY),
            ],
        )
        .at(loc)?;
    let row = rows
        .first()
        .ok_or_else(|| Error::store(loc, std::io::Error::other("ledger_append gave no entry")))?;
    rows::sealed(row, payload, loc)
}

/// The next `{prefix}{n:0width$}`, from the counter row (locked until the transaction ends)
/// or past the highest id stored.
fn next_in(c: &mut Client, table: &str, prefix: &str, width: usize, loc: &str) -> Result<String> {
    let start = prefix.len() as i32 + 1;
    let stored: i64 = c
        .query_one(
            &format!(
                "SELECT coalesce(max(substr(id, {start})::BIGINT), 0) FROM {table} \
                 WHERE id LIKE $1 AND substr(id, {start}) ~ '^[0-9]+$'"
            ),
            &[&format!("{prefix}%")],
        )
        .at(loc)?
        .get(0);
    let n: i64 = c
        .query_one(
            "INSERT INTO id_counters (prefix, n) VALUES ($1, $2::BIGINT + 1) \
             ON CONFLICT (prefix) DO UPDATE SET n = greatest(id_counters.n, $2::BIGINT) + 1 \
             RETURNING n",
            &[&prefix, &stored],
        )
        .at(loc)?
        .get(0);
    Ok(format!("{prefix}{n:0width$}"))
}

impl PgStore {
    /// The store over a signed-in connection to `target`.
    fn over(client: Client, target: &Target) -> PgStore {
        PgStore {
            client: Arc::new(Mutex::new(client)),
            location: target.location(),
            user: target.user().to_string(),
            batching: false,
            statements: Mutex::default(),
        }
    }

    /// Sign in to the office's store. Refuses a database without an office (run `init`) and a
    /// schema newer than this build understands.
    pub fn connect(
        target: &Target,
        password: Option<&age::secrecy::SecretString>,
    ) -> Result<PgStore> {
        let client = target.connect(password)?;
        let store = PgStore::over(client, target);
        schema::check(&mut store.client(), &store.location)?;
        Ok(store)
    }

    /// Create the office's schema and roles in an empty database, as its owner (a login with
    /// CREATEROLE), who becomes the first admin. Refused on a database that holds anything.
    pub fn init(target: &Target, password: Option<&age::secrecy::SecretString>) -> Result<PgStore> {
        let mut client = target.connect(password)?;
        schema::create(&mut client, &target.location())?;
        Ok(PgStore::over(client, target))
    }

    /// Bring an office's schema made by an older Handover up to this build's, as the
    /// database's owner, in one transaction, recorded by the entry `event` builds from the
    /// versions (see `schema::upgrade`). Returns the store, signed in and checked.
    pub fn upgrade(
        target: &Target,
        password: Option<&age::secrecy::SecretString>,
        event: impl FnOnce(Upgraded) -> EventDraft,
    ) -> Result<(PgStore, Upgraded)> {
        let mut client = target.connect(password)?;
        let up = schema::upgrade(&mut client, &target.location(), event)?;
        let store = PgStore::over(client, target);
        schema::check(&mut store.client(), &store.location)?;
        Ok((store, up))
    }

    /// The connection. A panic while it was held leaves nothing half-done on the server (the
    /// transaction is rolled back when the connection is used or closed), so a poisoned lock is
    /// taken over.
    fn client(&self) -> MutexGuard<'_, Client> {
        self.client.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// [`PgStore::init`], filled with a one-PC office's store (`db`, opened with its SQLCipher
    /// `key` when it is encrypted; its floor plans in `plans`, read in whichever form they are
    /// kept) in the same transaction: see [`copy`].
    pub fn init_from_sqlite(
        target: &Target,
        password: Option<&age::secrecy::SecretString>,
        db: &std::path::Path,
        key: Option<&crate::store::StoreKey>,
        plans: &crate::register::PlanFiles,
    ) -> Result<(PgStore, copy::Copied)> {
        let mut client = target.connect(password)?;
        let mut copied = None;
        schema::create_then(&mut client, &target.location(), |c, loc| {
            copied = Some(copy::from_sqlite(c, loc, db, key, plans)?);
            Ok(())
        })?;
        let store = PgStore::over(client, target);
        Ok((store, copied.unwrap_or_default()))
    }

    /// Run `f` in one transaction: all of it lands, or nothing, and it is durable (see
    /// [`BEGIN`]) before this returns. Inside a batch, `f` runs in a savepoint: its failure
    /// undoes only its own changes.
    fn tx<T>(&self, f: impl FnOnce(&mut Client, &str) -> Result<T>) -> Result<T> {
        let (begin, commit, rollback) = if self.batching {
            (
                "SAVEPOINT change",
                "RELEASE SAVEPOINT change",
                "ROLLBACK TO SAVEPOINT change",
            )
        } else {
            (BEGIN, COMMIT_THEN_FLUSH, "ROLLBACK")
        };
        let mut c = self.client();
        c.batch_execute(begin).at(&self.location)?;
        match f(&mut c, &self.location) {
            Ok(v) => {
                c.batch_execute(commit).at(&self.location)?;
                Ok(v)
            }
            Err(e) => {
                let _ = c.batch_execute(rollback);
                drop(c);
                Err(self.explain_denied(e))
            }
        }
    }

    /// Run `f` with every change it makes in ONE transaction: all land together on one commit,
    /// or none if `f` fails. Each change inside still appends its ledger entry with it (sealed
    /// under the head row's lock, held until the commit). For loading many events at once (the
    /// ledger benchmark), as [`super::SqliteStore::batch`]. An import cannot run inside a batch.
    pub fn batch<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.client().batch_execute("BEGIN").at(&self.location)?;
        self.batching = true;
        let r = f(self);
        self.batching = false;
        let end = if r.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = self.client().batch_execute(end).at(&self.location);
        let v = r?;
        ended.map(|()| v)
    }

    /// A refusal by the server, with who is signed in and their role (what to ask for).
    fn explain_denied(&self, e: Error) -> Error {
        match e {
            Error::StoreDenied { location, reason } => {
                let role = self
                    .session_role()
                    .ok()
                    .flatten()
                    .map_or("no".to_string(), |r| r.id().to_string());
                Error::StoreDenied {
                    location,
                    reason: format!(
                        "{reason} ({} signs in with the {role} role; ask someone whose role \
                         allows it)",
                        self.user
                    ),
                }
            }
            e => e,
        }
    }

    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<postgres::Row>> {
        let mut client = self.client();
        let statement = self.statement(&mut client, sql)?;
        client.query(&statement, params).at(&self.location)
    }

    /// `sql` prepared on this connection, once.
    fn statement(&self, client: &mut Client, sql: &str) -> Result<postgres::Statement> {
        let mut kept = self.statements.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(statement) = kept.get(sql) {
            return Ok(statement.clone());
        }
        let statement = client.prepare(sql).at(&self.location)?;
        if kept.len() >= STATEMENTS_KEPT {
            kept.clear();
        }
        kept.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    fn recipients(&self, id: &str) -> Result<Vec<String>> {
        Ok(self
            .query(
                "SELECT recipient FROM contractor_recipients WHERE contractor_id = $1 \
                 ORDER BY position",
                &[&id],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn contractors_where(
        &self,
        cond: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Contractor>> {
        let rows = self.query(
            &format!(
                "SELECT {} FROM contractors {cond} ORDER BY id",
                rows::CONTRACTOR_COLUMNS
            ),
            params,
        )?;
        rows.iter()
            .map(|r| {
                let id: String = r.get(0);
                rows::contractor(r, self.recipients(&id)?, &self.location)
            })
            .collect()
    }

    fn requests_where(&self, cond: &str, id: &str) -> Result<Vec<Request>> {
        let params: &[&(dyn ToSql + Sync)] = if cond.is_empty() { &[] } else { &[&id] };
        self.query(
            &format!(
                "SELECT {} FROM requests {cond} ORDER BY id",
                rows::REQUEST_COLUMNS
            ),
            params,
        )?
        .iter()
        .map(|r| rows::request(r, &self.location))
        .collect()
    }
}

fn write_recipients(c: &mut Client, k: &Contractor, loc: &str) -> Result<()> {
    c.execute(
        "DELETE FROM contractor_recipients WHERE contractor_id = $1",
        &[&k.id],
    )
    .at(loc)?;
    for (i, r) in k.recipients.iter().enumerate() {
        c.execute(
            "INSERT INTO contractor_recipients (contractor_id, position, recipient) \
             VALUES ($1, $2, $3)",
            &[&k.id, &(i as i32), r],
        )
        .at(loc)?;
    }
    Ok(())
}

/// Write a request: `sql` is [`rows::INSERT_REQUEST`] or [`rows::UPSERT_REQUEST`].
fn write_request(c: &mut Client, sql: &str, r: &Request, at: &str, loc: &str) -> Result<()> {
    let p = rows::request_params(r);
    let mut refs: Vec<&(dyn ToSql + Sync)> = p.iter().map(|b| b.as_ref() as _).collect();
    refs.push(&at);
    c.execute(sql, &refs).at(loc)?;
    Ok(())
}

struct InTx<'c> {
    client: RefCell<&'c mut Client>,
    loc: &'c str,
}

/// Each of these runs before the ledger's lock and, if another PC appended meanwhile, again
/// under it, where every other PC's change waits for it: typed
/// (parsed, bound and run in one round trip), the contractor with its recipients in one.
impl Recheck for InTx<'_> {
    fn enforced_requests_of(&self, customer_ids: &[&str]) -> Result<Vec<Request>> {
        self.client
            .borrow_mut()
            .query_typed(
                &format!(
                    "SELECT {} FROM requests WHERE customer_id = ANY($1) \
                     AND status IN ('pending', 'accepted') ORDER BY id",
                    rows::REQUEST_COLUMNS
                ),
                &[(&customer_ids, Type::TEXT_ARRAY)],
            )
            .at(self.loc)?
            .iter()
            .map(|r| rows::request(r, self.loc))
            .collect()
    }

    fn contractor(&self, id: &str) -> Result<Option<Contractor>> {
        let rows = self
            .client
            .borrow_mut()
            .query_typed(
                &format!(
                    "SELECT {}, ARRAY(SELECT recipient FROM contractor_recipients \
                     WHERE contractor_id = $1 ORDER BY position) FROM contractors WHERE id = $1",
                    rows::CONTRACTOR_COLUMNS
                ),
                &[(&id, Type::TEXT)],
            )
            .at(self.loc)?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let recipients: Vec<String> = row
            .try_get(rows::CONTRACTOR_COLUMNS.split(',').count())
            .map_err(|e| Error::store(self.loc, e))?;
        rows::contractor(row, recipients, self.loc).map(Some)
    }

    fn supervision(&self, contractor_id: &str) -> Result<crate::supervision::Supervision> {
        supervision::read(&mut self.client.borrow_mut(), self.loc, contractor_id)
    }

    fn newest_entry(&self, kind: &str) -> Result<Option<LedgerEntry>> {
        self.client
            .borrow_mut()
            .query_typed(
                &format!(
                    "SELECT {} FROM ledger WHERE kind = $1 ORDER BY seq DESC LIMIT 1",
                    rows::LEDGER_COLUMNS
                ),
                &[(&kind, Type::TEXT)],
            )
            .at(self.loc)?
            .first()
            .map(|r| rows::entry(r, self.loc))
            .transpose()
    }
}

impl Store for PgStore {
    fn location(&self) -> String {
        self.location.clone()
    }

    fn session_operator(&self) -> Option<String> {
        Some(self.user.clone())
    }

    fn session_role(&self) -> Result<Option<Role>> {
        let rows = self.query("SELECT role FROM operators WHERE name = session_user", &[])?;
        Ok(rows
            .first()
            .and_then(|r| r.get::<_, String>(0).parse().ok()))
    }

    fn password_verifier(&self, password: &SecretString) -> Result<String> {
        // The server receives a SCRAM verifier, never the password itself.
        Ok(postgres_protocol::password::scram_sha_256(
            password.expose_secret().as_bytes(),
        ))
    }

    fn operators(&self) -> Result<Vec<Operator>> {
        self.query(
            "SELECT name, role, active FROM operators ORDER BY name",
            &[],
        )?
        .iter()
        .map(|r| {
            let role: String = r.get(1);
            Ok(Operator {
                name: r.get(0),
                role: role.parse()?,
                active: r.get(2),
            })
        })
        .collect()
    }

    fn add_operator(
        &mut self,
        name: &str,
        role: Role,
        verifier: &str,
        event: EventDraft,
    ) -> Result<LedgerEntry> {
        self.tx(|c, loc| {
            c.execute(
                "SELECT operator_create($1, $2, $3)",
                &[&name, &role.id(), &verifier],
            )
            .map_err(|e| match e.code() {
                Some(s) if *s == SqlState::DUPLICATE_OBJECT => {
                    Refusal::Operator(OperatorProblem::Exists { name: name.into() }).into()
                }
                _ => classify(loc, e),
            })?;
            append_in(c, &event, loc)
        })
    }

    /// The signed-in login's own new password (PostgreSQL lets every role change its own),
    /// as a SCRAM verifier, with its ledger entry in the same transaction. Another login's is
    /// refused: the server's admin sets that with `ALTER ROLE`.
    fn set_password(&mut self, name: &str, verifier: &str, event: EventDraft) -> Result<()> {
        if name != self.user {
            return Err(Refusal::Operator(OperatorProblem::TypedName {
                location: self.location.clone(),
                signed_in: self.user.clone(),
                typed: name.to_string(),
            })
            .into());
        }
        // A SCRAM verifier is base64, digits and `$:-`: nothing to escape in a literal.
        if !verifier
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'\'' && b != b'\\')
        {
            return Err(Refusal::Internal {
                what: "a password verifier with characters a SQL literal cannot hold".into(),
            }
            .into());
        }
        self.tx(|c, loc| {
            c.batch_execute(&format!("ALTER ROLE CURRENT_USER PASSWORD '{verifier}'"))
                .map_err(|e| classify(loc, e))?;
            append_in(c, &event, loc).map(|_| ())
        })
    }

    fn disable_operator(&mut self, name: &str, event: EventDraft) -> Result<LedgerEntry> {
        self.tx(|c, loc| {
            c.execute("SELECT operator_disable($1)", &[&name])
                .map_err(|e| match e.code() {
                    Some(s) if *s == SqlState::INVALID_PARAMETER_VALUE => {
                        Refusal::Operator(OperatorProblem::NotDisablable { name: name.into() })
                            .into()
                    }
                    _ => classify(loc, e),
                })?;
            append_in(c, &event, loc)
        })
    }

    fn begin_import(&mut self) -> Result<Box<dyn ImportTx + '_>> {
        if self.batching {
            return Err(crate::refusal::Refusal::Internal {
                what: "an import cannot run inside a batch: it has its own transaction".into(),
            }
            .into());
        }
        import::begin(self.client(), &self.location)
    }

    fn customer(&self, id: &str) -> Result<Option<Customer>> {
        let rows = self.query(
            &format!(
                "SELECT {} FROM customers WHERE customer_id = $1",
                rows::CUSTOMER_COLUMNS
            ),
            &[&id],
        )?;
        rows.first()
            .map(|r| rows::customer(r, &self.location))
            .transpose()
    }

    fn search_customers(&self, query: &str, limit: Option<usize>) -> Result<Vec<Customer>> {
        let key = crate::register::search_key(query);
        let limit = limit.map(|l| l as i64);
        let rows = if key.is_empty() {
            self.query(
                &format!(
                    "SELECT {} FROM customers ORDER BY customer_id LIMIT $1",
                    rows::CUSTOMER_COLUMNS
                ),
                &[&limit],
            )?
        } else {
            let pattern = format!(
                "%{}%",
                key.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            self.query(
                &format!(
                    "SELECT {} FROM customers WHERE search LIKE $1 ESCAPE '\\' \
                     ORDER BY customer_id LIMIT $2",
                    rows::CUSTOMER_COLUMNS
                ),
                &[&pattern, &limit],
            )?
        };
        rows.iter()
            .map(|r| rows::customer(r, &self.location))
            .collect()
    }

    fn customer_count(&self) -> Result<u64> {
        let rows = self.query("SELECT count(*) FROM customers", &[])?;
        Ok(rows[0].get::<_, i64>(0) as u64)
    }

    fn customer_search_keys(&self) -> Result<Vec<(String, String)>> {
        Ok(self
            .query(
                "SELECT customer_id, search FROM customers ORDER BY customer_id",
                &[],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn floor_plans_in_use(&self) -> Result<Vec<FloorPlan>> {
        Ok(self
            .query(
                "SELECT DISTINCT floor_plan_sha256, floor_plan_ext, floor_plan_size \
                 FROM customers WHERE floor_plan_sha256 IS NOT NULL",
                &[],
            )?
            .iter()
            .map(|r| FloorPlan {
                sha256: r.get(0),
                ext: r.get(1),
                size: r.get::<_, i64>(2) as u64,
            })
            .collect())
    }

    fn contractors(&self) -> Result<Vec<Contractor>> {
        self.contractors_where("", &[])
    }

    fn contractor(&self, id: &str) -> Result<Option<Contractor>> {
        Ok(self
            .contractors_where("WHERE id = $1", &[&id])?
            .into_iter()
            .next())
    }

    fn add_contractor(&mut self, at: &str, build: Build<'_, Contractor>) -> Result<Contractor> {
        self.tx(|c, loc| {
            let id = next_in(c, "contractors", "CTR-", 4, loc)?;
            let (k, event) = build(&id)?;
            c.execute(
                "INSERT INTO contractors (id, name, address, contact, agreement_signed, \
                 agreement_expires, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                &[
                    &k.id,
                    &k.name,
                    &k.address,
                    &k.contact,
                    &k.agreement_signed.to_string(),
                    &k.agreement_expires.to_string(),
                    &at,
                ],
            )
            .at(loc)?;
            write_recipients(c, &k, loc)?;
            append_in(c, &event, loc)?;
            Ok(k)
        })
    }

    fn supervision(&self, contractor_id: &str) -> Result<crate::supervision::Supervision> {
        supervision::read(&mut self.client(), &self.location, contractor_id)
    }

    fn change_supervision(
        &mut self,
        contractor_id: &str,
        at: &str,
        edit: super::SupervisionEdit<'_>,
    ) -> Result<(crate::supervision::Supervision, LedgerEntry)> {
        self.tx(|c, loc| supervision::change(c, loc, contractor_id, at, edit))
    }

    fn update_contractor(&mut self, k: &Contractor, at: &str, event: EventDraft) -> Result<()> {
        self.tx(|c, loc| {
            let n = c
                .execute(
                    "UPDATE contractors SET name = $2, address = $3, contact = $4, \
                     agreement_signed = $5, agreement_expires = $6, updated_at = $7 WHERE id = $1",
                    &[
                        &k.id,
                        &k.name,
                        &k.address,
                        &k.contact,
                        &k.agreement_signed.to_string(),
                        &k.agreement_expires.to_string(),
                        &at,
                    ],
                )
                .at(loc)?;
            if n != 1 {
                return Err(Error::UnknownContractor(k.id.clone()));
            }
            write_recipients(c, k, loc)?;
            append_in(c, &event, loc).map(drop)
        })
    }

    fn append(&mut self, event: EventDraft) -> Result<LedgerEntry> {
        self.tx(|c, loc| append_in(c, &event, loc))
    }

    fn for_each_entry(&self, f: &mut dyn FnMut(LedgerEntry) -> Result<()>) -> Result<()> {
        let loc = self.location.clone();
        self.for_each_entry_ref(&mut |e| {
            let _ = &loc;
            f(LedgerEntry {
                seq: e.seq,
                at: String::from_utf8_lossy(e.at).into_owned(),
                kind: String::from_utf8_lossy(e.kind).into_owned(),
                actor: String::from_utf8_lossy(e.actor).into_owned(),
                payload: e.payload.map(|p| String::from_utf8_lossy(p).into_owned()),
                payload_hash: e.payload_hash.try_into().unwrap_or([0xff; 32]),
                prev_hash: e.prev_hash.try_into().unwrap_or([0xff; 32]),
                hash: e.hash.try_into().unwrap_or([0xff; 32]),
            })
        })
    }

    fn for_each_entry_ref(
        &self,
        f: &mut dyn FnMut(&chain::EntryRef<'_>) -> Result<()>,
    ) -> Result<()> {
        derived::walk(&mut self.client(), &self.location, f)
    }

    fn check_derived(&self) -> Result<super::DerivedReport> {
        derived::check(&mut self.client(), &self.location)
    }

    fn customers_ended_before(&self, date: &str) -> Result<Vec<Customer>> {
        self.query(
            &format!(
                "SELECT {} FROM customers WHERE contract_ended IS NOT NULL \
                 AND contract_ended < $1 ORDER BY customer_id",
                rows::CUSTOMER_COLUMNS
            ),
            &[&date],
        )?
        .iter()
        .map(|r| rows::customer(r, &self.location))
        .collect()
    }

    fn purge(&mut self, p: &Purge, event: EventDraft) -> Result<LedgerEntry> {
        self.tx(|c, loc| {
            let gone = |what: String| Error::from(crate::refusal::Refusal::PurgeChanged { what });
            for id in &p.customers {
                if c.execute("DELETE FROM customers WHERE customer_id = $1", &[id])
                    .at(loc)?
                    != 1
                {
                    return Err(gone(format!("customer {id}")));
                }
            }
            // Their floor plans go with them, unless another customer still has the same one.
            c.execute(
                "DELETE FROM floor_plans f WHERE NOT EXISTS \
                 (SELECT 1 FROM customers c WHERE c.floor_plan_sha256 = f.sha256)",
                &[],
            )
            .at(loc)?;
            for id in &p.requests {
                if c.execute("DELETE FROM requests WHERE id = $1", &[id])
                    .at(loc)?
                    != 1
                {
                    return Err(gone(format!("request {id}")));
                }
            }
            for id in &p.handovers {
                c.execute(
                    "DELETE FROM handover_customers WHERE handover_id = $1",
                    &[id],
                )
                .at(loc)?;
                if c.execute("DELETE FROM handovers WHERE id = $1", &[id])
                    .at(loc)?
                    != 1
                {
                    return Err(gone(format!("handover {id}")));
                }
            }
            // The purge entry first: the server redacts only what the entry in this very
            // transaction lists, for the manager who appended it.
            let e = append_in(c, &event, loc)?;
            let n: i64 = c
                .query_one("SELECT ledger_redact($1)", &[&(e.seq as i64)])
                .at(loc)?
                .get(0);
            if n as usize != p.redact.len() {
                return Err(gone("the details of a ledger entry".into()));
            }
            Ok(e)
        })
    }

    fn ledger_head(&self) -> Result<Option<(u64, Hash)>> {
        let rows = self.query("SELECT seq, hash FROM ledger_head WHERE id = 1", &[])?;
        Ok(rows.first().and_then(|r| {
            let seq = r.get::<_, i64>(0) as u64;
            let hash: &[u8] = r.get(1);
            (seq > 0).then(|| (seq, hash.try_into().unwrap_or([0xff; 32])))
        }))
    }

    fn entries_for_customer(&self, customer_id: &str) -> Result<Vec<LedgerEntry>> {
        self.query(
            &format!(
                "SELECT {} FROM ledger WHERE seq IN \
                 (SELECT seq FROM ({}) i WHERE customer_id = $1) ORDER BY seq",
                rows::LEDGER_COLUMNS,
                rows::INDEX_ROWS
            ),
            &[&customer_id],
        )?
        .iter()
        .map(|r| rows::entry(r, &self.location))
        .collect()
    }

    fn newest_entry(&self, kind: &str) -> Result<Option<LedgerEntry>> {
        self.query(
            &format!(
                "SELECT {} FROM ledger WHERE kind = $1 ORDER BY seq DESC LIMIT 1",
                rows::LEDGER_COLUMNS
            ),
            &[&kind],
        )?
        .first()
        .map(|r| rows::entry(r, &self.location))
        .transpose()
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn floor_plan_stream(&self, plan: &FloorPlan) -> Option<super::PlanOpener> {
        // Prepared once per connection (the store keeps it); if that fails here, the reader
        // prepares it itself and reports the failure where it is read.
        let statement = self.statement(&mut self.client(), plans::CHUNK_QUERY).ok();
        let client = self.client.clone();
        let plan = plan.clone();
        Some(super::PlanOpener::new(
            format!("{} (floor plan {})", self.location, plan.sha256),
            move || {
                Box::new(plans::ChunkReader::new(
                    client.clone(),
                    statement.clone(),
                    &plan,
                ))
            },
        ))
    }

    fn enforced_requests(&self, customer_id: &str) -> Result<Vec<Request>> {
        self.requests_where(
            "WHERE customer_id = $1 AND status IN ('pending', 'accepted')",
            customer_id,
        )
    }

    fn requests(&self, customer_id: Option<&str>) -> Result<Vec<Request>> {
        match customer_id {
            Some(id) => self.requests_where("WHERE customer_id = $1", id),
            None => self.requests_where("", ""),
        }
    }

    fn add_request(
        &mut self,
        year: i16,
        at: &str,
        build: Build<'_, Request>,
    ) -> Result<(Request, LedgerEntry)> {
        self.tx(|c, loc| {
            let id = next_in(c, "requests", &format!("REQ-{year}-"), 4, loc)?;
            let (r, event) = build(&id)?;
            write_request(c, rows::INSERT_REQUEST, &r, at, loc)?;
            let e = append_in(c, &event, loc)?;
            Ok((r, e))
        })
    }

    fn save_request(&mut self, r: &Request, at: &str, event: EventDraft) -> Result<LedgerEntry> {
        self.tx(|c, loc| {
            write_request(c, rows::UPSERT_REQUEST, r, at, loc)?;
            append_in(c, &event, loc)
        })
    }

    fn reserve_handover_id(&mut self, year: i16) -> Result<String> {
        self.tx(|c, loc| next_in(c, "handovers", &format!("HO-{year}-"), 6, loc))
    }

    fn record_handover(
        &mut self,
        h: &HandoverRecord,
        event: EventDraft,
        recheck: &dyn Fn(&dyn Recheck) -> Result<()>,
        approval: Option<&ApprovalUse>,
    ) -> Result<LedgerEntry> {
        record::handover(self, h, event, recheck, approval)
    }

    fn add_approval(
        &mut self,
        year: i16,
        build: Build<'_, Approval>,
    ) -> Result<(Approval, LedgerEntry)> {
        self.add_approval_pg(year, build)
    }

    fn approvals(&self, id: Option<&str>) -> Result<Vec<Approval>> {
        self.approvals_pg(id)
    }

    fn decide_approval(&mut self, a: &Approval, event: EventDraft) -> Result<LedgerEntry> {
        self.decide_approval_pg(a, &event)
    }

    fn handovers(&self, id: Option<&str>) -> Result<Vec<HandoverRecord>> {
        let rows = self.query(
            &format!(
                "SELECT {} FROM handovers WHERE $1::TEXT IS NULL OR id = $1 ORDER BY id",
                rows::HANDOVER_COLUMNS
            ),
            &[&id],
        )?;
        let mut list = rows
            .iter()
            .map(|r| rows::handover(r, &self.location))
            .collect::<Result<Vec<_>>>()?;
        for h in &mut list {
            h.customers = self
                .query(
                    "SELECT customer_id, fields FROM handover_customers WHERE handover_id = $1 \
                     ORDER BY position",
                    &[&h.id],
                )?
                .iter()
                .map(|r| rows::handover_customer(r, &self.location))
                .collect::<Result<_>>()?;
        }
        Ok(list)
    }

    fn close_handover(
        &mut self,
        id: &str,
        on: &str,
        note: Option<&str>,
        event: EventDraft,
    ) -> Result<LedgerEntry> {
        self.tx(|c, loc| {
            let n = c
                .execute(
                    "UPDATE handovers SET closed_on = $2, closed_note = $3 \
                     WHERE id = $1 AND closed_on IS NULL",
                    &[&id, &on, &note],
                )
                .at(loc)?;
            if n != 1 {
                return Err(crate::refusal::Refusal::State {
                    id: id.to_string(),
                    problem: crate::refusal::StateProblem::HandoverNotOpen,
                }
                .into());
            }
            append_in(c, &event, loc)
        })
    }

    fn provisions(&self, q: &ProvisionQuery) -> Result<Vec<ProvisionRow>> {
        let (sql, params) = rows::provisions_statement(q);
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref() as _).collect();
        self.query(&sql, &refs)?
            .iter()
            .map(|r| rows::provision(r, &self.location))
            .collect()
    }

    fn record_use(&mut self, u: &UseDraft) -> Result<u64> {
        self.record_use_pg(u)
    }

    fn pending_uses(&self) -> Result<Vec<PendingBatch>> {
        self.pending_uses_pg()
    }

    fn seal_uses(
        &mut self,
        operator: &str,
        build: &mut dyn FnMut(&[UsageEntry]) -> EventDraft,
    ) -> Result<Option<LedgerEntry>> {
        self.seal_uses_pg(operator, build)
    }

    fn uses(&self, q: &UsageQuery) -> Result<Vec<UsageEntry>> {
        self.uses_pg(q)
    }

    fn for_each_use(&self, f: &mut dyn FnMut(UsageEntry) -> Result<()>) -> Result<()> {
        self.for_each_use_pg(f)
    }
}
