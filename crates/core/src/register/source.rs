//! Reading rows out of a register file, whatever its format, one row at a time.
//!
//! Spreadsheets go through calamine: xlsx/xlsm and xlsb stream cell by cell (a 100,000-row
//! register never sits in memory as a whole); xls and ods are read a sheet at a time, as
//! calamine offers them. CSV and TSV go through the csv crate after decoding (UTF-8 with or
//! without BOM, or Shift_JIS/CP932 — what Japanese Excel writes by default), detected from the
//! first bytes unless the caller says which.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{Data, DataRef, Reader, Sheets, open_workbook_auto};

use crate::{Error, Result};

/// One cell, reduced to what the importer cares about.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value.
    Empty,
    /// Text as written.
    Text(String),
    /// A number (Excel stores ids, phones and postal codes as numbers when it can).
    Number(f64),
    /// A date cell, as an ISO date already.
    Date(String),
    /// A formula error (`#N/A`…).
    Error(String),
}

/// The text encoding of a CSV/TSV file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TextEncoding {
    /// UTF-8 if the first 64 KiB are valid UTF-8 (or start with a BOM), else Shift_JIS.
    #[default]
    Auto,
    /// UTF-8, with or without BOM.
    Utf8,
    /// Shift_JIS as Windows writes it (CP932).
    ShiftJis,
}

impl std::str::FromStr for TextEncoding {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "auto" => Ok(TextEncoding::Auto),
            "utf8" | "utf_8" => Ok(TextEncoding::Utf8),
            "shift_jis" | "sjis" | "cp932" | "windows_31j" => Ok(TextEncoding::ShiftJis),
            _ => Err(Error::invalid(
                "encoding",
                format!("'{s}': use auto, utf-8 or shift_jis"),
            )),
        }
    }
}

/// What was read, for the report.
#[derive(Debug, Clone, Default)]
pub struct SourceInfo {
    /// `xlsx`, `xls`, `xlsb`, `ods`, `csv` or `tsv`.
    pub format: String,
    /// The sheet read (spreadsheets only).
    pub sheet: Option<String>,
    /// The encoding used (CSV/TSV only).
    pub encoding: Option<String>,
}

/// A row: its 1-based number in the file and its cells.
pub struct RawRow<'a> {
    /// Row number as a person sees it (1 = first line/row).
    pub number: u32,
    /// The cells, from column A.
    pub cells: &'a [Cell],
}

/// Visitor called for each row with `(row, bytes_or_rows_done, total)`.
pub type RowVisitor<'v> = dyn FnMut(RawRow<'_>, u64, Option<u64>) -> Result<()> + 'v;

/// Read every row of the file, calling `visit` in order. Returns what was read.
pub fn read_rows(
    path: &Path,
    sheet: Option<&str>,
    encoding: TextEncoding,
    visit: &mut RowVisitor<'_>,
) -> Result<SourceInfo> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => read_delimited(path, None, encoding, visit),
        "tsv" | "tab" => read_delimited(path, Some(b'\t'), encoding, visit),
        _ => read_sheet(path, sheet, visit),
    }
}

