//! Floor plans on the shared store: content-addressed rows (`floor_plans`), their bytes in
//! 1 MiB chunks (`floor_plan_chunks`), written inside the import's transaction and read back one
//! chunk at a time, so a pack from the server keeps the memory bound a pack from files has.

use std::io::{self, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};

use postgres::Client;
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
    let mut f =
        std::fs::File::open(file).map_err(|e| Error::io("cannot read the floor plan", file, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let (mut n, mut total) = (0i32, 0u64);
    loop {
        let len = read_full(&mut f, &mut buf).map_err(|e| Error::io("cannot read", file, e))?;
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

/// Reads a stored plan chunk by chunk over the store's connection (shared with the store,
/// taken for one query at a time). A plan the store does not hold reads as empty: the reader's
/// caller checks size and SHA-256 against the register, and refuses.
pub(super) struct ChunkReader {
    pub(super) client: Arc<Mutex<Client>>,
    pub(super) sha256: String,
    next: i32,
    buf: Vec<u8>,
    pos: usize,
    done: bool,
}

impl ChunkReader {
    pub(super) fn new(client: Arc<Mutex<Client>>, sha256: String) -> ChunkReader {
        ChunkReader {
            client,
            sha256,
            next: 0,
            buf: Vec::new(),
            pos: 0,
            done: false,
        }
    }

    fn fetch(&mut self) -> io::Result<()> {
        let mut c = self.client.lock().unwrap_or_else(|p| p.into_inner());
        let row = c
            .query_opt(
                "SELECT data FROM floor_plan_chunks WHERE sha256 = $1 AND n = $2",
                &[&self.sha256, &self.next],
            )
            .map_err(io::Error::other)?;
        match row {
            Some(r) => {
                self.buf = r.get(0);
                self.pos = 0;
                self.next += 1;
            }
            None => self.done = true,
        }
        Ok(())
    }
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.buf.len() {
            if self.done {
                return Ok(0);
            }
            self.fetch()?;
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
