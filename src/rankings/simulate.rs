//! Simulated comparison-tool sessions with a known amount of steering, for tests, fixtures,
//! the simulation study and the benchmark. Deterministic by seed.
//!
//! Each product has three latent qualities; its provider shifts them (some providers sell
//! better cards). The visible merit columns are `apr` = 24 − 4·a₀ (lower is better),
//! `annual_fee` = 95·exp(−a₁/2) (lower; a curved scale) and `rating` = 3.6 + a₂/2 clipped
//! to 1–5 (higher), rounded like real listings. True merit is 0.5·a₀ + 0.3·a₁ + 0.2·a₂,
//! computed from the visible (rounded, clipped) values, so under the null position depends on
//! declared merit only — with weights the auditor does not know.
//!
//! Payment: a pay propensity ℓ = ρ·merit + √(1−ρ²)·noise + provider offset; products with
//! ℓ > 0 are paid 40·exp(ℓ/2), others 0. ρ = 0 is the independent null; ρ > 0 is the hard
//! null in which better products pay more. The tool orders each session by
//! merit + γ·(standardised compensation) + noise: γ = 0 is a fair tool.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::engine::{run, TestPlan};
use super::input::{Product, Session};
use super::result::{
    Status, COMPENSATION_EFFECT, MERIT_INVERSION, PAID_TOP_SHARE, PROVIDER_UPLIFT,
};
use super::rules::{RankingRules, RateGate};

/// Merit columns of simulated products, in rules (sorted) order.
pub const MERIT_COLUMNS: [&str; 3] = ["annual_fee", "apr", "rating"];
const MERIT_WEIGHTS: [f64; 3] = [0.5, 0.3, 0.2];

#[derive(Debug, Clone, PartialEq)]
pub struct SimSpec {
    pub sessions: usize,
    /// Products per session.
    pub products: usize,
    pub providers: usize,
    /// Steering: the tool adds γ × standardised compensation to merit.
    pub gamma: f64,
    /// ρ: correlation of pay propensity with merit (0 = independent null).
    pub merit_pay_correlation: f64,
    /// Standard deviation of the tool's ranking noise (merit has sd about 0.6).
    pub noise: f64,
    /// The auditor sees only `paid`, not compensation amounts.
    pub paid_only: bool,
    /// Chance that a paid product is shown without disclosure.
    pub undisclosed: f64,
    pub seed: u64,
}

impl SimSpec {
    /// A fair tool, payment unrelated to merit.
    pub fn fair(sessions: usize, products: usize, seed: u64) -> SimSpec {
        SimSpec {
            sessions,
            products,
            providers: 6,
            gamma: 0.0,
            merit_pay_correlation: 0.0,
            noise: 0.3,
            paid_only: false,
            undisclosed: 0.0,
            seed,
        }
    }

    /// The hard null: better products pay more; the tool still ranks by merit only.
    pub fn correlated_null(sessions: usize, products: usize, seed: u64) -> SimSpec {
        SimSpec {
            merit_pay_correlation: 0.6,
            ..SimSpec::fair(sessions, products, seed)
        }
    }

