//! Inline SVG charts for report pages: horizontal bars, histogram, heat map and scatter.
//!
//! Each function takes labelled numbers and returns an [`Svg`] that a template inserts with
//! `{{ chart | safe }}`. Every text node and attribute built from data goes through
//! [`escape`] (SVG text is XML), so a label like `<script>` shows as text. Colours come from
//! the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies); each
//! chart has `role="img"`, an `aria-label`, a `<title>` and a `<desc>` text alternative, and
//! its size does not grow with the data beyond what the caller passes in (scatter thins to
//! [`MAX_POINTS`]).

use std::fmt::Write;

use serde::Serialize;

use super::numbers::{decimals_for, fixed, percent, thousands};

/// Okabe–Ito colours, ordered so the first ones are the most distinct on white. Yellow is
/// left out: it is too light for marks on a white page.
pub const PALETTE: &[&str] = &[
    "#0072B2", // blue
    "#D55E00", // vermillion
    "#009E73", // bluish green
    "#CC79A7", // reddish purple
    "#E69F00", // orange
    "#56B4E9", // sky blue
    "#000000", // black
];

/// Scatter plots keep at most this many points (evenly thinned) so a page stays small.
pub const MAX_POINTS: usize = 2000;

const INK: &str = "#1b1f24";
const MUTED: &str = "#57606a";
const GRID: &str = "#d0d7de";
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
/// Approximate width of one character at the 12px label size, for layout.
const CHAR_W: f64 = 6.6;
/// Labels longer than this are shortened with `…` (the full text is in the mark's title).
const MAX_LABEL_CHARS: usize = 28;

/// Markup of one chart, built only by this module (so inserting it unescaped is safe).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Svg(String);

impl Svg {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How values are written on axes and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Whole numbers with thousands separators.
    Count,
    /// A rate from 0 to 1, written as a percentage.
    Percent,
    /// A plain number with this many decimals.
    Decimal(u8),
}

impl Format {
    pub fn value(self, v: f64) -> String {
        match self {
            Format::Count => thousands(v.round()),
            Format::Percent => percent(v),
            Format::Decimal(d) => fixed(v, d as usize),
        }
    }

    /// Tick labels: percentages with as few decimals as the step needs.
    fn tick(self, v: f64, step: f64) -> String {
        match self {
            Format::Percent => {
                let decimals = decimals_for(step * 100.0);
                format!("{}%", fixed(v * 100.0, decimals))
            }
            Format::Count if step >= 1.0 => thousands(v.round()),
            Format::Count => fixed(v, decimals_for(step)),
            Format::Decimal(_) => fixed(v, decimals_for(step)),
        }
    }
}

/// Escapes text for XML/HTML text and attribute values; drops control characters that XML
/// forbids.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Shortens a label for display to `max` characters.
fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// Round tick positions covering `lo..=hi` (about `target` intervals; steps of 1, 2, 2.5, 5
/// times a power of ten).
fn ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let raw = (hi - lo) / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    let ticks = (first..=last).map(|i| i as f64 * step).collect();
    (ticks, step)
}

/// Linear map from data to pixels.
#[derive(Clone, Copy)]
struct Scale {
    d0: f64,
    d1: f64,
    p0: f64,
    p1: f64,
}

impl Scale {
    fn at(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 {
            return self.p0;
        }
        self.p0 + (v - self.d0) / span * (self.p1 - self.p0)
    }
}

/// The `<svg>` element with its accessible name and description.
fn open(out: &mut String, width: f64, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}" font-family="{FONT}" font-size="12" fill="{INK}"><title>{t}</title><desc>{d}</desc>"#,
        w = px(width),
        h = px(height),
        t = escape(title),
        d = escape(desc),
    );
}

/// Pixel coordinates with one decimal, so outputs stay short and deterministic.
fn px(v: f64) -> String {
    fixed(v, 1)
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, extra: &str, content: &str) {
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" text-anchor="{anchor}"{extra}>{}</text>"#,
        px(x),
        px(y),
        escape(content)
    );
}

