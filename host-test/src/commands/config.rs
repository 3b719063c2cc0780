//! The config document sent to `detector.create`: the `--config` file, or `{}`, with the
//! command line's overrides.

mod duplicates;

use std::fs;
use std::path::Path;

use anyhow::{Context, bail};

use crate::cli::InputFormat;

/// The reader's default maximum event size, also the component's default.
const DEFAULT_MAX_EVENT_BYTES: u64 = crate::input::DEFAULT_MAX_EVENT_BYTES as u64;

/// Settings of the command line that replace the config's keys of the same name.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Overrides {
    /// `--input`, the config's `input_format`.
    pub(super) input_format: Option<InputFormat>,
    /// `--max-event-bytes`, the config's `max_event_bytes`.
    pub(super) max_event_bytes: Option<u64>,
    /// `--max-depth`, the config's `max_depth`.
    pub(super) max_depth: Option<u32>,
}

/// The config document sent to `detector.create`, with the command line's overrides.
pub(super) struct DetectorConfig {
    pub(super) text: String,
    /// The config's path, or a note that the defaults are used, for error messages.
    pub(super) origin: String,
    pub(super) max_event_bytes: u64,
}

impl DetectorConfig {
    /// Reads the config file (none means `{}`) and applies `overrides`.
    ///
    /// A key that appears twice in one object is rejected here, naming the file, the key
    /// and its line: the component would see only one of the two once overrides re-encode
    /// the document, and which one is not what the user can tell from the file.
    pub(super) fn load(config: Option<&Path>, overrides: Overrides) -> anyhow::Result<Self> {
        let (text, origin) = match config {
            Some(path) => {
                let text = fs::read_to_string(path)
                    .with_context(|| format!("cannot read the config file {}", path.display()))?;
                (text, path.display().to_string())
            }
            None => ("{}".to_owned(), "(the default config)".to_owned()),
        };
        if let Some(duplicate) = duplicates::find(&text) {
            bail!("invalid config {origin}: {duplicate}");
        }

        let configured = configured_max_event_bytes(&text);
        let max_event_bytes = overrides
            .max_event_bytes
            .or(configured)
            .unwrap_or(DEFAULT_MAX_EVENT_BYTES);
        let replaced = overrides.keys();
        let text = if replaced.is_empty() {
            text
        } else {
            apply(&text, &origin, replaced)?
        };
        Ok(DetectorConfig {
            text,
            origin,
            max_event_bytes,
        })
    }
}

impl Overrides {
    /// Returns the config keys the command line sets, with their values.
    fn keys(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut keys = serde_json::Map::new();
        if let Some(format) = self.input_format {
            keys.insert("input_format".to_owned(), format.config_name().into());
        }
        if let Some(bytes) = self.max_event_bytes {
            keys.insert("max_event_bytes".to_owned(), bytes.into());
        }
        if let Some(depth) = self.max_depth {
            keys.insert("max_depth".to_owned(), depth.into());
        }
        keys
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
