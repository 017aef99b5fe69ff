//! Search-as-you-type over the register, a page at a time, for the desktop app's table.

use serde::Serialize;
use ts_rs::TS;

use super::Office;
use crate::Result;
use crate::register::{Customer, SearchIndex};

/// Most customers in one page.
pub const MAX_PAGE: usize = 500;

/// One page of a search.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CustomerPage {
    /// The query, as asked.
    pub query: String,
    /// Customers matching it in all.
    pub total: usize,
    /// Position of the first customer of this page among the matches.
    pub offset: usize,
    /// The customers of this page, in customer_id order.
    pub customers: Vec<Customer>,
}

/// A search over the register kept between pages: the index (rebuilt when the ledger moved,
/// since every change to the register appends a ledger entry) and the last query's matches
/// (so that scrolling does not search again).
#[derive(Debug, Default)]
pub struct CustomerSearch {
    index: SearchIndex,
    /// The ledger head the index was built at (None: not built yet).
    built_at: Option<Option<u64>>,
    query: Option<String>,
    matches: Vec<u32>,
}

impl CustomerSearch {
    /// A search that builds its index on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Customers `offset..offset + limit` (at most [`MAX_PAGE`]) of those matching `query`.
    pub fn page(
        &mut self,
        office: &Office,
        query: &str,
        offset: usize,
        limit: usize,
    ) -> Result<CustomerPage> {
        let head = office.store().ledger_head()?.map(|(seq, _)| seq);
        if self.built_at != Some(head) {
            self.index = SearchIndex::new(office.store().customer_search_keys()?);
            self.built_at = Some(head);
            self.query = None;
        }
        if self.query.as_deref() != Some(query) {
            self.matches = self.index.search(query);
            self.query = Some(query.to_string());
        }
        let end = offset
            .saturating_add(limit.min(MAX_PAGE))
            .min(self.matches.len());
        let mut customers = Vec::with_capacity(end.saturating_sub(offset));
        for &pos in self.matches.get(offset..end).unwrap_or(&[]) {
            if let Some(c) = self
                .index
                .id(pos)
                .map(|id| office.store().customer(id))
                .transpose()?
                .flatten()
            {
                customers.push(c);
            }
        }
        Ok(CustomerPage {
            query: query.to_string(),
            total: self.matches.len(),
            offset,
            customers,
        })
    }
}

/// Customer numbers pasted or typed by staff ([`crate::customer_ids::parse`]), sorted into
/// those in the register (in the order given) and those not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PastedIds {
    /// In the register, in the order given, each once.
    pub found: Vec<String>,
    /// Not in the register, as given (after normalization).
    pub unknown: Vec<String>,
}

/// Read pasted customer numbers and look each up in the register.
pub fn paste_customer_ids(office: &Office, text: &str) -> Result<PastedIds> {
    let mut out = PastedIds {
        found: Vec::new(),
        unknown: Vec::new(),
    };
    for id in crate::customer_ids::parse(text) {
        if office.store.customer(&id)?.is_some() {
            out.found.push(id);
        } else {
            out.unknown.push(id);
        }
    }
    Ok(out)
}
