//! Shared machinery: the embedded font, palette, text styles, the frame
//! (title, legend, notes) around every chart, markers, axes, and rendering
//! one drawing to both SVG and PNG.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Axis, AxisCoord};
use super::bitmap::BaselineFix;
use super::{Chart, ChartError};

/// Default chart width in pixels.
pub const DEFAULT_WIDTH: u32 = 900;
/// Default chart height in pixels.
pub const DEFAULT_HEIGHT: u32 = 540;

/// The font family every text element uses. In SVG it is written as
/// `font-family="sans-serif"`, so a viewer uses its own sans-serif face;
/// for layout and for PNG text the embedded DejaVu Sans is used.
const FONT_FAMILY: &str = "sans-serif";
static FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded fonts with plotters, once per process.
///
/// With plotters' `ab_glyph` feature every text measurement (even for SVG)
/// looks the family up in plotters' registry, so this must run before any
/// drawing. The outcome is kept, so a failure is reported on every call
/// rather than only the first.
fn ensure_fonts() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT_REGULAR).is_ok()
            && plotters::style::register_font(FONT_FAMILY, FontStyle::Bold, FONT_BOLD).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

// Okabe-Ito colour-blind-safe palette (Okabe & Ito, "Color Universal
// Design", 2008).
pub(crate) const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub(crate) const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub(crate) const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub(crate) const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
pub(crate) const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub(crate) const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub(crate) const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
pub(crate) const INK: RGBColor = RGBColor(0x00, 0x00, 0x00);

/// Colours for series, in the order they are handed out. Same palette as
/// above, reordered so the first series get the colours with the most
/// contrast on white; yellow comes last since thin yellow lines are faint.
const SERIES_COLORS: [RGBColor; 8] = [
    BLUE,
    ORANGE,
    BLUISH_GREEN,
    VERMILLION,
    REDDISH_PURPLE,
    SKY_BLUE,
    INK,
    YELLOW,
];

/// Marker shapes for series, so series differ by more than colour.
const SERIES_SHAPES: [Shape; 6] = [
    Shape::Circle,
    Shape::Square,
    Shape::TriangleUp,
    Shape::Diamond,
    Shape::TriangleDown,
    Shape::Cross,
];

/// The colour of the `i`-th series.
pub(crate) fn series_color(i: usize) -> RGBColor {
    SERIES_COLORS[i % SERIES_COLORS.len()]
}

/// The marker shape of the `i`-th series.
pub(crate) fn series_shape(i: usize) -> Shape {
    SERIES_SHAPES[i % SERIES_SHAPES.len()]
}

// Neutral colours for text, axes and grid.
pub(crate) const TEXT: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
pub(crate) const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
const AXIS: RGBColor = RGBColor(0x40, 0x40, 0x40);
const GRID: RGBColor = RGBColor(0xD9, 0xD9, 0xD9);
const GRID_LIGHT: RGBColor = RGBColor(0xEF, 0xEF, 0xEF);

// Text sizes in plotters units. plotters writes `font-size = size / 1.24`
// into SVG, so these give 22.6 px titles, 16.9 px axis labels and 13.7 px
// tick labels.
const TITLE_SIZE: f64 = 28.0;
const AXIS_LABEL_SIZE: f64 = 21.0;
pub(crate) const TICK_SIZE: f64 = 17.0;
const LEGEND_SIZE: f64 = 18.0;
const NOTE_SIZE: f64 = 17.0;
/// Line height of legend rows and of notes, in pixels.
const LEGEND_ROW_HEIGHT: i32 = 26;
const NOTE_ROW_HEIGHT: i32 = 20;

/// A text style in the embedded font.
pub(crate) fn text_style(size: f64, bold: bool, color: RGBColor) -> TextStyle<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::Name(FONT_FAMILY), size, style).color(&color)
}

/// The style of tick labels (also used for category and row names).
pub(crate) fn tick_style() -> TextStyle<'static> {
    text_style(TICK_SIZE, false, TEXT)
}

/// The style of small annotations inside the plot.
pub(crate) fn annotation_style() -> TextStyle<'static> {
    text_style(NOTE_SIZE, false, TEXT)
}

