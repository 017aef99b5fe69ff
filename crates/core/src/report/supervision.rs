//! The supervision report of one contractor over a period (委託先監督報告): the evidence of
//! APPI Art. 25 supervision in one document — agreement and clauses, the selection check,
//! reviews, the people allowed, every handover with what its receipts say, overdue returns and
//! incidents. HTML for print (Japanese, or English for an auditor) and XLSX (one sheet per
//! part); both render the same [`SupervisionReport`].

use jiff::civil::Date;
use serde::Serialize;
use ts_rs::TS;

use super::html::{self, esc, jdate, jdate_opt, jdatetime, opt};
use super::table::{Cell, Column, Table};
use super::{Lang, method_label, work_type_label};
use crate::Contractor;
use crate::WorkType;
use crate::handover::Method;
use crate::supervision::{Certification, Clause, ReviewResult, Supervision, SupervisionStatus};

/// What the office holds as evidence that a handover's data came back or was destroyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReceiptEvidence {
    /// A destruction receipt made by the contractor closed it.
    Destroyed,
    /// Closed by hand (`confirm-destruction`: paper, or no receipt).
    ByHand,
    /// Still open; the contractor's receipt says it arrived.
    Received,
    /// Still open; no receipt.
    None,
}

impl ReceiptEvidence {
    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ReceiptEvidence::Destroyed, Lang::Ja) => "廃棄証明あり",
            (ReceiptEvidence::ByHand, Lang::Ja) => "廃棄確認（手入力）",
            (ReceiptEvidence::Received, Lang::Ja) => "受領証明あり・未廃棄",
            (ReceiptEvidence::None, Lang::Ja) => "証明なし・未廃棄",
            (ReceiptEvidence::Destroyed, Lang::En) => "destruction receipt",
            (ReceiptEvidence::ByHand, Lang::En) => "destruction confirmed by hand",
            (ReceiptEvidence::Received, Lang::En) => "receipt of arrival, not destroyed",
            (ReceiptEvidence::None, Lang::En) => "no receipt, not destroyed",
        }
    }
}

/// One handover to the contractor in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SupervisedHandover {
    /// `HO-2026-000123`
    pub handover_id: String,
    /// The office-local day it was made.
    #[ts(type = "string")]
    pub date: Date,
    /// The work.
    pub work_type: WorkType,
    /// How.
    pub method: Method,
    /// Customers handed over.
    pub customers: usize,
    /// Return-or-destroy date.
    #[ts(type = "string")]
    pub return_by: Date,
    /// Day it was closed.
    #[ts(type = "string | null")]
    pub closed_on: Option<Date>,
    /// The day the contractor's receipt says it arrived.
    pub received_on: Option<String>,
    /// What closes it, or does not yet.
    pub evidence: ReceiptEvidence,
    /// Days past its return-or-destroy date while still open (0: not overdue).
    pub days_overdue: u32,
}

/// The supervision report of one contractor and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SupervisionReport {
    /// The contractor and its agreement.
    pub contractor: Contractor,
    /// The supervision record.
    pub record: Supervision,
    /// What is due on the day the report was made.
    pub status: SupervisionStatus,
    /// First day of the period (inclusive), if any.
    #[ts(type = "string | null")]
    pub from: Option<Date>,
    /// Last day (inclusive), if any.
    #[ts(type = "string | null")]
    pub to: Option<Date>,
    /// Handovers in the period, oldest first.
    pub handovers: Vec<SupervisedHandover>,
    /// When it was made (RFC 3339 UTC).
    pub generated_at: String,
    /// By whom.
    pub generated_by: String,
}

impl SupervisionReport {
    /// Handovers still open past their date.
    pub fn overdue(&self) -> impl Iterator<Item = &SupervisedHandover> {
        self.handovers.iter().filter(|h| h.days_overdue > 0)
    }

    /// Is `d` in the period (always, when none is given)? Incidents are listed by it; the
    /// reviews are few and all listed (the latest one before the period is the evidence that
    /// covers it).
    fn in_period(&self, d: Date) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d <= t)
    }
}

/// Labels in either language.
fn l(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

fn day(lang: Lang, d: Date) -> String {
    match lang {
        Lang::Ja => jdate(d),
        Lang::En => html::nw(&d.to_string()),
    }
}

fn day_opt(lang: Lang, d: Option<Date>) -> String {
    match lang {
        Lang::Ja => jdate_opt(d),
        Lang::En => d.map_or_else(|| "—".into(), |d| html::nw(&d.to_string())),
    }
}

fn cert_label(c: Certification, lang: Lang) -> &'static str {
    match c {
        Certification::Pmark => l(lang, "プライバシーマーク", "P-mark"),
        Certification::Isms => "ISMS (ISO/IEC 27001)",
        Certification::None => l(lang, "なし", "none"),
    }
}

