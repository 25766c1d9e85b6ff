//! The `[rankings]` rules section: merit attributes with their better direction, the label
//! patterns that claim merit, the resampling budget and each test's gate thresholds.

use std::collections::BTreeMap;

use regex::RegexSet;
use serde::{Deserialize, Serialize};

/// Which way an attribute is better for the consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Lower,
    Higher,
}

impl Direction {
    /// +1 when higher is better, -1 when lower is: multiplying by it makes "higher = better".
    pub fn sign(self) -> f64 {
        match self {
            Direction::Lower => -1.0,
            Direction::Higher => 1.0,
        }
    }
}

/// Gate of a test with a p-value: it warns (fails) when q <= warn_q (fail_q) and the effect is
/// at least warn_effect (fail_effect).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatGate {
    pub warn_q: f64,
    pub fail_q: f64,
    pub warn_effect: f64,
    pub fail_effect: f64,
}

/// Gate of a counting test (`[checks]` warn_above / fail_above): it warns (fails) when its
/// rate is above warn_above (fail_above).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RateGate {
    pub warn_above: Option<f64>,
    pub fail_above: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankingGates {
    pub compensation_effect: StatGate,
    pub merit_inversion: StatGate,
    pub paid_top_share: StatGate,
    pub provider_uplift: StatGate,
}

/// The `[rankings]` section. Keys a rules file leaves out come from the built-in rules
/// (`[rankings.merit]` and `[rankings.gate]` are replaced whole when given).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankingRules {
    /// Merit column -> better direction. Columns are used in this (sorted) order.
    pub merit: BTreeMap<String, Direction>,
    pub top_k: usize,
    pub label_patterns: Vec<String>,
    pub permutations: usize,
    pub bootstrap: usize,
    pub alpha: f64,
    pub seed: u64,
    pub min_provider_products: usize,
    pub gate: RankingGates,
}

/// Fewest permutations that can give p <= 0.05.
const MIN_PERMUTATIONS: usize = 19;

impl RankingRules {
    /// Merit column names, in the order of `Product::merit`.
    pub fn merit_columns(&self) -> Vec<&str> {
        self.merit.keys().map(String::as_str).collect()
    }

    /// Better-direction signs, in the order of `Product::merit`.
    pub fn merit_signs(&self) -> Vec<f64> {
        self.merit.values().map(|d| d.sign()).collect()
    }

    /// The label patterns, compiled.
    pub fn label_matcher(&self) -> Result<RegexSet, (String, String)> {
        RegexSet::new(&self.label_patterns).map_err(|e| {
            (
                "rankings.label_patterns".to_string(),
                format!("`rankings.label_patterns` has an invalid regular expression: {e}"),
            )
        })
    }

    /// Checks values serde cannot: returns (key, message) for the first problem.
    pub fn validate(&self) -> Result<(), (String, String)> {
        let err = |key: &str, msg: String| Err((format!("rankings.{key}"), msg));
        if self.merit.is_empty() {
            return err(
                "merit",
                "`rankings.merit` names no merit column: add e.g. `apr = \"lower\"`".into(),
            );
        }
        if self.top_k == 0 {
            return err("top_k", "`rankings.top_k` must be at least 1".into());
        }
        if self.permutations < MIN_PERMUTATIONS {
            return err(
                "permutations",
                format!("`rankings.permutations` must be at least {MIN_PERMUTATIONS}"),
            );
        }
        if !(self.alpha > 0.0 && self.alpha < 0.5) {
            return err(
                "alpha",
                format!(
                    "`rankings.alpha` is {}: use a level between 0 and 0.5",
                    self.alpha
                ),
            );
        }
        self.label_matcher()?;
        let gates = &self.gate;
        for (name, gate) in [
            ("compensation_effect", &gates.compensation_effect),
            ("merit_inversion", &gates.merit_inversion),
            ("paid_top_share", &gates.paid_top_share),
            ("provider_uplift", &gates.provider_uplift),
        ] {
            let key = format!("gate.{name}");
            for (field, q) in [("warn_q", gate.warn_q), ("fail_q", gate.fail_q)] {
                if !(0.0..=1.0).contains(&q) {
                    return err(&key, format!("`rankings.{key}.{field}` is {q}: use 0 to 1"));
                }
            }
            if gate.fail_q > gate.warn_q || gate.fail_effect < gate.warn_effect {
                return err(
                    &key,
                    format!("`rankings.{key}`: fail thresholds must be stricter than warn ones"),
                );
            }
            if !gate.warn_effect.is_finite() || !gate.fail_effect.is_finite() {
                return err(&key, format!("`rankings.{key}`: effects must be numbers"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::RankingRules;

    /// The `[rankings]` section of the shipped CFPB rules pack, parsed and validated.
    pub fn cfpb_rules() -> RankingRules {
        let text = include_str!("../../rules/rankings-cfpb.toml");
        let rules = crate::rules::Rules::parse(text, "rankings-cfpb.toml").expect("pack is valid");
        rules.rankings
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::cfpb_rules;

    #[test]
    fn cfpb_pack_declares_credit_card_merit() {
        let rules = cfpb_rules();
        assert_eq!(rules.merit_columns(), ["annual_fee", "apr", "rating"]);
        assert_eq!(rules.merit_signs(), [-1.0, -1.0, 1.0]);
        let labels = rules.label_matcher().expect("patterns compile");
        assert!(labels.is_match("Top Pick"));
        assert!(labels.is_match("Best for travel"));
        assert!(!labels.is_match("Low intro APR"));
    }

    #[test]
    fn unknown_key_is_rejected_with_its_name() {
        let text = include_str!("../../rules/rankings-cfpb.toml").replace("top_k", "topk");
        let err = crate::rules::Rules::parse(&text, "r.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("topk") && err.contains("r.toml: line"),
            "{err}"
        );
    }

    #[test]
    fn pack_keys_fill_from_builtin() {
        let text =
            "[checks.\"rank.compensation_effect\"]\naction = \"flag\"\n[rankings]\ntop_k = 5\n";
        let rules = crate::rules::Rules::parse(text, "r.toml").expect("valid");
        assert_eq!(rules.rankings.top_k, 5);
        assert_eq!(
            rules.rankings.merit_columns(),
            ["annual_fee", "apr", "rating"]
        );
    }

    #[test]
    fn bad_values_name_the_key() {
        let mut rules = cfpb_rules();
        rules.gate.merit_inversion.fail_q = 0.2;
        assert_eq!(
            rules.validate().unwrap_err().0,
            "rankings.gate.merit_inversion"
        );
        let mut rules = cfpb_rules();
        rules.label_patterns.push("(unclosed".into());
        assert_eq!(rules.validate().unwrap_err().0, "rankings.label_patterns");
        let mut rules = cfpb_rules();
        rules.permutations = 5;
        assert_eq!(rules.validate().unwrap_err().0, "rankings.permutations");
    }
}
