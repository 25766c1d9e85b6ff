//! Integration tests: run the built binary on fixtures and assert on its outputs.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::*;
use tempfile::TempDir;

mod consent;
mod contact;
mod rankings;

fn small_inputs() -> Vec<String> {
    vec![
        format!("vendor_a={}", data("small_a.csv")),
        data("small_b.tsv"),
        data("web.ndjson"),
        format!("web_json={}", data("web.json")),
    ]
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn audit_small_inputs_accounts_for_every_row() {
    let inputs = small_inputs();
    let (dir, code, stderr) = audit(&args(&inputs));
    // A4 has neither email nor phone: field.missing is 1/11 rows, above its 5% fail line.
    assert_eq!(code, 1, "{stderr}");
    let out = dir.path().join("out");
    for file in [
        "report.html",
        "summary.json",
        "summary.md",
        "findings.csv",
        "clean.csv",
        "rejected.csv",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    assert_rows_accounted(&out);
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["schema_version"], 1);
    assert_eq!(summary["command"], "audit");
    assert_eq!(summary["as_of"], AS_OF);
    assert_eq!(summary["rules"]["path"], "built-in");
    assert_eq!(summary["rows"]["input"], 11);
    let sources: Vec<&str> = summary["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["vendor_a", "small_b", "web", "web_json"]);
    // Every enabled check is listed, also when it found nothing.
    let ids: Vec<&str> = summary["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "field.missing",
            "name.missing",
            "name.placeholder",
            "address.postal",
            "email.missing",
            "email.syntax",
            "email.disposable",
            "email.role",
            "email.typo",
            "phone.missing",
            "phone.invalid",
            "phone.type",
            "phone.country_mismatch",
            "dup.email",
            "dup.phone",
            "dup.fuzzy",
            "dup.known",
            "consent.missing",
            "consent.evidence",
            "consent.seller",
            "consent.expired",
            "consent.timing",
            "consent.revoked",
            "consent.certificate",
            "suppress.dnc",
            "suppress.list",
        ]
    );
    let syntax = summary["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "email.syntax")
        .unwrap();
    // john.smith@example and evil@example (no dot), amy at example.net (no @), bad@@example.com.
    assert_eq!(syntax["rows"], 4);
    assert_eq!(summary["gate"]["status"], "fail");
    assert!(summary["gate"]["failed"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("field.missing")));
    assert_eq!(syntax["warn_above"], 0.02);
}

#[test]
fn two_inputs_with_the_same_name_are_an_error() {
    let (_dir, code, stderr) = audit(&[&data("web.ndjson"), &data("web.json")]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error:") && stderr.contains("'web'"),
        "{stderr}"
    );
}

#[test]
fn outputs_are_deterministic() {
    let inputs = small_inputs();
    let (a, code_a, _) = audit(&args(&inputs));
    let (b, code_b, _) = audit(&args(&inputs));
    assert_eq!((code_a, code_b), (1, 1));
    assert_same_outputs(&a.path().join("out"), &b.path().join("out"));
}

#[test]
fn csv_outputs_neutralise_formulas_and_keep_phones() {
    let inputs = small_inputs();
    let (dir, _, _) = audit(&args(&inputs));
    let out = dir.path().join("out");
    let all = fs::read_to_string(out.join("clean.csv")).unwrap()
        + &fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert!(all.contains("'=HYPERLINK"), "formula not guarded");
    assert!(all.contains("'+cmd|"), "formula not guarded");
    assert!(
        all.contains(",+16502530002,"),
        "plain E.164 number must stay as is"
    );
    assert!(!all.contains(",=HYPERLINK"));
}

#[test]
fn report_escapes_data_and_masks_pii() {
    let inputs = small_inputs();
    let (dir, _, _) = audit(&args(&inputs));
    let html = fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        !html.contains("<script>alert(1)</script>"),
        "unescaped script tag"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
        "escaped name shown as text"
    );
    // john.smith@example is an email.syntax sample: masked by default.
    assert!(html.contains("j***@example") && !html.contains("john.smith@example"));
    let (dir, _, _) = audit(&[&args(&inputs)[..], &["--show-pii"]].concat());
    let html = fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(html.contains("john.smith@example"));
}

#[test]
fn clean_csv_has_canonical_then_normalized_then_source_row() {
    let (dir, _, _) = audit(&[&data("small_a.csv")]);
    let (headers, _) = csv_rows(&dir.path().join("out/clean.csv"));
    assert_eq!(
        headers,
        [
            "lead_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "postal_code",
            "company",
            "country_normalized",
            "postal_code_normalized",
            "email_normalized",
            "phone_e164",
            "phone_type",
            "phone_region",
            "consent_jurisdiction",
            "consent_channels",
            "_source",
            "_row"
        ]
    );
    let (headers, rows) = csv_rows(&dir.path().join("out/rejected.csv"));
    assert_eq!(headers.last().map(String::as_str), Some("_reasons"));
    let reasons = column(&headers, &rows, "_reasons");
    assert!(reasons.contains(&"email.syntax"), "{reasons:?}");
    // ZIP with a leading zero keeps it.
    let all = fs::read_to_string(dir.path().join("out/clean.csv")).unwrap();
    assert!(all.contains(",02134,"));
}

#[test]
fn findings_csv_names_source_row_and_action() {
    let (dir, _, _) = audit(&[&data("small_a.csv")]);
    let (headers, rows) = csv_rows(&dir.path().join("out/findings.csv"));
    assert_eq!(
        headers,
        ["source", "row", "lead_id", "check", "action", "detail"]
    );
    assert!(
        rows.iter()
            .any(|r| r[..5] == ["small_a", "2", "A2", "email.syntax", "reject"]),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r[..5] == ["small_a", "4", "A4", "field.missing", "reject"]),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r[..5] == ["small_a", "4", "A4", "name.missing", "flag"]),
        "{rows:?}"
    );
}

