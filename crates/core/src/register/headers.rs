//! Finding the header row and deciding what each column is.
//!
//! Registers often carry a title line or two above the headers ("顧客一覧 2026年11月"), so the
//! header row is the first of the first 20 rows in which at least two columns are recognized,
//! one of them the customer number. Unknown columns are reported and ignored; payment columns
//! are recognized so they can be dropped; `--map HEADER=FIELD` (or `=ignore`) overrides.

use serde::Serialize;
use ts_rs::TS;

use super::source::Cell;
use crate::refusal::{MapProblem, Refusal, Vocabulary};
use crate::{Error, Field, Result};

/// How far down the header row is looked for.
pub const HEADER_SEARCH_ROWS: u32 = 20;

/// What the importer does with a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    /// Stored as this field.
    Field(Field),
    /// Payment data: read past, never stored.
    Payment(Field),
    /// Not recognized (or mapped to `ignore`): ignored.
    Unknown,
    /// A second column for a field already taken by an earlier column: ignored.
    Duplicate(Field),
    /// The day the contract ended (契約終了日): stored for retention, never a field.
    ContractEnded,
}

/// Headers of the contract-end column, in [`crate::fields::header_key`] form.
const CONTRACT_END_HEADERS: &[&str] = &[
    "解約日",
    "解約年月日",
    "契約終了日",
    "契約終了年月日",
    "契約終了",
    "契約満了日",
    "退会日",
    "退会年月日",
    "サービス終了日",
    "contractend",
    "contractenddate",
    "contractended",
    "contractenddt",
    "terminationdate",
    "cancellationdate",
    "enddate",
];

/// The target of `--map HEADER=contract_ended`.
pub const CONTRACT_ENDED: &str = "contract_ended";

/// Does this header name the contract-end date?
pub fn is_contract_end_header(header: &str) -> bool {
    CONTRACT_END_HEADERS.contains(&crate::fields::header_key(header).as_str())
}

/// A column as reported to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ColumnReport {
    /// Spreadsheet column letter (A, B, … AA).
    pub column: String,
    /// The header text.
    pub header: String,
    /// The field it was mapped to (payment fields included, so the report can say so).
    pub field: Option<Field>,
    /// `field`, `payment_dropped`, `unknown`, `duplicate` or `contract_ended` (the contract-end
    /// date, kept for retention and never handed over).
    pub role: String,
}

/// A `--map HEADER=FIELD` override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapOverride {
    /// The header text as it appears in the file.
    pub header: String,
    /// The field, or `None` for `ignore` (and for `contract_ended`).
    pub field: Option<Field>,
    /// `HEADER=contract_ended`: the column is the contract-end date (not a field).
    pub contract_ended: bool,
}

impl std::str::FromStr for MapOverride {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let (h, f) = s.rsplit_once('=').ok_or_else(|| {
            Error::from(Refusal::ColumnMap(MapProblem::Form {
                given: s.to_string(),
            }))
        })?;
        let header = h.trim().to_string();
        if header.is_empty() {
            return Err(Refusal::ColumnMap(MapProblem::NoHeader {
                given: s.to_string(),
            })
            .into());
        }
        if f.trim() == CONTRACT_ENDED {
            return Ok(MapOverride {
                header,
                field: None,
                contract_ended: true,
            });
        }
        let field = match f.trim() {
            "ignore" | "-" => None,
            other => Some(Field::from_id(other).ok_or_else(|| {
                Vocabulary::ColumnTarget.refuse(
                    other,
                    format!(
                        "{}, contract_ended, ignore",
                        Field::ALL.map(Field::id).join(", ")
                    ),
                )
            })?),
        };
        Ok(MapOverride {
            header,
            field,
            contract_ended: false,
        })
    }
}

/// The column letter of a 0-based index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The text of a header cell.
pub fn header_text(c: &Cell<'_>) -> String {
    match c {
        Cell::Text(s) | Cell::Date(s) | Cell::Error(s) => s.trim().to_string(),
        Cell::Number(n) => n.to_string(),
        Cell::Empty | Cell::Uncomputed => String::new(),
    }
}

