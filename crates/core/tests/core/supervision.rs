//! The supervision record (委託先監督台帳, issue 15): every change a ledger entry carrying the
//! record, refusals that change nothing, staff who may read but not edit, the pack rule
//! (warn by default, refuse when the policy says so, with nothing written or recorded), and the
//! supervision report read back (HTML text, XLSX opened with calamine).

use calamine::{Data, Reader, open_workbook_auto};
use handover_core::handover::{Method, Selection};
use handover_core::operators::Role;
use handover_core::ops::{
    self, LeakFormat, Office, PackOptions, PackWarning, SupervisionReportQuery,
};
use handover_core::report::{Lang, ReceiptEvidence};
use handover_core::supervision::{
    CheckInput, Clause, IncidentInput, ReviewInput, ReviewResult, SupervisionChange,
    SupervisionRule,
};
use handover_core::{ContractorInput, Error, NoProgress, WorkType};

use crate::accountability::Ax;
use crate::support::{self, PASSWORD, TestOffice, entries, new_recipient, password, snapshot};

fn contractor(office: &mut Office, signed: &str) -> String {
    ops::contractor_add(
        office,
        &ContractorInput {
            name: "架空電設株式会社".into(),
            address: Some("東京都架空区見本町1-1".into()),
            contact: None,
            recipients: vec![new_recipient()],
            agreement_signed: signed.into(),
            agreement_expires: "2099-03-31".into(),
        },
    )
    .unwrap()
    .id
}

fn check(cert: &str, number: Option<&str>, expires: Option<&str>) -> SupervisionChange {
    SupervisionChange::Check(CheckInput {
        certification: cert.into(),
        number: number.map(Into::into),
        expires: expires.map(Into::into),
        checked_on: None,
    })
}

fn review(
    due: &str,
    done: Option<&str>,
    result: Option<&str>,
    notes: Option<&str>,
) -> SupervisionChange {
    SupervisionChange::Review(ReviewInput {
        due: due.into(),
        done: done.map(Into::into),
        result: result.map(Into::into),
        notes: notes.map(Into::into),
    })
}

fn person(add: bool, name: &str) -> SupervisionChange {
    let name = name.to_string();
    if add {
        SupervisionChange::AddPerson { name }
    } else {
        SupervisionChange::RemovePerson { name }
    }
}

fn clauses(list: &str) -> SupervisionChange {
    SupervisionChange::Clauses {
        clauses: vec![list.into()],
    }
}

fn incident(on: &str, what: &str, action: Option<&str>) -> SupervisionChange {
    SupervisionChange::Incident(IncidentInput {
        on: on.into(),
        what: what.into(),
        action: action.map(Into::into),
    })
}

/// The full record of the tests: a P-mark, four clauses, two people, a review done, an incident.
fn fill(office: &mut Office, id: &str) {
    for change in [
        check("pmark", Some("10820000(01)"), Some("2027-03-31")),
        clauses("purpose_limited,no_reprovision,incident_reporting,return_or_deletion"),
        person(true, "架空 一郎"),
        person(true, "架空 次郎"),
        person(false, "架空 次郎"),
        review(
            "2026-04-01",
            Some("2026-05-20"),
            Some("issues"),
            Some("施錠保管の徹底を依頼"),
        ),
        incident(
            "2026-06-02",
            "作業指示書1枚を車内に置き忘れ（翌日回収）",
            Some("持ち出し手順を改訂"),
        ),
    ] {
        ops::supervision_change(office, id, &change).unwrap_or_else(|e| panic!("{change:?}: {e}"));
    }
}

