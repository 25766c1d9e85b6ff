//! The lead frame: every lead row of every source in one polars frame, in input order
//! (source by source, row by row). A row's position in the frame is its index everywhere
//! (findings, verdicts), so the frame is never reordered.
//!
//! Text columns with few distinct values are held compacted ([`crate::compact_text`]):
//! read text columns through [`crate::compact_text::text`], not `Column::str`.

use std::borrow::Cow;

use polars::prelude::*;
use rayon::prelude::*;

use crate::compact_text::{compact, text};

use crate::error::{PolarsContext, Result};
use crate::ingest::{InputInfo, Table, ROW_COL, SOURCE_COL};

pub struct LeadFrame {
    pub frame: DataFrame,
    /// Input columns (canonical names for recognised fields), in first-seen order.
    pub original: Vec<String>,
    /// Columns added by check stages, in the order they were added.
    pub normalized: Vec<String>,
}

/// A stage's columns, compacted for the lead frame ([`LeadFrame::add_columns`]). Compacting
/// is the costly part of adding a column, so it is done where the stage ran, which may be
/// beside other stages.
pub struct StageColumns(Vec<Column>);

impl StageColumns {
    pub fn compact(columns: Vec<Column>) -> Result<StageColumns> {
        columns
            .into_iter()
            .map(|column| compact(column).step("adding columns"))
            .collect::<Result<_>>()
            .map(StageColumns)
    }
}

impl LeadFrame {
    /// Stacks the sources' tables (union of their columns; absent columns are null) and adds
    /// `_source` and `_row`; gives back the tables' file descriptions. Each column is built
    /// once, from the tables' parts, which are freed as it is: the frame does not hold the
    /// tables' copy and its own at once (at 10M rows that was the run's peak).
    pub fn from_tables(tables: Vec<Table>) -> Result<(LeadFrame, Vec<InputInfo>)> {
        let mut original: Vec<String> = Vec::new();
        for table in &tables {
            for name in table.frame.get_column_names() {
                if !original.iter().any(|o| o == name.as_str()) {
                    original.push(name.to_string());
                }
            }
        }
        let heights: Vec<usize> = tables.iter().map(|t| t.frame.height()).collect();
        let height = heights.iter().sum();
        let (mut frames, files): (Vec<DataFrame>, Vec<InputInfo>) =
            tables.into_iter().map(|t| (t.frame, t.info)).unzip();
        let mut stacked: Vec<Column> = Vec::with_capacity(original.len() + 2);
        for name in &original {
            let mut parts = frames.iter_mut().zip(&heights).map(|(frame, &rows)| {
                frame.drop_in_place(name).or_else(|_| {
                    Ok(Column::full_null(
                        name.as_str().into(),
                        rows,
                        &DataType::String,
                    ))
                })
            });
            let Some(first) = parts.next() else { continue };
            let mut column = first?;
            for part in parts {
                column.append_owned(part?).step("stacking inputs")?;
            }
            stacked.push(column);
        }
        drop(frames);
        let sources = files
            .iter()
            .zip(&heights)
            .flat_map(|(file, &rows)| std::iter::repeat_n(file.source.as_str(), rows));
        stacked.push(StringChunked::from_iter_values(SOURCE_COL.into(), sources).into_column());
        let rows = heights.iter().flat_map(|&rows| 1..=rows as u32);
        stacked.push(UInt32Chunked::from_iter_values(ROW_COL.into(), rows).into_column());
        let columns = stacked
            .into_par_iter()
            .map(|column| compact(column).map(|column| column.rechunk()))
            .collect::<PolarsResult<Vec<Column>>>()
            .step("stacking inputs")?;
        let frame = DataFrame::new(height, columns).step("stacking inputs")?;
        let leads = LeadFrame {
            frame,
            original,
            normalized: Vec::new(),
        };
        Ok((leads, files))
    }

    pub fn height(&self) -> usize {
        self.frame.height()
    }

    /// Adds a stage's columns. An input column with the same name (say, a re-audited
    /// clean.csv that already has `email_normalized`) is kept as `<name>_input`.
    pub fn add_columns(&mut self, columns: StageColumns) -> Result<()> {
        for column in columns.0 {
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

    pub fn sources(&self) -> Result<Cow<'_, StringChunked>> {
        self.frame
            .column(SOURCE_COL)
            .and_then(text)
            .step("reading _source")
    }

    pub fn rows(&self) -> Result<&UInt32Chunked> {
        self.frame
            .column(ROW_COL)
            .and_then(|c| c.u32())
            .step("reading _row")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::ingest::Format;

    fn table(source: &str, columns: Vec<Column>) -> Table {
        let frame = DataFrame::new(columns[0].len(), columns).unwrap();
        Table {
            info: InputInfo {
                source: source.into(),
                path: format!("{source}.csv"),
                format: Format::Csv,
                sha256: String::new(),
                rows: frame.height(),
                columns: BTreeMap::new(),
            },
            frame,
        }
    }

    fn cells(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
        let column = text(frame.column(name).unwrap()).unwrap();
        column.iter().map(|v| v.map(str::to_string)).collect()
    }

    #[test]
    fn sources_are_stacked_in_order_with_absent_columns_null_and_repeats_compacted() {
        let states: Vec<&str> = (0..300).map(|i| ["CA", "NY", "TX"][i % 3]).collect();
        let ids: Vec<String> = (0..300).map(|i| format!("a{i}")).collect();
        let a = table(
            "a",
            vec![
                Column::new("lead_id".into(), &ids),
                Column::new("state".into(), &states),
            ],
        );
        let b = table("b", vec![Column::new("lead_id".into(), ["b0", "b1"])]);
        let (leads, files) = LeadFrame::from_tables(vec![a, b]).unwrap();
        assert_eq!(
            files.iter().map(|f| f.source.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(leads.height(), 302);
        let frame = &leads.frame;
        assert!(matches!(
            frame.column("state").unwrap().dtype(),
            DataType::Categorical(..)
        ));
        assert_eq!(frame.column("lead_id").unwrap().dtype(), &DataType::String);
        let state = cells(frame, "state");
        assert_eq!(
            state[..4],
            [
                Some("CA".into()),
                Some("NY".into()),
                Some("TX".into()),
                Some("CA".into())
            ]
        );
        assert_eq!(state[300..], [None, None]);
        assert_eq!(cells(frame, "lead_id")[300], Some("b0".into()));
        let sources = leads.sources().unwrap();
        assert_eq!((sources.get(299), sources.get(300)), (Some("a"), Some("b")));
        let rows = leads.rows().unwrap();
        assert_eq!(
            (rows.get(299), rows.get(300), rows.get(301)),
            (Some(300), Some(1), Some(2))
        );
    }
}
