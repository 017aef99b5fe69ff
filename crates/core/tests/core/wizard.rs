//! What the app's new-handover wizard asks the core before it packs: contractor choices with the
//! reasons a contractor or method is refused, the register screened for a work type, the field
//! options, the default return date, the option check, and the paper sheet before and after it
//! is made. Each answer must agree with what `prepare` and `pack` then do.
//!
//! On the bundled synthetic sample register (C0001..C0300) at the fixed test clock (2026-11-23).

use std::path::PathBuf;

use age::secrecy::SecretString;
use handover_core::handover::{
    ContractorRefusal, ExclusionReason, ExtraField, Method, Selection, WithheldReason,
};
use handover_core::ops::{self, FieldChoice, PackOptions};
use handover_core::requests::Scope;
use handover_core::{ContractorInput, Field, NoProgress, WorkType};

use crate::support::{self, TestOffice};

struct Wz {
    t: TestOffice,
    /// Key, valid agreement.
    keyed: String,
    /// No key, valid agreement.
    keyless: String,
    /// Key, agreement expired yesterday.
    expired: String,
    /// Key, agreement signed tomorrow.
    future: String,
}

fn add(t: &mut TestOffice, name: &str, keys: Vec<String>, signed: &str, expires: &str) -> String {
    ops::contractor_add(
        &mut t.office,
        &ContractorInput {
            name: name.into(),
            address: None,
            contact: None,
            recipients: keys,
            agreement_signed: signed.into(),
            agreement_expires: expires.into(),
        },
    )
    .unwrap()
    .id
}

impl Wz {
    fn new() -> Wz {
        let mut t = TestOffice::initialized();
        ops::load_sample(&mut t.office, &mut NoProgress).unwrap();
        let key = support::new_recipient();
        let keyed = add(
            &mut t,
            "架空電設株式会社",
            vec![key.clone()],
            "2020-04-01",
            "2099-03-31",
        );
        let keyless = add(&mut t, "見本通信工業", vec![], "2020-04-01", "2099-03-31");
        let expired = add(
            &mut t,
            "期限切れ工業",
            vec![key.clone()],
            "2020-01-01",
            "2026-11-22",
        );
        let future = add(&mut t, "未来電設", vec![key], "2026-11-24", "2030-01-01");
        Wz {
            t,
            keyed,
            keyless,
            expired,
            future,
        }
    }

    fn sel(&self, contractor: &str, customers: &[&str], method: Method) -> Selection {
        Selection {
            contractor_id: contractor.into(),
            work_type: WorkType::Installation,
            customers: customers.iter().map(|s| s.to_string()).collect(),
            extra_fields: vec![],
            method,
            passphrase: false,
        }
    }

    fn out(&self, name: &str) -> PathBuf {
        self.t.scratch().join(name)
    }
}

#[test]
fn contractor_choices_say_who_can_receive_today_and_by_which_method() {
    let w = Wz::new();
    let choices = ops::contractor_choices(&w.t.office).unwrap();
    assert_eq!(choices.len(), 4);
    let by_id = |id: &str| choices.iter().find(|c| c.contractor.id == id).unwrap();

    let keyed = by_id(&w.keyed);
    assert_eq!(keyed.refusal, None);
    assert_eq!(keyed.keys.len(), 1);
    assert_eq!(keyed.keys[0].fingerprint.len(), 19, "ABCD-EF01-2345-6789");
    assert!(keyed.methods.iter().all(|m| m.refusal.is_none()));
    assert_eq!(
        keyed.methods.len(),
        5,
        "transfer/media with and without passphrase, paper"
    );

    let keyless = by_id(&w.keyless);
    assert_eq!(keyless.refusal, None);
    for m in &keyless.methods {
        let want = match (m.method, m.passphrase) {
            (Method::Transfer | Method::Media, false) => Some(ContractorRefusal::NoKey),
            _ => None,
        };
        assert_eq!(
            m.refusal, want,
            "{:?} passphrase={}",
            m.method, m.passphrase
        );
    }

    let expired = by_id(&w.expired);
    assert_eq!(
        expired.refusal,
        Some(ContractorRefusal::AgreementExpired {
            expired: "2026-11-22".parse().unwrap()
        })
    );
    assert!(expired.methods.iter().all(|m| m.refusal == expired.refusal));
    let future = by_id(&w.future);
    assert_eq!(
        future.refusal,
        Some(ContractorRefusal::AgreementNotYetValid {
            signed: "2026-11-24".parse().unwrap()
        })
    );

    // Every refusal shown is exactly what prepare refuses, and every "yes" prepare accepts.
    for c in &choices {
        for m in &c.methods {
            let mut sel = w.sel(&c.contractor.id, &["C0001"], m.method);
            sel.passphrase = m.passphrase;
            let prepared = ops::prepare(&w.t.office, &sel);
            match &m.refusal {
                None => assert!(prepared.is_ok(), "{} {:?}", c.contractor.name, m),
                Some(r) => {
                    let e = prepared.unwrap_err();
                    let today = "2026-11-23".parse().unwrap();
                    assert_eq!(e.to_string(), r.to_error(&c.contractor, today).to_string());
                }
            }
        }
    }
}

