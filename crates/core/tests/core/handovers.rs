//! The handover use-cases end to end, through `ops` as the CLI and the app call them: prepare
//! (minimal sets, extra fields, refusals, exclusions, customers' requests), pack (transfer,
//! media, paper, passphrase, armor) with what the ledger records, failure atomicity, destruction
//! confirmations and overdue lists, and the manager's policy file.
//!
//! Every test works on the bundled synthetic sample register (`ops::load_sample`, C0001..C0300;
//! plans for C0001/2/3/5/8 PNG, C0013 JPEG, C0021 PDF) in its own temporary office at the fixed
//! test clock (2026-11-23).

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use age::secrecy::SecretString;
use handover_core::bundle::{self, OpenKey, OpenedBundle};
use handover_core::handover::{
    ExclusionReason, ExtraField, Method, Preparation, Selection, WithheldReason,
};
use handover_core::ops::{self, FixedClock, Office, PackOptions, PackResult};
use handover_core::register::Customer;
use handover_core::requests::Scope;
use handover_core::{ContractorInput, DataDir, Error, Field, Flow, NoProgress, Policy, WorkType};
use sha2::{Digest, Sha256};

use crate::support::{self, OPERATOR, TestOffice, contains_bytes, entries, files_under};

/// The test clock's day (support::NOW).
const TODAY: &str = "2026-11-23";
/// today + the default policy's 30 days.
const DEFAULT_RETURN_BY: &str = "2026-12-23";
/// The card numbers of the sample register (dropped at import; must never leave).
const SAMPLE_CARDS: [&str; 4] = [
    "4111111111111111",
    "5555555555554444",
    "3530111333300000",
    "3530-1113-3330-0000",
];
/// Bank-account fragments of the sample register (payment; dropped at import).
const SAMPLE_BANK: [&str; 4] = ["0000163", "0000593", "0000297", "見本銀行"];
/// Sample customers with a floor plan.
const WITH_PLANS: [&str; 7] = [
    "C0001", "C0002", "C0003", "C0005", "C0008", "C0013", "C0021",
];

// ---------------------------------------------------------------------------------------------
// Fixture

struct Hx {
    t: TestOffice,
    /// The keyed contractor's identity (what it would hold in its key file).
    identity: age::x25519::Identity,
    /// A contractor with a key and a valid agreement.
    keyed: String,
    /// A contractor without any key (paper or passphrase only).
    keyless: String,
}

fn add_contractor(
    office: &mut Office,
    name: &str,
    recipients: Vec<String>,
    signed: &str,
    expires: &str,
) -> String {
    ops::contractor_add(
        office,
        &ContractorInput {
            name: name.into(),
            address: None,
            contact: None,
            recipients,
            agreement_signed: signed.into(),
            agreement_expires: expires.into(),
        },
    )
    .unwrap()
    .id
}

impl Hx {
    fn new() -> Hx {
        let mut t = TestOffice::initialized();
        ops::load_sample(&mut t.office, &mut NoProgress).unwrap();
        let identity = age::x25519::Identity::generate();
        let keyed = add_contractor(
            &mut t.office,
            "架空電設株式会社",
            vec![identity.to_public().to_string()],
            "2020-04-01",
            "2099-03-31",
        );
        let keyless = add_contractor(
            &mut t.office,
            "見本通信工業",
            vec![],
            "2020-04-01",
            "2099-03-31",
        );
        Hx {
            t,
            identity,
            keyed,
            keyless,
        }
    }

    fn office(&mut self) -> &mut Office {
        &mut self.t.office
    }

    fn sel(
        &self,
        contractor: &str,
        work: WorkType,
        customers: &[&str],
        method: Method,
    ) -> Selection {
        Selection {
            contractor_id: contractor.into(),
            work_type: work,
            customers: customers.iter().map(|s| s.to_string()).collect(),
            extra_fields: vec![],
            method,
            passphrase: false,
        }
    }

    /// An installation for the keyed contractor, by transfer.
    fn install(&self, customers: &[&str]) -> Selection {
        self.sel(
            &self.keyed,
            WorkType::Installation,
            customers,
            Method::Transfer,
        )
    }

    fn prepare(&self, sel: &Selection) -> handover_core::Result<Preparation> {
        ops::prepare(&self.t.office, sel)
    }

    fn out(&self, name: &str) -> PathBuf {
        self.t.scratch().join(name)
    }

    fn pack(&mut self, sel: &Selection, opts: &PackOptions) -> handover_core::Result<PackResult> {
        ops::pack(&mut self.t.office, sel, opts, &mut NoProgress)
    }

    fn pack_to(&mut self, sel: &Selection, name: &str) -> PackResult {
        let opts = PackOptions {
            out: self.out(name),
            ..Default::default()
        };
        self.pack(sel, &opts).unwrap()
    }

    /// Register a request for a customer (received three days ago by phone).
    fn request(&mut self, customer: &str, scope: Scope) -> String {
        ops::request_add(
            self.office(),
            &crate::support::request_input(customer, scope, "2026-11-20", "電話", None),
        )
        .unwrap()
        .id
    }

    fn signing_key(&self) -> String {
        ops::office_keys(&self.t.office).unwrap().signing_key
    }

    fn contractor_key(&self) -> OpenKey {
        OpenKey::Identities(vec![self.identity.clone()])
    }

    fn office_identity_file(&self) -> PathBuf {
        self.t.office.dir().keys_dir().join("office.agekey")
    }

    fn open(&self, path: &Path, key: OpenKey) -> handover_core::Result<OpenedBundle> {
        ops::open_bundle(path, key, &self.signing_key(), None, false)
    }

    /// The decrypted zip, with the age crate directly (not through the code under test).
    fn decrypt(&self, path: &Path) -> Vec<u8> {
        let f = std::fs::File::open(path).unwrap();
        let d = age::Decryptor::new_buffered(age::armor::ArmoredReader::new(f)).unwrap();
        let mut r = d
            .decrypt(std::iter::once(&self.identity as &dyn age::Identity))
            .unwrap();
        let mut v = Vec::new();
        r.read_to_end(&mut v).unwrap();
        v
    }

    /// What must not change when an operation is refused: store snapshot and handover rows.
    fn state(&self) -> (support::Snapshot, usize) {
        (
            self.t.snapshot(),
            ops::handovers(&self.t.office).unwrap().len(),
        )
    }
}

fn extra(field: Field, reason: &str) -> ExtraField {
    ExtraField {
        field,
        reason: reason.into(),
    }
}

fn sha256_file(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

/// The zip's raw bytes plus every entry decompressed (text entries are deflated).
fn haystacks(zip: &[u8]) -> Vec<Vec<u8>> {
    let mut a = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    let mut out = vec![zip.to_vec()];
    for i in 0..a.len() {
        let mut f = a.by_index(i).unwrap();
        let mut v = Vec::new();
        f.read_to_end(&mut v).unwrap();
        out.push(f.name().unwrap().as_bytes().to_vec());
        out.push(v);
    }
    out
}

fn zip_names(zip: &[u8]) -> Vec<String> {
    let mut a = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..a.len())
        .map(|i| a.by_index(i).unwrap().name().unwrap().to_string())
        .collect()
}

/// The last ledger entry's payload, which must be of `kind`.
fn last_payload(office: &Office, kind: &str) -> serde_json::Value {
    let e = entries(office).pop().unwrap();
    assert_eq!(e.kind, kind);
    serde_json::from_str(e.payload.as_deref().unwrap()).unwrap()
}

fn customer_ids(p: &Preparation) -> Vec<&str> {
    p.customers.iter().map(|c| c.customer_id.as_str()).collect()
}

