//! Benchmark of the consent stage: N leads against N consent records (default 1,000,000 each),
//! generated in memory with a fixed seed, judged with the built-in rules.
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/target-shared cargo build --release --example bench_consent
//! /work/target-shared/release/examples/bench_consent [ROWS]
//! ```
//!
//! Two cases: leads that already carry `phone_e164` (as after the phone stage in a real
//! audit), and leads with raw phones only (the stage parses them itself). Records always
//! carry raw phones in mixed formats. Each case runs three times; every time is printed.

use std::time::Instant;

use chrono::NaiveDate;
use leadaudit::checks::consent::{ConsentStage, RecordsBuilder};
use leadaudit::checks::{SideInputs, Stage, StageContext};
use leadaudit::ingest::Batch;
use leadaudit::rules::{Rules, DEFAULT_RULES};
use polars::prelude::*;

/// xorshift64*: a tiny seeded generator, so the data is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn column(name: &str, values: Vec<Option<String>>) -> Column {
    StringChunked::from_iter_options(name.into(), values.into_iter()).into_column()
}

/// Ten digits of a distinct US number for person `i` (area code 650, exchanges 200–999).
fn digits(i: u64) -> String {
    format!("650{:03}{:04}", 200 + i / 10_000 % 800, i % 10_000)
}

fn build(rows: usize, with_e164: bool) -> (DataFrame, DataFrame) {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let n = rows as u64;
    let mut lead_id = Vec::with_capacity(rows);
    let mut email = Vec::with_capacity(rows);
    let mut phone = Vec::with_capacity(rows);
    let mut e164 = Vec::with_capacity(rows);
    let mut country = Vec::with_capacity(rows);
    let mut channel = Vec::with_capacity(rows);
    let mut captured = Vec::with_capacity(rows);
    for i in 0..n {
        lead_id.push(Some(format!("L{i}")));
        email.push(Some(format!("person{i}@mail{}.example.com", i % 5000)));
        let d = digits(i);
        e164.push(Some(format!("+1{d}")));
        phone.push(Some(match i % 3 {
            0 => format!("+1{d}"),
            1 => format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..]),
            _ => format!("{}.{}.{}", &d[..3], &d[3..6], &d[6..]),
        }));
        country.push(Some(
            ["US", "US", "US", "CA", "DE"][(i % 5) as usize].to_string(),
        ));
        channel.push(Some(
            ["call;sms", "email", "call", "email;sms"][(i % 4) as usize].to_string(),
        ));
        captured.push(Some(format!(
            "2026-{:02}-{:02}T10:00:00Z",
            1 + i % 10,
            1 + i % 28
        )));
    }
    let mut columns = vec![
        column("lead_id", lead_id),
        column("email", email),
        column("phone", phone),
        column("country", country),
        column("channel", channel),
        column("captured_at", captured),
    ];
    if with_e164 {
        columns.push(column("phone_e164", e164));
    }
    let leads = DataFrame::new(rows, columns).expect("lead frame");

    let texts = [
        "By clicking Submit I agree that Acme Solar may call and text me using an automatic telephone dialing system or prerecorded voice. Consent is not a condition of purchase.",
        "Yes, Acme Solar may email me offers. I can unsubscribe at any time.",
        "I agree to be contacted by our partners.",
    ];
    let (mut r_id, mut r_email, mut r_phone, mut r_channel, mut r_at) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut r_ip, mut r_url, mut r_text, mut r_cert, mut r_method, mut r_revoked) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..n {
        // 60% by lead id, 20% by email only, 10% by phone only, 10% nobody's.
        let who = rng.below(n);
        let how = rng.below(10);
        r_id.push((how < 6).then(|| format!("L{who}")));
        r_email.push(
            (6..8)
                .contains(&how)
                .then(|| format!("Person{who}@mail{}.example.com", who % 5000)),
        );
        let d = digits(if how == 9 { who + n } else { who });
        r_phone.push((how >= 8).then(|| format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..])));
        r_channel.push(Some(
            ["call;sms", "email", "all"][rng.below(3) as usize].to_string(),
        ));
        r_at.push(Some(match rng.below(3) {
            0 => format!(
                "2026-{:02}-{:02}T09:{:02}:00Z",
                1 + rng.below(10),
                1 + rng.below(28),
                rng.below(60)
            ),
            1 => format!("{:02}/{:02}/2026", 1 + rng.below(10), 1 + rng.below(28)),
            _ => format!(
                "2026-{:02}-{:02} 09:30:00",
                1 + rng.below(10),
                1 + rng.below(28)
            ),
        }));
        r_ip.push(Some(format!("203.0.{}.{}", rng.below(256), rng.below(256))));
        r_url.push(Some("https://acmesolar.example/quote".to_string()));
        r_text.push(Some(texts[rng.below(3) as usize].to_string()));
        r_cert.push(Some(format!(
            "https://cert.trustedform.com/{:016x}{:016x}{:08x}",
            rng.next(),
            rng.next(),
            rng.below(1 << 32)
        )));
        r_method.push(Some(
            ["web_form", "inquiry", "purchase"][rng.below(3) as usize].to_string(),
        ));
        r_revoked.push((rng.below(50) == 0).then(|| "2026-11-20".to_string()));
    }
    let records = DataFrame::new(
        rows,
        vec![
            column("lead_id", r_id),
            column("email", r_email),
            column("phone", r_phone),
            column("channel", r_channel),
            column("consented_at", r_at),
            column("ip", r_ip),
            column("page_url", r_url),
            column("consent_text", r_text),
            column("certificate", r_cert),
            column("method", r_method),
            column("revoked_at", r_revoked),
        ],
    )
    .expect("record frame");
    (leads, records)
}

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut rules = Rules::parse(DEFAULT_RULES, "built-in").expect("built-in rules");
    rules.consent.seller_names = vec!["Acme Solar".into()];
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
    println!(
        "consent stage: {rows} leads x {rows} records, {} rayon threads",
        rayon::current_num_threads()
    );
    for with_e164 in [true, false] {
        let t = Instant::now();
        let (leads, records) = build(rows, with_e164);
        let built = t.elapsed();
        let t = Instant::now();
        let mut builder = RecordsBuilder::new(
            &rules.consent,
            &rules.leads.default_country,
            "in-memory".into(),
        )
        .expect("consent rules");
        let no_headers = Default::default();
        builder
            .add(Batch {
                frame: records,
                columns: &no_headers,
            })
            .expect("records");
        let side = SideInputs {
            consent: Some(builder.finish().expect("records")),
            ..SideInputs::default()
        };
        let prepared = t.elapsed();
        let ctx = StageContext {
            rules: &rules,
            as_of,
            side: &side,
        };
        let case = if with_e164 {
            "leads with phone_e164"
        } else {
            "leads with raw phones"
        };
        println!(
            "{case} (data generated in {:.2} s, records prepared in {:.2} s):",
            built.as_secs_f64(),
            prepared.as_secs_f64()
        );
        for run in 1..=3 {
            let t = Instant::now();
            let output = ConsentStage.run(&leads, &ctx).expect("stage runs");
            let secs = t.elapsed().as_secs_f64();
            println!(
                "  run {run}: {secs:.3} s, {} findings",
                output.findings.len()
            );
        }
    }
}
