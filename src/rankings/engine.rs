//! Runs every rankings test on validated sessions.
//!
//! The payment tests share one design. Payment (compensation, or the paid flag) and each
//! outcome are residualised on merit within sessions (see `panel`). The test statistic is
//! Σ (payment residual × outcome residual), and its null distribution comes from permuting
//! the payment residuals among the products of each session. Permuting residuals rather
//! than raw payments keeps the relation between merit and payment intact: when better
//! products simply pay more and the tool ranks by merit only, shuffled raw payments would
//! look "unrelated to position" and the real ones would falsely look steering; shuffled
//! residuals do not have that problem (Freedman & Lane 1983; the residualised-predictor
//! variant). Outcomes are residualised too, so a small error in either merit fit alone does
//! not bias the test.

use std::collections::{BTreeMap, BTreeSet};

use regex::RegexSet;

use super::bootstrap::{percentile_interval, SessionTotals, SparseTotal};
use super::dominance::{self, Inversion};
use super::explain::{number, verdict};
use super::input::{PaymentKind, Session};
use super::panel::{MeritModel, Panel};
use super::permutation::{Grouped, PermutationResult, PermutationTest};
use super::result::{
    finalise, overall_status, Finding, Gate, Status, TestResult, COMPENSATION_EFFECT,
    LABEL_UNMERITED, MERIT_INVERSION, PAID_TOP_SHARE, PROVIDER_UPLIFT, SCOPE_ALL, TESTS,
    UNDISCLOSED_PAID,
};
use super::rules::{Direction, RankingRules, RateGate};

/// Rules problem found when a run starts: the key and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} (key `{key}`)")]
pub struct RulesError {
    pub key: String,
    pub message: String,
}

/// Which tests run, and the counting tests' thresholds: from the rules' `[checks]`.
#[derive(Debug, Clone, Default)]
pub struct TestPlan {
    pub enabled: BTreeSet<&'static str>,
    pub label_unmerited: RateGate,
    pub undisclosed_paid: RateGate,
}

impl TestPlan {
    /// Every test, with the given counting-test thresholds.
    pub fn every_test(label_unmerited: RateGate, undisclosed_paid: RateGate) -> TestPlan {
        TestPlan {
            enabled: TESTS.iter().copied().collect(),
            label_unmerited,
            undisclosed_paid,
        }
    }

    pub fn runs(&self, id: &str) -> bool {
        self.enabled.contains(id)
    }
}

/// An attribute's apparent weight in the tool's order.
#[derive(Debug, Clone, PartialEq)]
pub struct MeritWeight {
    pub column: String,
    pub direction: Direction,
    pub weight: f64,
}

/// A merit inversion won by the product that pays more.
#[derive(Debug, Clone, PartialEq)]
pub struct InversionRow {
    pub session_id: String,
    pub winner_id: String,
    pub winner_row: usize,
    pub winner_position: u32,
    pub winner_payment: f64,
    pub loser_id: String,
    pub loser_position: u32,
    pub loser_payment: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProviderRow {
    pub provider: String,
    pub products: usize,
    pub mean_position: f64,
    /// Mean position that products of equal merit get in this tool.
    pub mean_expected_position: f64,
    /// Mean of (merit-expected − actual position): positive = placed better than merit.
    pub uplift: f64,
    pub paid_share: f64,
    pub mean_payment: f64,
    /// Enough products to be tested (`min_provider_products`).
    pub tested: bool,
}

/// One bin of the added-variable plot: position gained against payment, both net of merit.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotBin {
    pub payment_residual: f64,
    pub positions_gained: f64,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartialPlot {
    pub bins: Vec<PlotBin>,
    /// Positions gained per unit of payment (currency, or paid vs unpaid), merit held fixed.
    pub slope: f64,
}

#[derive(Debug, Clone)]
pub struct RankingsAudit {
    pub sessions: usize,
    pub products: usize,
    pub payment: PaymentKind,
    /// Standard deviation of compensation (1 for the paid flag): the effect's unit.
    pub payment_scale: f64,
    pub merit: Vec<MeritWeight>,
    /// False when position showed no relation to merit and equal weights stood in.
    pub weights_learned: bool,
    pub tests: Vec<TestResult>,
    pub findings: Vec<Finding>,
    pub plot: PartialPlot,
    /// Inversions won by the higher payer, largest payment gap first.
    pub inversions: Vec<InversionRow>,
    pub providers: Vec<ProviderRow>,
    pub status: Status,
    pub verdict: String,
}

/// Bins of the added-variable plot.
const PLOT_BINS: usize = 12;

/// Residual sums of squares below this (relative) count as "does not vary".
const DEGENERATE: f64 = 1e-12;

fn sum_sq(values: &[f64]) -> f64 {
    values.iter().map(|v| v * v).sum()
}

fn varies(residual: &[f64], raw: &[f64]) -> bool {
    sum_sq(residual) > DEGENERATE * (1.0 + sum_sq(raw))
}

fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        f64::NAN
    }
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn method(text: &str, rules: &RankingRules) -> String {
    text.replace("{R}", &rules.permutations.to_string())
        .replace("{B}", &rules.bootstrap.to_string())
}

