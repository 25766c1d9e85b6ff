//! Hostile and broken inputs (fixtures/hostile/): each gives a correct audit with every row
//! accounted for, or one located `error:` line and exit code 2 — never a panic.

mod common;

use std::fs;

use common::*;
use tempfile::TempDir;

fn hostile(name: &str) -> String {
    fixture(&format!("hostile/{name}"))
}

/// Audits one hostile file that must be accepted; returns the output folder.
fn audits_cleanly(name: &str, rows: u64) -> TempDir {
    let (dir, code, stderr) = audit(&[&hostile(name)]);
    assert!(code == 0 || code == 1, "{name}: exit {code}: {stderr}");
    let out = dir.path().join("out");
    assert_rows_accounted(&out);
    assert_eq!(
        read_json(&out.join("summary.json"))["rows"]["input"],
        rows,
        "{name}"
    );
    dir
}

fn fails_with(name: &str, needles: &[&str]) {
    let (_dir, code, stderr) = audit(&[&hostile(name)]);
    assert_one_error_line(code, &stderr, &[&[name], needles].concat());
}

#[test]
fn a_parquet_file_that_crashes_the_reader_is_an_error_naming_the_file() {
    // polars 0.55.2 panics on this corrupt footer (found by fuzzing); the panic hook turns it
    // into one error line that names the file instead of "internal error".
    fails_with("corrupt_footer.parquet", &["cannot read this file"]);
}

#[test]
fn line_endings_nuls_and_quoted_newlines_keep_every_row() {
    audits_cleanly("mixed_line_endings.csv", 4);
    let dir = audits_cleanly("nul_bytes.csv", 2);
    let clean = fs::read_to_string(dir.path().join("out/clean.csv")).unwrap()
        + &fs::read_to_string(dir.path().join("out/rejected.csv")).unwrap();
    assert!(clean.contains("A\0nn"), "NUL kept as data");
    let dir = audits_cleanly("quoted_newlines.csv", 3);
    let (headers, rows) = csv_rows(&dir.path().join("out/clean.csv"));
    assert_eq!(column(&headers, &rows, "_row"), ["1", "2", "3"]);
    assert_eq!(column(&headers, &rows, "address")[0], "1 Main St\nApt 2");
    assert_eq!(column(&headers, &rows, "address")[2], "say \"hi\"");
}

#[test]
fn encodings_are_errors_that_say_what_to_do() {
    fails_with("utf16.csv", &["UTF-16"]);
    fails_with("latin1.csv", &["row 1", "column 'first_name'", "UTF-8"]);
    fails_with("binary.csv", &["line 1", "not look like a text file"]);
    let dir = audits_cleanly("bom_utf8.csv", 1);
    let summary = read_json(&dir.path().join("out/summary.json"));
    assert_eq!(summary["inputs"][0]["columns"]["E-mail"], "email");
}

#[test]
fn structural_problems_are_located_errors() {
    fails_with("unbalanced_quotes.csv", &["unbalanced quotes", "line 2"]);
    fails_with("header_only.csv", &["no data rows"]);
    fails_with("duplicate_headers.csv", &["duplicate column header 'name'"]);
    fails_with("not_parquet.parquet", &["not a readable Parquet file"]);
}

#[test]
fn wide_and_nested_inputs_are_kept() {
    let dir = audits_cleanly("ten_thousand_columns.csv", 2);
    let (headers, _) = csv_rows(&dir.path().join("out/clean.csv"));
    assert!(
        headers.len() >= 10_000 + 2,
        "all columns kept: {}",
        headers.len()
    );
    let dir = audits_cleanly("nested.json", 2);
    // Row 1's name is a JSON object: kept verbatim, and rejected as a junk name.
    let (headers, rows) = csv_rows(&dir.path().join("out/rejected.csv"));
    assert_eq!(
        column(&headers, &rows, "full_name"),
        [r#"{"first":"Ann","last":"Lee"}"#]
    );
    assert_eq!(column(&headers, &rows, "tags"), [r#"["x",{"y":1}]"#]);
    assert_eq!(column(&headers, &rows, "_reasons"), ["name.placeholder"]);
    let (headers, rows) = csv_rows(&dir.path().join("out/clean.csv"));
    assert_eq!(column(&headers, &rows, "phone"), ["6502530000"]);
}

#[test]
fn spreadsheet_mangled_and_date_variety_inputs_audit() {
    let findings = |dir: &TempDir| {
        let (h, r) = csv_rows(&dir.path().join("out/findings.csv"));
        column(&h, &r, "row")
            .into_iter()
            .zip(column(&h, &r, "check"))
            .zip(column(&h, &r, "detail"))
            .map(|((row, check), detail)| (row.to_string(), check.to_string(), detail.to_string()))
            .collect::<Vec<_>>()
    };
    let dir = audits_cleanly("scientific_phones.csv", 2);
    let invalid: Vec<_> = findings(&dir)
        .into_iter()
        .filter(|f| f.1 == "phone.invalid")
        .map(|f| f.0)
        .collect();
    assert_eq!(invalid, ["1", "2"], "6.50253E+09 is not a phone number");
    let dir = audits_cleanly("excel_zip.csv", 3);
    let postal: Vec<_> = findings(&dir)
        .into_iter()
        .filter(|f| f.1 == "address.postal")
        .collect();
    assert_eq!(
        postal.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["1", "3"],
        "02134 on row 2 is fine"
    );
    assert!(
        postal[0].2.contains("02134?"),
        "suggests the lost leading zero: {}",
        postal[0].2
    );
    audits_cleanly("dates_five_formats.csv", 5);
}

#[test]
fn a_one_megabyte_cell_is_kept_whole() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("big_cell.csv");
    let big = "x".repeat(1 << 20);
    fs::write(
        &path,
        format!("email,notes\na@example.com,{big}\nb@example.com,short\n"),
    )
    .unwrap();
    let (out, code, stderr) = audit(&[path.to_str().unwrap()]);
    assert!(code < 2, "{stderr}");
    let out = out.path().join("out");
    assert_rows_accounted(&out);
    let (headers, rows) = csv_rows(&out.join("clean.csv"));
    assert_eq!(column(&headers, &rows, "notes")[0].len(), 1 << 20);
}

#[test]
fn source_names_never_become_paths() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    let spec = format!("../../escape={}", data("small_b.tsv"));
    let output = leadaudit()
        .args(["audit", &spec, "--as-of", AS_OF, "-q", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.code() < Some(2));
    let mut written: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "clean.csv",
            "findings.csv",
            "rejected.csv",
            "report.html",
            "summary.json",
            "summary.md"
        ]
    );
    assert!(!dir.path().join("escape").exists() && fs::read_dir(dir.path()).unwrap().count() == 1);
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["sources"][0]["source"], "../../escape");
}
