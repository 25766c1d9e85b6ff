//! Histogram with an optional threshold marker.

use std::fmt::Write;

use super::*;

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
    axis_titles(
        &mut out,
        (left, WIDTH - right),
        (top, HEIGHT - bottom),
        HEIGHT - 8.0,
        &chart.x_label,
        &chart.y_label,
    );
    out.push_str("</svg>");
    Svg(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::tests::{assert_escaped, EVIL};

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
}
