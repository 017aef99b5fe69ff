//! The manager's policy editor (`ops::policy_save`): validated by the core, written atomically,
//! recorded in the ledger; a refused policy changes nothing.

use handover_core::ops;
use handover_core::{Field, Policy, WorkType};

use crate::support::{TestOffice, entries};

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
    let text = std::fs::read_to_string(t.data().join("policy.toml")).unwrap();
    assert!(text.starts_with("# Handover policy"), "{text}");
    assert!(!t.data().join("policy.toml.partial").exists());

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
    assert_eq!(e.code(), "invalid");
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
        (short, "3 years"),
        (zero, "at least 1"),
    ] {
        let e = ops::policy_save(&mut t.office, &p).unwrap_err();
        assert_eq!(e.code(), "invalid", "{e}");
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