#[track_caller]
fn invalid(e: Error, needle: &str) {
    // Each kind of refusal has its own code.
    let code = match needle {
        "future" => "date_in_future",
        "confidentiality agreement" | "no enrolled key" => "contractor_not_eligible",
        "passphrase" | "nothing to pack" => "selection_invalid",
        "reason" => "reason_required",
        "not a folder" => "not_a_folder",
        "8 characters" => "passphrase_too_short",
        "before" => "date_order",
        "already closed" => "state_refused",
        "payment" => "policy_invalid",
        other => panic!("no code for {other:?}"),
    };
    assert_eq!(e.code(), code, "{e}");
    assert!(e.to_string().contains(needle), "{needle:?} not in: {e}");
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    if dir.exists() {
        files_under(dir)
    } else {
        Vec::new()
    }
}

// ---------------------------------------------------------------------------------------------
// prepare: the minimal sets

#[test]
fn prepare_uses_the_minimal_set_of_each_work_type() {
    use Field::*;
    let hx = Hx::new();
    let expected = [
        (
            WorkType::Installation,
            vec![CustomerId, Name, Address, Phone, Service, FloorPlan],
        ),
        (
            WorkType::Wiring,
            vec![CustomerId, Name, Address, Phone, FloorPlan],
        ),
        (
            WorkType::Repair,
            vec![CustomerId, Name, Address, Phone, Service],
        ),
        (
            WorkType::Inspection,
            vec![CustomerId, Name, Address, Phone, Service],
        ),
        (WorkType::Removal, vec![CustomerId, Name, Address, Phone]),
    ];
    for (work, fields) in expected {
        let sel = hx.sel(&hx.keyed, work, &["C0001", "C0004"], Method::Transfer);
        let p = hx.prepare(&sel).unwrap();
        let mut want = fields.clone();
        want.sort();
        assert_eq!(p.fields, want, "{work}");
        assert_eq!(p.work_type, work);
        assert_eq!(p.date.to_string(), TODAY);
        assert!(p.extra_fields.is_empty() && p.excluded.is_empty());
        // C0001 has a plan, C0004 has not: each receives the minimal fields it has a value for.
        let c1 = &p.customers[0];
        assert_eq!(c1.customer_id, "C0001");
        let mut got = c1.included.clone();
        got.sort();
        assert_eq!(got, want, "{work} C0001");
        let c4 = &p.customers[1];
        assert!(!c4.included.contains(&FloorPlan));
        // Everything stored outside the set is withheld as not needed (C0001 has an e-mail,
        // a birth date, a reading…); payment fields are never listed (never stored).
        for f in [Email, BirthDate, NameKana, PostalCode, Gender, Occupation] {
            assert!(
                c1.withheld
                    .iter()
                    .any(|w| w.field == f && w.reason == WithheldReason::NotNeeded),
                "{work}: {f} not withheld"
            );
        }
        assert!(
            c1.withheld
                .iter()
                .chain(&c4.withheld)
                .all(|w| !w.field.is_payment())
        );
        // No field is both included and withheld.
        for c in &p.customers {
            assert!(c.withheld.iter().all(|w| !c.included.contains(&w.field)));
        }
    }
}

#[test]
fn prepare_writes_nothing() {
    let hx = Hx::new();
    let before = hx.state();
    hx.prepare(&hx.install(&["C0001", "C0002", "C9999"]))
        .unwrap();
    assert_eq!(hx.state(), before);
}

// ---------------------------------------------------------------------------------------------
// prepare: extra fields

#[test]
fn extra_field_with_a_reason_is_included_and_recorded() {
    let mut hx = Hx::new();
    let mut sel = hx.install(&["C0001", "C0008"]);
    sel.extra_fields = vec![extra(Field::Email, "  訪問日時の調整にメールを使うため  ")];
    let p = hx.prepare(&sel).unwrap();
    assert!(p.fields.contains(&Field::Email));
    assert_eq!(
        p.extra_fields,
        vec![extra(Field::Email, "訪問日時の調整にメールを使うため")]
    );
    assert!(p.customers[0].included.contains(&Field::Email));
    // C0008 has no e-mail in the register: withheld for lack of data, not excluded.
    assert_eq!(p.customers[1].customer_id, "C0008");
    assert!(!p.customers[1].included.contains(&Field::Email));
    assert!(
        p.customers[1]
            .withheld
            .iter()
            .any(|w| w.field == Field::Email && w.reason == WithheldReason::NoData)
    );

    let r = hx.pack_to(&sel, "b.age");
    let payload = last_payload(&hx.t.office, "handover.created");
    assert_eq!(payload["handoverId"], r.handover_id);
    assert_eq!(
        payload["extraFields"],
        serde_json::json!([{ "field": "email", "reason": "訪問日時の調整にメールを使うため" }])
    );
    let c1 = &payload["customers"][0];
    assert_eq!(c1["customerId"], "C0001");
    assert!(
        c1["fields"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("email"))
    );
    // The contractor gets it too.
    let opened = hx.open(Path::new(&r.path), hx.contractor_key()).unwrap();
    let email = hx.t.customer("C0001").email.unwrap();
    assert_eq!(opened.customers[0].get(Field::Email), Some(email.as_str()));
}

#[test]
fn extra_field_refusals() {
    let hx = Hx::new();
    let mut sel = hx.install(&["C0001"]);
    let mut refuse = |x: ExtraField, needle: &str| {
        sel.extra_fields = vec![x];
        let e = hx.prepare(&sel).unwrap_err();
        assert_eq!(e.code(), "selection_invalid", "{e}");
        assert!(e.to_string().contains(needle), "{needle:?} not in: {e}");
    };
    // No reason (or only blanks).
    refuse(extra(Field::Email, ""), "reason");
    refuse(extra(Field::BirthDate, " \u{3000}\t"), "reason");
    // Payment data, with or without a reason.
    refuse(extra(Field::CardNumber, "請求のため"), "payment");
    refuse(extra(Field::BankAccount, "返金のため"), "payment");
    refuse(extra(Field::CardNumber, ""), "payment");
    // Already in the minimal set.
    refuse(
        extra(Field::Phone, "念のため"),
        "already in the minimal set",
    );
    refuse(
        extra(Field::CustomerId, "念のため"),
        "already in the minimal set",
    );
}

// ---------------------------------------------------------------------------------------------
// prepare: the contractor

#[test]
fn agreement_must_be_valid_on_the_day() {
    let mut hx = Hx::new();
    let recipient = support::new_recipient();
    let expired = add_contractor(
        hx.office(),
        "期限切れ工業",
        vec![recipient.clone()],
        "2020-01-01",
        "2026-11-22",
    );
    let future = add_contractor(
        hx.office(),
        "未来電設",
        vec![recipient.clone()],
        "2026-11-24",
        "2030-01-01",
    );
    let last_day = add_contractor(
        hx.office(),
        "最終日工業",
        vec![recipient],
        "2026-11-23",
        "2026-11-23",
    );
    for (id, method) in [
        (&expired, Method::Transfer),
        (&expired, Method::Paper),
        (&future, Method::Transfer),
        (&future, Method::Media),
    ] {
        let sel = hx.sel(id, WorkType::Repair, &["C0001"], method);
        invalid(hx.prepare(&sel).unwrap_err(), "confidentiality agreement");
        let before = hx.state();
        let e = hx
            .pack(
                &sel,
                &PackOptions {
                    out: hx.out("x.age"),
                    ..Default::default()
                },
            )
            .unwrap_err();
        invalid(e, "confidentiality agreement");
        assert_eq!(hx.state(), before);
        assert!(!hx.out("x.age").exists());
    }
    // Signed and expiring today: valid today.
    let sel = hx.sel(&last_day, WorkType::Repair, &["C0001"], Method::Transfer);
    hx.prepare(&sel).unwrap();
    // Unknown contractor.
    let sel = hx.sel("CTR-0099", WorkType::Repair, &["C0001"], Method::Transfer);
    assert_eq!(hx.prepare(&sel).unwrap_err().code(), "unknown_contractor");
}

