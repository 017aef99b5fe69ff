//! The customer as Handover stores it: payment fields have no place here, by construction.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::push_search_key;
use crate::Field;

/// A floor plan attached to a customer, stored in the data directory by content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FloorPlan {
    /// SHA-256 of the file, lower-case hex; also its stored file name.
    pub sha256: String,
    /// `pdf`, `png` or `jpg`.
    pub ext: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size: u64,
}

impl FloorPlan {
    /// The stored file name (`<sha256>.<ext>`).
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.sha256, self.ext)
    }
}

/// One customer of the register. Every field but the id is optional: registers differ.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Customer {
    /// 顧客番号 (the key).
    pub customer_id: String,
    /// 氏名
    pub name: Option<String>,
    /// フリガナ (full-width katakana)
    pub name_kana: Option<String>,
    /// 郵便番号 (`123-4567`)
    pub postal_code: Option<String>,
    /// 住所
    pub address: Option<String>,
    /// 電話番号 (half-width digits and hyphens)
    pub phone: Option<String>,
    /// メールアドレス
    pub email: Option<String>,
    /// 生年月日 (ISO 8601 `YYYY-MM-DD`)
    pub birth_date: Option<String>,
    /// 性別
    pub gender: Option<String>,
    /// 職業
    pub occupation: Option<String>,
    /// 契約サービス
    pub service: Option<String>,
    /// 備考
    pub notes: Option<String>,
    /// 住宅の図面
    pub floor_plan: Option<FloorPlan>,
    /// 契約終了日: the day the contract ended (ISO 8601), from a 解約日 / 契約終了日 / 退会日
    /// column. Not a [`Field`]: it decides when the customer's data is purged (R9) and is never
    /// handed to a contractor.
    #[serde(default)]
    pub contract_ended: Option<String>,
}

impl Customer {
    /// A text field's value (`None` for the floor plan, payment fields and empty values).
    pub fn text(&self, field: Field) -> Option<&str> {
        let v = match field {
            Field::CustomerId => return Some(&self.customer_id),
            Field::Name => &self.name,
            Field::NameKana => &self.name_kana,
            Field::PostalCode => &self.postal_code,
            Field::Address => &self.address,
            Field::Phone => &self.phone,
            Field::Email => &self.email,
            Field::BirthDate => &self.birth_date,
            Field::Gender => &self.gender,
            Field::Occupation => &self.occupation,
            Field::Service => &self.service,
            Field::Notes => &self.notes,
            Field::FloorPlan | Field::BankAccount | Field::CardNumber => return None,
        };
        v.as_deref()
    }

    /// Mutable access to a text field's slot; `None` for the id, the floor plan and payment
    /// fields, which cannot be set this way.
    pub(crate) fn text_slot(&mut self, field: Field) -> Option<&mut Option<String>> {
        Some(match field {
            Field::Name => &mut self.name,
            Field::NameKana => &mut self.name_kana,
            Field::PostalCode => &mut self.postal_code,
            Field::Address => &mut self.address,
            Field::Phone => &mut self.phone,
            Field::Email => &mut self.email,
            Field::BirthDate => &mut self.birth_date,
            Field::Gender => &mut self.gender,
            Field::Occupation => &mut self.occupation,
            Field::Service => &mut self.service,
            Field::Notes => &mut self.notes,
            Field::CustomerId | Field::FloorPlan | Field::BankAccount | Field::CardNumber => {
                return None;
            }
        })
    }

    /// Does this customer have a value for the field?
    pub fn has(&self, field: Field) -> bool {
        match field {
            Field::FloorPlan => self.floor_plan.is_some(),
            f => self.text(f).is_some_and(|v| !v.is_empty()),
        }
    }
}

/// The folded id, name, kana, address and phone, then the phone's digits, joined by U+001F.
pub(crate) fn search_text(c: &Customer) -> String {
    let mut out = String::with_capacity(256);
    push_search_key(&mut out, &c.customer_id);
    for part in [&c.name, &c.name_kana, &c.address, &c.phone] {
        out.push('\u{1f}');
        push_search_key(&mut out, part.as_deref().unwrap_or(""));
    }
    out.push('\u{1f}');
    out.extend(
        c.phone
            .as_deref()
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit),
    );
    out
}
