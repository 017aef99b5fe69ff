//! The Handover desktop app's entry point.
// Release builds on Windows get no console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    handover_desktop_lib::run();
}
