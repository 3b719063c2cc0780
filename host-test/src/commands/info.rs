//! `rule-host info`: the rule's metadata, read from the component.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Context;
use serde_json::json;

use super::Status;
use super::setup::load_runtime;
use crate::cli::InfoArgs;
use crate::component::ComponentSource;
use crate::runtime::{Limits, RuleInfo, Severity, Technique};

/// Prints the rule's metadata and the component's digest, as text or as JSON.
pub fn info(args: &InfoArgs) -> anyhow::Result<Status> {
    let (runtime, source) = load_runtime(&args.component, Limits::default())?;
    let info = runtime.info().map_err(|trapped| {
        anyhow::anyhow!("the component trapped while returning its metadata: {trapped}")
    })?;

    let text = if args.json {
        to_json(&info, &source)
    } else {
        to_text(&info, &source)
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")?;
    Ok(Status::Clean)
}

fn to_text(info: &RuleInfo, source: &ComponentSource) -> String {
    let mut text = String::new();
    let mut line = |label: &str, value: &str| {
        let _ = writeln!(text, "{label:<14}{value}");
    };
    line("name", &info.name);
    line("rule id", &info.rule_id);
    line("version", &info.version.to_string());
    line(
        "severity",
        &format!(
            "{} (risk score {})",
            severity_name(info.severity),
            info.risk_score
        ),
    );
    line(
        "schedule",
        &format!(
            "every {}, looking back {}, at most {} alerts per run",
            minutes(info.interval_seconds),
            minutes(info.lookback_seconds),
            info.max_alerts_per_execution
        ),
    );
    line("index", &info.index_patterns.join(", "));
    line("language", &info.language);
    // The rule file wraps the query over lines; one line reads better here.
    let query: Vec<&str> = info.query.split_whitespace().collect();
    line("query", &query.join(" "));
    for tactic in &info.tactics {
        line("tactic", &technique_text(tactic));
    }
    for technique in &info.techniques {
        line("technique", &technique_text(technique));
    }
    line("tags", &info.tags.join(", "));
    for reference in &info.references {
        line("reference", reference);
    }
    line("rule sha256", &info.rule_digest);
    line("component", &source.origin);
    line("wasm sha256", &source.digest());
    text.trim_end().to_owned()
}

fn to_json(info: &RuleInfo, source: &ComponentSource) -> String {
    let techniques = |list: &[Technique]| -> Vec<serde_json::Value> {
        list.iter()
            .map(|t| json!({"id": t.id, "name": t.name, "reference": t.reference}))
            .collect()
    };
    let document = json!({
        "rule_id": info.rule_id,
        "name": info.name,
        "version": info.version,
        "severity": severity_name(info.severity),
        "risk_score": info.risk_score,
        "language": info.language,
        "query": info.query,
        "index_patterns": info.index_patterns,
        "interval_seconds": info.interval_seconds,
        "lookback_seconds": info.lookback_seconds,
        "max_alerts_per_execution": info.max_alerts_per_execution,
        "tactics": techniques(&info.tactics),
        "techniques": techniques(&info.techniques),
        "tags": info.tags,
        "references": info.references,
        "rule_digest": info.rule_digest,
        "component": {"origin": source.origin, "sha256": source.digest()},
    });
    document.to_string()
}

fn technique_text(technique: &Technique) -> String {
    format!(
        "{} {} ({})",
        technique.id, technique.name, technique.reference
    )
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

/// Formats seconds as Elastic's rule files write intervals: `5m`, or `90s` when not whole
/// minutes.
fn minutes(seconds: u32) -> String {
    if seconds.is_multiple_of(60) {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}
