//! The disclosure record of one customer (R7, R10): every provision of their data — date,
//! recipient, items, basis — and their requests with the outcomes, printable in Japanese. It
//! is the office's answer to a customer's 開示請求 about provision to contractors (identity is
//! checked by staff before it is handed over, as R7 requires).

use serde::Serialize;
use ts_rs::TS;

use super::html::{self, esc, jdate, jdate_opt, nw, opt};
use super::{Lang, fields_label, method_label, work_type_label};
use crate::history::ProvisionRow;
use crate::requests::RequestView;

/// Who the record is about, as the register holds them now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CustomerSummary {
    /// 氏名
    pub name: Option<String>,
    /// フリガナ
    pub name_kana: Option<String>,
    /// 郵便番号
    pub postal_code: Option<String>,
    /// 住所
    pub address: Option<String>,
}

/// A recipient of the customer's data (a contractor of the roster).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecipientInfo {
    /// `CTR-0001`
    pub id: String,
    /// Company name.
    pub name: String,
    /// Its address, if the roster has one.
    pub address: Option<String>,
}

/// The disclosure record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CustomerReport {
    /// When it was made (RFC 3339 UTC).
    pub generated_at: String,
    /// The office-local day it was made.
    #[ts(type = "string")]
    pub generated_on: jiff::civil::Date,
    /// Who made it.
    pub operator: String,
    /// 顧客番号
    pub customer_id: String,
    /// The customer, or none if the register no longer holds them (purged).
    pub customer: Option<CustomerSummary>,
    /// Every provision of their data, oldest first.
    pub provisions: Vec<ProvisionRow>,
    /// The contractors that received it.
    pub recipients: Vec<RecipientInfo>,
    /// Their requests, oldest first.
    pub requests: Vec<RequestView>,
    /// Who in the office looked at or wrote out their data (操作記録), oldest first.
    pub uses: Vec<crate::usage::UsageEntry>,
}

/// The record as a printable Japanese HTML page.
pub fn customer_report_html(r: &CustomerReport) -> String {
    let mut body = String::new();
    body.push_str("<h1>個人データの提供記録</h1>\n");
    body.push_str(&who(r));
    body.push_str(
        "<div class=\"note\">当社は、工事の施工のため、業務の遂行に必要な範囲に限り、お客様の個人データを\
         工事業者に提供することがあります。これは個人データの取扱いの委託（個人情報保護法第27条第5項第1号）に\
         よる提供です。以下は、当社が記録しているお客様の個人データの提供のすべてと、提供の停止等の\
         お申し出の記録です。</div>\n",
    );
    body.push_str("<h2>1. 提供の記録</h2>\n");
    if r.provisions.is_empty() {
        body.push_str("<p>お客様の個人データを提供した記録はありません。</p>\n");
    } else {
        body.push_str(&provisions(r));
        body.push_str("<h2>2. 提供先</h2>\n");
        let rows: Vec<Vec<String>> = r
            .recipients
            .iter()
            .map(|k| vec![esc(&k.name), opt(k.address.as_deref())])
            .collect();
        body.push_str(&html::table("recipients", &["委託先", "所在地"], &rows));
    }
    body.push_str(&format!(
        "<h2>{}. 提供の停止等のお申し出</h2>\n",
        if r.provisions.is_empty() { 2 } else { 3 }
    ));
    if r.requests.is_empty() {
        body.push_str("<p>お申し出の記録はありません。</p>\n");
    } else {
        body.push_str(&requests(r));
    }
    body.push_str(&format!(
        "<h2>{}. 当社内での閲覧・出力の記録</h2>\n",
        if r.provisions.is_empty() { 3 } else { 4 }
    ));
    body.push_str(&uses(r));
    body.push_str(
        "<p class=\"small\">この記録は、提供やお申し出の都度、改ざんを検知できる台帳（ハッシュチェーン）に\
         記録した内容から作成しています。ご不明な点は当社窓口までお問い合わせください。</p>\n",
    );
    html::page(
        &format!("個人データの提供記録（顧客番号 {}）", r.customer_id),
        "開示",
        &body,
    )
}

