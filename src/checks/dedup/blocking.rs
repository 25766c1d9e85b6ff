//! Candidate pairs by blocking: each pass groups rows with equal keys, and only rows in one
//! block are compared. Nothing here is quadratic in the input: a block larger than
//! its maximum size is split by the pass's `refine` parts, and a piece still too large is
//! compared by sorted neighbourhood (each row with the next `neighbourhood_window` rows in
//! surname, first-name order), so the pairs per row stay bounded by the rules.

use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;

use super::features::Features;
use super::rules::{BlockingPass, DedupRules, KeyPart};
use super::str_table::StrTable;
use crate::checks::row_blocks;

/// What one pass produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassStats {
    pub name: String,
    /// Blocks of two or more rows.
    pub blocks: u64,
    /// Blocks over `max_block_size`, refined or compared by neighbourhood.
    pub oversized_blocks: u64,
    /// Rows that were compared by sorted neighbourhood only (a block too large even after
    /// refining): some of their duplicates may be missed.
    pub neighbourhood_rows: u64,
    /// Pairs this pass proposed (before removing pairs other passes proposed too).
    pub pairs: u64,
    /// Pairs of rows that shared an oversized block but were not compared in it (split
    /// apart by `refine`, or outside the neighbourhood window). Another pass may still have
    /// compared some of them.
    pub pairs_skipped: u64,
}

fn combine(h: u64, v: u64) -> u64 {
    (h.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// Pushes the values a key part has for a row (none when the row lacks the field).
fn part_values(f: &Features, part: KeyPart, row: usize, out: &mut Vec<u64>) {
    let single = |v: u64, out: &mut Vec<u64>| {
        if v != 0 {
            out.push(v);
        }
    };
    match part {
        KeyPart::PostalCode => single(u64::from(f.postal.ids[row]), out),
        KeyPart::LastInitial => {
            let initials = &f.last_initials[f.last.ids[row] as usize];
            out.extend(initials.iter().map(|&b| u64::from(b)));
        }
        KeyPart::LastPhonetic => out.extend(&f.last_phonetic[f.last.ids[row] as usize]),
        KeyPart::FirstInitial => {
            let first = &f.first_info[f.first.ids[row] as usize];
            out.extend(first.initials.iter().map(|&b| u64::from(b)));
        }
        KeyPart::FirstPhonetic => single(f.first_phonetic[f.first.ids[row] as usize], out),
        KeyPart::EmailDomain => {
            let id = f.email_domain.ids[row];
            if !f.free_domain[id as usize] {
                single(u64::from(id), out);
            }
        }
        KeyPart::EmailLocal => single(f.email_local_letters[f.email_local.ids[row] as usize], out),
        KeyPart::PhoneLast7 => single(f.phone_last7[f.phone.ids[row] as usize], out),
        KeyPart::Company => single(u64::from(f.company.ids[row]), out),
        KeyPart::DateOfBirth => single(u64::from(f.date_of_birth.ids[row]), out),
        KeyPart::Street => single(f.street[f.address.ids[row] as usize], out),
    }
}

/// Buffers for [`row_keys`], reused from row to row: a pass computes keys for every row
/// (11.8M at 10M rows, in each of 7 passes and each round), and the keys were three or four
/// allocations per row.
#[derive(Default)]
struct KeyScratch {
    keys: Vec<u64>,
    next: Vec<u64>,
    values: Vec<u64>,
}

/// The block keys of a row under `parts`, each extending `seed`: one per combination of
/// the parts' values, none when a part has no value.
fn row_keys<'s>(
    f: &Features,
    parts: &[KeyPart],
    seed: u64,
    row: usize,
    scratch: &'s mut KeyScratch,
) -> &'s [u64] {
    let KeyScratch { keys, next, values } = scratch;
    keys.clear();
    keys.push(seed);
    for &part in parts {
        values.clear();
        part_values(f, part, row, values);
        next.clear();
        for &k in keys.iter() {
            next.extend(values.iter().map(|&v| combine(k, v)));
        }
        std::mem::swap(keys, next);
        if keys.is_empty() {
            break;
        }
    }
    keys
}