/// Everything the tests need, computed once.
struct Prepared<'a> {
    sessions: &'a [Session],
    panel: Panel,
    model: MeritModel,
    /// Positions gained over the merit-expected position (merit-expected − actual).
    gain: Vec<f64>,
    payment_residual: Vec<f64>,
    paid_residual: Vec<f64>,
    inversion_residual: Vec<f64>,
    top_residual: Vec<f64>,
    /// Top-k slot by actual position / by merit order.
    top_actual: Vec<f64>,
    top_merit: Vec<f64>,
    dominance_pairs: usize,
    inversions: Vec<Inversion>,
}

impl<'a> Prepared<'a> {
    fn new(sessions: &'a [Session], rules: &RankingRules, payment: PaymentKind) -> Self {
        let panel = Panel::new(sessions, &rules.merit_signs(), payment);
        let model = MeritModel::new(&panel, sessions);
        let gain: Vec<f64> = model
            .residualise(&panel, &panel.position)
            .into_iter()
            .map(|r| -r)
            .collect();
        let payment_residual = model.residualise(&panel, &panel.payment);
        let paid_residual = model.residualise(&panel, &panel.paid);
        let scan = dominance::scan(&panel);
        let mut inversion_outcome = vec![0.0; panel.rows()];
        for inv in &scan.inversions {
            inversion_outcome[inv.winner] += 1.0;
            inversion_outcome[inv.loser] -= 1.0;
        }
        let k = rules.top_k as f64;
        let top_actual: Vec<f64> = panel
            .position
            .iter()
            .map(|&p| f64::from(u8::from(p <= k)))
            .collect();
        let top_merit: Vec<f64> = model
            .merit_order
            .iter()
            .map(|&o| f64::from(u8::from(f64::from(o) <= k)))
            .collect();
        let top_shift: Vec<f64> = top_actual
            .iter()
            .zip(&top_merit)
            .map(|(a, m)| a - m)
            .collect();
        Prepared {
            inversion_residual: model.residualise(&panel, &inversion_outcome),
            top_residual: model.residualise(&panel, &top_shift),
            sessions,
            gain,
            payment_residual,
            paid_residual,
            top_actual,
            top_merit,
            dominance_pairs: scan.pairs,
            inversions: scan.inversions,
            panel,
            model,
        }
    }

    fn product(&self, row: usize, session: usize) -> &super::input::Product {
        &self.sessions[session].products[row - self.panel.offsets[session]]
    }

    /// Inversions whose two products are paid differently, and whether the winner pays more.
    fn decided_inversions(&self) -> impl Iterator<Item = (&Inversion, bool)> {
        let payment = &self.panel.payment;
        self.inversions
            .iter()
            .filter(move |inv| payment[inv.winner] != payment[inv.loser])
            .map(move |inv| (inv, payment[inv.winner] > payment[inv.loser]))
    }

    fn provider_counts(&self) -> Vec<usize> {
        let mut counts = vec![0usize; self.panel.providers.len()];
        for &p in &self.panel.provider {
            counts[p as usize] += 1;
        }
        counts
    }

