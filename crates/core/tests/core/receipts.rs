//! Receipts (issue 15): made from the bundle on the contractor's side, imported at the office;
//! forged, altered, replayed and other-handover receipts are refused with nothing recorded.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use handover_core::bundle::OpenKey;
use handover_core::handover::{Method, Selection};
use handover_core::ops::{self, FixedClock, Office, PackOptions, ReceiptInput};
use handover_core::receipt::{self, MAX_RECEIPT_SIZE, ReceiptKind, ReceiptState};
use handover_core::report::Lang;
use handover_core::{ContractorInput, DataDir, NoProgress, WorkType};

use crate::support::{self, TestOffice};

/// The day of the test clock (`support::NOW`).
const TODAY: &str = "2026-11-23";

struct Rx {
    t: TestOffice,
    identity: age::x25519::Identity,
    contractor: String,
}

impl Rx {
    fn new() -> Rx {
        let mut t = TestOffice::initialized();
        ops::load_sample(&mut t.office, &mut NoProgress).unwrap();
        let identity = age::x25519::Identity::generate();
        let contractor = ops::contractor_add(
            &mut t.office,
            &ContractorInput {
                name: "架空電設株式会社".into(),
                address: None,
                contact: None,
                recipients: vec![identity.to_public().to_string()],
                agreement_signed: "2020-04-01".into(),
                agreement_expires: "2099-03-31".into(),
            },
        )
        .unwrap()
        .id;
        Rx {
            t,
            identity,
            contractor,
        }
    }

    fn out(&self, name: &str) -> PathBuf {
        self.t.scratch().join(name)
    }

    /// Pack C0001 to `name`; the handover id.
    fn pack(&mut self, name: &str) -> String {
        let sel = Selection {
            contractor_id: self.contractor.clone(),
            work_type: WorkType::Installation,
            customers: vec!["C0001".into()],
            extra_fields: vec![],
            method: Method::Transfer,
            passphrase: false,
        };
        let opts = PackOptions {
            out: self.out(name),
            ..Default::default()
        };
        ops::pack(&mut self.t.office, &sel, &opts, &mut NoProgress)
            .unwrap()
            .handover_id
    }

    fn trust(&self) -> String {
        self.t
            .office
            .dir()
            .keys_dir()
            .join("office.signing.pub")
            .display()
            .to_string()
    }

    fn key(&self) -> OpenKey {
        OpenKey::Identities(vec![self.identity.clone()])
    }

    fn make(
        &self,
        bundle: &str,
        kind: ReceiptKind,
        extracted: Option<&Path>,
        out: &str,
    ) -> PathBuf {
        let input = ReceiptInput {
            kind,
            by: "架空 次郎".into(),
            on: Some(TODAY.into()),
            extracted: extracted.map(Path::to_path_buf).into_iter().collect(),
            note: Some("印刷物なし".into()),
        };
        let out = self.out(out);
        ops::make_receipt(&self.out(bundle), self.key(), &self.trust(), &input, &out).unwrap();
        out
    }

    /// `file` is refused with `code` and a detail saying `why`, and nothing changes.
    #[track_caller]
    fn refused(&mut self, file: &Path, code: &str, why: &str) {
        let before = support::snapshot(&self.t.office);
        let e = ops::import_receipts(&mut self.t.office, &[file.to_path_buf()]).unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        assert!(e.to_string().contains(why), "{e}");
        // A Japanese headline and detail of its own, naming the file.
        assert!(e.headline(Lang::Ja).contains("何も記録していません"), "{e}");
        let ja = e.detail(Lang::Ja);
        assert!(
            ja.contains(&file.display().to_string()) && ja.contains("何も記録していません"),
            "{ja}"
        );
        assert!(e.to_string().contains("nothing recorded"), "{e}");
        assert_eq!(support::snapshot(&self.t.office), before);
    }
}

