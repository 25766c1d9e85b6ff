//! Plain-language text for a compliance officer: the method in two paragraphs and a
//! one-sentence verdict.

use super::input::PaymentKind;
use super::result::{
    Status, TestResult, COMPENSATION_EFFECT, LABEL_UNMERITED, MERIT_INVERSION, PAID_TOP_SHARE,
    PROVIDER_UPLIFT, UNDISCLOSED_PAID,
};
use super::rules::{Direction, RankingRules};

const METHOD_TEMPLATE: &str = include_str!("../../templates/rankings_method.md");

/// One method paragraph: a bold lead-in and its text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MethodParagraph {
    pub title: String,
    pub text: String,
}

/// The two method paragraphs, filled from the rules (`templates/rankings_method.md`).
pub fn method_paragraphs(rules: &RankingRules) -> Vec<MethodParagraph> {
    let merit = rules
        .merit
        .iter()
        .map(|(column, direction)| {
            let better = match direction {
                Direction::Lower => "lower",
                Direction::Higher => "higher",
            };
            format!("{column}: {better} is better")
        })
        .collect::<Vec<_>>()
        .join("; ");
    METHOD_TEMPLATE
        .replace("{merit}", &merit)
        .replace("{permutations}", &rules.permutations.to_string())
        .replace("{bootstrap}", &rules.bootstrap.to_string())
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (title, text) = p
                .strip_prefix("**")
                .and_then(|rest| rest.split_once("**"))
                .unwrap_or(("", p));
            MethodParagraph {
                title: title.trim().to_string(),
                text: text.trim().to_string(),
            }
        })
        .collect()
}

/// A number with three significant digits (at least two decimals): 0.337, 0.0412, 12.30.
pub fn number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x:.2}");
    }
    let decimals = (2 - x.abs().log10().floor() as i32).clamp(2, 12) as usize;
    format!("{x:.decimals$}")
}

fn interval(result: &TestResult) -> String {
    match (result.ci_low, result.ci_high) {
        (Some(lo), Some(hi)) => format!("confidence interval {} to {}; ", number(lo), number(hi)),
        _ => String::new(),
    }
}

fn q_text(result: &TestResult) -> String {
    match result.q_value {
        Some(q) if q < 0.001 => "q < 0.001".to_string(),
        Some(q) => format!("q = {q:.3}"),
        None => "no q-value".to_string(),
    }
}

fn flagged(result: &TestResult) -> bool {
    matches!(result.status, Status::Warn | Status::Fail)
}

/// What one flagged secondary test found, in a few words.
fn short_finding(result: &TestResult) -> Option<String> {
    let effect = result.effect?;
    Some(match result.id {
        MERIT_INVERSION => format!(
            "the higher payer wins {:.0}% of merit inversions",
            100.0 * effect
        ),
        PAID_TOP_SHARE => format!(
            "paid products hold {:+.1} percentage points more top slots than merit gives them",
            100.0 * effect
        ),
        PROVIDER_UPLIFT => format!(
            "{} is placed {} positions above its merit",
            result.scope,
            number(effect)
        ),
        LABEL_UNMERITED => format!(
            "{} of {} \"best\"-type labels sit on a product beaten on every merit attribute",
            (effect * result.n as f64).round(),
            result.n
        ),
        UNDISCLOSED_PAID => format!(
            "{} of {} paid placements are not disclosed",
            (effect * result.n as f64).round(),
            result.n
        ),
        _ => return None,
    })
}

/// One or two sentences: does placement follow payment once merit is held fixed, and what
/// else was flagged.
pub fn verdict(tests: &[TestResult], payment: PaymentKind, payment_scale: f64) -> String {
    let who = match payment {
        PaymentKind::Compensation => {
            format!("a product paying one standard deviation ({payment_scale:.2}) more")
        }
        PaymentKind::PaidFlag => "a paid product".to_string(),
    };
    let main = tests.iter().find(|t| t.id == COMPENSATION_EFFECT);
    let mut text = match main {
        Some(t) if t.status == Status::Skip => {
            format!(
                "Whether placement follows payment could not be tested: {}.",
                t.detail
            )
        }
        Some(t) => {
            let effect = t.effect.unwrap_or(0.0);
            if flagged(t) {
                format!(
                    "Placement follows payment: holding merit fixed, {who} is shown {} positions higher ({}{}).",
                    number(effect),
                    interval(t),
                    q_text(t)
                )
            } else {
                format!(
                    "No evidence that placement follows payment once merit is held fixed: {who} is shown {} positions higher ({}{}), below the rules' thresholds.",
                    number(effect),
                    interval(t),
                    q_text(t)
                )
            }
        }
        None => "The compensation test is not enabled in the rules.".to_string(),
    };
    let others: Vec<String> = tests
        .iter()
        .filter(|t| t.id != COMPENSATION_EFFECT && flagged(t))
        .filter_map(short_finding)
        .collect();
    if !others.is_empty() {
        text.push_str(" Also flagged: ");
        text.push_str(&others.join("; "));
        text.push('.');
    } else if main.is_some_and(|t| !flagged(t)) && tests.iter().any(|t| t.id == PAID_TOP_SHARE) {
        text.push_str(" No other test is flagged.");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rankings::result::SCOPE_ALL;
    use crate::rankings::rules::test_support::cfpb_rules;

    fn result(id: &'static str, status: Status, effect: f64) -> TestResult {
        TestResult {
            effect: Some(effect),
            ci_low: Some(effect - 0.1),
            ci_high: Some(effect + 0.1),
            p_value: Some(0.001),
            q_value: Some(0.0004),
            status,
            ..TestResult::skipped(id, SCOPE_ALL, 100, "m", String::new())
        }
    }

    #[test]
    fn verdict_says_steering_when_flagged() {
        let tests = [
            result(COMPENSATION_EFFECT, Status::Fail, 0.62),
            result(UNDISCLOSED_PAID, Status::Warn, 0.05),
        ];
        let text = verdict(&tests, PaymentKind::Compensation, 38.2);
        assert!(text.starts_with("Placement follows payment"), "{text}");
        assert!(
            text.contains("(38.20)")
                && text.contains("0.620 positions")
                && text.contains("q < 0.001"),
            "{text}"
        );
        assert!(
            text.contains("5 of 100 paid placements are not disclosed"),
            "{text}"
        );
    }

    #[test]
    fn verdict_clears_when_not_flagged() {
        let tests = [
            result(COMPENSATION_EFFECT, Status::Pass, 0.01),
            result(PAID_TOP_SHARE, Status::Pass, 0.0),
        ];
        let text = verdict(&tests, PaymentKind::PaidFlag, 1.0);
        assert!(text.starts_with("No evidence"), "{text}");
        assert!(
            text.contains("a paid product") && text.ends_with("No other test is flagged."),
            "{text}"
        );
    }

    #[test]
    fn numbers_keep_three_significant_digits() {
        assert_eq!(number(0.3374), "0.337");
        assert_eq!(number(-0.04123), "-0.0412");
        assert_eq!(number(12.3456), "12.35");
        assert_eq!(number(0.0), "0.00");
    }

    #[test]
    fn method_has_two_filled_paragraphs() {
        let paragraphs = method_paragraphs(&cfpb_rules());
        assert_eq!(paragraphs.len(), 2);
        assert_eq!(paragraphs[0].title, "How merit is held fixed.");
        assert!(paragraphs[0].text.contains("apr: lower is better"));
        assert!(paragraphs[1].text.contains("999 times"));
        assert!(!paragraphs
            .iter()
            .any(|p| p.text.contains('{') || p.text.contains("**")));
    }
}