/// The (key, row) entries of `rows` under `parts`.
fn key_entries(
    f: &Features,
    parts: &[KeyPart],
    seed: u64,
    rows: &[u32],
    scratch: &mut KeyScratch,
) -> Vec<(u64, u32)> {
    let mut entries = Vec::with_capacity(rows.len());
    for &r in rows {
        let keys = row_keys(f, parts, seed, r as usize, scratch);
        entries.extend(keys.iter().map(|&k| (k, r)));
    }
    entries
}

/// [`key_entries`] made in parallel.
fn par_key_entries(f: &Features, parts: &[KeyPart], seed: u64, rows: &[u32]) -> Vec<(u64, u32)> {
    const ROWS_PER_TASK: usize = 16 * 1024;
    let pieces: Vec<Vec<(u64, u32)>> = rows
        .par_chunks(ROWS_PER_TASK)
        .map_init(KeyScratch::default, |scratch, rows| {
            key_entries(f, parts, seed, rows, scratch)
        })
        .collect();
    // Each piece is freed once copied, so the entries are not all held twice (11.8M entries,
    // 190 MB, at 10M rows).
    let mut entries = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for piece in pieces {
        entries.extend_from_slice(&piece);
    }
    entries
}

/// Blocks of two or more rows, stored end to end (millions of blocks at 10M rows: a vector
/// each was an allocation each, made and freed in every pass of every round).
#[derive(Default)]
struct Blocks {
    rows: Vec<u32>,
    /// Where each block ends in `rows`; block `i` starts where block `i - 1` ends.
    ends: Vec<usize>,
}

impl Blocks {
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The rows of block `index` (ascending).
    fn get(&self, index: usize) -> &[u32] {
        let start = index.checked_sub(1).map_or(0, |i| self.ends[i]);
        &self.rows[start..self.ends[index]]
    }

    fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// Sorts (key, row) entries and returns the row runs of equal keys with two or more rows.
fn blocks_of(mut entries: Vec<(u64, u32)>) -> Blocks {
    entries.par_sort_unstable();
    entries.dedup();
    let mut blocks = Blocks::default();
    for run in entries
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
    {
        blocks.rows.extend(run.iter().map(|&(_, row)| row));
        blocks.ends.push(blocks.rows.len());
    }
    blocks
}

fn pair(a: u32, b: u32) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    (u64::from(lo) << 32) | u64::from(hi)
}

pub(super) fn unpair(p: u64) -> (u32, u32) {
    ((p >> 32) as u32, p as u32)
}

struct Blocker<'a> {
    features: &'a Features,
    rules: &'a DedupRules,
    /// Rows that must not be paired with each other (known contacts).
    known: &'a [bool],
    /// Alphabetical rank of each row's surname and first name, then its content rank, for
    /// sorted neighbourhood (a total order that does not depend on row order).
    name_rank: Vec<(u32, u32, u32)>,
}

#[derive(Default)]
struct BlockOutput {
    pairs: Vec<u64>,
    oversized: u64,
    neighbourhood_rows: u64,
    skipped: u64,
}

