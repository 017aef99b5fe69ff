//! The PostgreSQL anchor: a throwaway hash-chained table, appended the simplest way (client-side
//! hash in a transaction under an advisory lock) and verified by one streamed SELECT.

use handover_core::store::postgres::Target;
use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

use crate::BoxError;
use crate::sqlite_anchor::{ProtoRow, proto_hash};

/// Connect to the anchor's database, creating its table on the first connection.
pub(crate) fn anchor_open(url: &str, create: bool) -> Result<Client, BoxError> {
    let mut c = Target::parse(url)?.connect(None)?;
    if create {
        c.batch_execute(
            "CREATE TABLE proto (seq BIGINT PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, \
             customer TEXT, payload TEXT NOT NULL, prev BYTEA NOT NULL, hash BYTEA NOT NULL); \
             CREATE INDEX proto_customer ON proto (customer);",
        )?;
    }
    Ok(c)
}

/// Append `rows` in one transaction after the chain's head, whoever else appends meanwhile.
pub(crate) fn anchor_append(c: &mut Client, rows: &[ProtoRow]) -> Result<(), BoxError> {
    let mut tx = c.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock(1)", &[])?;
    let head = tx.query_opt("SELECT seq, hash FROM proto ORDER BY seq DESC LIMIT 1", &[])?;
    let (mut seq, mut prev): (i64, Vec<u8>) = match head {
        Some(r) => (r.get(0), r.get(1)),
        None => (0, vec![0u8; 32]),
    };
    let ins = tx.prepare(
        "INSERT INTO proto (seq, at, kind, customer, payload, prev, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )?;
    for r in rows {
        let h = proto_hash(&prev, &r.at, &r.kind, &r.payload);
        seq += 1;
        tx.execute(
            &ins,
            &[
                &seq,
                &r.at,
                &r.kind,
                &r.customer,
                &r.payload,
                &prev,
                &&h[..],
            ],
        )?;
        prev = h.to_vec();
    }
    tx.commit()?;
    Ok(())
}

/// Read every row in order (streamed), recompute its hash, check the link: the rows verified.
pub(crate) fn anchor_verify(c: &mut Client) -> Result<u64, BoxError> {
    let mut rows = c.query_raw(
        "SELECT seq, at, kind, payload, prev, hash FROM proto ORDER BY seq",
        std::iter::empty::<i32>(),
    )?;
    let mut prev = [0u8; 32];
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        let (at, kind, payload): (&str, &str, &str) = (r.get(1), r.get(2), r.get(3));
        let (p, hash): (&[u8], &[u8]) = (r.get(4), r.get(5));
        let got = proto_hash(p, at, kind, payload);
        if p != prev || got[..] != *hash {
            return Err(format!("anchor chain broken at {}", r.get::<_, i64>(0)).into());
        }
        prev = got;
        n += 1;
    }
    Ok(n)
}
