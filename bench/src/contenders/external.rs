//! The peers that run as programs of their own: jq and CPython.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

use super::{Contender, Tally};
use crate::measure::{self, ChildRun};

/// The folder of the peers' rule files.
fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("peers")
}

/// The command that runs `contender` over `input`.
pub fn command(contender: Contender, input: &Path) -> Command {
    match contender {
        Contender::Jq => {
            let mut command = Command::new("jq");
            command
                .arg("-c")
                .arg("-f")
                .arg(peers_dir().join("lambda_function_deleted.jq"))
                .arg(input);
            command
        }
        Contender::Python => {
            let mut command = Command::new("python3");
            command
                .arg(peers_dir().join("lambda_function_deleted.py"))
                .arg(input);
            command
        }
        other => panic!("{other} is not an external program"),
    }
}

/// Runs an external peer and reads its alert count: jq prints one line per matching record,
/// the Python script prints the count. `events` is the input's record count, which neither
/// program reports.
pub fn run(contender: Contender, input: &Path, events: u64) -> anyhow::Result<(Tally, ChildRun)> {
    let run = measure::run_child(&mut command(contender, input))?;
    let alerts = match contender {
        Contender::Jq => run.stdout.iter().filter(|&&byte| byte == b'\n').count() as u64,
        _ => String::from_utf8_lossy(&run.stdout)
            .trim()
            .parse()
            .with_context(|| format!("{contender} printed no alert count"))?,
    };
    let tally = Tally {
        events,
        alerts,
        errors: 0,
    };
    Ok((tally, run))
}

/// The version line a program prints, for the report.
pub fn version(program: &str) -> String {
    let output = Command::new(program).arg("--version").output();
    match output {
        Ok(output) => {
            let text = if output.stdout.is_empty() {
                output.stderr
            } else {
                output.stdout
            };
            String::from_utf8_lossy(&text).trim().to_owned()
        }
        Err(error) => format!("{program} not found: {error}"),
    }
}
