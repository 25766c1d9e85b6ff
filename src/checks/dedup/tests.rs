//! Behaviour and accuracy tests of the whole engine.

use super::testgen::{self, records, Generator, SynthRow};
use super::*;
use crate::checks::email::{EmailLists, EmailRules};

fn rules() -> DedupRules {
    let text = include_str!("../../../rules/default.toml");
    let table: toml::Table = toml::from_str(text).expect("default rules parse");
    let section = table.get("dedup").cloned().expect("[dedup] section");
    section.try_into().expect("[dedup] section is valid")
}

const ALL: Checks = Checks {
    email: true,
    phone: true,
    fuzzy: true,
    known: true,
};

fn source(name: &str) -> Source {
    Source {
        name: name.to_string(),
        known: false,
        priority: None,
    }
}

fn known_source() -> Source {
    Source {
        name: "known".to_string(),
        known: true,
        priority: None,
    }
}

fn lead(source: u16, first: &str, last: &str, postal: &str, email: &str, phone: &str) -> SynthRow {
    SynthRow {
        source,
        first_name: first.into(),
        last_name: last.into(),
        postal_code: postal.into(),
        email: email.into(),
        phone: phone.into(),
        ..SynthRow::default()
    }
}

fn run(rows: &[SynthRow], sources: Vec<Source>) -> (Records, Outcome) {
    let mut records = records(rows, sources);
    let lists = EmailLists::new(&EmailRules::default());
    records.mark_shared_mailboxes(|local| lists.is_role(local));
    let outcome = deduplicate(&mut records, &rules(), ALL).expect("valid input");
    (records, outcome)
}

fn checks_of(outcome: &Outcome) -> Vec<(u32, &'static str)> {
    outcome
        .findings
        .iter()
        .map(|f| (f.row, f.check.id()))
        .collect()
}

fn pairwise(rows: &[SynthRow], outcome: &Outcome) -> (f64, f64, f64) {
    testgen::pairwise(rows, outcome.clusters.iter().map(|c| c.members.as_slice()))
}

#[test]
fn default_rules_are_valid() {
    let fields = [
        "email",
        "phone",
        "company",
        "job_title",
        "address",
        "city",
        "state",
    ];
    let fields = [&fields[..], &["postal_code", "country", "date_of_birth"]].concat();
    rules().validate(&fields).expect("default rules validate");
}

#[test]
fn rules_errors_name_the_key() {
    let text =
        include_str!("../../../rules/default.toml").replace("max_block_size", "max_blok_size");
    let table: toml::Table = toml::from_str(&text).expect("toml");
    let err = DedupRules::deserialize(table["dedup"].clone())
        .unwrap_err()
        .to_string();
    assert!(err.contains("max_blok_size"), "{err}");

    let text =
        include_str!("../../../rules/default.toml").replace("postal_code = 1.0", "postcode = 1.0");
    let table: toml::Table = toml::from_str(&text).expect("toml");
    let err = DedupRules::deserialize(table["dedup"].clone())
        .unwrap_err()
        .to_string();
    assert!(err.contains("postcode"), "{err}");

    let mut bad = rules();
    bad.match_rules[0].require.first_name = Some(1.5);
    let (key, msg) = bad.validate(&[]).unwrap_err();
    assert_eq!(key, "dedup.match.name_address.require.first_name");
    assert!(msg.contains("between 0 and 1"), "{msg}");

    let mut bad = rules();
    bad.survivorship.fill_fields = vec!["emial".into()];
    let (key, _) = bad.validate(&["email"]).unwrap_err();
    assert_eq!(key, "dedup.survivorship.fill_fields");
}

use serde::Deserialize;

