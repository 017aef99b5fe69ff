//! The bundle's detached signature `B.age.sig`: OpenSSH's SSHSIG format, so that a contractor
//! with only OpenSSH checks where a bundle came from before decrypting it with stock `age`:
//!
//! ```text
//! ssh-keygen -Y verify -f allowed_signers -I office-XXXX-XXXX-XXXX-XXXX -n handover \
//!     -s B.age.sig < B.age
//! ```
//!
//! The signature covers the exact bytes of the `.age` file (ciphertext, armored or not), so it
//! says nothing about the contents that the manifest signature inside does not, but it can be
//! checked without any key that decrypts. It is made with the office's Ed25519 signing key,
//! the key that signs manifests, over SSHSIG's signed data with the `sha256` hash (one of the
//! two OpenSSH accepts): the pack already computes the ciphertext's SHA-256 for the ledger, so
//! signing costs no second pass over a bundle of gigabytes. `ssh-key` (RustCrypto's OpenSSH
//! format crate, already used for the update signature) writes the PEM armor and the public
//! key blob; its `SshSig::sign` would hash the whole message in memory, so the signed data is
//! assembled here from the digest (a test checks it against `ssh-key`'s own).

use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;
use ssh_key::public::{Ed25519PublicKey, KeyData};
use ssh_key::{Algorithm, HashAlg, LineEnding, PublicKey, Signature, SshSig};

use crate::{Error, Result, keys};

/// The SSHSIG namespace of bundle signatures (`ssh-keygen -Y verify -n handover`).
pub const SSHSIG_NAMESPACE: &str = "handover";

/// The detached signature's path beside a bundle: `<bundle>.sig`.
pub fn signature_path(bundle: &Path) -> PathBuf {
    let mut name = bundle
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".sig");
    bundle.with_file_name(name)
}

/// The principal an `allowed_signers` file names the office by: `office-` and the signing
/// key's fingerprint (ASCII, no spaces, one per key, so `-I` says which key is meant).
pub fn ssh_principal(vk: &VerifyingKey) -> String {
    format!("office-{}", keys::fingerprint(vk.as_bytes()))
}

/// The office key as an OpenSSH public key (`ssh-ed25519 AAAA…`).
pub fn ssh_public_key(vk: &VerifyingKey) -> String {
    let key = PublicKey::new(KeyData::Ed25519(Ed25519PublicKey(vk.to_bytes())), "");
    // Encoding an Ed25519 key into a String cannot fail.
    key.to_openssh().unwrap_or_default().trim().to_string()
}

/// One `allowed_signers` line for `ssh-keygen -Y verify`: the principal, restricted to the
/// `handover` namespace, and the key.
pub fn allowed_signers_line(vk: &VerifyingKey) -> String {
    format!(
        "{} namespaces=\"{SSHSIG_NAMESPACE}\" {}",
        ssh_principal(vk),
        ssh_public_key(vk)
    )
}

/// SSHSIG's signed data for a message whose SHA-256 is `digest`: the magic preamble, the
/// namespace, an empty reserved string, the hash algorithm's name and the digest, each string
/// length-prefixed (PROTOCOL.sshsig).
fn signed_data(digest: &[u8; 32]) -> Vec<u8> {
    let mut out = b"SSHSIG".to_vec();
    for field in [
        SSHSIG_NAMESPACE.as_bytes(),
        b"",
        HashAlg::Sha256.as_str().as_bytes(),
        digest.as_slice(),
    ] {
        out.extend_from_slice(&(field.len() as u32).to_be_bytes());
        out.extend_from_slice(field);
    }
    out
}

fn digest_of(sha256_hex: &str) -> Result<[u8; 32]> {
    let mut digest = [0u8; 32];
    hex::decode_to_slice(sha256_hex, &mut digest).map_err(|_| {
        Error::from(crate::refusal::Refusal::BadHash {
            given: sha256_hex.to_string(),
        })
    })?;
    Ok(digest)
}

