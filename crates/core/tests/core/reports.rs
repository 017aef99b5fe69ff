//! The history and the reports through `ops`, against expectations computed by hand from the
//! sample register and the handovers below; the exports read back (CSV parsed, XLSX opened
//! with calamine); the HTML holding the right rows and escaping what it shows.
//!
//! The scenario (contractors: A = 架空電設株式会社 with a key, B = 見本通信工業 without):
//!
//! | day        | handover | to | work         | method                  | customers           |
//! |------------|----------|----|--------------|-------------------------|---------------------|
//! | 2026-11-01 | HO1      | A  | installation | transfer (x25519)       | C0001, C0002, C0003 |
//! | 2026-11-10 | HO2      | B  | repair       | paper, return by 11-20  | C0002, C0004, C0005 |
//! | 2026-11-20 | HO3      | B  | removal      | transfer (passphrase), return by 11-22 | C0006, C0002 |
//! | 2026-11-21 | HO4      | A  | wiring       | media (x25519), return by 12-31 | C0008       |
//!
//! HO1's return is confirmed on 2026-11-15. Reports are made on 2026-11-23.
//! Fields (default policy; every one of these customers has each value, C0001–3 and C0008 a
//! plan): installation 顧客番号・氏名・住所・電話番号・契約サービス・住宅の図面, repair the same
//! without the plan, removal 顧客番号・氏名・住所・電話番号, wiring the installation set
//! without the service.

use calamine::{Data, Reader, open_workbook_auto};
use handover_core::Field::{self, *};
use handover_core::handover::Method;
use handover_core::ops::{self, HistoryFilter};
use handover_core::report::{ExportFormat, Lang, LeakQuery, LeakReport, Protection};
use handover_core::requests::Scope;
use handover_core::{NoProgress, WorkType};

use crate::accountability::Ax;
use crate::support::entries;

const INSTALL: [Field; 6] = [CustomerId, Name, Address, Phone, Service, FloorPlan];
const REPAIR: [Field; 5] = [CustomerId, Name, Address, Phone, Service];
const REMOVAL: [Field; 4] = [CustomerId, Name, Address, Phone];
const WIRING: [Field; 5] = [CustomerId, Name, Address, Phone, FloorPlan];

struct Scenario {
    ax: Ax,
    ho: [String; 4],
}

fn scenario() -> Scenario {
    let mut ax = Ax::new();
    let (a, b) = (ax.keyed.clone(), ax.keyless.clone());
    ax.day("2026-11-01");
    let ho1 = ax.pack(
        &a,
        WorkType::Installation,
        &["C0001", "C0002", "C0003"],
        Method::Transfer,
        None,
    );
    ax.day("2026-11-10");
    let ho2 = ax.pack(
        &b,
        WorkType::Repair,
        &["C0002", "C0004", "C0005"],
        Method::Paper,
        Some("2026-11-20"),
    );
    ax.day("2026-11-15");
    ops::confirm_destruction(ax.office(), &ho1, "2026-11-15", Some("返却")).unwrap();
    ax.day("2026-11-20");
    let ho3 = ax.pack(
        &b,
        WorkType::Removal,
        &["C0006", "C0002"],
        Method::Transfer,
        Some("2026-11-22"),
    );
    ax.day("2026-11-21");
    let ho4 = ax.pack(
        &a,
        WorkType::Wiring,
        &["C0008"],
        Method::Media,
        Some("2026-12-31"),
    );
    ax.day("2026-11-23");
    Scenario {
        ax,
        ho: [ho1, ho2, ho3, ho4],
    }
}

/// (handover, customer, fields) of history rows.
fn hist(rows: &[handover_core::history::ProvisionRow]) -> Vec<(String, String, Vec<Field>)> {
    rows.iter()
        .map(|r| {
            (
                r.handover_id.clone(),
                r.customer_id.clone(),
                r.fields.clone(),
            )
        })
        .collect()
}

fn row(ho: &str, c: &str, f: &[Field]) -> (String, String, Vec<Field>) {
    (ho.to_string(), c.to_string(), f.to_vec())
}

fn filter(f: impl FnOnce(&mut HistoryFilter)) -> HistoryFilter {
    let mut h = HistoryFilter::default();
    f(&mut h);
    h
}

// ---------------------------------------------------------------------------------------------
// History

#[test]
fn history_has_one_row_per_customer_per_handover() {
    let s = scenario();
    let o = s.ax.o();
    let [ho1, ho2, ho3, ho4] = &s.ho;
    let all = ops::history(o, &HistoryFilter::default()).unwrap();
    assert_eq!(
        hist(&all),
        vec![
            row(ho1, "C0001", &INSTALL),
            row(ho1, "C0002", &INSTALL),
            row(ho1, "C0003", &INSTALL),
            row(ho2, "C0002", &REPAIR),
            row(ho2, "C0004", &REPAIR),
            row(ho2, "C0005", &REPAIR),
            row(ho3, "C0006", &REMOVAL),
            row(ho3, "C0002", &REMOVAL),
            row(ho4, "C0008", &WIRING),
        ]
    );
    let r = &all[1];
    assert_eq!(r.date.to_string(), "2026-11-01");
    assert_eq!(r.customer_name.as_deref(), Some("山口\u{3000}彩"));
    assert_eq!(r.contractor_id, s.ax.keyed);
    assert_eq!(r.contractor_name.as_deref(), Some("架空電設株式会社"));
    assert_eq!(
        (r.work_type, r.method),
        (WorkType::Installation, Method::Transfer)
    );
    assert_eq!(r.encryption, handover_core::handover::Encryption::X25519);
    assert_eq!(r.basis.label_ja(), "委託");
    assert_eq!(r.return_by.to_string(), "2026-12-01");
    assert_eq!(
        r.closed_on.map(|d| d.to_string()).as_deref(),
        Some("2026-11-15")
    );
    assert_eq!(all[3].closed_on, None);
    assert_eq!(
        all[6].encryption,
        handover_core::handover::Encryption::Passphrase
    );
}

