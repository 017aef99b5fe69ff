//! Choosing the office's store, and the people of a shared one.
//!
//! Nothing set: the embedded store in the data folder. A `postgres://` URL (`--store`,
//! `HANDOVER_STORE`, the app's settings): the office's server, signed in as the URL's login.

use age::secrecy::SecretString;

use super::Office;
use crate::operators::{Operator, Role, check_login, check_name};
use crate::store::postgres::{PgStore, Target};
use crate::store::{LedgerEntry, SqliteStore, Store};
use crate::{DataDir, Error, Result};

/// Which store an office uses.
#[derive(Debug, Clone)]
pub enum StoreChoice {
    /// The embedded store of a one-PC office, in the data folder.
    Embedded,
    /// The office's PostgreSQL server.
    Server(Box<Target>),
}

impl StoreChoice {
    /// From a `--store` value, else `HANDOVER_STORE`, else the embedded store.
    pub fn from_arg_or_env(arg: Option<&str>) -> Result<StoreChoice> {
        let env = std::env::var("HANDOVER_STORE").ok();
        match arg
            .or(env.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(StoreChoice::Embedded),
            Some(url) => Ok(StoreChoice::Server(Box::new(Target::parse(url)?))),
        }
    }

    /// A store URL for a PC's settings: checked as `--store` is, and refused if it carries a
    /// password, since the settings are a file in clear (the password is typed when signing
    /// in, or comes from `PGPASSWORD` or `~/.pgpass`).
    pub fn for_settings(url: &str) -> Result<StoreChoice> {
        let target = Target::parse(url.trim())?;
        if target.has_password() {
            return Err(shared(crate::refusal::SharedProblem::PasswordInUrl));
        }
        Ok(StoreChoice::Server(Box::new(target)))
    }

    /// The same server, signed in as `login` (the app's sign-in screen names the person; the
    /// URL only suggests a login).
    pub fn as_login(&self, login: &str) -> Result<StoreChoice> {
        let login = login.trim();
        match self {
            StoreChoice::Embedded => Err(shared(crate::refusal::SharedProblem::EmbeddedSignIn)),
            StoreChoice::Server(_) if login.is_empty() => {
                Err(shared(crate::refusal::SharedProblem::NoLogin))
            }
            StoreChoice::Server(t) => Ok(StoreChoice::Server(Box::new(t.with_user(login)))),
        }
    }

    /// The server (`postgres://login@host:port/db`, never a password); None for the embedded
    /// store.
    pub fn server(&self) -> Option<&Target> {
        match self {
            StoreChoice::Embedded => None,
            StoreChoice::Server(t) => Some(t),
        }
    }

    /// Will connecting need a password typed now (none in the URL, `PGPASSWORD` or the
    /// password file)?
    pub fn needs_password(&self) -> bool {
        match self {
            StoreChoice::Embedded => false,
            StoreChoice::Server(t) => !t.password_known(),
        }
    }

    /// The login and server, for a password prompt.
    pub fn describe(&self, dir: &DataDir) -> String {
        match self {
            StoreChoice::Embedded => dir.db_path().display().to_string(),
            StoreChoice::Server(t) => t.location(),
        }
    }

    /// Open the chosen store (signing in to a server).
    pub fn open(&self, dir: &DataDir, password: Option<&SecretString>) -> Result<Box<dyn Store>> {
        match self {
            StoreChoice::Embedded => {
                dir.ensure()?;
                Ok(Box::new(SqliteStore::open(&dir.db_path())?))
            }
            StoreChoice::Server(t) => Ok(Box::new(PgStore::connect(t, password)?)),
        }
    }
}

