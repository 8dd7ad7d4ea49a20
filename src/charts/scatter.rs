//! Trade-off scatter: one labelled point per strategy.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Axis, AxisOptions, plottable};
use super::render::{
    self, Axes, Frame, INK, LegendItem, NoData, Paint, Swatch, annotation_style, clean, draw_axes,
    draw_floor_lines, draw_marker, draw_text, measure, series_color, series_shape,
};
use super::{Chart, ChartError};

/// A scatter chart of one labelled point per item, such as a strategy's
/// write latency added (x) against its expected lost writes per year (y).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScatterChart {
    /// Chart title.
    pub title: String,
    /// Label of the x axis, with units, e.g. `"write latency added (ms)"`.
    pub x_label: String,
    /// Label of the y axis, with units, e.g. `"lost writes per year"`.
    pub y_label: String,
    /// Log x axis: `Some(true)` log (if no value is negative),
    /// `Some(false)` linear, `None` log when positive values span at least
    /// two decades. Zeros sit on a floor line labelled `0`.
    pub x_log: Option<bool>,
    /// Log y axis, as `x_log`.
    pub y_log: Option<bool>,
    /// The points; each gets its own colour, shape, label and legend entry.
    pub points: Vec<ScatterPoint>,
}

/// One point of a [`ScatterChart`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScatterPoint {
    /// Label, drawn next to the point and in the legend.
    pub name: String,
    /// x value.
    pub x: f64,
    /// y value.
    pub y: f64,
}

const MARKER_RADIUS: i32 = 7;

/// Draws a labelled scatter chart. Points with a NaN, infinite or
/// out-of-range coordinate are left out and counted in a note; no point
/// left gives a "No data to plot" chart.
pub fn scatter_chart(spec: &ScatterChart) -> Result<Chart, ChartError> {
    let (width, height) = (render::DEFAULT_WIDTH, render::DEFAULT_HEIGHT);
    let mut omitted = 0;
    let points: Vec<(usize, String, f64, f64)> = spec
        .points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            if plottable(p.x) && plottable(p.y) {
                Some((i, clean(&p.name), p.x, p.y))
            } else {
                omitted += 1;
                None
            }
        })
        .collect();
    let mut notes: Vec<String> = render::omitted_note(omitted).into_iter().collect();
    if points.is_empty() {
        return render::render(&NoData::new(&spec.title, notes), width, height);
    }
    let axis = |values: Vec<f64>, log: Option<bool>| {
        Axis::new(
            &values,
            AxisOptions {
                log,
                include_zero: true,
                pad: true,
            },
        )
    };
    let x = axis(points.iter().map(|p| p.2).collect(), spec.x_log);
    let y = axis(points.iter().map(|p| p.3).collect(), spec.y_log);
    if x.log_refused || y.log_refused {
        notes.push("Linear scale: a log scale cannot show negative values.".to_string());
    }
    notes.extend(render::floor_notes(Some(&x), Some(&y)));

    let mut frame = Frame::new(&spec.title);
    frame.legend = points
        .iter()
        .map(|(i, name, _, _)| {
            LegendItem::new(
                name,
                Swatch::Marker {
                    shape: series_shape(*i),
                    fill: series_color(*i),
                    outline: INK,
                },
            )
        })
        .collect();
    frame.notes = notes;
    let plan = Plan {
        frame,
        x_label: clean(&spec.x_label),
        y_label: clean(&spec.y_label),
        points,
        x,
        y,
    };
    render::render(&plan, width, height)
}

struct Plan {
    frame: Frame,
    x_label: String,
    y_label: String,
    /// (index in the input, name, x, y).
    points: Vec<(usize, String, f64, f64)>,
    x: Axis,
    y: Axis,
}

/// A pixel rectangle: (left, top, right, bottom).
type Box2 = (i32, i32, i32, i32);

fn overlaps(a: Box2, b: Box2) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

