//! The leak report (R8, R11): after a contractor reports a loss, exactly whose data, which
//! fields, went where; whether each bundle was protected; which of the regulator's report
//! triggers apply; the deadlines; and the list of customers to write to.
//!
//! The triggers (APPI Art. 26, Enforcement Rules Art. 7) and how they are decided here:
//! - **sensitive data** (要配慮個人情報): Handover holds none of it — `false` by construction;
//! - **payment data** (financial harm): payment fields are dropped at import and can never be
//!   in a bundle or on paper — `false` by construction;
//! - **suspected malice** (不正の目的): the manager's judgement (`malice`);
//! - **more than 1,000 people**: counted from the data itself.
//!
//! Data "protected by advanced encryption with the key held apart" is exempt. A bundle
//! age-encrypted to X25519 keys qualifies: it opens only with the contractor's private key (on
//! their machine, never sent) or the office's (never leaves the office) — unless the manager
//! says keys, passphrases or opened files were lost too (`keys_lost`). A passphrase bundle is
//! **not** treated as exempt: the office cannot vouch for the passphrase's strength or that it
//! was not written down beside the media, and the safe error is to count it. Paper is never
//! exempt. The people count behind the 1,000 trigger and the notification list count only
//! people whose data was not protected this way; the report still lists everyone concerned.
//!
//! Deadlines count from the day the office became aware (知った日), the first day not counted:
//! the preliminary report (速報) "promptly", which the regulator's guidelines put at about 3–5
//! days; the final report (確報) within 30 days, or 60 when malice is suspected.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Lang;
use super::device::DeviceLoss;
use super::html::{self, esc, jdate, jdate_opt, jdatetime, nw, opt, thousands};
use super::{fields_label, method_label, work_type_label};
use crate::handover::{Encryption, Method};
use crate::history::ProvisionRow;
use crate::register::Customer;
use crate::{Field, Result, WorkType};

/// The regulator must be told when more than this many people are concerned.
pub const REPORT_THRESHOLD_PEOPLE: usize = 1000;

/// What the loss concerns, and the manager's judgements.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct LeakQuery {
    /// The handovers lost (or give a contractor).
    pub handover_ids: Vec<String>,
    /// Every handover of this contractor (optionally within `from`–`to`).
    pub contractor_id: Option<String>,
    /// First office-local day of the period (with a contractor).
    pub from: Option<String>,
    /// Last office-local day of the period, inclusive (with a contractor).
    pub to: Option<String>,
    /// Malice is suspected (不正の目的のおそれ): a manager's judgement.
    pub malice: bool,
    /// The decryption keys, passphrases or opened (plaintext) files were lost too: no
    /// encryption exemption.
    pub keys_lost: bool,
    /// The day the office became aware (YYYY-MM-DD; default today).
    pub aware_on: Option<String>,
    /// An office PC or medium holding this data folder was lost (instead of handovers): whose
    /// data was on it, and whether its encryption exempts it ([`DeviceLoss`]).
    pub lost_device: bool,
}

/// How a handover's data was protected while outside the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Protection {
    /// age-encrypted to X25519 keys held apart (the contractor's and the office's).
    Encrypted,
    /// age-encrypted to a passphrase.
    Passphrase,
    /// A printed sheet.
    Paper,
}

impl Protection {
    /// From a handover's recorded encryption and method.
    pub fn of(encryption: Encryption, method: Method) -> Protection {
        match (method, encryption) {
            (Method::Paper, _) | (_, Encryption::None) => Protection::Paper,
            (_, Encryption::X25519) => Protection::Encrypted,
            (_, Encryption::Passphrase) => Protection::Passphrase,
        }
    }

    /// Label.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Protection::Encrypted, Lang::Ja) => "age暗号化（復号鍵は委託先と当社が別に保管）",
            (Protection::Passphrase, Lang::Ja) => "age暗号化（パスフレーズ）",
            (Protection::Paper, Lang::Ja) => "紙（暗号化なし）",
            (Protection::Encrypted, Lang::En) => "age encryption, keys held apart",
            (Protection::Passphrase, Lang::En) => "age encryption, passphrase",
            (Protection::Paper, Lang::En) => "paper (not encrypted)",
        }
    }
}

