//! Pareto dominance within a session: product A dominates B when A is at least as good on
//! every merit attribute and strictly better on one. It needs no weights, so "B should not
//! rank above A" holds whatever the tool's idea of merit is.

use rayon::prelude::*;

use super::panel::Panel;

/// `a` dominates `b` (directed merit: higher is better).
pub(super) fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
}

/// A dominated product ranked above the product that dominates it (rows of the panel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Inversion {
    pub session: usize,
    /// Ranked higher, yet dominated.
    pub winner: usize,
    /// Dominates the winner, yet ranked lower.
    pub loser: usize,
}

pub(super) struct DominanceScan {
    /// Pairs where one product dominates the other.
    pub pairs: usize,
    pub inversions: Vec<Inversion>,
}

fn merit_of(panel: &Panel, row: usize) -> &[f64] {
    &panel.directed[row * panel.k..(row + 1) * panel.k]
}

/// Every dominance pair of every session; rows within a session are in position order.
pub(super) fn scan(panel: &Panel) -> DominanceScan {
    let per_session: Vec<(usize, Vec<Inversion>)> = (0..panel.sessions())
        .into_par_iter()
        .map(|s| {
            let range = panel.session_rows(s);
            let mut pairs = 0;
            let mut inversions = Vec::new();
            for above in range.clone() {
                for below in above + 1..range.end {
                    let (a, b) = (merit_of(panel, above), merit_of(panel, below));
                    if dominates(b, a) {
                        pairs += 1;
                        inversions.push(Inversion {
                            session: s,
                            winner: above,
                            loser: below,
                        });
                    } else if dominates(a, b) {
                        pairs += 1;
                    }
                }
            }
            (pairs, inversions)
        })
        .collect();
    let pairs = per_session.iter().map(|(p, _)| p).sum();
    let inversions = per_session.into_iter().flat_map(|(_, inv)| inv).collect();
    DominanceScan { pairs, inversions }
}

/// The best-placed product of the session that dominates `row`, if any.
pub(super) fn best_dominator(panel: &Panel, session: usize, row: usize) -> Option<usize> {
    let merit = merit_of(panel, row);
    panel
        .session_rows(session)
        .find(|&other| other != row && dominates(merit_of(panel, other), merit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dominance_needs_one_strict_improvement() {
        assert!(dominates(&[2.0, 1.0], &[1.0, 1.0]));
        assert!(!dominates(&[1.0, 1.0], &[1.0, 1.0]));
        assert!(!dominates(&[2.0, 0.0], &[1.0, 1.0]));
    }
}
