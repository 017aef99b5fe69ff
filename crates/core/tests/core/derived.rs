//! `ledger verify` compares the tables derived from the log — handovers, handover_customers,
//! requests, ledger_customers — with the entries that recorded them: each kind of edit made
//! directly in the database (the chain untouched) is caught and named.

use std::path::Path;

use handover_core::{Error, ops};

use crate::retention::{World, sql};
use crate::support;

#[track_caller]
fn disagrees(data: &Path, table: &str, needles: &[&str]) {
    let e = ops::verify_ledger(&support::open_at(data)).unwrap_err();
    assert!(e.is_verification_failure(), "{e}");
    assert_eq!(e.code(), "derived_mismatch", "{e}");
    let Error::DerivedMismatch { table: t, reason } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(t, table, "{e}");
    for n in needles {
        assert!(reason.contains(n), "'{n}' not in: {e}");
    }
    assert!(
        e.to_string()
            .starts_with(&format!("the {table} table disagrees with the ledger"))
    );
}

fn seq_of(data: &Path, kind: &str) -> u64 {
    support::entries(&support::open_at(data))
        .into_iter()
        .find(|e| e.kind == kind)
        .unwrap()
        .seq
}

#[test]
fn intact_tables_agree_and_are_counted() {
    let w = World::new();
    let v = ops::verify_ledger(&w.office()).unwrap();
    let d = v.derived.unwrap();
    assert_eq!((d.handovers, d.handover_customers, d.requests), (3, 5, 2));
    // 5 imported + 3 + 1 + 1 handed over + 1 closing (3) + 3 request events.
    assert_eq!(d.ledger_customers, 5 + 5 + 3 + 3);
}

#[test]
fn an_edited_handover_customer_row_is_caught() {
    let w = World::new();
    let (_t, data) = w.copy();
    sql(
        &data,
        &format!(
            "UPDATE handover_customers SET fields = fields || ',birth_date' \
             WHERE handover_id = '{}' AND customer_id = 'T002';",
            w.closed_2020
        ),
    );
    disagrees(
        &data,
        "handover_customers",
        &[&w.closed_2020, "T002", "birth_date"],
    );

    // A customer removed from a handover (hiding that their data went out).
    let (_t, data) = w.copy();
    sql(
        &data,
        &format!(
            "DELETE FROM handover_customers WHERE handover_id = '{}' AND customer_id = 'T004';",
            w.closed_2020
        ),
    );
    disagrees(&data, "handover_customers", &["T004", "missing"]);

    // A row for a handover that does not exist.
    let (_t, data) = w.copy();
    sql(
        &data,
        "INSERT INTO handover_customers (handover_id, customer_id, position, fields) \
         VALUES ('HO-1999-000001', 'T005', 0, 'customer_id,name');",
    );
    disagrees(&data, "handover_customers", &["HO-1999-000001", "T005"]);
}

#[test]
fn an_edited_handover_row_is_caught() {
    let w = World::new();
    let (_t, data) = w.copy();
    sql(
        &data,
        &format!(
            "UPDATE handovers SET return_by = '2099-12-31' WHERE id = '{}';",
            w.recent
        ),
    );
    disagrees(&data, "handovers", &[&w.recent, "return_by", "2099-12-31"]);

    // Closed in the table without a recorded destruction, and reopened.
    let (_t, data) = w.copy();
    sql(
        &data,
        &format!(
            "UPDATE handovers SET closed_on = '2020-02-01' WHERE id = '{}';",
            w.open_2020
        ),
    );
    disagrees(
        &data,
        "handovers",
        &[&w.open_2020, "no ledger entry records its return"],
    );
    let (_t, data) = w.copy();
    sql(
        &data,
        &format!(
            "UPDATE handovers SET closed_on = NULL WHERE id = '{}';",
            w.closed_2020
        ),
    );
    disagrees(&data, "handovers", &[&w.closed_2020, "open in the table"]);

    // A handover row no entry records.
    let (_t, data) = w.copy();
    let seq = seq_of(&data, "contractor.added");
    sql(
        &data,
        &format!(
            "INSERT INTO handovers (id, created_at, operator, contractor_id, work_type, method, \
             encryption, return_by, recipients, ledger_seq) VALUES ('HO-2026-999999', \
             '2026-11-23T09:00:00Z', 'x', 'CTR-0001', 'removal', 'paper', 'none', '2026-12-31', \
             '[]', {seq});"
        ),
    );
    disagrees(&data, "handovers", &["HO-2026-999999", "contractor.added"]);

    // A handover deleted.
    let (_t, data) = w.copy();
    sql(
        &data,
        &format!(
            "DELETE FROM handover_customers WHERE handover_id = '{0}'; \
             DELETE FROM handovers WHERE id = '{0}';",
            w.recent
        ),
    );
    disagrees(&data, "handovers", &[&w.recent, "missing from the table"]);
}

