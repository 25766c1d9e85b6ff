//! Within-session permutation tests of statistics of the form Σ_i t_i·o_i.
//!
//! Each statistic sums per-session contributions h_s and is studentised over sessions,
//! T = Σ h_s / sqrt(Σ h_s²). Studentising keeps the test valid when the permuted values
//! are not exactly exchangeable (e.g. noisier payment residuals for some merit levels):
//! the studentised permutation test is asymptotically exact under mere conditional
//! uncorrelatedness (DiCiccio & Romano 2017), and exact under exchangeability.
//!
//! P-values are one-sided (large T = payment buys placement):
//! (1 + #{T* >= T}) / (R + 1). When fewer than `TAIL_EXCEEDANCES` permutations reach T,
//! that count is too coarse, so the tail is read from a normal fitted to the permutation
//! distribution of T* (T* is asymptotically standard normal); this keeps q-values of very
//! strong effects meaningful after correcting many tests.
//!
//! Work is split into blocks of whole sessions, each with its own seeded random stream, and
//! block sums are added in block order: results do not depend on the number of threads.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::stats::normal_upper_tail;

/// Rows per block: small enough to stay in cache across all permutations.
const BLOCK_ROWS: usize = 4096;
/// Memory for per-block permutation sums in flight at once.
const BATCH_BYTES: usize = 64 << 20;
/// Below this many exceedances the p-value comes from the fitted normal tail.
const TAIL_EXCEEDANCES: usize = 10;

