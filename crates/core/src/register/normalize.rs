//! Value normalization the way Japanese registers need it.
//!
//! Registers typed by hand in Japanese offices mix full-width and half-width digits, several
//! kinds of hyphen (－ ‐ ー −), half-width katakana (ｶﾀｶﾅ), ideographic spaces and dates
//! written as `1980/1/2`, `1980年1月2日`, `昭和55年1月2日` or Excel serials. Each function here
//! turns one such value into the single form Handover stores, or says why it cannot.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::Problem;

/// Characters people use for a hyphen in phone numbers and postal codes.
const DASHES: &[char] = &[
    '-', '‐', '‑', '‒', '–', '—', '―', '−', 'ー', 'ｰ', '－', '﹣', '⁃',
];

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{00a0}' || c == '\u{feff}'
}

/// Characters that are their own NFKC, start a grapheme (combining class 0), compose with
/// nothing and have no lower case: ASCII but A–Z, hiragana, full-width katakana, the common
/// CJK ideographs — most of a Japanese register. (Checked exhaustively in the tests.)
fn is_plain(c: char) -> bool {
    matches!(c,
        '\0'..='@' | '['..='\x7f' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | 'ー'
            | '\u{4E00}'..='\u{9FFF}')
}

/// The NFKC of a character whose NFKC is one ASCII character that composes with nothing: the
/// ideographic space and the full-width forms of ASCII (`＋`, `１`, `Ａ`…). (Checked
/// exhaustively in the tests.)
fn full_width_ascii(c: char) -> Option<char> {
    match c {
        '\u{3000}' => Some(' '),
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        _ => None,
    }
}

/// NFKC, without copying text that is already in NFKC (most of a register); the quick check
/// settles that without decomposing anything, and plain characters not even that. Text that
/// is plain but for ideographic spaces and full-width ASCII is mapped character by character.
pub(crate) fn nfkc(s: &str) -> Cow<'_, str> {
    let mut chars = s.chars();
    if chars.all(|c| is_plain(c) || c.is_ascii()) {
        return Cow::Borrowed(s);
    }
    if s.chars()
        .all(|c| is_plain(c) || c.is_ascii() || full_width_ascii(c).is_some())
    {
        return Cow::Owned(
            s.chars()
                .map(|c| full_width_ascii(c).unwrap_or(c))
                .collect(),
        );
    }
    if is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfkc().collect())
    }
}

/// Trim (half- and full-width spaces), collapse inner runs of spaces to one; `None` if empty.
pub fn clean(s: &str) -> Option<String> {
    let t = s.trim_matches(is_space);
    if t.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(t.len());
    // Text between spaces is copied a run at a time.
    let mut run = 0;
    let mut prev_space = false;
    for (i, c) in t.char_indices() {
        if is_space(c) {
            if !prev_space {
                out.push_str(&t[run..i]);
                out.push(if c == '\u{3000}' { c } else { ' ' });
            }
            prev_space = true;
            run = i + c.len_utf8();
        } else {
            prev_space = false;
        }
    }
    out.push_str(&t[run..]);
    Some(out)
}

/// Hiragana → katakana (ふりがな columns are often typed in hiragana).
fn to_katakana(s: &str) -> Cow<'_, str> {
    if s.chars().any(|c| katakana_char(c) != c) {
        Cow::Owned(s.chars().map(katakana_char).collect())
    } else {
        Cow::Borrowed(s)
    }
}

fn katakana_char(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        _ => c,
    }
}

/// フリガナ: half-width katakana and hiragana become full-width katakana.
pub fn kana(s: &str) -> Option<String> {
    clean(&to_katakana(&nfkc(s)))
}

/// A phone number: half-width digits and hyphens, e.g. `03-1234-5678`.
pub fn phone(s: &str) -> Result<Option<String>, Problem> {
    let Some(t) = clean(&nfkc(s)) else {
        return Ok(None);
    };
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '0'..='9' => out.push(c),
            '+' if out.is_empty() => out.push(c),
            c if DASHES.contains(&c) || c == '(' || c == ')' || c == ' ' => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
            _ => {
                return Err(Problem::PhoneCharacters { value: t });
            }
        }
    }
    let out = out.trim_end_matches('-').to_string();
    let digits = out.chars().filter(char::is_ascii_digit).count();
    let ok = if out.starts_with('+') {
        (8..=15).contains(&digits)
    } else {
        (10..=11).contains(&digits)
    };
    if !ok {
        return Err(Problem::PhoneDigits { value: t });
    }
    Ok(Some(out))
}

