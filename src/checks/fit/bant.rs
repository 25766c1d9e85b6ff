//! BANT: is each of budget, authority, need and timeline present and plausible. Each element
//! gets a status per distinct field value: `ok`, `missing` or `implausible`.

use chrono::NaiveDate;
use polars::prelude::*;

use super::criteria::{
    amount, cleaned, date_days, epoch_days, first_match, matches_whole, one_of, title_level,
};
use super::rules::FitRules;

pub const OK: &str = "ok";
pub const MISSING: &str = "missing";
pub const IMPLAUSIBLE: &str = "implausible";

/// Average days in a quarter, month, …: timelines are judged to the day, not to the calendar.
const DAYS_PER_UNIT: &[(&str, f64)] = &[
    ("day", 1.0),
    ("week", 7.0),
    ("month", 30.0),
    ("mo", 30.0),
    ("year", 365.0),
    ("yr", 365.0),
];
const QUARTER_DAYS: i32 = 91;

/// `missing` when blank, `implausible` for placeholders or when `plausible` fails, else `ok`.
fn status(rules: &FitRules, plausible: Expr) -> Expr {
    first_match(
        vec![
            (cleaned().is_null(), lit(MISSING)),
            (matches_whole(&rules.bant.placeholders), lit(IMPLAUSIBLE)),
            (plausible.fill_null(lit(false)), lit(OK)),
        ],
        lit(IMPLAUSIBLE),
    )
}

/// Budget: an amount of at least `min_budget`, or a word such as `approved`.
pub fn budget(rules: &FitRules) -> Expr {
    let bant = &rules.bant;
    let plausible = amount()
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
    status(rules, cleaned().str().len_chars().gt_eq(lit(min)))
}

/// Timeline: a word such as `asap`, a duration (`3 months`, `6-12 months`: the near end), a
/// date or a quarter (`Q3 2027`), within `timeline_max_days` of `as_of` and not past.
pub fn timeline(rules: &FitRules, as_of: NaiveDate) -> Expr {
    let bant = &rules.bant;
    let max_days = bant.timeline_max_days as f64;
    let text = cleaned();
    let duration_pattern = r"(\d+)\s*(?:-\s*\d+\s*)?(day|week|month|mo|year|yr)s?\b";
    let count = text
        .clone()
        .str()
        .extract(lit(duration_pattern), 1)
        .cast(DataType::Float64);
    let unit = text.clone().str().extract(lit(duration_pattern), 2);
    let unit_days = first_match(
        DAYS_PER_UNIT
            .iter()
            .map(|(name, days)| (unit.clone().eq(lit(*name)), lit(*days)))
            .collect(),
        lit(NULL).cast(DataType::Float64),
    );
    let duration_ok = (count * unit_days).lt_eq(lit(max_days));

    let today = epoch_days(as_of);
    let in_window = |days_ahead: Expr, earliest: i32| {
        days_ahead
            .clone()
            .gt_eq(lit(earliest))
            .and(days_ahead.lt_eq(lit(bant.timeline_max_days as i32)))
    };
    let date_ok = in_window(date_days(&rules.activity.date_formats) - lit(today), 0);

    let quarter_first = r"\bq([1-4])\b\D{0,4}(\d{4}|\d{2})\b";
    let year_first = r"\b(\d{4})\s*-?\s*q([1-4])\b";
    let group = |pattern: &str, i| text.clone().str().extract(lit(pattern.to_string()), i);
    let quarter = coalesce(&[group(quarter_first, 1), group(year_first, 2)]);
    let year = coalesce(&[group(quarter_first, 2), group(year_first, 1)]);
    let year = when(year.clone().str().len_chars().eq(lit(2u32)))
        .then(concat_str([lit("20"), year.clone()], "", false))
        .otherwise(year);
    let month = first_match(
        vec![
            (quarter.clone().eq(lit("1")), lit("01")),
            (quarter.clone().eq(lit("2")), lit("04")),
            (quarter.eq(lit("3")), lit("07")),
        ],
        lit("10"),
    );
    let start = concat_str([year, lit("-"), month, lit("-01")], "", false)
        .str()
        .to_date(StrptimeOptions {
            format: Some("%Y-%m-%d".into()),
            strict: false,
            exact: true,
            cache: false,
        })
        .cast(DataType::Int32);
    // A quarter that has begun but not ended is still a plausible timeline.
    let quarter_ok = in_window(start - lit(today), -QUARTER_DAYS);

    let plausible = matches_whole(&bant.timeline_words)
        .or(duration_ok.fill_null(lit(false)))
        .or(date_ok.fill_null(lit(false)))
        .or(quarter_ok.fill_null(lit(false)));
    status(rules, plausible)
}
