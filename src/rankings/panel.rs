//! Sessions as flat arrays, and the merit model: how position (and payment) relate to merit
//! within a session, so the tests can compare products "holding merit fixed".
//!
//! Merit: each merit column is turned so that higher is better and standardised over the
//! whole file (z-scores). Within a session only differences matter, so every variable is
//! demeaned per session (session fixed effects): a list of premium cards and a list of
//! subprime cards are each compared only internally.
//!
//! Merit score and merit rank: the tool's apparent weight for each attribute is learned by
//! regressing position on the attributes within sessions, with each weight constrained to
//! count in the attribute's declared better direction (non-negative least squares). The
//! merit score is that weighted sum; the merit rank orders a session by it (1 = best).
//!
//! Merit controls: the attributes, their squares and pairwise products (only squares above
//! four attributes) and the merit rank. Residualising a variable on them (within session)
//! removes everything merit explains, including curvature and the rank nature of positions.

use super::input::{PaymentKind, Session};
use super::linalg::{nonnegative_solve, Normal};
use super::stats::{normal_upper_tail, quantile};

/// Above this many merit attributes the controls use squares only, not all pairwise products.
const MAX_ATTRIBUTES_WITH_INTERACTIONS: usize = 4;
/// Each attribute also gets hinge terms max(0, z − knot) at these quantiles (a linear spline).
const HINGE_QUANTILES: [f64; 4] = [0.2, 0.4, 0.6, 0.8];
/// Soft ranks Σ_j Φ((index_j − index_i) / (h·sd)) for these h: the expected rank when the
/// tool's noise has about that size.
const SOFT_RANK_BANDWIDTHS: [f64; 2] = [0.25, 0.75];
/// index², index³, hard rank, then one soft rank per bandwidth.
const RANK_FEATURES: usize = 3 + SOFT_RANK_BANDWIDTHS.len();

pub(super) struct Panel {
    /// Session s holds rows offsets[s]..offsets[s+1], in position order.
    pub offsets: Vec<usize>,
    pub position: Vec<f64>,
    pub payment: Vec<f64>,
    /// 1.0 for paid products, else 0.0.
    pub paid: Vec<f64>,
    pub provider: Vec<u32>,
    /// Provider names, sorted; `provider` indexes this.
    pub providers: Vec<String>,
    /// Merit times its better-direction sign (higher = better), rows × k.
    pub directed: Vec<f64>,
    /// `directed`, standardised over all rows, rows × k.
    pub z: Vec<f64>,
    pub k: usize,
}

impl Panel {
    pub(super) fn new(sessions: &[Session], signs: &[f64], payment: PaymentKind) -> Panel {
        let k = signs.len();
        let rows: usize = sessions.iter().map(|s| s.products.len()).sum();
        let mut providers: Vec<String> = sessions
            .iter()
            .flat_map(|s| s.products.iter().map(|p| p.provider.clone()))
            .collect();
        providers.sort_unstable();
        providers.dedup();
        let mut panel = Panel {
            offsets: Vec::with_capacity(sessions.len() + 1),
            position: Vec::with_capacity(rows),
            payment: Vec::with_capacity(rows),
            paid: Vec::with_capacity(rows),
            provider: Vec::with_capacity(rows),
            providers,
            directed: Vec::with_capacity(rows * k),
            z: Vec::new(),
            k,
        };
        panel.offsets.push(0);
        for session in sessions {
            for product in &session.products {
                panel.position.push(f64::from(product.position));
                panel.payment.push(payment.value(product));
                panel.paid.push(f64::from(u8::from(product.is_paid())));
                let provider = panel
                    .providers
                    .binary_search(&product.provider)
                    .unwrap_or_default();
                panel.provider.push(provider as u32);
                for (value, sign) in product.merit.iter().zip(signs) {
                    panel.directed.push(value * sign);
                }
            }
            panel.offsets.push(panel.position.len());
        }
        panel.z = standardise(&panel.directed, k);
        panel
    }

    pub(super) fn rows(&self) -> usize {
        self.position.len()
    }

    pub(super) fn sessions(&self) -> usize {
        self.offsets.len() - 1
    }

    pub(super) fn session_rows(&self, s: usize) -> std::ops::Range<usize> {
        self.offsets[s]..self.offsets[s + 1]
    }
}

/// Column-wise z-scores of a rows × k matrix; a constant column becomes 0.
fn standardise(values: &[f64], k: usize) -> Vec<f64> {
    let rows = values.len() / k.max(1);
    let mut out = values.to_vec();
    for j in 0..k {
        let column = || values.iter().skip(j).step_by(k);
        let mean = column().sum::<f64>() / rows as f64;
        let var = column().map(|v| (v - mean).powi(2)).sum::<f64>() / rows as f64;
        let sd = var.sqrt();
        for (i, value) in column().enumerate() {
            out[i * k + j] = if sd > 0.0 { (value - mean) / sd } else { 0.0 };
        }
    }
    out
}

