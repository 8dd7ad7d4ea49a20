//! Percentile bars: per category, bars for p50, p95, p99 and max, and a
//! line across the group at the mean.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Axis, AxisOptions, plottable};
use super::render::{
    self, Axes, BLUE, Frame, INK, LegendItem, NoData, ORANGE, Paint, SKY_BLUE, Swatch, VERMILLION,
    clean, draw_axes, draw_text, fit, measure, tick_style,
};
use super::{Chart, ChartError};

/// A percentile chart: one group of bars per category (e.g. per strategy).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PercentileChart {
    /// Chart title.
    pub title: String,
    /// Label of the category axis, e.g. `"strategy"`.
    pub x_label: String,
    /// Label of the value axis, with units, e.g. `"RPO (s)"`.
    pub y_label: String,
    /// `Some(true)`: log value axis (if no value is negative);
    /// `Some(false)`: linear; `None`: log when the positive values span at
    /// least two decades.
    pub log_scale: Option<bool>,
    /// One entry per category, drawn left to right.
    pub series: Vec<PercentileSeries>,
}

/// The summary statistics of one category.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PercentileSeries {
    /// Category name, shown under its group.
    pub name: String,
    /// Mean, drawn as a black line across the group.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Maximum.
    pub max: f64,
}

/// The bars of each group, in drawing order: (legend label, colour).
/// Blues for the body of the distribution, orange and vermillion for the
/// tail.
const BARS: [(&str, RGBColor); 4] = [
    ("p50", SKY_BLUE),
    ("p95", BLUE),
    ("p99", ORANGE),
    ("max", VERMILLION),
];

/// Fraction of a category slot taken by its bars.
const GROUP_WIDTH: f64 = 0.8;

/// Draws percentile bars: for each category, bars for p50, p95, p99 and
/// max side by side, and the mean as a black line across the group.
///
/// NaN, infinite or out-of-range statistics are left out (their bar is
/// missing) and counted in a note. No categories, or no plottable value at
/// all, gives a "No data to plot" chart.
pub fn percentile_chart(spec: &PercentileChart) -> Result<Chart, ChartError> {
    let (width, height) = (render::DEFAULT_WIDTH, render::DEFAULT_HEIGHT);
    let mut omitted = 0;
    let groups: Vec<Group> = spec
        .series
        .iter()
        .map(|s| {
            let mut keep = |v: f64| {
                if plottable(v) {
                    Some(v)
                } else {
                    omitted += 1;
                    None
                }
            };
            Group {
                name: clean(&s.name),
                bars: [keep(s.p50), keep(s.p95), keep(s.p99), keep(s.max)],
                mean: keep(s.mean),
            }
        })
        .collect();
    let values: Vec<f64> = groups
        .iter()
        .flat_map(|g| g.bars.iter().chain(std::iter::once(&g.mean)).flatten())
        .copied()
        .collect();
    let mut notes: Vec<String> = render::omitted_note(omitted).into_iter().collect();
    if values.is_empty() {
        return render::render(&NoData::new(&spec.title, notes), width, height);
    }

    let y = Axis::new(
        &values,
        AxisOptions {
            log: spec.log_scale,
            include_zero: true,
            pad: false,
        },
    );
    if y.log_refused {
        notes.push("Linear scale: a log scale cannot show negative values.".to_string());
    }
    if y.zero_floor().is_some() {
        notes.push("Log axis: zero values have no bar; they sit on the 0 line.".to_string());
    }
    let x = Axis::fixed(0.0, groups.len() as f64, 0.0, 0.0, 1.0).without_ticks();

    let mut frame = Frame::new(&spec.title);
    frame.legend = BARS
        .iter()
        .map(|(label, color)| {
            LegendItem::new(
                label,
                Swatch::Fill {
                    color: *color,
                    opacity: 1.0,
                },
            )
        })
        .collect();
    frame.legend.push(LegendItem::new(
        "mean",
        Swatch::Line {
            color: INK,
            width: 3,
            dashed: false,
            marker: None,
        },
    ));
    frame.notes = notes;

    let plan = Plan {
        frame,
        x_label: clean(&spec.x_label),
        y_label: clean(&spec.y_label),
        groups,
        x,
        y,
    };
    render::render(&plan, width, height)
}

struct Group {
    name: String,
    bars: [Option<f64>; 4],
    mean: Option<f64>,
}

struct Plan {
    frame: Frame,
    x_label: String,
    y_label: String,
    groups: Vec<Group>,
    x: Axis,
    y: Axis,
}

