//! The recovery key: 160 random bits printed once when the office is created, for the office
//! safe. A paper format people can type back: 32 characters of Crockford base32 (no I, L, O or
//! U; typed I and L read as 1, O as 0; case, spaces and hyphens do not matter) and a group of 4
//! check characters, in groups of 4: `7K3Q-…-XXXX`. A typo is caught by the check before
//! anything is tried.

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{Error, Result};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random bytes in a recovery key.
pub const KEY_BYTES: usize = 20;
const KEY_CHARS: usize = KEY_BYTES * 8 / 5;
const CHECK_CHARS: usize = 4;

/// A recovery key (the secret bytes; shown only through [`RecoveryKey::to_paper`]).
pub struct RecoveryKey(Zeroizing<[u8; KEY_BYTES]>);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(…)")
    }
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in bytes {
        acc = (acc << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
    }
    out
}

fn check_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest([b"handover recovery key\0".as_slice(), bytes].concat());
    encode(&digest[..5])[..CHECK_CHARS].to_string()
}

fn value_of(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET
        .iter()
        .position(|a| *a as char == c)
        .map(|i| i as u8)
}

impl RecoveryKey {
    /// A new random recovery key.
    pub(crate) fn generate() -> Self {
        RecoveryKey(Zeroizing::new(rand::random()))
    }

    /// The secret bytes.
    pub(crate) fn bytes(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }

    /// The key as printed: 9 groups of 4 characters, the last one the check.
    pub fn to_paper(&self) -> String {
        let all = encode(self.0.as_ref()) + &check_of(self.0.as_ref());
        let groups: Vec<&str> = (0..all.len())
            .step_by(4)
            .map(|i| &all[i..(i + 4).min(all.len())])
            .collect();
        groups.join("-")
    }

    /// Read a typed recovery key back; a wrong length, a character outside the alphabet or a
    /// wrong check is refused ([`Error::RecoveryKeyTypo`]) before anything is tried.
    pub fn parse(typed: &str) -> Result<Self> {
        let chars: Vec<char> = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let values: Option<Vec<u8>> = chars.iter().map(|c| value_of(*c)).collect();
        let Some(values) = values.filter(|v| v.len() == KEY_CHARS + CHECK_CHARS) else {
            return Err(Error::RecoveryKeyTypo);
        };
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        let (mut acc, mut bits, mut n) = (0u32, 0u32, 0usize);
        for v in &values[..KEY_CHARS] {
            acc = (acc << 5) | u32::from(*v);
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes[n] = (acc >> bits) as u8;
                n += 1;
            }
        }
        let typed_check: String = values[KEY_CHARS..]
            .iter()
            .map(|v| ALPHABET[*v as usize] as char)
            .collect();
        if typed_check != check_of(bytes.as_ref()) {
            return Err(Error::RecoveryKeyTypo);
        }
        Ok(RecoveryKey(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paper_reads_back_however_it_is_typed() {
        let k = RecoveryKey::generate();
        let paper = k.to_paper();
        assert_eq!(paper.len(), 9 * 4 + 8, "{paper}");
        assert_eq!(paper.split('-').count(), 9);
        for typed in [
            paper.clone(),
            paper.to_lowercase(),
            paper.replace('-', " "),
            paper.replace('-', "").replace('0', "o").replace('1', "l"),
        ] {
            assert_eq!(RecoveryKey::parse(&typed).unwrap().bytes(), k.bytes());
        }
    }

    #[test]
    fn a_typo_a_missing_group_or_a_stray_letter_is_refused() {
        let paper = RecoveryKey::generate().to_paper();
        let mut chars: Vec<char> = paper.chars().collect();
        // Change one character for another of the alphabet.
        chars[5] = if chars[5] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        for bad in [
            typo,
            paper[5..].to_string(),
            paper.replacen('-', "U", 1),
            String::new(),
        ] {
            let e = RecoveryKey::parse(&bad).unwrap_err();
            assert_eq!(e.code(), "recovery_key_typo", "{bad}");
        }
    }
}