/// The PEM text of `B.age.sig` for a bundle whose SHA-256 is `sha256_hex`, signed by `sign`
/// (the office signing key, whose public half is `signing_key`, `ed25519:<hex>`); checked
/// before it is returned.
pub(crate) fn sign_detached(
    sha256_hex: &str,
    signing_key: &str,
    sign: &dyn Fn(&[u8]) -> [u8; 64],
) -> Result<String> {
    let vk = &keys::parse_signing_key(signing_key)?;
    let digest = digest_of(sha256_hex)?;
    let raw = sign(&signed_data(&digest));
    if !keys::verify_signature(vk, &signed_data(&digest), &raw) {
        return Err(crate::refusal::Refusal::Trust(
            crate::refusal::TrustProblem::SignedWithOtherKey,
        )
        .into());
    }
    let fail = |e: ssh_key::Error| Error::Encrypt(format!("cannot write the SSH signature: {e}"));
    let signature = Signature::new(Algorithm::Ed25519, raw.to_vec()).map_err(fail)?;
    let key = KeyData::Ed25519(Ed25519PublicKey(vk.to_bytes()));
    SshSig::new(key, SSHSIG_NAMESPACE, HashAlg::Sha256, signature)
        .and_then(|s| s.to_pem(LineEnding::LF))
        .map_err(fail)
}

/// Does `pem` (a `B.age.sig`) sign, in the `handover` namespace with the `sha256` hash, the
/// bundle whose SHA-256 is `sha256_hex`, by the office key `vk`? Strict Ed25519 check; any
/// other key, namespace, hash or a malformed file is `false`.
pub fn verify_detached(pem: &str, sha256_hex: &str, vk: &VerifyingKey) -> bool {
    let (Ok(sig), Ok(digest)) = (SshSig::from_pem(pem), digest_of(sha256_hex)) else {
        return false;
    };
    let ours = KeyData::Ed25519(Ed25519PublicKey(vk.to_bytes()));
    sig.namespace() == SSHSIG_NAMESPACE
        && sig.hash_alg() == HashAlg::Sha256
        && sig.public_key() == &ours
        && sig.algorithm() == Algorithm::Ed25519
        && keys::verify_signature(vk, &signed_data(&digest), sig.signature_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};
    use sha2::{Digest, Sha256};

    #[test]
    fn signed_data_is_what_ssh_key_computes() {
        let msg = b"a bundle's ciphertext";
        let digest: [u8; 32] = Sha256::digest(msg).into();
        let theirs = SshSig::signed_data(SSHSIG_NAMESPACE, HashAlg::Sha256, msg).unwrap();
        assert_eq!(signed_data(&digest), theirs);
    }

    #[test]
    fn a_signature_verifies_only_for_its_bundle_and_key() {
        let sk = SigningKey::generate(&mut rand::rngs::OsRng);
        let vk = sk.verifying_key();
        let sha = hex::encode(Sha256::digest(b"bundle"));
        let named = keys::format_signing_key(&vk);
        let pem = sign_detached(&sha, &named, &|m| sk.sign(m).to_bytes()).unwrap();
        assert!(pem.starts_with("-----BEGIN SSH SIGNATURE-----"));
        assert!(verify_detached(&pem, &sha, &vk));
        let other_sha = hex::encode(Sha256::digest(b"bundlf"));
        assert!(!verify_detached(&pem, &other_sha, &vk));
        let other = SigningKey::generate(&mut rand::rngs::OsRng).verifying_key();
        assert!(!verify_detached(&pem, &sha, &other));
        assert!(!verify_detached("not a signature", &sha, &vk));
        // Signed by a key other than the one named: refused before anything is written.
        let wrong = SigningKey::generate(&mut rand::rngs::OsRng);
        let e = sign_detached(&sha, &named, &|m| wrong.sign(m).to_bytes()).unwrap_err();
        assert!(e.to_string().contains("signing key"), "{e}");
        assert!(sign_detached("zz", &named, &|m| sk.sign(m).to_bytes()).is_err());
    }

    #[test]
    fn allowed_signers_line_names_the_principal_namespace_and_key() {
        let vk = SigningKey::generate(&mut rand::rngs::OsRng).verifying_key();
        let line = allowed_signers_line(&vk);
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 4, "{line}");
        assert_eq!(parts[0], ssh_principal(&vk));
        assert_eq!(parts[1], "namespaces=\"handover\"");
        assert_eq!(parts[2], "ssh-ed25519");
        let parsed = PublicKey::from_openssh(&format!("{} {}", parts[2], parts[3])).unwrap();
        assert_eq!(
            parsed.key_data(),
            &KeyData::Ed25519(Ed25519PublicKey(vk.to_bytes()))
        );
        assert_eq!(
            signature_path(Path::new("d/B.age")),
            Path::new("d/B.age.sig")
        );
    }
}
