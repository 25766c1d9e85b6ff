//! List overlap: how much of each lead source is also in the other sources and in the known
//! contacts, how much of it repeats itself, and how many of its people are new.
//! A row is "in common" with another list when its cluster (any rule, transitively) holds a
//! row of that list.

use serde::Serialize;

use super::records::Records;
use super::Cluster;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlap {
    /// One entry per lead source, in input order.
    pub sources: Vec<SourceOverlap>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceOverlap {
    pub source: String,
    pub rows: u64,
    /// Rows that repeat a person already in this list (rows − distinct people).
    pub duplicate_rows: u64,
    /// `duplicate_rows / rows`: the within-list duplicate rate.
    pub duplicate_rate: f64,
    /// Distinct people in this list that no other list and no known contact has.
    pub unique_new: u64,
    /// `unique_new / rows`: the share of bought rows that are new, distinct people.
    pub unique_new_share: f64,
    /// Every other lead source, then the known contacts (when given).
    pub in_common: Vec<InCommon>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InCommon {
    pub with: String,
    /// Rows of this source whose person is also in `with`.
    pub rows: u64,
    /// `rows` / this source's rows.
    pub share: f64,
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// `active_sources[s]` is false for a known source that was not used.
pub(super) fn overlap(records: &Records, clusters: &[Cluster], active_sources: &[bool]) -> Overlap {
    let s_count = records.sources.len();
    let mut rows = vec![0u64; s_count];
    for &s in &records.source {
        rows[s as usize] += 1;
    }
    let mut clustered_rows = vec![0u64; s_count];
    let mut duplicate_rows = vec![0u64; s_count];
    let mut unique_new = vec![0u64; s_count];
    let mut common = vec![vec![0u64; s_count]; s_count];
    let mut per_source: Vec<(u16, u64)> = Vec::new();
    for cluster in clusters {
        per_source.clear();
        for &m in &cluster.members {
            let s = records.source[m as usize];
            match per_source.iter_mut().find(|(x, _)| *x == s) {
                Some((_, count)) => *count += 1,
                None => per_source.push((s, 1)),
            }
        }
        for &(s, count) in &per_source {
            let s = s as usize;
            clustered_rows[s] += count;
            duplicate_rows[s] += count - 1;
            if per_source.len() == 1 {
                unique_new[s] += 1;
            }
            for &(t, _) in &per_source {
                if t as usize != s {
                    common[s][t as usize] += count;
                }
            }
        }
    }
    let lead_sources: Vec<usize> = (0..s_count)
        .filter(|&s| !records.sources[s].known)
        .collect();
    let others: Vec<usize> = lead_sources
        .iter()
        .copied()
        .chain((0..s_count).filter(|&s| records.sources[s].known && active_sources[s]))
        .collect();
    let sources = lead_sources
        .iter()
        .map(|&s| {
            let singles = rows[s] - clustered_rows[s];
            SourceOverlap {
                source: records.sources[s].name.clone(),
                rows: rows[s],
                duplicate_rows: duplicate_rows[s],
                duplicate_rate: share(duplicate_rows[s], rows[s]),
                unique_new: unique_new[s] + singles,
                unique_new_share: share(unique_new[s] + singles, rows[s]),
                in_common: others
                    .iter()
                    .filter(|&&t| t != s)
                    .map(|&t| InCommon {
                        with: records.sources[t].name.clone(),
                        rows: common[s][t],
                        share: share(common[s][t], rows[s]),
                    })
                    .collect(),
            }
        })
        .collect();
    Overlap { sources }
}