impl Blocker<'_> {
    /// Every pair of `rows` whose first row is at a position in `firsts`.
    fn all_pairs(&self, rows: &[u32], firsts: Range<usize>, out: &mut Vec<u64>) {
        for i in firsts {
            let a = rows[i];
            for &b in &rows[i + 1..] {
                if !(self.known[a as usize] && self.known[b as usize]) {
                    out.push(pair(a, b));
                }
            }
        }
    }

    fn neighbourhood(&self, pass: &BlockingPass, rows: &[u32], out: &mut Vec<u64>) {
        let mut sorted = rows.to_vec();
        sorted.sort_unstable_by_key(|&r| self.name_rank[r as usize]);
        let window = pass
            .neighbourhood_window
            .unwrap_or(self.rules.neighbourhood_window);
        for (i, &a) in sorted.iter().enumerate() {
            for &b in sorted.iter().skip(i + 1).take(window) {
                if !(self.known[a as usize] && self.known[b as usize]) {
                    out.push(pair(a, b));
                }
            }
        }
    }

    /// Pairs a block would have with every row compared to every other (known contacts are
    /// never compared with each other).
    fn possible_pairs(&self, rows: &[u32]) -> u64 {
        let all = |n: u64| n * n.saturating_sub(1) / 2;
        let known = rows.iter().filter(|&&r| self.known[r as usize]).count() as u64;
        all(rows.len() as u64) - all(known)
    }

    /// The block's pairs; of a block within its maximum size only the pairs whose first row
    /// is in `round` (an oversized block gives all its pairs, to count those it skipped).
    fn block(&self, pass: &BlockingPass, rows: &[u32], round: &Round, out: &mut BlockOutput) {
        let max = pass.max_block_size.unwrap_or(self.rules.max_block_size);
        if rows.len() <= max {
            // A block's rows are in ascending order (`blocks_of`), so a pair's first row is
            // its earlier row, and the round's first rows are one run of positions.
            debug_assert!(rows.is_sorted());
            self.all_pairs(rows, round.firsts_in(rows), &mut out.pairs);
            return;
        }
        out.oversized += 1;
        let before = out.pairs.len();
        self.capped_block(pass, max, rows, out);
        // Pieces of a refined block may overlap (a row with two initials): count each
        // compared pair once.
        let mut compared = out.pairs[before..].to_vec();
        compared.sort_unstable();
        compared.dedup();
        out.skipped += self
            .possible_pairs(rows)
            .saturating_sub(compared.len() as u64);
    }

    /// A block over `max` rows: split by the pass's `refine` keys, and each piece still over
    /// `max` (or the whole block, without `refine`) compared by sorted neighbourhood.
    fn capped_block(&self, pass: &BlockingPass, max: usize, rows: &[u32], out: &mut BlockOutput) {
        if pass.refine.is_empty() {
            out.neighbourhood_rows += rows.len() as u64;
            self.neighbourhood(pass, rows, &mut out.pairs);
            return;
        }
        let mut scratch = KeyScratch::default();
        let entries = key_entries(self.features, &pass.refine, 1, rows, &mut scratch);
        for piece in blocks_of(entries).iter() {
            if piece.len() <= max {
                self.all_pairs(piece, 0..piece.len(), &mut out.pairs);
            } else {
                out.neighbourhood_rows += piece.len() as u64;
                self.neighbourhood(pass, piece, &mut out.pairs);
            }
        }
    }

    /// The pass's pairs, as the pieces its tasks produced, each split by `buckets` (not
    /// joined: at 10M rows a pass proposes ~100M pairs, and a joined copy was 0.8 GB more
    /// at once).
    fn pass(
        &self,
        pass: &BlockingPass,
        blocks: &Blocks,
        buckets: &Buckets,
        round: &Round,
    ) -> (Vec<Vec<Vec<u64>>>, PassStats) {
        const BLOCKS_PER_TASK: usize = 256;
        let outputs: Vec<(Vec<Vec<u64>>, BlockOutput)> = row_blocks(blocks.len(), BLOCKS_PER_TASK)
            .map(|indices| {
                let mut out = BlockOutput::default();
                for index in indices {
                    self.block(pass, blocks.get(index), round, &mut out);
                }
                let pairs = std::mem::take(&mut out.pairs);
                (buckets.split(pairs, round), out)
            })
            .collect();
        let mut stats = PassStats {
            name: pass.name.clone(),
            blocks: blocks.len() as u64,
            oversized_blocks: 0,
            neighbourhood_rows: 0,
            pairs: 0,
            pairs_skipped: 0,
        };
        let mut pieces = Vec::with_capacity(outputs.len());
        for (split, out) in outputs {
            stats.oversized_blocks += out.oversized;
            stats.neighbourhood_rows += out.neighbourhood_rows;
            stats.pairs_skipped += out.skipped;
            stats.pairs += split.iter().map(|b| b.len() as u64).sum::<u64>();
            pieces.push(split);
        }
        (pieces, stats)
    }
}

/// Alphabetical rank of each interned key.
pub(super) fn ranks(keys: &StrTable) -> Vec<u32> {
    // The first eight bytes as a big-endian number order like the bytes do, so most
    // comparisons are one integer comparison and only equal prefixes compare the strings
    // (sorting ~1M distinct emails, phones and addresses dominated the content rank).
    let prefix = |key: &str| {
        let mut bytes = [0u8; 8];
        let n = key.len().min(8);
        bytes[..n].copy_from_slice(&key.as_bytes()[..n]);
        u64::from_be_bytes(bytes)
    };
    let mut order: Vec<(u64, u32)> = keys
        .par_iter()
        .enumerate()
        .map(|(id, key)| (prefix(key), id as u32))
        .collect();
    order.par_sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| keys.get(a.1 as usize).cmp(keys.get(b.1 as usize)))
    });
    let mut rank = vec![0; keys.len()];
    for (position, &(_, id)) in order.iter().enumerate() {
        rank[id as usize] = position as u32;
    }
    rank
}

