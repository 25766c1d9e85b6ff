//! Distinct strings stored end to end in one buffer.
//!
//! The engine keeps every distinct value of each field twice (as given and folded): at 1M
//! rows that is millions of values, and a `String` each cost 24 bytes of header plus an
//! allocation of its own.

use rayon::prelude::*;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrTable {
    text: String,
    /// Where each value ends in `text`; value `i` starts where value `i - 1` ends.
    ends: Vec<usize>,
}

impl StrTable {
    pub fn with_capacity(values: usize) -> StrTable {
        StrTable {
            text: String::new(),
            ends: Vec::with_capacity(values),
        }
    }

    /// Appends a value; returns its index.
    pub fn push(&mut self, value: &str) -> usize {
        self.text.push_str(value);
        self.ends.push(self.text.len());
        self.ends.len() - 1
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Value `index` (`""` out of range).
    pub fn get(&self, index: usize) -> &str {
        let Some(&end) = self.ends.get(index) else {
            return "";
        };
        let start = index.checked_sub(1).map_or(0, |i| self.ends[i]);
        &self.text[start..end]
    }

    pub fn par_iter(&self) -> impl IndexedParallelIterator<Item = &str> + '_ {
        (0..self.len()).into_par_iter().map(|i| self.get(i))
    }

    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

impl<'a> FromIterator<&'a str> for StrTable {
    fn from_iter<I: IntoIterator<Item = &'a str>>(values: I) -> StrTable {
        let mut table = StrTable::default();
        for value in values {
            table.push(value);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_in_order_with_empty_ones() {
        let table: StrTable = ["", "ann", "", "josé"].into_iter().collect();
        assert_eq!(table.len(), 4);
        let values: Vec<&str> = table.par_iter().collect();
        assert_eq!(values, ["", "ann", "", "josé"]);
        assert_eq!(table.get(3), "josé");
        assert_eq!(table.get(4), "");
    }
}
