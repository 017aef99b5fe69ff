//! What the app's step-by-step "new handover" flow asks before it packs: which contractors can
//! receive today and by which method, which customers cannot be included and why, which fields
//! may be chosen, the default return date, whether the options would be accepted, and the
//! printable sheet before and after it is made.
//!
//! Each answer comes from the same functions [`super::prepare`] and [`super::pack`] apply
//! ([`crate::handover::contractor_refusal`], [`crate::handover::decide_customer`],
//! [`checked`]), so what the wizard greys out is exactly what pack would refuse.

use std::collections::HashMap;
use std::path::Path;

use age::secrecy::SecretString;
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::Office;
use super::handovers::{policy, prepare_with};
use crate::bundle::{self, BundleCustomer, PaperHeader};
use crate::contractors::{AgreementStatus, RecipientKey};
use crate::handover::{
    ContractorRefusal, Excluded, Method, Preparation, Selection, agreement_refusal,
    contractor_refusal, decide_customer,
};
use crate::requests::Request;
use crate::{Contractor, Error, Field, FieldClass, Policy, Result, WorkType};

/// A method (with or without the passphrase fallback) and whether the contractor can receive by
/// it today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MethodOption {
    /// transfer, media or paper.
    pub method: Method,
    /// A passphrase bundle instead of the contractor's keys.
    pub passphrase: bool,
    /// Why not, if not.
    pub refusal: Option<ContractorRefusal>,
}

/// A contractor as the wizard offers it: its keys, its agreement today and what it can receive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContractorChoice {
    /// The contractor.
    pub contractor: Contractor,
    /// Its keys with the fingerprints staff read back by phone.
    pub keys: Vec<RecipientKey>,
    /// The agreement's standing today.
    pub status: AgreementStatus,
    /// Why it cannot receive any handover today (`None`: it can).
    pub refusal: Option<ContractorRefusal>,
    /// Every method, with or without a passphrase, and whether it is possible.
    pub methods: Vec<MethodOption>,
}

/// The roster as the wizard offers it, for today.
pub fn contractor_choices(office: &Office) -> Result<Vec<ContractorChoice>> {
    let today = office.today();
    Ok(office
        .store
        .contractors()?
        .into_iter()
        .map(|c| {
            let methods = [
                (Method::Transfer, false),
                (Method::Transfer, true),
                (Method::Media, false),
                (Method::Media, true),
                (Method::Paper, false),
            ]
            .into_iter()
            .map(|(method, passphrase)| MethodOption {
                method,
                passphrase,
                refusal: contractor_refusal(&c, today, method, passphrase),
            })
            .collect();
            ContractorChoice {
                keys: c.keys(),
                status: c.agreement_status(today),
                refusal: agreement_refusal(&c, today),
                methods,
                contractor: c,
            }
        })
        .collect())
}

/// Every customer of the register who cannot be in a handover for `work_type`, and why: an
/// opt-out, or a field the work needs that the register lacks. Everyone else can be included
/// (with fields withheld per their own requests, which [`super::prepare`] lists).
///
/// The same decision as `prepare`, made for the whole register at once: one pass over the
/// customers and one over the requests, so a 100,000-customer register is screened in well
/// under a second.
pub fn screen_customers(office: &Office, work_type: WorkType) -> Result<Vec<Excluded>> {
    let policy = policy(office)?;
    let minimal = policy.fields_for(work_type);
    let mut enforced: HashMap<String, Vec<Request>> = HashMap::new();
    for r in office.store.requests(None)? {
        if r.status.is_enforced() {
            enforced.entry(r.customer_id.clone()).or_default().push(r);
        }
    }
    let mut out = Vec::new();
    for c in office.store.search_customers("", None)? {
        let requests = enforced
            .get(&c.customer_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if let Err(reason) = decide_customer(&c, requests, minimal, minimal) {
            out.push(Excluded {
                customer_id: c.customer_id,
                reason,
            });
        }
    }
    Ok(out)
}

/// How a field can be chosen for a work type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FieldChoice {
    /// In the work type's minimal set: always included.
    Minimal,
    /// Outside the minimal set: may be added with a written reason.
    Extra,
    /// Payment data: never stored, never handed over.
    Never,
}

/// A field as the wizard's field step shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldOption {
    /// The field.
    pub field: Field,
    /// 日本語
    pub label_ja: String,
    /// English
    pub label_en: String,
    /// Its class.
    pub class: FieldClass,
    /// How it can be chosen.
    pub choice: FieldChoice,
}

/// Every field, in catalog order, and how it can be chosen for `work_type` under the office
/// policy.
pub fn field_options(office: &Office, work_type: WorkType) -> Result<Vec<FieldOption>> {
    let policy = policy(office)?;
    let minimal = policy.fields_for(work_type);
    Ok(Field::ALL
        .into_iter()
        .map(|f| FieldOption {
            field: f,
            label_ja: f.label_ja().into(),
            label_en: f.label_en().into(),
            class: f.class(),
            choice: if f.is_payment() {
                FieldChoice::Never
            } else if minimal.contains(&f) {
                FieldChoice::Minimal
            } else {
                FieldChoice::Extra
            },
        })
        .collect())
}

