//! Fit: is the lead in the target market (ICP), is it excluded (competitor, student, free
//! mailbox, job seeker), and how does it score against the segment's matrix — with
//! behaviour, activity decay and BANT — on the way to `lead` / `mql` / `sql`.
//!
//! Two phases, both polars expressions built from the rules: [`criteria`] and [`bant`] turn
//! each raw field into criterion values once per *distinct* field value ([`per_value`]), then
//! [`score`] combines them per row. [`report`] summarises the result.

mod bant;
mod criteria;
mod report;
pub mod rules;
mod score;
#[cfg(test)]
mod tests;

use polars::prelude::*;
use rayon::prelude::*;

use super::distinct::Distinct;
use super::email::EmailLists;
use super::{str_column, CheckInfo, Findings, Stage, StageContext, StageOutput};
use crate::error::{PolarsContext, Result};
use crate::ingest::SOURCE_COL;
use criteria::{BandKind, Criterion, VALUE};
use rules::{FitRules, BANT_ELEMENTS, EVENT_COLUMNS};
use score::Enabled;

pub const CHECKS: &[CheckInfo] = &[
    CheckInfo {
        id: "fit.market",
        family: "fit",
        title: "outside the target market (ICP: geography, industry, size, title)",
    },
    CheckInfo {
        id: "fit.excluded",
        family: "fit",
        title: "excluded: competitor, student, free mailbox or job seeker",
    },
    CheckInfo {
        id: "fit.score",
        family: "fit",
        title: "below the qualification threshold of its segment (or BANT incomplete)",
    },
];

/// Working columns shared by the phases.
const WEIGHT: &str = "_fit_weight";
const DATED: &str = "_fit_dated";
const EXCLUSION: &str = "_fit_exclusion";
const STATE: &str = "_fit_state";
const INDUSTRY_BY_NAME: &str = "_fit_industry_by_name";
const INDUSTRY_BY_CODE: &str = "_fit_industry_by_code";
const INDUSTRY_NAMED: &str = "_fit_industry_named";
const INDUSTRY_CODED: &str = "_fit_industry_coded";
const DOMAIN_EXCLUSION: &str = "_fit_domain_exclusion";
const TITLE_EXCLUSION: &str = "_fit_title_exclusion";

fn event_column(column: &str) -> String {
    format!("_fit_event_{column}")
}

fn bant_column(element: &str) -> String {
    format!("_fit_bant_{element}")
}

pub struct FitStage;

impl Stage for FitStage {
    fn run(&self, leads: &DataFrame, ctx: &StageContext) -> Result<StageOutput> {
        let enabled = Enabled {
            market: ctx.rules.is_enabled("fit.market"),
            excluded: ctx.rules.is_enabled("fit.excluded"),
        };
        let score_enabled = ctx.rules.is_enabled("fit.score");
        if !enabled.market && !enabled.excluded && !score_enabled {
            return Ok(StageOutput::default());
        }
        let rules = &ctx.rules.fit;
        let work = derive(leads, ctx, enabled)?;
        let (scored, items) = score::evaluate(work.lazy(), rules, enabled);
        let scored = scored.collect().step("scoring fit")?;

        let mut findings = Findings::default();
        push_findings(
            &scored,
            score::OUTSIDE,
            score::MARKET_DETAIL,
            "fit.market",
            &mut findings,
        )?;
        push_findings(
            &scored,
            score::EXCLUDED,
            EXCLUSION,
            "fit.excluded",
            &mut findings,
        )?;
        push_detail_findings(&scored, score::SCORE_DETAIL, "fit.score", &mut findings)?;

        let (summary, section) = report::summarize(&scored, rules, &items, enabled)?;
        let columns = [
            score::SCORE,
            score::SEGMENT,
            score::STAGE,
            score::TOP_CRITERIA,
        ]
        .iter()
        .map(|name| scored.column(name).cloned())
        .collect::<PolarsResult<Vec<Column>>>()
        .step("fit output columns")?;
        Ok(StageOutput {
            columns,
            findings,
            summary: vec![("fit".to_string(), summary)],
            report: Some(section),
            ..StageOutput::default()
        })
    }
}

