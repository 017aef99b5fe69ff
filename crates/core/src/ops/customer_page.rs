//! One customer, as the app's customer page shows them: their requests and their floor plan
//! read back from the content-addressed store. What was handed over about them, to whom, is
//! their history ([`super::history`] with the customer's id: R7, R10 — what a customer asking
//! "who received my data?" is told).

use std::io::Read;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::Office;
use crate::bundle::PlanSource;
use crate::register::{FloorPlan, MAX_FLOOR_PLAN_BYTES};
use crate::requests::RequestView;
use crate::{Error, Result};

/// Customer `id`'s requests (opt-outs and restrictions), oldest first, each saying whether
/// it is enforced now and what it waits for.
pub fn customer_requests(office: &Office, id: &str) -> Result<Vec<RequestView>> {
    super::requests::views(office, office.store.requests(Some(id))?)
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
        Error::from(crate::refusal::Refusal::FloorPlan {
            customer: id.to_string(),
            problem: crate::refusal::FloorPlanProblem::None,
        })
    })?;
    let source = super::at_rest::plan_source(office, &plan);
    let path = match &source {
        PlanSource::File(p) => p.clone(),
        PlanSource::Stored(o) => PathBuf::from(&o.location),
    };
    let changed = || Error::FloorPlanChanged {
        customer_id: id.to_string(),
        path: path.clone(),
    };
    if plan.size > MAX_FLOOR_PLAN_BYTES {
        return Err(changed());
    }
    let f: Box<dyn Read> = match source {
        // A shared store serves it, or it is encrypted at rest: there is no file of it on this
        // PC to hand to a viewer (and none is made).
        PlanSource::Stored(o) if !keep => {
            let problem = if o.authenticated {
                crate::refusal::FloorPlanProblem::EncryptedAtRest
            } else {
                crate::refusal::FloorPlanProblem::OnServer
            };
            return Err(crate::refusal::Refusal::FloorPlan {
                customer: id.to_string(),
                problem,
            }
            .into());
        }
        PlanSource::Stored(o) => o.open(),
        PlanSource::File(_) => Box::new(
            std::fs::File::open(&path)
                .map_err(|e| Error::io("cannot read the stored floor plan", &path, e))?,
        ),
    };
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
            Err(e) if crate::at_rest::is_damage(&e) => return Err(changed()),
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

/// Save `id`'s floor plan as the file `out` (refused if it exists), in clear: the person asked
/// for it (a plan encrypted at rest, or kept on a shared store, has no file of its own that a
/// viewer could open). The bytes are checked against the recorded SHA-256 first; recorded as a
/// use of the customer's data (操作記録), and the file is removed if that record fails.
pub fn save_floor_plan(
    office: &mut Office,
    id: &str,
    out: &std::path::Path,
) -> Result<crate::report::SavedFile> {
    let out = crate::report::check_new(out)?;
    let (plan, bytes) = floor_plan(office, id)?;
    let saved = crate::report::write_new(&out, &bytes, 1)?;
    let detail = format!("floor plan .{}", plan.ext);
    super::usage::record_file(
        office,
        crate::usage::UseKind::PlanExport,
        &detail,
        [id.to_string()],
        saved,
    )
}
