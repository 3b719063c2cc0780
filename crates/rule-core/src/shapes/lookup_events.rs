//! CloudTrail Event History, as `aws cloudtrail lookup-events` and the `LookupEvents` API
//! return it. Each item contains the whole record as JSON text in `CloudTrailEvent`, beside
//! summary fields (`EventId`, `EventName`, `Username`, ...) that are ignored here.

use serde_json::{Map, Value};

use super::{EcsEvent, Shape, cloudtrail, describe_keys, json_type, parse_embedded_object};
use crate::error::EventError;
use crate::json::Limits;

/// The shape, as error messages list it.
pub(super) const DESCRIPTION: &str =
    "a lookup-events item (`CloudTrailEvent` holding the record as JSON text)";

/// Tells whether `map` is one lookup-events item.
pub(super) fn is_item(map: &Map<String, Value>) -> bool {
    map.contains_key("CloudTrailEvent")
}

/// Returns how to split `map` when it is a whole lookup-events output (`{"Events": [...]}`).
pub(super) fn output_hint(map: &Map<String, Value>) -> Option<String> {
    let items = map.get("Events")?.as_array()?;
    let noun = if items.len() == 1 { "item" } else { "items" };
    Some(format!(
        "a lookup-events output with {} {noun} in `Events`; pass one item per event \
         (rule-host scan splits lookup-events output)",
        items.len()
    ))
}

/// Maps the record in `CloudTrailEvent`. Some SDK wrappers decode the JSON text into an
/// object, so an object is accepted as well.
pub(super) fn normalize(
    item: &Map<String, Value>,
    limits: &Limits,
) -> Result<EcsEvent, EventError> {
    let parsed;
    let record = match item.get("CloudTrailEvent") {
        Some(Value::String(text)) => {
            parsed = parse_embedded_object(text, "CloudTrailEvent", limits)?;
            &parsed
        }
        Some(Value::Object(record)) => record,
        other => {
            let found = other.map_or("missing", json_type);
            return Err(EventError::UnsupportedShape(format!(
                "`CloudTrailEvent` is {found}, but it must contain the record as JSON text"
            )));
        }
    };

    if !cloudtrail::is_record(record) {
        return Err(EventError::UnsupportedShape(format!(
            "`CloudTrailEvent` is not a CloudTrail record: it has {}",
            describe_keys(record)
        )));
    }
    Ok(cloudtrail::normalize_record(
        record,
        Shape::LookupEventsItem,
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::{is_item, normalize, output_hint};
    use crate::error::EventError;
    use crate::json::Limits;
    use crate::shapes::{EcsEvent, RecordClass, Shape};

    const RECORD_ID: &str = "0d6c3c5e-8f0a-4b8e-9a51-2f3e7c1d9b40";

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("test input must be an object, got {other}"),
        }
    }

    fn record() -> Value {
        json!({
            "eventVersion": "1.09",
            "eventSource": "lambda.amazonaws.com",
            "eventName": "DeleteFunction20150331",
            "eventTime": "2024-05-14T09:21:37Z",
            "requestParameters": {"functionName": "invoice-renderer"},
            "eventID": RECORD_ID
        })
    }

    fn item(cloudtrail_event: Value) -> Map<String, Value> {
        object(json!({
            "EventId": "ffffffff-0000-4000-8000-000000000000",
            "EventName": "DeleteFunction20150331",
            "ReadOnly": "false",
            "EventTime": "2024-05-14T09:21:37+00:00",
            "EventSource": "lambda.amazonaws.com",
            "Username": "ops-user",
            "Resources": [],
            "CloudTrailEvent": cloudtrail_event
        }))
    }

    fn normalize_item(cloudtrail_event: Value) -> Result<EcsEvent, EventError> {
        normalize(&item(cloudtrail_event), &Limits::default())
    }

    #[test]
    fn item_detected_by_cloudtrail_event() {
        assert!(is_item(&item(json!("{}"))));
        assert!(!is_item(&object(
            json!({"EventId": "x", "EventName": "DeleteFunction"})
        )));
    }

    #[test]
    fn output_gets_hint() {
        let hint = output_hint(&object(json!({"Events": [{}, {}], "NextToken": "t"})));

        assert!(hint.is_some_and(|hint| hint.contains("2 items in `Events`")));
        assert_eq!(output_hint(&item(json!("{}"))), None);
    }

    #[test]
    fn record_text_normalized() {
        let event = normalize_item(json!(record().to_string())).expect("an item normalises");

        assert_eq!(event.shape, Shape::LookupEventsItem);
        assert_eq!(event.class, RecordClass::Event);
        assert_eq!(
            event.record_event_id.as_deref(),
            Some(RECORD_ID),
            "never the item's EventId"
        );
    }

    #[test]
    fn decoded_record_normalized() {
        let from_text = normalize_item(json!(record().to_string())).expect("text normalises");
        let from_object = normalize_item(record()).expect("an object normalises");

        assert_eq!(from_object, from_text);
    }

    #[test]
    fn invalid_record_text_names_field() {
        match normalize_item(json!("{\"eventName\": ")) {
            Err(EventError::InvalidJson(message)) => {
                assert!(message.contains("`CloudTrailEvent`"), "{message}")
            }
            other => panic!("expected invalid JSON, got {other:?}"),
        }
    }

    #[test]
    fn wrong_record_types_rejected() {
        let cases = [
            (json!(null), "is null"),
            (json!(42), "is number"),
            (json!("[]"), "JSON array"),
            (json!("{\"level\": \"info\"}"), "keys level"),
        ];
        for (value, expected) in cases {
            match normalize_item(value.clone()) {
                Err(EventError::UnsupportedShape(message)) => {
                    assert!(message.contains(expected), "{value}: {message}")
                }
                other => panic!("{value}: expected an unsupported shape, got {other:?}"),
            }
        }
    }
}