/// A phone number that arrived as a spreadsheet number: Excel dropped the leading 0.
pub fn phone_from_number(n: f64) -> Result<Option<String>, Problem> {
    if n.fract() != 0.0 || n < 0.0 {
        return Err(Problem::NotAPhone {
            value: n.to_string(),
        });
    }
    let digits = format!("{n:.0}");
    let digits = if digits.starts_with('0') {
        digits
    } else {
        format!("0{digits}")
    };
    phone(&digits)
}

/// A postal code as `123-4567`.
pub fn postal_code(s: &str) -> Result<Option<String>, Problem> {
    let Some(t) = clean(&nfkc(s)) else {
        return Ok(None);
    };
    let digits: String = t
        .chars()
        .filter(|c| !(DASHES.contains(c) || *c == '〒' || *c == ' '))
        .collect();
    if digits.len() != 7 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(Problem::PostalDigits { value: t });
    }
    Ok(Some(format!("{}-{}", &digits[..3], &digits[3..])))
}

/// A postal code that arrived as a number (leading zeros lost, e.g. 0600001 → 600001).
pub fn postal_code_from_number(n: f64) -> Result<Option<String>, Problem> {
    if n.fract() != 0.0 || !(0.0..10_000_000.0).contains(&n) {
        return Err(Problem::NotAPostalCode {
            value: n.to_string(),
        });
    }
    postal_code(&format!("{n:07.0}"))
}

/// An e-mail address (NFKC, trimmed; the domain lower-cased).
pub fn email(s: &str) -> Result<Option<String>, Problem> {
    let Some(t) = clean(&nfkc(s)) else {
        return Ok(None);
    };
    match t.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !t.contains(' ') =>
        {
            Ok(Some(format!("{local}@{}", domain.to_lowercase())))
        }
        _ => Err(Problem::NotAnEmail { value: t }),
    }
}

/// Japanese eras (和暦) and the Gregorian year of their first year.
const ERAS: &[(&str, &str, i32)] = &[
    ("令和", "R", 2019),
    ("平成", "H", 1989),
    ("昭和", "S", 1926),
    ("大正", "T", 1912),
    ("明治", "M", 1868),
];

/// A date written by a person: `1980-01-02`, `1980/1/2`, `1980.1.2`, `1980年1月2日`,
/// `19800102`, or in the Japanese calendar (`昭和55年1月2日`, `S55.1.2`, `平成元年…`).
/// Returns ISO 8601 `YYYY-MM-DD`.
pub fn date(s: &str) -> Result<Option<String>, Problem> {
    let Some(t) = clean(&nfkc(s)) else {
        return Ok(None);
    };
    let bad = || Problem::NotADate { value: t.clone() };
    let mut rest = t.replace("元年", "1年");
    let mut era_base = None;
    for (name, letter, base) in ERAS {
        if let Some(r) = rest.strip_prefix(name).or_else(|| {
            rest.strip_prefix(letter)
                .or_else(|| rest.strip_prefix(&letter.to_lowercase()))
        }) {
            era_base = Some(*base);
            rest = r.to_string();
            break;
        }
    }
    // Drop a trailing time (`1980/01/02 0:00:00`).
    let date_part = rest.split(' ').next().unwrap_or("");
    let parts: Vec<&str> = date_part
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let nums: Vec<i32> = match parts.as_slice() {
        [one] if one.len() == 8 && era_base.is_none() => {
            let n = |r: std::ops::Range<usize>| one[r].parse::<i32>().ok();
            match (n(0..4), n(4..6), n(6..8)) {
                (Some(y), Some(m), Some(d)) => vec![y, m, d],
                _ => return Err(bad()),
            }
        }
        [y, m, d] => {
            let p = |x: &str| x.parse::<i32>().ok();
            match (p(y), p(m), p(d)) {
                (Some(y), Some(m), Some(d)) => vec![y, m, d],
                _ => return Err(bad()),
            }
        }
        _ => return Err(bad()),
    };
    let year = match era_base {
        Some(base) if nums[0] >= 1 && nums[0] <= 99 => base + nums[0] - 1,
        Some(_) => return Err(bad()),
        None if nums[0] >= 1000 => nums[0],
        None => return Err(bad()),
    };
    let d = jiff::civil::Date::new(year as i16, nums[1] as i8, nums[2] as i8)
        .map_err(|_| Problem::NoSuchDay { value: t.clone() })?;
    Ok(Some(d.to_string()))
}

