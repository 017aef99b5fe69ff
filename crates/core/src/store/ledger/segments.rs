//! Verifying the chain in segments, one per core.
//!
//! Every check of an entry but the redaction rules needs only the entry and the hash of the one
//! before it ([`check_entry`]), so the chain can be cut into runs of seqs, each checked on a
//! connection and a core of its own against its own first entry, and the runs joined in
//! order: the joint between two runs is the very check of seq and link the one-thread walk
//! makes there, and the runs' marks go through one [`Redactions`] in chain order. The outcome —
//! which entry is named first, and why — is the one-thread walk's.
//!
//! Why: on an office encrypted at rest, reading a page costs its decryption and MAC (SQLCipher)
//! on top of SQLite's own work, and the two-thread pipeline ([`super::pipeline`]) left the
//! reading thread the bottleneck with the hashing thread half idle. Here every core reads and
//! hashes.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::chain::{ChainReport, EntryRef, Hash, Mark, Verifier, check_entry, check_place};
use crate::{Error, Result};

/// A reader of the ledger on a connection of its own, inside a snapshot (see
/// [`LedgerReaders`]).
pub trait LedgerReader: Send {
    /// Visit the entries whose seq is in `from..=to`, in seq order.
    fn walk_range(
        &mut self,
        from: i64,
        to: i64,
        f: &mut dyn FnMut(&EntryRef<'_>) -> Result<()>,
    ) -> Result<()>;
}

/// Readers that all see one state of the ledger, whose head is `head`.
pub struct LedgerReaders {
    /// The recorded head in that state.
    pub head: Option<(u64, Hash)>,
    /// One per thread.
    pub readers: Vec<Box<dyn LedgerReader>>,
}

/// One run of the chain, checked apart from the others.
#[derive(Debug, Default)]
struct Run {
    /// Seq and prev-hash of its first entry: where it must join the run before it.
    first: Option<(u64, Vec<u8>)>,
    /// Seq and hash of its last good entry.
    last: Option<(u64, Hash)>,
    entries: u64,
    marks: Vec<Mark>,
    /// The first entry that did not fit, which ends the run.
    error: Option<Error>,
}

impl Run {
    /// Check the next entry of the run; false once the run has found a bad one.
    fn push(&mut self, e: &EntryRef<'_>) -> bool {
        let (want_seq, want_prev) = match self.last {
            Some((s, h)) => (s + 1, h),
            None => {
                self.first = Some((e.seq, e.prev_hash.to_vec()));
                // A prev-hash of another length fails at the joint, before this run is read.
                (e.seq, e.prev_hash.try_into().unwrap_or([0xff; 32]))
            }
        };
        match check_entry(e, want_seq, &want_prev) {
            Ok((hash, mark)) => {
                self.marks.extend(mark);
                self.last = Some((e.seq, hash));
                self.entries += 1;
                true
            }
            Err(err) => {
                self.error = Some(err);
                false
            }
        }
    }

    /// Join the run to what `v` has checked before it.
    fn join(self, v: &mut Verifier) -> Result<()> {
        if let Some((seq, prev)) = &self.first {
            let (want_seq, want_prev) = v.want();
            check_place(*seq, prev, want_seq, &want_prev)?;
        }
        v.absorb(self.entries, self.last, self.marks)?;
        self.error.map_or(Ok(()), Err)
    }
}

/// The seqs of segment `i` of `count`, each `len` long: the first also takes every seq below
/// 1 and the last every seq above the head, so that no stored row escapes the walk.
fn bounds(i: usize, count: usize, len: u64) -> (i64, i64) {
    let from = if i == 0 {
        i64::MIN
    } else {
        (i as u64 * len + 1) as i64
    };
    let to = if i + 1 == count {
        i64::MAX
    } else {
        ((i as u64 + 1) * len) as i64
    };
    (from, to)
}

/// Verify the chain with `readers`, in segments of `len` seqs that the readers' threads take
/// in turn; the outcome is that of [`Verifier`] walking the whole chain on one thread.
pub(super) fn verify(readers: LedgerReaders, len: u64) -> Result<ChainReport> {
    let len = len.max(1);
    let top = readers.head.map_or(0, |(s, _)| s);
    let count = top.div_ceil(len).max(1) as usize;
    let next = AtomicUsize::new(0);
    // The first segment known to hold a bad entry: later ones are not worth reading.
    let failed = AtomicUsize::new(usize::MAX);
    let runs: Vec<Mutex<Option<Result<Run>>>> = (0..count).map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for mut reader in readers.readers {
            let (next, failed, runs) = (&next, &failed, &runs);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count || i > failed.load(Ordering::Relaxed) {
                        return;
                    }
                    let outcome = walk_segment(reader.as_mut(), i, count, len, failed);
                    if !matches!(&outcome, Ok(r) if r.error.is_none()) {
                        failed.fetch_min(i, Ordering::Relaxed);
                    }
                    *runs[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
                }
            });
        }
    });
    let mut v = Verifier::default();
    for run in runs {
        match run.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(r) => r?.join(&mut v)?,
            // Not read: only after an earlier segment failed, which returned above.
            None => {
                return Err(crate::refusal::Refusal::Internal {
                    what: "ledger verify: a segment of the chain was not read".into(),
                }
                .into());
            }
        }
    }
    v.finish(readers.head)
}

