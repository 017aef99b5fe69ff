//! The second half of step 4: every entry streamed and checked against the manifest's size
//! and SHA-256 (into staging, or memory for viewing), then the customers read back and the CSV
//! checked against them.

use std::io::{self, Read, Seek, Write};
use std::path::Path;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::super::files::interrupted;
use super::super::manifest::{CSV_ENTRY, FLOOR_PLAN_DIR, JSON_ENTRY, Manifest};
use super::output::create_entry_file;
use super::structure::entry_read_error;
use super::verify::Signed;
use super::{FieldValue, InMemoryFiles, Limits, OpenedCustomer, rejected, too_large};
use crate::{Error, Field, Result};

/// Stream every entry, checking actual size and SHA-256 against the manifest; with `dest`,
/// write each into it (0600, fsynced). Returns the bytes of `customers.json`.
pub(super) fn extract<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    names: &[String],
    signed: &Signed,
    dest: Option<&Path>,
    mut keep: Option<&mut InMemoryFiles>,
    limits: &Limits,
    path: &Path,
) -> Result<Vec<u8>> {
    let m = &signed.manifest;
    let mut json = Vec::new();
    let mut buf = vec![0u8; 256 * 1024];
    for (i, name) in names.iter().enumerate() {
        let mut sink: Box<dyn Write> = match dest {
            Some(d) => Box::new(io::BufWriter::new(create_entry_file(d, name)?)),
            None => Box::new(io::sink()),
        };
        let expected = if i < 2 { None } else { m.entry(name) };
        let cap = match (i, expected) {
            (0, _) => limits.max_manifest_size,
            (_, Some(e)) => e.size,
            _ => 64,
        };
        let mut f = zip
            .by_index(i)
            .map_err(|e| rejected(path, format!("entry {name} cannot be read ({e})")))?;
        let mut kept = keep_slot(keep.as_deref_mut(), expected, name);
        let source = EntrySource { name, cap, path };
        let (count, digest) = source.stream(&mut f, &mut buf, &mut |chunk| {
            if name == JSON_ENTRY {
                json.extend_from_slice(chunk);
            }
            if let Some(k) = kept.as_mut() {
                k.extend_from_slice(chunk);
            }
            sink.write_all(chunk)
                .map_err(|e| Error::io("cannot write", name.as_str(), e))
        })?;
        let ok = match expected {
            Some(e) => count == e.size && digest == e.sha256,
            // The manifest and signature were already read and checked: same bytes again?
            None if i == 0 => digest == hex::encode(Sha256::digest(&signed.bytes)),
            None => digest == hex::encode(Sha256::digest(&signed.signature)),
        };
        if !ok {
            return Err(rejected(
                path,
                format!("entry {name} does not match the SHA-256 and size in the manifest"),
            ));
        }
        sink.flush()
            .map_err(|e| Error::io("cannot write", name.as_str(), e))?;
        if let (Some(k), Some(bytes)) = (keep.as_deref_mut(), kept) {
            k.files.push((name.clone(), bytes));
        }
        if name == CSV_ENTRY && dest.is_some() {
            test_stall();
        }
    }
    Ok(json)
}

/// A buffer to keep a floor plan in memory for viewing, if it fits what is left of the budget
/// (a plan that does not is listed as skipped).
pub(super) fn keep_slot(
    keep: Option<&mut InMemoryFiles>,
    expected: Option<&super::super::manifest::ManifestEntry>,
    name: &str,
) -> Option<Zeroizing<Vec<u8>>> {
    let (k, e) = (keep?, expected?);
    if !name
        .strip_prefix(FLOOR_PLAN_DIR)
        .is_some_and(|rest| rest.starts_with('/'))
    {
        return None;
    }
    if e.size <= k.budget {
        k.budget -= e.size;
        Some(Zeroizing::new(Vec::with_capacity(e.size as usize)))
    } else {
        k.skipped.push(name.to_string());
        None
    }
}

/// One zip entry being read: its name, the most bytes it may decompress to, and the bundle.
pub(super) struct EntrySource<'a> {
    name: &'a str,
    cap: u64,
    path: &'a Path,
}

