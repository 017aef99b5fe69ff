//! The field catalog: every piece of customer data Handover knows, its Japanese label and its
//! class.
//!
//! The class drives the policy (see `REQUIREMENTS.md`, "Fields"): the key is always included,
//! payment fields are recognized only so that they can be dropped at import and refused
//! everywhere else. Field ids are stable English snake_case: they appear in manifests, the
//! ledger and the policy file, so they never change once released.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a field is for; decides what the policy does with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FieldClass {
    /// The customer number: always included so the contractor can refer to the customer.
    Key,
    /// Who and where: what a contractor needs to reach the customer.
    Contact,
    /// Personal data no work type needs by default.
    Extra,
    /// What the work is about (service, floor plan).
    Work,
    /// Billing data: dropped at import, never stored, never leaves the office.
    Payment,
}

/// One field of the customer register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Field {
    /// 顧客番号
    CustomerId,
    /// 氏名
    Name,
    /// フリガナ
    NameKana,
    /// 郵便番号
    PostalCode,
    /// 住所
    Address,
    /// 電話番号
    Phone,
    /// メールアドレス
    Email,
    /// 生年月日
    BirthDate,
    /// 性別
    Gender,
    /// 職業
    Occupation,
    /// 契約サービス
    Service,
    /// 住宅の図面 (a file)
    FloorPlan,
    /// 備考
    Notes,
    /// 口座番号・名義 — payment, never stored
    BankAccount,
    /// クレジットカード番号 — payment, never stored
    CardNumber,
}

impl Field {
    /// Every field, in the register's column order.
    pub const ALL: [Field; 15] = [
        Field::CustomerId,
        Field::Name,
        Field::NameKana,
        Field::PostalCode,
        Field::Address,
        Field::Phone,
        Field::Email,
        Field::BirthDate,
        Field::Gender,
        Field::Occupation,
        Field::Service,
        Field::FloorPlan,
        Field::Notes,
        Field::BankAccount,
        Field::CardNumber,
    ];

    /// The fields Handover stores (everything but payment), in column order.
    pub fn stored() -> impl Iterator<Item = Field> {
        Self::ALL.into_iter().filter(|f| !f.is_payment())
    }

