//! Benchmark of the "reading inputs" stage: reads the given files with
//! `leadaudit::ingest::read_table` and prints wall time, CPU time and peak resident memory.
//!
//! ```sh
//! D=/tmp/leadaudit-bench/synth-1000000-seed42-<generator>   # made by scripts/bench.sh
//! cargo run --release --example bench_read -- $D/vendor_a.csv $D/vendor_b.tsv \
//!     $D/web_leads.ndjson $D/consent.csv $D/crm.csv
//! cargo run --release --example bench_read -- --serial $D/consent.csv
//! ```
//!
//! By default all files are read at once, one rayon task per file, as `audit` does; with
//! `--serial` they are read one after another and each file gets its own line. Peak memory
//! is per process, so compare runs of one configuration each. Other work on the machine
//! skews wall time: the load average is printed with every run, and CPU time is steadier.

use std::time::Instant;

use leadaudit::ingest::{read_table, ContactColumns, HeaderMap, SourceSpec, Table};
use leadaudit::progress::{cpu_seconds, memory_mb};
use leadaudit::rules::{Rules, DEFAULT_RULES};
use rayon::prelude::*;

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

    let cpu_now = || cpu_seconds().unwrap_or(f64::NAN);
    let peak_mb = || memory_mb().map_or(0, |(_, peak)| peak);
    println!("load before: {}", load_average());
    let (wall0, cpu0) = (Instant::now(), cpu_now());
    let tables: Vec<Table> = if serial {
        specs
            .iter()
            .map(|spec| {
                let (wall, cpu) = (Instant::now(), cpu_now());
                let table = read(spec, &headers);
                println!(
                    "{:<20} {:>8} rows  {:>7.3} s wall  {:>7.3} s cpu  {:>6} MB peak",
                    spec.name,
                    table.info.rows,
                    wall.elapsed().as_secs_f64(),
                    cpu_now() - cpu,
                    peak_mb()
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
        cpu_now() - cpu0,
        peak_mb(),
        load_average()
    );
}
