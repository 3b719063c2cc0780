//! The detector's configuration: one JSON document.

use crate::error::ConfigError;
use crate::exceptions::ExceptionList;
use crate::json::Limits;
use crate::shapes::InputFormat;
use crate::timestamp::Timestamp;

/// A detector's configuration. `Config::default()` equals the document `{}`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Exception items in Kibana's exception-list item format.
    pub exceptions: ExceptionList,
    /// Alerts allowed per 5-minute window; `None` takes the rule's `max_signals`.
    pub max_alerts_per_execution: Option<u32>,
    /// When false, replays of a record within the look-back alert again.
    pub replay_detection_disabled: bool,
    /// Pins the alerts' `@timestamp`, so that any host reproduces alerts byte for byte.
    pub processing_time: Option<Timestamp>,
    pub input_format: InputFormat,
    pub limits: Limits,
    /// Written to `kibana.space_ids`.
    pub space_id: Option<String>,
    /// Written to `kibana.alert.rule.uuid`.
    pub rule_uuid: Option<String>,
}

impl Config {
    /// Parses a configuration document. Unknown keys and wrong types are rejected with a
    /// message that names the key and the expected form.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        todo!("parse config of {} bytes", text.len())
    }
}
