//! Shape detection from a few top-level keys.
//!
//! Detection looks up a fixed set of keys and never walks the whole object, so its cost does
//! not grow with the event. Auto detection tries the shapes in this order:
//!
//! 1. containers of many records (`Records`, `Events`, a CloudWatch Logs `DATA_MESSAGE`),
//!    rejected with a hint on how to split them;
//! 2. wrappers, whose keys are specific: an EventBridge event (`detail-type` and `detail`), a
//!    lookup-events item (`CloudTrailEvent`), an OCSF record (`class_uid`);
//! 3. files and messages that are not events: a CloudWatch Logs `CONTROL_MESSAGE`, a
//!    CloudTrail digest file (`digestS3Object` and `digestEndTime`);
//! 4. a raw CloudTrail record (`eventSource`, `eventName` or `eventVersion`, or the markers
//!    of an Insight event);
//! 5. an ECS document (`@timestamp`, `event`, `data_stream`, `ecs` or their dotted forms) or
//!    a search hit (`_source`);
//! 6. a CloudWatch Logs log event (a string `message` with `timestamp` or `id`), last because
//!    ECS documents may carry a `message` too.

use serde_json::{Map, Value};

use super::{InputFormat, cloudtrail, cloudwatch, describe_keys, ecs, eventbridge};
use super::{lookup_events, ocsf};
use crate::error::EventError;

/// The shape family that normalises an object, or the reason to skip it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Not an event. Carries the kind that `Normalized::Skipped` reports.
    Skipped(&'static str),
    CloudTrail,
    EventBridge,
    CloudWatchLogEvent,
    LookupEventsItem,
    Ecs,
    Ocsf,
}

/// Decides how to normalise `map`: by its keys under `InputFormat::Auto`, else by checking
/// that it fits the forced format.
pub(super) fn detect(map: &Map<String, Value>, format: InputFormat) -> Result<Kind, EventError> {
    reject_container(map)?;
    reject_marked_record(map)?;

    match format {
        InputFormat::Auto => detect_auto(map).ok_or_else(|| unknown_shape(map)),
        forced => detect_forced(map, forced).ok_or_else(|| wrong_format(map, forced)),
    }
}

fn reject_container(map: &Map<String, Value>) -> Result<(), EventError> {
    let hint = cloudtrail::log_file_hint(map)
        .or_else(|| lookup_events::output_hint(map))
        .or_else(|| cloudwatch::data_message_hint(map));
    match hint {
        Some(hint) => Err(EventError::UnsupportedShape(hint)),
        None => Ok(()),
    }
}

/// Rejects a CloudTrail record that also carries the markers of a digest file or of a
/// CloudWatch Logs control message. Skipping it, as the marker requests, would hide a
/// record that may be a deletion, and evaluating it would trust one half of a document that
/// is neither.
fn reject_marked_record(map: &Map<String, Value>) -> Result<(), EventError> {
    let marker = if cloudwatch::is_control_message(map) {
        "a CloudWatch Logs control message (`messageType` CONTROL_MESSAGE)"
    } else if cloudtrail::is_digest(map) {
        "a CloudTrail digest file (`digestS3Object` and `digestEndTime`)"
    } else {
        return Ok(());
    };
    if !cloudtrail::is_record(map) {
        return Ok(());
    }
    Err(EventError::UnsupportedShape(format!(
        "the object has the keys of a CloudTrail record (`eventSource`, `eventName` or \
         `eventVersion`) and the markers of {marker}, so it is neither and is not evaluated; \
         fix the tool that wrote it"
    )))
}

