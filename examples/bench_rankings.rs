//! Benchmark of `leadaudit rankings` end to end (read CSV, validate, tests, write outputs):
//! `cargo run --release --example bench_rankings -- [SESSIONS] [PRODUCTS]` (default
//! 100000 × 10, steered γ = 0.1, built-in rules: 999 permutations, 999 bootstrap resamples).
use std::time::Instant;

use leadaudit::progress::{cpu_seconds, Progress};
use leadaudit::rankings::command::{run, RankingsOptions};
use leadaudit::rankings::simulate::{simulate, to_csv, SimSpec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sessions = args.first().copied().unwrap_or(100_000);
    let products = args.get(1).copied().unwrap_or(10);
    let dir = tempfile::TempDir::new()?;
    let input = dir.path().join("results.csv");
    std::fs::write(
        &input,
        to_csv(&simulate(&SimSpec::steered(0.1, sessions, products, 42))),
    )?;
    let options = RankingsOptions {
        results: input.display().to_string(),
        rules: None,
        out: dir.path().join("out"),
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("date")?,
        warn_as_error: false,
        seed: None,
        templates: None,
        progress: Progress::new(false, true),
    };
    let start = Instant::now();
    let cpu_start = cpu_seconds().unwrap_or(0.0);
    let summary = run(&options)?;
    println!(
        "{sessions} sessions x {products} products: gate {} in {:.2} s wall, {:.2} s CPU, {} threads",
        summary.gate.status.as_str(),
        start.elapsed().as_secs_f64(),
        cpu_seconds().unwrap_or(0.0) - cpu_start,
        rayon::current_num_threads()
    );
    Ok(())
}