#[test]
fn contractor_without_keys_gets_paper_or_a_passphrase_only() {
    let hx = Hx::new();
    for method in [Method::Transfer, Method::Media] {
        let sel = hx.sel(&hx.keyless, WorkType::Repair, &["C0001"], method);
        invalid(hx.prepare(&sel).unwrap_err(), "no enrolled key");
    }
    let sel = hx.sel(&hx.keyless, WorkType::Repair, &["C0001"], Method::Paper);
    assert_eq!(hx.prepare(&sel).unwrap().customers.len(), 1);
    for method in [Method::Transfer, Method::Media] {
        let mut sel = hx.sel(&hx.keyless, WorkType::Repair, &["C0001"], method);
        sel.passphrase = true;
        assert_eq!(hx.prepare(&sel).unwrap().customers.len(), 1);
    }
    // A paper handover has no passphrase.
    let mut sel = hx.sel(&hx.keyless, WorkType::Repair, &["C0001"], Method::Paper);
    sel.passphrase = true;
    invalid(hx.prepare(&sel).unwrap_err(), "passphrase");
}

// ---------------------------------------------------------------------------------------------
// prepare: excluded customers

/// An office whose register also holds X001 (complete), X002 without an address, X003
/// without a phone and X004 without a name.
fn with_gaps() -> Hx {
    let mut hx = Hx::new();
    // A small register of our own: X002 has no address, X003 no phone, X004 no name.
    let csv = hx.out("gaps.csv");
    std::fs::write(
        &csv,
        "顧客番号,氏名,住所,電話番号,契約サービス\n\
         X001,架空 一,東京都架空区1-1,03-0000-0001,ケーブルテレビ\n\
         X002,架空 二,,03-0000-0002,ケーブルテレビ\n\
         X003,架空 三,東京都架空区1-3,,ケーブルテレビ\n\
         X004,,東京都架空区1-4,03-0000-0004,\n",
    )
    .unwrap();
    hx.t.import_ok(&csv);
    hx
}

#[test]
fn unknown_duplicate_and_incomplete_customers_are_excluded_with_the_reason() {
    let hx = with_gaps();
    let sel = hx.sel(
        &hx.keyed,
        WorkType::Repair,
        &["X001", "X002", "C9999", "X001", " X003 ", "X004", "C0001"],
        Method::Transfer,
    );
    let p = hx.prepare(&sel).unwrap();
    assert_eq!(customer_ids(&p), ["X001", "C0001"]);
    let reasons: Vec<(&str, &ExclusionReason)> = p
        .excluded
        .iter()
        .map(|e| (e.customer_id.as_str(), &e.reason))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (
                "X002",
                &ExclusionReason::MissingRequired {
                    field: Field::Address
                }
            ),
            ("C9999", &ExclusionReason::UnknownCustomer),
            ("X001", &ExclusionReason::Duplicate),
            (
                "X003",
                &ExclusionReason::MissingRequired {
                    field: Field::Phone
                }
            ),
            (
                "X004",
                &ExclusionReason::MissingRequired { field: Field::Name }
            ),
        ]
    );
    // A missing non-required field (X004's service) does not exclude; it is withheld.
    let sel = hx.sel(&hx.keyed, WorkType::Repair, &["X001"], Method::Transfer);
    assert_eq!(hx.prepare(&sel).unwrap().customers.len(), 1);
}

#[test]
fn a_pack_records_its_exclusions_and_refuses_when_nobody_is_left() {
    let mut hx = with_gaps();
    // Packing records the exclusions and hands over only the included.
    let sel = hx.sel(
        &hx.keyed,
        WorkType::Repair,
        &["X001", "X002", "C9999"],
        Method::Transfer,
    );
    let r = hx.pack_to(&sel, "b.age");
    assert_eq!(r.customers, 1);
    assert_eq!(r.excluded.len(), 2);
    let payload = last_payload(&hx.t.office, "handover.created");
    assert_eq!(payload["excluded"][0]["customerId"], "X002");
    assert_eq!(payload["excluded"][0]["reason"]["kind"], "missing_required");
    assert_eq!(payload["excluded"][1]["reason"]["kind"], "unknown_customer");

    // Nobody left: nothing to pack, nothing recorded.
    let sel = hx.sel(
        &hx.keyed,
        WorkType::Repair,
        &["X002", "C9999"],
        Method::Transfer,
    );
    let before = hx.state();
    let e = hx
        .pack(
            &sel,
            &PackOptions {
                out: hx.out("none.age"),
                ..Default::default()
            },
        )
        .unwrap_err();
    invalid(e, "nothing to pack");
    assert_eq!(hx.state(), before);
    assert!(!hx.out("none.age").exists());
}

#[test]
fn opt_out_requests_pending_and_accepted_exclude_rejected_does_not() {
    let mut hx = Hx::new();
    let pending = hx.request("C0002", Scope::All);
    let accepted = hx.request("C0003", Scope::All);
    ops::request_decide(hx.office(), &accepted, true, None).unwrap();
    let rejected = hx.request("C0004", Scope::All);
    // A rejection needs a reason.
    invalid(
        ops::request_decide(hx.office(), &rejected, false, Some("  ")).unwrap_err(),
        "reason",
    );
    ops::request_decide(
        hx.office(),
        &rejected,
        false,
        Some("工事契約の履行に必要なため"),
    )
    .unwrap();

    let sel = hx.install(&["C0001", "C0002", "C0003", "C0004"]);
    let p = hx.prepare(&sel).unwrap();
    assert_eq!(customer_ids(&p), ["C0001", "C0004"]);
    assert_eq!(
        p.excluded
            .iter()
            .map(|e| (e.customer_id.as_str(), e.reason.clone()))
            .collect::<Vec<_>>(),
        vec![
            (
                "C0002",
                ExclusionReason::OptOut {
                    request_id: pending.clone(),
                    status: handover_core::requests::RequestStatus::Pending
                }
            ),
            (
                "C0003",
                ExclusionReason::OptOut {
                    request_id: accepted,
                    status: handover_core::requests::RequestStatus::Accepted
                }
            ),
        ]
    );
    // The rejected one excludes nothing: C0004 receives its full minimal set.
    assert!(
        p.customers[1]
            .withheld
            .iter()
            .all(|w| !matches!(w.reason, WithheldReason::CustomerRequest { .. }))
    );
    // Every method and work type honours it.
    for method in [Method::Paper, Method::Media] {
        let sel = hx.sel(&hx.keyed, WorkType::Removal, &["C0002"], method);
        assert!(hx.prepare(&sel).unwrap().customers.is_empty());
    }
    // Once accepted it still excludes; the pending one decided as rejected no longer does.
    ops::request_decide(hx.office(), &pending, false, Some("理由")).unwrap();
    let p = hx.prepare(&sel).unwrap();
    assert_eq!(customer_ids(&p), ["C0001", "C0002", "C0004"]);
}

