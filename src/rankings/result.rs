//! What the rankings tests report: one `TestResult` per test and scope, findings that point
//! at rows, and the gate statuses.

use serde::Serialize;

use super::rules::{RateGate, StatGate};
use super::stats::benjamini_hochberg;

pub const COMPENSATION_EFFECT: &str = "rank.compensation_effect";
pub const MERIT_INVERSION: &str = "rank.merit_inversion";
pub const PAID_TOP_SHARE: &str = "rank.paid_top_share";
pub const LABEL_UNMERITED: &str = "rank.label_unmerited";
pub const UNDISCLOSED_PAID: &str = "rank.undisclosed_paid";
pub const PROVIDER_UPLIFT: &str = "rank.provider_uplift";

/// Every rankings test, in catalog order.
pub const TESTS: [&str; 6] = [
    COMPENSATION_EFFECT,
    MERIT_INVERSION,
    PAID_TOP_SHARE,
    LABEL_UNMERITED,
    UNDISCLOSED_PAID,
    PROVIDER_UPLIFT,
];

/// Scope of a test that covers every session.
pub const SCOPE_ALL: &str = "all";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not tested: the data cannot answer the question (the detail says why).
    Skip,
    Pass,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Skip => "skip",
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestResult {
    pub id: &'static str,
    /// `all`, or a provider name.
    pub scope: String,
    pub n: usize,
    pub effect: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub p_value: Option<f64>,
    pub q_value: Option<f64>,
    pub status: Status,
    pub method: String,
    /// One plain sentence: what was found, in counts.
    pub detail: String,
}

impl TestResult {
    pub(super) fn skipped(
        id: &'static str,
        scope: &str,
        n: usize,
        method: &str,
        detail: String,
    ) -> Self {
        TestResult {
            id,
            scope: scope.to_string(),
            n,
            effect: None,
            ci_low: None,
            ci_high: None,
            p_value: None,
            q_value: None,
            status: Status::Skip,
            method: method.to_string(),
            detail,
        }
    }
}

/// A row the report points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub test: &'static str,
    pub session_id: String,
    pub product_id: String,
    /// 1-based data row of the input.
    pub row: usize,
    pub detail: String,
}

/// Fills q-values (Benjamini–Hochberg over every p-valued result) and gate statuses.
pub(super) fn finalise<'g>(results: &mut [TestResult], gate_of: impl Fn(&str) -> Gate<'g>) {
    let tested: Vec<usize> = (0..results.len())
        .filter(|&i| results[i].p_value.is_some())
        .collect();
    let p: Vec<f64> = tested.iter().filter_map(|&i| results[i].p_value).collect();
    for (&i, q) in tested.iter().zip(benjamini_hochberg(&p)) {
        results[i].q_value = Some(q);
    }
    for result in results.iter_mut() {
        if result.status == Status::Skip {
            continue;
        }
        result.status = match gate_of(result.id) {
            Gate::Stat(gate) => stat_status(result, gate),
            Gate::Rate(gate) => rate_status(result, gate),
        };
    }
}

pub(super) enum Gate<'a> {
    Stat(&'a StatGate),
    Rate(&'a RateGate),
}

fn stat_status(result: &TestResult, gate: &StatGate) -> Status {
    let (Some(q), Some(effect)) = (result.q_value, result.effect) else {
        return Status::Pass;
    };
    if q <= gate.fail_q && effect >= gate.fail_effect {
        Status::Fail
    } else if q <= gate.warn_q && effect >= gate.warn_effect {
        Status::Warn
    } else {
        Status::Pass
    }
}

fn rate_status(result: &TestResult, gate: &RateGate) -> Status {
    let above = |threshold: Option<f64>, rate: f64| threshold.is_some_and(|t| rate > t);
    match result.effect {
        Some(rate) if above(gate.fail_above, rate) => Status::Fail,
        Some(rate) if above(gate.warn_above, rate) => Status::Warn,
        _ => Status::Pass,
    }
}

/// The run's gate: the worst status of any test.
pub fn overall_status(results: &[TestResult]) -> Status {
    results
        .iter()
        .map(|r| r.status)
        .filter(|s| *s != Status::Skip)
        .max()
        .unwrap_or(Status::Pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(p: f64, effect: f64) -> TestResult {
        TestResult {
            p_value: Some(p),
            effect: Some(effect),
            status: Status::Pass,
            ..TestResult::skipped(COMPENSATION_EFFECT, SCOPE_ALL, 10, "", String::new())
        }
    }

    #[test]
    fn gate_needs_both_significance_and_size() {
        let gate = StatGate {
            warn_q: 0.05,
            fail_q: 0.01,
            warn_effect: 0.1,
            fail_effect: 0.25,
        };
        let mut results = vec![
            stat(0.001, 0.5),
            stat(0.001, 0.05),
            stat(0.02, 0.5),
            stat(0.2, 2.0),
        ];
        finalise(&mut results, |_| Gate::Stat(&gate));
        let statuses: Vec<Status> = results.iter().map(|r| r.status).collect();
        // q: 0.004, 0.004, 0.0267, 0.2
        assert_eq!(
            statuses,
            [Status::Fail, Status::Pass, Status::Warn, Status::Pass]
        );
        assert_eq!(overall_status(&results), Status::Fail);
    }
}
