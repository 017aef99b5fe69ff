//! Register import: every format, header variants, invalid rows, upserts, floor plans, broken
//! files, and the rule that payment data is never stored.

use std::path::Path;

use handover_core::register::{ImportOptions, ImportReport, MapOverride, Problem, TextEncoding};
use handover_core::report::Lang;
use handover_core::{Error, Field};

use crate::support::{self, TestOffice, contains_bytes, files_under, plans_dir, register};

/// The five customers of the "basic" register, normalized (fixtures README, "Expected").
/// (id, name, kana, postal, address, phone, birth date, service)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

const BASIC: [Row; 5] = [
    (
        "T001",
        "試験\u{3000}太郎",
        "シケン タロウ",
        "123-4567",
        "東京都架空区見本町1-2-3",
        "03-0000-1111",
        Some("1980-01-02"),
        "ケーブルテレビ",
    ),
    (
        "T002",
        "見本 花子",
        "ミホン ハナコ",
        "100-0001",
        "大阪府架空市試験町4-5-6",
        "090-0000-2222",
        Some("1980-03-04"),
        "インターネット 1G",
    ),
    (
        "T003",
        "架空 一郎",
        "カクウ イチロウ",
        "060-0001",
        "北海道架空市見本区7-8",
        "011-000-3333",
        Some("1975-12-31"),
        "固定電話",
    ),
    (
        "T004",
        "例題 次郎",
        "レイダイ ジロウ",
        "530-0001",
        "大阪府架空市例題1-1",
        "06-0000-4444",
        None,
        "ケーブルテレビ",
    ),
    (
        "T005",
        "仮名 三子",
        "カメイ ミツコ",
        "980-0001",
        "宮城県架空市仮町2-2",
        "022-000-5555",
        Some("1990-07-08"),
        "インターネット 10G",
    ),
];

/// Test card numbers carried by the basic register's payment column.
const BASIC_CARDS: [&str; 3] = ["4111111111111111", "5555555555554444", "3530111333300000"];

fn assert_basic_customers(t: &TestOffice) {
    assert_eq!(t.office.store().customer_count().unwrap(), 5);
    for (id, name, kana, postal, address, phone, birth, service) in BASIC {
        let c = t.customer(id);
        assert_eq!(c.name.as_deref(), Some(name), "{id} name");
        assert_eq!(c.name_kana.as_deref(), Some(kana), "{id} kana");
        assert_eq!(c.postal_code.as_deref(), Some(postal), "{id} postal code");
        assert_eq!(c.address.as_deref(), Some(address), "{id} address");
        assert_eq!(c.phone.as_deref(), Some(phone), "{id} phone");
        assert_eq!(c.birth_date.as_deref(), birth, "{id} birth date");
        assert_eq!(c.service.as_deref(), Some(service), "{id} service");
        assert_eq!(c.email, None, "{id} email");
        assert_eq!(c.notes, None, "{id} notes");
        assert_eq!(c.floor_plan, None, "{id} floor plan");
    }
}

fn assert_basic_report(r: &ImportReport, format: &str, header_row: u32, payment_header: &str) {
    assert_eq!(r.format, format);
    assert_eq!(r.header_row, header_row);
    assert_eq!(
        (r.rows, r.added, r.updated, r.unchanged, r.rejected),
        (5, 5, 0, 0, 0)
    );
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.dropped_payment_columns, vec![payment_header.to_string()]);
    assert!(r.unknown_columns.is_empty(), "{:?}", r.unknown_columns);
    assert!(!r.dry_run);
    assert!(r.ledger_seq.is_some());
}

/// Import one basic file into a fresh office and check report and customers.
fn import_basic(file: &str, opts: &ImportOptions) -> (TestOffice, ImportReport) {
    let mut t = TestOffice::new();
    let r = t
        .import(&register(file), opts)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_basic_customers(&t);
    (t, r)
}

#[test]
fn xlsx_openpyxl_with_title_row() {
    let (_t, r) = import_basic("basic.xlsx", &ImportOptions::default());
    assert_basic_report(&r, "xlsx", 2, "クレジットカード番号");
    assert_eq!(r.sheet.as_deref(), Some("顧客"));
    assert_eq!(r.encoding, None);
    assert_eq!(r.ledger_seq, Some(1));
}

#[test]
fn xlsx_sheetjs() {
    let (_t, r) = import_basic("basic_sheetjs.xlsx", &ImportOptions::default());
    assert_basic_report(&r, "xlsx", 1, "クレジットカード番号");
    assert_eq!(r.sheet.as_deref(), Some("顧客"));
}

#[test]
fn xls_biff8() {
    let (_t, r) = import_basic("basic.xls", &ImportOptions::default());
    assert_basic_report(&r, "xls", 1, "クレジットカード番号");
    assert_eq!(r.sheet.as_deref(), Some("顧客"));
}

#[test]
fn xlsb_first_sheet_by_default_and_by_name() {
    let (_t, r) = import_basic("basic.xlsb", &ImportOptions::default());
    assert_basic_report(&r, "xlsb", 1, "クレジットカード番号");
    assert_eq!(r.sheet.as_deref(), Some("顧客"));

    let opts = ImportOptions {
        sheet: Some("顧客".into()),
        ..Default::default()
    };
    let (_t, r) = import_basic("basic.xlsb", &opts);
    assert_eq!(r.sheet.as_deref(), Some("顧客"));
}

#[test]
fn xlsb_sheet_without_header_is_refused() {
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        sheet: Some("メモ".into()),
        ..Default::default()
    };
    let e = t.import(&register("basic.xlsb"), &opts).unwrap_err();
    assert_eq!(e.code(), "bad_register", "{e}");
    let msg = e.to_string();
    assert!(msg.contains("no header row"), "{msg}");
    assert!(msg.contains("basic.xlsb"), "{msg}");
    assert_eq!(t.office.store().customer_count().unwrap(), 0);
    assert!(support::entries(&t.office).is_empty());
}

#[test]
fn unknown_sheet_lists_the_sheets() {
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        sheet: Some("Sheet9".into()),
        ..Default::default()
    };
    let e = t.import(&register("basic.xlsb"), &opts).unwrap_err();
    assert_eq!(e.code(), "bad_register");
    let msg = e.to_string();
    assert!(msg.contains("no sheet named 'Sheet9'"), "{msg}");
    assert!(msg.contains("顧客, メモ"), "{msg}");
}

#[test]
fn ods() {
    let (_t, r) = import_basic("basic.ods", &ImportOptions::default());
    assert_basic_report(&r, "ods", 1, "クレジットカード番号");
    assert_eq!(r.sheet.as_deref(), Some("顧客"));
}

