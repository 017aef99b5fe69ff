//! One customer, as the app's customer page shows them: what was handed over about them, to
//! whom, and their requests (R7, R10 — what a customer asking "who received my data?" is
//! told), and their floor plan read back from the content-addressed store.

use std::io::Read;
use std::path::PathBuf;

use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::Office;
use crate::register::{FloorPlan, MAX_FLOOR_PLAN_BYTES};
use crate::requests::Request;
use crate::{Error, Field, Result};

/// One handover that included the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CustomerHandover {
    /// `HO-2026-000123`
    pub handover_id: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// Who created it.
    pub operator: String,
    /// The contractor's id.
    pub contractor_id: String,
    /// The contractor's name (as in the roster now).
    pub contractor_name: Option<String>,
    /// Work type id.
    pub work_type: String,
    /// `transfer`, `media` or `paper`.
    pub method: String,
    /// `x25519`, `passphrase` or `none`.
    pub encryption: String,
    /// The fields this customer's entry held.
    pub fields: Vec<Field>,
    /// Return-or-destroy date.
    pub return_by: String,
    /// Day the return or destruction was confirmed.
    pub closed_on: Option<String>,
    /// Open past its return-or-destroy date.
    pub overdue: bool,
    /// The ledger entry that recorded it.
    #[ts(type = "number")]
    pub ledger_seq: u64,
}

/// Every handover that included customer `id`, oldest first, with the fields they received.
pub fn customer_handovers(office: &Office, id: &str) -> Result<Vec<CustomerHandover>> {
    let today = office.today().to_string();
    let names: std::collections::HashMap<String, String> = office
        .store
        .contractors()?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(office
        .store
        .customer_handovers(id)?
        .into_iter()
        .map(|h| CustomerHandover {
            overdue: h.is_overdue(&today),
            contractor_name: names.get(&h.contractor_id).cloned(),
            fields: h
                .customers
                .iter()
                .find(|c| c.customer_id == id)
                .map(|c| c.fields.clone())
                .unwrap_or_default(),
            handover_id: h.id,
            created_at: h.created_at,
            operator: h.operator,
            contractor_id: h.contractor_id,
            work_type: h.work_type,
            method: h.method,
            encryption: h.encryption,
            return_by: h.return_by,
            closed_on: h.closed_on,
            ledger_seq: h.ledger_seq,
        })
        .collect())
}

/// Customer `id`'s requests (opt-outs and restrictions), oldest first.
pub fn customer_requests(office: &Office, id: &str) -> Result<Vec<Request>> {
    office.store.requests(Some(id))
}

/// The stored file of customer `id`'s floor plan, checked against the SHA-256 and size recorded
/// at import (to hand to the system's viewer: the file itself, never a copy).
pub fn floor_plan_path(office: &Office, id: &str) -> Result<(FloorPlan, PathBuf)> {
    let (plan, path, _) = read_plan(office, id, false)?;
    Ok((plan, path))
}

/// Customer `id`'s floor plan and its bytes, checked against the SHA-256 and size recorded at
/// import. Read straight from the content-addressed store into memory: no copy is written.
pub fn floor_plan(office: &Office, id: &str) -> Result<(FloorPlan, Vec<u8>)> {
    let (plan, _, bytes) = read_plan(office, id, true)?;
    Ok((plan, bytes))
}

fn read_plan(office: &Office, id: &str, keep: bool) -> Result<(FloorPlan, PathBuf, Vec<u8>)> {
    let c = super::customer(office, id)?;
    let plan = c.floor_plan.ok_or_else(|| {
        Error::invalid(
            "floor plan",
            format!("customer {id} has no floor plan in the register"),
        )
    })?;
    let path = office.dir.floor_plans_dir().join(plan.file_name());
    let changed = || Error::FloorPlanChanged {
        customer_id: id.to_string(),
        path: path.clone(),
    };
    if plan.size > MAX_FLOOR_PLAN_BYTES {
        return Err(changed());
    }
    let f = std::fs::File::open(&path)
        .map_err(|e| Error::io("cannot read the stored floor plan", &path, e))?;
    let mut bytes = Vec::with_capacity(if keep { plan.size as usize } else { 0 });
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    let mut reader = f.take(plan.size + 1);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io("cannot read the stored floor plan", &path, e)),
        };
        total += n as u64;
        hasher.update(&buf[..n]);
        if keep {
            bytes.extend_from_slice(&buf[..n]);
        }
    }
    if total != plan.size || hex::encode(hasher.finalize()) != plan.sha256 {
        return Err(changed());
    }
    Ok((plan, path, bytes))
}
