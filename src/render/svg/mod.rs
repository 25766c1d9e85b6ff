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

use crate::render::numbers::{decimals_for, fixed, percent, thousands};

mod bars;
mod heat_map;
mod histogram;
mod scatter;

pub use bars::{bar_chart, Bar, BarChart};
pub use heat_map::{heat_map, HeatMap};
pub use histogram::{histogram, Bin, Histogram, Marker};
pub use scatter::{scatter, Point, Scatter};

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

/// Axis titles: the x title centred under the plot's x span at `baseline`, the y title
/// rotated along the left edge, centred on the plot's y span.
fn axis_titles(
    out: &mut String,
    x_span: (f64, f64),
    y_span: (f64, f64),
    baseline: f64,
    x_label: &str,
    y_label: &str,
) {
    let muted = format!(r#" fill="{MUTED}""#);
    text(
        out,
        (x_span.0 + x_span.1) / 2.0,
        baseline,
        "middle",
        &muted,
        x_label,
    );
    let cy = (y_span.0 + y_span.1) / 2.0;
    let rotated = format!(r#" fill="{MUTED}" transform="rotate(-90 14 {})""#, px(cy));
    text(out, 14.0, cy, "middle", &rotated, y_label);
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
pub(crate) mod tests {
    use super::*;

    pub(super) const EVIL: &str = "<script>alert(1)</script>\"'&";

    pub(super) fn assert_escaped(svg: &Svg) {
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