fn detect_auto(map: &Map<String, Value>) -> Option<Kind> {
    if eventbridge::is_envelope(map) {
        return Some(Kind::EventBridge);
    }
    if lookup_events::is_item(map) {
        return Some(Kind::LookupEventsItem);
    }
    if ocsf::is_ocsf(map) {
        return Some(Kind::Ocsf);
    }
    if cloudwatch::is_control_message(map) {
        return Some(Kind::Skipped(cloudwatch::CONTROL_MESSAGE_KIND));
    }
    if cloudtrail::is_digest(map) {
        return Some(Kind::Skipped(cloudtrail::DIGEST_KIND));
    }
    if cloudtrail::is_record(map) {
        return Some(Kind::CloudTrail);
    }
    if ecs::is_search_hit(map) || ecs::is_document(map) {
        return Some(Kind::Ecs);
    }
    if cloudwatch::is_log_event(map) {
        return Some(Kind::CloudWatchLogEvent);
    }
    None
}

/// Checks `map` against one format only. A digest file still counts as CloudTrail input
/// and a control message as CloudWatch Logs input, so both are skipped under their format.
fn detect_forced(map: &Map<String, Value>, format: InputFormat) -> Option<Kind> {
    let fits = |test: fn(&Map<String, Value>) -> bool, kind: Kind| test(map).then_some(kind);

    match format {
        InputFormat::Auto => detect_auto(map),
        InputFormat::CloudTrail => fits(
            cloudtrail::is_digest,
            Kind::Skipped(cloudtrail::DIGEST_KIND),
        )
        .or_else(|| fits(cloudtrail::is_record, Kind::CloudTrail)),
        InputFormat::EventBridge => fits(eventbridge::is_envelope, Kind::EventBridge),
        InputFormat::CloudWatchLogs => fits(
            cloudwatch::is_control_message,
            Kind::Skipped(cloudwatch::CONTROL_MESSAGE_KIND),
        )
        .or_else(|| fits(cloudwatch::is_log_event, Kind::CloudWatchLogEvent)),
        InputFormat::LookupEvents => fits(lookup_events::is_item, Kind::LookupEventsItem),
        InputFormat::Ecs => {
            fits(ecs::is_search_hit, Kind::Ecs).or_else(|| fits(ecs::is_document, Kind::Ecs))
        }
        InputFormat::Ocsf => fits(ocsf::is_ocsf, Kind::Ocsf),
    }
}

/// Lists the shapes that auto detection accepts, for error messages.
fn accepted_shapes() -> String {
    [
        cloudtrail::DESCRIPTION,
        eventbridge::DESCRIPTION,
        cloudwatch::DESCRIPTION,
        lookup_events::DESCRIPTION,
        ecs::DESCRIPTION,
        ocsf::DESCRIPTION,
    ]
    .join("; ")
}

fn unknown_shape(map: &Map<String, Value>) -> EventError {
    EventError::UnsupportedShape(format!(
        "no known shape has {}; expected one of: {}",
        describe_keys(map),
        accepted_shapes()
    ))
}

