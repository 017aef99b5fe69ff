//! A manager's change to the policy: validated by the same rules as a hand-edited file,
//! written atomically and recorded in the ledger.

use serde_json::json;

use super::Office;
use crate::{Error, Policy, Result, fsutil};

/// Replace the office policy (`policy.toml`) and record a `policy.changed` ledger event with
/// the policy before and after.
///
/// The new policy is checked first ([`Policy::validate`]: no payment field, customer_id in
/// every set, at least 1 return day, at least 3 years of records); a refused policy changes
/// nothing. The file is written to a sibling `.partial`, fsynced and renamed; if the ledger
/// entry then cannot be appended, the previous file is put back, so the file and the ledger
/// never disagree about what the policy is.
pub fn policy_save(office: &mut Office, policy: &Policy) -> Result<Policy> {
    policy.validate()?;
    let path = office.dir.policy_path();
    // The policy in force; a broken file (which refuses every handover until fixed) is what
    // this edit repairs, so it is recorded as unreadable rather than blocking the save.
    let before = Policy::load(&path).ok();
    if before.as_ref() == Some(policy) {
        return Err(Error::invalid("policy", "nothing to change"));
    }
    let old_bytes = match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("cannot read the policy", &path, e)),
    };
    let body = policy.to_toml();
    if body.trim().is_empty() {
        return Err(Error::invalid(
            "policy",
            "the policy could not be written as TOML",
        ));
    }
    let text = format!(
        "# Handover policy: the minimal field set of each work type, deadlines and retention.\n\
         # Last changed {} by {} (recorded in the ledger as policy.changed).\n\n{body}",
        office.now(),
        office.operator
    );
    fsutil::write_atomic(&path, text.as_bytes())?;
    let ev = office.event(
        "policy.changed",
        json!({ "before": before, "after": policy }),
    );
    if let Err(e) = office.store.append(ev) {
        let _ = match old_bytes {
            Some(b) => fsutil::write_atomic(&path, &b),
            None => std::fs::remove_file(&path).map_err(|e| Error::io("cannot remove", &path, e)),
        };
        return Err(e);
    }
    Ok(policy.clone())
}

/// The office's policy (policy.toml in the data folder, else the default).
pub fn policy(office: &Office) -> Result<Policy> {
    Policy::load(&office.dir.policy_path())
}