#[test]
fn every_change_is_an_entry_carrying_the_record_and_the_ledger_verifies() {
    let mut t = TestOffice::initialized();
    let id = contractor(&mut t.office, "2025-04-01");
    let before = entries(&t.office).len();
    fill(&mut t.office, &id);
    let v = ops::supervision(&t.office, &id).unwrap();
    let check = v.record.check.as_ref().unwrap();
    assert_eq!(check.number.as_deref(), Some("10820000(01)"));
    assert_eq!(
        check.checked_on.to_string(),
        "2026-11-23",
        "today by default"
    );
    assert_eq!(
        check.checked_by,
        support::OPERATOR,
        "the operator, not a typed name"
    );
    assert_eq!(v.record.clauses.len(), 4);
    assert_eq!(
        v.status.missing_clauses,
        [Clause::SubcontractingWithConsent, Clause::AuditRight]
    );
    assert_eq!(v.record.people, ["架空 一郎"]);
    assert_eq!(v.record.reviews[0].result, Some(ReviewResult::Issues));
    assert_eq!(
        v.status.next_review.to_string(),
        "2027-05-20",
        "a year after the last review"
    );
    assert!(!v.status.review_overdue && !v.status.certification_expired);
    assert!(v.warnings.is_empty() && v.can_edit);

    let new: Vec<_> = entries(&t.office).into_iter().skip(before).collect();
    let kinds: Vec<&str> = new.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "contractor.checked",
            "contractor.clauses",
            "contractor.person_added",
            "contractor.person_added",
            "contractor.person_removed",
            "contractor.reviewed",
            "contractor.incident",
        ]
    );
    let last: serde_json::Value = serde_json::from_str(new[6].payload.as_deref().unwrap()).unwrap();
    assert_eq!(last["contractorId"], id.as_str());
    assert_eq!(last["after"], serde_json::to_value(&v.record).unwrap());
    assert_eq!(last["before"]["incidents"], serde_json::json!([]));
    let removed: serde_json::Value =
        serde_json::from_str(new[4].payload.as_deref().unwrap()).unwrap();
    assert_eq!(
        removed["before"]["people"],
        serde_json::json!(["架空 一郎", "架空 次郎"])
    );
    assert!(new.iter().all(|e| e.actor == support::OPERATOR));

    let report = ops::verify_ledger(&t.office).unwrap();
    assert_eq!(report.entries, (before + 7) as u64);
    let out = t.scratch().join("ledger.jsonl");
    let exported = ops::export_ledger(&mut t.office, &out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("contractor.incident") && text.contains("持ち出し手順を改訂"));
    assert!(exported.entries >= 7);

    // The record survives reopening (it is in the store, not in memory).
    let reopened = support::open_at(&t.data());
    assert_eq!(ops::supervision(&reopened, &id).unwrap().record, v.record);
}

#[test]
fn a_refused_change_changes_nothing() {
    let mut t = TestOffice::initialized();
    let id = contractor(&mut t.office, "2025-04-01");
    fill(&mut t.office, &id);
    let before = snapshot(&t.office);
    let record = ops::supervision(&t.office, &id).unwrap().record;
    let cases = [
        (
            check("pmark", None, Some("2027-03-31")),
            "supervision_invalid",
        ),
        (
            check("isms", Some("IS 000000"), None),
            "supervision_invalid",
        ),
        (check("none", Some("1"), None), "supervision_invalid"),
        (check("iso9001", None, None), "unknown_certification"),
        (clauses("purpose_limited,everything"), "unknown_clause"),
        (
            clauses("purpose_limited,no_reprovision,incident_reporting,return_or_deletion"),
            "supervision_invalid",
        ),
        (person(true, "架空 一郎"), "supervision_invalid"),
        (person(true, "  "), "supervision_invalid"),
        (person(false, "架空 三郎"), "supervision_invalid"),
        (
            review("2027-05-01", Some("2026-11-20"), None, None),
            "supervision_invalid",
        ),
        (
            review("2027-05-01", None, Some("ok"), None),
            "supervision_invalid",
        ),
        (
            review("2027-05-01", Some("2026-11-20"), Some("issues"), None),
            "supervision_invalid",
        ),
        (
            review("2027-05-01", Some("2026-11-24"), Some("ok"), None),
            "date_in_future",
        ),
        (review("2027-02-30", None, None, None), "bad_date"),
        (incident("2026-11-24", "紛失", None), "date_in_future"),
        (incident("2026-11-01", " ", None), "supervision_invalid"),
    ];
    for (change, code) in cases {
        let e = ops::supervision_change(&mut t.office, &id, &change).unwrap_err();
        assert_eq!(e.code(), code, "{change:?}: {e}");
    }
    let e = ops::supervision_change(&mut t.office, "CTR-0099", &person(true, "x")).unwrap_err();
    assert!(matches!(e, Error::UnknownContractor(_)), "{e}");
    assert_eq!(snapshot(&t.office), before);
    assert_eq!(ops::supervision(&t.office, &id).unwrap().record, record);
}