fn role_of(header: &str, overrides: &[MapOverride]) -> ColumnRole {
    let detected = Field::from_header(header);
    if let Some(o) = overrides.iter().find(|o| o.header == header.trim()) {
        return match (o.field, detected) {
            // A payment column stays payment whatever the override says: `--map` must not be a
            // way to store it ([`ColumnMap::check_overrides`] refuses such a mapping).
            (_, Some(d)) if d.is_payment() => ColumnRole::Payment(d),
            (None, _) if o.contract_ended => ColumnRole::ContractEnded,
            (None, _) => ColumnRole::Unknown,
            (Some(f), _) if f.is_payment() => ColumnRole::Payment(f),
            (Some(f), _) => ColumnRole::Field(f),
        };
    }
    match detected {
        Some(f) if f.is_payment() => ColumnRole::Payment(f),
        Some(f) => ColumnRole::Field(f),
        None if is_contract_end_header(header) => ColumnRole::ContractEnded,
        None => ColumnRole::Unknown,
    }
}

/// The decided mapping of a header row.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    /// Role per column index.
    pub roles: Vec<ColumnRole>,
    /// Header text per column index.
    pub headers: Vec<String>,
}

impl ColumnMap {
    /// Try this row as the header row: `Some` if it names the customer number and at least one
    /// other known field.
    pub fn try_from_row(cells: &[Cell<'_>], overrides: &[MapOverride]) -> Option<ColumnMap> {
        let m = ColumnMap::from_row(cells, overrides);
        m.is_header().then_some(m)
    }

    /// Does this mapping name the customer number and at least one other known field (what
    /// makes a row the header row)?
    pub fn is_header(&self) -> bool {
        let known = self
            .roles
            .iter()
            .filter(|r| !matches!(r, ColumnRole::Unknown))
            .count();
        self.column_of(Field::CustomerId).is_some() && known >= 2
    }

    /// Map this row as if it were the header row, whatever it holds.
    pub fn from_row(cells: &[Cell<'_>], overrides: &[MapOverride]) -> ColumnMap {
        let headers: Vec<String> = cells.iter().map(header_text).collect();
        let mut roles = Vec::with_capacity(headers.len());
        let mut seen: Vec<Field> = Vec::new();
        let mut contract_end = false;
        for h in &headers {
            let role = match role_of(h, overrides) {
                // A second contract-end column is ignored, like any unknown column.
                ColumnRole::ContractEnded if contract_end => ColumnRole::Unknown,
                ColumnRole::ContractEnded => {
                    contract_end = true;
                    ColumnRole::ContractEnded
                }
                ColumnRole::Field(f) if seen.contains(&f) => ColumnRole::Duplicate(f),
                ColumnRole::Field(f) => {
                    seen.push(f);
                    ColumnRole::Field(f)
                }
                r => r,
            };
            roles.push(if h.is_empty() {
                ColumnRole::Unknown
            } else {
                role
            });
        }
        ColumnMap { roles, headers }
    }

    /// The column index of a field.
    pub fn column_of(&self, f: Field) -> Option<usize> {
        self.roles.iter().position(|r| *r == ColumnRole::Field(f))
    }

    /// Every override must name a header that exists, or the user mistyped it; and none may
    /// map a payment column to a stored field.
    pub fn check_overrides(&self, overrides: &[MapOverride]) -> Result<()> {
        for o in overrides {
            if let (Some(f), Some(p)) = (o.field, Field::from_header(&o.header))
                && p.is_payment()
                && !f.is_payment()
            {
                return Err(Refusal::ColumnMap(MapProblem::Payment {
                    column: o.header.clone(),
                    to: f.into(),
                    field: p.label_en().to_lowercase(),
                })
                .into());
            }
            if !self.headers.iter().any(|h| h == &o.header) {
                return Err(Refusal::ColumnMap(MapProblem::NoColumn {
                    header: o.header.clone(),
                    headers: self
                        .headers
                        .iter()
                        .filter(|h| !h.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                })
                .into());
            }
        }
        Ok(())
    }

    /// The columns for the import report.
    pub fn report(&self) -> Vec<ColumnReport> {
        self.headers
            .iter()
            .zip(&self.roles)
            .enumerate()
            .filter(|(_, (h, _))| !h.is_empty())
            .map(|(i, (h, r))| {
                let (field, role) = match r {
                    ColumnRole::Field(f) => (Some(*f), "field"),
                    ColumnRole::Payment(f) => (Some(*f), "payment_dropped"),
                    ColumnRole::Unknown => (None, "unknown"),
                    ColumnRole::Duplicate(f) => (Some(*f), "duplicate"),
                    ColumnRole::ContractEnded => (None, "contract_ended"),
                };
                ColumnReport {
                    column: column_letter(i),
                    header: h.clone(),
                    field,
                    role: role.into(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(hs: &[&'a str]) -> Vec<Cell<'a>> {
        hs.iter()
            .map(|h| {
                if h.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(h)
                }
            })
            .collect()
    }

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn maps_a_japanese_header_row() {
        let m = ColumnMap::try_from_row(
            &row(&[
                "お客様番号",
                "お名前",
                "ご住所",
                "TEL",
                "カード番号",
                "担当",
                "氏名",
            ]),
            &[],
        )
        .unwrap();
        assert_eq!(m.roles[0], ColumnRole::Field(Field::CustomerId));
        assert_eq!(m.roles[3], ColumnRole::Field(Field::Phone));
        assert_eq!(m.roles[4], ColumnRole::Payment(Field::CardNumber));
        assert_eq!(m.roles[5], ColumnRole::Unknown);
        assert_eq!(m.roles[6], ColumnRole::Duplicate(Field::Name));
    }

    #[test]
    fn recognizes_the_contract_end_column() {
        for h in [
            "解約日",
            "契約終了日",
            "退会日",
            "Contract End",
            "contract_end_date",
            "解約 年月日",
        ] {
            assert!(is_contract_end_header(h), "{h}");
        }
        for h in ["契約日", "契約サービス", "生年月日", "end"] {
            assert!(!is_contract_end_header(h), "{h}");
        }
        let m =
            ColumnMap::try_from_row(&row(&["顧客番号", "氏名", "解約日", "退会日"]), &[]).unwrap();
        assert_eq!(m.roles[2], ColumnRole::ContractEnded);
        assert_eq!(m.roles[3], ColumnRole::Unknown, "a second one is ignored");
        assert_eq!(m.report()[2].role, "contract_ended");
        assert_eq!(m.report()[2].field, None);
        let o: MapOverride = "終了=contract_ended".parse().unwrap();
        assert!(o.contract_ended && o.field.is_none());
        let m = ColumnMap::try_from_row(&row(&["顧客番号", "氏名", "終了"]), &[o]).unwrap();
        assert_eq!(m.roles[2], ColumnRole::ContractEnded);
    }

    #[test]
    fn title_row_is_not_a_header() {
        assert!(ColumnMap::try_from_row(&row(&["顧客一覧 2026年11月"]), &[]).is_none());
        assert!(ColumnMap::try_from_row(&row(&["氏名", "住所"]), &[]).is_none());
    }

    #[test]
    fn overrides_win() {
        let o: MapOverride = "会員コード=customer_id".parse().unwrap();
        let ign: MapOverride = "住所=ignore".parse().unwrap();
        let m = ColumnMap::try_from_row(&row(&["会員コード", "氏名", "住所"]), &[o, ign]).unwrap();
        assert_eq!(m.roles[0], ColumnRole::Field(Field::CustomerId));
        assert_eq!(m.roles[2], ColumnRole::Unknown);
        assert!("x=card".parse::<MapOverride>().is_err());
        assert!("nothing".parse::<MapOverride>().is_err());
    }

    #[test]
    fn a_payment_column_cannot_be_mapped_into_storage() {
        let to_notes: MapOverride = "口座番号=notes".parse().unwrap();
        let m = ColumnMap::try_from_row(
            &row(&["顧客番号", "氏名", "口座番号"]),
            std::slice::from_ref(&to_notes),
        )
        .unwrap();
        assert_eq!(m.roles[2], ColumnRole::Payment(Field::BankAccount));
        let e = m.check_overrides(&[to_notes]).unwrap_err();
        assert!(e.to_string().contains("payment data"), "{e}");
        let ignore: MapOverride = "口座番号=ignore".parse().unwrap();
        let m = ColumnMap::try_from_row(
            &row(&["顧客番号", "氏名", "口座番号"]),
            std::slice::from_ref(&ignore),
        )
        .unwrap();
        assert_eq!(m.roles[2], ColumnRole::Payment(Field::BankAccount));
        assert!(m.check_overrides(&[ignore]).is_ok());
    }
}
