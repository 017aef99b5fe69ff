//! What the app shows around every screen: the office it is working on.

use serde::Serialize;
use ts_rs::TS;

use super::{InterruptedPack, Office, office_keys};
use crate::Result;
use crate::keys::OfficePublicKeys;
use crate::operators::Role;

/// The office at a glance: the frame of every screen.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OfficeInfo {
    /// The data directory in use.
    pub data_dir: String,
    /// The operator recorded in the ledger.
    pub operator: String,
    /// Customers in the register.
    #[ts(type = "number")]
    pub customer_count: u64,
    /// The office keys, once they are created.
    pub keys: Option<OfficePublicKeys>,
    /// Today in the office's time zone.
    #[ts(type = "string")]
    pub today: jiff::civil::Date,
    /// Packs killed before they were recorded, undone when the office was opened.
    pub interrupted_packs: Vec<InterruptedPack>,
    /// The office's server (`postgres://login@host:port/db`) when the store is shared; None
    /// for this PC's own store.
    pub server: Option<String>,
    /// The signed-in person's role.
    pub role: Option<Role>,
    /// What the signed-in person may do, for the window to offer only that (the core, and a
    /// shared store's server, refuse the rest anyway).
    pub rights: Rights,
    /// The policy's minutes without use after which the window locks (sign in again).
    pub idle_lock_minutes: u32,
}

/// The steps beyond a staff member's, each as the signed-in role allows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Rights {
    /// Accept, reject and notify requests (manager).
    pub decide_requests: bool,
    /// Edit the policy (manager).
    pub edit_policy: bool,
    /// Add and change contractors (manager).
    pub edit_roster: bool,
    /// Purge what is past its retention period (manager).
    pub purge: bool,
    /// Export the ledger (manager).
    pub export_ledger: bool,
    /// Add and disable the office's people (admin).
    pub manage_operators: bool,
}

impl Rights {
    /// What `role` may do (None: this PC's own store, everything).
    pub fn of(role: Option<Role>) -> Rights {
        let at_least = |needed: Role| role.is_none_or(|r| r.allows(needed));
        let manager = at_least(Role::Manager);
        Rights {
            decide_requests: manager,
            edit_policy: manager,
            edit_roster: manager,
            purge: manager,
            export_ledger: manager,
            manage_operators: role.is_some_and(|r| r.allows(Role::Admin)),
        }
    }
}

/// The office at a glance.
pub fn office_info(office: &Office) -> Result<OfficeInfo> {
    let role = office.store().session_role()?;
    Ok(OfficeInfo {
        data_dir: office.dir().root().display().to_string(),
        operator: office.operator().to_string(),
        customer_count: office.store().customer_count()?,
        keys: office_keys(office).ok(),
        today: office.today(),
        interrupted_packs: office.interrupted_packs().to_vec(),
        server: office
            .store()
            .is_shared()
            .then(|| office.store().location()),
        role,
        rights: Rights::of(office.signed_in_role()?),
        idle_lock_minutes: office.idle_lock_minutes()?,
    })
}

/// The number of the ledger's last entry (0 for none). Every change to the register,
/// requests, handovers, roster or policy appends an entry, so a window that sees this number
/// move knows that another PC (or another process on this one) changed something.
pub fn ledger_seq(office: &Office) -> Result<u64> {
    Ok(office.store().ledger_head()?.map_or(0, |(seq, _)| seq))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_may_not_take_a_managers_steps_and_the_embedded_store_has_no_roles() {
        let staff = Rights::of(Some(Role::Staff));
        assert!(!staff.decide_requests && !staff.edit_policy && !staff.edit_roster);
        assert!(!staff.purge && !staff.export_ledger && !staff.manage_operators);
        let manager = Rights::of(Some(Role::Manager));
        assert!(manager.decide_requests && manager.edit_policy && manager.edit_roster);
        assert!(manager.purge && manager.export_ledger && !manager.manage_operators);
        assert!(Rights::of(Some(Role::Admin)).manage_operators);
        let own = Rights::of(None);
        assert!(own.decide_requests && own.edit_policy && own.purge && own.export_ledger);
        // Operators exist only on a shared store.
        assert!(!own.manage_operators);
    }
}
