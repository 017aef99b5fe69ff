//! The import pipeline: rows → normalized customers → one store transaction → one ledger entry.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde::Serialize;
use ts_rs::TS;

use super::floor_plans::{self, FloorPlanIndex};
use super::headers::{
    ColumnMap, ColumnReport, ColumnRole, HEADER_SEARCH_ROWS, MapOverride, column_letter,
    header_text,
};
use super::normalize as norm;
use super::plan_files::PlanFiles;
use super::source::{Cell, RawRow, SourceInfo, TextEncoding, read_rows_pipelined};
use super::{Customer, FloorPlan, Problem, normalize_id};
use crate::progress::{Flow, Progress};
use crate::report::Lang;
use crate::store::{ColumnSet, EventDraft, ImportTx, Store, Upsert};
use crate::{DataDir, Error, Field, Result};

/// At most this many problems are listed (all are counted).
const MAX_PROBLEMS: usize = 1000;

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The sheet to read (default: the first visible one).
    pub sheet: Option<String>,
    /// CSV/TSV encoding.
    pub encoding: TextEncoding,
    /// Header overrides.
    pub mappings: Vec<MapOverride>,
    /// Folder of floor plans named by customer number.
    pub floor_plans_dir: Option<PathBuf>,
    /// Check and count, change nothing.
    pub dry_run: bool,
    /// Import the valid rows even if some are invalid.
    pub skip_invalid: bool,
}

/// One invalid row (or cell), located the way a person finds it in Excel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RowProblem {
    /// The sheet (spreadsheets only).
    pub sheet: Option<String>,
    /// 1-based row number.
    pub row: u32,
    /// Column letter, when one cell is at fault.
    pub column: Option<String>,
    /// That column's header.
    pub header: Option<String>,
    /// What is wrong, as a code with its parameters.
    pub problem: Problem,
    /// What is wrong, in English.
    pub message: String,
    /// What is wrong, in Japanese.
    pub message_ja: String,
}

impl RowProblem {
    /// Where and what, in `lang` (the English form is the `Display` one).
    pub fn located(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Ja => {
                let mut out = String::new();
                if let Some(s) = &self.sheet {
                    out.push_str(&format!("シート「{s}」、"));
                }
                out.push_str(&format!("{} 行目", self.row));
                if let Some(c) = &self.column {
                    out.push_str(&format!("、{c} 列"));
                    if let Some(h) = &self.header {
                        out.push_str(&format!("（{h}）"));
                    }
                }
                out.push_str(&format!(": {}", self.message_ja));
                out
            }
        }
    }
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(s) = &self.sheet {
            write!(f, "sheet '{s}', ")?;
        }
        write!(f, "row {}", self.row)?;
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
            if let Some(h) = &self.header {
                write!(f, " ({h})")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportReport {
    /// The file's name.
    pub file: String,
    /// `xlsx`, `xls`, `xlsb`, `ods`, `csv`, `tsv`.
    pub format: String,
    /// The sheet read.
    pub sheet: Option<String>,
    /// The text encoding (CSV/TSV).
    pub encoding: Option<String>,
    /// The row holding the headers.
    pub header_row: u32,
    /// Every column and what was done with it.
    pub columns: Vec<ColumnReport>,
    /// Data rows read.
    pub rows: usize,
    /// New customers.
    pub added: usize,
    /// Customers whose data changed.
    pub updated: usize,
    /// Customers already stored exactly so.
    pub unchanged: usize,
    /// Rows rejected (skipped with --skip-invalid).
    pub rejected: usize,
    /// Rows of customers whose contract ended longer ago than the policy keeps customer data
    /// (`customer_retention_years`): not stored, so that a purge is not undone by the next
    /// import of a register that still lists them (R9).
    pub past_retention: usize,
    /// Problems found (at most 1000 listed).
    pub problems: Vec<RowProblem>,
    /// Payment columns recognized and dropped (never stored).
    pub dropped_payment_columns: Vec<String>,
    /// Columns not recognized (ignored).
    pub unknown_columns: Vec<String>,
    /// Floor plans attached.
    pub floor_plans: usize,
    /// Nothing was changed (dry run).
    pub dry_run: bool,
    /// The ledger entry that records the import.
    #[ts(type = "number | null")]
    pub ledger_seq: Option<u64>,
}

struct State<'a> {
    /// Shared, so that each row can hold it while recording problems.
    map: Option<Rc<ColumnMap>>,
    header_row: u32,
    first_row_headers: Vec<String>,
    columns: ColumnSet,
    sheet: Option<String>,
    seen: HashMap<String, u32>,
    problems: Vec<RowProblem>,
    problem_count: usize,
    rejected: usize,
    past_retention: usize,
    /// Customers whose contract ended before this day are past retention (ISO date).
    retention_cutoff: Option<String>,
    rows: usize,
    added: Vec<String>,
    updated: Vec<String>,
    unchanged: usize,
    floor_plans: usize,
    new_files: Vec<PathBuf>,
    /// The store keeps floor plans itself (a shared store): they are inspected, not copied
    /// into this PC's data folder, and handed to the import's transaction.
    plans_in_store: bool,
    /// The plan of the customer just read, for the store to take (with its source file).
    plan_for_store: Option<(FloorPlan, PathBuf)>,
    index: FloorPlanIndex,
    register_dir: PathBuf,
    plans: PlanFiles,
    opts: &'a ImportOptions,
    now: &'a str,
}

