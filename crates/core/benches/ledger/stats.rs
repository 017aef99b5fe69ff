//! Measuring: CPU time, percentiles, units.

use std::path::PathBuf;
use std::time::Duration;

/// CPU time of this process, all threads (Linux `/proc/self/stat`; 0 elsewhere), in seconds.
pub(crate) fn cpu_secs() -> f64 {
    let read = || -> Option<f64> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Fields after the command name; utime and stime are fields 14 and 15 of the line.
        let mut f = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
        let utime: u64 = f.next()?.parse().ok()?;
        let stime: u64 = f.next()?.parse().ok()?;
        // In clock ticks, USER_HZ = 100 on Linux.
        Some((utime + stime) as f64 / 100.0)
    };
    read().unwrap_or(0.0)
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub(crate) fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub(crate) fn dir_size(files: &[PathBuf]) -> u64 {
    files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum()
}

pub(crate) struct Lat {
    pub(crate) p50: Duration,
    pub(crate) p99: Duration,
}

pub(crate) fn lat(mut v: Vec<Duration>) -> Lat {
    v.sort();
    Lat {
        p50: percentile(&v, 0.5),
        p99: percentile(&v, 0.99),
    }
}

pub(crate) fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT MET" }
}