#[test]
fn gate_thresholds_set_exit_code() {
    let dir = TempDir::new().unwrap();
    let strict = dir.path().join("strict.toml");
    fs::write(&strict, "[checks]\n\"email.syntax\" = { action = \"reject\", warn_above = 0.0, fail_above = 0.5 }\n").unwrap();
    let strict_arg = strict.to_str().unwrap();
    let (out, code, _) = audit(&[&data("small_a.csv"), "-r", strict_arg]);
    assert_eq!(code, 0, "warn exits 0");
    assert_eq!(
        read_json(&out.path().join("out/summary.json"))["gate"]["status"],
        "warn"
    );
    let (_, code, _) = audit(&[&data("small_a.csv"), "-r", strict_arg, "--warn-as-error"]);
    assert_eq!(code, 1);
    fs::write(
        &strict,
        "[checks]\n\"email.syntax\" = { action = \"reject\", fail_above = 0.1 }\n",
    )
    .unwrap();
    let (out, code, _) = audit(&[&data("small_a.csv"), "-r", strict_arg]);
    assert_eq!(code, 1);
    let summary = read_json(&out.path().join("out/summary.json"));
    assert_eq!(
        summary["gate"]["failed"],
        serde_json::json!(["email.syntax"])
    );
    assert_eq!(summary["checks"].as_array().unwrap().len(), 1);
}

#[test]
fn compressed_and_parquet_inputs_match_csv() {
    use std::io::Write;
    let dir = TempDir::new().unwrap();
    let gz = dir.path().join("a.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(
        fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    enc.write_all(&fs::read(data("small_a.csv")).unwrap())
        .unwrap();
    enc.finish().unwrap();
    let parquet = dir.path().join("b.parquet");
    {
        use polars::prelude::*;
        let mut df =
            df!("E-mail" => ["x@example.com", "bad"], "Zip" => [Some("02134"), None]).unwrap();
        ParquetWriter::new(fs::File::create(&parquet).unwrap())
            .finish(&mut df)
            .unwrap();
    }
    let (out, code, stderr) = audit(&[gz.to_str().unwrap(), parquet.to_str().unwrap()]);
    assert_ne!(code, 2, "{stderr}");
    let summary = read_json(&out.path().join("out/summary.json"));
    assert_eq!(summary["inputs"][0]["format"], "csv");
    assert_eq!(summary["inputs"][0]["rows"], 5);
    // The audit trail hashes the file as stored, not the text inside the gzip.
    let stored = leadaudit::ingest::sha256_hex(&fs::read(&gz).unwrap());
    assert_eq!(summary["inputs"][0]["sha256"], stored);
    assert_eq!(summary["inputs"][1]["format"], "parquet");
    assert_eq!(summary["inputs"][1]["columns"]["E-mail"], "email");
    assert_eq!(summary["sources"][1]["checks"]["email.syntax"], 1);
    assert_rows_accounted(&out.path().join("out"));
}

/// Bad inputs: exit 2 and exactly one stderr line starting `error:` that contains `needles`.
fn assert_input_error(file_name: &str, content: &[u8], needles: &[&str]) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join(file_name);
    fs::write(&path, content).unwrap();
    let (_out, code, stderr) = audit(&[path.to_str().unwrap()]);
    assert_eq!(code, 2, "{file_name}: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(file_name), "names the file: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{file_name}: expected {needle:?} in {stderr}"
        );
    }
}

#[test]
fn bad_inputs_exit_2_with_one_located_error_line() {
    assert_input_error("empty.csv", b"", &["empty file"]);
    assert_input_error("header_only.csv", b"email,name\n", &["no data rows"]);
    assert_input_error(
        "ragged.csv",
        b"email,name\na@b.co,A\nc@d.co,B,extra\n",
        &["line 3", "row 2", "3 fields", "has 2"],
    );
    assert_input_error(
        "latin1.csv",
        b"email,name\na@b.co,Jos\xe9\n",
        &["row 1", "column 'name'", "UTF-8"],
    );
    assert_input_error("utf16.csv", b"\xff\xfee\x00m\x00", &["UTF-16"]);
    assert_input_error(
        "nocontact.csv",
        b"first,last\nA,B\n",
        &["no email or phone column", "first, last"],
    );
    assert_input_error(
        "dup.csv",
        b"email,email\na@b.co,c@d.co\n",
        &["duplicate column header 'email'"],
    );
    assert_input_error(
        "twomeanings.csv",
        b"email,E-mail\na@b.co,c@d.co\n",
        &["'email' and 'E-mail'", "field 'email'"],
    );
    assert_input_error("leads.xlsx", b"PK", &["unknown file type '.xlsx'"]);
    assert_input_error(
        "broken.ndjson",
        b"{\"email\":\"a@b.co\"}\n{oops\n",
        &["line 2", "invalid JSON"],
    );
    assert_input_error("notarray.json", b"{\"email\":\"a@b.co\"}", &["JSON array"]);
    assert_input_error("fake.parquet", b"email\na@b.co\n", &["Parquet"]);
    assert_input_error("bad.csv.gz", b"not gzip", &["gzip"]);
}