/// Open the office on the chosen store. On a shared store the operator is the signed-in login,
/// and a typed `operator` (other than that login) is refused.
pub fn open_office(
    dir: DataDir,
    choice: &StoreChoice,
    password: Option<&SecretString>,
    operator: Option<&str>,
) -> Result<Office> {
    match choice {
        StoreChoice::Embedded => {
            if crate::vault::Vault::exists(&dir) {
                let (Some(name), Some(password)) = (operator, password) else {
                    return Err(Error::SignInRequired(dir.db_path().display().to_string()));
                };
                return super::sign_in(dir, name, password);
            }
            let store = super::vault::open_plain(&dir)?;
            if !store.has_operators()? {
                return Err(Error::NoAdmin(store.location()));
            }
            let (Some(name), Some(password)) = (operator, password) else {
                return Err(Error::SignInRequired(store.location()));
            };
            super::sign_in_with(dir, Box::new(store), name, password)
        }
        StoreChoice::Server(t) => {
            let store = choice.open(&dir, password)?;
            let mut office = Office::with_store(dir, store, operator.unwrap_or_default())?;
            // The server accepted the password: it unwraps this PC's office keys too.
            super::pc_keys::on_sign_in(&mut office, t.password_for(password).as_ref())?;
            Ok(office)
        }
    }
}

/// Create the office on an empty PostgreSQL database (as its owner, who becomes the first
/// admin) and this PC's office keys, kept encrypted in a PC vault for the owner's login under
/// the password it signs in with ([`crate::pc_vault`]).
pub fn init_shared(
    dir: DataDir,
    target: &Target,
    password: Option<&SecretString>,
) -> Result<(Office, super::InitReport)> {
    dir.ensure()?;
    if crate::keys::office_keys_exist(&dir) {
        return Err(shared(crate::refusal::SharedProblem::KeysInFolder {
            dir: dir.root().display().to_string(),
        }));
    }
    // Refused before the database is touched: no password, nothing to keep the keys under.
    let pc_password =
        crate::pc_vault::password_or_refuse(target.password_for(password), target.user())?;
    let store = PgStore::init(target, password)?;
    let mut office = Office::with_store(dir, Box::new(store), "")?;
    let new_keys = crate::keys::OfficeKeys::new(
        age::x25519::Identity::generate(),
        ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng),
    );
    let login = office.operator.clone();
    let key = crate::pc_vault::create(&office.dir, &login, &pc_password, &new_keys)?;
    office.data_key = Some(key);
    let keys = super::record_office_keys(&mut office, &new_keys)?;
    let report = super::InitReport {
        data_dir: office.dir.root().display().to_string(),
        keys,
        recovery_key: None,
    };
    Ok((office, report))
}

/// Change the password of the login `choice` names on its server: sign in with the current
/// one (`current`, else the URL's, `PGPASSWORD` or `~/.pgpass`: the server checks it), then
/// set `new` ([`super::pc_keys::set_login_password`]: recorded, and this PC's wrap of the
/// office keys follows). Returns the office, signed in with the old password.
pub fn change_login_password(
    dir: DataDir,
    choice: &StoreChoice,
    current: Option<&SecretString>,
    new: &SecretString,
) -> Result<Office> {
    let mut office = open_office(dir, choice, current, None)?;
    super::pc_keys::set_login_password(&mut office, new)?;
    Ok(office)
}

/// Add a person with a role, and record it (admin only; on a shared store the server decides
/// again). The store keeps a verifier of the password, never the password itself.
pub fn operator_add(
    office: &mut Office,
    name: &str,
    role: Role,
    password: &SecretString,
) -> Result<LedgerEntry> {
    office.require(Role::Admin, "adding an operator")?;
    let name = roster_name(office, name)?;
    crate::passwords::check_new(password)?;
    // On an office with a vault the new person gets a wrap of the data key: refused before
    // anything changes when this office was opened without it.
    super::vault::can_wrap(office)?;
    let verifier = office.store.password_verifier(password)?;
    let ev = office.event(
        "operator.added",
        serde_json::json!({ "name": name, "role": role.id() }),
    );
    let entry = office.store.add_operator(&name, role, &verifier, ev)?;
    super::vault::wrap_for_new_operator(office, &name, password)?;
    super::pc_keys::wrap_for_new_login(office, &name, password)?;
    Ok(entry)
}

/// The office's people and their roles (the embedded store shows them to an admin only; on a
/// shared store every login may read the roster, as the server allows).
pub fn operator_list(office: &Office) -> Result<Vec<Operator>> {
    if !office.store.is_shared() {
        office.require(Role::Admin, "listing the operators")?;
    }
    office.store.operators()
}

