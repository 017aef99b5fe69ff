//! Reading rows out of a register file, whatever its format, one row at a time.
//!
//! Spreadsheets go through calamine: xlsx/xlsm and xlsb stream cell by cell (a 100,000-row
//! register never sits in memory as a whole); xls and ods are read a sheet at a time, as
//! calamine offers them. CSV and TSV go through the csv crate after decoding (UTF-8 with or
//! without BOM, or Shift_JIS/CP932 — what Japanese Excel writes by default), detected from the
//! first bytes unless the caller says which.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{Data, DataRef, Reader, Sheets, open_workbook_auto};

use crate::{Error, Result};

/// One cell, reduced to what the importer cares about. Its text lies in the reader's buffer,
/// which holds the text of many rows at once: reading a cell allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// No value.
    Empty,
    /// Text as written.
    Text(&'a str),
    /// A number (Excel stores ids, phones and postal codes as numbers when it can).
    Number(f64),
    /// A date cell, as an ISO date already.
    Date(&'a str),
    /// A formula error (`#N/A`…).
    Error(&'a str),
    /// A formula whose value was never computed: the file was written by a program that
    /// stores formulas without their results, and never opened and saved in Excel (xlsx).
    Uncomputed,
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
            _ => Err(crate::refusal::Vocabulary::Encoding.refuse(s, "auto, utf-8, shift_jis")),
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
    pub cells: &'a [Cell<'a>],
}

/// Visitor called for each row with `(row, bytes_or_rows_done, total)`.
pub type RowVisitor<'v> = dyn FnMut(RawRow<'_>, u64, Option<u64>) -> Result<()> + 'v;

/// Where a cell's text lies in [`Rows::text`].
#[derive(Debug, Clone, Copy)]
struct Span(usize, usize);

/// A cell in [`Rows`].
#[derive(Debug, Clone, Copy)]
enum Slot {
    Empty,
    Text(Span),
    Number(f64),
    Date(Span),
    Error(Span),
    Uncomputed,
}

/// Rows read and not visited yet, a batch at a time: their text in one string, their cells in
/// one vector — no allocation per cell, and a batch moves between threads as a few buffers.
#[derive(Default)]
struct Rows {
    text: String,
    slots: Vec<Slot>,
    /// Per finished row: its number, the end of its cells in `slots`, done, total.
    ends: Vec<(u32, usize, u64, Option<u64>)>,
    /// The sheet row (0-based) whose cells are arriving.
    current: Option<u32>,
}

/// Rows per batch, and batches queued at most between the threads: what is in flight stays
/// small (a few thousand rows) however large the file.
const BATCH_ROWS: usize = 256;
const BATCHES_QUEUED: usize = 4;

impl Rows {
    fn put(&mut self, s: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(s);
        Span(start, self.text.len())
    }

    fn put_fmt(&mut self, args: std::fmt::Arguments<'_>) -> Span {
        let start = self.text.len();
        let _ = self.text.write_fmt(args);
        Span(start, self.text.len())
    }

    /// Set column `col` (0-based) of the row being built; the columns before it that have no
    /// value yet are empty.
    fn set(&mut self, col: usize, slot: Slot) {
        let at = self.ends.last().map_or(0, |e| e.1) + col;
        if self.slots.len() <= at {
            self.slots.resize(at + 1, Slot::Empty);
        }
        self.slots[at] = slot;
    }

    /// The row being built is complete.
    fn end_row(&mut self, number: u32, done: u64, total: Option<u64>) {
        self.ends.push((number, self.slots.len(), done, total));
    }

    /// Visit the complete rows in order, then empty the buffer (also on error).
    fn visit(&mut self, visit: &mut RowVisitor<'_>) -> Result<()> {
        let text = self.text.as_str();
        let cells: Vec<Cell<'_>> = self
            .slots
            .iter()
            .map(|s| match *s {
                Slot::Empty => Cell::Empty,
                Slot::Text(Span(a, b)) => Cell::Text(&text[a..b]),
                Slot::Number(n) => Cell::Number(n),
                Slot::Date(Span(a, b)) => Cell::Date(&text[a..b]),
                Slot::Error(Span(a, b)) => Cell::Error(&text[a..b]),
                Slot::Uncomputed => Cell::Uncomputed,
            })
            .collect();
        let mut start = 0;
        let mut result = Ok(());
        for &(number, end, done, total) in &self.ends {
            let row = RawRow {
                number,
                cells: &cells[start..end],
            };
            if let Err(e) = visit(row, done, total) {
                result = Err(e);
                break;
            }
            start = end;
        }
        drop(cells);
        self.text.clear();
        self.slots.clear();
        self.ends.clear();
        self.current = None;
        result
    }

