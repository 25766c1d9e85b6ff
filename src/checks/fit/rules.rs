//! The `[fit]` rules section: the vocabulary that turns raw lead fields into criterion values
//! (bands, industry groups, title levels), the ideal customer profile, exclusions, BANT and
//! the scoring segments. Criterion names are struct fields, so a typo in one is a serde error
//! naming the key; criterion *values* are checked by [`FitRules::validate`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::criteria::{band_names, BandKind, Criterion};

/// Which code system the `naics` column holds (headers `sic` and `sic_code` map to it too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeSystem {
    Naics,
    Sic,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitRules {
    pub industry_codes: CodeSystem,
    /// Country spellings mapped to ISO 3166 alpha-2 codes (keys upper case).
    pub country_aliases: BTreeMap<String, String>,
    /// Lower bounds of the employee bands, ascending; bands are named `1-10`, …, `10001+`.
    pub employee_bands: Vec<u64>,
    /// Lower bounds of the revenue bands, ascending; bands are named `0-1M`, …, `1B+`.
    pub revenue_bands: Vec<u64>,
    /// Industry groups; a lead belongs to the first group its code or industry name matches.
    #[serde(default)]
    pub industries: Vec<IndustryGroup>,
    /// Seniority levels from the job title; the first matching pattern wins.
    #[serde(default)]
    pub seniority: Vec<TitleRule>,
    /// Job functions from the job title; the first matching pattern wins.
    #[serde(default)]
    pub functions: Vec<TitleRule>,
    /// Criteria a lead must have a known value for to be in the market (when the ICP lists
    /// values for them).
    #[serde(default)]
    pub market_requires: Vec<String>,
    /// The ideal customer profile: accepted values per criterion (empty = any).
    #[serde(default)]
    pub market: PerCriterion<Vec<String>>,
    #[serde(default)]
    pub exclude: ExcludeRules,
    pub bant: BantRules,
    pub activity: ActivityRules,
    /// Scoring segments; a lead is scored by the first whose `when` it matches. The last
    /// segment has no `when` and takes everyone else.
    pub segments: Vec<Segment>,
    /// How many top contributing criteria `fit_top_criteria` names.
    pub top_criteria: usize,
    /// Width of a score histogram bin in the summary and report.
    pub histogram_bin_width: f64,
}

/// One value per criterion; used for the ICP (accepted values), segment conditions and points.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PerCriterion<T: Default> {
    pub country: T,
    pub region: T,
    pub industry: T,
    pub employees: T,
    pub revenue: T,
    pub seniority: T,
    pub function: T,
}