/// Stop a person from signing in, and record it (admin only).
pub fn operator_disable(office: &mut Office, name: &str) -> Result<LedgerEntry> {
    office.require(Role::Admin, "disabling an operator")?;
    let name = roster_name(office, name)?;
    let ev = office.event("operator.disabled", serde_json::json!({ "name": name }));
    let entry = office.store.disable_operator(&name, ev)?;
    super::vault::unwrap_for_disabled(office, &name)?;
    super::pc_keys::unwrap_for_disabled(office, &name)?;
    Ok(entry)
}

/// A name for the roster: a database login on a shared store, a person's name (Japanese
/// welcome, kept in NFC) on the embedded one.
fn roster_name(office: &Office, name: &str) -> Result<String> {
    if office.store.is_shared() {
        check_login(name).map(str::to_string)
    } else {
        check_name(name)
    }
}

/// Write this PC's office keys to `out`, encrypted to a passphrase, for another PC of the
/// office (`join`); recorded, since whoever holds the file and its passphrase can sign bundles
/// and read every one the office sent.
pub fn export_office_keys(
    office: &mut Office,
    out: &std::path::Path,
    passphrase: &SecretString,
) -> Result<LedgerEntry> {
    super::pc_keys::keys_ready(office)?;
    let public =
        crate::key_transfer::export(&office.dir, office.data_key.as_ref(), out, passphrase)?;
    let ev = office.event(
        "office.keys_exported",
        serde_json::json!({ "signingFingerprint": public.signing_fingerprint }),
    );
    office.store.append(ev).inspect_err(|_| {
        let _ = std::fs::remove_file(out);
    })
}

/// Set up this PC for a shared office, or add the signed-in login to a PC set up already:
/// sign in, read the office keys from `keys_file` (made by [`export_office_keys`]), check
/// that they are the office's own (those its `office.initialized` entry recorded) and, on a
/// PC that keeps them already, the same as the PC's; keep them encrypted in this PC's vault
/// under the password the login signs in with ([`super::pc_keys::install`]); record the PC.
/// Refused keys change nothing on the PC.
pub fn join(
    dir: DataDir,
    choice: &StoreChoice,
    password: Option<&SecretString>,
    keys_file: &std::path::Path,
    passphrase: &SecretString,
) -> Result<Office> {
    let StoreChoice::Server(target) = choice else {
        return Err(shared(crate::refusal::SharedProblem::JoinNeedsServer));
    };
    let store = choice.open(&dir, password)?;
    let recorded = office_signing_key(store.as_ref())?;
    let keys = crate::key_transfer::read(keys_file, passphrase)?;
    let public = keys.public();
    if public.signing_key != recorded {
        return Err(shared(crate::refusal::SharedProblem::OtherOfficeKeys {
            file: keys_file.display().to_string(),
            fingerprint: public.signing_fingerprint.clone(),
            location: store.location().to_string(),
        }));
    }
    let login = store.session_operator().unwrap_or_default();
    let pc_password = crate::pc_vault::password_or_refuse(target.password_for(password), &login)?;
    dir.ensure()?;
    let created = jiff::Timestamp::now().to_string();
    let key = super::pc_keys::install(&dir, &login, &pc_password, &keys, keys_file, &created)?;
    let mut office = Office::with_store(dir, store, "")?;
    office.data_key = Some(key);
    let ev = office.event(
        "pc.joined",
        serde_json::json!({ "signingFingerprint": public.signing_fingerprint }),
    );
    office.store.append(ev)?;
    Ok(office)
}

/// The signing key the office recorded when it was created.
fn office_signing_key(store: &dyn Store) -> Result<String> {
    let mut key = None;
    store.for_each_entry(&mut |e| {
        if key.is_none() && e.kind == "office.initialized" {
            key = e
                .payload
                .as_deref()
                .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
                .and_then(|v| v["signingKey"].as_str().map(str::to_string));
        }
        Ok(())
    })?;
    key.ok_or_else(|| Error::StoreNoOffice(store.location()))
}

