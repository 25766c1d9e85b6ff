//! Consent and suppression end to end: every check's hit and near miss on the fixtures in
//! tests/data/consent/ (each lead's scenario is described where its expectation is listed).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use tempfile::TempDir;

use super::{assert_rows_accounted, audit, column, csv_rows, data, leadaudit, read_json};

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
            // EEA refresh policy: 24 months and 1 day.
            (
                "L28",
                &[("consent.expired", "ran out on 2026-11-24 (24m limit, eea)")],
            ),
        ],
    );
    assert_eq!(found.len(), 16, "unexpected leads with findings: {found:?}");

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

    let summary = read_json(&out.join("summary.json"));
    let consent = &summary["consent"];
    assert_eq!(consent["checked"], true);
    assert_eq!(consent["records"]["rows"], 26);
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
    for file in ["findings.csv", "clean.csv", "rejected.csv"] {
        assert_eq!(
            fs::read(a.path().join("out").join(file)).unwrap(),
            fs::read(b.path().join("out").join(file)).unwrap(),
            "{file} differs between runs"
        );
    }
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
fn shipped_rule_packs_pass_rules_check() {
    for pack in ["default.toml"] {
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
        assert!(stdout.contains("consent.missing"), "{pack}: {stdout}");
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
