//! The fit section of summary.json and of the report: per source in-market and qualified
//! shares, the score distribution (histogram), stages, segments, the criteria most often
//! missed and BANT completeness; plus the geometry of the report's SVG histogram.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::bant::{IMPLAUSIBLE, MISSING, OK};
use super::bant_column;
use super::criteria::Criterion;
use super::rules::{FitRules, BANT_ELEMENTS};
use super::score::{
    format_number, outside_column, to_tenths, Enabled, Item, DISQUALIFIED, EXCLUDED, OUTSIDE,
    QUALIFIED, SEGMENT, STAGE, STAGES, TENTHS,
};
use crate::checks::ReportSection;
use crate::error::{PolarsContext, Result};
use crate::ingest::SOURCE_COL;

/// More bins than this and the bin width is widened (a chart, not a table).
const MAX_BINS: usize = 40;

fn rate(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// A mean of tenths as a score rounded to one decimal.
fn mean_score(mean_tenths: f64) -> f64 {
    mean_tenths.round() / 10.0
}

#[derive(Debug, Serialize)]
struct Bin {
    from: f64,
    to: f64,
    rows: u64,
    qualified: u64,
}

#[derive(Debug, Serialize)]
struct SourceFit {
    source: String,
    rows: u64,
    in_market: u64,
    in_market_rate: f64,
    excluded: u64,
    qualified: u64,
    qualified_rate: f64,
    mean_score: f64,
    /// Rows per histogram bin (the bins of the whole run).
    histogram: Vec<u64>,
}

#[derive(Debug, Serialize)]
struct SegmentFit {
    segment: String,
    threshold: f64,
    rows: u64,
    qualified: u64,
    mean_score: f64,
}

#[derive(Debug, Serialize)]
struct Missed {
    criterion: String,
    rows: u64,
    rate: f64,
}

#[derive(Debug, Serialize)]
struct BantElement {
    element: &'static str,
    ok: u64,
    missing: u64,
    implausible: u64,
}

#[derive(Debug, Serialize)]
struct Bant {
    required: bool,
    complete: u64,
    elements: Vec<BantElement>,
}

#[derive(Debug, Serialize)]
struct Histogram {
    bin_width: f64,
    bins: Vec<Bin>,
}

#[derive(Debug, Serialize)]
struct CriteriaMissed {
    /// Rows outside the ICP per criterion.
    market: Vec<Missed>,
    /// Among in-market rows that did not qualify: rows that earned no points on it (where
    /// their segment offers some).
    score: Vec<Missed>,
}

#[derive(Debug, Serialize)]
struct FitSummary {
    rows: u64,
    in_market: u64,
    in_market_rate: f64,
    excluded: u64,
    qualified: u64,
    qualified_rate: f64,
    score: BTreeMap<&'static str, f64>,
    stages: serde_json::Map<String, Value>,
    segments: Vec<SegmentFit>,
    histogram: Histogram,
    sources: Vec<SourceFit>,
    criteria_missed: CriteriaMissed,
    #[serde(skip_serializing_if = "Option::is_none")]
    bant: Option<Bant>,
}

/// A one-row aggregate as u64 (sums of booleans, lengths).
fn count(frame: &DataFrame, name: &str) -> Result<u64> {
    let value = frame
        .column(name)
        .and_then(|c| c.cast(&DataType::UInt64))
        .step(name)?
        .u64()
        .step(name)?
        .get(0)
        .unwrap_or(0);
    Ok(value)
}

fn float(frame: &DataFrame, name: &str, row: usize) -> Result<f64> {
    Ok(frame
        .column(name)
        .and_then(|c| c.cast(&DataType::Float64))
        .step(name)?
        .f64()
        .step(name)?
        .get(row)
        .unwrap_or(0.0))
}

fn counts(frame: &DataFrame, name: &str) -> Result<Vec<u64>> {
    Ok(frame
        .column(name)
        .and_then(|c| c.cast(&DataType::UInt64))
        .step(name)?
        .u64()
        .step(name)?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect())
}

fn strings(frame: &DataFrame, name: &str) -> Result<Vec<String>> {
    Ok(frame
        .column(name)
        .and_then(|c| c.str().cloned())
        .step(name)?
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect())
}

/// Columns of the per-row frame the summary counts (see [`summary_columns`]).
const IN_MARKET: &str = "_fit_sum_in_market";
const BANT_COMPLETE: &str = "_fit_sum_bant_complete";

fn missed_column(item: &str) -> String {
    format!("_fit_sum_missed_{item}")
}

fn bant_status_column(element: &str, value: &str) -> String {
    format!("_fit_sum_bant_{element}_{value}")
}

/// The market criteria the rules restrict (none when `fit.market` is off).
fn market_criteria(rules: &FitRules, enabled: Enabled) -> Vec<Criterion> {
    if enabled.market {
        Criterion::ALL
            .into_iter()
            .filter(|&c| !rules.market.get(c).is_empty())
            .collect()
    } else {
        Vec::new()
    }
}

/// What the summary counts of each scored row, as narrow columns: the scored frame (about 80
/// working columns) is summarised a block of rows at a time, and only these are kept for
/// all rows.
pub fn summary_columns(rules: &FitRules, items: &[Item], enabled: Enabled) -> Vec<Expr> {
    let mut columns = vec![
        col(SOURCE_COL),
        col(TENTHS),
        col(STAGE),
        col(SEGMENT),
        col(OUTSIDE).not().and(col(EXCLUDED).not()).alias(IN_MARKET),
        col(EXCLUDED),
        col(QUALIFIED),
    ];
    columns.extend(
        market_criteria(rules, enabled)
            .into_iter()
            .map(|c| col(outside_column(c))),
    );
    let unqualified = col(QUALIFIED).not().and(col(DISQUALIFIED).not());
    for item in items {
        let missed = unqualified
            .clone()
            .and(item.available())
            .and(col(item.column.as_str()).lt_eq(lit(0.0)));
        columns.push(missed.alias(missed_column(&item.name)));
    }
    if rules.uses_bant() {
        for element in BANT_ELEMENTS {
            for value in [OK, MISSING, IMPLAUSIBLE] {
                columns.push(
                    col(bant_column(element))
                        .eq(lit(value))
                        .alias(bant_status_column(element, value)),
                );
            }
        }
        let complete = BANT_ELEMENTS
            .iter()
            .map(|e| col(bant_column(e)).eq(lit(OK)))
            .fold(lit(true), Expr::and);
        columns.push(complete.alias(BANT_COMPLETE));
    }
    columns
}

/// Histogram bins over scores in tenths: (first edge, width, bins), edges at multiples of
/// the width, widened until there are at most [`MAX_BINS`].
fn bin_layout(min: i64, max: i64, width: i64) -> (i64, i64, usize) {
    let mut width = width.max(1);
    loop {
        let low = min.div_euclid(width) * width;
        let bins = ((max - low) / width) as usize + 1;
        if bins <= MAX_BINS {
            return (low, width, bins);
        }
        width *= bins.div_ceil(MAX_BINS) as i64;
    }
}

/// The fit summary from the rows' [`summary_columns`].
pub fn summarize(
    scored: &DataFrame,
    rules: &FitRules,
    items: &[Item],
    enabled: Enabled,
) -> Result<(Value, ReportSection)> {
    let rows = scored.height() as u64;
    let scores = scored.column(TENTHS).and_then(|c| c.i64()).step(TENTHS)?;
    let (min, max) = (scores.min().unwrap_or(0), scores.max().unwrap_or(0));
    let (low, width, bins) = bin_layout(min, max, to_tenths(rules.histogram_bin_width));
    // Never negative: integer division is the floor.
    let bin = (col(TENTHS) - lit(low)) / lit(width);

    // Per source, in input order.
    let per_source = scored
        .clone()
        .lazy()
        .group_by_stable([col(SOURCE_COL)])
        .agg([
            len().alias("rows"),
            col(IN_MARKET).sum().alias("in_market"),
            col(EXCLUDED).sum().alias("excluded"),
            col(QUALIFIED).sum().alias("qualified"),
            col(TENTHS).mean().alias("mean"),
        ])
        .collect()
        .step("fit per source")?;
    let source_names = strings(&per_source, SOURCE_COL)?;
    let source_rows = counts(&per_source, "rows")?;
    let source_in = counts(&per_source, "in_market")?;
    let source_excluded = counts(&per_source, "excluded")?;
    let source_qualified = counts(&per_source, "qualified")?;

    let binned = scored
        .clone()
        .lazy()
        .group_by([col(SOURCE_COL), bin.alias("bin")])
        .agg([len().alias("rows"), col(QUALIFIED).sum().alias("qualified")])
        .collect()
        .step("fit histogram")?;
    let mut histogram: Vec<Bin> = (0..bins)
        .map(|b| Bin {
            from: (low + b as i64 * width) as f64 / 10.0,
            to: (low + (b as i64 + 1) * width) as f64 / 10.0,
            rows: 0,
            qualified: 0,
        })
        .collect();
    let mut per_source_bins = vec![vec![0u64; bins]; source_names.len()];
    let bin_sources = strings(&binned, SOURCE_COL)?;
    let bin_index = counts(&binned, "bin")?;
    let bin_rows = counts(&binned, "rows")?;
    let bin_qualified = counts(&binned, "qualified")?;
    for i in 0..binned.height() {
        let b = bin_index[i] as usize;
        if let Some(bin) = histogram.get_mut(b) {
            bin.rows += bin_rows[i];
            bin.qualified += bin_qualified[i];
        }
        if let Some(s) = source_names.iter().position(|n| *n == bin_sources[i]) {
            if let Some(cell) = per_source_bins[s].get_mut(b) {
                *cell += bin_rows[i];
            }
        }
    }
    let mut sources = Vec::new();
    for (s, source) in source_names.iter().enumerate() {
        sources.push(SourceFit {
            source: source.clone(),
            rows: source_rows[s],
            in_market: source_in[s],
            in_market_rate: rate(source_in[s], source_rows[s]),
            excluded: source_excluded[s],
            qualified: source_qualified[s],
            qualified_rate: rate(source_qualified[s], source_rows[s]),
            mean_score: mean_score(float(&per_source, "mean", s)?),
            histogram: std::mem::take(&mut per_source_bins[s]),
        });
    }

    // Stages and segments.
    let stage_counts = scored
        .clone()
        .lazy()
        .group_by([col(STAGE)])
        .agg([len().alias("rows")])
        .collect()
        .step("fit stages")?;
    let stage_names = strings(&stage_counts, STAGE)?;
    let stage_rows = counts(&stage_counts, "rows")?;
    let mut stages = serde_json::Map::new();
    for stage in STAGES {
        if *stage == "sql" && !rules.bant.required {
            continue;
        }
        let n = stage_names
            .iter()
            .position(|s| s == stage)
            .map_or(0, |i| stage_rows[i]);
        stages.insert(stage.to_string(), Value::from(n));
    }
    let segment_stats = scored
        .clone()
        .lazy()
        .group_by([col(SEGMENT)])
        .agg([
            len().alias("rows"),
            col(QUALIFIED).sum().alias("qualified"),
            col(TENTHS).mean().alias("mean"),
        ])
        .collect()
        .step("fit segments")?;
    let segment_names = strings(&segment_stats, SEGMENT)?;
    let segment_rows = counts(&segment_stats, "rows")?;
    let segment_qualified = counts(&segment_stats, "qualified")?;
    let mut segments = Vec::new();
    for segment in &rules.segments {
        let found = segment_names.iter().position(|n| *n == segment.name);
        segments.push(SegmentFit {
            segment: segment.name.clone(),
            threshold: segment.threshold,
            rows: found.map_or(0, |i| segment_rows[i]),
            qualified: found.map_or(0, |i| segment_qualified[i]),
            mean_score: match found {
                Some(i) => mean_score(float(&segment_stats, "mean", i)?),
                None => 0.0,
            },
        });
    }

    // Criteria most often missed, and BANT.
    let market_criteria = market_criteria(rules, enabled);
    let mut totals = vec![
        col(IN_MARKET).sum().alias("in_market"),
        col(EXCLUDED).sum().alias("excluded"),
        col(QUALIFIED).sum().alias("qualified"),
        col(TENTHS).mean().alias("mean"),
    ];
    for c in &market_criteria {
        totals.push(
            col(outside_column(*c))
                .sum()
                .alias(format!("market_{}", c.name())),
        );
    }
    for item in items {
        totals.push(
            col(missed_column(&item.name))
                .sum()
                .alias(format!("score_{}", item.name)),
        );
    }
    let uses_bant = rules.uses_bant();
    if uses_bant {
        for element in BANT_ELEMENTS {
            for value in [OK, MISSING, IMPLAUSIBLE] {
                totals.push(
                    col(bant_status_column(element, value))
                        .sum()
                        .alias(format!("bant_{element}_{value}")),
                );
            }
        }
        totals.push(col(BANT_COMPLETE).sum().alias("bant_complete"));
    }
    let totals = scored
        .clone()
        .lazy()
        .select(totals)
        .collect()
        .step("fit totals")?;
    let missed = |prefix: &str, names: Vec<String>| -> Result<Vec<Missed>> {
        let mut list = Vec::new();
        for name in names {
            let n = count(&totals, &format!("{prefix}_{name}"))?;
            if n > 0 {
                list.push(Missed {
                    rate: rate(n, rows),
                    criterion: name,
                    rows: n,
                });
            }
        }
        list.sort_by(|a, b| {
            b.rows
                .cmp(&a.rows)
                .then_with(|| a.criterion.cmp(&b.criterion))
        });
        Ok(list)
    };
    let criteria_missed = CriteriaMissed {
        market: missed(
            "market",
            market_criteria
                .iter()
                .map(|c| c.name().to_string())
                .collect(),
        )?,
        score: missed("score", items.iter().map(|i| i.name.clone()).collect())?,
    };
    let bant = if uses_bant {
        let mut elements = Vec::new();
        for element in BANT_ELEMENTS {
            let get = |v: &str| count(&totals, &format!("bant_{element}_{v}"));
            elements.push(BantElement {
                element,
                ok: get(OK)?,
                missing: get(MISSING)?,
                implausible: get(IMPLAUSIBLE)?,
            });
        }
        Some(Bant {
            required: rules.bant.required,
            complete: count(&totals, "bant_complete")?,
            elements,
        })
    } else {
        None
    };

    let in_market_rows = count(&totals, "in_market")?;
    let qualified = count(&totals, "qualified")?;
    let summary = FitSummary {
        rows,
        in_market: in_market_rows,
        in_market_rate: rate(in_market_rows, rows),
        excluded: count(&totals, "excluded")?,
        qualified,
        qualified_rate: rate(qualified, rows),
        score: BTreeMap::from([
            ("min", min as f64 / 10.0),
            ("mean", mean_score(float(&totals, "mean", 0)?)),
            ("max", max as f64 / 10.0),
        ]),
        stages,
        segments,
        histogram: Histogram {
            bin_width: width as f64 / 10.0,
            bins: histogram,
        },
        sources,
        criteria_missed,
        bant,
    };
    let json = serde_json::to_value(&summary)
        .map_err(|e| crate::error::Error::internal("fit summary", e))?;
    let mut data = json.clone();
    if let Value::Object(map) = &mut data {
        let chart = chart(&summary.histogram, qualified);
        map.insert(
            "chart".into(),
            serde_json::to_value(chart)
                .map_err(|e| crate::error::Error::internal("fit chart", e))?,
        );
        map.insert(
            "sales_stage".into(),
            Value::from(if rules.bant.required { "sql" } else { "mql" }),
        );
    }
    Ok((
        json,
        ReportSection {
            id: "fit",
            title: "Target-market fit and lead scoring".into(),
            data,
        },
    ))
}

/// Geometry of the stacked histogram in the report (SVG user units).
#[derive(Debug, Serialize)]
struct Chart {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    /// Centres of the plot, for the axis titles.
    mid_x: f64,
    mid_y: f64,
    bars: Vec<Bar>,
    x_ticks: Vec<Tick>,
    y_ticks: Vec<Tick>,
    description: String,
}

#[derive(Debug, Serialize)]
struct Bar {
    x: f64,
    width: f64,
    /// Qualified part (bottom of the stack).
    qualified_y: f64,
    qualified_height: f64,
    /// Not-qualified part (on top).
    other_y: f64,
    other_height: f64,
    range: String,
    rows: u64,
    qualified: u64,
}

#[derive(Debug, Serialize)]
struct Tick {
    at: f64,
    label: String,
}

/// Geometry rounded to 0.1 unit so the report is byte-stable.
fn unit(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A round axis maximum at or above `max` (1, 2 or 5 times a power of ten).
fn nice_ceiling(max: u64) -> u64 {
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            if step * m >= max {
                return (step * m).max(1);
            }
        }
        step = step.saturating_mul(10);
    }
}

