//! Contact-verification benchmark: the identity, email and phone stages on N synthetic leads
//! (default 1,000,000), with the built-in rules. Prints wall time per stage and peak memory.
//!
//! Run: cargo run --release --example bench_contact [-- N]
//!
//! The leads look like a bought list: nearly every email and phone distinct, names, domains,
//! postal codes and countries repeating, a few percent of each kind of defect.
//!
//! Checking that a speed change keeps every verdict: `BENCH_DUMP=out.txt` also writes every
//! added column and every finding (sorted) to `out.txt`, after appending one row per hostile
//! value (the fuzz corpora, `tests/data/contact.csv`, the values below); `BENCH_LENIENT=1`
//! allows IP literals and quoted local parts. Diff the dumps of two builds.

use std::time::Instant;

use chrono::NaiveDate;
use leadaudit::checks::{self, SideInputs, StageContext};
use leadaudit::progress::{cpu_seconds, memory_mb};
use leadaudit::rules::Rules;
use polars::prelude::*;

/// Deterministic xorshift, so every run sees the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items
            .get(self.below(items.len()))
            .copied()
            .unwrap_or_default()
    }
}

const FIRST: &[&str] = &[
    "James", "Mary", "José", "Li", "Nguyễn", "Anna", "Mohammed", "Olga", "Jean-Luc", "Aoife",
    "Hiroshi", "Fatima", "Lukas", "Sofia", "test", "asdf", "N/A", "Priya", "Chen", "O'Neil",
];
const LAST: &[&str] = &[
    "Smith", "Garcia", "Müller", "Ng", "Tanaka", "Rossi", "Kowalski", "Dubois", "Patel", "Kim",
    "Johnson", "Silva", "Ivanova", "Jensen", "xxx", "Brown", "Lee", "Martin", "Nkosi", "Haddad",
];
const FREE: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "aol.com",
    "icloud.com",
    "gmx.de",
    "web.de",
    "orange.fr",
    "libero.it",
    "mail.ru",
    "qq.com",
];
const BAD_DOMAINS: &[&str] = &[
    "mailinator.com",
    "yopmail.com",
    "gmial.com",
    "yahho.com",
    "gmail.con",
    "example..com",
];
/// (country as written, phone prefix, national digits to add, postal code maker id)
const COUNTRIES: &[(&str, &str, usize, usize)] = &[
    ("US", "+1 201 555 ", 4, 0),
    ("USA", "(650) 253-", 4, 0),
    ("United States", "+1 415 555 ", 4, 0),
    ("UK", "+44 20 7946 ", 4, 1),
    ("Deutschland", "030 12", 5, 2),
    ("France", "+33 1 23 45 ", 4, 3),
    ("Canada", "+1 506 234 ", 4, 4),
    ("Japan", "03-1234-", 4, 5),
    ("Italia", "+39 02 1234 ", 4, 3),
    ("", "+1 212 555 ", 4, 0),
];
const CHANNELS: &[&str] = &["email", "email;call", "call;sms", "sms", ""];

fn postal_code(rng: &mut Rng, kind: usize) -> String {
    let n = rng.below(100_000);
    match kind {
        0 if n.is_multiple_of(50) => format!("{}", n % 10_000), // lost leading zero
        0 => format!("{n:05}"),
        1 => format!("SW{}A {}AA", 1 + n % 9, n % 10),
        2 => format!("{:05}", 10_000 + n % 90_000),
        3 => format!("{:05}", 1_000 + n % 90_000),
        4 => format!("K{}A {}B{}", n % 10, (n / 10) % 10, (n / 100) % 10),
        _ => format!("{:03}-{:04}", 100 + n % 900, n % 10_000),
    }
}

