//! Empirical CDFs with labelled vertical reference lines.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Axis, AxisOptions, plottable};
use super::render::{
    self, Axes, Frame, LegendItem, MUTED, NoData, Paint, Swatch, annotation_style, clean,
    draw_axes, draw_floor_lines, draw_text, measure, series_color,
};
use super::{Chart, ChartError, Series};

/// A chart of cumulative distributions, e.g. of downtime per year, with
/// reference lines such as availability targets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CdfChart {
    /// Chart title.
    pub title: String,
    /// Label of the x axis, with units, e.g. `"downtime per year (min)"`.
    pub x_label: String,
    /// Label of the y axis, e.g. `"fraction of trials"`.
    pub y_label: String,
    /// Log x axis: `Some(true)` log (if no value is negative),
    /// `Some(false)` linear, `None` log when positive values (markers
    /// included) span at least two decades. Zeros sit on a floor line
    /// labelled `0`.
    pub x_log: Option<bool>,
    /// One CDF per series: points `(x, cumulative fraction in 0..=1)`.
    /// Points are sorted by x and drawn as a step function (an empirical
    /// CDF), rising from 0 at the first point.
    pub series: Vec<Series>,
    /// Vertical reference lines `(x, label)`, e.g.
    /// `(52.56, "99.99% (52.56 min/yr)")`. The x axis extends to show them.
    pub markers: Vec<(f64, String)>,
}

/// Draws empirical CDFs as step lines, one colour per series, with dashed
/// labelled reference lines.
///
/// Points with a NaN, infinite or out-of-range coordinate, and markers at
/// such positions, are left out and counted in a note. No plottable point
/// in any series gives a "No data to plot" chart.
pub fn cdf_chart(spec: &CdfChart) -> Result<Chart, ChartError> {
    let (width, height) = (render::DEFAULT_WIDTH, render::DEFAULT_HEIGHT);
    let mut omitted = 0;
    let mut series: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for s in &spec.series {
        let mut points: Vec<(f64, f64)> = s
            .points
            .iter()
            .copied()
            .filter(|(x, y)| {
                let ok = plottable(*x) && plottable(*y);
                omitted += usize::from(!ok);
                ok
            })
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        series.push((clean(&s.name), points));
    }
    let markers: Vec<(f64, String)> = spec
        .markers
        .iter()
        .filter(|(x, _)| {
            let ok = plottable(*x);
            omitted += usize::from(!ok);
            ok
        })
        .map(|(x, label)| (*x, clean(label)))
        .collect();
    let mut notes: Vec<String> = render::omitted_note(omitted).into_iter().collect();
    if series.iter().all(|(_, points)| points.is_empty()) {
        return render::render(&NoData::new(&spec.title, notes), width, height);
    }

    let xs: Vec<f64> = series
        .iter()
        .flat_map(|(_, points)| points.iter().map(|p| p.0))
        .chain(markers.iter().map(|m| m.0))
        .collect();
    let x = Axis::new(
        &xs,
        AxisOptions {
            log: spec.x_log,
            include_zero: true,
            pad: true,
        },
    );
    if x.log_refused {
        notes.push("Linear scale: a log scale cannot show negative values.".to_string());
    }
    notes.extend(render::floor_notes(Some(&x), None));
    let y = Axis::fixed(-0.02, 1.04, 0.0, 1.0, 0.2);

    let mut frame = Frame::new(&spec.title);
    frame.legend = series
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            LegendItem::new(
                name,
                Swatch::Line {
                    color: series_color(i),
                    width: 3,
                    dashed: false,
                    marker: None,
                },
            )
        })
        .collect();
    frame.notes = notes;
    let plan = Plan {
        frame,
        x_label: clean(&spec.x_label),
        y_label: clean(&spec.y_label),
        series,
        markers,
        x,
        y,
    };
    render::render(&plan, width, height)
}

struct Plan {
    frame: Frame,
    x_label: String,
    y_label: String,
    series: Vec<(String, Vec<(f64, f64)>)>,
    markers: Vec<(f64, String)>,
    x: Axis,
    y: Axis,
}

/// Steps closer together than this many pixels are drawn as a diagonal:
/// at that scale a staircase is invisible, and thick lines with many
/// tiny corners render ragged.
const STEP_WIDTH_MIN_PX: i32 = 4;
const LABEL_ROW_HEIGHT: i32 = 20;
const LABEL_GAP: i32 = 10;

/// A reference-line label placed in the band above the plot.
struct Label<'a> {
    x: f64,
    /// Estimated pixel column of the line, for overlap checks.
    px: i32,
    text: &'a str,
    width: i32,
    right_of_line: bool,
    /// Horizontal extent in pixels, for overlap checks.
    left: i32,
    right: i32,
    /// Row in the band; 0 is nearest the plot.
    row: usize,
}