fn chart(histogram: &Histogram, qualified: u64) -> Chart {
    let (width, height) = (640.0, 260.0);
    let (left, right, top, bottom) = (56.0, 624.0, 16.0, 212.0);
    let peak = nice_ceiling(histogram.bins.iter().map(|b| b.rows).max().unwrap_or(0));
    let y = |n: u64| bottom - (bottom - top) * n as f64 / peak as f64;
    let slot = (right - left) / histogram.bins.len().max(1) as f64;
    let bars: Vec<Bar> = histogram
        .bins
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let x = left + slot * i as f64;
            let q_top = y(b.qualified);
            let all_top = y(b.rows);
            Bar {
                x: unit(x + 1.0),
                width: unit((slot - 2.0).max(1.0)),
                qualified_y: unit(q_top),
                qualified_height: unit(bottom - q_top),
                other_y: unit(all_top),
                other_height: unit(q_top - all_top),
                range: format!("{} to {}", format_number(b.from), format_number(b.to)),
                rows: b.rows,
                qualified: b.qualified,
            }
        })
        .collect();
    let every = histogram.bins.len().div_ceil(10).max(1);
    let x_ticks = histogram
        .bins
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, b)| Tick {
            at: unit(left + slot * i as f64),
            label: format_number(b.from),
        })
        .chain(histogram.bins.last().map(|b| Tick {
            at: right,
            label: format_number(b.to),
        }))
        .collect();
    let mut counts: Vec<u64> = (0..=4).map(|k| peak * k / 4).collect();
    counts.dedup();
    let y_ticks = counts
        .into_iter()
        .map(|n| Tick {
            at: unit(y(n)),
            label: n.to_string(),
        })
        .collect();
    let total: u64 = histogram.bins.iter().map(|b| b.rows).sum();
    // The first of equally full bins.
    let busiest = histogram.bins.iter().rev().max_by_key(|b| b.rows);
    let description = match busiest {
        Some(b) => format!(
            "Histogram of fit scores of {total} leads in {} bins of width {}; {qualified} qualified. Most leads ({}) score {} to {}.",
            histogram.bins.len(),
            format_number(histogram.bin_width),
            b.rows,
            format_number(b.from),
            format_number(b.to)
        ),
        None => "No scores.".to_string(),
    };
    Chart {
        width,
        height,
        left,
        right,
        top,
        bottom,
        mid_x: unit((left + right) / 2.0),
        mid_y: unit((top + bottom) / 2.0),
        bars,
        x_ticks,
        y_ticks,
        description,
    }
}
