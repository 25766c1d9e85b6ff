//! When freed memory goes back to the OS.
//!
//! mimalloc hands freed pages back to the OS a second after they are freed. An audit's steps
//! each free what they built, and the next step allocates again: pages handed back and taken
//! again cost a page fault each and are zeroed by the kernel. At 1M rows that was 0.66M of
//! 1.14M page faults and half of 5 CPU-s of system time (docs/PERFORMANCE.md, item 56).
//! So until the process first holds more than a quarter of the memory it may use, freed pages
//! are kept for reuse; from then on mimalloc's own delay applies, so a large audit's peak
//! stays what it was (keeping them for the whole run raised a 10M-row audit's peak from 10.5
//! to 13.9 GB).

use std::ffi::c_long;
use std::sync::Once;
use std::time::Duration;

use libmimalloc_sys::{mi_collect, mi_option_get, mi_option_set, mi_option_t};

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_e` (`mimalloc.h`; libmimalloc-sys
/// does not name it for mimalloc 3).
const PURGE_DELAY: mi_option_t = 15;

/// The purge delay while freed pages are kept: longer than any audit.
const KEEP_MS: c_long = 24 * 3_600_000;

/// How often resident memory is compared with the budget.
const POLL: Duration = Duration::from_millis(100);

/// Keeps freed pages until resident memory first goes over a quarter of what the process may
/// use (once per process; called when an audit starts). Nothing changes where memory
/// cannot be measured, or when the user set `MIMALLOC_PURGE_DELAY`.
pub fn keep_freed_until_large() {
    static WATCHER: Once = Once::new();
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    let Some(budget_mb) = budget_mb() else {
        return;
    };
    WATCHER.call_once(|| {
        // SAFETY: reads one of mimalloc's option values; no pointers.
        let default_delay = unsafe { mi_option_get(PURGE_DELAY) };
        // Without the thread nothing changes: freed pages go back as mimalloc decides.
        let _ = std::thread::Builder::new()
            .name("freed-memory".to_string())
            .spawn(move || watch(budget_mb, default_delay));
    });
}

/// Waits until resident memory first goes over the budget, then hands back what is kept and
/// lets mimalloc's own delay apply for the rest of the process: going back to keeping when
/// memory falls below the budget again (between stages of a large audit) raised a 10M-row
/// audit's peak by ~270 MiB, the pages kept in the 100 ms before the next look.
fn watch(budget_mb: u64, default_delay: c_long) {
    // SAFETY (both blocks): set one of mimalloc's option values and ask it to purge the
    // pages it keeps; no pointers, and mimalloc allows both from any thread at any time.
    unsafe { mi_option_set(PURGE_DELAY, KEEP_MS) };
    while crate::progress::memory_mb().is_some_and(|(now, _)| now <= budget_mb) {
        std::thread::sleep(POLL);
    }
    unsafe {
        mi_option_set(PURGE_DELAY, default_delay);
        mi_collect(true);
    }
}

/// A quarter of the memory this process may use, in MiB: while resident memory is under it,
/// an audit trades memory for time (freed pages kept, independent stages side by side).
fn budget_mb() -> Option<u64> {
    usable_mb().map(|mb| mb / 4)
}

/// Whether resident memory is under [`budget_mb`]; false where memory cannot be measured.
pub fn is_small() -> bool {
    budget_mb()
        .zip(crate::progress::memory_mb())
        .is_some_and(|(budget, (now, _))| now < budget)
}

/// The memory this process may use in MiB: the machine's, or its container's limit (cgroup
/// v2 or v1) when that is lower. Linux; `None` elsewhere.
pub fn usable_mb() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let total = crate::progress::proc_kb(&info, "MemTotal:")? / 1024;
    // "max" (v2) or a huge number (v1) when no limit is set.
    let limit = [
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    ]
    .iter()
    .find_map(|path| {
        std::fs::read_to_string(path)
            .ok()?
            .trim()
            .parse::<u64>()
            .ok()
    })
    .map_or(u64::MAX, |bytes| bytes / (1024 * 1024));
    Some(total.min(limit))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn usable_memory_is_read_and_at_most_the_machines() {
        let usable = super::usable_mb().expect("/proc/meminfo gives MemTotal");
        let info = std::fs::read_to_string("/proc/meminfo").unwrap();
        let total_kb: u64 = info
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap();
        assert!(
            usable > 0 && usable <= total_kb / 1024,
            "{usable} MiB of {total_kb} kB"
        );
    }
}
