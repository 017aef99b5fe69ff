//! Text from outside (a register cell, a bundle's manifest or customer values) on its way to a
//! person: the characters a terminal or a viewer would act on instead of showing.

use std::borrow::Cow;

/// Is this a character that a terminal or a text view acts on rather than shows: C0 controls
/// (ESC starts colour, cursor and OSC sequences; OSC 52 writes the clipboard), DEL, C1 controls
/// (U+009B is a one-character CSI) and the bidirectional overrides and isolates (which reorder
/// what is shown)? Line feed and tab are not: they are layout, and text fields may hold them.
pub fn is_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every [`is_control`] character written as a visible escape (`\u{1b}`), so that
/// printing it can never drive the terminal. Unchanged (borrowed) when there is none.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_made_visible_and_layout_is_kept() {
        assert!(matches!(
            escape_controls("山田 太郎\n\t2行目"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            escape_controls("a\u{1b}]52;c;ZXZpbA==\u{7}b"),
            "a\\u{1b}]52;c;ZXZpbA==\\u{7}b"
        );
        assert_eq!(
            escape_controls("\u{9b}31m\u{7f}\r"),
            "\\u{9b}31m\\u{7f}\\u{d}"
        );
        assert_eq!(escape_controls("x\u{202e}gpj.exe"), "x\\u{202e}gpj.exe");
        for c in ['\u{0}', '\u{1b}', '\u{85}', '\u{2066}'] {
            assert!(is_control(c), "{c:?}");
        }
        for c in ['\n', '\t', ' ', 'あ', '\u{3000}'] {
            assert!(!is_control(c), "{c:?}");
        }
    }
}