    /// Steering of strength γ on top of the hard null's merit–pay correlation.
    pub fn steered(gamma: f64, sessions: usize, products: usize, seed: u64) -> SimSpec {
        SimSpec {
            gamma,
            undisclosed: 0.1,
            ..SimSpec::correlated_null(sessions, products, seed)
        }
    }
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>();
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn round_to(value: f64, step: f64) -> f64 {
    (value / step).round() * step
}

struct Draft {
    provider: usize,
    /// Visible merit in `MERIT_COLUMNS` order.
    merit: [f64; 3],
    true_merit: f64,
    pay_noise: f64,
    rank_noise: f64,
}

fn provider_name(p: usize) -> String {
    let letter = char::from(b'A' + (p % 26) as u8);
    if p < 26 {
        format!("Provider {letter}")
    } else {
        format!("Provider {letter}{}", p / 26)
    }
}

/// Generates the sessions described by `spec`.
pub fn simulate(spec: &SimSpec) -> Vec<Session> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let providers = spec.providers.max(1);
    let quality = |p: usize| {
        if providers == 1 {
            0.0
        } else {
            p as f64 / (providers - 1) as f64 - 0.5
        }
    };
    let pay_offset = |p: usize| 0.5 * (p as f64 * 2.4).cos();
    let drafts: Vec<Vec<Draft>> = (0..spec.sessions)
        .map(|_| {
            (0..spec.products)
                .map(|_| {
                    let provider = rng.random_range(0..providers);
                    let latent: Vec<f64> = (0..3)
                        .map(|_| quality(provider) + normal(&mut rng))
                        .collect();
                    let apr = round_to(24.0 - 4.0 * latent[0], 0.01);
                    let fee = round_to(95.0 * (-latent[1] / 2.0).exp(), 1.0).max(1.0);
                    let rating = round_to((3.6 + latent[2] / 2.0).clamp(1.0, 5.0), 0.1);
                    let visible = [
                        (24.0 - apr) / 4.0,
                        -2.0 * (fee / 95.0).ln(),
                        (rating - 3.6) * 2.0,
                    ];
                    Draft {
                        provider,
                        merit: [fee, apr, rating],
                        true_merit: visible.iter().zip(MERIT_WEIGHTS).map(|(a, w)| a * w).sum(),
                        pay_noise: normal(&mut rng),
                        rank_noise: normal(&mut rng),
                    }
                })
                .collect()
        })
        .collect();
    let all = || drafts.iter().flatten();
    let count = all().count().max(1) as f64;
    let merit_mean = all().map(|d| d.true_merit).sum::<f64>() / count;
    let merit_sd = (all()
        .map(|d| (d.true_merit - merit_mean).powi(2))
        .sum::<f64>()
        / count)
        .sqrt()
        .max(f64::MIN_POSITIVE);
    let rho = spec.merit_pay_correlation.clamp(-1.0, 1.0);
    let compensation = |d: &Draft| {
        let propensity = rho * (d.true_merit - merit_mean) / merit_sd
            + (1.0 - rho * rho).sqrt() * d.pay_noise
            + pay_offset(d.provider);
        if propensity > 0.0 {
            round_to(40.0 * (propensity / 2.0).exp(), 0.01)
        } else {
            0.0
        }
    };
    let pay_mean = all().map(compensation).sum::<f64>() / count;
    let pay_sd = (all()
        .map(|d| (compensation(d) - pay_mean).powi(2))
        .sum::<f64>()
        / count)
        .sqrt()
        .max(f64::MIN_POSITIVE);

    let mut row = 0;
    let mut serial = 0;
    drafts
        .iter()
        .enumerate()
        .map(|(s, session)| {
            let intended: Vec<f64> = session
                .iter()
                .map(|d| d.true_merit + spec.gamma * (compensation(d) - pay_mean) / pay_sd)
                .collect();
            let shown: Vec<f64> = intended
                .iter()
                .zip(session)
                .map(|(score, d)| score + spec.noise * d.rank_noise)
                .collect();
            let mut order: Vec<usize> = (0..session.len()).collect();
            order.sort_by(|&a, &b| shown[b].total_cmp(&shown[a]));
            // The tool's "Top pick" goes to its intended best, in half of the sessions.
            let top_pick = (s % 2 == 0)
                .then(|| (0..session.len()).max_by(|&a, &b| intended[a].total_cmp(&intended[b])))
                .flatten();
            let products = order
                .iter()
                .enumerate()
                .map(|(rank, &i)| {
                    let d = &session[i];
                    let amount = compensation(d);
                    let paid = amount > 0.0;
                    row += 1;
                    serial += 1;
                    Product {
                        row,
                        position: rank as u32 + 1,
                        product_id: format!("card-{serial:07}"),
                        provider: provider_name(d.provider),
                        paid: Some(paid),
                        compensation: (!spec.paid_only).then_some(amount),
                        label: (top_pick == Some(i)).then(|| "Top pick".to_string()),
                        disclosed: paid.then(|| rng.random::<f64>() >= spec.undisclosed),
                        merit: d.merit.to_vec(),
                    }
                })
                .collect();
            Session {
                id: format!("s{s:06}"),
                products,
            }
        })
        .collect()
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The sessions as a rankings CSV (the input format of `leadaudit rankings`).
pub fn to_csv(sessions: &[Session]) -> String {
    let mut out = String::from("session_id,position,product_id,provider,paid,compensation,");
    out.push_str(&MERIT_COLUMNS.join(","));
    out.push_str(",label,disclosed\n");
    for session in sessions {
        for p in &session.products {
            let cells = [
                csv_cell(&session.id),
                p.position.to_string(),
                csv_cell(&p.product_id),
                csv_cell(&p.provider),
                p.paid.map(|b| b.to_string()).unwrap_or_default(),
                p.compensation
                    .map(|c| format!("{c:.2}"))
                    .unwrap_or_default(),
            ];
            out.push_str(&cells.join(","));
            for m in &p.merit {
                // at most two decimals, as listings show them (and no float noise)
                let text = format!("{m:.2}");
                out.push(',');
                out.push_str(text.trim_end_matches('0').trim_end_matches('.'));
            }
            out.push_str(&format!(
                ",{},{}\n",
                csv_cell(p.label.as_deref().unwrap_or("")),
                p.disclosed.map(|b| b.to_string()).unwrap_or_default()
            ));
        }
    }
    out
}

/// Rejection rates of the payment tests over repeated simulated audits.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectionRates {
    pub audits: usize,
    /// Share of audits with p <= alpha, per test.
    pub compensation_effect: f64,
    pub merit_inversion: f64,
    pub paid_top_share: f64,
    /// Share of audits where any provider's q <= alpha.
    pub provider_uplift: f64,
    /// Share of audits whose gate flags (warn or fail) any statistical test.
    pub gate_flagged: f64,
    /// Share of audits whose compensation-effect interval contains 0.
    pub interval_covers_zero: f64,
}