/// One finding per row where `flag` holds, with the row's `detail`.
fn push_findings(
    scored: &DataFrame,
    flag: &str,
    detail: &str,
    check: &'static str,
    findings: &mut Findings,
) -> Result<()> {
    let flags = scored.column(flag).and_then(|c| c.bool()).step(flag)?;
    let details = scored.column(detail).and_then(|c| c.str()).step(detail)?;
    for (row, (hit, text)) in flags.iter().zip(details.iter()).enumerate() {
        if hit == Some(true) {
            findings.push(row as u32, check, text.unwrap_or(""));
        }
    }
    Ok(())
}

/// One finding per row whose `detail` is not null.
fn push_detail_findings(
    scored: &DataFrame,
    detail: &str,
    check: &'static str,
    findings: &mut Findings,
) -> Result<()> {
    let details = scored.column(detail).and_then(|c| c.str()).step(detail)?;
    for (row, text) in details.iter().enumerate() {
        if let Some(text) = text {
            findings.push(row as u32, check, text);
        }
    }
    Ok(())
}

/// Derivations from one input field: `steps` add working columns (each step reads the
/// previous ones), `outputs` are the columns kept.
struct Job<'a> {
    field: &'a str,
    steps: Vec<Vec<Expr>>,
    outputs: Vec<Expr>,
}

impl<'a> Job<'a> {
    fn new(field: &'a str, outputs: Vec<Expr>) -> Job<'a> {
        Job {
            field,
            steps: Vec::new(),
            outputs,
        }
    }

    fn with_steps(mut self, steps: Vec<Vec<Expr>>) -> Job<'a> {
        self.steps = steps;
        self
    }
}

/// The distinct values of a column (first-seen order) and a trailing null, and each row's
/// index into them. A missing input column counts as all null.
fn dictionary(values: Option<&StringChunked>, height: usize) -> (Vec<Option<&str>>, IdxCa) {
    let distinct = match values {
        Some(values) => Distinct::new(values.iter()),
        None => Distinct::new(std::iter::repeat_n(None, height)),
    };
    let null = distinct.keys.len() as IdxSize;
    let codes: Vec<IdxSize> = distinct
        .row_key
        .iter()
        .map(|key| key.map_or(null, |k| k as IdxSize))
        .collect();
    let mut keys: Vec<Option<&str>> = distinct.keys.into_iter().map(Some).collect();
    keys.push(None);
    (keys, IdxCa::from_vec("codes".into(), codes))
}

/// Evaluates a job on `frame` (one row per distinct value: [`VALUE`] and any precomputed
/// columns) and spreads its outputs back over the rows through `codes`.
fn evaluate_distinct(
    frame: DataFrame,
    codes: &IdxCa,
    steps: Vec<Vec<Expr>>,
    outputs: Vec<Expr>,
) -> Result<Vec<Column>> {
    let mut plan = frame.lazy().with_columns(criteria::text_step());
    for step in steps {
        plan = plan.with_columns(step);
    }
    let derived = plan.select(outputs).collect().step("fit criteria")?;
    derived
        .columns()
        .iter()
        .map(|c| c.take(codes))
        .collect::<PolarsResult<Vec<Column>>>()
        .step("fit criteria")
}

/// Evaluates a job once per distinct value of `values` (null included) and spreads its
/// outputs back over the rows.
fn per_value(
    values: Option<&StringChunked>,
    height: usize,
    steps: Vec<Vec<Expr>>,
    outputs: Vec<Expr>,
) -> Result<Vec<Column>> {
    let (keys, codes) = dictionary(values, height);
    let frame = DataFrame::new(
        keys.len(),
        vec![StringChunked::from_slice_options(VALUE.into(), &keys).into_column()],
    )
    .step("distinct values")?;
    evaluate_distinct(frame, &codes, steps, outputs)
}