#[test]
fn field_scoped_request_withholds_exactly_those_fields() {
    let mut hx = Hx::new();
    let req = hx.request("C0002", Scope::Fields(vec![Field::Phone, Field::FloorPlan]));
    let sel = hx.install(&["C0001", "C0002"]);
    let p = hx.prepare(&sel).unwrap();
    assert_eq!(customer_ids(&p), ["C0001", "C0002"]);
    assert!(p.excluded.is_empty());
    let c2 = &p.customers[1];
    assert_eq!(
        c2.included,
        vec![
            Field::CustomerId,
            Field::Name,
            Field::Address,
            Field::Service
        ]
    );
    let by_request: Vec<Field> = c2
        .withheld
        .iter()
        .filter(|w| {
            w.reason
                == WithheldReason::CustomerRequest {
                    request_id: req.clone(),
                }
        })
        .map(|w| w.field)
        .collect();
    assert_eq!(by_request, vec![Field::Phone, Field::FloorPlan]);
    // The other customer is not affected.
    assert!(p.customers[0].included.contains(&Field::Phone));
    assert!(p.customers[0].included.contains(&Field::FloorPlan));

    // In the bundle: no phone, no plan for C0002; the ledger says why.
    let r = hx.pack_to(&sel, "b.age");
    let payload = last_payload(&hx.t.office, "handover.created");
    let withheld = payload["customers"][1]["withheld"].as_array().unwrap();
    assert!(withheld.contains(&serde_json::json!({
        "field": "phone",
        "reason": { "kind": "customer_request", "request_id": req }
    })));
    let zip = hx.decrypt(Path::new(&r.path));
    let names = zip_names(&zip);
    assert!(names.contains(&"floor_plans/C0001.png".to_string()));
    assert!(!names.iter().any(|n| n.contains("C0002")), "{names:?}");
    let phone = hx.t.customer("C0002").phone.unwrap();
    assert!(
        !haystacks(&zip)
            .iter()
            .any(|h| contains_bytes(h, phone.as_bytes()))
    );
}

#[test]
fn request_after_a_handover_does_not_change_its_record() {
    let mut hx = Hx::new();
    let sel = hx.install(&["C0001", "C0002"]);
    let r = hx.pack_to(&sel, "b.age");
    let before_rec = ops::handovers(&hx.t.office).unwrap();
    let before_entry = entries(&hx.t.office)
        .into_iter()
        .find(|e| e.kind == "handover.created")
        .unwrap();
    hx.request("C0002", Scope::All);
    hx.request("C0001", Scope::Fields(vec![Field::Phone]));
    let after_rec = ops::handovers(&hx.t.office).unwrap();
    assert_eq!(after_rec, before_rec);
    assert_eq!(after_rec[0].id, r.handover_id);
    assert_eq!(after_rec[0].customers.len(), 2);
    assert!(after_rec[0].customers[0].fields.contains(&Field::Phone));
    let after_entry = entries(&hx.t.office)
        .into_iter()
        .find(|e| e.kind == "handover.created")
        .unwrap();
    assert_eq!(after_entry, before_entry);
    assert!(ops::verify_ledger(&hx.t.office).is_ok());
    // The next handover honours them.
    let p = hx.prepare(&sel).unwrap();
    assert_eq!(customer_ids(&p), ["C0001"]);
    assert!(!p.customers[0].included.contains(&Field::Phone));
}

// ---------------------------------------------------------------------------------------------
// pack: transfer