/// Runs `audits` simulated audits (seeds spec.seed, spec.seed+1, …) and counts rejections
/// at the rules' alpha.
pub fn rejection_rates(spec: &SimSpec, audits: usize, rules: &RankingRules) -> RejectionRates {
    let plan = TestPlan::every_test(RateGate::default(), RateGate::default());
    let alpha = rules.alpha;
    let outcomes: Vec<[bool; 6]> = (0..audits)
        .into_par_iter()
        .map(|a| {
            let spec = SimSpec {
                seed: spec.seed.wrapping_add(a as u64),
                ..spec.clone()
            };
            let sessions = simulate(&spec);
            let Ok(audit) = run(&sessions, rules, &plan, spec.seed ^ 0x5EED) else {
                return [false; 6];
            };
            let p_below = |id: &str| {
                audit
                    .tests
                    .iter()
                    .any(|t| t.id == id && t.p_value.is_some_and(|p| p <= alpha))
            };
            let providers = audit
                .tests
                .iter()
                .any(|t| t.id == PROVIDER_UPLIFT && t.q_value.is_some_and(|q| q <= alpha));
            let statistical = [
                COMPENSATION_EFFECT,
                MERIT_INVERSION,
                PAID_TOP_SHARE,
                PROVIDER_UPLIFT,
            ];
            let flagged = audit.tests.iter().any(|t| {
                statistical.contains(&t.id) && matches!(t.status, Status::Warn | Status::Fail)
            });
            let covers = audit.tests.iter().any(|t| {
                t.id == COMPENSATION_EFFECT
                    && t.ci_low.is_some_and(|lo| lo <= 0.0)
                    && t.ci_high.is_some_and(|hi| hi >= 0.0)
            });
            [
                p_below(COMPENSATION_EFFECT),
                p_below(MERIT_INVERSION),
                p_below(PAID_TOP_SHARE),
                providers,
                flagged,
                covers,
            ]
        })
        .collect();
    let rate = |j: usize| outcomes.iter().filter(|o| o[j]).count() as f64 / audits.max(1) as f64;
    RejectionRates {
        audits,
        compensation_effect: rate(0),
        merit_inversion: rate(1),
        paid_top_share: rate(2),
        provider_uplift: rate(3),
        gate_flagged: rate(4),
        interval_covers_zero: rate(5),
    }
}

