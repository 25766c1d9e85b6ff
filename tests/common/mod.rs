//! Helpers shared by the integration tests: run the built binary in a temp folder and read
//! its outputs.
#![allow(dead_code)] // each test binary uses a different subset

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

pub const AS_OF: &str = "2026-11-25";

pub fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn leadaudit() -> Command {
    Command::cargo_bin("leadaudit").expect("binary builds")
}

/// Runs `audit` with `args` into a fresh folder; returns (folder, exit code, stderr).
pub fn audit(args: &[&str]) -> (TempDir, i32, String) {
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("out");
    let output = leadaudit()
        .arg("audit")
        .args(args)
        .args(["--as-of", AS_OF, "-q", "-o"])
        .arg(&out)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    (dir, output.status.code().unwrap_or(-1), stderr)
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).expect("file exists")).expect("valid JSON")
}

pub fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).expect("csv exists");
    let headers = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("record").iter().map(String::from).collect())
        .collect();
    (headers, rows)
}

pub fn column<'a>(headers: &[String], rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    rows.iter().map(|r| r[i].as_str()).collect()
}

/// Every input row lands in exactly one of clean.csv and rejected.csv, and the counts agree
/// with summary.json.
pub fn assert_rows_accounted(out: &Path) {
    let summary = read_json(&out.join("summary.json"));
    let rows = &summary["rows"];
    let input = rows["input"].as_u64().expect("input");
    assert_eq!(
        input,
        rows["accepted"].as_u64().unwrap() + rows["rejected"].as_u64().unwrap()
    );
    let (ch, clean) = csv_rows(&out.join("clean.csv"));
    let (rh, rejected) = csv_rows(&out.join("rejected.csv"));
    assert_eq!(clean.len() as u64, rows["accepted"].as_u64().unwrap());
    assert_eq!(rejected.len() as u64, rows["rejected"].as_u64().unwrap());
    let mut seen = BTreeSet::new();
    for (headers, rows) in [(&ch, &clean), (&rh, &rejected)] {
        for (source, row) in column(headers, rows, "_source")
            .into_iter()
            .zip(column(headers, rows, "_row"))
        {
            assert!(
                seen.insert((source.to_string(), row.to_string())),
                "{source}:{row} twice"
            );
        }
    }
    let expected: u64 = summary["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["role"] == "leads")
        .map(|i| i["rows"].as_u64().unwrap())
        .sum();
    assert_eq!(seen.len() as u64, expected);
    assert_eq!(expected, input);
}

pub fn fixture(path: &str) -> String {
    format!("{}/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// A run that could not start: exit 2 and exactly one stderr line, starting `error: `, that
/// contains every needle.
pub fn assert_one_error_line(code: i32, stderr: &str, needles: &[&str]) {
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "expected {needle:?} in {stderr}");
    }
}

/// The CSV outputs and summary.md byte for byte, and summary.json apart from `generated_at`.
pub fn assert_same_outputs(a: &Path, b: &Path) {
    for file in ["findings.csv", "clean.csv", "rejected.csv", "summary.md"] {
        let fa = fs::read(a.join(file)).unwrap();
        let fb = fs::read(b.join(file)).unwrap();
        assert!(fa == fb, "{file} differs between {a:?} and {b:?}");
    }
    let strip = |p: &Path| {
        let mut v = read_json(p);
        v["generated_at"] = serde_json::Value::Null;
        v
    };
    assert_eq!(
        strip(&a.join("summary.json")),
        strip(&b.join("summary.json"))
    );
}