/// One handover the loss concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LeakHandover {
    /// `HO-2026-000123`
    pub handover_id: String,
    /// Office-local day of the handover.
    #[ts(type = "string")]
    pub date: Date,
    /// The contractor.
    pub contractor_id: String,
    /// Its name.
    pub contractor_name: Option<String>,
    /// The work.
    pub work_type: WorkType,
    /// How.
    pub method: Method,
    /// How the data was protected.
    pub protection: Protection,
    /// Does the encryption exemption apply?
    pub exempt: bool,
    /// Customers in it.
    pub customers: usize,
    /// Return-or-destroy date.
    #[ts(type = "string")]
    pub return_by: Date,
    /// Return or destruction confirmed on.
    #[ts(type = "string | null")]
    pub closed_on: Option<Date>,
}

/// A customer whose data the loss concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AffectedCustomer {
    /// 顧客番号
    pub customer_id: String,
    /// 氏名 (register, now).
    pub name: Option<String>,
    /// Every field of theirs in the handovers concerned.
    pub fields: Vec<Field>,
    /// Were any of them not protected by the exemption?
    pub exposed: bool,
    /// The fields in handovers without the exemption.
    pub exposed_fields: Vec<Field>,
    /// The handovers concerned that held their data.
    pub handover_ids: Vec<String>,
}

/// How many people lost a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldCount {
    /// The field.
    pub field: Field,
    /// People whose field was in the handovers concerned.
    pub people: usize,
    /// Of them, people whose field was not protected by the exemption.
    pub exposed_people: usize,
}

/// The report triggers of APPI Rules Art. 7.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LeakTriggers {
    /// 要配慮個人情報: never held by Handover.
    pub sensitive_data: bool,
    /// Payment data (financial harm): never stored, never handed over.
    pub payment_data: bool,
    /// Suspected malice, for unprotected data.
    pub malice: bool,
    /// More than 1,000 people with unprotected data.
    pub over_1000: bool,
}

/// Deadlines counted from the day of awareness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LeakDeadlines {
    /// The day the office became aware.
    #[ts(type = "string")]
    pub aware_on: Date,
    /// Preliminary report (速報): the guidelines' 3 days.
    #[ts(type = "string")]
    pub preliminary_target: Date,
    /// Preliminary report: the guidelines' 5 days at the latest.
    #[ts(type = "string")]
    pub preliminary_by: Date,
    /// Final report (確報).
    #[ts(type = "string")]
    pub final_by: Date,
    /// 30, or 60 when malice is suspected.
    pub final_days: u32,
}

/// A customer to write to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NotificationEntry {
    /// 顧客番号
    pub customer_id: String,
    /// 氏名
    pub name: Option<String>,
    /// 郵便番号
    pub postal_code: Option<String>,
    /// 住所
    pub address: Option<String>,
}

/// The leak report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LeakReport {
    /// When it was made (RFC 3339 UTC).
    pub generated_at: String,
    /// The day the office became aware.
    #[ts(type = "string")]
    pub aware_on: Date,
    /// Suspected malice (manager's input).
    pub malice: bool,
    /// Keys or plaintext lost too (manager's input).
    pub keys_lost: bool,
    /// The contractor asked about, if the report is by contractor.
    pub contractor_id: Option<String>,
    /// Period start, if any.
    pub from: Option<String>,
    /// Period end, if any.
    pub to: Option<String>,
    /// The handovers concerned, oldest first.
    pub handovers: Vec<LeakHandover>,
    /// Everyone concerned, by customer id.
    pub customers: Vec<AffectedCustomer>,
    /// People per field, in field order.
    pub field_counts: Vec<FieldCount>,
    /// People concerned.
    pub people: usize,
    /// Of them, people with data not protected by the exemption.
    pub exposed_people: usize,
    /// Which triggers apply.
    pub triggers: LeakTriggers,
    /// Must the regulator be told?
    pub report_required: bool,
    /// The deadlines.
    pub deadlines: LeakDeadlines,
    /// The people to write to (those with unprotected data), by customer id.
    pub notification_list: Vec<NotificationEntry>,
    /// A lost PC or medium: what was on it and the reasoning (with `lost_device`).
    pub device: Option<DeviceLoss>,
    /// The ledger entry that recorded the report, once recorded.
    #[ts(type = "number | null")]
    pub ledger_seq: Option<u64>,
}

