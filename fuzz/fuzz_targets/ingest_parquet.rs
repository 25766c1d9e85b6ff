//! Arbitrary bytes as a `.parquet` lead file through `ingest::read_table`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fuzz_support::ingest("parquet", data));