/// Ranks within one session, 1 = highest score; ties share their average rank.
fn average_ranks(scores: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut ranks = vec![0.0; scores.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        let rank = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        start = end;
    }
    ranks
}

pub(super) struct MeritModel {
    /// Apparent weight of each attribute in the tool's order, summing to 1.
    pub weights: Vec<f64>,
    /// False when position shows no relation to declared merit (equal weights stand in).
    pub weights_learned: bool,
    /// Merit rank with ties broken by product id: the order a merit-only tool would show.
    pub merit_order: Vec<u32>,
    /// Merit controls, demeaned within session, rows × dim.
    controls: Vec<f64>,
    dim: usize,
    normal: Normal,
}

impl MeritModel {
    pub(super) fn new(panel: &Panel, sessions: &[Session]) -> MeritModel {
        let k = panel.k;
        let (weights, weights_learned) = apparent_weights(panel);
        let mut merit_order = vec![0u32; panel.rows()];
        for (s, session) in sessions.iter().enumerate() {
            let range = panel.session_rows(s);
            let scores: Vec<f64> = range
                .clone()
                .map(|i| (0..k).map(|j| panel.z[i * k + j] * weights[j]).sum())
                .collect();
            let mut order: Vec<usize> = (0..scores.len()).collect();
            order.sort_by(|&a, &b| {
                scores[b].total_cmp(&scores[a]).then_with(|| {
                    session.products[a]
                        .product_id
                        .cmp(&session.products[b].product_id)
                })
            });
            for (rank, &i) in order.iter().enumerate() {
                merit_order[range.start + i] = rank as u32 + 1;
            }
        }

        // Stage 1: attribute-wise flexible controls.
        let knots = hinge_knots(panel);
        let interactions = k <= MAX_ATTRIBUTES_WITH_INTERACTIONS;
        let attribute_features = |i: usize, out: &mut Vec<f64>| {
            let z = &panel.z[i * k..(i + 1) * k];
            out.extend_from_slice(z);
            for a in 0..k {
                if interactions {
                    out.extend((a..k).map(|b| z[a] * z[b]));
                } else {
                    out.push(z[a] * z[a]);
                }
            }
            for (a, column_knots) in knots.iter().enumerate() {
                out.extend(column_knots.iter().map(|t| (z[a] - t).max(0.0)));
            }
        };
        let (stage1, stage1_dim) = demeaned_features(panel, attribute_features);
        let stage1_normal = Normal::new(&gram(&stage1, stage1_dim), stage1_dim);
        let gain: Vec<f64> = panel.position.iter().map(|p| -p).collect();
        let index = fitted(&stage1, stage1_dim, &stage1_normal, &demeaned(panel, &gain));

        // Stage 2: position is a rank, so add functions of the merit index that a rank
        // depends on: its curvature, the hard rank and soft ranks within the session.
        let index_sd = (sum_sq(&index) / index.len().max(1) as f64).sqrt();
        let unit = if index_sd > 0.0 { index_sd } else { 1.0 };
        let mut rank_features = Vec::with_capacity(panel.rows() * RANK_FEATURES);
        for s in 0..panel.sessions() {
            let scores = &index[panel.session_rows(s)];
            let hard = average_ranks(scores);
            for (i, &score) in scores.iter().enumerate() {
                let x = score / unit;
                rank_features.extend([x * x, x * x * x, hard[i]]);
                for bandwidth in SOFT_RANK_BANDWIDTHS {
                    let soft: f64 = scores
                        .iter()
                        .map(|&other| normal_upper_tail((score - other) / (bandwidth * unit)))
                        .sum();
                    rank_features.push(soft);
                }
            }
        }
        let (controls, dim) = demeaned_features(panel, |i, out| {
            attribute_features(i, out);
            out.extend_from_slice(&rank_features[i * RANK_FEATURES..(i + 1) * RANK_FEATURES]);
        });
        let normal = Normal::new(&gram(&controls, dim), dim);
        MeritModel {
            weights,
            weights_learned,
            merit_order,
            controls,
            dim,
            normal,
        }
    }

    /// The part of `values` that merit does not explain: demeaned within session, minus the
    /// least-squares fit on the merit controls.
    pub(super) fn residualise(&self, panel: &Panel, values: &[f64]) -> Vec<f64> {
        let mut out = demeaned(panel, values);
        let fit = fitted(&self.controls, self.dim, &self.normal, &out);
        for (v, f) in out.iter_mut().zip(fit) {
            *v -= f;
        }
        out
    }
}

