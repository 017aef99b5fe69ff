//! The office's database: the register, the roster, requests, handovers and the
//! tamper-evident ledger that records every change.
//!
//! All SQL lives behind the [`Store`] trait, so the use-cases never name a backend. Every
//! mutating method takes the [`EventDraft`] that records the change and appends it in the
//! *same transaction*: a change without its ledger entry, or an entry without its change,
//! cannot happen.
//!
//! The chain itself (sealing, verification, export) is backend-independent and lives in
//! [`ledger`]; [`sqlite`] is the embedded backend of a one-PC office.

pub mod ledger;
pub mod postgres;
mod sqlite;

pub use ledger::{
    ChainReport, DerivedReport, EntryRef, EventDraft, Hash, LedgerEntry, LedgerReader,
    LedgerReaders, PURGE_KIND, Verifier, VerifyReport, verify_chain, verify_chain_with,
};
pub use postgres::PgStore;
pub(crate) use sqlite::apply_key;
pub use sqlite::{FileKind, SCHEMA_VERSION, SqliteStore, StoreKey, file_kind};

use age::secrecy::SecretString;

use crate::approvals::Approval;
use crate::handover::HandoverRecord;
use crate::history::{ProvisionQuery, ProvisionRow};
use crate::operators::{Operator, Role, SignInPolicy};
use crate::refusal::{OperatorProblem, Refusal};
use crate::register::{Customer, FloorPlan};
use crate::requests::Request;
use crate::supervision::Supervision;
use crate::usage::{PendingBatch, UsageEntry, UsageQuery, UseDraft};
use crate::{Contractor, Error, Result};

/// What a pack relied on when it was prepared, read again inside the recording transaction
/// after the write lock is taken: an opt-out accepted on another PC in the meantime, a
/// changed contractor, or a supervision record or policy that now refuses the contractor,
/// refuses the pack instead of being recorded past.
pub trait Recheck {
    /// The pending or accepted requests of these customers, as the store holds them now: one
    /// read for the whole selection, because on a server every round trip of the recording
    /// transaction delays it (and, when it runs again under the ledger's lock because another
    /// PC appended meanwhile, every other PC's commit).
    fn enforced_requests_of(&self, customer_ids: &[&str]) -> Result<Vec<Request>>;

    /// The contractor as the store holds it now.
    fn contractor(&self, id: &str) -> Result<Option<Contractor>>;

    /// The contractor's supervision record as the store holds it now (a manager may have
    /// recorded an expired certificate since the pack was prepared).
    fn supervision(&self, contractor_id: &str) -> Result<Supervision>;

    /// The newest entry of one kind as the store holds it now (the policy in force).
    fn newest_entry(&self, kind: &str) -> Result<Option<LedgerEntry>>;
}

/// Builds a record once the store has allocated its id (inside the recording transaction, so
/// that two PCs never get the same id): the record and the ledger event that records it.
pub type Build<'a, T> = &'a mut dyn FnMut(&str) -> Result<(T, EventDraft)>;

/// A pack using an approval: the approval is marked used by the transaction that records the
/// handover, with its own entry (`approval.used`) just before the handover's. Refused, with
/// nothing recorded, unless the stored approval is still approved and unused.
#[derive(Debug, Clone)]
pub struct ApprovalUse {
    /// The approval.
    pub id: String,
    /// Who packed (the handover's operator).
    pub by: String,
    /// The `approval.used` entry (its `at` is the time of use).
    pub event: EventDraft,
}

/// Changes a supervision record inside the recording transaction: gets the record as stored
/// now and returns the new one with the ledger event that records it.
pub type SupervisionEdit<'a> = &'a mut dyn FnMut(Supervision) -> Result<(Supervision, EventDraft)>;

/// What an upsert did to a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// A new customer.
    Added,
    /// An existing customer whose data changed.
    Updated,
    /// An existing customer with exactly the same data.
    Unchanged,
}

/// Which columns an import sets; the others keep their stored value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ColumnSet(u32);

impl ColumnSet {
    /// Mark a field as present in the import.
    pub fn insert(&mut self, f: crate::Field) {
        self.0 |= 1 << (f as u32);
    }

    /// Is the field present?
    pub fn contains(&self, f: crate::Field) -> bool {
        self.0 & (1 << (f as u32)) != 0
    }

    /// The bit of the contract-end date, which is register bookkeeping rather than a field.
    const CONTRACT_ENDED: u32 = 1 << 31;

    /// Mark the contract-end date as present in the import.
    pub fn insert_contract_ended(&mut self) {
        self.0 |= Self::CONTRACT_ENDED;
    }

