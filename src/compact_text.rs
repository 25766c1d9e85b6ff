//! Text columns with few distinct values stored as polars categoricals.
//!
//! A polars string column takes a 16-byte view per row whatever its values: 160 MB per
//! column at 10M rows, and the lead frame holds 40 and more (the inputs' columns and the
//! stages' normalised ones). Most of them repeat a few values (countries, states,
//! channels, segments, name pools, event counts). Stored as a polars categorical, such a
//! column takes a 4-byte category id per row and each distinct string once.
//!
//! The lead frame holds its columns this way; everything reads them through [`text`], which
//! gives the strings back (a view per row, the bytes shared with the categories) for as long
//! as the reader needs them, or through [`TextRows`], a block of rows at a time.

use std::borrow::Cow;

use polars::prelude::*;

use crate::checks::distinct::Distinct;

/// Rows sampled (evenly spread) to judge a column's cardinality before counting it in full.
const SAMPLE_ROWS: usize = 4096;
/// A column is compacted when it has at most one distinct value per this many rows.
const MIN_ROWS_PER_VALUE: usize = 8;

/// A column's text, stored compactly when few distinct values make that smaller; other
/// columns are returned as they are. The values read back through [`text`] are unchanged.
pub fn compact(column: Column) -> PolarsResult<Column> {
    let Ok(values) = column.str() else {
        return Ok(column);
    };
    let Some(Distinct {
        keys: categories,
        row_key: ids,
    }) = categorise(values)
    else {
        return Ok(column);
    };
    // A mapping of the column's own (not polars' global one), filled in first-seen order so
    // that category `i` is `categories[i]`. 4-byte ids: 1- and 2-byte ones need polars
    // features (`dtype-u8`, `dtype-u16`) this build leaves out.
    let kind = Categories::random(PlSmallStr::EMPTY, CategoricalPhysical::U32);
    let mapping = kind.mapping();
    for (id, value) in categories.iter().enumerate() {
        let category = mapping.insert_cat(value)?;
        polars_ensure!(
            category as usize == id,
            ComputeError: "category {category} given to value {id} of {}", column.name()
        );
    }
    let physical = UInt32Chunked::from_iter_options(column.name().clone(), ids.into_iter());
    let dtype = DataType::Categorical(kind, mapping);
    // Safe: every id indexes the mapping filled above.
    Ok(
        unsafe { Categorical32Chunked::from_cats_and_dtype_unchecked(physical, dtype) }
            .into_column(),
    )
}

/// A text column's strings: borrowed when stored as strings, rebuilt from the categories
/// when compacted. Any other type is an error, as `Column::str` gives.
pub fn text(column: &Column) -> PolarsResult<Cow<'_, StringChunked>> {
    match TextRows::new(column)? {
        TextRows::Strings(values) => Ok(Cow::Borrowed(values)),
        compacted => compacted.rows(0, column.len()).map(Cow::Owned),
    }
}

/// A text column read a block of rows at a time: a writer going through the frame block by
/// block holds one block decoded, not the frame.
pub enum TextRows<'a> {
    Strings(&'a StringChunked),
    /// The categories as strings (in id order) and the rows' ids: a block's strings are
    /// gathered from the categories, sharing their bytes.
    Compacted {
        categories: StringChunked,
        ids: &'a Column,
    },
}

