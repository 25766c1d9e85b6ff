//! Command-line interface (clap derive) and dispatch to the commands.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::audit::{self, AuditOptions};
use crate::error::Result;
use crate::progress::Progress;
use crate::rankings::command::RankingsOptions;
use crate::rules::{Rules, DEFAULT_RULES};

const AUDIT_EXAMPLES: &str = "\
Examples:
  # Audit two vendor lists and web-form leads against consent, DNC and the CRM:
  leadaudit audit vendor_a=fixtures/demo/vendor_a.csv fixtures/demo/vendor_b.tsv \\
      fixtures/demo/web_leads.ndjson --consent fixtures/demo/consent.csv \\
      --suppress fixtures/demo/dnc.txt --known fixtures/demo/crm.csv -o report

  # Reproducible run for CI, failing on warnings too:
  leadaudit audit leads.csv -r rules/us-tcpa.toml --as-of 2026-11-25 --warn-as-error

Exit codes: 0 gate pass/warn, 1 gate fail (or warn with --warn-as-error), 2 could not run.";

#[derive(Debug, Parser)]
#[command(
    name = "leadaudit",
    version,
    about = "Audit lead lists: contact validity, duplicates, consent, suppression and market fit",
    long_about = "leadaudit audits purchased lead lists and captured leads: it verifies contact data, finds \
duplicates across lists and against your CRM, checks consent evidence and suppression lists, scores \
market fit, and writes an import-ready clean file, a rejected file with reasons, findings, a JSON and \
Markdown summary, and a self-contained HTML report.",
    after_help = AUDIT_EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit lead files and write the report folder
    #[command(after_help = AUDIT_EXAMPLES)]
    Audit(AuditArgs),
    /// Test whether a comparison tool's rankings follow paid placement rather than merit
    #[command(after_help = RANKINGS_EXAMPLES)]
    Rankings(RankingsArgs),
    /// Validate or print rules files
    #[command(subcommand)]
    Rules(RulesCommand),
}

const RANKINGS_EXAMPLES: &str = "\
Examples:
  # Audit a credit-card comparison tool's result lists (one row per product shown):
  leadaudit rankings fixtures/rankings/steered.csv -r rules/rankings-cfpb.toml -o report

Input columns: session_id, position (1 = top), product_id, provider, paid and/or
compensation, optional label and disclosed, and the merit columns of the rules.
Exit codes: 0 gate pass/warn, 1 gate fail (or warn with --warn-as-error), 2 could not run.";

#[derive(Debug, Args)]
pub struct RankingsArgs {
    /// Results file, PATH or NAME=PATH: one row per product shown in one result list.
    /// Formats: .csv, .tsv, .parquet, .ndjson/.jsonl, .json; .csv.gz too
    #[arg(value_name = "RESULTS")]
    pub results: String,
    /// Rules file (TOML), e.g. rules/rankings-cfpb.toml; default: the built-in rules
    #[arg(short, long, value_name = "PATH")]
    pub rules: Option<PathBuf>,
    /// Output folder, created if missing
    #[arg(short, long, value_name = "DIR", default_value = "leadaudit-report")]
    pub out: PathBuf,
    /// Seed of the permutation tests and bootstrap (default: the rules' `rankings.seed`)
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate a rules file; errors name the line and key
    Check {
        /// Rules file (TOML)
        rules: PathBuf,
    },
    /// Print the built-in default rules (a start for your own)
    Show,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Lead files, each PATH or NAME=PATH (NAME defaults to the file stem).
    /// Formats: .csv, .tsv, .parquet, .ndjson/.jsonl, .json; .csv.gz too
    #[arg(required = true, value_name = "LEADS")]
    pub leads: Vec<String>,
    /// Rules file (TOML); default: the built-in rules (`leadaudit rules show`)
    #[arg(short, long, value_name = "PATH")]
    pub rules: Option<PathBuf>,
    /// Consent records (any supported format)
    #[arg(long, value_name = "PATH")]
    pub consent: Option<PathBuf>,
    /// Suppression list: emails, phones, domains one per line, a CSV, or the FTC
    /// Do-Not-Call download; repeatable
    #[arg(long, value_name = "PATH")]
    pub suppress: Vec<PathBuf>,
    /// Existing contacts (a CRM export): leads that match are `dup.known`
    #[arg(long, value_name = "PATH")]
    pub known: Option<PathBuf>,
    /// Output folder, created if missing
    #[arg(short, long, value_name = "DIR", default_value = "leadaudit-report")]
    pub out: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Show full emails and phones in report.html (masked by default)
    #[arg(long)]
    pub show_pii: bool,
    /// Use less memory, take longer: read --consent and --known only when a check needs
    /// them and run the check families one at a time (by default a small audit reads them
    /// early and runs independent families side by side)
    #[arg(long)]
    pub low_memory: bool,
}

