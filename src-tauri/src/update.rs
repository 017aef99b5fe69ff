//! Offline updates: a new `handover_<version>_amd64.deb` comes (on a USB stick, say) with its
//! detached SSH signature `<file>.sig`, made with `ssh-keygen -Y sign -n handover-update` by
//! the release key. The app checks the signature against the public key built into it (build.rs:
//! `HANDOVER_RELEASE_KEY_FILE`, else the TEST ONLY key of tests/fixtures/release-key), copies the
//! verified bytes into a private folder (so the file on the stick can no longer be swapped
//! between the check and the install), reads the package's name and version from that copy,
//! and installs it through `pkexec apt-get install` only when the user confirms.
//!
//! The same check runs without a window: `handover-desktop --verify-update FILE` (exit 0, or 5
//! with the reason), which is how `scripts/package --check` tests the installed binary's key.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;
use ssh_key::{HashAlg, PublicKey, SshSig};
use ts_rs::TS;

use crate::error::{CmdResult, IpcError};

/// The SSH signature namespace of update files (a signature made for anything else, e.g.
/// `-n file` or a git commit, does not verify).
pub const NAMESPACE: &str = "handover-update";

/// The Debian package name of Handover (the bundler's kebab-case product name).
pub const PACKAGE: &str = "handover";

/// The release key this build trusts (one OpenSSH public-key line).
const RELEASE_KEY: &str = env!("HANDOVER_RELEASE_KEY");

/// Does this build trust the TEST ONLY key (a development or `--check` build)?
pub fn test_key() -> bool {
    env!("HANDOVER_RELEASE_KEY_IS_TEST") == "true"
}

/// The release key built into the app.
pub fn release_key() -> CmdResult<PublicKey> {
    PublicKey::from_openssh(RELEASE_KEY).map_err(|e| {
        IpcError::new(
            "internal",
            format!("the release key built into this app is unreadable: {e}"),
        )
    })
}

/// The key's SHA-256 fingerprint, as `ssh-keygen -l` prints it.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Where the signature of `file` is: the same name with `.sig` added.
pub fn signature_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

fn bad_signature(why: &str) -> IpcError {
    IpcError::new(
        "update_bad_signature",
        format!(
            "the update file was refused: {why}. It was not made by Handover's release key, or \
             it was changed after signing; nothing was installed"
        ),
    )
}

/// Check `signature` (an armored SSH signature) over `data` with `key`, in our namespace.
pub fn verify(key: &PublicKey, data: &[u8], signature: &str) -> CmdResult<()> {
    let sig = SshSig::from_pem(signature)
        .map_err(|_| bad_signature("its .sig is not an SSH signature"))?;
    if sig.namespace() != NAMESPACE {
        return Err(bad_signature(&format!(
            "its signature is for \"{}\", not for a Handover update",
            sig.namespace()
        )));
    }
    key.verify(NAMESPACE, data, &sig)
        .map_err(|_| bad_signature("the signature does not match the file and the release key"))
}

/// Read `file` and its signature and verify them; the verified bytes.
pub fn read_verified(file: &Path, key: &PublicKey) -> CmdResult<Vec<u8>> {
    let sig_path = signature_path(file);
    let data = std::fs::read(file)
        .map_err(|e| IpcError::new("io", format!("cannot read {}: {e}", file.display())))?;
    let signature = match std::fs::read_to_string(&sig_path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(IpcError::new(
                "update_unsigned",
                format!(
                    "the update file was refused: its signature {} is missing (a release is the \
                     .deb and its .sig, side by side); nothing was installed",
                    sig_path.display()
                ),
            ));
        }
        Err(e) => {
            return Err(IpcError::new(
                "io",
                format!("cannot read {}: {e}", sig_path.display()),
            ));
        }
    };
    verify(key, &data, &signature)?;
    Ok(data)
}

/// A verified update, as Settings → 更新 shows it before asking to install.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateInfo {
    /// The file the user chose.
    pub file: String,
    /// The package's version (from the verified copy).
    pub version: String,
    /// The version running now.
    pub current: String,
    /// Is it the version running now (a reinstall)?
    pub same: bool,
    /// The fingerprint of the key it was verified with.
    pub key_fingerprint: String,
    /// Is that the TEST ONLY key?
    pub test_key: bool,
}

