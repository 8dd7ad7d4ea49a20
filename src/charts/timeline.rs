//! Gantt-style timeline of one trial: a lane per component, coloured
//! intervals for its states, event markers, and shaded loss windows.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{Axis, AxisOptions, Scale, plottable};
use super::render::{
    self, Axes, BLUE, BLUISH_GREEN, Frame, INK, LegendItem, NoData, ORANGE, Paint, REDDISH_PURPLE,
    SKY_BLUE, Shape, Swatch, VERMILLION, YELLOW, clean, draw_axes, draw_marker, fit, measure,
    tick_style,
};
use super::{Chart, ChartError};

/// A timeline of one trial.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimelineChart {
    /// Chart title.
    pub title: String,
    /// One lane per component, top to bottom, e.g. "primary db1",
    /// "replica db2", "API pool", "backups".
    pub rows: Vec<TimelineRow>,
    /// Point events, each on one row.
    pub events: Vec<TimelineEvent>,
    /// Intervals `(start_s, end_s)` in which acknowledged writes were lost,
    /// shaded across all rows.
    pub loss_windows: Vec<(f64, f64)>,
    /// End of the trial in seconds; `None` ends the axis at the last
    /// interval or event.
    pub horizon_s: Option<f64>,
}

/// One component's lane.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimelineRow {
    /// Component name, shown left of the lane.
    pub name: String,
    /// Intervals in a state other than "up" (the lane is up elsewhere).
    /// Later intervals are drawn over earlier ones.
    pub intervals: Vec<TimelineInterval>,
}

/// A time interval, in seconds since the trial started, in one state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelineInterval {
    /// Start, in seconds.
    pub start_s: f64,
    /// End, in seconds; not before `start_s`.
    pub end_s: f64,
    /// State during the interval.
    pub state: IntervalState,
}

/// States a component can be in, other than up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntervalState {
    /// Not serving (crashed, failed, unreachable).
    Down,
    /// Serving with reduced capacity or redundancy.
    Degraded,
    /// Being restored from a backup.
    Restoring,
    /// Being rebuilt or re-synchronised (e.g. a replica catching up from
    /// scratch).
    Rebuilding,
    /// Serving but behind (e.g. replication lag beyond its bound).
    Lagging,
}

impl IntervalState {
    const ALL: [IntervalState; 5] = [
        IntervalState::Down,
        IntervalState::Degraded,
        IntervalState::Restoring,
        IntervalState::Rebuilding,
        IntervalState::Lagging,
    ];

    fn label(self) -> &'static str {
        match self {
            IntervalState::Down => "down",
            IntervalState::Degraded => "degraded",
            IntervalState::Restoring => "restoring",
            IntervalState::Rebuilding => "rebuilding",
            IntervalState::Lagging => "lagging",
        }
    }

    fn color(self) -> RGBColor {
        match self {
            IntervalState::Down => VERMILLION,
            IntervalState::Degraded => YELLOW,
            IntervalState::Restoring => BLUE,
            IntervalState::Rebuilding => SKY_BLUE,
            IntervalState::Lagging => ORANGE,
        }
    }
}

/// A point event on one row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelineEvent {
    /// Index into [`TimelineChart::rows`].
    pub row: usize,
    /// When, in seconds since the trial started.
    pub at_s: f64,
    /// What happened.
    pub kind: EventKind,
}

/// Kinds of point event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    /// The component crashed or failed.
    Crash,
    /// Traffic failed over to this component.
    Failover,
    /// A backup was taken.
    BackupTaken,
    /// A restore from backup started.
    RestoreStarted,
}

impl EventKind {
    const ALL: [EventKind; 4] = [
        EventKind::Crash,
        EventKind::Failover,
        EventKind::BackupTaken,
        EventKind::RestoreStarted,
    ];

