//! CloudWatch Logs: one log event, and the subscription payloads that batch them.
//!
//! A trail that delivers to CloudWatch Logs writes one record per log event, as JSON text
//! in `message`. An EventBridge rule with a log group target writes the whole EventBridge
//! event there instead, so both are accepted inside `message`.

use serde_json::{Map, Value};

use super::{EcsEvent, Shape, cloudtrail, describe_keys, eventbridge, parse_embedded_object};
use crate::error::EventError;
use crate::json::Limits;

/// The shape, as error messages list it.
pub(super) const DESCRIPTION: &str = "a CloudWatch Logs log event (`message` holding the record as JSON text, with `timestamp` or `id`)";

/// The kind a control message is skipped as.
pub(super) const CONTROL_MESSAGE_KIND: &str = "cloudwatch-control-message";

const CONTROL_MESSAGE: &str = "CONTROL_MESSAGE";

/// Tells whether `map` is one log event, as `logEvents` items and `FilterLogEvents` results
/// look.
pub(super) fn is_log_event(map: &Map<String, Value>) -> bool {
    matches!(map.get("message"), Some(Value::String(_)))
        && (map.contains_key("timestamp") || map.contains_key("id"))
}

/// Tells whether `map` is a subscription payload of type `CONTROL_MESSAGE`, which CloudWatch
/// Logs sends to check that a destination is reachable. It contains no records.
pub(super) fn is_control_message(map: &Map<String, Value>) -> bool {
    map.get("messageType").and_then(Value::as_str) == Some(CONTROL_MESSAGE)
}

/// Returns how to split `map` when it is a subscription payload that contains log events.
pub(super) fn data_message_hint(map: &Map<String, Value>) -> Option<String> {
    if is_control_message(map) {
        return None;
    }
    let events = map.get("logEvents")?.as_array()?;
    Some(format!(
        "a CloudWatch Logs subscription payload with {} log events in `logEvents`; pass one \
         log event (or its `message`) per event (rule-host scan splits payloads, gzip included)",
        events.len()
    ))
}

/// Parses the log event's `message` and maps the record in it. The record's own `eventID`
/// identifies it. The log event's `id` belongs to CloudWatch Logs and is ignored.
pub(super) fn normalize(
    log_event: &Map<String, Value>,
    limits: &Limits,
) -> Result<EcsEvent, EventError> {
    let Some(Value::String(text)) = log_event.get("message") else {
        return Err(EventError::UnsupportedShape(
            "the CloudWatch Logs log event has no string `message`".to_owned(),
        ));
    };
    let inner = parse_embedded_object(text, "message", limits)?;

    if eventbridge::is_envelope(&inner) {
        return eventbridge::normalize(&inner, Shape::CloudWatchLogEvent);
    }
    if cloudtrail::is_record(&inner) {
        return Ok(cloudtrail::normalize_record(
            &inner,
            Shape::CloudWatchLogEvent,
        ));
    }
    Err(EventError::UnsupportedShape(format!(
        "the CloudWatch Logs `message` contains no CloudTrail record or EventBridge event: it has {}",
        describe_keys(&inner)
    )))
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::{data_message_hint, is_control_message, is_log_event, normalize};
    use crate::error::EventError;
    use crate::json::Limits;
    use crate::shapes::{RecordClass, Shape};

    const RECORD_ID: &str = "0d6c3c5e-8f0a-4b8e-9a51-2f3e7c1d9b40";
    const LOG_EVENT_ID: &str = "38279104955148211306429766231429357839216853402473234432";

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

    fn log_event(message: &str) -> Map<String, Value> {
        object(json!({"id": LOG_EVENT_ID, "timestamp": 1_715_678_497_000_u64, "message": message}))
    }

    fn normalize_message(message: &str) -> Result<crate::shapes::EcsEvent, EventError> {
        normalize(&log_event(message), &Limits::default())
    }

    #[test]
    fn log_event_needs_string_message() {
        assert!(is_log_event(&log_event("{}")));
        assert!(is_log_event(&object(json!({"id": "1", "message": "{}"}))));
        assert!(!is_log_event(&object(
            json!({"id": "1", "timestamp": 1, "message": {}})
        )));
        assert!(!is_log_event(&object(json!({"message": "{}"}))));
    }

    #[test]
    fn control_message_detected() {
        let control = object(json!({
            "messageType": "CONTROL_MESSAGE",
            "owner": "CloudwatchLogs",
            "logEvents": [{"id": "", "timestamp": 1, "message": "CWL CONTROL MESSAGE: Checking health of destination"}]
        }));

        assert!(is_control_message(&control));
        assert_eq!(data_message_hint(&control), None);
    }

    #[test]
    fn data_message_gets_hint() {
        let payload = object(json!({"messageType": "DATA_MESSAGE", "logEvents": [{}, {}]}));

        let hint = data_message_hint(&payload).expect("a data message is a container");

        assert!(hint.contains("2 log events"), "{hint}");
        assert!(!is_control_message(&payload));
    }

    #[test]
    fn record_message_normalized() {
        let event = normalize_message(&record().to_string()).expect("a record normalises");

        assert_eq!(event.shape, Shape::CloudWatchLogEvent);
        assert_eq!(event.class, RecordClass::Event);
        assert_eq!(event.record_event_id.as_deref(), Some(RECORD_ID));
    }

    #[test]
    fn eventbridge_message_normalized() {
        let envelope = json!({
            "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
            "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.lambda",
            "detail": record()
        });

        let event = normalize_message(&envelope.to_string()).expect("an envelope normalises");

        assert_eq!(event.shape, Shape::CloudWatchLogEvent);
        assert_eq!(event.record_event_id.as_deref(), Some(RECORD_ID));
    }

    #[test]
    fn spoofed_eventbridge_message_rejected() {
        let envelope = json!({
            "detail-type": "AWS API Call via CloudTrail",
            "source": "com.example.audit",
            "detail": record()
        });

        let result = normalize_message(&envelope.to_string());

        assert!(
            matches!(result, Err(EventError::UnsupportedShape(_))),
            "{result:?}"
        );
    }

    #[test]
    fn invalid_message_names_field() {
        let result = normalize_message("CWL CONTROL MESSAGE: Checking health of destination");

        match result {
            Err(EventError::InvalidJson(message)) => {
                assert!(message.contains("`message`"), "{message}")
            }
            other => panic!("expected invalid JSON, got {other:?}"),
        }
    }

    #[test]
    fn duplicate_key_in_message_names_field() {
        let result =
            normalize_message(r#"{"eventName": "DeleteFunction", "eventName": "GetFunction"}"#);

        match result {
            Err(EventError::DuplicateKey(path)) => assert!(path.contains("`message`"), "{path}"),
            other => panic!("expected a duplicate key, got {other:?}"),
        }
    }

    #[test]
    fn message_limits_apply() {
        let limits = Limits {
            max_bytes: 64,
            max_depth: 64,
        };
        let text = record().to_string();

        let result = normalize(&log_event(&text), &limits);

        assert_eq!(result, Err(EventError::TooLarge(64)));
    }

    #[test]
    fn non_record_message_rejected() {
        let cases = [
            ("[1, 2]", "array"),
            (r#""text""#, "string"),
            (r#"{"level": "info"}"#, "keys level"),
        ];
        for (message, expected) in cases {
            match normalize_message(message) {
                Err(EventError::UnsupportedShape(text)) => {
                    assert!(text.contains(expected), "{message}: {text}")
                }
                other => panic!("{message}: expected an unsupported shape, got {other:?}"),
            }
        }
    }
}
