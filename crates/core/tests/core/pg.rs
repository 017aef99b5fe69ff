//! A fresh PostgreSQL database per test, on the throwaway cluster `scripts/pg-cluster` starts
//! (the README's test command exports `HANDOVER_TEST_PG_ADMIN`, its superuser URL).
//!
//! Each test gets its own owner login (CREATEROLE, not superuser, as an office's would be) and
//! database; both, the office's group roles and every login the test made are dropped after.

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use age::secrecy::SecretString;
use postgres::{Client, NoTls};

/// Every test login's password (the cluster is throwaway and listens on 127.0.0.1 only).
pub const PASSWORD: &str = "correct horse battery";

/// The cluster's superuser URL, or `None` when no test cluster runs. The README's test command
/// always starts one and sets `HANDOVER_REQUIRE_PG`, so there a missing cluster fails the test
/// rather than skipping it.
fn admin_url() -> Option<String> {
    match std::env::var("HANDOVER_TEST_PG_ADMIN") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("HANDOVER_REQUIRE_PG").is_some() => {
            panic!("HANDOVER_REQUIRE_PG is set but no test cluster runs (scripts/pg-cluster)")
        }
        _ => {
            eprintln!("skipped: no PostgreSQL test cluster (run ./scripts/test)");
            None
        }
    }
}

/// One test's database.
pub struct PgDb {
    admin: String,
    /// Database name (also the prefix of every role the test makes).
    pub db: String,
    /// `host:port`.
    pub host: String,
}

impl PgDb {
    /// A new empty database owned by a new login `<db>_owner` with CREATEROLE.
    pub fn fresh() -> Option<PgDb> {
        static N: AtomicU32 = AtomicU32::new(0);
        let admin = admin_url()?;
        let db = format!(
            "t{}x{}x{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_micros()
        );
        let host = admin
            .split('@')
            .nth(1)
            .and_then(|r| r.split('/').next())
            .expect("host:port in HANDOVER_TEST_PG_ADMIN")
            .to_string();
        let mut c = Client::connect(&admin, NoTls).expect("connect to the test cluster");
        c.batch_execute(&format!(
            "CREATE ROLE {db}_owner LOGIN CREATEROLE PASSWORD '{PASSWORD}'"
        ))
        .expect("create the test owner");
        c.batch_execute(&format!(
            "CREATE DATABASE {db} OWNER {db}_owner ENCODING 'UTF8' TEMPLATE template0"
        ))
        .expect("create the test database");
        Some(PgDb { admin, db, host })
    }

    /// The URL of a login (no password in it).
    pub fn url(&self, login: &str) -> String {
        format!(
            "postgres://{login}@{}/{}?sslmode=disable",
            self.host, self.db
        )
    }

    /// The owner's login name.
    pub fn owner(&self) -> String {
        format!("{}_owner", self.db)
    }

    /// A login name for this test (`<db>.<who>`, dropped after).
    pub fn login(&self, who: &str) -> String {
        format!("{}.{who}", self.db)
    }

    /// The shared password, as the core takes it.
    pub fn password() -> SecretString {
        SecretString::from(PASSWORD.to_string())
    }

    /// Run SQL with `psql` as `login`; Ok(stdout) or Err(stderr).
    pub fn psql(&self, login: &str, sql: &str) -> Result<String, String> {
        let (host, port) = self.host.split_once(':').expect("host:port");
        let out = Command::new("psql")
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args([
                "-h", host, "-p", port, "-U", login, "-d", &self.db, "-c", sql,
            ])
            .env("PGPASSWORD", PASSWORD)
            .env("PGCONNECT_TIMEOUT", "10")
            .output()
            .expect("run psql (Debian package postgresql-client)");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    /// Run SQL as the cluster's superuser in this database.
    pub fn as_superuser(&self, sql: &str) {
        let url = self
            .admin
            .rsplit_once('/')
            .expect("admin url")
            .0
            .to_string()
            + "/"
            + &self.db;
        Client::connect(&url, NoTls)
            .and_then(|mut c| c.batch_execute(sql))
            .expect("superuser SQL");
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let Ok(mut c) = Client::connect(&self.admin, NoTls) else {
            return;
        };
        let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.db));
        let roles: Vec<String> = c
            .query(
                "SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY length(rolname) DESC",
                &[&self.db],
            )
            .map(|rows| rows.iter().map(|r| r.get(0)).collect())
            .unwrap_or_default();
        for r in roles {
            let _ = c.batch_execute(&format!("DROP ROLE IF EXISTS \"{r}\""));
        }
    }
}