/// A date from a spreadsheet serial number (1900 date system, as Excel and LibreOffice use).
pub fn date_from_serial(serial: f64) -> Result<Option<String>, Problem> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return Err(Problem::NotADateSerial {
            value: serial.to_string(),
        });
    }
    let days = serial.floor() as i64;
    // Excel counts 1900-02-29, which did not exist: serials from 61 on are one day ahead.
    let (base, offset) = if days >= 61 {
        ((1899, 12, 30), days)
    } else {
        ((1899, 12, 31), days)
    };
    let not_a_date = || Problem::NotADateSerial {
        value: serial.to_string(),
    };
    let start = jiff::civil::Date::new(base.0, base.1, base.2).map_err(|_| not_a_date())?;
    let d = start
        .checked_add(jiff::Span::new().days(offset))
        .map_err(|_| not_a_date())?;
    Ok(Some(d.to_string()))
}

/// The folded form used for search: NFKC, lower case, katakana, no spaces or hyphens.
///
/// The same folding is applied to the stored text and to the query, so `やまだ` finds
/// `ヤマダ`, `０３１２` finds `03-12…` and `ｸﾞﾘｰﾝ` finds `グリーン`.
pub fn search_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_search_key(&mut out, s);
    out
}

/// [`search_key`], appended to `out` (one pass, no intermediate strings).
pub(crate) fn push_search_key(out: &mut String, s: &str) {
    // Text that is plain but for ASCII, full-width ASCII and ideographic spaces (most of a
    // register) has its NFKC character by character, so it folds in the same pass.
    let start = out.len();
    for c in s.chars() {
        let c = full_width_ascii(c).unwrap_or(c);
        if c.is_ascii() {
            // What `fold` keeps of ASCII: no kana to fold, `-` the only dash.
            let c = c.to_ascii_lowercase();
            if !c.is_whitespace() && c != '-' {
                out.push(c);
            }
        } else if is_plain(c) {
            // Neither a space nor a dash.
            out.push(katakana_char(c));
        } else {
            out.truncate(start);
            return fold(out, &nfkc(s));
        }
    }
}

/// Lower case, katakana, no spaces or hyphens: the folding of [`search_key`] after NFKC.
fn fold(out: &mut String, n: &str) {
    let keep = |c: char| {
        let c = katakana_char(c);
        (!is_space(c) && !DASHES[..8].contains(&c)).then_some(c)
    };
    if n.contains('Σ') {
        // `str::to_lowercase` lower-cases a final sigma differently from `char::to_lowercase`.
        out.extend(n.to_lowercase().chars().filter_map(keep));
        return;
    }
    for c in n.chars() {
        for l in c.to_lowercase() {
            if let Some(k) = keep(l) {
                out.push(k);
            }
        }
    }
}

/// Does the text contain what looks like a payment-card number (13–19 digits passing the Luhn
/// check, possibly grouped by spaces or hyphens)? Such a value must not be stored even when it
/// hides in a notes column.
pub fn contains_card_number(s: &str) -> bool {
    // An ASCII byte is at most one digit, a character of two bytes or more at most
    // `MAX_NFKC_DIGITS` (3): at most 1.5 digits a byte.
    const _: () = assert!(MAX_NFKC_DIGITS <= 3);
    if s.len() * 3 / 2 < 13 {
        return false;
    }
    // NFKC turns a character into at most `MAX_NFKC_DIGITS` ASCII digits, and leaves ASCII and
    // plain characters as they are: too few digits before NFKC means too few after.
    let digits_at_most = s
        .chars()
        .map(|c| match c {
            '0'..='9' => 1,
            c if c.is_ascii() || is_plain(c) => 0,
            _ => MAX_NFKC_DIGITS,
        })
        .sum::<usize>();
    if digits_at_most < 13 {
        return false;
    }
    let n = nfkc(s);
    // A card number needs 13 digits (`to_digit(10)` accepts only ASCII ones).
    if n.bytes().filter(u8::is_ascii_digit).count() < 13 {
        return false;
    }
    // The current run of digits; only its length counts once it is longer than a card number.
    let mut digits = [0u8; 19];
    let mut len = 0usize;
    let check = |d: &[u8; 19], len: usize| (13..=19).contains(&len) && luhn(&d[..len]);
    for c in n.chars() {
        if let Some(d) = c.to_digit(10) {
            if len < digits.len() {
                digits[len] = d as u8;
            }
            len += 1;
        } else if c == ' ' || DASHES.contains(&c) {
            continue;
        } else {
            if check(&digits, len) {
                return true;
            }
            len = 0;
        }
    }
    check(&digits, len)
}