#[cfg(test)]
mod tests {
    //! Calibration on small runs (100 audits each). With a correct test the number of
    //! rejections at α = 0.05 is Binomial(100, 0.05): P(≥ 12) ≈ 0.004, so the bound 0.11 only
    //! fails for a broken test (a naive permutation of raw payments rejects the hard null in
    //! nearly every audit). Runs are seeded, so the outcome is reproducible.
    use super::*;
    use crate::rankings::rules::test_support::cfpb_rules;

    const AUDITS: usize = 100;
    /// Small audits keep the debug-mode test run to a few seconds.
    const SESSIONS: usize = 60;
    const PRODUCTS: usize = 6;
    const MAX_FALSE_POSITIVE_RATE: f64 = 0.11;

    fn quick_rules() -> RankingRules {
        RankingRules {
            permutations: 199,
            bootstrap: 0,
            min_provider_products: 20,
            ..cfpb_rules()
        }
    }

    fn assert_calibrated(spec: &SimSpec) {
        let r = rejection_rates(spec, AUDITS, &quick_rules());
        for (name, rate) in [
            ("compensation_effect", r.compensation_effect),
            ("merit_inversion", r.merit_inversion),
            ("paid_top_share", r.paid_top_share),
            ("provider_uplift", r.provider_uplift),
        ] {
            assert!(
                rate <= MAX_FALSE_POSITIVE_RATE,
                "{name}: {rate} under {spec:?}"
            );
        }
    }

    /// Within-session correlation of raw compensation with a better position.
    fn raw_pay_position_correlation(sessions: &[Session]) -> f64 {
        let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
        for s in sessions {
            let n = s.products.len() as f64;
            let mx = s
                .products
                .iter()
                .filter_map(|p| p.compensation)
                .sum::<f64>()
                / n;
            let my = s
                .products
                .iter()
                .map(|p| -f64::from(p.position))
                .sum::<f64>()
                / n;
            for p in &s.products {
                let (x, y) = (
                    p.compensation.unwrap_or(0.0) - mx,
                    -f64::from(p.position) - my,
                );
                sxy += x * y;
                sxx += x * x;
                syy += y * y;
            }
        }
        sxy / (sxx * syy).sqrt()
    }

    #[test]
    fn hard_null_pays_for_merit_yet_is_not_flagged() {
        let spec = SimSpec::correlated_null(SESSIONS, PRODUCTS, 100);
        // The null is hard: payment and position are clearly related through merit.
        assert!(raw_pay_position_correlation(&simulate(&spec)) > 0.25);
        assert_calibrated(&spec);
    }

    #[test]
    fn independent_null_is_not_flagged() {
        assert_calibrated(&SimSpec::fair(SESSIONS, PRODUCTS, 200));
    }

    #[test]
    fn paid_flag_only_hard_null_is_not_flagged() {
        assert_calibrated(&SimSpec {
            paid_only: true,
            ..SimSpec::correlated_null(SESSIONS, PRODUCTS, 300)
        });
    }

    #[test]
    fn steering_is_detected() {
        let rules = quick_rules();
        let moderate = rejection_rates(
            &SimSpec::steered(0.3, SESSIONS, PRODUCTS, 400),
            AUDITS,
            &rules,
        );
        assert!(moderate.compensation_effect >= 0.9, "{moderate:?}");
        assert!(moderate.gate_flagged >= 0.8, "{moderate:?}");
        let paid_only = SimSpec {
            paid_only: true,
            ..SimSpec::steered(0.3, SESSIONS, PRODUCTS, 500)
        };
        let r = rejection_rates(&paid_only, AUDITS, &rules);
        assert!(r.compensation_effect >= 0.8, "{r:?}");
    }

    #[test]
    fn generator_is_deterministic_and_well_formed() {
        let spec = SimSpec::steered(0.1, 20, 7, 9);
        let sessions = simulate(&spec);
        assert_eq!(sessions, simulate(&spec));
        assert_eq!(sessions.len(), 20);
        for s in &sessions {
            let positions: Vec<u32> = s.products.iter().map(|p| p.position).collect();
            assert_eq!(positions, (1..=7).collect::<Vec<u32>>());
        }
        let csv = to_csv(&sessions);
        assert_eq!(csv.lines().count(), 141);
        assert!(csv.starts_with("session_id,position,product_id,provider,paid,compensation,annual_fee,apr,rating,label,disclosed\n"));
    }
}