#[test]
fn csv_utf8_without_bom() {
    let (_t, r) = import_basic("basic_utf8.csv", &ImportOptions::default());
    assert_basic_report(&r, "csv", 1, "クレジットカード番号");
    assert_eq!(r.sheet, None);
    assert_eq!(r.encoding.as_deref(), Some("utf-8"));
}

#[test]
fn csv_utf8_with_bom() {
    let (_t, r) = import_basic("basic_utf8_bom.csv", &ImportOptions::default());
    assert_basic_report(&r, "csv", 1, "クレジットカード番号");
    assert_eq!(r.encoding.as_deref(), Some("utf-8 (BOM)"));
    // The BOM must not end up in the first header.
    assert_eq!(r.columns[0].header, "顧客番号");
    assert_eq!(r.columns[0].field, Some(Field::CustomerId));
}

#[test]
fn csv_shift_jis_detected() {
    let (_t, r) = import_basic("basic_sjis.csv", &ImportOptions::default());
    assert_basic_report(&r, "csv", 1, "クレジットカード番号");
    assert_eq!(r.encoding.as_deref(), Some("shift_jis"));
}

#[test]
fn csv_shift_jis_forced() {
    let opts = ImportOptions {
        encoding: TextEncoding::ShiftJis,
        ..Default::default()
    };
    let (_t, r) = import_basic("basic_sjis.csv", &opts);
    assert_basic_report(&r, "csv", 1, "クレジットカード番号");
    assert_eq!(r.encoding.as_deref(), Some("shift_jis"));
}

#[test]
fn csv_shift_jis_forced_as_utf8_is_refused_with_a_hint() {
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        encoding: TextEncoding::Utf8,
        ..Default::default()
    };
    let e = t.import(&register("basic_sjis.csv"), &opts).unwrap_err();
    assert_eq!(e.code(), "bad_register", "{e}");
    let msg = e.to_string();
    // The header line is the first that is not UTF-8.
    assert!(msg.contains("row 1"), "{msg}");
    assert!(msg.contains("utf-8"), "{msg}");
    assert!(msg.contains("--encoding shift_jis"), "{msg}");
    assert_eq!(t.office.store().customer_count().unwrap(), 0);
    assert!(support::entries(&t.office).is_empty());
}

#[test]
fn encoding_names_parse() {
    for (s, e) in [
        ("auto", TextEncoding::Auto),
        ("utf-8", TextEncoding::Utf8),
        ("UTF8", TextEncoding::Utf8),
        ("shift_jis", TextEncoding::ShiftJis),
        ("Shift-JIS", TextEncoding::ShiftJis),
        ("cp932", TextEncoding::ShiftJis),
    ] {
        assert_eq!(s.parse::<TextEncoding>().unwrap(), e, "{s}");
    }
    assert_eq!(
        "latin1".parse::<TextEncoding>().unwrap_err().code(),
        "unknown_value"
    );
}

#[test]
fn tsv() {
    let (_t, r) = import_basic("basic.tsv", &ImportOptions::default());
    assert_basic_report(&r, "tsv", 1, "クレジットカード番号");
    assert_eq!(r.encoding.as_deref(), Some("utf-8"));
}

/// SheetJS's raw XLSB (short cell records) is misread by calamine 0.38 as a sheet holding only
/// column A: the import must refuse it rather than store a partial register.
#[test]
fn sheetjs_raw_xlsb_is_refused_not_half_imported() {
    let mut t = TestOffice::new();
    let e = t
        .import(&register("sheetjs_raw.xlsb"), &ImportOptions::default())
        .unwrap_err();
    assert_eq!(e.code(), "bad_register", "{e}");
    assert!(e.to_string().contains("no header row"), "{e}");
    assert_eq!(t.office.store().customer_count().unwrap(), 0);
}

#[test]
fn sheetjs_raw_ods_is_refused_clearly() {
    let mut t = TestOffice::new();
    let e = t
        .import(&register("sheetjs_raw.ods"), &ImportOptions::default())
        .unwrap_err();
    assert_eq!(e.code(), "bad_register", "{e}");
    assert!(e.to_string().contains("sheetjs_raw.ods"), "{e}");
    assert_eq!(t.office.store().customer_count().unwrap(), 0);
}

// ---------------------------------------------------------------------------------------------
// Header variants and --map

#[test]
fn english_headers() {
    let (_t, r) = import_basic("english_headers.csv", &ImportOptions::default());
    assert_basic_report(&r, "csv", 1, "Card Number");
    let fields: Vec<Option<Field>> = r.columns.iter().map(|c| c.field).collect();
    assert_eq!(
        fields,
        vec![
            Some(Field::CustomerId),
            Some(Field::Name),
            Some(Field::NameKana),
            Some(Field::PostalCode),
            Some(Field::Address),
            Some(Field::Phone),
            Some(Field::BirthDate),
            Some(Field::Service),
            Some(Field::CardNumber),
        ]
    );
}

#[test]
fn variant_headers_report_unknown_and_payment_columns() {
    let mut t = TestOffice::new();
    let r = t.import_ok(&register("variant_headers.csv"));
    assert_basic_customers(&t);
    assert_eq!(r.unknown_columns, vec!["担当者".to_string()]);
    assert_eq!(r.dropped_payment_columns, vec!["口座番号".to_string()]);
    let i = &r.columns[8];
    assert_eq!(
        (
            i.column.as_str(),
            i.header.as_str(),
            i.role.as_str(),
            i.field
        ),
        ("I", "担当者", "unknown", None)
    );
    let j = &r.columns[9];
    assert_eq!(
        (
            j.column.as_str(),
            j.header.as_str(),
            j.role.as_str(),
            j.field
        ),
        ("J", "口座番号", "payment_dropped", Some(Field::BankAccount))
    );
    // The unknown column was ignored: nobody has notes.
    assert_eq!(t.customer("T001").notes, None);
}

fn maps(list: &[&str]) -> Vec<MapOverride> {
    list.iter().map(|m| m.parse().unwrap()).collect()
}

#[test]
fn map_unknown_header_to_a_field() {
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        mappings: maps(&["担当者=notes"]),
        ..Default::default()
    };
    let r = t.import(&register("variant_headers.csv"), &opts).unwrap();
    assert!(r.unknown_columns.is_empty(), "{:?}", r.unknown_columns);
    assert_eq!(t.customer("T001").notes.as_deref(), Some("見本係"));
    assert_eq!(t.customer("T004").notes.as_deref(), Some("試験係"));
}