#[test]
fn a_destruction_receipt_deletes_the_extracted_files_and_closes_the_handover() {
    let mut rx = Rx::new();
    let id = rx.pack("b.age");
    let ex = rx.out("ex");
    ops::open_bundle(&rx.out("b.age"), rx.key(), &rx.trust(), Some(&ex), false).unwrap();
    std::fs::write(ex.join("my-notes.txt"), "not the bundle's").unwrap();
    std::fs::remove_file(ex.join("customers.json")).unwrap();

    let received = rx.make("b.age", ReceiptKind::Received, None, "r1.age");
    let destroyed = rx.make("b.age", ReceiptKind::Destroyed, Some(&ex), "r2.age");
    // Only the bundle's files went; the one already gone is said; the rest stays.
    assert!(!ex.join("customers.csv").exists() && !ex.join("manifest.json").exists());
    assert!(ex.join("my-notes.txt").exists());
    for f in [&received, &destroyed] {
        let size = std::fs::metadata(f).unwrap().len() as usize;
        assert!(size < MAX_RECEIPT_SIZE, "{size}");
    }

    let done = ops::import_receipts(&mut rx.t.office, std::slice::from_ref(&received)).unwrap();
    assert!(!done[0].closed);
    assert_eq!(done[0].receipt.kind, ReceiptKind::Received);
    let h = ops::handovers(&rx.t.office).unwrap().pop().unwrap();
    assert_eq!(h.closed_on, None);
    let status = ops::receipt_status(&rx.t.office).unwrap()[&id].clone();
    assert_eq!(status.received_on.as_deref(), Some(TODAY));
    assert!(!status.destroyed_by_receipt);
    assert_eq!(state_of(&rx, &id), ReceiptState::Received);

    let done = ops::import_receipts(&mut rx.t.office, std::slice::from_ref(&destroyed)).unwrap();
    let r = &done[0].receipt;
    assert!(done[0].closed);
    assert_eq!(r.handover_id, id);
    assert!(r.deleted.contains(&"customers.csv".to_string()));
    let missing: Vec<_> = r
        .not_deleted
        .iter()
        .map(|n| (n.path.as_str(), &n.reason))
        .collect();
    assert_eq!(
        missing,
        [(
            "customers.json",
            &handover_core::receipt::NotDeletedReason::NotFound
        )]
    );
    let h = ops::handovers(&rx.t.office).unwrap().pop().unwrap();
    assert_eq!(h.closed_on.map(|d| d.to_string()).as_deref(), Some(TODAY));
    assert!(
        h.closed_note
            .unwrap()
            .contains("destruction receipt by 架空 次郎")
    );
    // The ledger holds the evidence and still verifies with its derived tables.
    let last = support::entries(&rx.t.office).pop().unwrap();
    assert_eq!(last.kind, "handover.destroyed");
    let payload: serde_json::Value = serde_json::from_str(&last.payload.unwrap()).unwrap();
    assert_eq!(payload["receipt"]["by"], "架空 次郎");
    assert_eq!(payload["receipt"]["mac"].as_str().unwrap().len(), 64);
    ops::verify_ledger(&rx.t.office).unwrap();
    assert!(ops::receipt_status(&rx.t.office).unwrap()[&id].destroyed_by_receipt);

    let row = ops::handovers_with_receipts(&rx.t.office)
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(row.state, ReceiptState::Destroyed);
    let evidence = row.receipts.destruction.unwrap();
    assert_eq!(evidence.by, "架空 次郎");
    assert!(evidence.deleted.contains(&"customers.csv".to_string()));
    assert_eq!(evidence.not_deleted.len(), 1);
    assert_eq!(evidence.note.as_deref(), Some("印刷物なし"));

    // Replays: the same files again.
    rx.refused(&received, "receipt_replayed", "already imported");
    rx.refused(&destroyed, "receipt_replayed", "already imported");
}