#[test]
fn staff_read_the_record_but_only_a_manager_changes_it() {
    let mut t = TestOffice::with_admin();
    let id = contractor(&mut t.office, "2025-04-01");
    for (name, role) in [("joshi", Role::Manager), ("tanto", Role::Staff)] {
        ops::operator_add(&mut t.office, name, role, &password(PASSWORD)).unwrap();
    }
    let sign_in = |name: &str| {
        ops::sign_in(
            handover_core::DataDir::new(t.data()),
            name,
            &password(PASSWORD),
        )
        .unwrap()
        .with_clock(std::sync::Arc::new(support::clock()))
    };
    let mut staff = sign_in("tanto");
    let before = snapshot(&staff);
    let e = ops::supervision_change(&mut staff, &id, &person(true, "架空 一郎")).unwrap_err();
    assert!(
        matches!(
            e,
            Error::RoleRequired {
                needed: Role::Manager,
                ..
            }
        ),
        "{e}"
    );
    let e = ops::supervision_report(&staff, &id, None, None).unwrap_err();
    assert_eq!(e.code(), "role_required");
    assert_eq!(snapshot(&staff), before);
    let view = ops::supervision(&staff, &id).unwrap();
    assert!(!view.can_edit);
    drop(staff);

    let mut manager = sign_in("joshi");
    let v = ops::supervision_change(
        &mut manager,
        &id,
        &check("isms", Some("IS 000000"), Some("2027-01-31")),
    )
    .unwrap();
    assert_eq!(v.record.check.unwrap().checked_by, "joshi");
}

/// Pack C0001 for `contractor` (transfer) to a new file; the result or the refusal.
fn pack(ax: &mut Ax, contractor: &str, name: &str) -> handover_core::Result<ops::PackResult> {
    let sel = Selection {
        contractor_id: contractor.into(),
        work_type: WorkType::Installation,
        customers: vec!["C0001".into()],
        extra_fields: vec![],
        method: Method::Transfer,
        passphrase: false,
    };
    let out = ax.t.scratch().join(name);
    let opts = PackOptions {
        out,
        ..Default::default()
    };
    ops::pack(ax.office(), &sel, &opts, &mut NoProgress)
}

#[test]
fn pack_warns_by_default_and_refuses_when_the_policy_says_so() {
    let mut ax = Ax::new();
    ax.day("2026-11-23");
    let a = ax.keyed.clone();
    // Signed 2020-04-01, never reviewed: the first review was due 2021-04-01.
    let v = ops::supervision(ax.o(), &a).unwrap();
    assert!(v.status.review_overdue);
    assert_eq!(v.warnings, [PackWarning::ReviewOverdue]);
    let choice = ops::contractor_choices(ax.o())
        .unwrap()
        .into_iter()
        .find(|c| c.contractor.id == a)
        .unwrap();
    assert_eq!(choice.supervision, [PackWarning::ReviewOverdue]);
    assert!(choice.refusal.is_none());

    // An expired certificate too: both warnings, and the pack goes ahead.
    ops::supervision_change(
        ax.office(),
        &a,
        &check("pmark", Some("1"), Some("2026-10-31")),
    )
    .unwrap();
    let r = pack(&mut ax, &a, "warned.age").unwrap();
    assert_eq!(
        r.warnings,
        [
            PackWarning::ReviewOverdue,
            PackWarning::CertificationExpired
        ]
    );
    assert!(
        PackWarning::ReviewOverdue
            .text(Lang::Ja)
            .contains("年次点検")
    );

    refused_then_cleared(&mut ax, &a);
}

