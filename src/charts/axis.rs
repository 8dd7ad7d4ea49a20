//! Axis scales and tick placement; tick labels are written by
//! [`crate::format`] (`format_si`, `format_tick`).
//!
//! Every chart plots in *axis coordinates*: the data value itself on a
//! linear axis, `log10(value)` on a log axis. Plotting in transformed space
//! (rather than with plotters' own `LogCoord`) lets us choose the ticks,
//! put zeros on a labelled floor line below the first decade, and format
//! every tick label ourselves.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;

use crate::format::{format_si, format_tick};

/// Values whose magnitude exceeds this are treated like non-finite values:
/// omitted from the chart and counted in a note. Keeping every value well
/// inside `f64` range means no span, padding or tick computation can
/// overflow to infinity.
pub(crate) const MAGNITUDE_MAX: f64 = 1e150;

/// Linear axes aim for about this many tick intervals.
const LINEAR_TICK_TARGET: f64 = 6.0;

/// Log axes label at most this many decades; wider spans label every
/// second (third, ...) decade.
const LOG_LABELLED_DECADES_MAX: f64 = 8.0;

/// A positive range spanning at least this ratio (two decades) turns an
/// automatic axis logarithmic.
const AUTO_LOG_RATIO: f64 = 100.0;

/// On a log axis with zeros, the zero floor sits this many decades below
/// the first labelled decade.
const ZERO_FLOOR_GAP_DECADES: f64 = 0.7;

/// Whether a value can be plotted at all (finite and not absurdly large).
pub(crate) fn plottable(v: f64) -> bool {
    v.is_finite() && v.abs() <= MAGNITUDE_MAX
}

/// How an axis is built from the data it must show.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AxisOptions {
    /// `Some(true)`: log if possible; `Some(false)`: linear; `None`: log
    /// when the positive values span at least two decades.
    pub log: Option<bool>,
    /// A linear axis always includes zero (bars, counts, durations).
    pub include_zero: bool,
    /// Leave room past the extreme values so markers are not cut in half
    /// by the plot edge (scatter and line charts; not bars).
    pub pad: bool,
}

/// The scale of an axis.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scale {
    /// Axis coordinate = value.
    Linear {
        /// Distance between labelled ticks, used to format them with just
        /// enough decimals.
        step: f64,
    },
    /// Axis coordinate = log10(value).
    Log {
        /// Axis coordinate at which zeros are drawn, when the data has any.
        zero_floor: Option<f64>,
    },
}

/// A computed axis: its range and ticks, in axis coordinates.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub scale: Scale,
    pub lo: f64,
    pub hi: f64,
    /// Labelled ticks (axis coordinate, label), ascending.
    pub ticks: Vec<(f64, String)>,
    /// Unlabelled minor grid lines (axis coordinates).
    pub light: Vec<f64>,
    /// Set when a log scale was asked for but could not be used.
    pub log_refused: bool,
}

impl Axis {
    /// Builds an axis that shows `values`. Values must already be
    /// [`plottable`]; anything else is ignored.
    pub(crate) fn new(values: &[f64], options: AxisOptions) -> Axis {
        let values: Vec<f64> = values.iter().copied().filter(|v| plottable(*v)).collect();
        let Some(min) = values.iter().copied().reduce(f64::min) else {
            return Axis::linear(0.0, 1.0, options);
        };
        let max = values.iter().copied().fold(min, f64::max);
        let min_pos = values.iter().copied().filter(|v| *v > 0.0).reduce(f64::min);
        let log_possible = min >= 0.0 && min_pos.is_some();
        let wants_log = match options.log {
            Some(wanted) => wanted,
            None => log_possible && min_pos.is_some_and(|p| max / p >= AUTO_LOG_RATIO),
        };
        match min_pos {
            Some(min_pos) if wants_log && log_possible => {
                Axis::log(min_pos, max, values.contains(&0.0), options.pad)
            }
            _ => {
                let mut axis = Axis::linear(min, max, options);
                axis.log_refused = wants_log;
                axis
            }
        }
    }

