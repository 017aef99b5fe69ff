//! What the app's binary does without a window: `--version`, `--verify-update FILE` (the same
//! check as Settings → 更新, for an administrator or a test of the installed package) and
//! `--help`. Any other start opens the window (with a bundle path, in the contractor view).

use std::path::Path;

use crate::shell::VERSION;
use crate::update;

const HELP: &str = "Usage: handover-desktop [BUNDLE.age]
       handover-desktop --verify-update FILE.deb
       handover-desktop --version

Starts the Handover desktop app (a bundle opens in the contractor view; with the app already
running on the same data folder, its window comes to the front and opens the bundle).
--verify-update checks FILE.deb against FILE.deb.sig and the release key built into the app:
exit 0 when it verifies, 5 when it is refused, 1 when it cannot be read.
The command-line tool is `handover` (handover --help).";

/// Handle the options that need no window; the exit code, or None to start the app.
pub fn handle(args: &[String]) -> Option<i32> {
    match args.get(1).map(String::as_str) {
        Some("--version" | "-V") => {
            println!("Handover {VERSION}");
            Some(0)
        }
        Some("--help" | "-h") => {
            println!("{HELP}");
            Some(0)
        }
        Some("--verify-update") => Some(match args.get(2) {
            Some(file) if args.len() == 3 => verify_update(Path::new(file)),
            _ => {
                eprintln!("--verify-update takes one file\n\n{HELP}");
                2
            }
        }),
        // Anything else starts the app: WebKitWebDriver adds `--automation` in the e2e tests,
        // GTK takes options of its own.
        _ => None,
    }
}

fn verify_update(file: &Path) -> i32 {
    let checked = update::release_key().and_then(|key| {
        update::read_verified(file, &key)?;
        Ok(update::fingerprint(&key))
    });
    match checked {
        Ok(fp) => {
            let test = if update::test_key() {
                " (the TEST ONLY key: a test build)"
            } else {
                ""
            };
            println!(
                "verified: {} is signed by the release key {fp}{test}",
                file.display()
            );
            0
        }
        Err(e) => {
            eprintln!("{}", e.message);
            if e.code == "io" { 1 } else { 5 }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<String> {
        std::iter::once("handover-desktop")
            .chain(args.iter().copied())
            .map(String::from)
            .collect()
    }

    #[test]
    fn only_the_windowless_options_are_handled() {
        assert_eq!(handle(&argv(&["--version"])), Some(0));
        assert_eq!(handle(&argv(&["--help"])), Some(0));
        assert_eq!(handle(&argv(&[])), None);
        assert_eq!(handle(&argv(&["HO-2026-000001.age"])), None);
        // WebKitWebDriver starts the app with --automation: the app must start.
        assert_eq!(handle(&argv(&["--automation"])), None);
    }

    #[test]
    fn verify_update_takes_exactly_one_file_and_reports_by_exit_code() {
        assert_eq!(handle(&argv(&["--verify-update"])), Some(2));
        assert_eq!(handle(&argv(&["--verify-update", "a", "b"])), Some(2));
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("handover_9.9.9_amd64.deb");
        let m = missing.to_str().unwrap();
        assert_eq!(handle(&argv(&["--verify-update", m])), Some(1));
        std::fs::write(&missing, b"not signed").unwrap();
        assert_eq!(handle(&argv(&["--verify-update", m])), Some(5));
    }
}
