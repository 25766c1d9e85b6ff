//! Fit: is the lead in the target market (ICP), is it excluded (competitor, student, free
//! mailbox, job seeker), and how does it score against its segment's matrix — with
//! behaviour, activity decay and BANT — on the way to `lead` / `mql` / `sql`.
//!
//! Phases: [`criteria`] and [`bant`] turn each raw field into criterion values once per
//! *distinct* field value, together with everything that depends on that value alone (ICP
//! miss, points per segment, segment conditions; [`score::criterion_exprs`]), as polars
//! expressions built from the rules. [`score`] combines them per row, again as expressions:
//! segment, points, score, stage. [`explain`] writes the text (`fit_top_criteria`, finding
//! details) from those columns, and [`report`] summarises.

mod bant;
mod criteria;
mod explain;
mod report;
pub mod rules;
mod score;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use polars::prelude::*;
use rayon::prelude::*;

use super::distinct::Distinct;
use super::email::EmailLists;
use super::{distinct_column, str_column, CheckInfo, Findings, Stage, StageContext, StageOutput};
use crate::compact_text::text;
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
const STATE: &str = "_fit_state";
const INDUSTRY_BY_NAME: &str = "_fit_industry_by_name";
const INDUSTRY_BY_CODE: &str = "_fit_industry_by_code";
const INDUSTRY_NAMED: &str = "_fit_industry_named";
const INDUSTRY_CODED: &str = "_fit_industry_coded";
/// Exclusion details per row (null: none), from the email domain and from the job title.
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
    fn reads_columns_of(&self) -> &'static [&'static str] {
        &["identity", "email"]
    }

    fn run(&self, leads: &DataFrame, ctx: &StageContext) -> Result<StageOutput> {
        fit(leads, ctx, FIT_BLOCK_ROWS)
    }
}

/// The fit stage, scoring `block_rows` rows at a time.
fn fit(leads: &DataFrame, ctx: &StageContext, block_rows: usize) -> Result<StageOutput> {
    let enabled = Enabled {
        market: ctx.rules.is_enabled("fit.market"),
        excluded: ctx.rules.is_enabled("fit.excluded"),
    };
    let score_enabled = ctx.rules.is_enabled("fit.score");
    if !enabled.market && !enabled.excluded && !score_enabled {
        return Ok(StageOutput::default());
    }
    let rules = &ctx.rules.fit;
    let (steps, items) = score::evaluate(rules, enabled);
    let summary_columns = report::summary_columns(rules, &items, enabled);
    let height = leads.height();
    let mut findings = Findings::default();
    let mut columns: Vec<Column> = Vec::new();
    let mut summary_rows: Option<DataFrame> = None;
    // One block at least, so that an empty frame still gets its (empty) columns.
    let starts = (0..height.max(1)).step_by(block_rows.max(1));
    for start in starts {
        let block = leads.slice(start as i64, block_rows);
        let scored = score_block(&block, ctx, enabled, &steps)?;
        // Independent: findings, output columns, the rows' summary columns.
        let ((block_findings, block_columns), block_summary) = rayon::join(
            || {
                rayon::join(
                    || findings_of(&scored, rules, enabled, start as u32),
                    || -> Result<Vec<Column>> {
                        Ok(vec![
                            explain::scores(&scored, score::SCORE)?,
                            scored.column(score::SEGMENT).step(score::SEGMENT)?.clone(),
                            scored.column(score::STAGE).step(score::STAGE)?.clone(),
                            explain::top_criteria(
                                &scored,
                                &items,
                                rules.top_criteria,
                                score::TOP_CRITERIA,
                            )?,
                        ])
                    },
                )
            },
            || {
                scored
                    .clone()
                    .lazy()
                    .select(summary_columns.clone())
                    .collect()
                    .step("fit summary rows")
            },
        );
        findings.extend(block_findings?);
        let block_columns = block_columns?;
        if columns.is_empty() {
            columns = block_columns;
        } else {
            for (joined, part) in columns.iter_mut().zip(block_columns) {
                joined.append_owned(part).step("fit columns")?;
            }
        }
        let block_summary = block_summary?;
        match summary_rows.as_mut() {
            Some(rows) => {
                rows.vstack_mut_owned(block_summary)
                    .step("fit summary rows")?;
            }
            None => summary_rows = Some(block_summary),
        }
    }
    for column in &mut columns {
        *column = column.rechunk();
    }
    let mut summary_rows = summary_rows.unwrap_or_default();
    summary_rows.rechunk_mut();
    let (summary, section) = report::summarize(&summary_rows, rules, &items, enabled)?;
    Ok(StageOutput {
        columns,
        findings,
        summary: vec![("fit".to_string(), summary)],
        report: Some(section),
        ..StageOutput::default()
    })
}

