//! Identity: is there a person (or company) behind the row, with the fields the rules require,
//! a name that is a name, and a postal code that fits the country (also normalised here, as
//! `country_normalized`, for the later stages).

mod country;
mod names;
mod postal;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

pub use country::normalize_country;
pub use names::{name_problem, same_in_every_field, split_placeholder, NameLists, NameProblem};
pub use postal::{verify_postal, PostalProblem, PostalVerdict};

use super::distinct::Distinct;
use super::field_report::{field_report, FieldStatus};
use super::{
    blank_mask, distinct_column, str_column, CheckInfo, Findings, Stage, StageContext, StageOutput,
};
use crate::error::{PolarsContext, Result};

/// Name fields judged by `name.placeholder`.
const NAME_FIELDS: &[&str] = &["first_name", "last_name", "full_name"];

pub const CHECKS: &[CheckInfo] = &[
    CheckInfo {
        id: "field.missing",
        family: "identity",
        title: "a field the rules require is empty",
    },
    CheckInfo {
        id: "name.missing",
        family: "identity",
        title: "no name at all (first, last or full name)",
    },
    CheckInfo {
        id: "name.placeholder",
        family: "identity",
        title: "placeholder or junk name (test, asdf, n/a, keyboard mash)",
    },
    CheckInfo {
        id: "address.postal",
        family: "identity",
        title: "postal code is malformed for its country",
    },
];

/// The `[identity]` section of the rules; defaults and comments are in `rules/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityRules {
    /// Fields every lead must have. `a|b` means at least one of `a` and `b`.
    pub required_fields: Vec<String>,
    /// Added to the built-in placeholder names (`rules/lists/placeholder_names.txt`); a value
    /// starting with `* ` matches any word of a name.
    pub extra_placeholder_names: Vec<String>,
}

impl Default for IdentityRules {
    fn default() -> Self {
        crate::rules::builtin_section("identity")
    }
}

impl IdentityRules {
    /// Checks the section; errors give (key, message).
    pub fn validate(&self) -> std::result::Result<(), (String, String)> {
        for spec in &self.required_fields {
            if spec.split('|').any(|f| f.trim().is_empty()) {
                return Err((
                    "identity.required_fields".into(),
                    format!("`identity.required_fields` entry '{spec}' has an empty field name"),
                ));
            }
        }
        Ok(())
    }
}

pub struct IdentityStage;

impl Stage for IdentityStage {
    fn reads_columns_of(&self) -> &'static [&'static str] {
        &[]
    }

    fn run(&self, leads: &DataFrame, ctx: &StageContext) -> Result<StageOutput> {
        // Missing fields, placeholder names and places (country, postal code) read
        // different columns: they run in parallel, and their findings join in this order.
        let (missing, (placeholders, places)) = rayon::join(
            || missing_fields(leads, ctx),
            || rayon::join(|| placeholder_names(leads, ctx), || places(leads, ctx)),
        );
        let Places {
            countries,
            postal_codes,
            status,
            findings: postal_findings,
        } = places?;
        let mut findings = missing?;
        findings.extend(placeholders?);
        findings.extend(postal_findings);
        let (summary, report) = field_report(
            leads,
            ("identity", "Postal codes", "postal_code"),
            &status,
            &findings,
            &["address.postal"],
            Vec::new(),
        )?;
        Ok(StageOutput {
            columns: vec![countries.into_column(), postal_codes.into_column()],
            findings,
            summary: vec![summary],
            report: Some(report),
            ..StageOutput::default()
        })
    }
}

/// `field.missing` and `name.missing`.
fn missing_fields(leads: &DataFrame, ctx: &StageContext) -> Result<Findings> {
    let mut findings = Findings::default();
    if ctx.rules.is_enabled("field.missing") {
        field_missing(leads, &ctx.rules.identity.required_fields, &mut findings)?;
    }
    if ctx.rules.is_enabled("name.missing") {
        let mut no_name = BooleanChunked::full("no_name".into(), true, leads.height());
        for field in ["first_name", "last_name", "full_name"] {
            if let Some(values) = str_column(leads, field)? {
                no_name = &no_name & &blank_mask(&values);
            }
        }
        findings.push_mask(&no_name, "name.missing", "no first, last or full name");
    }
    Ok(findings)
}

