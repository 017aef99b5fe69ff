//! The use-cases, shared by the CLI and the desktop app: one way in.
//!
//! Every rule (what may be stored, who may receive what, what is recorded) is enforced here or
//! below, so neither front end can skip it. Functions take an [`Office`] — the open data
//! directory, its store, the operator and a clock — and return plain data.

mod approvals;
mod at_rest;
mod contractor_side;
mod customer_page;
mod customer_search;
mod export;
mod handovers;
mod history;
mod interrupted;
mod key_store;
mod lost_device;
mod office_open;
mod overview;
mod pc_keys;
mod policy_edit;
mod receipts;
mod register_preview;
mod rekey;
mod reports;
mod requests;
mod retention;
mod shared_store;
mod sign_in;
mod store_encryption;
mod supervision;
mod usage;
mod vault;

pub use approvals::*;
pub use at_rest::{EncryptFiles, encrypt_files, encrypt_office_files};
pub use contractor_side::*;
pub use customer_page::*;
pub use customer_search::*;
pub use export::*;
pub use handovers::*;
pub use history::*;
pub use interrupted::InterruptedPack;
pub use key_store::*;
pub use office_open::office_open_bundle;
pub use overview::*;
pub use policy_edit::*;
pub use receipts::*;
pub use register_preview::*;
pub use rekey::{REKEY_STEPS, RekeyReport, rekey};
pub use reports::*;
pub use requests::*;
pub use retention::*;
pub use shared_store::*;
pub use sign_in::*;
pub use store_encryption::{
    EncryptReport, STEPS as ENCRYPT_STEPS, encrypt_office, needs_encryption,
};
pub use supervision::*;
pub use usage::{UsageFilter, customer_page_view, save_usage_report, seal_own_uses, usage_report};
pub use vault::{change_password, recover_operator};

use std::path::Path;
use std::sync::Arc;

use age::secrecy::SecretString;
use serde::Serialize;
use ts_rs::TS;

use crate::keys::{self, OfficePublicKeys};
use crate::operators::Role;
use crate::progress::Progress;
use crate::refusal::{OperatorProblem, Refusal};
use crate::register::{self, Customer, ImportOptions, ImportReport};
use crate::store::{self, EventDraft, SqliteStore, Store, VerifyReport};
use crate::{Contractor, ContractorChange, ContractorInput, DataDir, Error, Result};

/// Where "now" comes from: the system clock, or a fixed one in tests.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> jiff::Timestamp;

    /// Today in the office's time zone (the system's).
    fn today(&self) -> jiff::civil::Date {
        self.now()
            .to_zoned_datetime(jiff::tz::TimeZone::system())
            .date()
    }
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::now()
    }
}

/// A clock stopped at one instant (tests, reproducible reports).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub jiff::Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> jiff::Timestamp {
        self.0
    }
}

/// An open office: data directory, store, operator, clock.
pub struct Office {
    dir: DataDir,
    store: Box<dyn Store>,
    operator: String,
    clock: Arc<dyn Clock>,
    interrupted: Vec<InterruptedPack>,
    /// The data key, on an office encrypted at rest once someone signed in (issue 14).
    data_key: Option<crate::vault::DataKey>,
    /// A new office's recovery key, until [`Office::take_recovery_key`] hands it over.
    recovery_key: Option<crate::vault::RecoveryKey>,
    /// This sign-in moved a shared office PC's plaintext key files into its PC vault.
    pc_keys_moved: bool,
}

impl std::fmt::Debug for Office {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Office")
            .field("dir", &self.dir)
            .field("operator", &self.operator)
            .finish()
    }
}

impl Office {
    /// Open the office in `dir` on its embedded store under a typed name (tests and
    /// benchmarks; the CLI and the app sign in instead), creating the folder and the store if
    /// needed.
    pub fn open(dir: DataDir, operator: impl Into<String>) -> Result<Office> {
        dir.ensure()?;
        let store = SqliteStore::open(&dir.db_path())?;
        Office::with_store(dir, Box::new(store), operator)
    }

