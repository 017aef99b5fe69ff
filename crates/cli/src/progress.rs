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

/// What a secret is called in the prompts and messages, and where else it may come from.
struct Secret<'a> {
    /// The prompt on a terminal.
    prompt: &'a str,
    /// "passphrase" or "password".
    noun: &'a str,
    /// An environment variable that holds it (passwords: `HANDOVER_PASSWORD`).
    env: Option<&'a str>,
}

impl Secret<'_> {
    /// From the environment variable, else asked on a terminal (twice when `confirm`), else
    /// one line of standard input. Every copy is wiped when dropped.
    fn read(&self, confirm: bool) -> anyhow::Result<age::secrecy::SecretString> {
        if let Some(p) = self.env.and_then(|v| std::env::var(v).ok())
            && !p.is_empty()
        {
            return Ok(p.into());
        }
        if std::io::stdin().is_terminal() {
            let a = zeroize::Zeroizing::new(rpassword::prompt_password(self.prompt)?);
            if confirm {
                let b = zeroize::Zeroizing::new(rpassword::prompt_password("Again: ")?);
                anyhow::ensure!(*a == *b, "the two {}s differ", self.noun);
            }
            return Ok(a.as_str().into());
        }
        let mut line = zeroize::Zeroizing::new(String::new());
        std::io::stdin().lock().read_line(&mut line)?;
        let p = line.trim_end_matches(['\r', '\n']);
        match self.env {
            Some(v) => {
                anyhow::ensure!(!p.is_empty(), "no {} on standard input (or {v})", self.noun)
            }
            None => anyhow::ensure!(!p.is_empty(), "no {} on standard input", self.noun),
        }
        Ok(p.into())
    }
}

const PASSPHRASE: Secret<'static> = Secret {
    prompt: "Passphrase: ",
    noun: "passphrase",
    env: None,
};

fn password(prompt: &str) -> Secret<'_> {
    Secret {
        prompt,
        noun: "password",
        env: Some("HANDOVER_PASSWORD"),
    }
}

/// Ask for a new passphrase twice on a terminal, or read one line from a pipe.
pub fn read_passphrase() -> anyhow::Result<age::secrecy::SecretString> {
    PASSPHRASE.read(true)
}

/// Read a passphrase once (to open something): from the terminal, or a line of stdin.
pub fn read_passphrase_once() -> anyhow::Result<age::secrecy::SecretString> {
    PASSPHRASE.read(false)
}

/// The office's recovery key: `HANDOVER_RECOVERY_KEY`, else asked on the terminal, else a line
/// of standard input.
pub fn read_recovery_key() -> anyhow::Result<age::secrecy::SecretString> {
    Secret {
        prompt: "Recovery key (9 groups of 4 characters): ",
        noun: "recovery key",
        env: Some("HANDOVER_RECOVERY_KEY"),
    }
    .read(false)
}

/// A new password: `HANDOVER_PASSWORD`, else typed twice on the terminal, else a line of
/// standard input. (The one reader of passwords for sign-in and new operators.)
pub fn read_password(prompt: &str) -> anyhow::Result<age::secrecy::SecretString> {
    password(&format!("{prompt}: ")).read(true)
}

/// The signed-in person's own new password (`operator password`): `HANDOVER_NEW_PASSWORD`,
/// else typed twice on the terminal, else a line of standard input (the one after the current
/// password's).
pub fn read_new_password(prompt: &str) -> anyhow::Result<age::secrecy::SecretString> {
    Secret {
        prompt: &format!("{prompt}: "),
        noun: "password",
        env: Some("HANDOVER_NEW_PASSWORD"),
    }
    .read(true)
}

/// A password to sign in: `HANDOVER_PASSWORD`, else asked on the terminal, else a line of
/// standard input.
pub fn read_password_once(prompt: &str) -> anyhow::Result<age::secrecy::SecretString> {
    password(&format!("{prompt}: ")).read(false)
}

/// A key on hardware's plugin asking on the terminal: its messages ("touch your key") on
/// stderr, its PIN asked without echo (or one line of standard input when it is not a
/// terminal, for scripts), yes or no and other questions as a line.
pub struct TerminalPrompts;

impl TerminalPrompts {
    fn line(prompt: &str) -> Option<zeroize::Zeroizing<String>> {
        if std::io::stdin().is_terminal() {
            eprint!("{}", crate::term::safe(prompt));
        }
        let mut line = zeroize::Zeroizing::new(String::new());
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(zeroize::Zeroizing::new(
                line.trim_end_matches(['\r', '\n']).to_string(),
            )),
        }
    }
}

impl handover_core::plugins::PluginPrompts for TerminalPrompts {
    fn message(&self, text: &str) {
        errln!("{text}");
    }

    fn confirm(&self, text: &str, yes: &str, no: Option<&str>) -> Option<bool> {
        let no = no.unwrap_or("no");
        let answer = Self::line(&format!("{text} [{yes}/{no}]: "))?;
        Some(answer.trim().eq_ignore_ascii_case(yes) || answer.trim().eq_ignore_ascii_case("y"))
    }

    fn public(&self, text: &str) -> Option<String> {
        Self::line(&format!("{text}: ")).map(|l| l.to_string())
    }

    fn secret(&self, text: &str) -> Option<age::secrecy::SecretString> {
        if std::io::stdin().is_terminal() {
            let prompt = format!("{}: ", crate::term::safe(text));
            let p = zeroize::Zeroizing::new(rpassword::prompt_password(prompt).ok()?);
            return Some(p.as_str().into());
        }
        Self::line("")
            .filter(|l| !l.is_empty())
            .map(|l| l.as_str().into())
    }
}
