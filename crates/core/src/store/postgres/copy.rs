//! `handover store copy --to URL`: a one-PC office's whole store moved into a new shared one.
//!
//! Every table is copied row for row, column by column as the server's schema names them (the
//! tables mirror the embedded store's), inside the transaction that creates the schema, so the
//! copy lands whole or not at all. The ledger keeps its entries exactly — seq, time, actor,
//! payload or its redaction, hashes — and its head, so both stores verify to the same head
//! hash. Floor plans go from the data folder into the store, checked against their hash.

use std::path::Path;

use postgres::Client;
use postgres::types::ToSql;
use rusqlite::OpenFlags;
use rusqlite::types::ValueRef;
use serde::Serialize;

use super::At;
use crate::register::FloorPlan;
use crate::{Error, Result};

/// The tables, in an order that inserts what a row refers to before the row.
const TABLES: &[&str] = &[
    "contractors",
    "contractor_recipients",
    "contractor_supervision",
    "customers",
    "ledger",
    "ledger_customers",
    "requests",
    "handovers",
    "handover_customers",
    "id_counters",
    "approvals",
    "usage",
    "usage_customers",
];

/// Which of a table's rows the shared store keeps: a pack's customers are indexed by its
/// handover's customer rows there, not again in `ledger_customers` (schema 7).
fn only(table: &str) -> &'static str {
    match table {
        "ledger_customers" => {
            " WHERE seq NOT IN (SELECT seq FROM ledger WHERE kind = 'handover.created')"
        }
        _ => "",
    }
}

/// What a copy moved.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Copied {
    /// Rows per table, in copy order.
    pub rows: Vec<(String, u64)>,
    /// Floor plans moved into the store.
    pub floor_plans: u64,
}

/// Copy the embedded store `db` (opened read-only with its `key` if encrypted, in one read
/// transaction: one consistent state) into the freshly created schema over `c`.
pub(super) fn from_sqlite(
    c: &mut Client,
    loc: &str,
    db: &Path,
    key: Option<&crate::store::StoreKey>,
    plans: &crate::register::PlanFiles,
) -> Result<Copied> {
    let mut src = rusqlite::Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| source_err(db, &e))?;
    if let Some(key) = key {
        crate::store::apply_key(&src, key).map_err(|e| source_err(db, &e))?;
    }
    let tx = src.transaction().map_err(|e| source_err(db, &e))?;
    let mut copied = Copied::default();
    for table in TABLES {
        let n = copy_table(c, loc, &tx, db, table)?;
        copied.rows.push(((*table).to_string(), n));
    }
    let (seq, hash): (i64, Vec<u8>) = tx
        .query_row("SELECT seq, hash FROM ledger_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(|e| source_err(db, &e))?;
    c.execute(
        "UPDATE ledger_head SET seq = $1, hash = $2 WHERE id = 1",
        &[&seq, &hash],
    )
    .at(loc)?;
    // The uses kept their ids: the next one is numbered after them.
    c.batch_execute(
        "SELECT setval(pg_get_serial_sequence('usage', 'id'), greatest(max(id), 1), \
         max(id) IS NOT NULL) FROM usage",
    )
    .at(loc)?;
    let mut stmt = tx
        .prepare(
            "SELECT DISTINCT floor_plan_sha256, floor_plan_ext, floor_plan_size FROM customers \
             WHERE floor_plan_sha256 IS NOT NULL",
        )
        .map_err(|e| source_err(db, &e))?;
    let in_use = stmt
        .query_map([], |r| {
            Ok(FloorPlan {
                sha256: r.get(0)?,
                ext: r.get(1)?,
                size: r.get::<_, i64>(2)? as u64,
            })
        })
        .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
        .map_err(|e| source_err(db, &e))?;
    for plan in &in_use {
        let open = || plans.open(plan).map(|r| r as Box<dyn std::io::Read>);
        super::plans::put_from(c, loc, plan, &plans.path(plan), open)?;
        copied.floor_plans += 1;
    }
    Ok(copied)
}

fn source_err(db: &Path, e: &rusqlite::Error) -> Error {
    crate::refusal::Refusal::SharedStore(crate::refusal::SharedProblem::CopyUnreadable {
        db: db.display().to_string(),
        why: e.to_string(),
    })
    .into()
}

/// Copy one table: the columns the server's table has, read from the same-named columns of the
/// embedded one, typed as the server declares them.
fn copy_table(
    c: &mut Client,
    loc: &str,
    src: &rusqlite::Transaction<'_>,
    db: &Path,
    table: &str,
) -> Result<u64> {
    let cols: Vec<(String, String)> = c
        .query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
            &[&table],
        )
        .at(loc)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
    let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
    let insert = c
        .prepare(&format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            placeholders.join(", ")
        ))
        .at(loc)?;
    let mut stmt = src
        .prepare(&format!(
            "SELECT {} FROM {table}{}",
            names.join(", "),
            only(table)
        ))
        .map_err(|e| source_err(db, &e))?;
    let mut rows = stmt.query([]).map_err(|e| source_err(db, &e))?;
    let mut n = 0u64;
    while let Some(r) = rows.next().map_err(|e| source_err(db, &e))? {
        let mut params: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(cols.len());
        for (i, (name, ty)) in cols.iter().enumerate() {
            let v = r.get_ref(i).map_err(|e| source_err(db, &e))?;
            params.push(value(v, ty).ok_or_else(|| {
                Error::from(crate::refusal::Refusal::SharedStore(
                    crate::refusal::SharedProblem::CopyValue {
                        db: db.display().to_string(),
                        column: format!("{table}.{name}"),
                        ty: ty.to_string(),
                    },
                ))
            })?);
        }
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|b| b.as_ref() as _).collect();
        c.execute(&insert, &refs).at(loc)?;
        n += 1;
    }
    Ok(n)
}

/// An embedded value as the server's column type takes it; `None` if it cannot.
fn value(v: ValueRef<'_>, ty: &str) -> Option<Box<dyn ToSql + Sync>> {
    Some(match (v, ty) {
        (ValueRef::Null, "text") => Box::new(None::<String>),
        (ValueRef::Null, "bigint") => Box::new(None::<i64>),
        (ValueRef::Null, "integer") => Box::new(None::<i32>),
        (ValueRef::Null, "bytea") => Box::new(None::<Vec<u8>>),
        (ValueRef::Text(t), "text") => Box::new(std::str::from_utf8(t).ok()?.to_string()),
        (ValueRef::Integer(i), "bigint") => Box::new(i),
        (ValueRef::Integer(i), "integer") => Box::new(i32::try_from(i).ok()?),
        (ValueRef::Blob(b), "bytea") => Box::new(b.to_vec()),
        _ => return None,
    })
}
