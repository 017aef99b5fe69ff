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

use sha2::{Digest, Sha256};

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

impl EventDraft {
    /// An event that names no customer (sign-in, the roster, the office).
    pub(crate) fn about_no_customer(
        at: &str,
        kind: &str,
        actor: &str,
        payload: serde_json::Value,
    ) -> EventDraft {
        EventDraft {
            at: at.to_string(),
            kind: kind.into(),
            actor: actor.to_string(),
            payload,
            customers: Vec::new(),
        }
    }
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
    entry_hash_bytes(
        seq,
        at.as_bytes(),
        kind.as_bytes(),
        actor.as_bytes(),
        payload_hash,
        prev_hash,
    )
}

/// [`entry_hash`] over raw column bytes, without a heap allocation: the text is laid out in a
/// stack buffer (the number and the hex digests written straight into it) and hashed in one
/// call — verification runs this a million times, and each small `update` has a cost of its
/// own. Text too long for the buffer (an operator name of hundreds of bytes) is hashed in parts.
pub fn entry_hash_bytes(
    seq: u64,
    at: &[u8],
    kind: &[u8],
    actor: &[u8],
    payload_hash: &Hash,
    prev_hash: &Hash,
) -> Hash {
    const PREFIX: &[u8] = b"handover-ledger/v1\n";
    let mut digits = [0u8; 20];
    let seq = decimal(seq, &mut digits);
    let mut hex = [0u8; 130];
    hex_into(payload_hash, &mut hex[..64]);
    hex[64] = b'\n';
    hex_into(prev_hash, &mut hex[65..129]);
    hex[129] = b'\n';
    let parts: [&[u8]; 9] = [PREFIX, seq, b"\n", at, b"\n", kind, b"\n", actor, b"\n"];
    let len: usize = parts.iter().map(|p| p.len()).sum::<usize>() + hex.len();
    let mut buf = [0u8; 512];
    if len <= buf.len() {
        let mut at = 0;
        for p in parts.iter().chain(std::iter::once(&&hex[..])) {
            buf[at..at + p.len()].copy_from_slice(p);
            at += p.len();
        }
        return Sha256::digest(&buf[..len]).into();
    }
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.update(hex);
    h.finalize().into()
}

/// `n` in decimal, written at the end of `buf`.
fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// Lower-case hex of a digest into a 64-byte slice.
fn hex_into(h: &Hash, out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in h.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 0x0f)];
    }
}

/// An entry as the store holds it, borrowed from the row being read: verification and export
/// walk a million entries without copying one of them.
///
/// The text columns are bytes: the hash is over bytes, and an entry whose text someone
/// replaced by something that is not UTF-8 must fail verification, not stop it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef<'a> {
    /// Position in the chain.
    pub seq: u64,
    /// When (RFC 3339).
    pub at: &'a [u8],
    /// Event kind.
    pub kind: &'a [u8],
    /// Operator.
    pub actor: &'a [u8],
    /// The JSON payload, `None` once redacted by a purge.
    pub payload: Option<&'a [u8]>,
    /// SHA-256 of the original payload (32 bytes unless someone edited it).
    pub payload_hash: &'a [u8],
    /// The previous entry's hash.
    pub prev_hash: &'a [u8],
    /// This entry's hash.
    pub hash: &'a [u8],
}

impl<'a> EntryRef<'a> {
    /// A stored entry, borrowed.
    pub fn of(e: &'a LedgerEntry) -> Self {
        EntryRef {
            seq: e.seq,
            at: e.at.as_bytes(),
            kind: e.kind.as_bytes(),
            actor: e.actor.as_bytes(),
            payload: e.payload.as_deref().map(str::as_bytes),
            payload_hash: &e.payload_hash,
            prev_hash: &e.prev_hash,
            hash: &e.hash,
        }
    }

    /// Is it of this kind?
    pub fn is(&self, kind: &str) -> bool {
        self.kind == kind.as_bytes()
    }

    /// The kind, for messages.
    pub fn kind_lossy(&self) -> std::borrow::Cow<'a, str> {
        String::from_utf8_lossy(self.kind)
    }
}

/// The kind of the entry a purge appends: it lists the entries whose payload it redacted.
pub const PURGE_KIND: &str = "retention.purged";

