//! The embedded store encrypted at rest (issue 14): SQLCipher's key on each connection, telling
//! an encrypted file from a plain one, and the one-way copy of a plain store into an encrypted
//! one.
//!
//! The key is a raw 256-bit key (`PRAGMA key = "x'…'"`), derived from the office's data key
//! ([`StoreKey::of`]): it is random already, so SQLCipher's PBKDF2 over a passphrase (256,000
//! rounds at every open) would buy nothing. Each page is AES-256-CBC with a random IV and an
//! HMAC-SHA256 (a flipped bit in the file is an error, not a silent change); the WAL and
//! journals are encrypted the same way. HMAC-SHA256 rather than SQLCipher 4's default
//! SHA-512: the same strength as a MAC, and it runs on the CPU's SHA instructions, which made
//! `ledger verify` of a million entries 1.5× faster here (see [`SETTINGS`]).
//! The file's first 16 bytes are SQLCipher's random salt, so a plain SQLite file is known by
//! its header (`SQLite format 3\0`), which an encrypted one never has.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;

use rusqlite::Connection;
use zeroize::Zeroizing;

/// The SQLCipher key of an encrypted embedded store (wiped from memory when dropped; never
/// printed).
#[derive(Clone)]
pub struct StoreKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(…)")
    }
}

impl StoreKey {
    /// A key from its 32 bytes.
    #[cfg(test)]
    pub(super) fn from_bytes(bytes: Zeroizing<[u8; 32]>) -> Self {
        StoreKey(bytes)
    }

    /// The SQLCipher key of the office's embedded store, derived from its data key (for the
    /// store itself, and for a peer tool that reads it: SQLCipher's shell or an auditor's
    /// program, see [`StoreKey::to_sqlcipher_literal`]).
    pub fn of(data_key: &crate::vault::DataKey) -> Self {
        StoreKey(data_key.derive("handover sqlcipher store v1"))
    }

    /// The key as SQLCipher's raw-key literal, `x'<64 hex digits>'` (what a peer tool such as
    /// SQLCipher's own shell takes in `PRAGMA key = "x'…'"`).
    pub fn to_sqlcipher_literal(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(67));
        out.push_str("x'");
        for b in self.0.iter() {
            let _ = write!(out, "{b:02x}");
        }
        out.push('\'');
        out
    }
}

/// What a store file is, judged by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// No file, or an empty one: a store not created yet.
    Missing,
    /// A plain SQLite database (readable by anyone with the file).
    Plain,
    /// Not a plain SQLite file: encrypted (or not a database at all, which opening tells).
    Encrypted,
}

/// The header every plain SQLite database file starts with.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What the file at `path` is.
pub fn file_kind(path: &Path) -> std::io::Result<FileKind> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::Missing),
        Err(e) => return Err(e),
    };
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(match read {
        0 => FileKind::Missing,
        16 if &head == PLAIN_HEADER => FileKind::Plain,
        _ => FileKind::Encrypted,
    })
}

/// The cipher settings of every store, after the key on each connection; the same as the
/// process's defaults, which an attached database (the encrypted copy of an export) takes.
pub const SETTINGS: &str = "PRAGMA cipher_hmac_algorithm = HMAC_SHA256; \
     PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA256;";
/// Also: SQLCipher's own log off (it prints "hmac check failed…" to standard error when a
/// wrong key or a damaged file is tried; the store says that as a typed error instead).
const DEFAULT_SETTINGS: &str = "PRAGMA cipher_log_level = NONE; \
     PRAGMA cipher_default_hmac_algorithm = HMAC_SHA256; \
     PRAGMA cipher_default_kdf_algorithm = PBKDF2_HMAC_SHA256;";

impl StoreKey {
    /// The statements that open the store on a connection of SQLCipher's (SQLCipher's shell,
    /// an auditor's program): the key, then [`SETTINGS`].
    pub fn peer_statements(&self) -> Zeroizing<String> {
        let mut sql = Zeroizing::new(String::with_capacity(200));
        sql.push_str("PRAGMA key = \"");
        sql.push_str(&self.to_sqlcipher_literal());
        sql.push_str("\"; ");
        sql.push_str(SETTINGS);
        sql
    }
}