    /// Open the office in `dir` (this PC's keys, settings and journals) on a store chosen
    /// outside: the embedded one, or a shared server. On a store that signs people in, the
    /// operator is the signed-in person and `operator` must be empty or the same name: a typed
    /// name never stands in for a login. A store that keeps operators opens only with someone
    /// signed in ([`sign_in`]). Only an embedded store with no operator yet still takes a
    /// typed name here: the test suites and benchmarks build offices that way; the CLI and the
    /// app never do (they refuse such a store until its first admin exists, [`open_office`],
    /// [`first_admin`], [`init_admin`]).
    pub fn with_store(
        dir: DataDir,
        store: Box<dyn Store>,
        operator: impl Into<String>,
    ) -> Result<Office> {
        dir.ensure()?;
        let typed = operator.into();
        let operator = match store.session_operator() {
            Some(signed_in) if typed.trim().is_empty() || typed == signed_in => signed_in,
            Some(signed_in) => {
                return Err(Refusal::Operator(OperatorProblem::TypedName {
                    location: store.location(),
                    signed_in,
                    typed,
                })
                .into());
            }
            None if store.has_operators()? => {
                return Err(Error::SignInRequired(store.location()));
            }
            None if typed.trim().is_empty() => {
                return Err(Error::NoAdmin(store.location()));
            }
            None => typed,
        };
        let interrupted = interrupted::recover(&dir, store.as_ref())?;
        let mut office = Office {
            dir,
            store,
            operator,
            clock: Arc::new(SystemClock),
            interrupted,
            data_key: None,
            recovery_key: None,
            pc_keys_moved: false,
        };
        policy_edit::adopt_policy_file(&mut office)?;
        Ok(office)
    }

    /// A new office's recovery key, printed once (the first admin's office only, once): the
    /// paper for the office safe that unlocks the data when every password is lost.
    pub fn take_recovery_key(&mut self) -> Option<crate::vault::RecoveryKey> {
        self.recovery_key.take()
    }

    /// Did this sign-in move the office keys this PC of a shared office kept in clear (an
    /// earlier version) into its PC vault, for the signed-in login only? Tell the user: the
    /// other logins that packed on this PC `join` again.
    pub fn pc_keys_moved(&self) -> bool {
        self.pc_keys_moved
    }

    /// Is this office's data encrypted at rest (it has a vault)?
    pub fn encrypted_at_rest(&self) -> bool {
        !self.store.is_shared() && crate::vault::Vault::exists(&self.dir)
    }

    /// Packs that a kill interrupted before they were recorded, found and undone when the
    /// office was opened (tell the user: no bundle of theirs is left behind).
    pub fn interrupted_packs(&self) -> &[InterruptedPack] {
        &self.interrupted
    }

    /// Use another clock (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Office {
        self.clock = clock;
        self
    }

    /// The data directory.
    pub fn dir(&self) -> &DataDir {
        &self.dir
    }

    /// The store (read access for queries).
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The operator recorded in the ledger.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// The role the signed-in person acts with, as the store says (a login the roster does
    /// not know gets the least, staff); `None` on a store nobody signs in to.
    pub fn signed_in_role(&self) -> Result<Option<Role>> {
        let signed_in = self.store.session_operator().is_some();
        Ok(match self.store.session_role()? {
            Some(role) => Some(role),
            None if signed_in => Some(Role::Staff),
            None => None,
        })
    }

    /// The role the core checks: [`Office::signed_in_role`], and on a store without anyone on
    /// its roster (offices the test suites build under a typed name) its one user.
    pub fn role(&self) -> Result<Role> {
        Ok(self.signed_in_role()?.unwrap_or(Role::Admin))
    }

    /// Refuse `action` (words, e.g. "deciding a request") unless the signed-in role includes
    /// `needed`. The one place the core checks a role: the shared store's server checks again.
    pub fn require(&self, needed: Role, action: &str) -> Result<()> {
        let role = self.role()?;
        if role.allows(needed) {
            return Ok(());
        }
        Err(Error::RoleRequired {
            action: action.to_string(),
            needed,
            operator: self.operator.clone(),
            role,
        })
    }

    /// Does this office enforce the policy's approvals (上長承認)? Where people sign in, so
    /// that a second person can approve; an office without sign-in has nobody to ask.
    pub fn approvals_enforced(&self) -> Result<bool> {
        Ok(self.signed_in_role()?.is_some())
    }

    /// Now, as recorded in the ledger (RFC 3339 UTC, milliseconds).
    pub fn now(&self) -> String {
        self.now_instant().to_string()
    }

    /// Now, to the millisecond (what [`Office::now`] writes out).
    pub fn now_instant(&self) -> jiff::Timestamp {
        self.clock
            .now()
            .round(jiff::Unit::Millisecond)
            .unwrap_or(self.clock.now())
    }

    /// Today in the office's time zone.
    pub fn today(&self) -> jiff::civil::Date {
        self.clock.today()
    }

    fn event(&self, kind: &str, payload: serde_json::Value) -> EventDraft {
        EventDraft {
            at: self.now(),
            kind: kind.into(),
            actor: self.operator.clone(),
            payload,
            customers: Vec::new(),
        }
    }
}