impl<T: Default> PerCriterion<T> {
    pub fn get(&self, criterion: Criterion) -> &T {
        match criterion {
            Criterion::Country => &self.country,
            Criterion::Region => &self.region,
            Criterion::Industry => &self.industry,
            Criterion::Employees => &self.employees,
            Criterion::Revenue => &self.revenue,
            Criterion::Seniority => &self.seniority,
            Criterion::Function => &self.function,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndustryGroup {
    pub name: String,
    /// NAICS code prefixes (used when `industry_codes = "naics"`).
    #[serde(default)]
    pub naics: Vec<String>,
    /// SIC code prefixes (used when `industry_codes = "sic"`).
    #[serde(default)]
    pub sic: Vec<String>,
    /// Words or phrases found in the `industry` field (whole words, any case).
    #[serde(default)]
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleRule {
    pub name: String,
    /// Regular expression matched against the lower-cased job title.
    pub pattern: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExcludeRules {
    /// Competitors' email domains (subdomains match too).
    pub competitor_domains: Vec<String>,
    /// Domain suffixes of schools and universities, e.g. `edu`, `ac.uk`.
    pub student_domains: Vec<String>,
    /// Regular expression on the lower-cased job title for students ("" = off).
    pub student_titles: String,
    /// Exclude free mailboxes (B2B): the email family's free-webmail list, i.e.
    /// `rules/lists/free_email_domains.txt` plus `[email] extra_free_domains`.
    pub free_email: bool,
    /// Regular expression on the lower-cased job title for job seekers ("" = off).
    pub job_seeker_titles: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BantRules {
    /// When true a lead qualifies only with budget, authority, need and timeline present and
    /// plausible.
    pub required: bool,
    /// Regular expression (full value, lower case) for values that mean "nothing": `n/a`, `tbd`.
    pub placeholders: String,
    /// A numeric budget below this is implausible.
    pub min_budget: f64,
    /// Regular expression for plausible budget answers without an amount (`approved`).
    pub budget_words: String,
    /// Regular expression for plausible authority answers (`yes`, `decision maker`).
    pub authority_words: String,
    /// Seniority levels that count as authority when the field holds a job title.
    pub authority_levels: Vec<String>,
    /// A need statement shorter than this is implausible.
    pub need_min_chars: usize,
    /// A timeline further out than this many days (or in the past) is implausible.
    pub timeline_max_days: u32,
    /// Regular expression for plausible timeline answers without a date (`asap`).
    pub timeline_words: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityRules {
    /// Behavioural points halve every this many days since `last_activity_at` (at --as-of).
    pub half_life_days: f64,
    /// Weight of behavioural points when a lead has no readable `last_activity_at`.
    pub undated_weight: f64,
    /// Date formats tried for `last_activity_at` and timeline dates (chrono strftime).
    pub date_formats: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    pub name: String,
    /// Condition: accepted values per criterion, all must hold (empty = always).
    #[serde(default)]
    pub when: PerCriterion<Vec<String>>,
    /// Score at or above which a lead of this segment is qualified.
    pub threshold: f64,
    /// Points per criterion value; `other` = any known value not listed, `unknown` = missing.
    #[serde(default)]
    pub points: PerCriterion<BTreeMap<String, f64>>,
    #[serde(default)]
    pub behaviour: BehaviourPoints,
    /// Points for each BANT element that is present and plausible.
    #[serde(default)]
    pub bant: BantPoints,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BehaviourPoints {
    pub email_opens: Option<EventPoints>,
    pub email_clicks: Option<EventPoints>,
    pub downloads: Option<EventPoints>,
    pub webinar_attended: Option<EventPoints>,
    pub pages_visited: Option<EventPoints>,
    /// Points for activity at --as-of; like all behavioural points they decay with age.
    pub last_activity: f64,
}

/// The event columns that carry behaviour counts, in output order.
pub const EVENT_COLUMNS: &[&str] = &[
    "email_opens",
    "email_clicks",
    "downloads",
    "webinar_attended",
    "pages_visited",
];

impl BehaviourPoints {
    /// Points per event column, aligned with [`EVENT_COLUMNS`].
    pub fn events(&self) -> [Option<&EventPoints>; 5] {
        [
            self.email_opens.as_ref(),
            self.email_clicks.as_ref(),
            self.downloads.as_ref(),
            self.webinar_attended.as_ref(),
            self.pages_visited.as_ref(),
        ]
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventPoints {
    /// Points per event (a yes/true counts as one).
    pub each: f64,
    /// Cap on this column's points.
    #[serde(default)]
    pub max: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BantPoints {
    pub budget: f64,
    pub authority: f64,
    pub need: f64,
    pub timeline: f64,
}

/// The BANT elements, in order.
pub const BANT_ELEMENTS: &[&str] = &["budget", "authority", "need", "timeline"];

impl BantPoints {
    /// Points aligned with [`BANT_ELEMENTS`].
    pub fn values(&self) -> [f64; 4] {
        [self.budget, self.authority, self.need, self.timeline]
    }
}

/// Validation error: (dotted key, message).
type Invalid = (String, String);

fn invalid(key: impl Into<String>, message: impl Into<String>) -> Invalid {
    (key.into(), message.into())
}

fn check_regex(key: &str, pattern: &str) -> Result<(), Invalid> {
    regex::Regex::new(pattern).map(|_| ()).map_err(|e| {
        invalid(
            key,
            format!("`{key}` is not a valid regular expression: {e}"),
        )
    })
}

fn is_country_code(value: &str) -> bool {
    value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_region_code(value: &str) -> bool {
    value.split_once('-').is_some_and(|(country, sub)| {
        is_country_code(country)
            && (1..=3).contains(&sub.len())
            && sub
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

impl FitRules {
    /// The values a closed criterion can take (besides `unknown`); `None` for the open ones
    /// (country, region), whose values are codes.
    pub fn vocabulary(&self, criterion: Criterion) -> Option<Vec<String>> {
        let named = |names: Vec<&String>| {
            let mut values: Vec<String> = names.into_iter().cloned().collect();
            values.push("other".into());
            Some(values)
        };
        match criterion {
            Criterion::Country | Criterion::Region => None,
            Criterion::Industry => named(self.industries.iter().map(|g| &g.name).collect()),
            Criterion::Seniority => named(self.seniority.iter().map(|r| &r.name).collect()),
            Criterion::Function => named(self.functions.iter().map(|r| &r.name).collect()),
            Criterion::Employees => Some(band_names(&self.employee_bands, BandKind::Count)),
            Criterion::Revenue => Some(band_names(&self.revenue_bands, BandKind::Money)),
        }
    }

    /// Checks a criterion value written in the rules; `extra` are accepted special values.
    fn check_value(
        &self,
        criterion: Criterion,
        key: &str,
        value: &str,
        extra: &[&str],
    ) -> Result<(), Invalid> {
        if extra.contains(&value) {
            return Ok(());
        }
        let ok = match (criterion, self.vocabulary(criterion)) {
            (Criterion::Country, _) => is_country_code(value),
            (Criterion::Region, _) => is_region_code(value),
            (_, Some(vocabulary)) => vocabulary.iter().any(|v| v == value),
            (_, None) => false,
        };
        if ok {
            return Ok(());
        }
        let expected = match self.vocabulary(criterion) {
            Some(mut v) => {
                v.extend(extra.iter().map(|s| s.to_string()));
                v.join(", ")
            }
            None if criterion == Criterion::Country => "an ISO 3166 alpha-2 code such as US".into(),
            None => "a region code such as US-CA".into(),
        };
        Err(invalid(
            key,
            format!(
                "`{key}`: unknown {} value `{value}`; expected {expected}",
                criterion.name()
            ),
        ))
    }

    fn check_values(
        &self,
        lists: &PerCriterion<Vec<String>>,
        section: &str,
        extra: &[&str],
    ) -> Result<(), Invalid> {
        for criterion in Criterion::ALL {
            let key = format!("{section}.{}", criterion.name());
            for value in lists.get(criterion) {
                self.check_value(criterion, &key, value, extra)?;
            }
        }
        Ok(())
    }

    /// Checks the section; errors give (dotted key, message).
    pub fn validate(&self) -> Result<(), Invalid> {
        for (key, bounds) in [
            ("fit.employee_bands", &self.employee_bands),
            ("fit.revenue_bands", &self.revenue_bands),
        ] {
            if bounds.is_empty() || bounds.windows(2).any(|w| w[0] >= w[1]) {
                return Err(invalid(
                    key,
                    format!("`{key}` must list band lower bounds in strictly ascending order"),
                ));
            }
        }
        for (alias, code) in &self.country_aliases {
            if !is_country_code(code) || alias.to_uppercase() != *alias {
                return Err(invalid(
                    format!("fit.country_aliases.{alias}"),
                    format!("`fit.country_aliases.{alias}`: keys are upper case and values ISO 3166 alpha-2 codes such as \"US\""),
                ));
            }
        }
        let mut names = BTreeSet::new();
        for (i, group) in self.industries.iter().enumerate() {
            let key = format!("fit.industries.{i}");
            check_name(&key, &group.name, &mut names)?;
            let codes = group.naics.iter().chain(&group.sic);
            if let Some(code) = codes
                .into_iter()
                .find(|c| c.is_empty() || !c.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(invalid(
                    key.clone(),
                    format!("`{key}`: code prefix '{code}' must be digits"),
                ));
            }
            if group.names.iter().any(|n| n.trim().is_empty()) {
                return Err(invalid(
                    key.clone(),
                    format!("`{key}.names` has an empty name"),
                ));
            }
        }
        for (section, rules) in [
            ("seniority", &self.seniority),
            ("functions", &self.functions),
        ] {
            let mut names = BTreeSet::new();
            for (i, rule) in rules.iter().enumerate() {
                let key = format!("fit.{section}.{i}");
                check_name(&key, &rule.name, &mut names)?;
                check_regex(&format!("{key}.pattern"), &rule.pattern)?;
            }
        }
        for name in &self.market_requires {
            if Criterion::from_name(name).is_none() {
                return Err(invalid(
                    "fit.market_requires",
                    format!(
                        "`fit.market_requires` has unknown criterion `{name}`; criteria: {}",
                        Criterion::names()
                    ),
                ));
            }
        }
        self.check_values(&self.market, "fit.market", &[])?;
        self.validate_exclusions()?;
        self.validate_bant()?;
        let activity = &self.activity;
        // NaN fails too.
        if activity.half_life_days.is_nan() || activity.half_life_days <= 0.0 {
            return Err(invalid(
                "fit.activity.half_life_days",
                "`fit.activity.half_life_days` must be above 0",
            ));
        }
        if !(0.0..=1.0).contains(&activity.undated_weight) {
            return Err(invalid(
                "fit.activity.undated_weight",
                "`fit.activity.undated_weight` must be between 0 and 1",
            ));
        }
        for format in &activity.date_formats {
            if !format.contains("%Y") || !format.contains("%m") || !format.contains("%d") {
                return Err(invalid(
                    "fit.activity.date_formats",
                    format!("`fit.activity.date_formats` entry '{format}' needs %Y, %m and %d"),
                ));
            }
        }
        self.validate_segments()?;
        if !(1..=10).contains(&self.top_criteria) {
            return Err(invalid(
                "fit.top_criteria",
                "`fit.top_criteria` must be between 1 and 10",
            ));
        }
        if !self.histogram_bin_width.is_finite() || self.histogram_bin_width < 0.1 {
            return Err(invalid(
                "fit.histogram_bin_width",
                "`fit.histogram_bin_width` must be at least 0.1 (scores have one decimal)",
            ));
        }
        Ok(())
    }

    fn validate_exclusions(&self) -> Result<(), Invalid> {
        let exclude = &self.exclude;
        for (key, domains) in [
            (
                "fit.exclude.competitor_domains",
                &exclude.competitor_domains,
            ),
            ("fit.exclude.student_domains", &exclude.student_domains),
        ] {
            if let Some(bad) = domains.iter().find(|d| {
                d.is_empty() || d.starts_with('.') || d.contains('@') || d.to_lowercase() != **d
            }) {
                return Err(invalid(
                    key,
                    format!("`{key}` entry '{bad}' must be a lower-case domain without @ or leading dot"),
                ));
            }
        }
        check_regex("fit.exclude.student_titles", &exclude.student_titles)?;
        check_regex("fit.exclude.job_seeker_titles", &exclude.job_seeker_titles)
    }

    fn validate_bant(&self) -> Result<(), Invalid> {
        let bant = &self.bant;
        for (key, pattern) in [
            ("fit.bant.placeholders", &bant.placeholders),
            ("fit.bant.budget_words", &bant.budget_words),
            ("fit.bant.authority_words", &bant.authority_words),
            ("fit.bant.timeline_words", &bant.timeline_words),
        ] {
            check_regex(key, pattern)?;
        }
        for level in &bant.authority_levels {
            self.check_value(
                Criterion::Seniority,
                "fit.bant.authority_levels",
                level,
                &[],
            )?;
        }
        if bant.min_budget.is_nan() || bant.min_budget < 0.0 {
            return Err(invalid(
                "fit.bant.min_budget",
                "`fit.bant.min_budget` must be 0 or more",
            ));
        }
        Ok(())
    }

    fn validate_segments(&self) -> Result<(), Invalid> {
        let Some(last) = self.segments.last() else {
            return Err(invalid(
                "fit.segments",
                "`fit.segments` needs at least one segment",
            ));
        };
        if Criterion::ALL.iter().any(|&c| !last.when.get(c).is_empty()) {
            return Err(invalid(
                format!("fit.segments.{}.when", self.segments.len() - 1),
                format!(
                    "the last segment (`{}`) must have no `when`: it scores every lead the others do not take",
                    last.name
                ),
            ));
        }
        let mut names = BTreeSet::new();
        for (i, segment) in self.segments.iter().enumerate() {
            let key = format!("fit.segments.{i}");
            check_name(&key, &segment.name, &mut names)?;
            if !segment.threshold.is_finite() {
                return Err(invalid(
                    format!("{key}.threshold"),
                    format!("`{key}.threshold` must be a number"),
                ));
            }
            self.check_values(&segment.when, &format!("{key}.when"), &["unknown"])?;
            for criterion in Criterion::ALL {
                let points_key = format!("{key}.points.{}", criterion.name());
                for (value, points) in segment.points.get(criterion) {
                    let value_key = format!("{points_key}.{value}");
                    self.check_value(criterion, &value_key, value, &["other", "unknown"])?;
                    if !points.is_finite() {
                        return Err(invalid(
                            value_key.clone(),
                            format!("`{value_key}` must be a number"),
                        ));
                    }
                }
            }
            for (column, event) in EVENT_COLUMNS.iter().zip(segment.behaviour.events()) {
                let Some(event) = event else { continue };
                let event_key = format!("{key}.behaviour.{column}");
                if !event.each.is_finite() || event.max.is_some_and(|m| m.is_nan() || m < 0.0) {
                    return Err(invalid(
                        event_key.clone(),
                        format!("`{event_key}`: `each` must be a number and `max` 0 or more"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether the ICP, a segment condition or a points table mentions the criterion.
    pub fn uses(&self, criterion: Criterion) -> bool {
        !self.market.get(criterion).is_empty()
            || self
                .segments
                .iter()
                .any(|s| !s.when.get(criterion).is_empty() || !s.points.get(criterion).is_empty())
    }

    /// Whether any segment gives points for BANT elements.
    fn scores_bant(&self) -> bool {
        self.segments
            .iter()
            .any(|s| s.bant.values().iter().any(|&p| p != 0.0))
    }

    /// Whether BANT statuses are worked out: BANT is required, or some segment scores it.
    pub fn uses_bant(&self) -> bool {
        self.bant.required || self.scores_bant()
    }
}

/// Names are identifiers shown in outputs: non-empty, unique, no separators.
fn check_name(key: &str, name: &str, seen: &mut BTreeSet<String>) -> Result<(), Invalid> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
        && name != "other"
        && name != "unknown";
    if !ok {
        return Err(invalid(
            format!("{key}.name"),
            format!("`{key}.name` '{name}' must be letters, digits, _ or - (and not `other` or `unknown`)"),
        ));
    }
    if !seen.insert(name.to_string()) {
        return Err(invalid(
            format!("{key}.name"),
            format!("`{key}.name` '{name}' is used twice"),
        ));
    }
    Ok(())
}
