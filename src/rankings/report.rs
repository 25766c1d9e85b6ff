//! Shapes a rankings audit for the outputs: summary.json sections, summary.md, findings.csv
//! rows and the report.html data (numbers pre-formatted, chart geometry computed here so the
//! template only draws).

use std::fmt::Write;

use serde::Serialize;
use serde_json::{json, Value};

use super::engine::{PartialPlot, RankingsAudit};
use super::explain::{method_paragraphs, number};
use super::input::PaymentKind;
use super::result::{Status, TestResult};
use super::rules::{Direction, RankingRules};
use crate::checks::check_info;
use crate::summary::Summary;

/// Inversions shown in the report; findings.csv has them all.
pub const INVERSION_ROWS: usize = 20;

fn payment_name(payment: PaymentKind) -> &'static str {
    match payment {
        PaymentKind::Compensation => "compensation",
        PaymentKind::PaidFlag => "paid",
    }
}

/// Top-level summary.json keys of a rankings run: `tests` and `rankings`.
pub fn summary_sections(audit: &RankingsAudit) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert("tests".into(), json!(audit.tests));
    map.insert(
        "rankings".into(),
        json!({
            "sessions": audit.sessions,
            "products": audit.products,
            "payment": payment_name(audit.payment),
            "payment_sd": finite(audit.payment_scale),
            "merit": audit.merit.iter().map(|m| json!({
                "column": m.column,
                "better": direction_word(m.direction),
                "weight": finite(m.weight),
            })).collect::<Vec<_>>(),
            "merit_weights_learned": audit.weights_learned,
            "findings": audit.findings.len(),
            "verdict": audit.verdict,
        }),
    );
    map
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn direction_word(direction: Direction) -> &'static str {
    match direction {
        Direction::Lower => "lower",
        Direction::Higher => "higher",
    }
}

/// Summary status of a rankings status (`skip` has none: it does not count in the gate).
pub fn gate_status(status: Status) -> Option<crate::summary::Status> {
    match status {
        Status::Skip => None,
        Status::Pass => Some(crate::summary::Status::Pass),
        Status::Warn => Some(crate::summary::Status::Warn),
        Status::Fail => Some(crate::summary::Status::Fail),
    }
}

/// How a test is named in the gate: its id, plus the provider for per-provider tests.
pub fn gate_name(test: &TestResult) -> String {
    if test.scope == super::result::SCOPE_ALL {
        test.id.to_string()
    } else {
        format!("{} ({})", test.id, test.scope)
    }
}

fn p_text(p: Option<f64>) -> String {
    match p {
        Some(p) if p < 0.001 => format!("{p:.1e}"),
        Some(p) => format!("{p:.3}"),
        None => "–".into(),
    }
}

fn opt_number(v: Option<f64>) -> String {
    v.map(number).unwrap_or_else(|| "–".into())
}

/// summary.md for CI logs: gate, verdict and every test that is not a pass.
pub fn summary_md(summary: &Summary, audit: &RankingsAudit) -> String {
    let mut md = String::new();
    let gate = summary.gate.status.as_str().to_uppercase();
    let _ = writeln!(md, "# leadaudit rankings: gate **{gate}**\n");
    let _ = writeln!(
        md,
        "{} sessions, {} products (as of {}, rules `{}`).\n",
        audit.sessions, audit.products, summary.as_of, summary.rules.path
    );
    let _ = writeln!(md, "{}\n", audit.verdict);
    let flagged: Vec<&TestResult> = audit
        .tests
        .iter()
        .filter(|t| matches!(t.status, Status::Warn | Status::Fail))
        .collect();
    if flagged.is_empty() {
        let _ = writeln!(md, "No test is flagged.");
    } else {
        let _ = writeln!(md, "| status | test | scope | effect | CI | q |");
        let _ = writeln!(md, "|---|---|---|---:|---|---:|");
        for t in flagged {
            let _ = writeln!(
                md,
                "| {} | `{}` | {} | {} | {} to {} | {} |",
                t.status.as_str(),
                t.id,
                t.scope,
                opt_number(t.effect),
                opt_number(t.ci_low),
                opt_number(t.ci_high),
                p_text(t.q_value)
            );
        }
    }
    md
}

#[derive(Serialize)]
struct TestRow<'a> {
    id: &'static str,
    title: &'static str,
    scope: &'a str,
    n: usize,
    effect: String,
    ci: String,
    p: String,
    q: String,
    status: &'static str,
    detail: &'a str,
    method: &'a str,
}

fn test_row(t: &TestResult) -> TestRow<'_> {
    TestRow {
        id: t.id,
        title: check_info(t.id).map_or("", |c| c.title),
        scope: &t.scope,
        n: t.n,
        effect: opt_number(t.effect),
        ci: match (t.ci_low, t.ci_high) {
            (Some(lo), Some(hi)) => format!("{} to {}", number(lo), number(hi)),
            _ => "–".into(),
        },
        p: p_text(t.p_value),
        q: p_text(t.q_value),
        status: t.status.as_str(),
        detail: &t.detail,
        method: &t.method,
    }
}

/// Chart size in SVG units.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 48.0;

