//! leadaudit: audits lead lists (contact validity, duplicates, consent, suppression, fit) and
//! comparison-tool rankings. `main.rs` only parses arguments and maps errors to exit codes.

// Lead data is millions of short strings; glibc malloc was a quarter of the contact stages'
// profile (see docs/PERFORMANCE.md). Declared here so the binary, examples and tests all use it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod audit;
pub mod checks;
pub mod cli;
pub mod compact_text;
pub mod error;
pub mod frame;
pub mod ingest;
pub mod memory;
pub mod progress;
pub mod rankings;
pub mod render;
pub mod rules;
pub mod shared_text;
pub mod summary;

pub use error::{Error, Result};
