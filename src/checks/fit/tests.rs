//! Fit family tests: each criterion's hit and near miss, exclusions, segments, points, decay,
//! BANT, stages and rules errors — on real frames through the stage.

use chrono::NaiveDate;
use polars::prelude::*;

use super::FitStage;
use crate::checks::{SideInputs, Stage, StageContext, StageOutput};
use crate::ingest::SOURCE_COL;
use crate::rules::Rules;

const CHECKS_ON: &str = r#"
[checks]
"fit.market" = { action = "flag" }
"fit.excluded" = { action = "reject" }
"fit.score" = { action = "flag" }
"#;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
}

struct Run {
    output: StageOutput,
    height: usize,
}

impl Run {
    /// Detail of the row's finding of `check`, if any.
    fn detail(&self, check: &str, row: usize) -> Option<&str> {
        let f = &self.output.findings;
        (0..f.len())
            .find(|&i| f.check[i] == check && f.row[i] as usize == row)
            .map(|i| f.detail(i))
    }

    fn hits(&self, check: &str) -> Vec<bool> {
        (0..self.height)
            .map(|row| self.detail(check, row).is_some())
            .collect()
    }

    fn text(&self, name: &str) -> Vec<String> {
        let column = self
            .output
            .columns
            .iter()
            .find(|c| c.name().as_str() == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        column
            .cast(&DataType::String)
            .expect("cast")
            .str()
            .expect("str")
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect()
    }

    fn scores(&self) -> Vec<f64> {
        self.text("fit_score")
            .iter()
            .map(|s| s.parse().expect("number"))
            .collect()
    }

    fn summary(&self) -> &serde_json::Value {
        &self.output.summary[0].1
    }
}

/// Runs the fit stage with `rules` (laid over the built-in rules, all fit checks on) on
/// string columns of equal length.
fn run(rules: &str, columns: &[(&str, &[&str])]) -> Run {
    run_in_blocks(rules, columns, super::FIT_BLOCK_ROWS)
}

/// [`run`], scoring `block_rows` rows at a time.
fn run_in_blocks(rules: &str, columns: &[(&str, &[&str])], block_rows: usize) -> Run {
    let rules = Rules::parse(&format!("{CHECKS_ON}\n{rules}"), "test.toml").expect("rules parse");
    let height = columns.first().map_or(0, |(_, v)| v.len());
    let mut frame: Vec<Column> = columns
        .iter()
        .map(|(name, values)| {
            let values: Vec<Option<&str>> = values
                .iter()
                .map(|v| (!v.is_empty()).then_some(*v))
                .collect();
            StringChunked::from_slice_options((*name).into(), &values).into_column()
        })
        .collect();
    frame.push(StringChunked::full(SOURCE_COL.into(), "src", height).into_column());
    let leads = DataFrame::new(height, frame).expect("frame");
    let side = SideInputs::default();
    let ctx = StageContext {
        rules: &rules,
        as_of: as_of(),
        side: &side,
    };
    let output = super::fit(&leads, &ctx, block_rows).expect("stage runs");
    Run { output, height }
}

fn rules_error(text: &str) -> String {
    Rules::parse(&format!("{CHECKS_ON}\n{text}"), "r.toml")
        .expect_err("rules must be rejected")
        .to_string()
}

#[test]
fn country_hit_alias_and_near_miss() {
    let r = run(
        "[fit.market]\ncountry = [\"US\", \"CA\"]",
        &[
            (
                "email",
                &["a@x.com", "b@x.com", "c@x.com", "d@x.com", "e@x.com"],
            ),
            ("country", &["US", "united states", "DE", "", "USA "]),
        ],
    );
    // A blank country is the default country (US).
    assert_eq!(r.hits("fit.market"), [false, false, true, false, false]);
    assert_eq!(r.detail("fit.market", 2), Some("country=DE outside ICP"));
}

#[test]
fn region_restricts_only_its_countries() {
    let r = run(
        "[fit.market]\ncountry = [\"US\", \"CA\"]\nregion = [\"US-CA\", \"US-NY\"]",
        &[
            ("country", &["US", "US", "CA", "US", "US"]),
            ("state", &["ca", "OR", "ON", "US-NY", ""]),
        ],
    );
    assert_eq!(r.hits("fit.market"), [false, true, false, false, false]);
    assert_eq!(r.detail("fit.market", 1), Some("region=US-OR outside ICP"));
}

const INDUSTRIES: &str = r#"
[fit]
industries = [
  { name = "software", naics = ["5112", "5415"], sic = ["7372"], names = ["software", "saas"] },
  { name = "finance", naics = ["52"], names = ["banking"] },
]
[fit.market]
industry = ["software"]
"#;

#[test]
fn industry_by_naics_prefix_and_name() {
    let r = run(
        INDUSTRIES,
        &[
            ("naics", &["511210", "5111", "", "", "522110", ""]),
            ("industry", &["", "", "SaaS platforms", "Softwares", "", ""]),
        ],
    );
    assert_eq!(
        r.hits("fit.market"),
        [false, true, false, true, true, false],
        "5111 is not 5112; 'softwares' is not the word 'software'; unknown passes"
    );
    assert_eq!(
        r.detail("fit.market", 4),
        Some("industry=finance outside ICP")
    );
    assert_eq!(
        r.detail("fit.market", 1),
        Some("industry=other outside ICP")
    );
}

#[test]
fn industry_by_sic_when_the_rules_say_so() {
    let rules = format!("{INDUSTRIES}\n").replace("[fit]\n", "[fit]\nindustry_codes = \"sic\"\n");
    let r = run(&rules, &[("naics", &["7372", "5112"])]);
    assert_eq!(r.hits("fit.market"), [false, true]);
}

#[test]
fn employees_bands_from_numbers_and_band_strings() {
    let r = run(
        "[fit]\nmarket_requires = [\"employees\"]\n[fit.market]\nemployees = [\"51-200\", \"201-500\"]",
        &[(
            "employees",
            &["51", "50", "51-200", "11-50", "1,000+", "10k", "", "about 300 staff", "500", "501"],
        )],
    );
    assert_eq!(
        r.hits("fit.market"),
        [false, true, false, true, true, true, true, false, false, true]
    );
    assert_eq!(
        r.detail("fit.market", 1),
        Some("employees=11-50 outside ICP")
    );
    assert_eq!(
        r.detail("fit.market", 4),
        Some("employees=501-1000 outside ICP")
    );
    assert_eq!(
        r.detail("fit.market", 5),
        Some("employees=5001-10000 outside ICP")
    );
    assert_eq!(
        r.detail("fit.market", 6),
        Some("employees unknown (ICP requires it)")
    );
}

#[test]
fn revenue_bands_with_units() {
    let r = run(
        "[fit.market]\nrevenue = [\"10M-50M\"]",
        &[(
            "revenue",
            &[
                "$10M",
                "9.9M",
                "10,000,000",
                "USD 50 million",
                "20-30m",
                "$12.5 mm",
            ],
        )],
    );
    assert_eq!(
        r.hits("fit.market"),
        [false, true, false, true, false, false]
    );
    assert_eq!(
        r.detail("fit.market", 1),
        Some("revenue=1M-10M outside ICP")
    );
}

#[test]
fn seniority_and_function_from_titles() {
    let r = run(
        "[fit.market]\nseniority = [\"c_level\", \"vp\", \"director\"]\nfunction = [\"marketing\"]",
        &[(
            "job_title",
            &[
                "VP Marketing",
                "Assistant to the VP of Marketing",
                "Chief Marketing Officer",
                "Market Research Director",
                "Vice President, Brand",
                "",
            ],
        )],
    );
    assert_eq!(
        r.hits("fit.market"),
        [false, true, false, true, false, false]
    );
    assert_eq!(
        r.detail("fit.market", 1),
        Some("seniority=entry outside ICP")
    );
    assert_eq!(
        r.detail("fit.market", 3),
        Some("function=other outside ICP")
    );
}

#[test]
fn exclusions_name_what_they_matched() {
    let r = run(
        r#"[fit.exclude]
competitor_domains = ["rival.com"]
student_domains = ["edu", "ac.uk"]
free_email = true
student_titles = '\bstudent\b'
job_seeker_titles = '\b(seeking|looking for)\b.*\b(role|job|opportunit)'
"#,
        &[
            (
                "email",
                &[
                    "a@rival.com",
                    "a@eu.rival.com",
                    "a@notrival.com",
                    "a@mit.edu",
                    "a@edu.com",
                    "a@ox.ac.uk",
                    "A@Gmail.com",
                    "a@gmail.company.com",
                    "a@acme.com",
                    "a@acme.com",
                    "a@acme.com",
                ],
            ),
            (
                "job_title",
                &[
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "Seeking a new role",
                    "Opportunity Manager",
                    "Graduate Student",
                ],
            ),
        ],
    );
    assert_eq!(
        r.hits("fit.excluded"),
        [true, true, false, true, false, true, true, false, true, false, true]
    );
    assert_eq!(
        r.detail("fit.excluded", 1),
        Some("competitor domain eu.rival.com")
    );
    assert_eq!(r.detail("fit.excluded", 3), Some("student domain mit.edu"));
    assert_eq!(
        r.detail("fit.excluded", 6),
        Some("free email domain gmail.com")
    );
    assert_eq!(r.detail("fit.excluded", 8), Some("job seeker title"));
    assert_eq!(r.detail("fit.excluded", 10), Some("student title"));
    let stages = r.text("stage");
    assert_eq!(stages[0], "disqualified");
    assert_eq!(stages[2], "lead");
}

const SEGMENTS: &str = r#"
[[fit.segments]]
name = "enterprise"
threshold = 30
when = { employees = ["1001-5000", "5001-10000", "10001+"] }
[fit.segments.points]
seniority = { c_level = 30, vp = 20, other = -10 }
country = { US = 5 }

[[fit.segments]]
name = "smb"
threshold = 20
[fit.segments.points]
seniority = { c_level = 10, vp = 15, director = 10, unknown = -5 }
"#;

#[test]
fn segment_selection_and_points() {
    let r = run(
        SEGMENTS,
        &[
            ("employees", &["2000", "2000", "100", "", "10001+", "100"]),
            (
                "job_title",
                &["CEO", "Sales Engineer", "VP Sales", "", "VP Sales", "CEO"],
            ),
            ("country", &["US", "DE", "US", "US", "US", "US"]),
        ],
    );
    assert_eq!(
        r.text("segment"),
        [
            "enterprise",
            "enterprise",
            "smb",
            "smb",
            "enterprise",
            "smb"
        ]
    );
    assert_eq!(r.scores(), [35.0, -10.0, 15.0, -5.0, 25.0, 10.0]);
    assert_eq!(
        r.text("stage"),
        ["mql", "lead", "lead", "lead", "lead", "lead"]
    );
    assert_eq!(
        r.detail("fit.score", 4),
        Some("score 25.0 < 30.0 (segment enterprise)")
    );
    assert_eq!(r.detail("fit.score", 0), None);
    assert_eq!(
        r.text("fit_top_criteria")[0],
        "seniority=c_level; country=US"
    );
    assert_eq!(r.text("fit_top_criteria")[1], "");
}

const BEHAVIOUR: &str = r#"
[fit.activity]
half_life_days = 30
undated_weight = 0.5
date_formats = ["%Y-%m-%d", "%m/%d/%Y"]

[[fit.segments]]
name = "all"
threshold = 10
[fit.segments.behaviour]
email_clicks = { each = 3, max = 15 }
webinar_attended = { each = 10 }
last_activity = 10
"#;

#[test]
fn behaviour_decays_with_half_life_at_as_of() {
    let r = run(
        BEHAVIOUR,
        &[
            ("email_clicks", &["2", "2", "2", "10", "2", "2", ""]),
            ("webinar_attended", &["", "", "", "", "", "", "Yes"]),
            (
                "last_activity_at",
                &[
                    "2026-11-25",
                    "2026-10-26",
                    "09/26/2026",
                    "2026-11-25T08:00:00Z",
                    "2027-01-01",
                    "",
                    "",
                ],
            ),
        ],
    );
    // Today: 6 + 10; 30 days (one half-life): (6 + 10) / 2; 60 days: / 4; clicks capped at 15;
    // a future date does not grow; undated: clicks at half weight and no recency points.
    assert_eq!(r.scores(), [16.0, 8.0, 4.0, 25.0, 16.0, 3.0, 5.0]);
    assert_eq!(r.text("fit_top_criteria")[0], "last_activity; email_clicks");
    assert_eq!(r.text("stage")[2], "lead");
    assert_eq!(
        r.detail("fit.score", 2),
        Some("score 4.0 < 10.0 (segment all)")
    );
}

const BANT: &str = r#"
[fit.bant]
required = true
placeholders = 'n/?a|none|unknown|tbd|-+'
min_budget = 1000
budget_words = 'approved'
authority_words = 'yes|decision maker'
authority_levels = ["c_level", "vp"]
need_min_chars = 10
timeline_max_days = 365
timeline_words = 'asap|this quarter'

[[fit.segments]]
name = "all"
threshold = 0
"#;

#[test]
fn bant_present_and_plausible() {
    let r = run(
        BANT,
        &[
            ("budget", &["$50k", "500", "", "n/a", "approved", "$50k"]),
            (
                "authority",
                &["Yes", "VP Sales", "intern", "decision maker", "yes", "yes"],
            ),
            (
                "need",
                &[
                    "Replace our legacy CRM",
                    "crm",
                    "Reporting across teams",
                    "Need it badly",
                    "Consolidate tools",
                    "Consolidate tools",
                ],
            ),
            (
                "timeline",
                &[
                    "Q1 2027",
                    "2 years",
                    "3 months",
                    "2020-01-01",
                    "asap",
                    "Q3 2025",
                ],
            ),
        ],
    );
    assert_eq!(r.text("stage"), ["sql", "mql", "mql", "mql", "sql", "mql"]);
    assert_eq!(
        r.detail("fit.score", 1),
        Some("score 0.0 >= 0.0 (segment all); BANT incomplete: budget implausible, need implausible, timeline implausible")
    );
    assert_eq!(
        r.detail("fit.score", 2),
        Some("score 0.0 >= 0.0 (segment all); BANT incomplete: budget missing, authority implausible")
    );
    assert_eq!(
        r.detail("fit.score", 3),
        Some(
            "score 0.0 >= 0.0 (segment all); BANT incomplete: budget implausible, timeline implausible"
        )
    );
    assert_eq!(
        r.detail("fit.score", 5),
        Some("score 0.0 >= 0.0 (segment all); BANT incomplete: timeline implausible")
    );
    let bant = &r.summary()["bant"];
    assert_eq!(bant["complete"], 2);
    assert_eq!(bant["elements"][0]["missing"], 1);
}

#[test]
fn summary_counts_histogram_and_missed_criteria() {
    let rules = format!("{SEGMENTS}\n[fit.market]\ncountry = [\"US\"]\n");
    let r = run(
        &rules,
        &[
            ("employees", &["2000", "2000", "100", "", "10001+", "100"]),
            (
                "job_title",
                &["CEO", "Sales Engineer", "VP Sales", "", "VP Sales", "CEO"],
            ),
            ("country", &["US", "DE", "US", "US", "US", "US"]),
        ],
    );
    let s = r.summary();
    assert_eq!(s["rows"], 6);
    assert_eq!(s["in_market"], 5);
    assert_eq!(s["qualified"], 1);
    assert_eq!(s["stages"]["disqualified"], 1);
    assert_eq!(s["sources"][0]["source"], "src");
    assert_eq!(s["sources"][0]["in_market_rate"], 5.0 / 6.0);
    // Scores -10 … 35 in bins of 10 from -10.
    assert_eq!(s["histogram"]["bins"][0]["from"], -10.0);
    let bins: Vec<u64> = s["histogram"]["bins"]
        .as_array()
        .expect("bins")
        .iter()
        .map(|b| b["rows"].as_u64().expect("rows"))
        .collect();
    assert_eq!(bins, [2, 0, 2, 1, 1]);
    assert_eq!(s["criteria_missed"]["market"][0]["criterion"], "country");
    // Unqualified in-market rows with no seniority points: row 3 (unknown, -5).
    assert_eq!(s["criteria_missed"]["score"][0]["criterion"], "seniority");
    assert_eq!(s["criteria_missed"]["score"][0]["rows"], 1);
    assert_eq!(s["segments"][0]["segment"], "enterprise");
    assert_eq!(s["segments"][0]["rows"], 3);
}

#[test]
fn rows_scored_in_blocks_give_what_all_rows_at_once_give() {
    let rules = format!(
        "{SEGMENTS}\n{BANT}\n[fit.market]\ncountry = [\"US\"]\n[fit.exclude]\nfree_email = true\nstudent_titles = '\\bstudent\\b'\n"
    );
    let columns: &[(&str, &[&str])] = &[
        (
            "employees",
            &["2000", "2000", "100", "", "10001+", "100", "50"],
        ),
        (
            "job_title",
            &[
                "CEO",
                "Sales Engineer",
                "VP Sales",
                "",
                "VP Sales",
                "Student",
                "CEO",
            ],
        ),
        ("country", &["US", "DE", "US", "US", "US", "US", "FR"]),
        (
            "email",
            &[
                "a@acme.com",
                "b@gmail.com",
                "",
                "c@acme.com",
                "d@x.org",
                "e@y.org",
                "f@z.de",
            ],
        ),
        (
            "budget",
            &["$50k", "500", "", "n/a", "approved", "$50k", ""],
        ),
        (
            "authority",
            &["Yes", "VP Sales", "intern", "", "yes", "yes", "no"],
        ),
        (
            "need",
            &[
                "Replace our CRM",
                "crm",
                "",
                "Need it",
                "Consolidate",
                "",
                "x",
            ],
        ),
        ("timeline", &["Q1", "", "next year", "asap", "", "Q2", ""]),
    ];
    // Everything the stage gives, as text.
    let shown = |r: &Run| {
        let f = &r.output.findings;
        let mut findings: Vec<String> = (0..f.len())
            .map(|i| format!("{} {} {}", f.row[i], f.check[i], f.detail(i)))
            .collect();
        findings.sort();
        let columns: Vec<Vec<String>> = r
            .output
            .columns
            .iter()
            .map(|c| r.text(c.name().as_str()))
            .collect();
        format!("{findings:#?}\n{columns:?}\n{:#}", r.summary())
    };
    let whole = run_in_blocks(&rules, columns, usize::MAX);
    assert!(whole.hits("fit.market").iter().any(|&h| h));
    assert!(whole.hits("fit.excluded").iter().any(|&h| h));
    for block_rows in [1, 2, 3, 6] {
        let blocks = run_in_blocks(&rules, columns, block_rows);
        assert_eq!(shown(&blocks), shown(&whole), "{block_rows} rows a block");
        assert!(blocks.output.columns.iter().all(|c| c.n_chunks() == 1));
    }
}

#[test]
fn typo_in_a_criterion_name_is_named() {
    let err = rules_error("[fit.market]\nindusty = [\"software\"]\n");
    assert!(err.contains("industy"), "{err}");
    let err = rules_error(
        "[[fit.segments]]\nname = \"all\"\nthreshold = 1\n[fit.segments.points]\nseniorty = { vp = 1 }\n",
    );
    assert!(err.contains("seniorty"), "{err}");
    let err = rules_error("[fit]\nmarket_requires = [\"employes\"]\n");
    assert!(
        err.contains("employes") && err.contains("fit.market_requires"),
        "{err}"
    );
}

#[test]
fn unknown_criterion_values_are_named() {
    let err = rules_error("[fit.market]\nseniority = [\"vp\", \"directr\"]\n");
    assert!(
        err.contains("directr") && err.contains("fit.market.seniority"),
        "{err}"
    );
    let err = rules_error("[fit.market]\nemployees = [\"50-200\"]\n");
    assert!(err.contains("50-200") && err.contains("51-200"), "{err}");
    let err = rules_error("[fit.market]\ncountry = [\"USA\"]\n");
    assert!(err.contains("USA"), "{err}");
    let err = rules_error(
        "[[fit.segments]]\nname = \"a\"\nthreshold = 1\nwhen = { employees = [\"1-10\"] }\n",
    );
    assert!(err.contains("must have no `when`"), "{err}");
    let err = rules_error("[fit]\nseniority = [{ name = \"vp\", pattern = \"(vp\" }]\n");
    assert!(err.contains("fit.seniority.0.pattern"), "{err}");
}

#[test]
fn band_names_read_like_a_crm() {
    use super::criteria::{band_names, BandKind};
    assert_eq!(
        band_names(&[1, 11, 51, 10001], BandKind::Count),
        ["1-10", "11-50", "51-10000", "10001+"]
    );
    assert_eq!(
        band_names(
            &[0, 1_000_000, 1_500_000, 250_000_000, 1_000_000_000],
            BandKind::Money
        ),
        ["0-1M", "1M-1.5M", "1.5M-250M", "250M-1B", "1B+"]
    );
}

#[test]
fn fit_is_skipped_when_its_checks_are_off() {
    let rules = Rules::parse(crate::rules::DEFAULT_RULES, "built-in").expect("parses");
    let leads = df!("email" => ["a@b.co"], SOURCE_COL => ["s"]).expect("frame");
    let side = SideInputs::default();
    let ctx = StageContext {
        rules: &rules,
        as_of: as_of(),
        side: &side,
    };
    let output = FitStage.run(&leads, &ctx).expect("runs");
    assert!(output.columns.is_empty() && output.findings.is_empty());
}

/// The hand-rolled date reading gives what polars' non-exact `to_date` gave (formats tried in
/// order, each at every position), on values that exercise the search.
#[test]
fn dates_read_as_polars_non_exact_parsing_does() {
    let values = [
        Some("2026-11-25"),
        Some(" 2026-10-26T08:00:00-05:00 "),
        Some("09/26/2026"),
        Some("last seen 2026-03-04 on web"),
        Some("seen 03/04/2026, twice"),
        Some("2026-02-30"),
        Some("02/30/2026 then 2026-01-02"),
        Some("Zoë 2026-07-08"),
        Some("no date"),
        Some(""),
        None,
    ];
    let formats = ["%Y-%m-%d".to_string(), "%m/%d/%Y".to_string()];
    let ours = super::criteria::date_days(&values, &formats);
    let text = StringChunked::from_slice_options("v".into(), &values).into_column();
    let parse = |format: &str| {
        col("v")
            .str()
            .strip_chars(lit(NULL))
            .str()
            .to_date(StrptimeOptions {
                format: Some(format.into()),
                strict: false,
                exact: false,
                cache: false,
            })
            .cast(DataType::Int32)
    };
    let polars = DataFrame::new(values.len(), vec![text])
        .expect("frame")
        .lazy()
        .select([coalesce(&[parse(&formats[0]), parse(&formats[1])]).alias("d")])
        .collect()
        .expect("polars dates");
    let expected: Vec<Option<i32>> = polars
        .column("d")
        .expect("d")
        .i32()
        .expect("i32")
        .iter()
        .collect();
    let got: Vec<Option<i32>> = ours.i32().expect("i32").iter().collect();
    assert_eq!(got, expected);
    assert!(got[3].is_some() && got[4].is_some() && got[8].is_none());
}