#[test]
fn history_filters_by_customer_contractor_work_type_and_period() {
    let s = scenario();
    let o = s.ax.o();
    let [ho1, ho2, ho3, ho4] = &s.ho;
    let c2 = ops::history(o, &filter(|f| f.customer_id = Some("C0002".into()))).unwrap();
    assert_eq!(
        hist(&c2),
        vec![
            row(ho1, "C0002", &INSTALL),
            row(ho2, "C0002", &REPAIR),
            row(ho3, "C0002", &REMOVAL)
        ]
    );
    let b = ops::history(o, &filter(|f| f.contractor_id = Some(s.ax.keyless.clone()))).unwrap();
    assert_eq!(b.len(), 5);
    assert!(
        b.iter()
            .all(|r| r.handover_id == *ho2 || r.handover_id == *ho3)
    );
    let repair = ops::history(o, &filter(|f| f.work_type = Some(WorkType::Repair))).unwrap();
    assert_eq!(repair.len(), 3);
    // Periods are inclusive office-local days.
    let days = |from: &str, to: &str| {
        hist(
            &ops::history(
                o,
                &filter(|f| {
                    f.from = Some(from.into());
                    f.to = Some(to.into())
                }),
            )
            .unwrap(),
        )
        .into_iter()
        .map(|(h, c, _)| format!("{h}/{c}"))
        .collect::<Vec<_>>()
    };
    assert_eq!(
        days("2026-11-10", "2026-11-20"),
        [
            format!("{ho2}/C0002"),
            format!("{ho2}/C0004"),
            format!("{ho2}/C0005"),
            format!("{ho3}/C0006"),
            format!("{ho3}/C0002")
        ]
    );
    assert!(days("2026-11-11", "2026-11-19").is_empty());
    assert_eq!(days("2026-11-21", "2026-11-21"), [format!("{ho4}/C0008")]);
    // Everything together.
    let one = ops::history(
        o,
        &filter(|f| {
            f.customer_id = Some("C0002".into());
            f.contractor_id = Some(s.ax.keyless.clone());
            f.from = Some("2026-11-15".into());
        }),
    )
    .unwrap();
    assert_eq!(hist(&one), vec![row(ho3, "C0002", &REMOVAL)]);
    // A customer of the register without handovers has an empty history.
    assert!(
        ops::history(o, &filter(|f| f.customer_id = Some("C0300".into())))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn history_refuses_bad_filters() {
    let s = scenario();
    let o = s.ax.o();
    let e = ops::history(o, &filter(|f| f.contractor_id = Some("CTR-0099".into()))).unwrap_err();
    assert_eq!(e.code(), "unknown_contractor");
    let e = ops::history(o, &filter(|f| f.customer_id = Some("X9999".into()))).unwrap_err();
    assert_eq!(e.code(), "unknown_customer");
    assert!(
        e.to_string().contains("no customer with 顧客番号 X9999"),
        "{e}"
    );
    let e = ops::history(
        o,
        &filter(|f| {
            f.from = Some("2026-11-20".into());
            f.to = Some("2026-11-19".into());
        }),
    )
    .unwrap_err();
    assert_eq!(e.code(), "date_order");
    assert!(e.to_string().contains("before it starts"), "{e}");
    let e = ops::history(o, &filter(|f| f.from = Some("next week".into()))).unwrap_err();
    assert_eq!(e.code(), "bad_date");
}

#[test]
fn the_period_follows_the_office_local_day_to_the_second() {
    let mut ax = Ax::new();
    let a = ax.keyed.clone();
    let midnight = handover_core::history::day_start("2026-12-01".parse().unwrap()).unwrap();
    // Half a second before local midnight, and midnight itself.
    ax.at(midnight
        .checked_sub(jiff::SignedDuration::from_millis(500))
        .unwrap());
    let before = ax.pack(&a, WorkType::Repair, &["C0010"], Method::Transfer, None);
    ax.at(midnight);
    let after = ax.pack(&a, WorkType::Repair, &["C0011"], Method::Transfer, None);
    let ids = |from: Option<&str>, to: Option<&str>| -> Vec<String> {
        ops::history(
            ax.o(),
            &filter(|f| {
                f.from = from.map(str::to_string);
                f.to = to.map(str::to_string);
            }),
        )
        .unwrap()
        .into_iter()
        .map(|r| r.handover_id)
        .collect()
    };
    assert_eq!(ids(None, Some("2026-11-30")), vec![before.clone()]);
    assert_eq!(ids(Some("2026-12-01"), None), vec![after.clone()]);
    assert_eq!(
        ids(Some("2026-11-30"), Some("2026-12-01")),
        vec![before.clone(), after.clone()]
    );
    let rows = ops::history(ax.o(), &HistoryFilter::default()).unwrap();
    assert_eq!(rows[0].date.to_string(), "2026-11-30");
    assert_eq!(rows[1].date.to_string(), "2026-12-01");
}

#[test]
fn history_csv_opens_in_japanese_excel_and_parses_back() {
    let s = scenario();
    let rows = ops::history(s.ax.o(), &HistoryFilter::default()).unwrap();
    let p = s.ax.t.scratch().join("h.csv");
    let saved = ops::export_history(&rows, &p, ExportFormat::Csv, Lang::Ja).unwrap();
    assert_eq!(saved.rows, 9);
    let bytes = std::fs::read(&p).unwrap();
    assert_eq!(saved.bytes, bytes.len() as u64);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    assert!(bytes.windows(2).any(|w| w == b"\r\n"), "CRLF");
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        headers,
        [
            "提供日",
            "引渡し番号",
            "顧客番号",
            "氏名",
            "委託先番号",
            "委託先",
            "工事の種類",
            "提供方法",
            "提供項目",
            "根拠",
            "返却・廃棄期限",
            "返却・廃棄確認日"
        ]
    );
    let recs: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(recs.len(), 9);
    assert_eq!(
        recs[1].iter().collect::<Vec<_>>(),
        [
            "2026-11-01",
            s.ho[0].as_str(),
            "C0002",
            "山口\u{3000}彩",
            s.ax.keyed.as_str(),
            "架空電設株式会社",
            "新規加入・引込工事",
            "電子データの伝送",
            "顧客番号・氏名・住所・電話番号・契約サービス・住宅の図面",
            "委託",
            "2026-12-01",
            "2026-11-15"
        ]
    );
    assert_eq!(&recs[3][7], "紙");
    assert_eq!(&recs[3][11], "");

    // English headers and labels; never overwrites.
    let p = s.ax.t.scratch().join("h_en.csv");
    ops::export_history(&rows, &p, ExportFormat::Csv, Lang::En).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(&r.headers().unwrap()[0], "Date");
    let rec = r.records().next().unwrap().unwrap();
    assert_eq!(&rec[7], "Electronic transfer");
    assert_eq!(&rec[9], "Entrustment");
    let e = ops::export_history(&rows, &p, ExportFormat::Csv, Lang::En).unwrap_err();
    assert_eq!(e.code(), "file_exists");
}

/// Every cell of a sheet as text.
fn sheet(path: &std::path::Path, name: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => format!("{i}"),
                    Data::Empty => String::new(),
                    other => panic!("unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect()
}

fn sheet_names(path: &std::path::Path) -> Vec<String> {
    open_workbook_auto(path).unwrap().sheet_names().to_vec()
}

#[test]
fn history_xlsx_reads_back_with_japanese_sheet_and_headers() {
    let s = scenario();
    let rows = ops::history(s.ax.o(), &filter(|f| f.customer_id = Some("C0002".into()))).unwrap();
    let p = s.ax.t.scratch().join("h.xlsx");
    ops::export_history(&rows, &p, ExportFormat::Xlsx, Lang::Ja).unwrap();
    assert_eq!(sheet_names(&p), ["提供履歴"]);
    let cells = sheet(&p, "提供履歴");
    assert_eq!(cells.len(), 4);
    assert_eq!(cells[0][0], "提供日");
    assert_eq!(cells[0][8], "提供項目");
    assert_eq!(cells[2][1], s.ho[1]);
    assert_eq!(cells[2][7], "紙");
    assert_eq!(cells[2][8], "顧客番号・氏名・住所・電話番号・契約サービス");
    assert_eq!(cells[3][6], "撤去工事");
    let p = s.ax.t.scratch().join("h_en.xlsx");
    ops::export_history(&rows, &p, ExportFormat::Xlsx, Lang::En).unwrap();
    assert_eq!(sheet_names(&p), ["History"]);
    assert_eq!(sheet(&p, "History")[0][11], "Returned/destroyed on");
}

// ---------------------------------------------------------------------------------------------
// The customer's disclosure record

/// The printable disclosure record of C0002 (three provisions, two recipients, a rejected
/// request told by mail), and saving it.
fn check_customer_page(s: &Scenario, r: &handover_core::report::CustomerReport) {
    let html = handover_core::report::customer_report_html(r);
    for needle in [
        "個人データの提供記録",
        "〒330-0057",
        "2026年11月1日",
        "2026年11月10日",
        "2026年11月20日",
        "架空電設株式会社",
        "見本通信工業",
        "東京都架空区見本町1-1",
        "新規加入・引込工事",
        "故障修理",
        "撤去工事",
        "電子データの伝送",
        "顧客番号・氏名・住所・電話番号・契約サービス・住宅の図面",
        "委託",
        "2026年11月15日</span>に確認",
        "工事に電話連絡が必要なため",
        "不承諾",
        "2026年11月23日</span>（郵送）",
        "@page { size: A4;",
    ] {
        assert!(html.contains(needle), "{needle:?} missing");
    }
    assert_eq!(
        html.matches("<tr><td>").count(),
        3 + 2 + 1 + 1,
        "3 provisions, 2 recipients, 1 request, 1 look (this one)"
    );
    assert!(!html.contains("<script"));
    // Saved: never over an existing file.
    let p = s.ax.t.scratch().join("c.html");
    let saved = ops::save_customer_report_html(r, &p).unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), html);
    assert_eq!(saved.rows, 3);
    assert_eq!(
        ops::save_customer_report_html(r, &p).unwrap_err().code(),
        "file_exists"
    );
}