#[test]
fn exact_keys_match_and_blanks_never_do() {
    let rows = [
        // A personal address is one person whatever the names say.
        lead(0, "Ann", "Lee", "", "ann@example.com", ""),
        lead(1, "Bo", "Chan", "", "ANN@example.com", ""),
        lead(0, "Cy", "Diaz", "", "", "+15550001111"),
        lead(1, "Di", "Eng", "", "", "+15550001111"),
        lead(0, "Ed", "Fox", "", "", ""),
        lead(1, "Flo", "Gil", "", "", ""),
        // A team mailbox: two people, and one of them again.
        lead(0, "Niamh", "Colombo", "06172", "marketing@kf.co", ""),
        lead(1, "Natalie", "Petrovic", "48212", "Marketing@kf.co", ""),
        lead(1, "NIAMH", "Colombo", "06172", "marketing@kf.co", ""),
    ];
    let (records, outcome) = run(&rows, vec![source("a"), source("b")]);
    // Compared, the text columns are freed; the rows are still there to be named.
    assert!(records.email.is_empty() && records.last_name.is_empty());
    assert_eq!(records.len(), rows.len());
    assert_eq!(
        records.shared_mailbox,
        [false, false, false, false, false, false, true, true, true]
    );
    assert_eq!(
        checks_of(&outcome),
        [(1, "dup.email"), (3, "dup.phone"), (8, "dup.email")]
    );
    let details: Vec<&str> = outcome.findings.iter().map(|f| f.detail.as_str()).collect();
    assert_eq!(
        details,
        [
            "email (score 1.00) with a:1; survivor a:1",
            "phone (score 1.00) with a:2; survivor a:2",
            "email (score 1.00) with a:4; survivor a:4",
        ]
    );
}

#[test]
fn fuzzy_matches_name_rule_score_and_survivor() {
    let rows = [
        lead(
            0,
            "Robert",
            "Smith",
            "94105",
            "rsmith@acme.com",
            "+14155550100",
        ),
        lead(1, "Bob", "SMITH", "94105-2231", "bob.smith@gmail.com", ""),
        lead(1, "J.", "Garcia-Lopez", "10001", "", ""),
        lead(0, "John", "Lopez", "10001", "", "+12125550199"),
        lead(0, "Margaret", "O'Brien", "60601", "", ""),
        lead(1, "Peggy", "OBrien", "60601", "", ""),
    ];
    let (_, outcome) = run(&rows, vec![source("a"), source("b")]);
    assert_eq!(
        checks_of(&outcome),
        [(1, "dup.fuzzy"), (2, "dup.fuzzy"), (5, "dup.fuzzy")]
    );
    assert_eq!(
        outcome.findings[0].detail,
        "name_postal (score 0.98) with a:1; survivor a:1"
    );
    // J. Garcia-Lopez (b:2) has fewer fields than John Lopez (a:2): John survives.
    assert!(
        outcome.findings[1].detail.ends_with("survivor a:2"),
        "{}",
        outcome.findings[1].detail
    );
    assert!(outcome.findings[2].detail.starts_with("name_postal"));
}

#[test]
fn near_misses_do_not_merge() {
    let household = |first: &str, last: &str, email: &str| SynthRow {
        address: "12 Oak Street".into(),
        ..lead(0, first, last, "94105", email, "")
    };
    let rows = [
        // Same name, different person: elsewhere, other email.
        lead(
            0,
            "John",
            "Smith",
            "94105",
            "john.smith@gmail.com",
            "+14155550100",
        ),
        lead(
            1,
            "John",
            "Smith",
            "10001",
            "jsmith77@yahoo.com",
            "+12125550111",
        ),
        lead(1, "John", "Smith", "60601", "john.smith2@gmail.com", ""),
        // One household: spouses and a father and son.
        household("Mark", "Taylor", "mark@taylor.net"),
        household("Mary", "Taylor", "mary@taylor.net"),
        household("Daniel", "Taylor", "dt@taylor.net"),
        household("Danielle", "Taylor", "dani@taylor.net"),
        household("Paul", "Reed Sr.", "paul@reed.net"),
        household("Paul", "Reed Jr.", "pj@reed.net"),
    ];
    let (_, outcome) = run(&rows, vec![source("a"), source("b")]);
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
    assert!(outcome.clusters.is_empty());
}