    /// Per-session totals for the bootstrap: dense columns
    /// [Σ payment_res·gain, Σ payment_res², wins, decided, Σ paid·top_actual, Σ top_actual,
    ///  Σ paid·top_merit, Σ top_merit], then per provider [Σ gain, count].
    fn session_totals(&self) -> SessionTotals {
        const WIDTH: usize = 8;
        let panel = &self.panel;
        let mut dense = vec![0.0; panel.sessions() * WIDTH];
        let mut sparse = Vec::new();
        for s in 0..panel.sessions() {
            let row = &mut dense[s * WIDTH..(s + 1) * WIDTH];
            let mut by_provider: BTreeMap<u32, (f64, f64)> = BTreeMap::new();
            for i in panel.session_rows(s) {
                row[0] += self.payment_residual[i] * self.gain[i];
                row[1] += self.payment_residual[i].powi(2);
                row[4] += panel.paid[i] * self.top_actual[i];
                row[5] += self.top_actual[i];
                row[6] += panel.paid[i] * self.top_merit[i];
                row[7] += self.top_merit[i];
                let entry = by_provider.entry(panel.provider[i]).or_default();
                entry.0 += self.gain[i];
                entry.1 += 1.0;
            }
            for (provider, (sum, count)) in by_provider {
                sparse.push(SparseTotal {
                    session: s as u32,
                    column: 2 * provider,
                    values: [sum, count],
                });
            }
        }
        for (inv, winner_pays_more) in self.decided_inversions() {
            dense[inv.session * WIDTH + 2] += f64::from(u8::from(winner_pays_more));
            dense[inv.session * WIDTH + 3] += 1.0;
        }
        SessionTotals {
            sessions: panel.sessions(),
            dense_width: WIDTH,
            dense,
            sparse_width: 2 * panel.providers.len(),
            sparse,
        }
    }
}

/// Effects from column totals (see `session_totals`): compensation slope (per unit payment),
/// inversion share, top-share shift, then each provider's mean gain.
fn effects_from_totals(t: &[f64], providers: usize) -> Vec<f64> {
    let mut out = vec![
        ratio(t[0], t[1]),
        ratio(t[2], t[3]),
        ratio(t[4], t[5]) - ratio(t[6], t[7]),
    ];
    out.extend((0..providers).map(|p| ratio(t[8 + 2 * p], t[8 + 2 * p + 1])));
    out
}

const COMPENSATION_METHOD: &str = "within-session partial regression of position on payment, \
controlling merit (attributes, squares, products, merit rank); one-sided studentised \
permutation of merit-adjusted payment within sessions ({R}); percentile bootstrap over \
sessions ({B})";
const INVERSION_METHOD: &str = "pairs where one product is at least as good on every merit \
attribute yet ranked below; share won by the higher payer; one-sided studentised permutation \
of merit-adjusted payment within sessions ({R}); percentile bootstrap over sessions ({B})";
const TOP_SHARE_METHOD: &str = "share of top-k slots held by paid products minus their share \
when each session is ordered by merit score; one-sided studentised permutation of \
merit-adjusted paid status within sessions ({R}); percentile bootstrap over sessions ({B})";
const PROVIDER_METHOD: &str = "mean of (merit-expected − actual position) over the provider's \
products; one-sided studentised permutation within sessions ({R}); percentile bootstrap over \
sessions ({B})";
const LABEL_METHOD: &str = "products with a merit-claiming label (rules: label_patterns) that \
another product in the same session beats on every merit attribute; count, no p-value";
const DISCLOSURE_METHOD: &str = "paid products shown with disclosed = false; count, no p-value";

/// A statistical test's result from the shared permutation and bootstrap runs.
struct StatSpec<'s> {
    id: &'static str,
    scope: &'s str,
    n: usize,
    /// Index into the effects (`effects_from_totals`) and the permutation statistics.
    effect: usize,
    statistic: usize,
    /// Multiplies the effect (payment scale for the compensation slope).
    scale: f64,
    method: &'static str,
    detail: String,
}

struct Estimates<'r> {
    rules: &'r RankingRules,
    full: Vec<f64>,
    replicates: Vec<Vec<f64>>,
    permutation: PermutationResult,
}

impl Estimates<'_> {
    fn result(&self, spec: StatSpec<'_>) -> TestResult {
        let replicates = self
            .replicates
            .get(spec.effect)
            .map_or(&[][..], Vec::as_slice);
        let (lo, hi) = percentile_interval(replicates, self.rules.alpha);
        TestResult {
            id: spec.id,
            scope: spec.scope.to_string(),
            n: spec.n,
            effect: self
                .full
                .get(spec.effect)
                .and_then(|&e| finite(e * spec.scale)),
            ci_low: lo.map(|v| v * spec.scale),
            ci_high: hi.map(|v| v * spec.scale),
            p_value: self.permutation.p_value.get(spec.statistic).copied(),
            q_value: None,
            status: Status::Pass,
            method: method(spec.method, self.rules),
            detail: spec.detail,
        }
    }

    fn skipped(
        &self,
        id: &'static str,
        scope: &str,
        n: usize,
        how: &str,
        detail: String,
    ) -> TestResult {
        TestResult::skipped(id, scope, n, &method(how, self.rules), detail)
    }
}

