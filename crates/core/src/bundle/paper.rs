//! The paper handover (R4 紙): a printable A4 work-order sheet in Japanese.
//!
//! The sheet is one self-contained HTML file (inline CSS, images as `data:` URIs, no scripts,
//! no external resources), so printing it needs nothing but a browser or the app's webview and
//! nothing is fetched from anywhere. It shows the same checked selection as a bundle
//! ([`super::content::select`]): only the included fields, never payment data, and every value
//! HTML-escaped.

use std::fs::File;
use std::io::{self, Read, Write};

use sha2::{Digest, Sha256};

use super::BundleCustomer;
use super::content::{self, Selected};
use super::manifest::Manifest;
use crate::{Error, Field, Result, WorkType};

/// What the top of the sheet says about the handover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperHeader {
    /// The handover id.
    pub handover_id: String,
    /// When it was prepared (RFC 3339 or `YYYY-MM-DD`).
    pub created: String,
    /// Who prepared it.
    pub operator: String,
    /// The contractor's name.
    pub contractor: String,
    /// The work type.
    pub work_type: WorkType,
    /// Return-or-destroy date (`YYYY-MM-DD`).
    pub return_by: String,
}

impl PaperHeader {
    /// The header of the sheet matching a bundle's manifest.
    pub fn from_manifest(m: &Manifest) -> Result<Self> {
        Ok(PaperHeader {
            handover_id: m.handover_id.clone(),
            created: m.created.clone(),
            operator: m.operator.clone(),
            contractor: m.contractor.name.clone(),
            work_type: m.work_type.parse()?,
            return_by: m.return_by.clone(),
        })
    }
}

/// The sheet as a string (see [`write_paper_sheet`]).
pub fn paper_sheet_html(header: &PaperHeader, customers: &[BundleCustomer]) -> Result<String> {
    let mut out = Vec::new();
    write_paper_sheet(&mut out, header, customers)?;
    String::from_utf8(out).map_err(|_| {
        crate::refusal::Refusal::Internal {
            what: "the paper sheet is not UTF-8".into(),
        }
        .into()
    })
}