/// Statistics Σ_i moving[t][π(i)] · outcome[i] (`paired`) and, per group g,
/// Σ_{i in g} moving[t][π(i)] (`grouped`: equivalent to permuting group labels), where π
/// permutes the rows of each session. M moving vectors, P paired statistics (fixed sizes
/// let the inner loop unroll).
pub(super) struct PermutationTest<'a, const M: usize, const P: usize> {
    pub offsets: &'a [usize],
    /// Vectors permuted within sessions (all with the same permutation).
    pub moving: [&'a [f64]; M],
    /// (index into `moving`, fixed outcome).
    pub paired: [(usize, &'a [f64]); P],
    pub grouped: Option<Grouped<'a>>,
}

pub(super) struct Grouped<'a> {
    /// Index into `moving`.
    pub moving: usize,
    pub group: &'a [u32],
    pub groups: usize,
}

/// One-sided p-value per statistic: paired ones first, then groups.
#[derive(Debug, Clone)]
pub(super) struct PermutationResult {
    pub p_value: Vec<f64>,
}

/// Local group slots of each session, so per-session group sums need no map.
struct Slots {
    /// Slot of each row within its session.
    of_row: Vec<u32>,
    /// Session s owns slots offsets[s]..offsets[s+1]; each names its group.
    group: Vec<u32>,
    offsets: Vec<usize>,
}

impl Slots {
    fn new(offsets: &[usize], grouped: &Grouped<'_>) -> Slots {
        let mut slots = Slots {
            of_row: vec![0; grouped.group.len()],
            group: Vec::new(),
            offsets: vec![0],
        };
        for w in offsets.windows(2) {
            let first = slots.group.len();
            for i in w[0]..w[1] {
                let g = grouped.group[i];
                let slot = match slots.group[first..].iter().position(|&x| x == g) {
                    Some(slot) => slot,
                    None => {
                        slots.group.push(g);
                        slots.group.len() - 1 - first
                    }
                };
                slots.of_row[i] = slot as u32;
            }
            slots.offsets.push(slots.group.len());
        }
        slots
    }
}

/// A seed for stream `stream` derived from `seed` (SplitMix64 finaliser).
pub(super) fn stream_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Draws a uniform permutation of `perm` (Fisher–Yates). Several index draws share one
/// 64-bit random word by multiply-shift (Lemire), refilled once the word has served 2^32
/// combinations, so the bias stays below 2^-32 per draw while cutting random-number work
/// several-fold.
fn shuffle(perm: &mut [usize], rng: &mut ChaCha8Rng) {
    const REFILL: u64 = 1 << 32;
    let mut word = rng.next_u64();
    let mut used: u64 = 1;
    for i in (1..perm.len()).rev() {
        let range = i as u64 + 1;
        if used.saturating_mul(range) > REFILL {
            word = rng.next_u64();
            used = 1;
        }
        used *= range;
        let product = u128::from(word) * u128::from(range);
        let j = (product >> 64) as usize;
        word = product as u64;
        perm.swap(i, j);
    }
}

/// Per-row data packed row-major so one session's rows sit together in cache.
struct Packed<const M: usize, const P: usize> {
    moving: Vec<[f64; M]>,
    outcomes: Vec<[f64; P]>,
    /// Which moving column each paired statistic uses.
    pair_moving: [usize; P],
    grouped: Option<(usize, Slots)>,
}

impl<const M: usize, const P: usize> Packed<M, P> {
    /// Adds the (h, h²) of the session at rows start..start+perm.len() for every statistic
    /// into `acc` (paired first, then groups).
    fn add_session(
        &self,
        s: usize,
        start: usize,
        perm: &[usize],
        local: &mut [f64],
        acc: &mut [f64],
    ) {
        let n = perm.len();
        let moving = &self.moving[start..start + n];
        let outcomes = &self.outcomes[start..start + n];
        let mut h = [0.0f64; P];
        for (&p, outcome) in perm.iter().zip(outcomes) {
            let source = &moving[p];
            for j in 0..P {
                h[j] += source[self.pair_moving[j]] * outcome[j];
            }
        }
        for (j, h) in h.iter().enumerate() {
            acc[2 * j] += h;
            acc[2 * j + 1] += h * h;
        }
        if let Some((column, slots)) = &self.grouped {
            let groups = &slots.group[slots.offsets[s]..slots.offsets[s + 1]];
            let local = &mut local[..groups.len()];
            local.fill(0.0);
            for (&p, &slot) in perm.iter().zip(&slots.of_row[start..start + n]) {
                local[slot as usize] += moving[p][*column];
            }
            for (&g, &sum) in groups.iter().zip(local.iter()) {
                let at = 2 * (P + g as usize);
                acc[at] += sum;
                acc[at + 1] += sum * sum;
            }
        }
    }
}

impl<const M: usize, const P: usize> PermutationTest<'_, M, P> {
    fn width(&self) -> usize {
        P + self.grouped.as_ref().map_or(0, |g| g.groups)
    }

    fn sessions(&self) -> usize {
        self.offsets.len() - 1
    }

    fn pack(&self) -> Packed<M, P> {
        let rows = self.offsets.last().copied().unwrap_or(0);
        Packed {
            moving: (0..rows).map(|i| self.moving.map(|c| c[i])).collect(),
            outcomes: (0..rows).map(|i| self.paired.map(|(_, o)| o[i])).collect(),
            pair_moving: self.paired.map(|(m, _)| m),
            grouped: self
                .grouped
                .as_ref()
                .map(|g| (g.moving, Slots::new(self.offsets, g))),
        }
    }

    /// Session ranges of the blocks.
    fn blocks(&self) -> Vec<(usize, usize)> {
        let mut blocks = Vec::new();
        let mut first = 0;
        for s in 0..self.sessions() {
            if self.offsets[s + 1] - self.offsets[first] >= BLOCK_ROWS {
                blocks.push((first, s + 1));
                first = s + 1;
            }
        }
        if first < self.sessions() {
            blocks.push((first, self.sessions()));
        }
        blocks
    }

    pub(super) fn run(&self, permutations: usize, seed: u64) -> PermutationResult {
        let width = self.width();
        let packed = self.pack();
        let max_len = self
            .offsets
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or(0);

        let mut observed = vec![0.0; 2 * width];
        let identity: Vec<usize> = (0..max_len).collect();
        let mut local = vec![0.0; max_len];
        for s in 0..self.sessions() {
            let (start, end) = (self.offsets[s], self.offsets[s + 1]);
            packed.add_session(
                s,
                start,
                &identity[..end - start],
                &mut local,
                &mut observed,
            );
        }

        let blocks = self.blocks();
        let block_bytes = (permutations * 2 * width * std::mem::size_of::<f64>()).max(1);
        let batch = (BATCH_BYTES / block_bytes).max(1);
        let mut totals = vec![0.0; permutations * 2 * width];
        for (batch_index, batch_blocks) in blocks.chunks(batch).enumerate() {
            let sums: Vec<Vec<f64>> = batch_blocks
                .par_iter()
                .enumerate()
                .map(|(i, &(first, last))| {
                    let stream = (batch_index * batch + i) as u64;
                    let mut rng = ChaCha8Rng::seed_from_u64(stream_seed(seed, stream));
                    let mut acc = vec![0.0; permutations * 2 * width];
                    let mut perm = Vec::with_capacity(max_len);
                    let mut local = vec![0.0; max_len];
                    for acc_r in acc.chunks_exact_mut(2 * width) {
                        for s in first..last {
                            let (start, end) = (self.offsets[s], self.offsets[s + 1]);
                            perm.clear();
                            perm.extend(0..end - start);
                            shuffle(&mut perm, &mut rng);
                            packed.add_session(s, start, &perm, &mut local, acc_r);
                        }
                    }
                    acc
                })
                .collect();
            for block in sums {
                for (t, v) in totals.iter_mut().zip(block) {
                    *t += v;
                }
            }
        }

        let studentise = |sums: &[f64], w: usize| {
            let (h, q) = (sums[2 * w], sums[2 * w + 1]);
            if q > 0.0 {
                h / q.sqrt()
            } else {
                0.0
            }
        };
        let p_value = (0..width)
            .map(|w| {
                let null: Vec<f64> = totals
                    .chunks_exact(2 * width)
                    .map(|sums| studentise(sums, w))
                    .collect();
                one_sided_p(studentise(&observed, w), &null)
            })
            .collect();
        PermutationResult { p_value }
    }
}

