//! Detection of the shape an event arrives in, and its normalisation to ECS.
//!
//! Every accepted shape is reduced to the ECS document Elastic's AWS integration would index
//! for the CloudTrail record inside it, so that one query and one alert layout apply to all
//! of them. Each shape family has its own module, and `detect` picks one from a few top-level
//! keys. Containers of many records are never split here: the host streams them and passes
//! one record per call.

mod cloudtrail;
mod cloudwatch;
mod detect;
mod ecs;
mod eventbridge;
mod lookup_events;
mod ocsf;
#[cfg(test)]
mod tests;

use std::fmt;

use serde_json::{Map, Value};

use crate::error::EventError;
use crate::json::{self, Limits};
use detect::Kind;

/// The input format: detected per event, or fixed for a whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// Detects the shape of each event from its top-level keys.
    #[default]
    Auto,
    /// A raw CloudTrail record: one element of a log file's `Records`, or one line as
    /// CloudWatch Logs and most shippers write it.
    CloudTrail,
    /// An EventBridge event from an AWS service with the CloudTrail record in `detail`.
    EventBridge,
    /// One CloudWatch Logs log event whose `message` is the record as JSON text.
    CloudWatchLogs,
    /// One item of `aws cloudtrail lookup-events` output, with the record as JSON text in
    /// `CloudTrailEvent`.
    LookupEvents,
    /// An ECS document as Elastic's AWS integration indexes it, or a search hit that wraps
    /// one in `_source`.
    Ecs,
    /// OCSF API Activity as Amazon Security Lake writes CloudTrail management events.
    Ocsf,
}

impl InputFormat {
    /// Every format, in the order help text lists them.
    pub const ALL: [InputFormat; 7] = [
        InputFormat::Auto,
        InputFormat::CloudTrail,
        InputFormat::EventBridge,
        InputFormat::CloudWatchLogs,
        InputFormat::LookupEvents,
        InputFormat::Ecs,
        InputFormat::Ocsf,
    ];

    /// Looks up a format by the name [`InputFormat::name`] gives it. Returns `None` for an
    /// unknown name. [`InputFormat::ALL`] lists the valid ones.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.name() == name)
    }

    /// Returns the name that the command line and the configuration use for the format.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::CloudTrail => "cloudtrail",
            InputFormat::EventBridge => "eventbridge",
            InputFormat::CloudWatchLogs => "cloudwatch-logs",
            InputFormat::LookupEvents => "lookup-events",
            InputFormat::Ecs => "ecs",
            InputFormat::Ocsf => "ocsf",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The shape an event was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A raw CloudTrail record, Insight events included.
    CloudTrail,
    /// An EventBridge event with the record in `detail`.
    EventBridge,
    /// A CloudWatch Logs log event with the record, or an EventBridge event, in `message`.
    CloudWatchLogEvent,
    /// One `lookup-events` item with the record in `CloudTrailEvent`.
    LookupEventsItem,
    /// An ECS document.
    Ecs,
    /// A search hit or export line wrapping an ECS document in `_source`.
    EcsSearchHit,
    /// OCSF 1.1 API Activity, class 6003.
    Ocsf11,
    /// OCSF 1.0.0-rc.2 API Activity, class 3005.
    Ocsf10Rc2,
}

/// The kind of record that the normalised document contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordClass {
    /// A CloudTrail event the query applies to.
    Event,
    /// A CloudTrail Insight event.
    Insight,
    /// An ECS document whose dataset is missing or is not `aws.cloudtrail`, or an OCSF
    /// record whose product is not CloudTrail.
    NotCloudTrail,
}

/// An event normalised to the ECS document Elastic would index.
#[derive(Debug, Clone, PartialEq)]
pub struct EcsEvent {
    pub doc: Map<String, Value>,
    /// The CloudTrail record's own `eventID`, whatever wrapper it came in. `None` when the
    /// record has none, or an empty one.
    pub record_event_id: Option<String>,
    pub shape: Shape,
    pub class: RecordClass,
}

/// The result of normalising one input.
#[derive(Debug, Clone, PartialEq)]
pub enum Normalized {
    Event(EcsEvent),
    /// Not an event: a CloudTrail digest file or a CloudWatch Logs control message. Carries
    /// the kind, such as `cloudtrail-digest`.
    Skipped(String),
}

/// Detects the shape of `value` (or takes `format` when it is not `Auto`) and normalises it.
///
/// Containers of many records (`Records`, `Events`, `logEvents`) are rejected with an
/// `unsupported-shape` error that explains how to split them, whatever the format. JSON text
/// embedded in a wrapper (a log event's `message`, a `CloudTrailEvent`, OCSF request data)
/// is parsed with the same `limits` as the event itself.
///
/// # Errors
///
/// [`EventError::NotAnObject`] for a value that is not an object,
/// [`EventError::UnsupportedShape`] for an object that fits no shape (or not the forced
/// one), and the parse errors of embedded JSON text.
pub fn normalize(
    value: Value,
    format: InputFormat,
    limits: &Limits,
) -> Result<Normalized, EventError> {
    let Value::Object(map) = value else {
        return Err(EventError::NotAnObject(json_type(&value).to_owned()));
    };

    let event = match detect::detect(&map, format)? {
        Kind::Skipped(kind) => return Ok(Normalized::Skipped(kind.to_owned())),
        Kind::CloudTrail => cloudtrail::normalize_record(&map, Shape::CloudTrail),
        Kind::EventBridge => eventbridge::normalize(&map, Shape::EventBridge)?,
        Kind::CloudWatchLogEvent => cloudwatch::normalize(&map, limits)?,
        Kind::LookupEventsItem => lookup_events::normalize(&map, limits)?,
        Kind::Ecs => ecs::normalize(map),
        Kind::Ocsf => ocsf::normalize(&map, limits)?,
    };
    Ok(Normalized::Event(event))
}

/// Returns the JSON type of `value`, as error messages name it.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Parses the JSON text in the string field `field` of a wrapper, with the event's limits.
/// Errors name the field, because their line and column refer to the embedded text.
fn parse_embedded(text: &str, field: &str, limits: &Limits) -> Result<Value, EventError> {
    json::parse_event(text, limits).map_err(|error| match error {
        EventError::InvalidJson(message) => {
            EventError::InvalidJson(format!("in the JSON text of `{field}`: {message}"))
        }
        EventError::DuplicateKey(path) => {
            EventError::DuplicateKey(format!("{path} in the JSON text of `{field}`"))
        }
        other => other,
    })
}

/// Parses the embedded JSON text of `field` and requires an object, because a wrapper
/// carries its record as an object.
fn parse_embedded_object(
    text: &str,
    field: &str,
    limits: &Limits,
) -> Result<Map<String, Value>, EventError> {
    match parse_embedded(text, field, limits)? {
        Value::Object(record) => Ok(record),
        other => Err(EventError::UnsupportedShape(format!(
            "`{field}` contains a JSON {}, but the wrapped record must be an object",
            json_type(&other)
        ))),
    }
}

/// Names the first few keys of `map` for an error message.
fn describe_keys(map: &Map<String, Value>) -> String {
    const SHOWN: usize = 5;

    if map.is_empty() {
        return "no keys".to_owned();
    }
    let names: Vec<&str> = map.keys().take(SHOWN).map(String::as_str).collect();
    let mut text = format!("keys {}", names.join(", "));
    if map.len() > SHOWN {
        text.push_str(&format!(" and {} more", map.len() - SHOWN));
    }
    text
}
