//! One store suite, two backends (issue 12): the same office script — import, roster,
//! requests, packs, closing, purge — runs through `ops` on the embedded SQLite store and on the
//! shared PostgreSQL store, and everything a person or an auditor can observe must come out
//! the same: customers and search, floor-plan bytes, the roster, requests, handovers and the
//! provision history, the ledger's entries (kinds, dates, customers, payloads) and its verify
//! report. Every refusal is refused on both with the same code and leaves both unchanged.
//!
//! The backends differ only where they must: who the actor is (a typed name on one PC, the
//! server's login on the shared store), so entries are compared with the actor's name replaced.

use std::path::PathBuf;
use std::sync::Arc;

use handover_core::handover::{Method, Selection};
use handover_core::ops::{self, HistoryFilter, Office, PackOptions, StoreChoice};
use handover_core::register::Customer;
use handover_core::requests::Scope;
use handover_core::store::postgres::Target;
use handover_core::{ContractorInput, DataDir, NoProgress, WorkType};
use sha2::{Digest, Sha256};

use crate::pg::PgDb;
use crate::support::{OPERATOR, clock, request_input};

/// One office on one backend, signed in with every right (the one-PC operator; the shared
/// store's owner, its first admin).
struct Backend {
    office: Office,
    /// The actor's name in this backend's entries.
    actor: String,
    tmp: tempfile::TempDir,
    _pg: Option<PgDb>,
}

impl Backend {
    fn sqlite() -> Backend {
        let tmp = tempfile::tempdir().unwrap();
        let (office, _) = ops::init(DataDir::new(tmp.path().join("data")), OPERATOR).expect("init");
        let office = office.with_clock(Arc::new(clock()));
        Backend {
            office,
            actor: OPERATOR.into(),
            tmp,
            _pg: None,
        }
    }

    fn postgres() -> Option<Backend> {
        let pg = PgDb::fresh()?;
        let tmp = tempfile::tempdir().unwrap();
        let target = Target::parse(&pg.url(&pg.owner())).unwrap();
        let dir = DataDir::new(tmp.path().join("data"));
        ops::init_shared(dir.clone(), &target, Some(&PgDb::password())).expect("init");
        let choice = StoreChoice::Server(Box::new(target));
        let office = ops::open_office(dir, &choice, Some(&PgDb::password()), None)
            .expect("sign in")
            .with_clock(Arc::new(clock()));
        Some(Backend {
            office,
            actor: pg.owner(),
            tmp,
            _pg: Some(pg),
        })
    }

    fn out(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }
}

fn contractor(recipient: &str) -> ContractorInput {
    ContractorInput {
        name: "架空電設株式会社".into(),
        address: Some("東京都千代田区試験町1-2-3".into()),
        contact: None,
        recipients: vec![recipient.into()],
        agreement_signed: "2020-04-01".into(),
        agreement_expires: "2099-03-31".into(),
    }
}

fn selection(contractor: &str, customers: &[&str]) -> Selection {
    Selection {
        contractor_id: contractor.into(),
        work_type: WorkType::Installation,
        customers: customers.iter().map(|s| s.to_string()).collect(),
        extra_fields: vec![],
        method: Method::Transfer,
        passphrase: false,
    }
}

fn pack(b: &mut Backend, sel: &Selection, name: &str) -> handover_core::Result<String> {
    let out = b.out(name);
    ops::pack(
        &mut b.office,
        sel,
        &PackOptions {
            out,
            ..Default::default()
        },
        &mut NoProgress,
    )
    .map(|p| p.handover_id)
}

/// The office script: the same calls, in the same order, on either backend. `recipient` is the
/// one contractor key both backends share (so the roster compares equal).
fn script(b: &mut Backend, recipient: &str) {
    let o = &mut b.office;
    let imported = ops::load_sample(o, &mut NoProgress).unwrap();
    assert!(imported.added > 0, "the sample register imports");
    let k = ops::contractor_add(o, &contractor(recipient)).unwrap();
    assert_eq!(k.id, "CTR-0001");
    let r1 = ops::request_add(
        o,
        &request_input("C0003", Scope::All, "2026-11-20", "電話", None),
    )
    .unwrap();
    ops::request_decide(o, &r1.id, true, None).unwrap();
    let r2 = ops::request_add(
        o,
        &request_input("C0004", Scope::All, "2026-11-21", "窓口", None),
    )
    .unwrap();
    ops::request_withdraw(o, &r2.id).unwrap();
    let first = pack(b, &selection("CTR-0001", &["C0001", "C0002"]), "a.age").unwrap();
    let second = pack(
        b,
        &selection("CTR-0001", &["C0005", "C0006", "C0007"]),
        "b.age",
    )
    .unwrap();
    assert_eq!(
        (first.as_str(), second.as_str()),
        ("HO-2026-000001", "HO-2026-000002")
    );
    ops::confirm_destruction(&mut b.office, &first, "2026-11-23", Some("溶解処理")).unwrap();
}