#[test]
fn bad_side_files_exit_2_with_one_located_error_line_and_no_outputs() {
    // Side tables are read when their stage comes (after the lead files' checks), yet a bad
    // one still ends the run with one error line and leaves no partial outputs.
    let dir = TempDir::new().unwrap();
    let ragged = dir.path().join("consent_ragged.csv");
    fs::write(
        &ragged,
        b"lead_id,email,consented_at\nL1,a@b.co,2026-01-01\nL2,c@d.co,2026-01-02,extra\n",
    )
    .unwrap();
    let crm = dir.path().join("crm_latin1.csv");
    fs::write(&crm, b"email,name\na@b.co,Jos\xe9\n").unwrap();
    let missing = dir.path().join("missing.csv");
    let leads = data("small_a.csv");
    let cases: [(&str, &Path, &[&str]); 4] = [
        (
            "--consent",
            &ragged,
            &["consent_ragged.csv", "line 3", "row 2", "ragged row"],
        ),
        (
            "--known",
            &crm,
            &["crm_latin1.csv", "row 1", "column 'name'", "UTF-8"],
        ),
        ("--consent", &missing, &["missing.csv", "file not found"]),
        ("--known", &missing, &["missing.csv", "file not found"]),
    ];
    for (flag, path, needles) in cases {
        let (out, code, stderr) = audit(&[&leads, flag, path.to_str().unwrap()]);
        assert_one_error_line(code, &stderr, needles);
        assert!(
            !out.path().join("out/summary.json").exists(),
            "{flag} {}: no outputs",
            path.display()
        );
    }
}

#[test]
fn bom_is_stripped_from_the_first_header() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bom.csv");
    fs::write(&path, b"\xef\xbb\xbfEmail,Name\na@example.com,A\n").unwrap();
    let (out, code, stderr) = audit(&[path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        read_json(&out.path().join("out/summary.json"))["inputs"][0]["columns"]["Email"],
        "email"
    );
}