fn bad(path: &Path, reason: impl Into<String>) -> Error {
    Error::BadRegister {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn read_sheet(path: &Path, sheet: Option<&str>, visit: &mut RowVisitor<'_>) -> Result<SourceInfo> {
    if !path.is_file() {
        return Err(Error::io(
            "cannot read",
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        ));
    }
    let mut book = open_workbook_auto(path).map_err(|e| {
        bad(
            path,
            format!(
                "not a readable spreadsheet (xlsx, xlsm, xls, xlsb, ods, csv or tsv expected): {e}"
            ),
        )
    })?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                bad(
                    path,
                    format!("no sheet named '{s}'; the sheets are: {}", names.join(", ")),
                )
            })?,
        None => {
            let visible = book
                .sheets_metadata()
                .iter()
                .find(|m| m.visible == calamine::SheetVisible::Visible)
                .map(|m| m.name.clone());
            visible
                .or_else(|| names.first().cloned())
                .ok_or_else(|| bad(path, "the workbook has no sheets"))?
        }
    };
    let format = match &book {
        Sheets::Xlsx(_) => "xlsx",
        Sheets::Xlsb(_) => "xlsb",
        Sheets::Xls(_) => "xls",
        Sheets::Ods(_) => "ods",
    };
    let sheet_err =
        |e: &dyn std::fmt::Display| bad(path, format!("sheet '{name}' cannot be read: {e}"));
    let mut row = RowBuilder::default();
    match &mut book {
        Sheets::Xlsx(x) => {
            let mut cells = x.worksheet_cells_reader(&name).map_err(|e| sheet_err(&e))?;
            let total = Some(u64::from(cells.dimensions().end.0) + 1);
            while let Some(c) = cells.next_cell().map_err(|e| sheet_err(&e))? {
                row.push(c.get_position(), cell_from_ref(c.get_value()), total, visit)?;
            }
            row.finish(total, visit)?;
        }
        Sheets::Xlsb(x) => {
            let mut cells = x.worksheet_cells_reader(&name).map_err(|e| sheet_err(&e))?;
            let total = Some(u64::from(cells.dimensions().end.0) + 1);
            while let Some(c) = cells.next_cell().map_err(|e| sheet_err(&e))? {
                row.push(c.get_position(), cell_from_ref(c.get_value()), total, visit)?;
            }
            row.finish(total, visit)?;
        }
        other => {
            let range = other.worksheet_range(&name).map_err(|e| sheet_err(&e))?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let total = Some(u64::from(range.end().map_or(0, |e| e.0)) + 1);
            for (i, r) in range.rows().enumerate() {
                for (j, v) in r.iter().enumerate() {
                    if *v != Data::Empty {
                        row.push(
                            (r0 + i as u32, c0 + j as u32),
                            cell_from_data(v),
                            total,
                            visit,
                        )?;
                    }
                }
            }
            row.finish(total, visit)?;
        }
    }
    Ok(SourceInfo {
        format: format.into(),
        sheet: Some(name),
        encoding: None,
    })
}

/// Groups cells arriving in row-major order into rows.
#[derive(Default)]
struct RowBuilder {
    current: Option<u32>,
    cells: Vec<Cell>,
}

impl RowBuilder {
    fn push(
        &mut self,
        (r, c): (u32, u32),
        cell: Cell,
        total: Option<u64>,
        visit: &mut RowVisitor<'_>,
    ) -> Result<()> {
        if cell == Cell::Empty {
            return Ok(());
        }
        if self.current != Some(r) {
            self.finish(total, visit)?;
            self.current = Some(r);
        }
        let c = c as usize;
        if self.cells.len() <= c {
            self.cells.resize(c + 1, Cell::Empty);
        }
        self.cells[c] = cell;
        Ok(())
    }

    fn finish(&mut self, total: Option<u64>, visit: &mut RowVisitor<'_>) -> Result<()> {
        if let Some(r) = self.current.take() {
            visit(
                RawRow {
                    number: r + 1,
                    cells: &self.cells,
                },
                u64::from(r) + 1,
                total,
            )?;
            self.cells.clear();
        }
        Ok(())
    }
}

