//! Contractors (委託先), their age recipients and confidentiality agreements (R5).
//!
//! No handover may go to a contractor without a confidentiality agreement valid on the day,
//! and a bundle is encrypted to every key the contractor enrolled. Keys are enrolled once and
//! checked out of band: the roster shows a short fingerprint of each key that staff read back
//! to the contractor by phone.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Result;
use crate::dates::parse_date;
use crate::keys::recipient_fingerprint;
use crate::refusal::{DateOrder, Refusal};

/// A contractor in the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Contractor {
    /// Stable id (`CTR-0001`).
    pub id: String,
    /// Company name.
    pub name: String,
    /// Postal address.
    pub address: Option<String>,
    /// Contact person, phone or e-mail.
    pub contact: Option<String>,
    /// age X25519 recipients (`age1…`).
    pub recipients: Vec<String>,
    /// The day the confidentiality agreement was signed.
    #[ts(type = "string")]
    pub agreement_signed: Date,
    /// The last day the agreement is valid.
    #[ts(type = "string")]
    pub agreement_expires: Date,
}

/// How a contractor's agreement stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AgreementStatus {
    /// Signed after that day.
    NotYetValid,
    /// Valid; expires more than 30 days later.
    Valid,
    /// Valid, but expires within 30 days.
    ExpiringSoon,
    /// Expired before that day.
    Expired,
}

impl Contractor {
    /// Is the confidentiality agreement valid on `day` (both ends inclusive)?
    pub fn agreement_valid_on(&self, day: Date) -> bool {
        self.agreement_signed <= day && day <= self.agreement_expires
    }

    /// The agreement's standing on `day`.
    pub fn agreement_status(&self, day: Date) -> AgreementStatus {
        if day < self.agreement_signed {
            AgreementStatus::NotYetValid
        } else if day > self.agreement_expires {
            AgreementStatus::Expired
        } else if day.saturating_add(jiff::Span::new().days(30)) >= self.agreement_expires {
            AgreementStatus::ExpiringSoon
        } else {
            AgreementStatus::Valid
        }
    }

    /// Each recipient with its short fingerprint.
    pub fn keys(&self) -> Vec<RecipientKey> {
        self.recipients
            .iter()
            .map(|r| RecipientKey {
                recipient: r.clone(),
                fingerprint: recipient_fingerprint(r),
            })
            .collect()
    }
}

/// A recipient and the fingerprint staff read back to the contractor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecipientKey {
    /// `age1…`
    pub recipient: String,
    /// `ABCD-EF01-2345-6789`
    pub fingerprint: String,
}

/// What staff enter for a new contractor; validated by [`ContractorInput::validate`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContractorInput {
    /// Company name.
    pub name: String,
    /// Postal address.
    pub address: Option<String>,
    /// Contact person, phone or e-mail.
    pub contact: Option<String>,
    /// age recipients (`age1…`).
    pub recipients: Vec<String>,
    /// Agreement signed (YYYY-MM-DD).
    pub agreement_signed: String,
    /// Agreement expires (YYYY-MM-DD).
    pub agreement_expires: String,
}

/// Changes to an existing contractor; `None` leaves a value as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContractorChange {
    /// New company name.
    pub name: Option<String>,
    /// New address (empty string clears it).
    pub address: Option<String>,
    /// New contact (empty string clears it).
    pub contact: Option<String>,
    /// Replace all recipients with these.
    pub recipients: Option<Vec<String>>,
    /// Recipients to add.
    #[serde(default)]
    pub add_recipients: Vec<String>,
    /// Recipients to remove.
    #[serde(default)]
    pub remove_recipients: Vec<String>,
    /// New signing date.
    pub agreement_signed: Option<String>,
    /// New expiry date.
    pub agreement_expires: Option<String>,
}

fn clean_opt(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn validate_recipients(list: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for r in list {
        let parsed = crate::plugins::parse_recipient(r)?.to_string();
        if !out.contains(&parsed) {
            out.push(parsed);
        }
    }
    Ok(out)
}

fn check_dates(signed: Date, expires: Date) -> Result<()> {
    if expires < signed {
        return Err(Refusal::DateOrder {
            rule: DateOrder::Agreement,
            date: expires.to_string(),
            limit: signed.to_string(),
        }
        .into());
    }
    Ok(())
}

impl ContractorInput {
    /// Validate and build the contractor with the given id.
    pub fn validate(&self, id: String) -> Result<Contractor> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(Refusal::ContractorName.into());
        }
        let signed = parse_date(&self.agreement_signed)?;
        let expires = parse_date(&self.agreement_expires)?;
        check_dates(signed, expires)?;
        Ok(Contractor {
            id,
            name: name.to_string(),
            address: clean_opt(self.address.as_deref()),
            contact: clean_opt(self.contact.as_deref()),
            recipients: validate_recipients(&self.recipients)?,
            agreement_signed: signed,
            agreement_expires: expires,
        })
    }
}

