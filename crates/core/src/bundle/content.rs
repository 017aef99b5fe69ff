//! What goes into a bundle or onto paper: the checked selection of customers and fields, and
//! the text files made from it (`README.txt`, `customers.csv`, `customers.json`).
//!
//! Every output is written from a [`Selected`] customer, whose field list has already been
//! checked here (payment fields refused, the key present, in catalog order). Output code never
//! looks at a field that is not in that list, which is how "nothing that was not selected
//! appears anywhere" is kept: there is exactly one place that decides, and it is this one.

use std::collections::HashSet;
use std::path::Path;

use serde::ser::{SerializeMap, SerializeSeq};

use super::manifest::{CSV_ENTRY, JSON_ENTRY, floor_plan_entry};
use super::{BundleCustomer, manifest::MANIFEST_ENTRY, manifest::SIGNATURE_ENTRY};
use crate::register::FloorPlan;
use crate::{Error, Field, Result, WorkType};

/// A customer whose field selection has been checked.
pub(crate) struct Selected<'a> {
    pub(crate) input: &'a BundleCustomer,
    /// The included fields, deduplicated, in [`Field::ALL`] order.
    pub(crate) fields: Vec<Field>,
    /// The floor plan to ship, when `FloorPlan` is included and the customer has one.
    pub(crate) plan: Option<PlanRef<'a>>,
}

/// A floor plan to copy: where it is stored and what it must hash to.
pub(crate) struct PlanRef<'a> {
    pub(crate) entry: String,
    /// The stored file, or where the store says the plan is (for messages).
    pub(crate) path: std::borrow::Cow<'a, Path>,
    /// On a shared store: the plan's bytes, streamed (and always hashed while copied).
    pub(crate) stream: Option<&'a crate::register::PlanOpener>,
    pub(crate) meta: &'a FloorPlan,
}

impl Selected<'_> {
    pub(crate) fn id(&self) -> &str {
        &self.input.customer.customer_id
    }

    /// The value shown for an included field (`None` when the customer has none).
    pub(crate) fn value(&self, field: Field) -> Option<&str> {
        debug_assert!(self.fields.contains(&field));
        match field {
            Field::FloorPlan => self.plan.as_ref().map(|p| p.entry.as_str()),
            f => self
                .input
                .customer
                .text(f)
                .filter(|v| !v.is_empty() || f == Field::CustomerId),
        }
    }
}

/// Check the selection: at least one customer, unique plain-ASCII ids, the key always
/// included, never a payment field, a stored file for every floor plan shipped.
pub(crate) fn select(customers: &[BundleCustomer]) -> Result<Vec<Selected<'_>>> {
    if customers.is_empty() {
        return Err(crate::refusal::Refusal::Selection(
            crate::refusal::SelectionProblem::NoCustomers,
        )
        .into());
    }
    let mut seen = HashSet::new();
    customers
        .iter()
        .map(|bc| {
            let id = bc.customer.customer_id.as_str();
            if crate::register::normalize_id(id).as_deref() != Ok(id) {
                return Err(selection(crate::refusal::SelectionProblem::BadCustomerId {
                    id: id.into(),
                }));
            }
            if !seen.insert(id) {
                return Err(selection(crate::refusal::SelectionProblem::CustomerTwice {
                    id: id.into(),
                }));
            }
            if let Some(f) = bc.fields.iter().find(|f| f.is_payment()) {
                return Err(selection(crate::refusal::SelectionProblem::PaymentField {
                    field: (*f).into(),
                }));
            }
            if !bc.fields.contains(&Field::CustomerId) {
                return Err(selection(crate::refusal::SelectionProblem::NoCustomerId));
            }
            let fields: Vec<Field> = Field::ALL
                .into_iter()
                .filter(|f| bc.fields.contains(f))
                .collect();
            let plan = match (&bc.customer.floor_plan, fields.contains(&Field::FloorPlan)) {
                (Some(meta), true) => Some(plan_ref(id, meta, bc)?),
                _ => None,
            };
            Ok(Selected {
                input: bc,
                fields,
                plan,
            })
        })
        .collect()
}

