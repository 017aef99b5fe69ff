//! A bench's own owner login and databases on a PostgreSQL cluster (the ledger and pack
//! benches' `--store URL`): created from a login that may create roles and databases, dropped
//! afterwards — also when a phase fails — so a bench never leaves anything on the server.

use handover_core::store::postgres::Target;

type BoxError = Box<dyn std::error::Error>;

/// The bench's own owner login (CREATEROLE, not superuser, as an office's would be) and its
/// databases, `<name><suffix>` for each suffix; all dropped with this value.
pub(crate) struct Scratch {
    admin: Target,
    /// Prefix of every database and role the bench makes.
    pub(crate) name: String,
    password: String,
    suffixes: Vec<String>,
    bench: String,
}

impl Scratch {
    /// An owner login and one empty UTF-8 database per suffix (`""` is `<name>` itself).
    pub(crate) fn create(
        admin_url: &str,
        bench: &str,
        suffixes: &[&str],
    ) -> Result<Scratch, BoxError> {
        let admin = Target::parse(admin_url)?;
        let name = format!("hbench{}", std::process::id());
        let password = hex::encode(rand::random::<[u8; 16]>());
        let mut c = admin.connect(None)?;
        // One statement each: CREATE DATABASE cannot run in a (multi-statement) transaction.
        c.batch_execute(&format!(
            "CREATE ROLE {name}_owner LOGIN CREATEROLE PASSWORD '{password}'"
        ))?;
        let scratch = Scratch {
            admin,
            name,
            password,
            suffixes: suffixes.iter().map(|s| s.to_string()).collect(),
            bench: bench.into(),
        };
        for db in scratch.databases() {
            c.batch_execute(&format!(
                "CREATE DATABASE {db} OWNER {}_owner ENCODING 'UTF8' TEMPLATE template0",
                scratch.name
            ))?;
        }
        Ok(scratch)
    }

    fn databases(&self) -> Vec<String> {
        self.suffixes
            .iter()
            .map(|s| format!("{}{s}", self.name))
            .collect()
    }

    /// The owner's URL (password included: the bench's throwaway login) for `<name><suffix>`.
    pub(crate) fn url(&self, suffix: &str) -> String {
        let loc = self.admin.location();
        let host = loc.split_once('@').map(|(_, r)| r).unwrap_or(&loc);
        let host = host.split_once('/').map(|(h, _)| h).unwrap_or(host);
        format!(
            "postgres://{}_owner:{}@{host}/{}{suffix}?sslmode=prefer",
            self.name, self.password, self.name
        )
    }

    /// Commits of every database wait for the write-ahead log (`on`) or not (`off`, loading).
    #[allow(dead_code)] // the pack bench keeps the server's default
    pub(crate) fn synchronous_commit(&self, on: bool) -> Result<(), BoxError> {
        let mut c = self.admin.connect(None)?;
        let v = if on { "on" } else { "off" };
        for db in self.databases() {
            c.batch_execute(&format!("ALTER DATABASE {db} SET synchronous_commit = {v}"))?;
        }
        Ok(())
    }
}

impl Scratch {
    /// Write what the server holds in memory to disk now (`CHECKPOINT`), so that the writing
    /// back of what a set-up loaded does not run during what is measured after it.
    #[allow(dead_code)] // the pack bench's, after its copy
    pub(crate) fn checkpoint(&self) -> Result<(), BoxError> {
        self.admin.connect(None)?.batch_execute("CHECKPOINT")?;
        Ok(())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let Ok(mut c) = self.admin.connect(None) else {
            eprintln!(
                "{}: could not drop the bench's databases {}…",
                self.bench, self.name
            );
            return;
        };
        for db in self.databases() {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
        }
        let roles: Vec<String> = c
            .query(
                "SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1) \
                 ORDER BY rolname LIKE '%\\_owner'",
                &[&format!("{}_", self.name)],
            )
            .map(|rows| rows.iter().map(|r| r.get(0)).collect())
            .unwrap_or_default();
        for r in roles {
            let _ = c.batch_execute(&format!("DROP ROLE IF EXISTS \"{r}\""));
        }
    }
}