#[test]
fn customer_report_lists_every_provision_and_request() {
    let mut s = scenario();
    let req =
        s.ax.request("C0002", Scope::Fields(vec![Phone]), "2026-11-22");
    ops::request_decide(
        s.ax.office(),
        &req.id,
        false,
        Some("工事に電話連絡が必要なため"),
    )
    .unwrap();
    ops::request_notify(
        s.ax.office(),
        &req.id,
        "2026-11-23",
        "mail".parse().unwrap(),
    )
    .unwrap();
    let before = s.ax.t.snapshot();
    let r = ops::report_customer(s.ax.office(), "C0002").unwrap();
    assert_eq!(s.ax.t.snapshot(), before, "reports write nothing");
    assert_eq!(r.customer_id, "C0002");
    let c = r.customer.as_ref().unwrap();
    assert_eq!(c.name.as_deref(), Some("山口\u{3000}彩"));
    assert_eq!(c.postal_code.as_deref(), Some("330-0057"));
    assert_eq!(
        c.address.as_deref(),
        Some("埼玉県模擬市サンプル台5丁目3番7号")
    );
    assert_eq!(
        hist(&r.provisions),
        vec![
            row(&s.ho[0], "C0002", &INSTALL),
            row(&s.ho[1], "C0002", &REPAIR),
            row(&s.ho[2], "C0002", &REMOVAL)
        ]
    );
    assert_eq!(
        r.recipients
            .iter()
            .map(|k| (k.name.as_str(), k.address.as_deref()))
            .collect::<Vec<_>>(),
        [
            ("架空電設株式会社", Some("東京都架空区見本町1-1")),
            ("見本通信工業", None)
        ]
    );
    assert_eq!(r.requests.len(), 1);
    assert_eq!(r.generated_on.to_string(), "2026-11-23");

    check_customer_page(&s, &r);
}