    /// A fixed linear axis from `lo` to `hi` with ticks every `step`
    /// (for axes whose range is known, such as a CDF's 0..1).
    pub(crate) fn fixed(lo: f64, hi: f64, tick_lo: f64, tick_hi: f64, step: f64) -> Axis {
        let mut ticks = Vec::new();
        let count = ((tick_hi - tick_lo) / step).round() as i64;
        for k in 0..=count.clamp(0, 100) {
            let t = tick_lo + k as f64 * step;
            ticks.push((t, format_tick(t, step)));
        }
        Axis {
            scale: Scale::Linear { step },
            lo,
            hi,
            ticks,
            light: Vec::new(),
            log_refused: false,
        }
    }

    fn linear(min: f64, max: f64, options: AxisOptions) -> Axis {
        let (mut a, mut b) = (min, max);
        if options.include_zero {
            a = a.min(0.0);
            b = b.max(0.0);
        }
        if a == b {
            if a == 0.0 {
                b = 1.0;
            } else {
                let half = a.abs() * 0.5;
                a -= half;
                b += half;
            }
        }
        if options.pad {
            // Padding never crosses zero: an axis of positive values does
            // not start at a negative tick.
            let pad = (b - a) * 0.06;
            a = if a >= 0.0 {
                (a - pad).max(0.0)
            } else {
                a - pad
            };
            b = if b <= 0.0 {
                (b + pad).min(0.0)
            } else {
                b + pad
            };
        }
        let step = nice_step((b - a) / LINEAR_TICK_TARGET);
        let k_lo = (a / step).floor();
        let k_hi = (b / step).ceil();
        let count = k_hi - k_lo;
        let representable = step > 0.0 && step.is_finite() && count.is_finite() && count <= 100.0;
        if !representable {
            // Degenerate (sub-normal or otherwise unrepresentable) span:
            // label the two ends and nothing else.
            return Axis {
                scale: Scale::Linear { step: b - a },
                lo: a,
                hi: b,
                ticks: vec![(a, format_si(a)), (b, format_si(b))],
                light: Vec::new(),
                log_refused: false,
            };
        }
        let ticks = (0..=(k_hi - k_lo) as i64)
            .map(|k| {
                // Multiply rather than accumulate so ticks carry no drift.
                let t = (k_lo + k as f64) * step;
                let t = if t == 0.0 { 0.0 } else { t }; // no "-0"
                (t, format_tick(t, step))
            })
            .collect();
        Axis {
            scale: Scale::Linear { step },
            lo: k_lo * step,
            hi: k_hi * step,
            ticks,
            light: Vec::new(),
            log_refused: false,
        }
    }