#[test]
fn map_known_header_to_ignore() {
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        mappings: maps(&["TEL=ignore"]),
        ..Default::default()
    };
    let r = t.import(&register("variant_headers.csv"), &opts).unwrap();
    assert_eq!(
        r.unknown_columns,
        vec!["TEL".to_string(), "担当者".to_string()]
    );
    assert_eq!(t.customer("T001").phone, None);
    assert_eq!(t.customer("T001").name.as_deref(), Some("試験\u{3000}太郎"));
}

#[test]
fn map_naming_a_missing_header_is_refused() {
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        mappings: maps(&["担当=notes"]),
        ..Default::default()
    };
    let e = t
        .import(&register("variant_headers.csv"), &opts)
        .unwrap_err();
    assert_eq!(e.code(), "column_map", "{e}");
    let msg = e.to_string();
    assert!(msg.contains("no column headed '担当'"), "{msg}");
    assert!(msg.contains("担当者"), "the headers are listed: {msg}");
    assert_eq!(t.office.store().customer_count().unwrap(), 0);
    assert!(support::entries(&t.office).is_empty());
}

#[test]
fn map_syntax_errors() {
    assert_eq!(
        "no-equals".parse::<MapOverride>().unwrap_err().code(),
        "column_map"
    );
    assert_eq!(
        "=notes".parse::<MapOverride>().unwrap_err().code(),
        "column_map"
    );
    assert_eq!(
        "担当者=tantou".parse::<MapOverride>().unwrap_err().code(),
        "unknown_value"
    );
}

/// A payment column cannot be mapped into a stored field: --map must not be a way around the
/// rule that payment data is never stored.
#[test]
fn map_cannot_store_a_payment_column() {
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        mappings: maps(&["口座番号=notes"]),
        ..Default::default()
    };
    let e = t
        .import(&register("variant_headers.csv"), &opts)
        .unwrap_err();
    assert_eq!(e.code(), "column_map", "{e}");
    assert!(e.to_string().contains("payment"), "{e}");
    assert_eq!(t.office.store().customer_count().unwrap(), 0);
    for f in files_under(&t.data()) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !contains_bytes(&bytes, "見本銀行".as_bytes()),
            "{}",
            f.display()
        );
    }

    // Mapping it to ignore is harmless: it is still dropped as payment data.
    let opts = ImportOptions {
        mappings: maps(&["口座番号=ignore"]),
        ..Default::default()
    };
    let r = t.import(&register("variant_headers.csv"), &opts).unwrap();
    assert_eq!(r.dropped_payment_columns, vec!["口座番号".to_string()]);
}

// ---------------------------------------------------------------------------------------------
// Invalid rows

fn assert_invalid_rows_problems(e: &Error) {
    let Error::RegisterRejected {
        count, problems, ..
    } = e
    else {
        panic!("expected RegisterRejected, got {e:?}");
    };
    assert_eq!(*count, 4);
    let got: Vec<(u32, Option<&str>, Option<&str>)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_deref(), p.header.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, Some("A"), Some("顧客番号")),
            (4, Some("G"), Some("生年月日")),
            (5, Some("A"), Some("顧客番号")),
            (6, Some("F"), Some("電話番号")),
        ]
    );
    assert!(
        problems.iter().all(|p| p.sheet.is_none()),
        "CSV has no sheet"
    );
    assert!(problems[0].message.contains("missing"), "{}", problems[0]);
    assert!(
        problems[1].message.contains("1980-02-30"),
        "{}",
        problems[1]
    );
    assert!(
        problems[1].message.contains("not a valid calendar date"),
        "{}",
        problems[1]
    );
    assert!(problems[2].message.contains("T101"), "{}", problems[2]);
    assert!(problems[2].message.contains("row 2"), "{}", problems[2]);
    assert!(problems[3].message.contains("12-34"), "{}", problems[3]);
    assert_eq!(
        problems[3].to_string(),
        format!("row 6, column F (電話番号): {}", problems[3].message)
    );
    // Each is a typed code with its parameters, worded in both languages.
    let codes: Vec<&Problem> = problems.iter().map(|p| &p.problem).collect();
    assert_eq!(codes[0], &Problem::MissingId);
    assert_eq!(
        codes[1],
        &Problem::NoSuchDay {
            value: "1980-02-30".into()
        }
    );
    assert_eq!(
        codes[2],
        &Problem::DuplicateId {
            id: "T101".into(),
            first_row: 2
        }
    );
    assert_eq!(
        problems[2].message_ja,
        "顧客番号 T101 は 2 行目にもあります"
    );
    assert_eq!(
        problems[3].located(Lang::Ja),
        format!("6 行目、F 列（電話番号）: {}", problems[3].message_ja)
    );
}

#[test]
fn invalid_rows_refuse_the_whole_import() {
    let mut t = TestOffice::new();
    t.import_ok(&register("basic.xlsx"));
    let before = t.snapshot();
    let db_before = std::fs::metadata(t.data().join("handover.sqlite3"))
        .unwrap()
        .len();

    let e = t
        .import(&register("invalid_rows.csv"), &ImportOptions::default())
        .unwrap_err();
    assert_eq!(e.code(), "register_rejected");
    assert!(e.is_bad_input());
    assert!(e.to_string().contains("4 invalid row(s)"), "{e}");
    assert_invalid_rows_problems(&e);

    assert_eq!(t.snapshot(), before, "a refused import changes nothing");
    assert_eq!(t.office.store().customer_count().unwrap(), 5);
    assert!(t.office.store().customer("T101").unwrap().is_none());
    assert!(t.office.store().customer("T106").unwrap().is_none());
    assert_eq!(
        std::fs::metadata(t.data().join("handover.sqlite3"))
            .unwrap()
            .len(),
        db_before
    );

    // The same file from a reopened store: still nothing of it.
    drop(t.office);
    let office = support::open_at(&t.tmp.path().join("data"));
    assert_eq!(support::snapshot(&office), before);
}

#[test]
fn skip_invalid_imports_the_valid_rows() {
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        skip_invalid: true,
        ..Default::default()
    };
    let r = t.import(&register("invalid_rows.csv"), &opts).unwrap();
    assert_eq!(
        (r.rows, r.added, r.updated, r.unchanged, r.rejected),
        (6, 2, 0, 0, 4)
    );
    assert_eq!(r.problems.len(), 4);
    let rows: Vec<u32> = r.problems.iter().map(|p| p.row).collect();
    assert_eq!(rows, vec![3, 4, 5, 6]);
    assert_eq!(r.ledger_seq, Some(1));
    let ids: Vec<String> = handover_core::ops::customers(&t.office, "", None)
        .unwrap()
        .into_iter()
        .map(|c| c.customer_id)
        .collect();
    assert_eq!(ids, vec!["T101", "T106"]);
    // Row 2 wins over its duplicate in row 5.
    assert_eq!(t.customer("T101").name.as_deref(), Some("正常 一号"));
    // The ledger records counts and ids, never the problems' values.
    let e = &support::entries(&t.office)[0];
    let payload: serde_json::Value = serde_json::from_str(e.payload.as_deref().unwrap()).unwrap();
    assert_eq!(payload["rejected"], 4);
    assert_eq!(payload["added"], serde_json::json!(["T101", "T106"]));
}