    fn date_slot(&mut self, dt: &calamine::ExcelDateTime) -> Slot {
        if dt.is_duration() {
            return Slot::Number(dt.as_f64());
        }
        let (y, m, d, ..) = dt.to_ymd_hms_milli();
        match jiff::civil::Date::new(y as i16, m as i8, d as i8) {
            Ok(date) => Slot::Date(self.put_fmt(format_args!("{date}"))),
            Err(_) => Slot::Error(self.put_fmt(format_args!("date serial {}", dt.as_f64()))),
        }
    }

    /// ODS date cells arrive as ISO text (`1980-01-02T00:00:00`): keep the date part.
    fn iso_date_slot(&mut self, s: &str) -> Slot {
        match s
            .get(..10)
            .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        {
            Some(d) => Slot::Date(self.put_fmt(format_args!("{d}"))),
            None => Slot::Text(self.put(s)),
        }
    }

    fn slot_from_ref(&mut self, v: &DataRef<'_>) -> Slot {
        match v {
            DataRef::Empty => Slot::Empty,
            DataRef::String(s) | DataRef::DurationIso(s) => Slot::Text(self.put(s)),
            DataRef::SharedString(s) => Slot::Text(self.put(s)),
            DataRef::Int(i) => Slot::Number(*i as f64),
            DataRef::Float(f) => Slot::Number(*f),
            DataRef::Bool(b) => Slot::Text(self.put(if *b { "true" } else { "false" })),
            DataRef::DateTime(dt) => self.date_slot(dt),
            DataRef::DateTimeIso(s) => self.iso_date_slot(s),
            DataRef::Error(e) => Slot::Error(self.put_fmt(format_args!("{e}"))),
        }
    }

    fn slot_from_data(&mut self, v: &Data) -> Slot {
        match v {
            Data::Empty => Slot::Empty,
            Data::String(s) | Data::DurationIso(s) => Slot::Text(self.put(s)),
            Data::Int(i) => Slot::Number(*i as f64),
            Data::Float(f) => Slot::Number(*f),
            Data::Bool(b) => Slot::Text(self.put(if *b { "true" } else { "false" })),
            Data::DateTime(dt) => self.date_slot(dt),
            Data::DateTimeIso(s) => self.iso_date_slot(s),
            Data::Error(e) => Slot::Error(self.put_fmt(format_args!("{e}"))),
        }
    }
}

/// Where the readers put rows: a buffer, handed to `flush` each time it holds a batch.
struct Out<'o> {
    rows: &'o mut Rows,
    flush: &'o mut dyn FnMut(&mut Rows) -> Result<()>,
}

impl Out<'_> {
    fn end_row(&mut self, number: u32, done: u64, total: Option<u64>) -> Result<()> {
        self.rows.end_row(number, done, total);
        if self.rows.ends.len() >= BATCH_ROWS {
            (self.flush)(self.rows)?;
        }
        Ok(())
    }

    /// A spreadsheet cell is about to be set in sheet row `r` (0-based; cells arrive in
    /// row-major order): finish the previous row if this is a new one.
    fn sheet_row(&mut self, r: u32, total: Option<u64>) -> Result<()> {
        if self.rows.current != Some(r) {
            if let Some(prev) = self.rows.current.take() {
                self.end_row(prev + 1, u64::from(prev) + 1, total)?;
            }
            self.rows.current = Some(r);
        }
        Ok(())
    }

    /// The last row is complete: hand over what is left.
    fn finish(&mut self, total: Option<u64>) -> Result<()> {
        if let Some(prev) = self.rows.current.take() {
            self.rows.end_row(prev + 1, u64::from(prev) + 1, total);
        }
        if !self.rows.ends.is_empty() {
            (self.flush)(self.rows)?;
        }
        Ok(())
    }
}

/// Read every row of the file, calling `visit` in order. Returns what was read.
pub fn read_rows(
    path: &Path,
    sheet: Option<&str>,
    encoding: TextEncoding,
    visit: &mut RowVisitor<'_>,
) -> Result<SourceInfo> {
    let mut rows = Rows::default();
    let mut visit_error = None;
    let read = read_rows_into(path, sheet, encoding, &mut rows, &mut |rows| {
        rows.visit(visit).map_err(|e| {
            visit_error = Some(e);
            // Stops the reader; the visitor's own error is returned below.
            Error::Cancelled
        })
    });
    if let Some(e) = visit_error {
        return Err(e);
    }
    if read.is_err() {
        // The rows before a read error are visited, as they would have been one by one.
        rows.visit(visit)?;
    }
    read
}

