//! A string column builder that stores a repeated value's bytes once.
//!
//! Polars keeps a string longer than 12 bytes in a buffer and a 16-byte view pointing at it;
//! strings up to 12 bytes live in the view itself. Lead and consent files repeat long values
//! heavily: every consent record of a form carries the same consent text and page URL, a
//! lead's records repeat its email, certificate and timestamp, and industries, job titles and
//! company names recur down a list. In the benchmark's 1M-row data 241 of each consent
//! record's 329 bytes of long values, and about half of each lead row's, are repeats. Here a
//! repeat gets a view of the bytes already stored, as Arrow's view layout allows.

use std::hash::BuildHasher;

use polars::prelude::{PlFixedStateQuality, PlSmallStr, StringChunked};
use polars_arrow::array::{MutableBinaryViewArray, Utf8ViewArray, View};

/// Long values looked up before deciding whether the lookup table pays for itself.
const TRIAL_LOOKUPS: usize = 4096;
/// Slots of the lookup table (a power of two). A value takes the slot its hash picks,
/// replacing what was there: the table is one fixed allocation that never grows or rehashes
/// (a piece of a file is ~12k rows, and its columns repeat a few thousand long values at
/// most), where a hash map grown per column and per piece cost 4% of reading a lead file in
/// allocation and page zeroing.
const SLOTS: usize = 1 << 12;

pub struct SharedTextBuilder {
    name: PlSmallStr,
    array: MutableBinaryViewArray<str>,
    /// The last long value's view: runs of one value (a lead's consent records) share it.
    previous: Option<View>,
    /// Long values seen, in the slot their hash picks (an unused slot's view is empty, which
    /// no long value matches); `None` once the trial showed few repeats.
    remembered: Option<Box<[View]>>,
    hasher: PlFixedStateQuality,
    lookups: usize,
    hits: usize,
    /// Length of the long values pushed as views (`array` counts only what it pushes itself).
    view_bytes: usize,
}

impl SharedTextBuilder {
    pub fn new(name: &str, capacity: usize) -> SharedTextBuilder {
        SharedTextBuilder {
            name: name.into(),
            array: MutableBinaryViewArray::with_capacity(capacity),
            previous: None,
            remembered: Some(vec![View::default(); SLOTS].into_boxed_slice()),
            hasher: PlFixedStateQuality::default(),
            lookups: 0,
            hits: 0,
            view_bytes: 0,
        }
    }

    pub fn append_null(&mut self) {
        self.array.push_null();
    }

    pub fn append_value(&mut self, value: &str) {
        if value.len() <= View::MAX_INLINE_SIZE as usize {
            self.array.push_value(value);
            return;
        }
        if let Some(view) = self.previous.filter(|view| self.holds(view, value)) {
            return self.push_view(view);
        }
        // A column of unique values (ids, emails) would only pay for hashing.
        if self.lookups == TRIAL_LOOKUPS && self.hits < TRIAL_LOOKUPS / 8 {
            self.remembered = None;
        }
        let Some(remembered) = self.remembered.as_ref() else {
            self.push_new(value);
            return;
        };
        let slot = self.hasher.hash_one(value) as usize & (SLOTS - 1);
        let view = remembered[slot];
        self.lookups += 1;
        if self.holds(&view, value) {
            self.hits += 1;
            return self.push_view(view);
        }
        let view = self.push_new(value);
        if let Some(remembered) = self.remembered.as_mut() {
            remembered[slot] = view;
        }
    }

    /// Whether `view` (one of this array's) holds `value`.
    fn holds(&self, view: &View, value: &str) -> bool {
        view.length as usize == value.len()
            // SAFETY: the view was returned by this array's `push_value_into_buffer` (or
            // copied from one that was), and buffers are only ever appended to.
            && unsafe { self.array.value_from_view_unchecked(view) } == value
    }

    fn push_new(&mut self, value: &str) -> View {
        let view = self.array.push_value_into_buffer(value.as_bytes());
        self.push_view(view);
        self.previous = Some(view);
        view
    }