    /// Is the contract-end date present?
    pub fn has_contract_ended(&self) -> bool {
        self.0 & Self::CONTRACT_ENDED != 0
    }
}

/// What one purge removes (R9), decided by `ops::purge` from the policy and carried out by
/// [`Store::purge`] in one transaction with its ledger entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purge {
    /// Customers whose personal data is deleted (register rows).
    pub customers: Vec<String>,
    /// Their requests (rows deleted; the entries that recorded them are in `redact`).
    pub requests: Vec<String>,
    /// Handovers whose provision record is past retention (rows and customer rows deleted).
    pub handovers: Vec<String>,
    /// Entries whose payload is redacted (and whose `ledger_customers` rows are deleted).
    pub redact: Vec<u64>,
}

/// A register import in progress: all upserts land, with their ledger entry, on commit; dropping
/// it without committing leaves the store exactly as it was.
pub trait ImportTx {
    /// Insert or update one customer. Fields outside `columns` keep their stored value; a
    /// `None` floor plan keeps the stored one.
    fn upsert(&mut self, customer: &Customer, columns: ColumnSet, at: &str) -> Result<Upsert>;

    /// Does this store keep floor plans itself (a shared store)? Then the import hands each
    /// plan to [`ImportTx::put_floor_plan`] instead of copying it into this PC's data folder.
    fn keeps_floor_plans(&self) -> bool {
        false
    }

    /// Keep the plan read from `file` (already inspected as `plan`) in the store, in this
    /// transaction. Only called when [`ImportTx::keeps_floor_plans`].
    fn put_floor_plan(&mut self, plan: &FloorPlan, file: &std::path::Path) -> Result<()> {
        let _ = (plan, file);
        Ok(())
    }

    /// Make the import permanent and record it.
    fn commit(self: Box<Self>, event: EventDraft) -> Result<LedgerEntry>;
}

pub use crate::register::PlanOpener;

/// Where an office's register, roster and ledger are kept.
pub trait Store: Send {
    /// Where the store is, for messages: the file, or the server and database (never a
    /// password).
    fn location(&self) -> String;

    /// The person the database signed in, when the database itself knows (a shared store):
    /// it, not a typed name, is the actor of every entry.
    fn session_operator(&self) -> Option<String> {
        None
    }

    /// The signed-in person's role on a shared store.
    fn session_role(&self) -> Result<Option<Role>> {
        Ok(None)
    }

    /// Does the store know any operator? (A shared store always does: its owner.) An
    /// embedded store made before sign-in existed has none until its first admin is added.
    fn has_operators(&self) -> Result<bool> {
        Ok(true)
    }

    /// Sign a person in with their password at `now` (the embedded store; a shared store
    /// signs in when it connects). Every success, failure and lock is recorded; `rules`' count
    /// of wrong passwords in a row locks the operator for its minutes.
    fn sign_in(
        &mut self,
        name: &str,
        password: &SecretString,
        rules: &SignInPolicy,
        now: jiff::Timestamp,
    ) -> Result<()> {
        let _ = (name, password, rules, now);
        Err(Refusal::Operator(OperatorProblem::SignInOnConnect {
            location: self.location(),
        })
        .into())
    }

    /// Forget who is signed in (the embedded store; a shared store ends with its connection).
    fn sign_out(&mut self) {}

    /// What the store keeps of a new person's password: a SCRAM verifier for the server's
    /// login, an Argon2id hash in the embedded store. Never the password.
    fn password_verifier(&self, password: &SecretString) -> Result<String> {
        let _ = password;
        Err(no_operators(&self.location()))
    }

    /// The office's people.
    fn operators(&self) -> Result<Vec<Operator>> {
        Err(no_operators(&self.location()))
    }

    /// Add a person with a role (their password as [`Store::password_verifier`] made it) and
    /// record it.
    fn add_operator(
        &mut self,
        name: &str,
        role: Role,
        verifier: &str,
        event: EventDraft,
    ) -> Result<LedgerEntry> {
        let _ = (name, role, verifier, event);
        Err(no_operators(&self.location()))
    }

    /// Replace a person's password (as [`Store::password_verifier`] made it) and record it
    /// (the embedded store: a new password set through the vault, issue 14).
    fn set_password(&mut self, name: &str, verifier: &str, event: EventDraft) -> Result<()> {
        let _ = (name, verifier, event);
        Err(no_operators(&self.location()))
    }

    /// Stop a person from signing in again, and record it.
    fn disable_operator(&mut self, name: &str, event: EventDraft) -> Result<LedgerEntry> {
        let _ = (name, event);
        Err(no_operators(&self.location()))
    }

    /// Start an import transaction.
    fn begin_import(&mut self) -> Result<Box<dyn ImportTx + '_>>;

