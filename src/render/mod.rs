//! Renderers: CSV files, summary.json, summary.md and report.html. They read the audit result
//! and know nothing about how checks work.

pub mod csv;
pub mod html;
pub mod markdown;
pub mod mask;
pub mod numbers;
pub mod scorecard;
pub mod svg;

use std::path::Path;

use crate::audit::AuditResult;
use crate::error::{Error, Result};
use crate::summary::Summary;

/// Writes every output file of `audit` into `out` (created if missing).
pub fn write_audit_outputs(
    result: &AuditResult,
    out: &Path,
    show_pii: bool,
    templates: &html::Templates,
) -> Result<()> {
    create_out_dir(out)?;
    // The files are independent; at a million rows each CSV takes seconds, so they are
    // written in parallel. Errors are reported in this fixed order.
    let ((findings, clean), (rejected, reports)) = rayon::join(
        || {
            rayon::join(
                || csv::write_findings(&out.join("findings.csv"), result),
                || csv::write_clean(&out.join("clean.csv"), result),
            )
        },
        || {
            rayon::join(
                || csv::write_rejected(&out.join("rejected.csv"), result),
                || write_reports(result, out, show_pii, templates),
            )
        },
    );
    findings?;
    clean?;
    rejected?;
    reports
}

/// summary.json, summary.md and report.html.
fn write_reports(
    result: &AuditResult,
    out: &Path,
    show_pii: bool,
    templates: &html::Templates,
) -> Result<()> {
    write_summary_json(&out.join("summary.json"), &result.summary)?;
    write_text(
        &out.join("summary.md"),
        &markdown::summary_md(&result.summary),
    )?;
    write_text(
        &out.join("report.html"),
        &html::audit_report(result, show_pii, templates)?,
    )
}

pub fn create_out_dir(out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|e| Error::output(out.display(), e))
}

pub fn write_summary_json(path: &Path, summary: &Summary) -> Result<()> {
    let mut text =
        serde_json::to_string_pretty(summary).map_err(|e| Error::output(path.display(), e))?;
    text.push('\n');
    write_text(path, &text)
}

pub fn write_text(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::output(path.display(), e))
}