/// What the report is built from (already selected and checked by the caller).
pub(crate) struct LeakInput<'a> {
    pub query: &'a LeakQuery,
    pub aware_on: Date,
    pub generated_at: String,
    /// One row per customer per handover concerned.
    pub rows: &'a [ProvisionRow],
    /// A lost device: what was found on it, and the customers in its register.
    pub device: Option<(DeviceLoss, Vec<Customer>)>,
}

/// Build the report; `register` looks a customer up for names and addresses.
pub(crate) fn build_leak_report(
    input: &LeakInput<'_>,
    register: &mut dyn FnMut(&str) -> Result<Option<Customer>>,
) -> Result<LeakReport> {
    let q = input.query;
    let (handovers, customers) = match &input.device {
        Some((loss, on_device)) => (Vec::new(), device_customers(on_device, loss.exempt)),
        None => {
            let handovers = handovers_concerned(input.rows, q.keys_lost);
            let customers = customers_concerned(input.rows, &handovers);
            (handovers, customers)
        }
    };
    let field_counts: Vec<FieldCount> = Field::ALL
        .into_iter()
        .map(|f| FieldCount {
            field: f,
            people: customers.iter().filter(|c| c.fields.contains(&f)).count(),
            exposed_people: customers
                .iter()
                .filter(|c| c.exposed_fields.contains(&f))
                .count(),
        })
        .filter(|c| c.people > 0)
        .collect();
    let people = customers.len();
    let exposed_people = customers.iter().filter(|c| c.exposed).count();
    let triggers = LeakTriggers {
        sensitive_data: false,
        payment_data: customers
            .iter()
            .any(|c| c.fields.iter().any(|f| f.is_payment())),
        malice: q.malice && exposed_people > 0,
        over_1000: exposed_people > REPORT_THRESHOLD_PEOPLE,
    };
    let report_required =
        triggers.sensitive_data || triggers.payment_data || triggers.malice || triggers.over_1000;
    let final_days = if q.malice { 60 } else { 30 };
    let add_days = crate::dates::add_days;
    let deadlines = LeakDeadlines {
        aware_on: input.aware_on,
        preliminary_target: add_days(input.aware_on, 3),
        preliminary_by: add_days(input.aware_on, 5),
        final_by: add_days(input.aware_on, final_days),
        final_days,
    };
    let notification_list = notification_list(&customers, register)?;
    Ok(LeakReport {
        generated_at: input.generated_at.clone(),
        aware_on: input.aware_on,
        malice: q.malice,
        keys_lost: q.keys_lost,
        contractor_id: q.contractor_id.clone(),
        from: q.from.clone(),
        to: q.to.clone(),
        handovers,
        customers,
        field_counts,
        people,
        exposed_people,
        triggers,
        report_required,
        deadlines,
        notification_list,
        device: input.device.as_ref().map(|(loss, _)| loss.clone()),
        ledger_seq: None,
    })
}

/// Everyone in the register of a lost device, with the fields it held of theirs; exposed
/// unless the device's encryption exempts it.
fn device_customers(on_device: &[Customer], exempt: bool) -> Vec<AffectedCustomer> {
    let mut out: Vec<AffectedCustomer> = on_device
        .iter()
        .map(|c| {
            let fields: Vec<Field> = Field::ALL.into_iter().filter(|f| c.has(*f)).collect();
            AffectedCustomer {
                customer_id: c.customer_id.clone(),
                name: c.name.clone(),
                exposed: !exempt,
                exposed_fields: if exempt { Vec::new() } else { fields.clone() },
                fields,
                handover_ids: Vec::new(),
            }
        })
        .collect();
    out.sort_by(|a, b| a.customer_id.cmp(&b.customer_id));
    out
}