impl State<'_> {
    fn problem(&mut self, row: u32, col: Option<usize>, problem: Problem) {
        self.problem_count += 1;
        if self.problems.len() < MAX_PROBLEMS {
            let header = col.and_then(|c| self.map.as_ref().map(|m| m.headers[c].clone()));
            self.problems.push(RowProblem {
                sheet: self.sheet.clone(),
                row,
                column: col.map(column_letter),
                header,
                message: problem.text(Lang::En),
                message_ja: problem.text(Lang::Ja),
                problem,
            });
        }
    }

    /// Turn a row into a customer, recording every problem; `None` if the row is invalid.
    fn customer(&mut self, row: &RawRow<'_>) -> Option<Customer> {
        let map = self.map.clone()?;
        let mut c = Customer::default();
        let (ok, plan_name) = self.read_cells(row, &map, &mut c);
        if c.customer_id.is_empty() {
            return None;
        }
        if let Some(first) = self.seen.get(&c.customer_id).copied() {
            let col = map.column_of(Field::CustomerId);
            self.problem(
                row.number,
                col,
                Problem::DuplicateId {
                    id: c.customer_id.clone(),
                    first_row: first,
                },
            );
            return None;
        }
        self.seen.insert(c.customer_id.clone(), row.number);
        if !ok {
            return None;
        }
        // Before its floor plan is stored: nothing of a customer past retention is kept.
        if let (Some(cut), Some(ended)) = (&self.retention_cutoff, &c.contract_ended)
            && ended < cut
        {
            self.past_retention += 1;
            return None;
        }
        self.attach_plan(row.number, &map, &mut c, plan_name)?;
        Some(c)
    }

    /// Read every mapped cell of a row into `c`. Returns whether all were valid, and the
    /// floor-plan file the row names, if any.
    fn read_cells(
        &mut self,
        row: &RawRow<'_>,
        map: &ColumnMap,
        c: &mut Customer,
    ) -> (bool, Option<String>) {
        let mut ok = true;
        let mut plan_name = None;
        for (i, role) in map.roles.iter().enumerate() {
            let cell = row.cells.get(i).unwrap_or(&Cell::Empty);
            match *role {
                ColumnRole::ContractEnded => match contract_ended(cell) {
                    Ok(v) => c.contract_ended = v,
                    Err(e) => {
                        self.problem(row.number, Some(i), e);
                        ok = false;
                    }
                },
                ColumnRole::Field(Field::FloorPlan)
                    if !matches!(cell, Cell::Error(_) | Cell::Uncomputed) =>
                {
                    plan_name = norm::clean(&cell_text(cell));
                }
                ColumnRole::Field(field) => {
                    ok &= self.read_field(row.number, i, field, cell, c);
                }
                _ => {}
            }
        }
        (ok, plan_name)
    }

    /// Read one field's cell into `c`, recording a problem if it is invalid.
    fn read_field(
        &mut self,
        row: u32,
        i: usize,
        field: Field,
        cell: &Cell<'_>,
        c: &mut Customer,
    ) -> bool {
        if let Some(why) = no_value(cell) {
            self.problem(row, Some(i), why);
            return false;
        }
        let text = cell_text(cell);
        if field == Field::CustomerId {
            return match normalize_id(&text) {
                Ok(id) => {
                    c.customer_id = id;
                    true
                }
                Err(e) => {
                    self.problem(row, Some(i), e);
                    false
                }
            };
        }
        let v = match normalized(field, cell, &text) {
            Ok(v) => v,
            Err(e) => {
                self.problem(row, Some(i), e);
                return false;
            }
        };
        let control = v.as_deref().and_then(|t| {
            t.chars()
                .find(|&ch| ch != '\r' && crate::text::is_control(ch))
        });
        if let Some(ch) = control {
            // A terminal or a viewer would act on it (ESC, OSC 52, C1, bidi).
            let code_point = format!("U+{:04X}", ch as u32);
            self.problem(row, Some(i), Problem::ControlCharacter { code_point });
            return false;
        }
        if v.as_deref().is_some_and(norm::contains_card_number) {
            self.problem(row, Some(i), Problem::CardNumber);
            return false;
        }
        if let Some(slot) = c.text_slot(field) {
            *slot = v;
        }
        true
    }

    /// Store (or, in a dry run, inspect) the floor plan the row names, or the one found for the
    /// customer in the floor-plan folder. `None` (with a problem recorded) if it cannot be.
    fn attach_plan(
        &mut self,
        row: u32,
        map: &ColumnMap,
        c: &mut Customer,
        plan_name: Option<String>,
    ) -> Option<()> {
        let plan_path = match plan_name {
            Some(n) => Some(self.index.resolve(&n, &self.register_dir)),
            None => self
                .index
                .for_customer(&c.customer_id)
                .map(Path::to_path_buf),
        };
        let Some(p) = plan_path else { return Some(()) };
        let res = if self.opts.dry_run || self.plans_in_store {
            floor_plans::inspect(&p).map(|f| (f, false))
        } else {
            self.plans.store(&p)
        };
        match res {
            Ok((plan, new)) => {
                if new {
                    self.new_files.push(self.plans.new_path(&plan));
                }
                if self.plans_in_store && !self.opts.dry_run {
                    self.plan_for_store = Some((plan.clone(), p));
                }
                c.floor_plan = Some(plan);
                self.floor_plans += 1;
                Some(())
            }
            Err(e) => {
                self.problem(row, map.column_of(Field::FloorPlan), e);
                None
            }
        }
    }
}