/// `values` demeaned within each session.
fn demeaned(panel: &Panel, values: &[f64]) -> Vec<f64> {
    let mut out = values.to_vec();
    for s in 0..panel.sessions() {
        demean_rows(&mut out[panel.session_rows(s)], 1);
    }
    out
}

/// Least-squares fitted values of `target` on the rows × dim `features`.
fn fitted(features: &[f64], dim: usize, normal: &Normal, target: &[f64]) -> Vec<f64> {
    let mut rhs = vec![0.0; dim];
    for (row, v) in features.chunks_exact(dim).zip(target) {
        for (r, x) in rhs.iter_mut().zip(row) {
            *r += x * v;
        }
    }
    let beta = normal.solve(&rhs);
    features
        .chunks_exact(dim)
        .map(|row| row.iter().zip(&beta).map(|(x, b)| x * b).sum())
        .collect()
}

/// Features of every row (from `features(row, out)`), demeaned within session.
fn demeaned_features(panel: &Panel, features: impl Fn(usize, &mut Vec<f64>)) -> (Vec<f64>, usize) {
    let mut probe = Vec::new();
    features(0, &mut probe);
    let dim = probe.len().max(1);
    let mut out = Vec::with_capacity(panel.rows() * dim);
    for s in 0..panel.sessions() {
        let first = out.len();
        for i in panel.session_rows(s) {
            features(i, &mut out);
        }
        demean_rows(&mut out[first..], dim);
    }
    (out, dim)
}

/// Knots of the hinge features of each attribute: its quintile cut points.
fn hinge_knots(panel: &Panel) -> Vec<Vec<f64>> {
    let k = panel.k;
    (0..k)
        .map(|j| {
            let mut column: Vec<f64> = panel.z.iter().skip(j).step_by(k).copied().collect();
            column.sort_by(f64::total_cmp);
            let mut knots: Vec<f64> = HINGE_QUANTILES
                .iter()
                .filter_map(|&q| quantile(&column, q))
                .collect();
            knots.dedup();
            knots
        })
        .collect()
}

fn sum_sq(values: &[f64]) -> f64 {
    values.iter().map(|v| v * v).sum()
}

/// Subtracts the column means of a rows × width block in place.
fn demean_rows(block: &mut [f64], width: usize) {
    let rows = block.len() / width;
    if rows == 0 {
        return;
    }
    for j in 0..width {
        let mean = block.iter().skip(j).step_by(width).sum::<f64>() / rows as f64;
        for v in block.iter_mut().skip(j).step_by(width) {
            *v -= mean;
        }
    }
}

fn gram(rows: &[f64], dim: usize) -> Vec<f64> {
    let mut g = vec![0.0; dim * dim];
    for row in rows.chunks_exact(dim) {
        for a in 0..dim {
            for b in a..dim {
                g[a * dim + b] += row[a] * row[b];
            }
        }
    }
    for a in 0..dim {
        for b in 0..a {
            g[a * dim + b] = g[b * dim + a];
        }
    }
    g
}

/// Non-negative weights of the directed attributes that best predict a better position
/// within sessions, normalised to sum 1; equal weights when none helps.
fn apparent_weights(panel: &Panel) -> (Vec<f64>, bool) {
    let k = panel.k;
    let mut zd = panel.z.clone();
    let mut gain: Vec<f64> = panel.position.iter().map(|p| -p).collect();
    for s in 0..panel.sessions() {
        let range = panel.session_rows(s);
        demean_rows(&mut zd[range.start * k..range.end * k], k);
        demean_rows(&mut gain[range], 1);
    }
    let g = gram(&zd, k);
    let mut rhs = vec![0.0; k];
    for (row, y) in zd.chunks_exact(k).zip(&gain) {
        for (r, x) in rhs.iter_mut().zip(row) {
            *r += x * y;
        }
    }
    let w = nonnegative_solve(&g, &rhs, k);
    let total: f64 = w.iter().sum();
    if total > 0.0 && total.is_finite() {
        (w.iter().map(|v| v / total).collect(), true)
    } else {
        (vec![1.0 / k as f64; k], false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_ranks_share_ties() {
        assert_eq!(
            average_ranks(&[0.5, 2.0, 0.5, -1.0]),
            vec![2.5, 1.0, 2.5, 4.0]
        );
    }

    #[test]
    fn standardise_handles_constant_columns() {
        let z = standardise(&[1.0, 5.0, 3.0, 5.0], 2);
        assert_eq!(z, vec![-1.0, 0.0, 1.0, 0.0]);
    }
}