/// What `init` created.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InitReport {
    /// The data directory.
    pub data_dir: String,
    /// The office's public keys.
    pub keys: OfficePublicKeys,
    /// The recovery key of a new office encrypted at rest (shown once, for the office safe).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub recovery_key: Option<String>,
}

/// Create the store and the office keys under a typed name (tests and benchmarks; the CLI and
/// the app create the first admin instead, [`init_admin`]); refuses to overwrite existing keys.
pub fn init(dir: DataDir, operator: &str) -> Result<(Office, InitReport)> {
    let mut office = Office::open(dir, operator)?;
    let keys = create_office_keys(&mut office)?;
    let report = InitReport {
        data_dir: office.dir.root().display().to_string(),
        keys,
        recovery_key: None,
    };
    Ok((office, report))
}

/// Create the office keys in an open office and record it; refuses to overwrite existing keys.
pub fn create_office_keys(office: &mut Office) -> Result<OfficePublicKeys> {
    let keys = keys::OfficeKeys::new(
        age::x25519::Identity::generate(),
        ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng),
    );
    record_office_keys(office, &keys)
}

/// Write the office keys `new` in an open office (encrypted with its data key if it has one)
/// and record them; refuses to overwrite existing keys.
pub(crate) fn record_office_keys(
    office: &mut Office,
    new: &keys::OfficeKeys,
) -> Result<OfficePublicKeys> {
    let now = office.now();
    let public = keys::write_office_keys(
        &office.dir,
        new.identity(),
        new.signing(),
        &now,
        office.data_key.as_ref(),
    )?;
    let ev = office.event(
        "office.initialized",
        serde_json::json!({
            "recipient": public.recipient,
            "recipientFingerprint": public.recipient_fingerprint,
            "signingKey": public.signing_key,
            "signingFingerprint": public.signing_fingerprint,
        }),
    );
    office.store.append(ev)?;
    Ok(public)
}

/// The office's public keys (after `init`).
pub fn office_keys(office: &Office) -> Result<OfficePublicKeys> {
    keys::office_public_keys(&office.dir)
}

/// Import a customer register (xlsx, xlsm, xls, xlsb, ods, csv, tsv).
pub fn import_register(
    office: &mut Office,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn Progress,
) -> Result<ImportReport> {
    let now = office.now();
    register::import_register(
        office.store.as_mut(),
        &office.dir,
        office.data_key.as_ref(),
        path,
        opts,
        &office.operator,
        &now,
        progress,
    )
}

/// The synthetic sample register shipped with Handover (fictional people, for trying it out).
pub mod sample {
    /// The register workbook.
    pub const REGISTER_XLSX: &[u8] = include_bytes!("../../../sample/sample_register.xlsx");
    /// The floor plans, by file name.
    pub const FLOOR_PLANS: &[(&str, &[u8])] = &[
        (
            "C0001.png",
            include_bytes!("../../../sample/floor_plans/C0001.png"),
        ),
        (
            "C0002.png",
            include_bytes!("../../../sample/floor_plans/C0002.png"),
        ),
        (
            "C0003.png",
            include_bytes!("../../../sample/floor_plans/C0003.png"),
        ),
        (
            "C0005.png",
            include_bytes!("../../../sample/floor_plans/C0005.png"),
        ),
        (
            "C0008.png",
            include_bytes!("../../../sample/floor_plans/C0008.png"),
        ),
        (
            "C0013.jpg",
            include_bytes!("../../../sample/floor_plans/C0013.jpg"),
        ),
        (
            "C0021.pdf",
            include_bytes!("../../../sample/floor_plans/C0021.pdf"),
        ),
    ];
}