    /// The stable id (`customer_id`, `floor_plan`…).
    pub fn id(self) -> &'static str {
        match self {
            Field::CustomerId => "customer_id",
            Field::Name => "name",
            Field::NameKana => "name_kana",
            Field::PostalCode => "postal_code",
            Field::Address => "address",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::BirthDate => "birth_date",
            Field::Gender => "gender",
            Field::Occupation => "occupation",
            Field::Service => "service",
            Field::FloorPlan => "floor_plan",
            Field::Notes => "notes",
            Field::BankAccount => "bank_account",
            Field::CardNumber => "card_number",
        }
    }

    /// The field with this stable id.
    pub fn from_id(id: &str) -> Option<Field> {
        Self::ALL.into_iter().find(|f| f.id() == id)
    }

    /// The Japanese label, as used in CSV headers and on paper.
    pub fn label_ja(self) -> &'static str {
        match self {
            Field::CustomerId => "顧客番号",
            Field::Name => "氏名",
            Field::NameKana => "フリガナ",
            Field::PostalCode => "郵便番号",
            Field::Address => "住所",
            Field::Phone => "電話番号",
            Field::Email => "メールアドレス",
            Field::BirthDate => "生年月日",
            Field::Gender => "性別",
            Field::Occupation => "職業",
            Field::Service => "契約サービス",
            Field::FloorPlan => "住宅の図面",
            Field::Notes => "備考",
            Field::BankAccount => "口座番号・名義",
            Field::CardNumber => "クレジットカード番号",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Field::CustomerId => "Customer ID",
            Field::Name => "Name",
            Field::NameKana => "Name (kana)",
            Field::PostalCode => "Postal code",
            Field::Address => "Address",
            Field::Phone => "Phone",
            Field::Email => "E-mail",
            Field::BirthDate => "Date of birth",
            Field::Gender => "Gender",
            Field::Occupation => "Occupation",
            Field::Service => "Contracted service",
            Field::FloorPlan => "Floor plan",
            Field::Notes => "Notes",
            Field::BankAccount => "Bank account and holder",
            Field::CardNumber => "Credit-card number",
        }
    }

    /// The field's class.
    pub fn class(self) -> FieldClass {
        match self {
            Field::CustomerId => FieldClass::Key,
            Field::Name | Field::NameKana | Field::PostalCode | Field::Address | Field::Phone => {
                FieldClass::Contact
            }
            Field::Email | Field::BirthDate | Field::Gender | Field::Occupation | Field::Notes => {
                FieldClass::Extra
            }
            Field::Service | Field::FloorPlan => FieldClass::Work,
            Field::BankAccount | Field::CardNumber => FieldClass::Payment,
        }
    }

    /// Payment data: never stored, never in a bundle or on paper.
    pub fn is_payment(self) -> bool {
        self.class() == FieldClass::Payment
    }

    /// Header spellings recognized at import, already in [`header_key`] form.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::CustomerId => &[
                "顧客番号",
                "お客様番号",
                "お客さま番号",
                "顧客id",
                "顧客コード",
                "お客様id",
                "顧客no",
                "会員番号",
                "契約者番号",
                "契約番号",
                "customerid",
                "customerno",
                "customernumber",
                "customercode",
                "id",
                "no",
            ],
            Field::Name => &[
                "氏名",
                "お名前",
                "名前",
                "顧客名",
                "契約者名",
                "契約者氏名",
                "お客様名",
                "name",
                "fullname",
                "customername",
            ],
            Field::NameKana => &[
                "フリガナ",
                "ふりがな",
                "カナ",
                "氏名カナ",
                "氏名(カナ)",
                "氏名フリガナ",
                "カナ氏名",
                "フリガナ氏名",
                "お名前(フリガナ)",
                "kana",
                "namekana",
                "furigana",
            ],
            Field::PostalCode => &[
                "郵便番号",
                "〒",
                "郵便",
                "zip",
                "zipcode",
                "postalcode",
                "postcode",
            ],
            Field::Address => &[
                "住所",
                "ご住所",
                "設置先住所",
                "設置場所",
                "所在地",
                "工事先住所",
                "address",
            ],
            Field::Phone => &[
                "電話番号",
                "電話",
                "tel",
                "tel番号",
                "連絡先",
                "連絡先電話番号",
                "携帯番号",
                "携帯電話",
                "phone",
                "phonenumber",
                "telephone",
            ],
            Field::Email => &[
                "メールアドレス",
                "メール",
                "eメール",
                "email",
                "mail",
                "emailaddress",
                "mailaddress",
            ],
            Field::BirthDate => &[
                "生年月日",
                "誕生日",
                "birthdate",
                "dateofbirth",
                "dob",
                "birthday",
            ],
            Field::Gender => &["性別", "gender", "sex"],
            Field::Occupation => &["職業", "ご職業", "occupation", "job"],
            Field::Service => &[
                "契約サービス",
                "サービス",
                "契約内容",
                "契約コース",
                "コース",
                "ご契約サービス",
                "service",
                "plan",
                "contractedservice",
            ],
            Field::FloorPlan => &[
                "住宅の図面",
                "図面",
                "図面ファイル",
                "間取り図",
                "宅内図面",
                "floorplan",
                "floorplanfile",
                "planfile",
            ],
            Field::Notes => &[
                "備考",
                "メモ",
                "特記事項",
                "notes",
                "note",
                "remarks",
                "memo",
            ],
            Field::BankAccount => &[
                "口座番号・名義",
                "口座番号",
                "口座名義",
                "口座",
                "銀行口座",
                "振替口座",
                "口座情報",
                "金融機関",
                "銀行名",
                "支店名",
                "bankaccount",
                "accountnumber",
                "accountholder",
                "bank",
                "iban",
            ],
            Field::CardNumber => &[
                "クレジットカード番号",
                "カード番号",
                "クレジットカード",
                "クレカ",
                "有効期限",
                "カード有効期限",
                "セキュリティコード",
                "cardnumber",
                "creditcard",
                "creditcardnumber",
                "cardno",
                "cvv",
                "cvc",
                "expiry",
            ],
        }
    }

    /// Recognize a column header (Japanese or English, common variants).
    ///
    /// Anything that merely *looks* like payment data (contains 口座, カード, "card",
    /// "account"…) is classed as payment even when the exact spelling is new to us: dropping
    /// a harmless column by mistake costs a warning, storing a card number costs a breach.
    pub fn from_header(header: &str) -> Option<Field> {
        let key = header_key(header);
        if key.is_empty() {
            return None;
        }
        if let Some(f) = Self::ALL
            .into_iter()
            .find(|f| f.aliases().contains(&key.as_str()))
        {
            return Some(f);
        }
        if looks_like_payment(&key) {
            return Some(if key.contains("カード") || key.contains("card") {
                Field::CardNumber
            } else {
                Field::BankAccount
            });
        }
        None
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for Field {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Field::from_id(s.trim())
            .or_else(|| Field::from_header(s))
            .ok_or_else(|| {
                crate::refusal::Vocabulary::Field.refuse(s, Field::ALL.map(Field::id).join(", "))
            })
    }
}