impl<'a> TextRows<'a> {
    /// Errors on a column that is not text, as `Column::str` does.
    pub fn new(column: &'a Column) -> PolarsResult<TextRows<'a>> {
        let DataType::Categorical(_, mapping) = column.dtype() else {
            return column.str().map(TextRows::Strings);
        };
        let categories = StringChunked::from_iter_options(
            column.name().clone(),
            (0..mapping.num_cats_upper_bound()).map(|cat| mapping.cat_to_str(cat as CatSize)),
        );
        Ok(TextRows::Compacted {
            categories,
            ids: column,
        })
    }

    /// Rows `start..start + len` (clipped to the column) as strings.
    pub fn rows(&self, start: usize, len: usize) -> PolarsResult<StringChunked> {
        match self {
            TextRows::Strings(values) => Ok(values.slice(start as i64, len)),
            TextRows::Compacted { categories, ids } => {
                let ids = ids
                    .slice(start as i64, len)
                    .to_physical_repr()
                    .cast(&IDX_DTYPE)?;
                categories.take(ids.idx()?)
            }
        }
    }
}

/// A compacted column's distinct values in first-seen order and each row's index among
/// them (what hashing its strings row by row would give), read from its category ids: no
/// string decoded or hashed. `None` for a column stored as strings. The column may be a
/// slice, using only some of its categories.
pub fn distinct_ids(column: &Column) -> PolarsResult<Option<Distinct<&str>>> {
    let DataType::Categorical(_, mapping) = column.dtype() else {
        return Ok(None);
    };
    let ids = column.to_physical_repr();
    let mut dense = vec![u32::MAX; mapping.num_cats_upper_bound()];
    let mut keys: Vec<&str> = Vec::new();
    let mut row_key = Vec::with_capacity(column.len());
    for id in ids.u32()?.iter() {
        row_key.push(match id {
            None => None,
            Some(id) => {
                let slot = dense.get_mut(id as usize).ok_or_else(
                    || polars_err!(ComputeError: "category {id} outside {}", column.name()),
                )?;
                if *slot == u32::MAX {
                    *slot = keys.len() as u32;
                    keys.push(mapping.cat_to_str(id).unwrap_or_default());
                }
                Some(*slot)
            }
        });
    }
    Ok(Some(Distinct { keys, row_key }))
}

/// The distinct values in first-seen order and each row's index among them, when the
/// column has few enough distinct values that the categorical is smaller than the views
/// (at most one per [`MIN_ROWS_PER_VALUE`] rows; each category costs ~50 bytes once, a row
/// 4 bytes instead of 16). A sample first: a column whose distinct values, estimated from
/// the sample, pass the limit (ids, emails, timestamps, addresses) is passed over after a
/// few thousand lookups; then the whole column, given up once its distinct values pass the
/// limit (the estimate errs low).
fn categorise(values: &StringChunked) -> Option<Distinct<&str>> {
    let rows = values.len();
    if rows == 0 {
        return None;
    }
    let limit = rows / MIN_ROWS_PER_VALUE;
    if estimated_distinct(values) > limit {
        return None;
    }
    Distinct::at_most(values.iter(), limit)
}

/// A column's number of distinct values estimated from an evenly spread sample of
/// [`SAMPLE_ROWS`] rows: the sample's distinct values plus Chao's estimate of those it missed,
/// from how many it saw once (`f1`) and twice (`f2`): `f1 (f1 - 1) / (2 (f2 + 1))`. A sample
/// of every row gives the exact count.
fn estimated_distinct(values: &StringChunked) -> usize {
    let rows = values.len();
    let step = rows.div_ceil(SAMPLE_ROWS).max(1);
    let mut seen: PlHashMap<&str, u32> = PlHashMap::new();
    for row in (0..rows).step_by(step) {
        if let Some(value) = values.get(row) {
            *seen.entry(value).or_insert(0) += 1;
        }
    }
    if step == 1 {
        return seen.len();
    }
    let times = |n: u32| seen.values().filter(|&&c| c == n).count();
    let (once, twice) = (times(1), times(2));
    seen.len() + once * once.saturating_sub(1) / (2 * (twice + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[Option<&str>]) -> Column {
        StringChunked::from_iter_options("c".into(), values.iter().copied()).into_column()
    }

    fn read_back(column: &Column) -> Vec<Option<String>> {
        text(column)
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_string))
            .collect()
    }

    #[test]
    fn repeated_values_are_stored_as_a_categorical_and_read_back_unchanged() {
        let long = "a value longer than twelve bytes";
        let values: Vec<Option<&str>> = (0..1000)
            .map(|i| match i % 5 {
                0 => None,
                1 => Some(""),
                2 => Some(long),
                3 => Some("US"),
                _ => Some("CA"),
            })
            .collect();
        let column = strings(&values);
        let compacted = compact(column.clone()).unwrap();
        assert!(matches!(compacted.dtype(), DataType::Categorical(..)));
        assert_eq!(compacted.null_count(), 200);
        assert_eq!(read_back(&compacted), read_back(&column));
        let rows = |c: &Column| -> Vec<Option<String>> {
            let part = TextRows::new(c).unwrap().rows(998, 5).unwrap();
            part.iter().map(|v| v.map(str::to_string)).collect()
        };
        assert_eq!(rows(&compacted), rows(&column));
        assert_eq!(
            rows(&compacted),
            [Some("US".to_string()), Some("CA".into())]
        );
        assert!(compacted.as_materialized_series().estimated_size() < 1000 * 5);
    }

