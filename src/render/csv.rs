//! CSV outputs: findings.csv, clean.csv, rejected.csv. Every cell passes through
//! [`guard_cell`] so a spreadsheet never runs data as a formula.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use polars::prelude::*;

use crate::audit::AuditResult;
use crate::error::{Error, PolarsContext, Result};
use crate::ingest::{ROW_COL, SOURCE_COL};

/// Neutralises a cell a spreadsheet could run as a formula with a leading `'`: one that
/// starts with `=`, `@`, tab or CR, or with `+`/`-` not followed by a plain number (so
/// `+16502530000` and `-12.5` stay importable, `+cmd|'/C calc'!A0` does not).
pub fn guard_cell(value: &str) -> Cow<'_, str> {
    let risky = match value.as_bytes().first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'+' | b'-') => !is_plain_number(&value[1..]),
        _ => false,
    };
    if risky {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Digits with at most one decimal point, at least one digit.
fn is_plain_number(s: &str) -> bool {
    let mut digits = 0;
    let mut dots = 0;
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return false,
        }
    }
    digits > 0 && dots <= 1
}

struct GuardedWriter {
    inner: csv::Writer<BufWriter<File>>,
    path: String,
}

impl GuardedWriter {
    fn create(path: &Path) -> Result<GuardedWriter> {
        let file = File::create(path).map_err(|e| Error::output(path.display(), e))?;
        Ok(GuardedWriter {
            inner: csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, file)),
            path: path.display().to_string(),
        })
    }

    /// Writes one record. Cells are written one by one (no owned copy of each cell: that
    /// copying was a third of the output stage at 1M rows).
    fn write<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> Result<()> {
        for cell in cells {
            self.inner
                .write_field(guard_cell(cell).as_bytes())
                .map_err(|e| Error::output(&self.path, e))?;
        }
        self.inner
            .write_record(std::iter::empty::<&[u8]>())
            .map_err(|e| Error::output(&self.path, e))
    }

    fn finish(mut self) -> Result<()> {
        self.inner.flush().map_err(|e| Error::output(&self.path, e))
    }
}

/// Writes `header` and `rows` of text cells, every cell guarded against formulas.
pub fn write_table<R: AsRef<[String]>>(
    path: &Path,
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> Result<()> {
    let mut writer = GuardedWriter::create(path)?;
    writer.write(header.iter().copied())?;
    for row in rows {
        writer.write(row.as_ref().iter().map(String::as_str))?;
    }
    writer.finish()
}

/// The named columns of the lead frame as text, for writing.
fn text_columns(frame: &DataFrame, names: &[String]) -> Result<Vec<StringChunked>> {
    names
        .iter()
        .map(|name| {
            frame
                .column(name)
                .and_then(|c| c.cast(&DataType::String))
                .and_then(|c| c.str().cloned())
                .step("formatting output columns")
        })
        .collect()
}

fn write_rows(
    path: &Path,
    result: &AuditResult,
    columns: &[String],
    extra_header: &[&str],
    rejected: bool,
) -> Result<()> {
    let values = text_columns(&result.leads.frame, columns)?;
    let mut writer = GuardedWriter::create(path)?;
    writer.write(
        columns
            .iter()
            .map(String::as_str)
            .chain(extra_header.iter().copied()),
    )?;
    // Rows go out in blocks read column by column: each column is then read in order, where
    // reading cell by cell across ~40 columns stalled on memory.
    const BLOCK: usize = 4096;
    let verdicts = &result.verdicts;
    let mut reasons = String::new();
    for start in (0..verdicts.rejected.len()).step_by(BLOCK) {
        let wanted = &verdicts.rejected[start..(start + BLOCK).min(verdicts.rejected.len())];
        if !wanted.contains(&rejected) {
            continue;
        }
        let slices: Vec<StringChunked> = values
            .iter()
            .map(|v| v.slice(start as i64, wanted.len()))
            .collect();
        let cells: Vec<Vec<Option<&str>>> = slices.iter().map(|v| v.iter().collect()).collect();
        for (offset, _) in wanted.iter().enumerate().filter(|(_, &r)| r == rejected) {
            let row_cells = cells
                .iter()
                .map(|c| c.get(offset).copied().flatten().unwrap_or(""));
            if rejected {
                reasons.clear();
                for (i, check) in verdicts.reasons[start + offset].iter().enumerate() {
                    if i > 0 {
                        reasons.push(';');
                    }
                    reasons.push_str(check);
                }
                writer.write(row_cells.chain(std::iter::once(reasons.as_str())))?;
            } else {
                writer.write(row_cells)?;
            }
        }
    }
    writer.finish()
}

/// Accepted rows: original columns, normalised columns, `_source`, `_row`.
pub fn write_clean(path: &Path, result: &AuditResult) -> Result<()> {
    let leads = &result.leads;
    let columns: Vec<String> = leads
        .original
        .iter()
        .chain(&leads.normalized)
        .cloned()
        .chain([SOURCE_COL.to_string(), ROW_COL.to_string()])
        .collect();
    write_rows(path, result, &columns, &[], false)
}

/// Rejected rows: original columns, `_source`, `_row`, `_reasons`.
pub fn write_rejected(path: &Path, result: &AuditResult) -> Result<()> {
    let columns: Vec<String> = result
        .leads
        .original
        .iter()
        .cloned()
        .chain([SOURCE_COL.to_string(), ROW_COL.to_string()])
        .collect();
    write_rows(path, result, &columns, &["_reasons"], true)
}

/// One row per (lead row, finding): `source,row,lead_id,check,action,detail`.
pub fn write_findings(path: &Path, result: &AuditResult) -> Result<()> {
    let frame = &result.leads.frame;
    let sources = result.leads.sources()?;
    let rows = result.leads.rows()?;
    let lead_ids = match frame.column("lead_id") {
        Ok(c) => Some(c.str().step("reading lead_id")?),
        Err(_) => None,
    };
    let actions: std::collections::HashMap<&str, &str> = result
        .summary
        .checks
        .iter()
        .map(|c| (c.id, c.action.as_str()))
        .collect();
    let mut writer = GuardedWriter::create(path)?;
    writer.write(["source", "row", "lead_id", "check", "action", "detail"])?;
    let findings = &result.findings;
    let mut row_number = String::new();
    for i in 0..findings.len() {
        let row = findings.row[i] as usize;
        row_number.clear();
        if let Some(r) = rows.get(row) {
            write!(row_number, "{r}").map_err(|e| Error::output(path.display(), e))?;
        }
        let check = findings.check[i];
        writer.write([
            sources.get(row).unwrap_or(""),
            row_number.as_str(),
            lead_ids.and_then(|ids| ids.get(row)).unwrap_or(""),
            check,
            actions.get(check).copied().unwrap_or("flag"),
            findings.detail[i].as_str(),
        ])?;
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::guard_cell;

    #[test]
    fn formula_cells_are_neutralised() {
        for risky in [
            "=1+1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "+cmd|'/C calc'!A0",
            "-2+3+cmd",
            "-",
            "+",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(guard_cell(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in [
            "+16502530000",
            "-12.5",
            "42",
            "jane@example.com",
            "",
            "a=b",
            "O'Neil",
        ] {
            assert_eq!(guard_cell(safe), safe, "{safe:?}");
        }
    }
}
