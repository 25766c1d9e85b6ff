//! Per-value work once per distinct value, in parallel: lead lists repeat values heavily
//! (domains, countries, channels), and parsing is the expensive part.

use std::hash::Hash;

use polars::prelude::{
    ChunkTake, IdxCa, IdxSize, InitHashMaps, NewChunkedArray, PlHashMap, PolarsResult,
    StringChunked,
};
use rayon::prelude::*;

/// The distinct keys of a column (first-seen order) and each row's key index.
pub struct Distinct<K> {
    pub keys: Vec<K>,
    /// Per row: index into `keys`, `None` where the row has no key.
    pub row_key: Vec<Option<u32>>,
}

impl<K: Hash + Eq + Clone + Sync> Distinct<K> {
    pub fn new(rows: impl Iterator<Item = Option<K>>) -> Self {
        match Distinct::at_most(rows, usize::MAX) {
            Some(distinct) => distinct,
            None => unreachable!("no column has more than usize::MAX distinct keys"),
        }
    }

    /// As [`Distinct::new`], or `None` once the keys pass `limit` (the rows after are not
    /// read).
    pub fn at_most(rows: impl Iterator<Item = Option<K>>, limit: usize) -> Option<Self> {
        // Polars' fast hasher: this runs once per row of every column a family keys on.
        let mut index: PlHashMap<K, u32> = PlHashMap::new();
        let mut keys = Vec::new();
        let mut row_key = Vec::with_capacity(rows.size_hint().0);
        for key in rows {
            row_key.push(match key {
                None => None,
                Some(key) => {
                    let id = *index.entry(key).or_insert_with_key(|key| {
                        keys.push(key.clone());
                        (keys.len() - 1) as u32
                    });
                    if keys.len() > limit {
                        return None;
                    }
                    Some(id)
                }
            });
        }
        Some(Distinct { keys, row_key })
    }

    /// A string column from one value per key (in key order): each row gets its key's value,
    /// rows without a key null. Built per key and gathered by row, so the strings are written
    /// once per distinct value; the gather copies only polars' 16-byte string views.
    pub fn gather_str<'v>(
        &self,
        name: &str,
        per_key: impl Iterator<Item = Option<&'v str>>,
    ) -> PolarsResult<StringChunked> {
        let values = StringChunked::from_iter_options(name.into(), per_key);
        let rows = IdxCa::from_iter_options(
            name.into(),
            self.row_key.iter().map(|key| key.map(|k| k as IdxSize)),
        );
        values.take(&rows)
    }

    /// `verify` applied to every distinct key, in parallel; results in key order.
    pub fn map<T: Send>(&self, verify: impl Fn(&K) -> T + Sync + Send) -> Vec<T> {
        self.keys.par_iter().map(verify).collect()
    }

    /// Per row, the result for its key.
    pub fn per_row<'r, T>(&'r self, results: &'r [T]) -> impl Iterator<Item = Option<&'r T>> + 'r {
        self.row_key
            .iter()
            .map(move |key| key.and_then(|k| results.get(k as usize)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_distinct_key_is_verified_once_and_mapped_back() {
        let rows = [Some("a"), None, Some("b"), Some("a"), Some("a")];
        let distinct = Distinct::new(rows.iter().copied());
        assert_eq!(distinct.keys, ["a", "b"]);
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let results = distinct.map(|k| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            k.to_uppercase()
        });
        assert_eq!(calls.into_inner(), 2);
        let back: Vec<Option<&str>> = distinct
            .per_row(&results)
            .map(|r| r.map(String::as_str))
            .collect();
        assert_eq!(back, [Some("A"), None, Some("B"), Some("A"), Some("A")]);
        let column = distinct
            .gather_str("upper", results.iter().map(|r| Some(r.as_str())))
            .expect("gather");
        let gathered: Vec<Option<&str>> = column.iter().collect();
        assert_eq!(gathered, back);
        assert_eq!(column.name().as_str(), "upper");
    }

    #[test]
    fn keying_stops_once_the_keys_pass_the_limit() {
        let rows = [Some("a"), None, Some("b"), Some("a"), Some("c")];
        assert!(Distinct::at_most(rows.iter().copied(), 2).is_none());
        let bounded = Distinct::at_most(rows.iter().copied(), 3).expect("three keys");
        let unbounded = Distinct::new(rows.iter().copied());
        assert_eq!(bounded.keys, ["a", "b", "c"]);
        assert_eq!(bounded.keys, unbounded.keys);
        assert_eq!(bounded.row_key, [Some(0), None, Some(1), Some(0), Some(2)]);
        assert_eq!(bounded.row_key, unbounded.row_key);
    }
}