/// The handovers of the rows, oldest first, each with its protection and whether the
/// encryption exemption applies (not when the keys were lost too).
fn handovers_concerned(rows: &[ProvisionRow], keys_lost: bool) -> Vec<LeakHandover> {
    let mut handovers: Vec<LeakHandover> = Vec::new();
    for r in rows {
        match handovers.last_mut() {
            Some(h) if h.handover_id == r.handover_id => h.customers += 1,
            _ => {
                let protection = Protection::of(r.encryption, r.method);
                handovers.push(LeakHandover {
                    handover_id: r.handover_id.clone(),
                    date: r.date,
                    contractor_id: r.contractor_id.clone(),
                    contractor_name: r.contractor_name.clone(),
                    work_type: r.work_type,
                    method: r.method,
                    protection,
                    exempt: protection == Protection::Encrypted && !keys_lost,
                    customers: 1,
                    return_by: r.return_by,
                    closed_on: r.closed_on,
                });
            }
        }
    }
    handovers
}

/// Everyone in the rows, by id: the union of their fields, and of their fields in handovers
/// without the exemption.
fn customers_concerned(rows: &[ProvisionRow], handovers: &[LeakHandover]) -> Vec<AffectedCustomer> {
    let exempt: BTreeMap<&str, bool> = handovers
        .iter()
        .map(|h| (h.handover_id.as_str(), h.exempt))
        .collect();
    let mut by_customer: BTreeMap<&str, AffectedCustomer> = BTreeMap::new();
    for r in rows {
        let c = by_customer
            .entry(r.customer_id.as_str())
            .or_insert_with(|| AffectedCustomer {
                customer_id: r.customer_id.clone(),
                name: r.customer_name.clone(),
                fields: Vec::new(),
                exposed: false,
                exposed_fields: Vec::new(),
                handover_ids: Vec::new(),
            });
        let unprotected = !exempt.get(r.handover_id.as_str()).copied().unwrap_or(false);
        for f in &r.fields {
            if !c.fields.contains(f) {
                c.fields.push(*f);
            }
            if unprotected && !c.exposed_fields.contains(f) {
                c.exposed_fields.push(*f);
            }
        }
        c.exposed |= unprotected;
        if !c.handover_ids.contains(&r.handover_id) {
            c.handover_ids.push(r.handover_id.clone());
        }
    }
    by_customer
        .into_values()
        .map(|mut c| {
            c.fields.sort();
            c.exposed_fields.sort();
            c
        })
        .collect()
}

/// The people to write to (those with unprotected data), with the register's address.
fn notification_list(
    customers: &[AffectedCustomer],
    register: &mut dyn FnMut(&str) -> Result<Option<Customer>>,
) -> Result<Vec<NotificationEntry>> {
    let mut out = Vec::new();
    for c in customers.iter().filter(|c| c.exposed) {
        let reg = register(&c.customer_id)?;
        out.push(NotificationEntry {
            customer_id: c.customer_id.clone(),
            name: reg
                .as_ref()
                .and_then(|r| r.name.clone())
                .or_else(|| c.name.clone()),
            postal_code: reg.as_ref().and_then(|r| r.postal_code.clone()),
            address: reg.as_ref().and_then(|r| r.address.clone()),
        });
    }
    Ok(out)
}

fn yes_no(b: bool) -> String {
    nw(if b { "該当" } else { "非該当" })
}

/// The report as a printable Japanese HTML page.
pub fn leak_report_html(r: &LeakReport) -> String {
    let mut b = String::new();
    b.push_str("<h1>漏えい等事案　対象者一覧・報告要否の確認</h1>\n");
    b.push_str(&facts(r));
    b.push_str("<h2>1. 個人情報保護委員会への報告の要否</h2>\n");
    b.push_str(&triggers(r));
    match &r.device {
        Some(d) => {
            b.push_str("<h2>2. 紛失した端末・媒体</h2>\n");
            b.push_str(&device_section(d));
        }
        None => {
            b.push_str("<h2>2. 対象の引渡し</h2>\n");
            b.push_str(&handovers_table(r));
        }
    }
    b.push_str("<h2>3. 項目別の人数</h2>\n");
    let rows: Vec<Vec<String>> = r
        .field_counts
        .iter()
        .map(|f| {
            vec![
                esc(f.field.label_ja()),
                thousands(f.people),
                thousands(f.exposed_people),
            ]
        })
        .collect();
    b.push_str(&html::table(
        "counts",
        &["項目", "人数", "うち除外なし"],
        &rows,
    ));
    b.push_str("<h2>4. 本人への通知先</h2>\n");
    b.push_str(&notification_table(r));
    b.push_str("<h2>5. 対象者一覧</h2>\n");
    b.push_str(&customers_table(r));
    b.push_str(
        "<p class=\"small\">暗号化による除外: 鍵を別に保管した age 暗号化（X25519）の引渡しは、高度な暗号化等の\
         措置が講じられたものとして報告・通知の対象人数から除いています。パスフレーズによる暗号化と紙は除外していません。\
         期限は事態を知った日の翌日から数えています。</p>\n",
    );
    html::page("漏えい等事案 対象者一覧", "取扱注意", &b)
}