/// C0007 opts out (pending), C0009 restricts its phone, and X001 is imported without a
/// phone; the opt-out's id.
fn opt_out_restriction_and_gap(w: &mut Wz) -> String {
    let opt_out = ops::request_add(
        &mut w.t.office,
        &crate::support::request_input("C0007", Scope::All, "2026-11-20", "電話", None),
    )
    .unwrap()
    .id;
    // A field restriction does not leave the customer out.
    ops::request_add(
        &mut w.t.office,
        &crate::support::request_input(
            "C0009",
            Scope::Fields(vec![Field::Phone]),
            "2026-11-20",
            "窓口",
            None,
        ),
    )
    .unwrap();
    // A customer without a phone (the work needs it).
    let csv = w.out("gaps.csv");
    std::fs::write(
        &csv,
        "顧客番号,氏名,住所,電話番号\nX001,架空 一,東京都架空区1-1,\n",
    )
    .unwrap();
    w.t.import_ok(&csv);

    opt_out
}

#[test]
fn screening_the_register_finds_exactly_whom_prepare_would_leave_out() {
    let mut w = Wz::new();
    let opt_out = opt_out_restriction_and_gap(&mut w);
    let screened = ops::screen_customers(&w.t.office, WorkType::Installation).unwrap();
    let got: Vec<(&str, &ExclusionReason)> = screened
        .iter()
        .map(|e| (e.customer_id.as_str(), &e.reason))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "C0007",
                &ExclusionReason::OptOut {
                    request_id: opt_out.clone(),
                    status: handover_core::requests::RequestStatus::Pending
                }
            ),
            (
                "X001",
                &ExclusionReason::MissingRequired {
                    field: Field::Phone
                }
            ),
        ]
    );

    // prepare over the whole register agrees, customer by customer.
    let everyone: Vec<String> = ops::customers(&w.t.office, "", None)
        .unwrap()
        .into_iter()
        .map(|c| c.customer_id)
        .collect();
    let ids: Vec<&str> = everyone.iter().map(String::as_str).collect();
    let p = ops::prepare(&w.t.office, &w.sel(&w.keyed, &ids, Method::Transfer)).unwrap();
    assert_eq!(p.excluded, screened);
    assert_eq!(p.customers.len(), everyone.len() - 2);
    // C0009's phone is withheld by its own request, not left out.
    let c9 = p
        .customers
        .iter()
        .find(|c| c.customer_id == "C0009")
        .unwrap();
    assert!(
        c9.withheld.iter().any(|w| w.field == Field::Phone
            && matches!(w.reason, WithheldReason::CustomerRequest { .. }))
    );

    // Once the opt-out is rejected, C0007 can be included again.
    ops::request_decide(
        &mut w.t.office,
        &opt_out,
        false,
        Some("本人確認ができないため"),
    )
    .unwrap();
    let screened = ops::screen_customers(&w.t.office, WorkType::Installation).unwrap();
    assert_eq!(screened.len(), 1);
    assert_eq!(screened[0].customer_id, "X001");
}