fn plan_ref<'a>(id: &str, meta: &'a FloorPlan, bc: &'a BundleCustomer) -> Result<PlanRef<'a>> {
    let (path, stream) = match &bc.plan_source {
        Some(super::PlanSource::Stored(s)) => (
            Some(std::borrow::Cow::Owned(std::path::PathBuf::from(
                &s.location,
            ))),
            Some(s),
        ),
        Some(super::PlanSource::File(p)) => (Some(std::borrow::Cow::Borrowed(p.as_path())), None),
        None => (None, None),
    };
    let path =
        path.ok_or_else(|| plan_refused(id, crate::refusal::FloorPlanProblem::FileMissing))?;
    if !matches!(meta.ext.as_str(), "pdf" | "png" | "jpg") {
        return Err(plan_refused(
            id,
            crate::refusal::FloorPlanProblem::Type {
                ext: meta.ext.clone(),
            },
        ));
    }
    if meta.sha256.len() != 64
        || !meta
            .sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(plan_refused(id, crate::refusal::FloorPlanProblem::BadHash));
    }
    Ok(PlanRef {
        entry: floor_plan_entry(id, &meta.ext),
        path,
        stream,
        meta,
    })
}

/// The columns of the customer lists: the union of the included fields, in catalog order.
pub(crate) fn columns(selected: &[Selected<'_>]) -> Vec<Field> {
    Field::ALL
        .into_iter()
        .filter(|f| selected.iter().any(|s| s.fields.contains(f)))
        .collect()
}

/// `customers.csv`: UTF-8 with BOM, CRLF, Japanese headers (opens as-is in Excel).
///
/// A cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
/// CR) is prefixed with `'` (OWASP "CSV injection"); `customers.json` keeps the exact values.
pub(crate) fn customers_csv(selected: &[Selected<'_>]) -> Result<Vec<u8>> {
    let cols = columns(selected);
    csv_from_rows(
        &cols,
        selected.iter().map(|s| {
            cols.iter()
                .map(|&f| {
                    if s.fields.contains(&f) {
                        s.value(f).unwrap_or("")
                    } else {
                        ""
                    }
                })
                .collect()
        }),
    )
}

/// The CSV bytes of these columns and rows (one cell per column), formulas defused. The opener
/// makes the same bytes from `customers.json` to check the `customers.csv` it received.
pub(crate) fn csv_from_rows<'a>(
    cols: &[Field],
    rows: impl Iterator<Item = Vec<&'a str>>,
) -> Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let csv_err =
            |e: csv::Error| Error::io("cannot write", CSV_ENTRY, std::io::Error::other(e));
        w.write_record(cols.iter().map(|f| f.label_ja()))
            .map_err(csv_err)?;
        for row in rows {
            w.write_record(row.iter().map(|v| defuse_formula(v).into_owned()))
                .map_err(csv_err)?;
        }
        w.flush()
            .map_err(|e| Error::io("cannot write", CSV_ENTRY, e))?;
    }
    Ok(out)
}

fn defuse_formula(v: &str) -> std::borrow::Cow<'_, str> {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}").into()
    } else {
        v.into()
    }
}

/// `customers.json`: an array with one object per customer, keyed by field id, holding only
/// that customer's included fields (`null` where the customer has no value).
pub(crate) fn customers_json(selected: &[Selected<'_>]) -> Result<Vec<u8>> {
    struct Rows<'a, 'b>(&'a [Selected<'b>]);
    struct Row<'a, 'b>(&'a Selected<'b>);
    impl serde::Serialize for Rows<'_, '_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(Some(self.0.len()))?;
            for r in self.0 {
                seq.serialize_element(&Row(r))?;
            }
            seq.end()
        }
    }
    impl serde::Serialize for Row<'_, '_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut map = s.serialize_map(Some(self.0.fields.len()))?;
            for &f in &self.0.fields {
                map.serialize_entry(f.id(), &self.0.value(f))?;
            }
            map.end()
        }
    }
    let mut out = serde_json::to_vec_pretty(&Rows(selected))
        .map_err(|e| Error::io("cannot write", JSON_ENTRY, e.into()))?;
    out.push(b'\n');
    Ok(out)
}