/// [`read_rows`], with the file unzipped, parsed and decoded on a second thread while `visit`
/// runs on this one: an import costs about the larger of the two instead of their sum.
///
/// Nothing else changes: `visit` sees the same rows in the same order on the calling thread;
/// its error stops the reading and is returned; a read error is returned after `visit` has
/// seen every row before it (and returned its own error instead, if it had one).
pub fn read_rows_pipelined(
    path: &Path,
    sheet: Option<&str>,
    encoding: TextEncoding,
    visit: &mut RowVisitor<'_>,
) -> Result<SourceInfo> {
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Rows>(BATCHES_QUEUED);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Rows>();
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("register-reader".into())
            .spawn_scoped(scope, move || {
                let mut rows = Rows::default();
                let read = read_rows_into(path, sheet, encoding, &mut rows, &mut |rows| {
                    let next = empty_rx.try_recv().unwrap_or_default();
                    // Fails only once the visitor has stopped with an error of its own, which
                    // is the one returned.
                    full_tx
                        .send(std::mem::replace(rows, next))
                        .map_err(|_| Error::Cancelled)
                });
                if read.is_err() && !rows.ends.is_empty() {
                    let _ = full_tx.send(rows);
                }
                read
            });
        let reader = match reader {
            Ok(r) => r,
            // No thread to be had: read on this one.
            Err(_) => return read_rows(path, sheet, encoding, visit),
        };
        let mut visited = Ok(());
        for mut rows in full_rx.iter() {
            visited = rows.visit(visit);
            if visited.is_err() {
                break;
            }
            let _ = empty_tx.send(rows);
        }
        drop(full_rx);
        let read = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        visited?;
        read
    })
}

fn read_rows_into(
    path: &Path,
    sheet: Option<&str>,
    encoding: TextEncoding,
    rows: &mut Rows,
    flush: &mut dyn FnMut(&mut Rows) -> Result<()>,
) -> Result<SourceInfo> {
    let out = &mut Out { rows, flush };
    match text_kind(path) {
        (true, delimiter) => read_delimited(path, delimiter, encoding, out),
        (false, _) => parser_guard(path, || read_sheet(path, sheet, out)),
    }
}

/// Run the spreadsheet parser on a file from outside, turning a panic inside it into the
/// refusal of a damaged file. calamine trusts some numbers in the file (a cell reference of
/// absurd size overflowed its arithmetic in a fuzzing run): a hostile workbook must get a clear
/// message, not take the import — or the app — down with it.
fn parser_guard<T>(path: &Path, read: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(bad(
            path,
            "the spreadsheet is damaged: its contents cannot be read (the file may be cut short \
             or altered; save it again from the spreadsheet program)",
        ))
    })
}

/// Is this a text file (by its extension), and with which delimiter if the extension says?
fn text_kind(path: &Path) -> (bool, Option<u8>) {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => (true, None),
        "tsv" | "tab" => (true, Some(b'\t')),
        _ => (false, None),
    }
}

fn bad(path: &Path, reason: impl Into<String>) -> Error {
    Error::BadRegister {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Open a workbook, refusing what is not one with a message that says so.
fn open_book(path: &Path) -> Result<Sheets<BufReader<File>>> {
    if !path.is_file() {
        return Err(Error::io(
            "cannot read",
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        ));
    }
    open_workbook_auto(path).map_err(|e| {
        bad(
            path,
            format!(
                "not a readable spreadsheet (xlsx, xlsm, xls, xlsb, ods, csv or tsv expected): {e}"
            ),
        )
    })
}

/// The sheet to read: the one named, else the first visible one.
fn pick_sheet(book: &Sheets<BufReader<File>>, path: &Path, sheet: Option<&str>) -> Result<String> {
    let names = book.sheet_names();
    match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                bad(
                    path,
                    format!("no sheet named '{s}'; the sheets are: {}", names.join(", ")),
                )
            }),
        None => {
            let visible = book
                .sheets_metadata()
                .iter()
                .find(|m| m.visible == calamine::SheetVisible::Visible)
                .map(|m| m.name.clone());
            visible
                .or_else(|| names.first().cloned())
                .ok_or_else(|| bad(path, "the workbook has no sheets"))
        }
    }
}