    /// Appends a view of bytes already in the array's buffers.
    fn push_view(&mut self, view: View) {
        // SAFETY: the view points into this array's buffers (see `holds`); the total byte
        // length it changes is corrected in `finish`, before the array is read.
        unsafe { self.array.views_mut().push(view) };
        self.view_bytes += view.length as usize;
        if let Some(validity) = self.array.validity() {
            validity.push(true);
        }
    }

    pub fn finish(mut self) -> StringChunked {
        let total_bytes = self.array.total_bytes_len() + self.view_bytes;
        // SAFETY: now the sum of the views' lengths, as polars expects.
        unsafe { self.array.set_total_bytes_len(total_bytes) };
        let array: Utf8ViewArray = self.array.into();
        StringChunked::with_chunk(self.name, array)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(values: &[Option<&str>]) -> StringChunked {
        let mut builder = SharedTextBuilder::new("cells", 4);
        for value in values {
            match value {
                Some(v) => builder.append_value(v),
                None => builder.append_null(),
            }
        }
        builder.finish()
    }

    /// Bytes in the column's buffers (views aside).
    fn buffer_bytes(column: &StringChunked) -> usize {
        column
            .downcast_iter()
            .map(|array| array.total_buffer_len())
            .sum()
    }

    #[test]
    fn values_read_back_as_written_and_repeats_are_stored_once() {
        let text = "I agree to receive calls and texts from Acme Solar.";
        let url = "https://offers.example.com/form";
        let values = [
            Some(text),
            Some(url),
            None,
            Some(text),
            Some("short"),
            Some(text),
            Some(url),
            Some(""),
            None,
        ];
        let column = build(&values);
        let back: Vec<Option<&str>> = column.iter().collect();
        assert_eq!(back, values);
        assert_eq!(column.null_count(), 2);
        assert_eq!(buffer_bytes(&column), text.len() + url.len());
        // Lengths polars computes from its own count agree with the values.
        let lengths: usize = values.iter().flatten().map(|v| v.len()).sum();
        let array = column.downcast_iter().next().expect("one chunk");
        assert_eq!(array.total_bytes_len(), lengths);
    }

    #[test]
    fn values_that_share_a_slot_all_read_back() {
        // More distinct long values than the table has slots, a quarter of the cells
        // repeating a value two back (so the table stays on): slots are overwritten, every
        // value still reads back, and most repeats are stored once.
        let name = |i: usize| format!("repeated-value-number-{i:08}");
        let mut values = Vec::new();
        for i in 0..SLOTS + 5000 {
            values.push(name(i));
            if i % 3 == 2 {
                values.push(name(i - 2));
            }
        }
        let cells: Vec<Option<&str>> = values.iter().map(|v| Some(v.as_str())).collect();
        let column = build(&cells);
        let back: Vec<Option<&str>> = column.iter().collect();
        assert_eq!(back, cells);
        // Each distinct value once, and at most a tenth of the repeats again.
        let len = name(0).len();
        let distinct = (SLOTS + 5000) * len;
        let repeats = values.len() - (SLOTS + 5000);
        let stored = buffer_bytes(&column);
        assert!(
            stored <= distinct + repeats * len / 10,
            "{stored} bytes stored"
        );
    }

    #[test]
    fn the_table_switches_off_on_a_column_of_unique_values() {
        let mut builder = SharedTextBuilder::new("ids", 0);
        for i in 0..TRIAL_LOOKUPS + 1 {
            builder.append_value(&format!("unique-id-{i:08}"));
        }
        assert!(builder.remembered.is_none());
        let column = builder.finish();
        assert_eq!(column.get(7), Some("unique-id-00000007"));
    }

    #[test]
    fn values_repeated_apart_are_shared() {
        // Seven values of one length and prefix in turn: never two alike in a row, so each
        // repeat is found through the table.
        let values: Vec<String> = (0..3 * TRIAL_LOOKUPS)
            .map(|i| format!("same-prefix-{:06}", i % 7))
            .collect();
        let cells: Vec<Option<&str>> = values.iter().map(|v| Some(v.as_str())).collect();
        let column = build(&cells);
        let back: Vec<Option<&str>> = column.iter().collect();
        assert_eq!(back, cells);
        assert_eq!(buffer_bytes(&column), 7 * values[0].len());
    }
}