/// Give `conn` its key: the first statements on a connection to an encrypted store (nothing is
/// read from the file before them). A wrong key shows at the first read, as "file is not a
/// database".
pub(crate) fn apply_key(conn: &Connection, key: &StoreKey) -> rusqlite::Result<()> {
    conn.execute_batch(DEFAULT_SETTINGS)?;
    conn.execute_batch(&key.peer_statements())
}

/// Is `e` SQLite's "file is not a database" (SQLITE_NOTADB): what a wrong key, or no key on an
/// encrypted file, looks like?
pub(super) fn is_not_a_database(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase
    )
}

/// Copy the plain database open on `conn` into a new encrypted file at `to` with `key`
/// (SQLCipher's `sqlcipher_export`: every table, index, trigger and the schema version), then
/// make it durable. `to` must not exist. The plain file is only read.
pub(super) fn export_encrypted(
    conn: &Connection,
    to: &Path,
    key: &StoreKey,
    version: u32,
) -> rusqlite::Result<()> {
    conn.execute_batch(DEFAULT_SETTINGS)?;
    let mut attach = Zeroizing::new(String::with_capacity(120));
    attach.push_str("ATTACH DATABASE ?1 AS encrypted KEY \"");
    attach.push_str(&key.to_sqlcipher_literal());
    attach.push('"');
    conn.execute(&attach, [to.to_string_lossy()])?;
    let res = conn
        .query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))
        .and_then(|()| conn.execute_batch(&format!("PRAGMA encrypted.user_version = {version};")));
    let detached = conn.execute_batch("DETACH DATABASE encrypted");
    res?;
    detached
}

impl super::SqliteStore {
    /// Write an encrypted copy of this plain store to `to` (which must not exist) with `key`,
    /// durable when this returns; then close this store with its log folded back into its file
    /// (`journal_mode = DELETE`: no `-wal` file is left beside it, so the encrypted file can
    /// replace it by a rename). The plain file itself is left as it was.
    pub fn export_encrypted_and_close(mut self, to: &Path, key: &StoreKey) -> crate::Result<()> {
        // The checkpointer's own connection would keep the file in WAL mode.
        drop(self._checkpointer.take());
        let path = self.path.clone();
        let err = |e| crate::Error::store(path.display(), e);
        let version: u32 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(err)?;
        export_encrypted(&self.conn, to, key, version).map_err(err)?;
        crate::fsutil::sync_file(to)?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(err)?;
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .map_err(err)?;
        if !mode.eq_ignore_ascii_case("delete") {
            let what = format!(
                "{} stayed in journal mode {mode}: another program has it open",
                path.display()
            );
            return Err(crate::refusal::Refusal::Internal { what }.into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.sqlite3");
        assert_eq!(file_kind(&p).unwrap(), FileKind::Missing);
        std::fs::write(&p, b"").unwrap();
        assert_eq!(file_kind(&p).unwrap(), FileKind::Missing);
        drop(std::fs::remove_file(&p));
        let c = Connection::open(&p).unwrap();
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        drop(c);
        assert_eq!(file_kind(&p).unwrap(), FileKind::Plain);
        let e = dir.path().join("e.sqlite3");
        let key = StoreKey::from_bytes(Zeroizing::new([7u8; 32]));
        let c = Connection::open(&e).unwrap();
        apply_key(&c, &key).unwrap();
        c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES ('secret value');")
            .unwrap();
        drop(c);
        assert_eq!(file_kind(&e).unwrap(), FileKind::Encrypted);
        let bytes = std::fs::read(&e).unwrap();
        assert!(!bytes.windows(12).any(|w| w == b"secret value"));
        // No key, and a wrong key: "file is not a database", nothing read.
        let c = Connection::open(&e).unwrap();
        let err = c
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap_err();
        assert!(is_not_a_database(&err), "{err}");
        let c = Connection::open(&e).unwrap();
        apply_key(&c, &StoreKey::from_bytes(Zeroizing::new([8u8; 32]))).unwrap();
        let err = c
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap_err();
        assert!(is_not_a_database(&err), "{err}");
    }

    #[test]
    fn literal_is_raw_key_syntax() {
        let key = StoreKey::from_bytes(Zeroizing::new([0xab; 32]));
        let lit = key.to_sqlcipher_literal();
        assert_eq!(lit.len(), 67);
        assert!(lit.starts_with("x'abab") && lit.ends_with("ab'"));
    }
}
