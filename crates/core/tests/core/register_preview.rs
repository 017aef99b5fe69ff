//! The import dialog's preview: sheets, the header row found by the importer's own detection,
//! each column's mapping (overrides applied), the first rows with payment columns blanked, and
//! a file without a recognizable header offered for mapping by hand. What the preview says the
//! import will do, the import then does.

use std::path::Path;

use handover_core::Field;
use handover_core::ops;
use handover_core::register::{ImportOptions, MapOverride, RegisterPreview, TextEncoding};

use crate::support::{TestOffice, register};

fn preview(
    path: &Path,
    sheet: Option<&str>,
    maps: &[&str],
) -> handover_core::Result<RegisterPreview> {
    let maps: Vec<MapOverride> = maps.iter().map(|m| m.parse().unwrap()).collect();
    ops::register_preview(path, sheet, TextEncoding::Auto, &maps, 20)
}

fn roles(p: &RegisterPreview) -> Vec<(String, Option<Field>, String)> {
    p.columns
        .iter()
        .map(|c| (c.header.clone(), c.field, c.role.clone()))
        .collect()
}

#[test]
fn a_workbook_with_a_title_row_shows_its_header_row_and_first_rows() {
    let p = preview(&register("basic.xlsx"), None, &[]).unwrap();
    assert_eq!(p.file, "basic.xlsx");
    assert_eq!(p.format, "xlsx");
    assert_eq!(p.sheet.as_deref(), Some("顧客"));
    assert_eq!(p.header_row, Some(2), "below the title row");
    assert_eq!(p.shown_header_row, Some(2));
    assert_eq!(p.columns[0].column, "A");
    assert_eq!(p.columns[0].field, Some(Field::CustomerId));
    assert_eq!(p.rows.len(), 5);
    assert_eq!(p.rows[0].row, 3);
    assert_eq!(p.rows[0].cells[0], "T001");
    assert_eq!(p.rows[1].cells[1], "見本 花子");
    // The card column is recognized, named as dropped, and its cells never leave the core.
    let card = p
        .columns
        .iter()
        .position(|c| c.role == "payment_dropped")
        .unwrap();
    assert_eq!(p.columns[card].field, Some(Field::CardNumber));
    assert_eq!(p.payment_headers, [p.columns[card].header.clone()]);
    assert!(p.rows.iter().all(|r| r.cells[card].is_empty()));
    let text = serde_json::to_string(&p).unwrap();
    for card in ["4111111111111111", "5555555555554444", "3530111333300000"] {
        assert!(!text.contains(card), "card number {card} in the preview");
    }
    assert!(!p.mappable.contains(&Field::CardNumber));
    assert!(!p.mappable.contains(&Field::BankAccount));
    assert!(p.mappable.contains(&Field::Notes));
}

#[test]
fn every_sheet_is_listed_and_another_can_be_previewed() {
    let p = preview(&register("basic.xlsb"), None, &[]).unwrap();
    let names: Vec<&str> = p.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["顧客", "メモ"]);
    assert_eq!(p.sheet.as_deref(), Some("顧客"));
    assert_eq!(p.header_row, Some(1));
    // The note sheet has no header row: offered for mapping, and the import would refuse it.
    let memo = preview(&register("basic.xlsb"), Some("メモ"), &[]).unwrap();
    assert_eq!(memo.sheet.as_deref(), Some("メモ"));
    assert_eq!(memo.header_row, None);
    assert!(memo.shown_header_row.is_some());
    let e = preview(&register("basic.xlsb"), Some("ない"), &[]).unwrap_err();
    assert_eq!(e.code(), "bad_register");
    assert!(e.to_string().contains("顧客, メモ"), "{e}");
}

#[test]
fn text_files_report_their_encoding_and_unknown_and_payment_headers() {
    let p = preview(&register("basic_sjis.csv"), None, &[]).unwrap();
    assert_eq!(
        (p.format.as_str(), p.encoding.as_deref()),
        ("csv", Some("shift_jis"))
    );
    assert!(p.sheets.is_empty());
    assert_eq!(p.rows[0].cells[1], "試験　太郎");
    let p = preview(&register("basic_utf8_bom.csv"), None, &[]).unwrap();
    assert_eq!(p.encoding.as_deref(), Some("utf-8 (BOM)"));

    let p = preview(&register("variant_headers.csv"), None, &[]).unwrap();
    assert_eq!(p.unknown_headers, ["担当者"]);
    assert_eq!(p.payment_headers, ["口座番号"]);
    let r = roles(&p);
    assert_eq!(
        r[0],
        ("お客様番号".into(), Some(Field::CustomerId), "field".into())
    );
    assert_eq!(r[8], ("担当者".into(), None, "unknown".into()));
    assert!(
        p.rows.iter().all(|row| row.cells[9].is_empty()),
        "bank column blanked"
    );
    assert!(!serde_json::to_string(&p).unwrap().contains("0000101"));
}