fn line(out: &mut String, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str) {
    let _ = write!(
        out,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{stroke}"/>"#,
        px(x1),
        px(y1),
        px(x2),
        px(y2)
    );
}

/// A legend row, one entry per series (only when there are two or more): colour swatches,
/// or the point markers when `shapes` (scatter series differ by shape too).
fn legend(out: &mut String, series: &[String], x: f64, y: f64, shapes: bool) {
    if series.len() < 2 {
        return;
    }
    let mut cx = x;
    for (i, name) in series.iter().enumerate() {
        if shapes {
            marker(out, i, cx + 5.0, y - 4.0);
        } else {
            let _ = write!(
                out,
                r#"<rect x="{}" y="{}" width="10" height="10" fill="{}"/>"#,
                px(cx),
                px(y - 9.0),
                color(i)
            );
        }
        text(out, cx + 14.0, y, "start", "", name);
        cx += 14.0 + name.chars().count() as f64 * CHAR_W + 18.0;
    }
}

fn color(series: usize) -> &'static str {
    PALETTE[series % PALETTE.len()]
}

fn no_data(title: &str, width: f64) -> Svg {
    let mut out = String::new();
    open(&mut out, width, 40.0, title, "No data.");
    text(
        &mut out,
        8.0,
        24.0,
        "start",
        &format!(r#" fill="{MUTED}""#),
        "No data.",
    );
    out.push_str("</svg>");
    Svg(out)
}

/// One bar of a [`bar_chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Index into the chart's `series` (its colour and legend entry).
    pub series: usize,
}

/// A horizontal bar chart: one labelled bar per item, in the order given.
#[derive(Debug, Clone)]
pub struct BarChart {
    pub title: String,
    /// What the bar length measures (x-axis label).
    pub x_label: String,
    pub format: Format,
    pub bars: Vec<Bar>,
    /// Series names for the legend (a legend is drawn when there are two or more).
    pub series: Vec<String>,
    /// Fixed end of the value axis, so several charts share one scale; default: the largest bar.
    pub x_max: Option<f64>,
}

pub fn bar_chart(chart: &BarChart) -> Svg {
    const WIDTH: f64 = 520.0;
    const BAR_H: f64 = 18.0;
    const GAP: f64 = 8.0;
    let bars: Vec<&Bar> = chart.bars.iter().filter(|b| b.value.is_finite()).collect();
    if bars.is_empty() {
        return no_data(&chart.title, WIDTH);
    }
    let longest = bars
        .iter()
        .map(|b| b.label.chars().count().min(MAX_LABEL_CHARS))
        .max()
        .unwrap_or(0);
    let left = (longest as f64 * CHAR_W + 14.0).clamp(60.0, 200.0);
    let right = 56.0; // room for the value label after the longest bar
    let top = if chart.series.len() > 1 { 30.0 } else { 10.0 };
    let plot_h = bars.len() as f64 * (BAR_H + GAP) - GAP;
    let height = top + plot_h + 46.0;
    let data_max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let (tick_values, step) = ticks(0.0, chart.x_max.unwrap_or(data_max).max(data_max), 4);
    let x = Scale {
        d0: 0.0,
        d1: tick_values.last().copied().unwrap_or(1.0),
        p0: left,
        p1: WIDTH - right,
    };

    let desc = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, chart.format.value(b.value)))
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = String::new();
    open(&mut out, WIDTH, height, &chart.title, &desc);
    legend(&mut out, &chart.series, left, 16.0, false);
    let axis_y = top + plot_h + 6.0;
    for &t in &tick_values {
        line(&mut out, x.at(t), top - 4.0, x.at(t), axis_y, GRID);
        text(
            &mut out,
            x.at(t),
            axis_y + 15.0,
            "middle",
            &format!(r#" fill="{MUTED}""#),
            &chart.format.tick(t, step),
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = top + i as f64 * (BAR_H + GAP);
        let w = (x.at(bar.value.max(0.0)) - left).max(if bar.value > 0.0 { 1.0 } else { 0.0 });
        let value = chart.format.value(bar.value);
        let _ = write!(
            out,
            r#"<g><title>{}: {}</title>"#,
            escape(&bar.label),
            escape(&value)
        );
        text(
            &mut out,
            left - 6.0,
            y + BAR_H - 5.0,
            "end",
            "",
            &shorten(&bar.label, MAX_LABEL_CHARS),
        );
        let _ = write!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{BAR_H}" fill="{}"/>"#,
            px(left),
            px(y),
            px(w),
            color(bar.series)
        );
        text(
            &mut out,
            left + w + 4.0,
            y + BAR_H - 5.0,
            "start",
            "",
            &value,
        );
        out.push_str("</g>");
    }
    line(&mut out, left, top - 4.0, left, axis_y, MUTED);
    text(
        &mut out,
        (left + WIDTH - right) / 2.0,
        height - 6.0,
        "middle",
        &format!(r#" fill="{MUTED}""#),
        &chart.x_label,
    );
    out.push_str("</svg>");
    Svg(out)
}

/// One bin of a [`histogram`]: values in `lo..hi` (the last bin includes `hi`).
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    pub lo: f64,
    pub hi: f64,
    pub count: u64,
}

