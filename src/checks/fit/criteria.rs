//! Criteria and the polars expressions that turn one raw lead field into a criterion value
//! (employee band, seniority level, …). They are evaluated once per distinct field value
//! ([`super::per_value`]), so the regular expressions run on the few distinct values, not on
//! every row.

use chrono::format::{self, Item, Parsed, StrftimeItems};
use chrono::NaiveDate;
use polars::prelude::*;
use rayon::prelude::*;

use super::rules::{CodeSystem, FitRules, TitleRule};

/// The raw field in the per-value frame.
pub const VALUE: &str = "value";
/// The field trimmed and lower-cased, null when blank ([`text_step`]).
pub const CLEAN: &str = "clean";
/// The number read from the field ([`number_steps`]).
pub const NUMBER: &str = "number";

/// The criteria a lead is judged on; names are rules keys and output labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Criterion {
    Country,
    Region,
    Industry,
    Employees,
    Revenue,
    Seniority,
    Function,
}

impl Criterion {
    pub const ALL: [Criterion; 7] = [
        Criterion::Country,
        Criterion::Region,
        Criterion::Industry,
        Criterion::Employees,
        Criterion::Revenue,
        Criterion::Seniority,
        Criterion::Function,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Criterion::Country => "country",
            Criterion::Region => "region",
            Criterion::Industry => "industry",
            Criterion::Employees => "employees",
            Criterion::Revenue => "revenue",
            Criterion::Seniority => "seniority",
            Criterion::Function => "function",
        }
    }

    pub fn from_name(name: &str) -> Option<Criterion> {
        Criterion::ALL.into_iter().find(|c| c.name() == name)
    }

    /// All criterion names, for error messages.
    pub fn names() -> String {
        Criterion::ALL.map(Criterion::name).join(", ")
    }

    /// Working column holding the criterion value of each row.
    pub fn column(self) -> String {
        format!("_fit_{}", self.name())
    }
}

/// How band bounds are named: head counts inclusively (`51-200`), money compactly (`1M-10M`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandKind {
    Count,
    Money,
}

/// Band names from ascending lower bounds: `1-10`, `11-50`, …, `10001+`; `0-1M`, …, `1B+`.
pub fn band_names(bounds: &[u64], kind: BandKind) -> Vec<String> {
    let show = |v: u64| match kind {
        BandKind::Count => v.to_string(),
        BandKind::Money => compact(v),
    };
    bounds
        .iter()
        .enumerate()
        .map(|(i, &low)| match (bounds.get(i + 1), kind) {
            (Some(&next), BandKind::Count) => format!("{low}-{}", next.saturating_sub(1)),
            (Some(&next), BandKind::Money) => format!("{}-{}", show(low), show(next)),
            (None, _) => format!("{}+", show(low)),
        })
        .collect()
}

/// `1500000` → `1.5M`, `250000` → `250k`; amounts that need more than two decimals stay plain.
fn compact(value: u64) -> String {
    for (unit, suffix) in [(1_000_000_000u64, "B"), (1_000_000, "M"), (1_000, "k")] {
        if value >= unit && (value * 100).is_multiple_of(unit) {
            let scaled = format!("{:.2}", value as f64 / unit as f64);
            let trimmed = scaled.trim_end_matches('0').trim_end_matches('.');
            return format!("{trimmed}{suffix}");
        }
    }
    value.to_string()
}

/// Days since 1970-01-01 of a date, as polars stores `Date`.
pub fn epoch_days(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (date - epoch).num_days() as i32
}

/// Adds [`CLEAN`]: the field trimmed and lower-cased; blank becomes null. Every per-value
/// job starts with it, so derivations read the cleaned text once.
pub fn text_step() -> Vec<Expr> {
    let text = col(VALUE).str().strip_chars(lit(NULL)).str().to_lowercase();
    vec![when(text.clone().eq(lit("")))
        .then(null_str())
        .otherwise(text)
        .alias(CLEAN)]
}

/// Unit words after a number: thousand / million / billion.
const UNIT: &str = r"(?:(thousand|million|billion|k|mm|mn|m|bn|b)\b)?";

/// True where `value` is one of `set`.
pub fn one_of(value: Expr, set: &[&str]) -> Expr {
    value.is_in(lit(Series::new("set".into(), set)).implode(false), false)
}

fn multiplier(unit: Expr) -> Expr {
    first_match(
        vec![
            (one_of(unit.clone(), &["k", "thousand"]), lit(1e3)),
            (
                one_of(unit.clone(), &["m", "mm", "mn", "million"]),
                lit(1e6),
            ),
            (one_of(unit, &["b", "bn", "billion"]), lit(1e9)),
        ],
        lit(1.0),
    )
}

