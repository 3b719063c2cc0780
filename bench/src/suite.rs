//! The whole benchmark: generate the input, run every contender several times, measure the
//! `rule-host` command, and print the table with the ratios the targets name.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::contenders::{Contender, Tally, external};
use crate::generate::{Generator, SizePercentiles, Summary};
use crate::measure::{self, median};
use crate::threads::{self, ScanRun};

/// Settings of one suite run.
#[derive(Debug, Clone)]
pub struct Options {
    pub events: u64,
    pub seed: u64,
    pub runs: usize,
    pub workdir: PathBuf,
    pub contenders: Vec<Contender>,
    /// The `rule-host` binary; `None` leaves out its memory and start-up measurements.
    pub rule_host: Option<PathBuf>,
    /// Events of the file `rule-host scan` reads for its memory measurement.
    pub scan_events: u64,
}

/// One run of one contender.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measurement {
    pub tally: Tally,
    /// Time spent on the events, setup excluded for the in-process contenders.
    pub seconds: f64,
    pub peak_rss_kib: u64,
}

/// The report an in-process contender prints when it runs as a child of the suite.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChildReport {
    pub tally: Tally,
    pub seconds: f64,
}

/// The input a run measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputFacts {
    pub path: PathBuf,
    pub records: u64,
    pub bytes: u64,
    pub must_alert: u64,
    pub size_median: u32,
    pub size_p99: u32,
    pub size_max: u32,
}

/// `rule-host` measurements.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HostFacts {
    pub scan_events: u64,
    pub scan_alerts: u64,
    pub scan_expected_alerts: u64,
    pub scan_seconds: f64,
    pub scan_peak_rss_kib: u64,
    /// Median wall time of `rule-host scan` on a one-line file, cache warm.
    pub one_line_seconds: f64,
    pub one_line_method: String,
    /// Scans of the same records with two threads and with one, plain and gzip.
    #[serde(default)]
    pub thread_runs: Vec<ScanRun>,
}

/// Everything the report prints.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    pub input: InputFacts,
    pub runs: usize,
    pub measurements: BTreeMap<String, Vec<Measurement>>,
    pub host: Option<HostFacts>,
}

pub fn run(options: &Options) -> anyhow::Result<Results> {
    fs::create_dir_all(&options.workdir)
        .with_context(|| format!("cannot create {}", options.workdir.display()))?;
    let input_path = options
        .workdir
        .join(format!("cloudtrail-{}.ndjson", options.events));
    let scan_path = options
        .workdir
        .join(format!("cloudtrail-{}.ndjson", options.scan_events));

    eprintln!(
        "generating {} and {} events (seed {})",
        options.events, options.scan_events, options.seed
    );
    let wanted = [
        (input_path.clone(), options.events),
        (scan_path.clone(), options.scan_events),
    ];
    let mut summaries = generate_files(options.seed, &wanted)?;
    let input = facts(&input_path, &mut summaries[0]);
    let scan_expected = summaries[1].must_alert;
    eprintln!(
        "input: {} records, {} bytes, {} must alert; sizes {:?}",
        input.records,
        input.bytes,
        input.must_alert,
        summaries[0].size_percentiles()
    );

    let mut measurements: BTreeMap<String, Vec<Measurement>> = BTreeMap::new();
    for run in 1..=options.runs {
        for &contender in &options.contenders {
            let measurement = measure(contender, &input)?;
            eprintln!(
                "run {run}/{}: {contender}: {:.0} events/s, {} alerts, {} MiB",
                options.runs,
                measurement.tally.events as f64 / measurement.seconds,
                measurement.tally.alerts,
                measurement.peak_rss_kib / 1024
            );
            measurements
                .entry(contender.name().to_owned())
                .or_default()
                .push(measurement);
        }
    }

    let host = match &options.rule_host {
        Some(rule_host) => Some(measure_host(
            rule_host,
            &options.workdir,
            &scan_path,
            options.scan_events,
            scan_expected,
        )?),
        None => None,
    };
    Ok(Results {
        input,
        runs: options.runs,
        measurements,
        host,
    })
}

