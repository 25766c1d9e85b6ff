//! Scatter plot with series told apart by colour and shape.

use std::fmt::Write;

use super::*;

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
}
