//! The supervision rule checked again when a pack is recorded (issue 15): a manager who
//! records an expired certificate, or makes the policy refuse, while a bundle is being written
//! refuses that pack inside its recording transaction: the bundle and its signature are
//! deleted, nothing is recorded, and the refusal is the typed `supervision_due`. The change is
//! made deterministically from the pack's progress callback (the bundle is being written: the
//! preparation has passed), on the embedded store and on PostgreSQL.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use handover_core::handover::{Method, Selection};
use handover_core::operators::Role;
use handover_core::ops::{self, FixedClock, Office, PackOptions, PackWarning, StoreChoice};
use handover_core::progress::Flow;
use handover_core::report::Lang;
use handover_core::store::postgres::Target;
use handover_core::supervision::{CheckInput, ReviewInput, SupervisionChange, SupervisionRule};
use handover_core::{DataDir, Error, NoProgress, WorkType};

use crate::pg::PgDb;
use crate::support::{self, NOW, PASSWORD, TestOffice, password, snapshot};

/// An office with two managers, the sample register and one contractor whose agreement was
/// signed 2020-04-01 and never reviewed (the first review was due 2021-04-01), on either store.
struct Env {
    tmp: tempfile::TempDir,
    sqlite: Option<TestOffice>,
    pg: Option<PgDb>,
    contractor: String,
}

const MANAGERS: [&str; 2] = ["joshi", "joshi2"];

impl Env {
    fn sqlite() -> Env {
        let mut t = TestOffice::with_admin();
        for name in MANAGERS {
            ops::operator_add(&mut t.office, name, Role::Manager, &password(PASSWORD)).unwrap();
        }
        let contractor = Env::fill(&mut t.office);
        Env {
            tmp: tempfile::tempdir().unwrap(),
            sqlite: Some(t),
            pg: None,
            contractor,
        }
    }

    fn postgres() -> Option<Env> {
        let pg = PgDb::fresh()?;
        let tmp = tempfile::tempdir().unwrap();
        let target = Target::parse(&pg.url(&pg.owner())).unwrap();
        let dir = DataDir::new(tmp.path().join("owner"));
        let (mut owner, _) = ops::init_shared(dir, &target, Some(&PgDb::password())).unwrap();
        for name in MANAGERS {
            ops::operator_add(
                &mut owner,
                &pg.login(name),
                Role::Manager,
                &PgDb::password(),
            )
            .unwrap();
        }
        let contractor = Env::fill(&mut owner);
        Some(Env {
            tmp,
            sqlite: None,
            pg: Some(pg),
            contractor,
        })
    }

    fn fill(office: &mut Office) -> String {
        ops::load_sample(office, &mut NoProgress).unwrap();
        ops::contractor_add(office, &support::contractor_input(support::new_recipient()))
            .unwrap()
            .id
    }

    /// `who` signed in, on the test clock.
    fn office(&self, who: &str) -> Office {
        let clock = Arc::new(FixedClock(NOW.parse().unwrap()));
        match (&self.sqlite, &self.pg) {
            (Some(t), _) => ops::sign_in(DataDir::new(t.data()), who, &password(PASSWORD))
                .unwrap()
                .with_clock(clock),
            (None, Some(pg)) => {
                let choice =
                    StoreChoice::Server(Box::new(Target::parse(&pg.url(&pg.login(who))).unwrap()));
                let dir = DataDir::new(self.tmp.path().join("owner"));
                ops::open_office(dir, &choice, Some(&PgDb::password()), None)
                    .unwrap()
                    .with_clock(clock)
            }
            (None, None) => unreachable!(),
        }
    }