#[test]
fn a_name_typo_at_the_same_address_still_matches() {
    let at_home = |first: &str, last: &str, email: &str| SynthRow {
        address: "782 Franklin Avenue".into(),
        ..lead(0, first, last, "33131", email, "")
    };
    let rows = [
        at_home("Ruth", "Scott", "ruth.scott270@atlasgroup.com"),
        at_home("Ruth", "Sfott", "rscott270@gmail.com"),
        at_home("Emma", "Yang", "emma459@northwind.com"),
        at_home("Emja", "Yang", "eyang459@outlook.com"),
        // Relatives at that address: other given names, never merged.
        at_home("Mark", "Scott", "mark@scott.net"),
    ];
    let (_, outcome) = run(&rows, vec![source("a")]);
    // Equally complete: the survivor is the first by content (`rscott…` before `ruth…`).
    assert_eq!(checks_of(&outcome), [(0, "dup.fuzzy"), (3, "dup.fuzzy")]);
    assert!(outcome
        .findings
        .iter()
        .all(|f| f.detail.starts_with("name_typo_address ")));
    // Elsewhere the typo is not enough.
    let mut moved = rows[1].clone();
    moved.postal_code = "33132".into();
    let (_, outcome) = run(&[rows[0].clone(), moved], vec![source("a")]);
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
}

#[test]
fn different_birth_dates_veto_a_name_match() {
    let mut a = lead(0, "Linda", "Park", "30301", "", "");
    let mut b = lead(1, "Linda", "Park", "30301", "", "");
    a.date_of_birth = "1961-04-02".into();
    b.date_of_birth = "1990-11-23".into();
    let (_, outcome) = run(&[a.clone(), b.clone()], vec![source("a"), source("b")]);
    assert!(outcome.findings.is_empty());
    b.date_of_birth = "1961-04-02".into();
    let (_, outcome) = run(&[a, b], vec![source("a"), source("b")]);
    assert_eq!(checks_of(&outcome), [(1, "dup.fuzzy")]);
}

#[test]
fn survivorship_follows_the_policy() {
    let mut older = lead(0, "Amy", "Ng", "", "amy@ng.org", "");
    older.captured_at = 100;
    let mut newer = lead(1, "Amy", "Ng", "", "amy@ng.org", "");
    newer.captured_at = 200;
    newer.company = "Ng Consulting".into();
    let rows = [older, newer];

    let mut rules = rules();
    rules.survivorship.prefer = vec![];
    let records_ = records(&rows, vec![source("a"), source("b")]);
    let survivor = |rules: &DedupRules, records: &Records| {
        deduplicate(&mut records.clone(), rules, ALL)
            .expect("runs")
            .clusters[0]
            .survivor
    };
    // No criteria: the earlier source wins.
    assert_eq!(survivor(&rules, &records_), Some(0));
    rules.survivorship.prefer = vec![Criterion::NewestCapturedAt];
    assert_eq!(survivor(&rules, &records_), Some(1));
    rules.survivorship.prefer = vec![Criterion::MostComplete];
    assert_eq!(survivor(&rules, &records_), Some(1));
    let mut prioritised = records(&rows, vec![source("a"), source("b")]);
    prioritised.sources[0].priority = Some(1);
    rules.survivorship.prefer = vec![Criterion::SourcePriority, Criterion::MostComplete];
    assert_eq!(survivor(&rules, &prioritised), Some(0));
}

#[test]
fn known_contacts_make_dup_known_and_never_survive() {
    let rows = [
        lead(0, "Ravi", "Patel", "07030", "ravi@patel.io", ""),
        lead(1, "Ravi", "Patel", "07030", "", "+12015550123"),
        lead(0, "Zed", "Quinn", "99501", "zed@quinn.io", ""),
        lead(2, "Ravi", "Patel", "07030", "ravi@patel.io", ""),
    ];
    let sources = vec![source("a"), source("b"), known_source()];
    let (_, outcome) = run(&rows, sources.clone());
    assert_eq!(checks_of(&outcome), [(0, "dup.known"), (1, "dup.known")]);
    assert_eq!(
        outcome.findings[0].detail,
        "email (score 1.00) with known:1; known contact known:1"
    );
    assert!(outcome.findings[1]
        .detail
        .starts_with("name_postal (score 1.00) with "));
    assert_eq!(outcome.clusters[0].survivor, None);

    // With dup.known off the CRM rows are ignored: a and b are plain duplicates.
    let records_ = records(&rows, sources);
    let outcome = deduplicate(
        &mut records_.clone(),
        &rules(),
        Checks {
            known: false,
            ..ALL
        },
    )
    .expect("runs");
    assert_eq!(checks_of(&outcome), [(1, "dup.fuzzy")]);
    assert_eq!(outcome.overlap.sources[0].in_common.len(), 1);
}

