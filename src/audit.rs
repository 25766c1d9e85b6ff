//! The `audit` command: inputs → one lead frame → check stages → findings and verdicts →
//! summary → renderers and gate.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::thread::{Scope, ScopedJoinHandle};

use chrono::NaiveDate;
use polars::prelude::{InitHashMaps, PlHashMap, PlHashSet};

use crate::checks::{
    self, check_info, Findings, NamedStage, SideInput, SideInputs, StageContext, StageOutput,
};
use crate::error::{Error, Location, Result};
use crate::frame::{LeadFrame, StageColumns};
use crate::ingest::{
    read_table, read_table_in_pieces, ContactColumns, HeaderMap, InputInfo, SourceSpec, Table,
};
use crate::memory;
use crate::progress::Progress;
use crate::render;
use crate::rules::{Action, Rules};
use crate::summary::{
    CheckSummary, Gate, GateNote, InputEntry, RowCounts, RulesRef, SourceSummary, Summary, Tool,
};
use rayon::prelude::*;

/// Families whose checks `audit` runs (everything but `rankings`).
pub const AUDIT_FAMILIES: &[&str] = &[
    "identity",
    "email",
    "phone",
    "dedup",
    "consent",
    "suppression",
    "fit",
];

#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub leads: Vec<String>,
    pub rules: Option<PathBuf>,
    pub consent: Option<PathBuf>,
    pub suppress: Vec<PathBuf>,
    pub known: Option<PathBuf>,
    pub out: PathBuf,
    pub as_of: NaiveDate,
    pub warn_as_error: bool,
    pub show_pii: bool,
    /// Folder of report template overrides (`--templates`).
    pub templates: Option<PathBuf>,
    pub progress: Progress,
    /// Read side tables only when a stage needs them and run stages one at a time, however
    /// small the audit (`--low-memory`).
    pub low_memory: bool,
}

/// Per-row outcome after all stages ran.
pub struct Verdicts {
    /// True where at least one finding's action is `reject`.
    pub rejected: Vec<bool>,
    /// `reject` check ids per row, catalog order, for `_reasons`.
    pub reasons: Vec<Vec<&'static str>>,
}

impl Verdicts {
    fn from_findings(findings: &Findings, rules: &Rules, height: usize) -> Verdicts {
        let mut rejected = vec![false; height];
        let mut reasons: Vec<Vec<&'static str>> = vec![Vec::new(); height];
        // Each check's action looked up once, not once per finding (millions at 1M rows).
        let mut rejects: PlHashMap<&str, bool> = PlHashMap::new();
        for (&row, &check) in findings.row.iter().zip(&findings.check) {
            let rejecting = *rejects.entry(check).or_insert_with(|| {
                rules
                    .enabled(check)
                    .is_some_and(|r| r.action == Action::Reject)
            });
            if rejecting {
                let row = row as usize;
                rejected[row] = true;
                if !reasons[row].contains(&check) {
                    reasons[row].push(check);
                }
            }
        }
        Verdicts { rejected, reasons }
    }
}

/// Everything the renderers need; they know nothing about how checks work.
pub struct AuditResult {
    pub summary: Summary,
    pub leads: LeadFrame,
    pub findings: Findings,
    pub verdicts: Verdicts,
    pub sections: Vec<checks::ReportSection>,
}

/// Runs an audit and writes its outputs; returns the summary (its gate gives the exit code).
pub fn run(options: &AuditOptions) -> Result<Summary> {
    // Template overrides are checked before the (possibly long) audit runs.
    let templates = render::html::Templates::load(options.templates.as_deref())?;
    let result = audit(options)?;
    let step = options.progress.step("outputs");
    render::write_audit_outputs(&result, &options.out, options.show_pii, &templates)?;
    step.done(result.leads.height());
    Ok(result.summary)
}