#[test]
fn transfer_bundle_opens_holds_only_the_selection_and_is_recorded() {
    let mut hx = Hx::new();
    let req = hx.request("C0003", Scope::Fields(vec![Field::Phone]));
    let optout = hx.request("C0004", Scope::All);
    let ids = [
        "C0001", "C0002", "C0003", "C0004", "C0005", "C0006", "C0013", "C0021",
    ];
    let sel = hx.install(&ids);
    let prep = hx.prepare(&sel).unwrap();
    let included: Vec<&str> = ids.iter().copied().filter(|i| *i != "C0004").collect();
    let stored: Vec<_> = ids.iter().map(|i| hx.t.customer(i)).collect();
    let head_before = hx.t.office.store().ledger_head().unwrap().unwrap().0;

    let out = hx.out("b.age");
    let r = hx
        .pack(
            &sel,
            &PackOptions {
                out: out.clone(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(r.handover_id, "HO-2026-000001");
    assert_eq!(r.path, out.display().to_string());
    assert_eq!(r.method, Method::Transfer);
    assert_eq!(r.encryption, handover_core::handover::Encryption::X25519);
    assert_eq!(r.return_by.to_string(), DEFAULT_RETURN_BY);
    assert_eq!(r.customers, included.len());
    assert_eq!(r.excluded.len(), 1);
    assert_eq!(r.sha256, sha256_file(&out));
    assert_eq!(r.size, std::fs::metadata(&out).unwrap().len());
    assert_eq!(r.ledger_seq, head_before + 1);
    // The contractor (agreement of 2020) was never reviewed: the yearly review is overdue,
    // which the default policy warns about.
    assert_eq!(r.warnings, [ops::PackWarning::ReviewOverdue]);
    assert!(!hx.out("b.age.partial").exists());
    let office_fp = ops::office_keys(&hx.t.office)
        .unwrap()
        .recipient_fingerprint;
    let contractor_fp =
        handover_core::keys::recipient_fingerprint(&hx.identity.to_public().to_string());
    assert_eq!(r.recipients, vec![contractor_fp.clone(), office_fp.clone()]);

    check_opened(&hx, &out, &r, &prep, &included);
    let withheld = withheld_values(&stored);
    check_plaintext(&hx, &out, &stored, &withheld);
    let fps = [contractor_fp, office_fp];
    check_recorded(
        &hx,
        &r,
        &prep,
        &included,
        &withheld,
        [req.as_str(), optout.as_str()],
        &fps,
    );
    // The handover row matches.
    let rows = ops::handovers(&hx.t.office).unwrap();
    assert_eq!(rows.len(), 1);
    let h = &rows[0];
    assert_eq!(h.id, r.handover_id);
    assert_eq!(h.bundle_sha256.as_deref(), Some(r.sha256.as_str()));
    assert_eq!(h.ledger_seq, r.ledger_seq);
    assert_eq!(h.closed_on, None);
    assert_eq!(h.customers.len(), included.len());
    let report = ops::verify_ledger(&hx.t.office).unwrap();
    assert_eq!(report.entries, r.ledger_seq);
    // The next one gets the next number.
    let r2 = hx.pack_to(&hx.install(&["C0001"]), "b2.age");
    assert_eq!(r2.handover_id, "HO-2026-000002");
    assert_eq!(ops::handovers(&hx.t.office).unwrap().len(), 2);
    ops::verify_ledger(&hx.t.office).unwrap();
}

/// The contractor opens a transfer bundle with exactly the fields prepare included, per
/// customer; the office opens it with its escrow identity; a stranger's key does not.
fn check_opened(hx: &Hx, out: &Path, r: &PackResult, prep: &Preparation, included: &[&str]) {
    // The contractor opens it…
    let opened = hx.open(out, hx.contractor_key()).unwrap();
    assert_eq!(opened.sha256, r.sha256);
    assert_eq!(opened.manifest.handover_id, r.handover_id);
    assert_eq!(opened.manifest.operator, OPERATOR);
    assert_eq!(opened.manifest.contractor.id, hx.keyed);
    assert_eq!(opened.manifest.return_by.to_string(), DEFAULT_RETURN_BY);
    assert_eq!(opened.manifest.work_type, "installation");
    let opened_ids: Vec<&str> = opened
        .customers
        .iter()
        .map(|c| c.customer_id.as_str())
        .collect();
    assert_eq!(opened_ids, included);
    // …with exactly the fields prepare included, per customer.
    for (oc, pc) in opened.customers.iter().zip(&prep.customers) {
        let got: Vec<Field> = oc.values.iter().map(|v| v.field).collect();
        assert_eq!(got, pc.included, "{}", oc.customer_id);
        let c = hx.t.customer(&oc.customer_id);
        assert_eq!(oc.get(Field::Name), c.name.as_deref());
        assert_eq!(oc.get(Field::Address), c.address.as_deref());
        assert_eq!(
            oc.floor_plan.is_some(),
            WITH_PLANS.contains(&oc.customer_id.as_str())
        );
    }
    let c3 = opened
        .customers
        .iter()
        .find(|c| c.customer_id == "C0003")
        .unwrap();
    assert_eq!(c3.get(Field::Phone), None);

    // …and so does the office, with its escrow identity.
    let office_ids = bundle::read_identity_file(&hx.office_identity_file(), None).unwrap();
    let audit = hx.open(out, OpenKey::Identities(office_ids)).unwrap();
    assert_eq!(audit.customers, opened.customers);
    // A stranger's key does not, and nothing is written.
    let stranger = age::x25519::Identity::generate();
    let e = hx
        .open(out, OpenKey::Identities(vec![stranger]))
        .unwrap_err();
    assert_eq!(e.code(), "wrong_key", "{e}");
}

/// What a bundle of the sample customers C0001… (C0003 restricting its phone, C0004 opted
/// out) must not hold.
fn withheld_values(stored: &[Customer]) -> Vec<String> {
    let mut withheld: Vec<String> = vec![stored[2].phone.clone().unwrap()]; // C0003 restricted its phone
    for c in stored {
        withheld.extend(c.email.clone());
        withheld.extend(c.birth_date.clone());
        withheld.extend(c.name_kana.clone());
        withheld.extend(c.occupation.clone().filter(|o| o.chars().count() > 2));
        withheld.extend(c.notes.clone());
        withheld.extend(c.postal_code.clone());
    }
    // Everything of the opted-out customer.
    let c4 = &stored[3];
    withheld.extend([
        c4.customer_id.clone(),
        c4.name.clone().unwrap(),
        c4.address.clone().unwrap(),
        c4.phone.clone().unwrap(),
    ]);
    assert!(withheld.len() > 30);
    withheld
}

/// Every byte of the plaintext: nothing withheld, no payment data, ASCII entry names.
fn check_plaintext(hx: &Hx, out: &Path, stored: &[Customer], withheld: &[String]) {
    // Scan every byte of the plaintext for what was withheld, and for payment data.
    let zip = hx.decrypt(out);
    let hay = haystacks(&zip);
    let found = |needle: &str| hay.iter().any(|h| contains_bytes(h, needle.as_bytes()));
    for v in withheld {
        assert!(!found(v), "withheld value {v:?} is in the bundle");
    }
    for v in SAMPLE_CARDS.iter().chain(&SAMPLE_BANK) {
        assert!(!found(v), "payment value {v:?} is in the bundle");
    }
    // Sanity: the scan does find what was handed over.
    assert!(found(stored[0].phone.as_deref().unwrap()));
    assert!(found(stored[7].address.as_deref().unwrap()));
    // Entry names are ASCII, no zip comment.
    let names = zip_names(&zip);
    assert!(names.iter().all(|n| n.is_ascii()), "{names:?}");
    assert_eq!(
        names[..5],
        [
            "manifest.json",
            "manifest.sig",
            "README.txt",
            "customers.csv",
            "customers.json"
        ]
    );
    assert!(names.contains(&"floor_plans/C0013.jpg".to_string()));
    assert!(names.contains(&"floor_plans/C0021.pdf".to_string()));
    assert!(!names.contains(&"floor_plans/C0004.png".to_string()));
    let archive = zip::ZipArchive::new(Cursor::new(&zip)).unwrap();
    assert!(archive.comment().is_empty());
}

/// The ledger entry and the handover row of a transfer pack: `requests` are C0003's phone
/// restriction and C0004's opt-out, `fps` the contractor's and the office's fingerprints.
fn check_recorded(
    hx: &Hx,
    r: &PackResult,
    prep: &Preparation,
    included: &[&str],
    withheld: &[String],
    [req, optout]: [&str; 2],
    fps: &[String; 2],
) {
    // The ledger entry.
    let all = entries(&hx.t.office);
    let e = all.last().unwrap();
    assert_eq!((e.seq, e.kind.as_str()), (r.ledger_seq, "handover.created"));
    assert_eq!(e.actor, OPERATOR);
    let p: serde_json::Value = serde_json::from_str(e.payload.as_deref().unwrap()).unwrap();
    assert_eq!(p["handoverId"], "HO-2026-000001");
    assert_eq!(p["contractor"]["id"], hx.keyed.as_str());
    assert_eq!(p["workType"], "installation");
    assert_eq!(p["method"], "transfer");
    assert_eq!(p["encryption"], "x25519");
    assert_eq!(p["returnBy"], DEFAULT_RETURN_BY);
    assert_eq!(p["bundleSha256"], r.sha256.clone());
    assert_eq!(p["bundleSize"], r.size);
    assert_eq!(p["recipients"], serde_json::json!(fps));
    assert_eq!(p["basis"], "委託");
    assert_eq!(p["extraFields"], serde_json::json!([]));
    let pc = p["customers"].as_array().unwrap();
    assert_eq!(
        pc.iter()
            .map(|c| c["customerId"].as_str().unwrap())
            .collect::<Vec<_>>(),
        included
    );
    for (c, prepared) in pc.iter().zip(&prep.customers) {
        assert_eq!(
            c["fields"],
            serde_json::to_value(&prepared.included).unwrap()
        );
        assert_eq!(
            c["withheld"],
            serde_json::to_value(&prepared.withheld).unwrap()
        );
    }
    let c3 = &pc[2];
    assert!(
        c3["withheld"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({
                "field": "phone", "reason": { "kind": "customer_request", "request_id": req }
            }))
    );
    assert!(
        c3["withheld"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({
                "field": "email", "reason": { "kind": "not_needed" }
            }))
    );
    assert_eq!(
        p["excluded"],
        serde_json::json!([{ "customerId": "C0004",
            "reason": { "kind": "opt_out", "request_id": optout, "status": "pending" } }])
    );
    // The payload names no withheld value either.
    let text = e.payload.as_deref().unwrap();
    for v in &withheld[..withheld.len() - 4] {
        assert!(!text.contains(v.as_str()), "{v} in the ledger payload");
    }
}

#[test]
fn return_by_can_be_chosen_but_not_in_the_past() {
    let mut hx = Hx::new();
    let sel = hx.install(&["C0001"]);
    let r = hx
        .pack(
            &sel,
            &PackOptions {
                out: hx.out("a.age"),
                return_by: Some("2027/01/15".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(r.return_by.to_string(), "2027-01-15");
    let before = hx.state();
    for bad in ["2026-11-22", "someday"] {
        let e = hx
            .pack(
                &sel,
                &PackOptions {
                    out: hx.out("b.age"),
                    return_by: Some(bad.into()),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert!(e.is_bad_input(), "{e}");
        assert_eq!(hx.state(), before);
        assert!(!hx.out("b.age").exists());
    }
}

// ---------------------------------------------------------------------------------------------
// pack: media, paper, passphrase, armor

#[test]
fn media_writes_the_bundle_into_the_folder() {
    let mut hx = Hx::new();
    let usb = hx.out("USB");
    std::fs::create_dir(&usb).unwrap();
    let sel = hx.sel(
        &hx.keyed,
        WorkType::Wiring,
        &["C0001", "C0002"],
        Method::Media,
    );
    let r = hx
        .pack(
            &sel,
            &PackOptions {
                out: usb.clone(),
                ..Default::default()
            },
        )
        .unwrap();
    let path = usb.join("HO-2026-000001.age");
    assert_eq!(r.path, path.display().to_string());
    let sig = usb.join("HO-2026-000001.age.sig");
    assert_eq!(files_in(&usb), vec![path.clone(), sig.clone()]);
    assert_eq!(r.signature, Some(sig.display().to_string()));
    assert_eq!(r.sha256, sha256_file(&path));
    let opened = hx.open(&path, hx.contractor_key()).unwrap();
    assert_eq!(opened.manifest.method, "media");
    assert_eq!(opened.manifest.work_type, "wiring");
    assert_eq!(
        last_payload(&hx.t.office, "handover.created")["method"],
        "media"
    );

    // Not a folder: refused, nothing recorded.
    let before = hx.state();
    let e = hx
        .pack(
            &sel,
            &PackOptions {
                out: hx.out("no-such-stick"),
                ..Default::default()
            },
        )
        .unwrap_err();
    invalid(e, "not a folder");
    assert_eq!(hx.state(), before);
}

#[test]
fn paper_sheet_has_the_header_and_only_the_allowed_fields() {
    let mut hx = Hx::new();
    hx.request("C0002", Scope::Fields(vec![Field::Phone]));
    let ids = ["C0001", "C0002", "C0013"];
    let stored: Vec<_> = ids.iter().map(|i| hx.t.customer(i)).collect();
    // The keyless contractor can receive paper.
    let sel = hx.sel(&hx.keyless, WorkType::Installation, &ids, Method::Paper);
    let out = hx.out("sheet.html");
    let r = hx
        .pack(
            &sel,
            &PackOptions {
                out: out.clone(),
                return_by: Some("2027-01-05".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(r.encryption, handover_core::handover::Encryption::None);
    assert!(r.recipients.is_empty());
    assert_eq!(r.sha256, sha256_file(&out));
    assert_eq!(
        r.warnings,
        [
            ops::PackWarning::ReviewOverdue,
            ops::PackWarning::PaperIsTheHandover
        ]
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains(&r.handover_id));
    assert!(html.contains("機密"));
    assert!(html.contains("2027年1月5日"), "return date in Japanese");
    assert!(html.contains("見本通信工業"));
    assert!(html.contains(stored[0].name.as_deref().unwrap()));
    assert!(html.contains(stored[2].address.as_deref().unwrap()));
    // Images are embedded.
    assert!(html.contains("data:image/png;base64,"));
    assert!(html.contains("data:image/jpeg;base64,"));
    // Nothing withheld: C0002's phone, nobody's e-mail or birth date, no payment data.
    let mut withheld = vec![stored[1].phone.clone().unwrap()];
    for c in &stored {
        withheld.extend(c.email.clone());
        withheld.extend(c.birth_date.clone());
        withheld.extend(c.name_kana.clone());
    }
    for v in withheld.iter().map(String::as_str).chain(SAMPLE_CARDS) {
        assert!(!html.contains(v), "{v} on the paper sheet");
    }
    assert!(html.contains(stored[0].phone.as_deref().unwrap()));
    let p = last_payload(&hx.t.office, "handover.created");
    assert_eq!(p["method"], "paper");
    assert_eq!(p["encryption"], "none");
    assert_eq!(p["bundleSha256"], r.sha256);
    assert_eq!(p["returnBy"], "2027-01-05");
    ops::verify_ledger(&hx.t.office).unwrap();

    // An existing sheet is never overwritten, and nothing is recorded.
    let before = hx.state();
    let e = hx
        .pack(
            &sel,
            &PackOptions {
                out: out.clone(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "file_exists");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), html);
    assert_eq!(hx.state(), before);
}

/// A passphrase selection of C0001 and C0002 for the contractor without a key.
fn passphrase_selection(hx: &Hx) -> Selection {
    let mut sel = hx.sel(
        &hx.keyless,
        WorkType::Repair,
        &["C0001", "C0002"],
        Method::Transfer,
    );
    sel.passphrase = true;
    sel
}

fn pass() -> SecretString {
    SecretString::from("correct horse battery staple".to_string())
}

#[test]
fn a_passphrase_is_given_exactly_for_a_passphrase_bundle_and_long_enough() {
    let mut hx = Hx::new();
    let sel = passphrase_selection(&hx);
    let out = hx.out("p.age");
    // The passphrase must come with a passphrase selection, and only with one.
    let before = hx.state();
    let e = hx
        .pack(
            &sel,
            &PackOptions {
                out: out.clone(),
                ..Default::default()
            },
        )
        .unwrap_err();
    invalid(e, "passphrase");
    let e = hx
        .pack(
            &hx.install(&["C0001"]),
            &PackOptions {
                out: out.clone(),
                passphrase: Some(pass()),
                insecure_work_factor: Some(10),
                ..Default::default()
            },
        )
        .unwrap_err();
    invalid(e, "passphrase");
    // Too short.
    let e = hx
        .pack(
            &sel,
            &PackOptions {
                out: out.clone(),
                passphrase: Some(SecretString::from("short".to_string())),
                insecure_work_factor: Some(10),
                ..Default::default()
            },
        )
        .unwrap_err();
    invalid(e, "8 characters");
    assert_eq!(hx.state(), before);
    assert!(!out.exists());
}

#[test]
fn passphrase_bundle_opens_with_the_passphrase_and_warns() {
    let mut hx = Hx::new();
    let sel = passphrase_selection(&hx);
    let out = hx.out("p.age");
    let r = hx
        .pack(
            &sel,
            &PackOptions {
                out: out.clone(),
                passphrase: Some(pass()),
                insecure_work_factor: Some(10),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        r.encryption,
        handover_core::handover::Encryption::Passphrase
    );
    assert!(r.recipients.is_empty());
    assert_eq!(
        r.warnings,
        [
            ops::PackWarning::ReviewOverdue,
            ops::PackWarning::PassphraseSeparately
        ]
    );
    let opened = hx.open(&out, OpenKey::Passphrase(pass())).unwrap();
    assert_eq!(opened.customers.len(), 2);
    assert_eq!(opened.manifest.encryption, "passphrase");
    let e = hx
        .open(
            &out,
            OpenKey::Passphrase(SecretString::from("wrong horse".to_string())),
        )
        .unwrap_err();
    assert!(e.is_verification_failure(), "{e}");
    let p = last_payload(&hx.t.office, "handover.created");
    assert_eq!(p["encryption"], "passphrase");
    assert_eq!(p["recipients"], serde_json::json!([]));
}

#[test]
fn armored_bundle_is_text_and_opens() {
    let mut hx = Hx::new();
    let sel = hx.install(&["C0001", "C0021"]);
    let out = hx.out("b.age.txt");
    let r = hx
        .pack(
            &sel,
            &PackOptions {
                out: out.clone(),
                armor: true,
                ..Default::default()
            },
        )
        .unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(std::str::from_utf8(&bytes).is_ok());
    assert_eq!(r.sha256, sha256_file(&out));
    let opened = hx.open(&out, hx.contractor_key()).unwrap();
    assert_eq!(opened.sha256, r.sha256);
    assert_eq!(
        opened.customers[1].floor_plan.as_deref(),
        Some("floor_plans/C0021.pdf")
    );
}

// ---------------------------------------------------------------------------------------------
// pack: failure atomicity

#[test]
fn existing_output_is_refused_and_nothing_is_recorded() {
    let mut hx = Hx::new();
    let out = hx.out("b.age");
    std::fs::write(&out, b"keep me").unwrap();
    let before = hx.state();
    let e = hx
        .pack(
            &hx.install(&["C0001"]),
            &PackOptions {
                out: out.clone(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "file_exists", "{e}");
    assert!(e.is_bad_input());
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    assert_eq!(hx.state(), before);
    assert!(!hx.out("b.age.partial").exists());
    // The id was not used up.
    let r = hx.pack_to(&hx.install(&["C0001"]), "c.age");
    assert_eq!(r.handover_id, "HO-2026-000001");
}

#[test]
fn cancelled_pack_leaves_nothing_and_records_nothing() {
    let mut hx = Hx::new();
    let sel = hx.install(&WITH_PLANS);
    let out = hx.out("b.age");
    let before = hx.state();
    let mut calls = 0u32;
    let mut cancel_midway = |done: u64, total: Option<u64>| {
        calls += 1;
        assert!(total.is_some_and(|t| done <= t));
        if done > 20_000 {
            Flow::Cancel
        } else {
            Flow::Continue
        }
    };
    let e = ops::pack(
        &mut hx.t.office,
        &sel,
        &PackOptions {
            out: out.clone(),
            ..Default::default()
        },
        &mut cancel_midway,
    )
    .unwrap_err();
    assert_eq!(e.code(), "cancelled", "{e}");
    assert!(calls > 1);
    assert!(!out.exists());
    assert!(!hx.out("b.age.partial").exists());
    assert_eq!(files_in(&hx.t.scratch()), Vec::<PathBuf>::new());
    assert_eq!(hx.state(), before);
}

#[test]
fn floor_plan_changed_after_import_fails_the_pack() {
    let mut hx = Hx::new();
    let sel = hx.install(&["C0001", "C0002", "C0003"]);
    let plan = hx.t.customer("C0002").floor_plan.unwrap();
    let stored = hx.t.data().join("floor_plans").join(plan.file_name());
    let original = std::fs::read(&stored).unwrap();
    let before = hx.state();

    // Same size, one byte changed: found while streaming.
    let mut bytes = original.clone();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&stored, &bytes).unwrap();
    let out = hx.out("b.age");
    let e = hx
        .pack(
            &sel,
            &PackOptions {
                out: out.clone(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "floor_plan_changed", "{e}");
    assert!(e.to_string().contains("C0002"), "{e}");
    assert!(!out.exists() && !hx.out("b.age.partial").exists());
    assert_eq!(hx.state(), before);

    // Truncated: found before anything is written.
    std::fs::write(&stored, &original[..original.len() - 10]).unwrap();
    let e = hx
        .pack(
            &sel,
            &PackOptions {
                out: out.clone(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "floor_plan_changed", "{e}");
    assert!(!out.exists() && !hx.out("b.age.partial").exists());
    // Gone.
    std::fs::remove_file(&stored).unwrap();
    let e = hx
        .pack(
            &sel,
            &PackOptions {
                out: out.clone(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(!out.exists() && !hx.out("b.age.partial").exists(), "{e}");
    assert_eq!(hx.state(), before);
    assert_eq!(files_in(&hx.t.scratch()), Vec::<PathBuf>::new());

    // Paper too: a changed plan is not printed.
    std::fs::write(&stored, &bytes).unwrap();
    let paper = hx.sel(&hx.keyed, WorkType::Installation, &["C0002"], Method::Paper);
    let e = hx
        .pack(
            &paper,
            &PackOptions {
                out: hx.out("sheet.html"),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "floor_plan_changed", "{e}");
    assert!(!hx.out("sheet.html").exists());
    assert_eq!(hx.state(), before);

    // Restored: packs again.
    std::fs::write(&stored, &original).unwrap();
    hx.pack_to(&sel, "b.age");
}

#[test]
fn sealed_plans_are_trusted_and_any_write_breaks_the_seal() {
    use handover_core::register::floor_plans::seal_time;
    let mtime = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let mut hx = Hx::new();
    let sel = hx.install(&["C0001", "C0002"]);
    let plan = hx.t.customer("C0002").floor_plan.unwrap();
    let stored = hx.t.data().join("floor_plans").join(plan.file_name());
    // Import seals what it hashed.
    assert_eq!(mtime(&stored), seal_time());

    // Rewritten with the same bytes: the seal is gone, the pack hashes the plan, finds it
    // intact and seals it again.
    let original = std::fs::read(&stored).unwrap();
    std::fs::write(&stored, &original).unwrap();
    assert_ne!(mtime(&stored), seal_time());
    let r = hx.pack_to(&sel, "a.age");
    assert_eq!(mtime(&stored), seal_time());
    hx.open(Path::new(&r.path), hx.contractor_key()).unwrap();

    // The documented limit: bytes changed *and* the seal forged back are not re-hashed by the
    // pack, but the contractor's open checks every entry against the manifest and refuses.
    let mut bytes = original.clone();
    bytes[original.len() / 2] ^= 0x01;
    std::fs::write(&stored, &bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&stored)
        .unwrap()
        .set_modified(seal_time())
        .unwrap();
    let r = hx.pack_to(&sel, "b.age");
    let e = hx
        .open(Path::new(&r.path), hx.contractor_key())
        .unwrap_err();
    assert!(e.is_verification_failure(), "{e}");
    assert!(e.to_string().contains("C0002"), "{e}");
}

#[test]
fn stale_partial_from_a_killed_pack_does_not_block_the_next_pack() {
    // A pack killed mid-write (power cut, SIGKILL) leaves `<out>.partial`: an incomplete age
    // file that is never renamed and never recorded. The next pack to the same path must
    // replace it (the CLI's kill test does this with a real SIGKILL).
    let mut hx = Hx::new();
    let out = hx.out("b.age");
    std::fs::write(
        hx.out("b.age.partial"),
        b"age-encryption.org/v1\n-> X25519 cut short",
    )
    .unwrap();
    let r = hx.pack_to(&hx.install(&["C0001"]), "b.age");
    assert_eq!(r.sha256, sha256_file(&out));
    assert!(!hx.out("b.age.partial").exists());
    hx.open(&out, hx.contractor_key()).unwrap();
}

/// The journals a pack leaves while it runs, as a kill would leave them (the CLI's kill test
/// makes a real one); reopening the office settles each.
#[test]
fn interrupted_pack_journals_are_settled_when_the_office_opens() {
    let mut hx = Hx::new();
    let journals = hx.t.data().join("interrupted-packs");
    let journal = |name: &str, id: &str, out: &Path, sha: Option<&str>| {
        std::fs::create_dir_all(&journals).unwrap();
        let p = journals.join(name);
        let j = serde_json::json!({ "handoverId": id, "out": out, "sha256": sha });
        std::fs::write(&p, j.to_string()).unwrap();
        p
    };
    // A pack recorded after all (killed while removing its journal): its bundle stays.
    let done = hx.pack_to(&hx.install(&["C0001"]), "done.age");
    let done_path = PathBuf::from(&done.path);
    journal("a.json", &done.handover_id, &done_path, Some(&done.sha256));
    // An unrecorded bundle: deleted.
    let lost = hx.out("lost.age");
    std::fs::copy(&done_path, &lost).unwrap();
    // …with the office's signature of it, which goes too.
    std::fs::copy(format!("{}.sig", done.path), hx.out("lost.age.sig")).unwrap();
    journal("b.json", "HO-2026-000099", &lost, Some(&done.sha256));
    // The name was taken by another file since: never touched.
    let foreign = hx.out("foreign.age");
    std::fs::write(&foreign, b"someone else's file").unwrap();
    std::fs::write(hx.out("foreign.age.sig"), b"someone else's signature").unwrap();
    journal("c.json", "HO-2026-000098", &foreign, Some(&"0".repeat(64)));
    // Killed mid-pack: only the partial exists (no hash yet); it goes.
    let mid = hx.out("mid.age");
    std::fs::write(hx.out("mid.age.partial"), b"age-encryption.org/v1\n-> cut").unwrap();
    journal("d.json", "HO-2026-000097", &mid, None);
    // Killed while writing the journal itself.
    std::fs::write(journals.join("e.json"), b"{\"handoverId\": \"HO-20").unwrap();
    // A pack still running holds its journal locked: left alone.
    let live_out = hx.out("live.age");
    std::fs::copy(&done_path, &live_out).unwrap();
    let live = journal("f.json", "HO-2026-000096", &live_out, Some(&done.sha256));
    let live_lock = std::fs::File::open(&live).unwrap();
    live_lock.try_lock().unwrap();
    let before = hx.state();

    let office = support::open_at(&hx.t.data());
    let mut got = office.interrupted_packs().to_vec();
    got.sort_by(|a, b| a.handover_id.cmp(&b.handover_id));
    let summary: Vec<(&str, bool, bool)> = got
        .iter()
        .map(|p| (p.handover_id.as_str(), p.recorded, p.removed_bundle))
        .collect();
    assert_eq!(
        summary,
        [
            (done.handover_id.as_str(), true, false),
            ("HO-2026-000097", false, false),
            ("HO-2026-000098", false, false),
            ("HO-2026-000099", false, true),
        ]
    );
    assert!(done_path.exists() && foreign.exists() && live_out.exists());
    assert!(!lost.exists() && !hx.out("mid.age.partial").exists());
    assert!(!hx.out("lost.age.sig").exists());
    assert!(hx.out("done.age.sig").exists());
    assert_eq!(std::fs::read(&foreign).unwrap(), b"someone else's file");
    let foreign_sig = std::fs::read(hx.out("foreign.age.sig")).unwrap();
    assert_eq!(foreign_sig, b"someone else's signature");
    let left: Vec<_> = std::fs::read_dir(&journals)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["f.json"]);
    // Nothing recorded, nothing changed in the store.
    assert_eq!(support::snapshot(&office), before.0);
    assert_eq!(ops::handovers(&office).unwrap().len(), before.1);
    drop(live_lock);
}

// ---------------------------------------------------------------------------------------------
// Destruction and overdue returns

#[test]
fn confirm_destruction_closes_once() {
    let mut hx = Hx::new();
    let r = hx.pack_to(&hx.install(&["C0001", "C0002"]), "b.age");
    let id = r.handover_id;
    // Future: refused.
    invalid(
        ops::confirm_destruction(hx.office(), &id, "2026-11-24", None).unwrap_err(),
        "future",
    );
    // Before the handover existed: refused.
    invalid(
        ops::confirm_destruction(hx.office(), &id, "2026-11-22", None).unwrap_err(),
        "before",
    );
    // Not a date, unknown id.
    assert_eq!(
        ops::confirm_destruction(hx.office(), &id, "yesterday", None)
            .unwrap_err()
            .code(),
        "bad_date"
    );
    let e = ops::confirm_destruction(hx.office(), "HO-2026-999999", TODAY, None).unwrap_err();
    assert_eq!(e.code(), "unknown_handover", "{e}");
    assert!(
        e.to_string().contains("no handover with id HO-2026-999999"),
        "{e}"
    );
    let before = hx.state();
    let h = ops::confirm_destruction(hx.office(), &id, TODAY, Some("シュレッダーで廃棄")).unwrap();
    assert_ne!(hx.state(), before);
    assert_eq!(h.closed_on.map(|d| d.to_string()).as_deref(), Some(TODAY));
    assert_eq!(h.closed_note.as_deref(), Some("シュレッダーで廃棄"));
    let e = entries(&hx.t.office).pop().unwrap();
    assert_eq!(e.kind, "handover.destroyed");
    let p: serde_json::Value = serde_json::from_str(e.payload.as_deref().unwrap()).unwrap();
    assert_eq!(p["handoverId"], id.as_str());
    assert_eq!(p["on"], TODAY);
    // A second time: refused, nothing recorded.
    let before = hx.state();
    invalid(
        ops::confirm_destruction(hx.office(), &id, TODAY, None).unwrap_err(),
        "already closed",
    );
    assert_eq!(hx.state(), before);
    ops::verify_ledger(&hx.t.office).unwrap();
}

#[test]
fn overdue_lists_only_open_handovers_past_their_date() {
    let mut hx = Hx::new();
    let pack = |hx: &mut Hx, name: &str, return_by: &str| {
        let sel = hx.install(&["C0001"]);
        let opts = PackOptions {
            out: hx.out(name),
            return_by: Some(return_by.into()),
            ..Default::default()
        };
        hx.pack(&sel, &opts).unwrap().handover_id
    };
    let early_open = pack(&mut hx, "1.age", "2026-11-30");
    let early_closed = pack(&mut hx, "2.age", "2026-11-30");
    let late = pack(&mut hx, "3.age", "2027-03-01");
    let due_today = pack(&mut hx, "4.age", "2026-12-10");
    ops::confirm_destruction(hx.office(), &early_closed, TODAY, None).unwrap();
    assert!(ops::overdue_handovers(&hx.t.office).unwrap().is_empty());

    // Later: 2026-12-10.
    hx.t.office = Office::open(DataDir::new(hx.t.data()), OPERATOR)
        .unwrap()
        .with_clock(Arc::new(FixedClock(
            "2026-12-10T09:00:00Z".parse().unwrap(),
        )));
    let overdue: Vec<String> = ops::overdue_handovers(&hx.t.office)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(
        overdue,
        vec![early_open.clone()],
        "due today is not overdue yet"
    );
    assert_eq!(ops::handovers(&hx.t.office).unwrap().len(), 4);
    // Closing it takes it off the list.
    ops::confirm_destruction(hx.office(), &early_open, "2026-12-09", None).unwrap();
    assert!(ops::overdue_handovers(&hx.t.office).unwrap().is_empty());
    let _ = (late, due_today);
}

// ---------------------------------------------------------------------------------------------
// The manager's policy

#[test]
fn policy_file_changes_the_minimal_set() {
    let mut hx = Hx::new();
    let mut policy = Policy::default();
    policy.work_types.insert(
        WorkType::Removal,
        vec![Field::CustomerId, Field::Name, Field::Address],
    );
    policy.work_types.insert(
        WorkType::Repair,
        vec![
            Field::CustomerId,
            Field::Name,
            Field::Address,
            Field::Phone,
            Field::FloorPlan,
        ],
    );
    policy.return_days = 10;
    std::fs::write(hx.t.office.dir().policy_path(), policy.to_toml()).unwrap();
    assert_eq!(ops::policy(&hx.t.office).unwrap(), policy);

    let sel = hx.sel(&hx.keyed, WorkType::Removal, &["C0001"], Method::Transfer);
    let p = hx.prepare(&sel).unwrap();
    assert_eq!(
        p.fields,
        vec![Field::CustomerId, Field::Name, Field::Address]
    );
    assert_eq!(
        p.customers[0].included,
        vec![Field::CustomerId, Field::Name, Field::Address]
    );
    assert!(
        p.customers[0]
            .withheld
            .iter()
            .any(|w| w.field == Field::Phone && w.reason == WithheldReason::NotNeeded)
    );
    // Phone is no longer needed, so it can be added as an extra with a reason.
    let mut with_phone = sel.clone();
    with_phone.extra_fields = vec![extra(Field::Phone, "不在時の連絡")];
    assert!(
        hx.prepare(&with_phone)
            .unwrap()
            .fields
            .contains(&Field::Phone)
    );
    // Repair now ships the plan.
    let repair = hx.sel(&hx.keyed, WorkType::Repair, &["C0001"], Method::Transfer);
    let r = hx.pack_to(&repair, "r.age");
    assert_eq!(r.return_by.to_string(), "2026-12-03");
    let zip = hx.decrypt(Path::new(&r.path));
    assert!(zip_names(&zip).contains(&"floor_plans/C0001.png".to_string()));
    assert!(
        !haystacks(&zip)
            .iter()
            .any(|h| contains_bytes(h, hx.t.customer("C0001").service.unwrap().as_bytes()))
    );
}

#[test]
fn policy_with_a_payment_field_is_refused_by_prepare_and_pack() {
    let mut hx = Hx::new();
    let text = Policy::default().to_toml().replacen(
        "\"customer_id\",",
        "\"customer_id\",\n    \"card_number\",",
        1,
    );
    assert!(text.contains("card_number"));
    std::fs::write(hx.t.office.dir().policy_path(), text).unwrap();
    let sel = hx.install(&["C0001"]);
    invalid(hx.prepare(&sel).unwrap_err(), "payment");
    let before = hx.state();
    let e = hx
        .pack(
            &sel,
            &PackOptions {
                out: hx.out("b.age"),
                ..Default::default()
            },
        )
        .unwrap_err();
    invalid(e, "payment");
    assert_eq!(hx.state(), before);
    assert!(!hx.out("b.age").exists());
    // A policy that does not parse is an error too, never silently the default.
    std::fs::write(hx.t.office.dir().policy_path(), "return_days = \"soon\"\n").unwrap();
    assert_eq!(hx.prepare(&sel).unwrap_err().code(), "policy_invalid");
}