/// One-sided permutation p-value of `observed` against the permuted statistics `null`.
fn one_sided_p(observed: f64, null: &[f64]) -> f64 {
    let r = null.len();
    let slack = 1e-9 * observed.abs().max(1.0);
    let exceed = null.iter().filter(|&&t| t >= observed - slack).count();
    let counted = (1 + exceed) as f64 / (r + 1) as f64;
    if exceed >= TAIL_EXCEEDANCES || r < 2 {
        return counted;
    }
    let mean = null.iter().sum::<f64>() / r as f64;
    let sd = (null.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (r - 1) as f64).sqrt();
    if sd > 0.0 {
        normal_upper_tail((observed - mean) / sd)
    } else {
        counted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_map_groups_per_session() {
        let offsets = [0, 3, 5];
        let group = [2, 0, 2, 1, 1];
        let grouped = Grouped {
            moving: 0,
            group: &group,
            groups: 3,
        };
        let slots = Slots::new(&offsets, &grouped);
        assert_eq!(slots.of_row, vec![0, 1, 0, 0, 0]);
        assert_eq!(slots.group, vec![2, 0, 1]);
        assert_eq!(slots.offsets, vec![0, 2, 3]);
    }

    #[test]
    fn detects_association_and_not_its_absence() {
        // 400 sessions of 5: outcome = treatment (+ noise) vs. unrelated.
        let offsets: Vec<usize> = (0..=400).map(|s| s * 5).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let treatment: Vec<f64> = (0..2000)
            .map(|_| rand::Rng::random::<f64>(&mut rng) - 0.5)
            .collect();
        let noise: Vec<f64> = (0..2000)
            .map(|_| rand::Rng::random::<f64>(&mut rng) - 0.5)
            .collect();
        let related: Vec<f64> = treatment
            .iter()
            .zip(&noise)
            .map(|(t, e)| 0.3 * t + e)
            .collect();
        let test = PermutationTest {
            offsets: &offsets,
            moving: [&treatment],
            paired: [(0, &related), (0, &noise)],
            grouped: None,
        };
        let result = test.run(199, 1);
        assert!(result.p_value[0] < 0.001, "{result:?}");
        assert!(result.p_value[1] > 0.05, "{result:?}");
        let again = test.run(199, 1);
        assert_eq!(result.p_value, again.p_value);
    }

    #[test]
    fn shuffle_is_uniform() {
        // all 6 orders of 3 items about equally often
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut counts = std::collections::BTreeMap::new();
        for _ in 0..60_000 {
            let mut perm = vec![0, 1, 2];
            shuffle(&mut perm, &mut rng);
            *counts.entry(perm).or_insert(0) += 1;
        }
        assert_eq!(counts.len(), 6);
        assert!(
            counts.values().all(|&c| (9_500..10_500).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn p_value_counts_and_tail() {
        let null: Vec<f64> = (0..99).map(|i| i as f64 / 10.0).collect();
        assert_eq!(one_sided_p(5.0, &null), 50.0 / 100.0);
        let p = one_sided_p(100.0, &null);
        assert!(p < 1e-10 && p > 0.0, "{p}");
    }
}
