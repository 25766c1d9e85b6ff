//! Benchmark of the "reading inputs" stage: reads the given files with
//! `leadaudit::ingest::read_table` and prints wall time, CPU time and peak resident memory.
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/target-ingest cargo build --release --locked --example bench_read
//! D=/tmp/leadaudit-bench/synth-1000000-seed42
//! /work/target-ingest/release/examples/bench_read $D/vendor_a.csv $D/vendor_b.tsv \
//!     $D/web_leads.ndjson $D/consent.csv $D/crm.csv
//! /work/target-ingest/release/examples/bench_read --serial $D/consent.csv
//! ```
//!
//! By default all files are read at once, one rayon task per file, as `audit` does; with
//! `--serial` they are read one after another and each file gets its own line. Peak memory
//! is per process, so compare runs of one configuration each. Other work on the machine
//! skews wall time: the load average is printed with every run, and CPU time is steadier.

use std::time::Instant;

use leadaudit::ingest::{read_table, ContactColumns, HeaderMap, SourceSpec, Table};
use leadaudit::rules::{Rules, DEFAULT_RULES};
use rayon::prelude::*;

/// User + system CPU seconds of this process so far (Linux: /proc/self/stat, in clock ticks
/// of 1/100 s, which is what every Linux reports as USER_HZ).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let Some((_, after_name)) = stat.rsplit_once(')') else {
        return f64::NAN;
    };
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => f64::NAN,
    }
}

/// Peak resident memory of this process so far, in MB.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        })
        .map_or(0, |kb| kb / 1024)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn read(spec: &SourceSpec, headers: &HeaderMap) -> Table {
    // The consent file has no contact column requirement in `audit`; the others do, but the
    // check costs nothing, so Optional fits every file here.
    match read_table(spec, headers, ContactColumns::Optional) {
        Ok(table) => table,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let serial = args.first().is_some_and(|a| a == "--serial");
    if serial {
        args.remove(0);
    }
    if args.is_empty() {
        eprintln!("usage: bench_read [--serial] FILE...");
        std::process::exit(2);
    }
    let rules = Rules::parse(DEFAULT_RULES, "built-in").expect("built-in rules parse");
    let headers = HeaderMap::from_rules(&rules);
    let specs: Vec<SourceSpec> = args
        .iter()
        .map(|a| SourceSpec::parse(a).expect("a file path"))
        .collect();

    println!("load before: {}", load_average());
    let (wall0, cpu0) = (Instant::now(), cpu_seconds());
    let tables: Vec<Table> = if serial {
        specs
            .iter()
            .map(|spec| {
                let (wall, cpu) = (Instant::now(), cpu_seconds());
                let table = read(spec, &headers);
                println!(
                    "{:<20} {:>8} rows  {:>7.3} s wall  {:>7.3} s cpu  {:>6} MB peak",
                    spec.name,
                    table.info.rows,
                    wall.elapsed().as_secs_f64(),
                    cpu_seconds() - cpu,
                    peak_rss_mb()
                );
                table
            })
            .collect()
    } else {
        specs.par_iter().map(|spec| read(spec, &headers)).collect()
    };
    let rows: usize = tables.iter().map(|t| t.info.rows).sum();
    println!(
        "total                {:>8} rows  {:>7.3} s wall  {:>7.3} s cpu  {:>6} MB peak  (load after: {})",
        rows,
        wall0.elapsed().as_secs_f64(),
        cpu_seconds() - cpu0,
        peak_rss_mb(),
        load_average()
    );
}
