//! The report as one self-contained HTML page: styles in a `<style>`
//! element, charts inline as SVG, no script, no link, no reference to
//! anything outside the file, so it opens the same offline, attached to a
//! mail or years from now. The layout is one column that narrows to a
//! phone's width; wide tables and charts scroll sideways inside their box
//! rather than shrinking their text out of legibility.

use super::doc::{Block, Doc, Inline};
use super::findings::Finding;
use crate::charts::Chart;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
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

const STYLE: &str = "
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --line: #d9d9d9; --accent: #0072b2; --soft: #f3f6f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; color: var(--ink); background: #fff; }
main { max-width: 64rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.35rem; margin: 2.25rem 0 0.75rem; padding-bottom: 0.25rem; border-bottom: 2px solid var(--line); }
p, li { max-width: 48rem; }
.subtitle { color: var(--muted); margin-top: 0; }
code { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 0.92em; background: var(--soft); padding: 0.05em 0.3em; border-radius: 3px; }
.glance { display: grid; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); gap: 1rem; }
.glance section { border: 1px solid var(--line); border-left: 6px solid var(--accent); border-radius: 6px; padding: 0.9rem 1rem; background: var(--soft); }
.glance h3 { margin: 0 0 0.4rem; font-size: 1.15rem; }
.glance p { margin: 0; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: 0.92rem; min-width: 100%; }
th, td { padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { text-align: left; background: var(--soft); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5rem 0 2rem; }
figure .scroll svg { display: block; width: 100%; min-width: 40rem; height: auto; }
figcaption { color: var(--muted); font-size: 0.95rem; margin-top: 0.5rem; max-width: 48rem; }
figcaption strong { color: var(--ink); }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.9rem; border-top: 1px solid var(--line); padding-top: 0.75rem; }
@media (max-width: 40rem) { body { font-size: 15px; } h1 { font-size: 1.5rem; } main { padding: 0.75rem 0.75rem 2rem; } }
@media print { figure { break-inside: avoid; } .scroll { overflow: visible; } }
";

fn inlines(out: &mut String, runs: &[Inline]) {
    for r in runs {
        match r {
            Inline::Text(s) => out.push_str(&escape(s)),
            Inline::Strong(s) => {
                let _ = write!(out, "<strong>{}</strong>", escape(s));
            }
            Inline::Code(s) => {
                let _ = write!(out, "<code>{}</code>", escape(s));
            }
        }
    }
}

/// A chart's SVG document made fit to sit inside HTML: the namespace
/// declaration dropped (HTML parsers supply it, and it is the one URL the
/// back end writes), an accessible name added, and the fixed size left to
/// the style sheet through the view box.
pub fn inline_svg(svg: &str, title: &str) -> String {
    let svg = svg.trim_start();
    let svg = svg
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split_once("?>").map(|x| x.1.trim_start()))
        .unwrap_or(svg);
    let Some(end) = svg.find('>') else {
        return String::new();
    };
    let (open, rest) = svg.split_at(end);
    let mut tag = open
        .replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
        .replace(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "");
    let _ = write!(tag, " role=\"img\" aria-label=\"{}\"", escape(title));
    format!("{tag}{rest}")
}

fn finding_text(out: &mut String, f: &Finding) {
    out.push_str(&escape(&f.text));
}

/// The whole page.
pub fn render(doc: &Doc, charts: &BTreeMap<String, &Chart>) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n",
        escape(&doc.title),
        escape(&doc.title),
        escape(&doc.subtitle)
    );
    for block in &doc.blocks {
        match block {
            Block::Heading(h) => {
                let _ = writeln!(out, "<h2>{}</h2>", escape(h));
            }
            Block::Para(runs) => {
                out.push_str("<p>");
                inlines(&mut out, runs);
                out.push_str("</p>\n");
            }
            Block::Bullets(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    out.push_str("<li>");
                    inlines(&mut out, item);
                    out.push_str("</li>\n");
                }
                out.push_str("</ul>\n");
            }
            Block::Glance(findings) => {
                out.push_str("<div class=\"glance\">\n");
                for f in findings {
                    out.push_str("<section>");
                    if let Some(h) = &f.headline {
                        let _ = write!(out, "<h3>{}</h3>", escape(h));
                    }
                    out.push_str("<p>");
                    finding_text(&mut out, f);
                    out.push_str("</p></section>\n");
                }
                out.push_str("</div>\n");
            }
            Block::Findings(findings) => {
                out.push_str("<ul class=\"findings\">\n");
                for f in findings {
                    out.push_str("<li>");
                    finding_text(&mut out, f);
                    out.push_str("</li>\n");
                }
                out.push_str("</ul>\n");
            }
            Block::Table { header, rows } => {
                out.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
                for (i, h) in header.iter().enumerate() {
                    let class = if i > 0 { " class=\"n\"" } else { "" };
                    let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", escape(h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for (i, cell) in row.iter().enumerate() {
                        if i == 0 {
                            let _ = write!(out, "<th scope=\"row\">{}</th>", escape(cell));
                        } else {
                            let _ = write!(out, "<td class=\"n\">{}</td>", escape(cell));
                        }
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table></div>\n");
            }
            Block::Figure {
                stem,
                title,
                caption,
            } => {
                let Some(chart) = charts.get(stem) else {
                    continue;
                };
                let _ = write!(
                    out,
                    "<figure id=\"{}\">\n<div class=\"scroll\">{}</div>\n<figcaption><strong>{}.</strong> {}</figcaption>\n</figure>\n",
                    escape(stem),
                    inline_svg(&chart.svg, title),
                    escape(title),
                    escape(caption)
                );
            }
        }
    }
    out.push_str("<footer><p>");
    inlines(&mut out, &doc.footer);
    out.push_str("</p></footer>\n</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn inline_svg_drops_the_namespace_url() {
        let svg = "<svg width=\"9\" height=\"5\" viewBox=\"0 0 9 5\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>";
        let out = inline_svg(svg, "A & B");
        assert!(!out.contains("http"));
        assert!(out.starts_with("<svg width=\"9\" height=\"5\" viewBox=\"0 0 9 5\" role=\"img\" aria-label=\"A &amp; B\">"));
        assert!(out.ends_with("<rect/></svg>"));
    }
}
