//! Explanations of a verdict: the fields the query reads, each clause's value, the
//! exception that removed the event, and the verdict.

use crate::config::Config;
use crate::error::EventError;
use crate::rule::Rule;

/// Explains one event under `config` as a JSON document (one line, sorted keys).
pub fn explain(rule: &Rule, config: &Config, text: &str) -> Result<String, EventError> {
    todo!("explain {} bytes for {} with {config:?}", text.len(), rule.info.name)
}