impl EntrySource<'_> {
    /// Read the entry to its end, handing each chunk to `out`; stops when interrupted or past
    /// the cap. Returns the byte count and the SHA-256.
    fn stream(
        &self,
        f: &mut dyn Read,
        buf: &mut [u8],
        out: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<(u64, String)> {
        let EntrySource { name, cap, path } = *self;
        let mut hasher = Sha256::new();
        let mut count = 0u64;
        loop {
            if interrupted() {
                return Err(Error::Cancelled);
            }
            let n = match f.read(buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(entry_read_error(path, name, cap, &e)),
            };
            count += n as u64;
            if count > cap {
                return Err(too_large(
                    path,
                    format!("entry {name} decompresses to more than the {cap} bytes it declares"),
                ));
            }
            hasher.update(&buf[..n]);
            out(&buf[..n])?;
        }
        Ok((count, hex::encode(hasher.finalize())))
    }
}

/// Test-only (debug builds): hold an extraction once `customers.csv` is in staging, so that the
/// signal test can interrupt it exactly there. Compiled out of releases.
pub(super) fn test_stall() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("HANDOVER_TEST_STALL_AFTER_CSV_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        let until = std::time::Instant::now() + std::time::Duration::from_millis(ms);
        while std::time::Instant::now() < until && !interrupted() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

pub(super) fn read_customers(
    json: &[u8],
    m: &Manifest,
) -> std::result::Result<Vec<OpenedCustomer>, String> {
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_slice(json)
        .map_err(|e| {
            format!(
                "customers.json is malformed (line {}, column {})",
                e.line(),
                e.column()
            )
        })?;
    if rows.len() != m.customers.len() {
        return Err("customers.json and the manifest list different customers".into());
    }
    rows.into_iter()
        .zip(&m.customers)
        .map(|(row, mc)| {
            let mut values = Vec::new();
            for (k, v) in &row {
                let field = Field::from_id(k)
                    .filter(|f| mc.fields.contains(f) && !f.is_payment())
                    .ok_or_else(|| {
                        format!(
                            "customers.json holds a field for customer {} that the manifest does not list",
                            mc.customer_id
                        )
                    })?;
                match v {
                    serde_json::Value::Null => {}
                    serde_json::Value::String(s) => values.push(FieldValue {
                        field,
                        value: s.clone(),
                    }),
                    _ => return Err(format!("customers.json: {k} of customer {} is not text", mc.customer_id)),
                }
            }
            values.sort_by_key(|v| v.field);
            let get = |f: Field| values.iter().find(|v| v.field == f).map(|v| v.value.clone());
            if get(Field::CustomerId).as_deref() != Some(mc.customer_id.as_str()) {
                return Err(format!(
                    "customers.json and the manifest disagree about customer {}",
                    mc.customer_id
                ));
            }
            let floor_plan = get(Field::FloorPlan);
            if floor_plan.as_deref().is_some_and(|p| m.entry(p).is_none()) {
                return Err(format!(
                    "customers.json names a floor plan for customer {} that is not in the bundle",
                    mc.customer_id
                ));
            }
            Ok(OpenedCustomer {
                customer_id: mc.customer_id.clone(),
                values,
                floor_plan,
            })
        })
        .collect()
}

/// `customers.csv` must be exactly what the office's pack makes from `customers.json` (same
/// values, formulas defused): a spreadsheet shows what the bundle holds, and never runs a
/// signed `=HYPERLINK(…)`.
pub(super) fn check_csv(
    customers: &[OpenedCustomer],
    m: &Manifest,
) -> std::result::Result<(), String> {
    let cols: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| m.customers.iter().any(|c| c.fields.contains(f)))
        .collect();
    let rows = customers.iter().zip(&m.customers).map(|(c, mc)| {
        cols.iter()
            .map(|&f| {
                if mc.fields.contains(&f) {
                    c.get(f).unwrap_or("")
                } else {
                    ""
                }
            })
            .collect()
    });
    let expected = super::super::content::csv_from_rows(&cols, rows).map_err(|e| e.to_string())?;
    let listed = m.entry(CSV_ENTRY).map(|e| e.sha256.as_str());
    if listed != Some(hex::encode(Sha256::digest(&expected)).as_str()) {
        return Err(
            "customers.csv does not match customers.json (a spreadsheet would show other \
             values than the bundle holds, or run a formula)"
                .into(),
        );
    }
    Ok(())
}