    fn label(self) -> &'static str {
        match self {
            EventKind::Crash => "crash",
            EventKind::Failover => "failover",
            EventKind::BackupTaken => "backup taken",
            EventKind::RestoreStarted => "restore started",
        }
    }

    /// (shape, fill, outline).
    fn look(self) -> (Shape, RGBColor, RGBColor) {
        match self {
            EventKind::Crash => (Shape::Cross, INK, INK),
            EventKind::Failover => (Shape::TriangleDown, INK, INK),
            EventKind::BackupTaken => (Shape::Circle, BLUISH_GREEN, INK),
            EventKind::RestoreStarted => (Shape::Diamond, WHITE, INK),
        }
    }
}

/// Loss windows: translucent reddish purple across all lanes.
const LOSS_COLOR: RGBColor = REDDISH_PURPLE;
const LOSS_OPACITY: f64 = 0.3;
/// Vertical space per lane in pixels, and the chart height limit.
const ROW_HEIGHT: u32 = 44;
const HEIGHT_MAX: u32 = 2000;
/// Fraction of a lane covered by its interval bars.
const BAR_HEIGHT: f64 = 0.56;
/// Intervals shorter than this many pixels are widened to it, so that a
/// five-minute outage in a year-long trial still shows.
const WIDTH_MIN_PX: f64 = 2.0;
/// Row names are shortened to fit this width in pixels.
const ROW_NAME_WIDTH_MAX: i32 = 220;