/// Dates the wizard starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HandoverDefaults {
    /// Today in the office's time zone (YYYY-MM-DD).
    pub today: String,
    /// The default return-or-destroy date: today + the policy's return days.
    pub return_by: String,
    /// The policy's return days.
    pub return_days: u32,
}

/// Today and the default return-or-destroy date.
pub fn handover_defaults(office: &Office) -> Result<HandoverDefaults> {
    let policy = policy(office)?;
    Ok(HandoverDefaults {
        today: office.today().to_string(),
        return_by: resolve_return_by(office.today(), &policy, None)?.to_string(),
        return_days: policy.return_days,
    })
}

/// The return-or-destroy date: the one given (not in the past), else today + the policy's
/// return days.
fn resolve_return_by(
    today: jiff::civil::Date,
    policy: &Policy,
    given: Option<&str>,
) -> Result<jiff::civil::Date> {
    let return_by = match given.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => crate::contractors::parse_date(d)?,
        None => today.saturating_add(jiff::Span::new().days(i64::from(policy.return_days))),
    };
    if return_by < today {
        return Err(Error::invalid(
            "return-by",
            format!("{return_by} is in the past"),
        ));
    }
    Ok(return_by)
}

/// Everything [`super::pack`] checks before it writes a byte: the passphrase (given exactly
/// when asked for, and long enough), the preparation (contractor, fields, customers), at least
/// one customer left to hand over, and the return date. Returns the preparation and the date.
pub(super) fn checked(
    office: &Office,
    policy: &Policy,
    sel: &Selection,
    passphrase: Option<&SecretString>,
    return_by: Option<&str>,
) -> Result<(Preparation, jiff::civil::Date)> {
    if sel.passphrase != passphrase.is_some() {
        return Err(Error::invalid(
            "passphrase",
            "a passphrase bundle needs the passphrase (and only a passphrase bundle takes one)",
        ));
    }
    if let Some(p) = passphrase {
        bundle::check_passphrase(p)?;
    }
    let prep = prepare_with(office, policy, sel)?;
    if prep.customers.is_empty() {
        return Err(Error::invalid(
            "customers",
            format!(
                "none of the {} selected customers can be handed over ({} excluded): nothing to pack",
                sel.customers.len(),
                prep.excluded.len()
            ),
        ));
    }
    let return_by = resolve_return_by(office.today(), policy, return_by)?;
    Ok((prep, return_by))
}

/// Would [`super::pack`] accept this selection with these options? Returns the
/// return-or-destroy date it would record; writes nothing. (Where the file goes is checked by
/// pack itself, when the file is written.)
pub fn check_pack_options(
    office: &Office,
    sel: &Selection,
    passphrase: Option<&SecretString>,
    return_by: Option<&str>,
) -> Result<String> {
    let policy = policy(office)?;
    checked(office, &policy, sel, passphrase, return_by).map(|(_, d)| d.to_string())
}

/// The customers of a preparation with exactly the fields they may receive and their stored
/// floor-plan files: what a bundle or a sheet is written from.
pub(super) fn bundle_customers(office: &Office, prep: &Preparation) -> Result<Vec<BundleCustomer>> {
    let mut out = Vec::with_capacity(prep.customers.len());
    for pc in &prep.customers {
        let customer = office
            .store
            .customer(&pc.customer_id)?
            .ok_or_else(|| Error::invalid("customer", format!("{} vanished", pc.customer_id)))?;
        let floor_plan_path = customer
            .floor_plan
            .as_ref()
            .filter(|_| pc.included.contains(&Field::FloorPlan))
            .map(|f| office.dir.floor_plans_dir().join(f.file_name()));
        out.push(BundleCustomer {
            customer,
            fields: pc.included.clone(),
            floor_plan_path,
        });
    }
    Ok(out)
}

/// What stands in for the handover id on a preview sheet (the id is given when it is made).
pub const PREVIEW_ID: &str = "見本（番号は作成時に付きます）";

/// The work-order sheet a paper handover of `sel` would print, before it is made: the same
/// sheet, from the same checked selection, with [`PREVIEW_ID`] for the id. Writes nothing.
pub fn paper_preview(office: &Office, sel: &Selection, return_by: Option<&str>) -> Result<String> {
    if sel.method != Method::Paper {
        return Err(Error::invalid(
            "method",
            "only a paper handover has a sheet to preview",
        ));
    }
    let policy = policy(office)?;
    let (prep, return_by) = checked(office, &policy, sel, None, return_by)?;
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
/// so this cannot be used to read any other file.
pub fn paper_sheet(office: &Office, id: &str, path: &Path) -> Result<String> {
    let h = office
        .store
        .handovers(Some(id))?
        .pop()
        .ok_or_else(|| Error::invalid("handover", format!("no handover with id {id}")))?;
    if h.method != Method::Paper.id() {
        return Err(Error::invalid(
            "handover",
            format!("{id} is a {} handover, not a printed sheet", h.method),
        ));
    }
    let not_it = || {
        Error::invalid(
            "sheet",
            format!(
                "{} is not the sheet recorded for {id} (it was changed or replaced)",
                path.display()
            ),
        )
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
    String::from_utf8(bytes).map_err(|_| not_it())
}