#[test]
fn dry_run_changes_nothing_but_counts() {
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        dry_run: true,
        floor_plans_dir: Some(plans_dir()),
        ..Default::default()
    };
    let r = t.import(&register("basic.xlsx"), &opts).unwrap();
    assert!(r.dry_run);
    assert_eq!((r.rows, r.added, r.updated, r.unchanged), (5, 5, 0, 0));
    assert_eq!(r.floor_plans, 2, "T001.png and T003.pdf");
    assert_eq!(r.ledger_seq, None);
    assert_eq!(t.office.store().customer_count().unwrap(), 0);
    assert!(support::entries(&t.office).is_empty());
    assert!(t.stored_plan_files().is_empty());

    // A dry run over a populated store counts updates against it, and still changes nothing.
    t.import_ok(&register("basic.xlsx"));
    let before = t.snapshot();
    let opts = ImportOptions {
        dry_run: true,
        ..Default::default()
    };
    let r = t.import(&register("basic_utf8.csv"), &opts).unwrap();
    assert_eq!((r.added, r.updated, r.unchanged), (0, 0, 5));
    assert_eq!(t.snapshot(), before);

    // A dry run of a bad file reports the problems like a real import.
    let e = t.import(&register("invalid_rows.csv"), &opts).unwrap_err();
    assert_invalid_rows_problems(&e);
    assert_eq!(t.snapshot(), before);
}

// ---------------------------------------------------------------------------------------------
// Upserts

#[test]
fn importing_the_same_register_twice_changes_nothing() {
    let mut t = TestOffice::new();
    let r1 = t.import_ok(&register("basic.xlsx"));
    assert_eq!((r1.added, r1.updated, r1.unchanged), (5, 0, 0));
    let customers = t.snapshot().customers;
    // The same data in another format is the same data.
    for file in ["basic.xlsx", "basic_sjis.csv", "basic.ods"] {
        let r = t.import_ok(&register(file));
        assert_eq!((r.added, r.updated, r.unchanged), (0, 0, 5), "{file}");
        assert_eq!(t.snapshot().customers, customers, "{file}");
    }
    let kinds: Vec<String> = support::entries(&t.office)
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, vec!["register.imported"; 4]);
}

#[test]
fn a_changed_value_is_one_update() {
    let mut t = TestOffice::new();
    t.import_ok(&register("basic_utf8.csv"));
    let src = std::fs::read_to_string(register("basic_utf8.csv")).unwrap();
    let changed = src.replace("\"固定電話\"", "\"ケーブルテレビ\"");
    assert_ne!(src, changed);
    let copy = t.scratch().join("changed.csv");
    std::fs::write(&copy, changed).unwrap();

    let r = t.import_ok(&copy);
    assert_eq!((r.added, r.updated, r.unchanged), (0, 1, 4));
    assert_eq!(
        t.customer("T003").service.as_deref(),
        Some("ケーブルテレビ")
    );
    let e = support::entries(&t.office).pop().unwrap();
    assert_eq!(e.kind, "register.imported");
    let payload: serde_json::Value = serde_json::from_str(e.payload.as_deref().unwrap()).unwrap();
    assert_eq!(payload["updated"], serde_json::json!(["T003"]));
    assert_eq!(payload["file"], "changed.csv");
    // The history of T003 now has both imports; T001 only the first.
    assert_eq!(
        t.office.store().entries_for_customer("T003").unwrap().len(),
        2
    );
    assert_eq!(
        t.office.store().entries_for_customer("T001").unwrap().len(),
        1
    );
}

#[test]
fn a_column_absent_from_a_later_file_keeps_stored_values() {
    let mut t = TestOffice::new();
    t.import_ok(&register("basic.xlsx"));
    let copy = t.scratch().join("phones.csv");
    std::fs::write(
        &copy,
        "顧客番号,電話番号\r\nT001,03-0000-9999\r\nT002,090-0000-2222\r\n",
    )
    .unwrap();
    let r = t.import_ok(&copy);
    assert_eq!((r.rows, r.added, r.updated, r.unchanged), (2, 0, 1, 1));
    let c = t.customer("T001");
    assert_eq!(c.phone.as_deref(), Some("03-0000-9999"));
    assert_eq!(c.name.as_deref(), Some("試験\u{3000}太郎"));
    assert_eq!(c.postal_code.as_deref(), Some("123-4567"));
    assert_eq!(c.birth_date.as_deref(), Some("1980-01-02"));
    assert_eq!(c.service.as_deref(), Some("ケーブルテレビ"));
    // The new phone is searchable, the old one is not.
    let ids = |q: &str| -> Vec<String> {
        handover_core::ops::customers(&t.office, q, None)
            .unwrap()
            .into_iter()
            .map(|c| c.customer_id)
            .collect()
    };
    assert_eq!(ids("0300009999"), vec!["T001"]);
    assert!(ids("03-0000-1111").is_empty());
    // A column that is present but empty clears the value.
    let copy2 = t.scratch().join("clear.csv");
    std::fs::write(&copy2, "顧客番号,氏名,生年月日\r\nT001,試験　太郎,\r\n").unwrap();
    let r = t.import_ok(&copy2);
    assert_eq!(r.updated, 1);
    assert_eq!(t.customer("T001").birth_date, None);
    assert_eq!(t.customer("T001").phone.as_deref(), Some("03-0000-9999"));
}

#[test]
fn search_folds_kana_width_and_hyphens() {
    let mut t = TestOffice::new();
    t.import_ok(&register("basic.xlsx"));
    let ids = |q: &str| -> Vec<String> {
        handover_core::ops::customers(&t.office, q, None)
            .unwrap()
            .into_iter()
            .map(|c| c.customer_id)
            .collect()
    };
    assert_eq!(ids("しけん"), vec!["T001"]);
    assert_eq!(ids("ｼｹﾝ"), vec!["T001"]);
    assert_eq!(ids("０９０－００００－２２２２"), vec!["T002"]);
    assert_eq!(ids("架空市"), vec!["T002", "T003", "T004", "T005"]);
    assert_eq!(ids("t00"), vec!["T001", "T002", "T003", "T004", "T005"]);
    assert_eq!(ids("%"), Vec::<String>::new(), "LIKE wildcards are escaped");
    assert_eq!(
        handover_core::ops::customers(&t.office, "", Some(2))
            .unwrap()
            .len(),
        2
    );
}

