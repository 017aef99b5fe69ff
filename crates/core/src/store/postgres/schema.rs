//! The shared store's schema: created once by `init` (numbered migrations and the roles), and
//! checked at every sign-in.

use postgres::Client;

use super::At;
use crate::store::EventDraft;
use crate::{Error, Result};

/// Migrations, in order; the schema's version is how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_office.sql"),
    include_str!("migrations/0002_approvals.sql"),
    include_str!("migrations/0003_supervision.sql"),
    include_str!("migrations/0004_usage.sql"),
    include_str!("migrations/0005_handover_seal.sql"),
    include_str!("migrations/0006_append_after.sql"),
    include_str!("migrations/0007_append_after_packs.sql"),
];

/// Roles and grants (after the migrations).
const ROLES: &str = include_str!("migrations/roles.sql");

/// The newest schema this build knows.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// At sign-in: an office is there, and its schema is one this build understands.
pub(super) fn check(c: &mut Client, loc: &str) -> Result<()> {
    let found = version(c, loc)?.ok_or_else(|| Error::StoreNoOffice(loc.into()))?;
    if found > SCHEMA_VERSION {
        return Err(Error::StoreTooNew {
            location: loc.into(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found < SCHEMA_VERSION {
        return Err(Error::StoreTooOld {
            location: loc.into(),
            found,
            needed: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// The schema version stored (`None`: no office in the database).
fn version(c: &mut Client, loc: &str) -> Result<Option<u32>> {
    let exists: bool = c
        .query_one(
            "SELECT to_regclass('public.handover_schema') IS NOT NULL",
            &[],
        )
        .at(loc)?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let found: i32 = c
        .query_one("SELECT max(version) FROM handover_schema", &[])
        .at(loc)?
        .get(0);
    Ok(Some(found as u32))
}

/// What `store upgrade` did: the schema version before and after (the same: nothing to do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Upgraded {
    /// The version found.
    pub from: u32,
    /// The version now.
    pub to: u32,
}

/// In one transaction, as the database's owner: apply the migrations an older Handover did not
/// have, grant their rights again (roles.sql) and record it (`store.upgraded`, built by
/// `event` from the versions). Refused, with nothing changed, for anyone but the owner, on a
/// database without an office, and on a schema newer than this build's.
pub(super) fn upgrade(
    c: &mut Client,
    loc: &str,
    event: impl FnOnce(Upgraded) -> EventDraft,
) -> Result<Upgraded> {
    c.batch_execute("BEGIN").at(loc)?;
    let result = (|| {
        let owner: bool = c
            .query_one(
                "SELECT pg_get_userbyid(datdba) = session_user FROM pg_database \
                 WHERE datname = current_database()",
                &[],
            )
            .at(loc)?
            .get(0);
        if !owner {
            return Err(Error::StoreDenied {
                location: loc.into(),
                reason: "the schema is upgraded by the database's owner (who ran init)".into(),
            });
        }
        let from = version(c, loc)?.ok_or_else(|| Error::StoreNoOffice(loc.into()))?;
        // One upgrade at a time: a second one waits here, then finds nothing to do.
        c.batch_execute("LOCK TABLE handover_schema IN EXCLUSIVE MODE")
            .at(loc)?;
        let from = version(c, loc)?.unwrap_or(from);
        if from > SCHEMA_VERSION {
            return Err(Error::StoreTooNew {
                location: loc.into(),
                found: from,
                supported: SCHEMA_VERSION,
            });
        }
        let up = Upgraded {
            from,
            to: SCHEMA_VERSION,
        };
        if from == SCHEMA_VERSION {
            return Ok(up);
        }
        for sql in &MIGRATIONS[from as usize..] {
            c.batch_execute(sql).at(loc)?;
        }
        c.batch_execute(ROLES).at(loc)?;
        super::append_in(c, &event(up), loc)?;
        Ok(up)
    })();
    match result {
        Ok(up) => c.batch_execute("COMMIT").at(loc).map(|()| up),
        Err(e) => {
            let _ = c.batch_execute("ROLLBACK");
            Err(e)
        }
    }
}

/// In one transaction: refuse anything but an empty UTF-8 database owned by the signed-in
/// login, then create the tables, functions and roles.
pub(super) fn create(c: &mut Client, loc: &str) -> Result<()> {
    create_then(c, loc, |_, _| Ok(()))
}

/// [`create`], then `fill` in the same transaction: a copy into a new office lands whole, or
/// leaves the database as empty as it was.
pub(super) fn create_then(
    c: &mut Client,
    loc: &str,
    fill: impl FnOnce(&mut Client, &str) -> Result<()>,
) -> Result<()> {
    c.batch_execute("BEGIN").at(loc)?;
    let result = (|| {
        let row = c
            .query_one(
                "SELECT pg_encoding_to_char(d.encoding), \
                        pg_get_userbyid(d.datdba) = session_user, \
                        (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = session_user), \
                        (SELECT count(*) FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace \
                          WHERE n.nspname = 'public') \
                   FROM pg_database d WHERE d.datname = current_database()",
                &[],
            )
            .at(loc)?;
        let (encoding, owner, createrole, objects): (String, bool, bool, i64) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        if objects > 0 {
            return Err(Error::StoreNotEmpty(loc.into()));
        }
        let denied = |reason: &str| Error::StoreDenied {
            location: loc.into(),
            reason: reason.into(),
        };
        if !owner {
            return Err(denied(
                "init runs as the database's owner (CREATE DATABASE … OWNER this login)",
            ));
        }
        if !createrole {
            return Err(denied(
                "init needs a login with CREATEROLE (ALTER ROLE … CREATEROLE), to create the \
                 office's roles and, later, its operators",
            ));
        }
        if encoding != "UTF8" {
            return Err(crate::refusal::Refusal::SharedStore(
                crate::refusal::SharedProblem::Encoding {
                    location: loc.to_string(),
                    encoding: encoding.to_string(),
                },
            )
            .into());
        }
        for sql in MIGRATIONS {
            c.batch_execute(sql).at(loc)?;
        }
        c.batch_execute(ROLES).at(loc)?;
        fill(c, loc)
    })();
    match result {
        Ok(()) => c.batch_execute("COMMIT").at(loc),
        Err(e) => {
            let _ = c.batch_execute("ROLLBACK");
            Err(e)
        }
    }
}
