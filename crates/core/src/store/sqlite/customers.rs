//! The register's rows: customers, their search text and floor-plan references.

use rusqlite::{CachedStatement, OptionalExtension, params};

use super::SqliteStore;
use crate::register::{Customer, FloorPlan, search_key, search_text};
use crate::store::ColumnSet;
use crate::{Field, Result};

macro_rules! customer_columns {
    () => {
        "customer_id, name, name_kana, postal_code, address, phone, email, birth_date, gender, \
         occupation, service, notes, floor_plan_sha256, floor_plan_ext, floor_plan_size, \
         contract_ended"
    };
}

pub(super) const CUSTOMER_COLUMNS: &str = customer_columns!();

/// One customer by id.
pub(super) const CUSTOMER_BY_ID: &str = concat!(
    "SELECT ",
    customer_columns!(),
    " FROM customers WHERE customer_id = ?1"
);

macro_rules! insert_customer {
    () => {
        "INSERT INTO customers (customer_id, name, name_kana, postal_code, address, phone, email, \
         birth_date, gender, occupation, service, notes, floor_plan_sha256, floor_plan_ext, \
         floor_plan_size, search, created_at, updated_at, contract_ended) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, \
         ?18)"
    };
}

/// Insert a new customer (fails on an id already stored).
pub(super) const INSERT_CUSTOMER: &str = insert_customer!();

/// Insert a customer, or replace every column but `created_at` of the one with that id.
pub(super) const UPSERT_CUSTOMER: &str = concat!(
    insert_customer!(),
    " ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, \
     name_kana = excluded.name_kana, postal_code = excluded.postal_code, \
     address = excluded.address, phone = excluded.phone, email = excluded.email, \
     birth_date = excluded.birth_date, gender = excluded.gender, \
     occupation = excluded.occupation, service = excluded.service, \
     notes = excluded.notes, floor_plan_sha256 = excluded.floor_plan_sha256, \
     floor_plan_ext = excluded.floor_plan_ext, \
     floor_plan_size = excluded.floor_plan_size, search = excluded.search, \
     contract_ended = excluded.contract_ended, updated_at = excluded.updated_at"
);

/// The column of a text field in [`CUSTOMER_BY_ID`] (`None` for the id and the floor plan,
/// which an import does not overwrite this way, and for payment fields, which have none).
pub(super) fn text_column(f: Field) -> Option<usize> {
    Some(match f {
        Field::Name => 1,
        Field::NameKana => 2,
        Field::PostalCode => 3,
        Field::Address => 4,
        Field::Phone => 5,
        Field::Email => 6,
        Field::BirthDate => 7,
        Field::Gender => 8,
        Field::Occupation => 9,
        Field::Service => 10,
        Field::Notes => 11,
        Field::CustomerId | Field::FloorPlan | Field::BankAccount | Field::CardNumber => {
            return None;
        }
    })
}

