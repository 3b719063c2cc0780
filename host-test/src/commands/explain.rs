//! `rule-host explain`, also `scan --explain`: why each event does or does not alert.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};

use super::Status;
use super::config::{DetectorConfig, Overrides};
use super::setup::load_runtime;
use crate::cli::{ComponentArgs, ExplainArgs, SandboxArgs};
use crate::input::{InputItem, Origin, Payload};
use crate::runtime::{ConfigError, Limits, Session};
use crate::scan::read_inputs;

mod text;

pub use text::explanation_text;

/// Runs `rule-host explain`.
pub fn explain(args: &ExplainArgs) -> anyhow::Result<Status> {
    let overrides = Overrides {
        input_format: args.input_format,
        max_event_bytes: args.max_event_bytes,
        max_depth: args.max_depth,
    };
    let config = DetectorConfig::load(args.config.as_deref(), overrides)?;
    let request = Request {
        paths: &args.paths,
        component: &args.component,
        sandbox: &args.sandbox,
        json: args.json,
    };
    run(&request, &config)
}

/// What to explain, and how.
pub(super) struct Request<'a> {
    pub paths: &'a [PathBuf],
    pub component: &'a ComponentArgs,
    pub sandbox: &'a SandboxArgs,
    /// Print the component's JSON documents instead of text.
    pub json: bool,
}

/// Explains every item of the request's paths on stdout, in input order.
pub(super) fn run(request: &Request<'_>, config: &DetectorConfig) -> anyhow::Result<Status> {
    let limits = Limits {
        max_memory: usize::try_from(request.sandbox.max_memory).unwrap_or(usize::MAX),
        timeout: request.sandbox.timeout,
        fuel: request.sandbox.fuel,
    };
    let (runtime, _) = load_runtime(request.component, limits)?;
    let created = runtime.create_session(&config.text).map_err(|trapped| {
        anyhow::anyhow!("the component trapped while creating the detector: {trapped}")
    })?;
    let mut session = match created {
        Ok(session) => session,
        Err(ConfigError::Invalid(message)) => bail!("invalid config {}: {message}", config.origin),
    };

    let mut out = BufWriter::new(io::stdout().lock());
    let mut errors = 0u64;
    for item in read_inputs(request.paths, config.max_event_bytes) {
        let report = explain_item(&mut session, &item);
        if report.is_err() {
            errors += 1;
        }
        let text = render(&item.origin, &report, request.json);
        out.write_all(text.as_bytes())
            .context("cannot write the explanations to stdout")?;
    }
    out.flush()
        .context("cannot write the explanations to stdout")?;

    Ok(if errors > 0 {
        Status::InputErrors
    } else {
        Status::Clean
    })
}

/// What became of one item: the component's explanation, or why there is none.
type Report = Result<Explained, String>;

enum Explained {
    /// The component's JSON document.
    Document(String),
    /// The reader skipped the input (a CloudWatch Logs control message); the component
    /// never saw it.
    Skipped(String),
}

fn explain_item(session: &mut Session<'_>, item: &InputItem) -> Report {
    match &item.payload {
        Payload::Event(text) => match session.explain(text) {
            Ok(Ok(document)) => Ok(Explained::Document(document)),
            Ok(Err(rejected)) => Err(crate::scan::event_error(&rejected)),
            Err(trapped) => Err(format!("component trapped: {trapped}")),
        },
        Payload::Skipped(kind) => Ok(Explained::Skipped(kind.to_string())),
        Payload::Error(error) => Err(error.to_string()),
    }
}

fn render(origin: &Origin, report: &Report, json: bool) -> String {
    if json {
        return match report {
            Ok(Explained::Document(document)) => format!("{}\n", with_origin(document, origin)),
            Ok(Explained::Skipped(kind)) => {
                let skipped = serde_json::json!({"skipped": kind, "origin": origin_text(origin)});
                format!("{skipped}\n")
            }
            Err(message) => {
                let error = serde_json::json!({"error": message, "origin": origin_text(origin)});
                format!("{error}\n")
            }
        };
    }
    let heading = origin_text(origin);
    match report {
        Ok(Explained::Document(document)) => explanation_text(&heading, document),
        Ok(Explained::Skipped(kind)) => format!("{heading}\n  skipped    {kind}\n\n"),
        Err(message) => format!("{heading}\n  error      {message}\n\n"),
    }
}

/// Adds `origin` to the component's JSON explanation, as the error and skipped entries
/// carry it, so that each line can be matched to its input. A document that is not a JSON
/// object, which only a foreign component could return, is kept whole under `document`.
fn with_origin(document: &str, origin: &Origin) -> serde_json::Value {
    let origin = serde_json::Value::String(origin_text(origin));
    match serde_json::from_str(document) {
        Ok(serde_json::Value::Object(mut report)) => {
            report.insert("origin".to_owned(), origin);
            serde_json::Value::Object(report)
        }
        Ok(other) => serde_json::json!({"document": other, "origin": origin}),
        Err(_) => serde_json::json!({"document": document, "origin": origin}),
    }
}

/// `PATH:LINE`, with the container element's label when there is one.
fn origin_text(origin: &Origin) -> String {
    match &origin.label {
        Some(label) => format!("{origin} {label}"),
        None => origin.to_string(),
    }
}
