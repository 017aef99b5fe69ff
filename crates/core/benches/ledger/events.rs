//! The event generator (deterministic, fictional) and applying an event to any store.

use std::collections::VecDeque;

use handover_core::handover::{Encryption, HandoverCustomer, HandoverRecord, Method};
use handover_core::requests::{Request, RequestStatus, Scope};
use handover_core::store::{EventDraft, Store};
use handover_core::{Contractor, Field, WorkType};
use sha2::{Digest, Sha256};

use crate::{CONTRACTOR, OPERATOR, START};

/// xorshift64*: deterministic, good enough to spread customers.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One generated event, in the form the real store takes it.
pub(crate) enum Ev {
    Append(EventDraft),
    Handover(HandoverRecord, EventDraft),
    Close(String, String, EventDraft),
    Request(Request, EventDraft),
}

impl Ev {
    pub(crate) fn draft(&self) -> &EventDraft {
        match self {
            Ev::Append(e) | Ev::Handover(_, e) | Ev::Close(_, _, e) | Ev::Request(_, e) => e,
        }
    }
}

pub(crate) struct Gen {
    pub(crate) rng: Rng,
    pub(crate) customers: u32,
    pub(crate) n: u64,
    pub(crate) open: VecDeque<(String, Vec<String>)>,
    pub(crate) pending: VecDeque<Request>,
    pub(crate) handovers: u64,
    pub(crate) requests: u64,
    /// Who records (on the shared store the server's `session_user`, which the ledger names).
    pub(crate) operator: String,
}

pub(crate) const REPAIR: [Field; 5] = [
    Field::CustomerId,
    Field::Name,
    Field::Address,
    Field::Phone,
    Field::Service,
];

impl Gen {
    pub(crate) fn new(customers: u32) -> Gen {
        Gen {
            rng: Rng(0x9e37_79b9_7f4a_7c15),
            customers,
            n: 0,
            open: VecDeque::new(),
            pending: VecDeque::new(),
            handovers: 0,
            requests: 0,
            operator: OPERATOR.into(),
        }
    }

    pub(crate) fn customer(&mut self) -> String {
        format!("C{:06}", 1 + self.rng.below(u64::from(self.customers)))
    }

    pub(crate) fn draft(
        &self,
        kind: &str,
        payload: serde_json::Value,
        customers: Vec<String>,
    ) -> EventDraft {
        EventDraft {
            at: jiff::Timestamp::from_second(START + self.n as i64)
                .map(|t| t.to_string())
                .unwrap_or_default(),
            kind: kind.into(),
            actor: self.operator.clone(),
            payload,
            customers,
        }
    }

    pub(crate) fn next(&mut self) -> Ev {
        self.n += 1;
        if self.n.is_multiple_of(10_000) {
            let mut ids: Vec<String> = (0..1000).map(|_| self.customer()).collect();
            ids.sort();
            ids.dedup();
            let payload = serde_json::json!({
                "file": "顧客台帳_架空.xlsx",
                "sha256": hex::encode(Sha256::digest(self.n.to_le_bytes())),
                "format": "xlsx",
                "sheet": "顧客台帳",
                "rows": self.customers,
                "added": [],
                "updated": ids,
                "unchanged": self.customers as usize - ids.len(),
                "rejected": 0,
                "pastRetention": 0,
                "floorPlans": 0,
                "droppedPaymentColumns": ["口座番号"],
            });
            return Ev::Append(self.draft("register.imported", payload, ids));
        }
        match self.rng.below(100) {
            0..38 => self.handover(None),
            38..70 if !self.open.is_empty() => self.close(),
            38..70 => self.handover(None),
            70..84 => self.request_received(),
            84..96 if !self.pending.is_empty() => self.request_decided(),
            84..96 => self.request_received(),
            _ => {
                let c = serde_json::json!({
                    "id": CONTRACTOR, "name": "架空電設株式会社", "address": "架空県見本市1-2-3",
                    "contact": "工事部 03-0000-7777", "recipients": [],
                    "agreementSigned": "2025-04-01", "agreementExpires": "2099-03-31",
                });
                let payload = serde_json::json!({ "before": c, "after": c });
                Ev::Append(self.draft("contractor.updated", payload, vec![]))
            }
        }
    }