/// What the README and the paper sheet say about the handover.
pub(crate) struct Header<'a> {
    pub(crate) handover_id: &'a str,
    pub(crate) created: &'a str,
    pub(crate) contractor: &'a str,
    pub(crate) work_type: &'a str,
    pub(crate) return_by: &'a str,
    pub(crate) customers: usize,
    pub(crate) passphrase: bool,
}

/// The command-line form shown in README.txt for opening a bundle with Handover.
pub(crate) const HANDOVER_OPEN_COMMAND: &str = "handover open bundle.age --identity key.txt --trust 事務所の署名鍵(ed25519:…) --out 展開先フォルダ";

/// `README.txt`: Japanese, UTF-8, CRLF (Windows Notepad shows it as-is).
pub(crate) fn readme(h: &Header<'_>) -> Vec<u8> {
    let work = work_label(h.work_type);
    let date = japanese_date(h.return_by);
    let age_cmd = if h.passphrase {
        "age -d bundle.age > bundle.zip   (パスフレーズを入力します)"
    } else {
        "age -d -i key.txt bundle.age > bundle.zip"
    };
    let text = format!(
        "【機密】お客様の個人情報を含む工事用データです (Handover バンドル)

引渡し番号   : {id}
作成日時     : {created}
委託先       : {contractor}
工事の種類   : {work}
対象のお客様 : {n} 名
返却・廃棄期限: {date}

このデータには、委託された工事の施工に必要な範囲に限って、お客様の個人情報が含まれています。
機密保持契約に基づき、次のことを必ず守ってください。
  ・委託された工事以外の目的に使わないこと。
  ・複製、第三者への提供・転送、クラウド等への保存をしないこと。
  ・{date}までに返却するか完全に消去し、委託元に廃棄を報告すること。
  ・紛失・盗難・漏えいのおそれがあるときは、直ちに委託元へ連絡すること。

収録ファイル
  {MANIFEST_ENTRY}   内容の一覧と各ファイルの SHA-256 (委託元が電子署名)
  {SIGNATURE_ENTRY}    {MANIFEST_ENTRY} への委託元の Ed25519 署名
  {CSV_ENTRY}   お客様一覧 (Excel でそのまま開けます。UTF-8)
  {JSON_ENTRY}  お客様一覧 (プログラム用)
  floor_plans/    住宅の図面 (顧客番号.拡張子、対象のお客様のみ)

開き方
  1. Handover で開く (推奨): アプリの「バンドルを開く」で .age ファイルと自分の鍵ファイルを
     選びます。委託元の署名と全ファイルのハッシュを確認してから展開します。
     コマンドの場合: {HANDOVER_OPEN_COMMAND}
  2. age コマンドで開く:
       {age_cmd}
     その後 bundle.zip を展開します。この方法では委託元の署名は確認されません。
",
        id = h.handover_id,
        created = h.created,
        contractor = h.contractor,
        n = h.customers,
    );
    text.replace('\n', "\r\n").into_bytes()
}

/// The Japanese label of a work type id (the id itself if unknown).
pub(crate) fn work_label(id: &str) -> String {
    id.parse::<WorkType>()
        .map(|w| w.label_ja().to_string())
        .unwrap_or_else(|_| id.to_string())
}

/// `YYYY-MM-DD` as `YYYY年M月D日` (unchanged if it is not a date).
pub(crate) fn japanese_date(date: &str) -> String {
    match date.parse::<jiff::civil::Date>() {
        Ok(d) => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Err(_) => date.to_string(),
    }
}

fn selection(problem: crate::refusal::SelectionProblem) -> Error {
    crate::refusal::Refusal::Selection(problem).into()
}