/// [`verify`], for the stores' own tests.
#[cfg(test)]
pub(crate) fn verify_for_tests(readers: LedgerReaders, len: u64) -> Result<ChainReport> {
    verify(readers, len)
}

/// Read and check segment `i`; stops early when an earlier segment has failed (its outcome
/// is then never joined).
fn walk_segment(
    reader: &mut dyn LedgerReader,
    i: usize,
    count: usize,
    len: u64,
    failed: &AtomicUsize,
) -> Result<Run> {
    let (from, to) = bounds(i, count, len);
    let mut run = Run::default();
    let walked = reader.walk_range(from, to, &mut |e| {
        if !run.push(e) || failed.load(Ordering::Relaxed) < i {
            return Err(Error::Cancelled);
        }
        Ok(())
    });
    match walked {
        Err(Error::Cancelled) | Ok(()) => Ok(run),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ledger::chain::{EventDraft, LedgerEntry, seal};

    /// The entries of a list, as a store's reader would give them.
    struct ListReader(std::sync::Arc<Vec<LedgerEntry>>);

    impl LedgerReader for ListReader {
        fn walk_range(
            &mut self,
            from: i64,
            to: i64,
            f: &mut dyn FnMut(&EntryRef<'_>) -> Result<()>,
        ) -> Result<()> {
            let mut rows: Vec<&LedgerEntry> = self
                .0
                .iter()
                .filter(|e| (from..=to).contains(&(e.seq as i64)))
                .collect();
            rows.sort_by_key(|e| e.seq);
            rows.into_iter().try_for_each(|e| f(&EntryRef::of(e)))
        }
    }

    fn draft(i: u32, kind: &str, payload: serde_json::Value) -> EventDraft {
        EventDraft {
            at: format!("2026-12-06T00:00:{:02}Z", i % 60),
            kind: kind.into(),
            actor: "検証係".into(),
            payload,
            customers: vec![],
        }
    }

    /// 40 entries; entry 30 is a purge that redacted 5 and 12.
    fn chain() -> Vec<LedgerEntry> {
        let mut out: Vec<LedgerEntry> = Vec::new();
        for i in 1..=40u32 {
            let d = match i {
                30 => draft(
                    i,
                    "retention.purged",
                    serde_json::json!({ "redacted": [5, 12] }),
                ),
                _ => draft(i, "test", serde_json::json!({ "n": i })),
            };
            let prev = out.last().map(|e| (e.seq, e.hash));
            out.push(seal(prev, &d));
        }
        for s in [5, 12] {
            out[s - 1].payload = None;
        }
        out
    }

    fn one_thread(c: &[LedgerEntry], head: Option<(u64, Hash)>) -> Result<ChainReport> {
        let mut v = Verifier::default();
        let mut sorted: Vec<&LedgerEntry> = c.iter().collect();
        sorted.sort_by_key(|e| e.seq);
        for e in sorted {
            v.push(e)?;
        }
        v.finish(head)
    }

    fn in_segments(
        c: &[LedgerEntry],
        head: Option<(u64, Hash)>,
        threads: usize,
        len: u64,
    ) -> Result<ChainReport> {
        let list = std::sync::Arc::new(c.to_vec());
        let readers = (0..threads)
            .map(|_| Box::new(ListReader(list.clone())) as Box<dyn LedgerReader>)
            .collect();
        verify(LedgerReaders { head, readers }, len)
    }

    fn outcome(r: Result<ChainReport>) -> String {
        match r {
            Ok(r) => format!("ok {} {} {} {:?}", r.entries, r.redacted, r.purges, r.head),
            Err(Error::LedgerBroken { seq, reason }) => format!("broken {seq}: {reason}"),
            Err(e) => format!("error {e}"),
        }
    }

    /// Every way of cutting the chain, with 1 to 3 threads, gives the one-thread outcome.
    fn same_everywhere(c: &[LedgerEntry], head: Option<(u64, Hash)>) -> String {
        let want = outcome(one_thread(c, head));
        for len in [1, 2, 3, 7, 10, 13, 39, 40, 100] {
            for threads in 1..=3 {
                let got = outcome(in_segments(c, head, threads, len));
                assert_eq!(got, want, "segments of {len}, {threads} threads");
            }
        }
        want
    }

    fn head(c: &[LedgerEntry]) -> Option<(u64, Hash)> {
        c.last().map(|e| (e.seq, e.hash))
    }

    #[test]
    fn an_intact_chain_with_a_purge_verifies_in_any_segments() {
        let c = chain();
        let got = same_everywhere(&c, head(&c));
        assert!(got.starts_with("ok 40 2 1"), "{got}");
        assert!(same_everywhere(&[], None).starts_with("ok 0 0 0"));
    }

    #[test]
    fn each_tampering_is_named_as_the_one_thread_walk_names_it() {
        let c = chain();
        let h = head(&c);
        type Case = (&'static str, Vec<LedgerEntry>, Option<(u64, Hash)>);
        let mut cases: Vec<Case> = Vec::new();
        let edit = |f: &dyn Fn(&mut Vec<LedgerEntry>)| {
            let mut x = chain();
            f(&mut x);
            x
        };
        cases.push((
            "payload edited",
            edit(&|x| x[20].payload = Some("{}".into())),
            h,
        ));
        cases.push(("actor edited", edit(&|x| x[7].actor = "誰か".into()), h));
        cases.push(("deleted", edit(&|x| drop(x.remove(14))), h));
        cases.push(("first deleted", edit(&|x| drop(x.remove(0))), h));
        cases.push((
            "seq swapped",
            edit(&|x| (x[9].seq, x[10].seq) = (11, 10)),
            h,
        ));
        cases.push(("prev zeroed", edit(&|x| x[10].prev_hash = [0; 32]), h));
        cases.push(("tail cut", edit(&|x| x.truncate(33)), h));
        cases.push(("head wrong", chain(), Some((40, [7; 32]))));
        cases.push(("no head", chain(), None));
        cases.push(("one past the head", chain(), Some((39, c[38].hash))));
        cases.push(("row below 1", edit(&|x| x[0].seq = 0), h));
        cases.push(("redacted, no purge", edit(&|x| x[33].payload = None), h));
        cases.push((
            "restored",
            edit(&|x| x[4].payload = Some("{\"n\":5}".into())),
            h,
        ));
        cases.push(("purge redacted", edit(&|x| x[29].payload = None), h));
        cases.push((
            "two faults",
            edit(&|x| {
                x[25].kind = "other".into();
                x[3].payload = Some("{}".into());
            }),
            h,
        ));
        for (what, x, head) in cases {
            let got = same_everywhere(&x, head);
            assert!(got.starts_with("broken"), "{what}: {got}");
        }
    }

    #[test]
    fn a_reader_failure_is_reported_not_taken_for_a_bad_chain() {
        struct Failing;
        impl LedgerReader for Failing {
            fn walk_range(
                &mut self,
                _: i64,
                _: i64,
                _: &mut dyn FnMut(&EntryRef<'_>) -> Result<()>,
            ) -> Result<()> {
                Err(Error::store(
                    "test store",
                    std::io::Error::other("disk gone"),
                ))
            }
        }
        let c = chain();
        let readers = LedgerReaders {
            head: head(&c),
            readers: vec![Box::new(Failing)],
        };
        let got = outcome(verify(readers, 10));
        assert!(got.contains("disk gone"), "{got}");
    }

    #[test]
    fn segments_cover_every_seq_once() {
        for (count, len) in [(1, 10), (4, 10), (5, 3)] {
            let b: Vec<_> = (0..count).map(|i| bounds(i, count, len)).collect();
            assert_eq!(b[0].0, i64::MIN);
            assert_eq!(b[count - 1].1, i64::MAX);
            for w in b.windows(2) {
                assert_eq!(w[0].1 + 1, w[1].0);
            }
        }
    }
}
