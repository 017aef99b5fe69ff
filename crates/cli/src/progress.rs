//! Terminal progress and passphrase input.

use std::io::{BufRead, IsTerminal};

use handover_core::Flow;
use handover_core::progress::Progress;
use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar on stderr when it is a terminal; silent otherwise.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    pub fn new(show: bool) -> Bar {
        Bar(show.then(|| {
            let b = ProgressBar::new(0);
            b.set_style(
                ProgressStyle::with_template("{spinner} [{bar:40}] {percent:>3}% {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            b
        }))
    }

    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn update(&mut self, done: u64, total: Option<u64>) -> Flow {
        if let Some(b) = &self.0 {
            if let Some(t) = total {
                b.set_length(t);
            }
            b.set_position(done);
        }
        Flow::Continue
    }
}

/// Ask for a new passphrase twice on a terminal, or read one line from a pipe.
pub fn read_passphrase() -> anyhow::Result<age::secrecy::SecretString> {
    if std::io::stdin().is_terminal() {
        let a = rpassword::prompt_password("Passphrase: ")?;
        let b = rpassword::prompt_password("Again: ")?;
        anyhow::ensure!(a == b, "the two passphrases differ");
        Ok(a.into())
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let p = line.trim_end_matches(['\r', '\n']).to_string();
        anyhow::ensure!(!p.is_empty(), "no passphrase on standard input");
        Ok(p.into())
    }
}

/// A new password: `HANDOVER_PASSWORD`, else typed twice on the terminal, else a line of
/// standard input. (The one reader of passwords for sign-in and new operators.)
pub fn read_password(prompt: &str) -> anyhow::Result<age::secrecy::SecretString> {
    if let Some(p) = password_from_env() {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let a = zeroize::Zeroizing::new(rpassword::prompt_password(format!("{prompt}: "))?);
        let b = zeroize::Zeroizing::new(rpassword::prompt_password("Again: ")?);
        anyhow::ensure!(*a == *b, "the two passwords differ");
        return Ok(a.as_str().into());
    }
    read_password_line()
}

/// A password to sign in: `HANDOVER_PASSWORD`, else asked on the terminal, else a line of
/// standard input.
pub fn read_password_once(prompt: &str) -> anyhow::Result<age::secrecy::SecretString> {
    if let Some(p) = password_from_env() {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password(format!("{prompt}: "))?.into());
    }
    read_password_line()
}

fn password_from_env() -> Option<age::secrecy::SecretString> {
    std::env::var("HANDOVER_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .map(Into::into)
}

fn read_password_line() -> anyhow::Result<age::secrecy::SecretString> {
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line)?;
    let p = line.trim_end_matches(['\r', '\n']);
    anyhow::ensure!(
        !p.is_empty(),
        "no password on standard input (or HANDOVER_PASSWORD)"
    );
    Ok(p.into())
}

/// Read a passphrase once (to open something): from the terminal, or a line of stdin.
pub fn read_passphrase_once() -> anyhow::Result<age::secrecy::SecretString> {
    if std::io::stdin().is_terminal() {
        Ok(rpassword::prompt_password("Passphrase: ")?.into())
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let p = line.trim_end_matches(['\r', '\n']).to_string();
        anyhow::ensure!(!p.is_empty(), "no passphrase on standard input");
        Ok(p.into())
    }
}
