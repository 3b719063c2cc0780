//! Runs a program as a child process and measures its wall time and peak resident memory.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

/// What a finished child process used and printed.
#[derive(Debug, Clone)]
pub struct ChildRun {
    pub wall: Duration,
    /// The child's peak resident set size (`ru_maxrss`), in KiB.
    pub peak_rss_kib: u64,
    pub stdout: Vec<u8>,
}

/// Runs `command` to completion under GNU time, collecting its standard output; standard
/// error is passed through. Fails when the program cannot start or exits with a failure
/// status.
///
/// The peak memory comes from GNU time rather than from this process's own `wait4`: Linux
/// carries the memory high-water mark of the process that forks into the child's
/// `ru_maxrss`, so a child of this (larger) process would report at least this process's
/// size. GNU time is small, so its child's figure is the program's own.
pub fn run_child(command: &mut Command) -> anyhow::Result<ChildRun> {
    let program = format!("{command:?}");
    let report = std::env::temp_dir().join(format!(
        "rule-bench-rss-{}-{}",
        std::process::id(),
        REPORTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let mut timed = Command::new(GNU_TIME);
    timed
        .arg("--format=%M")
        .arg("--output")
        .arg(&report)
        .arg(command.get_program())
        .args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        timed.current_dir(dir);
    }

    let started = Instant::now();
    let mut child = timed
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {program} under {GNU_TIME}"))?;
    let mut stdout = Vec::new();
    child
        .stdout
        .take()
        .expect("stdout is piped")
        .read_to_end(&mut stdout)
        .with_context(|| format!("cannot read the output of {program}"))?;
    let status = child.wait()?;
    let wall = started.elapsed();
    anyhow::ensure!(status.success(), "{program} failed ({status})");

    let peak = std::fs::read_to_string(&report)
        .with_context(|| format!("{GNU_TIME} wrote no report for {program}"))?;
    let _ = std::fs::remove_file(&report);
    let peak_rss_kib = peak
        .trim()
        .lines()
        .last()
        .and_then(|line| line.trim().parse().ok())
        .with_context(|| format!("{GNU_TIME} reported no peak memory: {peak:?}"))?;
    Ok(ChildRun {
        wall,
        peak_rss_kib,
        stdout,
    })
}

/// GNU time, from Debian's `time` package.
const GNU_TIME: &str = "/usr/bin/time";

/// Numbers the report files of concurrent runs.
static REPORTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The median of `values`; the mean of the two middle ones for an even count.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[middle],
        _ => (sorted[middle - 1] + sorted[middle]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::{median, run_child};

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn child_output_and_memory_collected() {
        let run = run_child(Command::new("sh").args(["-c", "echo hello"])).unwrap();

        assert_eq!(run.stdout, b"hello\n");
        assert!(run.peak_rss_kib > 0, "{run:?}");
    }

    #[test]
    fn failing_child_is_an_error() {
        let result = run_child(Command::new("sh").args(["-c", "exit 3"]));

        assert!(result.is_err());
    }
}
