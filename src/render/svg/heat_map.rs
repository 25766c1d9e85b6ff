//! Heat map of a labelled matrix (e.g. overlap between sources).

use std::fmt::Write;

use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::tests::{assert_escaped, EVIL};

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
    fn ramp_keeps_text_readable() {
        assert_eq!(ramp(0.0), ("#eff6fc".to_string(), "#000000"));
        assert_eq!(ramp(1.0), ("#08306b".to_string(), "#ffffff"));
        for i in 0..=100 {
            let (fill, ink) = ramp(i as f64 / 100.0);
            let ratio = contrast(&fill, ink);
            assert!(ratio >= 4.5, "{fill} with {ink}: {ratio:.2}");
        }
    }
}