impl Paint for Plan {
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
        let area = render::draw_frame(root, &self.frame)?;
        let mut chart = draw_axes(
            &area,
            &Axes::new(&self.x, &self.y, &self.x_label, &self.y_label),
        )?;
        draw_floor_lines(&mut chart, &self.x, &self.y)?;

        let pixels: Vec<(i32, i32)> = self
            .points
            .iter()
            .map(|(_, _, x, y)| chart.backend_coord(&(self.x.pos(*x), self.y.pos(*y))))
            .collect();
        for ((i, _, _, _), pixel) in self.points.iter().zip(&pixels) {
            draw_marker(
                root,
                *pixel,
                series_shape(*i),
                series_color(*i),
                INK,
                MARKER_RADIUS,
            )?;
        }

        // Labels: try right, left, above, below each point; keep the first
        // spot that stays in the plot and clear of other labels and points.
        let (x_range, y_range) = chart.plotting_area().get_pixel_range();
        let bounds = (x_range.start, y_range.start, x_range.end, y_range.end);
        let style = annotation_style();
        let r = MARKER_RADIUS + 1;
        let mut taken: Vec<Box2> = pixels
            .iter()
            .map(|&(px, py)| (px - r, py - r, px + r, py + r))
            .collect();
        // Bottom to top: where labels of points at (nearly) the same
        // place stack upwards, they keep the points' vertical order.
        let mut order: Vec<usize> = (0..pixels.len()).collect();
        order.sort_by_key(|&k| (std::cmp::Reverse(pixels[k].1), pixels[k].0, k));
        for k in order {
            let name = &self.points[k].1;
            let (px, py) = pixels[k];
            let (w, h) = measure(root, name, &style)?;
            let gap = MARKER_RADIUS + 5;
            let mut candidates = vec![
                ((px + gap, py - h / 2, px + gap + w, py + h / 2), HPos::Left),
                (
                    (px - gap - w, py - h / 2, px - gap, py + h / 2),
                    HPos::Right,
                ),
                (
                    (px - w / 2, py - gap - h, px + w / 2, py - gap),
                    HPos::Center,
                ),
                (
                    (px - w / 2, py + gap, px + w / 2, py + gap + h),
                    HPos::Center,
                ),
            ];
            // Points at (nearly) the same place: stack labels beside them,
            // one line up or down at a time.
            for k in [1, -1, 2, -2] {
                let dy = k * (h + 2);
                candidates.push((
                    (px + gap, py - h / 2 - dy, px + gap + w, py + h / 2 - dy),
                    HPos::Left,
                ));
                candidates.push((
                    (px - gap - w, py - h / 2 - dy, px - gap, py + h / 2 - dy),
                    HPos::Right,
                ));
            }
            let inside =
                |b: Box2| b.0 >= bounds.0 && b.1 >= bounds.1 && b.2 <= bounds.2 && b.3 <= bounds.3;
            let own = (px - r, py - r, px + r, py + r);
            let chosen = candidates
                .iter()
                .find(|(b, _)| inside(*b) && !taken.iter().any(|t| *t != own && overlaps(*t, *b)))
                .or_else(|| candidates.iter().find(|(b, _)| inside(*b)))
                .unwrap_or(&candidates[0]);
            let (b, h_pos) = *chosen;
            let anchor_x = match h_pos {
                HPos::Left => b.0,
                HPos::Right => b.2,
                HPos::Center => (b.0 + b.2) / 2,
            };
            // A translucent white backing keeps labels readable over grid
            // and floor lines.
            root.draw(&Rectangle::new(
                [(b.0 - 2, b.1 - 1), (b.2 + 2, b.3 + 1)],
                WHITE.mix(0.8).filled(),
            ))?;
            draw_text(
                root,
                name,
                &style,
                (h_pos, VPos::Center),
                (anchor_x, (b.1 + b.3) / 2),
            )?;
            taken.push(b);
        }
        Ok(())
    }
}
