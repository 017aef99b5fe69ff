//! Step 2, the zip's structure: the end records before the directory is loaded, entry names,
//! kinds and declared sizes, and the manifest and its signature as the first two entries.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use super::super::manifest::{
    MANIFEST_ENTRY, SIGNATURE_ENTRY, check_entry_in_format, check_entry_name,
};
use super::decrypt::damaged;
use super::{Limits, rejected, too_large};
use crate::{Error, Result};

pub(super) fn le16(b: &[u8], at: usize) -> u64 {
    u64::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

pub(super) fn le32(b: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes(
        b[at..at + 4].try_into().unwrap_or_default(),
    ))
}

pub(super) fn le64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or_default())
}

pub(super) fn not_a_zip(path: &Path) -> Error {
    rejected(
        path,
        "the decrypted content is not a Handover zip (no end record)",
    )
}

/// Check the entry count and directory size in the end record before the zip reader loads the
/// central directory into memory. A Handover zip has no archive comment. Returns where the
/// directory and the end records are.
pub(super) fn precheck_directory<R: Read + Seek>(
    r: &mut R,
    len: u64,
    limits: &Limits,
    path: &Path,
) -> Result<super::super::zip_layout::Directory> {
    if len < 22 {
        return Err(not_a_zip(path));
    }
    let mut read_at = |pos: u64, buf: &mut [u8]| -> Result<()> {
        r.seek(SeekFrom::Start(pos))
            .and_then(|_| r.read_exact(buf))
            .map_err(|e| damaged(path, &e))
    };
    let mut eocd = [0u8; 22];
    read_at(len - 22, &mut eocd)?;
    if eocd[..4] != [0x50, 0x4b, 0x05, 0x06] || le16(&eocd, 20) != 0 {
        return Err(not_a_zip(path));
    }
    let mut entries = le16(&eocd, 10);
    let mut dir = super::super::zip_layout::Directory {
        start: le32(&eocd, 16),
        size: le32(&eocd, 12),
        end_start: len - 22,
    };
    if entries == 0xFFFF || dir.size == 0xFFFF_FFFF || dir.start == 0xFFFF_FFFF {
        (entries, dir) = zip64_directory(&mut read_at, len, path)?;
    }
    if entries > limits.max_entries as u64 {
        return Err(too_large(
            path,
            format!(
                "the zip has {entries} entries; at most {} are accepted",
                limits.max_entries
            ),
        ));
    }
    if dir.size > (limits.max_entries as u64).saturating_mul(1024) {
        return Err(too_large(
            path,
            format!(
                "the zip directory is {} bytes, far more than its entries need",
                dir.size
            ),
        ));
    }
    Ok(dir)
}

/// The entry count and directory of a zip64 end record, which must sit right before its
/// locator and the classic end record.
pub(super) fn zip64_directory(
    read_at: &mut dyn FnMut(u64, &mut [u8]) -> Result<()>,
    len: u64,
    path: &Path,
) -> Result<(u64, super::super::zip_layout::Directory)> {
    if len < 22 + 20 {
        return Err(not_a_zip(path));
    }
    let mut loc = [0u8; 20];
    read_at(len - 22 - 20, &mut loc)?;
    if loc[..4] != [0x50, 0x4b, 0x06, 0x07] {
        return Err(not_a_zip(path));
    }
    let at = le64(&loc, 8);
    if at.checked_add(56).is_none_or(|end| end > len) {
        return Err(not_a_zip(path));
    }
    let mut rec = [0u8; 56];
    read_at(at, &mut rec)?;
    if rec[..4] != [0x50, 0x4b, 0x06, 0x06] {
        return Err(not_a_zip(path));
    }
    if at + 56 != len - 22 - 20 {
        return Err(rejected(
            path,
            "the zip holds bytes between its end records",
        ));
    }
    let dir = super::super::zip_layout::Directory {
        start: le64(&rec, 48),
        size: le64(&rec, 40),
        end_start: at,
    };
    Ok((le64(&rec, 32), dir))
}