/// The policy set to refuse: the pack is refused with nothing written or recorded; once the
/// review and the renewed certificate are recorded it goes through without a warning.
fn refused_then_cleared(ax: &mut Ax, a: &str) {
    let a = a.to_string();
    // The policy refuses: nothing written, nothing recorded, no id given away.
    let mut policy = ops::policy(ax.o()).unwrap();
    policy.supervision = SupervisionRule::Refuse;
    ops::policy_save(ax.office(), &policy).unwrap();
    let before = snapshot(ax.o());
    let e = pack(ax, &a, "refused.age").unwrap_err();
    match &e {
        Error::SupervisionDue {
            contractor,
            review_due,
            certificate_expired,
        } => {
            assert_eq!(contractor, &a);
            assert_eq!(review_due.as_deref(), Some("2021-04-01"));
            assert_eq!(certificate_expired.as_deref(), Some("2026-10-31"));
        }
        other => panic!("{other}"),
    }
    assert_eq!(e.code(), "supervision_due");
    assert!(
        e.detail(Lang::Ja).contains("年次点検の期限 2021-04-01"),
        "{}",
        e.detail(Lang::Ja)
    );
    assert!(!ax.t.scratch().join("refused.age").exists());
    assert!(!ax.t.scratch().join("refused.age.sig").exists());
    assert_eq!(snapshot(ax.o()), before);
    let choice = ops::contractor_choices(ax.o())
        .unwrap()
        .into_iter()
        .find(|c| c.contractor.id == a)
        .unwrap();
    assert!(choice.refusal.is_some() && choice.supervision.is_empty());
    assert!(choice.methods.iter().all(|m| m.refusal.is_some()));

    // The review done and the renewed certificate recorded: the pack goes through, silently.
    ops::supervision_change(
        ax.office(),
        &a,
        &review("2021-04-01", Some("2026-11-20"), Some("ok"), None),
    )
    .unwrap();
    ops::supervision_change(
        ax.office(),
        &a,
        &check("pmark", Some("1"), Some("2028-10-31")),
    )
    .unwrap();
    let r = pack(ax, &a, "clean.age").unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    ops::verify_ledger(ax.o()).expect("the chain and the derived tables hold");
}

#[test]
fn the_policy_rule_is_validated_and_recorded() {
    let mut t = TestOffice::initialized();
    let p = ops::policy(&t.office).unwrap();
    assert_eq!(p.supervision, SupervisionRule::Warn, "warn is the default");
    let mut refuse = p.clone();
    refuse.supervision = SupervisionRule::Refuse;
    ops::policy_save(&mut t.office, &refuse).unwrap();
    let e = entries(&t.office).pop().unwrap();
    assert_eq!(e.kind, "policy.changed");
    assert!(e.payload.unwrap().contains("refuse"));
    let rest: String = p
        .to_toml()
        .lines()
        .filter(|l| !l.starts_with("supervision"))
        .map(|l| format!("{l}\n"))
        .collect();
    let parse = |rule: &str| {
        let text = format!("supervision = \"{rule}\"\n{rest}");
        handover_core::Policy::from_toml(&text, std::path::Path::new("policy.toml"))
    };
    assert_eq!(
        parse("refuse").unwrap().supervision,
        SupervisionRule::Refuse
    );
    assert!(parse("sometimes").is_err());
    let without = handover_core::Policy::from_toml(&rest, std::path::Path::new("policy.toml"));
    assert_eq!(
        without.unwrap().supervision,
        SupervisionRule::Warn,
        "an older policy warns"
    );
}

/// The report's office: the full record, then HO1 (2026-06-10, destruction confirmed by hand
/// on 07-04) and HO2 (2026-07-01, return by 07-31, still open); the report day is 2026-11-23.
fn report_office() -> (Ax, String, String, String) {
    let mut ax = Ax::new();
    let a = ax.keyed.clone();
    ax.day("2026-06-10");
    fill(ax.office(), &a);
    let ho1 = pack(&mut ax, &a, "ho1.age").unwrap().handover_id;
    ax.day("2026-07-01");
    let ho2 = pack(&mut ax, &a, "ho2.age").unwrap().handover_id;
    ax.day("2026-07-05");
    ops::confirm_destruction(ax.office(), &ho1, "2026-07-04", Some("紙で確認")).unwrap();
    ax.day("2026-11-23");
    (ax, a, ho1, ho2)
}

