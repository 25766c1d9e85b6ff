//! `leadaudit rankings` end to end on the simulator's fixtures (fixtures/rankings/).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::{csv_rows, leadaudit, read_json, AS_OF};

fn fixture(name: &str) -> String {
    format!("{}/fixtures/rankings/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn pack() -> String {
    format!("{}/rules/rankings-cfpb.toml", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `rankings` on `input` with the CFPB pack into a fresh folder plus `extra` args;
/// returns (folder, out path, exit code, stderr).
fn rankings(input: &str, extra: &[&str]) -> (TempDir, PathBuf, i32, String) {
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("out");
    let output = leadaudit()
        .arg("rankings")
        .arg(input)
        .args(["-r", &pack(), "--as-of", AS_OF, "-q", "-o"])
        .arg(&out)
        .args(extra)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    (dir, out, output.status.code().unwrap_or(-1), stderr)
}

fn test_of<'a>(summary: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    summary["tests"]
        .as_array()
        .and_then(|tests| tests.iter().find(|t| t["id"] == id && t["scope"] == "all"))
        .unwrap_or_else(|| panic!("{id} missing from {summary}"))
}

#[test]
fn steered_tool_fails_with_located_findings() {
    let (_dir, out, code, stderr) = rankings(&fixture("steered.csv"), &[]);
    assert_eq!(code, 1, "{stderr}");
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["command"], "rankings");
    assert!(summary.get("rows").is_none());
    assert_eq!(summary["gate"]["status"], "fail");
    let notes = summary["gate"]["notes"].as_array().expect("gate notes");
    assert!(notes
        .iter()
        .any(|n| n["id"] == "rank.compensation_effect" && n["status"] == "fail"));
    let effect = test_of(&summary, "rank.compensation_effect");
    assert_eq!(effect["status"], "fail");
    for key in [
        "id", "scope", "n", "effect", "ci_low", "ci_high", "p_value", "q_value", "status", "method",
    ] {
        assert!(effect.get(key).is_some(), "{key} missing: {effect}");
    }
    assert!(effect["ci_low"].as_f64().unwrap_or(0.0) > 0.0, "{effect}");
    assert!(effect["q_value"].as_f64().unwrap_or(1.0) < 0.01, "{effect}");
    assert_eq!(test_of(&summary, "rank.undisclosed_paid")["status"], "fail");

    // Every finding names a real input row: its session and product are on that row.
    let (in_headers, in_rows) = csv_rows(Path::new(&fixture("steered.csv")));
    let col = |name: &str| in_headers.iter().position(|h| h == name).expect("column");
    let (headers, rows) = csv_rows(&out.join("findings.csv"));
    assert_eq!(
        headers,
        [
            "source",
            "row",
            "session_id",
            "product_id",
            "check",
            "action",
            "detail"
        ]
    );
    assert!(rows.iter().any(|r| r[4] == "rank.merit_inversion"));
    assert!(rows.iter().any(|r| r[4] == "rank.undisclosed_paid"));
    for r in &rows {
        assert_eq!(r[0], "steered");
        let row: usize = r[1].parse().expect("row number");
        let input = &in_rows[row - 1];
        assert_eq!(
            (&input[col("session_id")], &input[col("product_id")]),
            (&r[2], &r[3])
        );
    }
    let html = fs::read_to_string(out.join("report.html")).expect("report");
    for needle in [
        "Placement follows payment",
        "<svg",
        "Merit inversions won by the higher payer",
        "Providers: placement against merit",
        "How merit is held fixed.",
    ] {
        assert!(html.contains(needle), "report lacks {needle}");
    }
    assert!(!html.contains("http://") && !html.contains("https://"));
    let md = fs::read_to_string(out.join("summary.md")).expect("summary.md");
    assert!(
        md.starts_with("# leadaudit rankings: gate **FAIL**"),
        "{md}"
    );
}

#[test]
fn fair_and_correlated_merit_tools_pass() {
    for name in ["fair.csv", "correlated.csv"] {
        let (_dir, out, code, stderr) = rankings(&fixture(name), &[]);
        assert_eq!(code, 0, "{name}: {stderr}");
        let summary = read_json(&out.join("summary.json"));
        assert_eq!(
            summary["gate"]["status"], "pass",
            "{name}: {}",
            summary["gate"]
        );
        let effect = test_of(&summary, "rank.compensation_effect");
        assert!(
            effect["q_value"].as_f64().unwrap_or(0.0) > 0.05,
            "{name}: {effect}"
        );
        let html = fs::read_to_string(out.join("report.html")).expect("report");
        assert!(
            html.contains("No evidence that placement follows payment"),
            "{name}"
        );
    }
}

#[test]
fn same_input_same_outputs_and_seed_changes_p_values() {
    let strip = |path: &Path| {
        fs::read_to_string(path)
            .expect("output")
            .lines()
            .filter(|l| !l.to_lowercase().contains("generated"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (_a, out_a, _, _) = rankings(&fixture("steered.csv"), &[]);
    let (_b, out_b, _, _) = rankings(&fixture("steered.csv"), &[]);
    for file in ["summary.json", "findings.csv", "report.html", "summary.md"] {
        assert_eq!(strip(&out_a.join(file)), strip(&out_b.join(file)), "{file}");
    }
    let (_c, out_c, _, _) = rankings(&fixture("steered.csv"), &["--seed", "7"]);
    let p = |out: &Path| {
        read_json(&out.join("summary.json"))["tests"]
            .as_array()
            .map(|t| t.iter().map(|t| t["p_value"].clone()).collect::<Vec<_>>())
    };
    assert_ne!(p(&out_a), p(&out_c));
}

#[test]
fn other_formats_give_the_same_tests() {
    let dir = TempDir::new().expect("temp dir");
    let csv = fs::read_to_string(fixture("steered.csv")).expect("fixture");
    let tsv = dir.path().join("steered.tsv");
    fs::write(&tsv, csv.replace(',', "\t")).expect("write tsv");
    let gz = dir.path().join("steered.csv.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(csv.as_bytes()).expect("gzip");
    fs::write(&gz, encoder.finish().expect("gzip")).expect("write gz");
    let tests = |input: &Path| {
        let (_d, out, code, stderr) = rankings(&input.display().to_string(), &[]);
        assert_eq!(code, 1, "{stderr}");
        read_json(&out.join("summary.json"))["tests"].clone()
    };
    let reference = tests(Path::new(&fixture("steered.csv")));
    assert_eq!(tests(&tsv), reference);
    assert_eq!(tests(&gz), reference);
}

/// Writes `content` as results.csv, runs `rankings`, expects exit 2 and one `error:` line
/// containing every needle.
fn assert_input_error(content: &str, needles: &[&str]) {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("results.csv");
    fs::write(&path, content).expect("write");
    let (_d, _out, code, stderr) = rankings(&path.display().to_string(), &[]);
    assert_eq!(code, 2, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    for needle in needles {
        assert!(lines[0].contains(needle), "{needle:?} not in {stderr}");
    }
}

const HEADER: &str = "session_id,position,product_id,provider,paid,apr,annual_fee,rating\n";

#[test]
fn invalid_results_exit_2_naming_row_and_column() {
    assert_input_error(
        &format!("{HEADER}s1,1,a,X,true,19.9,95,4.2\ns1,2,b,Y,false,high,0,3.9\n"),
        &["results.csv", "row 2", "column 'apr'", "not a number"],
    );
    assert_input_error(
        &format!("{HEADER}s1,1,a,X,true,19.9,95,4.2\ns1,3,b,Y,false,18,0,3.9\n"),
        &["results.csv", "row 2", "positions must be 1..2"],
    );
    assert_input_error(
        &format!("{HEADER}s1,1,a,X,true,19.9,95,4.2\ns1,2,a,Y,false,18,0,3.9\n"),
        &[
            "row 2",
            "product `a` appears twice in session `s1` (rows 1 and 2)",
        ],
    );
    assert_input_error(
        "session_id,position,product_id,provider,paid,apr,annual_fee\ns1,1,a,X,true,19.9,95\n",
        &["results.csv", "column 'rating'", "missing column"],
    );
    assert_input_error(
        "session_id,position,product_id,provider,apr,annual_fee,rating\ns1,1,a,X,19.9,95,4\n",
        &["`paid` or `compensation`"],
    );
    assert_input_error(HEADER, &["no data rows"]);
}

#[test]
fn rules_must_enable_a_rankings_test() {
    let dir = TempDir::new().expect("temp dir");
    let lead_rules = dir.path().join("leads.toml");
    fs::write(
        &lead_rules,
        "[checks]\n\"email.syntax\" = { action = \"reject\" }\n",
    )
    .expect("write");
    let output = leadaudit()
        .args(["rankings", &fixture("fair.csv"), "-q", "-r"])
        .arg(&lead_rules)
        .arg("-o")
        .arg(dir.path().join("out"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no rankings test is enabled"));

    let rejecting = dir.path().join("reject.toml");
    fs::write(
        &rejecting,
        "[checks]\n\"rank.merit_inversion\" = { action = \"reject\" }\n",
    )
    .expect("write");
    let output = leadaudit()
        .args(["rules", "check"])
        .arg(&rejecting)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("do not reject rows"),
        "{stderr}"
    );

    let output = leadaudit()
        .args(["rules", "check", &pack()])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("rank.compensation_effect"));
}

#[test]
fn warn_as_error_turns_a_warning_into_exit_1() {
    // The fair tool, with one paid placement shown undisclosed: 1 of ~570 paid products is
    // above warn_above (0) but not fail_above (1%).
    let csv = fs::read_to_string(fixture("fair.csv")).expect("fixture");
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let paid = lines
        .iter()
        .position(|l| l.ends_with(",true") && l.contains(",true,"))
        .expect("a disclosed paid row");
    lines[paid] = format!("{}false", lines[paid].trim_end_matches("true"));
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("fair_one_undisclosed.csv");
    fs::write(&path, lines.join("\n") + "\n").expect("write");
    let input = path.display().to_string();
    let (_d, out, code, stderr) = rankings(&input, &[]);
    assert_eq!(code, 0, "{stderr}");
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["gate"]["status"], "warn");
    assert_eq!(summary["gate"]["warned"][0], "rank.undisclosed_paid");
    let (_d, _out, code, _) = rankings(&input, &["--warn-as-error"]);
    assert_eq!(code, 1);
}