/// What `store copy` did: the rows and plans moved, and both stores verified to one head.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreCopyReport {
    /// The new shared store.
    pub target: String,
    /// Rows copied per table.
    pub rows: Vec<(String, u64)>,
    /// Floor plans moved into the store.
    pub floor_plans: u64,
    /// Ledger entries, verified in both stores.
    pub entries: u64,
    /// The head hash both stores verify to.
    pub head: Option<String>,
}

/// Move this one-PC office to a shared store: `target` must be an empty database, reached as
/// its owner (who becomes the first admin). Register, floor plans, roster, requests, handovers
/// and the whole ledger with its redactions (the policy is in the ledger) land in one
/// transaction; then both stores are verified — chain and derived tables — and must end on
/// the same head, or the copy is reported as failed. Nothing changes in this office's store.
/// This PC goes on with the shared store: its office keys move into a PC vault for the
/// target's login, under the password it signs in with ([`crate::pc_vault`]), encrypted under
/// the PC's own key; none is left in clear.
pub fn store_copy(
    office: &Office,
    target: &Target,
    password: Option<&SecretString>,
) -> Result<StoreCopyReport> {
    if office.store.is_shared() {
        return Err(shared(crate::refusal::SharedProblem::AlreadyShared));
    }
    // Both refused before the database is touched: keys that cannot be opened, no password.
    let keys = office.secret_keys()?;
    let pc_password =
        crate::pc_vault::password_or_refuse(target.password_for(password), target.user())?;
    let before = super::verify_ledger(office)?;
    let db = office.dir.db_path();
    let encrypted = crate::store::file_kind(&db).ok() == Some(crate::store::FileKind::Encrypted);
    let store_key = office
        .data_key
        .as_ref()
        .filter(|_| encrypted)
        .map(crate::store::StoreKey::of);
    let (pg, copied) = PgStore::init_from_sqlite(
        target,
        password,
        &db,
        store_key.as_ref(),
        &crate::register::PlanFiles::new(&office.dir, office.data_key.as_ref()),
    )?;
    let after = crate::store::verify(&pg)?;
    if after.head != before.head || after.entries != before.entries {
        let words = |v: &crate::store::VerifyReport| {
            format!(
                "{} entries, head {}",
                v.entries,
                v.head.as_deref().unwrap_or("none")
            )
        };
        return Err(shared(crate::refusal::SharedProblem::CopyDiffers {
            location: target.location().to_string(),
            copy: words(&after),
            original: words(&before),
        }));
    }
    super::pc_keys::adopt_after_copy(
        &office.dir,
        target.user(),
        &pc_password,
        &keys,
        office.data_key.as_ref(),
    )?;
    Ok(StoreCopyReport {
        target: target.location(),
        rows: copied.rows,
        floor_plans: copied.floor_plans,
        entries: after.entries,
        head: after.head,
    })
}

/// Bring a shared store made by an older Handover up to this build's schema, as the database's
/// owner: the missing migrations and the grants in one transaction, recorded
/// (`store.upgraded`, with the versions). Refused, with nothing changed, for any other login
/// (a staff member's included), on a database without an office, and on a newer schema; a
/// store already up to date is left as it is.
pub fn store_upgrade(
    target: &Target,
    password: Option<&SecretString>,
) -> Result<crate::store::postgres::Upgraded> {
    let clock = super::SystemClock;
    let at = {
        use super::Clock;
        let now = clock.now();
        now.round(jiff::Unit::Millisecond)
            .unwrap_or(now)
            .to_string()
    };
    let actor = target.user().to_string();
    let (_store, up) = PgStore::upgrade(target, password, |u| crate::store::EventDraft {
        at,
        kind: "store.upgraded".into(),
        actor,
        payload: serde_json::json!({ "from": u.from, "to": u.to }),
        customers: Vec::new(),
    })?;
    Ok(up)
}

fn shared(problem: crate::refusal::SharedProblem) -> Error {
    crate::refusal::Refusal::SharedStore(problem).into()
}