/// Rows scored at a time. The scored frame has about 80 working columns (~600 bytes a row):
/// 10M rows at once added 7 GB to the audit's peak, and 1M-row blocks still set a 1M-row
/// audit's peak; blocks of 256k rows are no slower (128k were; docs/PERFORMANCE.md item 59).
const FIT_BLOCK_ROWS: usize = 1 << 18;

/// A block of leads' working frame, scored.
fn score_block(
    leads: &DataFrame,
    ctx: &StageContext,
    enabled: Enabled,
    steps: &[Vec<Expr>],
) -> Result<DataFrame> {
    let work = derive(leads, ctx, enabled)?;
    let mut plan = work.lazy();
    for step in steps {
        plan = plan.with_columns(step.clone());
    }
    plan.collect().step("scoring fit")
}

/// The fit findings of a block of rows starting at lead row `first`, details written for the
/// flagged rows only.
fn findings_of(
    scored: &DataFrame,
    rules: &FitRules,
    enabled: Enabled,
    first: u32,
) -> Result<Findings> {
    let mut findings = Findings::default();
    let mut push = |check: &'static str, rows: Vec<(u32, String)>| {
        for (row, detail) in rows {
            findings.push(first + row, check, detail);
        }
    };
    if enabled.market {
        push("fit.market", explain::market_details(scored, rules)?);
    }
    if enabled.excluded {
        push(
            "fit.excluded",
            explain::exclusion_details(scored, DOMAIN_EXCLUSION, TITLE_EXCLUSION)?,
        );
    }
    push("fit.score", explain::score_details(scored, rules)?);
    Ok(findings)
}

/// Derivations from one input field: `steps` add working columns (each step reads the
/// previous ones), `outputs` are the columns kept.
struct Job<'a> {
    field: &'a str,
    /// Date formats: when set, the steps can read the value's date as [`criteria::DATE`].
    dates: Option<&'a [String]>,
    steps: Vec<Vec<Expr>>,
    outputs: Vec<Expr>,
}

impl<'a> Job<'a> {
    fn new(field: &'a str, outputs: Vec<Expr>) -> Job<'a> {
        Job {
            field,
            dates: None,
            steps: Vec::new(),
            outputs,
        }
    }

    fn with_steps(mut self, steps: Vec<Vec<Expr>>) -> Job<'a> {
        self.steps = steps;
        self
    }

    /// A job whose last step adds the columns of `criteria`; it outputs them with everything
    /// that depends on their value alone ([`score::criterion_exprs`]).
    fn criterion(
        field: &'a str,
        rules: &FitRules,
        steps: Vec<Vec<Expr>>,
        criteria: &[Criterion],
    ) -> Job<'a> {
        let outputs = criteria
            .iter()
            .flat_map(|&c| std::iter::once(col(c.column())).chain(score::criterion_exprs(rules, c)))
            .collect();
        Job {
            field,
            dates: None,
            steps,
            outputs,
        }
    }

    fn with_dates(mut self, formats: &'a [String]) -> Job<'a> {
        self.dates = Some(formats);
        self
    }

    fn with_output(mut self, output: Expr) -> Job<'a> {
        self.outputs.push(output);
        self
    }
}

/// `steps` followed by `last`.
fn with_step(mut steps: Vec<Vec<Expr>>, last: Vec<Expr>) -> Vec<Vec<Expr>> {
    steps.push(last);
    steps
}

/// Each row's index into `distinct.keys`; rows without a key get one past the end, where
/// callers put a null key (so the derivations decide what a blank field means).
fn key_codes<K>(distinct: &Distinct<K>) -> IdxCa {
    let null = distinct.keys.len() as IdxSize;
    let codes: Vec<IdxSize> = distinct
        .row_key
        .iter()
        .map(|key| key.map_or(null, |k| k as IdxSize))
        .collect();
    IdxCa::from_vec("codes".into(), codes)
}

