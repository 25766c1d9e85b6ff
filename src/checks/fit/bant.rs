//! BANT: is each of budget, authority, need and timeline present and plausible. Each element
//! gets a status per distinct field value: `ok`, `missing` or `implausible`.

use chrono::NaiveDate;
use polars::prelude::*;

use super::criteria::{epoch_days, first_match, matches_whole, one_of, title_level, CLEAN, NUMBER};
use super::rules::FitRules;

pub const OK: &str = "ok";
pub const MISSING: &str = "missing";
pub const IMPLAUSIBLE: &str = "implausible";

/// Days per unit of a duration: timelines are judged to the day, not to the calendar.
const DAYS_PER_UNIT: &[(&str, f64)] = &[
    ("day", 1.0),
    ("week", 7.0),
    ("month", 30.0),
    ("mo", 30.0),
    ("year", 365.0),
    ("yr", 365.0),
];
/// A quarter that began less than this many days ago has not ended yet.
const QUARTER_DAYS: i32 = 91;

/// `missing` when blank, `implausible` for placeholders or when `plausible` fails, else `ok`.
fn status(rules: &FitRules, plausible: Expr) -> Expr {
    first_match(
        vec![
            (col(CLEAN).is_null(), lit(MISSING)),
            (matches_whole(&rules.bant.placeholders), lit(IMPLAUSIBLE)),
            (plausible.fill_null(lit(false)), lit(OK)),
        ],
        lit(IMPLAUSIBLE),
    )
}

/// Budget (reads [`NUMBER`]): an amount of at least `min_budget`, or a word such as
/// `approved`.
pub fn budget(rules: &FitRules) -> Expr {
    let bant = &rules.bant;
    let plausible = col(NUMBER)
        .gt_eq(lit(bant.min_budget))
        .fill_null(lit(false))
        .or(matches_whole(&bant.budget_words));
    status(rules, plausible)
}

/// Authority: a yes-like word, or a job title at one of the authority levels.
pub fn authority(rules: &FitRules) -> Expr {
    let bant = &rules.bant;
    let levels: Vec<&str> = bant.authority_levels.iter().map(String::as_str).collect();
    let plausible =
        matches_whole(&bant.authority_words).or(one_of(title_level(&rules.seniority), &levels));
    status(rules, plausible)
}

/// Need: a statement of at least `need_min_chars` characters.
pub fn need(rules: &FitRules) -> Expr {
    let min = rules.bant.need_min_chars as u32;
    status(rules, col(CLEAN).str().len_chars().gt_eq(lit(min)))
}

/// Steps that read a timeline's parts: a duration in days (`3 months`, `6-12 months`: the
/// near end) and the first day of a quarter (`Q3 2027`, `2027 Q3`), as days since epoch.
/// Its date is the job's [`super::criteria::DATE`] column.
pub fn timeline_steps() -> Vec<Vec<Expr>> {
    let text = || col(CLEAN);
    let duration = r"(\d+)\s*(?:-\s*\d+\s*)?(day|week|month|mo|year|yr)s?\b";
    let quarter_first = r"\bq([1-4])\b\D{0,4}(\d{4}|\d{2})\b";
    let year_first = r"\b(\d{4})\s*-?\s*q([1-4])\b";
    let group = |pattern: &str, i| text().str().extract(lit(pattern.to_string()), i);
    let unit = col("_unit");
    let unit_days = first_match(
        DAYS_PER_UNIT
            .iter()
            .map(|(name, days)| (unit.clone().eq(lit(*name)), lit(*days)))
            .collect(),
        lit(NULL).cast(DataType::Float64),
    );
    let year = col("_year");
    let full_year = when(year.clone().str().len_chars().eq(lit(2u32)))
        .then(concat_str([lit("20"), year.clone()], "", false))
        .otherwise(year);
    let quarter = col("_quarter");
    let month = first_match(
        vec![
            (quarter.clone().eq(lit("1")), lit("01")),
            (quarter.clone().eq(lit("2")), lit("04")),
            (quarter.eq(lit("3")), lit("07")),
        ],
        lit("10"),
    );
    let quarter_start = concat_str([full_year, lit("-"), month, lit("-01")], "", false)
        .str()
        .to_date(StrptimeOptions {
            format: Some("%Y-%m-%d".into()),
            strict: false,
            exact: true,
            cache: false,
        })
        .cast(DataType::Int32);
    vec![
        vec![
            group(duration, 1).cast(DataType::Float64).alias("_count"),
            group(duration, 2).alias("_unit"),
            coalesce(&[group(quarter_first, 1), group(year_first, 2)]).alias("_quarter"),
            coalesce(&[group(quarter_first, 2), group(year_first, 1)]).alias("_year"),
        ],
        vec![
            (col("_count") * unit_days).alias("_duration"),
            quarter_start.alias("_quarter_start"),
        ],
    ]
}

/// Timeline (reads [`timeline_steps`]): a word such as `asap`, or a duration, date or
/// quarter within `timeline_max_days` of `as_of` and not past.
pub fn timeline(rules: &FitRules, as_of: NaiveDate) -> Expr {
    let bant = &rules.bant;
    let today = epoch_days(as_of);
    let max_days = bant.timeline_max_days as i32;
    let in_window = |start: Expr, earliest: i32| {
        let ahead = start - lit(today);
        ahead
            .clone()
            .gt_eq(lit(earliest))
            .and(ahead.lt_eq(lit(max_days)))
            .fill_null(lit(false))
    };
    let plausible = matches_whole(&bant.timeline_words)
        .or(col("_duration")
            .lt_eq(lit(bant.timeline_max_days as f64))
            .fill_null(lit(false)))
        .or(in_window(col("_date"), 0))
        // A quarter that has begun but not ended is still a plausible timeline.
        .or(in_window(col("_quarter_start"), -QUARTER_DAYS));
    status(rules, plausible)
}
