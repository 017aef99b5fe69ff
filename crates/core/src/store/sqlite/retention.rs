//! SQL for retention: finding customers past their contract end, and carrying out a purge.

use rusqlite::params;

use super::SqliteStore;
use super::customers::{CUSTOMER_COLUMNS, customer_from_row};
use super::ledger::append_in;
use crate::Result;
use crate::register::Customer;
use crate::store::{EventDraft, LedgerEntry, Purge};

/// Why a purge stopped half-way in its transaction (rolled back).
enum Stop {
    Sql(rusqlite::Error),
    /// A row or payload it names is already gone.
    Changed(String),
}

impl From<rusqlite::Error> for Stop {
    fn from(e: rusqlite::Error) -> Self {
        Stop::Sql(e)
    }
}

impl SqliteStore {
    pub(super) fn customers_ended_before_sql(&self, date: &str) -> rusqlite::Result<Vec<Customer>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {CUSTOMER_COLUMNS} FROM customers \
                 WHERE contract_ended IS NOT NULL AND contract_ended < ?1 ORDER BY customer_id"
            ))?
            .query_map([date], customer_from_row)?
            .collect()
    }

    pub(super) fn purge_sql(&mut self, p: &Purge, event: &EventDraft) -> Result<LedgerEntry> {
        let run = |store: &mut SqliteStore| -> std::result::Result<LedgerEntry, Stop> {
            let tx = store.conn.savepoint()?;
            let one = |n: usize, what: String| {
                if n == 1 {
                    Ok(())
                } else {
                    Err(Stop::Changed(what))
                }
            };
            {
                let mut del = tx.prepare_cached("DELETE FROM customers WHERE customer_id = ?1")?;
                for id in &p.customers {
                    one(del.execute([id])?, format!("customer {id}"))?;
                }
                let mut del = tx.prepare_cached("DELETE FROM requests WHERE id = ?1")?;
                for id in &p.requests {
                    one(del.execute([id])?, format!("request {id}"))?;
                }
                let mut del_c =
                    tx.prepare_cached("DELETE FROM handover_customers WHERE handover_id = ?1")?;
                let mut del_h = tx.prepare_cached("DELETE FROM handovers WHERE id = ?1")?;
                for id in &p.handovers {
                    del_c.execute([id])?;
                    one(del_h.execute([id])?, format!("handover {id}"))?;
                }
                // The update guard (migration 0004) lets exactly this through: a payload set to
                // NULL, every other column unchanged.
                let mut redact = tx.prepare_cached(
                    "UPDATE ledger SET payload = NULL WHERE seq = ?1 AND payload IS NOT NULL",
                )?;
                let mut unlink =
                    tx.prepare_cached("DELETE FROM ledger_customers WHERE seq = ?1")?;
                for seq in &p.redact {
                    one(
                        redact.execute(params![*seq as i64])?,
                        format!("the details of ledger entry {seq}"),
                    )?;
                    unlink.execute(params![*seq as i64])?;
                }
            }
            let e = append_in(&tx, event)?;
            tx.commit()?;
            Ok(e)
        };
        run(self).map_err(|stop| match stop {
            Stop::Sql(e) => self.err(e),
            Stop::Changed(what) => crate::refusal::Refusal::PurgeChanged { what }.into(),
        })
    }
}
