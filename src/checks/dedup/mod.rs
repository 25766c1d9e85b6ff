//! Duplicates and list overlap (`dup.email`, `dup.phone`, `dup.fuzzy`, `dup.known`).
//!
//! The engine works on plain columns ([`Records`]) so it knows nothing about data frames:
//! 1. features: every field folded once per distinct value (`features`, `lexicon`);
//! 2. exact keys: rows with the same normalised email (a role address: and the same name)
//!    or phone form groups;
//! 3. fuzzy: candidate pairs come only from blocking passes (`blocking`), never all pairs,
//!    and are scored by the rules' match rules (`scoring`);
//! 4. clusters: groups and matches are joined transitively (union–find); each cluster keeps
//!    one survivor by the survivorship policy and every other row gets a finding naming the
//!    rule, the score and the survivor (`cluster`); leads matching a known contact are
//!    `dup.known`;
//! 5. overlap between the sources and with the known contacts (`overlap`).
//!
//! Output is deterministic: pairs and edges are sorted, whatever the thread scheduling; and
//! it does not depend on row order: every tie (survivor, which match joins clusters first,
//! which link a finding names) is broken by a content rank of the rows
//! (`Records::content_rank`), with the row only as the last resort among rows equal in every
//! compared field.

mod blocking;
mod cluster;
mod features;
mod lexicon;
mod names;
mod overlap;
mod phonetic;
mod records;
mod rules;
mod scoring;
mod similarity;
mod stage;
mod str_table;
mod text;

#[cfg(test)]
mod testgen;
#[cfg(test)]
mod tests;

use rayon::prelude::*;
use serde::Serialize;

pub use blocking::PassStats;
pub use overlap::{InCommon, Overlap, SourceOverlap};
pub use records::{Records, Source, TextColumn};
pub use rules::{
    BlockingPass, Criterion, DedupRules, FieldThresholds, KeyPart, ListRules, MatchRule, NameRules,
    SurvivorshipRules,
};
pub use stage::{DedupStage, CHECKS};

use blocking::Blocking;
use cluster::{Edge, Groups, Resolver};
use features::Features;
use lexicon::Lexicon;
use scoring::{Memo, Scorer};

/// Which duplicate checks run (from the rules' `[checks]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checks {
    pub email: bool,
    pub phone: bool,
    pub fuzzy: bool,
    /// When off, known-contact rows are ignored.
    pub known: bool,
}

/// A duplicate check id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DupCheck {
    Email,
    Phone,
    Fuzzy,
    Known,
}

impl DupCheck {
    pub fn id(self) -> &'static str {
        match self {
            DupCheck::Email => "dup.email",
            DupCheck::Phone => "dup.phone",
            DupCheck::Fuzzy => "dup.fuzzy",
            DupCheck::Known => "dup.known",
        }
    }
}

/// A row that duplicates another: `row` indexes [`Records`].
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub row: u32,
    pub check: DupCheck,
    /// `<rule> (score <s>) with <source:row>; survivor <source:row>` (or
    /// `; known contact <source:row>` for `dup.known`).
    pub detail: String,
}

/// Rows found to be one person or company.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// With a survivor: the leads in survivorship order (survivor first). Without (the
    /// cluster holds known contacts): the leads in row order, then the known contacts.
    pub members: Vec<u32>,
    pub survivor: Option<u32>,
}

/// How much work blocking did; `pairs_per_row` should stay flat as inputs grow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Rows taking part (leads, plus known contacts when `dup.known` is on).
    pub rows: u64,
    /// Distinct candidate pairs scored.
    pub candidate_pairs: u64,
    pub pairs_per_row: f64,
    pub fuzzy_matches: u64,
    pub passes: Vec<PassStats>,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    /// Sorted by row.
    pub findings: Vec<Finding>,
    /// Ordered by their first row.
    pub clusters: Vec<Cluster>,
    pub overlap: Overlap,
    pub stats: Stats,
}

/// Finds the duplicates among `records`. Their text columns are compared through features
/// built from them and then freed (`Records::free_text`): afterwards `records` still names
/// rows (`Records::reference`) but holds no field values.
pub fn deduplicate(
    records: &mut Records,
    rules: &DedupRules,
    checks: Checks,
) -> Result<Outcome, String> {
    deduplicate_in_rounds(records, rules, checks, blocking::ROWS_PER_ROUND)
}

