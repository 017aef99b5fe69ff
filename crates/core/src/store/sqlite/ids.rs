//! Ids given out inside the transaction that records them (see migration 0005).

use rusqlite::{Connection, OptionalExtension, params};

/// The next id `{prefix}{n:0width$}` in `table`: one past both the last number given out and
/// the highest id stored (a store written before the counters existed), remembered as given
/// out. Runs in the caller's transaction.
pub(super) fn next_in(
    tx: &Connection,
    table: &str,
    prefix: &str,
    width: usize,
) -> rusqlite::Result<String> {
    let start = prefix.len() as i64 + 1;
    let stored: i64 = tx.query_row(
        &format!(
            "SELECT coalesce(max(CAST(substr(id, {start}) AS INTEGER)), 0) FROM {table} \
             WHERE id LIKE ?1"
        ),
        [format!("{prefix}%")],
        |r| r.get(0),
    )?;
    let given: Option<i64> = tx
        .prepare_cached("SELECT n FROM id_counters WHERE prefix = ?1")?
        .query_row([prefix], |r| r.get(0))
        .optional()?;
    let n = stored.max(given.unwrap_or(0)) + 1;
    tx.prepare_cached(
        "INSERT INTO id_counters (prefix, n) VALUES (?1, ?2) \
         ON CONFLICT (prefix) DO UPDATE SET n = excluded.n",
    )?
    .execute(params![prefix, n])?;
    Ok(format!("{prefix}{n:0width$}"))
}
