//! `rule-host scan` with its reader thread and with `--single-thread`, over plain NDJSON and
//! over gzip CloudTrail log files, to show what the second thread buys.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::Command;

use anyhow::Context;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};

use crate::measure;

/// Records per `{"Records": [...]}` document in the gzip input. A CloudTrail log file
/// contains a few minutes of one account and region. 200 records is an estimate, not a
/// measured typical size.
const RECORDS_PER_LOG_FILE: usize = 200;

/// One timed `rule-host scan`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanRun {
    /// The input's name in the table: `NDJSON` or `gzip log files`.
    pub input: String,
    /// Threads reading and evaluating: 2 by default, 1 with `--single-thread`.
    pub threads: u32,
    pub events: u64,
    pub seconds: f64,
    pub peak_rss_kib: u64,
}

/// Writes the records of the NDJSON file `records` as gzip CloudTrail log files, one
/// `{"Records": [...]}` document per line, in one gzip stream at the default level.
pub fn write_log_files(records: &Path, output: &Path) -> anyhow::Result<()> {
    let input =
        File::open(records).with_context(|| format!("cannot open {}", records.display()))?;
    let file =
        File::create(output).with_context(|| format!("cannot create {}", output.display()))?;
    let mut gzip = GzEncoder::new(
        BufWriter::with_capacity(1 << 20, file),
        Compression::default(),
    );

    let mut in_document = 0;
    for line in BufReader::with_capacity(1 << 20, input).lines() {
        let line = line?;
        gzip.write_all(if in_document == 0 {
            b"{\"Records\":["
        } else {
            b","
        })?;
        gzip.write_all(line.as_bytes())?;
        in_document += 1;
        if in_document == RECORDS_PER_LOG_FILE {
            gzip.write_all(b"]}\n")?;
            in_document = 0;
        }
    }
    if in_document > 0 {
        gzip.write_all(b"]}\n")?;
    }
    gzip.finish()?.flush()?;
    Ok(())
}

/// Runs `rule-host scan` once over `path` in each thread mode, and checks that every run
/// wrote the `expected` number of alerts.
pub fn measure_modes(
    rule_host: &Path,
    input: &str,
    path: &Path,
    events: u64,
    expected: u64,
) -> anyhow::Result<Vec<ScanRun>> {
    let mut runs = Vec::new();
    for threads in [2, 1] {
        eprintln!("rule-host scan, {input}, {threads} thread(s)");
        let mut command = Command::new(rule_host);
        command.arg("scan").arg("--quiet");
        if threads == 1 {
            command.arg("--single-thread");
        }
        command.arg(path);
        let run = measure::run_child(&mut command)?;

        let alerts = run.stdout.iter().filter(|&&byte| byte == b'\n').count() as u64;
        anyhow::ensure!(
            alerts == expected,
            "rule-host scan of {input} with {threads} thread(s) wrote {alerts} alerts, but the \
             generator built {expected}"
        );
        runs.push(ScanRun {
            input: input.to_owned(),
            threads,
            events,
            seconds: run.wall.as_secs_f64(),
            peak_rss_kib: run.peak_rss_kib,
        });
    }
    Ok(runs)
}
