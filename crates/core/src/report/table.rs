//! Reports as tables: one description (sheet name, headers in both languages, cells) that the
//! CSV and XLSX writers render, so both exports always hold the same columns.

use super::leak::LeakReport;
use super::{Lang, fields_label, method_label, work_type_label};
use crate::history::ProvisionRow;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Text, written as text (never a formula).
    Text(String),
    /// A count.
    Number(f64),
    /// Nothing.
    Empty,
}

impl Cell {
    pub(crate) fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub(crate) fn opt(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
    }

    /// A day as data: ISO `YYYY-MM-DD`.
    pub(crate) fn date(d: jiff::civil::Date) -> Cell {
        Cell::Text(d.to_string())
    }

    pub(crate) fn opt_date(d: Option<jiff::civil::Date>) -> Cell {
        d.map_or(Cell::Empty, Cell::date)
    }

    pub(crate) fn count(n: usize) -> Cell {
        Cell::Number(n as f64)
    }
}

/// A column: its header in each language and a width in characters for XLSX.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub ja: &'static str,
    pub en: &'static str,
    pub width: f64,
}

const fn col(ja: &'static str, en: &'static str, width: f64) -> Column {
    Column { ja, en, width }
}

impl Column {
    pub(crate) fn header(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.ja,
            Lang::En => self.en,
        }
    }
}

/// A named table (a sheet).
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub ja: &'static str,
    pub en: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub(crate) fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.ja,
            Lang::En => self.en,
        }
    }
}

fn yes_no(b: bool, lang: Lang) -> Cell {
    Cell::text(match (b, lang) {
        (true, Lang::Ja) => "はい",
        (false, Lang::Ja) => "いいえ",
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
    })
}

/// The history: one row per customer per handover.
pub(crate) fn history(rows: &[ProvisionRow], lang: Lang) -> Table {
    Table {
        ja: "提供履歴",
        en: "History",
        columns: vec![
            col("提供日", "Date", 12.0),
            col("引渡し番号", "Handover ID", 17.0),
            col("顧客番号", "Customer ID", 11.0),
            col("氏名", "Name", 16.0),
            col("委託先番号", "Contractor ID", 11.0),
            col("委託先", "Contractor", 24.0),
            col("工事の種類", "Work type", 20.0),
            col("提供方法", "Method", 20.0),
            col("提供項目", "Fields provided", 48.0),
            col("根拠", "Basis", 8.0),
            col("返却・廃棄期限", "Return by", 13.0),
            col("返却・廃棄確認日", "Returned/destroyed on", 15.0),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::date(r.date),
                    Cell::text(&r.handover_id),
                    Cell::text(&r.customer_id),
                    Cell::opt(r.customer_name.as_deref()),
                    Cell::text(&r.contractor_id),
                    Cell::opt(r.contractor_name.as_deref()),
                    Cell::text(work_type_label(r.work_type, lang)),
                    Cell::text(method_label(r.method, lang)),
                    Cell::text(fields_label(&r.fields, lang)),
                    Cell::text(match lang {
                        Lang::Ja => r.basis.label_ja(),
                        Lang::En => r.basis.label_en(),
                    }),
                    Cell::date(r.return_by),
                    Cell::opt_date(r.closed_on),
                ]
            })
            .collect(),
    }
}

/// The record of use (操作記録): one row per use.
pub(crate) fn usage(rows: &[crate::usage::UsageEntry], lang: Lang) -> Table {
    Table {
        ja: "操作記録",
        en: "Record of use",
        columns: vec![
            col("日時", "At", 26.0),
            col("操作者", "Operator", 14.0),
            col("操作", "Action", 22.0),
            col("内容", "Detail", 30.0),
            col("顧客数", "Customers", 9.0),
            col("顧客番号", "Customer IDs", 40.0),
            col("封印した台帳番号", "Sealed by entry", 12.0),
        ],
        rows: rows
            .iter()
            .map(|r| {
                let action = match (r.use_kind(), lang) {
                    (Some(k), Lang::Ja) => k.label_ja().to_string(),
                    (Some(k), Lang::En) => k.label_en().to_string(),
                    (None, _) => r.kind.clone(),
                };
                vec![
                    Cell::text(&r.at),
                    Cell::text(&r.operator),
                    Cell::text(action),
                    Cell::text(&r.detail),
                    Cell::count(r.count as usize),
                    Cell::text(r.customers.join(" ")),
                    r.sealed_by.map_or(Cell::Empty, |s| Cell::count(s as usize)),
                ]
            })
            .collect(),
    }
}

