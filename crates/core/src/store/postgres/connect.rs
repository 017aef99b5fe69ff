//! Reaching the office's server: a libpq URL (`postgres://user@host:port/db?sslmode=…`), the
//! password from where libpq would look for it, and TLS as `sslmode` asks.
//!
//! The password comes from the URL, `PGPASSWORD`, the password file (`PGPASSFILE` or
//! `~/.pgpass`, ignored unless only its owner can read it, as libpq does), or the caller (the
//! CLI's prompt, the app's sign-in screen) — never from a file of ours in clear.

use std::path::PathBuf;

use age::secrecy::{ExposeSecret, SecretString};
use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};
use postgres_openssl::MakeTlsConnector;

use crate::{Error, Result};

/// How `sslmode` asks the connection to be protected (libpq's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tls {
    Disable,
    Prefer,
    /// Encrypted, server not authenticated.
    Require,
    /// Encrypted, the server's certificate signed by a trusted CA.
    VerifyCa,
    /// As `VerifyCa`, and the certificate names the host.
    VerifyFull,
}

/// A parsed store URL: what to connect to, without any password in what it prints.
#[derive(Debug, Clone)]
pub struct Target {
    config: Config,
    tls: Tls,
    root_cert: Option<PathBuf>,
}

/// Is `s` a PostgreSQL store URL (rather than a path)?
pub fn is_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

impl Target {
    /// Parse a URL. `sslmode` and `sslrootcert` are read here (the driver knows only
    /// disable/prefer/require); everything else as libpq would.
    pub fn parse(url: &str) -> Result<Target> {
        let bad = |why: String| {
            Error::from(crate::refusal::Refusal::SharedStore(
                crate::refusal::SharedProblem::BadUrl { why },
            ))
        };
        if !is_url(url) {
            return Err(bad("it must start with postgres://".into()));
        }
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut tls = Tls::Prefer;
        let mut root_cert = None;
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "sslmode" => {
                    tls = match v {
                        "disable" => Tls::Disable,
                        "allow" | "prefer" => Tls::Prefer,
                        "require" => Tls::Require,
                        "verify-ca" => Tls::VerifyCa,
                        "verify-full" => Tls::VerifyFull,
                        other => return Err(bad(format!("unknown sslmode {other:?}"))),
                    }
                }
                "sslrootcert" => root_cert = Some(PathBuf::from(v)),
                _ => kept.push(pair),
            }
        }
        let rest = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let mut config: Config = rest.parse().map_err(|e| bad(format!("{e}")))?;
        if config.get_user().is_none() {
            let user = ["PGUSER", "USER", "USERNAME"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
                .ok_or_else(|| bad("it names no user (postgres://USER@host/db)".into()))?;
            config.user(&user);
        }
        if config.get_dbname().is_none() {
            return Err(bad(
                "it names no database (postgres://user@host/DATABASE)".into()
            ));
        }
        if config.get_hosts().is_empty() {
            config.host("localhost");
        }
        config.application_name("handover");
        config.connect_timeout(std::time::Duration::from_secs(10));
        Ok(Target {
            config,
            tls,
            root_cert,
        })
    }

    /// The login name.
    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or_default()
    }

    /// The same server and database, signed in as `user` (the app's sign-in screen names the
    /// person; the URL only suggests a login).
    pub fn with_user(&self, user: &str) -> Target {
        let mut t = self.clone();
        t.config.user(user);
        t
    }

    /// `host:port/db` for messages (never the password).
    pub fn location(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            #[cfg(unix)]
            Some(Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        format!(
            "postgres://{}@{host}:{port}/{}",
            self.user(),
            self.config.get_dbname().unwrap_or_default()
        )
    }

    /// Does the URL itself carry a password?
    pub fn has_password(&self) -> bool {
        self.config.get_password().is_some()
    }

    /// Is a password at hand without asking: in the URL, `PGPASSWORD` or the password file?
    pub fn password_known(&self) -> bool {
        self.has_password()
            || std::env::var("PGPASSWORD").is_ok_and(|p| !p.is_empty())
            || self.password_from_file().is_some()
    }

    /// The password [`Target::connect`] signs in with: the URL's, else `typed`, else
    /// `PGPASSWORD`, else the password file's; None when there is none (a server that asks
    /// for no password).
    pub fn password_for(&self, typed: Option<&SecretString>) -> Option<SecretString> {
        if let Some(p) = self.config.get_password() {
            return Some(SecretString::from(String::from_utf8_lossy(p).into_owned()));
        }
        if let Some(p) = typed {
            return Some(p.clone());
        }
        if let Some(p) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
            return Some(SecretString::from(p));
        }
        self.password_from_file()
    }

    /// Connect, with `password` if the URL has none (else `PGPASSWORD`, else the password
    /// file).
    pub fn connect(&self, password: Option<&SecretString>) -> Result<Client> {
        let mut config = self.config.clone();
        if config.get_password().is_none()
            && let Some(p) = self.password_for(password)
        {
            config.password(p.expose_secret().as_bytes());
        }
        let loc = self.location();
        let fail = |e: postgres::Error| super::classify(&loc, e);
        match self.tls {
            Tls::Disable => config
                .ssl_mode(SslMode::Disable)
                .connect(NoTls)
                .map_err(fail),
            mode => {
                config.ssl_mode(if mode == Tls::Prefer {
                    SslMode::Prefer
                } else {
                    SslMode::Require
                });
                let connector = self.connector(mode).map_err(|e| Error::StoreUnavailable {
                    location: loc.clone(),
                    reason: format!("TLS cannot be set up: {e}"),
                })?;
                config.connect(connector).map_err(fail)
            }
        }
    }

    fn connector(
        &self,
        mode: Tls,
    ) -> std::result::Result<MakeTlsConnector, openssl::error::ErrorStack> {
        let mut b = SslConnector::builder(SslMethod::tls())?;
        if let Some(ca) = &self.root_cert {
            b.set_ca_file(ca)?;
        }
        let verify = matches!(mode, Tls::VerifyCa | Tls::VerifyFull);
        b.set_verify(if verify {
            SslVerifyMode::PEER
        } else {
            SslVerifyMode::NONE
        });
        let mut c = MakeTlsConnector::new(b.build());
        if mode != Tls::VerifyFull {
            c.set_callback(|cfg, _| {
                cfg.set_verify_hostname(false);
                Ok(())
            });
        }
        Ok(c)
    }

    /// The password for this host, port, database and user in the password file, if the file
    /// is private to its owner.
    fn password_from_file(&self) -> Option<SecretString> {
        let path = std::env::var_os("PGPASSFILE")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass")))?;
        let meta = std::fs::metadata(&path).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if meta.permissions().mode() & 0o077 != 0 {
                return None;
            }
        }
        #[cfg(not(unix))]
        let _ = meta;
        let text = zeroize::Zeroizing::new(std::fs::read_to_string(&path).ok()?);
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            _ => "localhost".into(),
        };
        let port = self
            .config
            .get_ports()
            .first()
            .copied()
            .unwrap_or(5432)
            .to_string();
        let want = [
            host.as_str(),
            port.as_str(),
            self.config.get_dbname().unwrap_or_default(),
            self.user(),
        ];
        pgpass_lookup(&text, &want).map(SecretString::from)
    }
}

