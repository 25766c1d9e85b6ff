//! The text that explains each row's fit: `fit_score`, `fit_top_criteria` and the finding
//! details. Every decision is already a column (computed by polars expressions in
//! [`super::score`]); this only reads those columns and writes text, in parallel chunks of
//! rows. Building the same text with string expressions cost about ten times as much (one
//! string column per item and place, then joins).

use polars::prelude::*;
use rayon::prelude::*;

use super::bant::OK;
use super::bant_column;
use super::criteria::Criterion;
use super::rules::{FitRules, BANT_ELEMENTS};
use super::score::{outside_column, Item, ABOVE, SEGMENT, SEGMENT_INDEX, TENTHS};
use crate::checks::row_blocks;
use crate::error::{PolarsContext, Result};

/// Rows per parallel chunk.
const CHUNK: usize = 1 << 16;

/// A score or threshold in tenths as shown everywhere: one decimal (`48.3`, `50.0`).
pub fn tenths_text(tenths: i64) -> String {
    format!("{:.1}", tenths as f64 / 10.0)
}

fn column<'a>(frame: &'a DataFrame, name: &str) -> Result<&'a Column> {
    frame.column(name).step(name)
}

/// A column as one contiguous chunk (so `get(row)` is direct).
fn strings(frame: &DataFrame, name: &str) -> Result<StringChunked> {
    Ok(column(frame, name)?
        .str()
        .step(name)?
        .rechunk()
        .into_owned())
}

fn flags(frame: &DataFrame, name: &str) -> Result<BooleanChunked> {
    Ok(column(frame, name)?
        .bool()
        .step(name)?
        .rechunk()
        .into_owned())
}

/// Builds a string column chunk by chunk in parallel; `write(row, buffer)` writes each row's
/// text into a reused buffer (no allocation per row).
fn build(name: &str, height: usize, write: impl Fn(usize, &mut String) + Sync) -> StringChunked {
    let chunks: Vec<StringChunked> = row_blocks(height, CHUNK)
        .map(|rows| {
            let mut builder = StringChunkedBuilder::new(name.into(), rows.len());
            let mut buffer = String::new();
            for row in rows {
                buffer.clear();
                write(row, &mut buffer);
                builder.append_value(buffer.as_str());
            }
            builder.finish()
        })
        .collect();
    let mut out = StringChunked::full_null(name.into(), 0);
    for chunk in &chunks {
        // Appending chunks of one dtype cannot fail.
        let _ = out.append(chunk);
    }
    out
}

/// `fit_score`: the score in tenths as a number with one decimal (exact: divided in Rust,
/// not through polars' scalar reciprocal).
pub fn scores(scored: &DataFrame, name: &str) -> Result<Column> {
    let tenths = column(scored, TENTHS)?.i64().step(TENTHS)?;
    let values: Float64Chunked = tenths.iter().map(|t| t.map(|t| t as f64 / 10.0)).collect();
    Ok(values.with_name(name.into()).into_column())
}

/// `fit_top_criteria`: the labels of the `top` items with the most positive points, best
/// first (ties in item order), joined by `; `.
pub fn top_criteria(scored: &DataFrame, items: &[Item], top: usize, name: &str) -> Result<Column> {
    let height = scored.height();
    let points: Vec<Float64Chunked> = items
        .iter()
        .map(|item| {
            let values = column(scored, &item.column)?
                .f64()
                .step(&item.column)?
                .fill_null_with_values(0.0)
                .step(&item.column)?;
            Ok(values.rechunk().into_owned())
        })
        .collect::<Result<_>>()?;
    let points: Vec<&[f64]> = points
        .iter()
        .map(|p| p.cont_slice().step("fit points"))
        .collect::<Result<_>>()?;
    let labels: Vec<Option<StringChunked>> = items
        .iter()
        .map(|item| {
            item.label
                .as_deref()
                .map(|l| strings(scored, l))
                .transpose()
        })
        .collect::<Result<_>>()?;
    let write = |row: usize, joined: &mut String| {
        // (points, item) of the best so far, best first.
        let mut best: Vec<(f64, usize)> = Vec::with_capacity(top + 1);
        for (i, p) in points.iter().enumerate() {
            let value = p.get(row).copied().unwrap_or(0.0);
            if value <= 0.0 {
                continue;
            }
            let place = best
                .iter()
                .position(|&(b, _)| value > b)
                .unwrap_or(best.len());
            if place < top {
                best.insert(place, (value, i));
                best.truncate(top);
            }
        }
        for (n, &(_, i)) in best.iter().enumerate() {
            if n > 0 {
                joined.push_str("; ");
            }
            match labels.get(i).and_then(Option::as_ref) {
                Some(label) => joined.push_str(label.get(row).unwrap_or("")),
                None => joined.push_str(&items[i].name),
            }
        }
    };
    Ok(build(name, height, write).into_column())
}

