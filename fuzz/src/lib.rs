//! Shared helpers of the fuzz targets: one scratch folder per process (reused by every run, so
//! a run costs a file write, not a directory creation) and the built-in rules, loaded once.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use leadaudit::ingest::{read_table, ContactColumns, HeaderMap, SourceSpec};
use leadaudit::rules::{LoadedRules, Rules};

/// This process's scratch folder under the system temp dir (created on first use).
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("leadaudit-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the fuzz scratch folder");
        dir
    })
}

/// Writes `bytes` to `name` in the scratch folder and returns its path.
pub fn write_scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    std::fs::write(&path, bytes).expect("write a fuzz input file");
    path
}

/// The built-in rules (as `audit` loads them without `--rules`).
pub fn builtin_rules() -> &'static LoadedRules {
    static RULES: OnceLock<LoadedRules> = OnceLock::new();
    RULES.get_or_init(|| Rules::load(None).expect("the built-in rules load"))
}

/// Reads `bytes` as a lead file named `input.<ext>` through the library's ingest entry point.
/// Errors are expected for most inputs; a panic is a bug. A table that is read must be
/// consistent: every column as tall as the row count the audit trail records.
pub fn ingest(ext: &str, bytes: &[u8]) {
    static HEADERS: OnceLock<HeaderMap> = OnceLock::new();
    let headers = HEADERS.get_or_init(|| HeaderMap::from_rules(&builtin_rules().rules));
    let spec = SourceSpec {
        name: "fuzz".to_string(),
        path: write_scratch(&format!("input.{ext}"), bytes),
    };
    if let Ok(table) = read_table(&spec, headers, ContactColumns::Optional) {
        assert!(
            table.info.rows > 0,
            "a table without data rows was accepted"
        );
        assert_eq!(table.frame.height(), table.info.rows);
        for column in table.frame.columns() {
            assert!(column.str().is_ok(), "column {} is not text", column.name());
        }
    }
}
