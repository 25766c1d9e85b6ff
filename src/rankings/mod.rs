//! `leadaudit rankings`: does a comparison tool's order follow what the operator is paid
//! rather than merit (CFPB Circular 2024-01)?
//!
//! Flow: `command` reads the results file (any supported format) → `input` validates rows
//! into sessions → `engine::run` fits the merit model (`panel`), runs the permutation tests
//! (`permutation`) and bootstrap (`bootstrap`), and returns results with findings, tables and
//! a verdict (`explain`) → `report` shapes them for summary.json, summary.md, findings.csv
//! and report.html. `simulate` generates sessions with a known amount of steering, for
//! tests, fixtures, the simulation study and the benchmark.

mod bootstrap;
pub mod command;
mod dominance;
pub mod engine;
pub mod explain;
pub mod input;
mod linalg;
mod panel;
mod permutation;
pub mod report;
pub mod result;
pub mod rules;
pub mod simulate;
mod stats;

use std::collections::BTreeMap;

pub use engine::{run, RankingsAudit, TestPlan};
pub use input::{sessions_from_columns, Column, InputError, PaymentKind, Product, Session};
pub use result::{Finding, Status, TestResult};
pub use rules::RankingRules;

use crate::checks::CheckInfo;
use crate::rules::{Action, CheckRule};
use result::{
    COMPENSATION_EFFECT, LABEL_UNMERITED, MERIT_INVERSION, PAID_TOP_SHARE, PROVIDER_UPLIFT,
    UNDISCLOSED_PAID,
};

const FAMILY: &str = "rankings";

pub const CHECKS: &[CheckInfo] = &[
    CheckInfo {
        id: COMPENSATION_EFFECT,
        family: FAMILY,
        title: "position follows compensation once merit is held fixed",
    },
    CheckInfo {
        id: MERIT_INVERSION,
        family: FAMILY,
        title: "a product beaten on every merit attribute ranks above, and pays more",
    },
    CheckInfo {
        id: PAID_TOP_SHARE,
        family: FAMILY,
        title: "paid products hold more top slots than merit gives them",
    },
    CheckInfo {
        id: LABEL_UNMERITED,
        family: FAMILY,
        title: "a \"best\"/\"top pick\" label on a product beaten on every merit attribute",
    },
    CheckInfo {
        id: UNDISCLOSED_PAID,
        family: FAMILY,
        title: "paid placement shown without disclosure",
    },
    CheckInfo {
        id: PROVIDER_UPLIFT,
        family: FAMILY,
        title: "a provider is placed above what its products' merit earns",
    },
];

/// The statistical tests: their gate is q-value and effect size in `[rankings.gate]`.
const STATISTICAL: [&str; 4] = [
    COMPENSATION_EFFECT,
    MERIT_INVERSION,
    PAID_TOP_SHARE,
    PROVIDER_UPLIFT,
];

/// Checks the `[checks]` entries of rankings tests: they only flag, and the statistical
/// ones are gated in `[rankings.gate]`, not by rates. Returns (key, message).
pub fn validate_checks(checks: &BTreeMap<String, CheckRule>) -> Result<(), (String, String)> {
    for (id, rule) in checks.iter().filter(|(id, _)| id.starts_with("rank.")) {
        let key = format!("checks.\"{id}\"");
        if rule.action == Action::Reject {
            return Err((
                key.clone(),
                format!(
                    "`{key}`: rankings tests do not reject rows; use action = \"flag\" or \"off\""
                ),
            ));
        }
        if STATISTICAL.contains(&id.as_str())
            && (rule.warn_above.is_some() || rule.fail_above.is_some())
        {
            let name = id.trim_start_matches("rank.");
            return Err((
                key.clone(),
                format!("`{key}`: a statistical test is gated by q-value and effect in [rankings.gate.{name}], not warn_above/fail_above"),
            ));
        }
    }
    Ok(())
}

/// The tests the rules enable, with the counting tests' thresholds.
pub fn test_plan(rules: &crate::rules::Rules) -> TestPlan {
    let rate = |id: &str| {
        rules
            .enabled(id)
            .map(|r| rules::RateGate {
                warn_above: r.warn_above,
                fail_above: r.fail_above,
            })
            .unwrap_or_default()
    };
    TestPlan {
        enabled: CHECKS
            .iter()
            .map(|c| c.id)
            .filter(|id| rules.is_enabled(id))
            .collect(),
        label_unmerited: rate(LABEL_UNMERITED),
        undisclosed_paid: rate(UNDISCLOSED_PAID),
    }
}