/// The part of a purge entry's payload that verification reads.
#[derive(Debug, serde::Deserialize)]
struct PurgeList {
    /// The seqs whose payload the purge redacted.
    redacted: Vec<u64>,
}

/// Parse the list of redacted seqs out of a purge entry's payload.
pub fn purge_list(payload: &[u8]) -> Option<Vec<u64>> {
    serde_json::from_slice::<PurgeList>(payload)
        .ok()
        .map(|p| p.redacted)
}

/// What a walk of the chain found (it held): counts and the last hash. The full
/// [`super::VerifyReport`] adds the derived-table comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Entries checked.
    pub entries: u64,
    /// Entries whose payload was redacted by a purge (hash still checked).
    pub redacted: u64,
    /// Purge entries (each lists the entries it redacted).
    pub purges: u64,
    /// Hash of the last entry (hex), to compare with a copy kept elsewhere.
    pub head: Option<String>,
}

/// What an entry means for the redaction rules, settled in chain order by [`Redactions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Mark {
    /// Its payload was redacted: a later purge must list it.
    Redacted(u64),
    /// A purge entry and the seqs it lists (`None`: its list cannot be read).
    Purge(u64, Option<Vec<u64>>),
}

/// The checks of one entry that need nothing but the entry and the place it must take (seq
/// `want_seq`, after the entry whose hash is `want_prev`): its seq, its link, its payload hash
/// and its own hash. Returns its hash and what it means for the redaction rules.
pub(super) fn check_entry(
    e: &EntryRef<'_>,
    want_seq: u64,
    want_prev: &Hash,
) -> Result<(Hash, Option<Mark>)> {
    check_place(e.seq, e.prev_hash, want_seq, want_prev)?;
    let broken = |reason: String| Err(Error::LedgerBroken { seq: e.seq, reason });
    let (Ok(payload_hash), Ok(hash)) =
        (<&Hash>::try_from(e.payload_hash), <&Hash>::try_from(e.hash))
    else {
        return broken("its stored hash has the wrong length (edited)".into());
    };
    let mark = match e.payload {
        Some(p) => {
            let ph: Hash = Sha256::digest(p).into();
            if ph != *payload_hash {
                return broken("its details were edited (payload hash mismatch)".into());
            }
            e.is(PURGE_KIND).then(|| Mark::Purge(e.seq, purge_list(p)))
        }
        None if e.is(PURGE_KIND) => {
            return broken(
                "the record of a purge was removed (a purge entry is never redacted)".into(),
            );
        }
        None => Some(Mark::Redacted(e.seq)),
    };
    if entry_hash_bytes(e.seq, e.at, e.kind, e.actor, payload_hash, want_prev) != *hash {
        return broken("its date, kind, operator or hash were edited".into());
    }
    Ok((*hash, mark))
}

/// Does an entry with this seq and prev-hash take the place after the entry `want_seq - 1`
/// whose hash is `want_prev`?
pub(super) fn check_place(
    seq: u64,
    prev_hash: &[u8],
    want_seq: u64,
    want_prev: &Hash,
) -> Result<()> {
    let broken = |reason: String| Err(Error::LedgerBroken { seq, reason });
    if seq != want_seq {
        return broken(if seq > want_seq {
            format!("entries {want_seq}..{} are missing (deleted?)", seq - 1)
        } else {
            format!("out of order: expected entry {want_seq}")
        });
    }
    if prev_hash != want_prev {
        return broken(
            "it does not link to the previous entry (removed, inserted or reordered)".into(),
        );
    }
    Ok(())
}

/// The redaction rules, settled in chain order.
///
/// A redacted (NULL) payload is accepted only when a *later* purge entry lists its seq, and a
/// purge entry must list only earlier entries that are redacted and not listed by another
/// purge. Redactions are settled when the walk ends, because the purge that explains one comes
/// after it; a NULL payload no purge explains is reported then, naming the first such entry.
#[derive(Debug, Default)]
pub(super) struct Redactions {
    redacted: u64,
    purges: u64,
    /// Redacted entries no purge has listed yet.
    unexplained: std::collections::BTreeSet<u64>,
    /// Redacted entries a purge has listed.
    explained: std::collections::HashSet<u64>,
}

