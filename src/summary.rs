//! The machine-readable result of a run (summary.json, schema_version 1) and the gate.

use serde::Serialize;

use crate::ingest::InputInfo;
use crate::rules::{Action, CheckRule};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

impl Status {
    /// Status of an observed value against optional `warn_above`/`fail_above` thresholds.
    pub fn judge(value: f64, warn_above: Option<f64>, fail_above: Option<f64>) -> Status {
        if fail_above.is_some_and(|t| value > t) {
            Status::Fail
        } else if warn_above.is_some_and(|t| value > t) {
            Status::Warn
        } else {
            Status::Pass
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RulesRef {
    pub path: String,
    pub sha256: String,
}

/// An input file in the audit trail, with its role in the run.
#[derive(Debug, Clone, Serialize)]
pub struct InputEntry {
    pub role: &'static str,
    #[serde(flatten)]
    pub info: InputInfo,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct RowCounts {
    pub input: usize,
    pub accepted: usize,
    pub rejected: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckSummary {
    pub id: &'static str,
    pub title: &'static str,
    pub action: Action,
    pub rows: usize,
    pub rate: f64,
    pub warn_above: Option<f64>,
    pub fail_above: Option<f64>,
    pub status: Status,
}

impl CheckSummary {
    pub fn new(
        info: &crate::checks::CheckInfo,
        rule: &CheckRule,
        rows: usize,
        input_rows: usize,
    ) -> Self {
        let rate = if input_rows == 0 {
            0.0
        } else {
            rows as f64 / input_rows as f64
        };
        CheckSummary {
            id: info.id,
            title: info.title,
            action: rule.action,
            rows,
            rate,
            warn_above: rule.warn_above,
            fail_above: rule.fail_above,
            status: Status::judge(rate, rule.warn_above, rule.fail_above),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceSummary {
    pub source: String,
    pub rows: usize,
    pub accepted: usize,
    pub rejected: usize,
    /// Rows affected per enabled check, in catalog order.
    pub checks: serde_json::Map<String, serde_json::Value>,
}

/// One source's scorecard row (summary.json `scorecard[]`).
#[derive(Debug, Clone, Serialize)]
pub struct ScorecardRow {
    pub source: String,
    pub rows: usize,
    pub accepted: usize,
    /// Rates 0–1 keyed by `render::scorecard::COLUMNS` keys, in column order; `null` when the column's checks
    /// are all off.
    pub rates: serde_json::Map<String, serde_json::Value>,
    /// From the rules' `[sources.<name>] price_per_lead`.
    pub price_per_lead: Option<f64>,
    /// price × rows ÷ accepted; `null` without a price or with no accepted row.
    pub cost_per_accepted_lead: Option<f64>,
}

impl ScorecardRow {
    pub fn rate(&self, key: &str) -> Option<f64> {
        self.rates.get(key).and_then(serde_json::Value::as_f64)
    }
}

/// A gate condition that is not a row check (e.g. a stale Do-Not-Call list).
#[derive(Debug, Clone, Serialize)]
pub struct GateNote {
    pub id: String,
    pub status: Status,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Gate {
    pub status: Status,
    pub failed: Vec<String>,
    pub warned: Vec<String>,

    pub notes: Vec<GateNote>,
}

impl Gate {
    /// The gate over check statuses and extra notes: the worst status wins.
    pub fn from_statuses<'a>(
        checks: impl Iterator<Item = (&'a str, Status)>,
        notes: Vec<GateNote>,
    ) -> Gate {
        let mut failed = Vec::new();
        let mut warned = Vec::new();
        let all = checks
            .map(|(id, s)| (id.to_string(), s))
            .chain(notes.iter().map(|n| (n.id.clone(), n.status)));
        for (id, status) in all {
            match status {
                Status::Fail => failed.push(id),
                Status::Warn => warned.push(id),
                Status::Pass => {}
            }
        }
        let status = if !failed.is_empty() {
            Status::Fail
        } else if !warned.is_empty() {
            Status::Warn
        } else {
            Status::Pass
        };
        Gate {
            status,
            failed,
            warned,
            notes,
        }
    }

    /// SPEC exit code: 1 on fail, or on warn with `--warn-as-error`; else 0.
    pub fn exit_code(&self, warn_as_error: bool) -> i32 {
        match self.status {
            Status::Fail => 1,
            Status::Warn if warn_as_error => 1,
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub schema_version: u32,
    pub tool: Tool,
    pub command: &'static str,
    pub generated_at: String,
    pub as_of: String,
    pub rules: RulesRef,
    pub inputs: Vec<InputEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<RowCounts>,
    pub checks: Vec<CheckSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceSummary>,
    /// The vendor scorecard (`render::scorecard`), one row per source.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scorecard: Vec<ScorecardRow>,
    /// Family results that are not per-row counts (e.g. `overlap`), keyed by name.
    #[serde(flatten)]
    pub sections: serde_json::Map<String, serde_json::Value>,
    pub gate: Gate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_strictly_above() {
        assert_eq!(Status::judge(0.05, Some(0.02), Some(0.05)), Status::Warn);
        assert_eq!(Status::judge(0.0501, Some(0.02), Some(0.05)), Status::Fail);
        assert_eq!(Status::judge(0.02, Some(0.02), Some(0.05)), Status::Pass);
        assert_eq!(Status::judge(0.9, None, None), Status::Pass);
    }

    #[test]
    fn gate_takes_worst_and_exit_codes() {
        let gate = Gate::from_statuses(
            [("a", Status::Pass), ("b", Status::Warn)].into_iter(),
            vec![],
        );
        assert_eq!(gate.status, Status::Warn);
        assert_eq!(gate.warned, vec!["b"]);
        assert_eq!(gate.exit_code(false), 0);
        assert_eq!(gate.exit_code(true), 1);
        let note = GateNote {
            id: "x".into(),
            status: Status::Fail,
            message: String::new(),
        };
        assert_eq!(
            Gate::from_statuses(std::iter::empty(), vec![note]).exit_code(false),
            1
        );
    }
}