/// Makes caller text safe to draw: control characters (which XML cannot
/// carry) become spaces, surrounding space is trimmed, and very long text
/// is cut (it is later fitted to the space it has).
pub(crate) fn clean(text: &str) -> String {
    const CHARS_MAX: usize = 200;
    let cleaned: String = text
        .chars()
        .take(CHARS_MAX)
        .map(|c| {
            if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    cleaned.trim().to_string()
}

/// Width and height of `text` in pixels.
pub(crate) fn measure<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
) -> DrawResult<(i32, i32), DB> {
    let (w, h) = area.estimate_text_size(text, style)?;
    Ok((w as i32, h as i32))
}

/// `text`, shortened with an ellipsis until it fits in `width_max` pixels.
pub(crate) fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    width_max: i32,
) -> DrawResult<String, DB> {
    if measure(area, text, style)?.0 <= width_max {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    for keep in (0..chars.len()).rev() {
        let candidate: String = chars[..keep]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…";
        if measure(area, &candidate, style)?.0 <= width_max {
            return Ok(candidate);
        }
    }
    Ok(String::new())
}

/// Draws `text` with the anchor `(h, v)` at `pos`.
pub(crate) fn draw_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    (h, v): (HPos, VPos),
    pos: (i32, i32),
) -> DrawResult<(), DB> {
    if text.is_empty() {
        return Ok(());
    }
    area.draw_text(text, &style.pos(Pos::new(h, v)), pos)
}

/// Marker shapes for points and legend entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Circle,
    Square,
    TriangleUp,
    TriangleDown,
    Diamond,
    Cross,
}

/// Draws a marker centred on pixel `(x, y)` with "radius" `r`. Filled
/// shapes get a dark outline so light colours stay visible on white.
pub(crate) fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    shape: Shape,
    fill: RGBColor,
    outline: RGBColor,
    r: i32,
) -> DrawResult<(), DB> {
    let outline_style = outline.stroke_width(1);
    let polygon = match shape {
        Shape::Circle => {
            area.draw(&Circle::new((x, y), r, fill.filled()))?;
            return area.draw(&Circle::new((x, y), r, outline_style));
        }
        Shape::Cross => {
            let arm = r;
            area.draw(&PathElement::new(
                vec![(x - arm, y - arm), (x + arm, y + arm)],
                fill.stroke_width(3),
            ))?;
            return area.draw(&PathElement::new(
                vec![(x - arm, y + arm), (x + arm, y - arm)],
                fill.stroke_width(3),
            ));
        }
        Shape::Square => {
            let s = r - 1;
            vec![
                (x - s, y - s),
                (x + s, y - s),
                (x + s, y + s),
                (x - s, y + s),
            ]
        }
        Shape::TriangleUp => vec![(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)],
        Shape::TriangleDown => vec![(x, y + r + 1), (x + r + 1, y - r), (x - r - 1, y - r)],
        Shape::Diamond => vec![
            (x, y - r - 2),
            (x + r + 1, y),
            (x, y + r + 2),
            (x - r - 1, y),
        ],
    };
    area.draw(&Polygon::new(polygon.clone(), fill.filled()))?;
    let mut closed = polygon;
    closed.push(closed[0]);
    area.draw(&PathElement::new(closed, outline_style))
}

/// What a legend entry shows next to its text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Swatch {
    /// A filled box (bars, state intervals, shaded regions).
    Fill { color: RGBColor, opacity: f64 },
    /// A line, optionally dashed, with an optional marker on it.
    Line {
        color: RGBColor,
        width: u32,
        dashed: bool,
        marker: Option<Shape>,
    },
    /// A marker alone.
    Marker {
        shape: Shape,
        fill: RGBColor,
        outline: RGBColor,
    },
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegendItem {
    pub label: String,
    pub swatch: Swatch,
}

impl LegendItem {
    pub(crate) fn new(label: &str, swatch: Swatch) -> LegendItem {
        LegendItem {
            label: clean(label),
            swatch,
        }
    }
}

const SWATCH_WIDTH: i32 = 26;
const SWATCH_GAP: i32 = 7;
const LEGEND_ITEM_GAP: i32 = 24;

fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: &Swatch,
    (x, y): (i32, i32),
) -> DrawResult<(), DB> {
    match *swatch {
        Swatch::Fill { color, opacity } => {
            let rect = [(x + 2, y - 7), (x + SWATCH_WIDTH - 2, y + 7)];
            area.draw(&Rectangle::new(rect, color.mix(opacity).filled()))?;
            area.draw(&Rectangle::new(rect, color.stroke_width(1)))
        }
        Swatch::Line {
            color,
            width,
            dashed,
            marker,
        } => {
            let style = color.stroke_width(width);
            if dashed {
                area.draw(&PathElement::new(vec![(x, y), (x + 9, y)], style))?;
                area.draw(&PathElement::new(
                    vec![(x + SWATCH_WIDTH - 9, y), (x + SWATCH_WIDTH, y)],
                    style,
                ))?;
            } else {
                area.draw(&PathElement::new(
                    vec![(x, y), (x + SWATCH_WIDTH, y)],
                    style,
                ))?;
            }
            match marker {
                Some(shape) => draw_marker(area, (x + SWATCH_WIDTH / 2, y), shape, color, INK, 5),
                None => Ok(()),
            }
        }
        Swatch::Marker {
            shape,
            fill,
            outline,
        } => draw_marker(area, (x + SWATCH_WIDTH / 2, y), shape, fill, outline, 6),
    }
}

/// Lays legend entries out in centred rows no wider than `width_max`.
/// Returns, per row, the entries with their fitted label and x offset from
/// the row start, and the row width.
type LegendRow = (Vec<(usize, String, i32)>, i32);

fn layout_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
    width_max: i32,
) -> DrawResult<Vec<LegendRow>, DB> {
    let style = text_style(LEGEND_SIZE, false, TEXT);
    let mut rows: Vec<LegendRow> = Vec::new();
    let mut current: LegendRow = (Vec::new(), 0);
    for (i, item) in items.iter().enumerate() {
        let label = fit(
            area,
            &item.label,
            &style,
            width_max - SWATCH_WIDTH - SWATCH_GAP,
        )?;
        let width = SWATCH_WIDTH + SWATCH_GAP + measure(area, &label, &style)?.0;
        let gap = if current.0.is_empty() {
            0
        } else {
            LEGEND_ITEM_GAP
        };
        if !current.0.is_empty() && current.1 + gap + width > width_max {
            rows.push(std::mem::take(&mut current));
            current.0.push((i, label, 0));
            current.1 = width;
        } else {
            current.0.push((i, label, current.1 + gap));
            current.1 += gap + width;
        }
    }
    if !current.0.is_empty() {
        rows.push(current);
    }
    Ok(rows)
}

/// What surrounds the plot: title, legend (under the title) and notes
/// (small print at the bottom).
#[derive(Debug, Clone, Default)]
pub(crate) struct Frame {
    pub title: String,
    pub legend: Vec<LegendItem>,
    pub notes: Vec<String>,
}

impl Frame {
    pub(crate) fn new(title: &str) -> Frame {
        Frame {
            title: clean(title),
            legend: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Paints the background, title, legend and notes, and returns the area
/// left for the plot.
pub(crate) fn draw_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame,
) -> DrawResult<DrawingArea<DB, Shift>, DB> {
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);

    let title_style = text_style(TITLE_SIZE, true, TEXT);
    let title = fit(root, &frame.title, &title_style, w - 40)?;
    draw_text(
        root,
        &title,
        &title_style,
        (HPos::Center, VPos::Top),
        (w / 2, 14),
    )?;
    let mut top = 14 + (TITLE_SIZE / 1.24).ceil() as i32 + 14;

    let rows = layout_legend(root, &frame.legend, w - 60)?;
    let legend_style = text_style(LEGEND_SIZE, false, TEXT);
    for (entries, row_width) in &rows {
        let x0 = (w - row_width) / 2;
        let y = top + LEGEND_ROW_HEIGHT / 2;
        for (i, label, offset) in entries {
            let x = x0 + offset;
            draw_swatch(root, &frame.legend[*i].swatch, (x, y))?;
            draw_text(
                root,
                label,
                &legend_style,
                (HPos::Left, VPos::Center),
                (x + SWATCH_WIDTH + SWATCH_GAP, y),
            )?;
        }
        top += LEGEND_ROW_HEIGHT;
    }
    if !rows.is_empty() {
        top += 6;
    }

    let note_style = text_style(NOTE_SIZE, false, MUTED);
    let notes: Vec<String> = frame.notes.iter().map(|n| clean(n)).collect();
    let bottom = h - 8 - NOTE_ROW_HEIGHT * notes.len() as i32;
    for (i, note) in notes.iter().enumerate() {
        let note = fit(root, note, &note_style, w - 32)?;
        draw_text(
            root,
            &note,
            &note_style,
            (HPos::Left, VPos::Top),
            (16, bottom + 2 + NOTE_ROW_HEIGHT * i as i32),
        )?;
    }
    let height = (bottom - top).max(1);
    Ok(root.clone().shrink((0, top), (w, height)))
}

/// The cartesian coordinate type of every chart here: both axes are plain
/// `f64` axis coordinates with our own ticks.
pub(crate) type Coord = Cartesian2d<AxisCoord, AxisCoord>;

/// How to lay out the axes of a cartesian chart.
pub(crate) struct Axes<'s> {
    pub x: &'s Axis,
    pub y: &'s Axis,
    pub x_label: &'s str,
    pub y_label: &'s str,
    /// Extra height under the plot for labels drawn by the chart itself
    /// (category names), in pixels.
    pub x_extra_height: i32,
    /// Width of the widest y tick label, if the chart knows better than
    /// the axis (row names).
    pub y_tick_width: Option<i32>,
    /// Extra space above the plot for labels drawn by the chart itself
    /// (reference-line labels), in pixels.
    pub top_extra: i32,
}