/// Entry names in zip order, after checking the structure and the declared sizes.
pub(super) fn check_structure<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    limits: &Limits,
    path: &Path,
) -> Result<Vec<String>> {
    if zip.len() > limits.max_entries {
        return Err(too_large(
            path,
            format!(
                "the zip has {} entries; at most {} are accepted",
                zip.len(),
                limits.max_entries
            ),
        ));
    }
    if !zip.comment().is_empty() {
        return Err(rejected(
            path,
            "the zip has a comment (a Handover bundle never does)",
        ));
    }
    if zip.has_duplicate_names() {
        return Err(rejected(
            path,
            "the zip holds two entries with the same name",
        ));
    }
    let mut names = Vec::with_capacity(zip.len());
    let mut folded = std::collections::HashSet::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let meta = zip
            .by_index_data(i)
            .map_err(|e| rejected(path, format!("entry #{} cannot be read ({e})", i + 1)))?;
        let name = checked_entry_name(meta.name_raw(), i, path)?;
        if !folded.insert(name.to_ascii_lowercase()) {
            return Err(rejected(
                path,
                format!(
                    "entry {name} differs from another only in upper and lower case (one \
                     file on Windows and macOS)"
                ),
            ));
        }
        let cap = if i == 0 {
            limits.max_manifest_size
        } else {
            limits.max_entry_size
        };
        total = total.saturating_add(checked_entry_kind(&meta, &name, cap, path)?);
        if total > limits.max_total_size {
            return Err(too_large(
                path,
                format!(
                    "the entries declare more than {} bytes in all",
                    limits.max_total_size
                ),
            ));
        }
        drop(meta);
        names.push(name);
    }
    check_signed_first(&names, path)?;
    zip.validate_header_consistency()
        .map_err(|e| rejected(path, format!("the zip structure is inconsistent ({e})")))?;
    Ok(names)
}

/// The `i`th entry's name, if it is plain ASCII, stays inside the output folder and is one of
/// the format's entries.
pub(super) fn checked_entry_name(raw: &[u8], i: usize, path: &Path) -> Result<String> {
    let Some(name) = std::str::from_utf8(raw)
        .ok()
        .filter(|n| n.is_ascii())
        .map(str::to_string)
    else {
        return Err(rejected(
            path,
            format!("entry #{} has a name that is not plain ASCII", i + 1),
        ));
    };
    if let Err(why) = check_entry_name(&name) {
        return Err(rejected(
            path,
            format!(
                "entry '{}' would escape the output folder: {why}",
                name.escape_default()
            ),
        ));
    }
    if let Err(why) = check_entry_in_format(&name) {
        return Err(rejected(path, format!("entry '{name}' {why}")));
    }
    Ok(name)
}

/// An entry must be a plain, unencrypted file, stored or deflated, declaring at most `cap`
/// bytes. Returns its declared size.
pub(super) fn checked_entry_kind(
    meta: &zip::read::ZipFileEntry<'_>,
    name: &str,
    cap: u64,
    path: &Path,
) -> Result<u64> {
    if meta.encrypted() {
        return Err(rejected(path, format!("entry {name} uses zip encryption")));
    }
    if !meta.is_file() || meta.is_symlink() {
        return Err(rejected(path, format!("entry {name} is not a plain file")));
    }
    if !matches!(
        meta.compression(),
        zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
    ) {
        return Err(rejected(
            path,
            format!("entry {name} uses an unsupported compression method"),
        ));
    }
    let size = meta.size();
    if size > cap {
        return Err(too_large(
            path,
            format!("entry {name} declares {size} bytes; the limit is {cap}"),
        ));
    }
    Ok(size)
}

/// The manifest comes first and its signature second.
pub(super) fn check_signed_first(names: &[String], path: &Path) -> Result<()> {
    if names.first().map(String::as_str) != Some(MANIFEST_ENTRY) {
        return Err(rejected(
            path,
            if names.iter().any(|n| n == MANIFEST_ENTRY) {
                "manifest.json is not the first entry of the zip"
            } else {
                "manifest.json is missing"
            },
        ));
    }
    if names.get(1).map(String::as_str) != Some(SIGNATURE_ENTRY) {
        return Err(rejected(
            path,
            if names.iter().any(|n| n == SIGNATURE_ENTRY) {
                "manifest.sig is not the second entry of the zip"
            } else {
                "manifest.sig (the office's signature) is missing"
            },
        ));
    }
    Ok(())
}

/// Read an entry fully into memory (it is already known to be within `cap`).
pub(super) fn read_small<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    index: usize,
    name: &str,
    cap: u64,
    path: &Path,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut f = zip
        .by_index(index)
        .map_err(|e| rejected(path, format!("entry {name} cannot be read ({e})")))?;
    let declared = f.size();
    (&mut f)
        .take(declared.min(cap) + 1)
        .read_to_end(&mut out)
        .map_err(|e| entry_read_error(path, name, declared, &e))?;
    if out.len() as u64 != declared {
        return Err(too_large(
            path,
            format!("entry {name} holds more or fewer bytes than it declares"),
        ));
    }
    Ok(out)
}

/// An entry that fails to read: a zip bomb (more bytes than declared: the zip reader stops it
/// at the declared size) or corrupt data (CRC, deflate stream).
pub(super) fn entry_read_error(path: &Path, name: &str, declared: u64, e: &io::Error) -> Error {
    if e.to_string().contains("larger than its declared") {
        too_large(
            path,
            format!("entry {name} decompresses to more than the {declared} bytes it declares"),
        )
    } else {
        rejected(path, format!("entry {name} is corrupt ({e})"))
    }
}