    /// A handover to `size` customers (or the usual mix: mostly one).
    pub(crate) fn handover(&mut self, size: Option<usize>) -> Ev {
        let k = size.unwrap_or_else(|| match self.rng.below(100) {
            0..60 => 1,
            60..85 => 2 + self.rng.below(2) as usize,
            _ => 4 + self.rng.below(7) as usize,
        });
        let mut ids: Vec<String> = Vec::with_capacity(k);
        while ids.len() < k {
            let c = self.customer();
            if !ids.contains(&c) {
                ids.push(c);
            }
        }
        self.handovers += 1;
        let id = format!("HO-2026-{:06}", self.handovers);
        let sha = hex::encode(Sha256::digest(id.as_bytes()));
        let recipients = vec![
            "SHA256:架空の受取人鍵の指紋0000000000000000000000000".to_string(),
            "SHA256:事務所鍵の指紋00000000000000000000000000000000".to_string(),
        ];
        let draft = self.draft(
            "handover.created",
            serde_json::json!({
                "handoverId": id,
                "contractor": { "id": CONTRACTOR, "name": "架空電設株式会社" },
                "workType": "repair",
                "method": "transfer",
                "encryption": "x25519",
                "returnBy": "2026-12-31",
                "customers": ids.iter().map(|c| serde_json::json!({
                    "customerId": c,
                    "fields": REPAIR,
                    "withheld": [{ "field": "email", "reason": { "kind": "not_needed" } }],
                })).collect::<Vec<_>>(),
                "excluded": [],
                "extraFields": [],
                "bundleSha256": sha,
                "bundleSize": 20_000 + 1_000 * k,
                "recipients": recipients,
                "basis": "委託",
            }),
            ids.clone(),
        );
        let record = HandoverRecord {
            id: id.clone(),
            created_at: draft.at.parse().expect("an instant"),
            operator: self.operator.clone(),
            contractor_id: CONTRACTOR.into(),
            work_type: WorkType::Repair,
            method: Method::Transfer,
            encryption: Encryption::X25519,
            return_by: jiff::civil::date(2026, 12, 31),
            bundle_sha256: Some(sha),
            bundle_size: Some((20_000 + 1_000 * k) as u64),
            recipients,
            closed_on: None,
            closed_note: None,
            ledger_seq: 0,
            customers: ids
                .iter()
                .map(|c| HandoverCustomer {
                    customer_id: c.clone(),
                    fields: REPAIR.to_vec(),
                })
                .collect(),
        };
        if size.is_none() {
            self.open.push_back((id, ids));
        }
        Ev::Handover(record, draft)
    }

    pub(crate) fn close(&mut self) -> Ev {
        let (id, customers) = self.open.pop_front().unwrap_or_default();
        let payload = serde_json::json!({
            "handoverId": id, "on": "2026-06-30", "note": "溶解処理証明書 No. 0000",
        });
        let on = "2026-06-30".to_string();
        Ev::Close(id, on, self.draft("handover.destroyed", payload, customers))
    }

    pub(crate) fn request_received(&mut self) -> Ev {
        self.requests += 1;
        let r = Request {
            id: format!("REQ-2026-{:06}", self.requests),
            customer_id: self.customer(),
            scope: if self.rng.below(2) == 0 {
                Scope::All
            } else {
                Scope::Fields(vec![Field::Phone])
            },
            received: jiff::civil::date(2026, 1, 5),
            channel: handover_core::requests::Channel::Phone,
            note: Some("電話で申し出（架空）".into()),
            status: RequestStatus::Pending,
            decided_on: None,
            reason: None,
            notified_on: None,
            notified_channel: None,
            withdrawn_on: None,
        };
        self.pending.push_back(r.clone());
        let d = self.draft(
            "request.received",
            serde_json::json!({ "request": r }),
            vec![r.customer_id.clone()],
        );
        Ev::Request(r, d)
    }

    pub(crate) fn request_decided(&mut self) -> Ev {
        let mut r = self.pending.pop_front().unwrap_or_else(|| unreachable!());
        r.status = RequestStatus::Accepted;
        r.decided_on = Some(jiff::civil::date(2026, 1, 10));
        let d = self.draft(
            "request.decided",
            serde_json::json!({ "request": r }),
            vec![r.customer_id.clone()],
        );
        Ev::Request(r, d)
    }
}

// ------------------------------------------------------------------------------------------
// The real ledger

pub(crate) fn contractor() -> Contractor {
    Contractor {
        id: CONTRACTOR.into(),
        name: "架空電設株式会社".into(),
        address: Some("架空県見本市1-2-3".into()),
        contact: Some("工事部 03-0000-7777".into()),
        recipients: vec![],
        agreement_signed: "2025-04-01".parse().unwrap_or_default(),
        agreement_expires: "2099-03-31".parse().unwrap_or_default(),
    }
}

pub(crate) fn apply(store: &mut dyn Store, ev: Ev) -> handover_core::Result<()> {
    match ev {
        Ev::Append(d) => store.append(d).map(drop),
        Ev::Handover(h, d) => store.record_handover(&h, d, &|_| Ok(()), None).map(drop),
        Ev::Close(id, on, d) => {
            let note = d.payload["note"].as_str().map(str::to_string);
            store.close_handover(&id, &on, note.as_deref(), d).map(drop)
        }
        Ev::Request(r, d) => {
            let at = d.at.clone();
            store.save_request(&r, &at, d).map(drop)
        }
    }
}

/// The contractor every generated handover names (`CTR-0001` in an empty store).
pub(crate) fn add_contractor(store: &mut dyn Store) -> handover_core::Result<()> {
    store.add_contractor("2026-01-01T00:00:00Z", &mut |id| {
        let mut c = contractor();
        c.id = id.to_string();
        let event = EventDraft {
            at: "2026-01-01T00:00:00Z".into(),
            kind: "contractor.added".into(),
            actor: OPERATOR.into(),
            payload: serde_json::json!({ "id": id }),
            customers: vec![],
        };
        Ok((c, event))
    })?;
    Ok(())
}