#[test]
fn the_report_holds_the_whole_supervision_evidence() {
    let (ax, a, ho1, ho2) = report_office();
    let r = ops::supervision_report(ax.o(), &a, Some("2026-06-01"), Some("2026-11-30")).unwrap();
    assert_eq!(r.handovers.len(), 2);
    assert_eq!(r.handovers[0].evidence, ReceiptEvidence::ByHand);
    assert_eq!(r.handovers[1].evidence, ReceiptEvidence::None);
    assert_eq!(r.handovers[1].return_by.to_string(), "2026-07-31");
    assert_eq!(r.handovers[1].days_overdue, 115);
    assert_eq!(r.overdue().count(), 1);
    // A period that ends before the handovers leaves them out; a backward period is refused.
    let early = ops::supervision_report(ax.o(), &a, None, Some("2026-06-09")).unwrap();
    assert!(early.handovers.is_empty());
    let e =
        ops::supervision_report(ax.o(), &a, Some("2026-12-01"), Some("2026-11-01")).unwrap_err();
    assert!(e.to_string().contains("before it starts"), "{e}");

    let page =
        ops::supervision_report_page(ax.o(), &a, Some("2026-06-01"), None, Lang::Ja).unwrap();
    for text in [
        "委託先監督報告書",
        "架空電設株式会社",
        "2020年4月1日",
        "目的外利用の禁止",
        "監査・立入検査の権利",
        "プライバシーマーク",
        "10820000(01)",
        "2027年3月31日",
        "架空 一郎",
        "指摘あり",
        "施錠保管の徹底を依頼",
        &ho1,
        &ho2,
        "廃棄確認（手入力）",
        "証明なし・未廃棄",
        "作業指示書1枚を車内に置き忘れ",
        "持ち出し手順を改訂",
    ] {
        assert!(page.html.contains(text), "the page lacks {text}");
    }
    assert!(
        !page.html.contains("架空 次郎"),
        "a person removed is not listed"
    );
    let en = ops::supervision_report_page(ax.o(), &a, None, None, Lang::En).unwrap();
    assert!(
        en.html.contains("Contractor supervision report") && en.html.contains("Right to audit")
    );
}

#[test]
fn the_report_workbook_reads_back_with_japanese_sheets() {
    let (ax, a, ho1, ho2) = report_office();
    let out = ax.t.scratch().join("supervision.xlsx");
    let q = SupervisionReportQuery {
        contractor_id: a.clone(),
        from: Some("2026-06-01".into()),
        to: None,
        format: LeakFormat::Xlsx,
        lang: Lang::Ja,
    };
    let saved = ops::save_supervision_report(ax.o(), &q, &out).unwrap();
    assert_eq!(saved.rows, 2);
    let e = ops::save_supervision_report(ax.o(), &q, &out).unwrap_err();
    assert!(matches!(e, Error::FileExists(_)), "never over a file");
    let mut wb = open_workbook_auto(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["概要", "契約条項", "年次点検", "引渡し", "事故"]
    );
    let cells = |wb: &mut calamine::Sheets<_>, sheet: &str| -> Vec<Vec<String>> {
        wb.worksheet_range(sheet)
            .unwrap()
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Float(f) => f.to_string(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect()
    };
    let handovers = cells(&mut wb, "引渡し");
    assert_eq!(handovers[0][0], "引渡し番号");
    assert_eq!(handovers[1][0], ho1);
    assert_eq!(handovers[1][8], "廃棄確認（手入力）");
    assert_eq!(handovers[2][0], ho2);
    assert_eq!(handovers[2][9], "115");
    let clauses = cells(&mut wb, "契約条項");
    assert_eq!(clauses[1], ["目的外利用の禁止", "あり"]);
    assert_eq!(clauses[5], ["監査・立入検査の権利", "なし"]);
    let reviews = cells(&mut wb, "年次点検");
    assert_eq!(
        reviews[1],
        [
            "2026-04-01",
            "2026-05-20",
            "指摘あり",
            "施錠保管の徹底を依頼"
        ]
    );
    let summary = cells(&mut wb, "概要");
    assert!(
        summary
            .iter()
            .any(|r| r[0] == "登録番号" && r[1] == "10820000(01)")
    );
    assert!(
        summary
            .iter()
            .any(|r| r[0] == "期限超過の未返却" && r[1] == "1")
    );
    let incidents = cells(&mut wb, "事故");
    assert_eq!(incidents[1][0], "2026-06-02");
}
