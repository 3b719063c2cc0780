//! Typed errors of the rule core. Each message names the bad value and, where there is
//! one, the fix.

use thiserror::Error;

/// Why one event could not be evaluated. Mirrors `event-error` in the WIT contract.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EventError {
    /// The text is not valid JSON; the message carries line and column.
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    /// The top-level value is not an object; carries the JSON type found.
    #[error("expected a JSON object, found {0}")]
    NotAnObject(String),
    /// The object is no CloudTrail shape this rule recognises, or a container to split first.
    #[error("unsupported shape: {0}")]
    UnsupportedShape(String),
    /// The same key appears twice in one object; carries the JSON path of the key.
    #[error(
        "duplicate key {0}: Elasticsearch rejects such documents, so the record must be fixed at its source"
    )]
    DuplicateKey(String),
    /// The JSON nests deeper than the limit.
    #[error("JSON nests deeper than {0} levels; raise the depth limit if the record is genuine")]
    TooDeep(u32),
    /// The event text is larger than the limit, in bytes.
    #[error(
        "event is larger than the limit of {0} bytes; raise the limit if the record is genuine"
    )]
    TooLarge(u64),
}

/// Why a configuration document was rejected. Mirrors `config-error` in the WIT contract.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// The message names the key and the expected form.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Why a rule file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleError {
    /// The file is not valid TOML or lacks a required key.
    #[error("invalid rule file: {0}")]
    InvalidFile(String),
    /// The query does not parse, or uses syntax the evaluator cannot run.
    #[error("invalid query: {0}")]
    InvalidQuery(String),
}
