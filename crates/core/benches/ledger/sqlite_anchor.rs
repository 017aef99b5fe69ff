//! The SQLite anchor: a throwaway hash-chained table.

use std::path::Path;

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use crate::BoxError;

pub(crate) fn proto_open(path: &Path) -> rusqlite::Result<Connection> {
    let c = Connection::open(path)?;
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.pragma_update(None, "synchronous", "FULL")?;
    c.execute_batch(
        "CREATE TABLE IF NOT EXISTS proto (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, \
         kind TEXT NOT NULL, customer TEXT, payload TEXT NOT NULL, prev BLOB NOT NULL, \
         hash BLOB NOT NULL); \
         CREATE INDEX IF NOT EXISTS proto_customer ON proto (customer);",
    )?;
    Ok(c)
}

pub(crate) struct ProtoRow {
    pub(crate) at: String,
    pub(crate) kind: String,
    pub(crate) customer: Option<String>,
    pub(crate) payload: String,
}

pub(crate) fn proto_hash(prev: &[u8], at: &str, kind: &str, payload: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(at.as_bytes());
    h.update(kind.as_bytes());
    h.update(payload.as_bytes());
    h.finalize().into()
}

pub(crate) fn proto_append(
    c: &mut Connection,
    rows: &[ProtoRow],
    last: &mut (i64, [u8; 32]),
) -> rusqlite::Result<()> {
    let tx = c.transaction()?;
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO proto (seq, at, kind, customer, payload, prev, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for r in rows {
            let h = proto_hash(&last.1, &r.at, &r.kind, &r.payload);
            ins.execute(params![
                last.0 + 1,
                r.at,
                r.kind,
                r.customer,
                r.payload,
                &last.1[..],
                &h[..]
            ])?;
            *last = (last.0 + 1, h);
        }
    }
    tx.commit()
}

pub(crate) fn proto_verify(c: &Connection) -> Result<u64, BoxError> {
    let mut s = c.prepare("SELECT seq, at, kind, payload, prev, hash FROM proto ORDER BY seq")?;
    let mut rows = s.query([])?;
    let mut prev = [0u8; 32];
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        let bytes = |i: usize| r.get_ref(i).map(|v| v.as_bytes().unwrap_or(&[]));
        let (at, kind, payload, p, hash) = (bytes(1)?, bytes(2)?, bytes(3)?, bytes(4)?, bytes(5)?);
        let mut h = Sha256::new();
        h.update(p);
        h.update(at);
        h.update(kind);
        h.update(payload);
        let got: [u8; 32] = h.finalize().into();
        if p != prev || got[..] != *hash {
            return Err(format!("anchor chain broken at {}", r.get::<_, i64>(0)?).into());
        }
        prev = got;
        n += 1;
    }
    Ok(n)
}

/// The anchor's rows for the next `n` generated events: their payload texts (serialized here,
/// untimed).
pub(crate) fn proto_rows(g: &mut crate::events::Gen, n: usize) -> Vec<ProtoRow> {
    (0..n)
        .map(|_| {
            let ev = g.next();
            let d = ev.draft();
            ProtoRow {
                at: d.at.clone(),
                kind: d.kind.clone(),
                customer: d.customers.first().cloned(),
                payload: d.payload.to_string(),
            }
        })
        .collect()
}
