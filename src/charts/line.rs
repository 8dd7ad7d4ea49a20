//! Line chart of a metric against a swept knob.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{Axis, AxisOptions, plottable};
use super::render::{
    self, Axes, Frame, INK, LegendItem, NoData, Paint, Swatch, clean, draw_axes, draw_floor_lines,
    draw_marker, series_color, series_shape,
};
use super::{Chart, ChartError, Series};

/// A line chart: several series of `(knob value, metric)` points.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineChart {
    /// Chart title.
    pub title: String,
    /// Label of the x axis (the knob), with units, e.g.
    /// `"backup interval (h)"`.
    pub x_label: String,
    /// Label of the y axis (the metric), with units.
    pub y_label: String,
    /// Log x axis: `Some(true)` log (if no value is negative),
    /// `Some(false)` linear, `None` log when positive values span at least
    /// two decades. Zeros sit on a floor line labelled `0`.
    pub x_log: Option<bool>,
    /// Log y axis, as `x_log`. A linear y axis always includes zero.
    pub y_log: Option<bool>,
    /// The series; points are joined in the order given.
    pub series: Vec<Series>,
}

const MARKER_RADIUS: i32 = 5;

/// Draws one line per series with a marker at each point; series differ
/// by colour and marker shape.
///
/// Points with a NaN, infinite or out-of-range coordinate are left out
/// (the line joins its neighbours) and counted in a note. No plottable
/// point gives a "No data to plot" chart.
pub fn line_chart(spec: &LineChart) -> Result<Chart, ChartError> {
    let (width, height) = (render::DEFAULT_WIDTH, render::DEFAULT_HEIGHT);
    let mut omitted = 0;
    let series: Vec<(String, Vec<(f64, f64)>)> = spec
        .series
        .iter()
        .map(|s| {
            let points = s
                .points
                .iter()
                .copied()
                .filter(|(x, y)| {
                    let ok = plottable(*x) && plottable(*y);
                    omitted += usize::from(!ok);
                    ok
                })
                .collect();
            (clean(&s.name), points)
        })
        .collect();
    let mut notes: Vec<String> = render::omitted_note(omitted).into_iter().collect();
    if series.iter().all(|(_, points)| points.is_empty()) {
        return render::render(&NoData::new(&spec.title, notes), width, height);
    }
    let all = || series.iter().flat_map(|(_, points)| points.iter());
    let x = Axis::new(
        &all().map(|p| p.0).collect::<Vec<_>>(),
        AxisOptions {
            log: spec.x_log,
            include_zero: false,
            pad: true,
        },
    );
    let y = Axis::new(
        &all().map(|p| p.1).collect::<Vec<_>>(),
        AxisOptions {
            log: spec.y_log,
            include_zero: true,
            pad: true,
        },
    );
    if x.log_refused || y.log_refused {
        notes.push("Linear scale: a log scale cannot show negative values.".to_string());
    }
    notes.extend(render::floor_notes(Some(&x), Some(&y)));

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
                    marker: Some(series_shape(i)),
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
    x: Axis,
    y: Axis,
}

impl Paint for Plan {
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
        let area = render::draw_frame(root, &self.frame)?;
        let mut chart = draw_axes(
            &area,
            &Axes::new(&self.x, &self.y, &self.x_label, &self.y_label),
        )?;
        draw_floor_lines(&mut chart, &self.x, &self.y)?;
        for (i, (_, points)) in self.series.iter().enumerate() {
            let path: Vec<(f64, f64)> = points
                .iter()
                .map(|(x, y)| (self.x.pos(*x), self.y.pos(*y)))
                .collect();
            chart.draw_series(std::iter::once(PathElement::new(
                path.clone(),
                series_color(i).stroke_width(3),
            )))?;
            for point in &path {
                let pixel = chart.backend_coord(point);
                draw_marker(
                    root,
                    pixel,
                    series_shape(i),
                    series_color(i),
                    INK,
                    MARKER_RADIUS,
                )?;
            }
        }
        Ok(())
    }
}