#[test]
fn overlap_counts_rows_in_common() {
    let rows = [
        lead(0, "A", "One", "", "1@x.io", ""),
        lead(0, "B", "Two", "", "2@x.io", ""),
        lead(0, "B", "Two", "", "2@x.io", ""),
        lead(0, "C", "Three", "", "3@x.io", ""),
        lead(1, "A", "One", "", "1@x.io", ""),
        lead(1, "D", "Four", "", "4@x.io", ""),
        lead(2, "C", "Three", "", "3@x.io", ""),
    ];
    let (_, outcome) = run(&rows, vec![source("a"), source("b"), known_source()]);
    let a = &outcome.overlap.sources[0];
    assert_eq!((a.rows, a.duplicate_rows, a.unique_new), (4, 1, 1));
    assert_eq!(a.duplicate_rate, 0.25);
    let with: Vec<(&str, u64)> = a
        .in_common
        .iter()
        .map(|c| (c.with.as_str(), c.rows))
        .collect();
    assert_eq!(with, [("b", 1), ("known", 1)]);
    let b = &outcome.overlap.sources[1];
    assert_eq!((b.rows, b.duplicate_rows, b.unique_new), (2, 0, 1));
    assert_eq!(b.in_common[0].share, 0.5);
    assert_eq!(outcome.overlap.sources.len(), 2);
}

#[test]
fn fills_blanks_from_the_best_duplicate() {
    let mut a = lead(0, "Kai", "Berg", "", "kai@berg.se", "");
    a.company = "Berg AB".into();
    a.captured_at = 5;
    let mut b = lead(1, "Kai", "Berg", "", "kai@berg.se", "+46701234567");
    b.captured_at = 3;
    let mut c = lead(1, "Kai", "Berg", "", "kai@berg.se", "+46709999999");
    c.captured_at = 4;
    let mut rules = rules();
    rules.survivorship.prefer = vec![Criterion::NewestCapturedAt];
    let records_ = records(&[a, b, c], vec![source("a"), source("b")]);
    let outcome = deduplicate(
        &mut records_.clone(),
        &rules,
        Checks {
            phone: false,
            ..ALL
        },
    )
    .expect("runs");
    assert_eq!(outcome.clusters[0].members, [0, 2, 1]);
    let fills = plan_fills(&outcome.clusters, &[&records_.company, &records_.phone]);
    assert_eq!(
        fills,
        [Fill {
            survivor: 0,
            column: 1,
            donor: 2
        }]
    );
}

#[test]
fn a_giant_block_stays_linear() {
    // 3000 different people in one ZIP, all surnames starting with S: the postal block is
    // split and compared by neighbourhood, never all 4.5M pairs.
    let mut gen_rows = Generator::new(7).rows(3000, 0, 0, 0, 1);
    for (i, r) in gen_rows.iter_mut().enumerate() {
        r.postal_code = "10001".into();
        r.last_name = format!("S{}", r.last_name.to_lowercase());
        r.person = i as u32;
    }
    let (_, outcome) = run(&gen_rows, vec![source("a")]);
    let pass = &outcome.stats.passes[0];
    assert_eq!(pass.name, "postal_surname");
    assert!(pass.oversized_blocks >= 1);
    assert!(outcome.stats.pairs_per_row < 60.0, "{:?}", outcome.stats);
}