/// The contract-end date, read like a birth date (和暦, Excel serials, 2020/3/31…); kept for
/// retention.
fn contract_ended(cell: &Cell<'_>) -> std::result::Result<Option<String>, Problem> {
    match cell {
        Cell::Date(d) => Ok(Some((*d).to_string())),
        Cell::Number(n) => norm::date_from_serial(*n),
        Cell::Text(s) => norm::date(s),
        Cell::Error(_) | Cell::Uncomputed => Err(no_value(cell).unwrap_or(Problem::Uncomputed)),
        Cell::Empty => Ok(None),
    }
}

/// Why a formula cell gives no value to import, if it does not: it holds an error, or its
/// value was never computed.
fn no_value(cell: &Cell<'_>) -> Option<Problem> {
    match cell {
        Cell::Error(e) => Some(Problem::ErrorCell {
            error: (*e).to_string(),
        }),
        Cell::Uncomputed => Some(Problem::Uncomputed),
        _ => None,
    }
}

/// A cell's text: whole numbers without a decimal point, text trimmed (what `header_text`
/// gives, without copying).
fn cell_text<'a>(cell: &Cell<'a>) -> Cow<'a, str> {
    match cell {
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Cow::Owned(format!("{n:.0}")),
        Cell::Text(s) | Cell::Date(s) | Cell::Error(s) => Cow::Borrowed(s.trim()),
        other => Cow::Owned(header_text(other)),
    }
}

/// A text field's value in its normal form (numbers as Excel stores phones and postal codes,
/// date cells as dates).
fn normalized(
    field: Field,
    cell: &Cell<'_>,
    text: &str,
) -> std::result::Result<Option<String>, Problem> {
    match field {
        Field::NameKana => Ok(norm::kana(text)),
        Field::PostalCode => match cell {
            Cell::Number(n) => norm::postal_code_from_number(*n),
            _ => norm::postal_code(text),
        },
        Field::Phone => match cell {
            Cell::Number(n) => norm::phone_from_number(*n),
            _ => norm::phone(text),
        },
        Field::Email => norm::email(text),
        Field::BirthDate => match cell {
            Cell::Date(d) => Ok(Some((*d).to_string())),
            Cell::Number(n) => norm::date_from_serial(*n),
            _ => norm::date(text),
        },
        Field::Address => Ok(norm::clean(&norm::nfkc(text))),
        _ => Ok(norm::clean(text)),
    }
}

