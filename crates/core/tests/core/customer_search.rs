//! Search-as-you-type a page at a time (`ops::CustomerSearch`): the same customers as the
//! store's own search, pages that tile the matches, and an index that follows the register.

use handover_core::NoProgress;
use handover_core::ops::{self, CustomerSearch, MAX_PAGE};

use crate::support::TestOffice;

fn ids(p: &ops::CustomerPage) -> Vec<&str> {
    p.customers.iter().map(|c| c.customer_id.as_str()).collect()
}

#[test]
fn pages_tile_the_matches_and_agree_with_the_store_search() {
    let mut t = TestOffice::initialized();
    ops::load_sample(&mut t.office, &mut NoProgress).unwrap();
    let mut s = CustomerSearch::new();

    let first = s.page(&t.office, "", 0, 100).unwrap();
    assert_eq!(first.total, 300);
    assert_eq!(first.offset, 0);
    assert_eq!(ids(&first)[..3], ["C0001", "C0002", "C0003"]);
    let mut all: Vec<String> = Vec::new();
    for offset in (0..300).step_by(128) {
        let p = s.page(&t.office, "", offset, 128).unwrap();
        all.extend(p.customers.iter().map(|c| c.customer_id.clone()));
    }
    let store: Vec<String> = ops::customers(&t.office, "", None)
        .unwrap()
        .into_iter()
        .map(|c| c.customer_id)
        .collect();
    assert_eq!(all, store);

    // Folded queries find what the store's search finds, in the same order.
    for q in ["やま", "ﾔﾏ", "東京都", "c00", "090", "存在しない"] {
        let p = s.page(&t.office, q, 0, MAX_PAGE).unwrap();
        let want: Vec<String> = ops::customers(&t.office, q, None)
            .unwrap()
            .into_iter()
            .map(|c| c.customer_id)
            .collect();
        assert_eq!(p.total, want.len(), "{q}");
        assert_eq!(ids(&p), want[..want.len().min(MAX_PAGE)], "{q}");
    }

    // Past the end: an empty page with the total; a page never exceeds MAX_PAGE.
    let past = s.page(&t.office, "", 1000, 50).unwrap();
    assert_eq!((past.total, past.customers.len()), (300, 0));
    assert_eq!(
        s.page(&t.office, "", 0, 10_000).unwrap().customers.len(),
        300.min(MAX_PAGE)
    );
}

#[test]
fn the_index_follows_the_register() {
    let mut t = TestOffice::initialized();
    let mut s = CustomerSearch::new();
    assert_eq!(s.page(&t.office, "", 0, 10).unwrap().total, 0);
    ops::load_sample(&mut t.office, &mut NoProgress).unwrap();
    // The import appended a ledger entry: the next page sees the new customers.
    assert_eq!(s.page(&t.office, "", 0, 10).unwrap().total, 300);
    assert_eq!(s.page(&t.office, "T001", 0, 10).unwrap().total, 0);
    let report = t.import_ok(&crate::support::register("basic_utf8.csv"));
    assert!(report.added > 0);
    let after = s.page(&t.office, "", 0, 10).unwrap();
    assert_eq!(after.total, 300 + report.added);
    assert_eq!(ids(&s.page(&t.office, "t001", 0, 10).unwrap()), ["T001"]);
}
