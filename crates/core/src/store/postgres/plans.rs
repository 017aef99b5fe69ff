//! Floor plans on the shared store: content-addressed rows (`floor_plans`), their bytes in
//! 1 MiB chunks (`floor_plan_chunks`), written inside the import's transaction and read back one
//! chunk at a time, so a pack from the server keeps the memory bound a pack from files has.

use std::io::{self, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};

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

/// The statement a [`ChunkReader`] runs, once per chunk.
pub(super) const CHUNK_QUERY: &str =
    "SELECT data FROM floor_plan_chunks WHERE sha256 = $1 AND n = $2";

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
    /// The register's size: the reader stops asking once it has given this many bytes.
    size: u64,
    given: u64,
    next: i32,
    /// The current chunk's row: its bytes are read where the driver received them (no copy of
    /// each MiB), and it is dropped before the next chunk is asked for, so one chunk at most is
    /// held here.
    row: Option<postgres::Row>,
    pos: usize,
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
            row: None,
            pos: 0,
            done: plan.size == 0,
        }
    }

    /// The current chunk's bytes (none before the first).
    fn chunk(&self) -> &[u8] {
        self.row
            .as_ref()
            .and_then(|r| r.try_get::<_, &[u8]>(0).ok())
            .unwrap_or_default()
    }

    fn fetch(&mut self) -> io::Result<()> {
        self.row = None;
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
        let row = c
            .query_opt(&statement, &[&self.sha256, &self.next])
            .map_err(io::Error::other)?;
        drop(c);
        match row {
            Some(r) => {
                let len = r.try_get::<_, &[u8]>(0).map_err(io::Error::other)?.len();
                self.row = Some(r);
                self.next += 1;
                self.given += len as u64;
                // A whole plan given (or more: the caller refuses it) needs no further query.
                self.done = self.given >= self.size || len == 0;
            }
            None => self.done = true,
        }
        Ok(())
    }
}
impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk().len() {
            if self.done {
                return Ok(0);
            }
            self.fetch()?;
        }
        let chunk = self.chunk();
        let n = out.len().min(chunk.len() - self.pos);
        out[..n].copy_from_slice(&chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
