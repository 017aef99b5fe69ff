//! The printed work-order sheet: its preview before a paper handover is made, and the recorded
//! sheet read back for printing.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::super::Office;
use super::super::policy;
use super::check::checked;
use super::prepare::bundle_customers;
use crate::bundle::{self, PaperHeader};
use crate::handover::{Method, Selection};
use crate::usage::UseKind;
use crate::{Error, Result};

/// What stands in for the handover id on a preview sheet (the id is given when it is made).
pub const PREVIEW_ID: &str = "見本（番号は作成時に付きます）";

/// The work-order sheet a paper handover of `sel` would print, before it is made: the same
/// sheet, from the same checked selection, with [`PREVIEW_ID`] for the id. Writes nothing.
pub fn paper_preview(office: &Office, sel: &Selection, return_by: Option<&str>) -> Result<String> {
    if sel.method != Method::Paper {
        return Err(
            crate::refusal::Refusal::Selection(crate::refusal::SelectionProblem::NotPaper).into(),
        );
    }
    let policy = policy(office)?;
    let (prep, return_by, _) = checked(office, &policy, sel, None, return_by)?;
    let header = PaperHeader {
        handover_id: PREVIEW_ID.into(),
        created: office.now(),
        operator: office.operator.clone(),
        contractor: prep.contractor.name.clone(),
        work_type: sel.work_type,
        return_by: return_by.to_string(),
    };
    bundle::paper_sheet_html(&header, &bundle_customers(office, &prep)?)
}

/// The largest sheet [`paper_sheet`] reads back (plans are embedded, so sheets can be large).
const MAX_SHEET_BYTES: u64 = 256 * 1024 * 1024;

/// The sheet of paper handover `id` as it was written to `path`, to print it from the app.
///
/// The file must be the very one recorded: its SHA-256 is checked against the handover record,
/// so this cannot be used to read any other file. Recorded as a sheet print (操作記録) naming
/// the handover's customers.
pub fn paper_sheet(office: &mut Office, id: &str, path: &Path) -> Result<String> {
    let h = office
        .store
        .handovers(Some(id))?
        .pop()
        .ok_or_else(|| Error::UnknownHandover(id.into()))?;
    if h.method != Method::Paper {
        return Err(crate::refusal::Refusal::State {
            id: id.to_string(),
            problem: crate::refusal::StateProblem::HandoverNotPaper {
                method: h.method.to_string(),
            },
        }
        .into());
    }
    let not_it = || {
        Error::from(crate::refusal::Refusal::SheetChanged {
            path: path.display().to_string(),
            id: id.to_string(),
        })
    };
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io("cannot read", path, e))?
        .len();
    if size > MAX_SHEET_BYTES || Some(size) != h.bundle_size {
        return Err(not_it());
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io("cannot read", path, e))?;
    if Some(hex::encode(Sha256::digest(&bytes))) != h.bundle_sha256 {
        return Err(not_it());
    }
    let sheet = String::from_utf8(bytes).map_err(|_| not_it())?;
    let customers = h.customers.iter().map(|c| c.customer_id.clone());
    super::super::usage::record(office, UseKind::PaperSheet, id, customers)?;
    Ok(sheet)
}