/// Runs an audit without writing anything.
pub fn audit(options: &AuditOptions) -> Result<AuditResult> {
    let loaded = Rules::load(options.rules.as_deref())?;
    let rules = &loaded.rules;
    if rules.enabled_checks(AUDIT_FAMILIES).next().is_none() {
        return Err(Error::rules(
            Location::file(&loaded.path),
            "no lead-audit check is enabled (this looks like a `rankings` rules file)",
        ));
    }
    let headers = HeaderMap::from_rules(rules);
    memory::keep_freed_until_large();

    let step = options.progress.step("reading inputs");
    let specs = options
        .leads
        .iter()
        .map(|arg| SourceSpec::parse(arg))
        .collect::<Result<Vec<_>>>()?;
    let mut names = BTreeSet::new();
    for spec in &specs {
        if !names.insert(spec.name.as_str()) {
            return Err(Error::Usage(format!(
                "two inputs are named '{}'; name them apart with NAME=PATH",
                spec.name
            )));
        }
    }
    // A side table is read just before the first stage that reads it, or early when small
    // (see `SideTables`), and freed after the last: the consent records can be the largest
    // input, and holding large ones from the start raised the peak of every stage before
    // consent. A missing file is reported before any stage runs.
    for path in options
        .consent
        .iter()
        .chain(&options.known)
        .chain(&options.suppress)
    {
        require_file(path)?;
    }
    // Files are parsed in parallel (reading was the largest stage after dedup at 1M rows);
    // errors are reported in argument order, so the same bad input gives the same message.
    let tables = specs
        .par_iter()
        .map(|spec| read_table_in_pieces(spec, &headers, ContactColumns::Required))
        .collect::<Vec<Result<Table>>>()
        .into_iter()
        .collect::<Result<Vec<Table>>>()?;
    let (mut leads, lead_files) = LeadFrame::from_tables(tables)?;
    step.done(leads.height());

    let (staged, mut side_files) = std::thread::scope(|scope| {
        let mut side_tables = SideTables::start(scope, options, &headers, rules);
        let staged = run_stages(&mut leads, &mut side_tables)?;
        Ok::<_, Error>((staged, side_tables.entries()))
    })?;
    let StagesOutput {
        mut findings,
        summary_sections,
        report_sections,
        gate_notes,
    } = staged;
    let step = options.progress.step("summary");
    // A finding of a check that is off never counts (stages may compute shared work).
    let enabled: Vec<&str> = rules.enabled_checks(AUDIT_FAMILIES).collect();
    let enabled_set: PlHashSet<&str> = enabled.iter().copied().collect();
    findings.retain_checks(|check| enabled_set.contains(check));
    findings.sort();

    let height = leads.height();
    let verdicts = Verdicts::from_findings(&findings, rules, height);
    let rejected = verdicts.rejected.iter().filter(|&&r| r).count();
    let rows = RowCounts {
        input: height,
        accepted: height - rejected,
        rejected,
    };

    let positions = enabled_positions(&findings, &enabled);
    let check_rows = rows_per_check(&findings, &positions, 0..findings.len(), enabled.len());
    let checks: Vec<CheckSummary> = enabled
        .iter()
        .zip(&check_rows)
        .filter_map(|(id, &n)| {
            Some(CheckSummary::new(
                check_info(id)?,
                rules.enabled(id)?,
                n,
                height,
            ))
        })
        .collect();
    let sources = source_summaries(
        &lead_files,
        &leads,
        &findings,
        &positions,
        &verdicts,
        &enabled,
    )?;
    let scorecard = render::scorecard::build(&sources, &findings, &enabled, &rules.sources);
    let gate = Gate::from_statuses(checks.iter().map(|c| (c.id, c.status)), gate_notes);
    step.done(height);

    for path in &options.suppress {
        side_files.push(InputEntry {
            role: role(SideInput::Suppress),
            info: crate::ingest::describe_file(path)?,
        });
    }
    let inputs: Vec<InputEntry> = lead_files
        .iter()
        .map(|info| InputEntry {
            role: "leads",
            info: info.clone(),
        })
        .chain(side_files)
        .collect();

    let summary = Summary {
        schema_version: crate::summary::SCHEMA_VERSION,
        tool: Tool::default(),
        command: "audit",
        generated_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        as_of: options.as_of.format("%Y-%m-%d").to_string(),
        rules: RulesRef {
            path: loaded.path.clone(),
            sha256: loaded.sha256.clone(),
        },
        inputs,
        rows: Some(rows),
        checks,
        sources,
        scorecard,
        sections: summary_sections,
        gate,
    };
    Ok(AuditResult {
        summary,
        leads,
        findings,
        verdicts,
        sections: report_sections,
    })
}

