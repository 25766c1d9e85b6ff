//! Progress on stderr: a spinner per step when stderr is a terminal (not with `-q`), and a
//! timing line per step with `-v`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    spinner: bool,
    timings: bool,
}

impl Progress {
    pub fn new(quiet: bool, verbose: bool) -> Progress {
        Progress {
            spinner: !quiet && std::io::stderr().is_terminal(),
            timings: verbose && !quiet,
        }
    }

    /// No output at all (tests, library use).
    pub fn silent() -> Progress {
        Progress::default()
    }

    pub fn step(&self, name: &str) -> Step {
        let bar = self.spinner.then(|| {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
                bar.set_style(style);
            }
            bar.set_message(name.to_string());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Step {
            name: name.to_string(),
            started: Instant::now(),
            bar,
            timings: self.timings,
        }
    }
}

pub struct Step {
    name: String,
    started: Instant,
    bar: Option<ProgressBar>,
    timings: bool,
}

impl Step {
    /// Ends the step; with `-v`, prints its time and throughput.
    pub fn done(self, rows: usize) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.timings {
            let secs = self.started.elapsed().as_secs_f64();
            // A step that took under a millisecond did no real work (e.g. no check enabled):
            // a rate would be noise.
            let rate = if secs >= 0.001 {
                format!("{:.0}", rows as f64 / secs)
            } else {
                "-".to_string()
            };
            let memory = memory_mb().map_or_else(String::new, |(now, peak)| {
                format!("  {now:>7} MB now  {peak:>7} MB peak")
            });
            eprintln!(
                "{:<14} {:>8.3} s  {:>10} rows  {:>12} rows/s{memory}",
                self.name, secs, rows, rate
            );
        }
    }
}

/// The process's resident memory now and its peak so far, in MB (Linux; `None` elsewhere):
/// which stage holds the memory is what bounds the size of list one machine can audit.
fn memory_mb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
    };
    Some((kb("VmRSS:")? / 1024, kb("VmHWM:")? / 1024))
}
