//! The time a detector files an event under.
//!
//! Kibana's query rules search on `event.ingested` (the rule's `timestamp_override`) and
//! fall back to `@timestamp` for documents without it, so the detector reads them in the
//! same order.

use serde_json::{Map, Value};

use crate::document;
use crate::timestamp::Timestamp;

/// The fields that date an event, in order of preference.
const TIME_FIELDS: [&str; 2] = ["event.ingested", "@timestamp"];

/// Returns the event's `event.ingested`, else its `@timestamp`. A field whose value is
/// no date counts as missing, as Elasticsearch's date mapping would have rejected it.
pub(super) fn event_time(doc: &Map<String, Value>) -> Option<Timestamp> {
    TIME_FIELDS.iter().find_map(|field| {
        let values = document::field_values(doc, field);
        values.first().and_then(|value| parse_date(value))
    })
}

/// Parses a date as Elasticsearch's default date format does: an ISO 8601 string, or a
/// number of milliseconds since the Unix epoch.
fn parse_date(value: &Value) -> Option<Timestamp> {
    match value {
        Value::String(text) => Timestamp::parse(text),
        Value::Number(number) => {
            let millis = number.as_i64()?;
            let nanos = u32::try_from(millis.rem_euclid(1000) * 1_000_000).ok()?;
            Timestamp::from_unix(millis.div_euclid(1000), nanos)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::event_time;

    fn time_of(doc: Value) -> Option<String> {
        let Value::Object(doc) = doc else {
            panic!("test documents are objects")
        };
        event_time(&doc).map(|time| time.to_string())
    }

    #[test]
    fn ingested_wins_over_timestamp() {
        let doc = json!({
            "@timestamp": "2024-05-01T12:00:00Z",
            "event": { "ingested": "2024-05-01T12:04:00Z" }
        });
        assert_eq!(time_of(doc).as_deref(), Some("2024-05-01T12:04:00.000Z"));
    }

    #[test]
    fn timestamp_when_ingested_missing() {
        let doc = json!({ "@timestamp": "2024-05-01T12:00:00Z" });
        assert_eq!(time_of(doc).as_deref(), Some("2024-05-01T12:00:00.000Z"));
    }

    #[test]
    fn unparsable_ingested_falls_back() {
        let doc = json!({ "@timestamp": "2024-05-01T12:00:00Z", "event.ingested": "soon" });
        assert_eq!(time_of(doc).as_deref(), Some("2024-05-01T12:00:00.000Z"));
    }

    #[test]
    fn epoch_millis_number() {
        let doc = json!({ "@timestamp": 1_714_564_800_123_i64 });
        assert_eq!(time_of(doc).as_deref(), Some("2024-05-01T12:00:00.123Z"));
    }

    #[test]
    fn no_time_fields() {
        assert_eq!(
            time_of(json!({ "event": { "action": "DeleteFunction" } })),
            None
        );
    }
}