/// Steps (after [`text_step`]) that add [`NUMBER`]: a number read from text like `250`,
/// `1,000+`, `10k`, `$2.5M`, `51-200` (a range gives its midpoint; a unit on one end
/// applies to both); null when there is no number. Each step materialises what the next
/// reads, so no regular expression runs twice.
pub fn number_steps() -> Vec<Vec<Expr>> {
    let number = r"(\d+(?:\.\d+)?)\s*";
    let low_pattern = format!(r"^\D*?{number}{UNIT}");
    let high_pattern = format!(r"^\D*?\d+(?:\.\d+)?\s*{UNIT}\s*(?:-|–|to)\s*\D*?{number}{UNIT}");
    let digits = || col("_digits");
    let extract = |pattern: &str, group| digits().str().extract(lit(pattern.to_string()), group);
    let (low_unit, high_unit) = (|| col("_low_unit"), || col("_high_unit"));
    vec![
        vec![col(CLEAN)
            .str()
            .replace_all(lit(","), lit(""), true)
            .alias("_digits")],
        vec![
            extract(&low_pattern, 1)
                .cast(DataType::Float64)
                .alias("_low"),
            extract(&low_pattern, 2).alias("_low_unit"),
            // Group 1 of the high pattern is the low end's unit.
            extract(&high_pattern, 2)
                .cast(DataType::Float64)
                .alias("_high"),
            extract(&high_pattern, 3).alias("_high_unit"),
        ],
        vec![
            (col("_low") * multiplier(coalesce(&[low_unit(), high_unit()]))).alias("_low_value"),
            (col("_high") * multiplier(coalesce(&[high_unit(), low_unit()]))).alias("_high_value"),
        ],
        vec![when(col("_high_value").is_not_null())
            .then((col("_low_value") + col("_high_value")) / lit(2.0))
            .otherwise(col("_low_value"))
            .alias(NUMBER)],
    ]
}

/// `when(c1).then(v1).when(c2).then(v2)…otherwise(default)` from a list of branches: the
/// first condition that holds picks the value.
pub fn first_match(branches: Vec<(Expr, Expr)>, otherwise: Expr) -> Expr {
    branches
        .into_iter()
        .rev()
        .fold(otherwise, |acc, (condition, value)| {
            when(condition).then(value).otherwise(acc)
        })
}

fn null_str() -> Expr {
    lit(NULL).cast(DataType::String)
}

/// The band of [`NUMBER`]; `unknown` when there is none. Amounts below the first bound count
/// in the first band.
pub fn band(bounds: &[u64], kind: BandKind) -> Expr {
    let amount = col(NUMBER);
    let names = band_names(bounds, kind);
    let mut branches = vec![(amount.clone().is_null(), lit("unknown"))];
    for (bound, name) in bounds.iter().zip(&names).rev() {
        branches.push((amount.clone().gt_eq(lit(*bound as f64)), lit(name.clone())));
    }
    let first = names.first().cloned().unwrap_or_else(|| "unknown".into());
    first_match(branches, lit(first))
}

/// The name of the first title rule whose pattern matches the cleaned field; `other` when
/// none does, `unknown` when the field is blank.
pub fn title_level(rules: &[TitleRule]) -> Expr {
    let text = col(CLEAN);
    let mut branches = vec![(text.clone().is_null(), lit("unknown"))];
    for rule in rules {
        branches.push((
            text.clone().str().contains(lit(rule.pattern.clone()), true),
            lit(rule.name.clone()),
        ));
    }
    first_match(branches, lit("other"))
}

/// True where the cleaned field matches `pattern` ("" never matches).
pub fn matches(pattern: &str) -> Expr {
    if pattern.is_empty() {
        return lit(false);
    }
    col(CLEAN)
        .str()
        .contains(lit(pattern.to_string()), true)
        .fill_null(lit(false))
}

/// True where the cleaned field matches `pattern` as a whole.
pub fn matches_whole(pattern: &str) -> Expr {
    matches(&format!("^(?:{pattern})$"))
}

/// Index of the first industry group whose names occur (as whole words) in the `industry`
/// field; null when none.
pub fn industry_by_name(rules: &FitRules) -> Expr {
    first_group_index(rules, |group| {
        (!group.names.is_empty()).then(|| {
            let words: Vec<String> = group
                .names
                .iter()
                .map(|n| regex::escape(&n.trim().to_lowercase()))
                .collect();
            format!(r"\b(?:{})\b", words.join("|"))
        })
    })
}

/// Index of the first industry group whose code prefixes start the code in the `naics`
/// field (the code system the rules name); null when none.
pub fn industry_by_code(rules: &FitRules) -> Expr {
    first_group_index(rules, |group| {
        let prefixes = match rules.industry_codes {
            CodeSystem::Naics => &group.naics,
            CodeSystem::Sic => &group.sic,
        };
        (!prefixes.is_empty()).then(|| format!(r"^\D*(?:{})", prefixes.join("|")))
    })
}

fn first_group_index(
    rules: &FitRules,
    pattern: impl Fn(&super::rules::IndustryGroup) -> Option<String>,
) -> Expr {
    let text = col(CLEAN);
    let branches = rules
        .industries
        .iter()
        .enumerate()
        .filter_map(|(i, group)| {
            let hit = text.clone().str().contains(lit(pattern(group)?), true);
            Some((hit.fill_null(lit(false)), lit(i as u32)))
        })
        .collect();
    first_match(branches, lit(NULL).cast(DataType::UInt32))
}