fn population_sd(values: &[f64]) -> f64 {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt()
}

/// Runs the enabled tests. `seed` drives permutations and bootstrap: same input, same seed,
/// same result.
pub fn run(
    sessions: &[Session],
    rules: &RankingRules,
    plan: &TestPlan,
    seed: u64,
) -> Result<RankingsAudit, RulesError> {
    let rules_error = |(key, message)| RulesError { key, message };
    rules.validate().map_err(rules_error)?;
    let labels = rules.label_matcher().map_err(rules_error)?;
    let payment = PaymentKind::of(sessions);
    let prep = Prepared::new(sessions, rules, payment);
    let panel = &prep.panel;
    let providers = panel.providers.len();
    let payment_scale = match payment {
        PaymentKind::Compensation => population_sd(&panel.payment),
        PaymentKind::PaidFlag => 1.0,
    };
    let gates = &rules.gate;

    // Statistic order: compensation, inversion, top share, then providers.
    let permutation = PermutationTest {
        offsets: &panel.offsets,
        moving: [&prep.payment_residual, &prep.paid_residual, &prep.gain],
        paired: [
            (0, &prep.gain),
            (0, &prep.inversion_residual),
            (1, &prep.top_residual),
        ],
        grouped: plan.runs(PROVIDER_UPLIFT).then_some(Grouped {
            moving: 2,
            group: &panel.provider,
            groups: providers,
        }),
    }
    .run(rules.permutations, seed);
    let totals = prep.session_totals();
    let observed = totals.weighted(&vec![1; panel.sessions()]);
    let estimates = Estimates {
        rules,
        full: effects_from_totals(&observed, providers),
        replicates: totals.bootstrap(rules.bootstrap, seed ^ BOOTSTRAP_STREAM, |t| {
            effects_from_totals(t, providers)
        }),
        permutation,
    };

    let mut tests = Vec::new();
    let compared_rows: usize = (0..panel.sessions())
        .map(|s| panel.session_rows(s).len())
        .filter(|&n| n > 1)
        .sum();
    if plan.runs(COMPENSATION_EFFECT) {
        tests.push(if varies(&prep.payment_residual, &panel.payment) {
            let dot: f64 = prep.payment_residual.iter().zip(&prep.gain).map(|(a, b)| a * b).sum();
            let partial = dot / (sum_sq(&prep.payment_residual) * sum_sq(&prep.gain)).sqrt();
            let who = match payment {
                PaymentKind::Compensation => {
                    format!("a product paying one standard deviation ({payment_scale:.2}) more")
                }
                PaymentKind::PaidFlag => "a paid product".to_string(),
            };
            let detail = format!(
                "holding merit fixed, {who} is shown {} positions higher than an otherwise equal one (partial correlation {})",
                number(estimates.full[0] * payment_scale),
                number(partial)
            );
            estimates.result(StatSpec {
                id: COMPENSATION_EFFECT,
                scope: SCOPE_ALL,
                n: compared_rows,
                effect: 0,
                statistic: 0,
                scale: payment_scale,
                method: COMPENSATION_METHOD,
                detail,
            })
        } else {
            estimates.skipped(
                COMPENSATION_EFFECT,
                SCOPE_ALL,
                compared_rows,
                COMPENSATION_METHOD,
                "payment does not vary among products of equal merit in the same session".into(),
            )
        });
    }
    let decided: Vec<(&Inversion, bool)> = prep.decided_inversions().collect();
    if plan.runs(MERIT_INVERSION) {
        let wins = decided.iter().filter(|(_, more)| *more).count();
        let detail = format!(
            "{} of {} dominance pairs are inverted; in {} of them the two products are paid differently, and the higher payer is ranked above in {wins}",
            prep.inversions.len(),
            prep.dominance_pairs,
            decided.len(),
        );
        tests.push(if decided.is_empty() {
            estimates.skipped(MERIT_INVERSION, SCOPE_ALL, 0, INVERSION_METHOD, detail)
        } else {
            estimates.result(StatSpec {
                id: MERIT_INVERSION,
                scope: SCOPE_ALL,
                n: decided.len(),
                effect: 1,
                statistic: 1,
                scale: 1.0,
                method: INVERSION_METHOD,
                detail,
            })
        });
    }
    if plan.runs(PAID_TOP_SHARE) {
        let slots = prep.top_actual.iter().sum::<f64>() as usize;
        tests.push(if varies(&prep.paid_residual, &panel.paid) {
            let detail = format!(
                "paid products hold {:.1}% of the top-{} slots; ordered by merit alone they would hold {:.1}%",
                100.0 * ratio(observed[4], observed[5]),
                rules.top_k,
                100.0 * ratio(observed[6], observed[7])
            );
            estimates.result(StatSpec {
                id: PAID_TOP_SHARE,
                scope: SCOPE_ALL,
                n: slots,
                effect: 2,
                statistic: 2,
                scale: 1.0,
                method: TOP_SHARE_METHOD,
                detail,
            })
        } else {
            estimates.skipped(
                PAID_TOP_SHARE,
                SCOPE_ALL,
                slots,
                TOP_SHARE_METHOD,
                "paid status does not vary among products of equal merit in the same session".into(),
            )
        });
    }
    let counts = prep.provider_counts();
    if plan.runs(PROVIDER_UPLIFT) {
        for (p, name) in panel.providers.iter().enumerate() {
            let n = counts[p];
            tests.push(if n >= rules.min_provider_products && providers > 1 {
                let uplift = estimates.full[3 + p];
                let detail = format!(
                    "{name}'s {n} products are shown {} positions {} than products of equal merit, on average",
                    number(uplift.abs()),
                    if uplift >= 0.0 { "higher" } else { "lower" }
                );
                estimates.result(StatSpec {
                    id: PROVIDER_UPLIFT,
                    scope: name,
                    n,
                    effect: 3 + p,
                    statistic: 3 + p,
                    scale: 1.0,
                    method: PROVIDER_METHOD,
                    detail,
                })
            } else {
                let detail = format!(
                    "not tested: {n} products (min_provider_products is {}) or a single provider",
                    rules.min_provider_products
                );
                estimates.skipped(PROVIDER_UPLIFT, name, n, PROVIDER_METHOD, detail)
            });
        }
    }

    let mut findings = Vec::new();
    if plan.runs(LABEL_UNMERITED) {
        tests.push(label_test(&prep, &labels, &mut findings));
    }
    if plan.runs(UNDISCLOSED_PAID) {
        tests.push(disclosure_test(sessions, &mut findings));
    }
    finalise(&mut tests, |id| match id {
        COMPENSATION_EFFECT => Gate::Stat(&gates.compensation_effect),
        MERIT_INVERSION => Gate::Stat(&gates.merit_inversion),
        PAID_TOP_SHARE => Gate::Stat(&gates.paid_top_share),
        PROVIDER_UPLIFT => Gate::Stat(&gates.provider_uplift),
        LABEL_UNMERITED => Gate::Rate(&plan.label_unmerited),
        _ => Gate::Rate(&plan.undisclosed_paid),
    });

    let inversions = inversion_rows(&prep, &decided);
    if plan.runs(MERIT_INVERSION) {
        findings.extend(inversions.iter().map(|inv| Finding {
            test: MERIT_INVERSION,
            session_id: inv.session_id.clone(),
            product_id: inv.winner_id.clone(),
            row: inv.winner_row,
            detail: format!(
                "ranked {} above `{}` ({}), which is at least as good on every merit attribute; pays {} vs {}",
                inv.winner_position, inv.loser_id, inv.loser_position, inv.winner_payment, inv.loser_payment
            ),
        }));
    }
    findings.sort_by(|a, b| (a.row, a.test, &a.detail).cmp(&(b.row, b.test, &b.detail)));

    let status = overall_status(&tests);
    let verdict = verdict(&tests, payment, payment_scale);
    Ok(RankingsAudit {
        sessions: sessions.len(),
        products: panel.rows(),
        payment,
        payment_scale,
        merit: rules
            .merit
            .iter()
            .zip(&prep.model.weights)
            .map(|((column, &direction), &weight)| MeritWeight {
                column: column.clone(),
                direction,
                weight,
            })
            .collect(),
        weights_learned: prep.model.weights_learned,
        plot: partial_plot(&prep, estimates.full[0]),
        providers: provider_rows(&prep, &counts, rules.min_provider_products),
        inversions,
        tests,
        findings,
        status,
        verdict,
    })
}