impl Paint for Plan {
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
        let area = render::draw_frame(root, &self.frame)?;
        let mut axes = Axes::new(&self.x, &self.y, &self.x_label, &self.y_label);

        // Reference-line labels go in a band above the plot, each starting
        // at its line (or ending there, near the right edge). Placed right
        // to left, each takes the row nearest the plot where it overlaps no
        // label, no line rising to a label above it crosses it, and its own
        // line crosses no label below it.
        let (plot_left, plot_right) = render::plot_x_pixels(&area, &axes)?;
        let (area_left, _) = area.get_base_pixel();
        let area_right = area_left + area.dim_in_pixel().0 as i32;
        let style = annotation_style();
        let mut order: Vec<&(f64, String)> = self.markers.iter().collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut labels: Vec<Label> = Vec::new();
        for (x, text) in order {
            let fraction = (self.x.pos(*x) - self.x.lo) / (self.x.hi - self.x.lo);
            let px = plot_left + (fraction * f64::from(plot_right - plot_left)) as i32;
            let width = measure(root, text, &style)?.0;
            let right_of_line = px + 4 + width <= area_right - 4;
            let (left, right) = if right_of_line {
                (px - 2, px + 4 + width)
            } else {
                (px - 4 - width, px + 2)
            };
            let free = |row: usize| {
                labels.iter().all(|other| {
                    let overlaps = left < other.right + LABEL_GAP && other.left < right + LABEL_GAP;
                    let crossed = other.row > row && (left..=right).contains(&other.px);
                    let crosses = other.row < row && (other.left..=other.right).contains(&px);
                    let collides = other.row == row && overlaps;
                    !(collides || crossed || crosses)
                })
            };
            let top_row = labels.iter().map(|l| l.row + 1).max().unwrap_or(0);
            let row = (0..=top_row).find(|row| free(*row)).unwrap_or(top_row);
            labels.push(Label {
                x: *x,
                px,
                text,
                width,
                right_of_line,
                left,
                right,
                row,
            });
        }
        let rows = labels.iter().map(|l| l.row + 1).max().unwrap_or(0) as i32;
        axes.top_extra = rows * LABEL_ROW_HEIGHT;
        let mut chart = draw_axes(&area, &axes)?;
        draw_floor_lines(&mut chart, &self.x, &self.y)?;

        let (_, plot_top) = chart.backend_coord(&(self.x.lo, self.y.hi));
        let (_, plot_bottom) = chart.backend_coord(&(self.x.lo, self.y.lo));
        let label_top = |row: usize| plot_top - (row as i32 + 1) * LABEL_ROW_HEIGHT;
        for label in &labels {
            let (px, _) = chart.backend_coord(&(self.x.pos(label.x), self.y.lo));
            root.draw(&DashedPathElement::new(
                vec![(px, plot_bottom), (px, label_top(label.row) + 2)],
                8,
                5,
                MUTED.stroke_width(2),
            ))?;
        }
        for label in &labels {
            let (px, _) = chart.backend_coord(&(self.x.pos(label.x), self.y.lo));
            let top = label_top(label.row) + 2;
            let text_left = if label.right_of_line {
                px + 4
            } else {
                px - 4 - label.width
            };
            // A white backing keeps the text readable where a line would
            // otherwise cross it (only when no row avoids that).
            root.draw(&Rectangle::new(
                [
                    (text_left - 1, top),
                    (text_left + label.width + 1, top + LABEL_ROW_HEIGHT - 4),
                ],
                WHITE.filled(),
            ))?;
            draw_text(
                root,
                label.text,
                &style,
                (HPos::Left, VPos::Top),
                (text_left, top),
            )?;
        }

        for (i, (_, points)) in self.series.iter().enumerate() {
            if points.is_empty() {
                continue;
            }
            let mut path: Vec<(f64, f64)> = Vec::with_capacity(points.len() * 2 + 2);
            let mut previous: Option<(f64, f64)> = None;
            for &(x, f) in points {
                let x = self.x.pos(x);
                match previous {
                    None => path.push((x, 0.0)),
                    Some((px, pf)) => {
                        let width =
                            chart.backend_coord(&(x, f)).0 - chart.backend_coord(&(px, pf)).0;
                        if width >= STEP_WIDTH_MIN_PX {
                            path.push((x, pf));
                        }
                    }
                }
                path.push((x, f));
                previous = Some((x, f));
            }
            if let Some((_, f)) = previous {
                path.push((self.x.hi, f));
            }
            chart.draw_series(std::iter::once(PathElement::new(
                path,
                series_color(i).stroke_width(3),
            )))?;
        }
        Ok(())
    }
}
