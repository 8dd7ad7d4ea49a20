//! Laying a table out in a terminal of a given width, and the same table
//! as Markdown. What the rows are is decided elsewhere
//! ([`super::tables`]); here only how they fit.
//!
//! A table is a [`Grid`]: key columns (the metric, or a sweep's knobs and
//! strategy) that say what a row is, and value columns. A cell is either
//! atomic (a number, an interval, a name: never split across lines) or
//! prose (may wrap between words). The layout, first that fits:
//!
//! 1. the whole table on one line per row;
//! 2. the whole table with prose cells wrapped between words;
//! 3. the value columns split into groups, printed one under another, each
//!    with the key columns repeated (groups as even as the width allows);
//! 4. one block per row, `header: value` a line (a width too small for
//!    even one value column beside its keys).
//!
//! Widths are counted in characters; every character the tables print
//! (digits, letters, `–`, `×`, box drawing) is one column wide.

use comfy_table::{
    Cell as TableCell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED,
};

/// How a column's cells are aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One cell: its text, and whether it may wrap between words.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub wrap: bool,
}

impl Cell {
    /// A cell never split across lines: a number, an interval, a name.
    pub fn atom(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            wrap: false,
        }
    }

    /// A cell of words, which may wrap between them.
    pub fn prose(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            wrap: true,
        }
    }
}

/// A column: its header, alignment, and whether it is a key (repeated in
/// every group when the table is split).
#[derive(Clone, Debug)]
pub struct Column {
    pub header: Cell,
    pub align: Align,
    pub key: bool,
}

/// A table before layout.
#[derive(Clone, Debug, Default)]
pub struct Grid {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Grid {
    /// Adds a key column (left-aligned, repeated in every group).
    pub fn key(&mut self, header: Cell) -> &mut Self {
        self.columns.push(Column {
            header,
            align: Align::Left,
            key: true,
        });
        self
    }

    /// Adds a value column with the given alignment.
    pub fn value(&mut self, header: Cell, align: Align) -> &mut Self {
        self.columns.push(Column {
            header,
            align,
            key: false,
        });
        self
    }

    /// Adds a row; it must have one cell per column.
    pub fn row(&mut self, cells: Vec<Cell>) -> &mut Self {
        debug_assert_eq!(cells.len(), self.columns.len());
        self.rows.push(cells);
        self
    }

    fn cells(&self, col: usize) -> impl Iterator<Item = &Cell> {
        std::iter::once(&self.columns[col].header).chain(self.rows.iter().map(move |r| &r[col]))
    }

