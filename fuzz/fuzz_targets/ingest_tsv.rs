//! Arbitrary bytes as a `.tsv` lead file through `ingest::read_table`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fuzz_support::ingest("tsv", data));