fn book_format(book: &Sheets<BufReader<File>>) -> &'static str {
    match book {
        Sheets::Xlsx(_) => "xlsx",
        Sheets::Xlsb(_) => "xlsb",
        Sheets::Xls(_) => "xls",
        Sheets::Ods(_) => "ods",
    }
}

/// A register file as it looks before its rows are read: the format, every sheet (name and
/// whether it is visible), the sheet that would be read and, for a text file, the encoding.
#[derive(Debug, Clone, Default)]
pub struct Description {
    /// `xlsx`, `xls`, `xlsb`, `ods`, `csv` or `tsv`.
    pub format: String,
    /// The workbook's sheets and whether each is visible (none for a text file).
    pub sheets: Vec<(String, bool)>,
    /// The sheet that would be read.
    pub sheet: Option<String>,
    /// The encoding that would be used (text files).
    pub encoding: Option<String>,
}

/// Describe a register file the way [`read_rows`] would read it, without reading its rows.
pub fn describe(path: &Path, sheet: Option<&str>, encoding: TextEncoding) -> Result<Description> {
    let (text, delimiter) = text_kind(path);
    if text {
        let mut file = File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
        let head = read_head(path, &mut file)?;
        let t = sniff_text(path, &head, encoding, delimiter)?;
        return Ok(Description {
            format: t.format().into(),
            sheets: Vec::new(),
            sheet: None,
            encoding: Some(t.encoding_name().into()),
        });
    }
    parser_guard(path, || describe_book(path, sheet))
}

fn describe_book(path: &Path, sheet: Option<&str>) -> Result<Description> {
    let book = open_book(path)?;
    let name = pick_sheet(&book, path, sheet)?;
    Ok(Description {
        format: book_format(&book).into(),
        sheets: book
            .sheets_metadata()
            .iter()
            .map(|m| (m.name.clone(), m.visible == calamine::SheetVisible::Visible))
            .collect(),
        sheet: Some(name),
        encoding: None,
    })
}

/// No value, or the empty text some writers give a formula as its result.
fn is_blank(v: &DataRef<'_>) -> bool {
    match v {
        DataRef::Empty => true,
        DataRef::String(s) => s.is_empty(),
        DataRef::SharedString(s) => s.is_empty(),
        _ => false,
    }
}