/// Does the stored row (from [`CUSTOMER_BY_ID`]) already hold what the import would write: the
/// imported columns, and the floor plan if one comes with it? Compares in place.
pub(super) fn stored_as(
    r: &rusqlite::Row<'_>,
    c: &Customer,
    cols: ColumnSet,
) -> rusqlite::Result<bool> {
    let text = |i: usize| -> rusqlite::Result<Option<&str>> {
        r.get_ref(i)?.as_str_or_null().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    for f in Field::stored().filter(|f| cols.contains(*f)) {
        if let Some(i) = text_column(f)
            && text(i)? != c.text(f)
        {
            return Ok(false);
        }
    }
    if cols.has_contract_ended() && text(15)? != c.contract_ended.as_deref() {
        return Ok(false);
    }
    if let Some(fp) = &c.floor_plan {
        let same = text(12)? == Some(fp.sha256.as_str())
            && text(13)? == Some(fp.ext.as_str())
            && r.get::<_, Option<i64>>(14)? == Some(fp.size as i64);
        if !same {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Bind a customer to [`INSERT_CUSTOMER`] or [`UPSERT_CUSTOMER`] and run it.
pub(super) fn write_customer(
    stmt: &mut CachedStatement<'_>,
    c: &Customer,
    at: &str,
) -> rusqlite::Result<()> {
    let fp = c.floor_plan.as_ref();
    stmt.execute(params![
        c.customer_id,
        c.name,
        c.name_kana,
        c.postal_code,
        c.address,
        c.phone,
        c.email,
        c.birth_date,
        c.gender,
        c.occupation,
        c.service,
        c.notes,
        fp.map(|f| &f.sha256),
        fp.map(|f| &f.ext),
        fp.map(|f| f.size as i64),
        search_text(c),
        at,
        c.contract_ended
    ])?;
    Ok(())
}

pub(super) fn customer_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Customer> {
    let sha: Option<String> = r.get(12)?;
    let floor_plan = match sha {
        Some(sha256) => Some(FloorPlan {
            sha256,
            ext: r.get(13)?,
            size: r.get::<_, i64>(14)? as u64,
        }),
        None => None,
    };
    Ok(Customer {
        customer_id: r.get(0)?,
        name: r.get(1)?,
        name_kana: r.get(2)?,
        postal_code: r.get(3)?,
        address: r.get(4)?,
        phone: r.get(5)?,
        email: r.get(6)?,
        birth_date: r.get(7)?,
        gender: r.get(8)?,
        occupation: r.get(9)?,
        service: r.get(10)?,
        notes: r.get(11)?,
        floor_plan,
        contract_ended: r.get(15)?,
    })
}

impl SqliteStore {
    pub(super) fn customer_sql(&self, id: &str) -> Result<Option<Customer>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE customer_id = ?1"
            ))
            .and_then(|mut s| s.query_row([id], customer_from_row).optional())
            .map_err(|e| self.err(e))
    }

    pub(super) fn search_customers_sql(
        &self,
        query: &str,
        limit: Option<usize>,
    ) -> Result<Vec<Customer>> {
        let key = search_key(query);
        let limit = limit.map_or(-1, |l| l as i64);
        let run = || -> rusqlite::Result<Vec<Customer>> {
            if key.is_empty() {
                let mut s = self.conn.prepare_cached(&format!(
                    "SELECT {CUSTOMER_COLUMNS} FROM customers ORDER BY customer_id LIMIT ?1"
                ))?;
                return s.query_map([limit], customer_from_row)?.collect();
            }
            let pattern = format!(
                "%{}%",
                key.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            let mut s = self.conn.prepare_cached(&format!(
                "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE search LIKE ?1 ESCAPE '\\' \
                 ORDER BY customer_id LIMIT ?2"
            ))?;
            s.query_map(params![pattern, limit], customer_from_row)?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    pub(super) fn customer_count_sql(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM customers", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    pub(super) fn customer_search_keys_sql(&self) -> Result<Vec<(String, String)>> {
        let run = || -> rusqlite::Result<Vec<(String, String)>> {
            self.conn
                .prepare_cached("SELECT customer_id, search FROM customers ORDER BY customer_id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }

    pub(super) fn floor_plans_in_use_sql(&self) -> Result<Vec<FloorPlan>> {
        let run = || -> rusqlite::Result<Vec<FloorPlan>> {
            self.conn
                .prepare(
                    "SELECT DISTINCT floor_plan_sha256, floor_plan_ext, floor_plan_size \
                     FROM customers WHERE floor_plan_sha256 IS NOT NULL",
                )?
                .query_map([], |r| {
                    Ok(FloorPlan {
                        sha256: r.get(0)?,
                        ext: r.get(1)?,
                        size: r.get::<_, i64>(2)? as u64,
                    })
                })?
                .collect()
        };
        run().map_err(|e| self.err(e))
    }
}
