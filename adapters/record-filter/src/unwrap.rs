//! Finds the event inside a pipeline record.
//!
//! A log shipper that reads CloudTrail lines without a JSON parser (Fluent Bit's `tail`
//! input, for one) wraps each line in a record such as `{"log": "{\"eventVersion\": ...}"}`.
//! The event is then the JSON text inside that string.

use std::borrow::Cow;

use serde::Deserialize;

/// The string fields a shipper puts an unparsed line into, in the order they are tried.
#[derive(Deserialize)]
struct Wrapper<'a> {
    #[serde(borrow, default)]
    log: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
}

/// Returns the event text of `record`: the string in its `log` field, else in its `message`
/// field, when that string contains a JSON object; otherwise the record itself.
///
/// A record whose wrapper cannot be read (invalid JSON, a `log` that is not a string) is
/// returned whole, so that the rule's own parser reports what is wrong with it.
pub fn event_text(record: &str) -> Cow<'_, str> {
    let Ok(wrapper) = serde_json::from_str::<Wrapper<'_>>(record) else {
        return Cow::Borrowed(record);
    };

    [wrapper.log, wrapper.message]
        .into_iter()
        .flatten()
        .find(|text| contains_object(text))
        .unwrap_or(Cow::Borrowed(record))
}

/// Tells whether `text` looks like a JSON object: its first non-blank character is `{`.
fn contains_object(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

#[cfg(test)]
mod tests {
    use super::event_text;

    #[test]
    fn unwrapping_cases() {
        let cases = [
            // (record, expected event text)
            (
                r#"{"eventName":"DeleteFunction"}"#,
                r#"{"eventName":"DeleteFunction"}"#,
            ),
            (
                r#"{"log":"{\"eventName\":\"DeleteFunction\"}"}"#,
                r#"{"eventName":"DeleteFunction"}"#,
            ),
            (r#"{"message":" {\"a\":1}"}"#, r#" {"a":1}"#),
            (
                r#"{"log":"plain text","message":"{\"a\":1}"}"#,
                r#"{"a":1}"#,
            ),
            (r#"{"log":"{\"a\":1}","message":"{\"b\":2}"}"#, r#"{"a":1}"#),
            (
                r#"{"message":"user logged in"}"#,
                r#"{"message":"user logged in"}"#,
            ),
            (r#"{"log":{"nested":true}}"#, r#"{"log":{"nested":true}}"#),
            ("not json", "not json"),
            ("[1,2]", "[1,2]"),
        ];
        for (record, expected) in cases {
            assert_eq!(event_text(record), expected, "record {record}");
        }
    }
}