fn date_cell(dt: &calamine::ExcelDateTime) -> Cell {
    if dt.is_duration() {
        return Cell::Number(dt.as_f64());
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    match jiff::civil::Date::new(y as i16, m as i8, d as i8) {
        Ok(date) => Cell::Date(date.to_string()),
        Err(_) => Cell::Error(format!("date serial {}", dt.as_f64())),
    }
}

/// ODS date cells arrive as ISO text (`1980-01-02T00:00:00`): keep the date part.
fn iso_date_cell(s: &str) -> Cell {
    match s
        .get(..10)
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
    {
        Some(d) => Cell::Date(d.to_string()),
        None => Cell::Text(s.to_string()),
    }
}

fn cell_from_ref(v: &DataRef<'_>) -> Cell {
    match v {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Text(b.to_string()),
        DataRef::DateTime(dt) => date_cell(dt),
        DataRef::DateTimeIso(s) => iso_date_cell(s),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn cell_from_data(v: &Data) -> Cell {
    match v {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(dt) => date_cell(dt),
        Data::DateTimeIso(s) => iso_date_cell(s),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// Decodes a byte stream to UTF-8 on the fly (encoding_rs), so a large Shift_JIS file never
/// has to be decoded whole in memory.
struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    inbuf: Vec<u8>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    out: Vec<u8>,
    out_pos: usize,
    bytes_read: std::rc::Rc<std::cell::Cell<u64>>,
    lines: std::rc::Rc<std::cell::RefCell<LineBreaks>>,
}

/// Where the line breaks of the decoded text are, so that a CSV record can be given the line
/// number a person sees. (The csv crate's own line count is one short for every record after
/// a CRLF — what Excel writes — because it counts the `\n` only when reading the next record.)
///
/// A break is a `\r`, or a `\n` not preceded by `\r`: CRLF, LF and CR-only files all count
/// one break per line. Only breaks not yet passed by a record are kept, so memory stays small.
#[derive(Default)]
struct LineBreaks {
    /// Offsets (in the decoded text) of breaks not yet counted.
    pending: std::collections::VecDeque<u64>,
    /// Breaks before the last record looked up.
    counted: u64,
    /// Bytes of decoded text produced so far.
    produced: u64,
    /// The last byte produced was `\r`.
    after_cr: bool,
}

impl LineBreaks {
    fn scan(&mut self, chunk: &[u8]) {
        for (i, &b) in chunk.iter().enumerate() {
            match b {
                b'\r' => self.pending.push_back(self.produced + i as u64),
                b'\n' if !self.after_cr => self.pending.push_back(self.produced + i as u64),
                _ => {}
            }
            self.after_cr = b == b'\r';
        }
        self.produced += chunk.len() as u64;
    }

    /// The 1-based line on which the byte at `offset` lies (offsets must not decrease).
    fn line_at(&mut self, offset: u64) -> u32 {
        while self.pending.front().is_some_and(|&o| o < offset) {
            self.pending.pop_front();
            self.counted += 1;
        }
        u32::try_from(self.counted + 1).unwrap_or(u32::MAX)
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.out_pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_pos);
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.eof && self.in_start == self.in_end {
                return Ok(0);
            }
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.inbuf)?;
                self.bytes_read.set(self.bytes_read.get() + n as u64);
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            self.out.clear();
            self.out_pos = 0;
            self.out.resize(
                self.decoder
                    .max_utf8_buffer_length(self.in_end - self.in_start)
                    .unwrap_or(1 << 17)
                    + 16,
                0,
            );
            let (_, read, written, _replaced) = self.decoder.decode_to_utf8(
                &self.inbuf[self.in_start..self.in_end],
                &mut self.out,
                self.eof,
            );
            self.in_start += read;
            self.out.truncate(written);
            self.lines.borrow_mut().scan(&self.out);
            if self.eof && self.in_start == self.in_end && written == 0 {
                return Ok(0);
            }
        }
    }
}

fn read_delimited(
    path: &Path,
    delimiter: Option<u8>,
    encoding: TextEncoding,
    visit: &mut RowVisitor<'_>,
) -> Result<SourceInfo> {
    let mut file = File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
    let total = file.metadata().map(|m| m.len()).ok();
    let mut head = vec![0u8; 64 * 1024];
    let mut filled = 0;
    while filled < head.len() {
        let n = file
            .read(&mut head[filled..])
            .map_err(|e| Error::io("cannot read", path, e))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    head.truncate(filled);
    if head.contains(&0) {
        return Err(bad(path, "this is a binary file, not a CSV/TSV text file"));
    }
    let has_bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
    let enc = match encoding {
        TextEncoding::Utf8 => encoding_rs::UTF_8,
        TextEncoding::ShiftJis => encoding_rs::SHIFT_JIS,
        TextEncoding::Auto if has_bom || looks_like_utf8(&head) => encoding_rs::UTF_8,
        TextEncoding::Auto => encoding_rs::SHIFT_JIS,
    };
    let delimiter = delimiter.unwrap_or_else(|| {
        let first_line = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
        let tabs = first_line.iter().filter(|b| **b == b'\t').count();
        let commas = first_line.iter().filter(|b| **b == b',').count();
        if tabs > commas { b'\t' } else { b',' }
    });
    let bytes_read = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let lines = std::rc::Rc::new(std::cell::RefCell::new(LineBreaks::default()));
    let reader = DecodingReader {
        inner: std::io::Cursor::new(head).chain(BufReader::with_capacity(1 << 16, file)),
        // BOM handling: encoding_rs strips a UTF-8 BOM with the BOM-sniffing decoder.
        decoder: enc.new_decoder_with_bom_removal(),
        inbuf: vec![0; 1 << 16],
        in_start: 0,
        in_end: 0,
        eof: false,
        out: Vec::new(),
        out_pos: 0,
        bytes_read: bytes_read.clone(),
        lines: lines.clone(),
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(reader);
    let mut record = csv::StringRecord::new();
    let mut cells: Vec<Cell> = Vec::new();
    let enc_name = if enc == encoding_rs::UTF_8 {
        "utf-8"
    } else {
        "shift_jis"
    };
    let mut line = 0u32;
    loop {
        let more = csv.read_record(&mut record).map_err(|e| {
            let where_ = e
                .position()
                .map(|p| format!("row {}", lines.borrow_mut().line_at(p.byte())))
                .unwrap_or_default();
            bad(path, format!("not a readable CSV file ({where_}): {e}"))
        })?;
        if !more {
            break;
        }
        // The record's first line: the line of its last byte (the reader stops right after the
        // first byte of its terminator), less the line breaks inside its quoted cells. (The
        // record's own start position may lie before skipped blank lines, or on the `\n` of the
        // previous CRLF.)
        let end = csv.position().byte();
        let inner = record.iter().map(count_breaks).sum::<u32>();
        line = lines
            .borrow_mut()
            .line_at(end.saturating_sub(1))
            .saturating_sub(inner)
            .max(line + 1);
        if record.iter().any(|f| f.contains('\u{FFFD}')) {
            let row = line;
            return Err(bad(
                path,
                format!(
                    "row {row}: characters that are not valid {enc_name}; {}",
                    if enc == encoding_rs::SHIFT_JIS {
                        "if the file was saved as UTF-8, pass --encoding utf-8"
                    } else {
                        "if the file was saved by Japanese Excel (CSV, not CSV UTF-8), pass \
                         --encoding shift_jis"
                    }
                ),
            ));
        }
        cells.clear();
        cells.extend(record.iter().map(|s| {
            if s.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s.to_string())
            }
        }));
        if cells.iter().all(|c| *c == Cell::Empty) {
            continue;
        }
        visit(
            RawRow {
                number: line,
                cells: &cells,
            },
            bytes_read.get(),
            total,
        )?;
    }
    Ok(SourceInfo {
        format: if delimiter == b'\t' { "tsv" } else { "csv" }.into(),
        sheet: None,
        encoding: Some(if has_bom {
            "utf-8 (BOM)".into()
        } else {
            enc_name.into()
        }),
    })
}

/// Line breaks in a text, counted like [`LineBreaks`] does.
fn count_breaks(s: &str) -> u32 {
    let b = s.as_bytes();
    let n = b
        .iter()
        .enumerate()
        .filter(|&(i, &c)| c == b'\r' || (c == b'\n' && (i == 0 || b[i - 1] != b'\r')))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Valid UTF-8, allowing a multi-byte sequence cut at the end of the sample.
fn looks_like_utf8(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows as (line number, first cell) for a CSV text.
    fn rows(text: &str) -> Vec<(u32, String)> {
        let dir = std::env::temp_dir().join(format!(
            "handover-source-test-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.csv");
        std::fs::write(&path, text).unwrap();
        let mut out = Vec::new();
        read_rows(&path, None, TextEncoding::Auto, &mut |row, _, _| {
            let first = match &row.cells[0] {
                Cell::Text(s) => s.clone(),
                other => format!("{other:?}"),
            };
            out.push((row.number, first));
            Ok(())
        })
        .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        out
    }

    #[test]
    fn csv_rows_are_numbered_by_line_whatever_the_line_ends() {
        let want = vec![(1, "a".to_string()), (2, "c".into()), (3, "e".into())];
        assert_eq!(rows("a,b\r\nc,d\r\ne,f\r\n"), want, "CRLF (Excel)");
        assert_eq!(rows("a,b\nc,d\ne,f\n"), want, "LF");
        assert_eq!(rows("a,b\rc,d\re,f"), want, "CR (old Mac)");
        assert_eq!(rows("\u{feff}a,b\r\nc,d\r\ne,f"), want, "BOM");
        // Blank lines are skipped but still counted; a quoted cell may span lines.
        assert_eq!(
            rows("a,b\r\n\r\nc,\"x\r\ny\"\r\ne,f\r\n"),
            vec![(1, "a".to_string()), (3, "c".into()), (5, "e".into())]
        );
    }
}