#[test]
fn customer_report_without_provisions_and_for_nobody() {
    let mut s = scenario();
    let r = ops::report_customer(s.ax.office(), "C0300").unwrap();
    assert!(r.provisions.is_empty() && r.requests.is_empty());
    let html = handover_core::report::customer_report_html(&r);
    assert!(html.contains("お客様の個人データを提供した記録はありません。"));
    assert!(html.contains("お申し出の記録はありません。"));
    let e = ops::report_customer(s.ax.office(), "C9999").unwrap_err();
    assert_eq!(e.code(), "unknown_customer");
    assert!(e.to_string().contains("C9999"), "{e}");
}

#[test]
fn hostile_register_text_is_escaped_in_html_and_defused_in_exports() {
    let mut ax = Ax::new();
    let reg = ax.t.scratch().join("hostile.csv");
    std::fs::write(
        &reg,
        "顧客番号,氏名,住所,電話番号,契約サービス\n\
         H001,<script>alert('x')</script>,\"=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\",03-0000-0001,ケーブルテレビ\n",
    )
    .unwrap();
    ops::import_register(ax.office(), &reg, &Default::default(), &mut NoProgress).unwrap();
    let a = ax.keyed.clone();
    ax.day("2026-11-01");
    ax.pack(&a, WorkType::Repair, &["H001"], Method::Transfer, None);
    ax.request("H001", Scope::All, "2026-11-01");

    let r = ops::report_customer(ax.office(), "H001").unwrap();
    let html = handover_core::report::customer_report_html(&r);
    assert!(!html.contains("<script"), "raw script tag in the report");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("=HYPERLINK(&quot;http://example.invalid&quot;"));

    let leak = ops::leak_report(
        ax.office(),
        &LeakQuery {
            contractor_id: Some(a.clone()),
            keys_lost: true,
            ..Default::default()
        },
    )
    .unwrap();
    let html = handover_core::report::leak_report_html(&leak);
    assert!(!html.contains("<script"));
    assert!(html.contains("&lt;script&gt;"));

    let rows = ops::history(ax.o(), &HistoryFilter::default()).unwrap();
    let p = ax.t.scratch().join("h.csv");
    ops::export_history(&rows, &p, ExportFormat::Csv, Lang::Ja).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    let rec = csv::Reader::from_reader(&bytes[3..])
        .records()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(&rec[3], "<script>alert('x')</script>");
    // The address is not in the history; a formula-like name would be defused like this:
    let p = ax.t.scratch().join("l.xlsx");
    ops::save_leak_report_xlsx(&leak, &p, Lang::Ja).unwrap();
    let notify = sheet(&p, "通知先");
    assert_eq!(notify[1][3], "=HYPERLINK(\"http://example.invalid\",\"x\")");
    let mut wb = open_workbook_auto(&p).unwrap();
    let formulas = wb.worksheet_formula("通知先").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "a value was written as a formula"
    );
}