#[test]
fn overrides_change_the_mapping_as_the_import_applies_them() {
    let path = register("variant_headers.csv");
    let p = preview(&path, None, &["担当者=notes", "TEL=ignore"]).unwrap();
    let r = roles(&p);
    assert_eq!(r[8], ("担当者".into(), Some(Field::Notes), "field".into()));
    assert!(p.columns[8].overridden);
    assert_eq!(p.columns[8].detected, None);
    assert_eq!(r[5], ("TEL".into(), None, "unknown".into()));
    assert_eq!(p.columns[5].detected, Some(Field::Phone));
    assert!(p.unknown_headers.contains(&"TEL".to_string()));

    // The import with the same overrides stores exactly that.
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        mappings: ["担当者=notes", "TEL=ignore"]
            .iter()
            .map(|m| m.parse().unwrap())
            .collect(),
        ..Default::default()
    };
    let report = t.import(&path, &opts).unwrap();
    assert_eq!(report.header_row, p.header_row.unwrap());
    let c = t.customer("T001");
    assert_eq!(c.notes.as_deref(), Some("見本係"));
    assert_eq!(c.phone, None);
    for (col, pc) in report.columns.iter().zip(&p.columns) {
        assert_eq!(
            (col.field, &col.role),
            (pc.field, &pc.role),
            "{}",
            col.header
        );
    }

    // A payment column cannot be mapped into storage; a header that is not there is named.
    let e = preview(&path, None, &["口座番号=notes"]).unwrap_err();
    assert!(e.to_string().contains("payment data"), "{e}");
    let e = preview(&path, None, &["担当=notes"]).unwrap_err();
    assert!(e.to_string().contains("no column headed '担当'"), "{e}");
}

#[test]
fn a_file_without_a_known_header_is_offered_for_mapping_by_hand() {
    let t = TestOffice::new();
    let path = t.scratch().join("members.csv");
    std::fs::write(
        &path,
        "会員一覧\n会員コード,お名前,ご住所,連絡先\nM-1,架空 一,架空市1-1,03-0000-0001\nM-2,架空 二,架空市1-2,03-0000-0002\n",
    )
    .unwrap();
    let p = preview(&path, None, &[]).unwrap();
    assert_eq!(p.header_row, None);
    assert_eq!(
        p.shown_header_row,
        Some(2),
        "the fullest row, not the title"
    );
    assert_eq!(p.unknown_headers, ["会員コード"]);
    assert_eq!(
        p.columns[3].field,
        Some(Field::Phone),
        "連絡先 is a phone alias"
    );
    assert_eq!(p.rows.len(), 2);
    assert_eq!(
        p.rows[0].cells,
        ["M-1", "架空 一", "架空市1-1", "03-0000-0001"]
    );
    // The import refuses it as it is…
    let mut t = t;
    assert_eq!(
        t.import(&path, &ImportOptions::default())
            .unwrap_err()
            .code(),
        "bad_register"
    );
    // …and with the mapping the preview now finds the header, and the import works.
    let maps = ["会員コード=customer_id"];
    let p = preview(&path, None, &maps).unwrap();
    assert_eq!(p.header_row, Some(2));
    let opts = ImportOptions {
        mappings: maps.iter().map(|m| m.parse().unwrap()).collect(),
        ..Default::default()
    };
    assert_eq!(t.import(&path, &opts).unwrap().added, 2);
    assert_eq!(t.customer("M-2").phone.as_deref(), Some("03-0000-0002"));
}

#[test]
fn only_the_first_rows_are_read() {
    let t = TestOffice::new();
    let path = t.scratch().join("big.csv");
    let mut text = String::from("顧客番号,氏名,電話番号\n");
    for i in 0..50_000 {
        text.push_str(&format!("C{i:06},架空 {i},03-0000-0000\n"));
    }
    let mut bytes = text.into_bytes();
    // A byte that is not UTF-8 far below: the import would stop there, the preview never gets
    // that far.
    bytes.extend_from_slice(b"C999999,\xff\xfe,03\n");
    std::fs::write(&path, &bytes).unwrap();
    let maps: Vec<MapOverride> = Vec::new();
    let p = ops::register_preview(&path, None, TextEncoding::Utf8, &maps, 5).unwrap();
    assert_eq!(p.rows.len(), 5);
    assert_eq!(p.rows[4].cells[0], "C000004");
    let p = ops::register_preview(&path, None, TextEncoding::Utf8, &maps, 10_000).unwrap();
    assert_eq!(p.rows.len(), handover_core::register::MAX_PREVIEW_ROWS);
    let mut t = t;
    let e = t
        .import(
            &path,
            &ImportOptions {
                encoding: TextEncoding::Utf8,
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("not valid utf-8"), "{e}");
}

#[test]
fn unreadable_files_are_refused_as_the_import_refuses_them() {
    for f in ["not_a_spreadsheet.xlsx", "corrupt.xlsx"] {
        let e = preview(&register(f), None, &[]).unwrap_err();
        assert_eq!(e.code(), "bad_register", "{f}: {e}");
    }
    let e = preview(&register("nope.xlsx"), None, &[]).unwrap_err();
    assert_eq!(e.code(), "io");
    let t = TestOffice::new();
    let empty = t.scratch().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let e = preview(&empty, None, &[]).unwrap_err();
    assert!(e.to_string().contains("no rows"), "{e}");
}
