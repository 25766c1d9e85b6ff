//! From matches to decisions: exact-key groups and fuzzy edges are clustered transitively
//! (union–find); each cluster gets a survivor by the survivorship policy, and every other
//! row a finding that names how it is linked (the edge to its parent on a breadth-first
//! tree from the survivor) and the survivor. Clusters holding a known contact have no
//! survivor: all their leads are `dup.known`.

use std::cmp::Ordering;
use std::collections::{HashSet, VecDeque};

use rayon::prelude::*;

use super::records::Records;
use super::rules::{Criterion, DedupRules};
use super::{Cluster, DupCheck, Finding};

/// A fuzzy match between two rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Edge {
    pub a: u32,
    pub b: u32,
    pub rule: u16,
    pub score: f32,
}

/// Rows sharing one exact key (normalised email or phone), groups of two or more only.
pub(super) struct Groups {
    /// Group index per row, `u32::MAX` for none.
    of_row: Vec<u32>,
    offsets: Vec<u32>,
    members: Vec<u32>,
}

impl Groups {
    /// Groups the `active` rows by a key id per row (0 = no key).
    pub fn new(key_ids: &[u32], key_count: usize, active: &[u32]) -> Groups {
        let mut counts = vec![0u32; key_count];
        for &r in active {
            counts[key_ids[r as usize] as usize] += 1;
        }
        counts[0] = 0;
        let mut group_of_key = vec![u32::MAX; key_count];
        let mut offsets = vec![0u32];
        for (key, &count) in counts.iter().enumerate() {
            if count > 1 {
                group_of_key[key] = (offsets.len() - 1) as u32;
                offsets.push(offsets[offsets.len() - 1] + count);
            }
        }
        let mut fill: Vec<u32> = offsets[..offsets.len() - 1].to_vec();
        let mut members = vec![0u32; offsets[offsets.len() - 1] as usize];
        let mut of_row = vec![u32::MAX; key_ids.len()];
        for &r in active {
            let group = group_of_key[key_ids[r as usize] as usize];
            if group != u32::MAX {
                of_row[r as usize] = group;
                members[fill[group as usize] as usize] = r;
                fill[group as usize] += 1;
            }
        }
        Groups {
            of_row,
            offsets,
            members,
        }
    }

    /// No groups at all (the check is off).
    pub fn none(rows: usize) -> Groups {
        Groups {
            of_row: vec![u32::MAX; rows],
            offsets: vec![0],
            members: Vec::new(),
        }
    }

    fn group(&self, row: u32) -> Option<u32> {
        Some(self.of_row[row as usize]).filter(|&g| g != u32::MAX)
    }

    fn members(&self, group: u32) -> &[u32] {
        let g = group as usize;
        &self.members[self.offsets[g] as usize..self.offsets[g + 1] as usize]
    }

    fn all(&self) -> impl Iterator<Item = &[u32]> {
        (0..self.offsets.len() - 1).map(|g| self.members(g as u32))
    }
}

struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// The smaller root becomes the parent, so the result does not depend on edge order.
    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }
}

/// Rows of each side compared when a fuzzy match would join two clusters: all of them for
/// the small clusters duplicates make, a bounded sample for huge ones (linear time): the
/// members first in content order, so the sample does not depend on row order.
const CHECKED_MEMBERS: usize = 16;

/// The fuzzy matches that may join clusters. Exact-key groups are joined first; then matches
/// are taken strongest first (ties by the rows' content rank `order`), and one that would
/// join two clusters is kept only if every row of one (up to `CHECKED_MEMBERS`) is
/// `compatible` with every row of the other under the match's rule. So a row with blanks
/// cannot bridge two people the rules tell apart (A at one address — B with no address — C
/// at another). Deterministic and independent of row order: sequential, in an order set by
/// scores and content. Returns the kept matches sorted by rows.
pub(super) fn accept_matches(
    rows: usize,
    email: &Groups,
    phone: &Groups,
    order: &[u32],
    mut edges: Vec<Edge>,
    compatible: impl Fn(u32, u32, u16) -> bool,
) -> Vec<Edge> {
    let mut uf = UnionFind::new(rows);
    // Up to CHECKED_MEMBERS members of each cluster by root, lowest content rank first
    // (empty for a single row: just the root).
    let mut sample: Vec<Vec<u32>> = vec![Vec::new(); rows];
    let side = |sample: &[Vec<u32>], root: u32| -> Vec<u32> {
        match sample[root as usize].as_slice() {
            [] => vec![root],
            rows => rows.to_vec(),
        }
    };
    let join = |uf: &mut UnionFind, sample: &mut Vec<Vec<u32>>, a: u32, b: u32| {
        let (ra, rb) = (uf.find(a), uf.find(b));
        if ra == rb {
            return;
        }
        let mut joined = side(sample, ra);
        joined.extend(side(sample, rb));
        joined.sort_unstable_by_key(|&r| order[r as usize]);
        joined.truncate(CHECKED_MEMBERS);
        sample[ra as usize] = Vec::new();
        sample[rb as usize] = Vec::new();
        uf.union(ra, rb);
        let root = uf.find(ra) as usize;
        sample[root] = joined;
    };
    for groups in [email, phone] {
        for group in groups.all() {
            for pair in group.windows(2) {
                join(&mut uf, &mut sample, pair[0], pair[1]);
            }
        }
    }
    let ranks = |e: &Edge| {
        let (x, y) = (order[e.a as usize], order[e.b as usize]);
        (x.min(y), x.max(y))
    };
    edges.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| ranks(x).cmp(&ranks(y)))
            .then(x.rule.cmp(&y.rule))
    });
    let mut kept = Vec::with_capacity(edges.len());
    for edge in edges {
        let (ra, rb) = (uf.find(edge.a), uf.find(edge.b));
        if ra != rb {
            let (left, right) = (side(&sample, ra), side(&sample, rb));
            let fits = left
                .iter()
                .all(|&x| right.iter().all(|&y| compatible(x, y, edge.rule)));
            if !fits {
                continue;
            }
            join(&mut uf, &mut sample, edge.a, edge.b);
        }
        kept.push(edge);
    }
    kept.sort_by_key(|e| (e.a, e.b));
    kept
}

