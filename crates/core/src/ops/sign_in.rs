//! Sign-in on the embedded store (issue 13): the first admin, signing in and out.
//!
//! A one-PC office keeps its operators in its own store, each with an Argon2id password hash
//! and a role. Once it has any, the office opens only for a signed-in person, who is the actor
//! of every entry and whose role the core checks ([`Office::require`]). An office made before
//! sign-in existed has none: its first `init --admin` adds the admin to the existing store,
//! keeping its data, keys and history.

use age::secrecy::SecretString;

use super::{InitReport, Office};
use crate::operators::{Role, check_name};
use crate::store::{SqliteStore, Store};
use crate::{DataDir, Error, Policy, Result};

fn now() -> jiff::Timestamp {
    let now = jiff::Timestamp::now();
    now.round(jiff::Unit::Millisecond).unwrap_or(now)
}

/// Sign `name` in to the embedded store of `dir` with `password` and open the office as them.
/// A wrong password counts toward the policy's lockout; every attempt is recorded.
pub fn sign_in(dir: DataDir, name: &str, password: &SecretString) -> Result<Office> {
    dir.ensure()?;
    let store = SqliteStore::open(&dir.db_path())?;
    sign_in_with(dir, Box::new(store), name, password)
}

/// Sign `name` in on an open embedded store, now.
pub(crate) fn sign_in_with(
    dir: DataDir,
    store: Box<dyn Store>,
    name: &str,
    password: &SecretString,
) -> Result<Office> {
    sign_in_store(dir, store, name, password, now())
}

/// Sign `name` in on an open embedded `store` at `now` (tests give their own instant).
pub fn sign_in_store(
    dir: DataDir,
    mut store: Box<dyn Store>,
    name: &str,
    password: &SecretString,
    now: jiff::Timestamp,
) -> Result<Office> {
    if !store.has_operators()? {
        return Err(Error::NoAdmin(store.location()));
    }
    // The name as the roster keeps it (NFC, trimmed): typed on any keyboard, the same person.
    let name = check_name(name)?;
    let rules = Policy::of_office(store.as_ref(), &dir)?.sign_in;
    store.sign_in(&name, password, &rules, now)?;
    Office::with_store(dir, store, "")
}

/// Create the office's first admin: in a new data folder, the office itself (store and keys,
/// as `init`); in an office made before sign-in existed, the admin is added to its store and
/// its data, keys and history stay. Refused once the store has an operator. The admin is
/// signed in on the returned office.
pub fn init_admin(
    dir: DataDir,
    name: &str,
    password: &SecretString,
) -> Result<(Office, InitReport)> {
    let mut office = first_admin(dir, name, password)?;
    let keys = if crate::keys::office_keys_exist(&office.dir) {
        super::office_keys(&office)?
    } else {
        super::create_office_keys(&mut office)?
    };
    let report = InitReport {
        data_dir: office.dir.root().display().to_string(),
        keys,
    };
    Ok((office, report))
}

/// Add the first admin to the embedded store of `dir` (created if new), recorded, and sign them
/// in; the office keys are left as they are ([`init_admin`] creates missing ones). Refused,
/// changing nothing, once the store has an operator: from then on an admin adds people.
pub fn first_admin(dir: DataDir, name: &str, password: &SecretString) -> Result<Office> {
    let name = check_name(name)?;
    crate::passwords::check_new(password)?;
    dir.ensure()?;
    let mut store = SqliteStore::open(&dir.db_path())?;
    if store.has_operators()? {
        return Err(Error::AdminExists(store.location()));
    }
    let at = now();
    let hash = store.password_verifier(password)?;
    let ev = crate::store::EventDraft {
        at: at.to_string(),
        kind: "operator.added".into(),
        actor: name.clone(),
        payload: serde_json::json!({ "name": name, "role": Role::Admin.id(), "first": true }),
        customers: Vec::new(),
    };
    store.add_operator(&name, Role::Admin, &hash, ev)?;
    sign_in_store(dir, Box::new(store), &name, password, at)
}

/// Does the embedded store in `dir` sign people in (it has operators)? False for a new data
/// folder and for an office made before sign-in existed.
pub fn signs_in(dir: &DataDir) -> Result<bool> {
    if !dir.db_path().exists() {
        return Ok(false);
    }
    SqliteStore::open(&dir.db_path())?.has_operators()
}

impl Office {
    /// The policy's minutes without use after which the app locks (sign in again).
    pub fn idle_lock_minutes(&self) -> Result<u32> {
        Ok(Policy::of_office(self.store(), self.dir())?
            .sign_in
            .idle_lock_minutes)
    }
}
