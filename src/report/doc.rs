//! The report as a list of blocks, written once and rendered twice: as
//! HTML ([`super::html`]) and as Markdown ([`super::markdown`]), so both
//! say the same thing.

use super::findings::Finding;

/// A run of text inside a paragraph or list item.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    Text(String),
    Strong(String),
    Code(String),
}

/// One block of the report.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Heading(String),
    Para(Vec<Inline>),
    Bullets(Vec<Vec<Inline>>),
    /// The findings a first-time reader needs, drawn prominently.
    Glance(Vec<Finding>),
    /// Plain findings, one list item each.
    Findings(Vec<Finding>),
    /// A table; columns after the first are numbers (right-aligned).
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A chart written beside the report as `{stem}.svg` and `{stem}.png`.
    Figure {
        stem: String,
        title: String,
        caption: String,
    },
}

/// A whole report.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub title: String,
    /// One line under the title.
    pub subtitle: String,
    pub blocks: Vec<Block>,
    /// How the report was made, for the footer.
    pub footer: Vec<Inline>,
}

/// Shorthand for a text run.
pub fn t(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// Shorthand for a strong run.
pub fn b(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

/// Shorthand for a code run.
pub fn c(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}