fn clause_label(c: Clause, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => c.label_ja(),
        Lang::En => c.label_en(),
    }
}

fn result_label(r: Option<ReviewResult>, lang: Lang) -> &'static str {
    match r {
        Some(ReviewResult::Ok) => l(lang, "問題なし", "no issues"),
        Some(ReviewResult::Issues) => l(lang, "指摘あり", "issues found"),
        None => l(lang, "未実施", "not done"),
    }
}

fn yes(b: bool, lang: Lang) -> &'static str {
    match b {
        true => l(lang, "あり", "yes"),
        false => l(lang, "なし", "no"),
    }
}

/// The report as a printable page in `lang`.
pub fn supervision_report_html(r: &SupervisionReport, lang: Lang) -> String {
    let mut b = format!(
        "<h1>{}</h1>\n",
        l(lang, "委託先監督報告書", "Contractor supervision report")
    );
    b.push_str(&head_facts(r, lang));
    b.push_str(&format!(
        "<h2>1. {}</h2>\n",
        l(lang, "契約と条項", "Agreement and clauses")
    ));
    b.push_str(&clauses_html(r, lang));
    b.push_str(&format!(
        "<h2>2. {}</h2>\n",
        l(lang, "選定時の確認", "Selection check")
    ));
    b.push_str(&check_html(r, lang));
    b.push_str(&format!(
        "<h2>3. {}</h2>\n",
        l(lang, "年次点検", "Yearly reviews")
    ));
    b.push_str(&reviews_html(r, lang));
    b.push_str(&format!(
        "<h2>4. {}</h2>\n",
        l(
            lang,
            "引渡しと返却・廃棄",
            "Handovers and their return or destruction"
        )
    ));
    b.push_str(&handovers_html(r, lang, false));
    b.push_str(&format!(
        "<h2>5. {}</h2>\n",
        l(lang, "期限を過ぎた未返却・未廃棄", "Overdue returns")
    ));
    b.push_str(&handovers_html(r, lang, true));
    b.push_str(&format!(
        "<h2>6. {}</h2>\n",
        l(lang, "事故・インシデント", "Incidents")
    ));
    b.push_str(&incidents_html(r, lang));
    html::page(
        l(lang, "委託先監督報告書", "Contractor supervision report"),
        l(lang, "取扱注意", "CONFIDENTIAL"),
        &b,
    )
}

fn period_text(r: &SupervisionReport, lang: Lang) -> String {
    match (r.from, r.to) {
        (None, None) => l(lang, "すべて", "all").to_string(),
        (f, t) => format!("{} 〜 {}", day_opt(lang, f), day_opt(lang, t)),
    }
}

fn head_facts(r: &SupervisionReport, lang: Lang) -> String {
    let c = &r.contractor;
    let people = if r.record.people.is_empty() {
        "—".to_string()
    } else {
        r.record
            .people
            .iter()
            .map(|p| esc(p))
            .collect::<Vec<_>>()
            .join("、")
    };
    html::facts(&[
        (
            l(lang, "委託先", "Contractor"),
            format!("{}（{}）", esc(&c.name), esc(&c.id)),
        ),
        (l(lang, "所在地", "Address"), opt(c.address.as_deref())),
        (l(lang, "連絡先", "Contact"), opt(c.contact.as_deref())),
        (l(lang, "対象期間", "Period"), period_text(r, lang)),
        (
            l(
                lang,
                "取扱いを認めた者",
                "People allowed to handle the data",
            ),
            people,
        ),
        (
            l(lang, "次回点検期限", "Next review due"),
            day(lang, r.status.next_review),
        ),
        (l(lang, "作成日時", "Made"), jdatetime(&r.generated_at)),
        (l(lang, "作成者", "Made by"), esc(&r.generated_by)),
    ])
}

fn clauses_html(r: &SupervisionReport, lang: Lang) -> String {
    let c = &r.contractor;
    let mut b = html::facts(&[(
        l(lang, "機密保持契約", "Confidentiality agreement"),
        format!(
            "{} 〜 {}",
            day(lang, c.agreement_signed),
            day(lang, c.agreement_expires)
        ),
    )]);
    let rows: Vec<Vec<String>> = Clause::ALL
        .into_iter()
        .map(|k| {
            let present = r.record.clauses.contains(&k);
            vec![esc(clause_label(k, lang)), html::nw(yes(present, lang))]
        })
        .collect();
    b.push_str(&html::table(
        "clauses",
        &[
            l(lang, "条項", "Clause"),
            l(lang, "契約書に記載", "In the agreement"),
        ],
        &rows,
    ));
    b
}