#[test]
fn altered_forged_and_other_handover_receipts_are_refused() {
    let mut rx = Rx::new();
    let first = rx.pack("a.age");
    let second = rx.pack("b.age");
    let good = rx.make("a.age", ReceiptKind::Destroyed, None, "good.age");

    // One byte changed anywhere in the armored body.
    let bytes = std::fs::read(&good).unwrap();
    let altered = rx.out("altered.age");
    let mut bad = bytes.clone();
    let mid = bad.len() / 2;
    bad[mid] = if bad[mid] == b'A' { b'B' } else { b'A' };
    std::fs::write(&altered, &bad).unwrap();
    rx.refused(&altered, "receipt_unreadable", "altered");

    // Made with bundle a's secret but naming handover b: the MAC fails under b's secret.
    let opened = ops::open_bundle(&rx.out("a.age"), rx.key(), &rx.trust(), None, false).unwrap();
    let rk = opened.manifest.receipt.clone().unwrap();
    let secret: [u8; 32] = hex::decode(&rk.secret).unwrap().try_into().unwrap();
    let other = rx.make("b.age", ReceiptKind::Destroyed, None, "b-good.age");
    let office_id = identity_of(&rx);
    let mut r = receipt::unseal(&std::fs::read(&other).unwrap(), &office_id)
        .unwrap()
        .receipt;
    assert_eq!(r.handover_id, second);
    r.nonce = "11".repeat(16);
    let cross = rx.out("cross.age");
    std::fs::write(
        &cross,
        receipt::seal(&r, &secret, &rk.office_recipient).unwrap(),
    )
    .unwrap();
    rx.refused(
        &cross,
        "receipt_forged",
        &format!("not made with the bundle of {second}"),
    );

    // Forged without any secret.
    let forged = rx.out("forged.age");
    std::fs::write(
        &forged,
        receipt::seal(&r, &[0u8; 32], &rk.office_recipient).unwrap(),
    )
    .unwrap();
    rx.refused(&forged, "receipt_forged", "forged or altered");

    // Not encrypted to this office.
    let stranger = age::x25519::Identity::generate().to_public().to_string();
    let lost = rx.out("lost.age");
    std::fs::write(&lost, receipt::seal(&r, &secret, &stranger).unwrap()).unwrap();
    rx.refused(
        &lost,
        "receipt_unreadable",
        "not a receipt encrypted to this office",
    );

    // A batch with one bad file records nothing, not even the good one.
    let before = support::snapshot(&rx.t.office);
    assert!(ops::import_receipts(&mut rx.t.office, &[good.clone(), forged]).is_err());
    assert_eq!(support::snapshot(&rx.t.office), before);
    // The same file twice in one batch is a replay too.
    assert!(ops::import_receipts(&mut rx.t.office, &[good.clone(), good.clone()]).is_err());
    assert_eq!(support::snapshot(&rx.t.office), before);

    // A destruction receipt for a handover already closed by hand is refused.
    ops::confirm_destruction(&mut rx.t.office, &first, TODAY, Some("paper")).unwrap();
    rx.refused(&good, "receipt_closed", "already closed");
    // Closed by hand: no receipt in the ledger for it (nor for the refused ones).
    assert!(ops::receipt_status(&rx.t.office).unwrap().is_empty());
}

#[test]
fn a_receipt_verifies_in_well_under_ten_milliseconds() {
    let mut rx = Rx::new();
    let id = rx.pack("a.age");
    let file = rx.make("a.age", ReceiptKind::Received, None, "r.age");
    let bytes = std::fs::read(&file).unwrap();
    let office_id = identity_of(&rx);
    let opened = ops::open_bundle(&rx.out("a.age"), rx.key(), &rx.trust(), None, false).unwrap();
    let secret: [u8; 32] = hex::decode(opened.manifest.receipt.unwrap().secret)
        .unwrap()
        .try_into()
        .unwrap();
    const N: u32 = 200;
    let start = std::time::Instant::now();
    for _ in 0..N {
        let s = receipt::unseal(&bytes, &office_id).unwrap();
        assert!(s.authentic(&secret) && s.receipt.handover_id == id);
    }
    let each = start.elapsed() / N;
    eprintln!(
        "receipt: {} bytes, decrypt + verify {each:?} each",
        bytes.len()
    );
    assert!(each < std::time::Duration::from_millis(10), "{each:?}");
}

#[test]
fn a_bundle_from_before_receipts_and_bad_input_make_no_receipt() {
    let mut rx = Rx::new();
    rx.pack("a.age");
    let input = ReceiptInput {
        kind: ReceiptKind::Received,
        by: " ".into(),
        on: None,
        extracted: vec![],
        note: None,
    };
    let out = rx.out("r.age");
    let e = ops::make_receipt(&rx.out("a.age"), rx.key(), &rx.trust(), &input, &out).unwrap_err();
    assert!(e.to_string().contains("who makes the receipt"), "{e}");
    assert_eq!(e.code(), "receipt_by", "{e}");
    assert!(!out.exists());
    // A day in the future.
    let future = ReceiptInput {
        by: "架空 次郎".into(),
        on: Some("2999-01-01".into()),
        ..input.clone()
    };
    let e = ops::make_receipt(&rx.out("a.age"), rx.key(), &rx.trust(), &future, &out).unwrap_err();
    assert!(e.to_string().contains("in the future"), "{e}");
    assert!(!out.exists());
    // The folder of another bundle: nothing deleted, no receipt.
    rx.pack("b.age");
    let ex = rx.out("ex-b");
    ops::open_bundle(&rx.out("b.age"), rx.key(), &rx.trust(), Some(&ex), false).unwrap();
    let wrong = ReceiptInput {
        kind: ReceiptKind::Destroyed,
        by: "架空 次郎".into(),
        extracted: vec![ex.clone()],
        ..input.clone()
    };
    let e = ops::make_receipt(&rx.out("a.age"), rx.key(), &rx.trust(), &wrong, &out).unwrap_err();
    assert!(e.to_string().contains("another bundle"), "{e}");
    assert_eq!(e.code(), "extracted_other_bundle", "{e}");
    assert!(ex.join("customers.csv").exists() && !out.exists());

    std::fs::write(&out, "x").unwrap();
    let input = ReceiptInput {
        by: "架空 次郎".into(),
        ..input
    };
    let e = ops::make_receipt(&rx.out("a.age"), rx.key(), &rx.trust(), &input, &out).unwrap_err();
    assert_eq!(e.code(), "file_exists", "{e}");
}

