//! An in-memory search index of the register, for search-as-you-type over 100,000 customers.
//!
//! A `LIKE '%…%'` over the `search` column scans the table for every keystroke (about 40 ms
//! for 100,000 rows, before any row is read); holding just the ids and their folded search
//! keys in memory (about 10 MB for 100,000 customers) answers a query in a few milliseconds,
//! and the rows of the page on screen are then read by id. The keys are the ones the import
//! stored ([`super::search_key`]), so the index finds exactly what the store's search finds.

/// Customer ids and search keys, in customer_id order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchIndex {
    ids: Vec<String>,
    keys: Vec<String>,
}

impl SearchIndex {
    /// An index of `(customer_id, search key)` pairs, in the order given.
    pub fn new(rows: Vec<(String, String)>) -> Self {
        let (ids, keys) = rows.into_iter().unzip();
        SearchIndex { ids, keys }
    }

    /// Customers in the index.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the register is empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The positions of the customers matching `query` (folded like the stored keys: やまだ
    /// finds ヤマダ, ０３－１２ finds 03-12…), in customer_id order. An empty query matches
    /// everyone.
    pub fn search(&self, query: &str) -> Vec<u32> {
        let q = super::search_key(query);
        if q.is_empty() {
            return (0..self.ids.len() as u32).collect();
        }
        self.keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.contains(q.as_str()))
            .map(|(i, _)| i as u32)
            .collect()
    }

    /// The customer id at a position.
    pub fn id(&self, pos: u32) -> Option<&str> {
        self.ids.get(pos as usize).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::search_key;

    fn index() -> SearchIndex {
        SearchIndex::new(
            [
                ("C0001", "山田 太郎 ヤマダ タロウ 03-0000-1234"),
                ("C0002", "佐藤 花子 サトウ ハナコ 06-0000-5678"),
                ("C0003", "山本 一郎 ヤマモト イチロウ 03-0000-9999"),
            ]
            .into_iter()
            .map(|(id, text)| (id.to_string(), search_key(&format!("{id} {text}"))))
            .collect(),
        )
    }

    #[test]
    fn folds_the_query_like_the_stored_keys() {
        let i = index();
        assert_eq!(i.search("やまだ"), [0]);
        assert_eq!(i.search("ﾔﾏ"), [0, 2]);
        assert_eq!(i.search("０３－００００"), [0, 2]);
        assert_eq!(i.search("c0002"), [1]);
        assert_eq!(i.search("存在しない"), Vec::<u32>::new());
    }

    #[test]
    fn empty_query_is_everyone_in_order() {
        let i = index();
        assert_eq!(i.search("  "), [0, 1, 2]);
        assert_eq!(i.id(2), Some("C0003"));
        assert_eq!(i.id(3), None);
        assert_eq!(i.len(), 3);
        assert!(SearchIndex::default().is_empty());
    }
}
