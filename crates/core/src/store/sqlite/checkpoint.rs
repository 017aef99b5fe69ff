//! WAL checkpoints off the commit path.
//!
//! In WAL mode SQLite copies the log back into the database (a checkpoint: thousands of page
//! writes and an fsync of the database file) from inside whichever COMMIT pushes the log past
//! 1,000 pages. A handover to 100 customers dirties about 200 index pages (two indexes keyed by
//! customer), so every fifth such commit paid for a checkpoint: tens of milliseconds on the
//! p99 of recording a handover. Here the store's own connection never checkpoints; a thread
//! with a connection of its own runs a PASSIVE checkpoint (which never blocks the writer or
//! readers) whenever the log has grown past [`CHECKPOINT_AT`], checking every
//! [`POLL`]; on an encrypted store it holds the key too. When the store closes, the thread stops first, and SQLite checkpoints on closing
//! the last connection as usual.

use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Checkpoint once the WAL file is larger than this.
const CHECKPOINT_AT: u64 = 4 << 20;

/// How often the WAL's size is looked at.
const POLL: Duration = Duration::from_millis(100);

/// The WAL never stays larger than this after a checkpoint has reset it.
pub(super) const WAL_SIZE_LIMIT: i64 = 64 << 20;

/// The background checkpointer; stops (and is joined) when dropped.
pub(super) struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Start it for the database at `path`; `None` if it cannot (then the caller keeps
    /// SQLite's automatic checkpoints).
    pub(super) fn start(path: &Path, key: Option<&super::StoreKey>) -> Option<Checkpointer> {
        let conn = rusqlite::Connection::open(path).ok()?;
        if let Some(key) = key {
            super::cipher::apply_key(&conn, key).ok()?;
        }
        conn.busy_timeout(Duration::from_secs(5)).ok()?;
        let wal = {
            let mut name = path.as_os_str().to_owned();
            name.push("-wal");
            std::path::PathBuf::from(name)
        };
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("handover-checkpoint".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(POLL) {
                    let big = std::fs::metadata(&wal).is_ok_and(|m| m.len() > CHECKPOINT_AT);
                    if big {
                        // Best effort: a busy or failed checkpoint is retried at the next poll,
                        // and the log stays valid meanwhile.
                        let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    }
                }
            })
            .ok()?;
        Some(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
