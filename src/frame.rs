//! The lead frame: every lead row of every source in one polars frame, in input order
//! (source by source, row by row). A row's position in the frame is its index everywhere
//! (findings, verdicts), so the frame is never reordered.

use polars::prelude::*;

use crate::error::{PolarsContext, Result};
use crate::ingest::{Table, ROW_COL, SOURCE_COL};

pub struct LeadFrame {
    pub frame: DataFrame,
    /// Input columns (canonical names for recognised fields), in first-seen order.
    pub original: Vec<String>,
    /// Columns added by check stages, in the order they were added.
    pub normalized: Vec<String>,
}

impl LeadFrame {
    /// Stacks the sources' tables (union of their columns; absent columns are null) and adds
    /// `_source` and `_row`.
    pub fn from_tables(tables: &[Table]) -> Result<LeadFrame> {
        let mut original: Vec<String> = Vec::new();
        for table in tables {
            for name in table.frame.get_column_names() {
                if !original.iter().any(|o| o == name.as_str()) {
                    original.push(name.to_string());
                }
            }
        }
        let mut stacked: Option<DataFrame> = None;
        for table in tables {
            let height = table.frame.height();
            let mut columns: Vec<Column> = original
                .iter()
                .map(|name| match table.frame.column(name) {
                    Ok(column) => column.clone(),
                    Err(_) => Column::full_null(name.as_str().into(), height, &DataType::String),
                })
                .collect();
            columns.push(
                StringChunked::full(SOURCE_COL.into(), &table.info.source, height).into_column(),
            );
            columns.push(
                UInt32Chunked::from_iter_values(ROW_COL.into(), 1..=height as u32).into_column(),
            );
            let frame = DataFrame::new(height, columns).step("stacking inputs")?;
            stacked = Some(match stacked {
                None => frame,
                Some(mut acc) => {
                    acc.vstack_mut_owned(frame).step("stacking inputs")?;
                    acc
                }
            });
        }
        let mut frame = stacked.unwrap_or_default();
        frame.rechunk_mut();
        Ok(LeadFrame {
            frame,
            original,
            normalized: Vec::new(),
        })
    }

    pub fn height(&self) -> usize {
        self.frame.height()
    }

    /// Adds a stage's columns. An input column with the same name (say, a re-audited
    /// clean.csv that already has `email_normalized`) is kept as `<name>_input`.
    pub fn add_columns(&mut self, columns: Vec<Column>) -> Result<()> {
        for column in columns {
            let name = column.name().to_string();
            if let Some(pos) = self.original.iter().position(|o| *o == name) {
                let renamed = format!("{name}_input");
                self.frame
                    .rename(&name, renamed.as_str().into())
                    .step("adding columns")?;
                self.original[pos] = renamed;
            }
            if self.frame.column(&name).is_ok() {
                self.frame.drop_in_place(&name).step("adding columns")?;
                self.normalized.retain(|n| *n != name);
            }
            self.frame.with_column(column).step("adding columns")?;
            self.normalized.push(name);
        }
        Ok(())
    }

    pub fn sources(&self) -> Result<&StringChunked> {
        self.frame
            .column(SOURCE_COL)
            .and_then(|c| c.str())
            .step("reading _source")
    }

    pub fn rows(&self) -> Result<&UInt32Chunked> {
        self.frame
            .column(ROW_COL)
            .and_then(|c| c.u32())
            .step("reading _row")
    }
}