    fn log(min_pos: f64, max: f64, has_zero: bool, pad: bool) -> Axis {
        let (l_min, l_max) = (min_pos.log10(), max.log10());
        let (mut start, mut end) = if pad {
            // Points need room past the extremes, but a whole extra decade
            // is wasted space: end a little past the data, or on the next
            // decade when it is less than half a decade away. With a zero
            // floor, start on a decade so the floor's gap is clean.
            let (start, end) = (l_min - 0.12, l_max + 0.12);
            let start = if has_zero || start - start.floor() < 0.5 {
                start.floor()
            } else {
                start
            };
            let end = if end.ceil() - end < 0.5 {
                end.ceil()
            } else {
                end
            };
            (start, end)
        } else {
            // Bars start from a decade below their smallest value.
            ((l_min - 0.02).floor(), (l_max + 0.02).ceil())
        };
        if end - start < 1.0 {
            let middle = (start + end) / 2.0;
            (start, end) = (middle - 0.5, middle + 0.5);
        }
        let decades = end - start;
        let stride = (decades / LOG_LABELLED_DECADES_MAX).ceil().max(1.0);

        let mut ticks = Vec::new();
        let mut light = Vec::new();
        let zero_floor = has_zero.then_some(start - ZERO_FLOOR_GAP_DECADES);
        if let Some(floor) = zero_floor {
            ticks.push((floor, "0".to_string()));
        }
        let in_range = |t: f64| start - 1e-9 <= t && t <= end + 1e-9;
        let mut d = start.floor();
        while d <= end {
            // `d` is integral and within +-400, so this loop is bounded.
            if in_range(d) && d.rem_euclid(stride) == 0.0 {
                ticks.push((d, format_si(10f64.powf(d))));
            }
            if decades <= 4.0 {
                for m in 2..=9 {
                    let m = f64::from(m);
                    let t = d + m.log10();
                    if !in_range(t) {
                        continue;
                    }
                    if decades <= 2.5 && (m == 2.0 || m == 5.0) {
                        ticks.push((t, format_si(m * 10f64.powf(d))));
                    } else {
                        light.push(t);
                    }
                }
            }
            d += 1.0;
        }
        ticks.sort_by(|a, b| a.0.total_cmp(&b.0));
        let lo = match zero_floor {
            Some(floor) if pad => floor - 0.25,
            Some(floor) => floor,
            None => start,
        };
        Axis {
            scale: Scale::Log { zero_floor },
            lo,
            hi: end,
            ticks,
            light,
            log_refused: false,
        }
    }

    /// Whether this is a log axis.
    #[cfg(test)]
    pub(crate) fn is_log(&self) -> bool {
        matches!(self.scale, Scale::Log { .. })
    }

    /// The zero floor of a log axis that has one.
    pub(crate) fn zero_floor(&self) -> Option<f64> {
        match self.scale {
            Scale::Log { zero_floor } => zero_floor,
            Scale::Linear { .. } => None,
        }
    }

    /// Maps a data value to its axis coordinate. On a log axis, zero (and
    /// anything not positive) maps to the zero floor, or the axis bottom.
    pub(crate) fn pos(&self, v: f64) -> f64 {
        match self.scale {
            Scale::Linear { .. } => v,
            Scale::Log { zero_floor } => {
                if v > 0.0 {
                    v.log10()
                } else {
                    zero_floor.unwrap_or(self.lo)
                }
            }
        }
    }

    /// Where bars start: zero on a linear axis (clamped into range), the
    /// bottom on a log axis.
    pub(crate) fn baseline(&self) -> f64 {
        match self.scale {
            Scale::Linear { .. } => 0f64.clamp(self.lo, self.hi),
            Scale::Log { .. } => self.lo,
        }
    }

    /// The label of the tick at axis coordinate `t`.
    pub(crate) fn label_at(&self, t: f64) -> String {
        let tolerance = (self.hi - self.lo).abs() * 1e-9;
        self.ticks
            .iter()
            .find(|(pos, _)| (pos - t).abs() <= tolerance)
            .map(|(_, label)| label.clone())
            .unwrap_or_default()
    }

    /// The plotters coordinate for this axis, carrying our ticks as key
    /// points.
    pub(crate) fn coord(&self) -> AxisCoord {
        AxisCoord {
            linear: (self.lo..self.hi).into(),
            bold: self.ticks.iter().map(|(t, _)| *t).collect(),
            light: self.light.clone(),
        }
    }

    /// The same axis with no ticks, labels or grid lines (category axes
    /// draw their own labels).
    pub(crate) fn without_ticks(mut self) -> Axis {
        self.ticks.clear();
        self.light.clear();
        self
    }
}

/// A linear plotters coordinate whose grid lines are exactly our ticks.
///
/// plotters' own `WithKeyPoints` wrapper does this too, but it does not
/// implement the value formatting that `configure_mesh` requires; this
/// type does (its labels come from [`Axis::label_at`] anyway).
pub(crate) struct AxisCoord {
    linear: RangedCoordf64,
    bold: Vec<f64>,
    light: Vec<f64>,
}

impl Ranged for AxisCoord {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.linear.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.linear.range()
    }
}

