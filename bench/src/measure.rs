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

/// Runs `command` to completion, collecting its standard output; standard error is passed
/// through. Fails when the program cannot start or exits with a failure status.
pub fn run_child(command: &mut Command) -> anyhow::Result<ChildRun> {
    let program = format!("{command:?}");
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {program}"))?;
    let mut stdout = Vec::new();
    child
        .stdout
        .take()
        .expect("stdout is piped")
        .read_to_end(&mut stdout)
        .with_context(|| format!("cannot read the output of {program}"))?;

    let (status, usage) = wait_with_usage(child.id())?;
    let wall = started.elapsed();
    anyhow::ensure!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{program} failed (wait status {status:#x})"
    );
    Ok(ChildRun {
        wall,
        peak_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        stdout,
    })
}

/// Waits for the child `pid` and returns its wait status and resource usage. `std`'s
/// `Child::wait` would reap the child without the usage, so this calls `wait4` directly.
fn wait_with_usage(pid: u32) -> anyhow::Result<(i32, libc::rusage)> {
    let pid = libc::pid_t::try_from(pid).context("the child's pid does not fit pid_t")?;
    let mut status = 0;
    // SAFETY: `rusage` is plain data, for which all zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are valid for writes for the duration of the call.
        let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if waited == pid {
            return Ok((status, usage));
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error).context("wait4 on the child failed");
        }
    }
}

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
