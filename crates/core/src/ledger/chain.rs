//! The hash chain: how an entry is sealed and how the chain is verified.
//!
//! Each entry commits to the SHA-256 of its payload rather than to the payload itself, so that
//! a purge after the retention period can replace the payload by a redaction and the chain
//! still verifies (R9). The entry hash is SHA-256 over a line-oriented text that an outside
//! script can rebuild with nothing but SHA-256:
//!
//! ```text
//! handover-ledger/v1\n{seq}\n{at}\n{kind}\n{actor}\n{hex payload_hash}\n{hex prev_hash}\n
//! ```
//!
//! `prev_hash` of the first entry is 32 zero bytes. Sequence numbers start at 1 and have no
//! gaps, so a deleted entry is caught even when the attacker re-links its neighbours; the
//! store also keeps the head (last seq and hash), so a removed tail is caught too.

use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::{Error, Result};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// The prev-hash of the first entry.
pub const GENESIS: Hash = [0; 32];

/// An event about to be appended.
#[derive(Debug, Clone)]
pub struct EventDraft {
    /// When it happened (RFC 3339, UTC).
    pub at: String,
    /// What happened (`register.imported`, `contractor.added`…).
    pub kind: String,
    /// Who did it (the operator).
    pub actor: String,
    /// Details, as JSON.
    pub payload: serde_json::Value,
    /// Customers the event concerns (indexed for the per-customer history).
    pub customers: Vec<String>,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// When (RFC 3339).
    pub at: String,
    /// Event kind.
    pub kind: String,
    /// Operator.
    pub actor: String,
    /// The JSON payload, `None` once redacted by a purge.
    pub payload: Option<String>,
    /// SHA-256 of the original payload text.
    pub payload_hash: Hash,
    /// The previous entry's hash.
    pub prev_hash: Hash,
    /// This entry's hash.
    pub hash: Hash,
}

/// Seal a draft as the entry following `prev` (`None` for the first entry).
pub fn seal(prev: Option<(u64, Hash)>, draft: &EventDraft) -> LedgerEntry {
    let (seq, prev_hash) = match prev {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS),
    };
    let payload = draft.payload.to_string();
    let payload_hash: Hash = Sha256::digest(payload.as_bytes()).into();
    let hash = entry_hash(
        seq,
        &draft.at,
        &draft.kind,
        &draft.actor,
        &payload_hash,
        &prev_hash,
    );
    LedgerEntry {
        seq,
        at: draft.at.clone(),
        kind: draft.kind.clone(),
        actor: draft.actor.clone(),
        payload: Some(payload),
        payload_hash,
        prev_hash,
        hash,
    }
}

/// The entry hash over the documented text form.
pub fn entry_hash(
    seq: u64,
    at: &str,
    kind: &str,
    actor: &str,
    payload_hash: &Hash,
    prev_hash: &Hash,
) -> Hash {
    let mut h = Sha256::new();
    h.update(b"handover-ledger/v1\n");
    for part in [seq.to_string().as_str(), at, kind, actor] {
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    h.update(hex::encode(payload_hash).as_bytes());
    h.update(b"\n");
    h.update(hex::encode(prev_hash).as_bytes());
    h.update(b"\n");
    h.finalize().into()
}

/// The outcome of a successful verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VerifyReport {
    /// Entries checked.
    #[ts(type = "number")]
    pub entries: u64,
    /// Entries whose payload was redacted by a purge (hash still checked).
    #[ts(type = "number")]
    pub redacted: u64,
    /// Hash of the last entry (hex), to compare with a copy kept elsewhere.
    pub head: Option<String>,
}

/// Walks entries in order and finds the first that does not fit the chain.
#[derive(Debug, Default)]
pub struct Verifier {
    prev: Option<(u64, Hash)>,
    entries: u64,
    redacted: u64,
}