/// About `count` round tick values covering lo..hi.
fn ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    let span = (hi - lo).abs().max(f64::MIN_POSITIVE);
    let raw = span / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    // the largest round step (1, 2, 5 × 10^k) not much above the raw step
    let step = [10.0, 5.0, 2.0, 1.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s <= raw * 1.25)
        .unwrap_or(magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// The added-variable plot as SVG geometry: binned points, the fitted line, axes and ticks.
fn chart(plot: &PartialPlot, payment: PaymentKind) -> Value {
    if plot.bins.is_empty() {
        return Value::Null;
    }
    let xs: Vec<f64> = plot.bins.iter().map(|b| b.payment_residual).collect();
    let ys: Vec<f64> = plot.bins.iter().map(|b| b.positions_gained).collect();
    let pad = |lo: f64, hi: f64| {
        let margin = ((hi - lo) * 0.08).max(1e-9);
        (lo - margin, hi + margin)
    };
    let (x_lo, x_hi) = pad(
        xs.iter().copied().fold(f64::INFINITY, f64::min),
        xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let line_ys = [plot.slope * x_lo, plot.slope * x_hi];
    let (y_lo, y_hi) = pad(
        ys.iter()
            .chain(&line_ys)
            .copied()
            .chain([0.0])
            .fold(f64::INFINITY, f64::min),
        ys.iter()
            .chain(&line_ys)
            .copied()
            .chain([0.0])
            .fold(f64::NEG_INFINITY, f64::max),
    );
    let sx = |x: f64| LEFT + (x - x_lo) / (x_hi - x_lo) * (WIDTH - LEFT - RIGHT);
    let sy = |y: f64| TOP + (y_hi - y) / (y_hi - y_lo) * (HEIGHT - TOP - BOTTOM);
    let round = |v: f64| (v * 10.0).round() / 10.0;
    let x_label = match payment {
        PaymentKind::Compensation => {
            "compensation above (+) or below (−) what products of equal merit are paid"
        }
        PaymentKind::PaidFlag => {
            "paid status above (+) or below (−) what products of equal merit have"
        }
    };
    json!({
        "width": WIDTH,
        "height": HEIGHT,
        "plot_left": LEFT,
        "plot_right": WIDTH - RIGHT,
        "plot_top": TOP,
        "plot_bottom": HEIGHT - BOTTOM,
        "points": plot.bins.iter().map(|b| json!({
            "cx": round(sx(b.payment_residual)),
            "cy": round(sy(b.positions_gained)),
            "label": format!("{} products: payment {} → {} positions", b.count, number(b.payment_residual), number(b.positions_gained)),
        })).collect::<Vec<_>>(),
        "line": {
            "x1": round(sx(x_lo)), "y1": round(sy(line_ys[0])),
            "x2": round(sx(x_hi)), "y2": round(sy(line_ys[1])),
        },
        "zero_y": round(sy(0.0)),
        "x_ticks": ticks(x_lo, x_hi, 6).into_iter().map(|t| json!({"x": round(sx(t)), "label": number(t)})).collect::<Vec<_>>(),
        "y_ticks": ticks(y_lo, y_hi, 5).into_iter().map(|t| json!({"y": round(sy(t)), "label": number(t)})).collect::<Vec<_>>(),
        "x_label": x_label,
        "y_label": "positions gained over merit-expected",
        "slope": number(plot.slope),
    })
}

/// Everything `templates/rankings.html` shows.
pub fn report_data(audit: &RankingsAudit, rules: &RankingRules) -> Value {
    let inversions: Vec<Value> = audit
        .inversions
        .iter()
        .take(INVERSION_ROWS)
        .map(|inv| {
            json!({
                "session": inv.session_id,
                "winner": inv.winner_id,
                "winner_position": inv.winner_position,
                "winner_payment": number(inv.winner_payment),
                "loser": inv.loser_id,
                "loser_position": inv.loser_position,
                "loser_payment": number(inv.loser_payment),
            })
        })
        .collect();
    let providers: Vec<Value> = audit
        .providers
        .iter()
        .map(|p| {
            let test = audit
                .tests
                .iter()
                .find(|t| t.id == super::result::PROVIDER_UPLIFT && t.scope == p.provider);
            json!({
                "provider": p.provider,
                "products": p.products,
                "mean_position": number(p.mean_position),
                "mean_expected_position": number(p.mean_expected_position),
                "uplift": number(p.uplift),
                "ci": test.map(|t| test_row(t).ci).unwrap_or_else(|| "–".into()),
                "q": p_text(test.and_then(|t| t.q_value)),
                "status": test.map_or("–", |t| t.status.as_str()),
                "paid_share": format!("{:.0}%", 100.0 * p.paid_share),
                "mean_payment": number(p.mean_payment),
            })
        })
        .collect();
    json!({
        "verdict": audit.verdict,
        "status": audit.status.as_str(),
        "sessions": audit.sessions,
        "products": audit.products,
        "payment": payment_name(audit.payment),
        "payment_sd": number(audit.payment_scale),
        "merit": audit.merit.iter().map(|m| json!({
            "column": m.column,
            "better": direction_word(m.direction),
            "weight": format!("{:.0}%", 100.0 * m.weight),
        })).collect::<Vec<_>>(),
        "merit_weights_learned": audit.weights_learned,
        "tests": audit.tests.iter().map(test_row).collect::<Vec<_>>(),
        "chart": chart(&audit.plot, audit.payment),
        "inversions": inversions,
        "inversions_total": audit.inversions.len(),
        "inversion_cap": INVERSION_ROWS,
        "providers": providers,
        "method": method_paragraphs(rules),
        "top_k": rules.top_k,
        "permutations": rules.permutations,
        "bootstrap": rules.bootstrap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_inside() {
        assert_eq!(ticks(-0.93, 1.7, 5), vec![-0.5, 0.0, 0.5, 1.0, 1.5]);
        assert_eq!(ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
    }
}