/// The password of the first line of a libpq password file matching `want` (host, port,
/// database, user; `*` matches anything; `\:` and `\\` escape).
fn pgpass_lookup(text: &str, want: &[&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::with_capacity(5);
        let mut cur = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => cur.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut cur)),
                c => cur.push(c),
            }
        }
        fields.push(cur);
        if fields.len() == 5
            && fields[..4]
                .iter()
                .zip(want)
                .all(|(f, w)| f == "*" || f == w)
        {
            return fields.pop();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_file_matches_like_libpq() {
        let file = "# comment\n\
                    other:5432:*:*:nope\n\
                    db.example:5432:office:sato:s\\:e\\\\cret\n\
                    *:*:*:*:fallback\n";
        assert_eq!(
            pgpass_lookup(file, &["db.example", "5432", "office", "sato"]).as_deref(),
            Some("s:e\\cret")
        );
        assert_eq!(
            pgpass_lookup(file, &["db.example", "5433", "office", "sato"]).as_deref(),
            Some("fallback")
        );
        assert_eq!(pgpass_lookup("a:b:c:d\n", &["a", "b", "c", "d"]), None);
    }

    #[test]
    fn a_url_is_read_with_its_tls_mode_and_never_printed_with_its_password() {
        let t =
            Target::parse("postgres://sato:pw@db.example:5433/office?sslmode=verify-full").unwrap();
        assert_eq!(t.tls, Tls::VerifyFull);
        assert_eq!(t.location(), "postgres://sato@db.example:5433/office");
        assert!(t.has_password());
        for bad in [
            "postgres://sato@db.example/office?sslmode=sometimes",
            "postgres://sato@db.example",
            "/var/lib/handover.sqlite3",
        ] {
            let e = Target::parse(bad).unwrap_err();
            assert!(e.to_string().contains("store URL"), "{bad}: {e}");
        }
    }
}