/// Import a register file into the store; see [`ImportOptions`].
///
/// On any failure — an invalid row without `skip_invalid`, an unreadable file, cancellation —
/// the store and the floor-plan folder are exactly as before. Floor plans are stored encrypted
/// with `data_key` when the office has one ([`PlanFiles`]).
#[allow(clippy::too_many_arguments)]
pub fn import_register(
    store: &mut dyn Store,
    dir: &DataDir,
    data_key: Option<&crate::vault::DataKey>,
    path: &Path,
    opts: &ImportOptions,
    actor: &str,
    now: &str,
    progress: &mut dyn Progress,
) -> Result<ImportReport> {
    let index = match &opts.floor_plans_dir {
        Some(d) => FloorPlanIndex::scan(d)?,
        None => FloorPlanIndex::default(),
    };
    crate::fsutil::create_private_dir(&dir.floor_plans_dir())?;
    let policy = crate::Policy::of_office(&*store, dir)?;
    let retention_cutoff = match crate::retention::local_day(now) {
        Some(today) => Some(crate::retention::customer_cutoff(&policy, today)?.to_string()),
        None => None,
    };
    let mut st = State {
        map: None,
        header_row: 0,
        first_row_headers: Vec::new(),
        columns: ColumnSet::default(),
        sheet: None,
        seen: HashMap::new(),
        problems: Vec::new(),
        problem_count: 0,
        rejected: 0,
        past_retention: 0,
        retention_cutoff,
        rows: 0,
        added: Vec::new(),
        updated: Vec::new(),
        unchanged: 0,
        floor_plans: 0,
        new_files: Vec::new(),
        plans_in_store: false,
        plan_for_store: None,
        index,
        register_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        plans: PlanFiles::new(dir, data_key),
        opts,
        now,
    };
    let result = run(store, path, opts, actor, progress, &mut st);
    if result.as_ref().map_or(true, |r| r.ledger_seq.is_none()) {
        for f in &st.new_files {
            let _ = std::fs::remove_file(f);
        }
    }
    result
}

fn run(
    store: &mut dyn Store,
    path: &Path,
    opts: &ImportOptions,
    actor: &str,
    progress: &mut dyn Progress,
    st: &mut State<'_>,
) -> Result<ImportReport> {
    let mut tx = store.begin_import()?;
    st.plans_in_store = tx.keeps_floor_plans();
    let mut last_report = 0usize;
    let mut visit = |row: RawRow<'_>, done: u64, total: Option<u64>| -> Result<()> {
        if st.map.is_none() {
            return st.look_for_header(&row, path, opts);
        }
        st.take_row(&row, tx.as_mut(), opts)?;
        if st.rows - last_report >= 500 {
            last_report = st.rows;
            if progress.update(done, total) == Flow::Cancel {
                return Err(Error::Cancelled);
            }
        }
        Ok(())
    };
    let info = read_rows_pipelined(path, opts.sheet.as_deref(), opts.encoding, &mut visit)?;
    // Every row is in: free the id of each before the ledger entry is built.
    st.seen = HashMap::new();
    st.sheet = info.sheet.clone();
    let Some(map) = st.map.clone() else {
        return Err(no_header(path, &st.first_row_headers));
    };
    if st.rows == 0 {
        return Err(Error::BadRegister {
            path: path.to_path_buf(),
            reason: format!("no customer rows below the header row ({})", st.header_row),
        });
    }
    // Problems carry the sheet name, which is only known once the reader has opened it.
    for p in &mut st.problems {
        p.sheet.clone_from(&st.sheet);
    }
    if st.problem_count > 0 && !opts.skip_invalid {
        return Err(Error::RegisterRejected {
            path: path.to_path_buf(),
            count: st.rejected,
            problems: std::mem::take(&mut st.problems),
        });
    }
    progress.update(st.rows as u64, Some(st.rows as u64));
    let mut report = st.report(path, &info, &map);
    if opts.dry_run {
        return Ok(report);
    }
    let payload = serde_json::json!({
        "file": report.file,
        "sha256": crate::fsutil::sha256_file(path)?,
        "format": info.format,
        "sheet": info.sheet,
        "rows": report.rows,
        "added": st.added,
        "updated": st.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "pastRetention": report.past_retention,
        "floorPlans": report.floor_plans,
        "droppedPaymentColumns": report.dropped_payment_columns,
    });
    let mut customers = std::mem::take(&mut st.added);
    customers.append(&mut st.updated);
    let entry = tx.commit(EventDraft {
        at: st.now.to_string(),
        kind: "register.imported".into(),
        actor: actor.to_string(),
        payload,
        customers,
    })?;
    report.ledger_seq = Some(entry.seq);
    Ok(report)
}