/// A 1-2-5 step of at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    let normalized = raw / magnitude;
    let multiplier = if normalized <= 1.0 {
        1.0
    } else if normalized <= 2.0 {
        2.0
    } else if normalized <= 5.0 {
        5.0
    } else {
        10.0
    };
    multiplier * magnitude
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(axis: &Axis) -> Vec<&str> {
        axis.ticks.iter().map(|(_, l)| l.as_str()).collect()
    }

    const LINEAR_BARS: AxisOptions = AxisOptions {
        log: Some(false),
        include_zero: true,
        pad: false,
    };
    const AUTO_PADDED: AxisOptions = AxisOptions {
        log: None,
        include_zero: true,
        pad: true,
    };

    #[test]
    fn linear_axis_starts_at_zero_and_covers_the_data() {
        let axis = Axis::new(&[3.0, 47.0], LINEAR_BARS);
        assert_eq!(axis.scale, Scale::Linear { step: 10.0 });
        assert_eq!((axis.lo, axis.hi), (0.0, 50.0));
        assert_eq!(labels(&axis), ["0", "10", "20", "30", "40", "50"]);
    }

    #[test]
    fn all_zero_data_gets_a_unit_axis() {
        let axis = Axis::new(&[0.0, 0.0], AUTO_PADDED);
        assert!(!axis.is_log());
        assert_eq!(axis.lo, 0.0);
        assert!(axis.hi >= 1.0);
    }

    #[test]
    fn two_decades_turn_an_automatic_axis_logarithmic() {
        let axis = Axis::new(&[1.0, 99.0], AUTO_PADDED);
        assert!(!axis.is_log());
        let axis = Axis::new(&[1.0, 100.0], AUTO_PADDED);
        assert!(axis.is_log());
        assert!(axis.ticks.iter().any(|(_, l)| l == "10"));
    }

    #[test]
    fn zeros_on_a_log_axis_sit_on_a_labelled_floor_below_the_decades() {
        let axis = Axis::new(&[0.0, 0.5, 2000.0], AUTO_PADDED);
        let floor = axis.zero_floor().expect("zero floor");
        assert_eq!(axis.ticks[0], (floor, "0".to_string()));
        assert!(floor < 0.5f64.log10());
        assert!(axis.lo < floor);
        assert_eq!(axis.pos(0.0), floor);
        assert_eq!(axis.pos(100.0), 2.0);
    }

    #[test]
    fn negative_values_refuse_a_requested_log_scale() {
        let axis = Axis::new(
            &[-5.0, 500.0],
            AxisOptions {
                log: Some(true),
                include_zero: false,
                pad: false,
            },
        );
        assert!(!axis.is_log());
        assert!(axis.log_refused);
    }

    #[test]
    fn huge_and_tiny_ranges_stay_bounded() {
        let axis = Axis::new(&[1e-300, 1e140], AUTO_PADDED);
        assert!(axis.is_log());
        assert!(axis.ticks.len() <= 20, "{} ticks", axis.ticks.len());
        let axis = Axis::new(&[-1e150, 1e150], AUTO_PADDED);
        assert!(axis.lo.is_finite() && axis.hi.is_finite());
        assert!(axis.ticks.len() <= 20);
        let axis = Axis::new(&[5e-324, 1e-323], LINEAR_BARS);
        assert!(axis.ticks.len() <= 101);
    }

    #[test]
    fn padding_does_not_cross_zero() {
        let axis = Axis::new(
            &[1.0, 48.0],
            AxisOptions {
                log: Some(false),
                include_zero: false,
                pad: true,
            },
        );
        assert_eq!(axis.lo, 0.0);
        assert!(axis.hi > 48.0);
    }

    #[test]
    fn single_value_gets_a_range_around_it() {
        let axis = Axis::new(
            &[42.0],
            AxisOptions {
                log: Some(false),
                include_zero: false,
                pad: true,
            },
        );
        assert!(axis.lo < 42.0 && 42.0 < axis.hi);
    }
}
