// Included by the build scripts of crates/cli and src-tauri (`include!`): one place for how a
// build learns its commit, shown by `handover --version` and the app's About.

/// Sets `HANDOVER_COMMIT` for the crate being built: the `HANDOVER_COMMIT` environment
/// variable when the build sets one (a build from a source archive, without git), else
/// `git rev-parse --short HEAD`, else `unknown`. The crate is rebuilt when HEAD moves.
fn emit_commit() {
    println!("cargo:rerun-if-env-changed=HANDOVER_COMMIT");
    let given = std::env::var("HANDOVER_COMMIT")
        .ok()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let commit = given
        .or_else(git_commit)
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=HANDOVER_COMMIT={commit}");
}

/// The short commit of HEAD, and the files whose change means a new commit (HEAD itself, the
/// branch it points to, packed refs); None outside a git checkout or without git.
fn git_commit() -> Option<String> {
    let commit = git(&["rev-parse", "--short", "HEAD"])?;
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
            // A missing file would make cargo rerun the script on every build.
            if std::path::Path::new(&path).exists() {
                println!("cargo:rerun-if-changed={path}");
            }
        }
    }
    Some(commit)
}

fn git(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}