/// Separates the bootstrap's random streams from the permutations'.
const BOOTSTRAP_STREAM: u64 = 0xB007_57A9;

fn label_test(prep: &Prepared<'_>, labels: &RegexSet, findings: &mut Vec<Finding>) -> TestResult {
    let mut labelled = 0;
    let mut unmerited = 0;
    for (s, session) in prep.sessions.iter().enumerate() {
        for (i, product) in session.products.iter().enumerate() {
            let Some(label) = product.label.as_deref().filter(|l| labels.is_match(l)) else {
                continue;
            };
            labelled += 1;
            let row = prep.panel.offsets[s] + i;
            if let Some(better) = dominance::best_dominator(&prep.panel, s, row) {
                unmerited += 1;
                let other = prep.product(better, s);
                findings.push(Finding {
                    test: LABEL_UNMERITED,
                    session_id: session.id.clone(),
                    product_id: product.product_id.clone(),
                    row: product.row,
                    detail: format!(
                        "labelled `{label}` but `{}` (position {}) is at least as good on every merit attribute",
                        other.product_id, other.position
                    ),
                });
            }
        }
    }
    if labelled == 0 {
        return TestResult::skipped(
            LABEL_UNMERITED,
            SCOPE_ALL,
            0,
            LABEL_METHOD,
            "no product carries a label matching label_patterns".into(),
        );
    }
    TestResult {
        effect: Some(unmerited as f64 / labelled as f64),
        status: Status::Pass,
        ..TestResult::skipped(
            LABEL_UNMERITED,
            SCOPE_ALL,
            labelled,
            LABEL_METHOD,
            format!("{unmerited} of {labelled} merit-claiming labels are on a product another product in the list beats on every merit attribute"),
        )
    }
}

