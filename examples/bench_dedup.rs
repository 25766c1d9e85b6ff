//! Dedup engine benchmark on generated leads (the engine alone, no file I/O):
//! `cargo run --release --example bench_dedup -- [ROWS] [RULES.toml]`
//! (default 1,000,000 rows, the built-in rules). Prints wall time, candidate pairs per row,
//! pairwise precision/recall/F1 against the generator's labels and peak memory.

use std::path::Path;
use std::time::Instant;

// The test generator refers to the engine's input types as `super::…`.
use leadaudit::checks::dedup::{deduplicate, Checks, Records, Source, TextColumn};
use leadaudit::checks::email::{EmailLists, EmailRules};
use leadaudit::progress::memory_mb;
use leadaudit::rules::Rules;

#[path = "../src/checks/dedup/testgen.rs"]
mod testgen;

use testgen::{pairwise, records, Generator};

fn main() -> Result<(), String> {
    let rows: usize = std::env::args().nth(1).map_or(Ok(1_000_000), |a| {
        a.parse().map_err(|e| format!("rows: {e}"))
    })?;
    let rules_path = std::env::args().nth(2);
    let rules = Rules::load(rules_path.as_deref().map(Path::new))
        .map_err(|e| e.to_string())?
        .rules;

    let t = Instant::now();
    // 10% duplicates; 2% namesakes and 2% household members as near-misses.
    let people = rows * 86 / 100;
    let generated = Generator::new(42).rows(people, rows / 10, rows / 50, rows / 50, 3);
    let sources = ["vendor_a", "vendor_b", "vendor_c"]
        .iter()
        .map(|n| Source {
            name: n.to_string(),
            known: false,
            priority: None,
        })
        .collect();
    eprintln!("generated {} rows in {:.2?}", generated.len(), t.elapsed());

    let t = Instant::now();
    let mut input: Records = records(&generated, sources);
    let lists = EmailLists::new(&EmailRules::default());
    input.mark_shared_mailboxes(|local| lists.is_role(local));
    let build = t.elapsed();
    let t = Instant::now();
    let checks = Checks {
        email: true,
        phone: true,
        fuzzy: true,
        known: true,
    };
    let outcome = deduplicate(&mut input, &rules.dedup, checks)?;
    let dedup = t.elapsed();
    let (precision, recall, f1) = pairwise(
        &generated,
        outcome.clusters.iter().map(|c| c.members.as_slice()),
    );
    println!(
        "rows {} threads {} | input columns {:.2?} | dedup {:.2?} | candidate pairs {} \
         ({:.2}/row) | fuzzy matches {} | findings {} | precision {precision:.4} \
         recall {recall:.4} f1 {f1:.4} | peak RSS {:.0} MB",
        generated.len(),
        rayon::current_num_threads(),
        build,
        dedup,
        outcome.stats.candidate_pairs,
        outcome.stats.pairs_per_row,
        outcome.stats.fuzzy_matches,
        outcome.findings.len(),
        memory_mb().map_or(f64::NAN, |(_, peak)| peak as f64)
    );
    for pass in &outcome.stats.passes {
        println!(
            "  pass {:<15} blocks {:>8} oversized {:>5} neighbourhood rows {:>7} pairs {:>9} skipped {:>9}",
            pass.name,
            pass.blocks,
            pass.oversized_blocks,
            pass.neighbourhood_rows,
            pass.pairs,
            pass.pairs_skipped
        );
    }
    Ok(())
}
