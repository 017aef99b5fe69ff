//! The office policy from the terminal: `policy show` prints the policy in force (TOML, ready
//! to edit), `policy set FILE` replaces it (a manager; validated by the core and recorded).

use handover_core::{Policy, ops};

use crate::args::{Cli, PolicyCmd};
use crate::{open, print_json};

pub fn policy(cli: &Cli, cmd: &PolicyCmd) -> anyhow::Result<()> {
    match cmd {
        PolicyCmd::Show(a) => {
            let office = open(cli)?;
            let p = ops::policy(&office)?;
            if a.json {
                return print_json(&p);
            }
            outln!("{}", p.to_toml().trim_end());
        }
        PolicyCmd::Set(a) => {
            let p = Policy::read_file(&a.file)?;
            let mut office = open(cli)?;
            ops::policy_save(&mut office, &p)?;
            outln!(
                "The policy is changed, on every PC of the office (recorded as policy.changed)."
            );
        }
    }
    Ok(())
}
