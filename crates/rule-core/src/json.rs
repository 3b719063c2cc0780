//! Strict JSON parsing of one event: size and depth limits, and no duplicate keys.

use serde_json::Value;

use crate::error::EventError;

/// Bounds on one event's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest event text accepted, in bytes. CloudTrail itself caps events at 256 KB.
    pub max_bytes: u64,
    /// Deepest nesting of arrays and objects accepted.
    pub max_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 1024 * 1024, max_depth: 64 }
    }
}

/// Parses one event's text into a JSON value.
///
/// Rejects text over `limits.max_bytes` ([`EventError::TooLarge`]), nesting deeper than
/// `limits.max_depth` ([`EventError::TooDeep`]), and an object holding the same key twice
/// at any depth ([`EventError::DuplicateKey`], naming the key's path). A dotted key beside
/// a nested object that names the same field is not a duplicate. The top-level value may
/// be of any type; callers check for an object.
pub fn parse_event(text: &str, limits: &Limits) -> Result<Value, EventError> {
    todo!("strict parse of {} bytes with {limits:?}", text.len())
}