fn looks_like_payment(key: &str) -> bool {
    const HINTS: [&str; 9] = [
        "口座",
        "カード",
        "クレジット",
        "振替",
        "card",
        "account",
        "bank",
        "iban",
        "credit",
    ];
    HINTS.iter().any(|h| key.contains(h))
}

/// Normalize a header for matching: NFKC (full-width → half-width), lower case, and without
/// spaces, underscores, hyphens, dots, colons, asterisks (required-column marks) or brackets
/// around a trailing note such as `氏名（必須）`.
pub fn header_key(header: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let nfkc: String = header.nfkc().collect::<String>().to_lowercase();
    let mut s = nfkc.trim().to_string();
    for note in ["(必須)", "(任意)", "[必須]", "※"] {
        s = s.replace(note, "");
    }
    s.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | ':' | '*' | '　' | '\t'))
        .collect()
}

impl From<Field> for crate::refusal::Named {
    fn from(x: Field) -> Self {
        crate::refusal::Named {
            id: x.id(),
            ja: x.label_ja(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for f in Field::ALL {
            assert_eq!(Field::from_id(f.id()), Some(f));
        }
    }

    #[test]
    fn recognizes_header_variants() {
        let cases = [
            ("氏名", Field::Name),
            ("お名前", Field::Name),
            ("Name", Field::Name),
            ("ご住所", Field::Address),
            ("ADDRESS", Field::Address),
            ("TEL", Field::Phone),
            ("ＴＥＬ", Field::Phone),
            ("電話", Field::Phone),
            ("お客様番号", Field::CustomerId),
            ("Customer ID", Field::CustomerId),
            ("customer_id", Field::CustomerId),
            ("図面ファイル", Field::FloorPlan),
            ("氏名（カナ）", Field::NameKana),
            ("郵便番号（必須）", Field::PostalCode),
            ("クレジットカード番号", Field::CardNumber),
            ("口座番号・名義", Field::BankAccount),
            ("引落口座の支店", Field::BankAccount),
            ("Card No.", Field::CardNumber),
        ];
        for (header, field) in cases {
            assert_eq!(Field::from_header(header), Some(field), "{header}");
        }
        assert_eq!(Field::from_header("担当者"), None);
        assert_eq!(Field::from_header("  "), None);
    }

    #[test]
    fn payment_fields_are_payment() {
        assert!(Field::CardNumber.is_payment());
        assert!(Field::BankAccount.is_payment());
        assert!(Field::stored().all(|f| !f.is_payment()));
        assert_eq!(Field::stored().count(), 13);
    }
}
