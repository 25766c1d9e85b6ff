//! Row-level fit: ICP misses, exclusions, segment selection, points, score, stage and the top
//! contributing criteria, all as polars expressions built from the rules. Input is the working
//! frame of criterion values (see [`super::derive`]); nothing here loops over rows.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::bant::OK;
use super::criteria::{first_match, one_of, Criterion};
use super::rules::{FitRules, BANT_ELEMENTS, EVENT_COLUMNS};
use super::{bant_column, event_column, DATED, EXCLUSION, WEIGHT};

/// Output columns (SPEC: clean.csv carries them after the input columns).
pub const SCORE: &str = "fit_score";
/// The score in integer tenths, for comparisons and the summary.
pub const TENTHS: &str = "_fit_score_tenths";
pub const SEGMENT: &str = "segment";
pub const STAGE: &str = "stage";
pub const TOP_CRITERIA: &str = "fit_top_criteria";

/// Working flags read by the findings and the summary.
pub const OUTSIDE: &str = "_fit_outside";
pub const MARKET_DETAIL: &str = "_fit_market_detail";
pub const EXCLUDED: &str = "_fit_excluded";
pub const QUALIFIED: &str = "_fit_qualified";
pub const DISQUALIFIED: &str = "_fit_disqualified";
pub const SCORE_DETAIL: &str = "_fit_score_detail";
const SEGMENT_INDEX: &str = "_fit_segment_index";
const THRESHOLD: &str = "_fit_threshold";
const ABOVE: &str = "_fit_above";
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
    /// Column of the row's criterion value, shown after `name=` in `fit_top_criteria`
    /// (criteria only).
    value: Option<String>,
    /// Per segment: can it earn positive points there.
    pub positive_in: Vec<bool>,
}

