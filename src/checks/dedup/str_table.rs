//! Distinct strings stored end to end in one buffer.
//!
//! The engine keeps every distinct value of each field twice (as given and folded): at 1M
//! rows that is millions of values, and a `String` each cost 24 bytes of header plus an
//! allocation of its own.

use std::hash::BuildHasher;

use polars::prelude::{InitHashMaps, PlFixedStateQuality, PlHashMap};
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

/// Distinct strings given ids in order of first appearance, stored in a [`StrTable`].
///
/// Looked up by a 64-bit hash of the value, so the strings interned need not outlive the
/// interner (a `&str`-keyed map would keep every one alive until the end): values can be
/// made and interned a slice at a time. Values whose hashes are equal are chained and told
/// apart by comparing the stored text.
pub struct StrInterner {
    table: StrTable,
    /// The newest id with a given hash.
    newest: PlHashMap<u64, u32>,
    /// Per id: the next older id with the same hash (`u32::MAX`: none).
    older: Vec<u32>,
}

impl StrInterner {
    pub fn with_capacity(values: usize) -> StrInterner {
        StrInterner {
            table: StrTable::with_capacity(values),
            newest: PlHashMap::with_capacity(values),
            older: Vec::with_capacity(values),
        }
    }

    /// The id of `value`, a new one when it was not seen before.
    pub fn intern(&mut self, value: &str) -> u32 {
        let hash = PlFixedStateQuality::default().hash_one(value);
        let mut next = self.newest.get(&hash).copied().unwrap_or(u32::MAX);
        let head = next;
        while next != u32::MAX {
            if self.table.get(next as usize) == value {
                return next;
            }
            next = self.older[next as usize];
        }
        let id = self.table.push(value) as u32;
        self.older.push(head);
        self.newest.insert(hash, id);
        id
    }

    pub fn into_table(mut self) -> StrTable {
        self.table.shrink_to_fit();
        self.table
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

    #[test]
    fn interned_values_keep_their_first_id() {
        let mut interner = StrInterner::with_capacity(2);
        let ids: Vec<u32> = ["", "ann", "bo", "ann", "", "bo", "cy"]
            .iter()
            .map(|v| interner.intern(v))
            .collect();
        assert_eq!(ids, [0, 1, 2, 1, 0, 2, 3]);
        let table = interner.into_table();
        assert_eq!(
            table.par_iter().collect::<Vec<_>>(),
            ["", "ann", "bo", "cy"]
        );
    }

    /// Values that share a hash are told apart by their text.
    #[test]
    fn values_with_one_hash_get_their_own_ids() {
        let mut interner = StrInterner::with_capacity(4);
        interner.intern("ann");
        // As if "bo" had hashed like "ann": chained behind it under that hash.
        let hash = PlFixedStateQuality::default().hash_one("ann");
        let bo = interner.table.push("bo") as u32;
        interner.older.push(interner.newest[&hash]);
        interner.newest.insert(hash, bo);
        assert_eq!(interner.intern("ann"), 0, "found behind the newer 'bo'");
        assert_eq!(
            interner.intern("bo"),
            2,
            "its own hash has no entry yet: a new id"
        );
        assert_eq!(interner.table.len(), 3);
    }
}