/// [`deduplicate`], making candidate pairs in rounds of `round_rows` rows (the outcome does
/// not depend on it).
fn deduplicate_in_rounds(
    records: &mut Records,
    rules: &DedupRules,
    checks: Checks,
    round_rows: usize,
) -> Result<Outcome, String> {
    records.validate()?;
    let lexicon = Lexicon::new(&rules.lists);
    let features = Features::new(records, &lexicon);
    let known: Vec<bool> = (0..records.len()).map(|i| records.is_known(i)).collect();
    let active: Vec<u32> = (0..records.len() as u32)
        .filter(|&i| checks.known || !known[i as usize])
        .collect();

    let order = records.content_rank();
    records.free_text();
    let records = &*records;
    let scorer = &Scorer::new(&features, rules, &order);
    let score = |pairs: &[u64]| -> Vec<Edge> {
        pairs
            .par_chunks(4096)
            .map_init(Memo::default, |memo, chunk| {
                // How many pairs ahead the second row is prefetched: enough to cover a memory
                // load's latency with the scoring of the pairs in between.
                const PREFETCH_AHEAD: usize = 16;
                chunk
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &p)| {
                        if let Some(&ahead) = chunk.get(i + PREFETCH_AHEAD) {
                            scorer.prefetch(blocking::unpair(ahead).1);
                        }
                        let (a, b) = blocking::unpair(p);
                        // Already one cluster by exact email: no need to score.
                        if checks.email && scorer.same_email(a, b) {
                            return None;
                        }
                        scorer.evaluate(a, b, memo).map(|v| Edge {
                            a,
                            b,
                            rule: v.rule,
                            score: v.score,
                        })
                    })
                    .collect::<Vec<Edge>>()
            })
            .flatten_iter()
            .collect()
    };
    let mut candidate_pairs = 0u64;
    let mut matches: Vec<Edge> = Vec::new();
    let mut passes: Vec<PassStats> = Vec::new();
    if checks.fuzzy {
        // A round holds its share of the pairs only; matches are sorted when accepted, so
        // the order the rounds give them in does not matter.
        let blocking = Blocking::new(&features, rules, &known, &active, &order, round_rows);
        for round in 0..blocking.rounds() {
            let (pairs, round_passes) = blocking.round(round);
            if passes.is_empty() {
                passes = round_passes;
            } else {
                for (pass, of_round) in passes.iter_mut().zip(round_passes) {
                    pass.pairs += of_round.pairs;
                }
            }
            for bucket in pairs.into_sorted_buckets() {
                candidate_pairs += bucket.len() as u64;
                matches.extend(score(&bucket));
            }
        }
    }

    let group = |on: bool, ids: &[u32], keys: usize| {
        if on {
            Groups::new(ids, keys, &active)
        } else {
            Groups::none(records.len())
        }
    };
    let email = group(checks.email, &features.email.ids, features.email.count);
    let phone = group(checks.phone, &features.phone.ids, features.phone.keys.len());
    let edges = cluster::accept_matches(
        records.len(),
        &email,
        &phone,
        &order,
        matches,
        |a, b, rule| scorer.compatible(a, b, rule),
    );
    let resolver = Resolver::new(records, rules, &email, &phone, &order, &edges);
    let resolved: Vec<(Cluster, Vec<Finding>)> = resolver
        .clusters(&active)
        .par_iter()
        .map(|members| resolver.resolve(members))
        .collect();
    let mut clusters = Vec::with_capacity(resolved.len());
    let mut findings = Vec::new();
    for (cluster, cluster_findings) in resolved {
        clusters.push(cluster);
        findings.extend(cluster_findings);
    }
    findings.sort_by_key(|f| f.row);

    let active_sources: Vec<bool> = records
        .sources
        .iter()
        .map(|s| checks.known || !s.known)
        .collect();
    let overlap = overlap::overlap(records, &clusters, &active_sources);
    let stats = Stats {
        rows: active.len() as u64,
        candidate_pairs,
        pairs_per_row: if active.is_empty() {
            0.0
        } else {
            candidate_pairs as f64 / active.len() as f64
        },
        fuzzy_matches: edges.len() as u64,
        passes,
    };
    Ok(Outcome {
        findings,
        clusters,
        overlap,
        stats,
    })
}

/// One blank field of a survivor to fill from a duplicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill {
    pub survivor: u32,
    /// Index into the `columns` given to [`plan_fills`].
    pub column: usize,
    pub donor: u32,
}

/// For every survivor and every column where it is blank, the best-ranked duplicate that has
/// a value (survivorship order). Sorted by survivor, then column.
pub fn plan_fills(clusters: &[Cluster], columns: &[&TextColumn]) -> Vec<Fill> {
    let mut fills = Vec::new();
    for cluster in clusters {
        let Some(survivor) = cluster.survivor else {
            continue;
        };
        for (column, values) in columns.iter().enumerate() {
            if values.get(survivor as usize).is_some() {
                continue;
            }
            let donor = cluster.members[1..]
                .iter()
                .find(|&&m| values.get(m as usize).is_some());
            if let Some(&donor) = donor {
                fills.push(Fill {
                    survivor,
                    column,
                    donor,
                });
            }
        }
    }
    fills.sort_by_key(|f| (f.survivor, f.column));
    fills
}