fn require_file(path: &std::path::Path) -> Result<()> {
    if path.is_file() {
        return Ok(());
    }
    Err(Error::input(
        Location::file(path.display().to_string()),
        "file not found",
    ))
}

/// What the check stages returned, in stage order.
struct StagesOutput {
    findings: Findings,
    summary_sections: serde_json::Map<String, serde_json::Value>,
    report_sections: Vec<checks::ReportSection>,
    gate_notes: Vec<GateNote>,
}

/// Runs the check stages on the lead frame, each after the stages whose columns it reads.
/// While the process is small ([`memory::is_small`], and not `--low-memory`), stages that
/// are ready together run side by side: at 1M rows one core was often idle inside every
/// stage (their serial parts), and identity and email, then dedup, consent, suppression and
/// fit, read nothing of each other. Results join in stage order either way.
fn run_stages(leads: &mut LeadFrame, side_tables: &mut SideTables) -> Result<StagesOutput> {
    let options = side_tables.options;
    let rules = side_tables.rules;
    let mut side = SideInputs {
        suppress: options.suppress.clone(),
        ..SideInputs::default()
    };
    let mut output = StagesOutput {
        findings: Findings::default(),
        summary_sections: serde_json::Map::new(),
        report_sections: Vec::new(),
        gate_notes: Vec::new(),
    };
    let stages = checks::stages();
    let mut next = 0;
    while next < stages.len() {
        let side_by_side = !options.low_memory && memory::is_small();
        let end = wave_end(&stages, next, side_by_side);
        let wave = &stages[next..end];
        for (_, stage) in wave {
            side_tables.load(&mut side, stage.side_inputs())?;
        }
        let ctx = StageContext {
            rules,
            as_of: options.as_of,
            side: &side,
        };
        let frame = &leads.frame;
        let run = |(name, stage): &NamedStage| {
            let step = options.progress.step(name);
            let step = if wave.len() > 1 {
                step.beside_others()
            } else {
                step
            };
            let mut stage_output = stage.run(frame, &ctx)?;
            let columns = StageColumns::compact(std::mem::take(&mut stage_output.columns))?;
            step.done(frame.height());
            Ok((stage_output, columns))
        };
        // Errors are reported in stage order, as running one at a time would. A lone stage
        // runs on this thread, as before, leaving both pool threads to its parallel parts.
        let results: Vec<Result<(StageOutput, StageColumns)>> = if wave.len() > 1 {
            wave.par_iter().map(run).collect()
        } else {
            wave.iter().map(run).collect()
        };
        for result in results {
            let (stage_output, columns) = result?;
            leads.add_columns(columns)?;
            output.findings.extend(stage_output.findings);
            output.summary_sections.extend(stage_output.summary);
            output.report_sections.extend(stage_output.report);
            output.gate_notes.extend(stage_output.gate_notes);
        }
        side.release_unread_by(&stages[end..]);
        next = end;
    }
    Ok(output)
}

/// The end of the wave of stages that starts at `start`: with `side_by_side`, the longest
/// run of stages that read no column of one another (each only of stages before `start`),
/// so that results still join in stage order; otherwise the one stage.
fn wave_end(stages: &[NamedStage], start: usize, side_by_side: bool) -> usize {
    let mut end = start + 1;
    while side_by_side
        && end < stages.len()
        && !stages[end]
            .1
            .reads_columns_of()
            .iter()
            .any(|read| stages[start..end].iter().any(|(name, _)| name == read))
    {
        end += 1;
    }
    end
}

/// A side table is read early, on its own thread while the stages before its first reader
/// run, when its file is smaller than this share of the memory the process may use: its
/// memory then adds to those stages'. At 1M rows the consent records' 3–4 s of reading ran
/// between dedup and consent with one core often idle; a 10M-row consent file (5.9 GB) is
/// still read when needed, as the peak there is near the 12 GB target.
const EARLY_READ_SHARE: u64 = 8;

