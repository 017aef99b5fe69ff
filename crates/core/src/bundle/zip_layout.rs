//! The byte layout of a bundle's zip: every byte belongs to an entry (its local header, data
//! and data descriptor), to the central directory, or to the end records. A prefix, a gap
//! between entries, an entry comment or bytes before the directory are refused: a Handover zip
//! has none, and hidden bytes would ride along in a file whose every entry verifies.
//!
//! Read from the raw bytes (the zip reader does not say where an entry's bytes end), after the
//! end record was checked and before the zip reader loads the directory.

use std::io::{Read, Seek, SeekFrom};

const LOCAL: [u8; 4] = *b"PK\x03\x04";
const CENTRAL: [u8; 4] = *b"PK\x01\x02";
const DESCRIPTOR: [u8; 4] = *b"PK\x07\x08";
/// Marks a 32-bit field whose value is in the zip64 extra field.
const IN_ZIP64: u64 = 0xFFFF_FFFF;

/// Where the central directory and the end records are (from the end record).
pub(super) struct Directory {
    /// Offset of the central directory.
    pub start: u64,
    /// Its size.
    pub size: u64,
    /// Offset of the first end record (the zip64 one, if any).
    pub end_start: u64,
}

fn le16(b: &[u8], at: usize) -> u64 {
    u64::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn le32(b: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]))
}

fn le64(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

fn read_at<R: Read + Seek>(r: &mut R, at: u64, buf: &mut [u8]) -> Result<(), String> {
    r.seek(SeekFrom::Start(at))
        .and_then(|_| r.read_exact(buf))
        .map_err(|_| format!("the zip is cut short at offset {at}"))
}

/// One entry as the directory places it.
struct Span {
    offset: u64,
    compressed: u64,
    descriptor: bool,
}

/// Refuse any byte that belongs to no entry, directory or end record.
pub(super) fn check_layout<R: Read + Seek>(r: &mut R, dir: &Directory) -> Result<(), String> {
    if dir.start.checked_add(dir.size) != Some(dir.end_start) {
        return Err("the zip holds bytes between its directory and its end record".into());
    }
    let len = usize::try_from(dir.size).map_err(|_| "the zip directory is too large")?;
    let mut cd = vec![0u8; len];
    read_at(r, dir.start, &mut cd)?;
    let mut spans = directory_spans(&cd)?;
    spans.sort_unstable_by_key(|s| s.offset);
    let mut pos = 0u64;
    for s in spans {
        if s.offset != pos {
            return Err(stray(pos, s.offset));
        }
        // Never seek past the data: the decrypting reader panics there (a fuzzing finding).
        if s.offset.checked_add(30).is_none_or(|e| e > dir.start) {
            return Err(format!(
                "an entry starts past the zip's data (offset {})",
                s.offset
            ));
        }
        let mut h = [0u8; 30];
        read_at(r, s.offset, &mut h)?;
        if h[..4] != LOCAL {
            return Err(format!("no entry header at offset {}", s.offset));
        }
        let data = s.offset + 30 + le16(&h, 26) + le16(&h, 28);
        let mut end = data
            .checked_add(s.compressed)
            .ok_or("an entry ends past any file")?;
        if s.descriptor {
            if end.checked_add(28).is_none_or(|e| e > dir.end_start + 22) {
                return Err(format!(
                    "an entry's data runs past the zip's data (offset {end})"
                ));
            }
            end += descriptor_len(r, end)?;
        }
        pos = end;
    }
    if pos != dir.start {
        return Err(stray(pos, dir.start));
    }
    Ok(())
}

fn stray(from: u64, to: u64) -> String {
    if to < from {
        format!("two zip entries overlap at offset {to}")
    } else {
        format!(
            "the zip holds {} bytes that belong to no entry (at offset {from}); a Handover \
             bundle has none",
            to - from
        )
    }
}

/// The entries the central directory lists; refuses entry comments.
fn directory_spans(cd: &[u8]) -> Result<Vec<Span>, String> {
    let mut spans = Vec::new();
    let mut at = 0usize;
    while at < cd.len() {
        let h = cd
            .get(at..at + 46)
            .ok_or("the zip directory is cut short")?;
        if h[..4] != CENTRAL {
            return Err("the zip directory holds something other than entries".into());
        }
        let (n, e, c) = (
            le16(h, 28) as usize,
            le16(h, 30) as usize,
            le16(h, 32) as usize,
        );
        if c != 0 {
            return Err("a zip entry has a comment (a Handover bundle's never do)".into());
        }
        let extra = cd
            .get(at + 46 + n..at + 46 + n + e)
            .ok_or("the zip directory is cut short")?;
        let (mut compressed, mut offset) = (le32(h, 20), le32(h, 42));
        if [le32(h, 24), compressed, offset].contains(&IN_ZIP64) {
            let mut z = zip64_values(extra)?.into_iter();
            let mut next = || z.next().ok_or("a zip64 entry lacks its sizes");
            if le32(h, 24) == IN_ZIP64 {
                next()?;
            }
            if compressed == IN_ZIP64 {
                compressed = next()?;
            }
            if offset == IN_ZIP64 {
                offset = next()?;
            }
        }
        spans.push(Span {
            offset,
            compressed,
            descriptor: le16(h, 8) & 8 != 0,
        });
        at += 46 + n + e;
    }
    Ok(spans)
}

/// The 64-bit values of the zip64 extra field (id 1), in order.
fn zip64_values(mut extra: &[u8]) -> Result<Vec<u64>, String> {
    while extra.len() >= 4 {
        let (id, size) = (le16(extra, 0), le16(extra, 2) as usize);
        let body = extra
            .get(4..4 + size)
            .ok_or("a zip extra field is cut short")?;
        if id == 1 {
            return Ok(body.chunks_exact(8).map(|c| le64(c, 0)).collect());
        }
        extra = &extra[4 + size..];
    }
    Err("a zip64 entry lacks its zip64 field".into())
}

/// Length of the data descriptor at `at`: with or without its signature, 32- or 64-bit sizes;
/// the one after which the next entry or the directory starts.
fn descriptor_len<R: Read + Seek>(r: &mut R, at: u64) -> Result<u64, String> {
    let mut b = [0u8; 28];
    read_at(r, at, &mut b)?;
    let lens: [usize; 2] = if b[..4] == DESCRIPTOR {
        [16, 24]
    } else {
        [12, 20]
    };
    lens.into_iter()
        .find(|&l| b[l..l + 4] == LOCAL || b[l..l + 4] == CENTRAL)
        .map(|l| l as u64)
        .ok_or_else(|| format!("the data descriptor at offset {at} is followed by stray bytes"))
}
