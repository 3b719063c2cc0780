//! Arbitrary text through the strict event parser, `rule_core::json::parse_event`.
//!
//! Beyond "never panics", each input checks these properties, with the default limits and
//! with tight ones that short inputs can exceed:
//!
//! - a parsed value serialises to text that parses again to an equal value;
//! - a parsed value nests no deeper than the depth limit;
//! - the strict parser accepts nothing that serde_json rejects, reads the same value where
//!   both accept, and rejects text that serde_json accepts only for a duplicate key, the
//!   depth limit or the size limit;
//! - the size error appears only for text over the size limit.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rule_core::EventError;
use rule_core::json::{Limits, parse_event};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    check(text, &Limits::default());

    let tight = Limits {
        max_bytes: 512,
        max_depth: 4,
    };
    check(text, &tight);
});

fn check(text: &str, limits: &Limits) {
    let strict = parse_event(text, limits);
    let lenient = serde_json::from_str::<Value>(text);

    match (&strict, &lenient) {
        (Ok(value), Ok(expected)) => {
            assert_eq!(
                value, expected,
                "parse_event and serde_json read different values"
            );
            check_depth(value, limits);
            check_round_trip(value, limits);
        }
        (Ok(value), Err(error)) => {
            panic!("parse_event accepted {value} but serde_json rejects the text: {error}")
        }
        (Err(error), Ok(_)) => check_strict_rejection(error, text, limits),
        (Err(error), Err(_)) => check_error(error, text, limits),
    }
}

/// Checks that the value nests no deeper than the limit. A top-level object is at depth 1.
fn check_depth(value: &Value, limits: &Limits) {
    let depth = depth_of(value);
    assert!(
        depth <= limits.max_depth,
        "parse_event accepted a value {depth} levels deep over the limit {}",
        limits.max_depth
    );
}

fn depth_of(value: &Value) -> u32 {
    let children: Box<dyn Iterator<Item = &Value>> = match value {
        Value::Array(items) => Box::new(items.iter()),
        Value::Object(map) => Box::new(map.values()),
        _ => return 0,
    };
    1 + children.map(depth_of).max().unwrap_or(0)
}

/// Serialises the value and parses the text again. Serialising can lengthen the text (an
/// exponent written out in full), so the second parse lifts the size limit.
fn check_round_trip(value: &Value, limits: &Limits) {
    let text = serde_json::to_string(value).expect("a JSON value serialises");
    let unbounded = Limits {
        max_bytes: u64::MAX,
        ..*limits
    };
    match parse_event(&text, &unbounded) {
        Ok(again) => assert_eq!(&again, value, "the value changed through {text}"),
        Err(error) => panic!("the serialised value {text} no longer parses: {error}"),
    }
}

/// Text that serde_json accepts may only fail the strict parser's own checks.
fn check_strict_rejection(error: &EventError, text: &str, limits: &Limits) {
    match error {
        EventError::DuplicateKey(_) | EventError::TooDeep(_) | EventError::TooLarge(_) => {
            check_error(error, text, limits)
        }
        other => panic!("parse_event rejected JSON that serde_json accepts: {other}"),
    }
}

/// Checks the parts of an error that follow from the input alone.
fn check_error(error: &EventError, text: &str, limits: &Limits) {
    match error {
        EventError::TooLarge(limit) => {
            assert_eq!(
                *limit, limits.max_bytes,
                "the size error names another limit"
            );
            assert!(
                text.len() as u64 > *limit,
                "the size error for text within the limit"
            );
        }
        EventError::TooDeep(limit) => {
            assert!(
                *limit <= limits.max_depth,
                "the depth error names a larger limit"
            );
        }
        EventError::DuplicateKey(path) => {
            assert!(
                !path.is_empty(),
                "the duplicate-key error has an empty path"
            );
        }
        EventError::InvalidJson(message) => {
            assert!(!message.is_empty(), "the invalid-JSON error has no message");
        }
        other => panic!("parse_event returned an error of another stage: {other}"),
    }
}
