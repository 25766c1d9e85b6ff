//! Bootstrap over sessions: each replicate draws as many sessions as there are, with
//! replacement, and recomputes the effects from the drawn sessions' totals.
//!
//! Approximation (said in the report): the merit adjustment (the fitted merit model and
//! residuals) is held at its full-data estimate rather than refitted per replicate; with a
//! few hundred sessions or more its own uncertainty is negligible next to the sampling of
//! sessions.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::permutation::stream_seed;
use super::stats::quantile;

/// One session's contribution to two adjacent sparse columns (e.g. a provider's sum and
/// count in that session). Entries are in session order.
#[derive(Debug, Clone, Copy)]
pub(super) struct SparseTotal {
    pub session: u32,
    pub column: u32,
    pub values: [f64; 2],
}

/// Per-session totals: `dense` is sessions × `dense_width`; sparse columns follow the dense
/// ones in the vector an estimator receives.
pub(super) struct SessionTotals {
    pub sessions: usize,
    pub dense_width: usize,
    pub dense: Vec<f64>,
    pub sparse_width: usize,
    pub sparse: Vec<SparseTotal>,
}

impl SessionTotals {
    /// Column totals weighted by how often each session was drawn (all ones = the data).
    pub(super) fn weighted(&self, counts: &[u32]) -> Vec<f64> {
        let mut out = vec![0.0; self.dense_width + self.sparse_width];
        if self.dense_width > 0 {
            // No branch on c == 0: a third of the sessions are not drawn, unpredictably.
            for (row, &c) in self.dense.chunks_exact(self.dense_width).zip(counts) {
                let c = f64::from(c);
                for (o, v) in out.iter_mut().zip(row) {
                    *o += c * v;
                }
            }
        }
        let sparse = &mut out[self.dense_width..];
        for entry in &self.sparse {
            let c = f64::from(counts.get(entry.session as usize).copied().unwrap_or(0));
            let at = entry.column as usize;
            sparse[at] += c * entry.values[0];
            sparse[at + 1] += c * entry.values[1];
        }
        out
    }

    /// Replicate values of each effect (sorted, finite only). `estimate` maps column totals
    /// to effects; it must return the same number of effects for every input.
    pub(super) fn bootstrap<F>(&self, replicates: usize, seed: u64, estimate: F) -> Vec<Vec<f64>>
    where
        F: Fn(&[f64]) -> Vec<f64> + Sync,
    {
        let n = self.sessions;
        let draws: Vec<Vec<f64>> = (0..replicates)
            .into_par_iter()
            .map_init(
                || vec![0u32; n],
                |counts, r| {
                    counts.iter_mut().for_each(|c| *c = 0);
                    let mut rng = ChaCha8Rng::seed_from_u64(stream_seed(seed, r as u64));
                    for _ in 0..n {
                        counts[rng.random_range(0..n)] += 1;
                    }
                    estimate(&self.weighted(counts))
                },
            )
            .collect();
        let effects = draws.first().map_or(0, Vec::len);
        (0..effects)
            .map(|e| {
                let mut values: Vec<f64> = draws
                    .iter()
                    .filter_map(|d| d.get(e).copied())
                    .filter(|v| v.is_finite())
                    .collect();
                values.sort_by(f64::total_cmp);
                values
            })
            .collect()
    }
}

/// Fewest finite replicates for a percentile interval.
const MIN_REPLICATES: usize = 20;

/// Percentile interval at confidence 1 − alpha.
pub(super) fn percentile_interval(sorted: &[f64], alpha: f64) -> (Option<f64>, Option<f64>) {
    if sorted.len() < MIN_REPLICATES {
        return (None, None);
    }
    (
        quantile(sorted, alpha / 2.0),
        quantile(sorted, 1.0 - alpha / 2.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_covers_a_mean() {
        // 200 sessions, each total = its value; the mean of values 0..199 is 99.5.
        let totals = SessionTotals {
            sessions: 200,
            dense_width: 2,
            dense: (0..200).flat_map(|v| [f64::from(v), 1.0]).collect(),
            sparse_width: 0,
            sparse: Vec::new(),
        };
        let reps = totals.bootstrap(400, 3, |t| vec![t[0] / t[1]]);
        let (lo, hi) = percentile_interval(&reps[0], 0.05);
        let (lo, hi) = (lo.expect("lo"), hi.expect("hi"));
        // standard error of the mean = 57.7 / sqrt(200) ≈ 4.1
        assert!(
            lo < 99.5 && hi > 99.5 && hi - lo > 10.0 && hi - lo < 22.0,
            "{lo} {hi}"
        );
        assert_eq!(totals.weighted(&[1; 200])[0], 19900.0);
    }
}