/// Draws the timeline of one trial: component lanes with coloured state
/// intervals, event markers and shaded loss windows. The time axis is in
/// seconds, minutes, hours or days, chosen from the span. The chart grows
/// taller with the number of rows.
///
/// An event on a row that does not exist, or an interval or loss window
/// that ends before it starts, is an [`ChartError::InvalidInput`]. Times
/// that are NaN, infinite or out of range are left out and counted in a
/// note. No rows gives a "No data to plot" chart.
pub fn timeline_chart(spec: &TimelineChart) -> Result<Chart, ChartError> {
    let width = render::DEFAULT_WIDTH;
    let rows = spec.rows.len();
    let height = (230 + ROW_HEIGHT.saturating_mul(rows.min(1000) as u32))
        .clamp(render::DEFAULT_HEIGHT, HEIGHT_MAX);
    if let Some(event) = spec.events.iter().find(|e| e.row >= rows) {
        return Err(ChartError::InvalidInput(format!(
            "timeline event at {} s is on row {}, but there are {} rows",
            event.at_s, event.row, rows
        )));
    }
    let backwards = spec
        .rows
        .iter()
        .flat_map(|r| r.intervals.iter().map(|i| (i.start_s, i.end_s)))
        .chain(spec.loss_windows.iter().copied())
        .find(|(start, end)| end < start);
    if let Some((start, end)) = backwards {
        return Err(ChartError::InvalidInput(format!(
            "timeline interval ends ({end} s) before it starts ({start} s)"
        )));
    }

    let mut omitted = 0;
    let mut keep_span = |(start, end): (f64, f64)| {
        let ok = plottable(start) && plottable(end);
        omitted += usize::from(!ok);
        ok
    };
    let lanes: Vec<(String, Vec<TimelineInterval>)> = spec
        .rows
        .iter()
        .map(|r| {
            let intervals = r
                .intervals
                .iter()
                .copied()
                .filter(|i| keep_span((i.start_s, i.end_s)))
                .collect();
            (clean(&r.name), intervals)
        })
        .collect();
    let losses: Vec<(f64, f64)> = spec
        .loss_windows
        .iter()
        .copied()
        .filter(|w| keep_span(*w))
        .collect();
    let events: Vec<TimelineEvent> = spec
        .events
        .iter()
        .copied()
        .filter(|e| {
            let ok = plottable(e.at_s);
            omitted += usize::from(!ok);
            ok
        })
        .collect();
    let horizon = spec.horizon_s.filter(|h| {
        let ok = plottable(*h);
        omitted += usize::from(!ok);
        ok
    });
    let notes: Vec<String> = render::omitted_note(omitted).into_iter().collect();
    if lanes.is_empty() {
        return render::render(&NoData::new(&spec.title, notes), width, height);
    }

    let times: Vec<f64> = lanes
        .iter()
        .flat_map(|(_, intervals)| intervals.iter().flat_map(|i| [i.start_s, i.end_s]))
        .chain(losses.iter().flat_map(|w| [w.0, w.1]))
        .chain(events.iter().map(|e| e.at_s))
        .chain(horizon)
        .collect();
    let start = times.iter().copied().fold(0.0, f64::min);
    let mut end = horizon.unwrap_or_else(|| times.iter().copied().fold(0.0, f64::max));
    if end <= start {
        end = start + 3600.0;
    }
    let (unit_name, unit_s) = time_unit(end - start);
    let mut x = Axis::new(
        &[start / unit_s, end / unit_s],
        AxisOptions {
            log: Some(false),
            include_zero: true,
            pad: false,
        },
    );
    if horizon.is_some() {
        // The trial ends at its horizon: an axis rounded up past it (a year
        // drawn to 400 days) would show components "up" after the end.
        let hi = end / unit_s;
        let by_horizon = |t: f64| t <= hi * (1.0 + 1e-9);
        x.hi = hi;
        x.ticks.retain(|&(t, _)| by_horizon(t));
        x.light.retain(|&t| by_horizon(t));
    }
    let n = lanes.len() as f64;
    let y = Axis {
        scale: Scale::Linear { step: 1.0 },
        lo: 0.0,
        hi: n,
        ticks: lanes
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (lane_center(i, n), name.clone()))
            .collect(),
        light: Vec::new(),
        log_refused: false,
    };

    let mut frame = Frame::new(&spec.title);
    frame.legend.push(LegendItem::new(
        "up",
        Swatch::Line {
            color: LANE_COLOR,
            width: 2,
            dashed: false,
            marker: None,
        },
    ));
    for state in IntervalState::ALL {
        if lanes
            .iter()
            .any(|(_, i)| i.iter().any(|i| i.state == state))
        {
            frame.legend.push(LegendItem::new(
                state.label(),
                Swatch::Fill {
                    color: state.color(),
                    opacity: 1.0,
                },
            ));
        }
    }
    for kind in EventKind::ALL {
        if events.iter().any(|e| e.kind == kind) {
            let (shape, fill, outline) = kind.look();
            frame.legend.push(LegendItem::new(
                kind.label(),
                Swatch::Marker {
                    shape,
                    fill,
                    outline,
                },
            ));
        }
    }
    if !losses.is_empty() {
        frame.legend.push(LegendItem::new(
            "acknowledged writes lost",
            Swatch::Fill {
                color: LOSS_COLOR,
                opacity: LOSS_OPACITY,
            },
        ));
    }
    frame.notes = notes;

    let plan = Plan {
        frame,
        x_label: format!("time since trial start ({unit_name})"),
        lanes,
        events,
        losses,
        unit_s,
        x,
        y,
    };
    render::render(&plan, width, height)
}

const LANE_COLOR: RGBColor = RGBColor(0xA0, 0xA0, 0xA0);

/// The y coordinate of lane `i` of `n` (lane 0 on top).
fn lane_center(i: usize, n: f64) -> f64 {
    n - i as f64 - 0.5
}

/// Radius of an event marker, in pixels; the widest shape reaches two
/// pixels further.
const MARKER_RADIUS: i32 = 6;

/// Pixel column `x` moved inside `range` by at least `half_width`, so that
/// a marker drawn there does not cross the plot's frame: an event at the
/// trial's start or on its last day is nudged in by a few pixels (a few
/// hours on a year's axis) rather than drawn over the axis line.
fn inside(x: i32, range: &std::ops::Range<i32>, half_width: i32) -> i32 {
    let (lo, hi) = (range.start + half_width, range.end - 1 - half_width);
    if lo > hi {
        (range.start + range.end) / 2
    } else {
        x.clamp(lo, hi)
    }
}

