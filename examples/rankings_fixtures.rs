//! Writes the rankings fixtures with the simulator:
//! `cargo run --release --example rankings_fixtures -- fixtures/rankings`.
//! fair.csv: merit-only ranking, payment unrelated to merit; correlated.csv: merit-only
//! ranking where better cards pay more (the hard null); steered.csv: the same market with
//! placement bought by compensation (γ = 0.15) and some undisclosed paid slots.
use std::path::PathBuf;

use leadaudit::rankings::simulate::{simulate, to_csv, SimSpec};

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fixtures/rankings".into()),
    );
    std::fs::create_dir_all(&dir)?;
    let (sessions, products) = (150, 8);
    let fixtures = [
        ("fair.csv", SimSpec::fair(sessions, products, 2024)),
        (
            "correlated.csv",
            SimSpec::correlated_null(sessions, products, 2025),
        ),
        (
            "steered.csv",
            SimSpec::steered(0.15, sessions, products, 2026),
        ),
    ];
    for (name, spec) in fixtures {
        std::fs::write(dir.join(name), to_csv(&simulate(&spec)))?;
        println!("wrote {} ({spec:?})", dir.join(name).display());
    }
    Ok(())
}
