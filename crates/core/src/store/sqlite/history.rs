//! SQL for the provision record: one row per customer per handover.
//!
//! The statement is built from the filters actually given rather than written once with
//! `?n IS NULL OR col = ?n` guards: SQLite cannot use an index through such a guard, and the
//! history of one customer must come from `handover_customers_by_customer`, not a scan of every
//! handover ever made.

use rusqlite::types::ToSql;

use super::SqliteStore;
use super::handovers::{typed, typed_opt};
use crate::history::{self, Basis, ProvisionQuery, ProvisionRow};
use crate::store::fields_from_db;

const SELECT: &str = "SELECT h.id, h.created_at, h.contractor_id, k.name, h.work_type, h.method, \
     h.encryption, h.return_by, h.closed_on, hc.customer_id, c.name, hc.fields \
     FROM handover_customers hc \
     JOIN handovers h ON h.id = hc.handover_id \
     LEFT JOIN customers c ON c.customer_id = hc.customer_id \
     LEFT JOIN contractors k ON k.id = h.contractor_id";

/// A stored instant bound: `YYYY-MM-DDTHH:MM:SS` in UTC, no zone designator. Stored times are
/// RFC 3339 UTC (`…:SSZ` or `…:SS.fffZ`); compared as text, a stored time is `>=` this bound
/// exactly when its second is not earlier, whatever its fraction, so the comparison is exact
/// for whole-second bounds and can use the `created_at` index.
fn bound(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

/// The statement and its parameters for a query.
pub(super) fn provisions_statement(q: &ProvisionQuery) -> (String, Vec<Box<dyn ToSql>>) {
    let mut conds: Vec<&str> = Vec::new();
    let mut params: Vec<Box<dyn ToSql>> = Vec::new();
    if let Some(c) = &q.customer_id {
        conds.push("hc.customer_id = ?");
        params.push(Box::new(c.clone()));
    }
    if let Some(c) = &q.contractor_id {
        conds.push("h.contractor_id = ?");
        params.push(Box::new(c.clone()));
    }
    if let Some(w) = q.work_type {
        conds.push("h.work_type = ?");
        params.push(Box::new(w.id()));
    }
    if !q.handover_ids.is_empty() {
        conds.push("h.id IN (SELECT value FROM json_each(?))");
        params.push(Box::new(
            serde_json::to_string(&q.handover_ids).unwrap_or_else(|_| "[]".into()),
        ));
    }
    if let Some(t) = q.created_from {
        conds.push("h.created_at >= ?");
        params.push(Box::new(bound(t)));
    }
    if let Some(t) = q.created_before {
        conds.push("h.created_at < ?");
        params.push(Box::new(bound(t)));
    }
    let mut sql = SELECT.to_string();
    if !conds.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conds.join(" AND "));
    }
    // In the order recorded (the ledger's), not by the `created_at` text: RFC 3339 times with
    // fractions of varying length do not sort as times ("…:41.5Z" after "…:41.56Z").
    sql.push_str(" ORDER BY h.ledger_seq, h.id, hc.position");
    (sql, params)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProvisionRow> {
    const T: &str = "handovers";
    let created_at: jiff::Timestamp = typed(r, 1, "creation time", T)?;
    let fields: String = r.get(11)?;
    Ok(ProvisionRow {
        date: history::local_date(created_at),
        created_at,
        handover_id: r.get(0)?,
        contractor_id: r.get(2)?,
        contractor_name: r.get(3)?,
        work_type: typed(r, 4, "work type", T)?,
        method: typed(r, 5, "method", T)?,
        encryption: typed(r, 6, "encryption", T)?,
        return_by: typed(r, 7, "return-by date", T)?,
        closed_on: typed_opt(r, 8, "closing date", T)?,
        customer_id: r.get(9)?,
        customer_name: r.get(10)?,
        fields: fields_from_db(&fields),
        basis: Basis::Entrustment,
        overdue: false,
    })
}

impl SqliteStore {
    pub(super) fn provisions_sql(&self, q: &ProvisionQuery) -> rusqlite::Result<Vec<ProvisionRow>> {
        let (sql, params) = provisions_statement(q);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
        stmt.query_map(refs.as_slice(), row)?.collect()
    }

    /// SQLite's plan for a query, one line per step (tests check that indexes are used).
    #[cfg(test)]
    fn plan(&self, q: &ProvisionQuery) -> Vec<String> {
        let (sql, params) = provisions_statement(q);
        let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
        let mut stmt = self
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        stmt.query_map(refs.as_slice(), |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WorkType;

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(&dir.path().join("store.sqlite3")).unwrap();
        (dir, s)
    }

    #[track_caller]
    fn uses(plan: &[String], needle: &str) {
        assert!(
            plan.iter().any(|l| l.contains(needle)),
            "{needle:?} not in the plan {plan:#?}"
        );
    }

    #[test]
    fn one_customers_history_is_read_through_the_customer_index() {
        let (_d, s) = store();
        let plan = s.plan(&ProvisionQuery {
            customer_id: Some("C0001".into()),
            ..Default::default()
        });
        uses(
            &plan,
            "USING INDEX handover_customers_by_customer (customer_id=?)",
        );
        assert!(
            !plan.iter().any(|l| l.starts_with("SCAN")),
            "a scan in {plan:#?}"
        );
        // With a period too, the customer index still leads.
        let plan = s.plan(&ProvisionQuery {
            customer_id: Some("C0001".into()),
            created_from: Some("2026-01-01T00:00:00Z".parse().unwrap()),
            work_type: Some(WorkType::Repair),
            ..Default::default()
        });
        uses(&plan, "handover_customers_by_customer");
        assert!(!plan.iter().any(|l| l.starts_with("SCAN")), "{plan:#?}");
    }

    #[test]
    fn a_contractor_period_and_handover_list_use_their_indexes() {
        let (_d, s) = store();
        let plan = s.plan(&ProvisionQuery {
            contractor_id: Some("CTR-0001".into()),
            ..Default::default()
        });
        uses(&plan, "handovers_by_contractor");
        let plan = s.plan(&ProvisionQuery {
            created_from: Some("2026-01-01T00:00:00Z".parse().unwrap()),
            created_before: Some("2026-02-01T00:00:00Z".parse().unwrap()),
            ..Default::default()
        });
        uses(&plan, "handovers_by_created");
        let plan = s.plan(&ProvisionQuery {
            handover_ids: vec!["HO-2026-000001".into()],
            ..Default::default()
        });
        assert!(
            !plan
                .iter()
                .any(|l| l.starts_with("SCAN h") || l.starts_with("SCAN hc")),
            "{plan:#?}"
        );
    }

    #[test]
    fn bounds_compare_exactly_with_stored_instants() {
        let b = bound("2026-11-22T15:00:00.700Z".parse().unwrap());
        assert_eq!(b, "2026-11-22T15:00:00");
        for (stored, at_or_after) in [
            ("2026-11-22T15:00:00Z", true),
            ("2026-11-22T15:00:00.001Z", true),
            ("2026-11-22T15:00:01Z", true),
            ("2026-11-22T14:59:59.999Z", false),
            ("2026-11-22T14:59:59Z", false),
        ] {
            assert_eq!(stored >= b.as_str(), at_or_after, "{stored}");
        }
    }
}
