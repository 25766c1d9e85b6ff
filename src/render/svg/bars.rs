//! Horizontal bar chart.

use std::fmt::Write;

use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::tests::{assert_escaped, EVIL};

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
}
