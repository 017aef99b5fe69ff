//! The record of use on the shared store (see [`crate::usage`]): the same rows as the embedded
//! store's, each use recorded under the signed-in login, a batch sealed under the ledger's lock
//! so two PCs never seal the same uses.

use postgres::Row;
use postgres::types::ToSql;

use super::{At, PgStore, append_in};
use crate::Result;
use crate::store::{EventDraft, LedgerEntry};
use crate::usage::{PendingBatch, UsageEntry, UsageQuery, UseDraft};

/// A use with its customers (sorted), grouped in one query.
const USE_SELECT: &str = "SELECT u.id, u.at, u.operator, u.kind, u.detail, u.count, u.sealed_by, \
     coalesce(array_agg(k.customer_id ORDER BY k.customer_id) \
              FILTER (WHERE k.customer_id IS NOT NULL), '{}') \
     FROM usage u LEFT JOIN usage_customers k ON k.usage_id = u.id";

fn use_row(r: &Row) -> UsageEntry {
    UsageEntry {
        id: r.get::<_, i64>(0) as u64,
        at: r.get(1),
        operator: r.get(2),
        kind: r.get(3),
        detail: r.get(4),
        count: r.get::<_, i64>(5) as u64,
        sealed_by: r.get::<_, Option<i64>>(6).map(|s| s as u64),
        customers: r.get(7),
    }
}

/// `WHERE` and its parameters for a query (over `u`, and `usage_customers` as `c`).
fn query_clause(q: &UsageQuery) -> (String, Vec<&(dyn ToSql + Sync)>) {
    let mut cond: Vec<String> = Vec::new();
    let mut params: Vec<&(dyn ToSql + Sync)> = Vec::new();
    if let Some(c) = &q.customer_id {
        params.push(c);
        cond.push(format!(
            "u.id IN (SELECT usage_id FROM usage_customers WHERE customer_id = ${})",
            params.len()
        ));
    }
    for (col, op, v) in [
        ("u.operator", "=", &q.operator),
        ("u.at", ">=", &q.from),
        ("u.at", "<", &q.before),
    ] {
        if let Some(v) = v {
            params.push(v);
            cond.push(format!("{col} {op} ${}", params.len()));
        }
    }
    let clause = if cond.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", cond.join(" AND "))
    };
    (clause, params)
}

impl PgStore {
    pub(super) fn record_use_pg(&mut self, u: &UseDraft) -> Result<u64> {
        self.tx(|c, loc| {
            let id: i64 = c
                .query_one(
                    "INSERT INTO usage (at, operator, kind, detail, count) \
                     VALUES ($1, session_user, $2, $3, $4) RETURNING id",
                    &[&u.at, &u.kind.id(), &u.detail, &(u.customers.len() as i64)],
                )
                .at(loc)?
                .get(0);
            c.execute(
                "INSERT INTO usage_customers (usage_id, customer_id) \
                 SELECT DISTINCT $1::BIGINT, k FROM unnest($2::TEXT[]) AS k",
                &[&id, &u.customers],
            )
            .at(loc)?;
            Ok(id as u64)
        })
    }

    pub(super) fn pending_uses_pg(&self) -> Result<Vec<PendingBatch>> {
        Ok(self
            .query(
                "SELECT operator, count(*), min(at) FROM usage WHERE sealed_by IS NULL \
                 GROUP BY operator ORDER BY operator",
                &[],
            )?
            .iter()
            .map(|r| PendingBatch {
                operator: r.get(0),
                entries: r.get::<_, i64>(1) as u64,
                oldest: r.get(2),
            })
            .collect())
    }

    pub(super) fn seal_uses_pg(
        &mut self,
        operator: &str,
        build: &mut dyn FnMut(&[UsageEntry]) -> EventDraft,
    ) -> Result<Option<LedgerEntry>> {
        self.tx(|c, loc| {
            // The ledger's lock first: a second PC sealing the same operator waits, then finds
            // nothing left to seal.
            c.execute("SELECT ledger_lock()", &[]).at(loc)?;
            let rows: Vec<UsageEntry> = c
                .query(
                    &format!(
                        "{USE_SELECT} WHERE u.sealed_by IS NULL AND u.operator = $1 \
                         GROUP BY u.id ORDER BY u.id"
                    ),
                    &[&operator],
                )
                .at(loc)?
                .iter()
                .map(use_row)
                .collect();
            if rows.is_empty() {
                return Ok(None);
            }
            let e = append_in(c, &build(&rows), loc)?;
            let ids: Vec<i64> = rows.iter().map(|r| r.id as i64).collect();
            c.execute(
                "UPDATE usage SET sealed_by = $1 WHERE id = ANY($2)",
                &[&(e.seq as i64), &ids],
            )
            .at(loc)?;
            Ok(Some(e))
        })
    }

    pub(super) fn uses_pg(&self, q: &UsageQuery) -> Result<Vec<UsageEntry>> {
        let (clause, params) = query_clause(q);
        Ok(self
            .query(
                &format!("{USE_SELECT} {clause} GROUP BY u.id ORDER BY u.id"),
                &params,
            )?
            .iter()
            .map(use_row)
            .collect())
    }

    pub(super) fn for_each_use_pg(
        &self,
        f: &mut dyn FnMut(UsageEntry) -> Result<()>,
    ) -> Result<()> {
        for u in self.uses_pg(&UsageQuery::default())? {
            f(u)?;
        }
        Ok(())
    }
}