    fn out(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn selection(&self) -> Selection {
        Selection {
            contractor_id: self.contractor.clone(),
            work_type: WorkType::Installation,
            customers: vec!["C0001".into()],
            extra_fields: vec![],
            method: Method::Transfer,
            passphrase: false,
        }
    }
}

fn on_both(scenario: fn(&Env)) {
    scenario(&Env::sqlite());
    if let Some(env) = Env::postgres() {
        scenario(&env);
    }
}

fn set_rule(office: &mut Office, rule: SupervisionRule) {
    let mut p = ops::policy(office).unwrap();
    p.supervision = rule;
    ops::policy_save(office, &p).unwrap();
}

fn check(expires: &str) -> SupervisionChange {
    SupervisionChange::Check(CheckInput {
        certification: "pmark".into(),
        number: Some("10820001".into()),
        expires: Some(expires.into()),
        checked_on: None,
    })
}

fn pack(
    office: &mut Office,
    sel: &Selection,
    out: &Path,
) -> handover_core::Result<ops::PackResult> {
    let opts = PackOptions {
        out: out.to_path_buf(),
        ..Default::default()
    };
    ops::pack(office, sel, &opts, &mut NoProgress)
}

/// Pack as `joshi` while `joshi2` makes `change` the first time the bundle's progress is
/// reported (the preparation has passed; the bundle is being written). Returns the refusal,
/// having checked that the bundle and its signature are gone and that the store holds exactly
/// what it held right after `change`.
fn raced(env: &Env, change: impl FnOnce(&mut Office)) -> Error {
    let mut packer = env.office("joshi");
    let mut other = env.office("joshi2");
    let out = env.out("raced.age");
    let handovers = ops::handovers(&packer).unwrap();
    let mut change = Some(change);
    let mut after_change = None;
    let mut progress = |_: u64, _: Option<u64>| {
        if let Some(c) = change.take() {
            c(&mut other);
            after_change = Some(snapshot(&other));
        }
        Flow::Continue
    };
    let opts = PackOptions {
        out: out.clone(),
        ..Default::default()
    };
    let e = ops::pack(&mut packer, &env.selection(), &opts, &mut progress).unwrap_err();
    let after_change = after_change.expect("the pack wrote its bundle before it was refused");
    assert!(!out.exists(), "the refused bundle is still there");
    assert!(
        !env.out("raced.age.sig").exists(),
        "the refused bundle's signature is still there"
    );
    assert_eq!(
        snapshot(&packer),
        after_change,
        "the refused pack recorded something"
    );
    assert_eq!(ops::handovers(&packer).unwrap(), handovers);
    ops::verify_ledger(&packer).expect("the chain and the derived tables hold");
    e
}

/// The review is done (next due 2027-11-01), the certificate valid and the policy refuses:
/// the pack is prepared; an expired certificate recorded meanwhile refuses it at recording.
fn certificate_expired_meanwhile(env: &Env) {
    let mut joshi = env.office("joshi");
    set_rule(&mut joshi, SupervisionRule::Refuse);
    let done = SupervisionChange::Review(ReviewInput {
        due: "2021-04-01".into(),
        done: Some("2026-11-01".into()),
        result: Some("ok".into()),
        notes: None,
    });
    ops::supervision_change(&mut joshi, &env.contractor, &done).unwrap();
    ops::supervision_change(&mut joshi, &env.contractor, &check("2027-03-31")).unwrap();
    assert!(
        ops::supervision(&joshi, &env.contractor)
            .unwrap()
            .warnings
            .is_empty()
    );
    drop(joshi);

    let id = env.contractor.clone();
    let e = raced(env, move |other| {
        ops::supervision_change(other, &id, &check("2026-10-31")).unwrap();
    });
    match &e {
        Error::SupervisionDue {
            contractor,
            review_due,
            certificate_expired,
        } => {
            assert_eq!(contractor, &env.contractor);
            assert_eq!(review_due, &None);
            assert_eq!(certificate_expired.as_deref(), Some("2026-10-31"));
        }
        other => panic!("{other}"),
    }
    assert_eq!(e.code(), "supervision_due");
    assert!(
        e.detail(Lang::Ja).contains("認証の有効期限 2026-10-31"),
        "{}",
        e.detail(Lang::Ja)
    );
    // Now refused when prepared; the renewed certificate lets it through.
    let mut joshi = env.office("joshi");
    let again = pack(&mut joshi, &env.selection(), &env.out("again.age")).unwrap_err();
    assert_eq!(again.code(), "supervision_due");
    ops::supervision_change(&mut joshi, &env.contractor, &check("2028-10-31")).unwrap();
    let r = pack(&mut joshi, &env.selection(), &env.out("renewed.age")).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn a_certificate_recorded_expired_while_a_pack_is_written_refuses_it_at_recording() {
    on_both(certificate_expired_meanwhile);
}

/// The review is overdue and the policy only warns: the pack is prepared with the warning; a
/// manager who makes the policy refuse meanwhile refuses it at recording.
fn policy_refuses_meanwhile(env: &Env) {
    let mut joshi = env.office("joshi");
    assert_eq!(
        ops::supervision(&joshi, &env.contractor).unwrap().warnings,
        [PackWarning::ReviewOverdue]
    );
    // The same pack without the race goes through, with the warning.
    let warned = pack(&mut joshi, &env.selection(), &env.out("warned.age")).unwrap();
    assert_eq!(warned.warnings, [PackWarning::ReviewOverdue]);
    drop(joshi);

    let e = raced(env, |other| set_rule(other, SupervisionRule::Refuse));
    match &e {
        Error::SupervisionDue {
            review_due,
            certificate_expired,
            ..
        } => {
            assert_eq!(review_due.as_deref(), Some("2021-04-01"));
            assert_eq!(certificate_expired, &None);
        }
        other => panic!("{other}"),
    }
    assert!(
        e.detail(Lang::Ja).contains("年次点検の期限 2021-04-01"),
        "{}",
        e.detail(Lang::Ja)
    );
}

#[test]
fn a_policy_made_to_refuse_while_a_pack_is_written_refuses_it_at_recording() {
    on_both(policy_refuses_meanwhile);
}