/// Everything observable after the script, with the actor's name replaced.
#[derive(Debug, PartialEq)]
struct Observed {
    customers: Vec<String>,
    search: Vec<Vec<String>>,
    plan_digests: Vec<(String, String)>,
    contractors: Vec<handover_core::Contractor>,
    requests: Vec<String>,
    handovers: Vec<String>,
    history: Vec<String>,
    ledger: Vec<String>,
    verified: String,
    purge: String,
}

fn observe(b: &Backend) -> Observed {
    let o = &b.office;
    let all = ops::customers(o, "", None).unwrap();
    let ids = |v: Vec<Customer>| v.into_iter().map(|c| c.customer_id).collect::<Vec<_>>();
    let plan_digests = all
        .iter()
        .filter(|c| c.floor_plan.is_some())
        .map(|c| {
            let (plan, bytes) = ops::floor_plan(o, &c.customer_id).unwrap();
            let digest = hex::encode(Sha256::digest(&bytes));
            assert_eq!(
                digest, plan.sha256,
                "{}: the stored bytes are the sealed ones",
                c.customer_id
            );
            (c.customer_id.clone(), digest)
        })
        .collect();
    let actor = |s: String| s.replace(&b.actor, "<actor>");
    Observed {
        customers: all.iter().map(|c| format!("{c:?}")).collect(),
        search: ["C000", "山田", "090", "存在しない名前"]
            .iter()
            .map(|q| ids(ops::customers(o, q, Some(20)).unwrap()))
            .collect(),
        plan_digests,
        contractors: ops::contractors(o).unwrap(),
        requests: ops::requests(o, &Default::default())
            .unwrap()
            .iter()
            .map(|r| format!("{r:?}"))
            .collect(),
        handovers: ops::handovers(o)
            .unwrap()
            .iter()
            .map(|h| actor(neutral(serde_json::to_value(h).unwrap())))
            .collect(),
        history: ops::history(o, &HistoryFilter::default())
            .unwrap()
            .iter()
            .map(|r| format!("{r:?}"))
            .collect(),
        ledger: crate::support::entries(o)
            .iter()
            .map(|e| {
                assert_eq!(
                    e.actor, b.actor,
                    "entry {} names the signed-in person",
                    e.seq
                );
                let payload = e
                    .payload
                    .as_deref()
                    .map(|p| serde_json::from_str(p).unwrap());
                match (e.kind.as_str(), payload) {
                    // Each office has its own keys and was created at its own moment.
                    ("office.initialized", _) => e.kind.clone(),
                    (_, p) => actor(format!(
                        "{} {} {} {}",
                        e.seq,
                        e.at,
                        e.kind,
                        p.map(neutral).unwrap_or_default()
                    )),
                }
            })
            .collect(),
        verified: format!("{:?}", ops::verify_ledger(o).unwrap().entries),
        purge: format!("{:?}", ops::purge_preview(o, "2026-11-23").unwrap()),
    }
}

/// `v` without what differs only because each office has its own keys: the bundle's bytes
/// (encrypted to that office's escrow key too) and the recipients' fingerprints.
fn neutral(mut v: serde_json::Value) -> String {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for k in ["bundleSha256", "bundleSize", "recipients"] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v.to_string()
}

/// Run `f` on both backends (PostgreSQL only where a test cluster runs).
fn both(f: impl Fn(&mut Backend)) -> Vec<Backend> {
    let mut out = vec![Backend::sqlite()];
    out.extend(Backend::postgres());
    for b in &mut out {
        f(b);
    }
    out
}

#[test]
fn the_same_script_is_observed_the_same_on_both_backends() {
    let recipient = age::x25519::Identity::generate().to_public().to_string();
    let backends = both(|b| script(b, &recipient));
    let observed: Vec<Observed> = backends.iter().map(observe).collect();
    let o = &observed[0];
    assert!(o.customers.len() >= 100 && !o.plan_digests.is_empty());
    assert_eq!(o.handovers.len(), 2);
    assert!(
        o.history.len() == 5,
        "2 + 3 customers provided: {:?}",
        o.history
    );
    assert!(
        o.ledger.iter().any(|e| e.contains("handover.destroyed")),
        "{:?}",
        o.ledger
    );
    if let [sqlite, postgres] = &observed[..] {
        assert_eq!(sqlite.customers, postgres.customers);
        assert_eq!(sqlite.search, postgres.search);
        assert_eq!(sqlite.plan_digests, postgres.plan_digests);
        assert_eq!(sqlite.contractors, postgres.contractors);
        assert_eq!(sqlite.requests, postgres.requests);
        assert_eq!(sqlite.handovers, postgres.handovers);
        assert_eq!(sqlite.history, postgres.history);
        assert_eq!(sqlite.ledger, postgres.ledger);
        assert_eq!(sqlite.verified, postgres.verified);
        assert_eq!(sqlite.purge, postgres.purge);
    }
}

