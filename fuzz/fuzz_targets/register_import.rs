//! The register importer (a dry run: nothing stored), the input as a CSV file or, when it
//! starts like a zip, as an xlsx workbook.
#![no_main]

use std::sync::{Mutex, OnceLock};

use handover_core::ops::{self, Office};
use handover_core::register::ImportOptions;
use handover_core::{DataDir, NoProgress};
use libfuzzer_sys::fuzz_target;

struct Importer {
    office: Office,
    scratch: std::path::PathBuf,
}

static OFFICE: OnceLock<Mutex<Importer>> = OnceLock::new();

fn importer() -> Mutex<Importer> {
    let scratch = std::env::temp_dir().join(format!("handover-fuzz-reg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    let password = age::secrecy::SecretString::from("fuzz password 1234");
    let (office, _) =
        ops::init_admin(DataDir::new(scratch.join("data")), "fuzz", &password).expect("init");
    Mutex::new(Importer { office, scratch })
}

fuzz_target!(|data: &[u8]| {
    let mut imp = OFFICE.get_or_init(importer).lock().unwrap();
    let name = if data.starts_with(b"PK") { "r.xlsx" } else { "r.csv" };
    let path = imp.scratch.join(name);
    std::fs::write(&path, data).unwrap();
    let opts = ImportOptions {
        dry_run: true,
        ..Default::default()
    };
    let _ = ops::import_register(&mut imp.office, &path, &opts, &mut NoProgress);
});
