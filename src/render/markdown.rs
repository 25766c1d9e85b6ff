//! summary.md: a short Markdown summary for CI job logs.

use std::fmt::Write;

use crate::summary::{Status, Summary};

fn pct(rate: f64) -> String {
    format!("{:.2}%", rate * 100.0)
}

fn threshold(value: Option<f64>) -> String {
    value.map(pct).unwrap_or_else(|| "–".to_string())
}

pub fn summary_md(summary: &Summary) -> String {
    let mut md = String::new();
    let gate = summary.gate.status.as_str().to_uppercase();
    let _ = writeln!(md, "# leadaudit {}: gate **{gate}**\n", summary.command);
    if let Some(rows) = summary.rows {
        let _ = writeln!(
            md,
            "{} rows in, {} accepted, {} rejected (as of {}, rules `{}`).\n",
            rows.input, rows.accepted, rows.rejected, summary.as_of, summary.rules.path
        );
    }
    let mut flagged: Vec<_> = summary
        .checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .collect();
    flagged.sort_by(|a, b| b.status.cmp(&a.status).then(b.rate.total_cmp(&a.rate)));
    for note in summary
        .gate
        .notes
        .iter()
        .filter(|n| n.status != Status::Pass)
    {
        let _ = writeln!(
            md,
            "- **{}** `{}`: {}",
            note.status.as_str(),
            note.id,
            note.message
        );
    }
    if flagged.is_empty() {
        let _ = writeln!(md, "No check is above its warn or fail threshold.\n");
    } else {
        let _ = writeln!(
            md,
            "| status | check | rows | observed | warn above | fail above |"
        );
        let _ = writeln!(md, "|---|---|---:|---:|---:|---:|");
        for c in flagged {
            let _ = writeln!(
                md,
                "| {} | `{}` | {} | {} | {} | {} |",
                c.status.as_str(),
                c.id,
                c.rows,
                pct(c.rate),
                threshold(c.warn_above),
                threshold(c.fail_above)
            );
        }
        md.push('\n');
    }
    if !summary.sources.is_empty() {
        let _ = writeln!(md, "| source | rows | accepted | rejected | accepted % |");
        let _ = writeln!(md, "|---|---:|---:|---:|---:|");
        for s in &summary.sources {
            let share = if s.rows == 0 {
                0.0
            } else {
                s.accepted as f64 / s.rows as f64
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                md_escape(&s.source),
                s.rows,
                s.accepted,
                s.rejected,
                pct(share)
            );
        }
    }
    md
}

/// Source names come from file names or the command line; keep them from breaking the table.
fn md_escape(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