/// Where handover `id` stands with its receipts.
#[test]
fn refusals_to_make_a_receipt_have_their_own_codes() {
    let mut rx = Rx::new();
    rx.pack("b.age");
    let ex = rx.out("ex-b");
    ops::open_bundle(&rx.out("b.age"), rx.key(), &rx.trust(), Some(&ex), false).unwrap();
    let out = rx.out("r.age");
    let wrong = ReceiptInput {
        kind: ReceiptKind::Destroyed,
        by: "架空 次郎".into(),
        on: None,
        extracted: vec![],
        note: None,
    };
    // A file given as the extracted folder: nothing deleted, no receipt.
    let not_folder = ReceiptInput {
        extracted: vec![ex.join("customers.csv")],
        ..wrong.clone()
    };
    let e =
        ops::make_receipt(&rx.out("b.age"), rx.key(), &rx.trust(), &not_folder, &out).unwrap_err();
    assert_eq!(e.code(), "extracted_not_a_folder", "{e}");
    assert!(ex.join("customers.csv").exists() && !out.exists());
    // Each has its Japanese and English headline, and a Japanese detail.
    for code in [
        "receipt_by",
        "extracted_other_bundle",
        "extracted_not_a_folder",
    ] {
        for lang in [Lang::Ja, Lang::En] {
            assert!(
                handover_core::messages::headline(code, lang).is_some(),
                "{code}"
            );
        }
    }
    assert!(
        e.detail(Lang::Ja).contains("フォルダではありません"),
        "{}",
        e.detail(Lang::Ja)
    );
    assert_eq!(
        "bogus".parse::<ReceiptKind>().unwrap_err().code(),
        "receipt_kind"
    );
    assert_eq!(
        ops::import_receipts(&mut rx.t.office, &[])
            .unwrap_err()
            .code(),
        "receipt_no_files"
    );
}

fn state_of(rx: &Rx, id: &str) -> ReceiptState {
    ops::handovers_with_receipts(&rx.t.office)
        .unwrap()
        .into_iter()
        .find(|r| r.handover.id == id)
        .unwrap()
        .state
}

/// The states the lists show: no receipt, then by hand for one closed without a receipt; the
/// overdue report says which overdue handovers have no receipt and which were received.
#[test]
fn each_handover_says_whether_it_has_no_receipt_a_receipt_or_was_closed_by_hand() {
    let mut rx = Rx::new();
    let a = rx.pack("a.age");
    let b = rx.pack("b.age");
    let c = rx.pack("c.age");
    assert_eq!(state_of(&rx, &a), ReceiptState::NoReceipt);
    ops::confirm_destruction(&mut rx.t.office, &a, TODAY, Some("paper")).unwrap();
    assert_eq!(state_of(&rx, &a), ReceiptState::ByHand);
    let received = rx.make("b.age", ReceiptKind::Received, None, "r.age");
    ops::import_receipts(&mut rx.t.office, &[received]).unwrap();
    assert_eq!(state_of(&rx, &b), ReceiptState::Received);
    assert_eq!(state_of(&rx, &c), ReceiptState::NoReceipt);
    let rows = ops::handovers_with_receipts(&rx.t.office).unwrap();
    assert!(
        rows.iter().all(|r| r.days_overdue.is_none()),
        "none due yet"
    );

    // Half a year later both open ones are overdue: one received, one without any receipt.
    rx.t.office = Office::open(DataDir::new(rx.t.data()), support::OPERATOR)
        .unwrap()
        .with_clock(Arc::new(FixedClock(
            "2027-06-01T09:00:00Z".parse().unwrap(),
        )));
    let report = ops::overdue_report(&rx.t.office).unwrap();
    let rows: Vec<_> = report
        .handovers
        .iter()
        .map(|h| (h.handover_id.as_str(), h.receipt, h.received_on.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            (b.as_str(), ReceiptState::Received, Some(TODAY)),
            (c.as_str(), ReceiptState::NoReceipt, None)
        ]
    );
    // The handovers list says how late in days, as the report does, and nothing for the one
    // closed by hand.
    let days = |id: &str| {
        report
            .handovers
            .iter()
            .find(|h| h.handover_id == id)
            .map(|h| h.days_overdue)
    };
    let list: Vec<_> = ops::handovers_with_receipts(&rx.t.office)
        .unwrap()
        .into_iter()
        .map(|r| (r.handover.id, r.days_overdue))
        .collect();
    assert_eq!(
        list,
        [
            (a.clone(), None),
            (b.clone(), days(&b)),
            (c.clone(), days(&c))
        ]
    );
    assert!(days(&b).unwrap() > 150, "{:?}", days(&b));
}