#[test]
fn a_capped_block_counts_what_it_skipped() {
    // 400 different people in one ZIP whose surnames start with S and first names with J:
    // one postal_surname block that `refine` (first initial) cannot split. With a cap of 10
    // rows it is compared by sorted neighbourhood (window 3), not as 79,800 pairs.
    let n = 400usize;
    let mut rng = testgen::Rng::new(3);
    let mut rows: Vec<SynthRow> = (0..n)
        .map(|i| SynthRow {
            person: i as u32,
            ..lead(
                0,
                &random_name(&mut rng, 'J'),
                &random_name(&mut rng, 'S'),
                "10001",
                "",
                "",
            )
        })
        .collect();
    // One true duplicate: the same name and ZIP, another row, no email or phone.
    let copy = SynthRow {
        person: 17,
        ..rows[17].clone()
    };
    rows.push(copy);
    let mut rules = rules();
    rules.max_block_size = 10;
    rules.neighbourhood_window = 3;
    rules.blocking.retain(|p| p.name == "postal_surname");
    let records_ = records(&rows, vec![source("a")]);
    let outcome = deduplicate(&mut records_.clone(), &rules, ALL).expect("runs");
    let pass = &outcome.stats.passes[0];
    let m = (n + 1) as u64;
    let window_pairs = 3 * (m - 3) + 2 + 1;
    assert_eq!(pass.oversized_blocks, 1, "{pass:?}");
    assert_eq!(pass.neighbourhood_rows, m);
    assert_eq!(pass.pairs, window_pairs);
    assert_eq!(pass.pairs_skipped, m * (m - 1) / 2 - window_pairs);
    // The duplicate sits next to its original in name order: still found.
    assert_eq!(checks_of(&outcome), [(400, "dup.fuzzy")]);

    // Under the cap nothing is skipped.
    rules.max_block_size = 1000;
    let outcome = deduplicate(&mut records_.clone(), &rules, ALL).expect("runs");
    let pass = &outcome.stats.passes[0];
    assert_eq!((pass.oversized_blocks, pass.pairs_skipped), (0, 0));
    assert_eq!(pass.pairs, m * (m - 1) / 2);
}

/// A random lowercase word after `initial`: different people, not near-spellings.
fn random_name(rng: &mut testgen::Rng, initial: char) -> String {
    std::iter::once(initial)
        .chain((0..7).map(|_| (b'a' + rng.below(26) as u8) as char))
        .collect()
}

#[test]
fn same_output_on_one_or_two_threads() {
    let rows = Generator::new(11).rows(3000, 300, 100, 100, 3);
    let sources = vec![source("a"), source("b"), source("c")];
    let run_on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let (_, outcome) = pool.install(|| run(&rows, sources.clone()));
        outcome
    };
    let (one, two) = (run_on(1), run_on(2));
    assert_eq!(one.findings, two.findings);
    assert_eq!(one.clusters, two.clusters);
    assert_eq!(one.overlap, two.overlap);
    assert!(!one.findings.is_empty());
}

/// Candidate pairs made in rounds (a share of the first rows at a time) give the outcome of
/// one round, statistics included.
#[test]
fn pairs_made_in_rounds_change_nothing() {
    let rows = Generator::new(11).rows(3000, 300, 100, 100, 3);
    let mut records = records(&rows, vec![source("a"), source("b"), source("c")]);
    let lists = EmailLists::new(&EmailRules::default());
    records.mark_shared_mailboxes(|local| lists.is_role(local));
    let in_rounds = |round_rows: usize| {
        deduplicate_in_rounds(&mut records.clone(), &rules(), ALL, round_rows).expect("valid input")
    };
    let whole = in_rounds(usize::MAX);
    assert!(whole.stats.candidate_pairs > 1000);
    assert!(!whole.findings.is_empty());
    // Several rounds; and one row a round, which is held to one round per bucket.
    for round_rows in [500, 1] {
        let rounds = in_rounds(round_rows);
        assert_eq!(rounds.findings, whole.findings, "{round_rows}");
        assert_eq!(rounds.clusters, whole.clusters, "{round_rows}");
        assert_eq!(rounds.overlap, whole.overlap, "{round_rows}");
        assert_eq!(rounds.stats, whole.stats, "{round_rows}");
    }
}

