//! Consent and suppression end to end: every check's hit and near miss on the fixtures in
//! tests/data/consent/ (each lead's scenario is described where its expectation is listed).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use tempfile::TempDir;

use super::{
    assert_rows_accounted, assert_same_outputs, audit, column, csv_rows, data, leadaudit, read_json,
};

/// A file in tests/data/consent/.
fn consent_data(name: &str) -> String {
    data(&format!("consent/{name}"))
}

/// lead_id -> check -> detail, from findings.csv.
fn findings_by_lead(out: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let (headers, rows) = csv_rows(&out.join("findings.csv"));
    let mut by_lead: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for ((lead, check), detail) in column(&headers, &rows, "lead_id")
        .into_iter()
        .zip(column(&headers, &rows, "check"))
        .zip(column(&headers, &rows, "detail"))
    {
        let previous = by_lead
            .entry(lead.to_string())
            .or_default()
            .insert(check.to_string(), detail.to_string());
        assert!(previous.is_none(), "two {check} findings for {lead}");
    }
    by_lead
}

/// Asserts each listed lead has exactly the listed checks, each detail containing the text.
fn assert_findings(
    found: &BTreeMap<String, BTreeMap<String, String>>,
    expected: &[(&str, &[(&str, &str)])],
) {
    let empty = BTreeMap::new();
    for (lead, checks) in expected {
        let got = found.get(*lead).unwrap_or(&empty);
        let got_ids: Vec<&str> = got.keys().map(String::as_str).collect();
        let want_ids: Vec<&str> = checks.iter().map(|(id, _)| *id).collect();
        let mut want_sorted = want_ids.clone();
        want_sorted.sort();
        assert_eq!(got_ids, want_sorted, "{lead}: {got:?}");
        for (id, text) in *checks {
            let detail = &got[*id];
            assert!(
                detail.contains(text),
                "{lead} {id}: {detail:?} lacks {text:?}"
            );
        }
    }
}

fn consent_run() -> (TempDir, i32, String) {
    audit(&[
        &consent_data("leads.csv"),
        "--consent",
        &consent_data("records.csv"),
        "-r",
        &consent_data("rules.toml"),
    ])
}

