//! Customer numbers as staff paste or type them: a column copied from Excel, a list from an
//! e-mail, `--customers` on the command line, a file of ids. One parser, so that the app and
//! the CLI read the same text as the same ids.
//!
//! Separators are commas (also `、` and `，`), semicolons (also `；`), spaces (also the
//! ideographic space), tabs and line breaks; a line starting with `#` is a comment. Each id is
//! NFKC-normalized (full-width `Ｃ０００１` becomes `C0001`, as the register stores every
//! 顧客番号); blanks and repeats are dropped, the first occurrence keeping its place.

use unicode_normalization::UnicodeNormalization;

/// The ids in `text`, in order, each once.
pub fn parse(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for line in text.lines() {
        let line: String = line.nfkc().collect();
        if line.trim_start().starts_with('#') {
            continue;
        }
        // After NFKC, `，` is `,`, `；` is `;` and the ideographic space is a space.
        for id in line.split(|c: char| c.is_whitespace() || matches!(c, ',' | '、' | ';')) {
            if !id.is_empty() && seen.insert(id.to_string()) {
                out.push(id.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_separator_full_width_and_repeats() {
        assert_eq!(
            parse("C0001, C0002\tC0003\r\nC0004、C0005，C0006；C0007;C0008\u{3000}C0009"),
            [
                "C0001", "C0002", "C0003", "C0004", "C0005", "C0006", "C0007", "C0008", "C0009"
            ]
        );
        assert_eq!(parse("Ｃ０００１\nC0001\n\n c0001 "), ["C0001", "c0001"]);
        assert_eq!(parse("  ,, \n"), Vec::<String>::new());
    }

    #[test]
    fn comment_lines_are_skipped() {
        assert_eq!(
            parse("# the work list of 11/23\nC0002\n  # C0003\nC0004"),
            ["C0002", "C0004"]
        );
    }
}
