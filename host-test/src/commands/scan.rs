//! `rule-host scan`: reads events, runs them through the detector, reports and counts.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::{Context, bail};

use super::Status;
use super::setup::load_runtime;
use crate::cli::{InputFormat, OutputFormat, ScanArgs};
use crate::output::AlertWriter;
use crate::progress::Progress;
use crate::runtime::{ConfigError, Limits};
use crate::scan::{self, Counts, ScanOutput, read_inputs};

/// The reader's default maximum event size, also the component's default.
const DEFAULT_MAX_EVENT_BYTES: u64 = crate::input::DEFAULT_MAX_EVENT_BYTES as u64;

/// Runs the scan. Usage problems (an unreadable or rejected config, a component that
/// cannot run) are errors before any input is read.
pub fn scan(args: &ScanArgs, quiet: bool) -> anyhow::Result<Status> {
    let config = DetectorConfig::load(
        args.config.as_deref(),
        args.input_format,
        args.max_event_bytes,
    )?;
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
    let items = read_inputs(&args.paths, config.max_event_bytes);
    let items = items.inspect(|item| progress.item(item));
    let stdout = BufWriter::new(io::stdout().lock());
    let formatted = AlertWriter::new(stdout, args.format, args.index.clone());
    let mut alerts = progress.count_alerts(formatted);
    let mut diagnostics = progress.above(io::stderr().lock());
    let output = ScanOutput {
        alerts: &mut alerts,
        diagnostics: &mut diagnostics,
        warnings: !quiet,
    };
    let counts = scan::run(&mut session, items, output)?;
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

/// The config document sent to `detector.create`, with the command line's overrides.
pub(super) struct DetectorConfig {
    pub(super) text: String,
    /// The config's path, or a note that the defaults are used, for error messages.
    pub(super) origin: String,
    pub(super) max_event_bytes: u64,
}

impl DetectorConfig {
    pub(super) fn load(
        config: Option<&Path>,
        input_format: Option<InputFormat>,
        max_event_bytes: Option<u64>,
    ) -> anyhow::Result<DetectorConfig> {
        let (text, origin) = match config {
            Some(path) => {
                let text = fs::read_to_string(path)
                    .with_context(|| format!("cannot read the config file {}", path.display()))?;
                (text, path.display().to_string())
            }
            None => ("{}".to_owned(), "(the default config)".to_owned()),
        };

        let mut overrides = serde_json::Map::new();
        if let Some(format) = input_format {
            overrides.insert("input_format".to_owned(), format.config_name().into());
        }
        if let Some(bytes) = max_event_bytes {
            overrides.insert("max_event_bytes".to_owned(), bytes.into());
        }

        let configured = configured_max_event_bytes(&text);
        let max_event_bytes = max_event_bytes
            .or(configured)
            .unwrap_or(DEFAULT_MAX_EVENT_BYTES);
        let text = if overrides.is_empty() {
            text
        } else {
            apply(&text, &origin, overrides)?
        };
        Ok(DetectorConfig {
            text,
            origin,
            max_event_bytes,
        })
    }
}

/// Sets `overrides` in the config object. Only then is the config re-encoded, so that
/// without overrides the component checks the text exactly as the user wrote it.
fn apply(
    text: &str,
    origin: &str,
    overrides: serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .with_context(|| format!("invalid config {origin}: not valid JSON"))?;
    let serde_json::Value::Object(mut object) = value else {
        bail!("invalid config {origin}: expected a JSON object");
    };
    object.extend(overrides);
    Ok(serde_json::Value::Object(object).to_string())
}

/// Returns the config's `max_event_bytes` when it is a number. The component reports any
/// other mistake in that key.
fn configured_max_event_bytes(text: &str) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    value.get("max_event_bytes")?.as_u64()
}

fn write_stats(path: &Path, counts: &Counts) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(counts).expect("counts serialize");
    text.push('\n');
    fs::write(path, text).with_context(|| format!("cannot write the stats file {}", path.display()))
}
