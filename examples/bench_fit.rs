//! Times the fit stage on synthetic B2B leads scored with `rules/b2b-icp-example.toml`.
//!
//!     cargo run --release --example bench_fit -- [ROWS]      (default 1,000,000)
//!
//! The rows are generated (seeded, so every run scores the same data) with realistic
//! cardinalities: unique emails, thousands of job titles, tens of thousands of employee
//! counts; generation is not timed. Prints the wall time of each of three runs after a warm-up.

use std::time::Instant;

use chrono::NaiveDate;
use leadaudit::checks::fit::FitStage;
use leadaudit::checks::{SideInputs, Stage, StageContext};
use leadaudit::ingest::SOURCE_COL;
use leadaudit::rules::Rules;
use polars::prelude::*;

const RULES: &str = include_str!("../rules/b2b-icp-example.toml");

/// splitmix64: a small seeded generator, enough for synthetic data.
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

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const LEVELS: &[&str] = &[
    "",
    "Senior",
    "Junior",
    "VP",
    "SVP",
    "Head of",
    "Director of",
    "Chief",
    "Manager,",
    "Lead",
    "Associate",
    "Assistant",
    "Principal",
    "Global",
    "Regional",
    "Intern,",
    "Executive",
    "Owner",
    "Founder &",
    "Vice President,",
];
const FUNCTIONS: &[&str] = &[
    "Marketing",
    "Sales",
    "IT",
    "Engineering",
    "Finance",
    "Operations",
    "HR",
    "Brand",
    "Demand Generation",
    "Growth",
    "Content",
    "Business Development",
    "Data",
    "Security",
    "Procurement",
    "Customer Success",
    "Product",
    "Design",
    "Legal",
    "Accounting",
    "Information Technology",
    "Revenue Operations",
    "Talent",
    "Communications",
    "Strategy",
];
const SUFFIXES: &[&str] = &[
    "",
    "",
    "",
    " Manager",
    " Officer",
    " Specialist",
    ", EMEA",
    ", North America",
    " II",
    " Coordinator",
];
const INDUSTRIES: &[&str] = &[
    "Software",
    "SaaS",
    "Computer Software",
    "Information Technology & Services",
    "Internet",
    "Banking",
    "Insurance",
    "Financial Services",
    "Investment Management",
    "Management Consulting",
    "Accounting",
    "Legal Services",
    "Marketing & Advertising",
    "Retail",
    "E-commerce",
    "Hospital & Health Care",
    "Education",
    "Higher Education",
    "Manufacturing",
    "Construction",
    "Real Estate",
    "Telecommunications",
    "Automotive",
    "Logistics",
    "Government",
    "Non-profit",
    "Media",
    "Entertainment",
    "Food & Beverages",
    "Utilities",
    "",
];
const COUNTRIES: &[&str] = &[
    "US",
    "US",
    "US",
    "USA",
    "United States",
    "CA",
    "GB",
    "UK",
    "DE",
    "FR",
    "AU",
    "IN",
    "",
];
const STATES: &[&str] = &[
    "CA", "NY", "TX", "FL", "WA", "MA", "IL", "OR", "CO", "GA", "NC", "ON", "BC", "QC", "",
];
const BANDS: &[&str] = &[
    "1-10",
    "11-50",
    "51-200",
    "201-500",
    "501-1,000",
    "1,001-5,000",
    "5,001-10,000",
    "10,000+",
    "10k+",
    "",
];
const FREE: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "aol.com",
];
const BUDGETS: &[&str] = &[
    "", "", "$5k", "$25,000", "50k", "approved", "n/a", "TBD", "$1M", "2000",
];
const AUTHORITY: &[&str] = &[
    "",
    "",
    "yes",
    "no",
    "Decision maker",
    "influencer",
    "VP Sales",
    "CEO",
];
const NEEDS: &[&str] = &[
    "",
    "",
    "Replace legacy CRM",
    "Better attribution",
    "n/a",
    "crm",
    "Consolidate reporting tools",
];
const TIMELINES: &[&str] = &[
    "",
    "",
    "Q1 2027",
    "Q3 2025",
    "3 months",
    "6-12 months",
    "2 years",
    "ASAP",
    "next quarter",
    "2027-02-01",
    "tbd",
];

