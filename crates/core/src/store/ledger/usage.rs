//! Does the record of use agree with its seals? (See [`crate::usage`] for why uses are sealed
//! into the ledger in batches.) After the chain was verified, every `usage.sealed` entry's
//! payload is the one recorded; each sealed row must be listed by its seal, every listed row
//! must be there, and the rows' digest must be the one sealed.

use std::collections::{BTreeMap, HashMap};

use super::chain::EntryRef;
use crate::store::Store;
use crate::usage::{SEAL_KIND, Seal, UsageCheck, UsageEntry, batch_digest};
use crate::{Error, Result};

fn mismatch(reason: String) -> Error {
    Error::DerivedMismatch {
        table: "usage".into(),
        reason,
    }
}

/// Compare the `usage` table with the seals in the ledger (after the chain was verified, so
/// every seal's payload is the one recorded).
pub fn check(store: &dyn Store) -> Result<UsageCheck> {
    let mut seals: BTreeMap<u64, Seal> = BTreeMap::new();
    let mut last = 0;
    store.for_each_entry_ref(&mut |e: &EntryRef<'_>| {
        last = e.seq;
        if !e.is(SEAL_KIND) {
            return Ok(());
        }
        // A seal never names a customer, so no purge redacts it; a missing payload is tampering.
        let seal = e
            .payload
            .and_then(|p| serde_json::from_slice::<Seal>(p).ok())
            .ok_or_else(|| Error::LedgerBroken {
                seq: e.seq,
                reason: "this usage seal has no readable list of the uses it seals".into(),
            })?;
        seals.insert(e.seq, seal);
        Ok(())
    })?;
    let mut by_seal: HashMap<u64, Vec<UsageEntry>> = HashMap::new();
    let mut report = UsageCheck::default();
    store.for_each_use(&mut |u| {
        match u.sealed_by {
            // Sealed by another PC after the ledger was read: still waiting, as far as this
            // walk knows.
            None => report.pending += 1,
            Some(s) if s > last => report.pending += 1,
            Some(s) if !seals.contains_key(&s) => {
                return Err(mismatch(format!(
                    "use {} ({} by {}) claims to be sealed by ledger entry {s}, which is not a \
                     usage seal",
                    u.id, u.at, u.operator
                )));
            }
            Some(s) => by_seal.entry(s).or_default().push(u),
        }
        Ok(())
    })?;
    for (seq, seal) in &seals {
        let rows = by_seal.remove(seq).unwrap_or_default();
        seal_difference(*seq, seal, &rows)?;
        report.sealed += rows.len() as u64;
        report.seals += 1;
    }
    Ok(report)
}

/// Do the rows sealed by entry `seq` (in id order) match what it sealed?
fn seal_difference(seq: u64, seal: &Seal, rows: &[UsageEntry]) -> Result<()> {
    let ids: Vec<u64> = rows.iter().map(|r| r.id).collect();
    if let Some(missing) = seal.ids.iter().find(|id| !ids.contains(id)) {
        return Err(mismatch(format!(
            "use {missing} of {}, sealed by ledger entry {seq}, is missing from the table \
             (deleted, or unlinked from its seal)",
            seal.operator
        )));
    }
    if let Some(extra) = rows.iter().find(|r| !seal.ids.contains(&r.id)) {
        return Err(mismatch(format!(
            "use {} ({} by {}) points at ledger entry {seq}, which did not seal it",
            extra.id, extra.at, extra.operator
        )));
    }
    if hex::encode(batch_digest(rows)) != seal.digest {
        let first = rows
            .iter()
            .find(|r| r.operator != seal.operator)
            .or_else(|| rows.first());
        return Err(mismatch(format!(
            "the uses sealed by ledger entry {seq} ({} of {}, from use {}) were edited after \
             they were sealed",
            rows.len(),
            seal.operator,
            first.map_or(0, |r| r.id)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::UseKind;

    fn row(id: u64, customers: &[&str]) -> UsageEntry {
        UsageEntry {
            id,
            at: "2026-12-01T00:00:00Z".into(),
            operator: "佐藤".into(),
            kind: UseKind::CustomerPage.id().into(),
            detail: String::new(),
            count: customers.len() as u64,
            customers: customers.iter().map(|c| c.to_string()).collect(),
            sealed_by: Some(9),
        }
    }

    #[test]
    fn a_seal_names_a_deleted_an_added_or_an_edited_use() {
        let rows = vec![row(1, &["C1"]), row(2, &["C2"]), row(3, &["C3"])];
        let seal = Seal::of("佐藤", &rows);
        assert_eq!(seal.customers, 3);
        seal_difference(9, &seal, &rows).unwrap();
        let why = |r: Result<()>| match r {
            Err(Error::DerivedMismatch { table, reason }) if table == "usage" => reason,
            other => panic!("expected a usage mismatch, got {other:?}"),
        };
        let deleted = [rows[0].clone(), rows[2].clone()];
        assert!(why(seal_difference(9, &seal, &deleted)).contains("use 2 of 佐藤"));
        let mut added = rows.clone();
        added.push(row(4, &[]));
        assert!(why(seal_difference(9, &seal, &added)).contains("use 4"));
        let mut edited = rows.clone();
        edited[1].customers = vec!["C9".into()];
        assert!(why(seal_difference(9, &seal, &edited)).contains("edited"));
        let mut who = rows.clone();
        who[2].operator = "鈴木".into();
        assert!(why(seal_difference(9, &seal, &who)).contains("from use 3"));
    }
}