/// Import the bundled synthetic sample register (fictional people, for trying Handover out).
///
/// The workbook and its floor plans are written to a private scratch folder in the data
/// directory, imported like any register, and the folder is removed again: the workbook has
/// (fake) bank and card columns to show that payment data is dropped, and a copy of it must not
/// linger in the data directory. The ledger entry names the file and its SHA-256, which is the
/// one built into Handover.
pub fn load_sample(office: &mut Office, progress: &mut dyn Progress) -> Result<ImportReport> {
    let dir = office.dir.root().join(format!(
        ".sample-{}-{:016x}",
        std::process::id(),
        rand::random::<u64>()
    ));
    let result = (|| {
        let plans = dir.join("floor_plans");
        crate::fsutil::create_private_dir(&plans)?;
        let xlsx = dir.join("sample_register.xlsx");
        crate::fsutil::write_atomic(&xlsx, sample::REGISTER_XLSX)?;
        for (name, bytes) in sample::FLOOR_PLANS {
            crate::fsutil::write_atomic(&plans.join(name), bytes)?;
        }
        let opts = ImportOptions {
            floor_plans_dir: Some(plans),
            ..Default::default()
        };
        import_register(office, &xlsx, &opts, progress)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Search the register (id, name, kana, address, phone); empty query lists everyone.
pub fn customers(office: &Office, query: &str, limit: Option<usize>) -> Result<Vec<Customer>> {
    office.store.search_customers(query, limit)
}

/// One customer, or an error naming the id.
pub fn customer(office: &Office, id: &str) -> Result<Customer> {
    office
        .store
        .customer(id)?
        .ok_or_else(|| Error::UnknownCustomer(id.into()))
}

/// Add a contractor to the roster.
pub fn contractor_add(office: &mut Office, input: &ContractorInput) -> Result<Contractor> {
    office.require(Role::Manager, "adding a contractor")?;
    let template = office.event("contractor.added", serde_json::Value::Null);
    let now = template.at.clone();
    office.store.add_contractor(&now, &mut |id| {
        let c = input.validate(id.to_string())?;
        let mut ev = template.clone();
        ev.payload = contractor_payload(&c);
        Ok((c, ev))
    })
}

/// Change a contractor; the ledger records the old and the new data.
pub fn contractor_update(
    office: &mut Office,
    id: &str,
    change: &ContractorChange,
) -> Result<Contractor> {
    office.require(Role::Manager, "changing a contractor")?;
    let old = office
        .store
        .contractor(id)?
        .ok_or_else(|| Error::UnknownContractor(id.into()))?;
    let new = change.apply(&old)?;
    if new == old {
        return Err(crate::refusal::Refusal::NothingToChange {
            what: "contractor update",
        }
        .into());
    }
    let ev = office.event(
        "contractor.updated",
        serde_json::json!({ "before": contractor_payload(&old), "after": contractor_payload(&new) }),
    );
    let now = office.now();
    office.store.update_contractor(&new, &now, ev)?;
    Ok(new)
}

fn contractor_payload(c: &Contractor) -> serde_json::Value {
    serde_json::json!({
        "id": c.id,
        "name": c.name,
        "address": c.address,
        "contact": c.contact,
        "recipients": c.keys(),
        "agreementSigned": c.agreement_signed.to_string(),
        "agreementExpires": c.agreement_expires.to_string(),
    })
}

/// The roster.
pub fn contractors(office: &Office) -> Result<Vec<Contractor>> {
    office.store.contractors()
}

/// Walk the ledger's hash chain.
pub fn verify_ledger(office: &Office) -> Result<VerifyReport> {
    store::verify(office.store.as_ref())
}

/// Create a contractor's age identity file; returns the recipient to send to the office.
pub fn keygen(out: &Path, passphrase: Option<&SecretString>) -> Result<String> {
    let now = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or(jiff::Timestamp::now());
    keys::keygen(out, passphrase, &now.to_string())
}
