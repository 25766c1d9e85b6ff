//! Row-level fit: ICP misses, exclusions, segment selection, points, score, stage and the top
//! contributing criteria, all as polars expressions built from the rules. Input is the working
//! frame of criterion values (see [`super::derive`]); nothing here loops over rows.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::bant::OK;
use super::criteria::{first_match, one_of, Criterion};
use super::rules::{FitRules, BANT_ELEMENTS, EVENT_COLUMNS};
use super::{bant_column, event_column, DATED, DOMAIN_EXCLUSION, TITLE_EXCLUSION, WEIGHT};

/// Output columns (SPEC: clean.csv carries them after the input columns).
pub const SCORE: &str = "fit_score";
/// The score in integer tenths: compared, summarised and shown at one decimal.
pub const TENTHS: &str = "_fit_score_tenths";
pub const SEGMENT: &str = "segment";
pub const STAGE: &str = "stage";
pub const TOP_CRITERIA: &str = "fit_top_criteria";

/// Working flags read by the findings and the summary.
pub const OUTSIDE: &str = "_fit_outside";
pub const EXCLUDED: &str = "_fit_excluded";
pub const QUALIFIED: &str = "_fit_qualified";
pub const DISQUALIFIED: &str = "_fit_disqualified";
/// Rows `fit.score` reports: in market but not qualified.
pub const SCORE_FLAG: &str = "_fit_score_flag";
pub const SEGMENT_INDEX: &str = "_fit_segment_index";
const THRESHOLD: &str = "_fit_threshold";
pub const ABOVE: &str = "_fit_above";
const BANT_COMPLETE: &str = "_fit_bant_complete";

/// Stage names, from out of the market to sales-ready.
pub const STAGES: &[&str] = &["disqualified", "lead", "mql", "sql"];

/// Which fit checks are on: ICP misses and exclusions disqualify only when their check runs.
#[derive(Debug, Clone, Copy)]
pub struct Enabled {
    pub market: bool,
    pub excluded: bool,
}

/// Column flagging rows outside the ICP on one criterion.
pub fn outside_column(criterion: Criterion) -> String {
    format!("_fit_outside_{}", criterion.name())
}

/// One thing that can earn points: a criterion, a behaviour signal or a BANT element.
pub struct Item {
    /// Name in outputs (`seniority`, `email_clicks`, `budget`).
    pub name: String,
    /// Working column with the row's points for it.
    pub column: String,
    /// Column of the row's label in `fit_top_criteria` (`seniority=vp`; criteria only: the
    /// others are labelled by name).
    pub label: Option<String>,
    /// Per segment: can it earn positive points there.
    pub positive_in: Vec<bool>,
}

impl Item {
    fn new(
        name: &str,
        label: Option<String>,
        points: Expr,
        positive_in: Vec<bool>,
    ) -> (Item, Expr) {
        let column = format!("_fit_points_{name}");
        let expr = points.alias(column.as_str());
        (
            Item {
                name: name.to_string(),
                column,
                label,
                positive_in,
            },
            expr,
        )
    }

    /// True where the row's segment gives this item positive points.
    pub fn available(&self) -> Expr {
        per_segment(
            self.positive_in.iter().map(|&p| lit(p)).collect(),
            lit(false),
        )
    }
}

/// The value of `values[s]` for rows of segment `s`.
fn per_segment(values: Vec<Expr>, otherwise: Expr) -> Expr {
    let index = col(SEGMENT_INDEX);
    first_match(
        values
            .into_iter()
            .enumerate()
            .map(|(s, v)| (index.clone().eq(lit(s as u32)), v))
            .collect(),
        otherwise,
    )
}

/// Points a criterion value earns under one segment's table.
fn value_points(value: Expr, table: &BTreeMap<String, f64>) -> Expr {
    let special = |key: &str| lit(table.get(key).copied().unwrap_or(0.0));
    let mut branches = vec![(value.clone().eq(lit("unknown")), special("unknown"))];
    for (listed, points) in table {
        if listed != "other" && listed != "unknown" {
            branches.push((value.clone().eq(lit(listed.clone())), lit(*points)));
        }
    }
    first_match(branches, special("other"))
}

