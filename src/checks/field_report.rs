//! Per-source validity rates and top reasons of one contact field (email, phone, postal code),
//! for summary.json and the family's report section.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::{Findings, ReportSection};
use crate::compact_text::text;
use crate::error::{PolarsContext, Result};
use crate::ingest::SOURCE_COL;

/// Most frequent details listed per check.
const TOP_REASONS: usize = 10;

/// How one row's value of the field was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldStatus {
    /// Empty, or not judged (e.g. a postal code of a country without a known format).
    Absent,
    Valid,
    Invalid,
}

#[derive(Debug, Default, Serialize)]
struct SourceValidity {
    source: String,
    rows: usize,
    present: usize,
    valid: usize,
    /// valid ÷ present (0 when nothing is present).
    valid_rate: f64,
}

#[derive(Debug, Serialize)]
struct Reason {
    detail: String,
    rows: usize,
}

#[derive(Debug, Serialize)]
struct CheckReasons {
    check: &'static str,
    rows: usize,
    top: Vec<Reason>,
}

#[derive(Debug, Serialize)]
struct FieldReport {
    field: &'static str,
    sources: Vec<SourceValidity>,
    reasons: Vec<CheckReasons>,
    /// Family extras, e.g. the phone type mix.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    breakdown: Vec<(String, usize)>,
}

/// Builds the `summary.json` entry (`<field>`) and the report section (`id`) for a field.
/// `findings` are the stage's findings; `checks` the ids whose reasons are listed.
pub fn field_report(
    leads: &DataFrame,
    (id, title, field): (&'static str, &str, &'static str),
    status: &[FieldStatus],
    findings: &Findings,
    checks: &[&'static str],
    breakdown: Vec<(String, usize)>,
) -> Result<((String, Value), ReportSection)> {
    let sources = leads
        .column(SOURCE_COL)
        .and_then(text)
        .step("reading _source")?;
    let mut per_source: BTreeMap<&str, SourceValidity> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for (source, status) in sources.iter().zip(status) {
        let source = source.unwrap_or_default();
        let entry = per_source.entry(source).or_insert_with(|| {
            order.push(source);
            SourceValidity {
                source: source.to_string(),
                ..SourceValidity::default()
            }
        });
        entry.rows += 1;
        if *status != FieldStatus::Absent {
            entry.present += 1;
        }
        if *status == FieldStatus::Valid {
            entry.valid += 1;
        }
    }
    let sources = order
        .iter()
        .filter_map(|s| per_source.remove(s))
        .map(|mut s| {
            s.valid_rate = if s.present == 0 {
                0.0
            } else {
                s.valid as f64 / s.present as f64
            };
            s
        })
        .collect();
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    // A row can have two findings of one check (a number unfit for both call and SMS): rows
    // are counted in a bitmap per check, one bit per row of the frame.
    let words = status.len().div_ceil(64);
    let mut rows_hit: Vec<Vec<u64>> = vec![Vec::new(); checks.len()];
    for ((check, detail), row) in findings
        .check
        .iter()
        .zip(findings.details())
        .zip(&findings.row)
    {
        if let Some(hit) = checks.iter().position(|c| c == check) {
            *counts.entry((check, detail)).or_default() += 1;
            let bits = &mut rows_hit[hit];
            let word = *row as usize / 64;
            if bits.len() <= word {
                bits.resize(words.max(word + 1), 0);
            }
            bits[word] |= 1 << (row % 64);
        }
    }
    let reasons = checks
        .iter()
        .zip(&rows_hit)
        .map(|(&check, bits)| {
            let mut top: Vec<Reason> = counts
                .iter()
                .filter(|((c, _), _)| *c == check)
                .map(|((_, detail), &rows)| Reason {
                    detail: detail.to_string(),
                    rows,
                })
                .collect();
            let rows = bits.iter().map(|w| w.count_ones() as usize).sum();
            // Most frequent first; ties in detail order, so the output is deterministic.
            top.sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.detail.cmp(&b.detail)));
            top.truncate(TOP_REASONS);
            CheckReasons { check, rows, top }
        })
        .filter(|r| r.rows > 0)
        .collect();
    let report = FieldReport {
        field,
        sources,
        reasons,
        breakdown,
    };
    let data = serde_json::to_value(&report)
        .map_err(|e| crate::error::Error::internal_chain("summarising contact fields", &e))?;
    Ok((
        (field.to_string(), data.clone()),
        ReportSection {
            id,
            title: title.to_string(),
            data,
        },
    ))
}