/// Consecutive ranges of first rows: candidate pairs are kept apart by the range of their
/// first row, so the sorted distinct pairs can be made one range at a time. Joining all pairs
/// into one vector to sort held them twice at once (the vector and its pieces: 2 × 1.45 GB
/// at 10M rows).
pub(super) struct Buckets {
    shift: u32,
    count: usize,
}

impl Buckets {
    /// About this many buckets (a power of two of rows each).
    const TARGET: usize = 64;

    fn new(rows: usize) -> Buckets {
        let shift = rows
            .div_ceil(Self::TARGET)
            .next_power_of_two()
            .trailing_zeros();
        Buckets {
            shift,
            count: (rows >> shift) + 1,
        }
    }

    fn of(&self, pair: u64) -> usize {
        (unpair(pair).0 >> self.shift) as usize
    }

    /// Round `index` of `rounds`: a consecutive share of the buckets.
    fn round(&self, index: usize, rounds: usize) -> Round {
        let first_row = |bucket: usize| (bucket as u64) << self.shift;
        Round {
            first_rows: first_row(self.count * index / rounds)
                ..first_row(self.count * (index + 1) / rounds),
        }
    }

    /// The pairs `round` keeps split by bucket, each part at its exact size (the parts of
    /// other buckets empty); the other pairs are dropped.
    fn split(&self, pairs: Vec<u64>, round: &Round) -> Vec<Vec<u64>> {
        let mut sizes = vec![0usize; self.count];
        for &p in pairs.iter().filter(|&&p| round.keeps(p)) {
            sizes[self.of(p)] += 1;
        }
        let mut parts: Vec<Vec<u64>> = sizes.into_iter().map(Vec::with_capacity).collect();
        for p in pairs.into_iter().filter(|&p| round.keeps(p)) {
            parts[self.of(p)].push(p);
        }
        parts
    }
}

/// The first rows whose pairs a round keeps: the rows of consecutive buckets. (Early rows are
/// first rows of more pairs, so the first of three rounds holds about 5/9 of them; rounds that
/// each kept every third bucket held equal shares, but made the dedup stage at 10M rows
/// 174–182 s instead of 157 s, for 0.2 GB less.)
#[derive(Debug, Clone)]
struct Round {
    first_rows: Range<u64>,
}

impl Round {
    #[cfg(test)]
    const ALL: Round = Round {
        first_rows: 0..u64::MAX,
    };

    fn keeps(&self, pair: u64) -> bool {
        self.first_rows.contains(&u64::from(unpair(pair).0))
    }

    /// The positions in `rows` (ascending) of the rows the round keeps as first rows.
    fn firsts_in(&self, rows: &[u32]) -> Range<usize> {
        let before = |end: u64| rows.partition_point(|&r| u64::from(r) < end);
        before(self.first_rows.start)..before(self.first_rows.end)
    }
}

/// Candidate pairs of all passes, kept by bucket of their first row (`Buckets`).
pub(super) struct CandidatePairs {
    /// Per bucket, the pieces the passes' tasks produced for it.
    buckets: Vec<Vec<Vec<u64>>>,
}

impl CandidatePairs {
    /// The distinct pairs (packed `lo << 32 | hi`) in sorted order, a bucket at a time: each
    /// bucket's pieces are joined, sorted and deduplicated when it is reached, and freed then.
    pub fn into_sorted_buckets(self) -> impl Iterator<Item = Vec<u64>> {
        self.buckets.into_iter().map(|pieces| {
            let mut all = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
            for piece in pieces {
                all.extend_from_slice(&piece);
            }
            all.par_sort_unstable();
            all.dedup();
            all
        })
    }
}

/// Rows per round of candidate pairs. A round keeps the pairs whose first row falls in its
/// share of the buckets, so only that share is held at once (10M rows have ~180M distinct
/// pairs, 1.0 GB when held all at once); each round enumerates the passes' blocks again
/// and drops the other rounds' pairs. At 10M rows (3 rounds) the dedup stage's peak fell
/// 14442 → 13974 MB and its time rose 141 → 157 s, when each round also made the blocks anew.
pub(super) const ROWS_PER_ROUND: usize = 4 << 20;