fn generate(rows: usize) -> PolarsResult<DataFrame> {
    let mut rng = Rng(42);
    let mut columns: Vec<(&str, Vec<Option<String>>)> = [
        "email",
        "job_title",
        "industry",
        "naics",
        "employees",
        "revenue",
        "country",
        "state",
        "email_opens",
        "email_clicks",
        "downloads",
        "webinar_attended",
        "pages_visited",
        "last_activity_at",
        "budget",
        "authority",
        "need",
        "timeline",
    ]
    .into_iter()
    .map(|name| (name, Vec::with_capacity(rows)))
    .collect();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
    for i in 0..rows {
        let domain = match rng.below(100) {
            0..=9 => rng.pick(FREE).to_string(),
            10 => "rivalytics.com".to_string(),
            11 => format!("uni{}.edu", rng.below(500)),
            _ => format!("company{}.com", rng.below(20_000)),
        };
        let title = format!(
            "{} {}{}",
            rng.pick(LEVELS),
            rng.pick(FUNCTIONS),
            rng.pick(SUFFIXES)
        );
        let employees = if rng.chance(50) {
            (1 + rng.below(100_000)).to_string()
        } else {
            rng.pick(BANDS).to_string()
        };
        let revenue = match rng.below(4) {
            0 => String::new(),
            1 => format!("${}M", 1 + rng.below(999)),
            2 => format!("{}", 100_000 * (1 + rng.below(10_000))),
            _ => format!("USD {}.{} million", rng.below(500), rng.below(10)),
        };
        let active = rng.chance(70);
        let date = as_of - chrono::Duration::days(rng.below(365) as i64);
        let values = [
            format!("user{i}@{domain}"),
            title.trim().to_string(),
            rng.pick(INDUSTRIES).to_string(),
            format!(
                "{}",
                [511210, 541511, 522110, 524126, 541611, 445110, 611310, 336111][rng.below(8)]
                    + rng.below(40)
            ),
            employees,
            revenue,
            rng.pick(COUNTRIES).to_string(),
            rng.pick(STATES).to_string(),
            if active {
                rng.below(20).to_string()
            } else {
                String::new()
            },
            if active {
                rng.below(10).to_string()
            } else {
                String::new()
            },
            if active {
                rng.below(5).to_string()
            } else {
                String::new()
            },
            rng.pick(&["", "", "yes", "no"]).to_string(),
            if active {
                rng.below(50).to_string()
            } else {
                String::new()
            },
            if active {
                date.format("%Y-%m-%d").to_string()
            } else {
                String::new()
            },
            rng.pick(BUDGETS).to_string(),
            rng.pick(AUTHORITY).to_string(),
            rng.pick(NEEDS).to_string(),
            rng.pick(TIMELINES).to_string(),
        ];
        for ((_, column), value) in columns.iter_mut().zip(values) {
            column.push((!value.is_empty()).then_some(value));
        }
    }
    let mut frame: Vec<Column> = columns
        .into_iter()
        .map(|(name, values)| {
            StringChunked::from_iter_options(name.into(), values.into_iter()).into_column()
        })
        .collect();
    let half = rows / 2;
    frame.push(
        StringChunked::from_iter_values(
            SOURCE_COL.into(),
            (0..rows).map(|i| if i < half { "vendor_a" } else { "vendor_b" }),
        )
        .into_column(),
    );
    DataFrame::new(rows, frame)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: usize = match std::env::args().nth(1) {
        Some(n) => n.replace('_', "").parse()?,
        None => 1_000_000,
    };
    let rules = Rules::parse(RULES, "rules/b2b-icp-example.toml")?;
    let started = Instant::now();
    let leads = generate(rows)?;
    eprintln!(
        "generated {rows} rows in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let side = SideInputs::default();
    let ctx = StageContext {
        rules: &rules,
        as_of: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default(),
        side: &side,
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let warm = FitStage.run(&leads, &ctx)?;
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let output = FitStage.run(&leads, &ctx)?;
        times.push(started.elapsed().as_secs_f64());
        assert_eq!(output.findings.len(), warm.findings.len(), "deterministic");
    }
    times.sort_by(f64::total_cmp);
    println!(
        "fit stage: {rows} rows, {} findings, {threads} cores: runs {:.3} / {:.3} / {:.3} s (best {:.0} rows/s)",
        warm.findings.len(),
        times[0],
        times[1],
        times[2],
        rows as f64 / times[0]
    );
    Ok(())
}