    #[test]
    fn a_slice_of_a_compacted_column_gives_its_distinct_values_in_first_seen_order() {
        let values: Vec<Option<&str>> = (0..400)
            .map(|i| match i % 7 {
                0 => None,
                1 | 4 => Some("b"),
                2 => Some("a"),
                3 => Some(""),
                _ => Some("c"),
            })
            .collect();
        let compacted = compact(strings(&values)).unwrap();
        let part = compacted.slice(3, 20);
        let Distinct {
            keys,
            row_key: rows,
        } = distinct_ids(&part).unwrap().unwrap();
        // Hashing the decoded strings of the slice, as `Distinct::new` would.
        let decoded = text(&part).unwrap();
        let mut expected_keys: Vec<&str> = Vec::new();
        let expected_rows: Vec<Option<u32>> = decoded
            .iter()
            .map(|v| {
                v.map(|v| match expected_keys.iter().position(|k| *k == v) {
                    Some(i) => i as u32,
                    None => {
                        expected_keys.push(v);
                        (expected_keys.len() - 1) as u32
                    }
                })
            })
            .collect();
        assert_eq!(keys, expected_keys);
        assert_eq!(keys, ["", "b", "c", "a"]);
        assert_eq!(rows, expected_rows);
        assert!(distinct_ids(&strings(&values)).unwrap().is_none());
    }

    #[test]
    fn a_column_that_repeats_is_compacted_though_much_of_its_sample_is_distinct() {
        // Like postal codes: ~5,000 values over 40,960 rows (one per 8.2 rows), over a third
        // of the 4,096-row sample distinct.
        let owned: Vec<String> = (0..40_960u64)
            .map(|i| format!("{:05}", (i.wrapping_mul(2_654_435_761) >> 7) % 5003))
            .collect();
        let values: Vec<Option<&str>> = owned.iter().map(|s| Some(s.as_str())).collect();
        let sampled: PlHashSet<&str> = owned.iter().step_by(10).map(String::as_str).collect();
        assert!(
            sampled.len() * 3 > 4096,
            "{} distinct in the sample",
            sampled.len()
        );
        let column = strings(&values);
        let compacted = compact(column.clone()).unwrap();
        assert!(matches!(compacted.dtype(), DataType::Categorical(..)));
        assert_eq!(read_back(&compacted), read_back(&column));
    }

    #[test]
    fn distinct_values_are_estimated_from_the_sample() {
        let column =
            |values: Vec<String>| StringChunked::from_iter_values("c".into(), values.into_iter());
        // Every row sampled: exact.
        let small: Vec<String> = (0..1000).map(|i| format!("v{}", i % 37)).collect();
        assert_eq!(estimated_distinct(&column(small)), 37);
        // Unique values: far past one per eight rows.
        let unique: Vec<String> = (0..100_000).map(|i| format!("id-{i}")).collect();
        assert!(estimated_distinct(&column(unique)) > 100_000 / MIN_ROWS_PER_VALUE);
        // ~5,000 values over 100,000 rows: the sample sees few of them twice or more.
        let repeated: Vec<String> = (0..100_000u64)
            .map(|i| format!("{}", (i.wrapping_mul(2_654_435_761) >> 7) % 5003))
            .collect();
        let estimate = estimated_distinct(&column(repeated));
        assert!((2_500..10_000).contains(&estimate), "estimated {estimate}");
    }

    #[test]
    fn mostly_distinct_values_stay_strings() {
        let owned: Vec<String> = (0..1000).map(|i| format!("lead-{i}")).collect();
        let values: Vec<Option<&str>> = owned.iter().map(|s| Some(s.as_str())).collect();
        let compacted = compact(strings(&values)).unwrap();
        assert_eq!(compacted.dtype(), &DataType::String);
        assert_eq!(text(&compacted).unwrap().get(999), Some("lead-999"));
    }

    #[test]
    fn a_column_distinct_past_the_sample_gives_up_and_stays_strings() {
        // The sample (every third row of 10,000) sees only repeats; the full count passes
        // one distinct value per eight rows.
        let owned: Vec<String> = (0..10_000)
            .map(|i| {
                if i % 3 == 0 {
                    "same".to_string()
                } else {
                    format!("v{i}")
                }
            })
            .collect();
        let values: Vec<Option<&str>> = owned.iter().map(|s| Some(s.as_str())).collect();
        let compacted = compact(strings(&values)).unwrap();
        assert_eq!(compacted.dtype(), &DataType::String);
    }

    #[test]
    fn other_types_pass_through_and_are_not_text() {
        let numbers = UInt32Chunked::from_iter_values("n".into(), 0..10).into_column();
        let kept = compact(numbers.clone()).unwrap();
        assert_eq!(kept.dtype(), &DataType::UInt32);
        assert!(text(&kept).is_err());
        let all_null = strings(&[None, None, None]);
        assert_eq!(
            read_back(&compact(all_null).unwrap()),
            vec![None, None, None]
        );
    }
}