#[test]
fn an_edited_or_deleted_request_is_caught() {
    let w = World::new();
    let (_t, data) = w.copy();
    sql(
        &data,
        &format!("DELETE FROM requests WHERE id = '{}';", w.t003_request),
    );
    disagrees(
        &data,
        "requests",
        &[&w.t003_request, "missing from the table"],
    );

    // Accepted in the ledger, rejected in the table: the opt-out would no longer be enforced.
    let (_t, data) = w.copy();
    sql(
        &data,
        &format!(
            "UPDATE requests SET status = 'rejected' WHERE id = '{}';",
            w.t003_request
        ),
    );
    disagrees(&data, "requests", &[&w.t003_request, "status"]);

    let (_t, data) = w.copy();
    sql(
        &data,
        "INSERT INTO requests (id, customer_id, scope, received, channel, status, created_at, \
         updated_at) VALUES ('REQ-2026-9999', 'T005', 'all', '2026-11-01', 'phone', 'accepted', \
         'x', 'x');",
    );
    disagrees(
        &data,
        "requests",
        &["REQ-2026-9999", "no ledger entry records it"],
    );
}

#[test]
fn an_edited_customer_index_is_caught() {
    let w = World::new();
    // Unlinking a customer from a handover hides it from their history (R7, R10).
    let (_t, data) = w.copy();
    sql(
        &data,
        "DELETE FROM ledger_customers WHERE customer_id = 'T004' AND seq = (SELECT max(seq) FROM ledger_customers WHERE customer_id = 'T004');",
    );
    disagrees(&data, "ledger_customers", &["T004", "not linked"]);

    let (_t, data) = w.copy();
    let seq = seq_of(&data, "contractor.added");
    sql(
        &data,
        &format!("INSERT INTO ledger_customers (customer_id, seq) VALUES ('T005', {seq});"),
    );
    disagrees(
        &data,
        "ledger_customers",
        &["T005", &format!("entry {seq}"), "does not concern"],
    );

    let (_t, data) = w.copy();
    sql(
        &data,
        "INSERT INTO ledger_customers (customer_id, seq) VALUES ('T005', 9999);",
    );
    disagrees(
        &data,
        "ledger_customers",
        &["T005", "9999", "does not exist"],
    );
}

#[test]
fn rows_of_a_purged_record_left_behind_are_caught() {
    let w = World::new();
    let mut o = w.office();
    let r = ops::purge(&mut o, "2026-11-23").unwrap();
    let created = r.redacted[2];
    drop(o);
    let (_t, data) = w.copy();
    sql(
        &data,
        &format!(
            "INSERT INTO handovers (id, created_at, operator, contractor_id, work_type, method, \
             encryption, return_by, recipients, closed_on, ledger_seq) VALUES ('{}', \
             '2020-01-10T01:00:00Z', 'x', 'CTR-0001', 'removal', 'paper', 'none', '2020-02-09', \
             '[]', '2020-02-28', {created});",
            w.closed_2020
        ),
    );
    let o = support::open_at(&data);
    assert_eq!(
        support::entries(&o)[created as usize - 1].kind,
        "handover.created"
    );
    drop(o);
    disagrees(&data, "handovers", &[&w.closed_2020, "redacted by a purge"]);

    let (_t, data) = w.copy();
    sql(
        &data,
        &format!("INSERT INTO ledger_customers (customer_id, seq) VALUES ('T002', {created});"),
    );
    disagrees(&data, "ledger_customers", &["T002", "redacted by a purge"]);
}
