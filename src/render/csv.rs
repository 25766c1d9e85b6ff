//! CSV outputs: findings.csv, clean.csv, rejected.csv. Every cell passes through
//! [`guard_cell`] so a spreadsheet never runs data as a formula.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use polars::prelude::*;
use rayon::prelude::*;

use crate::audit::AuditResult;
use crate::compact_text::{text, TextRows};
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

/// The csv writer's buffer. csv_core's quoting searches the rest of a field for a quote on
/// every buffer-sized write, so one huge cell costs (cell size)² / buffer: with the default
/// 8 KB a cell of 80 MB took 37 s to write; with 1 MB it takes a fraction of a second.
const CSV_BUFFER_BYTES: usize = 1 << 20;

struct GuardedWriter<W: Write> {
    inner: csv::Writer<W>,
    path: String,
}

/// An output file, buffered.
fn create_file(path: &Path) -> Result<BufWriter<File>> {
    let file = File::create(path).map_err(|e| Error::output(path.display(), e))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}

impl GuardedWriter<BufWriter<File>> {
    fn create(path: &Path) -> Result<Self> {
        Ok(GuardedWriter {
            inner: csv::WriterBuilder::new()
                .buffer_capacity(CSV_BUFFER_BYTES)
                .from_writer(create_file(path)?),
            path: path.display().to_string(),
        })
    }
}

impl GuardedWriter<Vec<u8>> {
    /// Records formatted in memory, for a part of a file formatted beside other parts.
    fn in_memory(path: &str) -> Self {
        GuardedWriter {
            inner: csv::WriterBuilder::new()
                .buffer_capacity(CSV_BUFFER_BYTES)
                .from_writer(Vec::new()),
            path: path.to_string(),
        }
    }

    fn into_bytes(self) -> Result<Vec<u8>> {
        self.inner
            .into_inner()
            .map_err(|e| Error::output(&self.path, e.error()))
    }
}

impl<W: Write> GuardedWriter<W> {
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

/// The named columns of the lead frame for writing: text columns as they are stored (read a
/// block at a time), other columns (scores, row numbers) formatted by polars.
fn text_columns(frame: &DataFrame, names: &[String]) -> Result<Vec<Column>> {
    names
        .iter()
        .map(|name| {
            frame
                .column(name)
                .and_then(|c| match c.dtype() {
                    DataType::String | DataType::Categorical(..) => Ok(c.clone()),
                    _ => c.cast(&DataType::String),
                })
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
    let columns_as_text = text_columns(&result.leads.frame, columns)?;
    let values = columns_as_text
        .iter()
        .map(TextRows::new)
        .collect::<PolarsResult<Vec<TextRows>>>()
        .step("formatting output columns")?;
    let header: Vec<&str> = columns
        .iter()
        .map(String::as_str)
        .chain(extra_header.iter().copied())
        .collect();
    // Blocks of rows read column by column: reading cell by cell across ~40 columns stalled
    // on memory.
    write_blocks(
        path,
        &header,
        result.verdicts.rejected.len(),
        4096,
        |range, writer| format_rows(result, &values, range, rejected, writer),
    )
}

/// Writes `header`, then the records `format` writes for items `0..items`, in blocks of
/// `block` each formatted in memory, a batch of blocks at a time on all cores (rejected.csv
/// and findings.csv took one core each for seconds at 1M rows while the other files were
/// done), in order.
fn write_blocks(
    path: &Path,
    header: &[&str],
    items: usize,
    block: usize,
    format: impl Fn(std::ops::Range<usize>, &mut GuardedWriter<Vec<u8>>) -> Result<()> + Sync,
) -> Result<()> {
    const BATCH: usize = 16;
    let path_text = path.display().to_string();
    let mut out = create_file(path)?;
    let mut head = GuardedWriter::in_memory(&path_text);
    head.write(header.iter().copied())?;
    out.write_all(&head.into_bytes()?)
        .map_err(|e| Error::output(&path_text, e))?;
    let starts: Vec<usize> = (0..items).step_by(block.max(1)).collect();
    for batch in starts.chunks(BATCH) {
        let formatted = batch
            .par_iter()
            .map(|&start| {
                let mut writer = GuardedWriter::in_memory(&path_text);
                format(start..(start + block).min(items), &mut writer)?;
                writer.into_bytes()
            })
            .collect::<Vec<Result<Vec<u8>>>>();
        for records in formatted {
            out.write_all(&records?)
                .map_err(|e| Error::output(&path_text, e))?;
        }
    }
    out.flush().map_err(|e| Error::output(&path_text, e))
}

/// Writes the CSV records of the accepted (or rejected) rows among `range`.
fn format_rows(
    result: &AuditResult,
    values: &[TextRows],
    range: std::ops::Range<usize>,
    rejected: bool,
    writer: &mut GuardedWriter<Vec<u8>>,
) -> Result<()> {
    let verdicts = &result.verdicts;
    let wanted = &verdicts.rejected[range.clone()];
    if !wanted.contains(&rejected) {
        return Ok(());
    }
    let slices = values
        .iter()
        .map(|v| v.rows(range.start, wanted.len()))
        .collect::<PolarsResult<Vec<StringChunked>>>()
        .step("formatting output columns")?;
    let cells: Vec<Vec<Option<&str>>> = slices.iter().map(|v| v.iter().collect()).collect();
    let mut reasons = String::new();
    for (offset, _) in wanted.iter().enumerate().filter(|(_, &r)| r == rejected) {
        let row_cells = cells
            .iter()
            .map(|c| c.get(offset).copied().flatten().unwrap_or(""));
        if rejected {
            reasons.clear();
            for (i, check) in verdicts.reasons[range.start + offset].iter().enumerate() {
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
    Ok(())
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
        Ok(c) => Some(text(c).step("reading lead_id")?),
        Err(_) => None,
    };
    let actions: std::collections::HashMap<&str, &str> = result
        .summary
        .checks
        .iter()
        .map(|c| (c.id, c.action.as_str()))
        .collect();
    let findings = &result.findings;
    let header = ["source", "row", "lead_id", "check", "action", "detail"];
    write_blocks(path, &header, findings.len(), 16384, |range, writer| {
        let mut row_number = String::new();
        for i in range {
            let row = findings.row[i] as usize;
            row_number.clear();
            if let Some(r) = rows.get(row) {
                write!(row_number, "{r}").map_err(|e| Error::output(&writer.path, e))?;
            }
            let check = findings.check[i];
            writer.write([
                sources.get(row).unwrap_or(""),
                row_number.as_str(),
                lead_ids.as_ref().and_then(|ids| ids.get(row)).unwrap_or(""),
                check,
                actions.get(check).copied().unwrap_or("flag"),
                findings.detail(i),
            ])?;
        }
        Ok(())
    })
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