#[test]
fn consent_checks_hit_and_near_miss() {
    let (dir, code, stderr) = consent_run();
    assert_ne!(code, 2, "{stderr}");
    let out = dir.path().join("out");
    assert_rows_accounted(&out);
    let found = findings_by_lead(&out);
    assert_findings(
        &found,
        &[
            // Found by lead id, every check passes.
            ("L01", &[]),
            ("L02", &[("consent.missing", "no consent record for call")]),
            // Found by email written in another case / by phone in national format.
            ("L03", &[]),
            ("L04", &[]),
            ("L05", &[("consent.evidence", "call: missing ip, page_url")]),
            (
                "L06",
                &[(
                    "consent.seller",
                    "call: consent text does not name the seller (Acme Solar)",
                )],
            ),
            // Seller named in capitals.
            ("L07", &[]),
            (
                "L08",
                &[(
                    "consent.seller",
                    "call: written consent does not say consent is not a condition of purchase",
                )],
            ),
            // CASL inquiry: 6 months and 1 day old / exactly 6 months old at --as-of.
            (
                "L09",
                &[(
                    "consent.expired",
                    "email: consent of 2026-05-24 (Inquiry) ran out on 2026-11-24 (6m limit, ca)",
                )],
            ),
            ("L10", &[]),
            // Consent 2 hours after capture / 4 minutes after (inside the 5-minute grace).
            (
                "L11",
                &[(
                    "consent.timing",
                    "consent 2026-11-01 12:00:00 UTC is after the lead's capture 2026-11-01 10:00:00 UTC",
                )],
            ),
            ("L12", &[]),
            // Dated the day after --as-of / on --as-of itself (US date format).
            (
                "L13",
                &[("consent.timing", "consent dated 2026-11-26 is after --as-of 2026-11-25")],
            ),
            ("L14", &[]),
            (
                "L15",
                &[(
                    "consent.revoked",
                    "call: revoked 2026-11-20; inside the 10-business-day window (honour by 2026-12-04)",
                )],
            ),
            (
                "L16",
                &[(
                    "consent.revoked",
                    "revoked 2026-11-01; the 10-business-day deadline (2026-11-13) has passed",
                )],
            ),
            // Revocation dated the day after --as-of.
            ("L17", &[]),
            (
                "L18",
                &[("consent.certificate", "needs a 40-hex-digit token")],
            ),
            // A LeadiD GUID.
            ("L19", &[]),
            (
                "L20",
                &[(
                    "consent.evidence",
                    "consented_at 'last tuesday' is not a readable date",
                )],
            ),
            // No country: the Toronto number puts it under the CA section, where email needs
            // consent.
            ("L21", &[("consent.missing", "no consent record for email")]),
            // US email-only lead without a record: CAN-SPAM needs no prior consent.
            ("L22", &[]),
            // Revoked, then consented again later.
            ("L23", &[]),
            (
                "L24",
                &[("consent.evidence", "consent was given for another phone number")],
            ),
            // TrustedForm claimed 72 h + 1 s after consent / exactly 72 h after.
            (
                "L25",
                &[("consent.expired", "after its 72-hour claim window")],
            ),
            ("L26", &[]),
            (
                "L27",
                &[(
                    "consent.missing",
                    "no consent record for call (records cover sms)",
                )],
            ),
            // One record for both channels, the same gap on each: neither is contactable.
            ("L29", &[("consent.evidence", "call, sms: missing ip")]),
            // Two records by email: the one before capture counts, the later one does not
            // make it late.
            ("L30", &[]),
            // Its own record by lead id wins over another lead's revoked record that shares
            // its email.
            ("L31", &[]),
            // EEA refresh policy: 24 months and 1 day.
            (
                "L28",
                &[("consent.expired", "ran out on 2026-11-24 (24m limit, eea)")],
            ),
        ],
    );
    assert_eq!(found.len(), 17, "unexpected leads with findings: {found:?}");

    let (headers, rows) = csv_rows(&out.join("clean.csv"));
    let by_id: BTreeMap<&str, (&str, &str)> = column(&headers, &rows, "lead_id")
        .into_iter()
        .zip(
            column(&headers, &rows, "consent_jurisdiction")
                .into_iter()
                .zip(column(&headers, &rows, "consent_channels")),
        )
        .collect();
    assert_eq!(by_id["L01"], ("us", "call"));
    assert_eq!(by_id["L02"], ("us", ""));
    assert_eq!(by_id["L09"], ("ca", ""));
    assert_eq!(by_id["L10"], ("ca", "email"));
    assert_eq!(by_id["L21"], ("ca", ""));
    assert_eq!(by_id["L22"], ("us", "email"));
    assert_eq!(by_id["L27"], ("us", "sms"));
    assert_eq!(by_id["L28"], ("eea", ""));
    assert_eq!(by_id["L29"], ("us", ""));
    assert_eq!(by_id["L30"], ("us", "call"));
    assert_eq!(by_id["L31"], ("us", "call"));

    let summary = read_json(&out.join("summary.json"));
    let consent = &summary["consent"];
    assert_eq!(consent["checked"], true);
    assert_eq!(consent["records"]["rows"], 31);
    assert_eq!(consent["records"]["unreadable_dates"]["consented_at"], 1);
    let packs = consent["packs"].as_array().unwrap();
    let pack = |id: &str| packs.iter().find(|p| p["id"] == id).unwrap();
    assert_eq!(pack("ca")["leads"], 3);
    assert_eq!(pack("ca")["basis"]["phone"], 1);
    assert_eq!(pack("eea")["findings"]["consent.expired"], 1);
    let call = consent["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "call")
        .unwrap();
    assert_eq!(call["source"], "leads");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Coverage per source and channel"));
    assert!(html.contains("Rule pack sections that judged the leads"));
}

#[test]
fn consent_outputs_are_deterministic() {
    let (a, _, _) = consent_run();
    let (b, _, _) = consent_run();
    assert_same_outputs(&a.path().join("out"), &b.path().join("out"));
}

#[test]
fn without_consent_records_the_gate_warns_instead_of_passing_silently() {
    let (dir, code, stderr) = audit(&[
        &consent_data("leads.csv"),
        "-r",
        &consent_data("rules.toml"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let summary = read_json(&dir.path().join("out/summary.json"));
    assert_eq!(summary["gate"]["status"], "warn");
    assert_eq!(
        summary["gate"]["warned"],
        serde_json::json!(["consent.records"])
    );
    assert_eq!(summary["consent"]["checked"], false);
    let (headers, _) = csv_rows(&dir.path().join("out/findings.csv"));
    assert_eq!(headers.len(), 6);
    assert_eq!(
        fs::read_to_string(dir.path().join("out/findings.csv"))
            .unwrap()
            .lines()
            .count(),
        1
    );
}

#[test]
fn stricter_us_pack_asks_for_tsr_record_fields() {
    let dir = TempDir::new().unwrap();
    let rules = dir.path().join("us.toml");
    let pack =
        fs::read_to_string(format!("{}/rules/us-tcpa.toml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    fs::write(
        &rules,
        pack.replace("seller_names = []", "seller_names = [\"Acme Solar\"]"),
    )
    .unwrap();
    let (out, code, stderr) = audit(&[
        &consent_data("leads.csv"),
        "--consent",
        &consent_data("records.csv"),
        "-r",
        rules.to_str().unwrap(),
    ]);
    assert_ne!(code, 2, "{stderr}");
    let found = findings_by_lead(&out.path().join("out"));
    // 16 CFR 310.5(a)(8): the consenter's name and the purpose are part of the record.
    assert!(
        found["L01"]["consent.evidence"]
            .contains("missing first_name|last_name|full_name, purpose"),
        "{:?}",
        found["L01"]
    );
}

#[test]
fn shipped_rule_packs_pass_rules_check() {
    for pack in [
        "default.toml",
        "us-tcpa.toml",
        "ca-casl.toml",
        "eu-gdpr.toml",
    ] {
        let path = format!("{}/rules/{pack}", env!("CARGO_MANIFEST_DIR"));
        let output = leadaudit()
            .args(["rules", "check", &path])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{pack}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stdout.contains("consent.missing") && stdout.contains("suppress.dnc"),
            "{pack}: {stdout}"
        );
    }
}

#[test]
fn bad_consent_rules_name_the_key() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("r.toml");
    fs::write(
        &path,
        "[[consent.jurisdictions]]\nid = \"us\"\nlabel = \"US\"\ncountries = [\"US\"]\nconsent_channels = [\"call\", \"fax\"]\nseller_named = true\nrevocation_business_days = 10\n\n[checks]\n\"consent.missing\" = { action = \"flag\" }\n",
    )
    .unwrap();
    let output = leadaudit()
        .args(["rules", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error:")
            && stderr.contains("fax")
            && stderr.contains("consent_channels"),
        "{stderr}"
    );
}

fn suppress_run(extra: &[&str]) -> (TempDir, i32, String) {
    let leads = consent_data("suppress_leads.csv");
    let rules = consent_data("suppress_rules.toml");
    let mut args = vec![leads.as_str(), "-r", rules.as_str()];
    args.extend_from_slice(extra);
    audit(&args)
}

#[test]
fn suppression_lists_and_dnc_registry() {
    let dnc = consent_data("dnc-2026-10-01.txt");
    let optouts = consent_data("optouts.txt");
    let (dir, code, stderr) = suppress_run(&["--suppress", &dnc, "--suppress", &optouts]);
    assert_ne!(code, 2, "{stderr}");
    let out = dir.path().join("out");
    assert_rows_accounted(&out);
    let found = findings_by_lead(&out);
    assert_findings(
        &found,
        &[
            (
                "S1",
                &[(
                    "suppress.dnc",
                    "phone on Do-Not-Call list dnc-2026-10-01.txt (line 1)",
                )],
            ),
            // One digit away from a registry number.
            ("S2", &[]),
            // Listed in lower case.
            (
                "S3",
                &[(
                    "suppress.list",
                    "email on suppression list optouts.txt (line 2)",
                )],
            ),
            // A subdomain of a listed domain / a domain that only ends with the same letters.
            (
                "S4",
                &[(
                    "suppress.list",
                    "email domain on suppression list optouts.txt (line 3)",
                )],
            ),
            ("S5", &[]),
            // National format in the lead, international in the list.
            (
                "S6",
                &[(
                    "suppress.list",
                    "phone on suppression list optouts.txt (line 5)",
                )],
            ),
        ],
    );
    let summary = read_json(&out.join("summary.json"));
    let files = summary["suppression"]["files"].as_array().unwrap();
    assert_eq!(files[0]["kind"], "dnc");
    assert_eq!(files[0]["list_date"], "2026-10-01");
    assert_eq!(files[0]["list_date_from"], "file name");
    assert_eq!(files[0]["age_days"], 55);
    assert_eq!(files[1]["kind"], "list");
    assert_eq!(files[1]["unrecognised"], 1);
    let notes = summary["gate"]["notes"].as_array().unwrap();
    let note = |id: &str| {
        notes
            .iter()
            .find(|n| n["id"] == id)
            .unwrap_or_else(|| panic!("no {id} note in {notes:?}"))["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(note("suppress.dnc.list_age").contains("55 days old"));
    assert!(note("suppress.unrecognised").contains("line 6 is not an email"));
    assert_eq!(summary["gate"]["status"], "warn");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Suppression and Do-Not-Call") && html.contains("2026-10-01"));
}

#[test]
fn dnc_list_age_warns_only_past_31_days() {
    let dir = TempDir::new().unwrap();
    let age_note = |file_name: &str| {
        let path = dir.path().join(file_name);
        fs::write(&path, "6505550201\n").unwrap();
        let (out, code, stderr) = suppress_run(&["--suppress", path.to_str().unwrap()]);
        assert_ne!(code, 2, "{stderr}");
        let summary = read_json(&out.path().join("out/summary.json"));
        summary["gate"]["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == "suppress.dnc.list_age")
    };
    // --as-of 2026-11-25: 31 days old is inside the safe harbour, 32 is not.
    assert!(!age_note("dnc-2026-10-25.txt"));
    assert!(age_note("dnc-2026-10-24.txt"));
    // No date anywhere: the age is unknown, which warns too.
    assert!(age_note("registry.txt"));
}

#[test]
fn dnc_formats_and_declarations() {
    let dir = TempDir::new().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    // Registry format without "dnc" in the name, dated by a header line.
    let registry = write(
        "national.txt",
        "# date: 2026-11-20\n650,5550201\n6505550206\n",
    );
    // Ten-digit numbers declared a plain list.
    let internal = write("internal.txt", "# type: list\n6505550202\n");
    // A CSV with a header, emails under an alias.
    let csv = write(
        "optouts.csv",
        "E-mail,Reason\nS3@example.org,asked\nopted.out@example.org,asked\n",
    );
    let (out, code, stderr) = suppress_run(&[
        "--suppress",
        &registry,
        "--suppress",
        &internal,
        "--suppress",
        &csv,
    ]);
    assert_ne!(code, 2, "{stderr}");
    let found = findings_by_lead(&out.path().join("out"));
    assert!(found["S1"]["suppress.dnc"].contains("national.txt (line 2)"));
    assert!(found["S6"]["suppress.dnc"].contains("national.txt (line 3)"));
    assert!(found["S2"]["suppress.list"].contains("internal.txt (line 2)"));
    assert!(found["S3"]["suppress.list"].contains("optouts.csv (line 3)"));
    let summary = read_json(&out.path().join("out/summary.json"));
    let files = summary["suppression"]["files"].as_array().unwrap();
    assert_eq!(files[0]["kind_from"], "registry format");
    assert_eq!(files[0]["list_date_from"], "file header");
    assert_eq!(files[0]["age_days"], 5);
    assert_eq!(files[1]["kind"], "list");
    assert_eq!(files[2]["emails"], 2);
    // The DNC list is 5 days old and dated: no gate note about it.
    assert_eq!(summary["gate"]["status"], "pass", "{}", summary["gate"]);
    assert!(!summary["gate"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["id"] == "suppress.dnc.list_age"));
}

#[test]
fn calls_without_any_dnc_list_warn() {
    let (out, code, stderr) = suppress_run(&[]);
    assert_eq!(code, 0, "{stderr}");
    let summary = read_json(&out.path().join("out/summary.json"));
    assert_eq!(
        summary["gate"]["warned"],
        serde_json::json!(["suppress.dnc.no_list"])
    );
}
