//! Readers of the ledger for verifying it on several cores ([`crate::store::LedgerReaders`]):
//! each a read-only connection of its own (with the store's key on an encrypted store), in a
//! read transaction that holds one state of the file while the others read it too (WAL lets
//! readers share a snapshot-consistent view with the writer going on).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::StoreKey;
use super::ledger::{entry_ref, head_in};
use crate::store::{EntryRef, Hash, LedgerReader, LedgerReaders};
use crate::{Error, Result};

const LEDGER_RANGE: &str = "SELECT seq, at, kind, actor, payload, payload_hash, prev_hash, hash \
     FROM ledger WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq";

/// How often readers are opened again when another connection appended while they opened.
const ATTEMPTS: usize = 3;

struct Reader {
    conn: Connection,
    path: PathBuf,
}

impl LedgerReader for Reader {
    fn walk_range(
        &mut self,
        from: i64,
        to: i64,
        f: &mut dyn FnMut(&EntryRef<'_>) -> Result<()>,
    ) -> Result<()> {
        let err = |source| Error::store(self.path.display(), source);
        let mut stmt = self.conn.prepare_cached(LEDGER_RANGE).map_err(err)?;
        let mut rows = stmt.query([from, to]).map_err(err)?;
        while let Some(r) = rows.next().map_err(err)? {
            f(&entry_ref(r).map_err(err)?)?;
        }
        Ok(())
    }
}

/// A read-only connection to `path` inside a read transaction, and the head it sees.
fn open_reader(
    path: &Path,
    key: Option<&StoreKey>,
) -> rusqlite::Result<(Reader, Option<(u64, Hash)>)> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    if let Some(key) = key {
        super::cipher::apply_key(&conn, key)?;
    }
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // The transaction's first read fixes the state it sees until it ends (with the reader).
    conn.execute_batch("BEGIN")?;
    let head = head_in(&conn)?;
    let reader = Reader {
        conn,
        path: path.to_path_buf(),
    };
    Ok((reader, head))
}

/// `n` readers of the store at `path` that all see the same head, hence the same ledger: every
/// change to it (a purge's redactions included) appends an entry. `None` when appends kept
/// coming between the openings.
pub(super) fn readers(
    path: &Path,
    key: Option<&StoreKey>,
    n: usize,
) -> Result<Option<LedgerReaders>> {
    let err = |source| Error::store(path.display(), source);
    for _ in 0..ATTEMPTS {
        let mut heads = Vec::with_capacity(n);
        let mut readers: Vec<Box<dyn LedgerReader>> = Vec::with_capacity(n);
        for _ in 0..n {
            let (r, head) = open_reader(path, key).map_err(err)?;
            heads.push(head);
            readers.push(Box::new(r));
        }
        if heads.windows(2).all(|w| w[0] == w[1]) {
            return Ok(Some(LedgerReaders {
                head: heads[0],
                readers,
            }));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{EventDraft, SqliteStore, Store, verify_chain_with};
    use zeroize::Zeroizing;

    fn draft(n: u32) -> EventDraft {
        EventDraft {
            at: "2026-12-06T00:00:00Z".into(),
            kind: "test.event".into(),
            actor: "検証係".into(),
            payload: serde_json::json!({ "n": n }),
            customers: vec![format!("C{n}")],
        }
    }

    fn key() -> StoreKey {
        StoreKey::from_bytes(Zeroizing::new([0x5a; 32]))
    }

    /// An encrypted store of `n` entries.
    fn store(dir: &Path, n: u32) -> SqliteStore {
        let mut s = SqliteStore::open_encrypted(&dir.join("store.sqlite3"), &key()).unwrap();
        s.batch(|s| (0..n).try_for_each(|i| s.append(draft(i)).map(drop)))
            .unwrap();
        s
    }

    /// The outcome, in segments on 3 readers and walked on one connection.
    fn both(s: &SqliteStore) -> (String, String) {
        let show = |r: Result<crate::store::VerifyReport>| match r {
            Ok(r) => format!("ok {} {:?}", r.entries, r.head),
            Err(Error::LedgerBroken { seq, reason }) => format!("broken {seq}: {reason}"),
            Err(e) => format!("error {e}"),
        };
        (
            show(verify_chain_with(s, 3, 100)),
            show(verify_chain_with(s, 1, 100)),
        )
    }

    #[test]
    fn readers_of_an_encrypted_store_verify_it_in_segments_as_one_walk_does() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path(), 3000);
        let r = s.ledger_readers(3).unwrap().expect("readers");
        assert_eq!((r.readers.len(), r.head), (3, s.ledger_head().unwrap()));
        let (segments, one) = both(&s);
        assert_eq!(segments, one);
        assert!(segments.starts_with("ok 3000"), "{segments}");
    }

    #[test]
    fn readers_keep_the_state_they_opened_on_while_the_store_appends() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(dir.path(), 500);
        let before = s.ledger_head().unwrap();
        let readers = s.ledger_readers(2).unwrap().expect("readers");
        for i in 500..520 {
            s.append(draft(i)).unwrap();
        }
        assert_eq!(readers.head, before);
        let r = crate::store::ledger::segments_verify_for_tests(readers, 64).unwrap();
        assert_eq!(
            r.entries, 500,
            "the 20 later entries are not in the readers' state"
        );
        assert_eq!(
            both(&s).0,
            "ok 520 ".to_string()
                + &format!(
                    "{:?}",
                    s.ledger_head().unwrap().map(|(_, h)| hex::encode(h))
                )
        );
    }

    #[test]
    fn tampering_read_by_segments_is_named_as_one_walk_names_it() {
        for (sql, seq) in [
            (
                "UPDATE ledger SET actor = 'x' WHERE seq IN (1234, 2500)",
                1234,
            ),
            ("DELETE FROM ledger WHERE seq = 1800", 1801),
            ("DELETE FROM ledger WHERE seq > 2990", 2991),
            ("UPDATE ledger SET payload = NULL WHERE seq = 700", 700),
            ("UPDATE ledger SET seq = 0 WHERE seq = 1", 0),
        ] {
            let dir = tempfile::tempdir().unwrap();
            drop(store(dir.path(), 3000));
            let path = dir.path().join("store.sqlite3");
            let conn = Connection::open(&path).unwrap();
            super::super::cipher::apply_key(&conn, &key()).unwrap();
            conn.execute_batch(&format!(
                "DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete; {sql};"
            ))
            .unwrap();
            drop(conn);
            let s = SqliteStore::open_encrypted(&path, &key()).unwrap();
            let (segments, one) = both(&s);
            assert_eq!(segments, one, "{sql}");
            assert!(
                segments.starts_with(&format!("broken {seq}:")),
                "{sql}: {segments}"
            );
        }
    }

    #[test]
    fn a_wrong_key_opens_no_reader() {
        let dir = tempfile::tempdir().unwrap();
        drop(store(dir.path(), 10));
        let other = StoreKey::from_bytes(Zeroizing::new([0x11; 32]));
        let e = open_reader(&dir.path().join("store.sqlite3"), Some(&other));
        assert!(e.is_err());
    }
}