/// A column's distinct values (first-seen order) and a trailing null, and each row's index
/// into them.
fn dictionary(distinct: Distinct<&str>) -> (Vec<Option<&str>>, IdxCa) {
    let codes = key_codes(&distinct);
    let mut keys: Vec<Option<&str>> = distinct.keys.into_iter().map(Some).collect();
    keys.push(None);
    (keys, codes)
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
    let derived = plan.collect().step("fit criteria")?;
    spread(derived, codes, outputs)
}

/// `outputs` evaluated on `frame` (one row per distinct key), then taken row by row through
/// `codes` (each row's key index).
fn spread(frame: DataFrame, codes: &IdxCa, outputs: Vec<Expr>) -> Result<Vec<Column>> {
    let derived = frame
        .lazy()
        .select(outputs)
        .collect()
        .step("fit criteria")?;
    derived
        .columns()
        .iter()
        .map(|c| c.take(codes))
        .collect::<PolarsResult<Vec<Column>>>()
        .step("fit criteria")
}

/// Evaluates a job once per distinct value of its column (null included) and spreads its
/// outputs back over the rows.
fn per_value(values: Distinct<&str>, job: Job) -> Result<Vec<Column>> {
    let (keys, codes) = dictionary(values);
    let mut columns = vec![StringChunked::from_slice_options(VALUE.into(), &keys).into_column()];
    if let Some(formats) = job.dates {
        columns.push(criteria::date_days(&keys, formats));
    }
    let frame = DataFrame::new(keys.len(), columns).step("distinct values")?;
    evaluate_distinct(frame, &codes, job.steps, job.outputs)
}

/// The working frame: `_source` and, per row, every criterion value, exclusion detail,
/// behaviour count, activity weight and BANT status the rules need.
fn derive(leads: &DataFrame, ctx: &StageContext, enabled: Enabled) -> Result<DataFrame> {
    let rules = &ctx.rules.fit;
    let height = leads.height();
    let alias = |e: Expr, name: &str| e.alias(name);
    let known = || col(criteria::CLEAN).is_not_null();
    let mut jobs = vec![
        Job::criterion(
            "country",
            rules,
            vec![vec![alias(
                criteria::country(rules, &ctx.rules.leads.default_country),
                &Criterion::Country.column(),
            )]],
            &[Criterion::Country],
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
        Job::criterion(
            "employees",
            rules,
            with_step(
                criteria::number_steps(),
                vec![alias(
                    criteria::band(&rules.employee_bands, BandKind::Count),
                    &Criterion::Employees.column(),
                )],
            ),
            &[Criterion::Employees],
        ),
        Job::criterion(
            "revenue",
            rules,
            with_step(
                criteria::number_steps(),
                vec![alias(
                    criteria::band(&rules.revenue_bands, BandKind::Money),
                    &Criterion::Revenue.column(),
                )],
            ),
            &[Criterion::Revenue],
        ),
        Job::criterion(
            "job_title",
            rules,
            vec![vec![
                alias(
                    criteria::title_level(&rules.seniority),
                    &Criterion::Seniority.column(),
                ),
                alias(
                    criteria::title_level(&rules.functions),
                    &Criterion::Function.column(),
                ),
                alias(criteria::title_exclusion(rules), TITLE_EXCLUSION),
            ]],
            &[Criterion::Seniority, Criterion::Function],
        )
        .with_output(col(TITLE_EXCLUSION)),
        Job::new(
            "last_activity_at",
            vec![
                alias(criteria::activity_weight(rules, ctx.as_of), WEIGHT),
                alias(col(criteria::DATE).is_not_null(), DATED),
            ],
        )
        .with_dates(&rules.activity.date_formats),
    ];
    for column in EVENT_COLUMNS {
        jobs.push(Job::new(
            column,
            vec![alias(criteria::event_count(), &event_column(column))],
        ));
    }
    let uses_bant = rules.uses_bant();
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
            .with_dates(&rules.activity.date_formats)
            .with_steps(bant::timeline_steps()),
        );
    }
    // Jobs side by side, each keying its own column (hashing, for a column not compacted).
    let derived = jobs
        .into_par_iter()
        .map(|job| per_value(distinct_column(leads, job.field)?, job))
        .collect::<Result<Vec<Vec<Column>>>>()?;
    let mut columns: Vec<Column> = derived.into_iter().flatten().collect();
    let sources = leads.column(SOURCE_COL).and_then(text).step(SOURCE_COL)?;
    columns.push(sources.into_owned().into_column());
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
    let distinct = Distinct::new(email.iter().map(|e| e.and_then(email_domain)));
    let codes = key_codes(&distinct);
    let mut keys: Vec<Option<&str>> = distinct.keys.iter().map(|k| Some(k.as_ref())).collect();
    keys.push(None);
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

