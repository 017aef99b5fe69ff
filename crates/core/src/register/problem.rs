//! What is wrong with a register row or cell, as a typed code with its parameters, and its
//! words in Japanese and English (issue 11: the app and the CLI read the same catalogue).

use serde::Serialize;
use ts_rs::TS;

use crate::report::Lang;

/// One problem with a row or a cell of a register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "code",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum Problem {
    /// The row has no customer number.
    MissingId,
    /// The customer number holds other characters than letters, digits, `-`, `_`, `.`, or is
    /// longer than 40.
    BadId {
        /// The number as written (normalized).
        id: String,
    },
    /// The customer number starts with a dot (it becomes a file name in bundles).
    IdStartsWithDot {
        /// The number.
        id: String,
    },
    /// The customer number appears in an earlier row too.
    DuplicateId {
        /// The number.
        id: String,
        /// The row it first appears in.
        first_row: u32,
    },
    /// The cell holds a formula error (`#N/A`…).
    ErrorCell {
        /// The error as the spreadsheet shows it.
        error: String,
    },
    /// The cell holds a formula whose value was never computed.
    Uncomputed,
    /// The cell holds a control character a screen would act on.
    ControlCharacter {
        /// `U+001B`.
        code_point: String,
    },
    /// The cell seems to hold a credit-card number (never repeated in the message).
    CardNumber,
    /// A phone number with other characters than digits and hyphens.
    PhoneCharacters {
        /// The value.
        value: String,
    },
    /// A phone number without 10 or 11 digits.
    PhoneDigits {
        /// The value.
        value: String,
    },
    /// A number cell that cannot be a phone number.
    NotAPhone {
        /// The value.
        value: String,
    },
    /// A postal code without 7 digits.
    PostalDigits {
        /// The value.
        value: String,
    },
    /// A number cell that cannot be a postal code.
    NotAPostalCode {
        /// The value.
        value: String,
    },
    /// Not an e-mail address.
    NotAnEmail {
        /// The value.
        value: String,
    },
    /// Not a date in any form the importer reads.
    NotADate {
        /// The value.
        value: String,
    },
    /// A date that is not in the calendar (2月30日).
    NoSuchDay {
        /// The value.
        value: String,
    },
    /// A spreadsheet date serial that is not a date.
    NotADateSerial {
        /// The value.
        value: String,
    },
    /// A floor plan that cannot be read.
    PlanUnreadable {
        /// The file.
        file: String,
        /// The operating system's reason (English).
        reason: String,
    },
    /// A floor plan over the size limit.
    PlanTooLarge {
        /// The file.
        file: String,
        /// Its size in MB.
        #[ts(type = "number")]
        mb: u64,
        /// The limit in MB.
        #[ts(type = "number")]
        limit_mb: u64,
    },
    /// A floor plan that is not a PDF, PNG or JPEG (by content).
    PlanNotImage {
        /// The file.
        file: String,
    },
    /// A floor plan that grew past the limit while it was read.
    PlanGrew {
        /// The file.
        file: String,
    },
    /// An empty floor-plan file.
    PlanEmpty {
        /// The file.
        file: String,
    },
    /// The floor plan could not be stored in the data folder.
    PlanNotStored {
        /// The operating system's reason (English).
        reason: String,
    },
}

