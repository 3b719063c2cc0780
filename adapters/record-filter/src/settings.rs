//! The adapter settings: what passes through, what happens to unreadable records, and the
//! detector's configuration.

use rule_core::{Config, ConfigError};
use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

/// The filter's output for each record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputMode {
    /// Only alerts pass: each alerting record is replaced by its alert document and every
    /// other record is dropped.
    #[default]
    Alerts,
    /// Every record passes; an alerting record gains the alert document under `rule_alert`.
    Annotate,
}

/// The handling of a record the rule cannot evaluate (invalid JSON, unknown shape, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// The record is replaced (alerts output) or annotated (annotate output) with a
    /// `rule_error` object, so that a detector that cannot read its input is visible.
    #[default]
    Record,
    /// The record is dropped and counted.
    Drop,
}

/// The settings of one filter instance. `Settings::default()` equals the document `{}`.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub output: OutputMode,
    pub on_error: OnError,
    /// The detector's configuration, in the document form `Config::from_json` reads.
    pub rule_config: Config,
}

/// The reason a settings document or parameter was rejected.
#[derive(Debug, Error)]
pub enum SettingsError {
    /// The message names the key and the expected form.
    #[error("invalid adapter settings: {0}")]
    Invalid(String),
    #[error("invalid `rule_config`: {0}")]
    RuleConfig(#[from] ConfigError),
}

/// The settings document as written: the detector's configuration stays JSON until
/// `Config::from_json` reads it, so that its own checks and messages apply.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsDocument {
    #[serde(default)]
    output: OutputMode,
    #[serde(default)]
    on_error: OnError,
    #[serde(default)]
    rule_config: Option<Value>,
}

/// Parameter names, as Fluvio passes them to the SmartModule's `init`.
pub const PARAM_OUTPUT: &str = "output";
pub const PARAM_ON_ERROR: &str = "on_error";
pub const PARAM_RULE_CONFIG: &str = "rule_config";

impl Settings {
    /// Parses a settings document such as
    /// `{"output": "alerts", "on_error": "record", "rule_config": {"exceptions": []}}`.
    /// Every key is optional; unknown keys are rejected.
    pub fn from_json(text: &str) -> Result<Settings, SettingsError> {
        let document: SettingsDocument = serde_json::from_str(text).map_err(|error| {
            SettingsError::Invalid(format!(
                "{error}; expected an object with the optional keys `output` (\"alerts\" or \
                 \"annotate\"), `on_error` (\"record\" or \"drop\") and `rule_config` (an object)"
            ))
        })?;

        let rule_config = match document.rule_config {
            None => Config::default(),
            Some(value) => Config::from_json(&value.to_string())?,
        };
        Ok(Settings {
            output: document.output,
            on_error: document.on_error,
            rule_config,
        })
    }

    /// Reads settings from string parameters: `output`, `on_error` and `rule_config` (the
    /// detector's configuration as JSON text). `param` returns a parameter's value by name.
    pub fn from_params<'a>(
        param: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<Settings, SettingsError> {
        let output = match param(PARAM_OUTPUT) {
            None => OutputMode::default(),
            Some(text) => parse_choice(PARAM_OUTPUT, text, "\"alerts\" or \"annotate\"")?,
        };
        let on_error = match param(PARAM_ON_ERROR) {
            None => OnError::default(),
            Some(text) => parse_choice(PARAM_ON_ERROR, text, "\"record\" or \"drop\"")?,
        };
        let rule_config = match param(PARAM_RULE_CONFIG) {
            None => Config::default(),
            Some(text) => Config::from_json(text)?,
        };
        Ok(Settings {
            output,
            on_error,
            rule_config,
        })
    }
}

/// Parses one lowercase choice, such as `annotate`, through the enum's serde names.
fn parse_choice<T: for<'de> Deserialize<'de>>(
    key: &str,
    text: &str,
    expected: &str,
) -> Result<T, SettingsError> {
    serde_json::from_value(Value::String(text.to_owned()))
        .map_err(|_| SettingsError::Invalid(format!("`{key}` is `{text}`; expected {expected}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_document_is_default() {
        let settings = Settings::from_json("{}").unwrap();
        assert_eq!(settings.output, OutputMode::Alerts);
        assert_eq!(settings.on_error, OnError::Record);
    }

    #[test]
    fn document_reads_choices() {
        let settings =
            Settings::from_json(r#"{"output": "annotate", "on_error": "drop"}"#).unwrap();
        assert_eq!(settings.output, OutputMode::Annotate);
        assert_eq!(settings.on_error, OnError::Drop);
    }

    #[test]
    fn document_rejects_unknown_key() {
        let error = Settings::from_json(r#"{"mode": "alerts"}"#).unwrap_err();
        assert!(error.to_string().contains("mode"), "{error}");
    }

    #[test]
    fn document_rejects_unknown_choice() {
        let error = Settings::from_json(r#"{"output": "everything"}"#).unwrap_err();
        assert!(error.to_string().contains("everything"), "{error}");
    }

    #[test]
    fn params_read_choices() {
        let settings = Settings::from_params(|key| match key {
            PARAM_OUTPUT => Some("annotate"),
            PARAM_ON_ERROR => Some("drop"),
            _ => None,
        })
        .unwrap();
        assert_eq!(settings.output, OutputMode::Annotate);
        assert_eq!(settings.on_error, OnError::Drop);
    }

    #[test]
    fn params_reject_unknown_choice() {
        let error =
            Settings::from_params(|key| (key == PARAM_ON_ERROR).then_some("ignore")).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("on_error"), "{message}");
        assert!(message.contains("ignore"), "{message}");
    }
}