fn check_html(r: &SupervisionReport, lang: Lang) -> String {
    let Some(k) = &r.record.check else {
        return format!(
            "<p class=\"alert\">{}</p>\n",
            l(
                lang,
                "選定時の確認は記録されていません。",
                "No selection check is recorded."
            )
        );
    };
    let mut expires = day_opt(lang, k.expires);
    if r.status.certification_expired {
        expires.push_str(l(lang, "（期限切れ）", " (expired)"));
    }
    html::facts(&[
        (
            l(lang, "認証", "Certification"),
            esc(cert_label(k.certification, lang)),
        ),
        (l(lang, "登録番号", "Number"), opt(k.number.as_deref())),
        (l(lang, "有効期限", "Expires"), expires),
        (l(lang, "確認日", "Checked on"), day(lang, k.checked_on)),
        (l(lang, "確認者", "Checked by"), esc(&k.checked_by)),
    ])
}

fn reviews_html(r: &SupervisionReport, lang: Lang) -> String {
    let rows: Vec<Vec<String>> = r
        .record
        .reviews
        .iter()
        .map(|v| {
            vec![
                day(lang, v.due),
                day_opt(lang, v.done),
                html::nw(result_label(v.result, lang)),
                opt(v.notes.as_deref()),
            ]
        })
        .collect();
    let mut b = html::table(
        "reviews",
        &[
            l(lang, "期限", "Due"),
            l(lang, "実施日", "Done"),
            l(lang, "結果", "Result"),
            l(lang, "所見", "Notes"),
        ],
        &rows,
    );
    if r.status.review_overdue {
        b.push_str(&format!(
            "<p class=\"alert\">{} {}</p>\n",
            l(
                lang,
                "点検の期限を過ぎています:",
                "The review is overdue since"
            ),
            day(lang, r.status.next_review)
        ));
    }
    b
}

fn handovers_html(r: &SupervisionReport, lang: Lang, overdue_only: bool) -> String {
    let rows: Vec<Vec<String>> = r
        .handovers
        .iter()
        .filter(|h| !overdue_only || h.days_overdue > 0)
        .map(|h| {
            vec![
                html::nw(&h.handover_id),
                day(lang, h.date),
                esc(work_type_label(h.work_type, lang)),
                esc(method_label(h.method, lang)),
                h.customers.to_string(),
                day(lang, h.return_by),
                day_opt(lang, h.closed_on),
                esc(h.evidence.label(lang)),
                if h.days_overdue > 0 {
                    h.days_overdue.to_string()
                } else {
                    "—".into()
                },
            ]
        })
        .collect();
    if rows.is_empty() {
        return format!("<p>{}</p>\n", l(lang, "該当なし", "None"));
    }
    html::table(
        "handovers",
        &[
            l(lang, "引渡し番号", "Handover"),
            l(lang, "日付", "Date"),
            l(lang, "工事", "Work"),
            l(lang, "方法", "Method"),
            l(lang, "人数", "People"),
            l(lang, "返却・廃棄期限", "Return by"),
            l(lang, "完了日", "Closed on"),
            l(lang, "証明", "Evidence"),
            l(lang, "超過日数", "Days overdue"),
        ],
        &rows,
    )
}

fn incidents_html(r: &SupervisionReport, lang: Lang) -> String {
    let rows: Vec<Vec<String>> = r
        .record
        .incidents
        .iter()
        .filter(|i| r.in_period(i.on))
        .map(|i| vec![day(lang, i.on), esc(&i.what), opt(i.action.as_deref())])
        .collect();
    if rows.is_empty() {
        return format!("<p>{}</p>\n", l(lang, "該当なし", "None"));
    }
    html::table(
        "incidents",
        &[
            l(lang, "発生日", "Date"),
            l(lang, "内容", "What happened"),
            l(lang, "対応", "Action taken"),
        ],
        &rows,
    )
}

const fn col(ja: &'static str, en: &'static str, width: f64) -> Column {
    Column { ja, en, width }
}