// ---------------------------------------------------------------------------------------------
// Floor plans

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn floor_plans_from_a_folder() {
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        floor_plans_dir: Some(plans_dir()),
        ..Default::default()
    };
    let r = t.import(&register("basic.xlsx"), &opts).unwrap();
    assert_eq!(r.floor_plans, 2);
    let png = std::fs::read(plans_dir().join("T001.png")).unwrap();
    let pdf = std::fs::read(plans_dir().join("T003.pdf")).unwrap();
    let p1 = t.customer("T001").floor_plan.expect("T001 plan");
    assert_eq!((p1.ext.as_str(), p1.size), ("png", 395));
    assert_eq!(p1.sha256, sha256_hex(&png));
    let p3 = t.customer("T003").floor_plan.expect("T003 plan");
    assert_eq!((p3.ext.as_str(), p3.size), ("pdf", pdf.len() as u64));
    assert_eq!(t.customer("T002").floor_plan, None);
    assert_eq!(t.stored_plan_files(), {
        let mut v = vec![p1.file_name(), p3.file_name()];
        v.sort();
        v
    });
    let stored = std::fs::read(t.data().join("floor_plans").join(p1.file_name())).unwrap();
    assert_eq!(stored, png);
    let in_use = t.office.store().floor_plans_in_use().unwrap();
    assert_eq!(in_use.len(), 2);

    // Importing again without the folder keeps the plans.
    let r = t.import_ok(&register("basic.xlsx"));
    assert_eq!((r.unchanged, r.floor_plans), (5, 0));
    assert_eq!(t.customer("T001").floor_plan, Some(p1));
}

#[test]
fn floor_plans_from_a_column() {
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        floor_plans_dir: Some(plans_dir()),
        ..Default::default()
    };
    let r = t.import(&register("with_plan_column.csv"), &opts).unwrap();
    assert_eq!((r.rows, r.added, r.floor_plans), (3, 3, 3));
    let col = r.columns.iter().find(|c| c.column == "J").unwrap();
    assert_eq!(
        (col.header.as_str(), col.field),
        ("図面ファイル", Some(Field::FloorPlan))
    );
    let p1 = t.customer("T001").floor_plan.expect("T001 by name");
    let p2 = t.customer("T002").floor_plan.expect("T002 from its column");
    let p3 = t.customer("T003").floor_plan.expect("T003 from its column");
    assert_eq!(p1, p2, "T002 shares T001's drawing");
    assert_eq!(p3.ext, "pdf");
    assert_eq!(
        t.stored_plan_files().len(),
        2,
        "a shared drawing is stored once"
    );
}

#[test]
fn a_plan_column_without_a_folder_resolves_next_to_the_register() {
    let mut t = TestOffice::new();
    let dir = t.scratch();
    std::fs::copy(register("with_plan_column.csv"), dir.join("r.csv")).unwrap();
    std::fs::copy(plans_dir().join("T001.png"), dir.join("T001.png")).unwrap();
    std::fs::copy(plans_dir().join("T003.pdf"), dir.join("T003.pdf")).unwrap();
    let r = t.import_ok(&dir.join("r.csv"));
    // T001's column is empty and no folder was given: no plan for it.
    assert_eq!(r.floor_plans, 2);
    assert_eq!(t.customer("T001").floor_plan, None);
    assert!(t.customer("T002").floor_plan.is_some());
}

#[test]
fn a_bad_floor_plan_is_a_row_problem_and_leaves_no_files() {
    let mut t = TestOffice::new();
    let dir = t.scratch();
    let src = std::fs::read_to_string(register("with_plan_column.csv")).unwrap();
    std::fs::write(
        dir.join("bad.csv"),
        src.replace("T003.pdf", "not_a_plan.png"),
    )
    .unwrap();
    let opts = ImportOptions {
        floor_plans_dir: Some(plans_dir()),
        ..Default::default()
    };
    let e = t.import(&dir.join("bad.csv"), &opts).unwrap_err();
    let Error::RegisterRejected {
        problems, count, ..
    } = &e
    else {
        panic!("{e:?}");
    };
    assert_eq!(*count, 1);
    assert_eq!(problems.len(), 1);
    let p = &problems[0];
    assert_eq!(
        (p.row, p.column.as_deref(), p.header.as_deref()),
        (4, Some("J"), Some("図面ファイル"))
    );
    assert!(p.message.contains("not a PDF, PNG or JPEG"), "{p}");
    assert!(p.message.contains("not_a_plan.png"), "{p}");
    // T001's drawing had been copied in for rows 2 and 3: it is gone again, with no temp file.
    assert_eq!(t.stored_plan_files(), Vec::<String>::new());
    assert_eq!(t.office.store().customer_count().unwrap(), 0);

    // A drawing that was already stored before the refused import stays.
    t.import(&register("basic.xlsx"), &opts).unwrap();
    let before = t.stored_plan_files();
    assert_eq!(before.len(), 2);
    let snap = t.snapshot();
    t.import(&dir.join("bad.csv"), &opts).unwrap_err();
    assert_eq!(t.stored_plan_files(), before);
    assert_eq!(t.snapshot(), snap);

    // With --skip-invalid the bad row is rejected and the others keep their plans.
    let opts = ImportOptions {
        skip_invalid: true,
        ..opts
    };
    let r = t.import(&dir.join("bad.csv"), &opts).unwrap();
    assert_eq!((r.rejected, r.floor_plans), (1, 2));
}

#[test]
fn a_missing_floor_plan_is_a_row_problem() {
    let mut t = TestOffice::new();
    let dir = t.scratch();
    let src = std::fs::read_to_string(register("with_plan_column.csv")).unwrap();
    std::fs::write(
        dir.join("missing.csv"),
        src.replace("T003.pdf", "nowhere.pdf"),
    )
    .unwrap();
    let opts = ImportOptions {
        floor_plans_dir: Some(plans_dir()),
        ..Default::default()
    };
    let e = t.import(&dir.join("missing.csv"), &opts).unwrap_err();
    let Error::RegisterRejected { problems, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(
        (problems[0].row, problems[0].column.as_deref()),
        (4, Some("J"))
    );
    assert!(
        problems[0].message.contains("nowhere.pdf"),
        "{}",
        problems[0]
    );
    assert!(t.stored_plan_files().is_empty());
}

#[test]
fn a_missing_floor_plan_folder_is_an_error() {
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        floor_plans_dir: Some(t.scratch().join("no-such-folder")),
        ..Default::default()
    };
    let e = t.import(&register("basic.xlsx"), &opts).unwrap_err();
    assert_eq!(e.code(), "io", "{e}");
    assert!(e.to_string().contains("no-such-folder"), "{e}");
    assert_eq!(t.office.store().customer_count().unwrap(), 0);
}

