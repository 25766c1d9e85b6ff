//! Contact verification (identity, email, phone stages) end to end on a fixture whose expected
//! verdicts were worked out by hand (tests/data/contact.csv).

use std::collections::{BTreeMap, BTreeSet};

use super::{assert_rows_accounted, audit, column, csv_rows, data, read_json};

/// (lead_id, check) pairs the fixture must produce, and no others.
const EXPECTED_FINDINGS: &[(&str, &str)] = &[
    ("C02", "email.role"),
    ("C02", "address.postal"),
    ("C03", "name.placeholder"),
    ("C03", "email.disposable"),
    ("C03", "phone.invalid"),
    ("C04", "email.typo"),
    ("C05", "email.syntax"),
    ("C05", "email.typo"),
    ("C07", "phone.country_mismatch"),
    ("C08", "phone.type"),
    ("C09", "name.missing"),
    ("C10", "name.placeholder"),
    ("C11", "field.missing"),
    ("C11", "email.missing"),
    ("C11", "phone.missing"),
    ("C12", "email.syntax"),
];

#[test]
fn contact_checks_on_the_fixture() {
    let (dir, code, stderr) = audit(&[&data("contact.csv")]);
    let out = dir.path().join("out");
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    assert_rows_accounted(&out);

    let (fh, findings) = csv_rows(&out.join("findings.csv"));
    let found: BTreeSet<(String, String)> = column(&fh, &findings, "lead_id")
        .into_iter()
        .zip(column(&fh, &findings, "check"))
        .map(|(id, check)| (id.to_string(), check.to_string()))
        .collect();
    let expected: BTreeSet<(String, String)> = EXPECTED_FINDINGS
        .iter()
        .map(|(id, check)| (id.to_string(), check.to_string()))
        .collect();
    assert_eq!(found, expected);

    let details: BTreeMap<(String, String), String> = column(&fh, &findings, "lead_id")
        .into_iter()
        .zip(column(&fh, &findings, "check"))
        .zip(column(&fh, &findings, "detail"))
        .map(|((id, check), detail)| ((id.to_string(), check.to_string()), detail.to_string()))
        .collect();
    let detail = |id: &str, check: &str| details[&(id.to_string(), check.to_string())].clone();
    assert_eq!(
        detail("C04", "email.typo"),
        "yahho.com looks mistyped: did you mean yahoo.com?"
    );
    assert_eq!(
        detail("C05", "email.typo"),
        "example.con looks mistyped: did you mean example.com?"
    );
    assert!(detail("C02", "address.postal").contains("02134?"));
    assert!(detail("C12", "email.syntax").contains("display name"));
    assert!(detail("C08", "phone.type").contains("fixed_line"));
    assert!(detail("C07", "phone.country_mismatch").contains("CA"));
    assert!(detail("C10", "name.placeholder").contains("company are all the same"));

    let (ch, clean) = csv_rows(&out.join("clean.csv"));
    let by_id: BTreeMap<&str, usize> = column(&ch, &clean, "lead_id")
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect();
    let cell = |id: &str, name: &str| column(&ch, &clean, name)[by_id[id]].to_string();
    assert_eq!(cell("C01", "email_normalized"), "jnguyen@gmail.com");
    assert_eq!(cell("C01", "phone_e164"), "+442079460958");
    assert_eq!(cell("C01", "phone_type"), "fixed_line");
    assert_eq!(cell("C01", "phone_region"), "GB");
    assert_eq!(cell("C01", "postal_code_normalized"), "SW1A 1AA");
    assert_eq!(cell("C01", "country_normalized"), "GB");
    assert_eq!(cell("C02", "postal_code_normalized"), "");
    assert_eq!(cell("C04", "postal_code_normalized"), "10115");
    assert_eq!(cell("C04", "phone_e164"), "+4930123456");
    assert_eq!(cell("C06", "phone_e164"), "+4545791310");
    assert_eq!(cell("C06", "country_normalized"), "DK");
    assert_eq!(cell("C08", "phone_e164"), "+81312345678");
    assert_eq!(cell("C08", "postal_code_normalized"), "100-0001");
    assert_eq!(cell("C09", "country_normalized"), "US");
    // No country on the row: the rules' default.
    assert_eq!(cell("C13", "country_normalized"), "US");

    let (rh, rejected) = csv_rows(&out.join("rejected.csv"));
    let rejected_ids: BTreeSet<&str> = column(&rh, &rejected, "lead_id").into_iter().collect();
    assert_eq!(
        rejected_ids,
        ["C03", "C05", "C10", "C11", "C12"].into_iter().collect()
    );

    let summary = read_json(&out.join("summary.json"));
    let email = &summary["email"]["sources"][0];
    assert_eq!(email["rows"], 13);
    assert_eq!(email["present"], 12);
    assert_eq!(email["valid"], 10);
    let phone = &summary["phone"]["sources"][0];
    assert_eq!(
        (phone["present"].as_u64(), phone["valid"].as_u64()),
        (Some(12), Some(11))
    );
    let report = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert!(
        report.contains("did you mean yahoo.com?"),
        "typo suggestion in the report"
    );
    assert!(report.contains("Phone verification"));
}

#[test]
fn b2b_rules_flag_free_mail_and_sms_rules_need_mobiles() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let rules = dir.path().join("b2b.toml");
    std::fs::write(
        &rules,
        "[checks]\n\"email.free\" = { action = \"flag\" }\n\"phone.type\" = { action = \"flag\" }\n\
         [phone]\nsms_types = [\"mobile\"]\n",
    )
    .expect("write rules");
    let (out_dir, code, stderr) =
        audit(&["-r", rules.to_str().expect("utf-8"), &data("contact.csv")]);
    assert_eq!(code, 0, "{stderr}");
    let out = out_dir.path().join("out");
    let (fh, findings) = csv_rows(&out.join("findings.csv"));
    let found: BTreeSet<(&str, &str)> = column(&fh, &findings, "lead_id")
        .into_iter()
        .zip(column(&fh, &findings, "check"))
        .collect();
    // Gmail and libero.it are free webmail; the business domains are not.
    assert!(found.contains(&("C01", "email.free")));
    assert!(found.contains(&("C07", "email.free")));
    assert!(!found
        .iter()
        .any(|(id, c)| *c == "email.free" && ["C02", "C04", "C06"].contains(id)));
    // With only mobiles accepted for SMS, a US number (fixed line or mobile) is flagged too.
    assert!(found.contains(&("C02", "phone.type")));
    assert!(found.contains(&("C08", "phone.type")));
}
