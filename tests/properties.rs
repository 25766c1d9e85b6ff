//! Property tests over random lead tables (a seeded generator, so a failure reproduces):
//! every row is accounted for exactly once, findings point at real rows, outputs are
//! deterministic, and shuffling the input rows changes nothing but row numbers.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use common::*;
use tempfile::TempDir;

/// SplitMix64: tiny, seedable, good enough to vary test tables.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIRST: &[&str] = &[
    "Ann", "Bob", "Robert", "José", "Li", "", "Test", "<b>x</b>", "=1+1", "Zoë",
];
const LAST: &[&str] = &[
    "Lee",
    "Smith",
    "O'Neil",
    "Nguyễn",
    "",
    "asdf",
    "Müller",
    "\"quoted\"",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "gmail.com",
    "gmial.com",
    "mailinator.com",
    "example",
    "",
];
const PHONES: &[&str] = &[
    "+1 650-253-0000",
    "(650) 253-0001",
    "6502530002",
    "123",
    "",
    "+44 20 7946 0958",
    "6.50253E+09",
];
const ZIPS: &[&str] = &["94043", "02134", "2134", "SW1A 1AA", "", "ABCDE"];

/// A random lead table as CSV text with `rows` data rows.
fn random_table(rng: &mut Rng, rows: usize) -> Vec<Vec<String>> {
    (0..rows)
        .map(|i| {
            let first = rng.pick(FIRST);
            let last = rng.pick(LAST);
            let domain = rng.pick(DOMAINS);
            let email = match (rng.below(5), domain) {
                (0, _) | (_, "") => String::new(),
                (1, d) => format!("{}.{}@{d}", first.to_lowercase(), i % 7),
                (2, d) => format!("info@{d}"),
                (_, d) => format!("user{}@{d}", rng.below(40)),
            };
            vec![
                format!("L{i}"),
                first.to_string(),
                last.to_string(),
                email,
                rng.pick(PHONES).to_string(),
                rng.pick(ZIPS).to_string(),
            ]
        })
        .collect()
}

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let mut writer = csv::Writer::from_path(path).unwrap();
    writer
        .write_record([
            "lead_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "postal_code",
        ])
        .unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
}

/// lead_id -> sorted (check, detail) findings, excluding duplicate checks (which survivor a
/// cluster keeps may depend on order; their counts are compared instead).
fn findings_by_lead(out: &Path) -> BTreeMap<String, Vec<(String, String)>> {
    let (headers, rows) = csv_rows(&out.join("findings.csv"));
    let mut by_lead: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for ((lead, check), detail) in column(&headers, &rows, "lead_id")
        .into_iter()
        .zip(column(&headers, &rows, "check"))
        .zip(column(&headers, &rows, "detail"))
    {
        if !check.starts_with("dup.") {
            by_lead
                .entry(lead.to_string())
                .or_default()
                .push((check.to_string(), detail.to_string()));
        }
    }
    for findings in by_lead.values_mut() {
        findings.sort();
    }
    by_lead
}

/// Rows per check. Duplicate checks are summed: when duplicates are equally complete the
/// survivor is the first in input order, so shuffling may change which pair (and so which of
/// dup.email/dup.phone/dup.fuzzy) links a row to its survivor — but not how many rows are
/// duplicates.
fn check_counts(summary: &serde_json::Value) -> Vec<(String, u64)> {
    let mut counts: Vec<(String, u64)> = Vec::new();
    for c in summary["checks"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let id = if id.starts_with("dup.") && id != "dup.known" {
            "dup.*"
        } else {
            id
        };
        let rows = c["rows"].as_u64().unwrap();
        match counts.iter_mut().find(|(k, _)| k == id) {
            Some((_, n)) => *n += rows,
            None => counts.push((id.to_string(), rows)),
        }
    }
    counts
}

#[test]
fn random_tables_keep_every_invariant() {
    for seed in 1..=12u64 {
        let mut rng = Rng(seed);
        let rows = 1 + rng.below(60);
        let table = random_table(&mut rng, rows);
        let dir = TempDir::new().unwrap();
        let input = dir.path().join("leads.csv");
        write_csv(&input, &table);

        let (run_a, code_a, stderr) = audit(&[input.to_str().unwrap()]);
        assert!(code_a < 2, "seed {seed}: {stderr}");
        let out_a = run_a.path().join("out");
        assert_rows_accounted(&out_a);

        // Findings point at rows that exist, with the lead_id of that row.
        let (headers, findings) = csv_rows(&out_a.join("findings.csv"));
        for (row, lead) in column(&headers, &findings, "row")
            .into_iter()
            .zip(column(&headers, &findings, "lead_id"))
        {
            let row: usize = row.parse().unwrap();
            assert!(
                (1..=rows).contains(&row),
                "seed {seed}: finding for row {row}"
            );
            assert_eq!(lead, table[row - 1][0], "seed {seed}");
        }

        // Same input, same outputs.
        let (run_b, code_b, _) = audit(&[input.to_str().unwrap()]);
        assert_eq!(code_a, code_b);
        for file in ["findings.csv", "clean.csv", "rejected.csv"] {
            assert_eq!(
                fs::read(out_a.join(file)).unwrap(),
                fs::read(run_b.path().join("out").join(file)).unwrap(),
                "seed {seed}: {file}"
            );
        }

        // Shuffled rows: same verdicts per lead, same counts.
        let mut shuffled = table.clone();
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i + 1));
        }
        let shuffled_input = dir.path().join("shuffled.csv");
        write_csv(&shuffled_input, &shuffled);
        let (run_c, code_c, _) = audit(&[&format!("leads={}", shuffled_input.display())]);
        assert_eq!(code_a, code_c, "seed {seed}");
        let out_c = run_c.path().join("out");
        assert_eq!(
            findings_by_lead(&out_a),
            findings_by_lead(&out_c),
            "seed {seed}"
        );
        let (summary_a, summary_c) = (
            read_json(&out_a.join("summary.json")),
            read_json(&out_c.join("summary.json")),
        );
        assert_eq!(
            check_counts(&summary_a),
            check_counts(&summary_c),
            "seed {seed}"
        );
        assert_eq!(
            summary_a["rows"]["input"], summary_c["rows"]["input"],
            "seed {seed}"
        );
        let accepted = |out: &Path| -> BTreeSet<String> {
            let (h, r) = csv_rows(&out.join("clean.csv"));
            column(&h, &r, "lead_id")
                .into_iter()
                .map(String::from)
                .collect()
        };
        // Known limitation (see the dedup issue note): when duplicates are equally complete the
        // survivor is the first in input order, and a survivor rejected for another reason
        // takes its cluster with it, so accepted rows can differ by order when duplicates
        // are present. Without duplicate findings the accepted set must not change.
        let has_duplicates =
            summary_a["checks"].as_array().unwrap().iter().any(|c| {
                c["id"].as_str().unwrap().starts_with("dup.") && c["rows"].as_u64() > Some(0)
            });
        if !has_duplicates {
            assert_eq!(summary_a["rows"], summary_c["rows"], "seed {seed}");
            assert_eq!(accepted(&out_a), accepted(&out_c), "seed {seed}");
        }
    }
}
