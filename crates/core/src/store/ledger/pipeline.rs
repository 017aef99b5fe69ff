//! Chain verification on two threads, when the store gives no readers for [`super::segments`].
//!
//! Walking a million rows out of SQLite and hashing them cost about the same (half a
//! microsecond an entry each on the benchmark machine), so one thread tops out below a million
//! entries a second. Here the store's thread walks and copies each entry's bytes into a batch
//! (a memcpy of a few hundred bytes), and a second thread runs the [`Verifier`] over full
//! batches; spent batches go back to the walker to be refilled, so memory stays at a few
//! batches. The verifier sees the entries in the same order either way, so the outcome —
//! including which entry is named first — is that of the one-thread walk.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use super::VerifyReport;
use super::chain::{EntryRef, Verifier};
use crate::store::Store;
use crate::{Error, Result};

/// Entries per batch handed to the hashing thread.
const BATCH: usize = 4096;

/// Byte range of a column in [`Batch::bytes`].
type Span = (u32, u32);

#[derive(Clone, Copy)]
struct Item {
    seq: u64,
    at: Span,
    kind: Span,
    actor: Span,
    payload: Option<Span>,
    payload_hash: Span,
    prev_hash: Span,
    hash: Span,
}

/// Copies of entries, one buffer for all their bytes.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    items: Vec<Item>,
}

impl Batch {
    fn put(&mut self, b: &[u8]) -> Span {
        let start = self.bytes.len() as u32;
        self.bytes.extend_from_slice(b);
        (start, self.bytes.len() as u32)
    }

    fn push(&mut self, e: &EntryRef<'_>) {
        let item = Item {
            seq: e.seq,
            at: self.put(e.at),
            kind: self.put(e.kind),
            actor: self.put(e.actor),
            payload: e.payload.map(|p| self.put(p)),
            payload_hash: self.put(e.payload_hash),
            prev_hash: self.put(e.prev_hash),
            hash: self.put(e.hash),
        };
        self.items.push(item);
    }

    fn get(&self, i: &Item) -> EntryRef<'_> {
        let s = |(a, b): Span| &self.bytes[a as usize..b as usize];
        EntryRef {
            seq: i.seq,
            at: s(i.at),
            kind: s(i.kind),
            actor: s(i.actor),
            payload: i.payload.map(s),
            payload_hash: s(i.payload_hash),
            prev_hash: s(i.prev_hash),
            hash: s(i.hash),
        }
    }
}

/// Seqs per segment when the chain is checked in segments: large enough that opening the
/// readers and joining the runs cost nothing beside reading them, small enough that the
/// threads finish together.
const SEGMENT: u64 = 32_768;

/// The most threads a verification uses.
const MAX_THREADS: usize = 8;

/// Walk the whole chain and compare it with the recorded head (no derived tables): on a
/// store that gives readers of its own, one segment per core at a time ([`super::segments`]);
/// otherwise walking on the store's connection and hashing on a second thread.
pub fn verify_chain(store: &dyn Store) -> Result<VerifyReport> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS);
    verify_chain_with(store, threads, SEGMENT)
}

/// [`verify_chain`] with `threads` readers and segments of `segment` seqs (tests cut small
/// ledgers fine; a ledger shorter than two segments is walked in one).
pub fn verify_chain_with(store: &dyn Store, threads: usize, segment: u64) -> Result<VerifyReport> {
    let long = store
        .ledger_head()?
        .is_some_and(|(seq, _)| seq >= 2 * segment);
    if threads > 1
        && long
        && let Some(readers) = store.ledger_readers(threads)?
    {
        return super::segments::verify(readers, segment).map(VerifyReport::from);
    }
    verify_on_two_threads(store)
}

/// Walk on the store's connection; hash on a second thread.
fn verify_on_two_threads(store: &dyn Store) -> Result<VerifyReport> {
    let (to_hasher, full) = mpsc::sync_channel::<Batch>(2);
    let (to_walker, spent) = mpsc::channel::<Batch>();
    let failed = AtomicBool::new(false);
    let (walked, verified) = std::thread::scope(|s| {
        let hasher = s.spawn(|| -> Result<Verifier> {
            let mut v = Verifier::default();
            for mut b in full {
                for i in &b.items {
                    if let Err(e) = v.push_ref(&b.get(i)) {
                        failed.store(true, Ordering::Relaxed);
                        return Err(e);
                    }
                }
                b.bytes.clear();
                b.items.clear();
                let _ = to_walker.send(b);
            }
            Ok(v)
        });
        let mut batch = Batch::default();
        let walked = store.for_each_entry_ref(&mut |e| {
            // The hasher found a bad entry: stop reading (its error is the one reported).
            if failed.load(Ordering::Relaxed) {
                return Err(Error::Cancelled);
            }
            batch.push(e);
            if batch.items.len() == BATCH {
                let next = spent.try_recv().unwrap_or_default();
                if to_hasher.send(std::mem::replace(&mut batch, next)).is_err() {
                    return Err(Error::Cancelled);
                }
            }
            Ok(())
        });
        if walked.is_ok() && !batch.items.is_empty() {
            let _ = to_hasher.send(batch);
        }
        drop(to_hasher);
        let verified = hasher.join().unwrap_or_else(|_| {
            Err(crate::refusal::Refusal::Internal {
                what: "ledger verify: the hashing thread failed".into(),
            }
            .into())
        });
        (walked, verified)
    });
    // The first bad entry wins over the walk being stopped because of it.
    let v = verified?;
    walked?;
    v.finish(store.ledger_head()?).map(VerifyReport::from)
}