fn synthetic_leads(n: usize) -> PolarsResult<DataFrame> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut cols: [Vec<String>; 9] = std::array::from_fn(|_| Vec::with_capacity(n));
    let business: Vec<String> = (0..5_000).map(|i| format!("company{i}.com")).collect();
    for i in 0..n {
        let first = rng.pick(FIRST);
        let last = rng.pick(LAST);
        let company = format!("Company {}", rng.below(5_000));
        let domain = match rng.below(100) {
            0..=59 => rng.pick(FREE).to_string(),
            60..=96 => business[rng.below(business.len())].clone(),
            _ => rng.pick(BAD_DOMAINS).to_string(),
        };
        let local = match rng.below(100) {
            0..=1 => "info".to_string(),
            _ => format!("{}.{}{i}", first.to_lowercase(), last.to_lowercase()),
        };
        let email = if rng.below(100) < 3 {
            String::new()
        } else {
            format!("{local}@{domain}")
        };
        let (country, prefix, digits, postal_kind) = COUNTRIES[i % COUNTRIES.len()];
        let number = (i / COUNTRIES.len()) % 10usize.pow(digits as u32);
        let phone = match rng.below(100) {
            0..=1 => String::new(),
            2 => format!("{prefix}{number:0digits$}9"), // an extra digit
            _ => format!("{prefix}{number:0digits$}"),
        };
        let postal = postal_code(&mut rng, postal_kind);
        let channel = rng.pick(CHANNELS);
        for (col, value) in cols.iter_mut().zip([
            format!("L{i}"),
            first.to_string(),
            last.to_string(),
            company,
            email,
            phone,
            postal,
            country.to_string(),
            channel.to_string(),
        ]) {
            col.push(value);
        }
    }
    let names = [
        "lead_id",
        "first_name",
        "last_name",
        "company",
        "email",
        "phone",
        "postal_code",
        "country",
        "channel",
    ];
    let mut columns: Vec<Column> = names
        .iter()
        .zip(cols)
        .map(|(name, values)| {
            StringChunked::from_iter_options(
                (*name).into(),
                values.into_iter().map(|v| (!v.is_empty()).then_some(v)),
            )
            .into_column()
        })
        .collect();
    columns.push(StringChunked::full("_source".into(), "synthetic", n).into_column());
    columns.push(UInt32Chunked::from_iter_values("_row".into(), 1..=n as u32).into_column());
    DataFrame::new(n, columns)
}

/// Hand-picked values for the dump rows: each branch of the email syntax rules, case and
/// Unicode corner cases of normalisation, phone prefixes.
const HOSTILE: &[&str] = &[
    "",
    " ",
    "bob@example.com",
    "Bob.Smith@Example.COM",
    "  bob@example.com\t",
    "bob+leads@example.co.uk",
    "J.O.E+promo@Gmail.com",
    "j.o.e@googlemail.com",
    "j.o.e.+x@gmail.com",
    "+x@gmail.com",
    "a.+x@outlook.com",
    "Mitchell.+soren760@hotmail.com",
    "ΣΑΣ@example.com",
    "ΣΑΣ.Σ+tag@gmail.com",
    "İstanbul@outlook.com",
    "José@Bücher.de",
    "用户@例子.公司",
    "почта@пример.рф",
    "ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "bob@example。com",
    "\u{FEFF}bob@example.com\u{200B}",
    "bob\u{200B}@example.com",
    "bob@@example.com",
    "bob@example@com.com",
    "Bob <bob@example.com>",
    "bob smith@example.com",
    "bob@exam ple.com",
    "@example.com",
    ".bob@example.com",
    "bob..smith@example.com",
    "bob@example..com",
    "\"bob smith\"@example.com",
    "\"bob@home\"@example.com",
    "\"bob\\\"q\"@example.com",
    "\"bob\"x@example.com",
    "\"bob@example.con",
    "\"\"@example.com",
    "\"a\"@gmail.con",
    "bob(comment)@example.com",
    "o’neil@example.com",
    "bob@",
    "bob@[192.168.0.1]",
    "bob@[IPv6:2001:db8::1]",
    "bob@[300.1.1.1]",
    "Bob@[192.168.0.1]",
    "bob@example.com.",
    "bob@.example.com",
    "bob@exa_mple.com",
    "bob@-example.com",
    "bob@localhost",
    "bob@192.168.0.1",
    "bob@example.con",
    "jane@gmail.con",
    "jane@GMAIL.CON",
    "jane@acme.xyzzy",
    "pаypal@example.com",
    "bob@pаypal.com",
    "info@gmail.com",
    "No-Reply@acme.com",
    "no.reply+x@acme.com",
    "INFO@mailinator.com",
    "x@eu.mail.mailinator.com",
    "jane@gmial.com",
    "jane@yaho.com",
    "jane@hotmial.com",
    "kim@yopmail.com",
    "a@b.io",
    "+44 20 7946 0958",
    "(201) 555-0123",
    "00 44 20 7946 0958",
    "+1 800 555 0199",
    "+800 1234 5678",
    "12",
    "test",
    "asdf",
    "N/A",
    "Mickey",
    "Mouse",
    "02134",
    "2134",
    "SW1A1AA",
];

fn corpus_values(dir: &std::path::Path) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .flat_map(|text| {
            let mut values: Vec<String> = text.lines().map(str::to_string).collect();
            values.push(text);
            values
        })
        .collect()
}

