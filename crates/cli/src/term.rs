//! Human-readable output: every line goes through [`safe`], so text from a register, a bundle
//! or an error message can never send escape sequences to the terminal, whatever its source.
//! (`--json` output is JSON, whose strings escape control characters themselves.)

/// `text` with control characters made visible (see [`handover_core::text::escape_controls`]).
pub fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    handover_core::text::escape_controls(text)
}

/// `println!`, with control characters in the formatted text made visible.
macro_rules! outln {
    () => { println!() };
    ($($t:tt)*) => { println!("{}", $crate::term::safe(&format!($($t)*))) };
}

/// `print!`, with control characters in the formatted text made visible.
macro_rules! out {
    ($($t:tt)*) => { print!("{}", $crate::term::safe(&format!($($t)*))) };
}

/// `eprintln!`, with control characters in the formatted text made visible.
macro_rules! errln {
    () => { eprintln!() };
    ($($t:tt)*) => { eprintln!("{}", $crate::term::safe(&format!($($t)*))) };
}
