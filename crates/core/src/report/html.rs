//! The printable HTML shell of the reports, in the style of the paper work-order sheet: one
//! self-contained file (inline CSS, no script, nothing fetched), A4, Japanese, every value
//! escaped. Dates a person reads are written `YYYY年M月D日`.

use std::fmt::Write;

pub(crate) use crate::bundle::esc;

/// `2026-11-23` → `2026年11月23日` (anything else unchanged), escaped, kept on one line.
pub(crate) fn jdate(date: impl std::fmt::Display) -> String {
    nw(&crate::bundle::japanese_date(&date.to_string()))
}

/// A stored RFC 3339 instant as the office-local `2026年11月23日 18:05`, escaped.
pub(crate) fn jdatetime(at: &str) -> String {
    match at.parse::<jiff::Timestamp>() {
        Ok(t) => {
            let z = t.to_zoned_datetime(crate::history::office_tz());
            format!(
                "{} {}",
                jdate(z.date()),
                nw(&z.strftime("%H:%M").to_string())
            )
        }
        Err(_) => esc(at),
    }
}

/// Escaped text that must not wrap (dates, verdicts).
pub(crate) fn nw(s: &str) -> String {
    format!("<span class=\"nw\">{}</span>", esc(s))
}

/// `1000` → `1,000`.
pub(crate) fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An optional date, or a dash.
pub(crate) fn jdate_opt(date: Option<impl std::fmt::Display>) -> String {
    date.map_or_else(|| "—".to_string(), jdate)
}

/// An optional text, escaped, or a dash.
pub(crate) fn opt(s: Option<&str>) -> String {
    s.filter(|s| !s.trim().is_empty())
        .map_or_else(|| "—".to_string(), esc)
}

/// A table: `headers` are literal (trusted) text, `rows` are already-escaped HTML cells.
pub(crate) fn table(class: &str, headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("<table class=\"{class}\">\n<thead><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{c}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// A two-column table of label (trusted) and escaped value.
pub(crate) fn facts(rows: &[(&str, String)]) -> String {
    let mut out = String::from("<table class=\"facts\">\n");
    for (k, v) in rows {
        let _ = writeln!(out, "<tr><th>{}</th><td>{v}</td></tr>", esc(k));
    }
    out.push_str("</table>\n");
    out
}

/// The whole page: `title` is escaped, `body` is trusted HTML built from escaped values.
pub(crate) fn page(title: &str, stamp: &str, body: &str) -> String {
    let title = esc(title);
    let stamp = esc(stamp);
    format!(
        r#"<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>
@page {{ size: A4; margin: 14mm 12mm 16mm 12mm; }}
* {{ box-sizing: border-box; }}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ font-family: "Hiragino Kaku Gothic ProN", "Yu Gothic", "Meiryo", "Noto Sans CJK JP", "Noto Sans JP", sans-serif; font-size: 10pt; line-height: 1.5; color: #000; margin: 0; }}
h1 {{ font-size: 15pt; margin: 0 0 3mm; }}
h2 {{ font-size: 11.5pt; margin: 6mm 0 2mm; border-bottom: 1.5px solid #000; }}
.stamp {{ float: right; border: 2.5px solid #b00; color: #b00; font-weight: bold; font-size: 12pt; padding: 1mm 3mm; letter-spacing: 0.2em; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 3mm; }}
th, td {{ border: 1px solid #555; padding: 1mm 1.5mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }}
th {{ background: #eee; font-weight: normal; }}
table.facts th {{ width: 45mm; white-space: nowrap; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; page-break-inside: avoid; }}
.nw {{ white-space: nowrap; }}
.note {{ border: 1.5px solid #000; padding: 2mm 3mm; margin: 3mm 0; }}
.alert {{ border: 2.5px solid #b00; padding: 2mm 3mm; margin: 3mm 0; font-weight: bold; }}
.small {{ font-size: 8.5pt; color: #333; }}
@media screen {{ body {{ max-width: 230mm; margin: 8mm auto; padding: 0 8mm; }} }}
</style>
</head>
<body>
<div class="stamp">{stamp}</div>
{body}</body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_and_dates() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(
            jdate("2026-01-05"),
            "<span class=\"nw\">2026年1月5日</span>"
        );
        assert_eq!(jdatetime("not <a> time"), "not &lt;a&gt; time");
    }
}
