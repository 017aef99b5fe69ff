//! Records the commit the command is built from (`handover --version`).

include!("../../packaging/build_commit.rs");

fn main() {
    emit_commit();
}