// ---------------------------------------------------------------------------------------------
// Broken files

fn assert_refused(t: &mut TestOffice, path: &Path, code: &str, needle: &str) {
    let before = t.snapshot();
    let e = t.import(path, &ImportOptions::default()).unwrap_err();
    assert_eq!(e.code(), code, "{}: {e}", path.display());
    let msg = e.to_string();
    assert!(msg.contains(needle), "{}: {msg}", path.display());
    let name = path.file_name().unwrap().to_string_lossy();
    assert!(
        msg.contains(name.as_ref()),
        "the message names the file: {msg}"
    );
    assert_eq!(t.snapshot(), before, "{}", path.display());
    assert!(t.stored_plan_files().is_empty());
}

#[test]
fn broken_files_are_refused_clearly() {
    let mut t = TestOffice::new();
    t.import_ok(&register("basic_utf8.csv"));
    t.import_ok(&register("basic_utf8.csv"));
    assert_refused(
        &mut t,
        &register("corrupt.xlsx"),
        "bad_register",
        "not a readable spreadsheet",
    );
    assert_refused(
        &mut t,
        &register("not_a_spreadsheet.xlsx"),
        "bad_register",
        "not a readable spreadsheet",
    );
    let dir = t.scratch();
    std::fs::write(dir.join("empty.csv"), b"").unwrap();
    assert_refused(
        &mut t,
        &dir.join("empty.csv"),
        "bad_register",
        "no header row",
    );
    std::fs::write(dir.join("empty.xlsx"), b"").unwrap();
    assert_refused(
        &mut t,
        &dir.join("empty.xlsx"),
        "bad_register",
        "not a readable spreadsheet",
    );
    std::fs::write(dir.join("header_only.csv"), "顧客番号,氏名\r\n").unwrap();
    assert_refused(
        &mut t,
        &dir.join("header_only.csv"),
        "bad_register",
        "no customer rows",
    );
    std::fs::write(dir.join("binary.csv"), b"PK\x03\x04\x00\x00garbage").unwrap();
    assert_refused(
        &mut t,
        &dir.join("binary.csv"),
        "bad_register",
        "binary file",
    );
    std::fs::write(dir.join("no_id.csv"), "氏名,住所\r\n試験 太郎,架空市\r\n").unwrap();
    assert_refused(
        &mut t,
        &dir.join("no_id.csv"),
        "bad_register",
        "(the first row has: 氏名, 住所)",
    );
    assert_refused(&mut t, &dir.join("missing.csv"), "io", "cannot read");
    assert_refused(&mut t, &dir.join("missing.xlsx"), "io", "cannot read");
}

// ---------------------------------------------------------------------------------------------
// Payment data is never stored

/// The payment columns' values of the sample register, read straight from the workbook.
fn sample_payment_values() -> Vec<String> {
    use calamine::{Data, Reader, open_workbook_auto};
    let path = support::repo_root().join("sample/sample_register.xlsx");
    let mut book = open_workbook_auto(&path).unwrap();
    let range = book.worksheet_range("顧客台帳").unwrap();
    let mut rows = range.rows();
    let header = rows
        .by_ref()
        .find(|r| {
            r.iter()
                .any(|c| matches!(c, Data::String(s) if s == "顧客番号"))
        })
        .expect("header row");
    let cols: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            matches!(c, Data::String(s) if s == "口座番号・名義" || s == "クレジットカード番号")
        })
        .map(|(i, _)| i)
        .collect();
    assert_eq!(cols.len(), 2, "the sample has both payment columns");
    let mut out = Vec::new();
    for r in rows {
        for &i in &cols {
            match &r[i] {
                Data::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                Data::Empty => {}
                other => out.push(other.to_string()),
            }
        }
    }
    // 300 customers; a few have no account or no card.
    assert!(out.len() >= 250, "{} payment values", out.len());
    out
}

/// The byte strings that must never appear in the data directory.
fn forbidden_strings() -> Vec<String> {
    let mut v: Vec<String> = BASIC_CARDS.iter().map(|s| s.to_string()).collect();
    for s in sample_payment_values() {
        // A bank-account cell is `見本銀行 架空支店 普通 0000123 ヤマダ タロウ`: its holder's
        // name is also the customer's kana, so look for the bank part and the whole cell.
        if let Some(i) = s.find(|c: char| c.is_ascii_digit())
            && i > 0
        {
            v.push(s[..i].trim().to_string());
        }
        v.push(s);
    }
    v.push("見本銀行 架空支店 普通 0000101".into());
    v.push("サンプル銀行 試験出張所".into());
    v.sort();
    v.dedup();
    v
}

fn assert_no_payment_data(data: &Path, forbidden: &[String]) -> usize {
    let files = files_under(data);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for s in forbidden {
            assert!(
                !contains_bytes(&bytes, s.as_bytes()),
                "{} holds payment data '{s}'",
                f.display()
            );
        }
    }
    files.len()
}

#[test]
fn payment_data_is_never_stored() {
    let forbidden = forbidden_strings();
    let mut t = TestOffice::new();
    let opts = ImportOptions {
        floor_plans_dir: Some(support::repo_root().join("sample/floor_plans")),
        ..Default::default()
    };
    let r = t
        .import(
            &support::repo_root().join("sample/sample_register.xlsx"),
            &opts,
        )
        .unwrap();
    assert_eq!(
        (r.rows, r.added, r.rejected),
        (300, 300, 0),
        "{:?}",
        r.problems
    );
    assert_eq!(r.floor_plans, 7);
    assert_eq!(
        r.dropped_payment_columns,
        vec![
            "口座番号・名義".to_string(),
            "クレジットカード番号".to_string()
        ]
    );
    t.import_ok(&register("basic.xlsx"));
    t.import_ok(&register("variant_headers.csv"));
    t.import_ok(&register("basic_sjis.csv"));
    let opts = ImportOptions {
        skip_invalid: true,
        ..Default::default()
    };
    t.import(&register("invalid_rows.csv"), &opts).unwrap();

    // While the store is open its latest pages sit in the -wal file: read that too.
    let data = t.data();
    let wal = data.join("handover.sqlite3-wal");
    assert!(wal.exists(), "the store runs in WAL mode");
    assert!(std::fs::metadata(&wal).unwrap().len() > 0);
    let n = assert_no_payment_data(&data, &forbidden);
    assert!(n >= 4, "db, wal, shm and plans: {n} files");

    // And after closing (the WAL is checkpointed into the main file).
    drop(t.office);
    assert_no_payment_data(&data, &forbidden);
}

