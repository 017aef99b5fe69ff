//! Handover use-cases, one concept a file: what the new-handover flow may offer
//! ([`choices`]), exactly what a handover would contain ([`prepare`]), everything checked
//! before a byte is written ([`check`]), writing and recording it ([`pack`]), the printed sheet
//! ([`paper`]) and closing it when the contractor returns or destroys the data ([`close`]).
//! Imports flow one way: `choices`, `check` and `paper` build on `prepare`; `pack` on `check`;
//! the warnings a pack gives ([`warnings`]) stand alone.

mod approved;
mod check;
mod choices;
mod close;
mod pack;
mod paper;
mod prepare;
mod warnings;

pub use check::check_pack_options;
pub(super) use check::prepared;
pub use choices::*;
pub use close::*;
pub use pack::*;
pub use paper::*;
pub use prepare::prepare;
pub use warnings::PackWarning;
