//! The detector's configuration: one JSON document.
//!
//! Every key is optional, so `{}` takes every default. A key the detector does not know, or
//! a value of the wrong form, is rejected with a message that names the key and the form
//! it expects, such as `max_alerts_per_execution: expected a positive integer, found
//! "ten"`.

use serde_json::Value;

use crate::error::{ConfigError, EventError};
use crate::exceptions::ExceptionList;
use crate::json::{self, Limits};
use crate::shapes::InputFormat;
use crate::timestamp::Timestamp;

/// A detector's configuration. `Config::default()` equals the document `{}`.
#[derive(Debug, Clone)]
pub struct Config {
    /// Exception items in Kibana's exception-list item format.
    pub exceptions: ExceptionList,
    /// Alerts allowed per 5-minute window; `None` takes the rule's `max_signals`.
    pub max_alerts_per_execution: Option<u32>,
    /// Whether a copy of an already seen record within the look-back is reported as a
    /// duplicate instead of alerting again.
    pub replay_detection: bool,
    /// Pins the alerts' `@timestamp`, so that any host reproduces alerts byte for byte.
    pub processing_time: Option<Timestamp>,
    /// The input format of every event, or `Auto` to detect it per event.
    pub input_format: InputFormat,
    /// Bounds on one event's size and nesting.
    pub limits: Limits,
    /// Written to `kibana.space_ids`.
    pub space_id: Option<String>,
    /// Written to `kibana.alert.rule.uuid`.
    pub rule_uuid: Option<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            exceptions: ExceptionList::default(),
            max_alerts_per_execution: None,
            replay_detection: true,
            processing_time: None,
            input_format: InputFormat::default(),
            limits: Limits::default(),
            space_id: None,
            rule_uuid: None,
        }
    }
}

/// The keys of a configuration document, in the order messages list them.
const KEYS: &[&str] = &[
    "exceptions",
    "max_alerts_per_execution",
    "replay_detection",
    "processing_time",
    "input_format",
    "max_event_bytes",
    "max_depth",
    "space_id",
    "rule_uuid",
];

impl Config {
    /// Parses a configuration document. Unknown keys and wrong types are rejected with a
    /// message that names the key and the expected form.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let limits = Limits {
            max_bytes: u64::MAX,
            ..Limits::default()
        };
        let value = json::parse_event(text, &limits).map_err(parse_error)?;
        let Value::Object(object) = value else {
            let found = describe(&value);
            let message = format!("expected a JSON object such as {{}}, found {found}");
            return Err(ConfigError::Invalid(message));
        };

        let mut config = Config::default();
        for (key, value) in &object {
            config.apply(key, value)?;
        }
        Ok(config)
    }

    /// Sets the setting `key` from its JSON value.
    fn apply(&mut self, key: &str, value: &Value) -> Result<(), ConfigError> {
        match key {
            "exceptions" => self.exceptions = ExceptionList::from_value(value)?,
            "max_alerts_per_execution" => {
                self.max_alerts_per_execution = Some(positive_u32(key, value)?);
            }
            "replay_detection" => self.replay_detection = boolean(key, value)?,
            "processing_time" => self.processing_time = Some(timestamp(key, value)?),
            "input_format" => self.input_format = input_format(key, value)?,
            "max_event_bytes" => self.limits.max_bytes = event_bytes(key, value)?,
            "max_depth" => self.limits.max_depth = depth(key, value)?,
            "space_id" => self.space_id = Some(space_id(key, value)?),
            "rule_uuid" => self.rule_uuid = Some(non_empty_string(key, value)?),
            _ => {
                let message = format!("unknown key; expected one of {}", KEYS.join(", "));
                return Err(invalid_message(&format!("{key:?}"), &message));
            }
        }
        Ok(())
    }
}

/// The deepest `max_depth` accepted. The events are parsed with serde_json, which stops at
/// 128 nested levels, so 127 is the deepest nesting that parses.
pub const MAX_DEPTH: u32 = 127;

/// The largest `max_event_bytes` accepted: 4 GiB, all the memory a 32-bit WebAssembly
/// instance can address, so no larger event could reach the component.
pub const MAX_EVENT_BYTES: u64 = 4 << 30;