fn read_sheet(path: &Path, sheet: Option<&str>, out: &mut Out<'_>) -> Result<SourceInfo> {
    let mut book = open_book(path)?;
    let name = pick_sheet(&book, path, sheet)?;
    let format = book_format(&book);
    let sheet_err =
        |e: &dyn std::fmt::Display| bad(path, format!("sheet '{name}' cannot be read: {e}"));
    // A cell with no value starts no row; the others land in the row they name.
    match &mut book {
        Sheets::Xlsx(x) => {
            let mut cells = x.worksheet_cells_reader(&name).map_err(|e| sheet_err(&e))?;
            let total = Some(u64::from(cells.dimensions().end.0) + 1);
            // With the formula, to tell a formula whose value was never computed from an empty
            // cell (shared formulas are not expanded: only whether there is one matters).
            while let Some(c) = cells
                .next_cell_with_formula_metadata()
                .map_err(|e| sheet_err(&e))?
            {
                let ((r, col), v) = (c.pos, &c.value);
                let uncomputed = c.formula.is_some() && is_blank(v);
                if uncomputed || !matches!(v, DataRef::Empty) {
                    // The row first: finishing the previous one may hand the batch over, which
                    // empties the text buffer the slot's text goes into.
                    out.sheet_row(r, total)?;
                    let slot = if uncomputed {
                        Slot::Uncomputed
                    } else {
                        out.rows.slot_from_ref(v)
                    };
                    out.rows.set(col as usize, slot);
                }
            }
            out.finish(total)?;
        }
        Sheets::Xlsb(x) => {
            let mut cells = x.worksheet_cells_reader(&name).map_err(|e| sheet_err(&e))?;
            let total = Some(u64::from(cells.dimensions().end.0) + 1);
            while let Some(c) = cells.next_cell().map_err(|e| sheet_err(&e))? {
                let ((r, col), v) = (c.get_position(), c.get_value());
                if !matches!(v, DataRef::Empty) {
                    out.sheet_row(r, total)?;
                    let slot = out.rows.slot_from_ref(v);
                    out.rows.set(col as usize, slot);
                }
            }
            out.finish(total)?;
        }
        other => {
            let range = other.worksheet_range(&name).map_err(|e| sheet_err(&e))?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let total = Some(u64::from(range.end().map_or(0, |e| e.0)) + 1);
            for (i, r) in range.rows().enumerate() {
                for (j, v) in r.iter().enumerate() {
                    if *v != Data::Empty {
                        out.sheet_row(r0 + i as u32, total)?;
                        let slot = out.rows.slot_from_data(v);
                        out.rows.set((c0 + j as u32) as usize, slot);
                    }
                }
            }
            out.finish(total)?;
        }
    }
    Ok(SourceInfo {
        format: format.into(),
        sheet: Some(name),
        encoding: None,
    })
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

impl<R> DecodingReader<R> {
    fn new(
        inner: R,
        enc: &'static encoding_rs::Encoding,
        bytes_read: std::rc::Rc<std::cell::Cell<u64>>,
        lines: std::rc::Rc<std::cell::RefCell<LineBreaks>>,
    ) -> Self {
        DecodingReader {
            inner,
            // BOM handling: encoding_rs strips a UTF-8 BOM with the BOM-sniffing decoder.
            decoder: enc.new_decoder_with_bom_removal(),
            inbuf: vec![0; 1 << 16],
            in_start: 0,
            in_end: 0,
            eof: false,
            out: Vec::new(),
            out_pos: 0,
            bytes_read,
            lines,
        }
    }
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
    out: &mut Out<'_>,
) -> Result<SourceInfo> {
    let mut file = File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
    let total = file.metadata().map(|m| m.len()).ok();
    let head = read_head(path, &mut file)?;
    let sniffed = sniff_text(path, &head, encoding, delimiter)?;
    let (enc, delimiter) = (sniffed.encoding, sniffed.delimiter);
    let bytes_read = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let lines = std::rc::Rc::new(std::cell::RefCell::new(LineBreaks::default()));
    let reader = DecodingReader::new(
        std::io::Cursor::new(head).chain(BufReader::with_capacity(1 << 16, file)),
        enc,
        bytes_read.clone(),
        lines.clone(),
    );
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(reader);
    let mut record = csv::StringRecord::new();
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
            return Err(not_decodable(path, line, &sniffed));
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        for field in &record {
            let slot = if field.is_empty() {
                Slot::Empty
            } else {
                Slot::Text(out.rows.put(field))
            };
            out.rows.slots.push(slot);
        }
        out.end_row(line, bytes_read.get(), total)?;
    }
    out.finish(total)?;
    Ok(SourceInfo {
        format: sniffed.format().into(),
        sheet: None,
        encoding: Some(sniffed.encoding_name().into()),
    })
}

/// A row holding bytes that the file's encoding cannot decode: say which encoding to try.
fn not_decodable(path: &Path, row: u32, sniffed: &TextKind) -> Error {
    bad(
        path,
        format!(
            "row {row}: characters that are not valid {}; {}",
            sniffed.bare_encoding_name(),
            if sniffed.encoding == encoding_rs::SHIFT_JIS {
                "if the file was saved as UTF-8, pass --encoding utf-8"
            } else {
                "if the file was saved by Japanese Excel (CSV, not CSV UTF-8), pass \
                 --encoding shift_jis"
            }
        ),
    )
}

/// The first 64 KiB of a text file, from which its encoding and delimiter are guessed.
fn read_head(path: &Path, file: &mut File) -> Result<Vec<u8>> {
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
    Ok(head)
}

/// How a text register is read: decided from its first bytes unless the caller says.
struct TextKind {
    encoding: &'static encoding_rs::Encoding,
    has_bom: bool,
    delimiter: u8,
}

impl TextKind {
    fn format(&self) -> &'static str {
        if self.delimiter == b'\t' {
            "tsv"
        } else {
            "csv"
        }
    }

    fn bare_encoding_name(&self) -> &'static str {
        if self.encoding == encoding_rs::UTF_8 {
            "utf-8"
        } else {
            "shift_jis"
        }
    }

    fn encoding_name(&self) -> &'static str {
        if self.has_bom {
            "utf-8 (BOM)"
        } else {
            self.bare_encoding_name()
        }
    }
}