    /// One customer by id.
    fn customer(&self, id: &str) -> Result<Option<Customer>>;

    /// Customers whose id, name, kana, address or phone contains `query` (all if empty), by id.
    fn search_customers(&self, query: &str, limit: Option<usize>) -> Result<Vec<Customer>>;

    /// Number of customers.
    fn customer_count(&self) -> Result<u64>;

    /// `(customer_id, search key)` of every customer, in customer_id order: what the
    /// in-memory search index is built from.
    fn customer_search_keys(&self) -> Result<Vec<(String, String)>>;

    /// Every floor plan still referenced (to clean up files nobody uses).
    fn floor_plans_in_use(&self) -> Result<Vec<FloorPlan>>;

    /// The roster, by id.
    fn contractors(&self) -> Result<Vec<Contractor>>;

    /// One contractor.
    fn contractor(&self, id: &str) -> Result<Option<Contractor>>;

    /// Add a contractor under the next free id (`CTR-0001`), allocated in the recording
    /// transaction, and record it.
    fn add_contractor(&mut self, at: &str, build: Build<'_, Contractor>) -> Result<Contractor>;

    /// Replace a contractor's data and record it.
    fn update_contractor(&mut self, c: &Contractor, at: &str, event: EventDraft) -> Result<()>;

    /// A contractor's supervision record (empty until its first change).
    fn supervision(&self, contractor_id: &str) -> Result<Supervision>;

    /// Change a contractor's supervision record and record it, in one transaction: `edit`
    /// gets the record as stored now (the contractor's row locked against another PC's change)
    /// and returns the new record and its entry. A refusal from `edit`, or an unknown
    /// contractor, changes nothing.
    fn change_supervision(
        &mut self,
        contractor_id: &str,
        at: &str,
        edit: SupervisionEdit<'_>,
    ) -> Result<(Supervision, LedgerEntry)>;

    /// Append an event that changes nothing else.
    fn append(&mut self, event: EventDraft) -> Result<LedgerEntry>;

    /// Visit every ledger entry in stored order (by seq).
    fn for_each_entry(&self, f: &mut dyn FnMut(LedgerEntry) -> Result<()>) -> Result<()>;

    /// Visit every ledger entry in seq order, borrowed from the row being read: no copy per
    /// entry, so that verification and export keep up with a million entries.
    fn for_each_entry_ref(&self, f: &mut dyn FnMut(&EntryRef<'_>) -> Result<()>) -> Result<()>;

    /// `n` readers of the ledger, each on a connection of its own, that all see one state of
    /// it (with its head), for verifying the chain on several cores ([`verify_chain`]).
    /// `None` where the store has none to give; the chain is then walked on one connection.
    fn ledger_readers(&self, n: usize) -> Result<Option<LedgerReaders>> {
        let _ = n;
        Ok(None)
    }

    /// Rebuild the derived tables from the log and compare (see [`ledger::derived`]).
    fn check_derived(&self) -> Result<DerivedReport>;

    /// Customers whose contract ended before `date` (YYYY-MM-DD), by id.
    fn customers_ended_before(&self, date: &str) -> Result<Vec<Customer>>;

    /// Carry out a purge and record it, all in one transaction. Refused, with nothing changed,
    /// if any row or payload it names is already gone (the store changed since it was
    /// planned).
    fn purge(&mut self, purge: &Purge, event: EventDraft) -> Result<LedgerEntry>;

    /// The recorded head: last seq and hash.
    fn ledger_head(&self) -> Result<Option<(u64, Hash)>>;

    /// Entries concerning one customer, oldest first.
    fn entries_for_customer(&self, customer_id: &str) -> Result<Vec<LedgerEntry>>;

    /// The newest entry of one kind (e.g. the last `policy.changed`: the policy in force).
    fn newest_entry(&self, kind: &str) -> Result<Option<LedgerEntry>>;

    /// A floor plan this store keeps itself (a shared store), to stream; `None`: plans are
    /// files in this PC's data folder.
    fn floor_plan_stream(&self, plan: &FloorPlan) -> Option<PlanOpener> {
        let _ = plan;
        None
    }

    /// Is this a store several PCs share? Then nothing beside this PC's data folder (a
    /// `policy.toml` left from a one-PC office) speaks for the office.
    fn is_shared(&self) -> bool {
        false
    }

    /// A customer's requests that are pending or accepted (those are enforced).
    fn enforced_requests(&self, customer_id: &str) -> Result<Vec<Request>>;

    /// All requests, or one customer's.
    fn requests(&self, customer_id: Option<&str>) -> Result<Vec<Request>>;

    /// Register a new request under the next free id of `year` (`REQ-2026-0001`), allocated
    /// in the recording transaction, and record it.
    fn add_request(
        &mut self,
        year: i16,
        at: &str,
        build: Build<'_, Request>,
    ) -> Result<(Request, LedgerEntry)>;

    /// Replace an existing request (a decision, a notification, a withdrawal) and record it.
    fn save_request(&mut self, r: &Request, at: &str, event: EventDraft) -> Result<LedgerEntry>;

    /// Take the next handover id of `year` (`HO-2026-000001`) for good: the bundle carries it
    /// before it is recorded, so it is reserved in a transaction of its own, and a pack that is
    /// refused leaves a gap rather than an id two PCs could share.
    fn reserve_handover_id(&mut self, year: i16) -> Result<String>;

    /// Record a handover and its ledger entry together; returns the entry. `recheck` runs
    /// first, inside the transaction and under the ledger's write lock; if it refuses, nothing
    /// is recorded. With `approval`, the approval is used in the same transaction
    /// ([`ApprovalUse`]).
    fn record_handover(
        &mut self,
        h: &HandoverRecord,
        event: EventDraft,
        recheck: &dyn Fn(&dyn Recheck) -> Result<()>,
        approval: Option<&ApprovalUse>,
    ) -> Result<LedgerEntry>;

    /// Keep a new approval request under the next free id of `year` (`APR-2026-0001`),
    /// allocated in the recording transaction, and record it.
    fn add_approval(
        &mut self,
        year: i16,
        build: Build<'_, Approval>,
    ) -> Result<(Approval, LedgerEntry)>;

    /// Approval requests, all (newest first) or the one with `id`.
    fn approvals(&self, id: Option<&str>) -> Result<Vec<Approval>>;

    /// Store a decision on a pending request (`a` as decided: status, decider, time, reason,
    /// expiry) and record it. Refused, with nothing changed, if the stored request is no longer
    /// pending (decided meanwhile on another PC).
    fn decide_approval(&mut self, a: &Approval, event: EventDraft) -> Result<LedgerEntry>;

    /// Handovers, all or the one with `id`.
    fn handovers(&self, id: Option<&str>) -> Result<Vec<HandoverRecord>>;

    /// Close an open handover (return or destruction confirmed) and record it.
    fn close_handover(
        &mut self,
        id: &str,
        on: &str,
        note: Option<&str>,
        event: EventDraft,
    ) -> Result<LedgerEntry>;

    /// One row per customer per handover matching the query, oldest first (by creation time,
    /// handover id, then the customer's position in the handover). A query naming a customer
    /// must be answered from an index on the customer, never by scanning every handover.
    fn provisions(&self, q: &ProvisionQuery) -> Result<Vec<ProvisionRow>>;

    /// Record one use of customer data ([`crate::usage`]) in a transaction of its own, so that
    /// a kill right after the page was shown loses nothing; returns its id.
    fn record_use(&mut self, u: &UseDraft) -> Result<u64>;

    /// The uses waiting to be sealed, per operator (by name).
    fn pending_uses(&self) -> Result<Vec<PendingBatch>>;

    /// Seal `operator`'s waiting uses: in one transaction, under the ledger's write lock, read
    /// them in id order, append the entry `build` makes of them, and point each at it. `None`
    /// if none was waiting (another PC sealed them first).
    fn seal_uses(
        &mut self,
        operator: &str,
        build: &mut dyn FnMut(&[UsageEntry]) -> EventDraft,
    ) -> Result<Option<LedgerEntry>>;

    /// The uses a query selects, with their customers, in id order.
    fn uses(&self, q: &UsageQuery) -> Result<Vec<UsageEntry>>;

    /// Visit every use in id order, with its customers (verification).
    fn for_each_use(&self, f: &mut dyn FnMut(UsageEntry) -> Result<()>) -> Result<()>;
}

/// Field ids stored comma-separated (what a handover gave each customer).
pub(crate) fn fields_from_db(s: &str) -> Vec<crate::Field> {
    s.split(',').filter_map(crate::Field::from_id).collect()
}

fn no_operators(location: &str) -> Error {
    Refusal::Operator(OperatorProblem::NotKept {
        location: location.to_string(),
    })
    .into()
}

/// Walk the whole chain and compare it with the recorded head, then compare the derived tables
/// with the log (only once the chain holds: a broken chain makes its payloads worthless).
pub fn verify(store: &dyn Store) -> Result<VerifyReport> {
    let mut report = verify_chain(store)?;
    let mut derived = store.check_derived()?;
    derived.approvals = ledger::approvals::check(store)?;
    report.derived = Some(derived);
    report.usage = Some(ledger::usage::check(store)?);
    Ok(report)
}
