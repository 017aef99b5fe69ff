//! A register import: one transaction for every upsert and its ledger entry.

use std::path::Path;

use rusqlite::{CachedStatement, Transaction, params};

use super::SqliteStore;
use super::customers::{
    CUSTOMER_BY_ID, INSERT_CUSTOMER, UPSERT_CUSTOMER, customer_from_row, stored_as, write_customer,
};
use super::ledger::{INDEX_CUSTOMER, append_in, head_in};
use crate::register::Customer;
use crate::store::{ColumnSet, EventDraft, ImportTx, LedgerEntry, Upsert};
use crate::{Error, Field, Result};

/// Customers indexed against an import's ledger entry while the import runs: how many, and an
/// order-independent digest of their ids (to check, at commit, that they are the entry's).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Indexed {
    count: usize,
    digest: u64,
}

impl Indexed {
    fn add(&mut self, id: &str) {
        // FNV-1a, summed.
        let h = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        self.count += 1;
        self.digest = self.digest.wrapping_add(h);
    }

    fn of(ids: &[String]) -> Indexed {
        let mut i = Indexed::default();
        ids.iter().for_each(|id| i.add(id));
        i
    }
}

struct SqliteImport<'a> {
    // Prepared once for the whole import (fields drop in order: these before the transaction).
    select: CachedStatement<'a>,
    upsert: CachedStatement<'a>,
    /// While the table was empty when the import began: the importer never repeats an id, so
    /// every customer is new and needs no lookup first.
    insert: Option<CachedStatement<'a>>,
    index: CachedStatement<'a>,
    /// The seq the import's ledger entry will have, once known (at the first change, when the
    /// transaction holds the write lock: no other entry can come first).
    seq: Option<u64>,
    /// Added and updated customers, already indexed against `seq` for the per-customer history
    /// as they are written (rather than all at commit, after the last row).
    indexed: Indexed,
    tx: Transaction<'a>,
    path: &'a Path,
}

impl SqliteImport<'_> {
    fn err(&self, source: rusqlite::Error) -> Error {
        Error::store(self.path.display(), source)
    }

    fn upsert_inner(
        &mut self,
        c: &Customer,
        cols: ColumnSet,
        at: &str,
    ) -> rusqlite::Result<Upsert> {
        if let Some(insert) = &mut self.insert {
            match write_customer(insert, c, at) {
                Ok(()) => return Ok(Upsert::Added),
                // Stored already after all (an id repeated): decide below, as for any store.
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation => {}
                Err(e) => return Err(e),
            }
        }
        let merged = {
            let mut rows = self.select.query([&c.customer_id])?;
            match rows.next()? {
                None => None,
                Some(r) if stored_as(r, c, cols)? => return Ok(Upsert::Unchanged),
                Some(r) => {
                    // The stored customer with the imported columns (and a new floor plan) laid
                    // over it.
                    let mut m = customer_from_row(r)?;
                    for f in Field::stored().filter(|f| cols.contains(*f)) {
                        if let Some(slot) = m.text_slot(f) {
                            *slot = c.text(f).map(str::to_string);
                        }
                    }
                    if c.floor_plan.is_some() {
                        m.floor_plan.clone_from(&c.floor_plan);
                    }
                    if cols.has_contract_ended() {
                        m.contract_ended.clone_from(&c.contract_ended);
                    }
                    Some(m)
                }
            }
        };
        match merged {
            None => {
                write_customer(&mut self.upsert, c, at)?;
                Ok(Upsert::Added)
            }
            Some(m) => {
                write_customer(&mut self.upsert, &m, at)?;
                Ok(Upsert::Updated)
            }
        }
    }
}

impl SqliteImport<'_> {
    /// Index a changed customer against the import's ledger entry.
    fn index_customer(&mut self, id: &str) -> rusqlite::Result<()> {
        let seq = match self.seq {
            Some(s) => s,
            None => *self
                .seq
                .insert(head_in(&self.tx)?.map_or(1, |(s, _)| s + 1)),
        };
        self.index.execute(params![id, seq as i64])?;
        self.indexed.add(id);
        Ok(())
    }
}

