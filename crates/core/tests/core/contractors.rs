//! The contractor roster: adding, listing and changing contractors, with their keys and
//! confidentiality agreements; every change is a ledger entry, every refusal changes nothing.

use handover_core::contractors::AgreementStatus;
use handover_core::dates::parse_date;
use handover_core::keys::{read_recipients_file, recipient_fingerprint};
use handover_core::{ContractorChange, ContractorInput, ops};

use crate::support::{self, TestOffice, key_fixture, new_recipient};

const FIXTURE_RECIPIENT: &str = "age1etx5jy8vv9tdaqtth2v5exhdwp39hef54cj04n53w0hrylqjpq5qg9qjdu";

fn input(recipients: Vec<String>) -> ContractorInput {
    ContractorInput {
        name: "架空電設株式会社".into(),
        address: Some("東京都架空区見本町9-9".into()),
        contact: Some("工事部 03-0000-7777".into()),
        recipients,
        agreement_signed: "2026-04-01".into(),
        agreement_expires: "2027-03-31".into(),
    }
}

fn payload(e: &handover_core::store::LedgerEntry) -> serde_json::Value {
    serde_json::from_str(e.payload.as_deref().unwrap()).unwrap()
}

#[test]
fn add_with_a_recipients_file_and_list() {
    let mut t = TestOffice::new();
    let from_file = read_recipients_file(&key_fixture("test-contractor.recipients.txt")).unwrap();
    assert_eq!(from_file, vec![FIXTURE_RECIPIENT.to_string()]);
    let extra = new_recipient();
    // The same key twice (file and argument) is enrolled once.
    let mut recipients = from_file.clone();
    recipients.push(format!("  {extra}  "));
    recipients.push(FIXTURE_RECIPIENT.to_string());
    let c = ops::contractor_add(&mut t.office, &input(recipients)).unwrap();
    assert_eq!(c.id, "CTR-0001");
    assert_eq!(
        c.recipients,
        vec![FIXTURE_RECIPIENT.to_string(), extra.clone()]
    );
    assert_eq!(c.agreement_signed, parse_date("2026-04-01").unwrap());

    let c2 = ops::contractor_add(
        &mut t.office,
        &ContractorInput {
            name: "見本通信工業".into(),
            recipients: vec![],
            agreement_signed: "2026/10/01".into(),
            agreement_expires: "2026/12/01".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(c2.id, "CTR-0002");
    assert_eq!(c2.address, None);

    let list = ops::contractors(&t.office).unwrap();
    assert_eq!(list, vec![c.clone(), c2.clone()]);
    let today = t.office.today();
    assert_eq!(today, parse_date("2026-11-23").unwrap());
    assert_eq!(list[0].agreement_status(today), AgreementStatus::Valid);
    assert_eq!(
        list[1].agreement_status(today),
        AgreementStatus::ExpiringSoon
    );
    assert_eq!(
        list[0].keys()[0].fingerprint,
        recipient_fingerprint(FIXTURE_RECIPIENT)
    );

    let entries = support::entries(&t.office);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].kind, "contractor.added");
    let p = payload(&entries[0]);
    assert_eq!(p["id"], "CTR-0001");
    assert_eq!(p["name"], "架空電設株式会社");
    assert_eq!(p["recipients"][0]["recipient"], FIXTURE_RECIPIENT);
    assert_eq!(
        p["recipients"][0]["fingerprint"],
        recipient_fingerprint(FIXTURE_RECIPIENT)
    );
    assert_eq!(p["agreementExpires"], "2027-03-31");
    assert_eq!(ops::verify_ledger(&t.office).unwrap().entries, 2);
}

#[test]
fn refused_additions_change_nothing() {
    let mut t = TestOffice::new();
    ops::contractor_add(&mut t.office, &input(vec![new_recipient()])).unwrap();
    let before = t.snapshot();

    let e = ops::contractor_add(&mut t.office, &input(vec!["age1notakey".into()])).unwrap_err();
    assert_eq!(e.code(), "bad_recipient");
    assert!(e.to_string().contains("age1notakey"), "{e}");
    assert!(e.is_bad_input());

    // An identity pasted where its public key belongs is refused — and not echoed back.
    let secret = age::x25519::Identity::generate();
    let secret = {
        use age::secrecy::ExposeSecret;
        secret.to_string().expose_secret().to_string()
    };
    let e = ops::contractor_add(&mut t.office, &input(vec![secret.clone()])).unwrap_err();
    assert_eq!(e.code(), "bad_recipient");

    let mut i = input(vec![]);
    i.agreement_expires = "2026-03-31".into();
    let e = ops::contractor_add(&mut t.office, &i).unwrap_err();
    assert_eq!(e.code(), "date_order");
    assert!(
        e.to_string()
            .contains("expires (2026-03-31) before it was signed (2026-04-01)"),
        "{e}"
    );

    let mut i = input(vec![]);
    i.agreement_signed = "2026-02-30".into();
    assert_eq!(
        ops::contractor_add(&mut t.office, &i).unwrap_err().code(),
        "bad_date"
    );

    let mut i = input(vec![]);
    i.name = " \u{3000} ".into();
    assert_eq!(
        ops::contractor_add(&mut t.office, &i).unwrap_err().code(),
        "contractor_invalid"
    );

    assert_eq!(t.snapshot(), before);
}