impl Problem {
    /// The problem in `lang`, with its parameters.
    pub fn text(&self, lang: Lang) -> String {
        let (ja, en) = self.words();
        match lang {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    /// The data table of every problem's words, (Japanese, English).
    fn words(&self) -> (String, String) {
        use Problem as P;
        match self {
            P::MissingId => (
                "顧客番号がありません".into(),
                "顧客番号 (customer number) is missing".into(),
            ),
            P::BadId { id } => (
                format!("顧客番号 '{id}' に使える文字は英数字と - _ . だけです（40文字まで）"),
                format!(
                    "顧客番号 '{id}' may contain only letters, digits, '-', '_' and '.' (at most 40)"
                ),
            ),
            P::IdStartsWithDot { id } => (
                format!("顧客番号 '{id}' は '.' で始められません"),
                format!("顧客番号 '{id}' must not start with '.'"),
            ),
            P::DuplicateId { id, first_row } => (
                format!("顧客番号 {id} は {first_row} 行目にもあります"),
                format!("顧客番号 {id} already appears in row {first_row}"),
            ),
            P::ErrorCell { error } => (
                format!("セルにエラー値（{error}）が入っています"),
                format!("the cell holds an error ({error})"),
            ),
            P::Uncomputed => (
                "数式の計算結果が保存されていません（Excel で保存されていないファイルです）。Excel \
                 で開いて保存してから取り込み直してください"
                    .into(),
                "the cell holds a formula whose value was never computed (the file was written by \
                 a program, not saved by Excel): open the file in Excel, save it, and import again"
                    .into(),
            ),
            P::ControlCharacter { code_point } => (
                format!(
                    "このセルには制御文字 {code_point} が含まれています（画面に表示されずに動作し\
                     てしまう文字です）。台帳から削除してください"
                ),
                format!(
                    "this cell holds the control character {code_point}, which a screen would act \
                     on rather than show: remove it from the register"
                ),
            ),
            P::CardNumber => (
                "このセルにはクレジットカード番号らしき値があります。支払い情報は保存しません。\
                 台帳から削除してください"
                    .into(),
                "this cell seems to hold a credit-card number; payment data is never stored — \
                 remove it from the register"
                    .into(),
            ),
            P::PhoneCharacters { value } => (
                format!("'{value}' は電話番号ではありません（数字とハイフンのみ）"),
                format!("'{value}' is not a phone number (only digits and hyphens)"),
            ),
            P::PhoneDigits { value } => (
                format!("'{value}' は電話番号ではありません（10桁か11桁）"),
                format!("'{value}' is not a phone number (expected 10 or 11 digits)"),
            ),
            P::NotAPhone { value } => (
                format!("'{value}' は電話番号ではありません"),
                format!("'{value}' is not a phone number"),
            ),
            P::PostalDigits { value } => (
                format!("'{value}' は郵便番号ではありません（7桁、例: 123-4567）"),
                format!("'{value}' is not a postal code (expected 7 digits, e.g. 123-4567)"),
            ),
            P::NotAPostalCode { value } => (
                format!("'{value}' は郵便番号ではありません"),
                format!("'{value}' is not a postal code"),
            ),
            P::NotAnEmail { value } => (
                format!("'{value}' はメールアドレスではありません"),
                format!("'{value}' is not an e-mail address"),
            ),
            P::NotADate { value } => (
                format!("'{value}' は日付ではありません（YYYY-MM-DD の形で書いてください）"),
                format!("'{value}' is not a date (write it as YYYY-MM-DD)"),
            ),
            P::NoSuchDay { value } => (
                format!("'{value}' という日付は暦にありません"),
                format!("'{value}' is not a valid calendar date"),
            ),
            P::NotADateSerial { value } => (
                format!("'{value}' は日付ではありません"),
                format!("'{value}' is not a date"),
            ),
            P::PlanUnreadable { file, reason } => (
                format!("図面 {file} を読み込めません（{reason}）"),
                format!("floor plan {file} cannot be read: {reason}"),
            ),
            P::PlanTooLarge { file, mb, limit_mb } => (
                format!("図面 {file} は {mb} MB で、上限の {limit_mb} MB を超えています"),
                format!("floor plan {file} is {mb} MB; the limit is {limit_mb} MB"),
            ),
            P::PlanNotImage { file } => (
                format!("図面 {file} は PDF・PNG・JPEG のファイルではありません"),
                format!("floor plan {file} is not a PDF, PNG or JPEG file"),
            ),
            P::PlanGrew { file } => (
                format!("図面 {file} が読み込み中に上限を超える大きさになりました"),
                format!("floor plan {file} grew past the size limit while reading"),
            ),
            P::PlanEmpty { file } => (
                format!("図面 {file} は空のファイルです"),
                format!("floor plan {file} is empty"),
            ),
            P::PlanNotStored { reason } => (
                format!("図面を保存できません（{reason}）"),
                format!("cannot store the floor plan: {reason}"),
            ),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}