/// The working frame: `_source` and, per row, every criterion value, exclusion detail,
/// behaviour count, activity weight and BANT status the rules need.
fn derive(leads: &DataFrame, ctx: &StageContext, enabled: Enabled) -> Result<DataFrame> {
    let rules = &ctx.rules.fit;
    let height = leads.height();
    let alias = |e: Expr, name: &str| e.alias(name);
    let known = || col(criteria::CLEAN).is_not_null();
    let mut jobs = vec![
        Job::new(
            "country",
            vec![alias(
                criteria::country(rules, &ctx.rules.leads.default_country),
                &Criterion::Country.column(),
            )],
        ),
        Job::new("state", vec![alias(criteria::region_code(), STATE)]),
        Job::new(
            "industry",
            vec![
                alias(criteria::industry_by_name(rules), INDUSTRY_BY_NAME),
                alias(known(), INDUSTRY_NAMED),
            ],
        ),
        Job::new(
            "naics",
            vec![
                alias(criteria::industry_by_code(rules), INDUSTRY_BY_CODE),
                alias(known(), INDUSTRY_CODED),
            ],
        ),
        Job::new(
            "employees",
            vec![alias(
                criteria::band(&rules.employee_bands, BandKind::Count),
                &Criterion::Employees.column(),
            )],
        )
        .with_steps(criteria::number_steps()),
        Job::new(
            "revenue",
            vec![alias(
                criteria::band(&rules.revenue_bands, BandKind::Money),
                &Criterion::Revenue.column(),
            )],
        )
        .with_steps(criteria::number_steps()),
        Job::new(
            "job_title",
            vec![
                alias(
                    criteria::title_level(&rules.seniority),
                    &Criterion::Seniority.column(),
                ),
                alias(
                    criteria::title_level(&rules.functions),
                    &Criterion::Function.column(),
                ),
                alias(criteria::title_exclusion(rules), TITLE_EXCLUSION),
            ],
        ),
        Job::new(
            "last_activity_at",
            vec![
                alias(criteria::activity_weight(rules, ctx.as_of), WEIGHT),
                alias(col(criteria::DATE).is_not_null(), DATED),
            ],
        )
        .with_steps(criteria::date_steps(&rules.activity.date_formats)),
    ];
    for column in EVENT_COLUMNS {
        jobs.push(Job::new(
            column,
            vec![alias(criteria::event_count(), &event_column(column))],
        ));
    }
    let uses_bant = rules.bant.required || rules.scores_bant();
    if uses_bant {
        jobs.push(
            Job::new(
                "budget",
                vec![alias(bant::budget(rules), &bant_column("budget"))],
            )
            .with_steps(criteria::number_steps()),
        );
        jobs.push(Job::new(
            "authority",
            vec![alias(bant::authority(rules), &bant_column("authority"))],
        ));
        jobs.push(Job::new(
            "need",
            vec![alias(bant::need(rules), &bant_column("need"))],
        ));
        jobs.push(
            Job::new(
                "timeline",
                vec![alias(
                    bant::timeline(rules, ctx.as_of),
                    &bant_column("timeline"),
                )],
            )
            .with_steps(bant::timeline_steps(rules)),
        );
    }
    let inputs = jobs
        .iter()
        .map(|job| str_column(leads, job.field))
        .collect::<Result<Vec<_>>>()?;
    let derived = jobs
        .into_par_iter()
        .zip(inputs)
        .map(|(job, values)| per_value(values, height, job.steps, job.outputs))
        .collect::<Result<Vec<Vec<Column>>>>()?;
    let mut columns: Vec<Column> = derived.into_iter().flatten().collect();
    columns.push(leads.column(SOURCE_COL).step(SOURCE_COL)?.clone());
    columns.push(domain_exclusions(leads, ctx, enabled)?);
    if !uses_bant {
        for element in BANT_ELEMENTS {
            columns.push(Column::new_scalar(
                bant_column(element).into(),
                Scalar::from(PlSmallStr::from_static(bant::OK)),
                height,
            ));
        }
    }
    let work = DataFrame::new(height, columns).step("fit working frame")?;
    combine(work, rules)
}