/// Who looked at or wrote out their data: when, who, what.
fn uses(r: &CustomerReport) -> String {
    if r.uses.is_empty() {
        return "<p>閲覧・出力の記録はありません。</p>\n".into();
    }
    let rows: Vec<Vec<String>> = r
        .uses
        .iter()
        .map(|u| {
            let what = u.use_kind().map_or(u.kind.as_str(), |k| k.label_ja());
            vec![html::jdatetime(&u.at), esc(&u.operator), esc(what)]
        })
        .collect();
    html::table("uses", &["日時", "担当者", "操作"], &rows)
}

/// Who the record is about, and who made it; a note when the register no longer holds them.
fn who(r: &CustomerReport) -> String {
    let c = r.customer.as_ref();
    let postal = c.and_then(|c| c.postal_code.as_deref());
    let address = match (postal, c.and_then(|c| c.address.as_deref())) {
        (Some(p), Some(a)) => format!("〒{}　{}", esc(p), esc(a)),
        (None, Some(a)) => esc(a),
        _ => "—".into(),
    };
    let mut out = html::facts(&[
        ("顧客番号", esc(&r.customer_id)),
        ("お名前", opt(c.and_then(|c| c.name.as_deref()))),
        ("フリガナ", opt(c.and_then(|c| c.name_kana.as_deref()))),
        ("ご住所", address),
        ("作成日", jdate(r.generated_on)),
        ("作成者", esc(&r.operator)),
    ]);
    if c.is_none() {
        out.push_str(
            "<p class=\"note\">保存期間の経過により、お客様の登録情報はすでに削除されています。\
             提供の記録は、法令に基づく保存期間のあいだ保存しています。</p>\n",
        );
    }
    out
}

/// Every provision of their data: when, to whom, what, on which basis, and its return.
fn provisions(r: &CustomerReport) -> String {
    let rows: Vec<Vec<String>> = r
        .provisions
        .iter()
        .map(|p| {
            vec![
                jdate(p.date),
                esc(p.contractor_name.as_deref().unwrap_or(&p.contractor_id)),
                esc(work_type_label(p.work_type, Lang::Ja)),
                esc(method_label(p.method, Lang::Ja)),
                esc(&fields_label(&p.fields, Lang::Ja)),
                nw(p.basis.label_ja()),
                jdate(p.return_by),
                p.closed_on
                    .map_or_else(|| "未確認".to_string(), |d| format!("{}に確認", jdate(d))),
                nw(&p.handover_id),
            ]
        })
        .collect();
    html::table(
        "provisions",
        &[
            "提供日",
            "提供先（委託先）",
            "工事の種類",
            "提供方法",
            "提供した項目",
            "根拠",
            "返却・廃棄期限",
            "返却・廃棄",
            "記録番号",
        ],
        &rows,
    )
}

/// Their requests, the outcomes and when they were told; the provisions made before each.
fn requests(r: &CustomerReport) -> String {
    let rows: Vec<Vec<String>> = r
        .requests
        .iter()
        .map(|v| {
            let q = &v.request;
            let told = match (q.notified_on, q.notified_channel) {
                (Some(d), Some(c)) => format!("{}（{}）", jdate(d), esc(c.label_ja())),
                (Some(d), None) => jdate(d),
                _ => "—".into(),
            };
            vec![
                nw(&q.id),
                jdate(q.received),
                esc(q.channel.label_ja()),
                format!("{}{}", esc(&q.scope.label_ja()), earlier(v)),
                esc(q.status.label_ja()),
                jdate_opt(q.decided_on.or(q.withdrawn_on)),
                opt(q.reason.as_deref()),
                told,
            ]
        })
        .collect();
    html::table(
        "requests",
        &[
            "受付番号",
            "受付日",
            "受付方法",
            "お申し出の内容",
            "結果",
            "判断日・取下げ日",
            "理由",
            "ご連絡日（方法）",
        ],
        &rows,
    )
}

/// The provisions made before a request that gave data it now covers, as a line under it.
fn earlier(v: &RequestView) -> String {
    if v.earlier_handovers.is_empty() {
        return String::new();
    }
    format!(
        "<br><span class=\"small\">お申し出より前の提供: {}</span>",
        v.earlier_handovers
            .iter()
            .map(|e| format!(
                "{} {}（{}）",
                jdate(e.provision.date),
                esc(e
                    .provision
                    .contractor_name
                    .as_deref()
                    .unwrap_or(&e.provision.contractor_id)),
                esc(&fields_label(&e.in_scope, Lang::Ja))
            ))
            .collect::<Vec<_>>()
            .join("、")
    )
}
