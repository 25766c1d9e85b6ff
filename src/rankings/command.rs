//! The `rankings` command: rules → results file (any supported format) → validated
//! sessions → tests → summary.json, summary.md, findings.csv, report.html and the gate.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::input::{sessions_from_columns, Column, InputError, Session};
use super::report;
use super::{engine, test_plan, RankingsAudit};
use crate::error::{Error, Location, PolarsContext, Result};
use crate::ingest::{read_table, ContactColumns, HeaderMap, SourceSpec, Table};
use crate::progress::Progress;
use crate::render;
use crate::render::html::Templates;
use crate::rules::{LoadedRules, Rules};
use crate::summary::{Gate, GateNote, InputEntry, RulesRef, Summary, Tool};

#[derive(Debug, Clone)]
pub struct RankingsOptions {
    /// The results file: `PATH` or `NAME=PATH`.
    pub results: String,
    pub rules: Option<PathBuf>,
    pub out: PathBuf,
    pub as_of: NaiveDate,
    pub warn_as_error: bool,
    /// Overrides the rules' `rankings.seed`.
    pub seed: Option<u64>,
    /// Folder of report template overrides (`--templates`).
    pub templates: Option<PathBuf>,
    pub progress: Progress,
}

/// What the renderers get.
pub struct RankingsResult {
    pub summary: Summary,
    pub audit: RankingsAudit,
    /// Source name of the results file, for findings.csv.
    pub source: String,
    pub loaded: LoadedRules,
}

/// Runs the command and writes its outputs; returns the summary (its gate gives the exit code).
pub fn run(options: &RankingsOptions) -> Result<Summary> {
    // Template errors surface before the (long) tests run.
    let templates = Templates::load(options.templates.as_deref())?;
    let result = rankings(options)?;
    write_outputs(&result, options, &templates)?;
    Ok(result.summary)
}

/// Runs the tests without writing anything.
pub fn rankings(options: &RankingsOptions) -> Result<RankingsResult> {
    let loaded = Rules::load(options.rules.as_deref())?;
    let plan = test_plan(&loaded.rules);
    if plan.enabled.is_empty() {
        return Err(Error::rules(
            Location::file(&loaded.path),
            "no rankings test is enabled: set the action of a `rank.*` check to `flag` under [checks] (see rules/rankings-cfpb.toml)",
        ));
    }
    let step = options.progress.step("reading results");
    let spec = SourceSpec::parse(&options.results)?;
    let table = read_table(&spec, &HeaderMap::none(), ContactColumns::Optional)?;
    let sessions = sessions_of(&table, &loaded.rules)?;
    step.done(table.info.rows);

    let step = options.progress.step("rankings tests");
    let seed = options.seed.unwrap_or(loaded.rules.rankings.seed);
    let audit = engine::run(&sessions, &loaded.rules.rankings, &plan, seed)
        .map_err(|e| Error::rules(Location::file(&loaded.path), e.to_string()))?;
    step.done(audit.products);

    // Rankings tests are not row checks: each flagged one is a gate note (named in
    // gate.failed / gate.warned and listed under the report's verdict banner).
    let notes = audit
        .tests
        .iter()
        .filter_map(|t| {
            let status = report::gate_status(t.status)?;
            (status != crate::summary::Status::Pass).then(|| GateNote {
                id: report::gate_name(t),
                status,
                message: t.detail.clone(),
            })
        })
        .collect();
    let gate = Gate::from_statuses(std::iter::empty(), notes);
    let summary = Summary {
        schema_version: crate::summary::SCHEMA_VERSION,
        tool: Tool::default(),
        command: "rankings",
        generated_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        as_of: options.as_of.format("%Y-%m-%d").to_string(),
        rules: RulesRef {
            path: loaded.path.clone(),
            sha256: loaded.sha256.clone(),
        },
        inputs: vec![InputEntry {
            role: "results",
            info: table.info.clone(),
        }],
        rows: None,
        checks: Vec::new(),
        sources: Vec::new(),
        scorecard: Vec::new(),
        sections: report::summary_sections(&audit),
        gate,
    };
    Ok(RankingsResult {
        summary,
        audit,
        source: table.info.source.clone(),
        loaded,
    })
}

/// The table's string columns, validated into sessions; errors name file, row and column.
fn sessions_of(table: &Table, rules: &Rules) -> Result<Vec<Session>> {
    let path = &table.info.path;
    let values = table
        .frame
        .columns()
        .iter()
        .map(|c| {
            let text = c.str().step("reading results")?;
            Ok((c.name().to_string(), text.iter().collect::<Vec<_>>()))
        })
        .collect::<Result<Vec<(String, Vec<Option<&str>>)>>>()?;
    let columns: Vec<Column<'_>> = values
        .iter()
        .map(|(name, values)| Column {
            name,
            values: values.clone(),
        })
        .collect();
    sessions_from_columns(&columns, &rules.rankings).map_err(|e| {
        let at = Location::file(path);
        match e {
            InputError::MissingColumn { ref column, .. } => {
                Error::input(at.line(1).column(column.as_str()), e.to_string())
            }
            InputError::Value {
                row,
                ref column,
                ref message,
            } => Error::input(at.row(row).column(column.as_str()), message.clone()),
            InputError::Row { row, ref message } => Error::input(at.row(row), message.clone()),
            InputError::Empty => Error::input(at, e.to_string()),
        }
    })
}

fn write_outputs(
    result: &RankingsResult,
    options: &RankingsOptions,
    templates: &Templates,
) -> Result<()> {
    let out = &options.out;
    render::create_out_dir(out)?;
    let findings = result.audit.findings.iter().map(|f| {
        [
            result.source.clone(),
            f.row.to_string(),
            f.session_id.clone(),
            f.product_id.clone(),
            f.test.to_string(),
            "flag".to_string(),
            f.detail.clone(),
        ]
    });
    render::csv::write_table(
        &out.join("findings.csv"),
        &[
            "source",
            "row",
            "session_id",
            "product_id",
            "check",
            "action",
            "detail",
        ],
        findings,
    )?;
    render::write_summary_json(&out.join("summary.json"), &result.summary)?;
    render::write_text(
        &out.join("summary.md"),
        &report::summary_md(&result.summary, &result.audit),
    )?;
    let data = report::report_data(&result.audit, &result.loaded.rules.rankings);
    render::write_text(
        &out.join("report.html"),
        &render::html::rankings_report(&result.summary, &data, templates)?,
    )?;
    Ok(())
}
