//! The engine's input: one row per lead (and per known CRM contact), as interned text
//! columns of already-normalised values, plus what survivorship needs.

use super::str_table::StrTable;
use polars::prelude::{InitHashMaps, PlHashMap};

/// A text column with every distinct value stored once: `ids[row]` indexes `values`, and
/// id 0 is the blank value (missing, empty or only whitespace).
#[derive(Debug, Clone)]
pub struct TextColumn {
    ids: Vec<u32>,
    values: StrTable,
}

impl TextColumn {
    /// Interns the values in row order (trimmed); ids follow first appearance, so the same
    /// input always gives the same column.
    pub fn from_values<'a, I>(values: I) -> TextColumn
    where
        I: IntoIterator<Item = Option<&'a str>>,
    {
        let values = values.into_iter();
        let rows = values.size_hint().0;
        let mut builder = TextColumnBuilder::with_rows(rows, rows);
        for value in values {
            let id = builder.id(value);
            builder.push(id);
        }
        builder.finish()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The value of a row; `None` when blank or out of range.
    pub fn get(&self, row: usize) -> Option<&str> {
        match self.ids.get(row) {
            Some(0) | None => None,
            Some(&id) => Some(self.values.get(id as usize)),
        }
    }

    /// Id of each row's value (0 = blank).
    pub(super) fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// Distinct values by id; `values()[0]` is the blank value.
    pub(super) fn values(&self) -> &StrTable {
        &self.values
    }
}

/// Builds a [`TextColumn`] row by row. Ids follow first appearance; a caller that knows
/// which rows repeat a value may look its id up once ([`TextColumnBuilder::id`]) and push it
/// for each of them.
pub(super) struct TextColumnBuilder<'a> {
    index: PlHashMap<&'a str, u32>,
    column: TextColumn,
}

impl<'a> TextColumnBuilder<'a> {
    /// For `rows` rows, up to `distinct` of them looked up ([`TextColumnBuilder::id`]).
    pub fn with_rows(rows: usize, distinct: usize) -> TextColumnBuilder<'a> {
        let mut column = TextColumn {
            ids: Vec::with_capacity(rows),
            values: StrTable::with_capacity(rows.min(1 << 16)),
        };
        column.values.push("");
        TextColumnBuilder {
            // Sized up front: growing the table by rehashing was a tenth of the dedup stage
            // at 1M rows.
            index: PlHashMap::with_capacity(distinct),
            column,
        }
    }

    /// The id of a value (trimmed; 0 when blank), a new one at its first sight.
    pub fn id(&mut self, value: Option<&'a str>) -> u32 {
        let value = value.map(str::trim).unwrap_or("");
        if value.is_empty() {
            return 0;
        }
        let values = &mut self.column.values;
        *self
            .index
            .entry(value)
            .or_insert_with(|| values.push(value) as u32)
    }

    /// The next row's id.
    pub fn push(&mut self, id: u32) {
        self.column.ids.push(id);
    }

    pub fn finish(mut self) -> TextColumn {
        self.column.values.shrink_to_fit();
        self.column
    }
}

/// A list the rows come from: a lead file, or the known contacts (CRM export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Shown in findings as `name:row`.
    pub name: String,
    /// Known contacts are matched against but never survive, and get no findings.
    pub known: bool,
    /// Survivorship's `source_priority`: lower wins; unset ranks after every set one.
    pub priority: Option<i64>,
}

/// Every row to deduplicate, column by column (all columns have one entry per row).
/// Text values are expected normalised by the contact stages (`email` is
/// `email_normalized`, `phone` is `phone_e164`; invalid ones blank); names, company,
/// address, postal code and date of birth are folded here.
#[derive(Debug, Clone)]
pub struct Records {
    pub sources: Vec<Source>,
    /// Index into `sources` per row.
    pub source: Vec<u16>,
    /// 1-based data row inside its source file.
    pub row: Vec<u32>,
    /// Number of non-blank fields in the row, for `most_complete` survivorship.
    pub completeness: Vec<u16>,
    /// `captured_at` as seconds since the epoch, for `newest_captured_at` survivorship.
    pub captured_at: Vec<Option<i64>>,
    pub first_name: TextColumn,
    pub last_name: TextColumn,
    pub company: TextColumn,
    pub postal_code: TextColumn,
    pub address: TextColumn,
    pub email: TextColumn,
    pub phone: TextColumn,
    pub date_of_birth: TextColumn,
    /// Per row: the email is a role address (`info@`, `sales@`: a mailbox several people
    /// read), so the address alone does not make two rows one person; such rows are
    /// email duplicates only when their names are equal too.
    pub shared_mailbox: Vec<bool>,
}

impl Records {
    pub fn len(&self) -> usize {
        self.source.len()
    }

    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    /// `source:row` of a row, as findings name it.
    pub fn reference(&self, index: u32) -> String {
        let i = index as usize;
        let source = self
            .source
            .get(i)
            .and_then(|&s| self.sources.get(s as usize))
            .map_or("?", |s| s.name.as_str());
        format!("{source}:{}", self.row.get(i).copied().unwrap_or(0))
    }