/// The leak report's sheets.
pub(crate) fn leak(r: &LeakReport, lang: Lang) -> Vec<Table> {
    vec![
        leak_summary(r, lang),
        leak_customers(r, lang),
        leak_counts(r, lang),
        leak_handovers(r, lang),
        leak_notify(r),
    ]
}

/// The summary sheet: awareness, counts, triggers, deadlines.
fn leak_summary(r: &LeakReport, lang: Lang) -> Table {
    let ja = lang == Lang::Ja;
    let t = |j: &str, e: &str| Cell::text(if ja { j } else { e });
    let mut summary = vec![
        vec![
            t("事態を知った日", "Date of awareness"),
            Cell::date(r.aware_on),
        ],
        vec![
            t("対象の引渡し数", "Handovers concerned"),
            Cell::count(r.handovers.len()),
        ],
        vec![t("対象者数", "People concerned"), Cell::count(r.people)],
        vec![
            t(
                "うち暗号化による除外のない人数",
                "Of whom not protected by encryption",
            ),
            Cell::count(r.exposed_people),
        ],
        vec![
            t("要配慮個人情報", "Sensitive personal data"),
            yes_no(r.triggers.sensitive_data, lang),
        ],
        vec![
            t(
                "財産的被害のおそれ（決済情報）",
                "Payment data (financial harm)",
            ),
            yes_no(r.triggers.payment_data, lang),
        ],
        vec![
            t("不正の目的のおそれ", "Suspected malice"),
            yes_no(r.triggers.malice, lang),
        ],
        vec![
            t("1,000人超", "More than 1,000 people"),
            yes_no(r.triggers.over_1000, lang),
        ],
        vec![
            t(
                "個人情報保護委員会への報告",
                "Report to the regulator required",
            ),
            yes_no(r.report_required, lang),
        ],
    ];
    summary.extend(deadline_rows(r, lang));
    if let Some(d) = &r.device {
        summary.push(vec![
            t(
                "紛失した端末・媒体: 暗号化による除外",
                "Lost device: encryption exemption",
            ),
            yes_no(d.exempt, lang),
        ]);
        for reason in &d.reasons {
            summary.push(vec![
                t("判断の理由", "Reasoning"),
                Cell::text(reason.label(lang)),
            ]);
        }
    }
    if r.keys_lost {
        summary.push(vec![
            t(
                "復号鍵・パスフレーズ・復号済みファイルも紛失",
                "Keys, passphrases or opened files lost too",
            ),
            yes_no(true, lang),
        ]);
    }
    Table {
        ja: "概要",
        en: "Summary",
        columns: vec![col("項目", "Item", 40.0), col("内容", "Value", 28.0)],
        rows: summary,
    }
}

/// The deadlines to the regulator.
fn deadline_rows(r: &LeakReport, lang: Lang) -> Vec<Vec<Cell>> {
    let ja = lang == Lang::Ja;
    let t = |j: &str, e: &str| Cell::text(if ja { j } else { e });
    vec![
        vec![
            t("速報の目安（3日）", "Preliminary report, target (3 days)"),
            Cell::date(r.deadlines.preliminary_target),
        ],
        vec![
            t(
                "速報の期限の目安（5日）",
                "Preliminary report, at the latest (5 days)",
            ),
            Cell::date(r.deadlines.preliminary_by),
        ],
        vec![
            if ja {
                Cell::Text(format!("確報の期限（{}日）", r.deadlines.final_days))
            } else {
                Cell::Text(format!(
                    "Final report due ({} days)",
                    r.deadlines.final_days
                ))
            },
            Cell::date(r.deadlines.final_by),
        ],
    ]
}