#[test]
fn field_options_follow_the_policy_and_never_offer_payment_data() {
    let w = Wz::new();
    let opts = ops::field_options(&w.t.office, WorkType::Repair).unwrap();
    assert_eq!(opts.len(), Field::ALL.len());
    let choice = |f: Field| opts.iter().find(|o| o.field == f).unwrap().choice;
    for f in [
        Field::CustomerId,
        Field::Name,
        Field::Address,
        Field::Phone,
        Field::Service,
    ] {
        assert_eq!(choice(f), FieldChoice::Minimal, "{f}");
    }
    for f in [
        Field::FloorPlan,
        Field::Email,
        Field::Notes,
        Field::BirthDate,
    ] {
        assert_eq!(choice(f), FieldChoice::Extra, "{f}");
    }
    assert_eq!(choice(Field::CardNumber), FieldChoice::Never);
    assert_eq!(choice(Field::BankAccount), FieldChoice::Never);
    let plan = opts.iter().find(|o| o.field == Field::FloorPlan).unwrap();
    assert_eq!(plan.label_ja, "住宅の図面");
    // For installation, the floor plan is minimal.
    let opts = ops::field_options(&w.t.office, WorkType::Installation).unwrap();
    assert!(
        opts.iter()
            .any(|o| o.field == Field::FloorPlan && o.choice == FieldChoice::Minimal)
    );
}

#[test]
fn defaults_and_the_option_check_agree_with_pack() {
    let mut w = Wz::new();
    let d = ops::handover_defaults(&w.t.office).unwrap();
    assert_eq!(
        (
            d.today.to_string().as_str(),
            d.return_by.to_string().as_str(),
            d.return_days
        ),
        ("2026-11-23", "2026-12-23", 30)
    );
    let sel = w.sel(&w.keyed, &["C0001"], Method::Transfer);
    assert_eq!(
        ops::check_pack_options(&w.t.office, &sel, None, None)
            .unwrap()
            .to_string(),
        "2026-12-23"
    );
    assert_eq!(
        ops::check_pack_options(&w.t.office, &sel, None, Some("2027-01-10"))
            .unwrap()
            .to_string(),
        "2027-01-10"
    );
    let past = ops::check_pack_options(&w.t.office, &sel, None, Some("2026-11-22")).unwrap_err();
    assert!(past.to_string().contains("in the past"), "{past}");
    let bad = ops::check_pack_options(&w.t.office, &sel, None, Some("来月")).unwrap_err();
    assert_eq!(bad.code(), "bad_date");

    // Passphrase: required exactly when asked for, and at least 8 characters.
    let mut psel = w.sel(&w.keyless, &["C0001"], Method::Transfer);
    psel.passphrase = true;
    let short = SecretString::from("short".to_string());
    let e = ops::check_pack_options(&w.t.office, &psel, Some(&short), None).unwrap_err();
    assert!(e.to_string().contains("at least 8"), "{e}");
    let e = ops::check_pack_options(&w.t.office, &psel, None, None).unwrap_err();
    assert!(e.to_string().contains("needs the passphrase"), "{e}");
    let good = SecretString::from("correct horse battery".to_string());
    ops::check_pack_options(&w.t.office, &psel, Some(&good), None).unwrap();
    // pack refuses the same short passphrase with the same message, writing nothing.
    let before = w.t.snapshot();
    let out = w.out("p.age");
    let e2 = ops::pack(
        &mut w.t.office,
        &psel,
        &PackOptions {
            out,
            passphrase: Some(short.clone()),
            ..Default::default()
        },
        &mut NoProgress,
    )
    .unwrap_err();
    assert_eq!(e2.to_string(), e_short(&w, &psel, &short));
    assert_eq!(w.t.snapshot(), before);
    assert!(!w.out("p.age").exists());

    // Nobody who can be handed over: refused before any file is chosen.
    ops::request_add(
        &mut w.t.office,
        &crate::support::request_input("C0001", Scope::All, "2026-11-20", "電話", None),
    )
    .unwrap();
    let e = ops::check_pack_options(&w.t.office, &sel, None, None).unwrap_err();
    assert!(e.to_string().contains("nothing to pack"), "{e}");
    // An expired contractor: the agreement message.
    let e = ops::check_pack_options(
        &w.t.office,
        &w.sel(&w.expired, &["C0002"], Method::Paper),
        None,
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("confidentiality agreement"), "{e}");
    let _ = &w.future;
}

fn e_short(w: &Wz, sel: &Selection, p: &SecretString) -> String {
    ops::check_pack_options(&w.t.office, sel, Some(p), None)
        .unwrap_err()
        .to_string()
}