impl Verifier {
    /// Check the next entry.
    pub fn push(&mut self, e: &LedgerEntry) -> Result<()> {
        let (want_seq, want_prev) = match self.prev {
            Some((s, h)) => (s + 1, h),
            None => (1, GENESIS),
        };
        let broken = |reason: String| Err(Error::LedgerBroken { seq: e.seq, reason });
        if e.seq != want_seq {
            return broken(if e.seq > want_seq {
                format!("entries {want_seq}..{} are missing (deleted?)", e.seq - 1)
            } else {
                format!("out of order: expected entry {want_seq}")
            });
        }
        if e.prev_hash != want_prev {
            return broken(
                "it does not link to the previous entry (removed, inserted or reordered)".into(),
            );
        }
        match &e.payload {
            Some(p) => {
                let ph: Hash = Sha256::digest(p.as_bytes()).into();
                if ph != e.payload_hash {
                    return broken("its details were edited (payload hash mismatch)".into());
                }
            }
            None => self.redacted += 1,
        }
        if entry_hash(
            e.seq,
            &e.at,
            &e.kind,
            &e.actor,
            &e.payload_hash,
            &e.prev_hash,
        ) != e.hash
        {
            return broken("its date, kind, operator or hash were edited".into());
        }
        self.prev = Some((e.seq, e.hash));
        self.entries += 1;
        Ok(())
    }

    /// Finish, comparing the last entry with the recorded head.
    pub fn finish(self, head: Option<(u64, Hash)>) -> Result<VerifyReport> {
        match (self.prev, head) {
            (None, None) => {}
            (Some((s, h)), Some((hs, hh))) if s == hs && h == hh => {}
            (last, Some((hs, _))) => {
                let got = last.map_or(0, |(s, _)| s);
                // The first entry that does not fit: the first missing one, the first one the
                // head does not cover, or the last one when the head names it with another hash.
                let (seq, reason) = if got < hs {
                    (
                        got + 1,
                        format!(
                            "the last {} entries are missing (the ledger head says {hs})",
                            hs - got
                        ),
                    )
                } else if got > hs {
                    (
                        hs + 1,
                        format!(
                            "entries {}..{got} are not covered by the ledger head (it says {hs})",
                            hs + 1
                        ),
                    )
                } else {
                    (got, "the ledger head does not match the last entry".into())
                };
                return Err(Error::LedgerBroken { seq, reason });
            }
            (Some((s, _)), None) => {
                return Err(Error::LedgerBroken {
                    seq: s,
                    reason: "the ledger head record is missing".into(),
                });
            }
        }
        Ok(VerifyReport {
            entries: self.entries,
            redacted: self.redacted,
            head: self.prev.map(|(_, h)| hex::encode(h)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(n: u32) -> EventDraft {
        EventDraft {
            at: "2026-11-23T00:00:00Z".into(),
            kind: "test".into(),
            actor: "tester".into(),
            payload: serde_json::json!({ "n": n }),
            customers: vec![],
        }
    }

    fn chain(n: u32) -> Vec<LedgerEntry> {
        let mut out: Vec<LedgerEntry> = Vec::new();
        for i in 0..n {
            let prev = out.last().map(|e| (e.seq, e.hash));
            out.push(seal(prev, &draft(i)));
        }
        out
    }

    fn verify(entries: &[LedgerEntry], head: Option<(u64, Hash)>) -> Result<VerifyReport> {
        let mut v = Verifier::default();
        for e in entries {
            v.push(e)?;
        }
        v.finish(head)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        let head = Some((5, c[4].hash));
        assert_eq!(verify(&c, head).unwrap().entries, 5);
        assert_eq!(verify(&[], None).unwrap().entries, 0);
    }

    #[test]
    fn catches_edit_delete_reorder_and_truncation() {
        let c = chain(5);
        let head = Some((5, c[4].hash));

        let mut edited = c.clone();
        edited[2].payload = Some("{\"n\":99}".into());
        assert!(matches!(
            verify(&edited, head),
            Err(Error::LedgerBroken { seq: 3, .. })
        ));

        let mut deleted = c.clone();
        deleted.remove(1);
        assert!(matches!(
            verify(&deleted, head),
            Err(Error::LedgerBroken { seq: 3, .. })
        ));

        let mut swapped = c.clone();
        swapped.swap(1, 2);
        assert!(matches!(
            verify(&swapped, head),
            Err(Error::LedgerBroken { seq: 3, .. })
        ));

        assert!(matches!(
            verify(&c[..4], head),
            Err(Error::LedgerBroken { seq: 5, .. })
        ));

        let mut actor = c.clone();
        actor[0].actor = "someone else".into();
        assert!(matches!(
            verify(&actor, head),
            Err(Error::LedgerBroken { seq: 1, .. })
        ));
    }

    #[test]
    fn redacted_payload_still_verifies() {
        let mut c = chain(3);
        c[1].payload = None;
        let r = verify(&c, Some((3, c[2].hash))).unwrap();
        assert_eq!((r.entries, r.redacted), (3, 1));
    }
}