/// Ways to break `name` into two lines: (first, second, preferred).
/// Breaks at spaces and before '(' are preferred; breaks after '+', '-',
/// '/' and '_' keep the separator on the first line.
fn line_breaks(name: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for (i, c) in name.char_indices() {
        let (first, second, preferred) = match c {
            ' ' => (&name[..i], &name[i + 1..], true),
            '(' => (&name[..i], &name[i..], true),
            '+' | '-' | '/' | '_' => (&name[..i + 1], &name[i + 1..], false),
            _ => continue,
        };
        let (first, second) = (first.trim(), second.trim());
        if !first.is_empty() && !second.is_empty() {
            out.push((first.to_string(), second.to_string(), preferred));
        }
    }
    out
}

/// Category names laid out to fit their slot: one line if it fits, else
/// two lines (a preferred break if one fits), else shortened.
fn layout_names<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    names: &[&str],
    slot_width: i32,
) -> DrawResult<Vec<Vec<String>>, DB> {
    let style = tick_style();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        if measure(area, name, &style)?.0 <= slot_width {
            out.push(vec![name.to_string()]);
            continue;
        }
        // (fits, preferred, widest line) ranks the candidates.
        let mut best: Option<((bool, bool, i32), String, String)> = None;
        for (first, second, preferred) in line_breaks(name) {
            let widest = measure(area, &first, &style)?
                .0
                .max(measure(area, &second, &style)?.0);
            let rank = (widest <= slot_width, preferred, -widest);
            if best.as_ref().is_none_or(|(r, _, _)| rank > *r) {
                best = Some((rank, first, second));
            }
        }
        match best {
            Some((_, first, second)) => out.push(vec![
                fit(area, &first, &style, slot_width)?,
                fit(area, &second, &style, slot_width)?,
            ]),
            None => out.push(vec![fit(area, name, &style, slot_width)?]),
        }
    }
    Ok(out)
}

impl Paint for Plan {
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
        let area = render::draw_frame(root, &self.frame)?;
        let style = tick_style();
        let line_height = (render::TICK_SIZE / 1.24).ceil() as i32 + 4;

        let mut y_tick_width = 0;
        for (_, label) in &self.y.ticks {
            y_tick_width = y_tick_width.max(measure(&area, label, &style)?.0);
        }
        let mut axes = Axes {
            y_tick_width: Some(y_tick_width),
            ..Axes::new(&self.x, &self.y, &self.x_label, &self.y_label)
        };
        let (plot_left, plot_right) = render::plot_x_pixels(&area, &axes)?;
        let slot = (plot_right - plot_left) / self.groups.len().max(1) as i32;
        let names: Vec<&str> = self.groups.iter().map(|g| g.name.as_str()).collect();
        let names = layout_names(&area, &names, slot - 6)?;
        let lines = names.iter().map(Vec::len).max().unwrap_or(1) as i32;
        axes.x_extra_height = (lines - 1) * line_height;
        let mut chart = draw_axes(&area, &axes)?;

        let baseline = self.y.baseline();
        let bar_width = GROUP_WIDTH / BARS.len() as f64;
        for (i, group) in self.groups.iter().enumerate() {
            let left = i as f64 + (1.0 - GROUP_WIDTH) / 2.0;
            for (j, value) in group.bars.iter().enumerate() {
                let Some(value) = value else { continue };
                let x0 = left + j as f64 * bar_width + bar_width * 0.08;
                let x1 = left + (j + 1) as f64 * bar_width - bar_width * 0.08;
                let top = self.y.pos(*value);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x0, baseline), (x1, top)],
                    BARS[j].1.filled(),
                )))?;
            }
            if let Some(mean) = group.mean {
                let y = self.y.pos(mean);
                let ends = vec![(left - 0.02, y), (left + GROUP_WIDTH + 0.02, y)];
                chart.draw_series(std::iter::once(PathElement::new(
                    ends.clone(),
                    WHITE.stroke_width(6),
                )))?;
                chart.draw_series(std::iter::once(PathElement::new(ends, INK.stroke_width(3))))?;
            }
            if group.bars.iter().all(|b| *b == Some(0.0)) {
                let (px, py) = chart.backend_coord(&(i as f64 + 0.5, baseline));
                draw_text(
                    root,
                    "all 0",
                    &render::annotation_style(),
                    (HPos::Center, VPos::Bottom),
                    (px, py - 4),
                )?;
            }
        }

        // Category names, centred under their groups.
        let (_, plot_bottom) = chart.backend_coord(&(0.0, self.y.lo));
        for (i, lines) in names.iter().enumerate() {
            let (px, _) = chart.backend_coord(&(i as f64 + 0.5, self.y.lo));
            for (k, line) in lines.iter().enumerate() {
                draw_text(
                    root,
                    line,
                    &style,
                    (HPos::Center, VPos::Top),
                    (px, plot_bottom + 8 + k as i32 * line_height),
                )?;
            }
        }
        Ok(())
    }
}
