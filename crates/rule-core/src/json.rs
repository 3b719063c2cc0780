//! Strict JSON parsing of one event: size and depth limits, and no duplicate keys.
//!
//! The checks run during deserialisation, in one pass over the text: a [`DeserializeSeed`]
//! builds the [`Value`] itself, so it checks each object's keys as they arrive and tracks the
//! nesting depth without a second walk over the tree.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::EventError;

/// Bounds on one event's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest event text accepted, in bytes. CloudTrail itself caps events at 256 KB.
    pub max_bytes: u64,
    /// Deepest nesting of arrays and objects accepted. A top-level object is at depth 1.
    ///
    /// serde_json stops at 127 levels whatever this field is set to, and such text is reported as
    /// [`EventError::TooDeep`] with the limit 127.
    pub max_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 1024 * 1024,
            max_depth: 64,
        }
    }
}

/// The deepest nesting serde_json parses before it reports "recursion limit exceeded".
const SERDE_JSON_MAX_DEPTH: u32 = 127;

/// Parses one event's text into a JSON value.
///
/// Rejects text over `limits.max_bytes` ([`EventError::TooLarge`], checked before anything
/// else), nesting deeper than `limits.max_depth` ([`EventError::TooDeep`]), and an object
/// holding the same key twice at any depth ([`EventError::DuplicateKey`]). Keys are compared
/// after unescaping, so `"a"` and `"\u0061"` are the same key. A dotted key beside a nested
/// object that names the same field (`{"event.action": .., "event": {"action": ..}}`) is
/// not a duplicate: Elasticsearch merges the two. The top-level value may be of any type;
/// callers check for an object.
///
/// The path in [`EventError::DuplicateKey`] joins object keys with `.` and writes array
/// indices as `[N]`, as in `Records[3].userIdentity.arn`. A key that is empty or contains
/// `.`, `[`, `]`, `"`, a space or a control character is written as a JSON string in
/// brackets, as in `["event.action"]`.
pub fn parse_event(text: &str, limits: &Limits) -> Result<Value, EventError> {
    if text.len() as u64 > limits.max_bytes {
        return Err(EventError::TooLarge(limits.max_bytes));
    }

    let mut state = State {
        max_depth: limits.max_depth,
        failure: None,
        path: Vec::new(),
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let seed = ValueSeed {
        state: &mut state,
        depth: 0,
    };
    let parsed = seed.deserialize(&mut deserializer).and_then(|value| {
        deserializer.end()?;
        Ok(value)
    });

    parsed.map_err(|error| match state.failure.take() {
        Some(Failure::TooDeep) => EventError::TooDeep(limits.max_depth),
        Some(Failure::DuplicateKey) => EventError::DuplicateKey(render_path(&state.path)),
        None if is_recursion_limit(&error) => {
            EventError::TooDeep(limits.max_depth.min(SERDE_JSON_MAX_DEPTH))
        }
        None => EventError::InvalidJson(error.to_string()),
    })
}

fn is_recursion_limit(error: &serde_json::Error) -> bool {
    error.to_string().starts_with("recursion limit exceeded")
}

/// The problem the seed found, kept beside serde's own error type, which carries only text.
enum Failure {
    TooDeep,
    DuplicateKey,
}

/// One step of the path to a duplicate key.
enum Segment {
    Key(String),
    Index(usize),
}

struct State {
    max_depth: u32,
    failure: Option<Failure>,
    /// The path to the failure, innermost segment first: each enclosing array or object
    /// adds its segment while the error travels outwards, so the happy path pays nothing.
    path: Vec<Segment>,
}

fn render_path(reversed: &[Segment]) -> String {
    let mut path = String::new();
    for segment in reversed.iter().rev() {
        match segment {
            Segment::Index(index) => path.push_str(&format!("[{index}]")),
            Segment::Key(key) if is_plain_key(key) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Segment::Key(key) => {
                let quoted = Value::String(key.clone()).to_string();
                path.push_str(&format!("[{quoted}]"));
            }
        }
    }
    path
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && !key
            .chars()
            .any(|c| matches!(c, '.' | '[' | ']' | '"') || c.is_whitespace() || c.is_control())
}

/// Builds one JSON value at `depth` (the depth of its container; 0 for the top level).
struct ValueSeed<'s> {
    state: &'s mut State,
    depth: u32,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl ValueSeed<'_> {
    /// Enters an array or object, failing when that would nest deeper than the limit.
    fn enter<E: de::Error>(&mut self) -> Result<u32, E> {
        let depth = self.depth + 1;
        if depth > self.state.max_depth {
            self.state.failure = Some(Failure::TooDeep);
            return Err(E::custom("nesting too deep"));
        }
        Ok(depth)
    }

    fn child(&mut self, depth: u32) -> ValueSeed<'_> {
        ValueSeed {
            state: self.state,
            depth,
        }
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        // JSON text cannot spell NaN or an infinity, so this is never Null in practice.
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Value, A::Error> {
        let depth = self.enter()?;
        let mut elements = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        loop {
            match seq.next_element_seed(self.child(depth)) {
                Ok(Some(element)) => elements.push(element),
                Ok(None) => return Ok(Value::Array(elements)),
                Err(error) => {
                    if self.state.failure.is_some() {
                        self.state.path.push(Segment::Index(elements.len()));
                    }
                    return Err(error);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Value, A::Error> {
        let depth = self.enter()?;
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                self.state.failure = Some(Failure::DuplicateKey);
                self.state.path.push(Segment::Key(key));
                return Err(de::Error::custom("duplicate key"));
            }
            match map.next_value_seed(self.child(depth)) {
                Ok(value) => {
                    object.insert(key, value);
                }
                Err(error) => {
                    if self.state.failure.is_some() {
                        self.state.path.push(Segment::Key(key));
                    }
                    return Err(error);
                }
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Value, EventError> {
        parse_event(text, &Limits::default())
    }

    fn nested_arrays(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    fn nested_objects(depth: usize) -> String {
        format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth))
    }

    #[test]
    fn parses_plain_event() {
        let value =
            parse(r#"{"eventName": "DeleteFunction20150331", "n": [1, 2.5, -3, true, null]}"#);
        let expected = serde_json::json!({
            "eventName": "DeleteFunction20150331",
            "n": [1, 2.5, -3, true, null]
        });
        assert_eq!(value, Ok(expected));
    }

    #[test]
    fn parses_non_object_top_level() {
        assert_eq!(parse("[1]"), Ok(serde_json::json!([1])));
        assert_eq!(parse("\"text\""), Ok(Value::String("text".into())));
    }

    #[test]
    fn duplicate_key_cases() {
        let cases = [
            (r#"{"a": 1, "a": 2}"#, "a"),
            (r#"{"a": {"b": {"c": 1, "c": 2}}}"#, "a.b.c"),
            (r#"{"a": {"b": {"c": {"d": 1, "d": 1}}}}"#, "a.b.c.d"),
            (r#"{"a\u0062": 1, "ab": 2}"#, "ab"),
            (r#"{"\u00e9": 1, "é": 2}"#, "é"),
            (
                r#"{"Records": [{}, {}, {}, {"eventName": "x", "eventName": "y"}]}"#,
                "Records[3].eventName",
            ),
            (r#"[{"a": 1}, {"a": 1, "a": 1}]"#, "[1].a"),
            (
                r#"{"event.action": 1, "event.action": 2}"#,
                r#"["event.action"]"#,
            ),
            (r#"{"": 1, "": 2}"#, r#"[""]"#),
            (r#"{"a": [[{"k": 1, "k": 2}]]}"#, "a[0][0].k"),
        ];
        for (text, path) in cases {
            assert_eq!(
                parse(text),
                Err(EventError::DuplicateKey(path.into())),
                "{text}"
            );
        }
    }

    #[test]
    fn case_differing_keys_are_distinct() {
        assert!(parse(r#"{"a": 1, "A": 2}"#).is_ok());
    }

    #[test]
    fn dotted_beside_nested_is_not_duplicate() {
        let text = r#"{"event.action": "x", "event": {"action": "y"}}"#;
        let value = parse(text).unwrap();
        assert_eq!(value["event.action"], "x");
        assert_eq!(value["event"]["action"], "y");
    }

    #[test]
    fn same_key_in_sibling_objects_is_allowed() {
        assert!(parse(r#"{"a": {"k": 1}, "b": {"k": 1}, "c": [{"k": 1}, {"k": 2}]}"#).is_ok());
    }

    #[test]
    fn depth_limit_arrays() {
        let limits = Limits {
            max_depth: 5,
            ..Limits::default()
        };
        assert!(parse_event(&nested_arrays(5), &limits).is_ok());
        assert_eq!(
            parse_event(&nested_arrays(6), &limits),
            Err(EventError::TooDeep(5))
        );
    }

    #[test]
    fn depth_limit_objects_default() {
        assert!(parse(&nested_objects(64)).is_ok());
        assert_eq!(parse(&nested_objects(65)), Err(EventError::TooDeep(64)));
    }

    #[test]
    fn depth_limit_beyond_serde_json() {
        let limits = Limits {
            max_depth: 1000,
            ..Limits::default()
        };
        assert!(parse_event(&nested_arrays(127), &limits).is_ok());
        assert_eq!(
            parse_event(&nested_arrays(300), &limits),
            Err(EventError::TooDeep(127))
        );
    }

    #[test]
    fn depth_error_wins_over_later_duplicate() {
        let limits = Limits {
            max_depth: 2,
            ..Limits::default()
        };
        let text = r#"{"a": [[1]], "a": 2}"#;
        assert_eq!(parse_event(text, &limits), Err(EventError::TooDeep(2)));
    }

    #[test]
    fn size_limit_exact_and_beyond() {
        let text = r#"{"a":"bc"}"#;
        let exact = Limits {
            max_bytes: text.len() as u64,
            ..Limits::default()
        };
        let smaller = Limits {
            max_bytes: text.len() as u64 - 1,
            ..Limits::default()
        };
        assert!(parse_event(text, &exact).is_ok());
        assert_eq!(
            parse_event(text, &smaller),
            Err(EventError::TooLarge(smaller.max_bytes))
        );
    }

    #[test]
    fn size_limit_checked_before_syntax() {
        let limits = Limits {
            max_bytes: 3,
            ..Limits::default()
        };
        assert_eq!(parse_event("{{{{", &limits), Err(EventError::TooLarge(3)));
    }

    #[test]
    fn invalid_json_messages() {
        let cases = [
            ("{\"a\": }", "expected value at line 1 column 7"),
            ("{\"a\": 1,\n \"b\"}", "expected `:` at line 2 column 5"),
            (
                "{\"a\": 1",
                "EOF while parsing an object at line 1 column 7",
            ),
            ("", "EOF while parsing a value at line 1 column 0"),
            ("{\"a\": 1} x", "trailing characters at line 1 column 10"),
            ("{\"a\": 1}{}", "trailing characters at line 1 column 9"),
            (
                "{\"a\": \"\\ud800\"}",
                "unexpected end of hex escape at line 1 column 14",
            ),
            ("{'a': 1}", "key must be a string at line 1 column 2"),
        ];
        for (text, message) in cases {
            match parse(text) {
                Err(EventError::InvalidJson(found)) => {
                    assert!(found.contains(message), "{text:?}: {found}")
                }
                other => panic!("{text:?}: expected InvalidJson, got {other:?}"),
            }
        }
    }

    #[test]
    fn trailing_whitespace_is_allowed() {
        assert!(parse("{\"a\": 1}\r\n  ").is_ok());
    }
}
