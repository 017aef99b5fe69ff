//! Writes the seed corpus (fictional data, test keys): an authentic bundle (binary and
//! armored) for `open`, its decrypted zip for `zip`, its manifest for `manifest`, and a small
//! CSV register and the sample workbook for `register_import`. Run from fuzz/:
//! `cargo run --bin make_seeds`.

mod setup;

use std::io::Read;
use std::path::Path;

use ed25519_dalek::Signer;
use handover_core::bundle::{
    BundleCustomer, BundleKey, Manifest, ManifestContractor, ManifestOffice, pack_to_file,
};
use handover_core::register::Customer;
use handover_core::{Field, NoProgress, keys};

fn customer(id: &str) -> Customer {
    Customer {
        customer_id: id.into(),
        name: Some(format!("架空 太郎 {id}")),
        name_kana: None,
        postal_code: Some("100-0001".into()),
        address: Some(format!("東京都架空区見本町1-1 {id}")),
        phone: Some("03-0000-0000".into()),
        email: None,
        birth_date: None,
        gender: None,
        occupation: None,
        service: Some("光インターネット 1G".into()),
        notes: Some("二行の\n備考, \"引用\"".into()),
        floor_plan: None,
        contract_ended: None,
    }
}

fn main() {
    let corpus = Path::new("corpus");
    let id = setup::identity();
    let office = age::x25519::Identity::generate();
    let signing = setup::signing();
    let manifest = Manifest {
        format_version: 0,
        handover_id: "HO-2026-000001".into(),
        created: "2026-04-10T10:00:00+09:00".into(),
        operator: "架空 花子".into(),
        office: ManifestOffice {
            signing_key: keys::format_signing_key(&signing.verifying_key()),
            recipient_fingerprint: keys::recipient_fingerprint(&office.to_public().to_string()),
        },
        contractor: ManifestContractor {
            id: "CTR-0001".into(),
            name: "架空電設株式会社".into(),
            key_fingerprints: vec![keys::recipient_fingerprint(&id.to_public().to_string())],
        },
        work_type: "installation".into(),
        method: "transfer".into(),
        return_by: "2099-05-10".into(),
        encryption: String::new(),
        customers: vec![],
        entries: vec![],
        receipt: None,
        approval: None,
    };
    let fields = vec![
        Field::CustomerId,
        Field::Name,
        Field::Address,
        Field::Phone,
        Field::Notes,
    ];
    let customers: Vec<BundleCustomer> = ["C0001", "C0002"]
        .iter()
        .map(|c| BundleCustomer {
            customer: customer(c),
            fields: fields.clone(),
            floor_plan_path: None,
        })
        .collect();
    let key = BundleKey::Recipients(vec![id.to_public().into(), office.to_public().into()]);
    let sign = |m: &[u8]| signing.sign(m).to_bytes();
    for d in ["open", "zip", "manifest", "register_import"] {
        std::fs::create_dir_all(corpus.join(d)).unwrap();
    }
    for (name, armor) in [("authentic.age", false), ("authentic-armored.age", true)] {
        let out = corpus.join("open").join(name);
        let _ = std::fs::remove_file(&out);
        pack_to_file(&out, manifest.clone(), &customers, &key, armor, &sign, &mut NoProgress)
            .unwrap();
    }
    let f = std::fs::File::open(corpus.join("open/authentic.age")).unwrap();
    let mut zip = Vec::new();
    age::Decryptor::new(f)
        .unwrap()
        .decrypt(std::iter::once(&id as &dyn age::Identity))
        .unwrap()
        .read_to_end(&mut zip)
        .unwrap();
    std::fs::write(corpus.join("zip/authentic.zip"), &zip).unwrap();
    // The manifest as the opener read it, written as the pack writes it (pretty JSON).
    let opened = handover_core::bundle::open_bundle(
        &corpus.join("open/authentic.age"),
        handover_core::bundle::OpenKey::Identities(vec![id.clone()]),
        &signing.verifying_key(),
        None,
        &handover_core::bundle::Limits::default(),
    )
    .unwrap();
    std::fs::write(
        corpus.join("manifest/authentic.json"),
        serde_json::to_vec_pretty(&opened.manifest).unwrap(),
    )
    .unwrap();
    std::fs::write(
        corpus.join("register_import/basic.csv"),
        "顧客番号,氏名,住所,電話番号,備考\nK001,架空 一郎,東京都架空区1-1,03-0000-0001,\"二行の\n備考\"\n",
    )
    .unwrap();
    std::fs::write(
        corpus.join("register_import/sample.xlsx"),
        handover_core::ops::sample::REGISTER_XLSX,
    )
    .unwrap();
    println!("seeds written under {}", corpus.display());
}