/// Row indices where `flag` holds, with `detail(row)` for each: one finding's worth.
pub fn flagged(
    scored: &DataFrame,
    flag: &str,
    detail: impl Fn(usize) -> String + Sync,
) -> Result<Vec<(u32, String)>> {
    let flags = flags(scored, flag)?;
    let rows: Vec<usize> = flags
        .iter()
        .enumerate()
        .filter_map(|(row, hit)| (hit == Some(true)).then_some(row))
        .collect();
    Ok(rows
        .par_iter()
        .map(|&row| (row as u32, detail(row)))
        .collect())
}

/// `fit.excluded` details: the domain's and the title's exclusion, where a row has either.
pub fn exclusion_details(
    scored: &DataFrame,
    domain: &str,
    title: &str,
) -> Result<Vec<(u32, String)>> {
    let (domain, title) = (strings(scored, domain)?, strings(scored, title)?);
    let rows: Vec<usize> = domain
        .iter()
        .zip(title.iter())
        .enumerate()
        .filter_map(|(row, (d, t))| (d.is_some() || t.is_some()).then_some(row))
        .collect();
    Ok(rows
        .into_par_iter()
        .map(|row| {
            let detail = match (domain.get(row), title.get(row)) {
                (Some(d), Some(t)) => format!("{d}; {t}"),
                (Some(one), None) | (None, Some(one)) => one.to_string(),
                (None, None) => String::new(),
            };
            (row as u32, detail)
        })
        .collect())
}

/// `fit.market` details: every criterion a row misses
/// (`employees=11-50 outside ICP; country unknown (ICP requires it)`).
pub fn market_details(scored: &DataFrame, rules: &FitRules) -> Result<Vec<(u32, String)>> {
    let criteria: Vec<(Criterion, BooleanChunked, StringChunked)> = Criterion::ALL
        .into_iter()
        .filter(|&c| !rules.market.get(c).is_empty())
        .map(|c| {
            Ok((
                c,
                flags(scored, &outside_column(c))?,
                strings(scored, &c.column())?,
            ))
        })
        .collect::<Result<_>>()?;
    flagged(scored, super::score::OUTSIDE, |row| {
        let mut detail = String::new();
        for (criterion, outside, values) in &criteria {
            if outside.get(row) != Some(true) {
                continue;
            }
            if !detail.is_empty() {
                detail.push_str("; ");
            }
            let name = criterion.name();
            match values.get(row) {
                Some("unknown") | None => {
                    detail.push_str(name);
                    detail.push_str(" unknown (ICP requires it)");
                }
                Some(value) => {
                    detail.push_str(name);
                    detail.push('=');
                    detail.push_str(value);
                    detail.push_str(" outside ICP");
                }
            }
        }
        detail
    })
}

/// `fit.score` details: score, threshold, segment and BANT gaps
/// (`score 48.3 < 50.0 (segment mid_market); BANT incomplete: budget missing`).
pub fn score_details(scored: &DataFrame, rules: &FitRules) -> Result<Vec<(u32, String)>> {
    let tenths = column(scored, TENTHS)?
        .i64()
        .step(TENTHS)?
        .rechunk()
        .into_owned();
    let segment_index = column(scored, SEGMENT_INDEX)?
        .u32()
        .step(SEGMENT_INDEX)?
        .rechunk()
        .into_owned();
    let segments = strings(scored, SEGMENT)?;
    let above = flags(scored, ABOVE)?;
    let statuses: Vec<StringChunked> = BANT_ELEMENTS
        .iter()
        .map(|e| strings(scored, &bant_column(e)))
        .collect::<Result<_>>()?;
    let thresholds: Vec<String> = rules
        .segments
        .iter()
        .map(|s| tenths_text(super::score::to_tenths(s.threshold)))
        .collect();
    let bant_required = rules.bant.required;
    flagged(scored, super::score::SCORE_FLAG, |row| {
        let threshold = segment_index
            .get(row)
            .and_then(|s| thresholds.get(s as usize))
            .map_or("", String::as_str);
        let mut detail = format!(
            "score {} {} {threshold} (segment {})",
            tenths.get(row).map(tenths_text).unwrap_or_default(),
            if above.get(row) == Some(true) {
                ">="
            } else {
                "<"
            },
            segments.get(row).unwrap_or(""),
        );
        if bant_required {
            let mut first = true;
            for (element, status) in BANT_ELEMENTS.iter().zip(&statuses) {
                let status = status.get(row).unwrap_or("");
                if status == OK {
                    continue;
                }
                detail.push_str(if first { "; BANT incomplete: " } else { ", " });
                first = false;
                detail.push_str(element);
                detail.push(' ');
                detail.push_str(status);
            }
        }
        detail
    })
}
