//! The Rust side of the cross-host conformance test in `conformance/`.
//!
//! `events` splits every fixture stream into the event strings the rule host would send to
//! the component, using the host's own reader, and writes them once as JSON so that the jco
//! and wasmtime-py hosts get exactly the same strings. `run` feeds those strings to the
//! component through the host's sandbox and writes each case's verdicts, alert documents and
//! stats in the conformance format that `conformance/README.md` describes.
//!
//! Run it through `conformance/run.sh`, which builds it with
//! `cargo build --release -p host-test --example conformance`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use serde_json::{Value, json};

use rule_host::cache;
use rule_host::component::ComponentSource;
use rule_host::input::{InputItem, Payload};
use rule_host::runtime::{
    Alert, ConfigError, EngineOptions, EventError, Limits, NoMatchReason, Outcome, RuleInfo,
    Runtime, Session, Severity, Stats, Technique, Verdict, WallClock, new_engine,
};
use rule_host::scan::read_inputs;

/// The key of this host in the plan's `outputs`.
const HOST_NAME: &str = "rust";

/// The reader's default maximum event size, which the `scan` command uses too.
const MAX_EVENT_BYTES: u64 = 1 << 20;

/// Per-call time limit. A whole stream is one batch call here, so the limit is
/// more generous than `scan`'s, which sends at most 256 events per call.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Parser)]
#[command(about = "The Rust host of the cross-host conformance test")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write each stream's events as a JSON array of strings, one file per stream.
    Events {
        /// Directory to write `<stream>.json` files into.
        #[arg(long)]
        out_dir: PathBuf,
        /// Directory of fixture streams, read recursively in sorted order.
        streams: PathBuf,
    },
    /// Run the cases of a plan written by `conformance/harness.py plan`.
    Run {
        /// The component file every host runs.
        #[arg(long)]
        component: PathBuf,
        /// The plan file.
        #[arg(long)]
        plan: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Events { out_dir, streams } => extract_events(&streams, &out_dir),
        Command::Run { component, plan } => run_plan(&component, &plan),
    }
}

/// Splits every file under `streams` with the host's reader and writes its events.
fn extract_events(streams: &Path, out_dir: &Path) -> anyhow::Result<()> {
    let files = stream_files(streams)?;
    if files.is_empty() {
        bail!("no fixture streams found in {}", streams.display());
    }
    fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create the directory {}", out_dir.display()))?;

    for file in files {
        let (events, others) =
            split_items(read_inputs(std::slice::from_ref(&file), MAX_EVENT_BYTES));
        let name = stream_name(streams, &file);
        eprintln!(
            "{name}: {} events, {others} skipped inputs or input errors",
            events.len()
        );

        let path = out_dir.join(format!("{name}.json"));
        let text = serde_json::to_string_pretty(&events).expect("strings serialize");
        fs::write(&path, text + "\n")
            .with_context(|| format!("cannot write the events file {}", path.display()))?;
    }
    Ok(())
}

