//! A test fixture, never shipped: a peer that reads and edits an office's encrypted store with
//! its key, as an auditor's program or someone who knows a password would, through SQLCipher
//! (the same library, rusqlite's `bundled-sqlcipher`) rather than through Handover.
//!
//! `sqlcipher-peer DB SQL`: unlocks the vault beside DB with HANDOVER_OPERATOR and
//! HANDOVER_PASSWORD, opens DB with the store key and runs SQL, printing each row of the last
//! statement's result separated by `|` like the `sqlite3` shell; an error is printed as
//! `Error: …` with exit status 1. The CLI golden tests use it where they used the stock `sqlite3`
//! before the store was encrypted (which now cannot read the file at all).

use std::process::ExitCode;

use age::secrecy::SecretString;
use handover_core::DataDir;
use handover_core::vault::{Unlock, Vault};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, sql] = args.as_slice() else {
        return Err("usage: sqlcipher-peer DB SQL".into());
    };
    let db = std::path::Path::new(db);
    let dir = DataDir::new(db.parent().unwrap_or(std::path::Path::new(".")));
    let name = std::env::var("HANDOVER_OPERATOR").map_err(|_| "HANDOVER_OPERATOR is not set")?;
    let password = SecretString::from(
        std::env::var("HANDOVER_PASSWORD").map_err(|_| "HANDOVER_PASSWORD is not set")?,
    );
    let vault = Vault::load(&dir).map_err(|e| e.to_string())?;
    let Unlock::Key(key) = vault.unlock(&name, &password).map_err(|e| e.to_string())? else {
        return Err(format!("the password of {name} does not unlock the vault"));
    };
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    let key = handover_core::store::StoreKey::of(&key);
    conn.execute_batch(&key.peer_statements())
        .map_err(|e| e.to_string())?;
    // All but the last statement run as a batch; the last one's rows are printed.
    let statements: Vec<&str> = sql
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let Some((last, before)) = statements.split_last() else {
        return Ok(());
    };
    for s in before {
        conn.execute_batch(s).map_err(|e| e.to_string())?;
    }
    let mut stmt = conn.prepare(last).map_err(|e| e.to_string())?;
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let cells: Vec<String> = (0..columns)
            .map(|i| match row.get_ref(i) {
                Ok(v) => match v {
                    rusqlite::types::ValueRef::Null => String::new(),
                    rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                    rusqlite::types::ValueRef::Real(f) => f.to_string(),
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    rusqlite::types::ValueRef::Blob(b) => format!("<{} bytes>", b.len()),
                },
                Err(e) => e.to_string(),
            })
            .collect();
        println!("{}", cells.join("|"));
    }
    Ok(())
}
