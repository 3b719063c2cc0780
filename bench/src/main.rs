//! `rule-bench`: the throughput benchmark of the AWS Lambda Function Deletion rule.
//!
//! `rule-bench suite` generates CloudTrail traffic, runs the rule natively, in the
//! component, in VRL, in jq and in CPython over the same file, and prints the table.
//! `bench/run.sh` builds everything it needs and runs the suite.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use rule_bench::contenders::Contender;
use rule_bench::{generate, report, suite};

#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Writes generated CloudTrail records, one per line, and prints how many must alert.
    Generate {
        /// Number of records.
        #[arg(long, default_value_t = 500_000)]
        events: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The file to write.
        output: PathBuf,
    },
    /// Runs one in-process contender over a file and prints its counts and time as JSON.
    Contender {
        #[arg(value_enum)]
        contender: Contender,
        input: PathBuf,
    },
    /// Runs the whole benchmark and prints the table as Markdown.
    Suite {
        /// Records every contender reads.
        #[arg(long, default_value_t = 500_000)]
        events: u64,
        /// Records `rule-host scan` reads for its memory measurement.
        #[arg(long, default_value_t = 1_000_000)]
        scan_events: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Runs of each contender; the table shows the median.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Folder for the generated input and the raw results.
        #[arg(long, default_value = "target/bench-data")]
        workdir: PathBuf,
        /// The `rule-host` binary whose memory and start-up time are measured.
        #[arg(long)]
        rule_host: Option<PathBuf>,
        /// Runs only these contenders (all by default).
        #[arg(long, value_enum, value_delimiter = ',')]
        only: Vec<Contender>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("rule-bench: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Generate {
            events,
            seed,
            output,
        } => generate(events, seed, &output),
        Command::Contender { contender, input } => suite::run_contender(contender, &input),
        Command::Suite {
            events,
            scan_events,
            seed,
            runs,
            workdir,
            rule_host,
            only,
        } => {
            let contenders = if only.is_empty() {
                Contender::ALL.to_vec()
            } else {
                only
            };
            let options = suite::Options {
                events,
                seed,
                runs,
                workdir: workdir.clone(),
                contenders,
                rule_host,
                scan_events,
            };
            let results = suite::run(&options)?;
            let json = serde_json::to_string_pretty(&results)?;
            std::fs::write(workdir.join("results.json"), json)?;
            print!("{}", report::render(&results));
            Ok(())
        }
    }
}

fn generate(events: u64, seed: u64, output: &PathBuf) -> anyhow::Result<()> {
    let mut writer = BufWriter::new(File::create(output)?);
    let mut generator = generate::Generator::new(seed);
    let mut summary = generate::Summary::default();
    for _ in 0..events {
        let record = generator.record();
        writer.write_all(record.line.as_bytes())?;
        writer.write_all(b"\n")?;
        summary.add(&record);
    }
    writer.flush()?;
    let sizes = summary.size_percentiles();
    println!(
        "{} records, {} bytes, {} must alert; record size median {} B, p99 {} B, max {} B",
        summary.records, summary.bytes, summary.must_alert, sizes.median, sizes.p99, sizes.max
    );
    Ok(())
}