/// Options shared by `audit` and `rankings`.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Date that age and expiry rules are judged at, YYYY-MM-DD (default: today, UTC)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// A check at `warn` fails the gate too (exit 1)
    #[arg(long)]
    pub warn_as_error: bool,
    /// No progress output
    #[arg(short, long)]
    pub quiet: bool,
    /// Print a timing line per step on stderr
    #[arg(short, long)]
    pub verbose: bool,
    /// Folder of report template overrides: a file there replaces the built-in template of
    /// the same relative name (e.g. `partials/verdict.html`, `base.css`,
    /// `sections/overlap.html`); see README "Report templates"
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

impl CommonArgs {
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }
    pub fn progress(&self) -> Progress {
        Progress::new(self.quiet, self.verbose)
    }
}

fn parse_date(text: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date in the form YYYY-MM-DD"))
}

/// Runs a parsed command; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Audit(args) => {
            let options = AuditOptions {
                leads: args.leads,
                rules: args.rules,
                consent: args.consent,
                suppress: args.suppress,
                known: args.known,
                out: args.out,
                as_of: args.common.as_of(),
                warn_as_error: args.common.warn_as_error,
                show_pii: args.show_pii,
                templates: args.common.templates.clone(),
                progress: args.common.progress(),
                low_memory: args.low_memory,
            };
            let summary = audit::run(&options)?;
            if !args.common.quiet {
                if let Some(rows) = summary.rows {
                    eprintln!(
                        "gate {}: {} rows, {} accepted, {} rejected; report in {}",
                        summary.gate.status.as_str(),
                        rows.input,
                        rows.accepted,
                        rows.rejected,
                        options.out.join("report.html").display()
                    );
                }
            }
            Ok(summary.gate.exit_code(options.warn_as_error))
        }
        Command::Rankings(args) => {
            let options = RankingsOptions {
                results: args.results,
                rules: args.rules,
                out: args.out,
                as_of: args.common.as_of(),
                warn_as_error: args.common.warn_as_error,
                seed: args.seed,
                templates: args.common.templates.clone(),
                progress: args.common.progress(),
            };
            let summary = crate::rankings::command::run(&options)?;
            if !args.common.quiet {
                eprintln!(
                    "gate {}; report in {}",
                    summary.gate.status.as_str(),
                    options.out.join("report.html").display()
                );
            }
            Ok(summary.gate.exit_code(options.warn_as_error))
        }
        Command::Rules(RulesCommand::Show) => {
            print!("{DEFAULT_RULES}");
            Ok(0)
        }
        Command::Rules(RulesCommand::Check { rules }) => {
            let loaded = Rules::load(Some(&rules))?;
            let enabled: Vec<&str> = crate::checks::catalog()
                .iter()
                .filter(|c| loaded.rules.is_enabled(c.id))
                .map(|c| c.id)
                .collect();
            println!(
                "ok: {} is valid; {} checks enabled: {}",
                loaded.path,
                enabled.len(),
                enabled.join(", ")
            );
            Ok(0)
        }
    }
}