/// Findings and survivors with every row named by its content, not its position: the same
/// for any order of the same rows.
fn by_content(rows: &[SynthRow], records: &Records, outcome: &Outcome) -> Vec<String> {
    let content = |i: u32| {
        let r = &rows[i as usize];
        format!(
            "[{} {} {} {} {} {} {} {} {} {}]",
            r.source,
            r.first_name,
            r.last_name,
            r.company,
            r.postal_code,
            r.address,
            r.email,
            r.phone,
            r.date_of_birth,
            r.captured_at
        )
    };
    let references: std::collections::HashMap<String, u32> = (0..rows.len() as u32)
        .map(|i| (records.reference(i), i))
        .collect();
    let name_rows = |detail: &str| -> String {
        detail
            .split(' ')
            .map(|word| {
                let (word, tail) = match word.strip_suffix(';') {
                    Some(w) => (w, ";"),
                    None => (word, ""),
                };
                match references.get(word) {
                    Some(&i) => format!("{}{tail}", content(i)),
                    None => format!("{word}{tail}"),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out: Vec<String> = outcome
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                content(f.row),
                f.check.id(),
                name_rows(&f.detail)
            )
        })
        .collect();
    out.extend(outcome.clusters.iter().map(|c| {
        let mut members: Vec<String> = c.members.iter().map(|&m| content(m)).collect();
        members.sort();
        format!(
            "cluster {} survivor {}",
            members.join(" "),
            c.survivor.map_or("-".to_string(), content)
        )
    }));
    out.sort();
    out
}

#[test]
fn shuffled_rows_change_nothing_but_row_numbers() {
    // Equal capture times and one source: survivorship ties everywhere, so every tie must
    // be broken by content, not by position.
    let mut rows = Generator::new(5).rows(2000, 600, 150, 150, 1);
    for r in &mut rows {
        r.captured_at = 0;
    }
    // Rows equal in every field, and exact copies differing in completeness only.
    let copy = rows[0].clone();
    rows.push(copy.clone());
    rows.push(SynthRow {
        company: String::new(),
        ..copy
    });
    let (records_a, outcome_a) = run(&rows, vec![source("a")]);
    assert!(
        outcome_a.findings.len() > 300,
        "{}",
        outcome_a.findings.len()
    );
    let expected = by_content(&rows, &records_a, &outcome_a);
    let mut rng = testgen::Rng::new(99);
    for round in 0..3 {
        let mut shuffled = rows.clone();
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i + 1));
        }
        let (records_b, outcome_b) = run(&shuffled, vec![source("a")]);
        let got = by_content(&shuffled, &records_b, &outcome_b);
        let first_difference = expected.iter().zip(&got).find(|(x, y)| x != y);
        assert!(
            expected == got,
            "round {round}: {} vs {} entries, first difference {first_difference:?}",
            expected.len(),
            got.len()
        );
    }
}

#[test]
fn accuracy_on_synthetic_leads() {
    let rows = Generator::new(2024).rows(8000, 1000, 400, 400, 3);
    let (_, outcome) = run(&rows, vec![source("a"), source("b"), source("c")]);
    let (precision, recall, f1) = pairwise(&rows, &outcome);
    eprintln!(
        "synthetic {} rows: precision {precision:.4} recall {recall:.4} f1 {f1:.4}, {:.2} pairs/row",
        rows.len(),
        outcome.stats.pairs_per_row
    );
    assert!(precision >= 0.98, "precision {precision:.4}");
    assert!(recall >= 0.90, "recall {recall:.4}");
}

#[test]
fn ranks_order_keys_as_their_bytes_do() {
    // Prefix ties (eight equal bytes), shorter strings, a NUL byte and non-ASCII text.
    let keys: Vec<String> = [
        "",
        "abcdefgh",
        "abcdefghi",
        "abcdefgg",
        "abcdefg",
        "abcdefg\0",
        "zz",
        "é",
        "e",
        "ab",
        "abcdefgh\u{1}",
        "Zeta",
        "ß",
        "abcdefghz",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let table: super::str_table::StrTable = keys.iter().map(String::as_str).collect();
    let rank = super::blocking::ranks(&table);
    for (i, a) in keys.iter().enumerate() {
        for (j, b) in keys.iter().enumerate() {
            assert_eq!(rank[i] < rank[j], a < b, "{a:?} vs {b:?}");
        }
    }
}