/// A lost PC or medium: the reasoning, line by line, and the conclusion.
fn device_section(d: &DeviceLoss) -> String {
    let mut b = String::from("<ul class=\"reasons\">\n");
    for reason in &d.reasons {
        b.push_str(&format!("<li>{}</li>\n", esc(&reason.label(Lang::Ja))));
    }
    b.push_str("</ul>\n");
    b.push_str(&format!(
        "<p><strong>{}</strong></p>\n",
        match d.exempt {
            true => "暗号化による除外: あり（端末のデータは高度な暗号化等の措置が講じられ、鍵は端末と別に保管されています）",
            false => "暗号化による除外: なし（端末のデータを読めるおそれがあります）",
        }
    ));
    b
}

/// What the report is about: the day of awareness, the handovers, the people, the judgements.
fn facts(r: &LeakReport) -> String {
    let scope = match (&r.contractor_id, &r.from, &r.to) {
        (Some(c), from, to) => {
            let name = r
                .handovers
                .first()
                .and_then(|h| h.contractor_name.as_deref())
                .unwrap_or(c);
            let period = match (from, to) {
                (None, None) => "すべて".to_string(),
                (f, t) => format!(
                    "（{}〜{}）",
                    jdate_opt(f.as_deref()),
                    jdate_opt(t.as_deref())
                ),
            };
            format!("{}（{}）への引渡し{period}", esc(name), esc(c))
        }
        _ => r
            .handovers
            .iter()
            .map(|h| esc(&h.handover_id))
            .collect::<Vec<_>>()
            .join("、"),
    };
    let yes = |b: bool| if b { "あり" } else { "なし" }.to_string();
    html::facts(&[
        ("事態を知った日", jdate(r.aware_on)),
        ("対象", scope),
        (
            "対象の引渡し",
            format!("{} 件", thousands(r.handovers.len())),
        ),
        ("対象者", format!("{} 名", thousands(r.people))),
        (
            "うち暗号化による除外のない人",
            format!("{} 名", thousands(r.exposed_people)),
        ),
        ("不正の目的のおそれ（管理者の判断）", yes(r.malice)),
        (
            "復号鍵・パスフレーズ・復号済みファイルの紛失",
            yes(r.keys_lost),
        ),
        ("作成日時", jdatetime(&r.generated_at)),
    ])
}

/// Which of the regulator's report triggers apply, and the deadlines.
fn triggers(r: &LeakReport) -> String {
    let mut b = html::table(
        "triggers",
        &["報告対象となる事態（規則第7条）", "判定", "根拠"],
        &[
            vec![
                "要配慮個人情報の漏えい等".into(),
                yes_no(r.triggers.sensitive_data),
                "Handover は要配慮個人情報を取り扱いません。".into(),
            ],
            vec![
                "財産的被害が生じるおそれ（決済情報）".into(),
                yes_no(r.triggers.payment_data),
                "口座番号・クレジットカード番号は取り込み時に破棄され、保存も提供もされません。"
                    .into(),
            ],
            vec![
                "不正の目的によるおそれ".into(),
                yes_no(r.triggers.malice),
                "管理者の判断による入力です（暗号化で保護されたデータのみの場合は非該当）。".into(),
            ],
            vec![
                "1,000人を超える漏えい等".into(),
                yes_no(r.triggers.over_1000),
                format!(
                    "暗号化による除外のない人数 {} 名（基準: {} 名超）",
                    thousands(r.exposed_people),
                    thousands(REPORT_THRESHOLD_PEOPLE)
                ),
            ],
        ],
    );
    let d = &r.deadlines;
    let (target, by, fin) = (
        jdate(d.preliminary_target),
        jdate(d.preliminary_by),
        jdate(d.final_by),
    );
    b.push_str(&if r.report_required {
        format!(
            "<div class=\"alert\">個人情報保護委員会への報告が必要です。速報: {target}〜{by}まで（目安）、確報: {fin}まで（{}日以内）。\
             本人への通知も必要です（下記「4. 本人への通知先」）。</div>\n",
            d.final_days
        )
    } else {
        format!(
            "<div class=\"note\">報告対象の事態に該当しません（判断の前提が変われば再作成してください）。\
             参考までに、報告が必要な場合の期限は、速報 {target}〜{by}（目安）、確報 {fin}（{}日以内）です。</div>\n",
            d.final_days
        )
    });
    b
}

