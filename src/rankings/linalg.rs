//! Small dense least squares on normal equations (a handful of merit columns).

/// Relative pivot below which a column counts as a linear combination of earlier ones.
const PIVOT_TOLERANCE: f64 = 1e-9;

/// Cholesky factor of a Gram matrix that skips (near-)dependent columns, so constant or
/// duplicated merit features are dropped instead of making the fit blow up.
pub(super) struct Normal {
    dim: usize,
    /// Lower-triangular factor over the kept columns, row-major dim×dim.
    factor: Vec<f64>,
    kept: Vec<bool>,
}

impl Normal {
    /// `gram` is dim×dim, symmetric, row-major.
    pub(super) fn new(gram: &[f64], dim: usize) -> Normal {
        let mut factor = vec![0.0f64; dim * dim];
        let mut kept = vec![false; dim];
        for j in 0..dim {
            let diag = gram[j * dim + j];
            let pivot = diag
                - (0..j)
                    .filter(|&m| kept[m])
                    .map(|m| factor[j * dim + m].powi(2))
                    .sum::<f64>();
            if diag <= 0.0 || pivot <= PIVOT_TOLERANCE * diag {
                continue;
            }
            let root = pivot.sqrt();
            factor[j * dim + j] = root;
            kept[j] = true;
            for i in j + 1..dim {
                let dot: f64 = (0..j)
                    .filter(|&m| kept[m])
                    .map(|m| factor[i * dim + m] * factor[j * dim + m])
                    .sum();
                factor[i * dim + j] = (gram[i * dim + j] - dot) / root;
            }
        }
        Normal { dim, factor, kept }
    }

    /// Least-squares coefficients for right-hand side `rhs` = X'y; dropped columns get 0.
    pub(super) fn solve(&self, rhs: &[f64]) -> Vec<f64> {
        let n = self.dim;
        let mut y = vec![0.0; n];
        for i in (0..n).filter(|&i| self.kept[i]) {
            let dot: f64 = (0..i)
                .filter(|&m| self.kept[m])
                .map(|m| self.factor[i * n + m] * y[m])
                .sum();
            y[i] = (rhs[i] - dot) / self.factor[i * n + i];
        }
        let mut x = vec![0.0; n];
        for i in (0..n).rev().filter(|&i| self.kept[i]) {
            let dot: f64 = (i + 1..n)
                .filter(|&m| self.kept[m])
                .map(|m| self.factor[m * n + i] * x[m])
                .sum();
            x[i] = (y[i] - dot) / self.factor[i * n + i];
        }
        x
    }
}

/// Non-negative least squares from normal equations: minimises ½w'Gw − b'w over w ≥ 0 by
/// cyclic coordinate descent (exact at convergence; G is small and positive semi-definite).
pub(super) fn nonnegative_solve(gram: &[f64], rhs: &[f64], dim: usize) -> Vec<f64> {
    const SWEEPS: usize = 10_000;
    const CONVERGED: f64 = 1e-13;
    let mut w = vec![0.0; dim];
    for _ in 0..SWEEPS {
        let mut largest_step = 0.0f64;
        for j in 0..dim {
            let diag = gram[j * dim + j];
            if diag <= 0.0 {
                continue;
            }
            let gradient: f64 = (0..dim).map(|m| gram[j * dim + m] * w[m]).sum::<f64>() - rhs[j];
            let next = (w[j] - gradient / diag).max(0.0);
            largest_step = largest_step.max((next - w[j]).abs() * diag.sqrt());
            w[j] = next;
        }
        if largest_step < CONVERGED {
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_drops_dependent_columns() {
        // columns: x, 2x (dependent), z
        let x = [1.0, 2.0, 3.0, 4.0];
        let z = [1.0, 0.0, 1.0, 3.0];
        let cols = [x.to_vec(), x.iter().map(|v| 2.0 * v).collect(), z.to_vec()];
        let y: Vec<f64> = (0..4).map(|i| 3.0 * x[i] - z[i]).collect();
        let gram: Vec<f64> = (0..9)
            .map(|k| (0..4).map(|i| cols[k / 3][i] * cols[k % 3][i]).sum())
            .collect();
        let rhs: Vec<f64> = (0..3)
            .map(|c| (0..4).map(|i| cols[c][i] * y[i]).sum())
            .collect();
        let beta = Normal::new(&gram, 3).solve(&rhs);
        assert!((beta[0] - 3.0).abs() < 1e-9 && beta[1] == 0.0 && (beta[2] + 1.0).abs() < 1e-9);
    }

    #[test]
    fn nonnegative_clamps_the_wrong_sign() {
        // y = 2a − b with a ⟂ b: NNLS keeps a at 2 and clamps b to 0.
        let gram = [1.0, 0.0, 0.0, 1.0];
        let rhs = [2.0, -1.0];
        let w = nonnegative_solve(&gram, &rhs, 2);
        assert!((w[0] - 2.0).abs() < 1e-9 && w[1] == 0.0, "{w:?}");
    }
}
