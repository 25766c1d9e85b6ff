//! The whole `audit` (rules → ingest → every stage → verdicts → all output files) on a small
//! CSV made from the fuzz input, with a fixed `--as-of`.
//!
//! Input layout: the first byte picks the run, the rest is CSV text.
//! - bits 0–2: rules: built-in, `rules/us-tcpa.toml`, `ca-casl`, `eu-gdpr`,
//!   `b2b-icp-example`, `rankings-cfpb` (no audit check: an error), built-in, built-in;
//! - bit 3: put `HEADER` (the demo vendor file's header) before the text, so mutations go
//!   into the data rows instead of breaking the header;
//! - bit 4: side inputs from `fuzz/side/` (`--consent`, `--suppress` CSV and DNC text,
//!   `--known`), so the consent, suppression and known-duplicate stages have records to join.
//!
//! Properties: no panic; an audit that runs accounts for every row
//! (`rows.input == accepted + rejected`, the sum of the inputs' rows) and clean.csv and
//! rejected.csv hold exactly `accepted` and `rejected` records.
#![no_main]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use leadaudit::audit::{run, AuditOptions};
use leadaudit::progress::Progress;
use libfuzzer_sys::fuzz_target;

const HEADER: &str = "Lead ID,First Name,Last Name,E-mail,Phone Number,Company,Job Title,Industry,NAICS,Employees,Address,City,State,Zip,Country,Date Captured,Channels,IP Address,Page URL,Email Opens,Email Clicks,Downloads,Webinar Attended,Pages Visited,Last Activity,Price\n";

const RULES: [Option<&str>; 8] = [
    None,
    Some("us-tcpa.toml"),
    Some("ca-casl.toml"),
    Some("eu-gdpr.toml"),
    Some("b2b-icp-example.toml"),
    Some("rankings-cfpb.toml"),
    None,
    None,
];

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn csv_records(path: &Path) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .expect("an output CSV file was written");
    reader
        .records()
        .map(|r| r.expect("output CSV files are well-formed"))
        .count()
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let mut csv = Vec::with_capacity(HEADER.len() + body.len());
    if flags & 0x08 != 0 {
        csv.extend_from_slice(HEADER.as_bytes());
    }
    csv.extend_from_slice(body);
    let input = fuzz_support::write_scratch("leads.csv", &csv);
    let side = flags & 0x10 != 0;
    let out = fuzz_support::scratch().join("out");
    let options = AuditOptions {
        leads: vec![format!("fuzz={}", input.display())],
        rules: RULES[usize::from(flags & 0x07)].map(|name| repo(&format!("../rules/{name}"))),
        consent: side.then(|| repo("side/consent.csv")),
        suppress: if side {
            vec![repo("side/suppress.csv"), repo("side/dnc.txt")]
        } else {
            Vec::new()
        },
        known: side.then(|| repo("side/crm.csv")),
        out: out.clone(),
        as_of: NaiveDate::from_ymd_opt(2026, 11, 25).expect("a valid date"),
        warn_as_error: false,
        show_pii: flags & 0x20 != 0,
        templates: None,
        progress: Progress::silent(),
    };
    let Ok(summary) = run(&options) else {
        return;
    };
    let rows = summary
        .rows
        .as_ref()
        .expect("audit summaries have row counts");
    assert_eq!(rows.input, rows.accepted + rows.rejected, "{rows:?}");
    let read: usize = summary
        .inputs
        .iter()
        .filter(|i| i.role == "leads")
        .map(|i| i.info.rows)
        .sum();
    assert_eq!(rows.input, read, "{rows:?}");
    assert_eq!(
        csv_records(&out.join("clean.csv")),
        rows.accepted,
        "clean.csv"
    );
    assert_eq!(
        csv_records(&out.join("rejected.csv")),
        rows.rejected,
        "rejected.csv"
    );
});