#[test]
fn formula_like_names_are_defused_in_the_csv() {
    let mut ax = Ax::new();
    let reg = ax.t.scratch().join("formula.csv");
    std::fs::write(
        &reg,
        "顧客番号,氏名,住所,電話番号,契約サービス\n\
         F001,=1+2,東京都架空区1,03-0000-0002,ケーブルテレビ\n",
    )
    .unwrap();
    ops::import_register(ax.office(), &reg, &Default::default(), &mut NoProgress).unwrap();
    let a = ax.keyed.clone();
    ax.day("2026-11-01");
    ax.pack(&a, WorkType::Repair, &["F001"], Method::Transfer, None);
    let rows = ops::history(ax.o(), &HistoryFilter::default()).unwrap();
    assert_eq!(rows[0].customer_name.as_deref(), Some("=1+2"));
    let p = ax.t.scratch().join("f.csv");
    ops::export_history(&rows, &p, ExportFormat::Csv, Lang::Ja).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    let rec = csv::Reader::from_reader(&bytes[3..])
        .records()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(&rec[3], "'=1+2");
    let p = ax.t.scratch().join("f.xlsx");
    ops::export_history(&rows, &p, ExportFormat::Xlsx, Lang::Ja).unwrap();
    assert_eq!(
        sheet(&p, "提供履歴")[1][3],
        "=1+2",
        "XLSX keeps it, as text"
    );
}

// ---------------------------------------------------------------------------------------------
// The leak report

/// The leak report shown (a recorded look, through a second office on the same store).
fn leak(s: &Scenario, f: impl FnOnce(&mut LeakQuery)) -> LeakReport {
    let mut q = LeakQuery::default();
    f(&mut q);
    ops::leak_report(&mut s.ax.second(), &q).unwrap()
}

fn counts(r: &LeakReport) -> Vec<(Field, usize, usize)> {
    r.field_counts
        .iter()
        .map(|c| (c.field, c.people, c.exposed_people))
        .collect()
}

/// The letters of the leak of HO1 and HO2: to the three whose paper sheet was lost, with the
/// register's address.
fn check_letters(r: &LeakReport) {
    // Letters go to the three whose paper sheet was lost, with the register's address.
    assert_eq!(
        r.notification_list
            .iter()
            .map(|n| (
                n.customer_id.as_str(),
                n.name.as_deref().unwrap(),
                n.postal_code.as_deref().unwrap(),
                n.address.as_deref().unwrap()
            ))
            .collect::<Vec<_>>(),
        [
            (
                "C0002",
                "山口\u{3000}彩",
                "330-0057",
                "埼玉県模擬市サンプル台5丁目3番7号"
            ),
            (
                "C0004",
                "田中\u{3000}彩",
                "530-0033",
                "大阪府仮想市仮想野2丁目8番17号 サンプルコーポ308号室"
            ),
            (
                "C0005",
                "長谷川\u{3000}千尋",
                "220-0043",
                "神奈川県架空市仮想野1丁目25番5号"
            ),
        ]
    );
}

#[test]
fn leak_by_handovers_counts_people_fields_and_protection() {
    let s = scenario();
    let before = s.ax.t.snapshot();
    let r = leak(&s, |q| {
        q.handover_ids = vec![s.ho[0].clone(), s.ho[1].clone(), s.ho[0].clone()]
    });
    // A preview records nothing in the ledger but the look itself (the record of use, sealed
    // when the office that showed it closed).
    let after = s.ax.t.snapshot();
    assert_eq!(
        (&after.customers, &after.contractors),
        (&before.customers, &before.contractors)
    );
    let added: Vec<&str> = after.ledger[before.ledger.len()..]
        .iter()
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(added, ["usage.sealed"], "a preview writes nothing else");
    assert_eq!(
        r.handovers
            .iter()
            .map(|h| (h.handover_id.as_str(), h.protection, h.exempt, h.customers))
            .collect::<Vec<_>>(),
        [
            (s.ho[0].as_str(), Protection::Encrypted, true, 3),
            (s.ho[1].as_str(), Protection::Paper, false, 3)
        ]
    );
    // C0001..C0005; C0002 is in both, counted once; HO1 is exempt.
    assert_eq!((r.people, r.exposed_people), (5, 3));
    assert_eq!(
        counts(&r),
        [
            (CustomerId, 5, 3),
            (Name, 5, 3),
            (Address, 5, 3),
            (Phone, 5, 3),
            (Service, 5, 3),
            (FloorPlan, 3, 0)
        ]
    );
    let c2 = r
        .customers
        .iter()
        .find(|c| c.customer_id == "C0002")
        .unwrap();
    // In field order (INSTALL and REPAIR already are).
    assert_eq!(c2.fields, INSTALL.to_vec());
    assert_eq!(c2.exposed_fields, REPAIR.to_vec());
    assert_eq!(c2.handover_ids, [s.ho[0].clone(), s.ho[1].clone()]);
    assert!(
        !r.customers
            .iter()
            .find(|c| c.customer_id == "C0001")
            .unwrap()
            .exposed
    );
    assert!(!r.triggers.payment_data && !r.triggers.sensitive_data);
    assert!(!r.triggers.malice && !r.triggers.over_1000 && !r.report_required);
    assert_eq!(r.aware_on.to_string(), "2026-11-23");
    assert_eq!(r.deadlines.preliminary_target.to_string(), "2026-11-26");
    assert_eq!(r.deadlines.preliminary_by.to_string(), "2026-11-28");
    assert_eq!(
        (
            r.deadlines.final_by.to_string().as_str(),
            r.deadlines.final_days
        ),
        ("2026-12-23", 30)
    );
    check_letters(&r);
}

