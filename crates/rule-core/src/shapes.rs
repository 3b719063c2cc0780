//! Detection of the shape an event arrives in, and its normalisation to ECS.

use serde_json::{Map, Value};

use crate::error::EventError;
use crate::json::Limits;

/// The input format: detected per event, or fixed for a whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    #[default]
    Auto,
    CloudTrail,
    EventBridge,
    CloudWatchLogs,
    LookupEvents,
    Ecs,
    Ocsf,
}

/// The shape an event was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    CloudTrail,
    EventBridge,
    CloudWatchLogEvent,
    LookupEventsItem,
    Ecs,
    EcsSearchHit,
    Ocsf11,
    Ocsf10Rc2,
}

/// What kind of record the normalised document holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordClass {
    /// A CloudTrail event the query applies to.
    Event,
    /// A CloudTrail Insight event.
    Insight,
    /// An ECS document whose dataset is missing or is not `aws.cloudtrail`.
    NotCloudTrail,
}

/// An event normalised to the ECS document Elastic would index.
#[derive(Debug, Clone, PartialEq)]
pub struct EcsEvent {
    pub doc: Map<String, Value>,
    /// The CloudTrail record's own `eventID`, whatever wrapper it came in.
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
/// Containers of many records (`Records`, `Events`, `logEvents`) are rejected with an
/// `unsupported-shape` error that says how to split them.
pub fn normalize(value: Value, format: InputFormat, limits: &Limits) -> Result<Normalized, EventError> {
    todo!("normalize {value} as {format:?} within {limits:?}")
}