#[test]
fn missing_file_and_bad_arguments_exit_2() {
    let (_d, code, stderr) = audit(&["/nonexistent/leads.csv"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: /nonexistent/leads.csv: file not found"),
        "{stderr}"
    );
    let output = leadaudit()
        .args(["audit", "x.csv", "--as-of", "25/11/2026"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("error:"));
}

#[test]
fn rules_show_prints_valid_builtin_rules_and_check_validates() {
    let output = leadaudit().args(["rules", "show"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("mine.toml");
    fs::write(&path, &output.stdout).unwrap();
    let check = leadaudit()
        .args(["rules", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&check.stdout).contains("email.syntax"));

    fs::write(
        &path,
        "[checks.\"email.syntax\"]\naction = \"reject\"\nfail_abov = 0.1\n",
    )
    .unwrap();
    let check = leadaudit()
        .args(["rules", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.starts_with("error:") && stderr.contains("line 3") && stderr.contains("fail_abov"),
        "{stderr}"
    );

    fs::write(&path, "[checks]\n\"email.syntax\" = { action = \"off\" }\n").unwrap();
    let (_d, code, stderr) = audit(&[&data("small_a.csv"), "-r", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no check is enabled"), "{stderr}");
}

/// Writes `rows` leads that each fail several checks and carry a 5,000-character name.
fn write_failing_leads(path: &Path, rows: usize) {
    use std::io::Write;
    let mut file = std::io::BufWriter::new(fs::File::create(path).unwrap());
    writeln!(
        file,
        "Lead ID,First Name,Last Name,E-mail,Phone Number,Company"
    )
    .unwrap();
    let long_name = "N".repeat(5_000);
    for i in 1..=rows {
        // Alternate failures so several checks have many rows.
        let email = if i % 2 == 0 {
            format!("lead{i}@nodot")
        } else {
            String::new()
        };
        let phone = if i % 3 == 0 { "" } else { "+1 650-253-0000" };
        writeln!(file, "L{i},{long_name},<b>x</b>,{email},{phone},Co {i}").unwrap();
    }
}

#[test]
fn report_size_does_not_grow_with_row_count() {
    let dir = TempDir::new().unwrap();
    let mut sizes = Vec::new();
    for rows in [200usize, 20_000] {
        let input = dir.path().join(format!("leads_{rows}.csv"));
        write_failing_leads(&input, rows);
        let (out, code, stderr) = audit(&[&format!("many={}", input.display())]);
        assert_eq!(code, 1, "{stderr}");
        let summary = read_json(&out.path().join("out/summary.json"));
        assert_eq!(summary["rows"]["input"], rows);
        let html = fs::read_to_string(out.path().join("out/report.html")).unwrap();
        // Long values are shortened: no 5,000-character name in the page.
        assert!(!html.contains(&"N".repeat(500)));
        assert!(html.contains('…'));
        sizes.push(html.len());
    }
    // Only row counts (a few more digits) differ; the samples are capped.
    let (small, large) = (sizes[0], sizes[1]);
    assert!(large < 200_000, "report is {large} bytes");
    assert!(large.abs_diff(small) < 400, "{small} vs {large} bytes");
}

/// clean.csv, rejected.csv and findings.csv are formatted in blocks on several threads
/// (4,096 rows, 16,384 findings): with 20,000 rows, each spanning blocks, every row is
/// written once, in input order, and findings follow row order.
#[test]
fn outputs_spanning_many_blocks_keep_input_order() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("leads.csv");
    write_failing_leads(&input, 20_000);
    let (out, code, stderr) = audit(&[&format!("many={}", input.display())]);
    assert_eq!(code, 1, "{stderr}");
    let out = out.path().join("out");
    assert_rows_accounted(&out);
    let numbers = |headers: &[String], rows: &[Vec<String>], name: &str| -> Vec<u64> {
        column(headers, rows, name)
            .iter()
            .map(|r| r.parse().expect("row number"))
            .collect()
    };
    let (headers, rows) = csv_rows(&out.join("rejected.csv"));
    let rejected = numbers(&headers, &rows, "_row");
    assert!(rejected.len() > 4_096, "{} rejected rows", rejected.len());
    assert!(rejected.windows(2).all(|w| w[0] < w[1]));
    let ids = column(&headers, &rows, "lead_id");
    assert!(rejected
        .iter()
        .zip(&ids)
        .all(|(row, id)| *id == format!("L{row}")));
    let (headers, rows) = csv_rows(&out.join("findings.csv"));
    let finding_rows = numbers(&headers, &rows, "row");
    assert!(
        finding_rows.len() > 16_384,
        "{} findings",
        finding_rows.len()
    );
    assert!(finding_rows.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn samples_are_capped_per_check_and_point_to_findings_csv() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("leads.csv");
    write_failing_leads(&input, 100);
    let (out, _, _) = audit(&[input.to_str().unwrap()]);
    let html = fs::read_to_string(out.path().join("out/report.html")).unwrap();
    // email.syntax hits 50 rows; the page shows the first 20 and says so.
    assert!(html.contains("50 rows, reject; first 20 shown"), "cap note");
    assert!(html.contains("href=\"findings.csv\""));
    let sample_rows = html.matches("<td class=\"mono\">L").count();
    let checks_with_rows = read_json(&out.path().join("out/summary.json"))["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["rows"].as_u64().unwrap() > 0)
        .count();
    assert!(sample_rows <= 20 * checks_with_rows, "{sample_rows}");
    assert!(sample_rows >= 20, "{sample_rows}");
}

#[test]
fn scorecard_is_in_summary_json_and_md_with_cost_per_accepted_lead() {
    let dir = TempDir::new().unwrap();
    let rules = dir.path().join("rules.toml");
    let builtin = leadaudit().args(["rules", "show"]).output().unwrap().stdout;
    let mut text = String::from_utf8(builtin).unwrap();
    text.push_str("\n[sources.vendor_a]\nprice_per_lead = 2.5\n");
    fs::write(&rules, text).unwrap();
    let inputs = small_inputs();
    let (out, _, stderr) = audit(&[&args(&inputs)[..], &["-r", rules.to_str().unwrap()]].concat());
    let out = out.path().join("out");
    let summary = read_json(&out.join("summary.json"));
    let card = summary["scorecard"].as_array().expect("scorecard array");
    assert_eq!(card.len(), 4, "{stderr}");
    let a = &card[0];
    assert_eq!(a["source"], "vendor_a");
    let (rows, accepted) = (a["rows"].as_f64().unwrap(), a["accepted"].as_f64().unwrap());
    assert_eq!(a["rates"]["accepted"].as_f64().unwrap(), accepted / rows);
    assert_eq!(
        a["cost_per_accepted_lead"].as_f64().unwrap(),
        2.5 * rows / accepted
    );
    // valid phone = rows without phone.missing/phone.invalid.
    let (h, findings) = csv_rows(&out.join("findings.csv"));
    let bad_phone: BTreeSet<&str> = column(&h, &findings, "source")
        .into_iter()
        .zip(column(&h, &findings, "row"))
        .zip(column(&h, &findings, "check"))
        .filter(|((s, _), c)| *s == "vendor_a" && (*c == "phone.missing" || *c == "phone.invalid"))
        .map(|((_, r), _)| r)
        .collect();
    assert_eq!(
        a["rates"]["valid_phone"].as_f64().unwrap(),
        1.0 - bad_phone.len() as f64 / rows
    );
    // A column whose checks are all off is not measured (null), not 100%.
    fs::write(
        &rules,
        "[checks]\n\"email.syntax\" = { action = \"reject\" }\n",
    )
    .unwrap();
    let (email_only, _, _) =
        audit(&[&args(&inputs)[..], &["-r", rules.to_str().unwrap()]].concat());
    let card = read_json(&email_only.path().join("out/summary.json"))["scorecard"].clone();
    assert!(card[0]["rates"]["valid_phone"].is_null(), "{card}");
    assert!(card[1]["price_per_lead"].is_null());
    // valid email = rows without email.missing/email.syntax, from findings.csv.
    let (h, findings) = csv_rows(&out.join("findings.csv"));
    let bad: BTreeSet<&str> = column(&h, &findings, "source")
        .into_iter()
        .zip(column(&h, &findings, "row"))
        .zip(column(&h, &findings, "check"))
        .filter(|((s, _), c)| *s == "vendor_a" && c.starts_with("email."))
        .map(|((_, r), _)| r)
        .collect();
    assert_eq!(
        a["rates"]["valid_email"].as_f64().unwrap(),
        1.0 - bad.len() as f64 / rows
    );
    let md = fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("## Vendor scorecard"), "{md}");
    assert!(md.contains("| cost per accepted lead |"), "{md}");
    let expected_cost = format!("{:.2}", 2.5 * rows / accepted);
    assert!(
        md.lines()
            .any(|l| l.starts_with("| vendor_a |") && l.contains(&expected_cost)),
        "{md}"
    );
    // Failed checks show observed beside the threshold.
    assert!(md.contains("| fail | `field.missing` |"), "{md}");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("cost per accepted lead") && html.contains(&expected_cost));
}

#[test]
fn templates_option_overrides_a_partial_and_rejects_unknown_files() {
    let dir = TempDir::new().unwrap();
    let templates = dir.path().join("tpl");
    fs::create_dir_all(templates.join("partials")).unwrap();
    fs::write(
        templates.join("partials/verdict.html"),
        "<p id=\"house-style\">Gate: {{ verdict.status }}</p>",
    )
    .unwrap();
    let t = templates.to_str().unwrap();
    let (out, code, stderr) = audit(&[&data("small_a.csv"), "--templates", t]);
    assert_eq!(code, 1, "{stderr}");
    let html = fs::read_to_string(out.path().join("out/report.html")).unwrap();
    assert!(html.contains("<p id=\"house-style\">Gate: fail</p>"));
    assert!(
        html.contains("Vendor scorecard"),
        "other templates stay built-in"
    );

    fs::write(templates.join("reprot.html"), "typo").unwrap();
    let (_out, code, stderr) = audit(&[&data("small_a.csv"), "--templates", t]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error:") && stderr.contains("reprot.html"),
        "{stderr}"
    );
    fs::remove_file(templates.join("reprot.html")).unwrap();
    fs::write(templates.join("report.html"), "{{ no_such_variable }}").unwrap();
    let (_out, code, stderr) = audit(&[&data("small_a.csv"), "--templates", t]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.starts_with("error:") && stderr.contains("report.html"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");

    let help = leadaudit().args(["audit", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--templates <DIR>"));
}

#[test]
fn report_is_deterministic_apart_from_generation_time() {
    let inputs = small_inputs();
    let (a, _, _) = audit(&args(&inputs));
    let (b, _, _) = audit(&args(&inputs));
    let read = |d: &TempDir| {
        let html = fs::read_to_string(d.path().join("out/report.html")).unwrap();
        let json = read_json(&d.path().join("out/summary.json"));
        let stamp = json["generated_at"].as_str().unwrap().to_string();
        html.replace(&stamp, "")
    };
    assert_eq!(read(&a), read(&b));
    assert_eq!(
        fs::read(a.path().join("out/summary.md")).unwrap(),
        fs::read(b.path().join("out/summary.md")).unwrap()
    );
}

/// The demo audited with stages side by side (the default for an audit this small) and with
/// `--low-memory` (one stage at a time, side tables read when needed): the same outputs.
#[test]
fn low_memory_audit_gives_the_same_outputs() {
    let run = |extra: &[&str]| {
        let dir = TempDir::new().expect("temp dir");
        let output = leadaudit()
            .arg("audit")
            .args(args(&demo_files()))
            .args(extra)
            .args(["--as-of", AS_OF, "-v", "-o"])
            .arg(dir.path().join("out"))
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        (dir, output.status.code(), stderr)
    };
    let (side_by_side, code, timings) = run(&[]);
    let (low_memory, low_code, low_timings) = run(&["--low-memory"]);
    assert!(
        code == Some(0) && low_code == Some(0),
        "{timings}\n{low_timings}"
    );
    // Linux tells the process its memory; elsewhere stages run one at a time anyway.
    if cfg!(target_os = "linux") {
        assert!(timings.contains("(beside other stages)"), "{timings}");
    }
    assert!(!low_timings.contains("beside"), "{low_timings}");
    assert_same_outputs(
        &side_by_side.path().join("out"),
        &low_memory.path().join("out"),
    );
}

/// The README's demo inputs: three lead files with consent, DNC, suppression and CRM.
fn demo_files() -> Vec<String> {
    vec![
        fixture("demo/vendor_a.csv"),
        fixture("demo/vendor_b.tsv"),
        fixture("demo/web_leads.ndjson"),
        "--consent".into(),
        fixture("demo/consent.csv"),
        "--suppress".into(),
        fixture("demo/dnc.txt"),
        "--suppress".into(),
        fixture("demo/suppress.csv"),
        "--known".into(),
        fixture("demo/crm.csv"),
    ]
}

/// The README's demo command.
fn audit_demo() -> (TempDir, i32, String) {
    audit(&args(&demo_files()))
}

/// One row of the demo's answer key (fixtures/demo/truth.csv), by column name.
type TruthRow = std::collections::BTreeMap<String, String>;

fn demo_truth() -> Vec<TruthRow> {
    let (headers, rows) = csv_rows(Path::new(&fixture("demo/truth.csv")));
    rows.into_iter()
        .map(|r| headers.iter().cloned().zip(r).collect())
        .collect()
}

fn dedup_inputs() -> Vec<String> {
    vec![
        format!("vendor_a={}", data("dedup_a.csv")),
        format!("vendor_b={}", data("dedup_b.csv")),
        "--known".to_string(),
        data("dedup_crm.csv"),
    ]
}

/// `(row, check, detail)` of the dup.* findings, as `source:row`.
fn dup_findings(out: &std::path::Path) -> Vec<(String, String, String)> {
    let (headers, rows) = csv_rows(&out.join("findings.csv"));
    let at = |name: &str| headers.iter().position(|h| h == name).expect("column");
    let (source, row, check, detail) = (at("source"), at("row"), at("check"), at("detail"));
    rows.iter()
        .filter(|r| r[check].starts_with("dup."))
        .map(|r| {
            (
                format!("{}:{}", r[source], r[row]),
                r[check].clone(),
                r[detail].clone(),
            )
        })
        .collect()
}

#[test]
fn demo_audit_finds_what_the_answer_key_planted() {
    let (dir, code, stderr) = audit_demo();
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    let out = dir.path().join("out");
    assert_rows_accounted(&out);
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["rows"]["input"], 774);
    let rows_of = |source: &str| {
        summary["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["source"] == source)
            .map(|i| i["rows"].clone())
    };
    assert_eq!(rows_of("vendor_a"), Some(256.into()));
    assert_eq!(rows_of("vendor_b"), Some(248.into()));
    assert_eq!(rows_of("web_leads"), Some(270.into()));
    // Every vendor header spelling and every CRM-export header maps to a canonical field.
    for (source, recognised) in [
        ("vendor_a", 26),
        ("vendor_b", 26),
        ("web_leads", 26),
        ("known", 12),
    ] {
        let input = summary["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["source"] == source)
            .unwrap_or_else(|| panic!("no input {source}"));
        let columns = input["columns"].as_object().expect("columns");
        assert_eq!(columns.len(), recognised, "{source}: {columns:?}");
    }

    // Checks whose definition is unambiguous, with the truth.csv rows they must find: every
    // one is reported, and no other row.
    type Pred = fn(&TruthRow) -> bool;
    let expected: &[(&str, Pred)] = &[
        ("email.syntax", |t| t["email_defect"] == "syntax"),
        ("email.typo", |t| t["email_defect"] == "typo"),
        // The planted typo domains (gmial.com, hotmial.com, yaho.com, outlok.com, gmai.com)
        // are registered typo-squatting catch-alls on the disposable list: both findings.
        ("email.disposable", |t| {
            t["email_defect"] == "disposable" || t["email_defect"] == "typo"
        }),
        ("email.role", |t| t["email_defect"] == "role"),
        ("email.missing", |t| t["email_defect"] == "missing"),
        ("phone.missing", |t| t["phone_defect"] == "missing"),
        ("phone.invalid", |t| {
            ["junk", "too_short", "too_long", "invalid_area_code"]
                .contains(&t["phone_defect"].as_str())
        }),
        ("phone.type", |t| t["phone_defect"] == "landline"),
        ("phone.country_mismatch", |t| {
            t["phone_defect"] == "country_mismatch"
        }),
        ("name.placeholder", |t| t["name_placeholder"] == "true"),
        ("address.postal", |t| t["postal_valid"] == "false"),
        // Built-in required fields: email|phone.
        ("field.missing", |t| {
            t["email_defect"] == "missing" && t["phone_defect"] == "missing"
        }),
        ("suppress.dnc", |t| t["on_dnc"] == "true"),
        ("suppress.list", |t| t["on_suppress"] == "true"),
    ];
    let truth = demo_truth();
    let (fh, findings) = csv_rows(&out.join("findings.csv"));
    let found: BTreeSet<(&str, &str, &str)> = column(&fh, &findings, "source")
        .into_iter()
        .zip(column(&fh, &findings, "row"))
        .zip(column(&fh, &findings, "check"))
        .map(|((source, row), check)| (source, row, check))
        .collect();
    let checks = summary["checks"].as_array().expect("checks");
    let mut compared = 0;
    for (id, pred) in expected {
        let Some(check) = checks.iter().find(|c| c["id"] == *id) else {
            continue;
        };
        let planted: Vec<&TruthRow> = truth.iter().filter(|t| pred(t)).collect();
        assert!(!planted.is_empty(), "{id}: the demo plants no case");
        for t in &planted {
            let at = (t["source"].as_str(), t["row"].as_str(), *id);
            assert!(found.contains(&at), "{id} missed {}:{}", at.0, at.1);
        }
        let rows = check["rows"].as_u64().expect("rows");
        assert_eq!(rows, planted.len() as u64, "{id}");
        compared += 1;
    }
    assert!(
        compared >= 3,
        "the built-in rules enable too few checks to compare"
    );
}

#[test]
fn demo_escaping_probes_are_neutralised() {
    let (dir, code, stderr) = audit_demo();
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    let out = dir.path().join("out");
    let (headers, clean) = csv_rows(&out.join("clean.csv"));
    let cells: BTreeSet<&str> = ["company", "job_title"]
        .iter()
        .flat_map(|c| column(&headers, &clean, c))
        .collect();
    for probe in [
        "'=HYPERLINK(\"http://x\",\"y\")",
        "'+cmd|' /C calc'!A0",
        "'@SUM(1+1)",
        "'-2+3+cmd",
    ] {
        assert!(cells.contains(probe), "clean.csv lacks guarded {probe}");
    }
    let report = fs::read_to_string(out.join("report.html")).expect("report");
    assert!(!report.contains("<script>alert(1)</script>"));
}

fn b2b_rules() -> String {
    format!("{}/rules/b2b-icp-example.toml", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `rules check` on `text`; returns (exit code, stdout, stderr).
fn rules_check(text: &str) -> (i32, String, String) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("icp.toml");
    fs::write(&path, text).unwrap();
    let output = leadaudit()
        .args(["rules", "check"])
        .arg(&path)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn b2b_example_rules_validate() {
    let (code, stdout, stderr) = rules_check(&fs::read_to_string(b2b_rules()).unwrap());
    assert_eq!(code, 0, "{stderr}");
    for id in ["fit.market", "fit.excluded", "fit.score"] {
        assert!(stdout.contains(id), "{stdout}");
    }
}

#[test]
fn fit_rules_typos_exit_2_naming_the_key() {
    let checks = "[checks]\n\"fit.market\" = { action = \"flag\" }\n";
    let (code, _, stderr) =
        rules_check(&format!("{checks}[fit.market]\nindusty = [\"software\"]\n"));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error:") && stderr.contains("industy") && stderr.contains("line 4"),
        "{stderr}"
    );
    let (code, _, stderr) = rules_check(&format!(
        "{checks}[fit.market]\nseniority = [\"vp\", \"directr\"]\n"
    ));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`fit.market.seniority`")
            && stderr.contains("directr")
            && stderr.contains("line 4"),
        "{stderr}"
    );
}

#[test]
fn b2b_example_scores_leads_and_reports_fit() {
    let (dir, code, stderr) = audit(&[&data("b2b_leads.csv"), "-r", &b2b_rules()]);
    // Four of twelve leads are excluded (competitor, student, free mailbox, job seeker):
    // above the 15% fail line of fit.excluded.
    assert_eq!(code, 1, "{stderr}");
    let out = dir.path().join("out");
    assert_rows_accounted(&out);

    let (headers, rows) = csv_rows(&out.join("findings.csv"));
    assert_eq!(headers[3], "check");
    let finding = |lead: &str, check: &str| {
        rows.iter()
            .find(|r| r[2] == lead && r[3] == check)
            .map(|r| r[5].clone())
    };
    assert_eq!(
        finding("B2", "fit.excluded").as_deref(),
        Some("competitor domain metricsco.io")
    );
    assert_eq!(
        finding("B4", "fit.excluded").as_deref(),
        Some("free email domain gmail.com")
    );
    assert_eq!(
        finding("B7", "fit.excluded").as_deref(),
        Some("job seeker title")
    );
    assert_eq!(
        finding("B6", "fit.market").as_deref(),
        Some("industry=retail outside ICP; employees=1-10 outside ICP")
    );
    assert_eq!(
        finding("B11", "fit.market").as_deref(),
        Some("employees unknown (ICP requires it)")
    );
    assert_eq!(
        finding("B8", "fit.score").as_deref(),
        Some("score 48.3 < 50.0 (segment mid_market); BANT incomplete: budget missing, authority missing, need missing, timeline missing")
    );
    assert_eq!(
        finding("B12", "fit.score").as_deref(),
        Some("score 79.1 >= 60.0 (segment enterprise); BANT incomplete: budget implausible")
    );
    assert_eq!(finding("B1", "fit.score"), None);

    let (headers, clean) = csv_rows(&out.join("clean.csv"));
    let tail: Vec<&str> = headers[headers.len() - 6..]
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        [
            "fit_score",
            "segment",
            "stage",
            "fit_top_criteria",
            "_source",
            "_row"
        ]
    );
    let ids = column(&headers, &clean, "lead_id");
    let at = |id: &str, name: &str| {
        let row = ids
            .iter()
            .position(|i| *i == id)
            .expect("lead in clean.csv");
        column(&headers, &clean, name)[row].to_string()
    };
    // VP Marketing at a 3000-person software company, active 5 days ago, BANT complete:
    // 65 fit + 48 behaviour x 0.5^(5/21) + 20 BANT = 125.7.
    assert_eq!(at("B1", "fit_score"), "125.7");
    assert_eq!(at("B1", "segment"), "enterprise");
    assert_eq!(at("B1", "stage"), "sql");
    assert_eq!(
        at("B1", "fit_top_criteria"),
        "seniority=vp; industry=software; function=marketing"
    );
    assert_eq!(at("B9", "stage"), "sql");
    assert_eq!(at("B12", "stage"), "mql");
    assert_eq!(at("B8", "stage"), "lead");

    let summary = read_json(&out.join("summary.json"));
    let fit = &summary["fit"];
    assert_eq!(fit["in_market"], 4);
    assert_eq!(fit["qualified"], 2);
    assert_eq!(fit["stages"]["sql"], 2);
    assert_eq!(fit["sources"][0]["source"], "b2b_leads");
    let total = |bins: &serde_json::Value, key: Option<&str>| -> u64 {
        bins.as_array()
            .unwrap()
            .iter()
            .map(|b| match key {
                Some(k) => b[k].as_u64().unwrap(),
                None => b.as_u64().unwrap(),
            })
            .sum()
    };
    assert_eq!(total(&fit["histogram"]["bins"], Some("rows")), 12);
    assert_eq!(total(&fit["sources"][0]["histogram"], None), 12);
    assert_eq!(fit["criteria_missed"]["market"][0]["criterion"], "function");
    assert_eq!(fit["bant"]["complete"], 2);

    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Target-market fit and lead scoring"));
    assert!(html.contains("aria-labelledby=\"fit-hist-title fit-hist-desc\""));
    assert!(html.contains("Histogram of fit scores of 12 leads"));
    assert!(html.contains("Histogram as a table"));
}

#[test]
fn dedup_finds_exact_fuzzy_and_known_duplicates_but_not_namesakes() {
    let inputs = dedup_inputs();
    let (dir, _, stderr) = audit(&args(&inputs));
    let out = dir.path().join("out");
    assert!(out.join("summary.json").is_file(), "{stderr}");
    assert_rows_accounted(&out);
    let found = dup_findings(&out);
    let expected = [
        (
            "vendor_a:4",
            "dup.known",
            "email (score 1.00) with known:1; known contact known:1",
        ),
        (
            "vendor_b:1",
            "dup.fuzzy",
            "name_address (score 0.98) with vendor_a:1; survivor vendor_a:1",
        ),
        (
            "vendor_b:2",
            "dup.email",
            "email (score 1.00) with vendor_a:2; survivor vendor_a:2",
        ),
        (
            "vendor_b:4",
            "dup.phone",
            "phone (score 1.00) with vendor_a:2; survivor vendor_a:2",
        ),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    // John Smith in 10001 and John Smith in 60601 (other email, phone, address) stay apart.
    assert_eq!(found, expected);

    let summary = read_json(&out.join("summary.json"));
    let a = &summary["overlap"]["sources"][0];
    assert_eq!(a["source"], "vendor_a");
    assert_eq!(a["rows"], 4);
    assert_eq!(a["duplicate_rows"], 0);
    assert_eq!(a["in_common"][0]["with"], "vendor_b");
    assert_eq!(a["in_common"][0]["rows"], 2);
    assert_eq!(a["in_common"][0]["share"], 0.5);
    assert_eq!(a["in_common"][1]["with"], "known");
    assert_eq!(a["in_common"][1]["rows"], 1);
    let b = &summary["overlap"]["sources"][1];
    assert_eq!(b["in_common"][0]["rows"], 3);
    assert_eq!(b["unique_new"], 1);
    assert!(
        summary["dedup"]["blocking"]["candidate_pairs"]
            .as_u64()
            .unwrap()
            > 0
    );
    let dup_known = summary["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "dup.known")
        .expect("dup.known listed");
    assert_eq!(dup_known["rows"], 1);

    let report = fs::read_to_string(out.join("report.html")).expect("report");
    assert!(report.contains("Duplicates and list overlap"));
    assert!(report.contains("2 (50.0%)"), "overlap matrix cell missing");
}

#[test]
fn dedup_without_known_ignores_crm_and_fill_blanks_adds_columns() {
    let dir = TempDir::new().expect("temp dir");
    let rules = dir.path().join("fill.toml");
    let mut text = fs::read_to_string(format!("{}/rules/default.toml", env!("CARGO_MANIFEST_DIR")))
        .expect("default rules");
    text = text.replace("fill_blanks = false", "fill_blanks = true");
    fs::write(&rules, text).expect("write rules");
    let rules = rules.display().to_string();
    let inputs = [
        format!("vendor_a={}", data("dedup_a.csv")),
        format!("vendor_b={}", data("dedup_b.csv")),
        "-r".to_string(),
        rules,
    ];
    let (out_dir, _, stderr) = audit(&args(&inputs));
    let out = out_dir.path().join("out");
    assert!(out.join("clean.csv").is_file(), "{stderr}");
    assert!(dup_findings(&out)
        .iter()
        .all(|(_, check, _)| check != "dup.known"));
    let (headers, rows) = csv_rows(&out.join("clean.csv"));
    let company = column(&headers, &rows, "company_filled");
    let from = column(&headers, &rows, "dup_filled_from");
    let lead = column(&headers, &rows, "lead_id");
    // Jane Dole (A2) survives without a company: her duplicate B2 has one. Robert Smith (A1)
    // has his own.
    let a2 = lead.iter().position(|l| *l == "A2").expect("A2 accepted");
    assert_eq!(company[a2], "Dole Consulting");
    assert_eq!(from[a2], "company: vendor_b:2");
    let a1 = lead.iter().position(|l| *l == "A1").expect("A1 accepted");
    assert_eq!(company[a1], "Acme Inc");
    assert_eq!(from[a1], "");
    assert!(summary_has_no_known(&out));
}

fn summary_has_no_known(out: &std::path::Path) -> bool {
    let summary = read_json(&out.join("summary.json"));
    summary["overlap"]["sources"][0]["in_common"]
        .as_array()
        .is_some_and(|c| c.iter().all(|e| e["with"] != "known"))
}

#[test]
fn dedup_says_when_a_block_was_capped() {
    // 40 different people in one ZIP, surnames with S, first names with J: one block.
    let dir = TempDir::new().expect("temp dir");
    let input = dir.path().join("one_zip.csv");
    let mut state = 7u64;
    let mut word = |initial: char| -> String {
        std::iter::once(initial)
            .chain((0..7).map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (b'a' + ((state >> 33) % 26) as u8) as char
            }))
            .collect()
    };
    let mut text = String::from("lead_id,first_name,last_name,postal_code,email\n");
    for i in 0..40 {
        let (first, last) = (word('J'), word('S'));
        text.push_str(&format!(
            "L{i},{first},{last},10001,{}.{}@example.com\n",
            first.to_lowercase(),
            last.to_lowercase()
        ));
    }
    fs::write(&input, text).expect("write input");
    let input = input.display().to_string();
    let capped_note = |summary: &serde_json::Value| {
        summary["gate"]["notes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == "dup.blocks_capped")
            .cloned()
    };

    // Under the default cap (50 rows) the block is compared in full.
    let (out_dir, _, stderr) = audit(&[&input]);
    let summary = read_json(&out_dir.path().join("out/summary.json"));
    assert_eq!(summary["dedup"]["blocks_capped"], 0, "{stderr}");
    assert_eq!(summary["dedup"]["pairs_skipped"], 0);
    assert!(capped_note(&summary).is_none());

    let rules = dir.path().join("small_blocks.toml");
    let default = fs::read_to_string(format!("{}/rules/default.toml", env!("CARGO_MANIFEST_DIR")))
        .expect("default rules");
    assert!(default.contains("\nmax_block_size = 50\n"));
    fs::write(
        &rules,
        default.replace("\nmax_block_size = 50\n", "\nmax_block_size = 5\n"),
    )
    .expect("write rules");
    let (out_dir, code, stderr) = audit(&[&input, "-r", &rules.display().to_string()]);
    let out = out_dir.path().join("out");
    let summary = read_json(&out.join("summary.json"));
    assert!(
        summary["dedup"]["blocks_capped"].as_u64() >= Some(1),
        "{stderr}"
    );
    let skipped = summary["dedup"]["pairs_skipped"].as_u64().unwrap();
    let passes = summary["dedup"]["blocking"]["passes"].as_array().unwrap();
    let per_pass: Vec<u64> = passes
        .iter()
        .map(|p| p["pairs_skipped"].as_u64().unwrap())
        .collect();
    assert_eq!(skipped, per_pass.iter().sum::<u64>());
    assert!(skipped > 0, "{per_pass:?}");
    // A pass compares some pairs of the block: it cannot skip all 780.
    assert!(per_pass.iter().all(|&p| p < 40 * 39 / 2), "{per_pass:?}");
    let note = capped_note(&summary).expect("gate note");
    assert_eq!(note["status"], "pass");
    assert!(note["message"]
        .as_str()
        .unwrap()
        .contains(&format!("{skipped} pairs")));
    // Informational: it neither warns nor fails the gate.
    for list in ["failed", "warned"] {
        assert!(
            !summary["gate"][list]
                .as_array()
                .unwrap()
                .iter()
                .any(|id| id == "dup.blocks_capped"),
            "exit {code}: {}",
            summary["gate"]
        );
    }
    let report = fs::read_to_string(out.join("report.html")).expect("report");
    assert!(report.contains("dup.blocks_capped"));
}