#[test]
fn leak_by_contractor_and_period_and_the_managers_judgements() {
    let s = scenario();
    // B: HO2 (paper) and HO3 (passphrase): nobody exempt.
    let b = leak(&s, |q| q.contractor_id = Some(s.ax.keyless.clone()));
    assert_eq!(b.handovers.len(), 2);
    assert_eq!(b.handovers[1].protection, Protection::Passphrase);
    assert!(!b.handovers[1].exempt);
    assert_eq!((b.people, b.exposed_people), (4, 4));
    assert_eq!(
        counts(&b),
        [
            (CustomerId, 4, 4),
            (Name, 4, 4),
            (Address, 4, 4),
            (Phone, 4, 4),
            (Service, 3, 3)
        ]
    );
    // From the 15th: HO3 only.
    let b15 = leak(&s, |q| {
        q.contractor_id = Some(s.ax.keyless.clone());
        q.from = Some("2026-11-15".into());
    });
    assert_eq!(b15.handovers.len(), 1);
    assert_eq!(
        b15.customers
            .iter()
            .map(|c| c.customer_id.as_str())
            .collect::<Vec<_>>(),
        ["C0002", "C0006"]
    );
    // A: HO1 and HO4, both encrypted with keys held apart: nobody to tell...
    let a = leak(&s, |q| q.contractor_id = Some(s.ax.keyed.clone()));
    assert_eq!((a.people, a.exposed_people), (4, 0));
    assert!(a.notification_list.is_empty());
    assert!(a.handovers.iter().all(|h| h.exempt));
    // ...even with malice suspected...
    let am = leak(&s, |q| {
        q.contractor_id = Some(s.ax.keyed.clone());
        q.malice = true;
    });
    assert!(!am.triggers.malice && !am.report_required);
    assert_eq!(am.deadlines.final_days, 60);
    // ...unless the keys were lost too: then malice makes it reportable.
    let ak = leak(&s, |q| {
        q.contractor_id = Some(s.ax.keyed.clone());
        q.malice = true;
        q.keys_lost = true;
        q.aware_on = Some("2026-11-22".into());
    });
    assert_eq!(ak.exposed_people, 4);
    assert!(ak.triggers.malice && ak.report_required);
    assert_eq!(ak.notification_list.len(), 4);
    assert_eq!(ak.deadlines.aware_on.to_string(), "2026-11-22");
    assert_eq!(ak.deadlines.preliminary_target.to_string(), "2026-11-25");
    assert_eq!(ak.deadlines.preliminary_by.to_string(), "2026-11-27");
    assert_eq!(ak.deadlines.final_by.to_string(), "2027-01-21");
}

#[test]
fn leak_report_refusals() {
    let s = scenario();
    let mut o = s.ax.second();
    let mut try_ = |f: &dyn Fn(&mut LeakQuery)| {
        let mut q = LeakQuery::default();
        f(&mut q);
        ops::leak_report(&mut o, &q).unwrap_err()
    };
    let msg = |e: handover_core::Error| e.to_string();
    assert!(msg(try_(&|_| {})).contains("name the lost handovers"));
    assert!(
        msg(try_(&|q| {
            q.handover_ids = vec![s.ho[0].clone()];
            q.contractor_id = Some(s.ax.keyed.clone());
        }))
        .contains("not both")
    );
    assert!(
        msg(try_(&|q| {
            q.handover_ids = vec![s.ho[0].clone()];
            q.from = Some("2026-11-01".into());
        }))
        .contains("goes with a contractor")
    );
    assert!(
        msg(try_(&|q| q.handover_ids = vec!["HO-2026-999999".into()]))
            .contains("no handover with id HO-2026-999999")
    );
    assert_eq!(
        try_(&|q| q.contractor_id = Some("CTR-0099".into())).code(),
        "unknown_contractor"
    );
    assert!(
        msg(try_(&|q| {
            q.contractor_id = Some(s.ax.keyed.clone());
            q.from = Some("2026-11-02".into());
            q.to = Some("2026-11-20".into());
        }))
        .contains("nothing to report")
    );
    let e = try_(&|q| {
        q.handover_ids = vec![s.ho[0].clone()];
        q.aware_on = Some("2026-11-24".into());
    });
    assert_eq!(e.code(), "date_in_future", "{e}");
    assert!(msg(e).contains("aware: 2026-11-24 is in the future"));
    assert!(
        msg(try_(&|q| {
            q.handover_ids = vec![s.ho[1].clone()];
            q.aware_on = Some("2026-11-09".into());
        }))
        .contains("before the first handover concerned (2026-11-10)")
    );
    assert_eq!(
        try_(&|q| {
            q.handover_ids = vec![s.ho[1].clone()];
            q.aware_on = Some("yesterday".into());
        })
        .code(),
        "bad_date"
    );
}

