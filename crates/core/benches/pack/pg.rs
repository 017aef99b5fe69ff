//! `--store URL`: the pack phase once more, from the same office copied to a PostgreSQL server
//! (`handover store copy`: register, roster, ledger, and the floor plans in chunks), so that the
//! shared-store issue's "pack from PostgreSQL within 1.3× of pack from SQLite, same memory
//! bound" is measured on the same data in the same run.

use std::path::Path;

use handover_core::DataDir;
use handover_core::ops::{self, Office, StoreChoice};
use handover_core::store::postgres::Target;

use crate::BoxError;
use crate::pg_scratch::Scratch;

/// The office's copy on the server, in the bench's own database (dropped with this value).
pub(crate) struct ServerOffice {
    scratch: Scratch,
}

impl ServerOffice {
    /// Copy the office at `data` into a new database on the server at `admin_url`.
    pub(crate) fn copy(admin_url: &str, office: &Office) -> Result<Self, BoxError> {
        let scratch = Scratch::create(admin_url, "bench pack", &[""])?;
        let started = std::time::Instant::now();
        let report = ops::store_copy(office, &Target::parse(&scratch.url(""))?, None)?;
        eprintln!(
            "set up: copied to PostgreSQL in {:.1} s ({report:?})",
            started.elapsed().as_secs_f64()
        );
        // The copy's 2 GB (at 1,000 customers) are otherwise written back while the packs run,
        // which measured the server's disk rather than the pack.
        scratch.checkpoint()?;
        Ok(ServerOffice { scratch })
    }

    /// The owner's URL (the bench's throwaway login, password included).
    pub(crate) fn url(&self) -> String {
        self.scratch.url("")
    }
}

/// Child side: the office in `data` (its keys) on the server at `url`.
pub(crate) fn open(data: &Path, url: &str) -> Result<Office, BoxError> {
    let choice = StoreChoice::Server(Box::new(Target::parse(url)?));
    Ok(ops::open_office(DataDir::new(data), &choice, None, None)?)
}