/// Writes the first `count` records of the seeded stream to each path, in one pass.
fn generate_files(seed: u64, wanted: &[(PathBuf, u64)]) -> anyhow::Result<Vec<Summary>> {
    let most = wanted.iter().map(|(_, count)| *count).max().unwrap_or(0);
    let mut writers = wanted
        .iter()
        .map(|(path, _)| {
            File::create(path)
                .map(|file| BufWriter::with_capacity(1 << 20, file))
                .with_context(|| format!("cannot create {}", path.display()))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut summaries = vec![Summary::default(); wanted.len()];
    let mut generator = Generator::new(seed);

    for index in 0..most {
        let record = generator.record();
        for ((writer, summary), (_, count)) in writers.iter_mut().zip(&mut summaries).zip(wanted) {
            if index < *count {
                writer.write_all(record.line.as_bytes())?;
                writer.write_all(b"\n")?;
                summary.add(&record);
            }
        }
    }
    for writer in &mut writers {
        writer.flush()?;
    }
    Ok(summaries)
}

fn facts(path: &Path, summary: &mut Summary) -> InputFacts {
    let SizePercentiles { median, p99, max } = summary.size_percentiles();
    InputFacts {
        path: path.to_owned(),
        records: summary.records,
        bytes: summary.bytes,
        must_alert: summary.must_alert,
        size_median: median,
        size_p99: p99,
        size_max: max,
    }
}

/// Runs one contender once, in a child process, and checks its counts.
fn measure(contender: Contender, input: &InputFacts) -> anyhow::Result<Measurement> {
    let measurement = if contender.in_process() {
        let exe = std::env::current_exe().context("cannot find this program's path")?;
        let mut command = Command::new(exe);
        command
            .arg("contender")
            .arg(contender.name())
            .arg(&input.path);
        let run = measure::run_child(&mut command)?;
        let report: ChildReport = serde_json::from_slice(&run.stdout)
            .with_context(|| format!("{contender} printed no report"))?;
        Measurement {
            tally: report.tally,
            seconds: report.seconds,
            peak_rss_kib: run.peak_rss_kib,
        }
    } else {
        let (tally, run) = external::run(contender, &input.path, input.records)?;
        Measurement {
            tally,
            seconds: run.wall.as_secs_f64(),
            peak_rss_kib: run.peak_rss_kib,
        }
    };

    check_counts(contender, &measurement.tally, input)?;
    Ok(measurement)
}

fn check_counts(contender: Contender, tally: &Tally, input: &InputFacts) -> anyhow::Result<()> {
    anyhow::ensure!(
        tally.events == input.records && tally.errors == 0,
        "{contender} read {} events with {} errors, but the input has {} valid records",
        tally.events,
        tally.errors,
        input.records
    );
    let expected = if matches!(contender, Contender::Floor | Contender::JsonValidate) {
        0
    } else {
        input.must_alert
    };
    anyhow::ensure!(
        tally.alerts == expected,
        "{contender} counted {} alerts, but the generator built {expected} records that must alert",
        tally.alerts
    );
    Ok(())
}

/// Measures `rule-host scan`: peak memory over the large file, and the wall time on a
/// one-line file once the compiled-component cache is warm.
fn measure_host(
    rule_host: &Path,
    workdir: &Path,
    scan_path: &Path,
    scan_events: u64,
    expected: u64,
) -> anyhow::Result<HostFacts> {
    eprintln!("rule-host scan over {scan_events} events");
    let stats_path = workdir.join("scan-stats.json");
    let mut command = Command::new(rule_host);
    command
        .arg("scan")
        .arg("--quiet")
        .arg("--stats")
        .arg(&stats_path)
        .arg(scan_path);
    let scan = measure::run_child(&mut command)?;
    let scan_alerts = scan.stdout.iter().filter(|&&byte| byte == b'\n').count() as u64;
    anyhow::ensure!(
        scan_alerts == expected,
        "rule-host scan wrote {scan_alerts} alerts, but the generator built {expected}"
    );

    let one_line = workdir.join("one-line.ndjson");
    let first = fs::read_to_string(scan_path)?
        .lines()
        .next()
        .context("the scan input is empty")?
        .to_owned();
    fs::write(&one_line, format!("{first}\n"))?;
    let (one_line_seconds, one_line_method) = time_one_line(rule_host, &one_line, workdir)?;

    let log_files = workdir.join(format!("cloudtrail-{scan_events}-log-files.json.gz"));
    eprintln!("writing {}", log_files.display());
    threads::write_log_files(scan_path, &log_files)?;
    let mut thread_runs = Vec::new();
    for (input, path) in [
        ("NDJSON", scan_path),
        ("gzip log files", log_files.as_path()),
    ] {
        let runs = threads::measure_modes(rule_host, input, path, scan_events, expected)?;
        thread_runs.extend(runs);
    }

    Ok(HostFacts {
        scan_events,
        scan_alerts,
        scan_expected_alerts: expected,
        scan_seconds: scan.wall.as_secs_f64(),
        scan_peak_rss_kib: scan.peak_rss_kib,
        one_line_seconds,
        one_line_method,
        thread_runs,
    })
}

/// Times `rule-host scan` on a one-line file: with hyperfine when it is installed, else with
/// a loop of runs. A first run warms the compiled-component cache.
fn time_one_line(
    rule_host: &Path,
    one_line: &Path,
    workdir: &Path,
) -> anyhow::Result<(f64, String)> {
    let mut scan = Command::new(rule_host);
    scan.arg("scan").arg("--quiet").arg(one_line);
    measure::run_child(&mut scan)?;

    const RUNS: usize = 50;
    let command_line = format!(
        "{} scan --quiet {}",
        rule_host.display(),
        one_line.display()
    );
    let export = workdir.join("one-line-hyperfine.json");
    let hyperfine = Command::new("hyperfine")
        .args([
            "-N",
            "--warmup",
            "5",
            "--runs",
            &RUNS.to_string(),
            "--export-json",
        ])
        .arg(&export)
        .arg(&command_line)
        .stdout(std::process::Stdio::null())
        .status();
    if matches!(hyperfine, Ok(status) if status.success()) {
        let exported: serde_json::Value = serde_json::from_slice(&fs::read(&export)?)?;
        let median = exported["results"][0]["median"]
            .as_f64()
            .context("hyperfine's export has no median")?;
        return Ok((
            median,
            format!("hyperfine -N, {RUNS} runs after 5 warm-ups, median"),
        ));
    }

    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let run = measure::run_child(&mut scan)?;
        times.push(run.wall.as_secs_f64());
    }
    Ok((
        median(&times),
        format!("a loop of {RUNS} runs, median (hyperfine not found)"),
    ))
}

/// Returns the contender's median throughput in events per second.
pub fn events_per_second(measurements: &[Measurement]) -> f64 {
    let rates: Vec<f64> = measurements
        .iter()
        .map(|m| m.tally.events as f64 / m.seconds)
        .collect();
    median(&rates)
}

/// Runs `contender` in this process and prints its [`ChildReport`] as JSON.
pub fn run_contender(contender: Contender, input: &Path) -> anyhow::Result<()> {
    let mut started = None;
    let tally = contender.run(input, &mut || started = Some(std::time::Instant::now()))?;
    let started = started.context("the contender never started its clock")?;
    let report = ChildReport {
        tally,
        seconds: started.elapsed().as_secs_f64(),
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
