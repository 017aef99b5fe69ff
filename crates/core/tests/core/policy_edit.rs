//! The office policy lives in the store: `ops::policy_save` validates and records it (the newest
//! `policy.changed` is in force), a refused policy changes nothing, and a `policy.toml` left by
//! an older version is adopted once, recorded, when the office is opened.

use handover_core::ops;
use handover_core::{Field, Policy, WorkType};

use crate::support::{TestOffice, entries, open_at};

fn changed() -> Policy {
    let mut p = Policy {
        return_days: 14,
        ..Default::default()
    };
    p.work_types
        .get_mut(&WorkType::Repair)
        .unwrap()
        .push(Field::FloorPlan);
    p
}

#[test]
fn saved_policy_is_in_force_and_recorded() {
    let mut t = TestOffice::initialized();
    let n = entries(&t.office).len();
    let p = changed();
    assert_eq!(ops::policy_save(&mut t.office, &p).unwrap(), p);
    assert_eq!(ops::policy(&t.office).unwrap(), p);
    // Nothing beside the database: the ledger entry is the policy.
    assert!(!t.data().join("policy.toml").exists());

    let all = entries(&t.office);
    assert_eq!(all.len(), n + 1);
    let e = all.last().unwrap();
    assert_eq!(e.kind, "policy.changed");
    let payload: serde_json::Value = serde_json::from_str(e.payload.as_deref().unwrap()).unwrap();
    assert_eq!(payload["before"]["return_days"], 30);
    assert_eq!(payload["after"]["return_days"], 14);
    assert!(
        payload["after"]["work_types"]["repair"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("floor_plan"))
    );
    ops::verify_ledger(&t.office).unwrap();

    // Saving the same policy again is refused: there is nothing to record.
    let e = ops::policy_save(&mut t.office, &p).unwrap_err();
    assert_eq!(e.code(), "nothing_to_change");
    assert_eq!(entries(&t.office).len(), n + 1);
}

#[test]
fn refused_policies_change_nothing() {
    let mut t = TestOffice::initialized();
    let n = entries(&t.office).len();
    let mut payment = Policy::default();
    payment
        .work_types
        .get_mut(&WorkType::Removal)
        .unwrap()
        .push(Field::BankAccount);
    let mut no_id = Policy::default();
    no_id
        .work_types
        .get_mut(&WorkType::Wiring)
        .unwrap()
        .retain(|f| *f != Field::CustomerId);
    let mut missing = Policy::default();
    missing.work_types.remove(&WorkType::Inspection);
    let short = Policy {
        record_retention_years: 2,
        ..Default::default()
    };
    let zero = Policy {
        return_days: 0,
        ..Default::default()
    };
    for (p, needle) in [
        (payment, "payment"),
        (no_id, "customer_id"),
        (missing, "inspection"),
        (short, "record_retention_years: must be at least 3"),
        (zero, "at least 1"),
    ] {
        let e = ops::policy_save(&mut t.office, &p).unwrap_err();
        assert_eq!(e.code(), "policy_invalid", "{e}");
        assert!(e.to_string().contains(needle), "{e}");
        assert!(!t.data().join("policy.toml").exists());
    }
    assert_eq!(entries(&t.office).len(), n);
    assert_eq!(ops::policy(&t.office).unwrap(), Policy::default());
}

#[test]
fn a_broken_policy_file_can_be_repaired_by_saving() {
    let mut t = TestOffice::initialized();
    std::fs::write(t.data().join("policy.toml"), "return_days = \"soon\"").unwrap();
    assert!(ops::policy(&t.office).is_err());
    let p = changed();
    ops::policy_save(&mut t.office, &p).unwrap();
    assert_eq!(ops::policy(&t.office).unwrap(), p);
    let e = entries(&t.office);
    let payload: serde_json::Value =
        serde_json::from_str(e.last().unwrap().payload.as_deref().unwrap()).unwrap();
    assert!(payload["before"].is_null());
}

#[test]
fn the_policy_is_the_stores_and_outlives_a_reopen() {
    let mut t = TestOffice::initialized();
    let p = changed();
    ops::policy_save(&mut t.office, &p).unwrap();
    let reopened = open_at(&t.data());
    assert_eq!(ops::policy(&reopened).unwrap(), p);
    assert_eq!(
        handover_core::Policy::in_force(reopened.store()).unwrap(),
        p
    );
}

#[test]
fn a_policy_file_from_an_older_version_is_adopted_once_and_recorded() {
    let t = TestOffice::initialized();
    let n = entries(&t.office).len();
    let p = changed();
    std::fs::write(t.data().join("policy.toml"), p.to_toml()).unwrap();
    let office = open_at(&t.data());
    assert_eq!(ops::policy(&office).unwrap(), p);
    assert!(!t.data().join("policy.toml").exists());
    let all = entries(&office);
    assert_eq!(all.len(), n + 1);
    let e = all.last().unwrap();
    assert_eq!(e.kind, "policy.changed");
    let payload: serde_json::Value = serde_json::from_str(e.payload.as_deref().unwrap()).unwrap();
    assert_eq!(payload["from"], "policy.toml");
    assert_eq!(payload["before"]["return_days"], 30);
    assert_eq!(payload["after"]["return_days"], 14);
    // Once: the next open finds nothing to adopt; a file equal to the policy in force is
    // removed without an entry.
    let office = open_at(&t.data());
    assert_eq!(entries(&office).len(), n + 1);
    std::fs::write(t.data().join("policy.toml"), p.to_toml()).unwrap();
    let office = open_at(&t.data());
    assert_eq!(entries(&office).len(), n + 1);
    assert!(!t.data().join("policy.toml").exists());
    ops::verify_ledger(&office).unwrap();
}

#[test]
fn a_broken_policy_file_is_not_adopted_and_refuses_until_repaired() {
    let t = TestOffice::initialized();
    let n = entries(&t.office).len();
    let zero = Policy {
        return_days: 0,
        ..Default::default()
    };
    std::fs::write(t.data().join("policy.toml"), zero.to_toml()).unwrap();
    let office = open_at(&t.data());
    assert_eq!(entries(&office).len(), n);
    let e = ops::policy(&office).unwrap_err();
    assert!(e.to_string().contains("at least 1"), "{e}");
    assert!(t.data().join("policy.toml").exists());
}
