//! `rule-host scan`: reads events, runs them through the detector, reports and counts.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::{Context, bail};

use super::Status;
use super::config::{DetectorConfig, Overrides};
use super::setup::load_runtime;
use crate::cli::{OutputFormat, ScanArgs};
use crate::input::Step;
use crate::output::AlertWriter;
use crate::progress::Progress;
use crate::runtime::{ConfigError, Limits};
use crate::scan::{self, Counts, ScanOutput, read_ahead, read_input_steps};

/// Runs the scan. Usage problems (an unreadable or rejected config, a component that
/// cannot run) are errors before any input is read.
pub fn scan(args: &ScanArgs, quiet: bool) -> anyhow::Result<Status> {
    let overrides = Overrides {
        input_format: args.input_format,
        max_event_bytes: args.max_event_bytes,
        max_depth: args.max_depth,
    };
    let config = DetectorConfig::load(args.config.as_deref(), overrides)?;
    if args.explain {
        return explain_instead(args, &config);
    }
    if args.index.is_some() && args.format != OutputFormat::EsBulk {
        bail!("--index names the index of es-bulk actions; add --format es-bulk");
    }
    let limits = Limits {
        max_memory: usize::try_from(args.sandbox.max_memory).unwrap_or(usize::MAX),
        timeout: args.sandbox.timeout,
        fuel: args.sandbox.fuel,
    };
    let (runtime, _) = load_runtime(&args.component, limits)?;

    let created = runtime.create_session(&config.text);
    let created = created.map_err(|trapped| {
        anyhow::anyhow!("the component trapped while creating the detector: {trapped}")
    })?;
    let mut session = match created {
        Ok(session) => session,
        Err(ConfigError::Invalid(message)) => bail!("invalid config {}: {message}", config.origin),
    };

    let progress = Progress::for_scan(quiet);
    let steps = read_input_steps(&args.paths, config.max_event_bytes);
    let steps: Box<dyn Iterator<Item = Step>> = if args.single_thread {
        Box::new(steps)
    } else {
        let steps = read_ahead(steps)
            .context("failed to start the input reader thread; run again with --single-thread")?;
        Box::new(steps)
    };
    let steps = steps.inspect(|step| {
        if let Step::Item(item) = step {
            progress.item(item);
        }
    });
    let stdout = BufWriter::new(io::stdout().lock());
    let formatted = AlertWriter::new(stdout, args.format, args.index.clone());
    let mut alerts = progress.count_alerts(formatted);
    let mut diagnostics = progress.above(io::stderr().lock());
    let output = ScanOutput {
        alerts: &mut alerts,
        diagnostics: &mut diagnostics,
        warnings: !quiet,
    };
    let counts = scan::run_steps(&mut session, steps, output)?;
    alerts.get_mut().finish().map_err(scan::OutputError)?;
    drop(diagnostics);
    progress.finish();

    if let Some(path) = &args.stats {
        write_stats(path, &counts)?;
    }
    if !quiet {
        let _ = writeln!(io::stderr(), "{}", counts.summary());
    }
    Ok(if counts.errors > 0 {
        Status::InputErrors
    } else {
        Status::Clean
    })
}

/// Runs `scan --explain` as `rule-host explain` with text output.
fn explain_instead(args: &ScanArgs, config: &DetectorConfig) -> anyhow::Result<Status> {
    let request = super::explain::Request {
        paths: &args.paths,
        component: &args.component,
        sandbox: &args.sandbox,
        json: false,
    };
    super::explain::run(&request, config)
}

fn write_stats(path: &Path, counts: &Counts) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(counts).expect("counts serialize");
    text.push('\n');
    fs::write(path, text).with_context(|| format!("cannot write the stats file {}", path.display()))
}