fn disclosure_test(sessions: &[Session], findings: &mut Vec<Finding>) -> TestResult {
    let mut known = 0;
    let mut undisclosed = 0;
    for session in sessions {
        for product in session.products.iter().filter(|p| p.is_paid()) {
            match product.disclosed {
                None => {}
                Some(true) => known += 1,
                Some(false) => {
                    known += 1;
                    undisclosed += 1;
                    findings.push(Finding {
                        test: UNDISCLOSED_PAID,
                        session_id: session.id.clone(),
                        product_id: product.product_id.clone(),
                        row: product.row,
                        detail: format!(
                            "paid placement at position {} shown without disclosure",
                            product.position
                        ),
                    });
                }
            }
        }
    }
    if known == 0 {
        return TestResult::skipped(
            UNDISCLOSED_PAID,
            SCOPE_ALL,
            0,
            DISCLOSURE_METHOD,
            "no paid product has a `disclosed` value".into(),
        );
    }
    TestResult {
        effect: Some(undisclosed as f64 / known as f64),
        status: Status::Pass,
        ..TestResult::skipped(
            UNDISCLOSED_PAID,
            SCOPE_ALL,
            known,
            DISCLOSURE_METHOD,
            format!("{undisclosed} of {known} paid products are shown without disclosure"),
        )
    }
}

fn inversion_rows(prep: &Prepared<'_>, decided: &[(&Inversion, bool)]) -> Vec<InversionRow> {
    let mut rows: Vec<InversionRow> = decided
        .iter()
        .filter(|(_, winner_pays_more)| *winner_pays_more)
        .map(|(inv, _)| {
            let winner = prep.product(inv.winner, inv.session);
            let loser = prep.product(inv.loser, inv.session);
            InversionRow {
                session_id: prep.sessions[inv.session].id.clone(),
                winner_id: winner.product_id.clone(),
                winner_row: winner.row,
                winner_position: winner.position,
                winner_payment: prep.panel.payment[inv.winner],
                loser_id: loser.product_id.clone(),
                loser_position: loser.position,
                loser_payment: prep.panel.payment[inv.loser],
            }
        })
        .collect();
    // stable: equal gaps keep session order
    rows.sort_by(|a, b| {
        let gap = |r: &InversionRow| r.winner_payment - r.loser_payment;
        gap(b).total_cmp(&gap(a))
    });
    rows
}