/// One row per hostile value, the value in every contact column, countries cycling.
fn hostile_leads(start: usize) -> PolarsResult<DataFrame> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut values: Vec<String> = HOSTILE.iter().map(|v| v.to_string()).collect();
    for dir in ["fuzz/corpus/email", "fuzz/corpus/phone"] {
        values.extend(corpus_values(&root.join(dir)));
    }
    if let Ok(csv) = std::fs::read_to_string(root.join("tests/data/contact.csv")) {
        values.extend(csv.lines().flat_map(|l| l.split(',')).map(str::to_string));
    }
    let countries = [
        "US",
        "GB",
        "DE",
        "",
        "Atlantis",
        "CA",
        "jp",
        "Deutschland",
        "FR",
    ];
    let n = values.len();
    let col = |name: &str, f: &dyn Fn(usize, &str) -> String| {
        StringChunked::from_iter_options(
            name.into(),
            values
                .iter()
                .enumerate()
                .map(|(i, v)| Some(f(i, v)).filter(|v| i % 7 != 3 || !v.is_empty())),
        )
        .into_column()
    };
    let columns = vec![
        col("lead_id", &|i, _| format!("H{i}")),
        col("first_name", &|_, v| v.to_string()),
        col("last_name", &|i, v| {
            if i % 3 == 0 {
                v.to_string()
            } else {
                "Mouse".into()
            }
        }),
        col("company", &|_, v| v.to_string()),
        col("email", &|_, v| v.to_string()),
        col("phone", &|_, v| v.to_string()),
        col("postal_code", &|_, v| v.to_string()),
        col("country", &|i, _| {
            countries[i % countries.len()].to_string()
        }),
        col("channel", &|i, _| CHANNELS[i % CHANNELS.len()].to_string()),
        StringChunked::full("_source".into(), "hostile", n).into_column(),
        UInt32Chunked::from_iter_values("_row".into(), (start as u32 + 1)..=(start + n) as u32)
            .into_column(),
    ];
    DataFrame::new(n, columns)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut rules = Rules::load(None)?.rules;
    if std::env::var_os("BENCH_LENIENT").is_some() {
        rules.email.allow_ip_literal = true;
        rules.email.allow_quoted_local = true;
    }
    let dump = std::env::var_os("BENCH_DUMP");
    let side = SideInputs::default();
    let ctx = StageContext {
        rules: &rules,
        as_of: NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("date")?,
        side: &side,
    };
    let generated = Instant::now();
    let mut leads = synthetic_leads(n)?;
    if dump.is_some() {
        leads.vstack_mut(&hostile_leads(n)?)?;
    }
    println!(
        "generated {n} leads in {:.2} s, peak RSS {:.0} MiB",
        generated.elapsed().as_secs_f64(),
        memory_mb().map_or(f64::NAN, |(_, peak)| peak as f64)
    );
    let contact = ["identity", "email", "phone"];
    let started = Instant::now();
    let cpu_started = cpu_seconds().unwrap_or(f64::NAN);
    let mut findings = 0;
    let mut dumped: Vec<String> = Vec::new();
    for (name, stage) in checks::stages()
        .into_iter()
        .filter(|(name, _)| contact.contains(name))
    {
        let t = Instant::now();
        let cpu = cpu_seconds().unwrap_or(f64::NAN);
        let output = stage.run(&leads, &ctx)?;
        let wall = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds().unwrap_or(f64::NAN) - cpu;
        findings += output.findings.len();
        if dump.is_some() {
            let f = &output.findings;
            let mut lines: Vec<String> = (0..f.len())
                .map(|i| format!("{name}\t{}\t{}\t{}", f.row[i], f.check[i], f.detail(i)))
                .collect();
            lines.sort();
            dumped.extend(lines);
            for column in &output.columns {
                let values = column.str()?;
                dumped.extend(
                    values
                        .iter()
                        .enumerate()
                        .map(|(row, v)| format!("{}\t{row}\t{v:?}", column.name())),
                );
            }
            dumped.push(format!("{name} summary\t{:?}", output.summary));
        }
        for column in output.columns {
            leads.with_column(column)?;
        }
        println!("  {name:<8} {wall:>6.2} s wall {cpu:>6.2} s CPU");
    }
    if let Some(path) = &dump {
        std::fs::write(path, dumped.join("\n"))?;
    }
    println!(
        "contact stages: {:.2} s wall, {:.2} s CPU for {n} leads ({findings} findings), peak RSS {:.0} MiB, {} threads",
        started.elapsed().as_secs_f64(),
        cpu_seconds().unwrap_or(f64::NAN) - cpu_started,
        memory_mb().map_or(f64::NAN, |(_, peak)| peak as f64),
        rayon::current_num_threads()
    );
    Ok(())
}