impl<'s> Axes<'s> {
    /// Axes with the given labels and no extra space.
    pub(crate) fn new(x: &'s Axis, y: &'s Axis, x_label: &'s str, y_label: &'s str) -> Axes<'s> {
        Axes {
            x,
            y,
            x_label,
            y_label,
            x_extra_height: 0,
            y_tick_width: None,
            top_extra: 0,
        }
    }
}

/// The height of the band under the x axis holding tick labels and the
/// axis label.
const X_LABEL_AREA_HEIGHT: i32 = 56;

const MARGIN_LEFT: i32 = 12;
const MARGIN_RIGHT: i32 = 30;
const MARGIN_TOP: i32 = 8;

/// Width of the band left of the plot holding y tick labels and the y
/// axis label.
fn y_label_area_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axes: &Axes,
) -> DrawResult<i32, DB> {
    let y_tick_width = match axes.y_tick_width {
        Some(width) => width,
        None => {
            let mut widest = 0;
            for (_, label) in &axes.y.ticks {
                widest = widest.max(measure(area, label, &tick_style())?.0);
            }
            widest
        }
    };
    let y_label_height = (AXIS_LABEL_SIZE / 1.24).ceil() as i32;
    Ok(y_label_height + 14 + y_tick_width + 12)
}

/// The back-end pixel columns the plot will span once [`draw_axes`] has
/// built it on `area`: for laying out labels before the chart exists.
pub(crate) fn plot_x_pixels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axes: &Axes,
) -> DrawResult<(i32, i32), DB> {
    let (x0, _) = area.get_base_pixel();
    let (w, _) = area.dim_in_pixel();
    Ok((
        x0 + MARGIN_LEFT + y_label_area_width(area, axes)?,
        x0 + w as i32 - MARGIN_RIGHT,
    ))
}

/// Builds the chart context on `area`, with grid, ticks and axis labels
/// drawn.
pub(crate) fn draw_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    axes: &Axes,
) -> DrawResult<ChartContext<'a, DB, Coord>, DB> {
    let label_style = text_style(AXIS_LABEL_SIZE, false, TEXT);
    let (area_w, _) = area.dim_in_pixel();
    let x_label = fit(
        area,
        &clean(axes.x_label),
        &label_style,
        area_w as i32 - 120,
    )?;
    let y_label = fit(area, &clean(axes.y_label), &label_style, 400)?;

    let mut chart = ChartBuilder::on(area)
        .margin_left(MARGIN_LEFT)
        .margin_right(MARGIN_RIGHT)
        .margin_top(MARGIN_TOP + axes.top_extra)
        .margin_bottom(4)
        .x_label_area_size(X_LABEL_AREA_HEIGHT + axes.x_extra_height)
        .y_label_area_size(y_label_area_width(area, axes)?)
        .build_cartesian_2d(axes.x.coord(), axes.y.coord())?;

    let x_fmt = |v: &f64| axes.x.label_at(*v);
    let y_fmt = |v: &f64| axes.y.label_at(*v);
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .axis_desc_style(label_style)
        .label_style(tick_style())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(GRID_LIGHT.stroke_width(1))
        .axis_style(AXIS.stroke_width(1))
        .set_all_tick_mark_size(5)
        .draw()?;
    Ok(chart)
}