/// Lists the regular files under `root`, recursively, in sorted order.
fn stream_files(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut directories = vec![root.to_path_buf()];
    while let Some(directory) = directories.pop() {
        let entries = fs::read_dir(&directory)
            .with_context(|| format!("cannot read the directory {}", directory.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                directories.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Names a stream by its path under the streams directory, with `/` replaced by `__`, so
/// that every stream gets a distinct flat file name.
fn stream_name(root: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(root).unwrap_or(file);
    relative
        .to_string_lossy()
        .replace(std::path::MAIN_SEPARATOR, "__")
}

/// Keeps the events, the only items the host sends to the component, and counts the rest.
fn split_items(items: impl Iterator<Item = InputItem>) -> (Vec<String>, usize) {
    let mut events = Vec::new();
    let mut others = 0;
    for item in items {
        match item.payload {
            Payload::Event(text) => events.push(text),
            Payload::Skipped(_) | Payload::Error(_) => others += 1,
        }
    }
    (events, others)
}

/// Runs every case of the plan and writes each one's output, or its error.
fn run_plan(component: &Path, plan: &Path) -> anyhow::Result<()> {
    let plan_text = fs::read_to_string(plan)
        .with_context(|| format!("cannot read the plan {}", plan.display()))?;
    let plan: Value = serde_json::from_str(&plan_text)
        .with_context(|| format!("invalid plan {}", plan.display()))?;

    let source = ComponentSource::read(component)?;
    let engine = new_engine(EngineOptions::default())?;
    let compiled = cache::compile(&engine, &source.bytes)?;
    let limits = Limits {
        timeout: CALL_TIMEOUT,
        ..Limits::default()
    };
    let runtime = Runtime::new(&engine, &compiled, limits, WallClock::System)?;
    let host = format!("{HOST_NAME} rule-host {}", env!("CARGO_PKG_VERSION"));

    let cases = plan["cases"]
        .as_array()
        .context("the plan has no `cases` array")?;
    for case in cases {
        let output = match run_case(&runtime, case) {
            Ok(mut output) => {
                output["host"] = json!(host);
                output
            }
            Err(error) => json!({ "host": host, "error": format!("{error:#}") }),
        };

        let path = case["outputs"][HOST_NAME]
            .as_str()
            .context("a case has no `outputs.rust` path")?;
        let path = Path::new(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let text = serde_json::to_string_pretty(&output).expect("JSON values serialize");
        fs::write(path, text + "\n")
            .with_context(|| format!("cannot write the output {}", path.display()))?;
    }
    Ok(())
}

/// Runs one case: the rule info, one detector fed through `Session::evaluate_batch` (which
/// calls `evaluate-packed`), and a second detector fed through one `evaluate` call per event.
fn run_case(runtime: &Runtime, case: &Value) -> anyhow::Result<Value> {
    let config_path = case["config"].as_str().context("a case has no config")?;
    let events_path = case["events"].as_str().context("a case has no events")?;
    let config = fs::read_to_string(config_path)
        .with_context(|| format!("cannot read the config {config_path}"))?;
    let events_text = fs::read_to_string(events_path)
        .with_context(|| format!("cannot read the events {events_path}"))?;
    let events: Vec<String> = serde_json::from_str(&events_text)
        .with_context(|| format!("{events_path}: expected a JSON array of event strings"))?;

    let info = runtime
        .info()
        .map_err(|trapped| anyhow::anyhow!("info trapped: {trapped}"))?;

    let mut batch = create_session(runtime, &config)?;
    let batch_outcomes = batch.evaluate_batch(&events);
    let batch = finish(batch, batch_outcomes)?;

    // The stats are read after the explanations, because `explain` must not change them.
    let mut each = create_session(runtime, &config)?;
    let each_outcomes = events.iter().map(|event| each.evaluate(event)).collect();
    let explain = explain_all(&mut each, &events)?;
    let each = finish(each, each_outcomes)?;

    Ok(json!({ "info": info_json(&info), "batch": batch, "each": each, "explain": explain }))
}

fn create_session<'r>(runtime: &'r Runtime, config: &str) -> anyhow::Result<Session<'r>> {
    let created = runtime
        .create_session(config)
        .map_err(|trapped| anyhow::anyhow!("detector.create trapped: {trapped}"))?;
    match created {
        Ok(session) => Ok(session),
        Err(ConfigError::Invalid(message)) => {
            bail!(
                "the component rejected the configuration: {}",
                json!({ "invalid": message })
            )
        }
    }
}

/// Has the detector explain every event, as `{"ok": text}` or `{"err": error}`.
fn explain_all(session: &mut Session<'_>, events: &[String]) -> anyhow::Result<Vec<Value>> {
    let mut explanations = Vec::with_capacity(events.len());
    for (index, event) in events.iter().enumerate() {
        let explained = session
            .explain(event)
            .map_err(|trapped| anyhow::anyhow!("explaining event {index} trapped: {trapped}"))?;
        explanations.push(match explained {
            Ok(text) => json!({ "ok": text }),
            Err(error) => json!({ "err": event_error_json(&error) }),
        });
    }
    Ok(explanations)
}

/// Converts the outcomes and reads the stats. A trap fails the case: it is no value of the
/// WIT contract, and the restart it causes resets the detector's state.
fn finish(mut session: Session<'_>, outcomes: Vec<Outcome>) -> anyhow::Result<Value> {
    let mut results = Vec::with_capacity(outcomes.len());
    for (index, outcome) in outcomes.into_iter().enumerate() {
        let result = match outcome {
            Outcome::Verdict(verdict) => json!({ "ok": verdict_json(&verdict) }),
            Outcome::Rejected(error) => json!({ "err": event_error_json(&error) }),
            Outcome::Trapped(trapped) => bail!("event {index} trapped: {trapped}"),
        };
        results.push(result);
    }
    if session.restarts() > 0 {
        bail!(
            "the component was restarted {} times after traps",
            session.restarts()
        );
    }

    let stats = session
        .stats()
        .map_err(|trapped| anyhow::anyhow!("stats trapped: {trapped}"))?;
    Ok(json!({ "results": results, "stats": stats_json(&stats) }))
}

fn verdict_json(verdict: &Verdict) -> Value {
    match verdict {
        Verdict::Alert(alert) => json!({ "alert": alert_json(alert) }),
        Verdict::NoMatch(reason) => json!({ "no-match": no_match_reason_name(*reason) }),
        Verdict::Excepted(label) => json!({ "excepted": label }),
        Verdict::Suppressed(suppression) => json!({
            "suppressed": { "uuid": suppression.uuid, "window-start": suppression.window_start }
        }),
        Verdict::Duplicate(uuid) => json!({ "duplicate": uuid }),
        Verdict::Skipped(kind) => json!({ "skipped": kind }),
    }
}

fn alert_json(alert: &Alert) -> Value {
    json!({
        "uuid": alert.uuid,
        "rule-id": alert.rule_id,
        "severity": severity_name(alert.severity),
        "risk-score": alert.risk_score,
        "original-time": alert.original_time,
        "reason": alert.reason,
        "document": alert.document,
    })
}

fn event_error_json(error: &EventError) -> Value {
    match error {
        EventError::InvalidJson(message) => json!({ "invalid-json": message }),
        EventError::NotAnObject(found) => json!({ "not-an-object": found }),
        EventError::UnsupportedShape(message) => json!({ "unsupported-shape": message }),
        EventError::DuplicateKey(path) => json!({ "duplicate-key": path }),
        EventError::TooDeep(limit) => json!({ "too-deep": limit }),
        EventError::TooLarge(limit) => json!({ "too-large": limit }),
    }
}

fn stats_json(stats: &Stats) -> Value {
    json!({
        "events": stats.events,
        "alerts": stats.alerts,
        "no-match": stats.no_match,
        "no-match-insight": stats.no_match_insight,
        "no-match-not-cloudtrail": stats.no_match_not_cloudtrail,
        "excepted": stats.excepted,
        "suppressed": stats.suppressed,
        "duplicates": stats.duplicates,
        "skipped": stats.skipped,
        "errors": stats.errors,
    })
}

fn info_json(info: &RuleInfo) -> Value {
    json!({
        "rule-id": info.rule_id,
        "name": info.name,
        "version": info.version,
        "severity": severity_name(info.severity),
        "risk-score": info.risk_score,
        "language": info.language,
        "query": info.query,
        "index-patterns": info.index_patterns,
        "interval-seconds": info.interval_seconds,
        "lookback-seconds": info.lookback_seconds,
        "max-alerts-per-execution": info.max_alerts_per_execution,
        "tactics": info.tactics.iter().map(technique_json).collect::<Vec<_>>(),
        "techniques": info.techniques.iter().map(technique_json).collect::<Vec<_>>(),
        "tags": info.tags,
        "references": info.references,
        "rule-digest": info.rule_digest,
    })
}

fn technique_json(technique: &Technique) -> Value {
    json!({ "id": technique.id, "name": technique.name, "reference": technique.reference })
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

fn no_match_reason_name(reason: NoMatchReason) -> &'static str {
    match reason {
        NoMatchReason::Query => "query",
        NoMatchReason::Insight => "insight",
        NoMatchReason::NotCloudtrail => "not-cloudtrail",
        NoMatchReason::OwnAlert => "own-alert",
    }
}