/// The handovers concerned, with their protection.
fn handovers_table(r: &LeakReport) -> String {
    let rows: Vec<Vec<String>> = r
        .handovers
        .iter()
        .map(|h| {
            vec![
                nw(&h.handover_id),
                jdate(h.date),
                esc(h.contractor_name.as_deref().unwrap_or(&h.contractor_id)),
                esc(work_type_label(h.work_type, Lang::Ja)),
                esc(method_label(h.method, Lang::Ja)),
                esc(h.protection.label(Lang::Ja)),
                nw(if h.exempt { "除外" } else { "除外なし" }),
                thousands(h.customers),
                jdate_opt(h.closed_on),
            ]
        })
        .collect();
    html::table(
        "handovers",
        &[
            "引渡し番号",
            "提供日",
            "委託先",
            "工事の種類",
            "提供方法",
            "保護",
            "暗号化による除外",
            "人数",
            "返却・廃棄確認日",
        ],
        &rows,
    )
}

/// The people to write to, or a sentence saying there are none.
fn notification_table(r: &LeakReport) -> String {
    if r.notification_list.is_empty() {
        return "<p>暗号化による除外のない対象者はいません（全員のデータが、鍵を別に保管した暗号化で保護されています）。</p>\n"
            .into();
    }
    let rows: Vec<Vec<String>> = r
        .notification_list
        .iter()
        .map(|n| {
            vec![
                esc(&n.customer_id),
                opt(n.name.as_deref()),
                opt(n.postal_code.as_deref()),
                opt(n.address.as_deref()),
            ]
        })
        .collect();
    html::table("notify", &["顧客番号", "氏名", "郵便番号", "住所"], &rows)
}