impl Item {
    fn new(
        name: &str,
        value: Option<String>,
        points: Expr,
        positive_in: Vec<bool>,
    ) -> (Item, Expr) {
        let column = format!("_fit_points_{name}");
        let expr = points.alias(column.as_str());
        (
            Item {
                name: name.to_string(),
                column,
                value,
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

    /// `seniority=` for criteria, the name for the others.
    fn label_prefix(&self) -> String {
        match self.value {
            Some(_) => format!("{}=", self.name),
            None => self.name.clone(),
        }
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

/// Score in tenths, rounded half away from zero: scores are shown and compared at one
/// decimal, and integer tenths keep that exact (polars divides by a scalar through its
/// reciprocal, so `483 / 10` would print as 48.300000000000004).
fn tenths(x: Expr) -> Expr {
    let scaled = x * lit(10.0);
    let half = when(scaled.clone().gt_eq(lit(0.0)))
        .then(lit(0.5))
        .otherwise(lit(-0.5));
    (scaled + half).cast(DataType::Int64)
}

/// Tenths as decimal text: `483` → `48.3`, `-50` → `-5`.
fn tenths_text(t: Expr) -> Expr {
    let magnitude = when(t.clone().lt(lit(0i64)))
        .then(lit(0i64) - t.clone())
        .otherwise(t.clone());
    let sign = when(t.lt(lit(0i64))).then(lit("-")).otherwise(lit(""));
    let whole = (magnitude.clone() / lit(10i64)).cast(DataType::String);
    let decimal = magnitude % lit(10i64);
    let fraction = when(decimal.clone().eq(lit(0i64)))
        .then(lit(""))
        .otherwise(concat_str(
            [lit("."), decimal.cast(DataType::String)],
            "",
            false,
        ));
    concat_str([sign, whole, fraction], "", false)
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

/// ICP misses: per-criterion flags, then (reading them) the combined flag and the detail.
fn market(rules: &FitRules) -> (Vec<Expr>, Vec<Expr>) {
    let mut flags = Vec::new();
    let mut details = Vec::new();
    let mut any = lit(false);
    let region_countries: Vec<&str> = rules
        .market
        .region
        .iter()
        .filter_map(|r| r.split_once('-').map(|(c, _)| c))
        .collect();
    for criterion in Criterion::ALL {
        let accepted = rules.market.get(criterion);
        if accepted.is_empty() {
            continue;
        }
        let value = col(criterion.column());
        let known = value.clone().neq(lit("unknown"));
        let listed: Vec<&str> = accepted.iter().map(String::as_str).collect();
        let mut outside = known.clone().and(one_of(value.clone(), &listed).not());
        if rules.market_requires.iter().any(|r| r == criterion.name()) {
            outside = outside.or(known.clone().not());
        }
        if criterion == Criterion::Region {
            // Regions restrict only the countries they belong to.
            outside = one_of(col(Criterion::Country.column()), &region_countries).and(outside);
        }
        let column = outside_column(criterion);
        flags.push(outside.alias(column.as_str()));
        let name = criterion.name();
        details.push(
            when(col(column.as_str()))
                .then(
                    when(known)
                        .then(concat_str(
                            [lit(format!("{name}=")), value, lit(" outside ICP")],
                            "",
                            false,
                        ))
                        .otherwise(lit(format!("{name} unknown (ICP requires it)"))),
                )
                .otherwise(lit(NULL).cast(DataType::String)),
        );
        any = any.or(col(column.as_str()));
    }
    let detail = if details.is_empty() {
        lit(NULL).cast(DataType::String)
    } else {
        concat_str(details, "; ", true)
    };
    let combined = vec![any.alias(OUTSIDE), detail.alias(MARKET_DETAIL)];
    (flags, combined)
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
                .fold(lit(true), |all, c| {
                    let values: Vec<&str> =
                        segment.when.get(c).iter().map(String::as_str).collect();
                    all.and(one_of(col(c.column()), &values))
                });
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
        let value = col(criterion.column());
        let points = per_segment(
            tables
                .iter()
                .map(|t| value_points(value.clone(), t))
                .collect(),
            lit(0.0),
        );
        let positive = tables
            .iter()
            .map(|t| t.values().any(|&p| p > 0.0))
            .collect();
        items.push(Item::new(
            criterion.name(),
            Some(criterion.column()),
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

/// `fit_top_criteria`: labels of the items with the most positive points, best first (ties
/// in item order), joined by `; `. Steps, each reading the columns of the one before: ranks,
/// the item picked at each place, the labels, the joined text.
fn top_criteria(items: &[Item], top: usize) -> Vec<Vec<Expr>> {
    let points: Vec<Expr> = items.iter().map(|i| col(i.column.as_str())).collect();
    let rank = |i: usize| format!("_fit_rank_{i}");
    let pick = |r: usize| format!("_fit_pick_{r}");
    let label = |r: usize| format!("_fit_label_{r}");
    // rank_i = how many items beat item i: more points, or as many and listed earlier.
    let ranks = (0..items.len())
        .map(|i| {
            (0..items.len())
                .filter(|&j| j != i)
                .map(|j| {
                    let beats = if j < i {
                        points[j].clone().gt_eq(points[i].clone())
                    } else {
                        points[j].clone().gt(points[i].clone())
                    };
                    beats.cast(DataType::UInt32)
                })
                .fold(lit(0u32), |sum, b| sum + b)
                .alias(rank(i).as_str())
        })
        .collect();
    let places = top.min(items.len());
    let picks = (0..places)
        .map(|r| {
            let branches = (0..items.len())
                .map(|i| {
                    let here = col(rank(i).as_str()).eq(lit(r as u32));
                    (here.and(points[i].clone().gt(lit(0.0))), lit(i as u32))
                })
                .collect();
            first_match(branches, lit(NULL).cast(DataType::UInt32)).alias(pick(r).as_str())
        })
        .collect();
    let labels = (0..places)
        .map(|r| {
            let picked = |i: usize| col(pick(r).as_str()).eq(lit(i as u32));
            let prefix = first_match(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (picked(i), lit(item.label_prefix())))
                    .collect(),
                lit(NULL).cast(DataType::String),
            );
            let value = first_match(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let value = item.value.as_deref().map_or(lit(""), col);
                        (picked(i), value)
                    })
                    .collect(),
                lit(NULL).cast(DataType::String),
            );
            concat_str([prefix, value], "", false).alias(label(r).as_str())
        })
        .collect();
    let joined = if places == 0 {
        lit("")
    } else {
        concat_str(
            (0..places)
                .map(|r| col(label(r).as_str()))
                .collect::<Vec<_>>(),
            "; ",
            true,
        )
    };
    vec![ranks, picks, labels, vec![joined.alias(TOP_CRITERIA)]]
}

/// Adds the fit outputs and working flags to the frame of criterion values; returns the
/// frame and the point-earning items (for the summary).
pub fn evaluate(work: LazyFrame, rules: &FitRules, enabled: Enabled) -> (LazyFrame, Vec<Item>) {
    let (flags, combined) = if enabled.market {
        market(rules)
    } else {
        (Vec::new(), vec![lit(false).alias(OUTSIDE)])
    };
    let mut first = flags;
    first.push(segment_index(rules).alias(SEGMENT_INDEX));
    let excluded = if enabled.excluded {
        col(EXCLUSION).is_not_null()
    } else {
        lit(false)
    };
    first.push(excluded.alias(EXCLUDED));
    let work = work.with_columns(first).with_columns(combined);

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
    let work = work.with_columns(second);

    let total = items
        .iter()
        .map(|i| col(i.column.as_str()))
        .fold(lit(0.0), |sum, p| sum + p);
    let work = work.with_columns([tenths(total).alias(TENTHS)]);
    let work = work.with_columns([tenths_text(col(TENTHS)).alias(SCORE)]);

    let above = col(TENTHS).gt_eq(col(THRESHOLD));
    let disqualified = col(OUTSIDE).or(col(EXCLUDED));
    let qualified = col(ABOVE)
        .and(col(BANT_COMPLETE))
        .and(col(DISQUALIFIED).not());
    let work = work.with_columns([above.alias(ABOVE), disqualified.alias(DISQUALIFIED)]);
    let work = work.with_columns([qualified.alias(QUALIFIED)]);

    let sales_ready = if rules.bant.required { "sql" } else { "mql" };
    let stage = first_match(
        vec![
            (col(DISQUALIFIED), lit("disqualified")),
            (col(QUALIFIED), lit(sales_ready)),
            (col(ABOVE), lit("mql")),
        ],
        lit("lead"),
    );
    let thresholds = per_segment(
        segments
            .iter()
            .map(|s| lit(format_number(s.threshold)))
            .collect(),
        lit(""),
    );
    let score_part = concat_str(
        [
            lit("score "),
            col(SCORE),
            when(col(ABOVE)).then(lit(" >= ")).otherwise(lit(" < ")),
            thresholds,
            lit(" (segment "),
            col(SEGMENT),
            lit(")"),
        ],
        "",
        false,
    );
    let gaps: Vec<Expr> = BANT_ELEMENTS
        .iter()
        .map(|e| {
            let status = col(bant_column(e));
            when(status.clone().neq(lit(OK)))
                .then(concat_str([lit(format!("{e} ")), status], "", false))
                .otherwise(lit(NULL).cast(DataType::String))
        })
        .collect();
    let bant_part = when(col(BANT_COMPLETE).not())
        .then(concat_str(
            [lit("BANT incomplete: "), concat_str(gaps, ", ", true)],
            "",
            false,
        ))
        .otherwise(lit(NULL).cast(DataType::String));
    let score_detail = when(col(QUALIFIED).or(col(DISQUALIFIED)))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(concat_str([score_part, bant_part], "; ", true));
    let mut work = work.with_columns([stage.alias(STAGE), score_detail.alias(SCORE_DETAIL)]);
    for step in top_criteria(&items, rules.top_criteria) {
        work = work.with_columns(step);
    }
    (work, items)
}