    /// The widest any line of the column can be kept to (its atoms, the
    /// longest word of its prose), and its width unwrapped.
    fn widths(&self, col: usize) -> (usize, usize) {
        let mut min = 1;
        let mut natural = 1;
        for c in self.cells(col) {
            let whole = c.text.lines().map(len).max().unwrap_or(0);
            natural = natural.max(whole);
            let least = if c.wrap {
                c.text.split_whitespace().map(len).max().unwrap_or(0)
            } else {
                whole
            };
            min = min.max(least);
        }
        (min, natural)
    }
}

fn len(s: &str) -> usize {
    s.chars().count()
}

/// The width a table of columns this wide takes: `│ a ┆ b │`.
fn table_width(widths: &[usize]) -> usize {
    widths.iter().map(|w| w + 3).sum::<usize>() + 1
}

/// Widths for `cols` within `width`, each between its least and its
/// natural width: the key columns (`key[i]`) served first, as labels read
/// best whole, then the slack shared out one character at a time; `None`
/// if even the least widths do not fit.
fn fit(bounds: &[(usize, usize)], key: &[bool], width: usize) -> Option<Vec<usize>> {
    let mut w: Vec<usize> = bounds.iter().map(|b| b.0).collect();
    if table_width(&w) > width {
        return None;
    }
    let mut slack = width - table_width(&w);
    for (i, b) in bounds.iter().enumerate().filter(|(i, _)| key[*i]) {
        let grow = (b.1 - w[i]).min(slack);
        w[i] += grow;
        slack -= grow;
    }
    while slack > 0 {
        let mut grew = false;
        for (i, b) in bounds.iter().enumerate() {
            if slack > 0 && w[i] < b.1 {
                w[i] += 1;
                slack -= 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    Some(w)
}

/// Wraps `text` between words into lines of at most `width` characters
/// (a word longer than that stands alone on its line, whole).
pub fn wrap_words(text: &str, width: usize) -> String {
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            if !line.is_empty() && len(&line) + 1 + len(word) > width {
                out.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(line);
    }
    out.join("\n")
}

/// Lines of prose (a title, a summary under a table) wrapped to `width`.
pub fn wrap_lines(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if len(line) <= width {
            out.push_str(line);
        } else {
            out.push_str(&wrap_words(line, width));
        }
        out.push('\n');
    }
    out
}

/// Draws the columns `cols` of the grid at the given widths.
fn draw(grid: &Grid, cols: &[usize], widths: &[usize]) -> String {
    let fill = |c: &Cell, w: usize| {
        if c.wrap {
            wrap_words(&c.text, w)
        } else {
            c.text.clone()
        }
    };
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(
        cols.iter()
            .zip(widths)
            .map(|(&c, &w)| TableCell::new(fill(&grid.columns[c].header, w))),
    );
    for row in &grid.rows {
        t.add_row(cols.iter().zip(widths).map(|(&c, &w)| {
            let cell = TableCell::new(fill(&row[c], w));
            // Words read from the left, even in a column of numbers.
            match grid.columns[c].align {
                Align::Right if !row[c].wrap => cell.set_alignment(CellAlignment::Right),
                _ => cell,
            }
        }));
    }
    format!("{t}\n")
}

/// The columns, in order, split into groups that each fit `width` with
/// the keys beside them; `None` when the keys and one value column alone
/// do not fit.
fn groups(grid: &Grid, width: usize) -> Option<Vec<(Vec<usize>, Vec<usize>)>> {
    let bounds: Vec<(usize, usize)> = (0..grid.columns.len()).map(|c| grid.widths(c)).collect();
    let keys: Vec<usize> = (0..grid.columns.len())
        .filter(|&c| grid.columns[c].key)
        .collect();
    let values: Vec<usize> = (0..grid.columns.len())
        .filter(|&c| !grid.columns[c].key)
        .collect();
    let fits = |set: &[usize]| {
        let b: Vec<(usize, usize)> = set.iter().map(|&c| bounds[c]).collect();
        let k: Vec<bool> = set.iter().map(|&c| grid.columns[c].key).collect();
        fit(&b, &k, width)
    };
    // Keys at their natural width if one value column fits beside them,
    // else wrapped: the labels read best whole.
    let keys_natural = keys.iter().map(|&c| bounds[c].1 + 3).sum::<usize>() + 1;
    let value_least = values.iter().map(|&c| bounds[c].0 + 3).min().unwrap_or(0);
    let key_room = if keys_natural + value_least <= width {
        keys_natural
    } else {
        keys.iter().map(|&c| bounds[c].0 + 3).sum::<usize>() + 1
    };
    // How many groups the columns need, filled in order at their least
    // widths; then shared as evenly as that many allow (7 columns that go
    // 3, 3, 1 are printed 3, 2, 2).
    let mut greedy: Vec<std::ops::Range<usize>> = Vec::new();
    let mut i = 0;
    while i < values.len() {
        let mut used = key_room;
        let mut n = 0;
        while i + n < values.len() && used + bounds[values[i + n]].0 + 3 <= width {
            used += bounds[values[i + n]].0 + 3;
            n += 1;
        }
        if n == 0 {
            return None;
        }
        greedy.push(i..i + n);
        i += n;
    }
    let count = greedy.len().max(1);
    let mut even = Vec::new();
    let mut start = 0;
    for g in 0..count {
        let take = (values.len() - start).div_ceil(count - g);
        even.push(start..start + take);
        start += take;
    }
    let layout = |ranges: &[std::ops::Range<usize>]| -> Option<Vec<(Vec<usize>, Vec<usize>)>> {
        ranges
            .iter()
            .map(|r| {
                let mut set = keys.clone();
                set.extend(&values[r.clone()]);
                set.sort_unstable();
                fits(&set).map(|w| (set, w))
            })
            .collect()
    };
    // The even split can put wide columns together; the greedy one fits.
    layout(&even).or_else(|| layout(&greedy))
}

/// One block per row: the keys on a line, then `header: value` lines.
fn records(grid: &Grid, width: usize) -> String {
    let mut out = String::new();
    for row in &grid.rows {
        let keys: Vec<&str> = (0..grid.columns.len())
            .filter(|&c| grid.columns[c].key)
            .map(|c| row[c].text.as_str())
            .collect();
        out.push_str(&wrap_lines(&keys.join(", "), width));
        for (c, col) in grid.columns.iter().enumerate().filter(|(_, c)| !c.key) {
            let header = col.header.text.replace('\n', " ");
            let value = &row[c].text;
            // The value whole, on the header's line if it fits there.
            if len(&header) + len(value) + 4 <= width {
                out.push_str(&format!("  {header}: {value}\n"));
            } else {
                out.push_str(&format!("  {header}:\n    {value}\n"));
            }
        }
    }
    out
}

/// The grid laid out within `width` characters (see the module's notes).
pub fn render(grid: &Grid, width: usize) -> String {
    let all: Vec<usize> = (0..grid.columns.len()).collect();
    let bounds: Vec<(usize, usize)> = all.iter().map(|&c| grid.widths(c)).collect();
    let natural: Vec<usize> = bounds.iter().map(|b| b.1).collect();
    if table_width(&natural) <= width {
        return draw(grid, &all, &natural);
    }
    let key: Vec<bool> = grid.columns.iter().map(|c| c.key).collect();
    if let Some(w) = fit(&bounds, &key, width) {
        return draw(grid, &all, &w);
    }
    match groups(grid, width) {
        Some(gs) => gs
            .iter()
            .map(|(cols, w)| draw(grid, cols, w))
            .collect::<Vec<_>>()
            .join("\n"),
        None => records(grid, width),
    }
}

/// The grid as a Markdown (GitHub) table.
pub fn markdown(grid: &Grid) -> String {
    let esc = |c: &Cell| c.text.replace('\n', " ").replace('|', "\\|");
    let mut out = String::from("|");
    for c in &grid.columns {
        out.push_str(&format!(" {} |", esc(&c.header)));
    }
    out.push_str("\n|");
    for c in &grid.columns {
        out.push_str(match c.align {
            Align::Left => "---|",
            Align::Right => "---:|",
        });
    }
    out.push('\n');
    for row in &grid.rows {
        out.push('|');
        for c in row {
            out.push_str(&format!(" {} |", esc(c)));
        }
        out.push('\n');
    }
    out
}

/// The width tables are laid out to: `COLUMNS` when it is set to a whole
/// number (as a shell exports it, or a user to choose), else the
/// terminal's width when standard output is one, else 80 (a file or a
/// pipe: what a pager, an editor or a quoted listing shows unwrapped).
pub fn width() -> usize {
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&w| w > 0)
    {
        return w;
    }
    match Table::new().width() {
        Some(w) if w > 0 => usize::from(w),
        _ => DEFAULT_WIDTH,
    }
}

/// The width when neither `COLUMNS` nor a terminal gives one.
pub const DEFAULT_WIDTH: usize = 80;

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(values: usize) -> Grid {
        let mut g = Grid::default();
        g.key(Cell::atom("metric"));
        for i in 0..values {
            g.value(Cell::atom(format!("strategy-{i}")), Align::Right);
        }
        for r in 0..4 {
            let mut cells = vec![Cell::prose(format!("lost writes per trial, row {r}"))];
            cells.extend((0..values).map(|i| Cell::atom(format!("{},{:03}", r * 7 + i, i))));
            g.row(cells);
        }
        g
    }

    fn widest(s: &str) -> usize {
        s.lines().map(len).max().unwrap_or(0)
    }

    #[test]
    fn a_table_that_fits_is_drawn_whole() {
        let g = grid(2);
        let out = render(&g, 200);
        assert_eq!(out.lines().count(), 3 + 4 + 1, "{out}");
    }

    #[test]
    fn every_width_keeps_lines_within_it_and_every_value_whole() {
        let g = grid(9);
        for width in [200, 120, 80, 60, 40, 30] {
            let out = render(&g, width);
            assert!(widest(&out) <= width, "width {width}:\n{out}");
            for row in &g.rows {
                for c in &row[1..] {
                    assert!(
                        out.contains(&c.text),
                        "width {width}: {} split:\n{out}",
                        c.text
                    );
                }
            }
            for c in &g.columns[1..] {
                assert!(out.contains(&c.header.text), "width {width}:\n{out}");
            }
        }
    }

    #[test]
    fn split_groups_are_even_and_repeat_the_key() {
        let g = grid(7);
        let out = render(&g, 80);
        let groups = out.split("\n\n").count();
        assert!(groups >= 2, "{out}");
        assert_eq!(out.matches("metric").count(), groups, "{out}");
    }

    #[test]
    fn words_wrap_between_words_only() {
        assert_eq!(
            wrap_words("breached: hardware, zone", 10),
            "breached:\nhardware,\nzone"
        );
        assert_eq!(wrap_words("a 123,456,789 b", 5), "a\n123,456,789\nb");
    }

    #[test]
    fn markdown_escapes_pipes() {
        let mut g = Grid::default();
        g.key(Cell::atom("a|b"))
            .value(Cell::atom("v"), Align::Right);
        g.row(vec![Cell::atom("x"), Cell::atom("1")]);
        assert_eq!(markdown(&g), "| a\\|b | v |\n|---|---:|\n| x | 1 |\n");
    }
}