/// Everyone concerned, with their fields and handovers.
fn customers_table(r: &LeakReport) -> String {
    let rows: Vec<Vec<String>> = r
        .customers
        .iter()
        .map(|c| {
            vec![
                nw(&c.customer_id),
                opt(c.name.as_deref()),
                esc(&fields_label(&c.fields, Lang::Ja)),
                nw(if c.exposed { "除外なし" } else { "除外" }),
                esc(&c.handover_ids.join("、")),
            ]
        })
        .collect();
    html::table(
        "customers",
        &[
            "顧客番号",
            "氏名",
            "提供された項目",
            "暗号化による除外",
            "引渡し番号",
        ],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Basis;

    fn row(h: &str, enc: &str, method: Method, c: &str, fields: &[Field]) -> ProvisionRow {
        ProvisionRow {
            date: "2026-11-01".parse().unwrap(),
            created_at: "2026-11-01T00:00:00Z".parse().unwrap(),
            handover_id: h.into(),
            customer_id: c.into(),
            customer_name: Some(format!("name {c}")),
            contractor_id: "CTR-0001".into(),
            contractor_name: Some("架空電設".into()),
            work_type: WorkType::Repair,
            method,
            encryption: enc.parse().unwrap(),
            fields: fields.to_vec(),
            basis: Basis::Entrustment,
            return_by: "2026-12-01".parse().unwrap(),
            closed_on: None,
            overdue: false,
        }
    }

    fn report(rows: &[ProvisionRow], q: &LeakQuery) -> LeakReport {
        build_leak_report(
            &LeakInput {
                query: q,
                aware_on: "2026-11-23".parse().unwrap(),
                generated_at: "2026-11-23T00:00:00Z".into(),
                rows,
                device: None,
            },
            &mut |_| Ok(None),
        )
        .unwrap()
    }

    fn people(n: usize, enc: &str, method: Method) -> Vec<ProvisionRow> {
        (0..n)
            .map(|i| {
                row(
                    "HO-1",
                    enc,
                    method,
                    &format!("C{i:05}"),
                    &[Field::CustomerId, Field::Name],
                )
            })
            .collect()
    }

    #[test]
    fn the_1000_people_trigger_is_more_than_1000_unprotected_people() {
        let q = LeakQuery::default();
        let r = report(&people(1000, "none", Method::Paper), &q);
        assert_eq!((r.people, r.exposed_people), (1000, 1000));
        assert!(!r.triggers.over_1000 && !r.report_required);
        let r = report(&people(1001, "none", Method::Paper), &q);
        assert!(r.triggers.over_1000 && r.report_required);
        // Encrypted with the keys held apart: exempt, however many.
        let r = report(&people(1001, "x25519", Method::Transfer), &q);
        assert_eq!((r.people, r.exposed_people), (1001, 0));
        assert!(!r.report_required);
        assert!(r.notification_list.is_empty());
        // ...unless the keys were lost too.
        let q = LeakQuery {
            keys_lost: true,
            ..Default::default()
        };
        let r = report(&people(1001, "x25519", Method::Media), &q);
        assert!(r.triggers.over_1000);
        // A passphrase bundle is not exempt.
        let r = report(
            &people(1001, "passphrase", Method::Transfer),
            &LeakQuery::default(),
        );
        assert!(r.triggers.over_1000);
    }

    #[test]
    fn malice_needs_unprotected_data_and_moves_the_final_deadline() {
        let q = LeakQuery {
            malice: true,
            ..Default::default()
        };
        let r = report(&people(2, "x25519", Method::Transfer), &q);
        assert!(!r.triggers.malice && !r.report_required);
        assert_eq!(r.deadlines.final_days, 60);
        assert_eq!(r.deadlines.final_by.to_string(), "2027-01-22");
        let r = report(&people(2, "none", Method::Paper), &q);
        assert!(r.triggers.malice && r.report_required);
        let r = report(&people(2, "none", Method::Paper), &LeakQuery::default());
        assert!(!r.report_required);
        assert_eq!(
            (
                r.deadlines.preliminary_target.to_string().as_str(),
                r.deadlines.preliminary_by.to_string().as_str(),
                r.deadlines.final_by.to_string().as_str(),
                r.deadlines.final_days
            ),
            ("2026-11-26", "2026-11-28", "2026-12-23", 30)
        );
    }

    #[test]
    fn a_customer_in_two_handovers_is_one_person_with_the_union_of_fields() {
        let rows = vec![
            row(
                "HO-1",
                "x25519",
                Method::Transfer,
                "C1",
                &[Field::CustomerId, Field::Phone],
            ),
            row(
                "HO-1",
                "x25519",
                Method::Transfer,
                "C2",
                &[Field::CustomerId],
            ),
            row(
                "HO-2",
                "none",
                Method::Paper,
                "C1",
                &[Field::CustomerId, Field::Address],
            ),
        ];
        let r = report(&rows, &LeakQuery::default());
        assert_eq!(r.people, 2);
        assert_eq!(r.exposed_people, 1);
        assert_eq!(r.handovers.len(), 2);
        assert_eq!(r.handovers[0].customers, 2);
        assert!(r.handovers[0].exempt && !r.handovers[1].exempt);
        let c1 = &r.customers[0];
        assert_eq!(
            c1.fields,
            vec![Field::CustomerId, Field::Address, Field::Phone]
        );
        assert_eq!(c1.exposed_fields, vec![Field::CustomerId, Field::Address]);
        assert_eq!(c1.handover_ids, vec!["HO-1", "HO-2"]);
        let count = |f: Field| {
            r.field_counts
                .iter()
                .find(|c| c.field == f)
                .map(|c| (c.people, c.exposed_people))
        };
        assert_eq!(count(Field::CustomerId), Some((2, 1)));
        assert_eq!(count(Field::Phone), Some((1, 0)));
        assert_eq!(count(Field::Address), Some((1, 1)));
        assert_eq!(count(Field::Name), None);
        assert_eq!(r.notification_list.len(), 1);
        assert_eq!(r.notification_list[0].customer_id, "C1");
        // Names come from the rows when the register has none.
        assert_eq!(r.notification_list[0].name.as_deref(), Some("name C1"));
    }
}
