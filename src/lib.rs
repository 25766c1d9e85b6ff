//! leadaudit: audits lead lists (contact validity, duplicates, consent, suppression, fit) and
//! comparison-tool rankings. `main.rs` only parses arguments and maps errors to exit codes.

pub mod audit;
pub mod checks;
pub mod cli;
pub mod error;
pub mod frame;
pub mod ingest;
pub mod progress;
pub mod rankings;
pub mod render;
pub mod rules;
pub mod summary;

pub use error::{Error, Result};
