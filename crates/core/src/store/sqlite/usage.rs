//! The record of use's rows (see [`crate::usage`]): a use inserted in its own transaction, a
//! batch sealed under the write lock, and the rows read back for reports and verification.

use rusqlite::{Connection, params};

use super::SqliteStore;
use super::derived::{int, opt_int, text};
use super::ledger::append_in;
use crate::store::{EventDraft, LedgerEntry};
use crate::usage::{PendingBatch, UsageEntry, UsageQuery, UseDraft};
use crate::{Error, Result};

const USE_COLUMNS: &str = "u.id, u.at, u.operator, u.kind, u.detail, u.count, u.sealed_by";

/// A row without its customers. Read as text whatever is stored, so that an edited value is
/// reported by verification rather than failing the read.
fn use_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UsageEntry> {
    Ok(UsageEntry {
        id: int(r, 0)? as u64,
        at: text(r, 1)?,
        operator: text(r, 2)?,
        kind: text(r, 3)?,
        detail: text(r, 4)?,
        count: int(r, 5)? as u64,
        customers: Vec::new(),
        sealed_by: opt_int(r, 6)?.map(|s| s as u64),
    })
}

/// A use's customers, by id.
fn customers_of(conn: &Connection, id: u64) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT customer_id FROM usage_customers WHERE usage_id = ?1 ORDER BY customer_id",
    )?
    .query_map([id as i64], |r| text(r, 0))?
    .collect()
}

/// Rows matching `cond` (SQL over `u`), with their customers, in id order.
fn rows_where(
    conn: &Connection,
    cond: &str,
    params: &[&dyn rusqlite::ToSql],
) -> rusqlite::Result<Vec<UsageEntry>> {
    let mut rows: Vec<UsageEntry> = conn
        .prepare_cached(&format!(
            "SELECT {USE_COLUMNS} FROM usage u {cond} ORDER BY u.id"
        ))?
        .query_map(params, use_row)?
        .collect::<rusqlite::Result<_>>()?;
    for r in &mut rows {
        r.customers = customers_of(conn, r.id)?;
    }
    Ok(rows)
}

impl SqliteStore {
    pub(super) fn record_use_sql(&mut self, u: &UseDraft) -> Result<u64> {
        let path = self.path.clone();
        let mut run = || -> rusqlite::Result<u64> {
            let tx = self.conn.savepoint()?;
            tx.prepare_cached(
                "INSERT INTO usage (at, operator, kind, detail, count) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                u.at,
                u.operator,
                u.kind.id(),
                u.detail,
                u.customers.len() as i64
            ])?;
            let id = tx.last_insert_rowid();
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO usage_customers (usage_id, customer_id) VALUES (?1, ?2)",
            )?;
            for c in &u.customers {
                stmt.execute(params![id, c])?;
            }
            drop(stmt);
            tx.commit()?;
            Ok(id as u64)
        };
        run().map_err(|e| Error::store(path.display(), e))
    }

    pub(super) fn pending_uses_sql(&self) -> Result<Vec<PendingBatch>> {
        let run = || -> rusqlite::Result<Vec<PendingBatch>> {
            self.conn
                .prepare_cached(
                    "SELECT operator, count(*), min(at) FROM usage WHERE sealed_by IS NULL \
                     GROUP BY operator ORDER BY operator",
                )?
                .query_map([], |r| {
                    Ok(PendingBatch {
                        operator: text(r, 0)?,
                        entries: int(r, 1)? as u64,
                        oldest: text(r, 2)?,
                    })
                })?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Seal `operator`'s waiting uses in one write transaction (BEGIN IMMEDIATE takes the write
    /// lock before the rows are read, so two processes never seal the same rows).
    pub(super) fn seal_uses_sql(
        &mut self,
        operator: &str,
        build: &mut dyn FnMut(&[UsageEntry]) -> EventDraft,
    ) -> Result<Option<LedgerEntry>> {
        let own = self.conn.is_autocommit();
        if own {
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| self.err(e))?;
        }
        let result = (|| -> rusqlite::Result<Option<LedgerEntry>> {
            let tx = self.conn.savepoint()?;
            let rows = rows_where(
                &tx,
                "WHERE u.sealed_by IS NULL AND u.operator = ?1",
                &[&operator],
            )?;
            if rows.is_empty() {
                return Ok(None);
            }
            let e = append_in(&tx, &build(&rows))?;
            let mut stmt = tx.prepare_cached("UPDATE usage SET sealed_by = ?1 WHERE id = ?2")?;
            for r in &rows {
                stmt.execute(params![e.seq as i64, r.id as i64])?;
            }
            drop(stmt);
            tx.commit()?;
            Ok(Some(e))
        })();
        if own {
            let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
            self.conn.execute_batch(end).map_err(|e| self.err(e))?;
        }
        result.map_err(|e| self.err(e))
    }

    pub(super) fn uses_sql(&self, q: &UsageQuery) -> Result<Vec<UsageEntry>> {
        let mut cond: Vec<String> = Vec::new();
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::new();
        let mut from = "";
        if let Some(c) = &q.customer_id {
            from = "JOIN usage_customers k ON k.usage_id = u.id";
            params.push(c);
            cond.push(format!("k.customer_id = ?{}", params.len()));
        }
        for (col, op, v) in [
            ("u.operator", "=", &q.operator),
            ("u.at", ">=", &q.from),
            ("u.at", "<", &q.before),
        ] {
            if let Some(v) = v {
                params.push(v);
                cond.push(format!("{col} {op} ?{}", params.len()));
            }
        }
        let clause = if cond.is_empty() {
            from.to_string()
        } else {
            format!("{from} WHERE {}", cond.join(" AND "))
        };
        rows_where(&self.conn, &clause, &params).map_err(|e| self.err(e))
    }

    /// Every use in id order, its customers read side by side from their own table.
    pub(super) fn for_each_use_sql(
        &self,
        f: &mut dyn FnMut(UsageEntry) -> Result<()>,
    ) -> Result<()> {
        let err = |e| Error::store(self.path.display(), e);
        let mut us = self
            .conn
            .prepare(&format!("SELECT {USE_COLUMNS} FROM usage u ORDER BY u.id"))
            .map_err(err)?;
        let mut cs = self
            .conn
            .prepare(
                "SELECT usage_id, customer_id FROM usage_customers ORDER BY usage_id, customer_id",
            )
            .map_err(err)?;
        let mut customers = cs
            .query_map([], |r| Ok((int(r, 0)?, text(r, 1)?)))
            .map_err(err)?
            .peekable();
        let mut rows = us.query([]).map_err(err)?;
        while let Some(r) = rows.next().map_err(err)? {
            let mut u = use_row(r).map_err(err)?;
            // Customers of ids no row has (a deleted use) are skipped: its seal names it.
            while let Some(Ok((id, _))) = customers.peek() {
                if *id > u.id as i64 {
                    break;
                }
                let (id, c) = customers.next().and_then(|c| c.ok()).unwrap_or_default();
                if id == u.id as i64 {
                    u.customers.push(c);
                }
            }
            if let Some(Err(_)) = customers.peek() {
                customers.next().transpose().map_err(err)?;
            }
            f(u)?;
        }
        Ok(())
    }
}