#[test]
fn recording_a_leak_report_keeps_ids_and_counts_but_no_names() {
    let mut s = scenario();
    let q = LeakQuery {
        handover_ids: vec![s.ho[1].clone()],
        malice: true,
        ..Default::default()
    };
    let r = ops::record_leak_report(s.ax.office(), &q).unwrap();
    let e = entries(s.ax.o()).pop().unwrap();
    assert_eq!(r.ledger_seq, Some(e.seq));
    assert_eq!(e.kind, "report.leak");
    let text = e.payload.clone().unwrap();
    let p: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(p["handoverIds"], serde_json::json!([s.ho[1]]));
    assert_eq!(p["awareOn"], "2026-11-23");
    assert_eq!(p["people"], 3);
    assert_eq!(p["exposedPeople"], 3);
    assert_eq!(p["malice"], true);
    assert_eq!(p["reportRequired"], true);
    assert_eq!(p["deadlines"]["finalBy"], "2027-01-22");
    assert_eq!(
        p["fieldCounts"][0],
        serde_json::json!({"field": "customer_id", "people": 3, "exposedPeople": 3})
    );
    for who in [
        "C0002",
        "C0004",
        "C0005",
        "山口",
        "田中",
        "長谷川",
        "埼玉県",
    ] {
        assert!(!text.contains(who), "{who} in the leak entry");
    }
    // Not indexed under any customer.
    assert!(
        !s.ax
            .o()
            .store()
            .entries_for_customer("C0002")
            .unwrap()
            .iter()
            .any(|x| x.seq == e.seq)
    );
    ops::verify_ledger(s.ax.o()).unwrap();
    // A refused query records nothing.
    let before = s.ax.t.snapshot();
    let bad = LeakQuery {
        handover_ids: vec!["HO-2026-999999".into()],
        ..Default::default()
    };
    assert!(ops::record_leak_report(s.ax.office(), &bad).is_err());
    assert_eq!(s.ax.t.snapshot(), before);
}