/// Scores are clamped to ± this (a lead with a billion page views and no `max`), so tenths
/// fit an integer; no real score comes near.
const SCORE_LIMIT: f64 = 1e12;

/// Score in tenths, rounded half away from zero: scores are shown and compared at one
/// decimal, and integer tenths keep that exact (polars divides by a scalar through its
/// reciprocal, so `483 / 10` would print as 48.300000000000004).
fn tenths(x: Expr) -> Expr {
    let x = when(x.clone().gt(lit(SCORE_LIMIT)))
        .then(lit(SCORE_LIMIT))
        .when(x.clone().lt(lit(-SCORE_LIMIT)))
        .then(lit(-SCORE_LIMIT))
        .otherwise(x);
    let scaled = x * lit(10.0);
    let half = when(scaled.clone().gt_eq(lit(0.0)))
        .then(lit(0.5))
        .otherwise(lit(-0.5));
    (scaled + half).cast(DataType::Int64)
}

/// A threshold or score in tenths, as the rules give it.
pub fn to_tenths(x: f64) -> i64 {
    (x * 10.0).round() as i64
}

/// `35` / `2.5`, as `fit_score` shows them.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        x.to_string()
    }
}

/// The criteria the ICP lists values for.
fn market_criteria(rules: &FitRules) -> impl Iterator<Item = Criterion> + '_ {
    Criterion::ALL
        .into_iter()
        .filter(|&c| !rules.market.get(c).is_empty())
}

/// Column of a criterion's points under segment `s` (per-value result).
fn points_column(criterion: Criterion, s: usize) -> String {
    format!("_fit_points_{}_{s}", criterion.name())
}

/// Column: does the criterion value meet segment `s`'s `when` (per-value result).
fn when_column(criterion: Criterion, s: usize) -> String {
    format!("_fit_when_{}_{s}", criterion.name())
}

/// Column of a criterion's label in `fit_top_criteria`, `seniority=vp` (per-value result).
fn label_column(criterion: Criterion) -> String {
    format!("_fit_label_{}", criterion.name())
}

fn has_points(rules: &FitRules, criterion: Criterion) -> bool {
    rules
        .segments
        .iter()
        .any(|s| !s.points.get(criterion).is_empty())
}

/// Countries that `[fit.market] region` restricts (regions restrict only their own countries).
fn region_countries(rules: &FitRules) -> Vec<&str> {
    rules
        .market
        .region
        .iter()
        .filter_map(|r| r.split_once('-').map(|(c, _)| c))
        .collect()
}

/// Everything that depends on a criterion's value alone — ICP miss flag, points per segment,
/// segment-condition membership, label — as expressions of its column, to evaluate once per
/// distinct value.
pub fn criterion_exprs(rules: &FitRules, criterion: Criterion) -> Vec<Expr> {
    let value = col(criterion.column());
    let known = value.clone().neq(lit("unknown"));
    let mut exprs = Vec::new();
    let accepted = rules.market.get(criterion);
    if !accepted.is_empty() {
        let listed: Vec<&str> = accepted.iter().map(String::as_str).collect();
        let mut outside = known.clone().and(one_of(value.clone(), &listed).not());
        if criterion == Criterion::Region {
            // `unknown` regions are judged per row, with the country: see `evaluate`.
            let country = value.clone().str().head(lit(2i64));
            outside = outside.and(one_of(country, &region_countries(rules)));
        } else if rules.market_requires.iter().any(|r| r == criterion.name()) {
            outside = outside.or(known.not());
        }
        exprs.push(outside.alias(outside_column(criterion).as_str()));
    }
    for (s, segment) in rules.segments.iter().enumerate() {
        let table = segment.points.get(criterion);
        if !table.is_empty() {
            exprs.push(
                value_points(value.clone(), table).alias(points_column(criterion, s).as_str()),
            );
        }
        let when = segment.when.get(criterion);
        if !when.is_empty() {
            let values: Vec<&str> = when.iter().map(String::as_str).collect();
            exprs.push(one_of(value.clone(), &values).alias(when_column(criterion, s).as_str()));
        }
    }
    if has_points(rules, criterion) {
        let label = concat_str([lit(format!("{}=", criterion.name())), value], "", false);
        exprs.push(label.alias(label_column(criterion).as_str()));
    }
    exprs
}