/// The most ASCII digits the NFKC of one character holds (`⅒` → `1⁄10`). Checked in the tests.
const MAX_NFKC_DIGITS: usize = 3;

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_spaces() {
        assert_eq!(
            clean("\u{3000} 山田　太郎 \u{3000}").as_deref(),
            Some("山田　太郎")
        );
        assert_eq!(clean("  a   b "), Some("a b".into()));
        assert_eq!(clean("\u{3000}"), None);
    }

    #[test]
    fn kana_becomes_full_width_katakana() {
        assert_eq!(kana("ﾔﾏﾀﾞ ﾀﾛｳ").as_deref(), Some("ヤマダ タロウ"));
        assert_eq!(kana("やまだ　たろう").as_deref(), Some("ヤマダ タロウ"));
    }

    #[test]
    fn phones() {
        assert_eq!(
            phone("０３－１２３４－５６７８").unwrap().as_deref(),
            Some("03-1234-5678")
        );
        assert_eq!(
            phone("090ー1234ー5678").unwrap().as_deref(),
            Some("090-1234-5678")
        );
        assert_eq!(
            phone("(03)1234-5678").unwrap().as_deref(),
            Some("03-1234-5678")
        );
        assert_eq!(phone("0312345678").unwrap().as_deref(), Some("0312345678"));
        assert_eq!(phone("").unwrap(), None);
        assert!(phone("12-34").is_err());
        assert!(phone("03-1234-567X").is_err());
        assert_eq!(
            phone_from_number(9012345678.0).unwrap().as_deref(),
            Some("09012345678")
        );
    }

    #[test]
    fn postal_codes() {
        assert_eq!(
            postal_code("〒１２３－４５６７").unwrap().as_deref(),
            Some("123-4567")
        );
        assert_eq!(postal_code("1234567").unwrap().as_deref(), Some("123-4567"));
        assert!(postal_code("123-456").is_err());
        assert_eq!(
            postal_code_from_number(600001.0).unwrap().as_deref(),
            Some("060-0001")
        );
    }

    #[test]
    fn dates() {
        for s in [
            "1980-01-02",
            "1980/1/2",
            "1980.1.2",
            "1980年1月2日",
            "19800102",
            "１９８０／０１／０２",
            "昭和55年1月2日",
            "S55.1.2",
            "1980/01/02 0:00:00",
        ] {
            assert_eq!(date(s).unwrap().as_deref(), Some("1980-01-02"), "{s}");
        }
        assert_eq!(
            date("平成元年1月8日").unwrap().as_deref(),
            Some("1989-01-08")
        );
        assert!(date("1980-02-30").is_err());
        assert!(date("yesterday").is_err());
        assert!(date("80/1/2").is_err());
        assert_eq!(
            date_from_serial(29222.0).unwrap().as_deref(),
            Some("1980-01-02")
        );
        assert_eq!(
            date_from_serial(1.0).unwrap().as_deref(),
            Some("1900-01-01")
        );
        assert!(date_from_serial(-3.0).is_err());
    }

    #[test]
    fn search_folding() {
        assert_eq!(search_key("やまだ"), search_key("ヤマダ"));
        assert_eq!(search_key("ﾔﾏﾀﾞ"), search_key("ヤマダ"));
        assert_eq!(search_key("０３－１２"), "0312");
        assert_eq!(search_key("Yamada Taro"), "yamadataro");
    }

    /// The straightforward forms of the functions made fast above.
    mod reference {
        use super::super::{DASHES, is_space, luhn, to_katakana};
        use unicode_normalization::UnicodeNormalization;

        pub fn search_key(s: &str) -> String {
            let nfkc: String = s.nfkc().collect::<String>().to_lowercase();
            to_katakana(&nfkc)
                .chars()
                .filter(|c| !is_space(*c) && !DASHES[..8].contains(c))
                .collect()
        }

        pub fn contains_card_number(s: &str) -> bool {
            let nfkc: String = s.nfkc().collect();
            let mut digits: Vec<u8> = Vec::new();
            let check = |d: &[u8]| (13..=19).contains(&d.len()) && luhn(d);
            for c in nfkc.chars() {
                if let Some(d) = c.to_digit(10) {
                    digits.push(d as u8);
                } else if c == ' ' || DASHES.contains(&c) {
                    continue;
                } else {
                    if check(&digits) {
                        return true;
                    }
                    digits.clear();
                }
            }
            check(&digits)
        }
    }

    /// Text a register holds: kana of both widths, kanji, full-width digits and letters, the
    /// dashes and spaces people type, Greek sigma (lower-cased by context), combining marks.
    fn register_text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex(
            "[ 0-9a-zA-Z\\-@.()ぁ-ゖァ-ヶｦ-ﾟ０-９Ａ-Ｚ－ー‐―−\u{3000}\u{00a0}山田太郎丁目番号〒①ΣσΑ\u{0301}\u{3099}\u{309a}ǅ⅒⒇＋\t\u{0b}・ヿ]{0,40}",
        )
        .expect("valid regex")
    }

    #[test]
    fn plain_characters_are_left_alone_by_nfkc_and_lower_case() {
        let ranges = [
            ('\0', '\x7f'),
            ('\u{3041}', '\u{3096}'),
            ('\u{30A1}', '\u{30FC}'),
            ('\u{4E00}', '\u{9FFF}'),
        ];
        let mut plain = 0;
        for c in ranges
            .iter()
            .flat_map(|&(a, b)| a..=b)
            .filter(|&c| is_plain(c))
        {
            let one = c.to_string();
            assert_eq!(is_nfkc_quick(one.chars()), IsNormalized::Yes, "{c:?}");
            assert_eq!(one.nfkc().collect::<String>(), one, "{c:?}");
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "{c:?}"
            );
            assert!(!unicode_normalization::char::is_combining_mark(c), "{c:?}");
            assert_eq!(one.to_lowercase(), one, "{c:?}");
            plain += 1;
        }
        assert_eq!(plain, 128 - 26 + 86 + 90 + 1 + 20992);

        for c in ('\u{3000}'..='\u{3000}').chain('\u{FF01}'..='\u{FF5E}') {
            let one = c.to_string();
            let mapped = full_width_ascii(c).expect("mapped").to_string();
            assert_eq!(one.nfkc().collect::<String>(), mapped, "{c:?}");
        }
        assert_eq!(full_width_ascii('\u{FF00}'), None);
        assert_eq!(full_width_ascii('\u{FF5F}'), None);
    }

    #[test]
    fn no_character_becomes_more_digits_than_assumed() {
        let most = (0..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .map(|c| {
                std::iter::once(c)
                    .nfkd()
                    .filter(char::is_ascii_digit)
                    .count()
            })
            .max();
        assert_eq!(most, Some(MAX_NFKC_DIGITS));
    }

    proptest::proptest! {
        #[test]
        fn fast_paths_change_nothing(s in register_text()) {
            let full: String = s.nfkc().collect();
            let fast = nfkc(&s);
            proptest::prop_assert_eq!(fast.as_ref(), full.as_str());
            proptest::prop_assert_eq!(search_key(&s), reference::search_key(&s));
            proptest::prop_assert_eq!(
                contains_card_number(&s),
                reference::contains_card_number(&s)
            );
        }

        #[test]
        fn card_check_is_unchanged_on_digit_runs(
            parts in proptest::collection::vec(("[0-9]{0,24}", "[ \\-xー４]{0,2}"), 0..5)
        ) {
            let s: String = parts.iter().map(|(d, sep)| format!("{d}{sep}")).collect();
            proptest::prop_assert_eq!(
                contains_card_number(&s),
                reference::contains_card_number(&s)
            );
        }
    }

    #[test]
    fn card_numbers() {
        assert!(contains_card_number("4111 1111 1111 1111"));
        assert!(contains_card_number(
            "カード: ４１１１-１１１１-１１１１-１１１１ です"
        ));
        assert!(!contains_card_number("4111 1111 1111 1112"));
        assert!(!contains_card_number("03-1234-5678"));
        assert!(!contains_card_number("顧客番号 C000123"));
    }
}