/// `name.placeholder`.
fn placeholder_names(leads: &DataFrame, ctx: &StageContext) -> Result<Findings> {
    let mut findings = Findings::default();
    if ctx.rules.is_enabled("name.placeholder") {
        name_placeholder(leads, &ctx.rules.identity, &mut findings)?;
    }
    Ok(findings)
}

/// The normalised country and postal code columns, each row's postal code status and the
/// `address.postal` findings.
struct Places {
    countries: StringChunked,
    postal_codes: StringChunked,
    status: Vec<FieldStatus>,
    findings: Findings,
}

fn places(leads: &DataFrame, ctx: &StageContext) -> Result<Places> {
    let mut findings = Findings::default();
    let countries = country_normalized(leads, &ctx.rules.leads.default_country)?;
    let (postal_codes, status) = postal_codes(leads, &countries, ctx, &mut findings)?;
    Ok(Places {
        countries,
        postal_codes,
        status,
        findings,
    })
}

/// `country_normalized`: the row's country as ISO alpha-2 (any spelling: "USA", "U.K.",
/// "Deutschland"); the rules' default country where the row has none; null where the row's
/// country is not recognised.
fn country_normalized(leads: &DataFrame, default_country: &str) -> Result<StringChunked> {
    let default_country = normalize_country(default_country);
    let name = "country_normalized".into();
    let Some(written) = str_column(leads, "country")? else {
        return Ok(StringChunked::full(
            name,
            default_country.unwrap_or_default(),
            leads.height(),
        ));
    };
    let distinct = Distinct::new(
        written
            .iter()
            .map(|v| v.map(str::trim).filter(|v| !v.is_empty())),
    );
    let codes = distinct.map(|raw| normalize_country(raw));
    Ok(StringChunked::from_iter_options(
        name,
        distinct.per_row(&codes).map(|code| match code {
            Some(code) => *code,
            None => default_country,
        }),
    ))
}

/// `address.postal` and `postal_code_normalized`, judged in the row's normalised country.
fn postal_codes(
    leads: &DataFrame,
    countries: &StringChunked,
    ctx: &StageContext,
    findings: &mut Findings,
) -> Result<(StringChunked, Vec<FieldStatus>)> {
    let name = "postal_code_normalized";
    let height = leads.height();
    let Some(codes) = str_column(leads, "postal_code")? else {
        return Ok((
            StringChunked::full_null(name.into(), height),
            vec![FieldStatus::Absent; height],
        ));
    };
    // Countries are few: rows key on a country's index, so the key hashes and compares one
    // string, not two.
    let country_index = Distinct::new(countries.iter().map(|c| Some(c.unwrap_or_default())));
    let distinct = Distinct::new(codes.iter().zip(&country_index.row_key).map(
        |(code, country)| {
            code.filter(|c| !c.trim().is_empty())
                .map(|code| (code, country.unwrap_or_default()))
        },
    ));
    let verdicts = distinct.map(|(code, country)| {
        let country = country_index.keys.get(*country as usize).copied();
        verify_postal(code, country.unwrap_or_default())
    });
    let check = ctx.rules.is_enabled("address.postal");
    let mut status = Vec::with_capacity(height);
    for (row, verdict) in distinct.per_row(&verdicts).enumerate() {
        status.push(match verdict {
            Some(v) if v.checked && v.problem.is_none() => FieldStatus::Valid,
            Some(v) if v.checked => FieldStatus::Invalid,
            _ => FieldStatus::Absent,
        });
        if let (true, Some(problem)) = (check, verdict.and_then(|v| v.problem.as_ref())) {
            findings.push(row as u32, "address.postal", problem.to_string());
        }
    }
    let normalized = distinct
        .gather_str(name, verdicts.iter().map(|v| v.normalized.as_deref()))
        .step("postal_code_normalized")?;
    Ok((normalized, status))
}