fn plan_refused(customer: &str, problem: crate::refusal::FloorPlanProblem) -> Error {
    crate::refusal::Refusal::FloorPlan {
        customer: customer.to_string(),
        problem,
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::Customer;

    fn bc(id: &str, fields: &[Field]) -> BundleCustomer {
        BundleCustomer {
            customer: Customer {
                customer_id: id.into(),
                name: Some("山田 太郎".into()),
                phone: Some("=cmd|' /C calc'!A0".into()),
                email: Some("secret@example.jp".into()),
                ..Customer::default()
            },
            fields: fields.to_vec(),
            plan_source: None,
        }
    }

    #[test]
    fn payment_fields_are_refused_even_if_passed() {
        for f in [Field::BankAccount, Field::CardNumber] {
            let c = [bc("C1", &[Field::CustomerId, f])];
            let e = select(&c).err().unwrap();
            assert_eq!(e.code(), "selection_invalid");
            assert!(e.to_string().contains("payment"), "{e}");
        }
    }

    #[test]
    fn key_is_required_and_ids_unique_and_plain() {
        assert!(select(&[bc("C1", &[Field::Name])]).is_err());
        assert!(
            select(&[
                bc("C1", &[Field::CustomerId]),
                bc("C1", &[Field::CustomerId])
            ])
            .is_err()
        );
        assert!(select(&[bc("../x", &[Field::CustomerId])]).is_err());
        assert!(select(&[]).is_err());
    }

    #[test]
    fn csv_has_bom_crlf_japanese_headers_and_only_selected_fields() {
        let c = [bc("C1", &[Field::Phone, Field::CustomerId, Field::Name])];
        let s = select(&c).unwrap();
        let csv = String::from_utf8(customers_csv(&s).unwrap()).unwrap();
        assert!(
            csv.starts_with("\u{feff}顧客番号,氏名,電話番号\r\n"),
            "{csv}"
        );
        assert!(
            csv.contains("C1,山田 太郎,'=cmd|' /C calc'!A0\r\n"),
            "{csv}"
        );
        assert!(!csv.contains("secret@example.jp"));
        let json = String::from_utf8(customers_json(&s).unwrap()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v[0]["phone"], "=cmd|' /C calc'!A0");
        assert_eq!(v[0].as_object().unwrap().len(), 3);
        assert!(!json.contains("secret@example.jp"));
        // Keys in catalog order.
        assert!(json.find("customer_id").unwrap() < json.find("\"name\"").unwrap());
    }

    #[test]
    fn floor_plan_needs_its_stored_file() {
        let mut c = bc("C1", &[Field::CustomerId, Field::FloorPlan]);
        c.customer.floor_plan = Some(FloorPlan {
            sha256: "0".repeat(64),
            ext: "pdf".into(),
            size: 1,
        });
        assert!(select(std::slice::from_ref(&c)).is_err());
        c.plan_source = Some(super::super::PlanSource::File("/x.pdf".into()));
        let s = select(std::slice::from_ref(&c)).unwrap();
        assert_eq!(s[0].value(Field::FloorPlan), Some("floor_plans/C1.pdf"));
        // Not selected: no plan, whatever path was passed.
        c.fields = vec![Field::CustomerId];
        assert!(select(std::slice::from_ref(&c)).unwrap()[0].plan.is_none());
    }

    #[test]
    fn dates_and_labels_in_japanese() {
        assert_eq!(japanese_date("2026-03-05"), "2026年3月5日");
        assert_eq!(work_label("repair"), "故障修理");
        let r = String::from_utf8(readme(&Header {
            handover_id: "H-1",
            created: "2026-01-01T09:00:00+09:00",
            contractor: "工事店",
            work_type: "removal",
            return_by: "2026-02-01",
            customers: 3,
            passphrase: false,
        }))
        .unwrap();
        assert!(r.contains("2026年2月1日") && r.contains("撤去工事") && r.contains("機密"));
        assert!(r.contains("age -d -i key.txt bundle.age > bundle.zip"));
        assert!(!r.replace("\r\n", "").contains('\n'));
    }
}
