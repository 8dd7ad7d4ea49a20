//! Charts: plain numbers in, SVG text and PNG bytes out.
//!
//! This module is a back end in the sense of criterion's `plot/`: it knows
//! nothing about the simulator. Each chart takes a plain data struct
//! defined here and returns a [`Chart`] holding the same picture twice, as
//! SVG text and as PNG bytes. Nothing here touches the file system; the
//! caller decides where (and how atomically) to write.
//!
//! ```text
//!   PercentileChart ─┐
//!   ScatterChart ────┤                 ┌─ SVG (String)
//!   CdfChart ────────┼─ prepare ─ paint┤
//!   TimelineChart ───┤  (validate,     └─ PNG (Vec<u8>)
//!   LineChart ───────┘   axes, notes)    one drawing, two back ends
//! ```
//!
//! | chart | function | shows |
//! |---|---|---|
//! | percentile bars | [`percentile_chart`] | p50, p95, p99, max bars and a mean line per category |
//! | trade-off scatter | [`scatter_chart`] | one labelled point per strategy |
//! | CDF | [`cdf_chart`] | empirical CDFs with labelled reference lines ("nines") |
//! | timeline | [`timeline_chart`] | component states, events and loss windows of one trial |
//! | line | [`line_chart`] | a metric against a swept knob |
//!
//! # No system fonts
//!
//! plotters' default `ttf` feature finds fonts through font-kit, which
//! links the system's fontconfig and FreeType. We build plotters with
//! `default-features = false` and its pure-Rust `ab_glyph` rasteriser
//! instead, and embed DejaVu Sans (regular and bold, from
//! `assets/fonts/`, licence alongside) with `include_bytes!`. The fonts are
//! registered with plotters once per process, before the first drawing:
//! with `ab_glyph`, plotters measures text through its font registry even
//! for SVG, so an unregistered family fails with `FontUnavailable`.
//!
//! Consequences:
//! - the build needs no system libraries, and `cargo tree` shows no
//!   font-kit, fontconfig or FreeType;
//! - text layout (label widths, legend wrapping) is computed from the
//!   embedded font, never from whatever fonts a machine has installed, and
//!   nothing depends on time, randomness or hash order, so the same input
//!   gives byte-identical SVG and PNG;
//! - plotters draws `ab_glyph` text a little higher in bitmaps than SVG
//!   viewers place it; PNGs are drawn through a small back-end wrapper
//!   that moves text down to match (see `bitmap.rs`);
//! - SVG text is written as `font-family="sans-serif"` for the viewer to
//!   render with its own face; widths may differ slightly from DejaVu's,
//!   which the layout leaves room for.
//!
//! # Palette
//!
//! All colours come from the Okabe-Ito palette, which stays distinguishable
//! under the common colour-vision deficiencies: orange `#E69F00`, sky blue
//! `#56B4E9`, bluish green `#009E73`, yellow `#F0E442`, blue `#0072B2`,
//! vermillion `#D55E00`, reddish purple `#CC79A7` and black `#000000`.
//! Series take them in the order blue, orange, green, vermillion, purple,
//! sky blue, black, yellow (yellow last: thin yellow lines are faint on
//! white), and also differ by marker shape, so nothing depends on colour
//! alone.
//!
//! # Degenerate input
//!
//! No input panics. NaN, infinite and absurdly large values
//! (|v| > 1e150) are left out and counted in a note on the chart; a chart
//! left with nothing to draw says "No data to plot". Inconsistent input
//! that cannot be drawn meaningfully (a timeline event on a row that does
//! not exist) is an error.
//!
//! # Scales
//!
//! Axes that may span decades take `Option<bool>` for log scale: `None`
//! chooses log when the positive values span at least two decades. On a
//! log axis, zeros are drawn on a dashed floor line labelled `0` just below
//! the first decade, and a note says so. Tick labels use SI suffixes
//! (`1.5k`, `2M`) and as few decimals as tell neighbouring ticks apart.

mod axis;
mod bitmap;
mod cdf;
mod line;
mod percentile;
mod render;
mod scatter;
mod timeline;

pub use cdf::{CdfChart, cdf_chart};
pub use line::{LineChart, line_chart};
pub use percentile::{PercentileChart, PercentileSeries, percentile_chart};
pub use render::{DEFAULT_HEIGHT, DEFAULT_WIDTH};
pub use scatter::{ScatterChart, ScatterPoint, scatter_chart};
pub use timeline::{
    EventKind, IntervalState, TimelineChart, TimelineEvent, TimelineInterval, TimelineRow,
    timeline_chart,
};

/// A rendered chart: the same picture as SVG and as PNG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// A complete, standalone SVG document (UTF-8).
    pub svg: String,
    /// A PNG image (8-bit RGB), `width` x `height` pixels.
    pub png: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// A named series of `(x, y)` points, for line charts and CDFs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// The points, drawn in the order given (a CDF sorts them by x).
    pub points: Vec<(f64, f64)>,
}

/// Why a chart could not be produced.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum ChartError {
    /// The embedded font could not be registered with plotters. Fatal for
    /// every chart in this process: it means the font bytes compiled into
    /// the binary are not a usable font, a build problem.
    #[error("the embedded chart font could not be loaded; charts cannot be drawn")]
    Font,
    /// The input is inconsistent in a way that cannot be drawn, such as a
    /// timeline event on a row that does not exist. Not fatal: fix the
    /// input and call again.
    #[error("invalid chart input: {0}")]
    InvalidInput(String),
    /// plotters failed while drawing. Not expected with in-memory back
    /// ends; reported rather than unwrapped.
    #[error("chart drawing failed: {0}")]
    Render(String),
    /// The PNG encoder failed. Not expected when encoding to memory.
    #[error("PNG encoding failed: {0}")]
    Png(String),
}