#[test]
fn more_than_1000_people_trigger_the_report() {
    let mut ax = Ax::new();
    let reg = ax.t.scratch().join("big.csv");
    let mut csv = String::from("顧客番号,氏名,住所,電話番号\n");
    for i in 1..=1001 {
        csv.push_str(&format!(
            "B{i:04},試験 {i},東京都架空区{i},03-0000-{:04}\n",
            i % 10000
        ));
    }
    std::fs::write(&reg, csv).unwrap();
    ops::import_register(ax.office(), &reg, &Default::default(), &mut NoProgress).unwrap();
    let b = ax.keyless.clone();
    let first: Vec<String> = (1..=1000).map(|i| format!("B{i:04}")).collect();
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    ax.day("2026-11-01");
    let ho1 = ax.pack(&b, WorkType::Removal, &first, Method::Paper, None);
    ax.day("2026-11-02");
    let ho2 = ax.pack(
        &b,
        WorkType::Removal,
        &["B0001", "B1001"],
        Method::Paper,
        None,
    );
    ax.day("2026-11-23");
    let one = ops::leak_report(
        ax.office(),
        &LeakQuery {
            handover_ids: vec![ho1.clone()],
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(one.exposed_people, 1000);
    assert!(
        !one.triggers.over_1000 && !one.report_required,
        "1,000 is not more than 1,000"
    );
    let both = ops::leak_report(
        ax.office(),
        &LeakQuery {
            contractor_id: Some(b),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((both.people, both.exposed_people), (1001, 1001));
    assert!(both.triggers.over_1000 && both.report_required);
    assert_eq!(both.handovers[1].handover_id, ho2);
    assert_eq!(both.notification_list.len(), 1001);
    let html = handover_core::report::leak_report_html(&both);
    assert!(html.contains("1,001 名"));
    assert!(html.contains("個人情報保護委員会への報告が必要です"));
}

#[test]
fn leak_report_html_and_xlsx_hold_the_rows() {
    let s = scenario();
    let r = leak(&s, |q| q.contractor_id = Some(s.ax.keyless.clone()));
    let html = handover_core::report::leak_report_html(&r);
    for needle in [
        "漏えい等事案",
        "事態を知った日",
        "見本通信工業",
        "紙（暗号化なし）",
        "age暗号化（パスフレーズ）",
        "報告対象の事態に該当しません",
        "2026年11月26日",
        "2026年12月23日",
        "埼玉県模擬市サンプル台5丁目3番7号",
        "千葉県架空郡見本町試験通1丁目14番3号",
    ] {
        assert!(html.contains(needle), "{needle:?} missing");
    }
    let p = s.ax.t.scratch().join("leak.html");
    ops::save_leak_report_html(&r, &p).unwrap();
    assert_eq!(
        ops::save_leak_report_html(&r, &p).unwrap_err().code(),
        "file_exists"
    );

    let p = s.ax.t.scratch().join("leak.xlsx");
    let saved = ops::save_leak_report_xlsx(&r, &p, Lang::Ja).unwrap();
    assert_eq!(saved.rows, 4);
    assert_eq!(
        sheet_names(&p),
        ["概要", "対象者", "項目別人数", "引渡し", "通知先"]
    );
    let summary = sheet(&p, "概要");
    assert_eq!(summary[1], ["事態を知った日", "2026-11-23"]);
    assert_eq!(summary[3], ["対象者数", "4"]);
    assert_eq!(summary[9], ["個人情報保護委員会への報告", "いいえ"]);
    let customers = sheet(&p, "対象者");
    assert_eq!(customers.len(), 5);
    assert_eq!(customers[0][0], "顧客番号");
    assert_eq!(customers[1][0], "C0002");
    assert_eq!(customers[1][5], format!("{}・{}", s.ho[1], s.ho[2]));
    let counts = sheet(&p, "項目別人数");
    assert_eq!(counts[5], ["契約サービス", "3", "3"]);
    let handovers = sheet(&p, "引渡し");
    assert_eq!(handovers.len(), 3);
    assert_eq!(handovers[1][4], "紙");
    assert_eq!(sheet(&p, "通知先").len(), 5);

    let p = s.ax.t.scratch().join("leak_en.xlsx");
    ops::save_leak_report_xlsx(&r, &p, Lang::En).unwrap();
    assert_eq!(
        sheet_names(&p),
        [
            "Summary",
            "Affected customers",
            "Counts per field",
            "Handovers",
            "Notification list"
        ]
    );
    assert_eq!(sheet(&p, "Counts per field")[1], ["Customer ID", "4", "4"]);
}

// ---------------------------------------------------------------------------------------------
// Overdue

#[test]
fn overdue_report_lists_late_returns_and_late_answers() {
    let mut s = scenario();
    // Received 11-05: due 11-19, overdue on the 23rd. Received 11-10: due the 24th, in time.
    let late = s.ax.request("C0007", Scope::All, "2026-11-05");
    let in_time = s.ax.request("C0009", Scope::All, "2026-11-10");
    let before = s.ax.t.snapshot();
    let r = ops::overdue_report(s.ax.o()).unwrap();
    assert_eq!(s.ax.t.snapshot(), before);
    assert_eq!(r.today.to_string(), "2026-11-23");
    assert_eq!(
        r.handovers
            .iter()
            .map(|h| (
                h.handover_id.as_str(),
                h.return_by.to_string(),
                h.days_overdue,
                h.customers
            ))
            .collect::<Vec<_>>(),
        [
            (s.ho[1].as_str(), "2026-11-20".to_string(), 3, 3),
            (s.ho[2].as_str(), "2026-11-22".to_string(), 1, 2)
        ]
    );
    assert_eq!(
        r.handovers[0].contractor_name.as_deref(),
        Some("見本通信工業")
    );
    assert_eq!(r.handovers[0].date.to_string(), "2026-11-10");
    assert_eq!(
        r.requests
            .iter()
            .map(|v| (v.request.id.as_str(), v.due.as_ref().unwrap().days_overdue))
            .collect::<Vec<_>>(),
        [(late.id.as_str(), 4)]
    );
    let _ = in_time;
    // Next day: the second request is due that day, still in time; HO4 is far off.
    s.ax.day("2026-11-24");
    let r = ops::overdue_report(s.ax.o()).unwrap();
    assert_eq!(r.requests.len(), 1);
    assert_eq!(r.handovers[0].days_overdue, 4);
    s.ax.day("2026-11-25");
    assert_eq!(ops::overdue_report(s.ax.o()).unwrap().requests.len(), 2);
    // A confirmation takes a handover off.
    ops::confirm_destruction(s.ax.office(), &s.ho[1], "2026-11-25", None).unwrap();
    let r = ops::overdue_report(s.ax.o()).unwrap();
    assert_eq!(r.handovers.len(), 1);
    assert_eq!(r.handovers[0].handover_id, s.ho[2]);
}

/// History lists handovers in the order they were recorded, also within one second. The stored
/// times are RFC 3339 texts whose fraction has only the digits it needs, and those do not sort
/// as times: "…:41.5Z" sorts after "…:41.56Z". (A CLI golden test caught this once: two packs
/// a few milliseconds apart came out in the wrong order.)
#[test]
fn history_keeps_the_recorded_order_within_one_second() {
    let mut ax = Ax::new();
    let a = ax.keyed.clone();
    let mut ids = Vec::new();
    for t in [
        "2026-12-07T00:00:41.5Z",
        "2026-12-07T00:00:41.56Z",
        "2026-12-07T00:00:42Z",
    ] {
        ax.at(t.parse().unwrap());
        let id = ax.pack(
            &a,
            WorkType::Installation,
            &["C0001"],
            Method::Transfer,
            None,
        );
        ids.push(id);
    }
    let listed: Vec<String> = ops::history(ax.o(), &HistoryFilter::default())
        .unwrap()
        .into_iter()
        .map(|r| r.handover_id)
        .collect();
    assert_eq!(listed, ids);
}