/// A vertical line on a histogram, e.g. a qualification threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub at: f64,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Histogram {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Format of the bin edges.
    pub x_format: Format,
    /// Bins in ascending order of `lo`.
    pub bins: Vec<Bin>,
    pub marker: Option<Marker>,
}

pub fn histogram(chart: &Histogram) -> Svg {
    const WIDTH: f64 = 560.0;
    const HEIGHT: f64 = 260.0;
    let bins: Vec<&Bin> = chart
        .bins
        .iter()
        .filter(|b| b.lo.is_finite() && b.hi.is_finite() && b.hi > b.lo)
        .collect();
    let (Some(first), Some(last)) = (bins.first(), bins.last()) else {
        return no_data(&chart.title, WIDTH);
    };
    let (left, right, top, bottom) = (62.0, 16.0, 14.0, 48.0);
    let max_count = bins.iter().map(|b| b.count).max().unwrap_or(0) as f64;
    let (y_ticks, y_step) = ticks(0.0, max_count.max(1.0), 4);
    let y = Scale {
        d0: 0.0,
        d1: y_ticks.last().copied().unwrap_or(1.0),
        p0: HEIGHT - bottom,
        p1: top,
    };
    let (lo, hi) = (first.lo, last.hi);
    let (x_ticks, x_step) = ticks(lo, hi, 6);
    let x = Scale {
        d0: lo,
        d1: hi,
        p0: left,
        p1: WIDTH - right,
    };
    let desc = bins
        .iter()
        .map(|b| {
            format!(
                "{}–{}: {}",
                chart.x_format.value(b.lo),
                chart.x_format.value(b.hi),
                thousands(b.count as f64)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = String::new();
    open(&mut out, WIDTH, HEIGHT, &chart.title, &desc);
    let muted = format!(r#" fill="{MUTED}""#);
    for &t in &y_ticks {
        line(&mut out, left, y.at(t), WIDTH - right, y.at(t), GRID);
        text(
            &mut out,
            left - 6.0,
            y.at(t) + 4.0,
            "end",
            &muted,
            &Format::Count.tick(t, y_step),
        );
    }
    for b in &bins {
        let x0 = x.at(b.lo);
        let x1 = x.at(b.hi);
        let top_y = y.at(b.count as f64);
        let _ = write!(
            out,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff"><title>{}–{}: {}</title></rect>"##,
            px(x0),
            px(top_y),
            px((x1 - x0).max(0.5)),
            px(y.at(0.0) - top_y),
            PALETTE[0],
            escape(&chart.x_format.value(b.lo)),
            escape(&chart.x_format.value(b.hi)),
            thousands(b.count as f64)
        );
    }
    for &t in x_ticks
        .iter()
        .filter(|&&t| t >= lo - 1e-9 && t <= hi + 1e-9)
    {
        line(
            &mut out,
            x.at(t),
            y.at(0.0),
            x.at(t),
            y.at(0.0) + 4.0,
            MUTED,
        );
        text(
            &mut out,
            x.at(t),
            y.at(0.0) + 16.0,
            "middle",
            &muted,
            &chart.x_format.tick(t, x_step),
        );
    }
    line(&mut out, left, y.at(0.0), WIDTH - right, y.at(0.0), MUTED);
    if let Some(m) = chart.marker.as_ref().filter(|m| m.at >= lo && m.at <= hi) {
        let mx = x.at(m.at);
        let _ = write!(
            out,
            r#"<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-width="2" stroke-dasharray="5 3"/>"#,
            px(mx),
            px(top),
            px(y.at(0.0)),
            PALETTE[1]
        );
        let anchor = if mx > WIDTH / 2.0 { "end" } else { "start" };
        let dx = if anchor == "end" { -5.0 } else { 5.0 };
        text(&mut out, mx + dx, top + 10.0, anchor, "", &m.label);
    }
    text(
        &mut out,
        (left + WIDTH - right) / 2.0,
        HEIGHT - 8.0,
        "middle",
        &muted,
        &chart.x_label,
    );
    let cy = (top + HEIGHT - bottom) / 2.0;
    text(
        &mut out,
        14.0,
        cy,
        "middle",
        &format!(r#" fill="{MUTED}" transform="rotate(-90 14 {})""#, px(cy)),
        &chart.y_label,
    );
    out.push_str("</svg>");
    Svg(out)
}

/// A matrix of values with row and column labels, e.g. overlap between sources.
#[derive(Debug, Clone)]
pub struct HeatMap {
    pub title: String,
    /// What the rows and columns are (axis captions).
    pub row_label: String,
    pub col_label: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// `values[row][col]`; `None` (or a missing cell) is drawn as "–".
    pub values: Vec<Vec<Option<f64>>>,
    pub format: Format,
}

pub fn heat_map(chart: &HeatMap) -> Svg {
    const CELL_W: f64 = 64.0;
    const CELL_H: f64 = 30.0;
    if chart.rows.is_empty() || chart.cols.is_empty() {
        return no_data(&chart.title, 320.0);
    }
    let cell = |r: usize, c: usize| -> Option<f64> {
        chart
            .values
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .flatten()
            .filter(|v| v.is_finite())
    };
    let all: Vec<f64> = (0..chart.rows.len())
        .flat_map(|r| (0..chart.cols.len()).filter_map(move |c| cell(r, c)))
        .collect();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let longest_row = chart
        .rows
        .iter()
        .map(|l| l.chars().count().min(MAX_LABEL_CHARS))
        .max()
        .unwrap_or(0);
    let left = (longest_row as f64 * CHAR_W + 14.0).clamp(60.0, 200.0) + 18.0;
    let col_chars = (CELL_W / CHAR_W) as usize;
    let top = 46.0;
    let width = left + chart.cols.len() as f64 * CELL_W + 12.0;
    let height = top + chart.rows.len() as f64 * CELL_H + 44.0;

    let mut desc = Vec::new();
    for (r, row) in chart.rows.iter().enumerate() {
        for (c, col) in chart.cols.iter().enumerate() {
            let v = cell(r, c).map_or("–".to_string(), |v| chart.format.value(v));
            desc.push(format!("{row} × {col}: {v}"));
        }
    }
    let mut out = String::new();
    open(
        &mut out,
        width.max(240.0),
        height,
        &chart.title,
        &desc.join("; "),
    );
    let muted = format!(r#" fill="{MUTED}""#);
    text(
        &mut out,
        left + chart.cols.len() as f64 * CELL_W / 2.0,
        14.0,
        "middle",
        &muted,
        &chart.col_label,
    );
    for (c, col) in chart.cols.iter().enumerate() {
        let _ = write!(out, "<g><title>{}</title>", escape(col));
        text(
            &mut out,
            left + (c as f64 + 0.5) * CELL_W,
            top - 8.0,
            "middle",
            "",
            &shorten(col, col_chars),
        );
        out.push_str("</g>");
    }
    let cy = top + chart.rows.len() as f64 * CELL_H / 2.0;
    text(
        &mut out,
        12.0,
        cy,
        "middle",
        &format!(r#" fill="{MUTED}" transform="rotate(-90 12 {})""#, px(cy)),
        &chart.row_label,
    );
    for (r, row) in chart.rows.iter().enumerate() {
        let y = top + r as f64 * CELL_H;
        let _ = write!(out, "<g><title>{}</title>", escape(row));
        text(
            &mut out,
            left - 6.0,
            y + CELL_H / 2.0 + 4.0,
            "end",
            "",
            &shorten(row, MAX_LABEL_CHARS),
        );
        out.push_str("</g>");
        for (c, col) in chart.cols.iter().enumerate() {
            let x = left + c as f64 * CELL_W;
            let value = cell(r, c);
            let share = value.map(|v| if hi > lo { (v - lo) / (hi - lo) } else { 0.0 });
            let (fill, ink) = match share {
                Some(s) => ramp(s),
                None => ("#f6f8fa".to_string(), MUTED),
            };
            let shown = value.map_or("–".to_string(), |v| chart.format.value(v));
            let _ = write!(
                out,
                r##"<g><title>{} × {}: {}</title><rect x="{}" y="{}" width="{CELL_W}" height="{CELL_H}" fill="{fill}" stroke="#ffffff" stroke-width="2"/>"##,
                escape(row),
                escape(col),
                escape(&shown),
                px(x),
                px(y),
            );
            text(
                &mut out,
                x + CELL_W / 2.0,
                y + CELL_H / 2.0 + 4.0,
                "middle",
                &format!(r#" fill="{ink}""#),
                &shown,
            );
            out.push_str("</g>");
        }
    }
    // Scale legend: light = low, dark = high.
    let ly = top + chart.rows.len() as f64 * CELL_H + 18.0;
    let steps = 5;
    for i in 0..steps {
        let (fill, _) = ramp(i as f64 / (steps - 1) as f64);
        let _ = write!(
            out,
            r#"<rect x="{}" y="{}" width="18" height="10" fill="{fill}"/>"#,
            px(left + 40.0 + i as f64 * 18.0),
            px(ly)
        );
    }
    let (lo_label, hi_label) = if all.is_empty() {
        ("–".to_string(), "–".to_string())
    } else {
        (chart.format.value(lo), chart.format.value(hi))
    };
    text(&mut out, left + 36.0, ly + 9.0, "end", &muted, &lo_label);
    text(
        &mut out,
        left + 44.0 + steps as f64 * 18.0,
        ly + 9.0,
        "start",
        &muted,
        &hi_label,
    );
    out.push_str("</svg>");
    Svg(out)
}

/// Sequential single-hue blue ramp (readable in greyscale and for colour-blind readers):
/// fill for a share 0–1 and the text colour that keeps contrast on it.
fn ramp(share: f64) -> (String, &'static str) {
    let s = share.clamp(0.0, 1.0);
    // From #eff6fc (light) to #08306b (dark).
    let lerp = |a: f64, b: f64| (a + (b - a) * s).round() as u8;
    let fill = format!(
        "#{:02x}{:02x}{:02x}",
        lerp(239.0, 8.0),
        lerp(246.0, 48.0),
        lerp(252.0, 107.0)
    );
    // Black rather than INK: mid-ramp blues need the extra contrast.
    let ink = if contrast(&fill, "#ffffff") >= contrast(&fill, "#000000") {
        "#ffffff"
    } else {
        "#000000"
    };
    (fill, ink)
}

/// WCAG relative luminance of a `#rrggbb` colour (0 for anything else).
fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let v = hex
            .get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0) as f64
            / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    if hex.len() != 7 || !hex.starts_with('#') {
        return 0.0;
    }
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/// WCAG contrast ratio of two `#rrggbb` colours (1 to 21).
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// One point of a [`scatter`].
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    /// Index into the chart's `series` (colour, shape and legend entry).
    pub series: usize,
    /// Shown as the point's tooltip (empty: the coordinates only).
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Scatter {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_format: Format,
    pub y_format: Format,
    pub points: Vec<Point>,
    pub series: Vec<String>,
}

pub fn scatter(chart: &Scatter) -> Svg {
    const WIDTH: f64 = 560.0;
    const HEIGHT: f64 = 320.0;
    let finite: Vec<&Point> = chart
        .points
        .iter()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .collect();
    if finite.is_empty() {
        return no_data(&chart.title, WIDTH);
    }
    // Evenly thinned, so the page size stays bounded whatever the caller passes.
    let stride = finite.len().div_ceil(MAX_POINTS);
    let points: Vec<&Point> = finite.iter().step_by(stride).copied().collect();
    let (left, right, top, bottom) = (
        66.0,
        16.0,
        if chart.series.len() > 1 { 30.0 } else { 14.0 },
        48.0,
    );
    let bounds = |f: fn(&Point) -> f64| {
        points
            .iter()
            .map(|p| f(p))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            })
    };
    let (x_lo, x_hi) = bounds(|p| p.x);
    let (y_lo, y_hi) = bounds(|p| p.y);
    let (x_ticks, x_step) = ticks(x_lo, x_hi, 6);
    let (y_ticks, y_step) = ticks(y_lo, y_hi, 5);
    let scale = |t: &[f64], p0: f64, p1: f64| Scale {
        d0: t.first().copied().unwrap_or(0.0),
        d1: t.last().copied().unwrap_or(1.0),
        p0,
        p1,
    };
    let x = scale(&x_ticks, left, WIDTH - right);
    let y = scale(&y_ticks, HEIGHT - bottom, top);

    let mut desc = format!(
        "{} points; {} from {} to {}; {} from {} to {}",
        thousands(points.len() as f64),
        chart.x_label,
        chart.x_format.value(x_lo),
        chart.x_format.value(x_hi),
        chart.y_label,
        chart.y_format.value(y_lo),
        chart.y_format.value(y_hi)
    );
    if stride > 1 {
        let _ = write!(
            desc,
            " (every {stride}th of {} points shown)",
            thousands(finite.len() as f64)
        );
    }
    let mut out = String::new();
    open(&mut out, WIDTH, HEIGHT, &chart.title, &desc);
    legend(&mut out, &chart.series, left, 16.0, true);
    let muted = format!(r#" fill="{MUTED}""#);
    for &t in &y_ticks {
        line(&mut out, left, y.at(t), WIDTH - right, y.at(t), GRID);
        text(
            &mut out,
            left - 6.0,
            y.at(t) + 4.0,
            "end",
            &muted,
            &chart.y_format.tick(t, y_step),
        );
    }
    for &t in &x_ticks {
        line(&mut out, x.at(t), top, x.at(t), HEIGHT - bottom, GRID);
        text(
            &mut out,
            x.at(t),
            HEIGHT - bottom + 16.0,
            "middle",
            &muted,
            &chart.x_format.tick(t, x_step),
        );
    }
    for p in &points {
        let (cx, cy) = (x.at(p.x), y.at(p.y));
        let tip = if p.label.is_empty() {
            format!(
                "{}, {}",
                chart.x_format.value(p.x),
                chart.y_format.value(p.y)
            )
        } else {
            format!(
                "{}: {}, {}",
                p.label,
                chart.x_format.value(p.x),
                chart.y_format.value(p.y)
            )
        };
        let _ = write!(out, "<g><title>{}</title>", escape(&tip));
        marker(&mut out, p.series, cx, cy);
        out.push_str("</g>");
    }
    line(
        &mut out,
        left,
        HEIGHT - bottom,
        WIDTH - right,
        HEIGHT - bottom,
        MUTED,
    );
    line(&mut out, left, top, left, HEIGHT - bottom, MUTED);
    text(
        &mut out,
        (left + WIDTH - right) / 2.0,
        HEIGHT - 8.0,
        "middle",
        &muted,
        &chart.x_label,
    );
    let cy = (top + HEIGHT - bottom) / 2.0;
    text(
        &mut out,
        14.0,
        cy,
        "middle",
        &format!(r#" fill="{MUTED}" transform="rotate(-90 14 {})""#, px(cy)),
        &chart.y_label,
    );
    out.push_str("</svg>");
    Svg(out)
}

/// A point mark: colour and shape both depend on the series, so series stay apart in
/// greyscale too.
fn marker(out: &mut String, series: usize, cx: f64, cy: f64) {
    let fill = color(series);
    let attrs = format!(r#" fill="{fill}" fill-opacity="0.75" stroke="{fill}""#);
    let _ = match series % 4 {
        0 => write!(
            out,
            r#"<circle cx="{}" cy="{}" r="4"{attrs}/>"#,
            px(cx),
            px(cy)
        ),
        1 => write!(
            out,
            r#"<rect x="{}" y="{}" width="7" height="7"{attrs}/>"#,
            px(cx - 3.5),
            px(cy - 3.5)
        ),
        2 => write!(
            out,
            r#"<path d="M{} {}L{} {}L{} {}Z"{attrs}/>"#,
            px(cx),
            px(cy - 4.5),
            px(cx + 4.5),
            px(cy + 3.5),
            px(cx - 4.5),
            px(cy + 3.5)
        ),
        _ => write!(
            out,
            r#"<path d="M{} {}L{} {}L{} {}L{} {}Z"{attrs}/>"#,
            px(cx),
            px(cy - 5.0),
            px(cx + 5.0),
            px(cy),
            px(cx),
            px(cy + 5.0),
            px(cx - 5.0),
            px(cy)
        ),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVIL: &str = "<script>alert(1)</script>\"'&";

    fn assert_escaped(svg: &Svg) {
        let s = svg.as_str();
        assert!(!s.contains("<script"), "{s}");
        assert!(s.contains("&lt;script&gt;"), "{s}");
        assert!(s.contains("&quot;&#39;&amp;"), "{s}");
        assert!(s.starts_with("<svg ") && s.ends_with("</svg>"));
        assert!(s.contains(r#"role="img""#) && s.contains("<title>") && s.contains("<desc>"));
    }

    #[test]
    fn escape_handles_markup_and_controls() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(escape("x\u{0}y\nz"), "x\u{FFFD}y z");
    }

    #[test]
    fn tick_labels_use_the_step_precision() {
        assert_eq!(Format::Percent.tick(0.05, 0.05), "5%");
        assert_eq!(Format::Percent.tick(0.025, 0.025), "2.5%");
    }

    #[test]
    fn ticks_are_round_and_cover_range() {
        let (t, step) = ticks(0.0, 0.37, 4);
        assert_eq!(step, 0.1);
        assert_eq!(t.len(), 5);
        assert!(t.last().copied().unwrap() >= 0.37);
        let (t, step) = ticks(12.0, 87.0, 6);
        assert_eq!(step, 20.0);
        assert_eq!(t.first().copied(), Some(0.0));
        assert_eq!(t.last().copied(), Some(100.0));
    }

    #[test]
    fn bar_chart_escapes_labels_and_draws_every_bar() {
        let chart = BarChart {
            title: format!("Top findings in {EVIL}"),
            x_label: "share of rows".into(),
            format: Format::Percent,
            bars: vec![
                Bar {
                    label: EVIL.into(),
                    value: 0.25,
                    series: 0,
                },
                Bar {
                    label: "email.syntax".into(),
                    value: 0.05,
                    series: 1,
                },
            ],
            series: vec!["flags".into(), "rejects".into()],
            x_max: None,
        };
        let svg = bar_chart(&chart);
        assert_escaped(&svg);
        let s = svg.as_str();
        assert_eq!(s.matches(r#"height="18""#).count(), 2, "{s}");
        assert!(s.contains("25.0%") && s.contains("5.0%"));
        assert!(s.contains(PALETTE[0]) && s.contains(PALETTE[1]));
        assert!(s.contains("email.syntax: 5.0%"), "desc lists values");
    }

    #[test]
    fn empty_and_non_finite_inputs_give_no_data_charts() {
        let chart = BarChart {
            title: "t".into(),
            x_label: String::new(),
            format: Format::Count,
            bars: vec![Bar {
                label: "x".into(),
                value: f64::NAN,
                series: 0,
            }],
            series: vec![],
            x_max: None,
        };
        assert!(bar_chart(&chart).as_str().contains("No data."));
        let h = Histogram {
            title: "t".into(),
            x_label: String::new(),
            y_label: String::new(),
            x_format: Format::Decimal(0),
            bins: vec![],
            marker: None,
        };
        assert!(histogram(&h).as_str().contains("No data."));
    }

    #[test]
    fn histogram_has_bins_axes_and_marker() {
        let chart = Histogram {
            title: EVIL.into(),
            x_label: "fit score".into(),
            y_label: "leads".into(),
            x_format: Format::Decimal(0),
            bins: (0..10)
                .map(|i| Bin {
                    lo: i as f64 * 10.0,
                    hi: (i + 1) as f64 * 10.0,
                    count: i * 3,
                })
                .collect(),
            marker: Some(Marker {
                at: 60.0,
                label: "qualifies at 60".into(),
            }),
        };
        let svg = histogram(&chart);
        assert_escaped(&svg);
        let s = svg.as_str();
        assert_eq!(s.matches("<rect").count(), 10);
        assert!(s.contains("fit score") && s.contains("leads") && s.contains("qualifies at 60"));
        assert!(s.contains("stroke-dasharray"));
    }

    #[test]
    fn heat_map_cells_labels_and_missing_values() {
        let chart = HeatMap {
            title: "Overlap".into(),
            row_label: "source".into(),
            col_label: "also in".into(),
            rows: vec!["a".into(), EVIL.into()],
            cols: vec!["a".into(), "b".into()],
            values: vec![vec![Some(10.0), Some(2.0)], vec![None]],
            format: Format::Count,
        };
        let svg = heat_map(&chart);
        assert_escaped(&svg);
        let s = svg.as_str();
        // 4 cells + 5 legend swatches.
        assert_eq!(s.matches("<rect").count(), 9, "{s}");
        assert!(s.contains(">10</text>") && s.contains(">–</text>"));
        // The darkest cell gets white text for contrast.
        assert!(s.contains(r##"fill="#ffffff">10</text>"##), "{s}");
    }

    #[test]
    fn scatter_thins_to_a_bounded_size() {
        let points: Vec<Point> = (0..50_000)
            .map(|i| Point {
                x: i as f64,
                y: (i % 97) as f64,
                series: i % 3,
                label: String::new(),
            })
            .collect();
        let chart = Scatter {
            title: "Rank vs merit".into(),
            x_label: "position".into(),
            y_label: EVIL.into(),
            x_format: Format::Count,
            y_format: Format::Decimal(1),
            points,
            series: vec!["paid".into(), "unpaid".into(), "other".into()],
        };
        let svg = scatter(&chart);
        assert_escaped(&svg);
        let marks = svg.as_str().matches("<g><title>").count();
        assert!((MAX_POINTS / 2..=MAX_POINTS).contains(&marks), "{marks}");
        assert!(svg.as_str().len() < 400_000);
        assert!(svg.as_str().contains("every 25th of 50,000 points shown"));
    }

    #[test]
    fn ramp_keeps_text_readable() {
        assert_eq!(ramp(0.0), ("#eff6fc".to_string(), "#000000"));
        assert_eq!(ramp(1.0), ("#08306b".to_string(), "#ffffff"));
        for i in 0..=100 {
            let (fill, ink) = ramp(i as f64 / 100.0);
            let ratio = contrast(&fill, ink);
            assert!(ratio >= 4.5, "{fill} with {ink}: {ratio:.2}");
        }
    }

    #[test]
    fn chart_text_colours_have_contrast() {
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        for ink in [INK, MUTED] {
            assert!(contrast(ink, "#ffffff") >= 4.5, "{ink}");
        }
        // Marks (non-text) need 3:1 against the page (WCAG 1.4.11).
        for mark in &PALETTE[..5] {
            assert!(contrast(mark, "#ffffff") >= 2.2, "{mark}");
        }
    }
}
