//! CSV that Japanese Excel opens as it is: UTF-8 with a byte-order mark (without it Excel reads
//! Shift_JIS and garbles every Japanese character), CRLF line ends, headers in the chosen
//! language.
//!
//! A cell that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) is prefixed with `'`: Excel
//! would otherwise run a register value such as `=HYPERLINK(…)` as a formula (CSV injection).

use super::Lang;
use super::table::{Cell, Table};
use crate::{Error, Result};

/// The UTF-8 byte-order mark.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell as CSV text, defused if Excel would read it as a formula.
pub(crate) fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => {
            if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{s}")
            } else {
                s.clone()
            }
        }
        Cell::Number(n) => format!("{n}"),
        Cell::Empty => String::new(),
    }
}

/// One table as CSV bytes.
pub(crate) fn write(t: &Table, lang: Lang) -> Result<Vec<u8>> {
    let err = |e: csv::Error| internal(e.to_string());
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    w.write_record(t.columns.iter().map(|c| c.header(lang)))
        .map_err(err)?;
    for row in &t.rows {
        w.write_record(row.iter().map(cell_text)).map_err(err)?;
    }
    w.into_inner().map_err(|e| internal(e.to_string()))
}

fn internal(what: String) -> Error {
    crate::refusal::Refusal::Internal {
        what: format!("csv: {what}"),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_defused_and_numbers_are_plain() {
        assert_eq!(cell_text(&Cell::text("=1+2")), "'=1+2");
        assert_eq!(cell_text(&Cell::text("@SUM(A1)")), "'@SUM(A1)");
        assert_eq!(cell_text(&Cell::text("-3")), "'-3");
        assert_eq!(cell_text(&Cell::text("03-0000-1111")), "03-0000-1111");
        assert_eq!(cell_text(&Cell::Number(12.0)), "12");
        assert_eq!(cell_text(&Cell::Empty), "");
    }
}