/// Exclusion detail from the email domain (competitor, student, free mailbox), or null.
/// Free mailboxes are the email family's list (`EmailLists::is_free`), asked once per
/// distinct domain.
fn domain_exclusions(leads: &DataFrame, ctx: &StageContext, enabled: Enabled) -> Result<Column> {
    let rules = &ctx.rules.fit;
    let exclude = &rules.exclude;
    let height = leads.height();
    let nothing_to_exclude = exclude.competitor_domains.is_empty()
        && exclude.student_domains.is_empty()
        && !exclude.free_email;
    let email = match str_column(leads, "email_normalized")? {
        Some(normalized) => Some(normalized),
        None => str_column(leads, "email")?,
    };
    let (Some(email), false, true) = (email, nothing_to_exclude, enabled.excluded) else {
        return Ok(Column::full_null(
            DOMAIN_EXCLUSION.into(),
            height,
            &DataType::String,
        ));
    };
    let domains = DataFrame::new(
        height,
        vec![email.clone().with_name(VALUE.into()).into_column()],
    )
    .step("email domains")?
    .lazy()
    .select([criteria::email_domain().alias(VALUE)])
    .collect()
    .step("email domains")?;
    let domains = domains
        .column(VALUE)
        .and_then(|c| c.str())
        .step("email domains")?;
    let (keys, codes) = dictionary(Some(domains), height);
    let lists = EmailLists::new(&ctx.rules.email);
    let free: BooleanChunked = keys
        .iter()
        .map(|key| Some(exclude.free_email && key.is_some_and(|d| lists.is_free(d))))
        .collect();
    let frame = DataFrame::new(
        keys.len(),
        vec![
            StringChunked::from_slice_options(VALUE.into(), &keys).into_column(),
            free.with_name(criteria::FREE_MAILBOX.into()).into_column(),
        ],
    )
    .step("email domains")?;
    let mut derived = evaluate_distinct(
        frame,
        &codes,
        Vec::new(),
        vec![criteria::domain_exclusion(rules).alias(DOMAIN_EXCLUSION)],
    )?;
    derived
        .pop()
        .ok_or_else(|| crate::error::Error::internal("email domains", "no column"))
}

/// Row-level criterion values that combine two fields: industry (by code or by name) and
/// region (country + state), and the exclusion detail (domain or title).
fn combine(work: DataFrame, rules: &FitRules) -> Result<DataFrame> {
    let index = polars::lazy::dsl::min_horizontal([col(INDUSTRY_BY_NAME), col(INDUSTRY_BY_CODE)])
        .step("industry")?;
    let known = col(INDUSTRY_NAMED).or(col(INDUSTRY_CODED));
    let mut branches: Vec<(Expr, Expr)> = rules
        .industries
        .iter()
        .enumerate()
        .map(|(i, g)| (index.clone().eq(lit(i as u32)), lit(g.name.clone())))
        .collect();
    branches.insert(0, (known.not(), lit("unknown")));
    let industry = criteria::first_match(branches, lit("other"));

    let state = col(STATE);
    let region = criteria::first_match(
        vec![
            (state.clone().is_null(), lit("unknown")),
            (
                state.clone().str().contains_literal(lit("-")),
                state.clone(),
            ),
        ],
        concat_str(
            [col(Criterion::Country.column()), lit("-"), state],
            "",
            false,
        ),
    );
    let exclusion = when(
        col(DOMAIN_EXCLUSION)
            .is_null()
            .and(col(TITLE_EXCLUSION).is_null()),
    )
    .then(lit(NULL).cast(DataType::String))
    .otherwise(concat_str(
        [col(DOMAIN_EXCLUSION), col(TITLE_EXCLUSION)],
        "; ",
        true,
    ));
    work.lazy()
        .with_columns([
            industry.alias(Criterion::Industry.column()),
            region.alias(Criterion::Region.column()),
            exclusion.alias(EXCLUSION),
        ])
        .collect()
        .step("fit criteria")
}