#[test]
fn load_sample_leaves_no_payment_data_in_the_data_dir() {
    let forbidden = forbidden_strings();
    let mut t = TestOffice::new();
    let r = handover_core::ops::load_sample(&mut t.office, &mut handover_core::NoProgress).unwrap();
    assert_eq!((r.added, r.floor_plans), (300, 7));
    assert_no_payment_data(&t.data(), &forbidden);
    // The workbook is compressed, so a byte scan would not see its card numbers: check that no
    // copy of it (or of its scratch folder) is left in the data directory at all.
    let mut top: Vec<String> = std::fs::read_dir(t.data())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(
        top,
        vec![
            "floor_plans",
            "handover.sqlite3",
            "handover.sqlite3-shm",
            "handover.sqlite3-wal"
        ]
    );
    assert!(
        files_under(&t.data())
            .iter()
            .all(|f| f.extension().is_none_or(|e| e != "xlsx")),
        "no workbook under the data dir"
    );
    // The ledger still names the file and the hash of the built-in workbook.
    let e = support::entries(&t.office).pop().unwrap();
    let payload: serde_json::Value = serde_json::from_str(e.payload.as_deref().unwrap()).unwrap();
    assert_eq!(payload["file"], "sample_register.xlsx");
    assert_eq!(
        payload["sha256"],
        sha256_hex(handover_core::ops::sample::REGISTER_XLSX)
    );
}

/// Cancelling half-way (the progress callback says stop) leaves store and plan folder as they
/// were.
#[test]
fn a_cancelled_import_changes_nothing() {
    use handover_core::Flow;
    let mut t = TestOffice::new();
    t.import_ok(&register("basic.xlsx"));
    let before = t.snapshot();
    let dir = t.scratch();
    let plans = dir.join("plans");
    std::fs::create_dir_all(&plans).unwrap();
    std::fs::copy(plans_dir().join("T001.png"), plans.join("R0001.png")).unwrap();
    let mut csv = String::from("顧客番号,氏名,電話番号\r\n");
    for i in 1..=1500 {
        csv.push_str(&format!("R{i:04},試験 {i}号,03-0000-{i:04}\r\n"));
    }
    std::fs::write(dir.join("big.csv"), csv).unwrap();
    let opts = ImportOptions {
        floor_plans_dir: Some(plans),
        ..Default::default()
    };
    let mut calls = 0;
    let mut cancel = |_: u64, _: Option<u64>| {
        calls += 1;
        Flow::Cancel
    };
    let e = handover_core::ops::import_register(
        &mut t.office,
        &dir.join("big.csv"),
        &opts,
        &mut cancel,
    )
    .unwrap_err();
    assert_eq!(e.code(), "cancelled", "{e}");
    assert_eq!(calls, 1);
    assert_eq!(t.snapshot(), before);
    assert!(
        t.stored_plan_files().is_empty(),
        "{:?}",
        t.stored_plan_files()
    );

    // Not cancelled, the same file imports, with progress along the way.
    let mut seen = Vec::new();
    let mut record = |done: u64, total: Option<u64>| {
        seen.push((done, total));
        Flow::Continue
    };
    let r = handover_core::ops::import_register(
        &mut t.office,
        &dir.join("big.csv"),
        &opts,
        &mut record,
    )
    .unwrap();
    assert_eq!((r.added, r.floor_plans), (1500, 1));
    assert!(seen.len() >= 3, "{seen:?}");
    assert_eq!(seen.last(), Some(&(1500, Some(1500))));
}

#[test]
fn a_card_number_hidden_in_notes_is_refused() {
    let mut t = TestOffice::new();
    t.import_ok(&register("basic.xlsx"));
    let before = t.snapshot();
    let dir = t.scratch();
    std::fs::write(
        dir.join("notes.csv"),
        "顧客番号,氏名,備考\r\nT001,試験　太郎,鍵は管理人室\r\n\
         T002,見本 花子,カード ４１１１－１１１１－１１１１－１１１１ で支払い\r\n",
    )
    .unwrap();
    let e = t
        .import(&dir.join("notes.csv"), &ImportOptions::default())
        .unwrap_err();
    let Error::RegisterRejected { problems, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(problems.len(), 1);
    let p = &problems[0];
    assert_eq!(
        (p.row, p.column.as_deref(), p.header.as_deref()),
        (3, Some("C"), Some("備考"))
    );
    assert!(p.message.contains("credit-card number"), "{p}");
    assert!(
        !p.message.contains("1111"),
        "the message does not repeat the number: {p}"
    );
    assert_eq!(t.snapshot(), before);

    // Skipping it imports the other row only, and the number is nowhere on disk.
    let opts = ImportOptions {
        skip_invalid: true,
        ..Default::default()
    };
    let r = t.import(&dir.join("notes.csv"), &opts).unwrap();
    assert_eq!((r.rejected, r.updated), (1, 1));
    assert_eq!(t.customer("T001").notes.as_deref(), Some("鍵は管理人室"));
    assert_eq!(t.customer("T002").notes, None);
    assert_no_payment_data(
        &t.data(),
        &["４１１１－１１１１".to_string(), "で支払い".to_string()],
    );
}

#[test]
fn control_characters_in_text_are_refused_with_row_and_column() {
    let mut t = TestOffice::new();
    let dir = t.scratch();
    // An OSC 52 sequence (writes the terminal's clipboard) in a name, a C1 CSI in a note, a
    // bidi override in an address; a line break in a note is layout and is kept.
    std::fs::write(
        dir.join("ctl.csv"),
        "顧客番号,氏名,住所,備考\r\n\
         T001,\"山田\u{1b}]52;c;ZXZpbA==\u{7}太郎\",東京都,\"1行目\n2行目\"\r\n\
         T002,佐藤 花子,\"東京\u{202e}都\",\"a\u{9b}31m\"\r\n\
         T003,鈴木 一郎,大阪府,\"ok\r\nok\"\r\n",
    )
    .unwrap();
    let e = t
        .import(&dir.join("ctl.csv"), &ImportOptions::default())
        .unwrap_err();
    let Error::RegisterRejected {
        problems, count, ..
    } = &e
    else {
        panic!("{e:?}");
    };
    // Two rows refused (T002 starts on line 4: T001's note spans two lines), three cells.
    assert_eq!(*count, 2, "{problems:?}");
    let at: Vec<(u32, Option<&str>)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_deref()))
        .collect();
    assert_eq!(at, vec![(2, Some("B")), (4, Some("C")), (4, Some("D"))]);
    assert!(problems[0].message.contains("U+001B"), "{}", problems[0]);
    assert_eq!(
        problems[0].problem,
        Problem::ControlCharacter {
            code_point: "U+001B".into()
        }
    );
    assert!(problems[0].message_ja.contains("制御文字 U+001B"));
    assert!(problems[1].message.contains("U+202E"), "{}", problems[1]);
    assert_eq!(t.office.store().customer_count().unwrap(), 0);
}

