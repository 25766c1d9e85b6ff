//! summary.md: a short Markdown summary for CI job logs — the gate, the conditions above a
//! threshold (observed beside the threshold) and the vendor scorecard. It holds no row data,
//! so no PII.

use std::fmt::Write;

use super::numbers::{money, percent, percent_with, thousands};
use super::scorecard::COLUMNS;
use crate::summary::{Status, Summary};

fn rate(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| percent_with(v, 2))
}

pub fn summary_md(summary: &Summary) -> String {
    let mut md = String::new();
    let gate = summary.gate.status.as_str().to_uppercase();
    let _ = writeln!(md, "# leadaudit {}: gate **{gate}**\n", summary.command);
    if let Some(rows) = summary.rows {
        let _ = writeln!(
            md,
            "{} rows in, {} accepted, {} rejected. As of {}, rules {} (sha256 `{}`).\n",
            thousands(rows.input as f64),
            thousands(rows.accepted as f64),
            thousands(rows.rejected as f64),
            summary.as_of,
            md_escape(&summary.rules.path),
            summary
                .rules
                .sha256
                .get(..12)
                .unwrap_or(&summary.rules.sha256)
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
            md_escape(&note.message)
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
                thousands(c.rows as f64),
                rate(Some(c.rate)),
                rate(c.warn_above),
                rate(c.fail_above)
            );
        }
        md.push('\n');
    }
    scorecard_md(summary, &mut md);
    md
}

/// The vendor scorecard as a Markdown table ("–": not measured, its checks are off).
fn scorecard_md(summary: &Summary, md: &mut String) {
    if summary.scorecard.is_empty() {
        return;
    }
    let priced = summary.scorecard.iter().any(|r| r.price_per_lead.is_some());
    let _ = write!(md, "## Vendor scorecard\n\n| source | rows |");
    for c in COLUMNS {
        let _ = write!(md, " {} % |", c.label);
    }
    if priced {
        md.push_str(" price per lead | cost per accepted lead |");
    }
    md.push_str("\n|---|---:|");
    for _ in COLUMNS {
        md.push_str("---:|");
    }
    if priced {
        md.push_str("---:|---:|");
    }
    md.push('\n');
    for row in &summary.scorecard {
        let _ = write!(
            md,
            "| {} | {} |",
            md_escape(&row.source),
            thousands(row.rows as f64)
        );
        for c in COLUMNS {
            let _ = write!(
                md,
                " {} |",
                row.rate(c.key).map_or("–".to_string(), percent)
            );
        }
        if priced {
            let cell = |v: Option<f64>| v.map_or("–".to_string(), money);
            let _ = write!(
                md,
                " {} | {} |",
                cell(row.price_per_lead),
                cell(row.cost_per_accepted_lead)
            );
        }
        md.push('\n');
    }
}

/// Names and messages come from files and the command line: keep them from breaking the
/// table or adding Markdown/HTML (CI log viewers may render it).
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '`' | '*' | '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::md_escape;

    #[test]
    fn escapes_table_and_markup_characters() {
        assert_eq!(md_escape("a|b <img src=x>\nc"), "a\\|b \\<img src=x\\> c");
        assert_eq!(md_escape("vendor_a"), "vendor_a");
    }
}
