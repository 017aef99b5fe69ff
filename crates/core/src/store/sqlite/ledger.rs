//! The ledger's rows: appending an entry (sealed after the head, in the caller's transaction),
//! reading entries back, borrowed or owned, and the per-customer index.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use crate::store::ledger::chain;
use crate::store::{EventDraft, Hash, LedgerEntry};
use crate::{Error, Result};

pub(super) fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LedgerEntry> {
    Ok(LedgerEntry {
        seq: r.get::<_, i64>(0)? as u64,
        at: r.get(1)?,
        kind: r.get(2)?,
        actor: r.get(3)?,
        payload: r.get(4)?,
        payload_hash: blob32(r, 5)?,
        prev_hash: blob32(r, 6)?,
        hash: blob32(r, 7)?,
    })
}

/// Read a 32-byte hash in place (no allocation); anything else (someone edited it) reads as
/// 0xff bytes and fails to verify.
pub(super) fn blob32(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Hash> {
    Ok(match r.get_ref(i)? {
        ValueRef::Blob(b) | ValueRef::Text(b) => b.try_into().unwrap_or([0xff; 32]),
        _ => [0xff; 32],
    })
}

/// The ledger in seq order, for [`Store::for_each_entry_ref`] and the derived-table check.
pub(super) const LEDGER_IN_ORDER: &str = "SELECT seq, at, kind, actor, payload, payload_hash, prev_hash, hash \
     FROM ledger ORDER BY seq";

/// Walk the ledger, handing each entry to `f` borrowed from its row.
pub(super) fn walk_entries(
    conn: &Connection,
    path: &Path,
    f: &mut dyn FnMut(&chain::EntryRef<'_>) -> Result<()>,
) -> Result<()> {
    let err = |source| Error::store(path.display(), source);
    let mut stmt = conn.prepare(LEDGER_IN_ORDER).map_err(err)?;
    let mut rows = stmt.query([]).map_err(err)?;
    while let Some(r) = rows.next().map_err(err)? {
        f(&entry_ref(r).map_err(err)?)?;
    }
    Ok(())
}

/// An entry borrowed from its row. Text and BLOB columns are read as the bytes stored; a
/// column someone set to a number reads as empty and fails verification.
pub(super) fn entry_ref<'r>(r: &'r rusqlite::Row<'_>) -> rusqlite::Result<chain::EntryRef<'r>> {
    let bytes = |i: usize| -> rusqlite::Result<&'r [u8]> {
        Ok(match r.get_ref(i)? {
            ValueRef::Text(b) | ValueRef::Blob(b) => b,
            _ => &[],
        })
    };
    Ok(chain::EntryRef {
        seq: r.get::<_, i64>(0)? as u64,
        at: bytes(1)?,
        kind: bytes(2)?,
        actor: bytes(3)?,
        payload: match r.get_ref(4)? {
            ValueRef::Null => None,
            ValueRef::Text(b) | ValueRef::Blob(b) => Some(b),
            // A number is not what any entry hashed: it fails the payload hash.
            _ => Some(&[]),
        },
        payload_hash: bytes(5)?,
        prev_hash: bytes(6)?,
        hash: bytes(7)?,
    })
}

/// Append within an open transaction: seal after the current head, insert, move the head.
pub(super) fn append_in(tx: &Connection, event: &EventDraft) -> rusqlite::Result<LedgerEntry> {
    let head = head_in(tx)?;
    let e = chain::seal(head, event);
    tx.prepare_cached(
        "INSERT INTO ledger (seq, at, kind, actor, payload, payload_hash, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.seq as i64,
        e.at,
        e.kind,
        e.actor,
        e.payload,
        &e.payload_hash[..],
        &e.prev_hash[..],
        &e.hash[..]
    ])?;
    tx.prepare_cached(
        "INSERT INTO ledger_head (id, seq, hash) VALUES (1, ?1, ?2) \
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )?
    .execute(params![e.seq as i64, &e.hash[..]])?;
    let mut stmt = tx.prepare_cached(INDEX_CUSTOMER)?;
    for c in &event.customers {
        stmt.execute(params![c, e.seq as i64])?;
    }
    Ok(e)
}

pub(super) fn head_in(conn: &Connection) -> rusqlite::Result<Option<(u64, Hash)>> {
    conn.prepare_cached("SELECT seq, hash FROM ledger_head WHERE id = 1")?
        .query_row([], |r| {
            let v: Vec<u8> = r.get(1)?;
            Ok((
                r.get::<_, i64>(0)? as u64,
                v.try_into().unwrap_or([0xff; 32]),
            ))
        })
        .optional()
}

pub(super) const INDEX_CUSTOMER: &str =
    "INSERT OR IGNORE INTO ledger_customers (customer_id, seq) VALUES (?1, ?2)";

impl SqliteStore {
    pub(super) fn append_sql(&mut self, event: EventDraft) -> Result<LedgerEntry> {
        let path = self.path.clone();
        let mut run = || -> rusqlite::Result<LedgerEntry> {
            let tx = self.conn.savepoint()?;
            let e = append_in(&tx, &event)?;
            tx.commit()?;
            Ok(e)
        };
        run().map_err(|source| Error::store(path.display(), source))
    }

    pub(super) fn for_each_entry_sql(
        &self,
        f: &mut dyn FnMut(LedgerEntry) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, at, kind, actor, payload, payload_hash, prev_hash, hash FROM ledger \
                 ORDER BY seq",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            f(entry_from_row(r).map_err(|e| self.err(e))?)?;
        }
        Ok(())
    }

    pub(super) fn newest_entry_sql(&self, kind: &str) -> Result<Option<LedgerEntry>> {
        self.conn
            .prepare_cached(
                "SELECT seq, at, kind, actor, payload, payload_hash, prev_hash, hash FROM ledger \
                 WHERE kind = ?1 ORDER BY seq DESC LIMIT 1",
            )
            .and_then(|mut s| s.query_row([kind], entry_from_row).optional())
            .map_err(|e| self.err(e))
    }

    pub(super) fn entries_for_customer_sql(&self, customer_id: &str) -> Result<Vec<LedgerEntry>> {
        let run = || -> rusqlite::Result<Vec<LedgerEntry>> {
            self.conn
                .prepare_cached(
                    "SELECT l.seq, l.at, l.kind, l.actor, l.payload, l.payload_hash, l.prev_hash, \
                     l.hash FROM ledger_customers c JOIN ledger l ON l.seq = c.seq \
                     WHERE c.customer_id = ?1 ORDER BY l.seq",
                )?
                .query_map([customer_id], entry_from_row)?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod batch_tests {
    use super::*;
    use crate::store::Store;

    fn draft(n: u32) -> EventDraft {
        EventDraft {
            at: "2026-11-23T00:00:00Z".into(),
            kind: "test.event".into(),
            actor: "test".into(),
            payload: serde_json::json!({ "n": n }),
            customers: vec![format!("C{n}")],
        }
    }

    #[test]
    fn a_batch_lands_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("store.sqlite3")).unwrap();
        store
            .batch(|s| (0..100).try_for_each(|n| s.append(draft(n)).map(drop)))
            .unwrap();
        assert_eq!(store.ledger_head().unwrap().map(|h| h.0), Some(100));
        let e = store
            .batch(|s| {
                (100..150).try_for_each(|n| s.append(draft(n)).map(drop))?;
                Err::<(), _>(Error::Cancelled)
            })
            .unwrap_err();
        assert_eq!(e.code(), "cancelled");
        assert_eq!(store.ledger_head().unwrap().map(|h| h.0), Some(100));
        assert!(store.entries_for_customer("C120").unwrap().is_empty());
        // The store works normally afterwards, and the chain holds.
        store.append(draft(100)).unwrap();
        store.checkpoint().unwrap();
        assert_eq!(
            std::fs::metadata(dir.path().join("store.sqlite3-wal")).map_or(0, |m| m.len()),
            0,
            "the log is back in the database"
        );
        let r = crate::store::verify_chain(&store).unwrap();
        assert_eq!(r.entries, 101);
    }

    #[test]
    fn a_large_ledger_verifies_across_batches_and_names_the_first_bad_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite3");
        let mut store = SqliteStore::open(&path).unwrap();
        store
            .batch(|s| (0..10_000).try_for_each(|n| s.append(draft(n)).map(drop)))
            .unwrap();
        assert_eq!(crate::store::verify_chain(&store).unwrap().entries, 10_000);
        drop(store);
        // Two edits in different batches of the hashing thread: the first is named.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TRIGGER ledger_no_update; \
             UPDATE ledger SET actor = 'x' WHERE seq IN (5000, 9000);",
        )
        .unwrap();
        drop(conn);
        let store = SqliteStore::open(&path).unwrap();
        match crate::store::verify_chain(&store) {
            Err(Error::LedgerBroken { seq, .. }) => assert_eq!(seq, 5000),
            other => panic!("{other:?}"),
        }
    }
}