fn sniff_text(
    path: &Path,
    head: &[u8],
    encoding: TextEncoding,
    delimiter: Option<u8>,
) -> Result<TextKind> {
    if head.contains(&0) {
        return Err(bad(path, "this is a binary file, not a CSV/TSV text file"));
    }
    let has_bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
    let encoding = match encoding {
        TextEncoding::Utf8 => encoding_rs::UTF_8,
        TextEncoding::ShiftJis => encoding_rs::SHIFT_JIS,
        TextEncoding::Auto if has_bom || looks_like_utf8(head) => encoding_rs::UTF_8,
        TextEncoding::Auto => encoding_rs::SHIFT_JIS,
    };
    let delimiter = delimiter.unwrap_or_else(|| {
        let first_line = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
        let tabs = first_line.iter().filter(|b| **b == b'\t').count();
        let commas = first_line.iter().filter(|b| **b == b',').count();
        if tabs > commas { b'\t' } else { b',' }
    });
    Ok(TextKind {
        encoding,
        has_bom,
        delimiter,
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
                Cell::Text(s) => s.to_string(),
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

    type Reader = fn(&Path, Option<&str>, TextEncoding, &mut RowVisitor<'_>) -> Result<SourceInfo>;

    /// Rows visited (number, cells as text) and the outcome, stopping with an error of the
    /// visitor's own at `stop_at`.
    fn visit_all(read: Reader, path: &Path, stop_at: Option<u32>) -> (Vec<(u32, String)>, String) {
        let mut seen = Vec::new();
        let outcome = read(path, None, TextEncoding::Utf8, &mut |row, done, _| {
            assert!(done > 0);
            if Some(row.number) == stop_at {
                return Err(Error::Cancelled);
            }
            seen.push((row.number, format!("{:?}", row.cells)));
            Ok(())
        });
        let outcome = match outcome {
            Ok(info) => format!("ok {}", info.format),
            Err(e) => format!("error {e}"),
        };
        (seen, outcome)
    }

    #[test]
    fn reading_on_a_second_thread_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        // 1,000 rows (several batches), a blank line, quoted line breaks, trailing empty cells.
        let mut text = String::from("顧客番号,氏名,備考\r\n");
        for i in 1..1000 {
            if i == 500 {
                text.push_str("\r\n");
            }
            text.push_str(&format!("C{i:04},山田　{i},\"a\r\nb\",,\r\n"));
        }
        let good = dir.path().join("good.csv");
        std::fs::write(&good, &text).unwrap();
        // The same with a byte that is not UTF-8 on line 700: a read error after 698 rows.
        let mut bytes = text.into_bytes();
        let at = bytes
            .windows(5)
            .position(|w| w == b"C0697")
            .expect("row present");
        bytes[at + 1] = 0xFF;
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, bytes).unwrap();

        for (path, stop_at) in [
            (&good, None),
            (&good, Some(300)),
            (&bad, None),
            (&bad, Some(300)),
            (&bad, Some(2000)),
        ] {
            let one_by_one = visit_all(read_rows, path, stop_at);
            let pipelined = visit_all(read_rows_pipelined, path, stop_at);
            assert_eq!(one_by_one, pipelined, "{path:?} stopping at {stop_at:?}");
            assert!(!one_by_one.0.is_empty());
        }
        let (rows, outcome) = visit_all(read_rows_pipelined, &good, None);
        assert_eq!((rows.len(), outcome.as_str()), (1000, "ok csv"));
        let (rows, outcome) = visit_all(read_rows_pipelined, &bad, None);
        assert!(outcome.contains("not valid utf-8"), "{outcome}");
        assert_eq!(rows.len(), 697, "every row before the bad one");
        // Records span two lines each: row 300 is the 150th after the header.
        let (rows, outcome) = visit_all(read_rows_pipelined, &good, Some(300));
        assert_eq!(rows.len(), 150);
        assert_eq!(outcome, format!("error {}", Error::Cancelled));
    }

    #[test]
    fn spreadsheet_rows_are_read_alike_on_either_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.xlsx");
        std::fs::write(&path, crate::ops::sample::REGISTER_XLSX).unwrap();
        let one_by_one = visit_all(read_rows, &path, None);
        assert_eq!(one_by_one.1, "ok xlsx");
        assert!(one_by_one.0.len() > 300);
        assert_eq!(one_by_one, visit_all(read_rows_pipelined, &path, None));
        assert_eq!(
            visit_all(read_rows, &path, Some(150)),
            visit_all(read_rows_pipelined, &path, Some(150))
        );
    }
}