/// A purge, then verify: the redacted entries still chain on both, and both purge the same.
#[test]
fn a_purge_is_the_same_and_verifies_on_both_backends() {
    let recipient = age::x25519::Identity::generate().to_public().to_string();
    let mut backends = both(|b| script(b, &recipient));
    let mut reports = Vec::new();
    for b in &mut backends {
        let r = ops::purge(&mut b.office, "2026-11-23").unwrap();
        ops::verify_ledger(&b.office).expect("verify after the purge");
        b.office
            .store()
            .check_derived()
            .expect("derived tables agree after the purge");
        reports.push(format!("{r:?}"));
        let again = ops::purge_preview(&b.office, "2026-11-23").unwrap();
        assert!(
            again.customers.is_empty(),
            "nothing left to purge: {again:?}"
        );
    }
    reports.dedup();
    assert_eq!(
        reports.len(),
        1,
        "both backends purge the same: {reports:?}"
    );
}

/// Every refusal: the same code on both backends, and nothing changed (same ledger head,
/// same roster, same requests, same handovers).
#[test]
fn every_refusal_is_the_same_on_both_backends_and_changes_nothing() {
    let recipient = age::x25519::Identity::generate().to_public().to_string();
    let mut backends = both(|b| script(b, &recipient));
    let mut codes = Vec::new();
    for b in &mut backends {
        let before = state(&b.office);
        codes.push(refusals(b));
        assert_eq!(state(&b.office), before, "a refusal changed the store");
    }
    codes.dedup();
    assert_eq!(codes.len(), 1, "both backends refuse alike: {codes:?}");
}

fn state(o: &Office) -> (Option<u64>, String, String, String) {
    (
        o.store().ledger_head().unwrap().map(|(seq, _)| seq),
        format!("{:?}", ops::contractors(o).unwrap()),
        format!("{:?}", ops::requests(o, &Default::default()).unwrap()),
        format!("{:?}", ops::handovers(o).unwrap()),
    )
}

fn code<T: std::fmt::Debug>(what: &str, r: handover_core::Result<T>) -> String {
    match r {
        Err(e) => format!("{what}: {}", e.code()),
        Ok(v) => panic!("{what} was accepted: {v:?}"),
    }
}

fn refusals(b: &mut Backend) -> Vec<String> {
    let o = &mut b.office;
    let mut v = vec![
        code("unknown customer", ops::customer(o, "C9999")),
        code(
            "request for nobody",
            ops::request_add(
                o,
                &request_input("C9999", Scope::All, "2026-11-20", "電話", None),
            ),
        ),
        code(
            "unknown request",
            ops::request_decide(o, "REQ-9999", true, None),
        ),
        code(
            "decided twice",
            ops::request_decide(o, "REQ-0001", true, None),
        ),
        code(
            "closed twice",
            ops::confirm_destruction(o, "HO-2026-000001", "2026-11-23", None),
        ),
        code(
            "close in the future",
            ops::confirm_destruction(o, "HO-2026-000002", "2027-01-01", None),
        ),
        code(
            "unknown handover",
            ops::confirm_destruction(o, "HO-2026-999999", "2026-11-23", None),
        ),
        code(
            "contractor without a key",
            ops::contractor_add(o, &contractor("age1nope")),
        ),
    ];
    v.push(code(
        "pack for an unknown contractor",
        pack(b, &selection("CTR-0099", &["C0001"]), "x.age"),
    ));
    v.push(code(
        "pack of only an opted-out customer",
        pack(b, &selection("CTR-0001", &["C0003"]), "y.age"),
    ));
    assert!(
        !b.out("x.age").exists() && !b.out("y.age").exists(),
        "no bundle left"
    );
    v
}

/// Both backends' derived tables (who received what) match their ledgers after the script.
#[test]
fn derived_tables_match_the_ledger_on_both_backends() {
    let recipient = age::x25519::Identity::generate().to_public().to_string();
    for b in both(|b| script(b, &recipient)) {
        let r = b
            .office
            .store()
            .check_derived()
            .expect("derived tables agree");
        assert_eq!((r.handovers, r.handover_customers), (2, 5), "{r:?}");
        assert_eq!(r.requests, 2, "{r:?}");
    }
}