/// Added-variable plot: products in equal-count bins of payment net of merit, with their
/// mean positions gained net of merit.
fn partial_plot(prep: &Prepared<'_>, slope: f64) -> PartialPlot {
    let panel = &prep.panel;
    let mut rows: Vec<usize> = (0..panel.sessions())
        .filter(|&s| panel.session_rows(s).len() > 1)
        .flat_map(|s| panel.session_rows(s))
        .collect();
    rows.sort_by(|&a, &b| prep.payment_residual[a].total_cmp(&prep.payment_residual[b]));
    let bins = PLOT_BINS.min(rows.len());
    let bins = (0..bins)
        .map(|b| {
            let chunk = &rows[b * rows.len() / bins..(b + 1) * rows.len() / bins];
            let mean =
                |v: &[f64]| chunk.iter().map(|&i| v[i]).sum::<f64>() / chunk.len().max(1) as f64;
            PlotBin {
                payment_residual: mean(&prep.payment_residual),
                positions_gained: mean(&prep.gain),
                count: chunk.len(),
            }
        })
        .collect();
    PartialPlot {
        bins,
        slope: if slope.is_finite() { slope } else { 0.0 },
    }
}

fn provider_rows(prep: &Prepared<'_>, counts: &[usize], min_products: usize) -> Vec<ProviderRow> {
    let panel = &prep.panel;
    let mut sums = vec![[0.0f64; 4]; panel.providers.len()];
    for i in 0..panel.rows() {
        let s = &mut sums[panel.provider[i] as usize];
        s[0] += panel.position[i];
        s[1] += prep.gain[i];
        s[2] += panel.paid[i];
        s[3] += panel.payment[i];
    }
    let tested = panel.providers.len() > 1;
    panel
        .providers
        .iter()
        .zip(sums)
        .zip(counts)
        .map(|((provider, s), &n)| {
            let n_f = n.max(1) as f64;
            ProviderRow {
                provider: provider.clone(),
                products: n,
                mean_position: s[0] / n_f,
                mean_expected_position: (s[0] + s[1]) / n_f,
                uplift: s[1] / n_f,
                paid_share: s[2] / n_f,
                mean_payment: s[3] / n_f,
                tested: tested && n >= min_products,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rankings::input::Product;
    use crate::rankings::rules::test_support::cfpb_rules;
    use crate::rankings::simulate::{simulate, SimSpec};

    fn quick_rules() -> RankingRules {
        RankingRules {
            permutations: 199,
            bootstrap: 199,
            min_provider_products: 5,
            ..cfpb_rules()
        }
    }

    fn every_test() -> TestPlan {
        let rate = |warn, fail| RateGate {
            warn_above: Some(warn),
            fail_above: Some(fail),
        };
        TestPlan::every_test(rate(0.0, 0.05), rate(0.0, 0.01))
    }

    fn run(
        sessions: &[Session],
        rules: &RankingRules,
        seed: u64,
    ) -> Result<RankingsAudit, RulesError> {
        super::run(sessions, rules, &every_test(), seed)
    }

    /// merit order: annual_fee (lower), apr (lower), rating (higher)
    fn product(
        row: usize,
        position: u32,
        id: &str,
        paid: bool,
        compensation: f64,
        merit: [f64; 3],
    ) -> Product {
        Product {
            row,
            position,
            product_id: id.into(),
            provider: format!("Bank {}", &id[..1]),
            paid: Some(paid),
            compensation: Some(compensation),
            label: None,
            disclosed: Some(true),
            merit: merit.to_vec(),
        }
    }

    #[test]
    fn same_seed_same_result_other_seed_other_p() {
        let sessions = simulate(&SimSpec::steered(0.05, 120, 6, 3));
        let rules = quick_rules();
        let a = run(&sessions, &rules, 11).expect("runs");
        let b = run(&sessions, &rules, 11).expect("runs");
        assert_eq!(a.tests, b.tests);
        assert_eq!(a.findings, b.findings);
        assert_eq!(a.verdict, b.verdict);
        let c = run(&sessions, &rules, 12).expect("runs");
        assert_ne!(
            a.tests.iter().map(|t| t.p_value).collect::<Vec<_>>(),
            c.tests.iter().map(|t| t.p_value).collect::<Vec<_>>()
        );
    }

    #[test]
    fn findings_point_at_rows() {
        let mut sessions = simulate(&SimSpec::fair(40, 5, 9));
        // A hand-made list: "A-bad" is beaten on every attribute by "B-good" yet ranks first,
        // pays more, carries "Top pick" and is not disclosed.
        let mut bad = product(1001, 1, "A-bad", true, 90.0, [95.0, 24.0, 3.0]);
        bad.label = Some("Top pick".into());
        bad.disclosed = Some(false);
        sessions.push(Session {
            id: "hand".into(),
            products: vec![
                bad,
                product(1002, 2, "B-good", false, 0.0, [0.0, 18.0, 4.5]),
                product(1003, 3, "C-mid", true, 20.0, [50.0, 30.0, 2.0]),
            ],
        });
        let audit = run(&sessions, &quick_rules(), 1).expect("runs");
        let at_row = |test: &str| -> Vec<&Finding> {
            audit
                .findings
                .iter()
                .filter(|f| f.test == test && f.row == 1001)
                .collect()
        };
        let inversion = at_row(MERIT_INVERSION);
        assert_eq!(inversion.len(), 1, "{:?}", audit.findings);
        assert!(
            inversion[0].detail.contains("`B-good` (2)"),
            "{}",
            inversion[0].detail
        );
        assert_eq!(inversion[0].session_id, "hand");
        let label = at_row(LABEL_UNMERITED);
        assert!(
            label.len() == 1 && label[0].detail.contains("`Top pick`"),
            "{label:?}"
        );
        assert_eq!(at_row(UNDISCLOSED_PAID).len(), 1);
        let undisclosed = audit
            .tests
            .iter()
            .find(|t| t.id == UNDISCLOSED_PAID)
            .expect("test");
        assert_eq!(undisclosed.status, Status::Fail);
        assert!(audit
            .inversions
            .iter()
            .any(|r| r.winner_id == "A-bad" && r.loser_id == "B-good"));
    }

    #[test]
    fn constant_payment_is_skipped_not_passed() {
        let mut sessions = simulate(&SimSpec::fair(30, 5, 2));
        for p in sessions.iter_mut().flat_map(|s| s.products.iter_mut()) {
            p.compensation = Some(10.0);
            p.paid = Some(true);
        }
        let audit = run(&sessions, &quick_rules(), 1).expect("runs");
        let status = |id: &str| audit.tests.iter().find(|t| t.id == id).map(|t| t.status);
        assert_eq!(status(COMPENSATION_EFFECT), Some(Status::Skip));
        assert_eq!(status(PAID_TOP_SHARE), Some(Status::Skip));
        assert!(audit
            .verdict
            .starts_with("Whether placement follows payment could not be tested"));
    }

    #[test]
    fn every_enabled_test_reports_and_disabled_ones_do_not() {
        let sessions = simulate(&SimSpec::fair(60, 6, 4));
        let mut plan = every_test();
        plan.enabled.remove(PAID_TOP_SHARE);
        let audit = super::run(&sessions, &quick_rules(), &plan, 1).expect("runs");
        let ids: std::collections::BTreeSet<&str> = audit.tests.iter().map(|t| t.id).collect();
        assert!(!ids.contains(PAID_TOP_SHARE));
        for id in [
            COMPENSATION_EFFECT,
            MERIT_INVERSION,
            PROVIDER_UPLIFT,
            LABEL_UNMERITED,
            UNDISCLOSED_PAID,
        ] {
            assert!(ids.contains(id), "{id} missing");
        }
        // six providers, one result each
        assert_eq!(
            audit
                .tests
                .iter()
                .filter(|t| t.id == PROVIDER_UPLIFT)
                .count(),
            6
        );
        for t in audit.tests.iter().filter(|t| t.p_value.is_some()) {
            let (p, q) = (t.p_value.unwrap_or(0.0), t.q_value.unwrap_or(0.0));
            assert!(p > 0.0 && p <= 1.0 && q >= p && q <= 1.0, "{t:?}");
        }
    }

    #[test]
    fn strong_steering_fails_the_gate() {
        let sessions = simulate(&SimSpec::steered(0.5, 200, 8, 5));
        let audit = run(&sessions, &quick_rules(), 1).expect("runs");
        let effect = audit
            .tests
            .iter()
            .find(|t| t.id == COMPENSATION_EFFECT)
            .expect("test");
        assert_eq!(effect.status, Status::Fail, "{effect:?}");
        let (lo, hi) = (effect.ci_low.unwrap_or(0.0), effect.ci_high.unwrap_or(0.0));
        assert!(lo > 0.0 && lo < hi, "{effect:?}");
        assert!(
            audit.verdict.starts_with("Placement follows payment"),
            "{}",
            audit.verdict
        );
        // the added-variable plot slopes upward
        let bins = &audit.plot.bins;
        assert!(bins.last().map(|b| b.positions_gained) > bins.first().map(|b| b.positions_gained));
    }
}