/// Write the sheet: a header with the handover id, contractor, work type, return-or-destroy
/// date and the confidentiality notice, then one block per customer with only the included
/// fields. PNG and JPEG floor plans are embedded (their SHA-256 checked against the record);
/// a PDF plan is named, to be handed over electronically.
///
/// On error, discard what was written: it may end in the middle of a customer.
pub fn write_paper_sheet(
    w: &mut dyn Write,
    header: &PaperHeader,
    customers: &[BundleCustomer],
) -> Result<()> {
    let selected = content::select(customers)?;
    let return_by = header
        .return_by
        .parse::<jiff::civil::Date>()
        .map_err(|_| Error::BadDate(header.return_by.clone()))?;
    let return_by = content::japanese_date(&return_by.to_string());
    let created = content::japanese_date(header.created.get(..10).unwrap_or(&header.created));
    let io_err = |e: io::Error| Error::io("cannot write", "the paper sheet", e);
    let id = esc(&header.handover_id);
    write!(
        w,
        r#"<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>【機密】作業指示書 {id}</title>
<style>
@page {{ size: A4; margin: 14mm 12mm 18mm 12mm; }}
* {{ box-sizing: border-box; }}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ font-family: "Hiragino Kaku Gothic ProN", "Yu Gothic", "Meiryo", "Noto Sans CJK JP", "Noto Sans JP", sans-serif; font-size: 10.5pt; line-height: 1.5; color: #000; margin: 0; }}
h1 {{ font-size: 16pt; margin: 0 0 3mm; }}
h2 {{ font-size: 11.5pt; margin: 0 0 2mm; }}
.stamp {{ float: right; border: 2.5px solid #b00; color: #b00; font-weight: bold; font-size: 14pt; padding: 1mm 4mm; letter-spacing: 0.3em; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #555; padding: 1.2mm 2mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }}
th {{ background: #eee; font-weight: normal; width: 32mm; white-space: nowrap; }}
.meta {{ margin-bottom: 3mm; }}
.notice {{ border: 2px solid #000; padding: 2.5mm 3mm; margin-bottom: 5mm; }}
.customer {{ border: 1px solid #000; padding: 3mm; margin-bottom: 4mm; break-inside: avoid; page-break-inside: avoid; }}
.plan {{ margin-top: 2mm; text-align: center; }}
.plan img {{ max-width: 100%; max-height: 170mm; }}
.plan-note {{ margin-top: 2mm; }}
.footer {{ position: fixed; bottom: -12mm; left: 0; right: 0; font-size: 8pt; text-align: center; color: #333; }}
@media screen {{ body {{ max-width: 210mm; margin: 8mm auto; padding: 0 8mm; }} .footer {{ display: none; }} }}
</style>
</head>
<body>
<div class="footer">【機密】引渡し番号 {id} ・ 返却・廃棄期限 {return_by} ・ 複写・撮影・第三者への提供を禁じます</div>
<header>
<div class="stamp">機密</div>
<h1>工事作業指示書（お客様情報）</h1>
<table class="meta">
<tr><th>引渡し番号</th><td>{id}</td></tr>
<tr><th>委託先</th><td>{contractor}</td></tr>
<tr><th>工事の種類</th><td>{work}</td></tr>
<tr><th>返却・廃棄期限</th><td><strong>{return_by}</strong></td></tr>
<tr><th>作成日・作成者</th><td>{created}　{operator}</td></tr>
<tr><th>対象のお客様</th><td>{n} 名</td></tr>
</table>
<div class="notice"><strong>【機密・取扱注意】</strong>この用紙には、委託された工事の施工に必要な範囲に限り、お客様の個人情報が記載されています。機密保持契約に基づき、工事以外の目的に使用しないでください。複写・撮影・転記・第三者への提供を禁じます。<strong>{return_by}までに委託元へ返却するか、シュレッダー等で確実に廃棄</strong>し、委託元に報告してください。紛失・盗難のおそれがあるときは、直ちに委託元へ連絡してください。</div>
</header>
"#,
        contractor = esc(&header.contractor),
        work = esc(header.work_type.label_ja()),
        operator = esc(&header.operator),
        created = esc(&created),
        n = selected.len(),
    )
    .map_err(io_err)?;
    for (i, s) in selected.iter().enumerate() {
        write_customer(w, i + 1, s)?;
    }
    w.write_all(b"</body>\n</html>\n").map_err(io_err)
}

fn write_customer(w: &mut dyn Write, n: usize, s: &Selected<'_>) -> Result<()> {
    let io_err = |e: io::Error| Error::io("cannot write", "the paper sheet", e);
    write!(
        w,
        "<section class=\"customer\">\n<h2>{n}. 顧客番号 {}</h2>\n<table>\n",
        esc(s.id())
    )
    .map_err(io_err)?;
    for &f in s.fields.iter().filter(|f| **f != Field::FloorPlan) {
        writeln!(
            w,
            "<tr><th>{}</th><td>{}</td></tr>",
            esc(f.label_ja()),
            s.value(f).map_or_else(|| "—".to_string(), esc)
        )
        .map_err(io_err)?;
    }
    if s.fields.contains(&Field::FloorPlan) && s.plan.is_none() {
        writeln!(
            w,
            "<tr><th>{}</th><td>—</td></tr>",
            Field::FloorPlan.label_ja()
        )
        .map_err(io_err)?;
    }
    w.write_all(b"</table>\n").map_err(io_err)?;
    if let Some(p) = &s.plan {
        let file_name = esc(&format!("{}.{}", s.id(), p.meta.ext));
        if p.meta.ext == "pdf" {
            writeln!(
                w,
                "<p class=\"plan-note\">{}: PDF図面は電子データで別途お渡しします（ファイル名 {file_name}）。</p>",
                Field::FloorPlan.label_ja()
            )
            .map_err(io_err)?;
        } else {
            let mime = if p.meta.ext == "png" {
                "image/png"
            } else {
                "image/jpeg"
            };
            write!(
                w,
                "<div class=\"plan\"><img alt=\"{} {file_name}\" src=\"data:{mime};base64,",
                Field::FloorPlan.label_ja()
            )
            .map_err(io_err)?;
            embed(w, s)?;
            w.write_all(b"\"></div>\n").map_err(io_err)?;
        }
    }
    w.write_all(b"</section>\n").map_err(io_err)
}

/// Stream a plan as base64, checking it against the SHA-256 and size recorded at import.
fn embed(w: &mut dyn Write, s: &Selected<'_>) -> Result<()> {
    let Some(p) = &s.plan else { return Ok(()) };
    let changed = || Error::FloorPlanChanged {
        customer_id: s.id().to_string(),
        path: p.path.to_path_buf(),
    };
    let mut f: Box<dyn Read> = match p.stream {
        Some(s) => s.open(),
        None => Box::new(
            File::open(&p.path)
                .map_err(|e| Error::io("cannot read the stored floor plan", &*p.path, e))?,
        ),
    };
    let mut b64 = Base64Writer::new(w);
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    let mut buf = vec![0u8; 48 * 1024];
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // A plan encrypted at rest that does not authenticate was changed, cut or swapped.
            Err(e) if crate::at_rest::is_damage(&e) => return Err(changed()),
            Err(e) => return Err(Error::io("cannot read the stored floor plan", &*p.path, e)),
        };
        total += n as u64;
        if total > p.meta.size {
            return Err(changed());
        }
        hasher.update(&buf[..n]);
        b64.write_all(&buf[..n])
            .map_err(|e| Error::io("cannot write", "the paper sheet", e))?;
    }
    b64.finish()
        .map_err(|e| Error::io("cannot write", "the paper sheet", e))?;
    if total != p.meta.size || hex::encode(hasher.finalize()) != p.meta.sha256 {
        return Err(changed());
    }
    Ok(())
}

/// Escape text for HTML element content and quoted attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 (with padding), streamed.
struct Base64Writer<'a> {
    out: &'a mut dyn Write,
    pending: [u8; 3],
    n: usize,
    line: Vec<u8>,
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl<'a> Base64Writer<'a> {
    fn new(out: &'a mut dyn Write) -> Self {
        Base64Writer {
            out,
            pending: [0; 3],
            n: 0,
            line: Vec::with_capacity(64 * 1024),
        }
    }

    fn push_group(&mut self, g: [u8; 3], len: usize) {
        let v = u32::from(g[0]) << 16 | u32::from(g[1]) << 8 | u32::from(g[2]);
        for i in 0..4 {
            if i <= len {
                self.line.push(B64[(v >> (18 - 6 * i) & 63) as usize]);
            } else {
                self.line.push(b'=');
            }
        }
    }

    fn finish(mut self) -> io::Result<()> {
        if self.n > 0 {
            let mut g = [0u8; 3];
            g[..self.n].copy_from_slice(&self.pending[..self.n]);
            self.push_group(g, self.n);
        }
        self.out.write_all(&self.line)
    }
}

impl Write for Base64Writer<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        for &b in data {
            self.pending[self.n] = b;
            self.n += 1;
            if self.n == 3 {
                self.push_group(self.pending, 3);
                self.n = 0;
            }
        }
        if self.line.len() >= 60 * 1024 {
            self.out.write_all(&self.line)?;
            self.line.clear();
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::{Customer, FloorPlan};

    fn b64(data: &[u8]) -> String {
        let mut out = Vec::new();
        let mut w = Base64Writer::new(&mut out);
        // Odd write sizes exercise the carry-over.
        for chunk in data.chunks(7) {
            w.write_all(chunk).unwrap();
        }
        w.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn base64_known_answers() {
        // RFC 4648 §10.
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(b64(i.as_bytes()), o, "{i}");
        }
        let big: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let enc = b64(&big);
        assert_eq!(enc.len(), big.len().div_ceil(3) * 4);
    }

    #[test]
    fn escapes_html() {
        assert_eq!(esc(r#"<script>"a'&"#), "&lt;script&gt;&quot;a&#39;&amp;");
    }

    fn header() -> PaperHeader {
        PaperHeader {
            handover_id: "H-<1>".into(),
            created: "2026-01-05T09:00:00+09:00".into(),
            operator: "佐藤".into(),
            contractor: "工事店 & Co".into(),
            work_type: WorkType::Installation,
            return_by: "2026-02-03".into(),
        }
    }

    #[test]
    fn sheet_shows_only_included_fields_and_embeds_plans() {
        let dir = tempfile::tempdir().unwrap();
        let png = b"\x89PNG\r\n\x1a\nfake image bytes".to_vec();
        let png_path = dir.path().join("p.png");
        std::fs::write(&png_path, &png).unwrap();
        let pdf_path = dir.path().join("p.pdf");
        std::fs::write(&pdf_path, b"%PDF-1.4 x").unwrap();
        let plan = |bytes: &[u8], ext: &str| FloorPlan {
            sha256: hex::encode(Sha256::digest(bytes)),
            ext: ext.into(),
            size: bytes.len() as u64,
        };
        let customers = [
            BundleCustomer {
                customer: Customer {
                    customer_id: "C1".into(),
                    name: Some("<b>山田</b>".into()),
                    email: Some("withheld@example.jp".into()),
                    floor_plan: Some(plan(&png, "png")),
                    ..Customer::default()
                },
                fields: vec![Field::CustomerId, Field::Name, Field::FloorPlan],
                plan_source: Some(crate::bundle::PlanSource::File(png_path.clone())),
            },
            BundleCustomer {
                customer: Customer {
                    customer_id: "C2".into(),
                    floor_plan: Some(plan(b"%PDF-1.4 x", "pdf")),
                    ..Customer::default()
                },
                fields: vec![Field::CustomerId, Field::FloorPlan],
                plan_source: Some(crate::bundle::PlanSource::File(pdf_path)),
            },
        ];
        let html = paper_sheet_html(&header(), &customers).unwrap();
        assert!(html.contains("@page { size: A4;"));
        assert!(html.contains("2026年2月3日"));
        assert!(html.contains("新規加入・引込工事"));
        assert!(html.contains("工事店 &amp; Co"));
        assert!(html.contains("H-&lt;1&gt;"));
        assert!(html.contains("&lt;b&gt;山田&lt;/b&gt;"));
        assert!(!html.contains("<b>山田"));
        assert!(!html.contains("withheld@example.jp"));
        assert!(!html.contains("メールアドレス"));
        assert!(html.contains(&format!("data:image/png;base64,{}", b64(&png))));
        assert!(html.contains("PDF図面は電子データで別途"));
        assert!(html.contains("C2.pdf"));
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(!html.contains("<script"));

        // A plan changed after import is refused.
        std::fs::write(&png_path, b"\x89PNG\r\n\x1a\nFAKE image bytes").unwrap();
        let e = paper_sheet_html(&header(), &customers).unwrap_err();
        assert_eq!(e.code(), "floor_plan_changed");
    }

    #[test]
    fn sheet_refuses_payment_fields() {
        let c = [BundleCustomer {
            customer: Customer {
                customer_id: "C1".into(),
                ..Customer::default()
            },
            fields: vec![Field::CustomerId, Field::CardNumber],
            plan_source: None,
        }];
        assert!(paper_sheet_html(&header(), &c).is_err());
    }
}