#[test]
fn update_changes_and_records_before_and_after() {
    let mut t = TestOffice::new();
    let k1 = new_recipient();
    let c = ops::contractor_add(&mut t.office, &input(vec![k1.clone()])).unwrap();
    let k2 = new_recipient();
    let u = ops::contractor_update(
        &mut t.office,
        &c.id,
        &ContractorChange {
            add_recipients: vec![k2.clone()],
            agreement_expires: Some("2028-03-31".into()),
            contact: Some(String::new()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(u.recipients, vec![k1.clone(), k2.clone()]);
    assert_eq!(u.agreement_expires, parse_date("2028-03-31").unwrap());
    assert_eq!(u.contact, None, "an empty string clears the contact");
    assert_eq!(u.address, c.address);
    assert_eq!(ops::contractors(&t.office).unwrap(), vec![u.clone()]);

    let e = support::entries(&t.office).pop().unwrap();
    assert_eq!(e.kind, "contractor.updated");
    let p = payload(&e);
    assert_eq!(p["before"]["agreementExpires"], "2027-03-31");
    assert_eq!(p["after"]["agreementExpires"], "2028-03-31");
    assert_eq!(p["after"]["recipients"].as_array().unwrap().len(), 2);

    // Remove one key; replace them all from the fixture file.
    let u = ops::contractor_update(
        &mut t.office,
        &c.id,
        &ContractorChange {
            remove_recipients: vec![k1.clone()],
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(u.recipients, vec![k2.clone()]);
    let u = ops::contractor_update(
        &mut t.office,
        &c.id,
        &ContractorChange {
            recipients: Some(
                read_recipients_file(&key_fixture("test-contractor.recipients.txt")).unwrap(),
            ),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(u.recipients, vec![FIXTURE_RECIPIENT.to_string()]);
    assert_eq!(support::entries(&t.office).len(), 4);
    assert_eq!(ops::verify_ledger(&t.office).unwrap().entries, 4);
}

#[test]
fn refused_key_changes_and_unknown_ids_change_nothing() {
    let mut t = TestOffice::new();
    let c = ops::contractor_add(&mut t.office, &input(vec![new_recipient()])).unwrap();
    let before = t.snapshot();

    // A key that is not there.
    let stranger = new_recipient();
    let e = ops::contractor_update(
        &mut t.office,
        &c.id,
        &ContractorChange {
            remove_recipients: vec![stranger.clone()],
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "contractor_invalid");
    assert!(e.to_string().contains(&stranger), "{e}");
    assert!(e.to_string().contains("CTR-0001"), "{e}");

    // An unknown id.
    let e = ops::contractor_update(
        &mut t.office,
        "CTR-0099",
        &ContractorChange {
            name: Some("x".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "unknown_contractor");
    assert!(e.to_string().contains("CTR-0099"), "{e}");

    assert_eq!(t.snapshot(), before);
}

#[test]
fn refused_dates_names_and_empty_changes_change_nothing() {
    let mut t = TestOffice::new();
    let c = ops::contractor_add(&mut t.office, &input(vec![new_recipient()])).unwrap();
    let before = t.snapshot();
    // Expiry moved before signing, or signing moved after expiry.
    for change in [
        ContractorChange {
            agreement_expires: Some("2026-01-01".into()),
            ..Default::default()
        },
        ContractorChange {
            agreement_signed: Some("2027-04-01".into()),
            ..Default::default()
        },
    ] {
        let e = ops::contractor_update(&mut t.office, &c.id, &change).unwrap_err();
        assert_eq!(e.code(), "date_order", "{e}");
        assert!(e.to_string().contains("before it was signed"), "{e}");
    }

    // A bad key among good ones.
    let e = ops::contractor_update(
        &mut t.office,
        &c.id,
        &ContractorChange {
            add_recipients: vec![new_recipient(), "age1bogus".into()],
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "bad_recipient");

    // Nothing to change.
    let e = ops::contractor_update(
        &mut t.office,
        &c.id,
        &ContractorChange {
            name: Some(c.name.clone()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "nothing_to_change");
    assert!(e.to_string().contains("nothing to change"), "{e}");

    // An empty name.
    let e = ops::contractor_update(
        &mut t.office,
        &c.id,
        &ContractorChange {
            name: Some("  ".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "contractor_invalid");

    assert_eq!(t.snapshot(), before);
}

#[test]
fn agreement_validity_on_the_boundaries() {
    let c = input(vec![]).validate("CTR-0001".into()).unwrap();
    let d = |s: &str| parse_date(s).unwrap();
    assert!(!c.agreement_valid_on(d("2026-03-31")));
    assert!(c.agreement_valid_on(d("2026-04-01")));
    assert!(c.agreement_valid_on(d("2027-03-31")));
    assert!(!c.agreement_valid_on(d("2027-04-01")));
    assert_eq!(
        c.agreement_status(d("2026-03-31")),
        AgreementStatus::NotYetValid
    );
    assert_eq!(
        c.agreement_status(d("2027-03-01")),
        AgreementStatus::ExpiringSoon
    );
    assert_eq!(c.agreement_status(d("2027-02-28")), AgreementStatus::Valid);
    assert_eq!(
        c.agreement_status(d("2027-04-01")),
        AgreementStatus::Expired
    );
}