fn reads_early(path: &std::path::Path) -> bool {
    let Some(usable_mb) = memory::usable_mb() else {
        return false;
    };
    std::fs::metadata(path)
        .is_ok_and(|file| file.len() / (1024 * 1024) * EARLY_READ_SHARE < usable_mb)
}

/// A side table as read.
enum SideTable {
    Consent(Box<checks::consent::Records>),
    Known(Table),
}

type SideRead = Result<(SideTable, InputInfo)>;

/// The side tables (`--consent`, `--known`): each is read once, before the first stage that
/// reads it, or early (see [`EARLY_READ_SHARE`]); and what was read, for summary.json's
/// inputs.
struct SideTables<'scope, 'env> {
    options: &'env AuditOptions,
    headers: &'env HeaderMap,
    rules: &'env Rules,
    consent: Option<InputInfo>,
    known: Option<InputInfo>,
    /// Tables being read on their own threads.
    early: Vec<(SideInput, ScopedJoinHandle<'scope, SideRead>)>,
}

impl<'scope, 'env> SideTables<'scope, 'env> {
    /// Starts reading the side tables that are small enough to read early.
    fn start(
        scope: &'scope Scope<'scope, 'env>,
        options: &'env AuditOptions,
        headers: &'env HeaderMap,
        rules: &'env Rules,
    ) -> SideTables<'scope, 'env> {
        let mut early = Vec::new();
        for input in [SideInput::Known, SideInput::Consent] {
            let small = |path: &&std::path::Path| !options.low_memory && reads_early(path);
            let Some(path) = side_path(options, input).filter(small) else {
                continue;
            };
            let read = move || read_side_table(input, path, headers, rules);
            let thread = std::thread::Builder::new().name(format!("reading {}", role(input)));
            // A thread that cannot start leaves the table to be read when needed.
            if let Ok(handle) = thread.spawn_scoped(scope, read) {
                early.push((input, handle));
            }
        }
        SideTables {
            options,
            headers,
            rules,
            consent: None,
            known: None,
            early,
        }
    }

    /// Reads (or waits for) the side tables among `wanted` that were given and are not read
    /// yet. An early read's error is reported here, where reading in order would have met it.
    fn load(&mut self, side: &mut SideInputs, wanted: &[SideInput]) -> Result<()> {
        for &input in wanted {
            let Some(path) = side_path(self.options, input) else {
                continue;
            };
            let info = match input {
                SideInput::Consent => &mut self.consent,
                SideInput::Known => &mut self.known,
                SideInput::Suppress => continue,
            };
            if info.is_some() {
                continue;
            }
            let step = self
                .options
                .progress
                .step(&format!("reading {}", role(input)));
            let early = self.early.iter().position(|(read, _)| *read == input);
            let (table, read) = match early {
                Some(at) => self.early.swap_remove(at).1.join().map_err(|_| {
                    Error::internal(
                        &format!("reading {}", role(input)),
                        "the reading thread stopped",
                    )
                })??,
                None => read_side_table(input, path, self.headers, self.rules)?,
            };
            match table {
                SideTable::Consent(records) => side.consent = Some(*records),
                SideTable::Known(table) => side.known = Some(table),
            }
            step.done(read.rows);
            *info = Some(read);
        }
        Ok(())
    }

    fn entries(&self) -> Vec<InputEntry> {
        [
            (SideInput::Consent, &self.consent),
            (SideInput::Known, &self.known),
        ]
        .into_iter()
        .filter_map(|(input, info)| {
            let role = role(input);
            info.clone().map(|info| InputEntry { role, info })
        })
        .collect()
    }
}

fn side_path(options: &AuditOptions, input: SideInput) -> Option<&std::path::Path> {
    match input {
        SideInput::Consent => options.consent.as_deref(),
        SideInput::Known => options.known.as_deref(),
        SideInput::Suppress => None,
    }
}

fn role(input: SideInput) -> &'static str {
    match input {
        SideInput::Consent => "consent",
        SideInput::Known => "known",
        SideInput::Suppress => "suppress",
    }
}