fn wrong_format(map: &Map<String, Value>, format: InputFormat) -> EventError {
    let expected = match format {
        InputFormat::Auto => return unknown_shape(map),
        InputFormat::CloudTrail => cloudtrail::DESCRIPTION,
        InputFormat::EventBridge => eventbridge::DESCRIPTION,
        InputFormat::CloudWatchLogs => cloudwatch::DESCRIPTION,
        InputFormat::LookupEvents => lookup_events::DESCRIPTION,
        InputFormat::Ecs => ecs::DESCRIPTION,
        InputFormat::Ocsf => ocsf::DESCRIPTION,
    };
    EventError::UnsupportedShape(format!(
        "the input format is `{format}`, which expects {expected}, but the event has {}; \
         choose the matching input format or `auto`",
        describe_keys(map)
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::{Kind, detect};
    use crate::error::EventError;
    use crate::shapes::InputFormat;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("test input must be an object, got {other}"),
        }
    }

    fn detect_auto(value: Value) -> Result<Kind, EventError> {
        detect(&object(value), InputFormat::Auto)
    }

    fn unsupported_message(result: Result<Kind, EventError>) -> String {
        match result {
            Err(EventError::UnsupportedShape(message)) => message,
            other => panic!("expected an unsupported-shape error, got {other:?}"),
        }
    }

    #[test]
    fn auto_detects_each_shape() {
        let cases = [
            (
                "raw record",
                json!({"eventSource": "lambda.amazonaws.com", "eventName": "DeleteFunction"}),
                Kind::CloudTrail,
            ),
            (
                "record with eventVersion only",
                json!({"eventVersion": "1.09", "eventID": "x"}),
                Kind::CloudTrail,
            ),
            (
                "insight",
                json!({"eventType": "AwsCloudTrailInsight", "insightDetails": {}}),
                Kind::CloudTrail,
            ),
            (
                "eventbridge",
                json!({"detail-type": "AWS API Call via CloudTrail", "source": "aws.lambda", "detail": {}}),
                Kind::EventBridge,
            ),
            (
                "spoofed eventbridge",
                json!({"detail-type": "AWS API Call via CloudTrail", "source": "com.example", "detail": {}}),
                Kind::EventBridge,
            ),
            (
                "cloudwatch log event",
                json!({"id": "1", "timestamp": 1, "message": "{}"}),
                Kind::CloudWatchLogEvent,
            ),
            (
                "lookup-events item",
                json!({"EventId": "x", "CloudTrailEvent": "{}"}),
                Kind::LookupEventsItem,
            ),
            (
                "ecs nested",
                json!({"@timestamp": "2024-01-01T00:00:00.000Z", "event": {}}),
                Kind::Ecs,
            ),
            (
                "ecs dotted",
                json!({"event.action": "DeleteFunction", "data_stream.dataset": "aws.cloudtrail"}),
                Kind::Ecs,
            ),
            (
                "ecs with message",
                json!({"@timestamp": "2024-01-01T00:00:00.000Z", "message": "{}", "timestamp": 1}),
                Kind::Ecs,
            ),
            (
                "search hit",
                json!({"_index": "logs", "_id": "1", "_source": {}}),
                Kind::Ecs,
            ),
            ("ocsf 1.1", json!({"class_uid": 6003}), Kind::Ocsf),
            ("ocsf 1.0.0-rc.2", json!({"class_uid": 3005}), Kind::Ocsf),
            ("other ocsf class", json!({"class_uid": 4001}), Kind::Ocsf),
            (
                "digest",
                json!({"digestS3Object": "a", "digestEndTime": "b", "awsAccountId": "c"}),
                Kind::Skipped("cloudtrail-digest"),
            ),
            (
                "control message",
                json!({"messageType": "CONTROL_MESSAGE", "logEvents": []}),
                Kind::Skipped("cloudwatch-control-message"),
            ),
        ];
        for (name, value, expected) in cases {
            assert_eq!(detect_auto(value), Ok(expected), "{name}");
        }
    }

    #[test]
    fn containers_rejected_with_split_hint() {
        let cases = [
            (
                "log file",
                json!({"Records": [{}, {}]}),
                "2 records in `Records`",
            ),
            (
                "log file, Records not first",
                json!({"A": 1, "Records": []}),
                "0 records in `Records`",
            ),
            (
                "lookup-events output",
                json!({"Events": [{}], "NextToken": "t"}),
                "1 item in `Events`",
            ),
            (
                "cloudwatch payload",
                json!({"messageType": "DATA_MESSAGE", "logEvents": [{}, {}, {}]}),
                "3 log events in `logEvents`",
            ),
        ];
        for format in InputFormat::ALL {
            for (name, value, count) in &cases {
                let message = unsupported_message(detect(&object(value.clone()), format));
                assert!(message.contains(count), "{name} under {format}: {message}");
                assert!(
                    message.contains("rule-host scan"),
                    "{name} under {format}: {message}"
                );
                assert!(message.contains("one "), "{name} under {format}: {message}");
            }
        }
    }

    #[test]
    fn unknown_object_names_keys_and_shapes() {
        let message = unsupported_message(detect_auto(json!({"alpha": 1, "beta": 2})));

        assert!(message.contains("keys alpha, beta"), "{message}");
        assert!(message.contains("CloudTrail record"), "{message}");
        assert!(message.contains("EventBridge"), "{message}");
        assert!(message.contains("OCSF"), "{message}");
    }

    #[test]
    fn unknown_object_lists_few_keys() {
        let keys: Map<String, Value> = (0..20).map(|i| (format!("k{i:02}"), json!(i))).collect();

        let message = unsupported_message(detect(&keys, InputFormat::Auto));

        assert!(
            message.contains("keys k00, k01, k02, k03, k04 and 15 more"),
            "{message}"
        );
        assert!(!message.contains("k05"), "{message}");
    }

    #[test]
    fn empty_object_is_unknown() {
        let message = unsupported_message(detect_auto(json!({})));

        assert!(message.contains("no keys"), "{message}");
    }

    #[test]
    fn forced_format_takes_its_shape() {
        let record = json!({"eventSource": "lambda.amazonaws.com", "eventName": "DeleteFunction"});
        let cases = [
            (InputFormat::CloudTrail, record.clone(), Kind::CloudTrail),
            (
                InputFormat::EventBridge,
                json!({"detail-type": "x", "detail": {}}),
                Kind::EventBridge,
            ),
            (
                InputFormat::CloudWatchLogs,
                json!({"id": "1", "message": "{}"}),
                Kind::CloudWatchLogEvent,
            ),
            (
                InputFormat::LookupEvents,
                json!({"CloudTrailEvent": "{}"}),
                Kind::LookupEventsItem,
            ),
            (
                InputFormat::Ecs,
                json!({"@timestamp": "2024-01-01T00:00:00Z"}),
                Kind::Ecs,
            ),
            (InputFormat::Ocsf, json!({"class_uid": 6003}), Kind::Ocsf),
            (
                InputFormat::CloudTrail,
                json!({"digestS3Object": "a", "digestEndTime": "b"}),
                Kind::Skipped("cloudtrail-digest"),
            ),
            (
                InputFormat::CloudWatchLogs,
                json!({"messageType": "CONTROL_MESSAGE"}),
                Kind::Skipped("cloudwatch-control-message"),
            ),
        ];
        for (format, value, expected) in cases {
            assert_eq!(detect(&object(value), format), Ok(expected), "{format}");
        }
    }

    #[test]
    fn forced_format_overrides_detection_order() {
        // A record that a custom pipeline enriched with `@timestamp` reads as CloudTrail
        // unless the run forces the `ecs` format.
        let ecs_with_record_keys = json!({"@timestamp": "2024-01-01T00:00:00Z", "eventName": "X"});

        assert_eq!(
            detect_auto(ecs_with_record_keys.clone()),
            Ok(Kind::CloudTrail)
        );
        assert_eq!(
            detect(&object(ecs_with_record_keys), InputFormat::Ecs),
            Ok(Kind::Ecs)
        );
    }

    #[test]
    fn forced_format_rejects_other_shapes() {
        let record = json!({"eventSource": "lambda.amazonaws.com", "eventName": "DeleteFunction"});
        let ecs = json!({"@timestamp": "2024-01-01T00:00:00Z", "event": {}});
        let cases = [
            (InputFormat::CloudTrail, ecs.clone()),
            (InputFormat::EventBridge, record.clone()),
            (InputFormat::CloudWatchLogs, record.clone()),
            (InputFormat::LookupEvents, record.clone()),
            (InputFormat::Ecs, record.clone()),
            (InputFormat::Ocsf, record.clone()),
            (
                InputFormat::Ecs,
                json!({"digestS3Object": "a", "digestEndTime": "b"}),
            ),
            (
                InputFormat::CloudTrail,
                json!({"messageType": "CONTROL_MESSAGE"}),
            ),
        ];
        for (format, value) in cases {
            let message = unsupported_message(detect(&object(value), format));
            assert!(
                message.contains(&format!("`{format}`")),
                "{format}: {message}"
            );
            assert!(
                message.contains("choose the matching input format"),
                "{format}: {message}"
            );
        }
    }
}