/// Everyone concerned, their fields and handovers.
fn leak_customers(r: &LeakReport, lang: Lang) -> Table {
    let ja = lang == Lang::Ja;
    Table {
        ja: "対象者",
        en: "Affected customers",
        columns: vec![
            col("顧客番号", "Customer ID", 11.0),
            col("氏名", "Name", 16.0),
            col("提供された項目", "Fields", 44.0),
            col("暗号化による除外なし", "Not protected", 12.0),
            col("除外のない項目", "Fields not protected", 44.0),
            col("引渡し番号", "Handovers", 34.0),
        ],
        rows: r
            .customers
            .iter()
            .map(|c| {
                vec![
                    Cell::text(&c.customer_id),
                    Cell::opt(c.name.as_deref()),
                    Cell::text(fields_label(&c.fields, lang)),
                    yes_no(c.exposed, lang),
                    Cell::text(fields_label(&c.exposed_fields, lang)),
                    Cell::text(c.handover_ids.join(if ja { "・" } else { "; " })),
                ]
            })
            .collect(),
    }
}

/// People per field.
fn leak_counts(r: &LeakReport, lang: Lang) -> Table {
    let ja = lang == Lang::Ja;
    Table {
        ja: "項目別人数",
        en: "Counts per field",
        columns: vec![
            col("項目", "Field", 20.0),
            col("人数", "People", 10.0),
            col("うち除外なし", "Not protected", 14.0),
        ],
        rows: r
            .field_counts
            .iter()
            .map(|f| {
                vec![
                    Cell::text(if ja {
                        f.field.label_ja()
                    } else {
                        f.field.label_en()
                    }),
                    Cell::count(f.people),
                    Cell::count(f.exposed_people),
                ]
            })
            .collect(),
    }
}

/// The handovers concerned, with their protection.
fn leak_handovers(r: &LeakReport, lang: Lang) -> Table {
    Table {
        ja: "引渡し",
        en: "Handovers",
        columns: vec![
            col("引渡し番号", "Handover ID", 17.0),
            col("提供日", "Date", 12.0),
            col("委託先", "Contractor", 24.0),
            col("工事の種類", "Work type", 20.0),
            col("提供方法", "Method", 20.0),
            col("保護", "Protection", 40.0),
            col("暗号化による除外", "Encryption exemption", 14.0),
            col("人数", "People", 8.0),
            col("返却・廃棄期限", "Return by", 13.0),
            col("返却・廃棄確認日", "Returned/destroyed on", 15.0),
        ],
        rows: r
            .handovers
            .iter()
            .map(|h| {
                vec![
                    Cell::text(&h.handover_id),
                    Cell::date(h.date),
                    Cell::text(h.contractor_name.as_deref().unwrap_or(&h.contractor_id)),
                    Cell::text(work_type_label(h.work_type, lang)),
                    Cell::text(method_label(h.method, lang)),
                    Cell::text(h.protection.label(lang)),
                    yes_no(h.exempt, lang),
                    Cell::count(h.customers),
                    Cell::date(h.return_by),
                    Cell::opt_date(h.closed_on),
                ]
            })
            .collect(),
    }
}

/// The people to write to.
fn leak_notify(r: &LeakReport) -> Table {
    Table {
        ja: "通知先",
        en: "Notification list",
        columns: vec![
            col("顧客番号", "Customer ID", 11.0),
            col("氏名", "Name", 16.0),
            col("郵便番号", "Postal code", 10.0),
            col("住所", "Address", 48.0),
        ],
        rows: r
            .notification_list
            .iter()
            .map(|n| {
                vec![
                    Cell::text(&n.customer_id),
                    Cell::opt(n.name.as_deref()),
                    Cell::opt(n.postal_code.as_deref()),
                    Cell::opt(n.address.as_deref()),
                ]
            })
            .collect(),
    }
}