#[test]
fn paper_preview_is_the_sheet_without_an_id_and_writes_nothing() {
    let mut w = Wz::new();
    ops::request_add(
        &mut w.t.office,
        &crate::support::request_input(
            "C0002",
            Scope::Fields(vec![Field::Phone]),
            "2026-11-20",
            "電話",
            None,
        ),
    )
    .unwrap();
    let c2 = w.t.customer("C0002");
    let mut sel = w.sel(&w.keyless, &["C0001", "C0002"], Method::Paper);
    sel.extra_fields = vec![ExtraField {
        field: Field::Notes,
        reason: "訪問時の注意事項".into(),
    }];
    let before = w.t.snapshot();
    let files_before = support::files_under(&w.t.data());
    let html = ops::paper_preview(&w.t.office, &sel, Some("2027-01-05")).unwrap();
    assert_eq!(w.t.snapshot(), before, "nothing recorded");
    assert_eq!(
        support::files_under(&w.t.data()),
        files_before,
        "nothing written"
    );
    assert!(html.contains(ops::PREVIEW_ID));
    assert!(html.contains("2027年1月5日"));
    assert!(html.contains("見本通信工業"));
    assert!(html.contains(c2.name.as_deref().unwrap()));
    assert!(
        !html.contains(c2.phone.as_deref().unwrap()),
        "C0002's phone is withheld by request"
    );
    assert!(
        html.contains("data:image/png;base64,"),
        "C0001's plan embedded"
    );

    // Only paper has a sheet; refusals are pack's.
    let e = ops::paper_preview(
        &w.t.office,
        &w.sel(&w.keyed, &["C0001"], Method::Transfer),
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("only a paper handover"), "{e}");
    let e = ops::paper_preview(
        &w.t.office,
        &w.sel(&w.expired, &["C0001"], Method::Paper),
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("confidentiality agreement"), "{e}");

    // The made sheet differs from the preview only by the id.
    let out = w.out("sheet.html");
    let r = ops::pack(
        &mut w.t.office,
        &sel,
        &PackOptions {
            out: out.clone(),
            return_by: Some("2027-01-05".into()),
            ..Default::default()
        },
        &mut NoProgress,
    )
    .unwrap();
    let made = ops::paper_sheet(&mut w.t.office, &r.handover_id, &out).unwrap();
    assert_eq!(made, std::fs::read_to_string(&out).unwrap());
    assert_eq!(made.replace(&r.handover_id, ops::PREVIEW_ID), html);
}

#[test]
fn paper_sheet_reads_back_only_the_recorded_file() {
    let mut w = Wz::new();
    let out = w.out("sheet.html");
    let sel = w.sel(&w.keyless, &["C0003"], Method::Paper);
    let r = ops::pack(
        &mut w.t.office,
        &sel,
        &PackOptions {
            out: out.clone(),
            ..Default::default()
        },
        &mut NoProgress,
    )
    .unwrap();
    assert!(
        ops::paper_sheet(&mut w.t.office, &r.handover_id, &out)
            .unwrap()
            .contains(&r.handover_id)
    );
    // Any other file is refused, even one of the same size.
    let other = w.out("other.html");
    let mut bytes = std::fs::read(&out).unwrap();
    let last = bytes.len() - 2;
    bytes[last] = b'X';
    std::fs::write(&other, &bytes).unwrap();
    let e = ops::paper_sheet(&mut w.t.office, &r.handover_id, &other).unwrap_err();
    assert!(e.to_string().contains("not the sheet recorded"), "{e}");
    let e = ops::paper_sheet(
        &mut w.t.office,
        &r.handover_id,
        &support::repo_root().join("Cargo.toml"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("not the sheet recorded"), "{e}");
    // A bundle handover has no sheet; an unknown id is named.
    let sel = w.sel(&w.keyed, &["C0003"], Method::Transfer);
    let b_out = w.out("b.age");
    let b = ops::pack(
        &mut w.t.office,
        &sel,
        &PackOptions {
            out: b_out,
            ..Default::default()
        },
        &mut NoProgress,
    )
    .unwrap();
    let b_path = w.out("b.age");
    let e = ops::paper_sheet(&mut w.t.office, &b.handover_id, &b_path).unwrap_err();
    assert!(e.to_string().contains("not a printed sheet"), "{e}");
    let e = ops::paper_sheet(&mut w.t.office, "HO-2026-999999", &out).unwrap_err();
    assert_eq!(e.code(), "unknown_handover", "{e}");
    assert!(e.to_string().contains("no handover with id"), "{e}");
}