/// The zero-floor line and note for log axes that have one.
pub(crate) fn floor_notes(x: Option<&Axis>, y: Option<&Axis>) -> Option<String> {
    let x_floor = x.is_some_and(|a| a.zero_floor().is_some());
    let y_floor = y.is_some_and(|a| a.zero_floor().is_some());
    match (x_floor, y_floor) {
        (false, false) => None,
        _ => Some(
            "Log axis: zeros are drawn on the dashed line labelled 0, below the first decade."
                .to_string(),
        ),
    }
}

/// Draws the dashed zero-floor lines of log axes.
pub(crate) fn draw_floor_lines<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Coord>,
    x: &Axis,
    y: &Axis,
) -> DrawResult<(), DB> {
    let style = MUTED.stroke_width(1);
    if let Some(floor) = y.zero_floor() {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(x.lo, floor), (x.hi, floor)],
            6,
            4,
            style,
        )))?;
    }
    if let Some(floor) = x.zero_floor() {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(floor, y.lo), (floor, y.hi)],
            6,
            4,
            style,
        )))?;
    }
    Ok(())
}

/// A note counting values left out because they were NaN, infinite or
/// beyond [`super::axis::MAGNITUDE_MAX`].
pub(crate) fn omitted_note(count: usize) -> Option<String> {
    match count {
        0 => None,
        1 => Some("1 value omitted (not a finite number, or out of range).".to_string()),
        n => Some(format!(
            "{n} values omitted (not finite numbers, or out of range)."
        )),
    }
}

/// Something that can paint itself on any plotters back end. Each chart
/// prepares (validates, computes axes) first, then paints twice: once
/// for SVG and once for PNG.
pub(crate) trait Paint {
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB>;
}

/// A chart with nothing to plot: title, a message and notes.
pub(crate) struct NoData {
    pub frame: Frame,
}

impl NoData {
    pub(crate) fn new(title: &str, notes: Vec<String>) -> NoData {
        let mut frame = Frame::new(title);
        frame.notes = notes;
        NoData { frame }
    }
}

impl Paint for NoData {
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<(), DB> {
        let area = draw_frame(root, &self.frame)?;
        let (w, h) = area.dim_in_pixel();
        area.draw(&Rectangle::new(
            [(40, 10), (w as i32 - 40, h as i32 - 10)],
            GRID.stroke_width(1),
        ))?;
        draw_text(
            &area,
            "No data to plot",
            &text_style(AXIS_LABEL_SIZE, false, MUTED),
            (HPos::Center, VPos::Center),
            (w as i32 / 2, h as i32 / 2),
        )
    }
}

fn render_error<E: std::error::Error + Send + Sync>(
    e: plotters::drawing::DrawingAreaErrorKind<E>,
) -> ChartError {
    ChartError::Render(e.to_string())
}

/// Renders `chart` to SVG and PNG at `width` x `height` pixels.
pub(crate) fn render<P: Paint>(chart: &P, width: u32, height: u32) -> Result<Chart, ChartError> {
    ensure_fonts()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        chart.paint(&root).map_err(render_error)?;
        root.present().map_err(render_error)?;
    }
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let bitmap = BitMapBackend::with_buffer(&mut rgb, (width, height));
        let root = BaselineFix(bitmap).into_drawing_area();
        chart.paint(&root).map_err(render_error)?;
        root.present().map_err(render_error)?;
    }
    let png = encode_png(&rgb, width, height)?;
    Ok(Chart {
        svg,
        png,
        width,
        height,
    })
}

/// Encodes an 8-bit RGB buffer as PNG, in memory.
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| ChartError::Png(e.to_string()))?;
        writer
            .write_image_data(rgb)
            .map_err(|e| ChartError::Png(e.to_string()))?;
        writer
            .finish()
            .map_err(|e| ChartError::Png(e.to_string()))?;
    }
    Ok(png)
}