/// ICP misses: the per-criterion flags (per-value results; an unknown region of a restricted
/// country is judged here) and, reading them, the combined flag.
fn market(rules: &FitRules) -> (Vec<Expr>, Expr) {
    let mut flags = Vec::new();
    let mut any = lit(false);
    for criterion in market_criteria(rules) {
        let column = outside_column(criterion);
        let required = rules.market_requires.iter().any(|r| r == criterion.name());
        if criterion == Criterion::Region && required {
            let unknown_here = col(criterion.column()).eq(lit("unknown")).and(one_of(
                col(Criterion::Country.column()),
                &region_countries(rules),
            ));
            flags.push(col(column.as_str()).or(unknown_here).alias(column.as_str()));
        }
        any = any.or(col(column.as_str()));
    }
    (flags, any.alias(OUTSIDE))
}

/// Index of the first segment whose `when` the row meets (the last one has none).
fn segment_index(rules: &FitRules) -> Expr {
    let last = rules.segments.len().saturating_sub(1) as u32;
    let branches = rules
        .segments
        .iter()
        .enumerate()
        .map(|(s, segment)| {
            let condition = Criterion::ALL
                .into_iter()
                .filter(|&c| !segment.when.get(c).is_empty())
                .fold(lit(true), |all, c| all.and(col(when_column(c, s).as_str())));
            (condition, lit(s as u32))
        })
        .collect();
    first_match(branches, lit(last))
}

/// Every point-earning item of the rules, with its points expression.
fn items(rules: &FitRules) -> Vec<(Item, Expr)> {
    let segments = &rules.segments;
    let mut items = Vec::new();
    for criterion in Criterion::ALL {
        let tables: Vec<&BTreeMap<String, f64>> =
            segments.iter().map(|s| s.points.get(criterion)).collect();
        if tables.iter().all(|t| t.is_empty()) {
            continue;
        }
        let points = per_segment(
            tables
                .iter()
                .enumerate()
                .map(|(s, t)| match t.is_empty() {
                    true => lit(0.0),
                    false => col(points_column(criterion, s).as_str()),
                })
                .collect(),
            lit(0.0),
        );
        let positive = tables
            .iter()
            .map(|t| t.values().any(|&p| p > 0.0))
            .collect();
        items.push(Item::new(
            criterion.name(),
            Some(label_column(criterion)),
            points,
            positive,
        ));
    }
    let weight = col(WEIGHT);
    for (e, column) in EVENT_COLUMNS.iter().enumerate() {
        let rules_per_segment: Vec<_> = segments.iter().map(|s| s.behaviour.events()[e]).collect();
        if rules_per_segment.iter().all(Option::is_none) {
            continue;
        }
        let count = col(event_column(column));
        let points = per_segment(
            rules_per_segment
                .iter()
                .map(|rule| match rule {
                    None => lit(0.0),
                    Some(rule) => {
                        let raw = count.clone() * lit(rule.each);
                        match rule.max {
                            Some(max) => {
                                when(raw.clone().gt(lit(max))).then(lit(max)).otherwise(raw)
                            }
                            None => raw,
                        }
                    }
                })
                .collect(),
            lit(0.0),
        ) * weight.clone();
        let positive = rules_per_segment
            .iter()
            .map(|r| r.is_some_and(|r| r.each > 0.0 && r.max != Some(0.0)))
            .collect();
        items.push(Item::new(column, None, points, positive));
    }
    if segments.iter().any(|s| s.behaviour.last_activity != 0.0) {
        let points = when(col(DATED))
            .then(
                per_segment(
                    segments
                        .iter()
                        .map(|s| lit(s.behaviour.last_activity))
                        .collect(),
                    lit(0.0),
                ) * weight,
            )
            .otherwise(lit(0.0));
        let positive = segments
            .iter()
            .map(|s| s.behaviour.last_activity > 0.0)
            .collect();
        items.push(Item::new("last_activity", None, points, positive));
    }
    for (b, element) in BANT_ELEMENTS.iter().enumerate() {
        let per: Vec<f64> = segments.iter().map(|s| s.bant.values()[b]).collect();
        if per.iter().all(|&p| p == 0.0) {
            continue;
        }
        let points = when(col(bant_column(element)).eq(lit(OK)))
            .then(per_segment(per.iter().map(|&p| lit(p)).collect(), lit(0.0)))
            .otherwise(lit(0.0));
        let positive = per.iter().map(|&p| p > 0.0).collect();
        items.push(Item::new(element, None, points, positive));
    }
    items
}