fn read_side_table(
    input: SideInput,
    path: &std::path::Path,
    headers: &HeaderMap,
    rules: &Rules,
) -> SideRead {
    let spec = SourceSpec {
        name: role(input).to_string(),
        path: path.to_path_buf(),
    };
    if input == SideInput::Consent {
        let (records, read) = checks::consent::read_records(&spec, headers, rules)?;
        return Ok((SideTable::Consent(Box::new(records)), read));
    }
    let table = read_table(&spec, headers, ContactColumns::Required)?;
    let read = table.info.clone();
    Ok((SideTable::Known(table), read))
}

/// Each finding's position in `enabled` (`None`: its check is off), worked out once: the
/// counts below would otherwise compare check ids as strings, per finding and per source.
fn enabled_positions(findings: &Findings, enabled: &[&str]) -> Vec<Option<usize>> {
    let position: PlHashMap<&str, usize> =
        enabled.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    findings
        .check
        .iter()
        .map(|check| position.get(check).copied())
        .collect()
}

/// Distinct rows per check (a row with two findings of one check counts once) among the
/// findings `range` (sorted by row), aligned with `enabled`.
fn rows_per_check(
    findings: &Findings,
    positions: &[Option<usize>],
    range: std::ops::Range<usize>,
    enabled: usize,
) -> Vec<usize> {
    let mut counts = vec![0usize; enabled];
    let mut last: Vec<Option<u32>> = vec![None; enabled];
    // Findings are sorted by row, so a repeated (row, check) pair is adjacent per check.
    for (&row, position) in findings.row[range.clone()].iter().zip(&positions[range]) {
        if let Some(k) = *position {
            if last[k] != Some(row) {
                counts[k] += 1;
            }
            last[k] = Some(row);
        }
    }
    counts
}

fn source_summaries(
    lead_files: &[InputInfo],
    leads: &LeadFrame,
    findings: &Findings,
    positions: &[Option<usize>],
    verdicts: &Verdicts,
    enabled: &[&str],
) -> Result<Vec<SourceSummary>> {
    let mut summaries = Vec::with_capacity(lead_files.len());
    let mut start = 0usize;
    for info in lead_files {
        let end = start + info.rows;
        let rejected = verdicts.rejected[start..end].iter().filter(|&&r| r).count();
        // The source's findings: rows start..end of the row-sorted findings.
        let first = findings.row.partition_point(|&r| (r as usize) < start);
        let past = findings.row.partition_point(|&r| (r as usize) < end);
        let counts = rows_per_check(findings, positions, first..past, enabled.len());
        summaries.push(SourceSummary {
            source: info.source.clone(),
            rows: info.rows,
            accepted: info.rows - rejected,
            rejected,
            checks: enabled
                .iter()
                .zip(counts)
                .map(|(id, n)| (id.to_string(), serde_json::Value::from(n)))
                .collect(),
        });
        start = end;
    }
    debug_assert_eq!(start, leads.height());
    Ok(summaries)
}

#[cfg(test)]
mod tests {
    use super::wave_end;

    /// The stage names of each wave, running waves from the first stage on.
    fn waves(side_by_side: bool) -> Vec<Vec<&'static str>> {
        let stages = crate::checks::stages();
        let mut waves = Vec::new();
        let mut start = 0;
        while start < stages.len() {
            let end = wave_end(&stages, start, side_by_side);
            waves.push(stages[start..end].iter().map(|(name, _)| *name).collect());
            start = end;
        }
        waves
    }

    #[test]
    fn stages_that_read_nothing_of_one_another_run_side_by_side() {
        assert_eq!(
            waves(true),
            [
                vec!["identity", "email"],
                vec!["phone"],
                vec!["dedup", "consent", "suppression", "fit"],
            ]
        );
        let one_at_a_time: Vec<Vec<&str>> = crate::checks::stages()
            .iter()
            .map(|(name, _)| vec![*name])
            .collect();
        assert_eq!(waves(false), one_at_a_time);
    }
}