    /// Sets `shared_mailbox` from the email column: `is_role` is asked once per distinct
    /// address, with its local part (the email rules' role list).
    pub fn mark_shared_mailboxes(&mut self, is_role: impl Fn(&str) -> bool + Sync) {
        use rayon::prelude::*;
        let role: Vec<bool> = self
            .email
            .values()
            .par_iter()
            .map(|address| {
                address
                    .rsplit_once('@')
                    .is_some_and(|(local, _)| is_role(local))
            })
            .collect();
        self.shared_mailbox = self
            .email
            .ids()
            .iter()
            .map(|&id| role[id as usize])
            .collect();
    }

    /// Frees the text columns once the engine has built its features and content rank from
    /// them (nothing reads them after; what findings and survivorship read stays): at 10M
    /// rows ~1.2 GB, held through blocking and scoring before.
    pub(super) fn free_text(&mut self) {
        for column in [
            &mut self.first_name,
            &mut self.last_name,
            &mut self.company,
            &mut self.postal_code,
            &mut self.address,
            &mut self.email,
            &mut self.phone,
            &mut self.date_of_birth,
        ] {
            *column = TextColumn::from_values([]);
        }
    }

    pub(super) fn is_known(&self, index: usize) -> bool {
        self.sources[self.source[index] as usize].known
    }

    /// Each row's place in an order that depends only on what the rows hold, never on where
    /// they are: the normalised email, phone, surname, first name, company, postal code,
    /// address and date of birth (each compared as text, blank first), then completeness and
    /// `captured_at`; only rows equal in all of these fall back to source order and row.
    /// Every tie the engine breaks (survivor, which match is taken first, which path a
    /// finding names) is broken by this rank, so shuffling the input rows changes nothing
    /// but row numbers.
    pub(super) fn content_rank(&self) -> Vec<u32> {
        use rayon::prelude::*;
        let columns = [
            &self.email,
            &self.phone,
            &self.last_name,
            &self.first_name,
            &self.company,
            &self.postal_code,
            &self.address,
            &self.date_of_birth,
        ];
        // Alphabetical rank of every distinct value, per column (id 0, blank "", ranks first).
        let value_ranks: Vec<Vec<u32>> = columns
            .par_iter()
            .map(|column| super::blocking::ranks(column.values()))
            .collect();
        // The whole sort key per row, built once: a comparator that looked it up would
        // redo 16 indirect loads per comparison (the sort was 11% of a 1M-row audit).
        // (value ranks, completeness, captured_at, source, row, row index)
        type SortKey = ([u32; 8], u16, Option<i64>, u16, u32, u32);
        let mut keyed: Vec<SortKey> = (0..self.len())
            .into_par_iter()
            .map(|row| {
                let mut key = [0u32; 8];
                for ((k, column), ranks) in key.iter_mut().zip(&columns).zip(&value_ranks) {
                    *k = ranks[column.ids()[row] as usize];
                }
                (
                    key,
                    self.completeness[row],
                    self.captured_at[row],
                    self.source[row],
                    self.row[row],
                    row as u32,
                )
            })
            .collect();
        keyed.par_sort_unstable();
        let mut rank = vec![0u32; self.len()];
        for (position, &(.., row)) in keyed.iter().enumerate() {
            rank[row as usize] = position as u32;
        }
        rank
    }

    /// Checks that every column has one entry per row and every source index exists.
    pub(super) fn validate(&self) -> Result<(), String> {
        let n = self.len();
        let lengths = [
            ("row", self.row.len()),
            ("completeness", self.completeness.len()),
            ("captured_at", self.captured_at.len()),
            ("first_name", self.first_name.len()),
            ("last_name", self.last_name.len()),
            ("company", self.company.len()),
            ("postal_code", self.postal_code.len()),
            ("address", self.address.len()),
            ("email", self.email.len()),
            ("phone", self.phone.len()),
            ("date_of_birth", self.date_of_birth.len()),
            ("shared_mailbox", self.shared_mailbox.len()),
        ];
        if let Some((name, len)) = lengths.iter().find(|(_, len)| *len != n) {
            return Err(format!(
                "dedup input column `{name}` has {len} rows, expected {n}"
            ));
        }
        if self
            .source
            .iter()
            .any(|&s| s as usize >= self.sources.len())
        {
            return Err("dedup input names a source index that does not exist".to_string());
        }
        if n > u32::MAX as usize - 1 {
            return Err(format!(
                "dedup input has {n} rows; at most {} are supported",
                u32::MAX - 1
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_and_blanks() {
        let column = TextColumn::from_values([Some(" a "), None, Some("b"), Some("a"), Some("  ")]);
        assert_eq!(column.ids(), &[1, 0, 2, 1, 0]);
        assert_eq!(column.get(0), Some("a"));
        assert_eq!(column.get(1), None);
        assert_eq!(column.get(9), None);
    }
}