impl State<'_> {
    /// A row above the header: the header if it names the columns, else remembered (the first
    /// one) to say what the file starts with.
    fn look_for_header(
        &mut self,
        row: &RawRow<'_>,
        path: &Path,
        opts: &ImportOptions,
    ) -> Result<()> {
        if self.first_row_headers.is_empty() {
            self.first_row_headers = row
                .cells
                .iter()
                .map(header_text)
                .filter(|h| !h.is_empty())
                .collect();
        }
        if row.number > HEADER_SEARCH_ROWS {
            return Err(no_header(path, &self.first_row_headers));
        }
        if let Some(m) = ColumnMap::try_from_row(row.cells, &opts.mappings) {
            m.check_overrides(&opts.mappings)?;
            for r in &m.roles {
                match r {
                    ColumnRole::Field(f) => self.columns.insert(*f),
                    ColumnRole::ContractEnded => self.columns.insert_contract_ended(),
                    _ => {}
                }
            }
            self.header_row = row.number;
            self.map = Some(Rc::new(m));
        }
        Ok(())
    }

    /// A customer row: stored if valid (while no problem was found, or with `skip_invalid`),
    /// counted as rejected if not.
    fn take_row(
        &mut self,
        row: &RawRow<'_>,
        tx: &mut dyn ImportTx,
        opts: &ImportOptions,
    ) -> Result<()> {
        self.rows += 1;
        let before = self.problem_count;
        let past = self.past_retention;
        self.plan_for_store = None;
        match self.customer(row) {
            Some(c) if self.problem_count == 0 || opts.skip_invalid => {
                if let Some((plan, file)) = self.plan_for_store.take() {
                    tx.put_floor_plan(&plan, &file)?;
                }
                match tx.upsert(&c, self.columns, self.now)? {
                    Upsert::Added => self.added.push(c.customer_id),
                    Upsert::Updated => self.updated.push(c.customer_id),
                    Upsert::Unchanged => self.unchanged += 1,
                }
            }
            Some(_) => {}
            None if self.past_retention > past => {}
            None => {
                if self.problem_count == before {
                    // A row with no customer number at all.
                    let col = self
                        .map
                        .as_ref()
                        .and_then(|m| m.column_of(Field::CustomerId));
                    self.problem(row.number, col, Problem::MissingId);
                }
                self.rejected += 1;
            }
        }
        Ok(())
    }

    /// What the import did (before it is recorded: no ledger entry yet).
    fn report(&mut self, path: &Path, info: &SourceInfo, map: &ColumnMap) -> ImportReport {
        let columns = map.report();
        let headers_of = |role: &str| -> Vec<String> {
            columns
                .iter()
                .filter(|c| c.role == role)
                .map(|c| c.header.clone())
                .collect()
        };
        let dropped = headers_of("payment_dropped");
        let unknown = headers_of("unknown");
        ImportReport {
            file: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            format: info.format.clone(),
            sheet: info.sheet.clone(),
            encoding: info.encoding.clone(),
            header_row: self.header_row,
            columns,
            rows: self.rows,
            added: self.added.len(),
            updated: self.updated.len(),
            unchanged: self.unchanged,
            rejected: self.rejected,
            past_retention: self.past_retention,
            problems: std::mem::take(&mut self.problems),
            dropped_payment_columns: dropped,
            unknown_columns: unknown,
            floor_plans: self.floor_plans,
            dry_run: self.opts.dry_run,
            ledger_seq: None,
        }
    }
}

fn no_header(path: &Path, first: &[String]) -> Error {
    Error::BadRegister {
        path: path.to_path_buf(),
        reason: format!(
            "no header row naming 顧客番号 (customer number) and another known column in the first \
             {HEADER_SEARCH_ROWS} rows{}; name the columns with --map HEADER=FIELD",
            if first.is_empty() {
                String::new()
            } else {
                format!(" (the first row has: {})", first.join(", "))
            }
        ),
    }
}
