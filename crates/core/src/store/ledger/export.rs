//! The ledger as JSON lines, for an auditor to re-verify with nothing but SHA-256.
//!
//! The first line is a header; every other line is one entry, in seq order:
//!
//! ```text
//! {"format":"handover-ledger-export","version":1,"hashText":"handover-ledger/v1","purgeKind":"retention.purged","exportedAt":"…","head":{"seq":N,"hash":"<hex>"}}
//! {"seq":1,"at":"…","kind":"…","actor":"…","payload":"<JSON text>"|null,"payloadHash":"<hex>","prevHash":"<hex>","hash":"<hex>"}
//! ```
//!
//! `payload` is the stored JSON text as a string (not re-encoded: its SHA-256 must be
//! `payloadHash`), or `null` where a purge redacted it. `head` is the ledger head when the
//! export began (`null` for an empty ledger). How an entry hash is formed is in
//! [`super::chain`]; `tools/verify_ledger_export.py` is a complete outside verifier.
//!
//! The export is written as the store holds it, without verifying first: a damaged ledger is
//! exactly what an auditor needs to see, and the outside verifier names the bad entry.

use std::io::Write;

use serde::Serialize;

use super::chain::{EntryRef, Hash, PURGE_KIND};
use crate::Result;
use crate::store::Store;

/// The format name in the header line.
pub const FORMAT: &str = "handover-ledger-export";

/// The format version in the header line.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Header<'a> {
    format: &'a str,
    version: u32,
    hash_text: &'a str,
    purge_kind: &'a str,
    exported_at: &'a str,
    head: Option<HeadLine>,
}

#[derive(Serialize)]
struct HeadLine {
    seq: u64,
    hash: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line<'a> {
    seq: u64,
    at: &'a str,
    kind: &'a str,
    actor: &'a str,
    payload: Option<&'a str>,
    payload_hash: &'a str,
    prev_hash: &'a str,
    hash: &'a str,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// Entry lines written.
    pub entries: u64,
    /// The head named in the header.
    pub head: Option<(u64, Hash)>,
}

/// Lower-case hex of a stored digest into `buf` (any length: an edited hash is exported as
/// stored, for the verifier to catch).
fn hex<'b>(bytes: &[u8], buf: &'b mut Vec<u8>) -> &'b str {
    buf.clear();
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        buf.push(DIGITS[usize::from(b >> 4)]);
        buf.push(DIGITS[usize::from(b & 0x0f)]);
    }
    std::str::from_utf8(buf).unwrap_or_default()
}

/// Write the export of `store` to `out` (buffer it: one `write` per line otherwise).
pub fn write_jsonl(store: &dyn Store, out: &mut dyn Write, exported_at: &str) -> Result<Exported> {
    let head = store.ledger_head()?;
    let io = |e: std::io::Error| crate::Error::io("cannot write", "the export", e);
    let header = Header {
        format: FORMAT,
        version: VERSION,
        hash_text: "handover-ledger/v1",
        purge_kind: PURGE_KIND,
        exported_at,
        head: head.map(|(seq, h)| HeadLine {
            seq,
            hash: hex::encode(h),
        }),
    };
    serde_json::to_writer(&mut *out, &header).map_err(|e| io(e.into()))?;
    out.write_all(b"\n").map_err(io)?;
    let mut entries = 0u64;
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    store.for_each_entry_ref(&mut |e: &EntryRef<'_>| {
        // Borrowed unless someone stored bytes that are not UTF-8 (then the hash will not
        // match, as it should not).
        let lossy = String::from_utf8_lossy;
        let (at, kind, actor) = (lossy(e.at), lossy(e.kind), lossy(e.actor));
        let payload = e.payload.map(String::from_utf8_lossy);
        let line = Line {
            seq: e.seq,
            at: &at,
            kind: &kind,
            actor: &actor,
            payload: payload.as_deref(),
            payload_hash: hex(e.payload_hash, &mut a),
            prev_hash: hex(e.prev_hash, &mut b),
            hash: hex(e.hash, &mut c),
        };
        serde_json::to_writer(&mut *out, &line).map_err(|e| io(e.into()))?;
        out.write_all(b"\n").map_err(io)?;
        entries += 1;
        Ok(())
    })?;
    Ok(Exported { entries, head })
}
