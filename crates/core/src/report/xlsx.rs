//! XLSX workbooks (rust_xlsxwriter): one sheet per table, bold headers, frozen header row, an
//! autofilter, column widths for Japanese text. Every value is written as a string or a
//! number, never as a formula, whatever it looks like.

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, XlsxError};

use super::Lang;
use super::table::{Cell, Table};
use crate::{Error, Result};

fn err(e: XlsxError) -> Error {
    Error::io(
        "cannot build",
        "the XLSX workbook",
        std::io::Error::other(e.to_string()),
    )
}

/// The workbook's bytes.
pub(crate) fn workbook(tables: &[Table], lang: Lang) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x00DD_EBF7))
        .set_border(FormatBorder::Thin);
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.name(lang)).map_err(err)?;
        for (c, column) in t.columns.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, column.header(lang), &header)
                .map_err(err)?;
            ws.set_column_width(c, column.width).map_err(err)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, c, s.as_str()).map_err(err)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c, *n).map_err(err)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(err)?;
        if !t.columns.is_empty() {
            ws.autofilter(0, 0, t.rows.len() as u32, t.columns.len() as u16 - 1)
                .map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}
