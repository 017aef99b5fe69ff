//! The fixture of the request, history and report tests: the bundled synthetic sample register
//! (C0001..C0300), two contractors, and a clock that can be moved day by day (each day at
//! local noon, so the office-local date is the day whatever the machine's time zone).

use std::path::PathBuf;
use std::sync::Arc;

use age::secrecy::SecretString;
use handover_core::handover::{Method, Selection};
use handover_core::history::day_start;
use handover_core::ops::{self, FixedClock, Office, PackOptions};
use handover_core::requests::{Request, Scope};
use handover_core::{ContractorInput, DataDir, NoProgress, WorkType};

use crate::support::{OPERATOR, TestOffice};

/// Local noon of a day.
pub fn noon(day: &str) -> jiff::Timestamp {
    day_start(day.parse().unwrap())
        .unwrap()
        .checked_add(jiff::SignedDuration::from_hours(12))
        .unwrap()
}

/// The sample office: `keyed` (架空電設株式会社, with an address and a key) and `keyless`
/// (見本通信工業, paper and passphrase only), both with agreements until 2099.
pub struct Ax {
    pub t: TestOffice,
    pub keyed: String,
    pub keyless: String,
    n: usize,
}

impl Ax {
    /// Set up on 2026-10-01.
    pub fn new() -> Ax {
        let mut t = TestOffice::initialized();
        t.office = reopen(&t, noon("2026-10-01"));
        ops::load_sample(&mut t.office, &mut NoProgress).unwrap();
        let mut add = |name: &str, address: Option<&str>, recipients: Vec<String>| {
            ops::contractor_add(
                &mut t.office,
                &ContractorInput {
                    name: name.into(),
                    address: address.map(str::to_string),
                    contact: None,
                    recipients,
                    agreement_signed: "2020-04-01".into(),
                    agreement_expires: "2099-03-31".into(),
                },
            )
            .unwrap()
            .id
        };
        let keyed = add(
            "架空電設株式会社",
            Some("東京都架空区見本町1-1"),
            vec![age::x25519::Identity::generate().to_public().to_string()],
        );
        let keyless = add("見本通信工業", None, vec![]);
        Ax {
            t,
            keyed,
            keyless,
            n: 0,
        }
    }

    pub fn office(&mut self) -> &mut Office {
        &mut self.t.office
    }

    pub fn o(&self) -> &Office {
        &self.t.office
    }

    /// A second office on the same store and clock (a look recorded through it leaves this
    /// one's borrowers alone).
    pub fn second(&self) -> Office {
        reopen(&self.t, self.t.office.now_instant())
    }

    /// Move the clock to local noon of `day`.
    pub fn day(&mut self, day: &str) {
        self.at(noon(day));
    }

    /// Move the clock to an instant.
    pub fn at(&mut self, t: jiff::Timestamp) {
        self.t.office = reopen(&self.t, t);
    }

    fn out(&mut self, ext: &str) -> PathBuf {
        self.n += 1;
        self.t.scratch().join(format!("out{}.{ext}", self.n))
    }

    /// Pack customers for a contractor today; returns the handover id.
    pub fn pack(
        &mut self,
        contractor: &str,
        work: WorkType,
        customers: &[&str],
        method: Method,
        return_by: Option<&str>,
    ) -> String {
        let passphrase = method == Method::Transfer && contractor == self.keyless;
        let sel = Selection {
            contractor_id: contractor.into(),
            work_type: work,
            customers: customers.iter().map(|s| s.to_string()).collect(),
            extra_fields: vec![],
            method,
            passphrase,
        };
        let out = match method {
            Method::Paper => self.out("html"),
            Method::Transfer => self.out("age"),
            Method::Media => {
                let d = self.out("d");
                std::fs::create_dir_all(&d).unwrap();
                d
            }
        };
        let opts = PackOptions {
            out,
            return_by: return_by.map(str::to_string),
            passphrase: passphrase.then(|| SecretString::from("correct horse battery".to_string())),
            insecure_work_factor: passphrase.then_some(10),
            ..Default::default()
        };
        ops::pack(&mut self.t.office, &sel, &opts, &mut NoProgress)
            .unwrap()
            .handover_id
    }

    /// A request received `received` by phone.
    pub fn request(&mut self, customer: &str, scope: Scope, received: &str) -> Request {
        ops::request_add(
            self.office(),
            &crate::support::request_input(customer, scope, received, "phone", None),
        )
        .unwrap()
    }
}

fn reopen(t: &TestOffice, at: jiff::Timestamp) -> Office {
    Office::open(DataDir::new(t.data()), OPERATOR)
        .unwrap()
        .with_clock(Arc::new(FixedClock(at)))
}