/// A bundle exported into two folders: one destruction deletes it in both (each checked
/// first); a wrong folder among them deletes nothing anywhere.
#[test]
fn a_destruction_deletes_every_folder_it_was_extracted_into_or_none() {
    let mut rx = Rx::new();
    rx.pack("a.age");
    rx.pack("b.age");
    let (one, two, other) = (rx.out("one"), rx.out("two"), rx.out("other"));
    for (bundle, dir) in [("a.age", &one), ("a.age", &two), ("b.age", &other)] {
        ops::open_bundle(&rx.out(bundle), rx.key(), &rx.trust(), Some(dir), false).unwrap();
    }
    std::fs::remove_file(two.join("customers.json")).unwrap();
    let input = |dirs: Vec<PathBuf>| ReceiptInput {
        kind: ReceiptKind::Destroyed,
        by: "架空 次郎".into(),
        on: Some(TODAY.into()),
        extracted: dirs,
        note: None,
    };
    let out = rx.out("r.age");
    let wrong = input(vec![one.clone(), other.clone()]);
    let e = ops::make_receipt(&rx.out("a.age"), rx.key(), &rx.trust(), &wrong, &out).unwrap_err();
    assert!(e.to_string().contains("another bundle"), "{e}");
    assert!(one.join("customers.csv").exists() && !out.exists());

    let both = input(vec![one.clone(), two.clone()]);
    let made = ops::make_receipt(&rx.out("a.age"), rx.key(), &rx.trust(), &both, &out).unwrap();
    for dir in [&one, &two] {
        assert!(!dir.join("customers.csv").exists(), "{}", dir.display());
    }
    // customers.json was gone from one folder and deleted from the other: deleted, once.
    let r = made.receipt;
    assert_eq!(
        r.deleted.iter().filter(|f| *f == "customers.json").count(),
        1
    );
    assert!(r.not_deleted.is_empty(), "{:?}", r.not_deleted);
    assert!(other.join("customers.csv").exists());
}

/// The office's escrow identity, read from its key file.
fn identity_of(rx: &Rx) -> age::x25519::Identity {
    let text = std::fs::read_to_string(rx.t.office.dir().keys_dir().join("office.agekey")).unwrap();
    text.lines()
        .find_map(|l| l.parse::<age::x25519::Identity>().ok())
        .unwrap()
}

/// An attacker's folder (or a careless one): the extracted floor-plan folder replaced by a link
/// to another folder holding files of the same names. The destruction deletes nothing through
/// the link and says which files it left, so no file outside the named folder is lost.
#[cfg(unix)]
#[test]
fn a_destruction_does_not_follow_a_linked_folder_out_of_the_extracted_one() {
    let mut rx = Rx::new();
    rx.pack("b.age");
    let ex = rx.out("ex");
    ops::open_bundle(&rx.out("b.age"), rx.key(), &rx.trust(), Some(&ex), false).unwrap();
    let plans = ex.join(handover_core::bundle::FLOOR_PLAN_DIR);
    let inside: Vec<_> = std::fs::read_dir(&plans)
        .expect("the bundle has floor plans")
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(!inside.is_empty());
    let elsewhere = rx.out("elsewhere");
    std::fs::rename(&plans, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &plans).unwrap();

    let destroyed = rx.make("b.age", ReceiptKind::Destroyed, Some(&ex), "r.age");
    for name in &inside {
        assert!(
            elsewhere.join(name).exists(),
            "{name:?} deleted through the link"
        );
    }
    assert!(!ex.join("customers.csv").exists());
    let done = ops::import_receipts(&mut rx.t.office, &[destroyed]).unwrap();
    let left: Vec<_> = done[0].receipt.not_deleted.iter().collect();
    assert_eq!(left.len(), inside.len(), "{left:?}");
    assert!(
        left.iter()
            .all(|n| n.reason == handover_core::receipt::NotDeletedReason::LinkedFolder),
        "{left:?}"
    );
}
