//! Progress on stderr: a spinner per step when stderr is a terminal (not with `-q`), and a
//! timing line per step with `-v`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Spinners, one line per running step (steps may run side by side).
    spinners: Option<MultiProgress>,
    timings: bool,
}

impl Progress {
    pub fn new(quiet: bool, verbose: bool) -> Progress {
        Progress {
            spinners: (!quiet && std::io::stderr().is_terminal()).then(MultiProgress::new),
            timings: verbose && !quiet,
        }
    }

    /// No output at all (tests, library use).
    pub fn silent() -> Progress {
        Progress::default()
    }

    pub fn step(&self, name: &str) -> Step {
        let bar = self.spinners.as_ref().map(|spinners| {
            let bar = spinners.add(ProgressBar::new_spinner());
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
            cpu_started: cpu_seconds(),
            bar,
            timings: self.timings,
            beside_others: false,
        }
    }
}

pub struct Step {
    name: String,
    started: Instant,
    /// Process CPU time at the start (all threads), where the platform tells.
    cpu_started: Option<f64>,
    bar: Option<ProgressBar>,
    timings: bool,
    /// The step runs beside other steps: its time overlaps theirs, and its CPU time (the
    /// process's) includes theirs.
    beside_others: bool,
}

impl Step {
    /// Marks the step as running beside other steps (its timing line says so).
    pub fn beside_others(mut self) -> Step {
        self.beside_others = true;
        self
    }

    /// Ends the step; with `-v`, prints its time and throughput.
    pub fn done(self, rows: usize) {
        if self.timings {
            let line = self.timing_line(rows);
            match &self.bar {
                // Printed between spinner redraws (of every step running side by side), so no
                // running step's spinner is torn.
                Some(bar) => bar.suspend(|| eprintln!("{line}")),
                None => eprintln!("{line}"),
            }
        }
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn timing_line(&self, rows: usize) -> String {
        let secs = self.started.elapsed().as_secs_f64();
        // A step that took under a millisecond did no real work (e.g. no check enabled):
        // a rate would be noise.
        let rate = if secs >= 0.001 {
            format!("{:.0}", rows as f64 / secs)
        } else {
            "-".to_string()
        };
        // CPU seconds show a stage's parallelism, and stay meaningful when other
        // programs compete for the cores and wall time does not.
        let cpu = match (self.cpu_started, cpu_seconds()) {
            (Some(start), Some(end)) => format!("  {:>7.2} cpu-s", end - start),
            _ => String::new(),
        };
        let memory = memory_mb().map_or_else(String::new, |(now, peak)| {
            format!("  {now:>7} MB now  {peak:>7} MB peak")
        });
        let beside = if self.beside_others {
            "  (beside other stages)"
        } else {
            ""
        };
        format!(
            "{:<14} {:>8.3} s  {:>10} rows  {:>12} rows/s{cpu}{memory}{beside}",
            self.name, secs, rows, rate
        )
    }
}

/// The process's resident memory now and its peak so far, in MB (MiB; Linux, `None`
/// elsewhere): which stage holds the memory is what bounds the size of list one machine can
/// audit. The benchmarks in `examples/` report it too.
pub fn memory_mb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    Some((
        proc_kb(&status, "VmRSS:")? / 1024,
        proc_kb(&status, "VmHWM:")? / 1024,
    ))
}

/// The value of a `Key:   1234 kB` line of a `/proc` file such as `status` or `meminfo`.
pub fn proc_kb(text: &str, key: &str) -> Option<u64> {
    let rest = text.lines().find_map(|line| line.strip_prefix(key))?;
    rest.trim().trim_end_matches("kB").trim().parse().ok()
}

/// User + system CPU time of the process so far, in seconds (Linux; `None` elsewhere).
/// `/proc/self/stat` counts in clock ticks, 100 per second on Linux.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at its closing bracket;
    // utime and stime are fields 14 and 15 of the whole line.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / 100.0)
}

#[cfg(test)]
mod tests {
    use super::proc_kb;

    #[test]
    fn proc_values_are_read_by_key() {
        let status = "Name:\tleadaudit\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n";
        assert_eq!(proc_kb(status, "VmRSS:"), Some(1024));
        assert_eq!(proc_kb(status, "VmHWM:"), Some(2048));
        assert_eq!(proc_kb(status, "VmSwap:"), None);
        assert_eq!(proc_kb(status, "Name:"), None);
    }
}