impl ImportTx for SqliteImport<'_> {
    fn upsert(&mut self, customer: &Customer, columns: ColumnSet, at: &str) -> Result<Upsert> {
        let run = |s: &mut Self| {
            let outcome = s.upsert_inner(customer, columns, at)?;
            if outcome != Upsert::Unchanged {
                s.index_customer(&customer.customer_id)?;
            }
            Ok(outcome)
        };
        run(self).map_err(|e| self.err(e))
    }

    fn commit(self: Box<Self>, event: EventDraft) -> Result<LedgerEntry> {
        let path = self.path;
        let err = |source| Error::store(path.display(), source);
        let SqliteImport {
            select,
            upsert,
            insert,
            index,
            seq,
            indexed,
            tx,
            ..
        } = *self;
        drop((select, upsert, insert, index));
        let mut event = event;
        let customers = std::mem::take(&mut event.customers);
        let run = || -> rusqlite::Result<LedgerEntry> {
            let e = append_in(&tx, &event)?;
            if seq.is_some_and(|s| s != e.seq) {
                // Cannot happen: the write lock was held since `seq` was read.
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the ledger moved on during the import".into()),
                ));
            }
            if Indexed::of(&customers) != indexed {
                // Not the customers indexed while importing: index exactly the event's.
                tx.execute(
                    "DELETE FROM ledger_customers WHERE seq = ?1",
                    [e.seq as i64],
                )?;
                let mut stmt = tx.prepare_cached(INDEX_CUSTOMER)?;
                for c in &customers {
                    stmt.execute(params![c, e.seq as i64])?;
                }
            }
            Ok(e)
        };
        let e = run().map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(e)
    }
}

impl SqliteStore {
    pub(super) fn begin_import_sql(&mut self) -> Result<Box<dyn ImportTx + '_>> {
        let path = &self.path;
        let err = |source| Error::store(path.display(), source);
        // `&mut self` is held for as long as the import lives, so no other transaction can
        // start on this connection; taking it shared lets the statements live beside the
        // transaction.
        let conn = &self.conn;
        let tx = conn.unchecked_transaction().map_err(err)?;
        let select = conn.prepare_cached(CUSTOMER_BY_ID).map_err(err)?;
        let upsert = conn.prepare_cached(UPSERT_CUSTOMER).map_err(err)?;
        let empty: bool = tx
            .query_row("SELECT NOT EXISTS (SELECT 1 FROM customers)", [], |r| {
                r.get(0)
            })
            .map_err(err)?;
        let insert = if empty {
            Some(conn.prepare_cached(INSERT_CUSTOMER).map_err(err)?)
        } else {
            None
        };
        let index = conn.prepare_cached(INDEX_CUSTOMER).map_err(err)?;
        Ok(Box::new(SqliteImport {
            select,
            upsert,
            insert,
            index,
            seq: None,
            indexed: Indexed::default(),
            tx,
            path,
        }))
    }
}

#[cfg(test)]
mod import_tests {
    use super::*;
    use crate::store::Store;

    fn customer(id: &str, name: &str) -> Customer {
        Customer {
            customer_id: id.into(),
            name: Some(name.into()),
            ..Customer::default()
        }
    }

    #[test]
    fn an_id_repeated_within_an_import_into_an_empty_store_is_not_added_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("store.sqlite3")).unwrap();
        let mut cols = ColumnSet::default();
        cols.insert(Field::CustomerId);
        cols.insert(Field::Name);
        let mut tx = store.begin_import().unwrap();
        let mut upsert = |c: &Customer| tx.upsert(c, cols, "2026-11-23T00:00:00Z").unwrap();
        assert_eq!(upsert(&customer("C1", "山田")), Upsert::Added);
        assert_eq!(upsert(&customer("C2", "佐藤")), Upsert::Added);
        assert_eq!(upsert(&customer("C1", "山田")), Upsert::Unchanged);
        assert_eq!(upsert(&customer("C1", "山本")), Upsert::Updated);
        drop(tx);
        assert_eq!(store.customer_count().unwrap(), 0, "dropped without commit");

        let mut tx = store.begin_import().unwrap();
        tx.upsert(&customer("C1", "山田"), cols, "t").unwrap();
        tx.commit(EventDraft {
            at: "2026-11-23T00:00:00Z".into(),
            kind: "register.imported".into(),
            actor: "test".into(),
            payload: serde_json::json!({}),
            customers: vec!["C1".into()],
        })
        .unwrap();
        assert_eq!(store.entries_for_customer("C1").unwrap().len(), 1);
        // Not empty any more: every customer is looked up first.
        let mut tx = store.begin_import().unwrap();
        assert_eq!(
            tx.upsert(&customer("C1", "山田"), cols, "t").unwrap(),
            Upsert::Unchanged
        );
        assert_eq!(
            tx.upsert(&customer("C1", "山本"), cols, "t").unwrap(),
            Upsert::Updated
        );
        assert_eq!(
            tx.upsert(&customer("C3", "林"), cols, "t").unwrap(),
            Upsert::Added
        );
        // The entry indexes the customers it names, whatever was indexed while importing.
        let e = tx
            .commit(EventDraft {
                at: "2026-11-23T00:00:01Z".into(),
                kind: "register.imported".into(),
                actor: "test".into(),
                payload: serde_json::json!({}),
                customers: vec!["C2".into()],
            })
            .unwrap();
        assert_eq!(e.seq, 2);
        assert_eq!(store.entries_for_customer("C1").unwrap().len(), 1);
        assert_eq!(store.entries_for_customer("C2").unwrap().len(), 1);
        assert!(store.entries_for_customer("C3").unwrap().is_empty());
        assert!(crate::store::verify_chain(&store).is_ok());
    }
}