/// How a row was reached on the tree from the survivor (or the known contacts).
#[derive(Debug, Clone, Copy)]
enum Via {
    Email,
    Phone,
    Rule { rule: u16, score: f32 },
}

#[derive(Debug, Clone, Copy)]
struct Link {
    parent: u32,
    via: Via,
    /// The survivor or known contact the tree grew from.
    root: u32,
}

pub(super) struct Resolver<'a> {
    records: &'a Records,
    rules: &'a DedupRules,
    email: &'a Groups,
    phone: &'a Groups,
    /// Content rank per row (`Records::content_rank`): every tie is broken by it.
    order: &'a [u32],
    /// Fuzzy neighbours per row (CSR): `neighbours[offsets[r]..offsets[r + 1]]`.
    offsets: Vec<u32>,
    neighbours: Vec<(u32, u16, f32)>,
}

impl<'a> Resolver<'a> {
    pub fn new(
        records: &'a Records,
        rules: &'a DedupRules,
        email: &'a Groups,
        phone: &'a Groups,
        order: &'a [u32],
        edges: &[Edge],
    ) -> Resolver<'a> {
        let n = records.len();
        let mut counts = vec![0u32; n + 1];
        for e in edges {
            counts[e.a as usize + 1] += 1;
            counts[e.b as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let offsets = counts;
        let mut fill = offsets.clone();
        let mut neighbours = vec![(0u32, 0u16, 0f32); edges.len() * 2];
        for e in edges {
            for (from, to) in [(e.a, e.b), (e.b, e.a)] {
                neighbours[fill[from as usize] as usize] = (to, e.rule, e.score);
                fill[from as usize] += 1;
            }
        }
        // Each row's neighbours sorted by score descending (then content rank): the tree
        // prefers the strongest match.
        let mut slices: Vec<&mut [(u32, u16, f32)]> = Vec::with_capacity(n);
        let mut rest: &mut [(u32, u16, f32)] = &mut neighbours;
        for i in 0..n {
            let (head, tail) = rest.split_at_mut((offsets[i + 1] - offsets[i]) as usize);
            slices.push(head);
            rest = tail;
        }
        slices.par_iter_mut().for_each(|s| {
            s.sort_unstable_by(|x, y| {
                y.2.total_cmp(&x.2)
                    .then(order[x.0 as usize].cmp(&order[y.0 as usize]))
                    .then(x.1.cmp(&y.1))
            })
        });
        Resolver {
            records,
            rules,
            email,
            phone,
            order,
            offsets,
            neighbours,
        }
    }

    fn fuzzy(&self, row: u32) -> &[(u32, u16, f32)] {
        let r = row as usize;
        &self.neighbours[self.offsets[r] as usize..self.offsets[r + 1] as usize]
    }

    /// The clusters (two or more rows) of `active` rows, members in row order, ordered by
    /// their first member.
    pub fn clusters(&self, active: &[u32]) -> Vec<Vec<u32>> {
        let n = self.records.len();
        let mut uf = UnionFind::new(n);
        for groups in [self.email, self.phone] {
            for members in groups.all() {
                for pair in members.windows(2) {
                    uf.union(pair[0], pair[1]);
                }
            }
        }
        for (row, list) in self.offsets.windows(2).enumerate() {
            for &(other, _, _) in &self.neighbours[list[0] as usize..list[1] as usize] {
                uf.union(row as u32, other);
            }
        }
        let mut cluster_of_root = vec![u32::MAX; n];
        let mut clusters: Vec<Vec<u32>> = Vec::new();
        for &r in active {
            let root = uf.find(r) as usize;
            if cluster_of_root[root] == u32::MAX {
                cluster_of_root[root] = clusters.len() as u32;
                clusters.push(Vec::new());
            }
            clusters[cluster_of_root[root] as usize].push(r);
        }
        clusters.retain(|c| c.len() > 1);
        clusters
    }

    /// Survivorship order: the rules' criteria, then source order (earlier on the command
    /// line), then content (`Records::content_rank`, which ends with the row only for rows
    /// equal in every compared field).
    fn rank(&self, a: u32, b: u32) -> Ordering {
        let r = self.records;
        let (a, b) = (a as usize, b as usize);
        let source_priority = |i: usize| r.sources[r.source[i] as usize].priority;
        let mut order = Ordering::Equal;
        for criterion in &self.rules.survivorship.prefer {
            order = order.then_with(|| match criterion {
                Criterion::MostComplete => r.completeness[b].cmp(&r.completeness[a]),
                // `None` sorts before `Some`, so reversed: newest first, missing last.
                Criterion::NewestCapturedAt => r.captured_at[b].cmp(&r.captured_at[a]),
                Criterion::SourcePriority => match (source_priority(a), source_priority(b)) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                },
            });
        }
        order
            .then(r.source[a].cmp(&r.source[b]))
            .then(self.order[a].cmp(&self.order[b]))
    }

