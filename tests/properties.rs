//! Property tests over random lead tables (a seeded generator, so a failure reproduces):
//! every row is accounted for exactly once, findings point at real rows, outputs are
//! deterministic, and shuffling the input rows changes nothing but row numbers.

mod common;

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

/// A row's content: every column but `lead_id` (which is unique per row, so it tells apart
/// rows that are otherwise equal, and the engine cannot prefer one of those by anything but
/// position).
fn content(row: &[String]) -> String {
    format!("[{}]", row[1..].join("|"))
}

/// Every finding as (content of its row, check, detail), with each `leads:<row>` reference in
/// the detail (duplicate checks name the matched row and the survivor) replaced by that
/// row's content; sorted. The same for any order of the same rows.
fn findings_by_content(out: &Path, table: &[Vec<String>]) -> Vec<(String, String, String)> {
    let (headers, rows) = csv_rows(&out.join("findings.csv"));
    let referenced = |word: &str| -> Option<String> {
        let number: usize = word.strip_prefix("leads:")?.parse().ok()?;
        table.get(number.checked_sub(1)?).map(|r| content(r))
    };
    let mut findings: Vec<(String, String, String)> = column(&headers, &rows, "row")
        .into_iter()
        .zip(column(&headers, &rows, "check"))
        .zip(column(&headers, &rows, "detail"))
        .map(|((row, check), detail)| {
            let row: usize = row.parse().unwrap();
            let detail: Vec<String> = detail
                .split(' ')
                .map(|word| {
                    let (bare, tail) = word
                        .strip_suffix(';')
                        .map_or((word, ""), |bare| (bare, ";"));
                    referenced(bare).map_or_else(|| word.to_string(), |c| format!("{c}{tail}"))
                })
                .collect();
            (
                content(&table[row - 1]),
                check.to_string(),
                detail.join(" "),
            )
        })
        .collect();
    findings.sort();
    findings
}

/// Rows per check.
fn check_counts(summary: &serde_json::Value) -> Vec<(String, u64)> {
    summary["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["rows"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Accepted rows by content (sorted, with repeats).
fn accepted(out: &Path) -> Vec<String> {
    let (h, r) = csv_rows(&out.join("clean.csv"));
    let fields = ["first_name", "last_name", "email", "phone", "postal_code"];
    let columns: Vec<Vec<&str>> = fields.iter().map(|f| column(&h, &r, f)).collect();
    let mut rows: Vec<String> = (0..r.len())
        .map(|i| {
            format!(
                "[{}]",
                columns.iter().map(|c| c[i]).collect::<Vec<_>>().join("|")
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn random_tables_keep_every_invariant() {
    let mut tables_with_duplicates = 0;
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

        // Shuffled rows: the same findings and accepted rows by content, the same counts.
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
            findings_by_content(&out_a, &table),
            findings_by_content(&out_c, &shuffled),
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
        assert_eq!(summary_a["rows"], summary_c["rows"], "seed {seed}");
        assert_eq!(accepted(&out_a), accepted(&out_c), "seed {seed}");
        tables_with_duplicates +=
            u32::from(summary_a["checks"].as_array().unwrap().iter().any(|c| {
                c["id"].as_str().unwrap().starts_with("dup.") && c["rows"].as_u64() > Some(0)
            }));
    }
    // The shuffle comparison must have covered duplicate clusters, where ties matter.
    assert!(tables_with_duplicates >= 6, "{tables_with_duplicates}");
}
