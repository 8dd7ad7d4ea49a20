//! The report as Markdown (GitHub-flavoured tables), with the charts as
//! image files beside it: each figure shows the PNG, which every viewer
//! renders, and links the SVG, which stays sharp when zoomed.

use super::doc::{Block, Doc, Inline};

/// Escapes characters Markdown would read as markup.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(
            ch,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn inlines(runs: &[Inline]) -> String {
    runs.iter()
        .map(|r| match r {
            Inline::Text(s) => escape(s),
            Inline::Strong(s) => format!("**{}**", escape(s)),
            Inline::Code(s) => {
                if s.contains('`') {
                    format!("`` {s} ``")
                } else {
                    format!("`{s}`")
                }
            }
        })
        .collect()
}

/// The whole document.
pub fn render(doc: &Doc) -> String {
    let mut out = format!("# {}\n\n{}\n", escape(&doc.title), escape(&doc.subtitle));
    for block in &doc.blocks {
        out.push('\n');
        match block {
            Block::Heading(h) => out.push_str(&format!("## {}\n", escape(h))),
            Block::Para(runs) => out.push_str(&format!("{}\n", inlines(runs))),
            Block::Bullets(items) => {
                for item in items {
                    out.push_str(&format!("- {}\n", inlines(item)));
                }
            }
            Block::Glance(findings) => {
                let quotes: Vec<String> = findings
                    .iter()
                    .map(|f| match &f.headline {
                        Some(h) => format!("> **{}.** {}\n", escape(h), escape(&f.text)),
                        None => format!("> {}\n", escape(&f.text)),
                    })
                    .collect();
                out.push_str(&quotes.join(">\n"));
            }
            Block::Findings(findings) => {
                for f in findings {
                    out.push_str(&format!("- {}\n", escape(&f.text)));
                }
            }
            Block::Table { header, rows } => {
                let row = |cells: &[String]| {
                    let cells: Vec<String> = cells.iter().map(|c| escape(c)).collect();
                    format!("| {} |\n", cells.join(" | "))
                };
                out.push_str(&row(header));
                let rule: Vec<&str> = (0..header.len())
                    .map(|i| if i == 0 { ":---" } else { "---:" })
                    .collect();
                out.push_str(&format!("| {} |\n", rule.join(" | ")));
                for r in rows {
                    out.push_str(&row(r));
                }
            }
            Block::Figure {
                stem,
                title,
                caption,
            } => {
                out.push_str(&format!(
                    "[![{}]({stem}.png)]({stem}.svg)\n\n**{}.** {}\n",
                    escape(title),
                    escape(title),
                    escape(caption)
                ));
            }
        }
    }
    out.push_str(&format!("\n---\n\n{}\n", inlines(&doc.footer)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::doc::{b, t};

    #[test]
    fn tables_align_numbers_right() {
        let doc = Doc {
            title: "T".into(),
            subtitle: "s".into(),
            blocks: vec![Block::Table {
                header: vec!["metric".into(), "a|b".into()],
                rows: vec![vec!["x".into(), "1".into()]],
            }],
            footer: vec![t("made by "), b("me")],
        };
        let md = render(&doc);
        assert!(md.contains("| metric | a\\|b |\n| :--- | ---: |\n| x | 1 |\n"));
        assert!(md.ends_with("made by **me**\n"));
    }
}