/// The unit for a time axis spanning `span_s` seconds: (name, seconds).
fn time_unit(span_s: f64) -> (&'static str, f64) {
    if span_s <= 180.0 {
        ("seconds", 1.0)
    } else if span_s <= 3.0 * 3600.0 {
        ("minutes", 60.0)
    } else if span_s <= 96.0 * 3600.0 {
        ("hours", 3600.0)
    } else {
        ("days", 86_400.0)
    }
}

struct Plan {
    frame: Frame,
    x_label: String,
    lanes: Vec<(String, Vec<TimelineInterval>)>,
    events: Vec<TimelineEvent>,
    losses: Vec<(f64, f64)>,
    unit_s: f64,
    x: Axis,
    y: Axis,
}

impl Paint for Plan {
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
        let area = render::draw_frame(root, &self.frame)?;
        let style = tick_style();
        let mut y = self.y.clone();
        let mut name_width = 0;
        for (_, name) in &mut y.ticks {
            *name = fit(&area, name, &style, ROW_NAME_WIDTH_MAX)?;
            name_width = name_width.max(measure(&area, name, &style)?.0);
        }
        let mut chart = draw_axes(
            &area,
            &Axes {
                y_tick_width: Some(name_width),
                ..Axes::new(&self.x, &y, &self.x_label, "component")
            },
        )?;
        let (x_px, _) = chart.plotting_area().get_pixel_range();
        let per_px = (self.x.hi - self.x.lo) / f64::from((x_px.end - x_px.start).max(1));
        let width_min = WIDTH_MIN_PX * per_px;
        let t = |s: f64| s / self.unit_s;
        // Clamped to the axis: events and intervals past the horizon are
        // cut off rather than drawn over the margins.
        let (lo, hi) = (self.x.lo, self.x.hi);
        let span = |start: f64, end: f64| {
            let x0 = t(start).clamp(lo, hi);
            (x0, t(end).max(t(start) + width_min).clamp(x0, hi))
        };

        for &(start, end) in &self.losses {
            let (x0, x1) = span(start, end);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0, self.y.lo), (x1, self.y.hi)],
                LOSS_COLOR.mix(LOSS_OPACITY).filled(),
            )))?;
        }
        let n = self.lanes.len() as f64;
        for (i, (_, intervals)) in self.lanes.iter().enumerate() {
            let center = lane_center(i, n);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(self.x.lo, center), (self.x.hi, center)],
                LANE_COLOR.stroke_width(2),
            )))?;
            for interval in intervals {
                let (x0, x1) = span(interval.start_s, interval.end_s);
                let corners = [
                    (x0, center - BAR_HEIGHT / 2.0),
                    (x1, center + BAR_HEIGHT / 2.0),
                ];
                chart.draw_series(std::iter::once(Rectangle::new(
                    corners,
                    interval.state.color().filled(),
                )))?;
                chart.draw_series(std::iter::once(Rectangle::new(
                    corners,
                    INK.mix(0.55).stroke_width(1),
                )))?;
            }
        }
        for event in &self.events {
            if !(lo..=hi).contains(&t(event.at_s)) {
                continue;
            }
            let center = lane_center(event.row, n);
            let (x, y) = chart.backend_coord(&(t(event.at_s), center));
            let (shape, fill, outline) = event.kind.look();
            let x = inside(x, &x_px, MARKER_RADIUS + 2);
            draw_marker(root, (x, y), shape, fill, outline, MARKER_RADIUS)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_stay_inside_the_plot() {
        let plot = 100..900;
        assert_eq!(inside(100, &plot, 8), 108, "at the start");
        assert_eq!(inside(899, &plot, 8), 891, "on the last pixel");
        assert_eq!(inside(500, &plot, 8), 500, "inside: unmoved");
        assert_eq!(inside(108, &plot, 8), 108);
        assert_eq!(inside(891, &plot, 8), 891);
        assert_eq!(inside(3, &(0..10), 8), 5, "narrower than a marker: centred");
    }
}