/// A verified copy of an update in a private folder, waiting for the user's confirmation.
pub struct Staged {
    _dir: tempfile::TempDir,
    deb: PathBuf,
}

/// Verify `file` with `key` and stage a private copy of the verified bytes; refuses a file
/// that is not a Handover package or is older than `current`.
pub fn stage(file: &Path, key: &PublicKey, current: &str) -> CmdResult<(Staged, UpdateInfo)> {
    let data = read_verified(file, key)?;
    let io = |e: std::io::Error| IpcError::new("io", format!("cannot stage the update: {e}"));
    let dir = tempfile::Builder::new()
        .prefix("handover-update-")
        .tempdir()
        .map_err(io)?;
    let deb = dir.path().join("update.deb");
    std::fs::write(&deb, &data).map_err(io)?;
    let (package, version) = deb_fields(&deb)?;
    if package != PACKAGE {
        return Err(IpcError::new(
            "update_not_handover",
            format!(
                "the update file is the package \"{package}\", not Handover; nothing was installed"
            ),
        ));
    }
    if version_older(&version, current)? {
        return Err(IpcError::new(
            "update_older",
            format!(
                "the update file holds version {version}, older than the installed {current}; \
                 nothing was installed"
            ),
        ));
    }
    let info = UpdateInfo {
        file: file.display().to_string(),
        same: version == current,
        version,
        current: current.to_string(),
        key_fingerprint: fingerprint(key),
        test_key: test_key(),
    };
    Ok((Staged { _dir: dir, deb }, info))
}