impl ContractorChange {
    /// Apply the change to a copy of `c`, validating the result.
    pub fn apply(&self, c: &Contractor) -> Result<Contractor> {
        let mut n = c.clone();
        if let Some(name) = &self.name {
            let name = name.trim();
            if name.is_empty() {
                return Err(Refusal::ContractorName.into());
            }
            n.name = name.to_string();
        }
        if let Some(a) = &self.address {
            n.address = clean_opt(Some(a));
        }
        if let Some(a) = &self.contact {
            n.contact = clean_opt(Some(a));
        }
        if let Some(list) = &self.recipients {
            n.recipients = validate_recipients(list)?;
        }
        for r in validate_recipients(&self.add_recipients)? {
            if !n.recipients.contains(&r) {
                n.recipients.push(r);
            }
        }
        for r in &self.remove_recipients {
            let r = r.trim();
            let before = n.recipients.len();
            n.recipients.retain(|x| x != r);
            if n.recipients.len() == before {
                return Err(Refusal::NotContractorKey {
                    recipient: r.to_string(),
                    contractor: c.id.clone(),
                }
                .into());
            }
        }
        if let Some(d) = &self.agreement_signed {
            n.agreement_signed = parse_date(d)?;
        }
        if let Some(d) = &self.agreement_expires {
            n.agreement_expires = parse_date(d)?;
        }
        check_dates(n.agreement_signed, n.agreement_expires)?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> String {
        age::x25519::Identity::generate().to_public().to_string()
    }

    fn input() -> ContractorInput {
        ContractorInput {
            name: " 架空電設株式会社 ".into(),
            recipients: vec![key()],
            agreement_signed: "2026-04-01".into(),
            agreement_expires: "2027-03-31".into(),
            ..Default::default()
        }
    }

    #[test]
    fn validates_and_trims() {
        let c = input().validate("CTR-0001".into()).unwrap();
        assert_eq!(c.name, "架空電設株式会社");
        assert!(c.agreement_valid_on(parse_date("2026-04-01").unwrap()));
        assert!(c.agreement_valid_on(parse_date("2027-03-31").unwrap()));
        assert!(!c.agreement_valid_on(parse_date("2027-04-01").unwrap()));
        assert_eq!(
            c.agreement_status(parse_date("2027-03-10").unwrap()),
            AgreementStatus::ExpiringSoon
        );
    }

    #[test]
    fn refuses_bad_input() {
        let mut i = input();
        i.agreement_expires = "2026-03-01".into();
        assert!(
            i.validate("x".into())
                .unwrap_err()
                .to_string()
                .contains("before it was signed")
        );
        let mut i = input();
        i.recipients.push("age1bogus".into());
        assert_eq!(i.validate("x".into()).unwrap_err().code(), "bad_recipient");
        let mut i = input();
        i.agreement_signed = "2026-13-01".into();
        assert_eq!(i.validate("x".into()).unwrap_err().code(), "bad_date");
        let mut i = input();
        i.name = "  ".into();
        assert_eq!(
            i.validate("x".into()).unwrap_err().code(),
            "contractor_invalid"
        );
    }

    #[test]
    fn change_adds_and_removes_keys() {
        let c = input().validate("CTR-0001".into()).unwrap();
        let k2 = key();
        let ch = ContractorChange {
            add_recipients: vec![k2.clone()],
            ..Default::default()
        };
        let c2 = ch.apply(&c).unwrap();
        assert_eq!(c2.recipients.len(), 2);
        let ch = ContractorChange {
            remove_recipients: vec![k2],
            ..Default::default()
        };
        assert_eq!(ch.apply(&c2).unwrap().recipients, c.recipients);
        let ch = ContractorChange {
            remove_recipients: vec![key()],
            ..Default::default()
        };
        assert!(ch.apply(&c).is_err());
    }
}