/// Country code: aliases applied to the upper-cased field; `default` when blank.
pub fn country(rules: &FitRules, default: &str) -> Expr {
    let upper = col(VALUE).str().strip_chars(lit(NULL)).str().to_uppercase();
    let mut branches = vec![(
        upper.clone().is_null().or(upper.clone().eq(lit(""))),
        lit(default.to_string()),
    )];
    for (alias, iso) in &rules.country_aliases {
        branches.push((upper.clone().eq(lit(alias.clone())), lit(iso.clone())));
    }
    first_match(branches, upper)
}

/// The state/region field upper-cased; null when blank.
pub fn region_code() -> Expr {
    let upper = col(VALUE).str().strip_chars(lit(NULL)).str().to_uppercase();
    when(upper.clone().eq(lit("")))
        .then(null_str())
        .otherwise(upper)
}

/// Column of the domain frame: true for a free mailbox domain (when the rules exclude them).
pub const FREE_MAILBOX: &str = "_free_mailbox";

/// Detail of the exclusion a domain ([`VALUE`], with [`FREE_MAILBOX`]) falls under
/// (`competitor domain x.com`, …), or null.
pub fn domain_exclusion(rules: &FitRules) -> Expr {
    let domain = col(VALUE);
    let under = |domains: &[String]| {
        domains.iter().fold(lit(false), |any, d| {
            any.or(domain.clone().eq(lit(d.clone())))
                .or(domain.clone().str().ends_with(lit(format!(".{d}"))))
        })
    };
    let exclude = &rules.exclude;
    let labelled = |label: &str| concat_str([lit(label.to_string()), domain.clone()], "", false);
    first_match(
        vec![
            (domain.clone().is_null(), null_str()),
            (
                under(&exclude.competitor_domains),
                labelled("competitor domain "),
            ),
            (under(&exclude.student_domains), labelled("student domain ")),
            (col(FREE_MAILBOX), labelled("free email domain ")),
        ],
        null_str(),
    )
}

/// Detail of the exclusion a job title falls under (student, job seeker), or null.
pub fn title_exclusion(rules: &FitRules) -> Expr {
    let exclude = &rules.exclude;
    first_match(
        vec![
            (matches(&exclude.student_titles), lit("student title")),
            (matches(&exclude.job_seeker_titles), lit("job seeker title")),
        ],
        null_str(),
    )
}

/// An event count: a number, or yes/true (1) and no/false (0); negative counts are 0.
pub fn event_count() -> Expr {
    let text = col(CLEAN);
    let yes = one_of(text.clone(), &["yes", "y", "true", "attended", "x"]);
    let number = text.cast(DataType::Float64);
    when(yes)
        .then(lit(1.0))
        .when(number.clone().gt(lit(0.0)))
        .then(number)
        .otherwise(lit(0.0))
}

/// Column [`DATE`]: days since epoch of the first date found in each value (trimmed),
/// trying `formats` in order, each at every character position as polars' non-exact
/// `to_date` does (`2026-10-10T01:44:47-05:00` reads as 2026-10-10 with `%Y-%m-%d`). Done
/// here rather than in polars, which re-reads the format string at every position of every
/// value: that was a fifth of the fit stage at 1M rows of distinct timestamps.
pub fn date_days(values: &[Option<&str>], formats: &[String]) -> Column {
    let formats: Vec<Vec<Item>> = formats
        .iter()
        .map(|f| StrftimeItems::new(f).collect())
        .collect();
    let days = values.par_iter().map(|value| {
        let value = (*value)?.trim();
        formats.iter().find_map(|items| {
            let mut rest = value;
            while !rest.is_empty() {
                let mut parsed = Parsed::new();
                if format::parse_and_remainder(&mut parsed, rest, items.iter()).is_ok() {
                    if let Ok(date) = parsed.to_naive_date() {
                        return Some(epoch_days(date));
                    }
                }
                let mut chars = rest.chars();
                chars.next();
                rest = chars.as_str();
            }
            None
        })
    });
    Int32Chunked::from_iter_options(DATE.into(), days.collect::<Vec<_>>().into_iter()).into_column()
}

/// Column of [`date_days`].
pub const DATE: &str = "_date";

/// Weight of behavioural points given [`DATE`], the last activity: halves every half-life
/// before `as_of` (1 for dates at or after it), `undated_weight` without a date.
pub fn activity_weight(rules: &FitRules, as_of: NaiveDate) -> Expr {
    let days = lit(epoch_days(as_of)) - col(DATE);
    let age = when(days.clone().gt(lit(0)))
        .then(days.cast(DataType::Float64))
        .otherwise(lit(0.0));
    when(col(DATE).is_null())
        .then(lit(rules.activity.undated_weight))
        .otherwise(lit(0.5).pow(age / lit(rules.activity.half_life_days)))
}