/// The steps (each a `with_columns` reading the ones before) that add the fit outputs and
/// working flags to the frame of criterion values, and the point-earning items. The text
/// that explains them (`fit_score`, `fit_top_criteria`, finding details) is written by
/// [`super::explain`].
pub fn evaluate(rules: &FitRules, enabled: Enabled) -> (Vec<Vec<Expr>>, Vec<Item>) {
    let mut steps = Vec::new();
    let (flags, combined) = if enabled.market {
        market(rules)
    } else {
        (Vec::new(), lit(false).alias(OUTSIDE))
    };
    let mut first = flags;
    first.push(
        segment_index(rules)
            .strict_cast(DataType::UInt32)
            .alias(SEGMENT_INDEX),
    );
    let excluded = if enabled.excluded {
        col(DOMAIN_EXCLUSION)
            .is_not_null()
            .or(col(TITLE_EXCLUSION).is_not_null())
    } else {
        lit(false)
    };
    first.push(excluded.alias(EXCLUDED));
    steps.push(first);
    steps.push(vec![combined]);

    let (items, point_exprs): (Vec<Item>, Vec<Expr>) = items(rules).into_iter().unzip();
    let segments = &rules.segments;
    let mut second = point_exprs;
    second.push(
        per_segment(
            segments
                .iter()
                .map(|s| lit(to_tenths(s.threshold)))
                .collect(),
            lit(0i64),
        )
        .alias(THRESHOLD),
    );
    second.push(
        per_segment(
            segments.iter().map(|s| lit(s.name.clone())).collect(),
            lit(""),
        )
        .alias(SEGMENT),
    );
    let bant_ok: Vec<Expr> = BANT_ELEMENTS
        .iter()
        .map(|e| col(bant_column(e)).eq(lit(OK)))
        .collect();
    let complete = if rules.bant.required {
        bant_ok.into_iter().fold(lit(true), Expr::and)
    } else {
        lit(true)
    };
    second.push(complete.alias(BANT_COMPLETE));
    steps.push(second);

    let total = items
        .iter()
        .map(|i| col(i.column.as_str()))
        .fold(lit(0.0), |sum, p| sum + p);
    steps.push(vec![total.alias("_fit_total")]);
    steps.push(vec![tenths(col("_fit_total")).alias(TENTHS)]);

    let above = col(TENTHS).gt_eq(col(THRESHOLD));
    let disqualified = col(OUTSIDE).or(col(EXCLUDED));
    let qualified = col(ABOVE)
        .and(col(BANT_COMPLETE))
        .and(col(DISQUALIFIED).not());
    steps.push(vec![above.alias(ABOVE), disqualified.alias(DISQUALIFIED)]);
    steps.push(vec![qualified.alias(QUALIFIED)]);

    let sales_ready = if rules.bant.required { "sql" } else { "mql" };
    let stage = first_match(
        vec![
            (col(DISQUALIFIED), lit("disqualified")),
            (col(QUALIFIED), lit(sales_ready)),
            (col(ABOVE), lit("mql")),
        ],
        lit("lead"),
    );
    let score_flag = col(QUALIFIED).or(col(DISQUALIFIED)).not();
    steps.push(vec![stage.alias(STAGE), score_flag.alias(SCORE_FLAG)]);
    (steps, items)
}