/// `name.placeholder`: one finding per row naming each junk name field, and rows whose first
/// name, last name and company are one word.
fn name_placeholder(
    leads: &DataFrame,
    rules: &IdentityRules,
    findings: &mut Findings,
) -> Result<()> {
    let lists = NameLists::new(rules);
    // Per name field: each distinct value's part of the detail (`first_name: ...`), if junk.
    let mut fields: Vec<(Distinct<&str>, Vec<Option<String>>)> = Vec::new();
    for field in NAME_FIELDS {
        if leads.column(field).is_err() {
            continue;
        }
        let distinct = distinct_column(leads, field)?;
        let parts = distinct
            .map(|value| name_problem(value, &lists).map(|problem| format!("{field}: {problem}")));
        fields.push((distinct, parts));
    }
    let (first, last) = (
        str_column(leads, "first_name")?,
        str_column(leads, "last_name")?,
    );
    let (first, last) = (first.as_deref(), last.as_deref());
    let company = str_column(leads, "company")?;
    let company = company.as_deref();
    // "John" / "Doe": neither field is junk alone, so the finding names both.
    let pairs = match (first, last) {
        (Some(first), Some(last)) => {
            let pairs = Distinct::new(first.iter().zip(last.iter()).map(|(f, l)| f.zip(l)));
            let parts = pairs.map(|(first, last)| {
                split_placeholder(first, last, &lists)
                    .map(|problem| format!("first_name + last_name: {problem}"))
            });
            Some((pairs, parts))
        }
        _ => None,
    };
    let same_everywhere = NameProblem::SameInEveryField.to_string();
    let mut field_iters: Vec<_> = fields
        .iter()
        .map(|(distinct, parts)| distinct.per_row(parts))
        .collect();
    let mut pair_iter = pairs
        .as_ref()
        .map(|(distinct, parts)| distinct.per_row(parts));
    let mut triples = match (first, last, company) {
        (Some(first), Some(last), Some(company)) => {
            Some(first.iter().zip(last.iter()).zip(company.iter()))
        }
        _ => None,
    };
    for row in 0..leads.height() {
        let mut detail = String::new();
        for rows in field_iters.iter_mut() {
            if let Some(Some(Some(part))) = rows.next() {
                if !detail.is_empty() {
                    detail.push_str("; ");
                }
                detail.push_str(part);
            }
        }
        if let Some(Some(Some(Some(part)))) = pair_iter.as_mut().map(Iterator::next) {
            if detail.is_empty() {
                detail.push_str(part);
            }
        }
        if let Some(Some(((Some(first), Some(last)), Some(company)))) =
            triples.as_mut().map(Iterator::next)
        {
            if same_in_every_field(first, last, company) {
                if !detail.is_empty() {
                    detail.push_str("; ");
                }
                detail.push_str(&same_everywhere);
            }
        }
        if !detail.is_empty() {
            findings.push(row as u32, "name.placeholder", detail);
        }
    }
    Ok(())
}

/// One `field.missing` finding per row, naming every required field it lacks.
fn field_missing(leads: &DataFrame, required: &[String], findings: &mut Findings) -> Result<()> {
    let height = leads.height();
    let mut missing: Vec<Vec<&str>> = vec![Vec::new(); height];
    for spec in required {
        let mut all_blank = BooleanChunked::full("blank".into(), true, height);
        for field in spec.split('|').map(str::trim) {
            if let Some(values) = str_column(leads, field)? {
                all_blank = &all_blank & &blank_mask(&values);
            }
        }
        for (row, blank) in all_blank.iter().enumerate() {
            if blank == Some(true) {
                missing[row].push(spec.as_str());
            }
        }
    }
    for (row, fields) in missing.into_iter().enumerate() {
        if !fields.is_empty() {
            findings.push(
                row as u32,
                "field.missing",
                format!("missing: {}", fields.join(", ")),
            );
        }
    }
    Ok(())
}