impl Redactions {
    /// Take the next mark, in chain order.
    pub(super) fn mark(&mut self, mark: Mark) -> Result<()> {
        match mark {
            Mark::Redacted(seq) => {
                self.redacted += 1;
                self.unexplained.insert(seq);
                Ok(())
            }
            Mark::Purge(seq, list) => self.purge(seq, list),
        }
    }

    /// Settle the redactions a purge entry lists (its payload already matched its hash).
    fn purge(&mut self, seq: u64, list: Option<Vec<u64>>) -> Result<()> {
        let broken = |reason: String| Err(Error::LedgerBroken { seq, reason });
        let Some(list) = list else {
            return broken("this purge entry has no readable list of redacted entries".into());
        };
        for s in list {
            if s >= seq {
                return broken(format!(
                    "this purge lists entry {s}, which comes after it (a purge redacts only \
                     earlier entries)"
                ));
            }
            if self.unexplained.remove(&s) {
                self.explained.insert(s);
            } else if self.explained.contains(&s) {
                return broken(format!(
                    "this purge lists entry {s}, which an earlier purge already redacted"
                ));
            } else {
                return broken(format!(
                    "this purge lists entry {s} as redacted, but that entry still holds its \
                     details (restored after the purge?)"
                ));
            }
        }
        self.purges += 1;
        Ok(())
    }
}

/// Walks entries in order and finds the first that does not fit the chain (see
/// [`check_entry`] and [`Redactions`]).
#[derive(Debug, Default)]
pub struct Verifier {
    prev: Option<(u64, Hash)>,
    entries: u64,
    redactions: Redactions,
}

impl Verifier {
    /// Check the next entry.
    pub fn push(&mut self, e: &LedgerEntry) -> Result<()> {
        self.push_ref(&EntryRef::of(e))
    }

    /// Check the next entry, borrowed from the store.
    pub fn push_ref(&mut self, e: &EntryRef<'_>) -> Result<()> {
        let (want_seq, want_prev) = self.want();
        let (hash, mark) = check_entry(e, want_seq, &want_prev)?;
        if let Some(m) = mark {
            self.redactions.mark(m)?;
        }
        self.prev = Some((e.seq, hash));
        self.entries += 1;
        Ok(())
    }

    /// The seq and prev-hash the next entry must have.
    pub(super) fn want(&self) -> (u64, Hash) {
        match self.prev {
            Some((s, h)) => (s + 1, h),
            None => (1, GENESIS),
        }
    }

    /// Take a run of `entries` entries checked elsewhere (each against the one before it),
    /// ending with `last`, whose marks the redaction rules take in order.
    pub(super) fn absorb(
        &mut self,
        entries: u64,
        last: Option<(u64, Hash)>,
        marks: impl IntoIterator<Item = Mark>,
    ) -> Result<()> {
        for m in marks {
            self.redactions.mark(m)?;
        }
        if last.is_some() {
            self.prev = last;
        }
        self.entries += entries;
        Ok(())
    }