    /// Breadth-first tree over a cluster from `roots`: email group first, then phone group,
    /// then fuzzy neighbours by score; roots and group members in content order, so the
    /// tree does not depend on row order. Returns each reached row's link, by member
    /// position.
    fn tree(&self, members: &[u32], roots: &[u32]) -> Vec<Option<Link>> {
        let by_content = |rows: &[u32]| {
            let mut rows = rows.to_vec();
            rows.sort_unstable_by_key(|&r| self.order[r as usize]);
            rows
        };
        let position = |row: u32| members.binary_search(&row).ok();
        let mut links: Vec<Option<Link>> = vec![None; members.len()];
        let mut reached = vec![false; members.len()];
        let mut expanded: HashSet<(u8, u32)> = HashSet::new();
        let mut queue = VecDeque::new();
        for root in by_content(roots) {
            if let Some(p) = position(root) {
                reached[p] = true;
                queue.push_back((root, root));
            }
        }
        while let Some((row, root)) = queue.pop_front() {
            let mut visit = |next: u32, via: Via, queue: &mut VecDeque<(u32, u32)>| {
                if let Some(p) = position(next) {
                    if !reached[p] {
                        reached[p] = true;
                        links[p] = Some(Link {
                            parent: row,
                            via,
                            root,
                        });
                        queue.push_back((next, root));
                    }
                }
            };
            for (kind, groups, via) in [(0u8, self.email, Via::Email), (1, self.phone, Via::Phone)]
            {
                if let Some(group) = groups.group(row) {
                    // A group is expanded once: a phone shared by thousands stays linear.
                    if expanded.insert((kind, group)) {
                        for next in by_content(groups.members(group)) {
                            visit(next, via, &mut queue);
                        }
                    }
                }
            }
            for &(next, rule, score) in self.fuzzy(row) {
                visit(next, Via::Rule { rule, score }, &mut queue);
            }
        }
        links
    }

    fn describe(&self, link: &Link) -> String {
        let (rule, score) = match link.via {
            Via::Email => ("email", 1.0),
            Via::Phone => ("phone", 1.0),
            Via::Rule { rule, score } => (
                self.rules
                    .match_rules
                    .get(rule as usize)
                    .map_or("?", |r| r.name.as_str()),
                score,
            ),
        };
        format!(
            "{rule} (score {score:.2}) with {}",
            self.records.reference(link.parent)
        )
    }

    /// Survivor and findings of one cluster (members in row order).
    pub fn resolve(&self, members: &[u32]) -> (Cluster, Vec<Finding>) {
        let r = self.records;
        let (known, mut leads): (Vec<u32>, Vec<u32>) =
            members.iter().partition(|&&m| r.is_known(m as usize));
        let mut findings = Vec::new();
        if !known.is_empty() {
            let links = self.tree(members, &known);
            for (&row, link) in members.iter().zip(&links) {
                if let (false, Some(link)) = (r.is_known(row as usize), link) {
                    findings.push(Finding {
                        row,
                        check: DupCheck::Known,
                        detail: format!(
                            "{}; known contact {}",
                            self.describe(link),
                            r.reference(link.root)
                        ),
                    });
                }
            }
            leads.extend(known);
            return (
                Cluster {
                    members: leads,
                    survivor: None,
                },
                findings,
            );
        }
        leads.sort_by(|&a, &b| self.rank(a, b));
        let survivor = leads[0];
        let links = self.tree(members, &[survivor]);
        for (&row, link) in members.iter().zip(&links) {
            if let Some(link) = link {
                let check = match link.via {
                    Via::Email => DupCheck::Email,
                    Via::Phone => DupCheck::Phone,
                    Via::Rule { .. } => DupCheck::Fuzzy,
                };
                findings.push(Finding {
                    row,
                    check,
                    detail: format!(
                        "{}; survivor {}",
                        self.describe(link),
                        r.reference(survivor)
                    ),
                });
            }
        }
        (
            Cluster {
                members: leads,
                survivor: Some(survivor),
            },
            findings,
        )
    }
}
