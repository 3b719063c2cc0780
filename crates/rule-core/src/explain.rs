//! Explanations of a verdict: the fields the query reads, each clause's value, the
//! exception that removed the event, and the verdict.

use serde_json::{Map, Value, json};

use crate::config::Config;
use crate::detector::{Detector, NoMatchReason, Verdict};
use crate::document;
use crate::error::EventError;
use crate::evaluate::{self, EvalOptions, Evaluation};
use crate::kql::ClauseValue;
use crate::rule::Rule;
use crate::shapes::{EcsEvent, Shape};
use crate::timestamp::Timestamp;

/// Explains one event under `config` as a JSON document (one line, sorted keys).
///
/// The document has these keys:
///
/// - `shape`: the input shape detected, such as `cloudtrail`, or null for input that is
///   no event (a digest file, a control message);
/// - `fields`: each field the query reads, with its values in the normalised ECS
///   document (an empty array for a missing field);
/// - `clauses`: each leaf clause of the query in query order, as `clause`, `field` and
///   `value` (`true`, `false` or `missing`);
/// - `exception`: the label of the exception item that removed the event, or null;
/// - `verdict`: an object whose `kind` is `alert` (with `uuid`), `no_match` (with
///   `reason`), `excepted` (with `item`), `suppressed`, `duplicate` or `skipped` (with
///   `input`).
///
/// The verdict is that of a fresh detector with this configuration: no window, replay or
/// burst state, so the cap and replay detection never apply and the verdict does not
/// depend on earlier events. Calling this function changes no detector's state.
///
/// # Errors
///
/// Returns the [`EventError`] of an event that cannot be parsed or normalised.
pub fn explain(rule: &Rule, config: &Config, text: &str) -> Result<String, EventError> {
    let options = EvalOptions {
        limits: config.limits,
        input_format: config.input_format,
    };
    let evaluation = evaluate::evaluate(rule, text, &options)?;

    let mut report = match &evaluation {
        Evaluation::Match(event) | Evaluation::NoMatch(_, event) => describe_event(rule, event),
        Evaluation::Skipped(_) => describe_non_event(),
    };

    // The alert's own time does not appear in the report, so any processing time serves.
    let epoch = Timestamp::from_unix(0, 0).expect("the Unix epoch is representable");
    let processing_time = config.processing_time.unwrap_or(epoch);
    let mut detector = Detector::new(rule.clone(), config.clone());
    let verdict = detector.decide(evaluation, processing_time);

    let exception = match &verdict {
        Verdict::Excepted(label) => Value::String(label.clone()),
        _ => Value::Null,
    };
    report.insert("exception".to_string(), exception);
    report.insert("verdict".to_string(), verdict_json(&verdict));
    Ok(to_sorted_json(&Value::Object(report)))
}

/// Builds the report's shape, fields and clauses for a normalised event.
fn describe_event(rule: &Rule, event: &EcsEvent) -> Map<String, Value> {
    let mut fields = Map::new();
    for field in rule.query.fields() {
        let values = document::field_values(&event.doc, &field)
            .into_iter()
            .cloned()
            .collect();
        fields.insert(field, Value::Array(values));
    }

    let clauses: Vec<Value> = rule
        .query
        .explain(&event.doc)
        .into_iter()
        .map(|outcome| {
            json!({
                "clause": outcome.clause,
                "field": outcome.field,
                "value": clause_value_name(outcome.value),
            })
        })
        .collect();

    let mut report = Map::new();
    report.insert(
        "shape".to_string(),
        Value::String(shape_name(event.shape).to_string()),
    );
    report.insert("fields".to_string(), Value::Object(fields));
    report.insert("clauses".to_string(), Value::Array(clauses));
    report
}

/// Builds the report's shape, fields and clauses for input that is no event.
fn describe_non_event() -> Map<String, Value> {
    let mut report = Map::new();
    report.insert("shape".to_string(), Value::Null);
    report.insert("fields".to_string(), Value::Object(Map::new()));
    report.insert("clauses".to_string(), Value::Array(Vec::new()));
    report
}

fn clause_value_name(value: ClauseValue) -> &'static str {
    match value {
        ClauseValue::True => "true",
        ClauseValue::False => "false",
        ClauseValue::MissingField => "missing",
    }
}

/// Returns the name of a shape in reports, spelt as the `input_format` configuration spells
/// the format.
fn shape_name(shape: Shape) -> &'static str {
    match shape {
        Shape::CloudTrail => "cloudtrail",
        Shape::EventBridge => "eventbridge",
        Shape::CloudWatchLogEvent => "cloudwatch-logs",
        Shape::LookupEventsItem => "lookup-events",
        Shape::Ecs => "ecs",
        Shape::EcsSearchHit => "ecs-search-hit",
        Shape::Ocsf11 => "ocsf-1.1",
        Shape::Ocsf10Rc2 => "ocsf-1.0.0-rc.2",
    }
}

fn verdict_json(verdict: &Verdict) -> Value {
    match verdict {
        Verdict::Alert(alert) => json!({ "kind": "alert", "uuid": alert.uuid }),
        Verdict::NoMatch(reason) => {
            json!({ "kind": "no_match", "reason": no_match_reason_name(*reason) })
        }
        Verdict::Excepted(label) => json!({ "kind": "excepted", "item": label }),
        Verdict::Suppressed(suppression) => json!({
            "kind": "suppressed",
            "uuid": suppression.uuid,
            "window_start": suppression.window_start,
        }),
        Verdict::Duplicate(uuid) => json!({ "kind": "duplicate", "uuid": uuid }),
        Verdict::Skipped(kind) => json!({ "kind": "skipped", "input": kind }),
    }
}

fn no_match_reason_name(reason: NoMatchReason) -> &'static str {
    match reason {
        NoMatchReason::Query => "query",
        NoMatchReason::Insight => "insight",
        NoMatchReason::NotCloudTrail => "not_cloudtrail",
        NoMatchReason::OwnAlert => "own_alert",
    }
}

/// Writes `value` as one line with object keys sorted, whatever order the map keeps.
fn to_sorted_json(value: &Value) -> String {
    serde_json_canonicalizer::to_string(value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests;
