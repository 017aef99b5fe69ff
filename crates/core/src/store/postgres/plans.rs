//! Floor plans on the shared store: content-addressed rows (`floor_plans`), their bytes in
//! 1 MiB chunks (`floor_plan_chunks`), written inside the import's transaction and read back one
//! chunk per round trip, in slices of 120 KiB, so a pack from the server keeps the memory bound
//! a pack from files has.

use std::io::{self, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, Statement};
use sha2::{Digest, Sha256};

use super::At;
use crate::register::FloorPlan;
use crate::{Error, Result};

/// The size of a stored chunk.
const CHUNK: usize = 1 << 20;

/// Stream `file` into the store as `plan` (inside the caller's transaction), hashing it again
/// as it goes: a file that changed since it was inspected is refused, and the transaction with
/// it. A plan the store already holds (the same bytes, for another customer or from another
/// PC) is not sent again.
pub(super) fn put(client: &mut Client, loc: &str, plan: &FloorPlan, file: &Path) -> Result<()> {
    let open = || std::fs::File::open(file).map(|f| Box::new(f) as Box<dyn Read>);
    put_from(client, loc, plan, file, open)
}

/// [`put`] from the reader `open` gives (called only when the store does not hold the plan
/// yet): a one-PC office's plan encrypted at rest is read through its decrypting reader, and
/// one that does not authenticate is refused as changed.
pub(super) fn put_from(
    client: &mut Client,
    loc: &str,
    plan: &FloorPlan,
    file: &Path,
    open: impl FnOnce() -> io::Result<Box<dyn Read>>,
) -> Result<()> {
    let size = i64::try_from(plan.size).map_err(|_| changed(file))?;
    let new = client
        .execute(
            "INSERT INTO floor_plans (sha256, size) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&plan.sha256, &size],
        )
        .at(loc)?;
    if new == 0 {
        return Ok(());
    }
    let insert = client
        .prepare("INSERT INTO floor_plan_chunks (sha256, n, data) VALUES ($1, $2, $3)")
        .at(loc)?;
    let mut f = open().map_err(|e| Error::io("cannot read the floor plan", file, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let (mut n, mut total) = (0i32, 0u64);
    loop {
        let len = read_full(&mut f, &mut buf).map_err(|e| {
            if crate::at_rest::is_damage(&e) {
                changed(file)
            } else {
                Error::io("cannot read", file, e)
            }
        })?;
        if len == 0 {
            break;
        }
        total += len as u64;
        if total > plan.size {
            return Err(changed(file));
        }
        hasher.update(&buf[..len]);
        client
            .execute(&insert, &[&plan.sha256, &n, &&buf[..len]])
            .at(loc)?;
        n += 1;
    }
    if total != plan.size || hex::encode(hasher.finalize()) != plan.sha256 {
        return Err(changed(file));
    }
    Ok(())
}

fn changed(file: &Path) -> Error {
    crate::refusal::Refusal::PlanChangedWhileImported {
        file: file.display().to_string(),
    }
    .into()
}

/// Fill `buf` as far as the file goes (a chunk is a whole MiB but the last).
fn read_full(f: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match f.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// The size of the slices a stored chunk is read back in (the statement's `$3`): a message
/// of one stays below glibc's initial `mmap` threshold (128 KiB).
const SLICE: i32 = 120 << 10;

/// The statement a [`ChunkReader`] runs, once per stored chunk: the chunk in slices of
/// [`SLICE`] bytes, each with its offset (from 1), in one round trip. The column is stored
/// uncompressed (`STORAGE EXTERNAL`), so the server reads each slice from its TOAST rows
/// without putting the whole chunk together, and `octet_length` reads no data at all. No
/// `ORDER BY`: a sort would hold the chunk's slices on the server until the last is made,
/// where without one they stream as they are cut; the reader checks each offset instead.
///
/// Why slices, measured with `scripts/bench-pack --store` (200 plans of 2 MB, 2 cores):
/// - A row of 1 MiB made the driver allocate, then free, a buffer of over 1 MiB per chunk.
///   glibc serves such a block by `mmap`, and freeing it raises glibc's `mmap` threshold to
///   that size; from then on these buffers came from the heap, which kept what it was given.
///   The pack's own peak RSS: 31–36 MiB, against 27–28 MiB from SQLite.
/// - The slices of a chunk held together (a query's rows) had glibc give back and take again
///   the heap's top at every chunk: up to four times the page faults, 0.1–0.2 s more a pack.
/// - So [`ChunkReader`] reads the slices off the connection one at a time into a buffer it
///   keeps: 28–30 MiB, and the page faults of the 1 MiB rows.
pub(super) const CHUNK_QUERY: &str = "SELECT substring(c.data FROM o FOR $3), o \
     FROM floor_plan_chunks c, generate_series(1, octet_length(c.data), $3) AS o \
     WHERE c.sha256 = $1 AND c.n = $2";

/// Reads a stored plan chunk by chunk over the store's connection, taken for one query at a
/// time (so no other use of the store waits on a reader that is not reading, and a reader
/// never runs inside a transaction the store has open: the lock is the store's own). The
/// register gives the plan's size, so the reader asks for exactly the chunks that make it —
/// one prepared query each (a 1 MiB plan is one round trip) — and not for one past the end.
/// A chunk the store does not hold ends the plan early; the reader's caller checks size and
/// SHA-256 against the register, and refuses.
pub(super) struct ChunkReader {
    store: Arc<Mutex<Client>>,
    statement: Option<Statement>,
    sha256: String,
    /// The register's size: the reader stops asking once it has been given this many bytes.
    size: u64,
    given: u64,
    next: i32,
    /// The current chunk, put together from its slices as they arrive (each slice dropped
    /// before the next is read off the connection), in a buffer kept from chunk to chunk: the
    /// reader holds one chunk, and the driver one slice.
    chunk: Vec<u8>,
    pos: usize,
    /// No chunk is left to ask for.
    done: bool,
}

impl ChunkReader {
    pub(super) fn new(
        store: Arc<Mutex<Client>>,
        statement: Option<Statement>,
        plan: &FloorPlan,
    ) -> ChunkReader {
        ChunkReader {
            store,
            statement,
            sha256: plan.sha256.clone(),
            size: plan.size,
            given: 0,
            next: 0,
            chunk: Vec::new(),
            pos: 0,
            done: plan.size == 0,
        }
    }

    fn fetch(&mut self) -> io::Result<()> {
        self.chunk.clear();
        self.pos = 0;
        let mut c = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let statement = match &self.statement {
            Some(s) => s.clone(),
            None => {
                let s = c.prepare(CHUNK_QUERY).map_err(io::Error::other)?;
                self.statement = Some(s.clone());
                s
            }
        };
        let left = usize::try_from(self.size.saturating_sub(self.given)).unwrap_or(CHUNK);
        self.chunk.reserve_exact(left.min(CHUNK));
        let params: [&(dyn ToSql + Sync); 3] = [&self.sha256, &self.next, &SLICE];
        let mut rows = c.query_raw(&statement, params).map_err(io::Error::other)?;
        let mut sent = 0i64;
        while let Some(row) = rows.next().map_err(io::Error::other)? {
            let slice = row.try_get::<_, &[u8]>(0).map_err(io::Error::other)?;
            let at = row.try_get::<_, i32>(1).map_err(io::Error::other)?;
            if i64::from(at) != sent + 1 {
                return Err(io::Error::other(format!(
                    "the server sent chunk {} of floor plan {} out of order (offset {at})",
                    self.next, self.sha256
                )));
            }
            sent += slice.len() as i64;
            // No chunk was stored longer than CHUNK: what a server sends past that is read off
            // the connection but not kept (the plan then comes out too long, and is refused).
            let room = (CHUNK + 1).saturating_sub(self.chunk.len());
            self.chunk
                .extend_from_slice(&slice[..slice.len().min(room)]);
        }
        drop(rows);
        drop(c);
        let len = self.chunk.len() as u64;
        self.next += 1;
        self.given += len;
        // A whole plan given (or more: the caller refuses it), or a chunk the store does not
        // hold, needs no further query.
        self.done = self.given >= self.size || len == 0;
        Ok(())
    }
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk.len() {
            if self.done {
                return Ok(0);
            }
            if let Err(e) = self.fetch() {
                // A chunk cut off by the error is never given out.
                self.chunk.clear();
                return Err(e);
            }
        }
        let n = out.len().min(self.chunk.len() - self.pos);
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