/// The domain of an email (after its last `@`), trimmed and lower case; borrowed when it
/// already is. Per row (emails are nearly all distinct), so plain string work, no pattern.
fn email_domain(email: &str) -> Option<Cow<'_, str>> {
    let (_, domain) = email.rsplit_once('@')?;
    let domain = domain.trim();
    if domain.is_empty() {
        None
    } else if domain.bytes().any(|b| b.is_ascii_uppercase()) || !domain.is_ascii() {
        Some(Cow::Owned(domain.to_lowercase()))
    } else {
        Some(Cow::Borrowed(domain))
    }
}

/// Criteria that combine two fields — industry (by name or by code) and region (country +
/// state) — with their per-value results, evaluated per distinct combination and spread
/// back like the one-field criteria.
fn combine(mut work: DataFrame, rules: &FitRules) -> Result<DataFrame> {
    let height = work.height();
    // Industry: the first group either field matches, else `other` (known) or `unknown`.
    let groups = rules.industries.len() as u32;
    let index = polars::lazy::dsl::min_horizontal([col(INDUSTRY_BY_NAME), col(INDUSTRY_BY_CODE)])
        .step("industry")?;
    let known = col(INDUSTRY_NAMED).or(col(INDUSTRY_CODED));
    let code = when(index.clone().is_not_null())
        .then(index)
        .when(known)
        .then(lit(groups))
        .otherwise(lit(groups + 1))
        .strict_cast(IDX_DTYPE);
    let codes = work
        .clone()
        .lazy()
        .select([code.alias("codes")])
        .collect()
        .step("industry")?;
    let codes = codes
        .column("codes")
        .and_then(|c| c.idx())
        .step("industry")?;
    let mut names: Vec<Option<&str>> = rules
        .industries
        .iter()
        .map(|g| Some(g.name.as_str()))
        .collect();
    names.extend([Some("other"), Some("unknown")]);
    let criterion = Criterion::Industry;
    let frame = DataFrame::new(
        names.len(),
        vec![StringChunked::from_slice_options(criterion.column().into(), &names).into_column()],
    )
    .step("industry")?;
    let outputs = std::iter::once(col(criterion.column()))
        .chain(score::criterion_exprs(rules, criterion))
        .collect();
    for column in spread(frame, codes, outputs)? {
        work.with_column(column).step("industry")?;
    }

    // Region: only when the rules use it; per distinct (country, state) pair.
    let region = Criterion::Region;
    if rules.uses(region) {
        let countries = work
            .column(&Criterion::Country.column())
            .and_then(|c| c.str())
            .step("region")?;
        let states = work.column(STATE).and_then(|c| c.str()).step("region")?;
        let pairs = Distinct::new(countries.iter().zip(states.iter()).map(Some));
        let codes = key_codes(&pairs);
        let (country, state): (Vec<Option<&str>>, Vec<Option<&str>>) =
            pairs.keys.iter().copied().chain([(None, None)]).unzip();
        let frame = DataFrame::new(
            country.len(),
            vec![
                StringChunked::from_slice_options(Criterion::Country.column().into(), &country)
                    .into_column(),
                StringChunked::from_slice_options(STATE.into(), &state).into_column(),
            ],
        )
        .step("region")?;
        let state = col(STATE);
        let category = criteria::first_match(
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
        let frame = frame
            .lazy()
            .with_columns([category.alias(region.column())])
            .collect()
            .step("region")?;
        let outputs = std::iter::once(col(region.column()))
            .chain(score::criterion_exprs(rules, region))
            .collect();
        for column in spread(frame, &codes, outputs)? {
            work.with_column(column).step("region")?;
        }
    } else {
        work.with_column(Column::new_scalar(
            region.column().into(),
            Scalar::from(PlSmallStr::from_static("unknown")),
            height,
        ))
        .step("region")?;
    }
    Ok(work)
}