/// The report as tables (sheets): summary, clauses, reviews, handovers, incidents.
pub(crate) fn tables(r: &SupervisionReport, lang: Lang) -> Vec<Table> {
    vec![
        summary_table(r, lang),
        Table {
            ja: "契約条項",
            en: "Clauses",
            columns: vec![
                col("条項", "Clause", 36.0),
                col("契約書に記載", "In the agreement", 14.0),
            ],
            rows: Clause::ALL
                .into_iter()
                .map(|k| {
                    let present = r.record.clauses.contains(&k);
                    vec![
                        Cell::text(clause_label(k, lang)),
                        Cell::text(yes(present, lang)),
                    ]
                })
                .collect(),
        },
        Table {
            ja: "年次点検",
            en: "Reviews",
            columns: vec![
                col("期限", "Due", 12.0),
                col("実施日", "Done", 12.0),
                col("結果", "Result", 12.0),
                col("所見", "Notes", 50.0),
            ],
            rows: r
                .record
                .reviews
                .iter()
                .map(|v| {
                    vec![
                        Cell::date(v.due),
                        Cell::opt_date(v.done),
                        Cell::text(result_label(v.result, lang)),
                        Cell::opt(v.notes.as_deref()),
                    ]
                })
                .collect(),
        },
        handovers_table(r, lang),
        Table {
            ja: "事故",
            en: "Incidents",
            columns: vec![
                col("発生日", "Date", 12.0),
                col("内容", "What happened", 50.0),
                col("対応", "Action taken", 50.0),
            ],
            rows: r
                .record
                .incidents
                .iter()
                .filter(|i| r.in_period(i.on))
                .map(|i| {
                    vec![
                        Cell::date(i.on),
                        Cell::text(&i.what),
                        Cell::opt(i.action.as_deref()),
                    ]
                })
                .collect(),
        },
    ]
}

fn summary_table(r: &SupervisionReport, lang: Lang) -> Table {
    let c = &r.contractor;
    let t = |ja: &'static str, en: &'static str| Cell::text(l(lang, ja, en));
    let k = r.record.check.as_ref();
    let rows = vec![
        vec![
            t("委託先", "Contractor"),
            Cell::text(format!("{} ({})", c.name, c.id)),
        ],
        vec![
            t("機密保持契約 締結日", "Agreement signed"),
            Cell::date(c.agreement_signed),
        ],
        vec![
            t("機密保持契約 有効期限", "Agreement expires"),
            Cell::date(c.agreement_expires),
        ],
        vec![t("対象期間 開始", "Period from"), Cell::opt_date(r.from)],
        vec![t("対象期間 終了", "Period to"), Cell::opt_date(r.to)],
        vec![
            t("認証", "Certification"),
            Cell::opt(k.map(|k| cert_label(k.certification, lang))),
        ],
        vec![
            t("登録番号", "Certificate number"),
            Cell::opt(k.and_then(|k| k.number.as_deref())),
        ],
        vec![
            t("認証の有効期限", "Certificate expires"),
            Cell::opt_date(k.and_then(|k| k.expires)),
        ],
        vec![
            t("確認日", "Checked on"),
            Cell::opt_date(k.map(|k| k.checked_on)),
        ],
        vec![
            t("確認者", "Checked by"),
            Cell::opt(k.map(|k| k.checked_by.as_str())),
        ],
        vec![
            t("取扱いを認めた者", "People allowed"),
            Cell::text(r.record.people.join("、")),
        ],
        vec![
            t("次回点検期限", "Next review due"),
            Cell::date(r.status.next_review),
        ],
        vec![
            t("点検期限超過", "Review overdue"),
            t_yes(r.status.review_overdue, lang),
        ],
        vec![
            t("期限超過の未返却", "Overdue returns"),
            Cell::count(r.overdue().count()),
        ],
        vec![t("作成日時", "Made"), Cell::text(&r.generated_at)],
        vec![t("作成者", "Made by"), Cell::text(&r.generated_by)],
    ];
    Table {
        ja: "概要",
        en: "Summary",
        columns: vec![col("項目", "Item", 28.0), col("内容", "Value", 40.0)],
        rows,
    }
}

fn t_yes(b: bool, lang: Lang) -> Cell {
    Cell::text(yes(b, lang))
}

fn handovers_table(r: &SupervisionReport, lang: Lang) -> Table {
    Table {
        ja: "引渡し",
        en: "Handovers",
        columns: vec![
            col("引渡し番号", "Handover", 18.0),
            col("日付", "Date", 12.0),
            col("工事", "Work", 16.0),
            col("方法", "Method", 14.0),
            col("人数", "People", 8.0),
            col("返却・廃棄期限", "Return by", 14.0),
            col("受領日", "Received on", 12.0),
            col("完了日", "Closed on", 12.0),
            col("証明", "Evidence", 24.0),
            col("超過日数", "Days overdue", 10.0),
        ],
        rows: r
            .handovers
            .iter()
            .map(|h| {
                vec![
                    Cell::text(&h.handover_id),
                    Cell::date(h.date),
                    Cell::text(work_type_label(h.work_type, lang)),
                    Cell::text(method_label(h.method, lang)),
                    Cell::count(h.customers),
                    Cell::date(h.return_by),
                    Cell::opt(h.received_on.as_deref()),
                    Cell::opt_date(h.closed_on),
                    Cell::text(h.evidence.label(lang)),
                    Cell::count(h.days_overdue as usize),
                ]
            })
            .collect(),
    }
}
