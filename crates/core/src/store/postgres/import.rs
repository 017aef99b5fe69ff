//! A register import on the shared store: one transaction for every upsert and its entry.

use std::sync::MutexGuard;

use postgres::Client;
use postgres::types::ToSql;

use super::{At, append_in, rows};
use crate::register::{Customer, FloorPlan};
use crate::store::{ColumnSet, EventDraft, ImportTx, LedgerEntry, Upsert};
use crate::{Field, Result};

struct PgImport<'a> {
    client: MutexGuard<'a, Client>,
    loc: &'a str,
    done: bool,
}

pub(super) fn begin<'a>(
    mut client: MutexGuard<'a, Client>,
    loc: &'a str,
) -> Result<Box<dyn ImportTx + 'a>> {
    client.batch_execute("BEGIN").at(loc)?;
    Ok(Box::new(PgImport {
        client,
        loc,
        done: false,
    }))
}

/// The stored customer with the imported columns (and a new floor plan) laid over it.
fn merged(stored: &Customer, c: &Customer, cols: ColumnSet) -> Customer {
    let mut m = stored.clone();
    for f in Field::stored().filter(|f| cols.contains(*f)) {
        if let Some(slot) = m.text_slot(f) {
            *slot = c.text(f).map(str::to_string);
        }
    }
    if c.floor_plan.is_some() {
        m.floor_plan.clone_from(&c.floor_plan);
    }
    if cols.has_contract_ended() {
        m.contract_ended.clone_from(&c.contract_ended);
    }
    m
}

impl PgImport<'_> {
    fn write(&mut self, c: &Customer, at: &str) -> Result<()> {
        let p = rows::customer_params(c);
        let mut refs: Vec<&(dyn ToSql + Sync)> = p.iter().map(|b| b.as_ref() as _).collect();
        refs.push(&at);
        self.client
            .execute(rows::UPSERT_CUSTOMER, &refs)
            .at(self.loc)?;
        Ok(())
    }
}

impl ImportTx for PgImport<'_> {
    fn upsert(&mut self, customer: &Customer, columns: ColumnSet, at: &str) -> Result<Upsert> {
        let row = self
            .client
            .query_opt(
                &format!(
                    "SELECT {} FROM customers WHERE customer_id = $1 FOR UPDATE",
                    rows::CUSTOMER_COLUMNS
                ),
                &[&customer.customer_id],
            )
            .at(self.loc)?;
        match row {
            None => {
                self.write(customer, at)?;
                Ok(Upsert::Added)
            }
            Some(r) => {
                let stored = rows::customer(&r, self.loc)?;
                let m = merged(&stored, customer, columns);
                if m == stored {
                    return Ok(Upsert::Unchanged);
                }
                self.write(&m, at)?;
                Ok(Upsert::Updated)
            }
        }
    }

    fn keeps_floor_plans(&self) -> bool {
        true
    }

    fn put_floor_plan(&mut self, plan: &FloorPlan, file: &std::path::Path) -> Result<()> {
        super::plans::put(&mut self.client, self.loc, plan, file)
    }

    fn commit(mut self: Box<Self>, event: EventDraft) -> Result<LedgerEntry> {
        let e = append_in(&mut self.client, &event, self.loc)?;
        self.client.batch_execute("COMMIT").at(self.loc)?;
        self.done = true;
        Ok(e)
    }
}

impl Drop for PgImport<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }
}