    /// Finish, comparing the last entry with the recorded head.
    pub fn finish(self, head: Option<(u64, Hash)>) -> Result<ChainReport> {
        if let Some(&seq) = self.redactions.unexplained.first() {
            return Err(Error::LedgerBroken {
                seq,
                reason: "its details were removed, but no purge records removing them (redacted \
                         outside a purge)"
                    .into(),
            });
        }
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
        Ok(ChainReport {
            entries: self.entries,
            redacted: self.redactions.redacted,
            purges: self.redactions.purges,
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

    fn verify(entries: &[LedgerEntry], head: Option<(u64, Hash)>) -> Result<ChainReport> {
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

    fn purge_draft(redacted: &[u64]) -> EventDraft {
        EventDraft {
            kind: PURGE_KIND.into(),
            payload: serde_json::json!({ "redacted": redacted, "customers": 0 }),
            ..draft(0)
        }
    }

    /// `n` test entries, then a purge listing `listed`, with the payloads of `nulled` removed.
    fn purged(n: u32, listed: &[u64], nulled: &[u64]) -> Vec<LedgerEntry> {
        let mut c = chain(n);
        let prev = c.last().map(|e| (e.seq, e.hash));
        c.push(seal(prev, &purge_draft(listed)));
        for s in nulled {
            c[*s as usize - 1].payload = None;
        }
        c
    }

    fn head_of(c: &[LedgerEntry]) -> Option<(u64, Hash)> {
        c.last().map(|e| (e.seq, e.hash))
    }

    fn broken_at(r: Result<ChainReport>) -> (u64, String) {
        match r {
            Err(Error::LedgerBroken { seq, reason }) => (seq, reason),
            other => panic!("expected a broken ledger, got {other:?}"),
        }
    }

    #[test]
    fn the_documented_hash_text_is_what_is_hashed() {
        let (ph, prev) = ([0xab; 32], [0x01; 32]);
        let text = format!(
            "handover-ledger/v1\n1234567890\n2026-11-23T00:00:00Z\nkind\n試験\n{}\n{}\n",
            hex::encode(ph),
            hex::encode(prev)
        );
        let want: Hash = Sha256::digest(text.as_bytes()).into();
        assert_eq!(
            entry_hash(
                1234567890,
                "2026-11-23T00:00:00Z",
                "kind",
                "試験",
                &ph,
                &prev
            ),
            want
        );
        // An operator name too long for the stack buffer is hashed the same way.
        let long = "長".repeat(300);
        let text = format!(
            "handover-ledger/v1\n7\nat\nkind\n{long}\n{}\n{}\n",
            hex::encode(ph),
            hex::encode(prev)
        );
        let want: Hash = Sha256::digest(text.as_bytes()).into();
        assert_eq!(entry_hash(7, "at", "kind", &long, &ph, &prev), want);
        for n in [0, 9, 10, 99, 100, u64::MAX] {
            let mut buf = [0; 20];
            assert_eq!(decimal(n, &mut buf), n.to_string().as_bytes());
        }
    }

    #[test]
    fn a_payload_redacted_by_a_later_purge_verifies() {
        let c = purged(3, &[2], &[2]);
        let r = verify(&c, head_of(&c)).unwrap();
        assert_eq!((r.entries, r.redacted, r.purges), (4, 1, 1));
    }

    #[test]
    fn a_payload_removed_without_a_purge_is_tampering() {
        let mut c = chain(3);
        c[1].payload = None;
        let (seq, why) = broken_at(verify(&c, Some((3, c[2].hash))));
        assert_eq!(seq, 2);
        assert!(why.contains("no purge"), "{why}");
        // A purge that lists another entry does not explain it either.
        let c = purged(3, &[1], &[1, 3]);
        assert_eq!(broken_at(verify(&c, head_of(&c))).0, 3);
    }

    #[test]
    fn a_purge_must_list_exactly_what_it_redacted() {
        // Lists an entry that still has its payload.
        let c = purged(3, &[2], &[]);
        let (seq, why) = broken_at(verify(&c, head_of(&c)));
        assert_eq!(seq, 4);
        assert!(why.contains("still holds"), "{why}");
        // Lists itself or a later entry.
        let c = purged(3, &[4], &[]);
        assert!(broken_at(verify(&c, head_of(&c))).1.contains("after it"));
        // Lists an entry an earlier purge already redacted.
        let mut c = purged(2, &[1], &[1]);
        let prev = head_of(&c);
        c.push(seal(prev, &purge_draft(&[1])));
        let (seq, why) = broken_at(verify(&c, head_of(&c)));
        assert_eq!(seq, 4);
        assert!(why.contains("already"), "{why}");
        // A purge whose payload has no list.
        let mut c = chain(1);
        c.push(seal(
            head_of(&c),
            &EventDraft {
                kind: PURGE_KIND.into(),
                ..draft(0)
            },
        ));
        assert_eq!(broken_at(verify(&c, head_of(&c))).0, 2);
    }

    #[test]
    fn a_purge_entry_is_never_redacted() {
        let mut c = purged(2, &[1], &[1]);
        c[2].payload = None;
        let (seq, why) = broken_at(verify(&c, head_of(&c)));
        assert_eq!(seq, 3);
        assert!(why.contains("purge"), "{why}");
    }
}
