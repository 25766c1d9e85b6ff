//! The vendor scorecard: one row per source with the share of rows that pass groups of
//! checks (valid email, valid phone, …), its acceptance rate and, when the rules price the
//! source, the cost per accepted lead.
//!
//! Each column is defined in [`COLUMNS`] by the check ids it counts, nothing else: this
//! module knows which checks exist, not how they work. A row counts once per column even when
//! several of the column's checks hit it. A column whose checks are all off is `null` ("–"
//! in the report), never 100%.

use serde::Serialize;

use crate::checks::Findings;
use crate::rules::SourceRules;
use crate::summary::{ScorecardRow, SourceSummary};
use std::collections::BTreeMap;

use polars::prelude::{InitHashMaps, PlHashMap};

/// What a scorecard column measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Share of rows that none of these checks hit.
    Without(&'static [&'static str]),
    /// Share of rows that at least one of these checks hit.
    With(&'static [&'static str]),
    /// Share of rows accepted (in clean.csv).
    Accepted,
}

impl Measure {
    pub fn checks(self) -> &'static [&'static str] {
        match self {
            Measure::Without(ids) | Measure::With(ids) => ids,
            Measure::Accepted => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Column {
    /// Key in summary.json `scorecard[].rates`.
    pub key: &'static str,
    /// Column header.
    pub label: &'static str,
    /// True when a higher share is better (for the reader; sorting is neutral).
    pub higher_is_better: bool,
    #[serde(skip)]
    pub measure: Measure,
}

/// The scorecard's rate columns, in display order.
pub const COLUMNS: &[Column] = &[
    Column {
        key: "valid_email",
        label: "valid email",
        higher_is_better: true,
        measure: Measure::Without(&[
            "email.missing",
            "email.syntax",
            "email.disposable",
            "email.typo",
        ]),
    },
    Column {
        key: "valid_phone",
        label: "valid phone",
        higher_is_better: true,
        measure: Measure::Without(&["phone.missing", "phone.invalid"]),
    },
    Column {
        key: "duplicate",
        label: "duplicate",
        higher_is_better: false,
        measure: Measure::With(&["dup.email", "dup.phone", "dup.fuzzy"]),
    },
    Column {
        key: "known",
        label: "already known",
        higher_is_better: false,
        measure: Measure::With(&["dup.known"]),
    },
    Column {
        key: "consented",
        label: "consented",
        higher_is_better: true,
        measure: Measure::Without(&[
            "consent.missing",
            "consent.evidence",
            "consent.seller",
            "consent.expired",
            "consent.timing",
            "consent.revoked",
            "consent.certificate",
        ]),
    },
    Column {
        key: "in_market",
        label: "in market",
        higher_is_better: true,
        measure: Measure::Without(&["fit.market", "fit.excluded", "fit.score"]),
    },
    Column {
        key: "accepted",
        label: "accepted",
        higher_is_better: true,
        measure: Measure::Accepted,
    },
];

/// A column's definition for readers: label and the enabled checks it counts.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnView {
    pub key: &'static str,
    pub label: &'static str,
    pub higher_is_better: bool,
    /// What the column is: "rows without email.missing, email.syntax" …
    pub definition: String,
    /// False when every check of the column is off (the column shows "–").
    pub enabled: bool,
}

/// Column definitions as shown under the table, naming only the checks that ran.
pub fn column_views(enabled: &[&str]) -> Vec<ColumnView> {
    COLUMNS
        .iter()
        .map(|c| {
            let on: Vec<&str> = c
                .measure
                .checks()
                .iter()
                .copied()
                .filter(|id| enabled.contains(id))
                .collect();
            let definition = match c.measure {
                Measure::Accepted => "rows accepted into clean.csv".to_string(),
                _ if on.is_empty() => format!(
                    "not measured: {} are off in the rules",
                    c.measure.checks().join(", ")
                ),
                Measure::Without(_) => format!("rows without {}", on.join(", ")),
                Measure::With(_) => format!("rows with {}", on.join(", ")),
            };
            ColumnView {
                key: c.key,
                label: c.label,
                higher_is_better: c.higher_is_better,
                enabled: c.measure == Measure::Accepted || !on.is_empty(),
                definition,
            }
        })
        .collect()
}

/// Builds the scorecard. `sources` are in frame order (each source's rows are contiguous
/// and follow the previous source's), `findings` are sorted by row, `enabled` lists the
/// checks that ran.
pub fn build(
    sources: &[SourceSummary],
    findings: &Findings,
    enabled: &[&str],
    prices: &BTreeMap<String, SourceRules>,
) -> Vec<ScorecardRow> {
    // hits[source][column] = distinct rows hit by any enabled check of the column.
    let mut hits = vec![vec![0usize; COLUMNS.len()]; sources.len()];
    let mut last_row: Vec<Option<u32>> = vec![None; COLUMNS.len()];
    // Enabled check id -> the columns that count it (one lookup per finding).
    let mut columns_of: PlHashMap<&str, Vec<usize>> = PlHashMap::new();
    for (k, column) in COLUMNS.iter().enumerate() {
        for id in column.measure.checks() {
            if enabled.contains(id) {
                columns_of.entry(id).or_default().push(k);
            }
        }
    }
    let mut source = 0usize;
    let mut end = sources.first().map_or(0, |s| s.rows);
    for (&row, &check) in findings.row.iter().zip(&findings.check) {
        while row as usize >= end && source + 1 < sources.len() {
            source += 1;
            end += sources[source].rows;
        }
        let Some(columns) = columns_of.get(check).filter(|_| (row as usize) < end) else {
            continue;
        };
        for &k in columns {
            if last_row[k] != Some(row) {
                hits[source][k] += 1;
                last_row[k] = Some(row);
            }
        }
    }
    sources
        .iter()
        .zip(hits)
        .map(|(s, hits)| {
            let share = |n: usize| {
                if s.rows == 0 {
                    0.0
                } else {
                    n as f64 / s.rows as f64
                }
            };
            let rates = COLUMNS
                .iter()
                .zip(&hits)
                .map(|(c, &n)| {
                    let measured = c.measure.checks().iter().any(|id| enabled.contains(id));
                    let rate = match c.measure {
                        Measure::Accepted => Some(share(s.accepted)),
                        _ if !measured => None,
                        Measure::Without(_) => Some(1.0 - share(n)),
                        Measure::With(_) => Some(share(n)),
                    };
                    (c.key.to_string(), serde_json::Value::from(rate))
                })
                .collect();
            let price = prices.get(&s.source).and_then(|p| p.price_per_lead);
            let cost = price
                .filter(|_| s.accepted > 0)
                .map(|p| p * s.rows as f64 / s.accepted as f64);
            ScorecardRow {
                source: s.source.clone(),
                rows: s.rows,
                accepted: s.accepted,
                rates,
                price_per_lead: price,
                cost_per_accepted_lead: cost,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, rows: usize, accepted: usize) -> SourceSummary {
        SourceSummary {
            source: name.into(),
            rows,
            accepted,
            rejected: rows - accepted,
            checks: serde_json::Map::new(),
        }
    }

    #[test]
    fn rates_count_rows_once_per_column_and_per_source() {
        let sources = [source("a", 4, 2), source("b", 2, 2)];
        let mut findings = Findings::default();
        // Row 0 has two email findings: it counts once for valid email.
        findings.push(0, "email.syntax", "");
        findings.push(0, "email.disposable", "");
        findings.push(1, "email.missing", "");
        findings.push(1, "dup.known", "");
        findings.push(4, "dup.known", "");
        // A check that is off does not count even if a finding slipped through.
        findings.push(5, "email.typo", "");
        let enabled = [
            "email.missing",
            "email.syntax",
            "email.disposable",
            "dup.known",
        ];
        let mut prices = BTreeMap::new();
        prices.insert(
            "a".to_string(),
            SourceRules {
                price_per_lead: Some(3.0),
                priority: None,
            },
        );
        let card = build(&sources, &findings, &enabled, &prices);
        assert_eq!(card.len(), 2);
        assert_eq!(card[0].rate("valid_email"), Some(0.5));
        assert_eq!(card[0].rate("known"), Some(0.25));
        assert_eq!(card[0].rate("accepted"), Some(0.5));
        assert_eq!(card[1].rate("valid_email"), Some(1.0));
        assert_eq!(card[1].rate("known"), Some(0.5));
        // Every phone check is off: not measured, not 100%.
        assert_eq!(card[0].rates["valid_phone"], serde_json::Value::Null);
        assert_eq!(card[0].rate("valid_phone"), None);
        // 4 rows at 3.00 = 12.00 for 2 accepted leads.
        assert_eq!(card[0].cost_per_accepted_lead, Some(6.0));
        assert_eq!(card[1].price_per_lead, None);
        assert_eq!(card[1].cost_per_accepted_lead, None);
    }

    #[test]
    fn no_accepted_rows_means_no_cost() {
        let mut prices = BTreeMap::new();
        prices.insert(
            "a".to_string(),
            SourceRules {
                price_per_lead: Some(1.0),
                priority: None,
            },
        );
        let card = build(&[source("a", 3, 0)], &Findings::default(), &[], &prices);
        assert_eq!(card[0].price_per_lead, Some(1.0));
        assert_eq!(card[0].cost_per_accepted_lead, None);
    }

    #[test]
    fn definitions_name_enabled_checks_only() {
        let views = column_views(&["email.syntax"]);
        let email = views.iter().find(|v| v.key == "valid_email").unwrap();
        assert!(email.enabled);
        assert_eq!(email.definition, "rows without email.syntax");
        let phone = views.iter().find(|v| v.key == "valid_phone").unwrap();
        assert!(!phone.enabled);
        assert!(phone.definition.starts_with("not measured"));
        assert!(views.iter().find(|v| v.key == "accepted").unwrap().enabled);
    }

    #[test]
    fn columns_name_distinct_keys_and_known_families() {
        let mut keys: Vec<&str> = COLUMNS.iter().map(|c| c.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), COLUMNS.len());
        // Check ids follow SPEC's `family.name` catalog naming.
        for id in COLUMNS.iter().flat_map(|c| c.measure.checks()) {
            let prefix = id.split('.').next().unwrap_or("");
            assert!(
                ["email", "phone", "dup", "consent", "fit"].contains(&prefix),
                "{id}"
            );
        }
    }
}