/// The `Package` and `Version` of a .deb, read by `dpkg-deb`.
fn deb_fields(deb: &Path) -> CmdResult<(String, String)> {
    let out = Command::new("dpkg-deb")
        .args(["--field"])
        .arg(deb)
        .args(["Package", "Version"])
        .output()
        .map_err(|e| {
            IpcError::new(
                "update_no_dpkg",
                format!("cannot run dpkg-deb (updates need Debian or Ubuntu): {e}"),
            )
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .map(|v| v.trim().to_string())
    };
    match (out.status.success(), field("Package"), field("Version")) {
        (true, Some(p), Some(v)) => Ok((p, v)),
        _ => Err(IpcError::new(
            "update_not_handover",
            "the signed file is not a Debian package; nothing was installed",
        )),
    }
}

/// Is Debian version `a` older than `b` (`dpkg --compare-versions`)?
fn version_older(a: &str, b: &str) -> CmdResult<bool> {
    let status = Command::new("dpkg")
        .args(["--compare-versions", a, "lt", b])
        .status()
        .map_err(|e| IpcError::new("update_no_dpkg", format!("cannot run dpkg: {e}")))?;
    match status.code() {
        Some(0) => Ok(true),
        Some(1) => Ok(false),
        _ => Err(IpcError::new(
            "update_not_handover",
            format!("the package's version \"{a}\" is not a Debian version"),
        )),
    }
}

/// The command that installs a staged update as root, after the system asks for the
/// administrator's password (polkit).
pub fn install_command(staged: &Staged) -> Command {
    let mut c = Command::new("pkexec");
    c.args(["apt-get", "install", "-y"]);
    c.arg(&staged.deb);
    c
}

/// Install a staged update (blocking until apt finishes).
pub fn install(staged: &Staged) -> CmdResult<()> {
    let out = install_command(staged).output().map_err(|e| {
        IpcError::new(
            "update_install",
            format!("cannot run pkexec (Debian package pkexec) to install the update: {e}"),
        )
    })?;
    match out.status.code() {
        Some(0) => Ok(()),
        // pkexec: 126 the password dialog was dismissed, 127 not authorized.
        Some(126 | 127) => Err(IpcError::new(
            "update_not_authorized",
            "the administrator's password was not given; nothing was installed",
        )),
        _ => {
            let err = String::from_utf8_lossy(&out.stderr);
            let tail: Vec<&str> = err.lines().rev().take(4).collect();
            Err(IpcError::new(
                "update_install",
                format!(
                    "apt-get could not install the update: {}",
                    tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/release-key")
            .join(name)
    }

    fn test_release_key() -> PublicKey {
        let text = std::fs::read_to_string(fixture("handover-TEST-ONLY-release-key.pub")).unwrap();
        PublicKey::from_openssh(text.trim()).unwrap()
    }

    fn sig(name: &str) -> String {
        std::fs::read_to_string(fixture(name)).unwrap()
    }

    #[test]
    fn a_file_signed_by_ssh_keygen_with_the_release_key_verifies() {
        let key = test_release_key();
        let data = read_verified(&fixture("signed-file.bin"), &key).unwrap();
        assert!(data.starts_with(b"Signed bytes"));
    }

    #[test]
    fn one_changed_byte_is_refused() {
        let key = test_release_key();
        let mut data = std::fs::read(fixture("signed-file.bin")).unwrap();
        data[0] ^= 1;
        let e = verify(&key, &data, &sig("signed-file.bin.sig")).unwrap_err();
        assert_eq!(e.code, "update_bad_signature");
        assert!(e.message.contains("does not match"), "{}", e.message);
        data.push(b'\n');
        data[0] ^= 1;
        assert!(verify(&key, &data, &sig("signed-file.bin.sig")).is_err());
    }

    #[test]
    fn another_key_or_namespace_or_no_signature_is_refused() {
        let key = test_release_key();
        let data = std::fs::read(fixture("signed-file.bin")).unwrap();
        let e = verify(&key, &data, &sig("signed-file.bin.other-key.sig")).unwrap_err();
        assert_eq!(e.code, "update_bad_signature");
        let e = verify(&key, &data, &sig("signed-file.bin.other-namespace.sig")).unwrap_err();
        assert!(e.message.contains("\"file\""), "{}", e.message);
        let e = verify(&key, &data, "-----BEGIN SSH SIGNATURE-----\nAAAA\n").unwrap_err();
        assert!(e.message.contains("not an SSH signature"), "{}", e.message);
        // A file without its .sig.
        let dir = tempfile::tempdir().unwrap();
        let lone = dir.path().join("handover_9.9.9_amd64.deb");
        std::fs::write(&lone, &data).unwrap();
        let e = read_verified(&lone, &key).unwrap_err();
        assert_eq!(e.code, "update_unsigned");
        assert!(
            e.message.contains("handover_9.9.9_amd64.deb.sig"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_signed_file_that_is_no_package_is_refused_after_the_check() {
        if Command::new("dpkg-deb").arg("--version").output().is_err() {
            eprintln!("dpkg-deb missing: skipped");
            return;
        }
        let key = test_release_key();
        let e = stage(&fixture("signed-file.bin"), &key, "0.1.0")
            .err()
            .expect("refused");
        assert_eq!(e.code, "update_not_handover", "{}", e.message);
    }

    #[test]
    fn versions_compare_as_debian_does() {
        if Command::new("dpkg").arg("--version").output().is_err() {
            eprintln!("dpkg missing: skipped");
            return;
        }
        assert!(version_older("0.1.0", "0.2.0").unwrap());
        assert!(version_older("0.9.0", "0.10.0").unwrap());
        assert!(!version_older("0.2.0", "0.2.0").unwrap());
        assert!(!version_older("1.0.0", "0.9.9").unwrap());
        assert!(version_older("0.1.0~rc1", "0.1.0").unwrap());
    }

    #[test]
    fn the_built_in_key_is_an_ed25519_key_and_a_test_build_says_so() {
        let key = release_key().unwrap();
        assert_eq!(key.algorithm(), ssh_key::Algorithm::Ed25519);
        assert_eq!(
            test_key(),
            key.key_data() == test_release_key().key_data(),
            "a build trusts the TEST ONLY key exactly when it says so"
        );
    }

    #[test]
    fn the_signature_sits_beside_the_file() {
        assert_eq!(
            signature_path(Path::new("/media/usb/handover_0.2.0_amd64.deb")),
            Path::new("/media/usb/handover_0.2.0_amd64.deb.sig")
        );
    }
}