/// Makes the candidate pairs of the `active` rows under every pass, in rounds.
pub(super) struct Blocking<'a> {
    blocker: Blocker<'a>,
    /// Each pass's blocks, made once: every round enumerates its share of their pairs.
    /// Making them again in each round (keys for every row, then a sort of ~12M entries a
    /// pass) took a round's pairs 11–13 s at 10M rows, 5–6 s with the blocks held (made once
    /// in 5.7 s); held, they did not raise the dedup stage's peak there.
    blocks: Vec<Blocks>,
    buckets: Buckets,
    rounds: usize,
}

impl<'a> Blocking<'a> {
    /// Blocking of `order.len()` rows in rounds of `round_rows` rows.
    pub fn new(
        features: &'a Features,
        rules: &'a DedupRules,
        known: &'a [bool],
        active: &'a [u32],
        order: &[u32],
        round_rows: usize,
    ) -> Blocking<'a> {
        let last_rank = ranks(&features.last.keys);
        let first_rank = ranks(&features.first.keys);
        let name_rank = features
            .last
            .ids
            .iter()
            .zip(&features.first.ids)
            .zip(order)
            .map(|((&l, &f), &o)| (last_rank[l as usize], first_rank[f as usize], o))
            .collect();
        let buckets = Buckets::new(order.len());
        let blocks = rules
            .blocking
            .iter()
            .enumerate()
            .map(|(index, pass)| {
                blocks_of(par_key_entries(
                    features,
                    &pass.keys,
                    index as u64 + 1,
                    active,
                ))
            })
            .collect();
        Blocking {
            blocker: Blocker {
                features,
                rules,
                known,
                name_rank,
            },
            blocks,
            rounds: order.len().div_ceil(round_rows).clamp(1, buckets.count),
            buckets,
        }
    }

    pub fn rounds(&self) -> usize {
        self.rounds
    }

    /// The candidate pairs of round `round` (later rounds have later first rows), and what
    /// each pass did: the whole pass's blocks, but only this round's pairs.
    pub fn round(&self, round: usize) -> (CandidatePairs, Vec<PassStats>) {
        let round = self.buckets.round(round, self.rounds);
        let mut pairs = CandidatePairs {
            buckets: vec![Vec::new(); self.buckets.count],
        };
        let mut stats = Vec::new();
        for (pass, blocks) in self.blocker.rules.blocking.iter().zip(&self.blocks) {
            let (pieces, pass_stats) = self.blocker.pass(pass, blocks, &self.buckets, &round);
            for split in pieces {
                for (bucket, piece) in pairs.buckets.iter_mut().zip(split) {
                    if !piece.is_empty() {
                        bucket.push(piece);
                    }
                }
            }
            stats.push(pass_stats);
        }
        (pairs, stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs split into buckets by several tasks, then made sorted and distinct a bucket at a
    /// time, are the pairs sorted and deduplicated as one vector.
    #[test]
    fn bucketed_pairs_come_out_as_one_sorted_distinct_list() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u32| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % u64::from(n)) as u32
        };
        for rows in [2usize, 3, 63, 64, 65, 130, 1000, 4099] {
            let buckets = Buckets::new(rows);
            assert!(buckets.count <= 2 * Buckets::TARGET + 1, "{rows} rows");
            let tasks: Vec<Vec<u64>> = (0..5)
                .map(|_| {
                    (0..rows * 3)
                        .map(|_| pair(next(rows as u32), next(rows as u32)))
                        .filter(|&p| unpair(p).0 != unpair(p).1)
                        .collect()
                })
                .collect();
            let mut expected: Vec<u64> = tasks.concat();
            expected.sort_unstable();
            expected.dedup();
            let mut pairs = CandidatePairs {
                buckets: vec![Vec::new(); buckets.count],
            };
            for task in tasks {
                let split = buckets.split(task, &Round::ALL);
                for (bucket, piece) in pairs.buckets.iter_mut().zip(split) {
                    bucket.push(piece);
                }
            }
            let got: Vec<u64> = pairs.into_sorted_buckets().flatten().collect();
            assert_eq!(got, expected, "{rows} rows");
        }
    }
}