/// A workbook written by a program that stores formulas without their results (as openpyxl
/// and rust_xlsxwriter can), never opened in Excel: the formula's value is not in the file.
fn workbook_with_uncomputed_formula(path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("顧客").unwrap();
    ws.set_formula_result_default("");
    for (c, h) in ["顧客番号", "氏名", "住所"].into_iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    ws.write_string(1, 0, "T001").unwrap();
    ws.write_formula(1, 1, "=\"試験 \"&\"太郎\"").unwrap();
    ws.write_string(1, 2, "東京都架空区見本町1-2-3").unwrap();
    ws.write_string(2, 0, "T002").unwrap();
    ws.write_string(2, 1, "見本 花子").unwrap();
    // A formula with its computed value (as Excel saves it) imports as that value.
    ws.write_formula(2, 2, "=\"大阪府架空市\"&\"試験町4-5-6\"")
        .unwrap();
    ws.set_formula_result(2, 2, "大阪府架空市試験町4-5-6");
    book.save(path).unwrap();
}

#[test]
fn a_formula_without_its_computed_value_is_reported_with_sheet_row_and_column() {
    let mut t = TestOffice::new();
    let dir = t.scratch();
    let file = dir.join("formulas.xlsx");
    workbook_with_uncomputed_formula(&file);
    let before = t.snapshot();
    let e = t.import(&file, &ImportOptions::default()).unwrap_err();
    let Error::RegisterRejected { problems, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert_eq!(
        (
            p.sheet.as_deref(),
            p.row,
            p.column.as_deref(),
            p.header.as_deref()
        ),
        (Some("顧客"), 2, Some("B"), Some("氏名"))
    );
    assert!(p.message.contains("never computed"), "{p}");
    assert!(p.message.contains("Excel"), "{p}");
    // A typed code for the app, and the same words in Japanese.
    assert_eq!(p.problem, Problem::Uncomputed);
    assert!(
        p.message_ja.contains("Excel で開いて保存"),
        "{}",
        p.message_ja
    );
    assert_eq!(
        p.located(Lang::Ja),
        format!("シート「顧客」、2 行目、B 列（氏名）: {}", p.message_ja)
    );
    assert_eq!(t.snapshot(), before, "a refused import changes nothing");

    // Skipping it imports the other row, whose formula came with its value.
    let opts = ImportOptions {
        skip_invalid: true,
        ..Default::default()
    };
    let r = t.import(&file, &opts).unwrap();
    assert_eq!((r.added, r.rejected), (1, 1));
    let c = t.customer("T002");
    assert_eq!(c.address.as_deref(), Some("大阪府架空市試験町4-5-6"));
}

/// A workbook written by hand, as the smallest tools write one: inline strings, and formula
/// cells with a `<f>` element and no `<v>` at all (not even an empty one).
fn hand_made_workbook_with_bare_formulas(path: &Path) {
    use std::io::Write;
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名簿" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        (
            "xl/worksheets/sheet1.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>顧客番号</t></is></c><c r="B1" t="inlineStr"><is><t>氏名</t></is></c><c r="C1" t="inlineStr"><is><t>住所</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>H001</t></is></c><c r="B2" t="inlineStr"><is><t>見本 一郎</t></is></c><c r="C2" t="str"><f>"東京都架空区"&amp;"見本町1-2-3"</f></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>H002</t></is></c><c r="B3"><f>CONCATENATE("試験 ","花子")</f></c><c r="C3" t="inlineStr"><is><t>大阪府架空市試験町4-5-6</t></is></c></row><row r="4"><c r="A4" t="inlineStr"><is><t>H003</t></is></c><c r="B4" t="inlineStr"><is><t>架空 次郎</t></is></c><c r="C4" t="inlineStr"><is><t>京都府架空市見本町7</t></is></c></row></sheetData></worksheet>"#,
        ),
    ];
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, text) in parts {
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap();
}

#[test]
fn a_formula_cell_with_no_value_element_is_reported_with_sheet_row_and_column() {
    let mut t = TestOffice::new();
    let file = t.scratch().join("bare-formulas.xlsx");
    hand_made_workbook_with_bare_formulas(&file);
    let before = t.snapshot();
    let e = t.import(&file, &ImportOptions::default()).unwrap_err();
    let Error::RegisterRejected { problems, .. } = &e else {
        panic!("{e:?}");
    };
    let found: Vec<_> = problems
        .iter()
        .map(|p| {
            (
                p.sheet.as_deref(),
                p.row,
                p.column.as_deref(),
                p.problem.clone(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (Some("名簿"), 2, Some("C"), Problem::Uncomputed),
            (Some("名簿"), 3, Some("B"), Problem::Uncomputed),
        ],
        "{problems:?}"
    );
    assert_eq!(t.snapshot(), before, "a refused import changes nothing");
    let opts = ImportOptions {
        skip_invalid: true,
        ..Default::default()
    };
    let r = t.import(&file, &opts).unwrap();
    assert_eq!((r.added, r.rejected), (1, 2));
    assert_eq!(t.customer("H003").name.as_deref(), Some("架空 次郎"));
}

/// Fuzzing finding (seed 10495166001241666520 of `random_and_mutated_inputs…`): a cell reference
/// of absurd size (`ZZZZZZZZ3`) overflowed the spreadsheet parser's arithmetic, a panic in the
/// import's reader thread. Now a refusal that names the file as damaged, and nothing changes.
#[test]
fn a_workbook_whose_cell_reference_overflows_the_parser_is_refused_as_damaged() {
    use std::io::{Read, Write};
    let mut t = TestOffice::new();
    let file = t.scratch().join("overflow.xlsx");
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(
        handover_core::ops::sample::REGISTER_XLSX,
    ))
    .unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(&file).unwrap());
    for i in 0..src.len() {
        let mut entry = src.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(bytes).unwrap();
            assert!(xml.contains(r#"<c r="B3""#));
            bytes = xml
                .replacen(r#"<c r="B3""#, r#"<c r="ZZZZZZZZ3""#, 1)
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
    let before = t.snapshot();
    for dry_run in [true, false] {
        let opts = ImportOptions {
            dry_run,
            ..Default::default()
        };
        let e = t.import(&file, &opts).unwrap_err();
        assert_eq!(e.code(), "bad_register", "{e}");
        assert!(e.to_string().contains("damaged"), "{e}");
    }
    assert_eq!(t.snapshot(), before, "a refused import changes nothing");
}
