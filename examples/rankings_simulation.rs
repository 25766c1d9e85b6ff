//! Simulation study of the rankings tests: `cargo run --release --example rankings_simulation -- AUDITS`
//! (default 200). Prints a Markdown table of rejection rates (p ≤ alpha) per scenario.
use std::time::Instant;

use leadaudit::rankings::rules::RankingRules;
use leadaudit::rankings::simulate::{rejection_rates, SimSpec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let audits: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let text = include_str!("../rules/rankings-cfpb.toml");
    let rules: RankingRules = leadaudit::rules::Rules::parse(text, "rankings-cfpb.toml")?.rankings;

    let base = |sessions| SimSpec::fair(sessions, 10, 1_000);
    let mut scenarios: Vec<(String, SimSpec)> = vec![
        (
            "independent null (fair tool, pay unrelated to merit)".into(),
            base(500),
        ),
        (
            "hard null: better products pay more (ρ = 0.6), merit-only ranking".into(),
            SimSpec {
                merit_pay_correlation: 0.6,
                ..base(500)
            },
        ),
        (
            "hard null, ρ = 0.9".into(),
            SimSpec {
                merit_pay_correlation: 0.9,
                ..base(500)
            },
        ),
        (
            "hard null, ρ = −0.6 (worse products pay more)".into(),
            SimSpec {
                merit_pay_correlation: -0.6,
                ..base(500)
            },
        ),
        (
            "hard null, auditor sees paid flag only".into(),
            SimSpec {
                merit_pay_correlation: 0.6,
                paid_only: true,
                ..base(500)
            },
        ),
        (
            "hard null, small audit (50 sessions)".into(),
            SimSpec {
                merit_pay_correlation: 0.6,
                ..base(50)
            },
        ),
        (
            "hard null, large audit (5,000 sessions)".into(),
            SimSpec {
                merit_pay_correlation: 0.6,
                ..base(5_000)
            },
        ),
    ];
    for gamma in [0.005, 0.01, 0.02, 0.05, 0.1, 0.2] {
        scenarios.push((
            format!("steered γ = {gamma} (on the ρ = 0.6 hard null)"),
            SimSpec {
                gamma,
                merit_pay_correlation: 0.6,
                ..base(500)
            },
        ));
    }
    scenarios.push((
        "steered γ = 0.05, noisy tool (ranking noise 1.0, not 0.3)".into(),
        SimSpec {
            gamma: 0.05,
            merit_pay_correlation: 0.6,
            noise: 1.0,
            ..base(500)
        },
    ));
    scenarios.push((
        "steered γ = 0.1, auditor sees paid flag only".into(),
        SimSpec {
            gamma: 0.1,
            merit_pay_correlation: 0.6,
            paid_only: true,
            ..base(500)
        },
    ));
    scenarios.push((
        "steered γ = 0.005, large audit (5,000 sessions)".into(),
        SimSpec {
            gamma: 0.005,
            merit_pay_correlation: 0.6,
            ..base(5_000)
        },
    ));

    println!("| scenario | sessions × products | audits | compensation_effect | merit_inversion | paid_top_share | provider_uplift (any q ≤ α) | gate flags | CI covers 0 |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, spec) in &scenarios {
        let start = Instant::now();
        let r = rejection_rates(spec, audits, &rules);
        println!(
            "| {name} | {} × {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
            spec.sessions,
            spec.products,
            r.audits,
            r.compensation_effect,
            r.merit_inversion,
            r.paid_top_share,
            r.provider_uplift,
            r.gate_flagged,
            r.interval_covers_zero
        );
        eprintln!("{name}: {:.1}s", start.elapsed().as_secs_f64());
    }
    Ok(())
}