/// Words a parse failure of the configuration document for its author. The event parser's
/// own messages speak of records.
fn parse_error(error: EventError) -> ConfigError {
    let message = match error {
        EventError::InvalidJson(detail) => format!("the configuration is not valid JSON: {detail}"),
        EventError::DuplicateKey(path) => format!(
            "the configuration has the key {path} twice; a setting may be given only once, so \
             remove one of them"
        ),
        EventError::TooDeep(levels) => {
            format!("the configuration nests arrays and objects deeper than {levels} levels")
        }
        other => format!("the configuration cannot be read: {other}"),
    };
    ConfigError::Invalid(message)
}

/// Builds the error for a value of the wrong form at `path`.
pub(crate) fn invalid(path: &str, expected: &str, found: &Value) -> ConfigError {
    ConfigError::Invalid(format!(
        "{path}: expected {expected}, found {}",
        describe(found)
    ))
}

/// Builds the error for a problem at `path` that is not a value of the wrong form.
pub(crate) fn invalid_message(path: &str, message: &str) -> ConfigError {
    ConfigError::Invalid(format!("{path}: {message}"))
}

/// Renders the value as compact JSON, shortened so that a long value cannot flood a message.
fn describe(value: &Value) -> String {
    const MAX_CHARS: usize = 60;
    let text = value.to_string();
    if text.chars().count() <= MAX_CHARS {
        return text;
    }
    let head: String = text.chars().take(MAX_CHARS).collect();
    format!("{head}…")
}

fn positive_u64(key: &str, value: &Value) -> Result<u64, ConfigError> {
    match value.as_u64() {
        Some(number) if number > 0 => Ok(number),
        _ => Err(invalid(key, "a positive integer", value)),
    }
}

fn event_bytes(key: &str, value: &Value) -> Result<u64, ConfigError> {
    match value.as_u64() {
        Some(bytes) if (1..=MAX_EVENT_BYTES).contains(&bytes) => Ok(bytes),
        _ => {
            let expected = format!(
                "an integer from 1 to {MAX_EVENT_BYTES} (4 GiB, the memory a WebAssembly \
                 instance can address)"
            );
            Err(invalid(key, &expected, value))
        }
    }
}

fn positive_u32(key: &str, value: &Value) -> Result<u32, ConfigError> {
    let number = positive_u64(key, value)?;
    u32::try_from(number).map_err(|_| invalid(key, "a positive integer up to 4294967295", value))
}

fn depth(key: &str, value: &Value) -> Result<u32, ConfigError> {
    match value.as_u64() {
        Some(levels) if (1..=u64::from(MAX_DEPTH)).contains(&levels) => Ok(levels as u32),
        _ => {
            let expected = format!(
                "an integer from 1 to {MAX_DEPTH} (the JSON parser reads no deeper nesting)"
            );
            Err(invalid(key, &expected, value))
        }
    }
}

fn boolean(key: &str, value: &Value) -> Result<bool, ConfigError> {
    value
        .as_bool()
        .ok_or_else(|| invalid(key, "true or false", value))
}

fn timestamp(key: &str, value: &Value) -> Result<Timestamp, ConfigError> {
    let expected = "an RFC 3339 date-time with an offset, such as \"2024-05-01T12:00:00Z\"";
    value
        .as_str()
        .and_then(Timestamp::parse)
        .ok_or_else(|| invalid(key, expected, value))
}

fn non_empty_string(key: &str, value: &Value) -> Result<String, ConfigError> {
    match value.as_str() {
        Some(text) if !text.trim().is_empty() => Ok(text.to_string()),
        _ => Err(invalid(key, "a non-empty string", value)),
    }
}

/// Kibana space ids hold lowercase letters, digits, `_` and `-`.
fn space_id(key: &str, value: &Value) -> Result<String, ConfigError> {
    let is_space_char =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
    match value.as_str() {
        Some(text) if !text.is_empty() && text.chars().all(is_space_char) => Ok(text.to_string()),
        _ => {
            let expected =
                "a Kibana space id of lowercase letters, digits, _ and -, such as \"default\"";
            Err(invalid(key, expected, value))
        }
    }
}

fn input_format(key: &str, value: &Value) -> Result<InputFormat, ConfigError> {
    value
        .as_str()
        .and_then(InputFormat::from_name)
        .ok_or_else(|| {
            let names: Vec<String> = InputFormat::ALL
                .iter()
                .map(|format| format!("{:?}", format.name()))
                .collect();
            invalid(key, &format!("one of {}", names.join(", ")), value)
        })
}

#[cfg(test)]
mod tests;
